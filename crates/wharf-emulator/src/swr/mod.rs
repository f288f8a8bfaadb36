//! The SWR API, one module per area: [`repositories`] (list repositories,
//! show a repository, delete a tag), [`namespaces`] (list namespaces),
//! [`tags`] (a repository's tags, one of them), [`official`] (the official
//! images, one of them and its tags). What they share: [`path`] reads the paths under a repository,
//! [`filter`] the `filter`-or-plain parameters of the calls whose keys are
//! not list repositories', [`ids`] draws the ids the dataset does not hold,
//! [`content_range`] writes the `Content-Range` header in a chosen shape;
//! here, SWR's error bodies and the gateway's, and the signature check every
//! SWR endpoint is behind.
//!
//! The modules here depend on [`data`](crate::data), [`state`](crate::state),
//! [`hash`](crate::hash) and the helpers of [`http`](crate::http) (`body`,
//! `json`, `params`), never on `uhub`; [`content_range`] depends on nothing
//! in the crate, since the state holds its shape.
//!
//! Error codes the emulator sends (its own choice where Huawei documents none):
//!
//! | status | code | when |
//! |---|---|---|
//! | 400 | `SVCSTG.SWR.4001048` | a bad, repeated or empty query parameter or a bad path segment, named in the message; a body over 1 MiB or unreadable (`body`) |
//! | 401 | `APIGW.0301` | no credentials, unknown AK or token, bad signature, date out of range |
//! | 404 | `SVCSTG.SWR.4040002` | no such official image, namespace, repository or tag (list tags, show repository, show or delete a tag) |
//! | 404 | `APIGW.0101` | no such API (path or method) |
//! | 429 | `APIGW.0308` | over the rate limit (no `Retry-After`), or an injected fault (with one) |
//! | 500 | `SVCSTG.SWR.5000001` | only as an injected fault |

pub(crate) mod content_range;
pub(crate) mod filter;
pub(crate) mod ids;
pub(crate) mod namespaces;
pub(crate) mod official;
pub(crate) mod path;
pub(crate) mod repositories;
pub(crate) mod tags;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use wharf_auth::huawei::ReceivedRequest;
use wharf_model::SwrError;

use crate::http::body::{self, BodyError};
use crate::http::json::json;
use crate::http::params::ParamError;
use crate::state::Shared;

pub use content_range::{ContentRangeShape, ContentRangeShapeError};

/// A bad parameter.
pub(crate) const CODE_BAD_PARAM: &str = "SVCSTG.SWR.4001048";
/// No such image.
pub(crate) const CODE_NOT_FOUND: &str = "SVCSTG.SWR.4040002";
/// An internal error (injected only).
pub(crate) const CODE_INTERNAL: &str = "SVCSTG.SWR.5000001";

/// An SWR error body: `{"errorCode": ..., "errorMessage": ...}`.
pub(crate) fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    json(status, &SwrError::new(code, message))
}

/// An SWR error to answer with.
#[derive(Debug)]
pub(crate) struct Fail {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        error(self.status, self.code, self.message)
    }
}

/// A `404` saying what does not exist.
pub(crate) fn not_found(message: String) -> Fail {
    Fail {
        status: StatusCode::NOT_FOUND,
        code: CODE_NOT_FOUND,
        message,
    }
}

/// A `400` naming the bad parameter.
pub(crate) fn bad_param(name: &str, problem: impl std::fmt::Display) -> Fail {
    Fail {
        status: StatusCode::BAD_REQUEST,
        code: CODE_BAD_PARAM,
        message: format!("Invalid parameter {name}: {problem}"),
    }
}

impl From<ParamError> for Fail {
    fn from(e: ParamError) -> Self {
        bad_param(e.name(), e.problem())
    }
}

/// The answer to a request body that could not be read.
pub(crate) fn bad_body(e: &BodyError) -> Response {
    bad_param("body", e).into_response()
}

/// An API gateway error body: `{"error_code": ..., "error_msg": ...}`.
pub(crate) fn gateway_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({ "error_code": code, "error_msg": message });
    json(status, &body)
}

/// The gateway's answer to a path or method it does not know.
pub(crate) async fn unknown_api() -> Response {
    no_such_api()
}

/// [`unknown_api`], for a handler that answers without waiting.
pub(crate) fn no_such_api() -> Response {
    gateway_error(
        StatusCode::NOT_FOUND,
        "APIGW.0101",
        "The API does not exist or has not been published in the environment",
    )
}

/// SWR's throttling answer (the `--rate-limit` bucket is empty): HTTP 429
/// (api-notes 1.4) with the API gateway's `APIGW.0308` body, the code as
/// Huawei's API signing guide lists it and the message as its FAQ pages
/// quote it, and no `Retry-After`: no document says the gateway sends one.
pub(crate) fn throttled(per_second: u32) -> Response {
    let message = format!(
        "The throttling threshold has been reached: policy user over ratelimit,limit:{per_second},time:1 second"
    );
    gateway_error(StatusCode::TOO_MANY_REQUESTS, "APIGW.0308", &message)
}

/// Refuses a request without a valid signature or token with `401`.
pub(crate) async fn check_auth(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let auth = shared.auth();
    if !auth.enabled {
        return next.run(request).await;
    }
    let body = body::received(request.extensions());
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let uri = request.uri();
    let received = ReceivedRequest::new(request.method().as_str(), uri.path())
        .with_query(uri.query().unwrap_or(""))
        .with_headers(&headers)
        .with_body(&body);
    if let Err(message) = auth.check_swr(&received) {
        tracing::debug!("wharf-emulator: refused: {message}");
        return gateway_error(StatusCode::UNAUTHORIZED, "APIGW.0301", &message);
    }
    next.run(request).await
}
