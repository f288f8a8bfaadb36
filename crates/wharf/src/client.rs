//! What both provider clients share: their options, the transport stack
//! under them, and turning responses into typed values or errors.

use std::fmt;
use std::sync::Arc;

use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, SeqAccess, Visitor};
use wharf_transport::{
    AttemptObserver, Classifier, Provider, Request, Response, RetryConfig, Retrying, Signer,
    Signing, Time, Timeouts, TokioTime, Transport,
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
    /// Told of every attempt of every call the client makes, after the
    /// call's own observer: for metrics, a log of requests, or the rate
    /// control of a cleanup ([`RateControl`](crate::prune::RateControl)).
    pub observer: Option<AttemptObserver>,
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
            observer: None,
        }
    }
}

/// Setters, so options are one expression:
/// `ClientOptions::default().with_timeouts(Timeouts::default().with_attempt(limit))`.
impl ClientOptions {
    /// With these connect, read, attempt and operation limits.
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// With these retries.
    pub fn with_retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// With these paginator defaults.
    pub fn with_list(mut self, list: ListOptions) -> Self {
        self.list = list;
        self
    }

    /// Accepting response bodies of at most `limit` bytes.
    pub fn with_max_body_bytes(mut self, limit: u64) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// On this clock (a [`FakeTime`](wharf_transport::FakeTime) in tests).
    pub fn with_time(mut self, time: Arc<dyn Time>) -> Self {
        self.time = time;
        self
    }

    /// With backoff jitter seeded by `seed`, so waits repeat from run to run.
    pub fn with_jitter_seed(mut self, seed: u64) -> Self {
        self.jitter_seed = Some(seed);
        self
    }

    /// Telling `progress` of every listing's progress.
    pub fn with_progress(
        mut self,
        progress: impl Fn(&crate::paginate::Progress) + Send + Sync + 'static,
    ) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// Telling `observer` of every attempt; see [`observer`](Self::observer).
    pub fn with_observer(mut self, observer: AttemptObserver) -> Self {
        self.observer = Some(observer);
        self
    }

    /// Allowing (`true`) plain `http` to a host that is not loopback; see
    /// [`allow_plain_http`](Self::allow_plain_http).
    pub fn with_allow_plain_http(mut self, allow: bool) -> Self {
        self.allow_plain_http = allow;
        self
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
            .field("observer", &self.observer.as_ref().map(|_| "Fn(&Attempt)"))
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
#[derive(Clone)]
pub(crate) struct Caller {
    transport: Arc<dyn Transport>,
    credentials: CredentialSource,
    observer: Option<AttemptObserver>,
}

impl fmt::Debug for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Caller")
            .field("transport", &self.transport)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
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
            observer: options.observer.clone(),
        }
    }

    pub(crate) async fn send(&self, mut request: Request) -> Result<Response, Error> {
        if let Some(client) = &self.observer {
            let client = Arc::clone(client);
            let observer: AttemptObserver = match request.options.observer.take() {
                None => client,
                Some(call) => Arc::new(move |attempt| {
                    call(attempt);
                    client(attempt);
                }),
            };
            request.options.observer = Some(observer);
        }
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
        .map_err(|e| Error::new(ErrorKind::Config, e.to_string()).told(e))
}

// Only SWR answers with bare arrays.
#[cfg_attr(not(feature = "swr"), allow(dead_code))]
/// Decodes a JSON array body into a vector with room for `capacity` items
/// from the start (a page's limit, bounded by
/// [`PageRequest::MAX_LIMIT`](wharf_model::PageRequest::MAX_LIMIT)), so that
/// the page's largest allocation is made once instead of growing by doubling
/// while the items' strings are allocated around it; otherwise as [`decode`].
pub(crate) fn decode_list<T: DeserializeOwned>(
    provider: Provider,
    operation: &'static str,
    response: &Response,
    capacity: usize,
) -> Result<Vec<T>, Error> {
    let capacity = capacity.min(wharf_model::PageRequest::MAX_LIMIT as usize);
    if let Some(items) = parse(&response.body, ListSeed::<T>::new(capacity)) {
        return Ok(items);
    }
    decode(provider, operation, response)
}

/// `seed` over the whole of `body`, `None` on any error (the caller reads it
/// again to say why).
///
/// A body that is valid UTF-8 as a whole is read as text: checked once here,
/// rather than string by string as JSON bytes would be. Either way the
/// outcome is the same.
fn parse<'de, S: DeserializeSeed<'de>>(body: &'de [u8], seed: S) -> Option<S::Value> {
    fn whole<'de, R: serde_json::de::Read<'de>, S: DeserializeSeed<'de>>(
        read: R,
        seed: S,
    ) -> Option<S::Value> {
        let mut json = serde_json::Deserializer::new(read);
        let value = seed.deserialize(&mut json).ok()?;
        json.end().ok()?;
        Some(value)
    }
    match std::str::from_utf8(body) {
        Ok(text) => whole(serde_json::de::StrRead::new(text), seed),
        Err(_) => whole(serde_json::de::SliceRead::new(body), seed),
    }
}

// Only SWR answers with bare arrays.
#[cfg_attr(not(feature = "swr"), allow(dead_code))]
/// A JSON array read into a vector made with room for `capacity` items.
struct ListSeed<T> {
    capacity: usize,
    item: PhantomData<fn() -> T>,
}

// Only SWR answers with bare arrays.
#[cfg_attr(not(feature = "swr"), allow(dead_code))]
impl<T> ListSeed<T> {
    fn new(capacity: usize) -> Self {
        ListSeed {
            capacity,
            item: PhantomData,
        }
    }
}

// Only SWR answers with bare arrays.
#[cfg_attr(not(feature = "swr"), allow(dead_code))]
impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for ListSeed<T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<T>, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

// Only SWR answers with bare arrays.
#[cfg_attr(not(feature = "swr"), allow(dead_code))]
impl<'de, T: Deserialize<'de>> Visitor<'de> for ListSeed<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::with_capacity(self.capacity);
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(items)
    }
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
    if let Some(value) = parse(&response.body, PhantomData::<T>) {
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
    fn a_list_is_decoded_with_room_for_its_page_and_fails_as_decode_does() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Item {
            name: String,
        }
        let response = Response::new(http::StatusCode::OK, r#" [{"name":"é"},{"name":"b"}] "#);
        let items = decode_list::<Item>(Provider::Swr, "list_repos", &response, 50).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].name, "é");
        assert!(items.capacity() >= 50, "room for the page made up front");
        let capped = decode_list::<Item>(Provider::Swr, "list_repos", &response, 1 << 40).unwrap();
        assert!(
            capped.capacity() < 1 << 20,
            "never more than a page's limit"
        );
        // Not UTF-8 inside a string, trailing data, a wrong type: each comes
        // out as decode's own outcome.
        for body in [
            &b"[{\"name\":\"\xff\"}]"[..],
            br#"[{"name":"a"}] x"#,
            br#"[{"name":1}]"#,
        ] {
            let response = Response::new(http::StatusCode::OK, body.to_vec());
            let listed = decode_list::<Item>(Provider::Swr, "list_repos", &response, 10);
            let decoded = decode::<Vec<Item>>(Provider::Swr, "list_repos", &response);
            assert_eq!(
                listed.map_err(|e| e.to_string()),
                decoded.map_err(|e| e.to_string())
            );
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
