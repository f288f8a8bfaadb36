//! The progress bar on stderr (when it is a terminal) and the summary of
//! `--verbose`: both fed by the listings' progress reports.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use wharf::{Progress, ProgressFn};

/// What every listing of the command has told so far: the running ones
/// by id, the finished ones folded into counts, so a command of a hundred
/// thousand listings (one per repository) keeps a few numbers, not a
/// hundred thousand summaries.
#[derive(Default)]
struct Listings {
    running: BTreeMap<u64, Progress>,
    done: Done,
    /// The in-flight limit the last report gave.
    concurrency: usize,
}

/// The counts of finished listings.
#[derive(Default)]
struct Done {
    listings: u64,
    pages: u64,
    items: u64,
    attempts: u64,
    throttles: u64,
    changes: u64,
    ignored_headers: u64,
    /// `None` once a finished listing did not know its total.
    total: Option<u64>,
    unknown_total: bool,
    sources: Vec<String>,
    first_ignored: Option<String>,
}

impl Listings {
    fn record(&mut self, progress: &Progress) {
        self.concurrency = progress.summary.concurrency;
        if !progress.done {
            self.running.insert(progress.listing, progress.clone());
            return;
        }
        self.running.remove(&progress.listing);
        self.finished(&progress.summary, progress.total);
    }

    /// Folds a finished listing's `summary` and `total` into the counts.
    fn finished(&mut self, s: &wharf::Summary, total: Option<u64>) {
        let d = &mut self.done;
        d.listings += 1;
        d.pages += s.pages;
        d.items += s.items;
        d.attempts += s.attempts;
        d.throttles += s.throttles;
        d.changes += s.changes.len() as u64;
        d.ignored_headers += s.ignored_headers;
        match total {
            Some(t) => d.total = Some(d.total.unwrap_or(0) + t),
            None => d.unknown_total = true,
        }
        if let Some(source) = s.total_source.map(|t| t.to_string())
            && !d.sources.contains(&source)
        {
            d.sources.push(source);
        }
        if d.first_ignored.is_none() {
            d.first_ignored = s.ignored_header.as_ref().map(ToString::to_string);
        }
    }

    /// A count over every listing: `done` of the finished, `f` of the running.
    fn sum(&self, done: u64, f: impl Fn(&Progress) -> u64) -> u64 {
        done + self.running.values().map(f).sum::<u64>()
    }

    fn total(&self) -> Option<u64> {
        if self.done.unknown_total {
            return None;
        }
        let running: Option<u64> = self.running.values().map(|p| p.total).sum();
        Some(self.done.total.unwrap_or(0) + running?)
    }

    fn count(&self) -> u64 {
        self.done.listings + self.running.len() as u64
    }

    fn pages(&self) -> u64 {
        self.sum(self.done.pages, |p| p.summary.pages)
    }

    fn items(&self) -> u64 {
        self.sum(self.done.items, |p| p.summary.items)
    }
}

/// Keeps the counts, and draws them when stderr is a terminal.
pub struct Tracker {
    listings: Mutex<Listings>,
    bar: Option<ProgressBar>,
    /// Whether the bar has been drawn yet.
    shown: std::sync::Once,
    started: Instant,
}

