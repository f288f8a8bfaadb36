//! Replay: serve recorded exchanges from a versioned JSON fixture.

use std::path::Path;
use std::sync::{Mutex, PoisonError};

use async_trait::async_trait;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use serde::{Deserialize, Serialize};

use wharf_auth::huawei::{AUTHORIZATION, HOST, X_AUTH_TOKEN, X_SDK_DATE, X_SECURITY_TOKEN};
use wharf_auth::ucloud::{PUBLIC_KEY, SIGNATURE};

use crate::request::is_secret_header;
use crate::{Error, ErrorKind, Request, Response, Transport};

/// The `format` field of every fixture file.
pub const FIXTURE_FORMAT: &str = "wharf-replay";
/// The fixture version this wharf writes and reads.
pub const FIXTURE_VERSION: u32 = 1;

/// Headers that change on every request (dates, signatures, credentials) or
/// belong to the connection: never matched, and redacted when secret.
const VOLATILE_HEADERS: &[&str] = &[
    AUTHORIZATION,
    X_SDK_DATE,
    X_AUTH_TOKEN,
    X_SECURITY_TOKEN,
    HOST,
    "user-agent",
    "content-length",
    "accept-encoding",
    "accept",
];

/// What a recorded request holds instead of a volatile header's value: the
/// value is never matched, and writing it would make two recordings of the
/// same calls differ.
const VOLATILE_VALUE: &str = "<volatile>";

/// Response headers that change from run to run for the same answer: left
/// out of recordings, so they repeat byte for byte. Nothing reads them.
const VOLATILE_RESPONSE_HEADERS: &[&str] = &["date"];

/// Parameters (UCloud's, in a query or form body) that identify the caller or
/// sign the request: recorded as `REDACTED` and never matched, so a fixture
/// recorded with one key pair replays with another and leaks neither.
const SECRET_PARAMS: &[&str] = &[PUBLIC_KEY, SIGNATURE];

/// A fixture file: a list of exchanges, with a format name and version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Fixture {
    /// A note for whoever opens the file, such as where it came from and
    /// how to regenerate it; kept, never interpreted. Absent from fixtures
    /// written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Always [`FIXTURE_FORMAT`].
    pub format: String,
    /// [`FIXTURE_VERSION`] when written by this wharf.
    pub version: u32,
    /// The exchanges, in the order their requests were sent.
    pub exchanges: Vec<Exchange>,
}

/// One recorded request and the response it got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Exchange {
    /// The provider, as [`Provider::as_str`](crate::Provider::as_str) writes it.
    pub provider: String,
    /// The operation name.
    pub operation: String,
    /// The request.
    pub request: RecordedRequest,
    /// The response.
    pub response: RecordedResponse,
}

/// The recorded side of a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// HTTP method.
    pub method: String,
    /// Path and query, without scheme and host (which change between runs).
    pub target: String,
    /// Headers, secrets redacted.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// Body as text.
    #[serde(default)]
    pub body: String,
}

/// The recorded side of a response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordedResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// Body as text.
    #[serde(default)]
    pub body: String,
}

impl Fixture {
    /// A fixture of the current version holding `exchanges`.
    pub fn new(exchanges: Vec<Exchange>) -> Self {
        Fixture {
            comment: None,
            format: FIXTURE_FORMAT.to_owned(),
            version: FIXTURE_VERSION,
            exchanges,
        }
    }

    /// Reads and checks a fixture file.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::without_request(
                ErrorKind::Fixture,
                format!("cannot read {}", path.display()),
            )
            .with_source(e)
        })?;
        let fixture: Fixture = serde_json::from_str(&text).map_err(|e| {
            Error::without_request(
                ErrorKind::Fixture,
                format!("{} is not a fixture", path.display()),
            )
            .with_source(e)
        })?;
        if fixture.format != FIXTURE_FORMAT || fixture.version != FIXTURE_VERSION {
            return Err(Error::without_request(
                ErrorKind::Fixture,
                format!(
                    "{} is {} version {}; this wharf reads {FIXTURE_FORMAT} version {FIXTURE_VERSION}",
                    path.display(),
                    fixture.format,
                    fixture.version
                ),
            ));
        }
        Ok(fixture)
    }

    /// With a note for people reading the file (see [`Fixture::comment`]).
    pub fn with_comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }

    /// The text [`Fixture::save`] writes: pretty JSON and a trailing newline,
    /// for comparing a fresh recording with a file.
    pub fn to_text(&self) -> Result<String, Error> {
        let mut text = serde_json::to_string_pretty(self).map_err(|e| {
            Error::without_request(ErrorKind::Fixture, "cannot encode fixture").with_source(e)
        })?;
        text.push('\n');
        Ok(text)
    }

    /// Writes the fixture as pretty JSON.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let text = self.to_text()?;
        std::fs::write(path, text).map_err(|e| {
            Error::without_request(
                ErrorKind::Fixture,
                format!("cannot write {}", path.display()),
            )
            .with_source(e)
        })
    }
}

