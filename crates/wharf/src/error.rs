//! One error type for every operation of every provider.

use std::fmt;
use std::time::Duration;

use wharf_transport::{ErrorKind as TransportKind, Provider};

use crate::credentials::CredentialSource;
use crate::paginate::CatalogChange;

/// What kind of failure an [`Error`] is: match on it to decide what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The repository, image, tag or namespace does not exist (HTTP 404).
    NotFound,
    /// The credentials were refused (HTTP 401, a UHub signature or key error).
    Unauthorized,
    /// The credentials are valid but may not do this (HTTP 403, UHub IAM or IP
    /// checks).
    Forbidden,
    /// The server asked the caller to slow down, and retries ran out (HTTP
    /// 429, UHub RetCode 153 or 150).
    Throttled,
    /// The server refused the request as malformed (HTTP 400, other 4xx, UHub
    /// parameter errors).
    BadRequest,
    /// The server failed (HTTP 5xx, other UHub RetCodes), and retries ran out.
    Server,
    /// The connection failed, broke, or the body was over the size cap.
    Transport,
    /// A time limit ran out: connecting, waiting for data, one attempt, or
    /// the whole operation; [`Error::timeout_limit`] says which.
    Timeout,
    /// The response could not be read as the provider's format.
    Decode,
    /// The catalog changed while it was being listed, so the listing could
    /// not stay exact (see [`CatalogChange`]).
    CatalogChanged,
    /// The server's pages do not add up: it answered another offset than the
    /// one asked, or a page made no progress.
    Paging,
    /// An argument was refused before any request: a name, a page size.
    InvalidInput,
    /// The client could not be set up: a bad endpoint, catalog spec,
    /// credentials, or no credentials where some are needed.
    Config,
    /// A test's replay fixture has no exchange for the request, or could not
    /// be read: the test, not the service, is wrong.
    Replay,
    /// A local file could not be read or written: a plan, a journal (a full
    /// disk, say). [`std::error::Error::source`] is the `io::Error`.
    Io,
    /// The catalog cannot do this at all, such as deleting a tag of SWR's
    /// official images ([`Capabilities::deletes_tags`](crate::catalog::Capabilities::deletes_tags)).
    Unsupported,
}

/// Which time limit ran out, for an [`ErrorKind::Timeout`]: the four
/// limits of [`Timeouts`](crate::Timeouts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutLimit {
    /// No connection within `Timeouts::connect`.
    Connect,
    /// Nothing received for `Timeouts::read`.
    Read,
    /// One attempt took longer than `Timeouts::attempt`.
    Attempt,
    /// The whole operation, retries included, took longer than
    /// `Timeouts::operation`.
    Operation,
}

impl TimeoutLimit {
    /// The limit that a transport error of `kind` reports.
    fn of(kind: TransportKind) -> Option<TimeoutLimit> {
        match kind {
            TransportKind::ConnectTimeout => Some(TimeoutLimit::Connect),
            TransportKind::ReadTimeout => Some(TimeoutLimit::Read),
            TransportKind::AttemptTimeout => Some(TimeoutLimit::Attempt),
            TransportKind::OperationTimeout => Some(TimeoutLimit::Operation),
            _ => None,
        }
    }
}

impl ErrorKind {
    fn describe(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "not found",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::Throttled => "throttled",
            ErrorKind::BadRequest => "bad request",
            ErrorKind::Server => "server error",
            ErrorKind::Transport => "transport error",
            ErrorKind::Timeout => "timed out",
            ErrorKind::Decode => "could not decode the response",
            ErrorKind::CatalogChanged => "the catalog changed during the listing",
            ErrorKind::Paging => "the server's pages do not add up",
            ErrorKind::InvalidInput => "invalid input",
            ErrorKind::Config => "invalid configuration",
            ErrorKind::Replay => "replay failed",
            ErrorKind::Unsupported => "not supported by this catalog",
            ErrorKind::Io => "file error",
        }
    }
}

/// An error from a wharf client, with everything known about it.
///
/// `Display` says what failed (provider and operation), the provider's code
/// and message, the request id and the number of attempts; for 401 and 403,
/// where the credentials came from (variable names, never values); for a
/// decode error, the field and the start of the body.
///
/// `Display` and [`source`](std::error::Error::source) never repeat each
/// other: where wharf's line already tells the cause (the transport's
/// words, a credential or name rule broken), `source()` is `None`; a cause
/// given with [`with_source`](Error::with_source) is not in the line and
/// comes from `source()`. So `{:#}` in anyhow, or a loop over `source()`,
/// prints each thing once.
///
/// A [`Catalog`](crate::Catalog) or [`Transport`](crate::Transport) of your
/// own builds one with [`Error::new`] and [`with_source`](Error::with_source);
/// the errors of wharf's own parts convert with `?` (a
/// [`transport::Error`](crate::transport::Error), credentials, names, specs,
/// filters).
pub struct Error(Box<Inner>);

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
    detail: Option<String>,
    credentials: Option<CredentialSource>,
    body_start: Option<String>,
    change: Option<CatalogChange>,
    timeout: Option<TimeoutLimit>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
    /// Whether `Display` already tells what `source` says.
    source_shown: bool,
}

