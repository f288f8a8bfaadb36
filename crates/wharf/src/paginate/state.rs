//! What one listing shares between its engine and the observers of its
//! requests: the in-flight limit (AIMD) and the counts for the summary.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use wharf_transport::{Attempt, CallOptions, Time};

use super::{CatalogChange, Summary};
use crate::{IgnoredHeader, Page, TotalSource};

/// The in-flight limit and the listing's counts, behind one lock: every
/// update is a few integer operations.
#[derive(Debug)]
pub(crate) struct Shared {
    time: Arc<dyn Time>,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// The configured concurrency: the limit never grows past it.
    max: usize,
    /// Requests allowed in flight now.
    window: usize,
    /// Pages received since the window last moved.
    run: usize,
    /// No new request starts before this instant (on the listing's clock).
    resume_at: Duration,
    started: Option<Duration>,
    ended: Option<Duration>,
    pages: u64,
    items: u64,
    attempts: u64,
    throttles: u64,
    lowest_window: usize,
    changes: Vec<CatalogChange>,
    total_source: Option<TotalSource>,
    ignored_header: Option<IgnoredHeader>,
    ignored_headers: u64,
}

impl Shared {
    pub(crate) fn new(time: Arc<dyn Time>, concurrency: usize) -> Arc<Self> {
        let max = concurrency.max(1);
        Arc::new(Shared {
            time,
            state: Mutex::new(State {
                max,
                window: max,
                run: 0,
                resume_at: Duration::ZERO,
                started: None,
                ended: None,
                pages: 0,
                items: 0,
                attempts: 0,
                throttles: 0,
                lowest_window: max,
                changes: Vec::new(),
                total_source: None,
                ignored_header: None,
                ignored_headers: 0,
            }),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // Counters stay meaningful even if an observer panicked mid-update.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn time(&self) -> &Arc<dyn Time> {
        &self.time
    }

    /// Call options whose observer feeds this listing.
    pub(crate) fn call_options(self: &Arc<Self>) -> CallOptions {
        let shared = Arc::clone(self);
        CallOptions::default().with_observer(move |attempt| shared.observe(attempt))
    }

    /// Every attempt counts; a throttled one halves the window and holds new
    /// requests back for as long as the server asked (or the retry waits).
    pub(crate) fn observe(&self, attempt: &Attempt) {
        let now = self.time.monotonic();
        let mut s = self.lock();
        s.attempts += 1;
        if !attempt.is_throttled() {
            return;
        }
        s.throttles += 1;
        s.window = (s.window / 2).max(1);
        s.lowest_window = s.lowest_window.min(s.window);
        s.run = 0;
        let pause = attempt
            .retry_after
            .or(attempt.next_wait)
            .unwrap_or_default();
        s.resume_at = s.resume_at.max(now + pause);
        tracing::debug!(
            window = s.window,
            pause_ms = pause.as_millis() as u64,
            "throttled"
        );
    }

    /// A page arrived whole: after a run of successes as long as the window,
    /// the window grows by one, up to the configured concurrency.
    pub(crate) fn page_received(&self) {
        let mut s = self.lock();
        s.run += 1;
        if s.run >= s.window && s.window < s.max {
            s.window += 1;
            s.run = 0;
        }
    }

    /// A page was handed to the caller: its items count, and where its
    /// total came from is what the listing's came from.
    pub(crate) fn page_yielded<T>(&self, page: &Page<T>) {
        let mut s = self.lock();
        s.pages += 1;
        s.items += page.items.len() as u64;
        if page.total_source.is_some() {
            s.total_source = page.total_source;
        }
        if let Some(header) = &page.ignored_header {
            s.ignored_headers += 1;
            if s.ignored_header.is_none() {
                s.ignored_header = Some(header.clone());
            }
        }
    }

    pub(crate) fn window(&self) -> usize {
        self.lock().window
    }

    /// How long new requests must still wait, if at all.
    pub(crate) fn pause_left(&self) -> Option<Duration> {
        let now = self.time.monotonic();
        let resume_at = self.lock().resume_at;
        (resume_at > now).then(|| resume_at - now)
    }

    pub(crate) fn start(&self) {
        let now = self.time.monotonic();
        self.lock().started.get_or_insert(now);
    }

    pub(crate) fn end(&self) {
        let now = self.time.monotonic();
        self.lock().ended.get_or_insert(now);
    }

    pub(crate) fn record_change(&self, change: CatalogChange) {
        tracing::warn!(%change, "catalog changed during the listing");
        self.lock().changes.push(change);
    }

    pub(crate) fn summary(&self) -> Summary {
        let now = self.time.monotonic();
        let s = self.lock();
        let elapsed = match s.started {
            Some(start) => s.ended.unwrap_or(now).saturating_sub(start),
            None => Duration::ZERO,
        };
        Summary {
            pages: s.pages,
            items: s.items,
            attempts: s.attempts,
            throttles: s.throttles,
            concurrency: s.window,
            lowest_concurrency: s.lowest_window,
            elapsed,
            changes: s.changes.clone(),
            total_source: s.total_source,
            ignored_header: s.ignored_header.clone(),
            ignored_headers: s.ignored_headers,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;
    use wharf_transport::{ErrorKind, FakeTime, Provider};

    fn attempt(error: Option<ErrorKind>, retry_after: Option<Duration>) -> Attempt {
        let mut attempt = Attempt::new(Provider::Swr, "list_repos", 1, error);
        attempt.retry_after = retry_after;
        attempt
    }

    #[test]
    fn throttling_halves_the_window_and_successes_grow_it_back() {
        let time = FakeTime::new(SystemTime::UNIX_EPOCH);
        let shared = Shared::new(Arc::new(time.clone()), 8);
        let throttled = attempt(Some(ErrorKind::Throttled), Some(Duration::from_secs(2)));
        shared.observe(&throttled);
        assert_eq!(shared.window(), 4);
        assert_eq!(shared.pause_left(), Some(Duration::from_secs(2)));
        shared.observe(&throttled);
        shared.observe(&throttled);
        shared.observe(&throttled);
        assert_eq!(shared.window(), 1, "never below one");
        time.advance(Duration::from_secs(3));
        assert_eq!(shared.pause_left(), None);
        shared.page_received();
        assert_eq!(shared.window(), 2);
        for _ in 0..(2 + 3 + 4 + 5 + 6 + 7) {
            shared.page_received();
        }
        assert_eq!(shared.window(), 8);
        for _ in 0..100 {
            shared.page_received();
        }
        assert_eq!(shared.window(), 8, "never past the configured concurrency");
        let summary = shared.summary();
        assert_eq!((summary.attempts, summary.throttles), (4, 4));
        assert_eq!(summary.lowest_concurrency, 1);
    }
}
