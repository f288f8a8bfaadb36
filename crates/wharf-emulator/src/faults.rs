//! Fault injection: which request fails, and how.
//!
//! # What "deterministic" means
//!
//! The emulator numbers the requests it receives, from 0, in the order their
//! headers arrive (the count restarts whenever the faults are set). Whether
//! request `n` fails, and how, is a pure function of the seed and `n`
//! ([`FaultConfig::fault_for`]): the same seed and the same sequence of
//! requests give the same faults, on every run and machine. Requests sent
//! concurrently may arrive in a different order from run to run, and then the
//! faults land on different requests; a test that wants exact faults sends its
//! requests one at a time, or uses a [script](FaultConfig::script).

use std::time::Duration;

use crate::hash::mix;

/// One way a request can fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fault {
    /// HTTP 500 with a provider error body.
    InternalError,
    /// HTTP 502, as a gateway sends it.
    BadGateway,
    /// HTTP 503, as a gateway sends it.
    Unavailable,
    /// HTTP 429 with a `Retry-After` header.
    TooManyRequests,
    /// UHub: HTTP 200 with `RetCode` 153 (rate limited). On SWR it is HTTP 429.
    RateLimited,
    /// The connection is reset (TCP RST) before any response byte.
    ConnectionReset,
    /// The response head promises the whole body, half of it is sent, then the
    /// connection closes.
    TruncatedBody,
    /// The response waits [`FaultConfig::stall`] before it is sent.
    Stall,
}

impl Fault {
    /// Every fault, in the order [`Fault::name`] documents.
    pub const ALL: [Fault; 8] = [
        Fault::InternalError,
        Fault::BadGateway,
        Fault::Unavailable,
        Fault::TooManyRequests,
        Fault::RateLimited,
        Fault::ConnectionReset,
        Fault::TruncatedBody,
        Fault::Stall,
    ];

    /// The name the command line uses: `500`, `502`, `503`, `429`, `153`,
    /// `reset`, `truncate`, `stall`.
    pub fn name(self) -> &'static str {
        match self {
            Fault::InternalError => "500",
            Fault::BadGateway => "502",
            Fault::Unavailable => "503",
            Fault::TooManyRequests => "429",
            Fault::RateLimited => "153",
            Fault::ConnectionReset => "reset",
            Fault::TruncatedBody => "truncate",
            Fault::Stall => "stall",
        }
    }
}

impl std::str::FromStr for Fault {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Fault::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Fault::ALL.iter().map(|f| f.name()).collect();
                format!("unknown fault {s:?}: expected one of {}", names.join(", "))
            })
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A fault configuration refused: its rate is not a number from 0 to 1.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("fault rate {rate} is not a number from 0 to 1")]
pub struct FaultError {
    /// The rate given.
    pub rate: f64,
}

/// Which requests fail and how.
///
/// Deterministic: requests are numbered from 0 as they arrive (the count
/// restarts whenever the faults are set), and whether request `n` fails, and
/// how, is a pure function of the configuration and `n`
/// ([`fault_for`](Self::fault_for)). Concurrent requests may arrive in another
/// order from run to run; for exact faults send one request at a time, or use
/// a [script](Self::script).
///
/// ```
/// use wharf_emulator::{Fault, FaultConfig};
///
/// let faults = FaultConfig::random(0.5, 7).with_kinds(&[Fault::Unavailable]);
/// let first: Vec<_> = (0..8).map(|n| faults.fault_for(n)).collect();
/// assert_eq!(first, (0..8).map(|n| faults.fault_for(n)).collect::<Vec<_>>());
/// assert!(first.contains(&Some(Fault::Unavailable)));
///
/// let script = FaultConfig::script([Some(Fault::TooManyRequests), None]);
/// assert_eq!(script.fault_for(0), Some(Fault::TooManyRequests));
/// assert_eq!(script.fault_for(1), None);
/// assert_eq!(script.fault_for(2), None);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FaultConfig {
    /// Chance in `0.0..=1.0` that a request past the script fails.
    pub rate: f64,
    /// The seed.
    pub seed: u64,
    /// The faults drawn from, with equal chance; empty means all of [`Fault::ALL`].
    pub kinds: Vec<Fault>,
    /// Faults for the first requests, in order, before the random ones.
    pub script: Vec<Option<Fault>>,
    /// The `Retry-After` value sent with 429, in whole seconds.
    pub retry_after: Duration,
    /// How long a [`Fault::Stall`] holds the response.
    pub stall: Duration,
}

impl Default for FaultConfig {
    fn default() -> Self {
        FaultConfig::none()
    }
}

impl FaultConfig {
    /// No faults.
    pub fn none() -> Self {
        FaultConfig {
            rate: 0.0,
            seed: 0,
            kinds: Vec::new(),
            script: Vec::new(),
            retry_after: Duration::from_secs(1),
            stall: Duration::from_secs(30),
        }
    }

    /// Each request fails with chance `rate`, the fault drawn from all
    /// kinds, decided by `seed`. A rate outside `0.0..=1.0` is kept as given
    /// and refused where the configuration is used
    /// ([`validate`](Self::validate)).
    pub fn random(rate: f64, seed: u64) -> Self {
        FaultConfig {
            rate,
            seed,
            ..FaultConfig::none()
        }
    }