/// How much of a body a decode error keeps.
const BODY_START: usize = 200;

impl Error {
    /// An error of `kind` with a detail a person can read: for a
    /// [`Catalog`](crate::Catalog) of your own, and for test doubles. (A
    /// [`Transport`](crate::Transport) returns
    /// [`transport::Error`](crate::transport::Error), which the clients turn
    /// into this one.)
    pub fn new(kind: ErrorKind, detail: impl Into<String>) -> Self {
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
            detail: Some(detail.into()).filter(|d| !d.is_empty()),
            credentials: None,
            body_start: None,
            change: None,
            timeout: None,
            source: None,
            source_shown: false,
        }))
    }

    /// With `source` as the cause, which `Display` does not repeat and
    /// [`source()`](std::error::Error::source) returns.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.0.source = Some(Box::new(source));
        self.0.source_shown = false;
        self
    }

    /// Says which call failed.
    pub(crate) fn during(mut self, provider: Provider, operation: &'static str) -> Self {
        self.0.provider = Some(provider);
        self.0.operation = Some(operation);
        self
    }

    /// Keeps the start of the body that failed to decode.
    pub(crate) fn with_body(mut self, body: &[u8]) -> Self {
        let text = String::from_utf8_lossy(body);
        let start: String = text.chars().take(BODY_START).collect();
        self.0.body_start = Some(start);
        self
    }

    pub(crate) fn with_request_id(mut self, request_id: Option<String>) -> Self {
        self.0.request_id = request_id;
        self
    }

    /// With `source` kept as the cause whose words the detail already
    /// carries: `source()` does not return it again.
    pub(crate) fn told(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.0.source = Some(Box::new(source));
        self.0.source_shown = true;
        self
    }

    pub(crate) fn changed(change: CatalogChange) -> Self {
        let mut error = Error::new(ErrorKind::CatalogChanged, change.to_string());
        error.0.change = Some(change);
        error
    }

    /// Reads a transport error: its kind by status and provider code, and
    /// everything the server said.
    pub(crate) fn from_transport(
        e: wharf_transport::Error,
        credentials: &CredentialSource,
    ) -> Self {
        let kind = kind_of(&e);
        let mut error = Error::new(kind, "");
        let inner = &mut error.0;
        inner.provider = e.provider();
        inner.operation = e.operation();
        inner.status = e.status();
        inner.code = e.code().map(str::to_owned);
        inner.message = e.message().map(str::to_owned);
        inner.request_id = e.request_id().map(str::to_owned);
        inner.retry_after = e.retry_after();
        inner.attempts = e.attempts();
        inner.timeout = TimeoutLimit::of(e.kind());
        if matches!(kind, ErrorKind::Unauthorized | ErrorKind::Forbidden) {
            inner.credentials = Some(credentials.clone());
        }
        // The transport's own words (what timed out, what broke) stay as the
        // source, shown after ours.
        if inner.code.is_none() && inner.message.is_none() {
            // The transport's words: what broke, and why.
            inner.detail = Some(match e.detail() {
                Some(detail) => format!("{}: {detail}", e.kind()),
                None => e.kind().to_string(),
            });
        }
        // Every word of the transport's is in the line already.
        error.told(e)
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The provider, when a call was made.
    pub fn provider(&self) -> Option<Provider> {
        self.0.provider
    }

    /// The operation, such as `list_repos` or `GetRepoImage`.
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

    /// The provider's request id, for a support ticket.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// The wait the server asked for with `Retry-After`, when it gave one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }

    /// How many attempts were made (0 when none was).
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }

    /// For an unauthorized or forbidden call, where its credentials came from.
    pub fn credentials(&self) -> Option<&CredentialSource> {
        self.0.credentials.as_ref()
    }

    /// For a decode error, the start of the body that could not be read.
    pub fn body_start(&self) -> Option<&str> {
        self.0.body_start.as_deref()
    }

    /// For [`ErrorKind::CatalogChanged`], what changed.
    pub fn change(&self) -> Option<&CatalogChange> {
        self.0.change.as_ref()
    }

    /// Whether the server asked the caller to slow down.
    pub fn is_throttled(&self) -> bool {
        self.0.kind == ErrorKind::Throttled
    }

    /// Whether the thing asked for does not exist.
    pub fn is_not_found(&self) -> bool {
        self.0.kind == ErrorKind::NotFound
    }

    /// Whether the credentials were refused or lack the permission.
    pub fn is_auth(&self) -> bool {
        matches!(self.0.kind, ErrorKind::Unauthorized | ErrorKind::Forbidden)
    }

    /// Whether a time limit ran out.
    pub fn is_timeout(&self) -> bool {
        self.0.kind == ErrorKind::Timeout
    }

    /// For [`ErrorKind::Timeout`], which limit ran out.
    pub fn timeout_limit(&self) -> Option<TimeoutLimit> {
        self.0.timeout
    }

    /// Whether the catalog changed during a listing.
    pub fn is_catalog_changed(&self) -> bool {
        self.0.kind == ErrorKind::CatalogChanged
    }
}

