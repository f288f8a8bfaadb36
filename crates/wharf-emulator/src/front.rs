//! The layer in front of every handler: request ids, latency, faults and the
//! request log.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::faults::Fault;
use crate::serve::ResetHandle;
use crate::server::{FaultDecision, Shared};
use crate::{swr, uhub};

/// SWR's request id header.
pub(crate) const SWR_REQUEST_ID: &str = "x-request-id";
/// UHub's request id header.
pub(crate) const UHUB_REQUEST_ID: &str = "x-ucloud-request-uuid";

/// Which API a request is for: UHub lives at `/`, SWR everywhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Protocol {
    Swr,
    Uhub,
}

impl Protocol {
    fn of(path: &str) -> Protocol {
        if path == "/" || path.is_empty() {
            Protocol::Uhub
        } else {
            Protocol::Swr
        }
    }
}

/// Adds the request id, waits the latency, injects the fault, logs the request.
pub(crate) async fn front(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let protocol = Protocol::of(request.uri().path());
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let id = shared.request_id(protocol == Protocol::Uhub);
    let latency = shared.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let decision = shared.next_fault();
    let mut response = match decision.fault {
        None => next.run(request).await,
        Some(fault) => inject(fault, &decision, protocol, request, next).await,
    };
    let name = match protocol {
        Protocol::Swr => SWR_REQUEST_ID,
        Protocol::Uhub => UHUB_REQUEST_ID,
    };
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(name, value);
    }
    tracing::info!(
        target: "wharf_emulator::request",
        %method,
        path,
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        request_id = id,
        fault = decision.fault.map(Fault::name),
    );
    response
}

/// Answers with `fault` instead of (or on top of) the real response.
async fn inject(
    fault: Fault,
    decision: &FaultDecision,
    protocol: Protocol,
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
        Fault::RateLimited if protocol == Protocol::Uhub => uhub::rate_limited(request).await,
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

fn too_many(protocol: Protocol, retry_after: u64) -> Response {
    let mut response = match protocol {
        Protocol::Swr => swr::gateway_error(
            StatusCode::TOO_MANY_REQUESTS,
            "APIGW.0308",
            "The throttling threshold has been reached: policy user over ratelimit (injected fault)",
        ),
        Protocol::Uhub => (StatusCode::TOO_MANY_REQUESTS, "Too Many Requests\n").into_response(),
    };
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    response
}

fn internal_error(protocol: Protocol) -> Response {
    match protocol {
        Protocol::Swr => swr::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            swr::CODE_INTERNAL,
            "Internal server error (injected fault)",
        ),
        Protocol::Uhub => {
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
