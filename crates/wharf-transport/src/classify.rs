//! Deciding, per provider, whether a response is a success, worth another try, or
//! a final failure.

use std::fmt::Debug;

use http::StatusCode;
use serde::Deserialize;
use wharf_model::{RetCode, SwrError};

use crate::{Error, ErrorKind, Request, Response};

/// What to do with a response.
#[derive(Debug)]
#[non_exhaustive]
pub enum Verdict {
    /// Hand it to the caller.
    Success,
    /// Try again (after a backoff), unless attempts or time ran out.
    Retry(Error),
    /// Give up with this error.
    Fail(Error),
}

/// Reads a provider's response for success, transient failure or final failure.
///
/// The provider layer picks one: [`SwrClassifier`] or [`UhubClassifier`].
pub trait Classifier: Debug + Send + Sync {
    /// Classifies one response to `request`.
    fn classify(&self, request: &Request, response: &Response) -> Verdict;
}

/// HTTP statuses worth retrying: throttling and the server-side failures that
/// usually pass. Every request wharf retries is an idempotent read.
pub fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

/// SWR: 2xx is success; 429 ([`ErrorKind::Throttled`]), 500, 502, 503 and 504
/// are retried; other statuses fail with the code and message of the SWR
/// error body.
#[derive(Debug, Clone, Copy, Default)]
pub struct SwrClassifier;

impl Classifier for SwrClassifier {
    fn classify(&self, request: &Request, response: &Response) -> Verdict {
        status_verdict(request, response).unwrap_or(Verdict::Success)
    }
}

/// UHub: HTTP statuses as for SWR; then the `RetCode` of a 200 body: 0 is
/// success, 150 (service unavailable) and 153 (rate limited) are retried as
/// [`ErrorKind::Throttled`], codes above 2000 are retried, anything else fails
/// with the code and `Message`.
#[derive(Debug, Clone, Copy, Default)]
pub struct UhubClassifier;

/// The two fields of a UHub envelope the classifier needs.
#[derive(Deserialize)]
struct UhubHead {
    #[serde(rename = "RetCode")]
    ret_code: RetCode,
    #[serde(rename = "Message")]
    message: Option<String>,
}

impl UhubClassifier {
    /// Whether a non-zero RetCode is worth another try.
    pub fn is_retryable_code(code: RetCode) -> bool {
        code.is_throttling() || code.code() > 2000
    }
}

impl Classifier for UhubClassifier {
    fn classify(&self, request: &Request, response: &Response) -> Verdict {
        if let Some(verdict) = status_verdict(request, response) {
            return verdict;
        }
        let head: UhubHead = match serde_json::from_slice(&response.body) {
            Ok(head) => head,
            Err(e) => {
                let start: String = String::from_utf8_lossy(&response.body)
                    .chars()
                    .take(200)
                    .collect();
                let detail = format!("not a UHub response ({e}); the body began {start:?}");
                let error = error_for(ErrorKind::Decode, request, response, &detail).with_source(e);
                return Verdict::Fail(error);
            }
        };
        let code = head.ret_code;
        if code.is_success() {
            return Verdict::Success;
        }
        let kind = if code.is_throttling() {
            ErrorKind::Throttled
        } else {
            ErrorKind::Provider
        };
        let error = error_for(kind, request, response, "")
            .with_provider_error(Some(code.to_string()), head.message);
        if UhubClassifier::is_retryable_code(code) {
            Verdict::Retry(error.with_transient(true))
        } else {
            Verdict::Fail(error)
        }
    }
}

