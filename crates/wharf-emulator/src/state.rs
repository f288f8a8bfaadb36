//! What every handler can reach: the indexed dataset, the credentials, the
//! faults, the latency, the rate limit, and the request and delete
//! counters. It depends on no handler (of SWR's code, only on the
//! `Content-Range` shape it holds, which depends on nothing), so handlers,
//! the route table and the lifecycle all build on it.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use crate::auth::AuthConfig;
use crate::data::{Dataset, Index};
use crate::faults::{Fault, FaultConfig};
use crate::rate_limit::RateLimits;
use crate::swr::content_range::ContentRangeShape;
use wharf_model::Provider;

/// What the front layer decided for one request.
#[derive(Debug, Clone)]
pub(crate) struct FaultDecision {
    /// The fault, if any.
    pub(crate) fault: Option<Fault>,
    /// `Retry-After` seconds for a 429.
    pub(crate) retry_after: u64,
    /// How long a stall lasts.
    pub(crate) stall: Duration,
    /// The request's number in arrival order, from 0 (never restarted).
    pub(crate) arrival: u64,
}

/// The shared state. Reads take no lock a writer holds for long: each setting
/// is an `Arc` swapped whole.
pub(crate) struct Shared {
    index: RwLock<Arc<Index>>,
    auth: RwLock<Arc<AuthConfig>>,
    faults: RwLock<Arc<FaultConfig>>,
    /// The number of the next request, for the fault decision; restarts at 0
    /// whenever the faults are set.
    next_fault: AtomicU64,
    latency_nanos: AtomicU64,
    requests: AtomicU64,
    /// Seeds the request ids, or `None` for random ones.
    request_id_seed: Option<u64>,
    /// Whether each request is logged (`tracing` at info).
    pub(crate) log_requests: AtomicBool,
    /// The shape of SWR's `Content-Range` header; set before serving.
    pub(crate) content_range: ContentRangeShape,
    /// Whether list repositories drops `is_public`, as a server that does
    /// not know the term would; set before serving.
    pub(crate) ignore_is_public: bool,
    /// The request log's budget, this emulator's own: (the second it
    /// counts, lines logged in it, lines left out since the last line).
    pub(crate) log_budget: Mutex<(u64, u32, u64)>,
    /// The rate limit's buckets, or `None` for no limit; set before
    /// serving.
    pub(crate) rate_limits: Option<RateLimits>,
    /// Whether the control route (`/_emulator/push`) is served; set before
    /// serving.
    pub(crate) control: bool,
    /// Delete requests received (SWR DeleteRepoTag, UHub DeleteRepoImage),
    /// whatever their answer.
    deletes: AtomicU64,
}

impl Shared {
    pub(crate) fn new(
        index: Index,
        auth: AuthConfig,
        faults: FaultConfig,
        latency: Duration,
        request_id_seed: Option<u64>,
    ) -> Self {
        Shared {
            index: RwLock::new(Arc::new(index)),
            auth: RwLock::new(Arc::new(auth)),
            faults: RwLock::new(Arc::new(faults)),
            next_fault: AtomicU64::new(0),
            latency_nanos: AtomicU64::new(nanos(latency)),
            requests: AtomicU64::new(0),
            request_id_seed,
            log_requests: AtomicBool::new(true),
            log_budget: Mutex::new((0, 0, 0)),
            content_range: ContentRangeShape::default(),
            ignore_is_public: false,
            rate_limits: None,
            control: false,
            deletes: AtomicU64::new(0),
        }
    }

    /// The dataset being served, as deletes and pushes left it.
    pub(crate) fn dataset(&self) -> Arc<Dataset> {
        self.index().read().current()
    }

    /// The dataset being served, indexed.
    pub(crate) fn index(&self) -> Arc<Index> {
        read(&self.index)
    }

    pub(crate) fn set_index(&self, index: Index) {
        *self.index.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(index);
    }

    pub(crate) fn auth(&self) -> Arc<AuthConfig> {
        read(&self.auth)
    }

    pub(crate) fn set_auth(&self, auth: AuthConfig) {
        *self.auth.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(auth);
    }

    /// Sets the faults and restarts the request count that decides them.
    pub(crate) fn set_faults(&self, faults: FaultConfig) {
        let mut slot = self.faults.write().unwrap_or_else(PoisonError::into_inner);
        *slot = Arc::new(faults);
        // Under the write lock, so no request pairs the new faults with an
        // old count.
        self.next_fault.store(0, Ordering::SeqCst);
    }

    pub(crate) fn latency(&self) -> Duration {
        Duration::from_nanos(self.latency_nanos.load(Ordering::Relaxed))
    }

    pub(crate) fn set_latency(&self, latency: Duration) {
        self.latency_nanos.store(nanos(latency), Ordering::Relaxed);
    }

    /// How many requests arrived.
    pub(crate) fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Counts a delete request.
    pub(crate) fn count_delete(&self) {
        self.deletes.fetch_add(1, Ordering::Relaxed);
    }

    /// How many delete requests arrived.
    pub(crate) fn deletes(&self) -> u64 {
        self.deletes.load(Ordering::Relaxed)
    }

    /// Whether a request to `provider` is let through by the rate limit:
    /// `Err` with the limit when its bucket is empty.
    pub(crate) fn admit(&self, provider: Provider) -> Result<(), u32> {
        let Some(limits) = &self.rate_limits else {
            return Ok(());
        };
        let bucket = match provider {
            Provider::Uhub => &limits.uhub,
            _ => &limits.swr,
        };
        match bucket.take() {
            true => Ok(()),
            false => Err(bucket.per_second()),
        }
    }

