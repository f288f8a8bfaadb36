//! The four time limits of a call, in one place.

use std::time::Duration;

/// Every time limit of a call, each with a default, so nothing waits forever.
///
/// Connect and read belong to the HTTP backend's connection pool
/// (`HttpConfig::timeouts`, feature `http`); attempt and
/// operation to the retry layer ([`Retrying::timeouts`](crate::Retrying::timeouts)).
/// A client builds both from one `Timeouts`; a single call can tighten or
/// loosen the attempt and operation limits with
/// [`CallOptions`](crate::CallOptions).
///
/// ```
/// use std::time::Duration;
/// use wharf_transport::Timeouts;
///
/// let timeouts = Timeouts::default()
///     .with_connect(Duration::from_secs(3))
///     .with_operation(Duration::from_secs(30));
/// assert_eq!(timeouts.attempt, Duration::from_secs(30));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Longest wait for a TCP and TLS connection (default 10 s).
    pub connect: Duration,
    /// Longest silence while waiting for or reading a response (default 30 s).
    pub read: Duration,
    /// One attempt, from sending to the last body byte (default 30 s).
    pub attempt: Duration,
    /// The whole operation, all attempts and waits included (default 120 s).
    pub operation: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            read: Duration::from_secs(30),
            attempt: Duration::from_secs(30),
            operation: Duration::from_secs(120),
        }
    }
}

impl Timeouts {
    /// With a connect limit of `limit`.
    pub fn with_connect(mut self, limit: Duration) -> Self {
        self.connect = limit;
        self
    }

    /// With a read limit of `limit`.
    pub fn with_read(mut self, limit: Duration) -> Self {
        self.read = limit;
        self
    }

    /// With an attempt limit of `limit`.
    pub fn with_attempt(mut self, limit: Duration) -> Self {
        self.attempt = limit;
        self
    }

    /// With an operation limit of `limit`.
    pub fn with_operation(mut self, limit: Duration) -> Self {
        self.operation = limit;
        self
    }
}