/// The verdict for a non-2xx status, or `None` for 2xx.
fn status_verdict(request: &Request, response: &Response) -> Option<Verdict> {
    if response.status.is_success() {
        return None;
    }
    let body = serde_json::from_slice(&response.body)
        .ok()
        .map(SwrError::from_value);
    let (code, message) = match &body {
        Some(body) => (
            body.code().map(str::to_owned),
            body.message().map(str::to_owned),
        ),
        None => (None, None),
    };
    let kind = if response.status == StatusCode::TOO_MANY_REQUESTS {
        ErrorKind::Throttled
    } else {
        ErrorKind::HttpStatus
    };
    let detail = redirect_detail(response).unwrap_or_default();
    let error = error_for(kind, request, response, &detail).with_provider_error(code, message);
    Some(if is_retryable_status(response.status) {
        Verdict::Retry(error.with_transient(true))
    } else {
        Verdict::Fail(error)
    })
}

/// Says where a 3xx pointed: the HTTP backend follows no redirect, since the
/// registry APIs send none and following one could carry the request's
/// credentials to another host.
fn redirect_detail(response: &Response) -> Option<String> {
    if !response.status.is_redirection() {
        return None;
    }
    let location = response.headers.get(http::header::LOCATION).map(|l| {
        String::from_utf8_lossy(l.as_bytes())
            .chars()
            .take(200)
            .collect::<String>()
    });
    Some(match location {
        Some(location) => format!("redirected to {location:?}, not followed"),
        None => "a redirect without a Location, not followed".to_owned(),
    })
}

fn error_for(kind: ErrorKind, request: &Request, response: &Response, detail: &str) -> Error {
    Error::new(kind, request, detail)
        .with_status(response.status)
        .with_request_id(response.request_id(request.provider).map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Provider;

    fn uhub(body: &str) -> Verdict {
        let request = Request::get(Provider::Uhub, "GetRepoImage", "http://127.0.0.1/");
        UhubClassifier.classify(&request, &Response::new(StatusCode::OK, body.to_owned()))
    }

    #[test]
    fn uhub_codes() {
        assert!(matches!(uhub(r#"{"RetCode":0}"#), Verdict::Success));
        for throttled in [
            r#"{"RetCode":153,"Message":"slow down"}"#,
            r#"{"RetCode":"150"}"#,
        ] {
            match uhub(throttled) {
                Verdict::Retry(e) => assert!(e.is_throttled() && e.is_transient(), "{e}"),
                other => panic!("{other:?}"),
            }
        }
        match uhub(r#"{"RetCode":2001}"#) {
            Verdict::Retry(e) => assert!(e.kind() == ErrorKind::Provider && e.is_transient()),
            other => panic!("{other:?}"),
        }
        match uhub(r#"{"RetCode":171,"Message":"Signature VerifyAC Error"}"#) {
            Verdict::Fail(e) => {
                assert_eq!(e.code(), Some("171"));
                assert_eq!(
                    e.to_string(),
                    "uhub GetRepoImage: provider returned an error: HTTP 200 OK, 171: Signature VerifyAC Error"
                );
            }
            other => panic!("{other:?}"),
        }
        match uhub("<html>") {
            Verdict::Fail(e) => {
                assert_eq!(e.kind(), ErrorKind::Decode);
                assert!(e.to_string().contains(r#"the body began "<html>""#), "{e}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn swr_statuses() {
        let request = Request::get(Provider::Swr, "list_repos", "http://127.0.0.1/");
        for (status, retry) in [
            (429, true),
            (500, true),
            (502, true),
            (503, true),
            (504, true),
            (400, false),
            (401, false),
            (404, false),
            (501, false),
        ] {
            let response = Response::new(
                StatusCode::from_u16(status).unwrap(),
                r#"{"errorCode":"SVCSTG.SWR.4001048","errorMessage":"bad"}"#,
            );
            match SwrClassifier.classify(&request, &response) {
                Verdict::Retry(e) => {
                    assert!(retry && e.is_transient(), "{status}: {e}");
                    assert_eq!(e.is_throttled(), status == 429, "{status}: {e}");
                }
                Verdict::Fail(e) => {
                    assert!(!retry && !e.is_transient(), "{status}: {e}");
                    assert_eq!(e.code(), Some("SVCSTG.SWR.4001048"));
                }
                Verdict::Success => panic!("{status} is not a success"),
            }
        }
    }
}
