//! What both provider clients share: their options, the transport stack
//! under them, and turning responses into typed values or errors.

use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use wharf_transport::{
    Classifier, Provider, Request, Response, RetryConfig, Retrying, Signer, Signing, Time,
    Timeouts, TokioTime, Transport,
};

use crate::credentials::CredentialSource;
use crate::paginate::ListOptions;
use crate::{Error, ErrorKind};

/// How a client sends requests and pages. Every field has a default.
#[derive(Clone)]
#[non_exhaustive]
pub struct ClientOptions {
    /// Connect, read, attempt and operation limits.
    pub timeouts: Timeouts,
    /// Retries of a failed attempt.
    pub retry: RetryConfig,
    /// Defaults of every paginator the client makes.
    pub list: ListOptions,
    /// Largest response body accepted (default 64 MiB).
    pub max_body_bytes: u64,
    /// The clock for signing dates, deadlines and waits (tests pass a
    /// [`FakeTime`](wharf_transport::FakeTime)).
    pub time: Arc<dyn Time>,
    /// Seeds the backoff jitter, so waits repeat from run to run (tests).
    pub jitter_seed: Option<u64>,
    /// Told of every listing's progress, for a progress bar or counts.
    pub progress: Option<crate::paginate::ProgressFn>,
    /// Allows plain `http` to a host that is not loopback (default `false`):
    /// off, such an endpoint is refused before any request, because the
    /// request's signature or token would cross the network in clear.
    pub allow_plain_http: bool,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            timeouts: Timeouts::default(),
            retry: RetryConfig::default(),
            list: ListOptions::default(),
            max_body_bytes: 64 * 1024 * 1024,
            time: Arc::new(TokioTime),
            jitter_seed: None,
            progress: None,
            allow_plain_http: false,
        }
    }
}

impl fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientOptions")
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .field("list", &self.list)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("time", &self.time)
            .field("jitter_seed", &self.jitter_seed)
            .field("progress", &self.progress.as_ref().map(|_| "Fn(&Progress)"))
            .field("allow_plain_http", &self.allow_plain_http)
            .finish()
    }
}

/// A request to sign nothing, for servers that check no credentials (an
/// emulator started without auth).
#[derive(Debug)]
pub(crate) struct Unsigned;

impl Signer for Unsigned {
    fn sign(
        &self,
        _: &mut Request,
        _: std::time::SystemTime,
    ) -> Result<(), wharf_transport::Error> {
        Ok(())
    }
}

/// The transport stack of one client, with where its credentials came from.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    transport: Arc<dyn Transport>,
    credentials: CredentialSource,
}

impl Caller {
    /// Retries outside, signing inside, so every attempt is signed afresh.
    pub(crate) fn new(
        inner: Arc<dyn Transport>,
        signer: impl Signer + 'static,
        classifier: impl Classifier + 'static,
        credentials: CredentialSource,
        options: &ClientOptions,
    ) -> Self {
        let time = Arc::clone(&options.time);
        let signed = Signing::new(inner, signer).with_time(Arc::clone(&time));
        let mut retrying = Retrying::new(signed, classifier)
            .with_time(time)
            .with_timeouts(options.timeouts)
            .with_retry(options.retry.clone());
        if let Some(seed) = options.jitter_seed {
            retrying = retrying.with_jitter_seed(seed);
        }
        Caller {
            transport: Arc::new(retrying),
            credentials,
        }
    }

    pub(crate) async fn send(&self, request: Request) -> Result<Response, Error> {
        self.transport
            .send(request)
            .await
            .map_err(|e| Error::from_transport(e, &self.credentials))
    }
}

/// The HTTP backend with the client's limits.
#[cfg(feature = "rustls")]
pub(crate) fn http_transport(options: &ClientOptions) -> Result<Arc<dyn Transport>, Error> {
    let mut config = wharf_transport::HttpConfig::default();
    config.timeouts = options.timeouts;
    config.max_body_bytes = options.max_body_bytes;
    config.allow_plain_http = options.allow_plain_http;
    wharf_transport::HttpTransport::new(config)
        .map(|t| Arc::new(t) as Arc<dyn Transport>)
        .map_err(|e| Error::new(ErrorKind::Config, "").with_source(e))
}

/// Decodes a JSON body, naming the field that failed and keeping the start
/// of the body.
///
/// The fast decoder goes first; only a body it refuses is read again with
/// path tracking, which costs an allocation per key on every item.
pub(crate) fn decode<T: DeserializeOwned>(
    provider: Provider,
    operation: &'static str,
    response: &Response,
) -> Result<T, Error> {
    if let Ok(value) = serde_json::from_slice(&response.body) {
        return Ok(value);
    }
    let mut json = serde_json::Deserializer::from_slice(&response.body);
    let error = match serde_path_to_error::deserialize::<_, T>(&mut json) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    let path = error.path().to_string();
    let detail = if path == "." {
        error.inner().to_string()
    } else {
        format!("at {path}: {}", error.inner())
    };
    Err(Error::new(ErrorKind::Decode, detail)
        .during(provider, operation)
        .with_body(&response.body)
        .with_request_id(response.request_id(provider).map(str::to_owned)))
}

/// A base URL without its trailing `/`, refused unless it is `http(s)://host`.
pub(crate) fn base_url(url: &str) -> Result<String, Error> {
    let trimmed = url.trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"));
    let valid = rest.is_some_and(|host| {
        !host.is_empty() && !host.contains(['?', '#', ' ']) && !host.contains("/")
    });
    if !valid {
        let detail = format!(
            "endpoint {url:?} is not an http(s) URL of a host, such as https://swr-api.cn-north-4.myhuaweicloud.com"
        );
        return Err(Error::new(ErrorKind::Config, detail));
    }
    Ok(trimmed.to_owned())
}

/// A region is a DNS label part: `a-z`, `0-9` and `-`.
pub(crate) fn check_region(region: &str) -> Result<(), Error> {
    let valid = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::Config,
            format!("region {region:?} is not a region name such as cn-north-4"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert_eq!(base_url("https://x.example/").unwrap(), "https://x.example");
        assert_eq!(
            base_url("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        for bad in [
            "",
            "x.example",
            "ftp://x",
            "https://",
            "https://x/v2",
            "https://x?a",
        ] {
            let e = base_url(bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Config, "{bad}");
        }
    }

    #[test]
    fn decode_errors_name_the_field_and_keep_the_body() {
        #[derive(serde::Deserialize, Debug)]
        struct Item {
            #[allow(dead_code)]
            size: u64,
        }
        let response = Response::new(http::StatusCode::OK, r#"[{"size":1},{"size":"big"}]"#);
        let e = decode::<Vec<Item>>(Provider::Swr, "list_repos", &response).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode);
        let text = e.to_string();
        assert!(
            text.starts_with(
                "swr list_repos: could not decode the response: at [1].size: invalid type"
            ),
            "{text}"
        );
        assert!(text.contains(r#"the body began "[{\"size\":1}"#), "{text}");
    }
}
