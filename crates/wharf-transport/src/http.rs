//! The HTTP backend, on reqwest with rustls.

use std::net::IpAddr;
use std::time::Duration;

use async_trait::async_trait;
use bytes::{Bytes, BytesMut};

use crate::{Error, ErrorKind, Request, Response, Timeouts, Transport};

/// Options of the HTTP backend. Every field has a default.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HttpConfig {
    /// Time limits: `connect` and `read` hold for every connection of the
    /// pool; `attempt` bounds each request from connecting to the last body
    /// byte (a backstop for callers that use this transport without
    /// [`Retrying`](crate::Retrying)), unless the request's
    /// [`CallOptions`](crate::CallOptions) say otherwise.
    pub timeouts: Timeouts,
    /// Largest response body accepted (default 64 MiB); a larger one is an error.
    pub max_body_bytes: u64,
    /// Idle pooled connections kept per host (default 8).
    pub pool_max_idle_per_host: usize,
    /// `User-Agent` header.
    pub user_agent: String,
    /// Allows plain `http` to hosts that are not loopback (default `false`).
    ///
    /// Off, such a request is refused before any connection: its signature,
    /// token or key would cross the network in clear. Turn it on only for a
    /// trusted network, such as an emulator on another machine of a test rig.
    pub allow_plain_http: bool,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            timeouts: Timeouts::default(),
            max_body_bytes: 64 * 1024 * 1024,
            pool_max_idle_per_host: 8,
            user_agent: concat!("wharf/", env!("CARGO_PKG_VERSION")).to_owned(),
            allow_plain_http: false,
        }
    }
}

/// Sends requests over HTTP(S) with one pooled reqwest client.
///
/// `https` is required, except for loopback addresses (`127.0.0.0/8`, `::1`,
/// `localhost`), so tests can talk to a local emulator in plain HTTP, or where
/// [`HttpConfig::allow_plain_http`] says so.
/// Redirects are not followed: a 3xx comes back as the response.
#[derive(Debug, Clone)]
pub struct HttpTransport {
    client: reqwest::Client,
    max_body_bytes: u64,
    timeouts: Timeouts,
    allow_plain_http: bool,
}

impl HttpTransport {
    /// A transport with the given options.
    ///
    /// Fails ([`ErrorKind::Setup`]) only when the TLS backend cannot start.
    pub fn new(config: HttpConfig) -> Result<Self, Error> {
        let timeouts = config.timeouts;
        let client = reqwest::Client::builder()
            .connect_timeout(timeouts.connect)
            .read_timeout(timeouts.read)
            // The registry APIs do not redirect; following one could carry
            // credentials to another host, or to plain http.
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(config.pool_max_idle_per_host)
            .tcp_keepalive(Duration::from_secs(60))
            .gzip(true)
            .user_agent(config.user_agent)
            .build()
            .map_err(|e| {
                Error::without_request(ErrorKind::Setup, "cannot build the HTTP client")
                    .with_source(e)
            })?;
        Ok(HttpTransport {
            client,
            max_body_bytes: config.max_body_bytes,
            timeouts,
            allow_plain_http: config.allow_plain_http,
        })
    }
}

#[async_trait]
impl Transport for HttpTransport {
    async fn send(&self, request: Request) -> Result<Response, Error> {
        check_scheme(&request, self.allow_plain_http)?;
        // The attempt limit is ours, not reqwest's: its own timeout cannot be
        // told from the read timeout, and would race the retry layer's with
        // other words.
        let limit = request
            .options
            .attempt_timeout
            .unwrap_or(self.timeouts.attempt);
        match tokio::time::timeout(limit, self.exchange(&request)).await {
            Ok(outcome) => outcome,
            Err(_) => {
                let detail = format!("no complete response within {limit:?}");
                Err(Error::new(ErrorKind::AttemptTimeout, &request, detail))
            }
        }
    }
}

impl HttpTransport {
    /// One request and its whole body.
    async fn exchange(&self, request: &Request) -> Result<Response, Error> {
        let sent = self
            .client
            .request(request.method.clone(), &request.url)
            .headers(request.headers.clone())
            .body(request.body.clone())
            .send()
            .await
            .map_err(|e| from_reqwest(request, e, self.timeouts))?;
        let status = sent.status();
        let headers = sent.headers().clone();
        let body = read_capped(request, sent, self.max_body_bytes, self.timeouts).await?;
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}

/// Refuses plain HTTP except to loopback, unless allowed: credentials must not
/// cross a network in clear.
fn check_scheme(request: &Request, allow_plain_http: bool) -> Result<(), Error> {
    let url = reqwest::Url::parse(&request.url).map_err(|e| {
        Error::new(
            ErrorKind::InvalidRequest,
            request,
            format!("bad URL {:?}", request.url),
        )
        .with_source(e)
    })?;
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_plain_http || is_loopback(url.host()) => Ok(()),
        "http" => Err(Error::new(
            ErrorKind::InvalidRequest,
            request,
            format!(
                "plain http is only allowed to loopback addresses, not {:?}; use https, \
                 or allow plain http explicitly (allow_plain_http, the CLI's --allow-plain-http)",
                url.host_str().unwrap_or_default()
            ),
        )),
        other => Err(Error::new(
            ErrorKind::InvalidRequest,
            request,
            format!("unsupported URL scheme {other:?}"),
        )),
    }
}

