//! Applying a plan: exactly its deletes, each re-checked and journaled.

use std::sync::Arc;

use futures::stream::{FuturesUnordered, StreamExt};
use wharf_model::TagName;
use wharf_transport::{AttemptObserver, Time, TokioTime};

use super::{Journal, Outcome, Plan, PlanEntry};
use crate::catalog::Catalog;
use crate::paginate::state::Shared;
use crate::{Deletion, Error, ErrorKind};

/// How many deletes a plan may hold unless told otherwise: a typo in a
/// policy cannot delete a registry.
pub const DEFAULT_MAX_DELETES: usize = 1_000;

/// The in-flight limit of an apply, halved on every throttled attempt and
/// grown back by one after a run of successes (AIMD, as the paginators do).
///
/// It learns of throttled attempts through the client's observer: give
/// [`observer`](Self::observer) to
/// [`ClientOptions::with_observer`](crate::ClientOptions::with_observer)
/// before the catalog is opened, and the same `RateControl` to
/// [`ApplyOptions::rate`]. Without it, apply keeps `concurrency` deletes
/// in flight and the client's retries absorb throttling.
#[derive(Debug, Clone)]
pub struct RateControl {
    shared: Arc<Shared>,
}

impl RateControl {
    /// At most `concurrency` requests in flight, on the real clock.
    pub fn new(concurrency: usize) -> Self {
        RateControl::with_time(concurrency, Arc::new(TokioTime))
    }

    /// The same, on `time` (a fake clock in tests).
    pub fn with_time(concurrency: usize, time: Arc<dyn Time>) -> Self {
        RateControl {
            shared: Shared::new(time, concurrency),
        }
    }

    /// The observer to install in the client's options.
    pub fn observer(&self) -> AttemptObserver {
        let shared = Arc::clone(&self.shared);
        Arc::new(move |attempt| shared.observe(attempt))
    }

    /// Requests allowed in flight now.
    pub fn window(&self) -> usize {
        self.shared.window()
    }

    /// Attempts seen, and how many of them were throttled.
    pub fn attempts(&self) -> (u64, u64) {
        let summary = self.shared.summary();
        (summary.attempts, summary.throttles)
    }
}

/// Told of each entry's outcome as it is journaled.
pub type OutcomeFn = Arc<dyn Fn(&PlanEntry, Outcome) + Send + Sync>;

/// How to apply a plan.
#[derive(Clone)]
#[non_exhaustive]
pub struct ApplyOptions {
    /// Deletes in flight at most (default 4); see [`rate`](Self::rate).
    pub concurrency: usize,
    /// Refuses a plan with more deletes than this (default
    /// [`DEFAULT_MAX_DELETES`]), before any request.
    pub max_deletes: usize,
    /// What the running catalog is called, compared with the plan's
    /// (default: the catalog's `Display`).
    pub catalog: Option<String>,
    /// The in-flight limit fed by the client's observer.
    pub rate: Option<RateControl>,
    /// Told of every outcome as it is journaled: for a progress bar.
    pub on_outcome: Option<OutcomeFn>,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            concurrency: 4,
            max_deletes: DEFAULT_MAX_DELETES,
            catalog: None,
            rate: None,
            on_outcome: None,
        }
    }
}

impl std::fmt::Debug for ApplyOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApplyOptions")
            .field("concurrency", &self.concurrency)
            .field("max_deletes", &self.max_deletes)
            .field("catalog", &self.catalog)
            .field("rate", &self.rate)
            .finish_non_exhaustive()
    }
}

impl ApplyOptions {
    /// At most `concurrency` deletes in flight.
    pub fn with_concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency;
        self
    }

    /// Refusing plans of more than `max` deletes.
    pub fn with_max_deletes(mut self, max: usize) -> Self {
        self.max_deletes = max;
        self
    }

    /// The running catalog called `name`.
    pub fn with_catalog_name(mut self, name: impl Into<String>) -> Self {
        self.catalog = Some(name.into());
        self
    }

    /// Limited by `rate`.
    pub fn with_rate(mut self, rate: RateControl) -> Self {
        self.rate = Some(rate);
        self
    }

    /// Telling `f` of every outcome.
    pub fn with_on_outcome(
        mut self,
        f: impl Fn(&PlanEntry, Outcome) + Send + Sync + 'static,
    ) -> Self {
        self.on_outcome = Some(Arc::new(f));
        self
    }
}

/// What an apply did.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ApplyReport {
    /// Deleted by this run.
    pub deleted: u64,
    /// Gone already when this run read or deleted them.
    pub already_absent: u64,
    /// Changed since planning, and left: `(entry, what changed)`.
    pub changed: Vec<(PlanEntry, String)>,
    /// Failed in this run: `(entry, the error)`. Another apply tries again.
    pub failed: Vec<(PlanEntry, String)>,
    /// Finished by an earlier run (from the journal), not touched.
    pub finished_before: u64,
}

impl ApplyReport {
    /// Whether every delete of the plan is finished (none failed).
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty()
    }
}