/// What a provider's own code in a successful response means.
fn provider_kind(e: &wharf_transport::Error) -> ErrorKind {
    match e.provider() {
        #[cfg(feature = "uhub")]
        Some(Provider::Uhub) => e
            .code()
            .map_or(ErrorKind::Server, crate::uhub::error::kind_of_ret_code),
        _ => ErrorKind::Server,
    }
}

/// The kind of a transport error, by HTTP status and provider code.
fn kind_of(e: &wharf_transport::Error) -> ErrorKind {
    match e.kind() {
        TransportKind::Throttled => ErrorKind::Throttled,
        TransportKind::HttpStatus => match e.status().map(|s| s.as_u16()) {
            Some(401) => ErrorKind::Unauthorized,
            Some(403) => ErrorKind::Forbidden,
            Some(404) => ErrorKind::NotFound,
            Some(429) => ErrorKind::Throttled,
            Some(400..=499) => ErrorKind::BadRequest,
            _ => ErrorKind::Server,
        },
        // A code in a successful response: only UHub answers that way.
        TransportKind::Provider => provider_kind(e),
        TransportKind::ConnectTimeout
        | TransportKind::ReadTimeout
        | TransportKind::AttemptTimeout
        | TransportKind::OperationTimeout => ErrorKind::Timeout,
        TransportKind::Decode => ErrorKind::Decode,
        TransportKind::InvalidRequest => ErrorKind::InvalidInput,
        TransportKind::Sign | TransportKind::Setup => ErrorKind::Config,
        TransportKind::ReplayMismatch | TransportKind::Fixture => ErrorKind::Replay,
        // Connect, Io, TooLarge.
        _ => ErrorKind::Transport,
    }
}