fn is_loopback(host: Option<url::Host<&str>>) -> bool {
    match host {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// Reads the body chunk by chunk, stopping as soon as it passes the cap.
async fn read_capped(
    request: &Request,
    mut response: reqwest::Response,
    cap: u64,
    timeouts: Timeouts,
) -> Result<Bytes, Error> {
    let status = response.status();
    let too_large = |seen: u64| {
        Error::new(
            ErrorKind::TooLarge,
            request,
            format!("body of {seen} bytes or more exceeds the cap of {cap} bytes"),
        )
        .with_status(status)
    };
    if let Some(declared) = response.content_length().filter(|&n| n > cap) {
        return Err(too_large(declared));
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| from_reqwest(request, e, timeouts).with_status(status))?
    {
        let seen = body.len() as u64 + chunk.len() as u64;
        if seen > cap {
            return Err(too_large(seen));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Body errors count as `Io` (transient): with gzip on, reqwest reports a
/// truncated body as a decode error, and the two cannot be told apart reliably.
///
/// A timeout is named by its limit: connect, or else read, since the attempt
/// limit is enforced around the exchange and not by reqwest (which only says
/// "deadline has elapsed" or "operation timed out").
fn from_reqwest(request: &Request, e: reqwest::Error, timeouts: Timeouts) -> Error {
    if e.is_timeout() {
        let (kind, detail) = if e.is_connect() {
            let detail = format!("no connection within {:?}", timeouts.connect);
            (ErrorKind::ConnectTimeout, detail)
        } else {
            let detail = format!("nothing received for {:?}", timeouts.read);
            (ErrorKind::ReadTimeout, detail)
        };
        return Error::new(kind, request, detail).with_source(e.without_url());
    }
    let cause = root_cause(&e);
    let place = authority(request);
    let (kind, detail, transient) = if e.is_connect() {
        connect_failure(&place, &cause)
    } else if e.is_builder() {
        (ErrorKind::InvalidRequest, cause, false)
    } else {
        (ErrorKind::Io, format!("{place}: {cause}"), true)
    };
    // The URL may carry a UCloud signature in its query: keep it out of
    // errors; the host and port are no secret.
    Error::new(kind, request, detail)
        .with_transient(transient)
        .with_source(e.without_url())
}

/// `host:port` of the request, without scheme, path or query.
fn authority(request: &Request) -> String {
    let origin = request.origin();
    let authority = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    authority.to_owned()
}

/// A failed connection in words: the host and port, and whether another
/// try can help. A name that does not resolve will not resolve on a retry
/// a moment later, and a plain-http server will not start speaking TLS.
fn connect_failure(place: &str, cause: &str) -> (ErrorKind, String, bool) {
    let host = place.rsplit_once(':').map_or(place, |(host, _)| host);
    if cause.contains("lookup address") || cause.contains("Name or service not known") {
        let detail = format!("the host {host} does not resolve (DNS: {cause})");
        return (ErrorKind::Connect, detail, false);
    }
    if cause.contains("InvalidContentType") || cause.contains("wrong version number") {
        let detail = format!(
            "{place} did not answer TLS: it looks like a plain http server \
             (use an http:// endpoint, with --allow-plain-http if it is not loopback) ({cause})"
        );
        return (ErrorKind::Connect, detail, false);
    }
    (ErrorKind::Connect, format!("{place}: {cause}"), true)
}

/// reqwest's own message is generic ("error sending request"); the cause says more.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last = e;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn connect_failures_name_the_place_and_whether_a_retry_helps() {
        let (_, detail, transient) =
            super::connect_failure("127.0.0.1:1", "Connection refused (os error 111)");
        assert_eq!(detail, "127.0.0.1:1: Connection refused (os error 111)");
        assert!(transient);
        let dns = "failed to lookup address information: Name or service not known";
        let (_, detail, transient) = super::connect_failure("nowhere.invalid:443", dns);
        assert!(
            detail.starts_with("the host nowhere.invalid does not resolve"),
            "{detail}"
        );
        assert!(!transient, "a DNS failure is not retried");
        let tls = "received corrupt message of type InvalidContentType";
        let (_, detail, transient) = super::connect_failure("127.0.0.1:8080", tls);
        assert!(detail.contains("plain http server"), "{detail}");
        assert!(!transient);
    }
}
