//! Paginators: every list operation as a lazy stream of pages or items,
//! with requests in flight concurrently and items still in order.
//! (What a listing guarantees is documented on [`Paginator`], the public face.)

mod engine;
pub(crate) mod state;
#[cfg(test)]
mod tests;

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::future::BoxFuture;
use futures::stream::{BoxStream, Stream, StreamExt};
use wharf_model::PageRequest;
use wharf_transport::{CallOptions, Time};

use crate::{Error, ErrorKind, IgnoredHeader, Page, TotalSource};
use engine::Engine;
use state::Shared;

/// Fetches one page: `(offset, limit, options)`.
pub(crate) type FetchPage<T> =
    Arc<dyn Fn(u64, u32, CallOptions) -> BoxFuture<'static, Result<Page<T>, Error>> + Send + Sync>;

/// Whether `next` may follow `previous` in the requested order.
pub(crate) type InOrder<T> = Arc<dyn Fn(&T, &T) -> bool + Send + Sync>;

/// What to do when the catalog changes during a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OnChange {
    /// End the listing with [`ErrorKind::CatalogChanged`] (the default).
    #[default]
    Fail,
    /// Go on, skip items already yielded, and record each change in the
    /// [`Summary`].
    Report,
}

/// How a paginator pages. Every field has a default.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListOptions {
    /// Items per request, `1..=1000` (default 100).
    pub page_size: u32,
    /// Offset of the first item (default 0).
    pub start_offset: u64,
    /// Stop after this many items (default: all).
    pub max_items: Option<u64>,
    /// Requests in flight at most, once the first page told the total
    /// (default 4); throttling lowers it for a while.
    pub concurrency: usize,
    /// What a change of the catalog during the listing does.
    pub on_change: OnChange,
}

impl Default for ListOptions {
    fn default() -> Self {
        ListOptions {
            page_size: 100,
            start_offset: 0,
            max_items: None,
            concurrency: 4,
            on_change: OnChange::Fail,
        }
    }
}

impl ListOptions {
    fn check(&self) -> Result<(), Error> {
        let max = PageRequest::MAX_LIMIT;
        if !(1..=max).contains(&self.page_size) {
            let detail = format!("page size {} is not in 1..={max}", self.page_size);
            return Err(Error::new(ErrorKind::InvalidInput, detail));
        }
        if self.concurrency == 0 {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "concurrency 0: at least 1 request must be allowed",
            ));
        }
        Ok(())
    }
}

/// Something that happened to the catalog while it was being listed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CatalogChange {
    /// The total one page reported differs from the one before.
    TotalChanged {
        /// The page's offset.
        offset: u64,
        /// The total before.
        was: u64,
        /// The total the page reported.
        now: u64,
    },
    /// An item already yielded came again on the next page.
    Repeated {
        /// Its offset on the later page.
        offset: u64,
        /// Its key (such as `namespace/name`).
        key: String,
    },
    /// An item is out of the order the listing asked for.
    OutOfOrder {
        /// Its offset.
        offset: u64,
        /// Its key.
        key: String,
    },
    /// The listing ended before the total it had been told.
    EndedShort {
        /// Where it ended.
        offset: u64,
        /// The total.
        total: u64,
    },
}

impl fmt::Display for CatalogChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CatalogChange::TotalChanged { offset, was, now } => write!(
                f,
                "the total went from {was} to {now} at offset {offset}, so items may have been skipped or repeated"
            ),
            CatalogChange::Repeated { offset, key } => write!(
                f,
                "{key} came again at offset {offset}: items moved across a page boundary"
            ),
            CatalogChange::OutOfOrder { offset, key } => {
                write!(f, "{key} at offset {offset} is out of the requested order")
            }
            CatalogChange::EndedShort { offset, total } => {
                write!(
                    f,
                    "the listing ended at offset {offset}, short of its total {total}"
                )
            }
        }
    }
}

/// What a listing did, for logs and progress lines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Summary {
    /// Pages yielded.
    pub pages: u64,
    /// Items yielded.
    pub items: u64,
    /// Requests sent, retries included.
    pub attempts: u64,
    /// Attempts the server throttled.
    pub throttles: u64,
    /// The in-flight limit at the end.
    pub concurrency: usize,
    /// The lowest the in-flight limit went.
    pub lowest_concurrency: usize,
    /// Time from the first poll to the end (or to now, while running).
    pub elapsed: Duration,
    /// Changes of the catalog seen (with [`OnChange::Report`]; with
    /// [`OnChange::Fail`] the first one ends the listing).
    pub changes: Vec<CatalogChange>,
    /// Where the total of the last page that said came from; `None`
    /// before the first page.
    pub total_source: Option<TotalSource>,
    /// The first advisory header set aside (such as a `Content-Range` no
    /// parser reads), quoted; the listing went on without it.
    pub ignored_header: Option<IgnoredHeader>,
    /// Pages whose advisory header was set aside.
    pub ignored_headers: u64,
}

