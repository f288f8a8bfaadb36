//! The engine of a listing: which pages to ask for, how many at once, and
//! the checks on every page before its items are handed out.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use tokio::task::JoinSet;

use std::sync::atomic::{AtomicU64, Ordering};

use super::state::Shared;
use super::{CatalogChange, FetchPage, ListOptions, OnChange, Progress, ProgressFn, Rules};
use crate::{Error, ErrorKind, Page};

/// How far a total may grow during a listing that reports changes, as a
/// multiple of the first total, before the listing gives up: a catalog that
/// grows as fast as it is read would otherwise never end.
const GROWTH_LIMIT: u64 = 2;

/// One listing in progress.
///
/// Pages are requested as ranges `(offset, limit)` on a grid of
/// `page_size` from the start offset. A range is *requested* from the moment
/// it is sent until its page is handed out, so at most `window` pages (in
/// flight or waiting for their turn) are held at once. Pages are handed out
/// strictly at the cursor; a page shorter than asked leaves a gap, which is
/// requested next.
pub(super) struct Engine<T> {
    fetch: FetchPage<T>,
    rules: Rules<T>,
    options: ListOptions,
    shared: Arc<Shared>,
    /// The next offset to hand out.
    cursor: u64,
    /// Where the listing ends, once a total is known (and `max_items`).
    end: Option<u64>,
    /// The first total reported, and the latest.
    first_total: Option<u64>,
    last_total: Option<u64>,
    /// Items handed out so far.
    yielded: u64,
    requested: BTreeMap<u64, u32>,
    /// Answers not handed out yet, failures included: a failure waits for
    /// its turn, so the pages before it still come out.
    arrived: BTreeMap<u64, Result<Page<T>, Error>>,
    tasks: JoinSet<(u64, Result<Page<T>, Error>)>,
    /// Keys of the page handed out last, and its last item.
    previous_keys: HashSet<String>,
    previous_item: Option<T>,
    /// Whether the page before was all repeats.
    previous_all_repeats: bool,
    /// While no total is known: the first key of every page so far, so a
    /// server that cycles through pages is stopped.
    first_keys: HashSet<String>,
    finished: bool,
    /// Whether the end was recorded (and reported) already.
    ended: bool,
    checked: bool,
    /// Who hears of each page, under which listing id and operation.
    reporter: Option<(u64, &'static str, ProgressFn)>,
}

/// Listing ids, unique within the process.
static LISTINGS: AtomicU64 = AtomicU64::new(1);

impl<T: Clone + Send + 'static> Engine<T> {
    pub(super) fn new(
        fetch: FetchPage<T>,
        rules: Rules<T>,
        options: ListOptions,
        shared: Arc<Shared>,
    ) -> Self {
        let cursor = options.start_offset;
        Engine {
            fetch,
            rules,
            end: options.max_items.map(|max| cursor.saturating_add(max)),
            options,
            shared,
            cursor,
            first_total: None,
            last_total: None,
            yielded: 0,
            requested: BTreeMap::new(),
            arrived: BTreeMap::new(),
            tasks: JoinSet::new(),
            previous_keys: HashSet::new(),
            previous_item: None,
            previous_all_repeats: false,
            first_keys: HashSet::new(),
            finished: false,
            ended: false,
            checked: false,
            reporter: None,
        }
    }

    /// Tells `report` of every page yielded and of the end.
    pub(super) fn reporting(mut self, operation: &'static str, report: ProgressFn) -> Self {
        let id = LISTINGS.fetch_add(1, Ordering::Relaxed);
        self.reporter = Some((id, operation, report));
        self
    }

    fn report(&self) {
        let Some((listing, operation, report)) = &self.reporter else {
            return;
        };
        report(&Progress {
            listing: *listing,
            operation,
            summary: self.shared.summary(),
            total: self.end,
            done: self.finished,
        });
    }

    /// The next page in order, `None` at the end. After an error, `None`.
    pub(super) async fn next_page(&mut self) -> Option<Result<Page<T>, Error>> {
        if !self.checked {
            self.checked = true;
            self.shared.start();
            if let Err(e) = self.options.check() {
                return Some(self.fail(e));
            }
        }
        loop {
            if self.finished {
                return None;
            }
            if let Some(answer) = self.arrived.remove(&self.cursor) {
                let limit = self.requested.remove(&self.cursor).unwrap_or(u32::MAX);
                let result = answer.and_then(|page| self.accept(page, limit));
                if result.is_err() || self.finished {
                    self.finish();
                } else {
                    self.report();
                }
                return Some(result);
            }
            self.launch();
            if self.tasks.is_empty() {
                if let Some(wait) = self.shared.pause_left() {
                    self.shared.time().sleep(wait).await;
                    continue;
                }
                return self.end_here();
            }
            match self.tasks.join_next().await {
                Some(Ok((offset, answer))) => {
                    if answer.is_ok() {
                        self.shared.page_received();
                    }
                    self.arrived.insert(offset, answer);
                }
                // A panic in a page request is the caller's bug: let it through.
                Some(Err(join)) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
                Some(Err(join)) => {
                    let e = Error::new(ErrorKind::Transport, "a page request was cancelled")
                        .with_source(join);
                    return Some(self.fail(e));
                }
                None => {}
            }
        }
    }