    /// The first requests get these faults, in order; later ones none.
    pub fn script(script: impl IntoIterator<Item = Option<Fault>>) -> Self {
        FaultConfig {
            script: script.into_iter().collect(),
            ..FaultConfig::none()
        }
    }

    /// Draws only from `kinds`.
    pub fn with_kinds(mut self, kinds: &[Fault]) -> Self {
        self.kinds = kinds.to_vec();
        self
    }

    /// Sets the `Retry-After` sent with 429 (rounded up to whole seconds).
    pub fn with_retry_after(mut self, retry_after: Duration) -> Self {
        self.retry_after = retry_after;
        self
    }

    /// Sets how long a stall lasts.
    pub fn with_stall(mut self, stall: Duration) -> Self {
        self.stall = stall;
        self
    }

    /// Checks that [`rate`](Self::rate) is a number in `0.0..=1.0`.
    /// [`EmulatorBuilder::start`](crate::EmulatorBuilder::start) and
    /// [`Emulator::set_faults`](crate::Emulator::set_faults) refuse a
    /// configuration that fails it.
    ///
    /// ```
    /// use wharf_emulator::FaultConfig;
    ///
    /// assert!(FaultConfig::random(0.5, 1).validate().is_ok());
    /// let err = FaultConfig::random(f64::NAN, 1).validate().unwrap_err();
    /// assert_eq!(err.to_string(), "fault rate NaN is not a number from 0 to 1");
    /// ```
    pub fn validate(&self) -> Result<(), FaultError> {
        if (0.0..=1.0).contains(&self.rate) {
            Ok(())
        } else {
            Err(FaultError { rate: self.rate })
        }
    }

    /// Whether any request can fail.
    pub fn is_active(&self) -> bool {
        self.rate > 0.0 || self.script.iter().any(Option::is_some)
    }

    /// The fault for the `n`-th request (from 0), if any: a pure function of
    /// the configuration and `n`.
    pub fn fault_for(&self, n: u64) -> Option<Fault> {
        if let Some(scripted) = usize::try_from(n).ok().and_then(|i| self.script.get(i)) {
            return *scripted;
        }
        // Written so that a NaN rate (never > 0) means no faults, not all.
        #[allow(clippy::neg_cmp_op_on_partial_ord)]
        if !(self.rate > 0.0) {
            return None;
        }
        let roll = mix(self.seed, n);
        // The top 53 bits as a fraction in [0, 1).
        let chance = (roll >> 11) as f64 / (1u64 << 53) as f64;
        if chance >= self.rate {
            return None;
        }
        let kinds: &[Fault] = if self.kinds.is_empty() {
            &Fault::ALL
        } else {
            &self.kinds
        };
        let pick = mix(roll, n) % kinds.len() as u64;
        kinds.get(pick as usize).copied()
    }

    /// The `Retry-After` header value in whole seconds, at least 1.
    pub fn retry_after_seconds(&self) -> u64 {
        let d = self.retry_after;
        (d.as_secs() + u64::from(d.subsec_nanos() > 0)).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_is_roughly_honoured() {
        let faults = FaultConfig::random(0.25, 99);
        let hits = (0..10_000)
            .filter(|n| faults.fault_for(*n).is_some())
            .count();
        assert!((2_200..2_800).contains(&hits), "{hits}");
        let every = FaultConfig::random(1.0, 1);
        assert!((0..100).all(|n| every.fault_for(n).is_some()));
        let kinds: std::collections::HashSet<_> =
            (0..1_000).filter_map(|n| every.fault_for(n)).collect();
        assert_eq!(kinds.len(), Fault::ALL.len());
        let nan = FaultConfig::random(f64::NAN, 1);
        assert!((0..100).all(|n| nan.fault_for(n).is_none()));
        assert!(nan.validate().is_err());
        assert_eq!(
            FaultConfig::random(1.5, 1)
                .validate()
                .unwrap_err()
                .to_string(),
            "fault rate 1.5 is not a number from 0 to 1"
        );
        assert!(FaultConfig::random(-0.1, 1).validate().is_err());
    }

    #[test]
    fn seeds_differ_and_repeat() {
        let a = FaultConfig::random(0.5, 1);
        let b = FaultConfig::random(0.5, 2);
        let run = |f: &FaultConfig| (0..64).map(|n| f.fault_for(n)).collect::<Vec<_>>();
        assert_eq!(run(&a), run(&a.clone()));
        assert_ne!(run(&a), run(&b));
    }

    #[test]
    fn names_round_trip() {
        for f in Fault::ALL {
            assert_eq!(f.name().parse::<Fault>().unwrap(), f);
        }
        let err = "404".parse::<Fault>().unwrap_err();
        assert!(err.starts_with("unknown fault \"404\""), "{err}");
    }

    #[test]
    fn retry_after_rounds_up() {
        let f = FaultConfig::none().with_retry_after(Duration::from_millis(1_500));
        assert_eq!(f.retry_after_seconds(), 2);
        let f = FaultConfig::none().with_retry_after(Duration::ZERO);
        assert_eq!(f.retry_after_seconds(), 1);
    }
}