/// Applies `plan` to `catalog`: exactly its delete entries, nothing else.
///
/// Before any request it refuses a plan of another catalog, one with more
/// deletes than `options.max_deletes`, and a catalog that cannot delete.
/// Then, for each delete entry the journal does not call finished: it reads
/// the tag again, and deletes it only when its digest and update time are
/// still the plan's; a changed tag is left and reported, one already gone
/// is reported as such. Each outcome is in the journal before the next
/// delete starts. A failure does not stop the others; running apply again
/// with the same journal retries the failures and skips the rest, and never
/// sends a second delete for a finished entry.
pub async fn apply(
    catalog: &dyn Catalog,
    plan: &Plan,
    journal: &mut Journal,
    options: &ApplyOptions,
) -> Result<ApplyReport, Error> {
    check(catalog, plan, options)?;
    let rate = options
        .rate
        .clone()
        .unwrap_or_else(|| RateControl::new(options.concurrency));
    let mut report = ApplyReport::default();
    let mut todo = Vec::new();
    for (line, entry) in plan.deletes() {
        match journal.is_finished(*line) {
            true => report.finished_before += 1,
            false => todo.push((*line, entry)),
        }
    }
    let limit = options.concurrency.max(1);
    let mut todo = todo.into_iter();
    let mut running = FuturesUnordered::new();
    loop {
        let room = rate.window().min(limit);
        if rate.shared.pause_left().is_none() {
            while running.len() < room {
                let Some((line, entry)) = todo.next() else {
                    break;
                };
                running.push(async move { (line, entry, one(catalog, entry).await) });
            }
        }
        let Some((line, entry, (outcome, detail))) = running.next().await else {
            match rate.shared.pause_left() {
                Some(pause) if todo.len() > 0 => {
                    rate.shared.time().sleep(pause).await;
                    continue;
                }
                _ => break,
            }
        };
        if outcome != Outcome::Failed {
            rate.shared.page_received();
        }
        journal.record(line, entry, outcome, detail.clone())?;
        if let Some(f) = &options.on_outcome {
            f(entry, outcome);
        }
        let detail = detail.unwrap_or_default();
        match outcome {
            Outcome::Deleted => report.deleted += 1,
            Outcome::AlreadyAbsent => report.already_absent += 1,
            Outcome::Changed => report.changed.push((entry.clone(), detail)),
            Outcome::Failed => report.failed.push((entry.clone(), detail)),
        }
    }
    Ok(report)
}

/// The checks made before any request.
fn check(catalog: &dyn Catalog, plan: &Plan, options: &ApplyOptions) -> Result<(), Error> {
    let name = options
        .catalog
        .clone()
        .unwrap_or_else(|| catalog.to_string());
    if plan.header.catalog != name {
        let detail = format!(
            "the plan is for {}, not for {name}: apply a plan to the catalog it was made of",
            plan.header.catalog
        );
        return Err(Error::new(ErrorKind::InvalidInput, detail));
    }
    let deletes = plan.deletes().count();
    if deletes > options.max_deletes {
        let detail = format!(
            "the plan deletes {deletes} tags, more than the {} allowed; \
             raise --max-deletes to apply it",
            options.max_deletes
        );
        return Err(Error::new(ErrorKind::InvalidInput, detail));
    }
    if deletes > 0 && !catalog.capabilities().deletes_tags {
        let detail = format!("{catalog} cannot delete tags");
        return Err(Error::new(ErrorKind::Unsupported, detail));
    }
    Ok(())
}

/// Re-checks one entry and deletes it if it is unchanged.
async fn one(catalog: &dyn Catalog, entry: &PlanEntry) -> (Outcome, Option<String>) {
    let tag = match TagName::new(entry.tag.as_str()) {
        Ok(tag) => tag,
        Err(e) => return (Outcome::Failed, Some(e.to_string())),
    };
    let now = match catalog.show_tag(&entry.repository, &tag).await {
        Ok(now) => now,
        Err(e) if e.kind() == ErrorKind::NotFound => return (Outcome::AlreadyAbsent, None),
        Err(e) => return (Outcome::Failed, Some(e.to_string())),
    };
    let mut changes = Vec::new();
    if now.digest != entry.digest {
        changes.push(format!(
            "digest was {}, now {}",
            shown(&entry.digest),
            shown(&now.digest)
        ));
    }
    if now.updated != entry.updated {
        changes.push(format!(
            "updated was {}, now {}",
            shown(&entry.updated),
            shown(&now.updated)
        ));
    }
    if !changes.is_empty() {
        return (Outcome::Changed, Some(changes.join("; ")));
    }
    match catalog.delete_tag(&entry.repository, &tag).await {
        Ok(Deletion::Deleted) => (Outcome::Deleted, None),
        Ok(_) => (Outcome::AlreadyAbsent, None),
        Err(e) => (Outcome::Failed, Some(e.to_string())),
    }
}

fn shown<T: std::fmt::Display>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map_or_else(|| "none".to_owned(), T::to_string)
}
