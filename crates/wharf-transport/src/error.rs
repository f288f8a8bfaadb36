//! One error type for everything that can go wrong on the way to a response.

use std::fmt;
use std::time::Duration;

use crate::request::{Provider, Request};

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The connection could not be made (refused, reset before a response, DNS).
    Connect,
    /// No connection within the connect timeout.
    ConnectTimeout,
    /// The server sent nothing for longer than the read timeout.
    ReadTimeout,
    /// One attempt took longer than its timeout.
    AttemptTimeout,
    /// The whole operation, retries included, took longer than its timeout.
    OperationTimeout,
    /// The connection broke while the response was being read.
    Io,
    /// The response body was larger than the cap.
    TooLarge,
    /// The server asked the caller to slow down: HTTP 429, or a UHub RetCode
    /// 153 (rate limited) or 150 (service unavailable).
    Throttled,
    /// The server answered with an error status.
    HttpStatus,
    /// The server answered 200 but the provider reported an error (a UHub RetCode).
    Provider,
    /// The response could not be decoded.
    Decode,
    /// A replay fixture has no exchange matching the request.
    ReplayMismatch,
    /// A fixture file could not be read or written.
    Fixture,
    /// The request was refused before sending (bad URL, plain HTTP to a remote host).
    InvalidRequest,
    /// The request could not be signed.
    Sign,
    /// The transport could not be set up (the HTTP client's TLS backend, say).
    Setup,
}

impl ErrorKind {
    fn describe(self) -> &'static str {
        match self {
            ErrorKind::Connect => "could not connect",
            ErrorKind::ConnectTimeout => "connect timed out",
            ErrorKind::ReadTimeout => "read timed out",
            ErrorKind::AttemptTimeout => "attempt timed out",
            ErrorKind::OperationTimeout => "operation timed out",
            ErrorKind::Io => "connection failed while reading the response",
            ErrorKind::TooLarge => "response body too large",
            ErrorKind::Throttled => "throttled by the server",
            ErrorKind::HttpStatus => "server returned an error",
            ErrorKind::Provider => "provider returned an error",
            ErrorKind::Decode => "could not decode the response",
            ErrorKind::ReplayMismatch => "no recorded exchange matches",
            ErrorKind::Fixture => "fixture file error",
            ErrorKind::InvalidRequest => "invalid request",
            ErrorKind::Sign => "could not sign the request",
            ErrorKind::Setup => "could not set up the transport",
        }
    }

    /// Whether a failure of this kind is worth another try when nothing else
    /// is known: connection failures, attempt timeouts, broken reads and
    /// throttling.
    fn is_transient(self) -> bool {
        matches!(
            self,
            ErrorKind::Connect
                | ErrorKind::ConnectTimeout
                | ErrorKind::ReadTimeout
                | ErrorKind::AttemptTimeout
                | ErrorKind::Io
                | ErrorKind::Throttled
        )
    }
}

/// An error from a transport, with what was being done and what the server said.
///
/// `Display` names the provider and operation, then the failure, the HTTP status,
/// the provider's error code and message, the request id and the number of
/// attempts, each when known.
#[derive(Debug)]
pub struct Error(Box<Inner>);