    /// Nothing in flight and nothing left to ask for: the end, unless the
    /// known end is still ahead, which would be a loss to report.
    fn end_here(&mut self) -> Option<Result<Page<T>, Error>> {
        let short = self.end.filter(|&end| self.cursor < end);
        self.finish();
        let end = short?;
        let detail = format!(
            "the listing stopped at offset {} before its end at {end}",
            self.cursor
        );
        Some(Err(Error::new(ErrorKind::Paging, detail)))
    }

    fn finish(&mut self) {
        if self.ended {
            return;
        }
        self.ended = true;
        self.finished = true;
        self.shared.end();
        self.tasks.abort_all();
        self.report();
    }

    fn fail(&mut self, e: Error) -> Result<Page<T>, Error> {
        self.finish();
        Err(e)
    }

    /// Starts requests while the window allows and there is a range to ask for.
    fn launch(&mut self) {
        if self.shared.pause_left().is_some() {
            return;
        }
        let window = self.shared.window();
        while self.requested.len() < window {
            let Some((offset, limit)) = self.next_range() else {
                break;
            };
            self.requested.insert(offset, limit);
            let fetch = Arc::clone(&self.fetch);
            let options = self.shared.call_options();
            self.tasks
                .spawn(async move { (offset, fetch(offset, limit, options).await) });
        }
    }

    /// The first range at or after the cursor that no request covers; while
    /// the total is unknown, only the one at the cursor, one at a time.
    fn next_range(&self) -> Option<(u64, u32)> {
        let mut at = self.cursor;
        let mut next_start = None;
        for (&offset, &limit) in self.requested.range(self.cursor..) {
            if offset > at {
                next_start = Some(offset);
                break;
            }
            at = at.max(offset.saturating_add(u64::from(limit)));
        }
        if self.last_total.is_none() && at != self.cursor {
            return None;
        }
        let mut room = u64::from(self.options.page_size);
        if let Some(end) = self.end {
            // A total that may be understated is confirmed by a request that
            // covers `end` itself, sent with the others rather than after the
            // last page: the answer, empty or not, is then already on its way.
            let confirm = self.rules.confirm_end && at == end;
            if at >= end && !confirm {
                return None;
            }
            // A total that may be understated does not shorten the last
            // request: a short answer to a whole page proves the end.
            let bound = if self.rules.confirm_end {
                self.max_end()
            } else {
                Some(end)
            };
            if let Some(bound) = bound {
                room = room.min(bound.saturating_sub(at));
            }
        }
        if let Some(start) = next_start {
            room = room.min(start - at);
        }
        (room > 0).then_some((at, room as u32))
    }

    /// Checks a page at the cursor, moves the cursor past it, and decides
    /// whether the listing goes on.
    fn accept(&mut self, mut page: Page<T>, limit: u32) -> Result<Page<T>, Error> {
        // More than asked for would carry the cursor past pages already
        // requested; those items come again on the pages that cover them.
        page.items.truncate(limit as usize);
        let received = page.items.len() as u64;
        // Each item's key, made once: the checks below all need it.
        let mut keys: Vec<String> = page.items.iter().map(self.rules.key).collect();
        self.check_total(&page)?;
        self.check_progress(&page, &keys)?;
        self.drop_repeats(&mut page, &mut keys)?;
        self.check_order(&page, &keys)?;
        self.check_cycle(&keys)?;
        self.cursor = self.cursor.saturating_add(received);
        if received == 0 {
            self.finished = true;
            if let Some(total) = self.last_total.filter(|&t| self.cursor < t) {
                let change = CatalogChange::EndedShort {
                    offset: self.cursor,
                    total,
                };
                self.changed(change)?;
            }
        } else if page.next_offset.is_none() && self.last_total.is_none() {
            // A short page and no total: the last page.
            self.finished = true;
        }
        if let Some(max) = self.options.max_items {
            let left = max.saturating_sub(self.yielded);
            if page.items.len() as u64 >= left {
                page.items.truncate(left as usize);
                keys.truncate(left as usize);
                self.finished = true;
            }
        }
        if self.end.is_some_and(|end| self.cursor >= end) {
            self.reached_end(received == u64::from(limit));
        }
        self.remember(&page, keys);
        self.yielded += page.items.len() as u64;
        self.shared.page_yielded(&page);
        Ok(page)
    }

