//! The layer in front of every handler: request ids, the delete count,
//! latency, the rate limit, faults and the request log.

use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::body::{self, BodyError};
use super::connection::ResetHandle;
use crate::faults::Fault;
use crate::state::{FaultDecision, Shared};
use wharf_model::Provider;

use crate::{control, swr, uhub};

/// Which API a request is for: UHub answers at exactly `/`; anything
/// else, a target that is no path at all (`GET a HTTP/1.1`) included, is
/// SWR's, so that an answer's request-id header and body always come from
/// one provider.
fn provider_of(path: &str) -> Provider {
    if path == "/" {
        Provider::Uhub
    } else {
        Provider::Swr
    }
}

/// Reads the body, adds the request id, counts a delete, waits the
/// latency, applies the rate limit, injects the fault, logs the request.
///
/// The body is read here, whole and bounded, for every request, whether a
/// handler wants it or not: a connection whose request body was left unread
/// cannot carry another request, and hyper would close it without saying so.
/// A body that cannot be read (too large, broken) is refused in the
/// provider's shape with `Connection: close`.
///
/// A delete request (SWR's DeleteRepoTag by its method and path, UHub's
/// DeleteRepoImage by its `Action`) is counted when it arrives, whatever
/// its answer: throttled, faulted and refused ones too. The rate limit is
/// checked after the latency and before the fault: a throttled request
/// gets the provider's throttling answer, not its fault. The control route
/// gets neither, nor latency, and does not move the count that decides
/// faults.
pub(crate) async fn front(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let protocol = provider_of(request.uri().path());
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let control = shared.control && path == control::PUSH_PATH;
    if protocol == Provider::Swr && method == Method::DELETE && swr::path::is_delete_tag(&path) {
        shared.count_delete();
    }
    let (parts, body) = request.into_parts();
    let decision = match control {
        true => shared.unfaulted(),
        false => shared.next_fault(),
    };
    // Made on arrival, not when the answer is ready: seeded ids then follow
    // the order requests came in, which a client sending one at a time fixes.
    let id = shared.request_id(decision.arrival, protocol == Provider::Uhub);
    let mut response = match body::read(&parts.headers, body).await {
        Err(e) => unreadable_body(protocol, &e),
        Ok(bytes) => {
            if protocol == Provider::Uhub
                && uhub::is_delete(&parts.method, &parts.uri, &parts.headers, &bytes)
            {
                shared.count_delete();
            }
            let mut request = Request::from_parts(parts, Body::from(bytes.clone()));
            request.extensions_mut().insert(body::Received(bytes));
            if control {
                next.run(request).await
            } else {
                let latency = shared.latency();
                if !latency.is_zero() {
                    tokio::time::sleep(latency).await;
                }
                match (shared.admit(protocol), decision.fault) {
                    (Err(limit), _) => throttled(protocol, limit, request),
                    (Ok(()), None) => next.run(request).await,
                    (Ok(()), Some(fault)) => {
                        inject(fault, &decision, protocol, request, next).await
                    }
                }
            }
        }
    };
    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(protocol.request_id_header(), value);
    }
    if shared.log_requests.load(Ordering::Relaxed)
        && tracing::enabled!(target: "wharf_emulator::request", tracing::Level::INFO)
    {
        log_request(
            &shared,
            &method,
            &path,
            &response,
            started,
            &id,
            decision.fault,
        );
    }
    response
}

/// The answer to a request over the rate limit of `per_second`, as each
/// provider throttles: SWR HTTP 429 with the gateway's `APIGW.0308` body,
/// UHub HTTP 200 with `RetCode` 153. Neither sends `Retry-After`: neither
/// provider documents one.
fn throttled(protocol: Provider, per_second: u32, request: Request) -> Response {
    match protocol {
        Provider::Uhub => {
            let message = format!("Request rate limited: more than {per_second} requests a second");
            uhub::rate_limited(request, &message)
        }
        _ => swr::throttled(per_second),
    }
}

