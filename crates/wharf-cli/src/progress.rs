//! The progress bar on stderr (when it is a terminal) and the summary of
//! `--verbose`: both fed by the listings' progress reports.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use wharf::{Progress, ProgressFn};

/// What every listing of the command has told so far.
#[derive(Default)]
struct Listings {
    latest: BTreeMap<u64, Progress>,
}

impl Listings {
    fn sum(&self, f: impl Fn(&Progress) -> u64) -> u64 {
        self.latest.values().map(f).sum()
    }

    fn total(&self) -> Option<u64> {
        self.latest.values().map(|p| p.total).sum()
    }
}

/// Keeps the counts, and draws them when stderr is a terminal.
pub struct Tracker {
    listings: Mutex<Listings>,
    bar: Option<ProgressBar>,
    started: Instant,
}

impl Tracker {
    /// A tracker that draws a bar unless `quiet` or stderr is not a terminal.
    pub fn new(quiet: bool) -> Arc<Self> {
        let draw = !quiet && std::io::stderr().is_terminal();
        let bar = draw.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            // The last tick string is the one a finished bar keeps.
            let style = ProgressStyle::with_template("{spinner} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner())
                .tick_strings(&["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏", "✔"]);
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Arc::new(Tracker {
            listings: Mutex::new(Listings::default()),
            bar,
            started: Instant::now(),
        })
    }

    /// The progress function for the clients' options.
    pub fn progress_fn(self: &Arc<Self>) -> ProgressFn {
        let tracker = Arc::clone(self);
        Arc::new(move |progress: &Progress| tracker.record(progress))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Listings> {
        self.listings.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn record(&self, progress: &Progress) {
        let mut listings = self.lock();
        listings.latest.insert(progress.listing, progress.clone());
        if let Some(bar) = &self.bar {
            bar.set_message(self.line(&listings));
        }
    }

    /// `pages, items of total, rate, concurrency`.
    fn line(&self, listings: &Listings) -> String {
        let items = listings.sum(|p| p.summary.items);
        let pages = listings.sum(|p| p.summary.pages);
        let rate = items as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
        let of = listings
            .total()
            .map(|t| format!(" of {t}"))
            .unwrap_or_default();
        let concurrency = listings
            .latest
            .values()
            .last()
            .map_or(0, |p| p.summary.concurrency);
        format!("{pages} pages, {items}{of} items, {rate:.0} items/s, concurrency {concurrency}")
    }

    /// Runs `print` with the bar out of the way, so output and bar do not
    /// write over each other on a terminal.
    pub fn suspend<R>(&self, print: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
    }

    /// Ends the bar, leaving its last state on the screen.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            let listings = self.lock();
            bar.finish_with_message(self.line(&listings));
        }
    }

    /// The `--verbose` summary line.
    pub fn summary(&self) -> String {
        let listings = self.lock();
        let pages = listings.sum(|p| p.summary.pages);
        let items = listings.sum(|p| p.summary.items);
        let attempts = listings.sum(|p| p.summary.attempts);
        let throttles = listings.sum(|p| p.summary.throttles);
        let changes: usize = listings
            .latest
            .values()
            .map(|p| p.summary.changes.len())
            .sum();
        let mut line = format!(
            "{} listings, {pages} pages, {items} items, {attempts} requests, {throttles} throttled, \
             {changes} catalog changes, {:.2}s",
            listings.latest.len(),
            self.started.elapsed().as_secs_f64()
        );
        line.push_str(&totals(&listings));
        line
    }
}

/// `; totals from S1, S2` and the first header set aside, quoted: where each
/// listing's total came from, since the providers' totals are advisory.
fn totals(listings: &Listings) -> String {
    let mut sources: Vec<String> = Vec::new();
    for progress in listings.latest.values() {
        let source = match progress.summary.total_source {
            Some(source) => source.to_string(),
            None => continue,
        };
        if !sources.contains(&source) {
            sources.push(source);
        }
    }
    let mut out = String::new();
    if !sources.is_empty() {
        out.push_str("; totals from ");
        out.push_str(&sources.join(", "));
    }
    let ignored = listings.sum(|p| p.summary.ignored_headers);
    let first = listings
        .latest
        .values()
        .find_map(|p| p.summary.ignored_header.as_ref());
    if let Some(header) = first {
        out.push_str(&format!(
            "; {ignored} pages set a header aside, the first: {header}"
        ));
    }
    out
}
