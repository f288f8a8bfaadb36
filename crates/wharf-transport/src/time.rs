//! The clock and the sleep, injectable so retry and timeout tests take no wall
//! time.

use std::fmt::Debug;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;

/// Where the retry layer, the signers and the paginators get the time, and
/// how they wait.
///
/// Two kinds of waiting: a [`sleep`](Time::sleep) is a wait the caller chose
/// (a backoff, a `Retry-After`); a [`limit`](Time::limit) is a time limit
/// raced against work that may finish first (an attempt timeout). A fake
/// clock jumps over the first, and cannot know when real I/O will end, so it
/// bounds the second on the real clock; see [`FakeTime`].
pub trait Time: Debug + Send + Sync {
    /// The current wall-clock time (signers put it in `X-Sdk-Date`).
    fn now(&self) -> SystemTime;

    /// Time since a fixed point of this clock; it never goes backwards, so
    /// deadlines are measured with it.
    fn monotonic(&self) -> Duration;

    /// Waits for `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;

    /// Resolves when a time limit of `duration`, starting now, has run out.
    fn limit(&self, duration: Duration) -> BoxFuture<'static, ()>;

    /// Whether this clock moves only when something sleeps on it, so work
    /// can finish "after" its limit without the limit firing first: then the
    /// retry layer also checks the time work took. `false` for real clocks.
    fn is_virtual(&self) -> bool {
        false
    }
}

/// The real clock and tokio's timer (the default).
///
/// [`Time::monotonic`] reads tokio's clock, so a test that pauses tokio's
/// time (`#[tokio::test(start_paused = true)]`) pauses this clock too.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioTime;

impl Time for TokioTime {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn monotonic(&self) -> Duration {
        // Far enough back that the clock of any runtime started later, a
        // paused one included, reads after it.
        const BEFORE: Duration = Duration::from_secs(365 * 24 * 60 * 60);
        static ORIGIN: OnceLock<tokio::time::Instant> = OnceLock::new();
        let origin = *ORIGIN.get_or_init(|| {
            let now = tokio::time::Instant::now();
            now.checked_sub(BEFORE).unwrap_or(now)
        });
        tokio::time::Instant::now().saturating_duration_since(origin)
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }

    fn limit(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock that only moves when something sleeps on it (or is
/// [advanced](FakeTime::advance)), and whose sleeps return at once.
///
/// For tests: a retry loop or a paginator on `FakeTime` runs without waiting,
/// and [`FakeTime::sleeps`] shows every wait it asked for. Deadlines are
/// measured on this clock: a fake transport that stalls by sleeping on it
/// runs past its attempt or operation limit in no wall time. Work that waits
/// on real I/O cannot move this clock, so a [`limit`](Time::limit) also ends
/// after its duration on the real clock: a test against a real server that
/// stalls still ends.
#[derive(Debug, Clone)]
pub struct FakeTime {
    state: Arc<Mutex<FakeState>>,
}

#[derive(Debug)]
struct FakeState {
    start: SystemTime,
    now: SystemTime,
    sleeps: Vec<Duration>,
}

impl FakeTime {
    /// A fake clock starting at `start`.
    pub fn new(start: SystemTime) -> Self {
        FakeTime {
            state: Arc::new(Mutex::new(FakeState {
                start,
                now: start,
                sleeps: Vec::new(),
            })),
        }
    }

    /// Every sleep requested so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.lock().sleeps.clone()
    }

    /// Moves the clock forward without a sleep.
    pub fn advance(&self, by: Duration) {
        let mut state = self.lock();
        state.now += by;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FakeState> {
        // The state stays consistent even if a holder panicked.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Time for FakeTime {
    fn now(&self) -> SystemTime {
        self.lock().now
    }

    fn monotonic(&self) -> Duration {
        let state = self.lock();
        // The clock only moves forward, so this never fails.
        state.now.duration_since(state.start).unwrap_or_default()
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        let mut state = self.lock();
        state.now += duration;
        state.sleeps.push(duration);
        Box::pin(std::future::ready(()))
    }

    fn limit(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }

    fn is_virtual(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_real_clock_moves_in_a_paused_runtime_started_later() {
        // The origin is fixed by the first reading, outside any runtime.
        let _ = TokioTime.monotonic();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        runtime.block_on(async {
            let before = TokioTime.monotonic();
            TokioTime.sleep(Duration::from_secs(60)).await;
            assert_eq!(TokioTime.monotonic() - before, Duration::from_secs(60));
        });
    }

    #[test]
    fn only_the_fake_clock_is_virtual() {
        assert!(!TokioTime.is_virtual());
        assert!(FakeTime::new(SystemTime::UNIX_EPOCH).is_virtual());
    }
}
