//! The clock and the sleep, injectable so retry tests take no wall time.

use std::fmt::Debug;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;

/// Where the retry loop and the signers get the time, and how they wait.
pub trait Time: Debug + Send + Sync {
    /// The current wall-clock time (signers put it in `X-Sdk-Date`).
    fn now(&self) -> SystemTime;

    /// Waits for `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

/// The real clock and tokio's timer (the default).
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioTime;

impl Time for TokioTime {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock that only moves when something sleeps on it, and returns at once.
///
/// For tests: a retry loop on `FakeTime` runs without waiting, and
/// [`FakeTime::sleeps`] shows every wait it asked for.
#[derive(Debug, Clone)]
pub struct FakeTime {
    state: Arc<Mutex<FakeState>>,
}

#[derive(Debug)]
struct FakeState {
    now: SystemTime,
    sleeps: Vec<Duration>,
}

impl FakeTime {
    /// A fake clock starting at `start`.
    pub fn new(start: SystemTime) -> Self {
        FakeTime {
            state: Arc::new(Mutex::new(FakeState {
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

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        let mut state = self.lock();
        state.now += duration;
        state.sleeps.push(duration);
        Box::pin(std::future::ready(()))
    }
}
