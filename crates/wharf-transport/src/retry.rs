//! Retries as data: how many, how long between, how long in all; and the
//! attempt and operation timeouts, on an injectable clock.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use futures::future::{self, Either};
use tracing::Instrument;

use crate::{
    Attempt, AttemptObserver, Classifier, Error, ErrorKind, Request, Response, Time, Timeouts,
    TokioTime, Transport, Verdict,
};

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
    /// The next wait after `previous` (`None` before the first retry),
    /// drawn from `jitter`.
    pub fn next(&self, previous: Option<Duration>, jitter: &mut Jitter) -> Duration {
        let base = self.base.min(self.cap);
        let high = previous.unwrap_or(base).saturating_mul(3).max(base);
        let span = (high - base).as_nanos().min(u64::MAX as u128) as u64;
        let wait = base + Duration::from_nanos(jitter.0.u64(0..=span));
        wait.min(self.cap)
    }
}

/// Where [`Backoff`]'s random waits come from: seeded, the same waits every
/// run (for tests), or not.
///
/// ```
/// use std::time::Duration;
/// use wharf_transport::{Backoff, Jitter};
///
/// let backoff = Backoff::default();
/// let first = |seed| backoff.next(None, &mut Jitter::seeded(seed));
/// assert_eq!(first(7), first(7));
/// assert!(first(7) >= backoff.base && first(7) <= backoff.base * 3);
/// ```
#[derive(Debug, Clone)]
pub struct Jitter(fastrand::Rng);

impl Jitter {
    /// Waits that differ from run to run.
    pub fn random() -> Self {
        Jitter(fastrand::Rng::new())
    }