#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    provider: Option<Provider>,
    operation: Option<&'static str>,
    status: Option<http::StatusCode>,
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    retry_after: Option<Duration>,
    attempts: u32,
    transient: bool,
    detail: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    /// A new error of `kind` about `request`, with a human detail.
    pub fn new(kind: ErrorKind, request: &Request, detail: impl Into<String>) -> Self {
        let mut error = Error::without_request(kind, detail);
        error.0.provider = Some(request.provider);
        error.0.operation = Some(request.operation);
        error
    }

    /// A new error of `kind` that concerns no single request (a fixture file, say).
    pub fn without_request(kind: ErrorKind, detail: impl Into<String>) -> Self {
        Error(Box::new(Inner {
            kind,
            provider: None,
            operation: None,
            status: None,
            code: None,
            message: None,
            request_id: None,
            retry_after: None,
            attempts: 0,
            transient: kind.is_transient(),
            detail: Some(detail.into()).filter(|d| !d.is_empty()),
            source: None,
        }))
    }

    /// Attaches the underlying cause.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.0.source = Some(Box::new(source));
        self
    }

    /// Attaches the HTTP status.
    pub fn with_status(mut self, status: http::StatusCode) -> Self {
        self.0.status = Some(status);
        self
    }

    /// Attaches the provider's error code and message.
    pub fn with_provider_error(mut self, code: Option<String>, message: Option<String>) -> Self {
        self.0.code = code;
        self.0.message = message;
        self
    }

    /// Attaches the provider's request id.
    pub fn with_request_id(mut self, request_id: Option<String>) -> Self {
        self.0.request_id = request_id;
        self
    }

    /// Attaches the wait the server asked for.
    pub fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.0.retry_after = retry_after;
        self
    }

    /// Records how many attempts were made.
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.0.attempts = attempts;
        self
    }

    /// Marks whether another attempt might succeed, overriding what the kind
    /// implies: a [`Classifier`](crate::Classifier) marks the statuses and
    /// codes it retries.
    pub fn with_transient(mut self, transient: bool) -> Self {
        self.0.transient = transient;
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The provider, when known.
    pub fn provider(&self) -> Option<Provider> {
        self.0.provider
    }

    /// The operation, when known.
    pub fn operation(&self) -> Option<&'static str> {
        self.0.operation
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<http::StatusCode> {
        self.0.status
    }

    /// The provider's error code (SWR `errorCode`, UHub `RetCode`).
    pub fn code(&self) -> Option<&str> {
        self.0.code.as_deref()
    }

    /// The provider's error message.
    pub fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }

    /// The provider's request id, when the response had one.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// The wait the server asked for with `Retry-After`, when it gave one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }

    /// How many attempts were made (0 when the error came from outside a retry loop).
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }

    /// What was found wrong, beyond the kind (a timeout's limit, a cause).
    pub fn detail(&self) -> Option<&str> {
        self.0.detail.as_deref()
    }

    /// Whether another attempt might succeed: connection failures, attempt
    /// timeouts, broken reads, throttling, and the statuses and codes a
    /// [`Classifier`](crate::Classifier) retries (HTTP 5xx, UHub RetCodes
    /// above 2000). An error [`Retrying`](crate::Retrying) returns may be
    /// transient and still final: its attempts or time ran out.
    pub fn is_transient(&self) -> bool {
        self.0.transient
    }

    /// Whether the server asked the caller to slow down.
    pub fn is_throttled(&self) -> bool {
        self.0.kind == ErrorKind::Throttled
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0;
        if let (Some(provider), Some(operation)) = (e.provider, e.operation) {
            write!(f, "{provider} {operation}: ")?;
        }
        f.write_str(e.kind.describe())?;
        if let Some(status) = e.status {
            write!(f, ": HTTP {status}")?;
        }
        match (&e.code, &e.message) {
            (Some(code), Some(message)) => write!(f, ", {code}: {message}")?,
            (Some(code), None) => write!(f, ", code {code}")?,
            (None, Some(message)) => write!(f, ", {message}")?,
            (None, None) => {}
        }
        if let Some(detail) = &e.detail {
            write!(f, ": {detail}")?;
        }
        if let Some(wait) = e.retry_after {
            write!(f, " (server asked to wait {}s)", wait.as_secs_f64())?;
        }
        if let Some(id) = &e.request_id {
            write!(f, " [request id {id}]")?;
        }
        if e.attempts > 1 {
            write!(f, " after {} attempts", e.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_says_what_happened_to_which_operation() {
        let request = Request::get(Provider::Swr, "list_repos", "https://x/v2/manage/repos");
        let e = Error::new(ErrorKind::Throttled, &request, "")
            .with_status(http::StatusCode::TOO_MANY_REQUESTS)
            .with_provider_error(Some("SVCSTG.SWR.4290001".into()), Some("throttled".into()))
            .with_request_id(Some("req-1".into()))
            .with_retry_after(Some(Duration::from_secs(2)))
            .with_attempts(3);
        assert_eq!(
            e.to_string(),
            "swr list_repos: throttled by the server: HTTP 429 Too Many Requests, \
             SVCSTG.SWR.4290001: throttled (server asked to wait 2s) [request id req-1] after 3 attempts"
        );
        assert_eq!(e.retry_after(), Some(Duration::from_secs(2)));
        assert!(e.is_throttled() && e.is_transient());
    }

    #[test]
    fn transient_follows_the_kind_unless_marked() {
        let request = Request::get(Provider::Swr, "list_repos", "https://x/");
        assert!(Error::new(ErrorKind::Io, &request, "").is_transient());
        assert!(!Error::new(ErrorKind::HttpStatus, &request, "").is_transient());
        let marked = Error::new(ErrorKind::HttpStatus, &request, "").with_transient(true);
        assert!(marked.is_transient());
        assert!(!Error::new(ErrorKind::Decode, &request, "").is_transient());
    }
}