impl Error {
    /// The RetCode of a UHub failure that came as a successful HTTP
    /// answer, when this is one.
    fn ret_code(&self) -> Option<&str> {
        let e = &self.0;
        let ok = e.status.is_none_or(|s| s == http::StatusCode::OK);
        match (e.provider, &e.code) {
            (Some(Provider::Uhub), Some(code)) if ok => Some(code),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0;
        if let (Some(provider), Some(operation)) = (e.provider, e.operation) {
            write!(f, "{provider} {operation}: ")?;
        }
        f.write_str(e.kind.describe())?;
        if let Some(code) = self.ret_code() {
            // UHub fails with HTTP 200: its RetCode and Message are the news.
            write!(f, ": RetCode {code}")?;
            if let Some(message) = &e.message {
                // The emulator's messages end with the code again.
                let message = message
                    .strip_suffix(&format!(" (RetCode {code})"))
                    .unwrap_or(message);
                write!(f, ": {message}")?;
            }
        } else {
            if let Some(status) = e.status {
                write!(f, " (HTTP {})", status.as_u16())?;
            }
            match (&e.code, &e.message) {
                (Some(code), Some(message)) => write!(f, ": {code}: {message}")?,
                (Some(code), None) => write!(f, ": code {code}")?,
                (None, Some(message)) => write!(f, ": {message}")?,
                (None, None) => {}
            }
        }
        if let Some(detail) = &e.detail {
            write!(f, ": {detail}")?;
        }
        if let Some(body) = &e.body_start {
            write!(f, "; the body began {body:?}")?;
        }
        if let Some(wait) = e.retry_after {
            write!(f, " (the server asked to wait {}s)", wait.as_secs_f64())?;
        }
        if let Some(id) = &e.request_id {
            write!(f, " [request id {id}]")?;
        }
        if e.attempts > 1 {
            write!(f, " after {} attempts", e.attempts)?;
        }
        if let Some(credentials) = &e.credentials {
            write!(f, "; credentials: {credentials}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Display carries everything, and nothing secret.
        f.debug_tuple("Error")
            .field(&self.0.kind)
            .field(&self.to_string())
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        if self.0.source_shown {
            return None;
        }
        self.0
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

impl From<wharf_transport::Error> for Error {
    /// A transport's error as a client's: its kind by status and provider
    /// code, and everything the server said.
    fn from(e: wharf_transport::Error) -> Self {
        Error::from_transport(e, &CredentialSource::None)
    }
}

/// Errors of wharf's parts that say what was wrong with an input: each
/// converts with `?`, its words in the line.
macro_rules! told_from {
    ($($kind:ident: $($source:ty),+;)+) => {$($(
        impl From<$source> for Error {
            #[doc = concat!("An [`ErrorKind::", stringify!($kind), "`] error that tells it.")]
            fn from(e: $source) -> Self {
                Error::new(ErrorKind::$kind, e.to_string()).told(e)
            }
        }
    )+)+};
}

told_from! {
    Config: wharf_auth::huawei::CredentialsError, wharf_auth::ucloud::CredentialsError;
    InvalidInput: wharf_model::NameError, wharf_model::UnknownValue, wharf_parse::FilterError;
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_transport::Request;

    fn transport_error(status: u16, code: &str) -> wharf_transport::Error {
        let request = Request::get(Provider::Swr, "list_repos", "https://x/");
        wharf_transport::Error::new(TransportKind::HttpStatus, &request, "")
            .with_status(http::StatusCode::from_u16(status).unwrap())
            .with_provider_error(Some(code.into()), Some("the words".into()))
            .with_request_id(Some("req-9".into()))
            .with_attempts(1)
    }

    #[test]
    fn statuses_map_to_kinds() {
        let none = CredentialSource::None;
        for (status, kind) in [
            (400, ErrorKind::BadRequest),
            (401, ErrorKind::Unauthorized),
            (403, ErrorKind::Forbidden),
            (404, ErrorKind::NotFound),
            (409, ErrorKind::BadRequest),
            (500, ErrorKind::Server),
        ] {
            let e = Error::from_transport(transport_error(status, "SVCSTG.SWR.X"), &none);
            assert_eq!(e.kind(), kind, "{status}");
        }
    }

    #[test]
    fn a_uhub_failure_says_its_ret_code_and_message_not_http_200() {
        let source = CredentialSource::Environment(vec!["UCLOUD_PUBLIC_KEY", "UCLOUD_PRIVATE_KEY"]);
        let request = Request::get(Provider::Uhub, "GetRepo", "https://x/");
        let refused = |message: &str| {
            wharf_transport::Error::new(TransportKind::Provider, &request, "")
                .with_status(http::StatusCode::OK)
                .with_provider_error(Some("171".into()), Some(message.into()))
                .with_request_id(Some("req-7".into()))
                .with_attempts(1)
        };
        let e = Error::from_transport(refused("Signature VerifyAC Error"), &source);
        assert_eq!(e.kind(), ErrorKind::Unauthorized);
        assert_eq!(
            e.to_string(),
            "uhub GetRepo: unauthorized: RetCode 171: Signature VerifyAC Error [request id req-7]; \
             credentials: UCLOUD_PUBLIC_KEY, UCLOUD_PRIVATE_KEY from the environment"
        );
        // The emulator's message says the code again; once is enough.
        let e = Error::from_transport(
            refused("the signature does not match the parameters (RetCode 171)"),
            &source,
        );
        assert!(
            e.to_string()
                .starts_with("uhub GetRepo: unauthorized: RetCode 171: the signature does not match the parameters ["),
            "{e}"
        );
        // A UHub gateway's own HTTP failure keeps its status.
        let gateway = wharf_transport::Error::new(TransportKind::HttpStatus, &request, "")
            .with_status(http::StatusCode::BAD_GATEWAY)
            .with_attempts(1);
        let e = Error::from_transport(gateway, &source);
        assert!(
            e.to_string()
                .starts_with("uhub GetRepo: server error (HTTP 502)"),
            "{e}"
        );
    }

    #[test]
    fn an_auth_failure_names_the_variables_not_the_values() {
        let source =
            CredentialSource::Environment(vec!["HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK"]);
        let e = Error::from_transport(transport_error(401, "SVCSTG.SWR.4010001"), &source);
        assert_eq!(
            e.to_string(),
            "swr list_repos: unauthorized (HTTP 401): SVCSTG.SWR.4010001: the words [request id req-9]; \
             credentials: HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK from the environment"
        );
    }
}
