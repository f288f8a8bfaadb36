//! Retries as data: how many, how long between, how long in all; and the
//! per-attempt and whole-operation timeouts.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use tracing::Instrument;

use crate::{Classifier, Error, ErrorKind, Request, Response, Time, TokioTime, Transport, Verdict};

/// Backoff between attempts: decorrelated jitter between `base` and `cap`.
///
/// Each wait is drawn uniformly from `[base, 3 × previous wait]`, then capped,
/// which spreads clients apart better than plain exponential backoff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Backoff {
    /// The shortest wait (default 100 ms).
    pub base: Duration,
    /// The longest wait (default 20 s).
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(20),
        }
    }
}

impl Backoff {
    /// The next wait after `previous` (`None` before the first retry).
    pub fn next(&self, previous: Option<Duration>, rng: &mut fastrand::Rng) -> Duration {
        let base = self.base.min(self.cap);
        let high = previous.unwrap_or(base).saturating_mul(3).max(base);
        let span = (high - base).as_nanos().min(u64::MAX as u128) as u64;
        let wait = base + Duration::from_nanos(rng.u64(0..=span));
        wait.min(self.cap)
    }
}

/// How to retry a failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryConfig {
    /// Attempts in all, the first included (default 4); 1 disables retries.
    pub max_attempts: u32,
    /// Waits between attempts.
    pub backoff: Backoff,
    /// The most time spent retrying, waits included, counted from the first
    /// attempt (default 60 s). A retry that would end past it is not made.
    pub retry_timeout: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_attempts: 4,
            backoff: Backoff::default(),
            retry_timeout: Duration::from_secs(60),
        }
    }
}

impl RetryConfig {
    /// No retries: one attempt.
    pub fn disabled() -> Self {
        RetryConfig {
            max_attempts: 1,
            ..RetryConfig::default()
        }
    }
}

/// Time limits of one operation. The HTTP backend has two more: connect and
/// read ([`HttpConfig`](crate::HttpConfig)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// One attempt, from sending to the last body byte (default 30 s).
    pub attempt: Duration,
    /// The whole operation, all attempts and waits included (default 120 s).
    pub operation: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            attempt: Duration::from_secs(30),
            operation: Duration::from_secs(120),
        }
    }
}

/// Reads a `Retry-After` value: seconds, or an HTTP date (relative to `now`).
/// A date in the past means "now"; anything else unreadable is ignored.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let now = jiff::Timestamp::try_from(now).ok()?;
    let wait = when.duration_since(now);
    Some(Duration::try_from(wait).unwrap_or(Duration::ZERO))
}

/// Wraps a transport with retries, timeouts and tracing spans.
///
/// A response it returns is a success by the classifier's rules; everything
/// else is an [`Error`] that says how many attempts were made. Put a
/// [`Signing`](crate::Signing) layer inside it, so every attempt is signed afresh.
#[derive(Debug, Clone)]
pub struct Retrying<T> {
    inner: T,
    classifier: Arc<dyn Classifier>,
    /// How to retry.
    pub retry: RetryConfig,
    /// Time limits.
    pub timeouts: Timeouts,
    time: Arc<dyn Time>,
}

impl<T: Transport> Retrying<T> {
    /// Wraps `inner`, judging responses with `classifier`, with default settings.
    pub fn new(inner: T, classifier: impl Classifier + 'static) -> Self {
        Retrying {
            inner,
            classifier: Arc::new(classifier),
            retry: RetryConfig::default(),
            timeouts: Timeouts::default(),
            time: Arc::new(TokioTime),
        }
    }

    /// Uses `time` for the clock and the waits between attempts.
    pub fn with_time(mut self, time: Arc<dyn Time>) -> Self {
        self.time = time;
        self
    }

    /// One attempt, bounded by the attempt timeout, then classified.
    async fn attempt(&self, request: &Request, number: u32) -> Outcome {
        let span = tracing::debug_span!(
            "wharf.attempt",
            attempt = number,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let started = std::time::Instant::now();
        let sent = tokio::time::timeout(self.timeouts.attempt, self.inner.send(request.clone()))
            .instrument(span.clone())
            .await;
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        let response = match sent {
            Err(_elapsed) => {
                let detail = format!("no complete response within {:?}", self.timeouts.attempt);
                return Outcome::Retry(Error::new(ErrorKind::AttemptTimeout, request, detail));
            }
            Ok(Err(e)) if e.is_transient() => return Outcome::Retry(e),
            Ok(Err(e)) => return Outcome::Fail(e),
            Ok(Ok(response)) => response,
        };
        span.record("status", response.status.as_u16());
        if let Some(id) = response.request_id(request.provider) {
            span.record("request_id", id);
        }
        span.in_scope(|| tracing::debug!(bytes = response.body.len(), "response"));
        let retry_after = response
            .header("retry-after")
            .and_then(|v| parse_retry_after(v, self.time.now()));
        match self.classifier.classify(request, &response) {
            Verdict::Retry(e) => Outcome::Retry(e.with_retry_after(retry_after)),
            Verdict::Fail(e) => Outcome::Fail(e.with_retry_after(retry_after)),
            Verdict::Success => Outcome::Done(response),
        }
    }

    async fn run(&self, request: Request) -> Result<Response, Error> {
        let started = self.time.now();
        let mut rng = fastrand::Rng::new();
        let mut previous_wait = None;
        let mut number = 0;
        loop {
            number += 1;
            let error = match self.attempt(&request, number).await {
                Outcome::Done(response) => return Ok(response),
                Outcome::Fail(e) => return Err(e.with_attempts(number)),
                Outcome::Retry(e) => e,
            };
            let wait = error
                .retry_after()
                .unwrap_or_else(|| self.retry.backoff.next(previous_wait, &mut rng));
            let spent = self.time.now().duration_since(started).unwrap_or_default();
            if number >= self.retry.max_attempts || spent + wait > self.retry.retry_timeout {
                return Err(error.with_attempts(number));
            }
            tracing::info!(attempt = number, wait_ms = wait.as_millis() as u64, error = %error, "retrying");
            self.time.sleep(wait).await;
            previous_wait = Some(wait);
        }
    }
}

/// What one attempt came to.
enum Outcome {
    Done(Response),
    Retry(Error),
    Fail(Error),
}

#[async_trait]
impl<T: Transport> Transport for Retrying<T> {
    async fn send(&self, request: Request) -> Result<Response, Error> {
        let span = tracing::info_span!(
            "wharf.operation",
            provider = %request.provider,
            operation = request.operation,
        );
        let limit = self.timeouts.operation;
        let operation = self.run(request.clone()).instrument(span);
        match tokio::time::timeout(limit, operation).await {
            Ok(result) => result,
            Err(_elapsed) => Err(Error::new(
                ErrorKind::OperationTimeout,
                &request,
                format!("not done within {limit:?}, retries included"),
            )),
        }
    }
}
