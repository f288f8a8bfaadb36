//! What goes on the wire and what comes back.

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, Method};
use wharf_auth::huawei::{AUTHORIZATION, X_AUTH_TOKEN, X_SECURITY_TOKEN};

use crate::CallOptions;

/// Which registry API a request is for: `wharf_model`'s, the one name
/// every crate shares.
pub use wharf_model::Provider;

/// Whether a header's value is a secret, never printed and recorded as
/// `<redacted>`: the signature, the IAM token and the security token.
pub(crate) fn is_secret_header(name: &str) -> bool {
    [AUTHORIZATION, X_AUTH_TOKEN, X_SECURITY_TOKEN]
        .iter()
        .any(|secret| secret.eq_ignore_ascii_case(name))
}

/// One request, with what it is for: backends, retries and logs see the provider
/// and operation, not just a URL.
///
/// `Debug` shows secret headers (`Authorization`, `X-Auth-Token`,
/// `X-Security-Token`) as `<redacted>`.
#[derive(Clone)]
#[non_exhaustive]
pub struct Request {
    /// The API it is for.
    pub provider: Provider,
    /// The operation, such as `list_repos` or `GetRepoImage`.
    pub operation: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Full URL, query included, exactly as it goes on the wire.
    pub url: String,
    /// Headers. A signer adds its own on every attempt.
    pub headers: HeaderMap,
    /// Body; empty for GET.
    pub body: Bytes,
    /// Settings of this call alone, merged over the layers' defaults.
    pub options: CallOptions,
}

impl Request {
    /// A GET of `url` for `operation`, with no headers and no body.
    pub fn get(provider: Provider, operation: &'static str, url: impl Into<String>) -> Self {
        Request {
            provider,
            operation,
            method: Method::GET,
            url: url.into(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
            options: CallOptions::default(),
        }
    }

    /// With `options` for this call.
    pub fn with_options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }

    /// A POST of `body` to `url` for `operation`.
    pub fn post(
        provider: Provider,
        operation: &'static str,
        url: impl Into<String>,
        body: impl Into<Bytes>,
    ) -> Self {
        Request {
            method: Method::POST,
            body: body.into(),
            ..Request::get(provider, operation, url)
        }
    }

    /// A DELETE of `url` for `operation`, with no body.
    pub fn delete(provider: Provider, operation: &'static str, url: impl Into<String>) -> Self {
        Request {
            method: Method::DELETE,
            ..Request::get(provider, operation, url)
        }
    }

    /// The path of the URL, without query (`/` when there is none).
    pub fn path(&self) -> &str {
        split_url(&self.url).1
    }

    /// The raw query string of the URL, without `?` (empty when there is none).
    pub fn query(&self) -> &str {
        split_url(&self.url).2
    }

    /// `scheme://authority` of the URL.
    pub fn origin(&self) -> &str {
        split_url(&self.url).0
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers = self.headers.iter().map(|(name, value)| {
            let shown = if is_secret_header(name.as_str()) {
                "<redacted>"
            } else {
                value.to_str().unwrap_or("<binary>")
            };
            (name.as_str(), shown)
        });
        let headers: Vec<_> = headers.collect();
        f.debug_struct("Request")
            .field("provider", &self.provider)
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body_bytes", &self.body.len())
            .field("options", &self.options)
            .finish()
    }
}

/// Splits a URL into origin, path and query without allocating.
fn split_url(url: &str) -> (&str, &str, &str) {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let path_start = url[after_scheme..]
        .find(['/', '?'])
        .map_or(url.len(), |i| after_scheme + i);
    let (origin, rest) = url.split_at(path_start);
    let rest = rest.split('#').next().unwrap_or_default();
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    (origin, if path.is_empty() { "/" } else { path }, query)
}

/// A response as received: status, headers, and the whole body.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response {
    /// HTTP status.
    pub status: http::StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body, read in full (up to the backend's cap).
    pub body: Bytes,
}

impl Response {
    /// A response with no headers.
    pub fn new(status: http::StatusCode, body: impl Into<Bytes>) -> Self {
        Response {
            status,
            headers: HeaderMap::new(),
            body: body.into(),
        }
    }

    /// A header's value, when present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The provider's request id, when the server sent one.
    pub fn request_id(&self, provider: Provider) -> Option<&str> {
        self.header(provider.request_id_header())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_parts() {
        let r = Request::get(
            Provider::Swr,
            "op",
            "http://127.0.0.1:8080/v2/manage/repos?filter=a%7Cb#x",
        );
        assert_eq!(r.origin(), "http://127.0.0.1:8080");
        assert_eq!(r.path(), "/v2/manage/repos");
        assert_eq!(r.query(), "filter=a%7Cb");
        let r = Request::get(Provider::Uhub, "op", "https://api.ucloud.cn?Action=GetRepo");
        assert_eq!(r.path(), "/");
        assert_eq!(r.query(), "Action=GetRepo");
        assert_eq!(r.origin(), "https://api.ucloud.cn");
    }
}