/// Where one listing stands, told to a [`ProgressFn`] after every page it
/// yields and once at its end.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Tells listings apart: unique within the process.
    pub listing: u64,
    /// The operation listed, such as `list_repos` or `GetRepoImage`.
    pub operation: &'static str,
    /// What the listing has done so far.
    pub summary: Summary,
    /// How many items it will yield in all, when known.
    pub total: Option<u64>,
    /// Whether it has ended (with or without an error).
    pub done: bool,
}

/// Told of every listing's progress: set it in
/// [`ClientOptions::progress`](crate::ClientOptions::progress) to draw a
/// progress bar or keep counts. It runs on the task polling the listing:
/// keep it short.
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// How the paginator recognises items: a key for repeats, the order the
/// listing asked for (when it asked for one), and whether the provider's
/// total may be understated.
pub(crate) struct Rules<T> {
    pub(crate) key: fn(&T) -> String,
    pub(crate) in_order: Option<InOrder<T>>,
    /// Whether a full page at the total calls for one more request: for a
    /// total no one should trust alone (UHub's `TotalCount`).
    pub(crate) confirm_end: bool,
}

impl<T> Rules<T> {
    /// Items told apart by `key`, in no particular order.
    pub(crate) fn keyed(key: fn(&T) -> String) -> Self {
        Rules {
            key,
            in_order: None,
            confirm_end: false,
        }
    }

    /// Checked against `in_order`, when there is one.
    // Only SWR's listings take an order.
    #[cfg_attr(not(feature = "swr"), allow(dead_code))]
    pub(crate) fn ordered(mut self, in_order: Option<InOrder<T>>) -> Self {
        self.in_order = in_order;
        self
    }

    /// With the end confirmed by one more request after a full last page.
    // Only UHub's totals need confirming.
    #[cfg_attr(not(feature = "uhub"), allow(dead_code))]
    pub(crate) fn confirming_end(mut self) -> Self {
        self.confirm_end = true;
        self
    }
}

impl<T> Clone for Rules<T> {
    fn clone(&self) -> Self {
        Rules {
            key: self.key,
            in_order: self.in_order.clone(),
            confirm_end: self.confirm_end,
        }
    }
}

/// An order check from a comparison: ascending, or descending.
#[cfg_attr(not(feature = "swr"), allow(dead_code))]
pub(crate) fn in_order<T>(
    descending: bool,
    compare: impl Fn(&T, &T) -> std::cmp::Ordering + Send + Sync + 'static,
) -> InOrder<T> {
    Arc::new(move |a: &T, b: &T| {
        let ordering = compare(a, b);
        if descending {
            ordering.is_ge()
        } else {
            ordering.is_le()
        }
    })
}

/// A listing not yet started: set its options, then take
/// [`pages`](Paginator::pages) or [`items`](Paginator::items). Nothing is
/// sent until the stream is polled.
///
/// The stream must be polled within a Tokio runtime: each page request runs
/// as a task of its own, so requests progress while the caller works on
/// earlier items. Dropping the stream cancels the requests in flight.
///
/// # What a listing guarantees
///
/// Offset paging over a catalog that changes can skip or repeat items. A
/// listing either yields **every item present for the whole listing exactly
/// once, in the server's order**, or it reports that the catalog changed
/// ([`ErrorKind::CatalogChanged`] by
/// default, or a [`CatalogChange`] in the [`Summary`] with
/// [`OnChange::Report`]). It detects:
///
/// - a total that differs from one page to another (an insert or a delete
///   anywhere, which may shift items across a page boundary);
/// - an item whose key was on the page before (items shifted forward);
/// - an item out of the requested order (when an order was asked for);
/// - a listing that ends short of its total.
///
/// Its limit: a delete before the cursor and an insert after it, both
/// between the same two page fetches, keep the total and the boundary
/// intact while one item moves back past the cursor; offset paging cannot
/// see that.
///
/// A listing always ends: on an empty page, at the total, on a short page
/// when the total is unknown, or with [`ErrorKind::Paging`] when a page makes
/// no progress (a server that ignores `offset`, or goes round in circles).
/// A page with more items than asked for is cut to what was asked (the rest
/// come on the pages that cover them). Where the provider's total may be
/// understated (UHub's `TotalCount`), the last request asks for a whole page
/// anyway, and a total that ends on a page boundary is confirmed by one
/// more request, at the total, sent with the last pages rather than after them.
/// A failed page ends the listing with its error after every page before it.
pub struct Paginator<T> {
    fetch: FetchPage<T>,
    rules: Rules<T>,
    options: ListOptions,
    time: Arc<dyn Time>,
    progress: Option<(&'static str, ProgressFn)>,
}

impl<T> fmt::Debug for Paginator<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<T: Clone + Send + 'static> Paginator<T> {
    pub(crate) fn new(
        fetch: FetchPage<T>,
        rules: Rules<T>,
        options: ListOptions,
        time: Arc<dyn Time>,
    ) -> Self {
        Paginator {
            fetch,
            rules,
            options,
            time,
            progress: None,
        }
    }

