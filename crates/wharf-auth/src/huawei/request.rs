//! The two views of an HTTP request: the one about to be signed and sent, and
//! the one a server received.

use super::canonical::wire_query;

/// An outgoing request, described as the transport is about to send it.
///
/// Build it with [`Request::new`] and the `with_*` methods. The headers are
/// those that will be sent *besides* the ones the signer adds; they must
/// include `Host` (with `:port` when the endpoint has one), because the
/// official SDK signs it; [`sign`](super::sign) refuses a request without it.
///
/// ```
/// use wharf_auth::huawei::Request;
///
/// let query = vec![("limit".to_owned(), "10".to_owned())];
/// let headers = vec![("Host".to_owned(), "swr-api.cn-north-4.myhuaweicloud.com".to_owned())];
/// let request = Request::new("GET", "/v2/manage/repos")
///     .with_query(&query)
///     .with_headers(&headers);
/// assert_eq!(request.wire_target(), "/v2/manage/repos?limit=10");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Request<'a> {
    /// The HTTP method, like `GET`. Signed in uppercase.
    pub method: &'a str,
    /// The path exactly as it goes on the wire: already percent-encoded, no
    /// query, no trailing `/` added (see [`percent_encode`](super::percent_encode)).
    pub path: &'a str,
    /// The query parameters, raw (not encoded), in any order; a key may repeat.
    /// Write booleans as `true`/`false` and numbers in decimal, as the SDK does.
    pub query: &'a [(String, String)],
    /// The headers that will be sent, except those the signer adds.
    pub headers: &'a [(String, String)],
    /// The body bytes; empty for none.
    pub body: &'a [u8],
}

impl<'a> Request<'a> {
    /// A request with no query, no headers and no body.
    pub fn new(method: &'a str, path: &'a str) -> Self {
        Self {
            method,
            path,
            query: &[],
            headers: &[],
            body: &[],
        }
    }

    /// Sets the raw query pairs.
    #[must_use]
    pub fn with_query(mut self, query: &'a [(String, String)]) -> Self {
        self.query = query;
        self
    }

    /// Sets the headers to send (without those the signer adds).
    #[must_use]
    pub fn with_headers(mut self, headers: &'a [(String, String)]) -> Self {
        self.headers = headers;
        self
    }

    /// Sets the body.
    #[must_use]
    pub fn with_body(mut self, body: &'a [u8]) -> Self {
        self.body = body;
        self
    }

    /// The request target to send: the path, then `?` and the
    /// [`wire_query`] when there is a query. This is byte for byte what the
    /// Python SDK puts on the request line.
    pub fn wire_target(&self) -> String {
        let query = wire_query(self.query);
        if query.is_empty() {
            self.path.to_owned()
        } else {
            format!("{}?{query}", self.path)
        }
    }
}

/// A request as a server received it, for [`verify`](super::verify).
///
/// Header values are the received bytes read as UTF-8 (the Python SDK sends
/// UTF-8); a header may appear more than once.
///
/// ```
/// use wharf_auth::huawei::ReceivedRequest;
///
/// let headers = vec![("host".to_owned(), "localhost:8080".to_owned())];
/// let received = ReceivedRequest::new("GET", "/v2/manage/repos")
///     .with_query("filter=namespace%3A%3Ateam")
///     .with_headers(&headers);
/// assert_eq!(received.query, "filter=namespace%3A%3Ateam");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReceivedRequest<'a> {
    /// The HTTP method as received.
    pub method: &'a str,
    /// The path as received, still percent-encoded, without the query.
    pub path: &'a str,
    /// The query string as received, still encoded, without the leading `?`.
    pub query: &'a str,
    /// Every received header, names in any case.
    pub headers: &'a [(String, String)],
    /// The body bytes.
    pub body: &'a [u8],
}

impl<'a> ReceivedRequest<'a> {
    /// A received request with no query, no headers and no body.
    pub fn new(method: &'a str, path: &'a str) -> Self {
        Self {
            method,
            path,
            query: "",
            headers: &[],
            body: &[],
        }
    }

    /// Sets the raw query string (without `?`).
    #[must_use]
    pub fn with_query(mut self, query: &'a str) -> Self {
        self.query = query;
        self
    }

    /// Sets the received headers.
    #[must_use]
    pub fn with_headers(mut self, headers: &'a [(String, String)]) -> Self {
        self.headers = headers;
        self
    }

    /// Sets the received body.
    #[must_use]
    pub fn with_body(mut self, body: &'a [u8]) -> Self {
        self.body = body;
        self
    }
}