impl Exchange {
    /// An exchange answering `request` with `status` and a text `body`.
    pub fn new(request: &Request, status: u16, body: impl Into<String>) -> Self {
        Exchange {
            provider: request.provider.as_str().to_owned(),
            operation: request.operation.to_owned(),
            request: RecordedRequest::from_request(request),
            response: RecordedResponse {
                status,
                headers: Vec::new(),
                body: body.into(),
            },
        }
    }

    /// Records what `request` got back, without the response headers that
    /// change from run to run (`Date`).
    pub fn record(request: &Request, response: &Response) -> Self {
        Exchange {
            provider: request.provider.as_str().to_owned(),
            operation: request.operation.to_owned(),
            request: RecordedRequest::from_request(request),
            response: RecordedResponse {
                status: response.status.as_u16(),
                headers: header_pairs(&response.headers, false)
                    .into_iter()
                    .filter(|(name, _)| !is_one_of(name, VOLATILE_RESPONSE_HEADERS))
                    .collect(),
                body: String::from_utf8_lossy(&response.body).into_owned(),
            },
        }
    }

    /// Adds a response header.
    pub fn with_response_header(mut self, name: &str, value: &str) -> Self {
        self.response
            .headers
            .push((name.to_owned(), value.to_owned()));
        self
    }

    fn to_response(&self, request: &Request) -> Result<Response, Error> {
        let bad = |what: String| Error::new(ErrorKind::Fixture, request, what);
        let status = StatusCode::from_u16(self.response.status)
            .map_err(|_| bad(format!("bad recorded status {}", self.response.status)))?;
        let mut headers = HeaderMap::new();
        for (name, value) in &self.response.headers {
            let name = HeaderName::try_from(name.as_str())
                .map_err(|_| bad(format!("bad recorded header name {name:?}")))?;
            let value = HeaderValue::try_from(value.as_str())
                .map_err(|_| bad(format!("bad recorded header value {value:?}")))?;
            headers.append(name, value);
        }
        Ok(Response {
            status,
            headers,
            body: Bytes::from(self.response.body.clone()),
        })
    }
}

impl RecordedRequest {
    fn from_request(request: &Request) -> Self {
        let query = request.query();
        RecordedRequest {
            method: request.method.as_str().to_owned(),
            target: if query.is_empty() {
                request.path().to_owned()
            } else {
                format!("{}?{}", request.path(), redact_params(query))
            },
            headers: header_pairs(&request.headers, true),
            body: redact_params(&String::from_utf8_lossy(&request.body)),
        }
    }
}

/// Replaces the values of [`SECRET_PARAMS`] in `k=v&k=v` text.
fn redact_params(text: &str) -> String {
    let redact = |pair: &str| -> String {
        match pair.split_once('=') {
            Some((key, _)) if SECRET_PARAMS.contains(&key) => format!("{key}=REDACTED"),
            _ => pair.to_owned(),
        }
    };
    text.split('&').map(redact).collect::<Vec<_>>().join("&")
}

/// A header map as name-value pairs; for a request (`redact`), secrets are
/// `<redacted>` and volatile values `<volatile>`.
fn header_pairs(headers: &HeaderMap, redact: bool) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let value = if redact && is_secret_header(name.as_str()) {
                "<redacted>".to_owned()
            } else if redact && is_one_of(name.as_str(), VOLATILE_HEADERS) {
                VOLATILE_VALUE.to_owned()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name.as_str().to_owned(), value)
        })
        .collect()
}

