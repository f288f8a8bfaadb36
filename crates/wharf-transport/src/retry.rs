//! Retries as data: how many, how long between, how long in all; and the
//! per-attempt and whole-operation timeouts.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use tokio::time::Instant;
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

/// Reads a `Retry-After` value: seconds, or an HTTP date relative to `now` in
/// any of the three forms HTTP allows (RFC 1123, RFC 850, asctime). A date in
/// the past means "now"; anything unreadable is ignored. Waits are capped at a
/// day, which no retry budget reaches.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    const MAX_WAIT: Duration = Duration::from_secs(24 * 60 * 60);
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds).min(MAX_WAIT));
    }
    let when = parse_http_date(value)?;
    let now = jiff::Timestamp::try_from(now).ok()?;
    let wait = Duration::try_from(when.duration_since(now)).unwrap_or(Duration::ZERO);
    Some(wait.min(MAX_WAIT))
}

fn parse_http_date(value: &str) -> Option<jiff::Timestamp> {
    if let Ok(zoned) = jiff::fmt::rfc2822::parse(value) {
        return Some(zoned.timestamp());
    }
    // RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
    let civil = jiff::civil::DateTime::strptime("%A, %d-%b-%y %H:%M:%S GMT", value)
        .or_else(|_| jiff::civil::DateTime::strptime("%a %b %e %H:%M:%S %Y", value))
        .ok()?;
    jiff::tz::TimeZone::UTC.to_timestamp(civil).ok()
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
    jitter_seed: Option<u64>,
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
            jitter_seed: None,
        }
    }

    /// Uses `time` for the clock and the waits between attempts.
    pub fn with_time(mut self, time: Arc<dyn Time>) -> Self {
        self.time = time;
        self
    }

    /// Draws backoff jitter from a generator seeded with `seed`, so the waits
    /// are the same on every run (for tests).
    pub fn with_jitter_seed(mut self, seed: u64) -> Self {
        self.jitter_seed = Some(seed);
        self
    }

    /// One attempt, bounded by the attempt timeout and by what is left of the
    /// operation, then classified.
    async fn attempt(&self, request: &Request, number: u32, deadline: Instant) -> Outcome {
        let span = tracing::debug_span!(
            "wharf.attempt",
            attempt = number,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let left = deadline.saturating_duration_since(Instant::now());
        let limit = self.timeouts.attempt.min(left);
        let started = Instant::now();
        let sent = tokio::time::timeout(limit, self.inner.send(request.clone()))
            .instrument(span.clone())
            .await;
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        let response = match sent {
            Err(_elapsed) if limit < self.timeouts.attempt => {
                return Outcome::Fail(self.operation_timeout(request));
            }
            Err(_elapsed) => {
                let detail = format!("no complete response within {limit:?}");
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

    fn operation_timeout(&self, request: &Request) -> Error {
        let detail = format!(
            "not done within {:?}, retries included",
            self.timeouts.operation
        );
        Error::new(ErrorKind::OperationTimeout, request, detail)
    }

    /// Attempts until success, a final failure, or attempts, retry budget or
    /// operation time run out; a retry that cannot happen returns the last error.
    async fn run(&self, request: &Request) -> Result<Response, Error> {
        let started = self.time.now();
        let deadline = Instant::now() + self.timeouts.operation;
        let mut rng = self
            .jitter_seed
            .map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed);
        let mut previous_wait = None;
        let mut number = 0;
        loop {
            number += 1;
            let error = match self.attempt(request, number, deadline).await {
                Outcome::Done(response) => return Ok(response),
                Outcome::Fail(e) => return Err(e.with_attempts(number)),
                Outcome::Retry(e) => e,
            };
            let wait = error
                .retry_after()
                .unwrap_or_else(|| self.retry.backoff.next(previous_wait, &mut rng));
            let spent = self.time.now().duration_since(started).unwrap_or_default();
            let out_of_budget = spent.saturating_add(wait) > self.retry.retry_timeout;
            let out_of_time = Instant::now() + wait >= deadline;
            if number >= self.retry.max_attempts || out_of_budget || out_of_time {
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
        self.run(&request).instrument(span).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn retry_after_forms() {
        // 1994-11-06T08:49:37Z
        let now = at(784_111_777 - 10);
        let ten = Some(Duration::from_secs(10));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), ten);
        assert_eq!(
            parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now),
            ten
        );
        assert_eq!(parse_retry_after("Sun Nov  6 08:49:37 1994", now), ten);
        assert_eq!(parse_retry_after(" 3 ", now), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", at(784_111_777 + 5)),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("18446744073709551615", now),
            Some(Duration::from_secs(86_400))
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn backoff_stays_between_base_and_cap_and_is_seedable() {
        let backoff = Backoff {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(2),
        };
        let run = |seed| {
            let mut rng = fastrand::Rng::with_seed(seed);
            let mut previous = None;
            (0..20)
                .map(|_| {
                    let wait = backoff.next(previous, &mut rng);
                    assert!(wait >= backoff.base && wait <= backoff.cap, "{wait:?}");
                    assert!(wait <= previous.unwrap_or(backoff.base) * 3);
                    previous = Some(wait);
                    wait
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        let waits = run(7);
        assert!(
            waits.windows(2).any(|w| w[0] != w[1]),
            "jittered: {waits:?}"
        );
        assert!(
            waits.iter().any(|w| *w > Duration::from_millis(300)),
            "grows: {waits:?}"
        );
        let zero = Backoff {
            base: Duration::ZERO,
            cap: Duration::ZERO,
        };
        assert_eq!(
            zero.next(None, &mut fastrand::Rng::with_seed(1)),
            Duration::ZERO
        );
    }
}