    /// A paginator on a client's options: its paging defaults, clock and
    /// progress reporting, for `operation`.
    pub(crate) fn of_client(
        fetch: FetchPage<T>,
        rules: Rules<T>,
        client: &crate::ClientOptions,
        operation: &'static str,
    ) -> Self {
        let mut paginator =
            Paginator::new(fetch, rules, client.list.clone(), Arc::clone(&client.time));
        paginator.progress = client.progress.clone().map(|f| (operation, f));
        paginator
    }

    /// With all of `options`.
    pub fn with_options(mut self, options: ListOptions) -> Self {
        self.options = options;
        self
    }

    /// With `size` items per request (`1..=1000`).
    pub fn page_size(mut self, size: u32) -> Self {
        self.options.page_size = size;
        self
    }

    /// Starting at `offset`.
    pub fn start_offset(mut self, offset: u64) -> Self {
        self.options.start_offset = offset;
        self
    }

    /// Stopping after `count` items.
    pub fn max_items(mut self, count: u64) -> Self {
        self.options.max_items = Some(count);
        self
    }

    /// With up to `requests` in flight.
    pub fn concurrency(mut self, requests: usize) -> Self {
        self.options.concurrency = requests;
        self
    }

    /// Doing `on_change` when the catalog changes during the listing.
    pub fn on_change(mut self, on_change: OnChange) -> Self {
        self.options.on_change = on_change;
        self
    }

    /// The options as set.
    pub fn options(&self) -> &ListOptions {
        &self.options
    }

    /// The first page alone, at the start offset.
    pub async fn first_page(&self) -> Result<Page<T>, Error> {
        self.options.check()?;
        let limit = match self.options.max_items {
            Some(max) => {
                let max = u32::try_from(max).unwrap_or(u32::MAX).max(1);
                self.options.page_size.min(max)
            }
            None => self.options.page_size,
        };
        (self.fetch)(self.options.start_offset, limit, CallOptions::default()).await
    }

    /// The pages, in order.
    pub fn pages(self) -> Pages<T> {
        let shared = Shared::new(Arc::clone(&self.time), self.options.concurrency);
        let mut engine = Engine::new(self.fetch, self.rules, self.options, Arc::clone(&shared));
        if let Some((operation, report)) = self.progress {
            engine = engine.reporting(operation, report);
        }
        let stream = futures::stream::unfold(engine, |mut engine| async move {
            let next = engine.next_page().await;
            next.map(|page| (page, engine))
        });
        Pages {
            stream: stream.boxed(),
            shared,
        }
    }

    /// The items, in order, page after page.
    pub fn items(self) -> Items<T> {
        Items {
            pages: self.pages(),
            current: Vec::new().into_iter(),
        }
    }
}

/// The pages of a listing: a [`Stream`] of `Result<Page<T>, Error>` that
/// ends after the first error.
pub struct Pages<T> {
    stream: BoxStream<'static, Result<Page<T>, Error>>,
    shared: Arc<Shared>,
}

impl<T> Pages<T> {
    /// What the listing has done so far.
    pub fn summary(&self) -> Summary {
        self.shared.summary()
    }
}

impl<T> fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("summary", &self.summary())
            .finish()
    }
}

impl<T> Stream for Pages<T> {
    type Item = Result<Page<T>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.stream.poll_next_unpin(cx)
    }
}

/// The items of a listing: a [`Stream`] of `Result<T, Error>` that ends
/// after the first error.
pub struct Items<T> {
    pages: Pages<T>,
    current: std::vec::IntoIter<T>,
}

impl<T> Items<T> {
    /// What the listing has done so far.
    pub fn summary(&self) -> Summary {
        self.pages.summary()
    }
}

impl<T> fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("summary", &self.summary())
            .finish()
    }
}

// Nothing in `Items` is pinned structurally: the page stream is boxed.
impl<T> Unpin for Items<T> {}

impl<T> Stream for Items<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match self.pages.stream.poll_next_unpin(cx) {
                Poll::Ready(Some(Ok(page))) => self.current = page.items.into_iter(),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}