impl Tracker {
    /// A tracker that draws a bar unless `quiet` or stderr is not a terminal.
    ///
    /// The bar shows nothing until the command waits on the registry
    /// ([`waiting`](Self::waiting)) or a listing reports, so nothing is
    /// drawn above what the command prints first (the demo notice).
    pub fn new(quiet: bool) -> Arc<Self> {
        let draw = !quiet && std::io::stderr().is_terminal();
        let bar = draw.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            let style = ProgressStyle::with_template("{spinner} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner())
                .tick_strings(&["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏", " "]);
            bar.set_style(style);
            bar
        });
        Arc::new(Tracker {
            listings: Mutex::new(Listings::default()),
            bar,
            shown: std::sync::Once::new(),
            started: Instant::now(),
        })
    }

    /// Draws the bar from now on (once).
    fn show(&self) {
        if let Some(bar) = &self.bar {
            self.shown.call_once(|| {
                bar.set_draw_target(ProgressDrawTarget::stderr());
                bar.enable_steady_tick(Duration::from_millis(120));
            });
        }
    }

    /// Says what the command waits for, until the first page arrives:
    /// `waiting for ENDPOINT (each request gives up after 30s)`.
    pub fn waiting(&self, what: &str) {
        if let Some(bar) = &self.bar {
            self.show();
            bar.set_message(format!("waiting for {what}"));
        }
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
        listings.record(progress);
        if let Some(bar) = &self.bar {
            self.show();
            bar.set_message(self.line(&listings));
        }
    }

    /// `pages, items of total, rate, concurrency`.
    fn line(&self, listings: &Listings) -> String {
        let (items, pages) = (listings.items(), listings.pages());
        let rate = items as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
        let of = listings
            .total()
            .map(|t| format!(" of {t}"))
            .unwrap_or_default();
        let concurrency = listings.concurrency;
        let pages = match pages {
            1 => "1 page".to_owned(),
            n => format!("{n} pages"),
        };
        format!("{pages}, {items}{of} items, {rate:.0} items/s, concurrency {concurrency}")
    }

    /// Runs `print` with the bar out of the way, so output and bar do not
    /// write over each other on a terminal.
    pub fn suspend<R>(&self, print: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
    }

    /// Ends the bar and clears it: what the command printed, or its error,
    /// is what stays on the screen (`--verbose` prints the summary).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    /// The `--verbose` summary line.
    pub fn summary(&self) -> String {
        let listings = self.lock();
        let (pages, items) = (listings.pages(), listings.items());
        let attempts = listings.sum(listings.done.attempts, |p| p.summary.attempts);
        let throttles = listings.sum(listings.done.throttles, |p| p.summary.throttles);
        let changes = listings.sum(listings.done.changes, |p| p.summary.changes.len() as u64);
        let mut line = format!(
            "{} listings, {pages} pages, {items} items, {attempts} requests, {throttles} throttled, \
             {changes} catalog changes, {:.2}s",
            listings.count(),
            self.started.elapsed().as_secs_f64()
        );
        line.push_str(&totals(&listings));
        line
    }
}

/// `; totals from S1, S2` and the first header set aside, quoted: where each
/// listing's total came from, since the providers' totals are advisory.
fn totals(listings: &Listings) -> String {
    let mut sources = listings.done.sources.clone();
    for progress in listings.running.values() {
        if let Some(source) = progress.summary.total_source.map(|t| t.to_string())
            && !sources.contains(&source)
        {
            sources.push(source);
        }
    }
    let mut out = String::new();
    if !sources.is_empty() {
        out.push_str("; totals from ");
        out.push_str(&sources.join(", "));
    }
    let ignored = listings.sum(listings.done.ignored_headers, |p| p.summary.ignored_headers);
    let first = listings.done.first_ignored.clone().or_else(|| {
        listings
            .running
            .values()
            .find_map(|p| p.summary.ignored_header.as_ref().map(ToString::to_string))
    });
    if let Some(header) = first {
        out.push_str(&format!(
            "; {ignored} pages set a header aside, the first: {header}"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finished_listings_are_counted_not_kept() {
        let mut listings = Listings::default();
        let mut summary = wharf::Summary::default();
        summary.pages = 1;
        summary.items = 10;
        for _ in 0..10_000 {
            listings.finished(&summary, Some(10));
        }
        assert!(listings.running.is_empty(), "no finished listing is kept");
        assert_eq!(listings.count(), 10_000);
        assert_eq!(listings.items(), 100_000);
        assert_eq!(listings.pages(), 10_000);
        assert_eq!(listings.total(), Some(100_000));
        listings.finished(&summary, None);
        assert_eq!(
            listings.total(),
            None,
            "one unknown total makes the sum unknown"
        );
    }
}