    /// At the end the total set: the end, unless the total may be
    /// understated and the last page came full; then the listing goes on one
    /// page at a time, as if no total were known, until a short page.
    fn reached_end(&mut self, full: bool) {
        let by_max = self.max_end();
        if by_max.is_some_and(|m| self.cursor >= m) || !(self.rules.confirm_end && full) {
            self.finished = true;
            return;
        }
        self.last_total = None;
        self.end = by_max;
    }

    /// Where `max_items` ends the listing, if it does.
    fn max_end(&self) -> Option<u64> {
        let max = self.options.max_items?;
        Some(self.options.start_offset.saturating_add(max))
    }

    /// A total that moved means items may have shifted across a boundary.
    fn check_total(&mut self, page: &Page<T>) -> Result<(), Error> {
        let Some(total) = page.total else {
            return Ok(());
        };
        let first = *self.first_total.get_or_insert(total);
        if let Some(was) = self.last_total.filter(|&was| was != total) {
            let change = CatalogChange::TotalChanged {
                offset: page.offset,
                was,
                now: total,
            };
            self.changed(change)?;
        }
        if total
            > first
                .saturating_mul(GROWTH_LIMIT)
                .saturating_add(u64::from(self.options.page_size))
        {
            let detail = format!(
                "the catalog grew from {first} to {total} items while it was listed; stopping"
            );
            return Err(Error::new(ErrorKind::CatalogChanged, detail));
        }
        self.last_total = Some(total);
        self.end = Some(self.max_end().map_or(total, |m| m.min(total)));
        Ok(())
    }

    /// A page whose every item was on the page before made no progress: the
    /// server likely ignores `offset`, and asking again would loop.
    ///
    /// When changes are reported rather than fatal, one such page may be an
    /// insert before the cursor that shifted a whole (small) page: it goes
    /// on as repeats, once, while a total bounds the listing.
    fn check_progress(&mut self, page: &Page<T>, keys: &[String]) -> Result<(), Error> {
        let all_seen = !keys.is_empty() && keys.iter().all(|k| self.previous_keys.contains(k));
        let tolerated = self.options.on_change == OnChange::Report
            && self.last_total.is_some()
            && !self.previous_all_repeats;
        if all_seen && !tolerated {
            let detail = format!(
                "the page at offset {} repeats the page before it; the server may ignore `offset`",
                page.offset
            );
            return Err(Error::new(ErrorKind::Paging, detail));
        }
        self.previous_all_repeats = all_seen;
        Ok(())
    }

    /// Without a total, nothing else bounds the listing: a page that starts
    /// where an earlier one started means the server is going round.
    fn check_cycle(&mut self, keys: &[String]) -> Result<(), Error> {
        if self.last_total.is_some() {
            return Ok(());
        }
        let Some(first) = keys.first() else {
            return Ok(());
        };
        if !self.first_keys.insert(first.clone()) {
            let detail = format!(
                "{first} starts a page again at offset {}; the server is going round in circles",
                self.cursor
            );
            return Err(Error::new(ErrorKind::Paging, detail));
        }
        Ok(())
    }

    /// Items already handed out are reported, and never handed out twice.
    fn drop_repeats(&mut self, page: &mut Page<T>, keys: &mut Vec<String>) -> Result<(), Error> {
        let repeated = |k: &String| self.previous_keys.contains(k);
        let Some(at) = keys.iter().position(repeated) else {
            return Ok(());
        };
        let change = CatalogChange::Repeated {
            offset: page.offset + at as u64,
            key: keys[at].clone(),
        };
        self.changed(change)?;
        let fresh: Vec<bool> = keys
            .iter()
            .map(|k| !self.previous_keys.contains(k))
            .collect();
        let mut flags = fresh.iter();
        page.items.retain(|_| *flags.next().unwrap_or(&true));
        let mut flags = fresh.iter();
        keys.retain(|_| *flags.next().unwrap_or(&true));
        Ok(())
    }

    fn check_order(&mut self, page: &Page<T>, keys: &[String]) -> Result<(), Error> {
        let Some(in_order) = self.rules.in_order.clone() else {
            return Ok(());
        };
        let mut previous = self.previous_item.as_ref();
        for (i, item) in page.items.iter().enumerate() {
            if previous.is_some_and(|p| !in_order(p, item)) {
                let change = CatalogChange::OutOfOrder {
                    offset: page.offset + i as u64,
                    key: keys[i].clone(),
                };
                self.changed(change)?;
            }
            previous = Some(item);
        }
        Ok(())
    }

    fn remember(&mut self, page: &Page<T>, keys: Vec<String>) {
        if page.items.is_empty() {
            return;
        }
        self.previous_keys = keys.into_iter().collect();
        self.previous_item = page.items.last().cloned();
    }

    /// A change: the listing's error, or a note in the summary.
    fn changed(&mut self, change: CatalogChange) -> Result<(), Error> {
        match self.options.on_change {
            OnChange::Fail => Err(Error::changed(change)),
            OnChange::Report => {
                self.shared.record_change(change);
                Ok(())
            }
        }
    }
}
