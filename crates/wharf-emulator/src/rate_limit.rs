//! The request rate limit (`--rate-limit N`,
//! [`EmulatorBuilder::rate_limit`](crate::EmulatorBuilder::rate_limit)): a
//! token bucket per provider, SWR's and UHub's apart, as each service
//! throttles its own API. A bucket holds at most N tokens, starts full and
//! refills at N a second; a request takes one, or is throttled when there
//! is none (taking nothing). So N requests may come at once, and then N a
//! second.
//!
//! It depends on nothing in the crate: the state holds the buckets, the
//! front layer asks them.

use std::sync::{Mutex, PoisonError};
use std::time::Instant;

/// One token bucket of `per_second` tokens.
#[derive(Debug)]
pub(crate) struct TokenBucket {
    per_second: u32,
    /// Tokens left, and when they were counted.
    state: Mutex<(f64, Instant)>,
}

impl TokenBucket {
    /// A full bucket of `per_second` tokens, refilled at `per_second` a
    /// second.
    pub(crate) fn new(per_second: u32) -> Self {
        TokenBucket {
            per_second,
            state: Mutex::new((f64::from(per_second), Instant::now())),
        }
    }

    /// The bucket's size and rate.
    pub(crate) fn per_second(&self) -> u32 {
        self.per_second
    }

    /// Takes a token now: `false` when there is none.
    pub(crate) fn take(&self) -> bool {
        self.take_at(Instant::now())
    }

    /// Takes a token at `now`; times before the last one count as the last.
    fn take_at(&self, now: Instant) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let (tokens, last) = &mut *state;
        let elapsed = now.saturating_duration_since(*last).as_secs_f64();
        let size = f64::from(self.per_second);
        *tokens = (*tokens + elapsed * size).min(size);
        *last = (*last).max(now);
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The two providers' buckets.
#[derive(Debug)]
pub(crate) struct RateLimits {
    /// SWR's: every request but UHub's and the control route's.
    pub(crate) swr: TokenBucket,
    /// UHub's: the requests to `/`.
    pub(crate) uhub: TokenBucket,
}

impl RateLimits {
    /// `per_second` requests a second for each provider.
    pub(crate) fn new(per_second: u32) -> Self {
        RateLimits {
            swr: TokenBucket::new(per_second),
            uhub: TokenBucket::new(per_second),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_bucket_holds_n_and_refills_n_a_second() {
        let bucket = TokenBucket::new(3);
        let start = bucket.state.lock().unwrap().1;
        let taken: Vec<bool> = (0..4).map(|_| bucket.take_at(start)).collect();
        assert_eq!(taken, [true, true, true, false]);
        // A third of a second: one token back.
        let later = start + Duration::from_millis(334);
        assert!(bucket.take_at(later));
        assert!(!bucket.take_at(later));
        // Long idle: full again, never more.
        let much_later = later + Duration::from_secs(60);
        let taken = (0..4).filter(|_| bucket.take_at(much_later)).count();
        assert_eq!(taken, 3);
        // A time before the last counts as the last.
        assert!(!bucket.take_at(start));
        assert_eq!(bucket.per_second(), 3);
    }
}