fn is_one_of(name: &str, names: &[&str]) -> bool {
    names.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// Serves recorded exchanges, each at most once, in recorded order among equals.
///
/// A request matches an exchange when method, path, query (exactly, in order),
/// body and the non-volatile headers are the same; dates, signatures,
/// credentials and connection headers are ignored. When nothing matches, the
/// error shows the closest recorded request and every difference.
#[derive(Debug)]
pub struct ReplayTransport {
    exchanges: Vec<Exchange>,
    served: Mutex<Vec<bool>>,
}

impl ReplayTransport {
    /// Serves `exchanges`.
    pub fn new(exchanges: Vec<Exchange>) -> Self {
        let served = Mutex::new(vec![false; exchanges.len()]);
        ReplayTransport { exchanges, served }
    }

    /// Serves the exchanges of a fixture file.
    pub fn from_file(path: &Path) -> Result<Self, Error> {
        Ok(ReplayTransport::new(Fixture::load(path)?.exchanges))
    }

    /// Exchanges not served yet: a test can check that all were used.
    pub fn unserved(&self) -> usize {
        self.lock().iter().filter(|served| !**served).count()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<bool>> {
        self.served.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn mismatch(&self, request: &Request, served: &[bool]) -> Error {
        let wanted = RecordedRequest::from_request(request);
        let mut message = format!("{} {}", wanted.method, wanted.target);
        let closest = self
            .exchanges
            .iter()
            .enumerate()
            .map(|(i, e)| (differences(&e.request, &wanted), i, e))
            .min_by_key(|(diffs, i, _)| (diffs.len(), served[*i]));
        match closest {
            None => message.push_str("\nthe fixture has no exchanges"),
            Some((diffs, i, e)) => {
                message.push_str(&format!(
                    "\nclosest recorded request (exchange {} of {}, {} {}):\n  {} {}",
                    i + 1,
                    self.exchanges.len(),
                    e.provider,
                    e.operation,
                    e.request.method,
                    e.request.target
                ));
                if diffs.is_empty() {
                    message.push_str("\nit matches, but was already served; record the exchange once more for each repeat");
                } else {
                    message.push_str("\ndifferences (recorded, then requested):");
                    for d in diffs {
                        message.push_str("\n  ");
                        message.push_str(&d);
                    }
                }
            }
        }
        Error::new(ErrorKind::ReplayMismatch, request, message)
    }
}

/// Every difference between a recorded and a requested request, for matching
/// (none means a match) and for the mismatch message.
fn differences(recorded: &RecordedRequest, wanted: &RecordedRequest) -> Vec<String> {
    let mut diffs = Vec::new();
    if recorded.method != wanted.method {
        diffs.push(format!("method: {} != {}", recorded.method, wanted.method));
    }
    let (rec_path, rec_query) = split_target(&recorded.target);
    let (want_path, want_query) = split_target(&wanted.target);
    if rec_path != want_path {
        diffs.push(format!("path: {rec_path} != {want_path}"));
    }
    if rec_query != want_query {
        diffs.extend(query_differences(rec_query, want_query));
    }
    if recorded.body != wanted.body {
        diffs.push(format!("body: {:?} != {:?}", recorded.body, wanted.body));
    }
    diffs.extend(header_differences(&recorded.headers, &wanted.headers));
    diffs
}

fn split_target(target: &str) -> (&str, &str) {
    target.split_once('?').unwrap_or((target, ""))
}

fn query_differences(recorded: &str, wanted: &str) -> Vec<String> {
    let pairs = |q: &str| -> Vec<String> {
        q.split('&')
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let (rec, want) = (pairs(recorded), pairs(wanted));
    let mut diffs: Vec<String> = Vec::new();
    for p in rec.iter().filter(|p| !want.contains(p)) {
        diffs.push(format!("query: recorded {p} is missing"));
    }
    for p in want.iter().filter(|p| !rec.contains(p)) {
        diffs.push(format!("query: {p} was not recorded"));
    }
    if diffs.is_empty() {
        diffs.push(format!("query order: {recorded} != {wanted}"));
    }
    diffs
}

fn header_differences(recorded: &[(String, String)], wanted: &[(String, String)]) -> Vec<String> {
    let stable = |h: &[(String, String)]| -> Vec<(String, String)> {
        let mut h: Vec<_> = h
            .iter()
            .filter(|(n, _)| !is_one_of(n, VOLATILE_HEADERS))
            .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
            .collect();
        h.sort();
        h
    };
    let (rec, want) = (stable(recorded), stable(wanted));
    let mut diffs = Vec::new();
    for (n, v) in rec.iter().filter(|h| !want.contains(h)) {
        diffs.push(format!("header: recorded {n}: {v} is missing"));
    }
    for (n, v) in want.iter().filter(|h| !rec.contains(h)) {
        diffs.push(format!("header: {n}: {v} was not recorded"));
    }
    diffs
}

#[async_trait]
impl Transport for ReplayTransport {
    async fn send(&self, request: Request) -> Result<Response, Error> {
        let wanted = RecordedRequest::from_request(&request);
        let mut served = self.lock();
        let found = self
            .exchanges
            .iter()
            .enumerate()
            .find(|(i, e)| !served[*i] && differences(&e.request, &wanted).is_empty());
        match found {
            Some((i, exchange)) => {
                served[i] = true;
                exchange.to_response(&request)
            }
            None => Err(self.mismatch(&request, &served)),
        }
    }
}
