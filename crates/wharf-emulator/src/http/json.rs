//! JSON response bodies.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The content type of every JSON answer, as SWR sends it.
pub(crate) const JSON_UTF8: &str = "application/json;charset=UTF-8";

/// `value` as a JSON response with `status`.
pub(crate) fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => {
            let content_type = HeaderValue::from_static(JSON_UTF8);
            (status, [(header::CONTENT_TYPE, content_type)], bytes).into_response()
        }
        Err(e) => {
            tracing::error!("wharf-emulator: cannot encode a response: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `value` as a `200 OK` JSON response.
pub(crate) fn ok<T: Serialize>(value: &T) -> Response {
    json(StatusCode::OK, value)
}