    /// The same waits for the same `seed`.
    pub fn seeded(seed: u64) -> Self {
        Jitter(fastrand::Rng::with_seed(seed))
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
///
/// The attempt and operation limits of [`Timeouts`] apply here, measured on
/// the injected [`Time`]; a request's [`CallOptions`](crate::CallOptions)
/// override them and the retry settings for that call alone, and its observer
/// sees every attempt.
#[derive(Debug, Clone)]
pub struct Retrying<T> {
    inner: T,
    classifier: Arc<dyn Classifier>,
    /// How to retry.
    pub retry: RetryConfig,
    /// Time limits; `attempt` and `operation` are used here.
    pub timeouts: Timeouts,
    time: Arc<dyn Time>,
    jitter_seed: Option<u64>,
}

/// One call's settings: the layer's defaults under the request's overrides.
struct Plan<'a> {
    retry: &'a RetryConfig,
    attempt: Duration,
    operation: Duration,
    observer: Option<&'a AttemptObserver>,
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

    /// Uses `time` for the clock, the deadlines and the waits between attempts.
    pub fn with_time(mut self, time: Arc<dyn Time>) -> Self {
        self.time = time;
        self
    }

    /// Uses `timeouts` (only `attempt` and `operation` matter here).
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Retries as `retry` says.
    pub fn with_retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Draws backoff jitter from a generator seeded with `seed`, so the waits
    /// are the same on every run (for tests).
    pub fn with_jitter_seed(mut self, seed: u64) -> Self {
        self.jitter_seed = Some(seed);
        self
    }

    fn plan<'a>(&'a self, request: &'a Request) -> Plan<'a> {
        let options = &request.options;
        Plan {
            retry: options.retry.as_ref().unwrap_or(&self.retry),
            attempt: options.attempt_timeout.unwrap_or(self.timeouts.attempt),
            operation: options.operation_timeout.unwrap_or(self.timeouts.operation),
            observer: options.observer.as_ref(),
        }
    }

    /// One attempt, bounded by the attempt timeout and by what is left of the
    /// operation, then classified.
    async fn attempt(
        &self,
        request: &Request,
        number: u32,
        plan: &Plan<'_>,
        started: Duration,
    ) -> Outcome {
        let span = tracing::debug_span!(
            "wharf.attempt",
            attempt = number,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let begun = self.time.monotonic();
        let left = plan.operation.saturating_sub(begun.saturating_sub(started));
        let limit = plan.attempt.min(left);
        let send = self.inner.send(request.clone()).instrument(span.clone());
        let sent = match future::select(Box::pin(send), self.time.limit(limit)).await {
            Either::Left((sent, _)) => Some(sent),
            Either::Right(((), _)) => None,
        };
        let took = self.time.monotonic().saturating_sub(begun);
        span.record("latency_ms", took.as_millis() as u64);
        // On a virtual clock, work that slept on it can end past its limit.
        let sent = sent.filter(|_| !self.time.is_virtual() || took <= limit);
        let response = match sent {
            None if limit < plan.attempt => {
                return Outcome::Fail(self.operation_timeout(request, plan));
            }
            None => {
                let detail = format!("no complete response within {limit:?}");
                return Outcome::Retry(Error::new(ErrorKind::AttemptTimeout, request, detail));
            }
            Some(Err(e)) if e.is_transient() => return Outcome::Retry(e),
            Some(Err(e)) => return Outcome::Fail(e),
            Some(Ok(response)) => response,
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

    fn operation_timeout(&self, request: &Request, plan: &Plan<'_>) -> Error {
        // Where it waited: the host and port (no secret), as a connect
        // error names them.
        let origin = request.origin();
        let place = origin.split_once("://").map_or(origin, |(_, rest)| rest);
        let detail = format!(
            "no answer from {place} within {:?}, retries included",
            plan.operation
        );
        Error::new(ErrorKind::OperationTimeout, request, detail)
    }

    /// Attempts until success, a final failure, or attempts, retry budget or
    /// operation time run out; a retry that cannot happen returns the last error.
    async fn run(&self, request: &Request) -> Result<Response, Error> {
        let plan = self.plan(request);
        let started = self.time.monotonic();
        let mut rng = self.jitter_seed.map_or_else(Jitter::random, Jitter::seeded);
        let mut previous_wait = None;
        let mut number = 0;
        loop {
            number += 1;
            let begun = self.time.monotonic();
            let outcome = self.attempt(request, number, &plan, started).await;
            let report = |next_wait| {
                let elapsed = self.time.monotonic().saturating_sub(begun);
                let attempt = outcome.describe(request, number, elapsed, next_wait);
                if let Some(observer) = plan.observer {
                    observer(&attempt);
                }
            };
            let error = match outcome {
                Outcome::Retry(ref e) => e,
                Outcome::Done(_) | Outcome::Fail(_) => {
                    report(None);
                    return outcome.finish(number);
                }
            };
            let wait = error
                .retry_after()
                .unwrap_or_else(|| plan.retry.backoff.next(previous_wait, &mut rng));
            let spent = self.time.monotonic().saturating_sub(started);
            let out_of_budget = spent.saturating_add(wait) > plan.retry.retry_timeout;
            let out_of_time = spent.saturating_add(wait) >= plan.operation;
            if number >= plan.retry.max_attempts || out_of_budget || out_of_time {
                report(None);
                return outcome.finish(number);
            }
            report(Some(wait));
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

impl Outcome {
    /// The attempt as an observer sees it.
    fn describe(
        &self,
        request: &Request,
        number: u32,
        elapsed: Duration,
        next_wait: Option<Duration>,
    ) -> Attempt {
        let (status, error, retry_after) = match self {
            Outcome::Done(response) => (Some(response.status), None, None),
            Outcome::Retry(e) | Outcome::Fail(e) => (e.status(), Some(e.kind()), e.retry_after()),
        };
        Attempt {
            provider: request.provider,
            operation: request.operation,
            method: request.method.clone(),
            url: request.url.clone(),
            number,
            elapsed,
            status,
            error,
            retry_after,
            next_wait,
        }
    }

    /// The call's result, when this attempt is the last.
    fn finish(self, attempts: u32) -> Result<Response, Error> {
        match self {
            Outcome::Done(response) => Ok(response),
            Outcome::Retry(e) | Outcome::Fail(e) => Err(e.with_attempts(attempts)),
        }
    }
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
            let mut rng = Jitter::seeded(seed);
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
        assert_eq!(zero.next(None, &mut Jitter::seeded(1)), Duration::ZERO);
    }
}