/// The answer to a body that could not be read, closing the connection:
/// what is left of the body is never read.
fn unreadable_body(protocol: Provider, e: &BodyError) -> Response {
    let mut response = match protocol {
        Provider::Swr => swr::bad_body(e),
        Provider::Uhub => uhub::bad_body(e),
    };
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Request lines logged per second at most; the rest are counted, and the
/// count is logged with the next line that is let through.
const LOG_LINES_PER_SECOND: u32 = 20;

/// One line per request, at most [`LOG_LINES_PER_SECOND`] a second, so a
/// benchmark's load does not turn into gigabytes of log.
fn log_request(
    shared: &Shared,
    method: &axum::http::Method,
    path: &str,
    response: &Response,
    started: Instant,
    id: &str,
    fault: Option<Fault>,
) {
    let second = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let dropped = {
        let mut budget = shared
            .log_budget
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if budget.0 != second {
            budget.0 = second;
            budget.1 = 0;
        }
        if budget.1 >= LOG_LINES_PER_SECOND {
            budget.2 += 1;
            return;
        }
        budget.1 += 1;
        std::mem::take(&mut budget.2)
    };
    tracing::info!(
        target: "wharf_emulator::request",
        %method,
        path,
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        request_id = id,
        fault = fault.map(Fault::name),
        not_logged_before = (dropped > 0).then_some(dropped),
    );
}

/// Answers with `fault` instead of (or on top of) the real response.
async fn inject(
    fault: Fault,
    decision: &FaultDecision,
    protocol: Provider,
    request: Request,
    next: Next,
) -> Response {
    match fault {
        Fault::Stall => {
            tokio::time::sleep(decision.stall).await;
            next.run(request).await
        }
        Fault::ConnectionReset => reset(request).await,
        Fault::TruncatedBody => truncate(next.run(request).await).await,
        Fault::RateLimited if protocol == Provider::Uhub => {
            uhub::rate_limited(request, "Request rate limited (injected fault)")
        }
        Fault::TooManyRequests | Fault::RateLimited => too_many(protocol, decision.retry_after),
        Fault::InternalError => internal_error(protocol),
        Fault::BadGateway => gateway_page(StatusCode::BAD_GATEWAY),
        Fault::Unavailable => gateway_page(StatusCode::SERVICE_UNAVAILABLE),
    }
}

/// Resets the connection; never answers. Without a connection to reset (the
/// router driven in-process), answers 502.
async fn reset(request: Request) -> Response {
    match request.extensions().get::<ResetHandle>() {
        Some(handle) => {
            handle.reset();
            std::future::pending::<Response>().await
        }
        None => gateway_page(StatusCode::BAD_GATEWAY),
    }
}

/// Sends the head of `response` with a `Content-Length` for the whole body,
/// half of the body, then closes the connection.
async fn truncate(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 64 << 20)
        .await
        .unwrap_or_default();
    let promised = bytes.len().max(1);
    let sent = bytes.slice(..bytes.len() / 2);
    parts.headers.remove(header::TRANSFER_ENCODING);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(promised));
    let first = futures::stream::iter([Ok::<Bytes, std::io::Error>(sent)]);
    let fail = futures::stream::once(async {
        // Let the first half reach the socket before the connection closes.
        tokio::time::sleep(Duration::from_millis(50)).await;
        Err(std::io::Error::other("injected fault: truncated body"))
    });
    let stream = futures::StreamExt::chain(first, fail);
    Response::from_parts(parts, Body::from_stream(stream))
}

fn too_many(protocol: Provider, retry_after: u64) -> Response {
    let mut response = match protocol {
        Provider::Swr => swr::gateway_error(
            StatusCode::TOO_MANY_REQUESTS,
            "APIGW.0308",
            "The throttling threshold has been reached: policy user over ratelimit (injected fault)",
        ),
        Provider::Uhub => (StatusCode::TOO_MANY_REQUESTS, "Too Many Requests\n").into_response(),
    };
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    response
}

fn internal_error(protocol: Provider) -> Response {
    match protocol {
        Provider::Swr => swr::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            swr::CODE_INTERNAL,
            "Internal server error (injected fault)",
        ),
        Provider::Uhub => {
            (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error\n").into_response()
        }
    }
}

/// The HTML page a gateway sends for 502 and 503.
fn gateway_page(status: StatusCode) -> Response {
    let reason = status.canonical_reason().unwrap_or("Error");
    let code = status.as_u16();
    let html = format!(
        "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n<center><h1>{code} {reason}</h1></center>\r\n</body>\r\n</html>\r\n"
    );
    (status, [(header::CONTENT_TYPE, "text/html")], html).into_response()
}
