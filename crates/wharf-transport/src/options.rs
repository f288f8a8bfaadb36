//! What one call may set for itself, and what it can learn about its attempts.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::{ErrorKind, Provider, RetryConfig};

/// Called by [`Retrying`](crate::Retrying) after every attempt, retried or
/// not, before any wait.
///
/// It runs on the task making the call: keep it short and never block.
pub type AttemptObserver = Arc<dyn Fn(&Attempt) + Send + Sync>;

/// Settings of one call, each merged over the default of the layer that reads
/// it; `None` keeps the default.
///
/// One shared transport can so serve calls with different deadlines: a
/// paginator gives each page its own observer, a command its own timeout.
///
/// ```
/// use std::time::Duration;
/// use wharf_transport::{CallOptions, Provider, Request};
///
/// let request = Request::get(Provider::Swr, "list_repos", "https://swr.example/v2/manage/repos")
///     .with_options(CallOptions::default().with_operation_timeout(Duration::from_secs(5)));
/// assert_eq!(request.options.operation_timeout, Some(Duration::from_secs(5)));
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct CallOptions {
    /// Overrides [`Timeouts::attempt`](crate::Timeouts::attempt).
    pub attempt_timeout: Option<Duration>,
    /// Overrides [`Timeouts::operation`](crate::Timeouts::operation).
    pub operation_timeout: Option<Duration>,
    /// Overrides [`Retrying::retry`](crate::Retrying::retry).
    pub retry: Option<RetryConfig>,
    /// Sees every attempt's outcome.
    pub observer: Option<AttemptObserver>,
}

impl CallOptions {
    /// With an attempt limit of `limit`.
    pub fn with_attempt_timeout(mut self, limit: Duration) -> Self {
        self.attempt_timeout = Some(limit);
        self
    }

    /// With an operation limit of `limit`.
    pub fn with_operation_timeout(mut self, limit: Duration) -> Self {
        self.operation_timeout = Some(limit);
        self
    }

    /// With retry settings `retry`.
    pub fn with_retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// With `observer` called after every attempt.
    pub fn with_observer(mut self, observer: impl Fn(&Attempt) + Send + Sync + 'static) -> Self {
        self.observer = Some(Arc::new(observer));
        self
    }
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallOptions")
            .field("attempt_timeout", &self.attempt_timeout)
            .field("operation_timeout", &self.operation_timeout)
            .field("retry", &self.retry)
            .field("observer", &self.observer.as_ref().map(|_| "Fn(&Attempt)"))
            .finish()
    }
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempt {
    /// The API called.
    pub provider: Provider,
    /// The operation.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: http::Method,
    /// The URL as the retry layer sent it, before signing: with its query
    /// (no signature is in it yet, so nothing secret), for logs.
    pub url: String,
    /// 1 for the first attempt.
    pub number: u32,
    /// How long it took, on the layer's clock.
    pub elapsed: Duration,
    /// The HTTP status, when a response arrived.
    pub status: Option<http::StatusCode>,
    /// The failure, or `None` when the attempt succeeded.
    pub error: Option<ErrorKind>,
    /// The wait the server asked for with `Retry-After`.
    pub retry_after: Option<Duration>,
    /// The wait before the next attempt, or `None` when none follows.
    pub next_wait: Option<Duration>,
}

impl Attempt {
    /// Attempt `number` of `operation`, which failed with `error` (or
    /// succeeded, when `None`); the other fields are empty. For tests of
    /// observers: the retry layer fills every field.
    pub fn new(
        provider: Provider,
        operation: &'static str,
        number: u32,
        error: Option<ErrorKind>,
    ) -> Self {
        Attempt {
            provider,
            operation,
            method: http::Method::GET,
            url: String::new(),
            number,
            elapsed: Duration::ZERO,
            status: None,
            error,
            retry_after: None,
            next_wait: None,
        }
    }

    /// Whether the server asked the caller to slow down (HTTP 429, UHub
    /// RetCode 153 or 150).
    pub fn is_throttled(&self) -> bool {
        self.error == Some(ErrorKind::Throttled)
    }

    /// Whether the attempt succeeded.
    pub fn succeeded(&self) -> bool {
        self.error.is_none()
    }
}