    /// Counts a request that no fault applies to (the control route),
    /// without moving the count that decides faults.
    pub(crate) fn unfaulted(&self) -> FaultDecision {
        FaultDecision {
            fault: None,
            retry_after: 1,
            stall: Duration::ZERO,
            arrival: self.requests.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// Counts the request and decides its fault.
    pub(crate) fn next_fault(&self) -> FaultDecision {
        // The count doubles as the arrival number seeded request ids need,
        // so they cost no atomic of their own.
        let arrival = self.requests.fetch_add(1, Ordering::Relaxed);
        let config = self.faults.read().unwrap_or_else(PoisonError::into_inner);
        if !config.is_active() {
            return FaultDecision {
                fault: None,
                retry_after: 1,
                stall: config.stall,
                arrival,
            };
        }
        let n = self.next_fault.fetch_add(1, Ordering::SeqCst);
        FaultDecision {
            fault: config.fault_for(n),
            retry_after: config.retry_after_seconds(),
            stall: config.stall,
            arrival,
        }
    }

    /// The id of the request that arrived `arrival`th: random, or a pure
    /// function of the seed and `arrival` when the emulator was given one.
    pub(crate) fn request_id(&self, arrival: u64, dashed: bool) -> String {
        match self.request_id_seed {
            None => request_id(dashed),
            Some(seed) => seeded_request_id(seed, arrival, dashed),
        }
    }
}

/// A latency in nanoseconds, saturating (584 years is the most).
fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

fn read<T: ?Sized>(lock: &RwLock<Arc<T>>) -> Arc<T> {
    lock.read().unwrap_or_else(PoisonError::into_inner).clone()
}

thread_local! {
    /// Request ids need to be unique, not secret: a per-thread generator
    /// seeded from the OS avoids a shared lock on every request.
    static IDS: Cell<Option<fastrand::Rng>> = const { Cell::new(None) };
}

/// 128 random bits: 32 hex digits, or a UUID when `dashed`.
pub(crate) fn request_id(dashed: bool) -> String {
    let (hi, lo) = IDS.with(|cell| {
        let mut rng = cell.take().unwrap_or_default();
        let pair = (rng.u64(..), rng.u64(..));
        cell.set(Some(rng));
        pair
    });
    format_id(hi, lo, dashed)
}

/// 128 bits hashed from `seed` and `arrival`, in the shape of
/// [`request_id`]: recordings of the same requests carry the same ids.
pub(crate) fn seeded_request_id(seed: u64, arrival: u64, dashed: bool) -> String {
    // Two hashes of distinct inputs per request; `arrival` below 2^63 in
    // any real run, so no two requests share an input.
    let n = arrival.wrapping_mul(2);
    let hi = crate::hash::mix(seed, n);
    let lo = crate::hash::mix(seed, n.wrapping_add(1));
    format_id(hi, lo, dashed)
}

/// Written in place rather than with `format!`: it is on every answer.
fn format_id(hi: u64, lo: u64, dashed: bool) -> String {
    let mut id = String::with_capacity(36);
    crate::hash::push_u64(&mut id, hi);
    crate::hash::push_u64(&mut id, lo);
    if dashed {
        for at in [8, 13, 18, 23] {
            id.insert(at, '-');
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_have_their_shapes_and_differ() {
        let a = request_id(false);
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        let b = request_id(true);
        assert_eq!(b.len(), 36);
        assert_eq!(b.matches('-').count(), 4);
        assert_ne!(request_id(false), a);
        let groups: Vec<usize> = b.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
    }

    #[test]
    fn seeded_ids_are_a_function_of_seed_and_arrival() {
        let run = |seed, dashed| -> Vec<String> {
            (0..100)
                .map(|n| seeded_request_id(seed, n, dashed))
                .collect()
        };
        assert_eq!(run(7, false), run(7, false));
        assert_eq!(run(7, true), run(7, true));
        let ids = run(7, false);
        let unique: std::collections::HashSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
        let other = run(8, false);
        assert!(ids.iter().zip(&other).all(|(a, b)| a != b));
        // The same bits in both shapes: the UHub id is the SWR one, dashed.
        assert_eq!(run(7, true)[3].replace('-', ""), ids[3]);
        assert!(ids[0].len() == 32 && ids[0].bytes().all(|b| b.is_ascii_hexdigit()));
        let groups: Vec<usize> = run(7, true)[0].split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
    }

    #[test]
    fn shared_state_numbers_requests_for_seeded_ids() {
        let seeded = |seed| {
            Shared::new(
                Index::new(Dataset::demo()).expect("the demo is valid"),
                AuthConfig::disabled(),
                FaultConfig::none(),
                Duration::ZERO,
                Some(seed),
            )
        };
        let ids = |shared: &Shared| -> Vec<String> {
            (0..3)
                .map(|_| {
                    let arrival = shared.next_fault().arrival;
                    shared.request_id(arrival, false)
                })
                .collect()
        };
        let (a, b) = (seeded(1), seeded(1));
        assert_eq!(ids(&a), ids(&b));
        // The count goes on: the fourth request gets the fourth id.
        assert_eq!(ids(&a)[0], seeded_request_id(1, 3, false));
        assert_ne!(ids(&seeded(2)), ids(&seeded(1)));
    }
}
