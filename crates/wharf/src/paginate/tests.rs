//! The engine against scripted servers: order under concurrency, gaps,
//! bounds, termination, consistency checks and AIMD.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use futures::{StreamExt, TryStreamExt};
use wharf_transport::{Attempt, ErrorKind as TransportKind, FakeTime, Provider};

use super::*;

/// Changes the server's items before a call, given the call's number.
type Mutation = Box<dyn FnMut(usize, &mut Vec<u32>) + Send>;

/// A change to the server's items.
type Change = fn(&mut Vec<u32>);

/// A server over a list of numbers, with knobs for how it misbehaves.
#[derive(Default)]
struct Server {
    items: Mutex<Vec<u32>>,
    /// Largest page it serves, whatever is asked.
    cap: Option<u32>,
    /// Always serves offset 0.
    ignores_offset: bool,
    /// Reports no total.
    no_total: bool,
    /// Gains ten items at the end before each call.
    grows: bool,
    /// Serves this many items whatever the limit asked.
    serves: Option<u32>,
    /// Reports this total whatever it holds (as UHub's seed example does).
    claims_total: Option<u64>,
    /// Wraps offsets past the end back to the start, and reports no total.
    wraps: bool,
    calls: AtomicUsize,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
    /// Called before each page is served, with the call number.
    before: Mutex<Option<Mutation>>,
}

impl Server {
    fn with(n: u32) -> Self {
        Server {
            items: Mutex::new((0..n).collect()),
            ..Server::default()
        }
    }

    async fn page(&self, offset: u64, limit: u32) -> Result<Page<u32>, Error> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_in_flight.fetch_max(now, Ordering::SeqCst);
        // Let other requests start, so concurrency is real.
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(1)).await;
        let mut items = self.items.lock().unwrap();
        if let Some(before) = self.before.lock().unwrap().as_mut() {
            before(call, &mut items);
        }
        if self.grows {
            let next = items.len() as u32;
            items.extend(next..next + 10);
        }
        let offset = if self.ignores_offset { 0 } else { offset };
        let offset = if self.wraps {
            offset % items.len() as u64
        } else {
            offset
        };
        let limit = self.cap.map_or(limit, |cap| cap.min(limit));
        let limit = self.serves.unwrap_or(limit);
        let start = (offset as usize).min(items.len());
        let end = (start + limit as usize).min(items.len());
        let total = self.claims_total.unwrap_or(items.len() as u64);
        let total = if self.no_total || self.wraps {
            None
        } else {
            Some(total)
        };
        let page = Page::new(items[start..end].to_vec(), offset, limit, total);
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        Ok(page)
    }
}

fn paginator(server: &Arc<Server>) -> Paginator<u32> {
    let rules = Rules::keyed(|n: &u32| n.to_string()).ordered(Some(in_order(false, u32::cmp)));
    paginator_with(server, rules)
}

fn paginator_with(server: &Arc<Server>, rules: Rules<u32>) -> Paginator<u32> {
    let server = Arc::clone(server);
    let fetch: FetchPage<u32> = Arc::new(move |offset, limit, _| {
        let server = Arc::clone(&server);
        Box::pin(async move { server.page(offset, limit).await })
    });
    Paginator::new(
        fetch,
        rules,
        ListOptions::default(),
        Arc::new(wharf_transport::TokioTime),
    )
}

/// A paginator over `fetch`, of items told apart by their value alone.
fn keyed(fetch: FetchPage<u32>) -> Paginator<u32> {
    let rules = Rules::keyed(|n: &u32| n.to_string());
    Paginator::new(
        fetch,
        rules,
        ListOptions::default(),
        Arc::new(wharf_transport::TokioTime),
    )
}

/// The items before the listing's error, and the error.
async fn until_error(items: &mut Items<u32>) -> (Vec<u32>, Error) {
    let mut seen = Vec::new();
    loop {
        match items.next().await {
            Some(Ok(n)) => seen.push(n),
            Some(Err(e)) => return (seen, e),
            None => panic!("ended without the error"),
        }
    }
}

async fn all(p: Paginator<u32>) -> Result<Vec<u32>, Error> {
    p.items().try_collect().await
}

#[tokio::test]
async fn concurrent_pages_come_out_in_order_within_the_window() {
    for concurrency in [1, 3, 8] {
        let server = Arc::new(Server::with(1005));
        let items = all(paginator(&server).page_size(10).concurrency(concurrency))
            .await
            .unwrap();
        assert_eq!(items, (0..1005).collect::<Vec<_>>(), "{concurrency}");
        assert!(server.most_in_flight.load(Ordering::SeqCst) <= concurrency);
        assert_eq!(server.calls.load(Ordering::SeqCst), 101, "{concurrency}");
    }
    let server = Arc::new(Server::with(1000));
    all(paginator(&server).page_size(10).concurrency(8))
        .await
        .unwrap();
    assert!(
        server.most_in_flight.load(Ordering::SeqCst) > 1,
        "pages overlapped"
    );
}

#[tokio::test]
async fn a_server_that_caps_pages_leaves_gaps_that_are_filled() {
    let mut server = Server::with(95);
    server.cap = Some(7);
    let server = Arc::new(server);
    let items = all(paginator(&server).page_size(20).concurrency(4))
        .await
        .unwrap();
    assert_eq!(items, (0..95).collect::<Vec<_>>());
}

#[tokio::test]
async fn start_offset_and_max_items_bound_the_listing() {
    let server = Arc::new(Server::with(100));
    let items = all(paginator(&server)
        .page_size(10)
        .start_offset(25)
        .max_items(33))
    .await
    .unwrap();
    assert_eq!(items, (25..58).collect::<Vec<_>>());
    // Without a total, too.
    let mut server = Server::with(100);
    server.no_total = true;
    let server = Arc::new(server);
    let items = all(paginator(&server).page_size(10).max_items(15))
        .await
        .unwrap();
    assert_eq!(items, (0..15).collect::<Vec<_>>());
    assert_eq!(server.calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn without_a_total_pages_go_one_at_a_time_to_a_short_page() {
    let mut server = Server::with(45);
    server.no_total = true;
    let server = Arc::new(server);
    let items = all(paginator(&server).page_size(10).concurrency(8))
        .await
        .unwrap();
    assert_eq!(items.len(), 45);
    assert_eq!(server.most_in_flight.load(Ordering::SeqCst), 1);
    // An exact multiple ends on an empty page.
    let mut server = Server::with(40);
    server.no_total = true;
    let server = Arc::new(server);
    assert_eq!(
        all(paginator(&server).page_size(10)).await.unwrap().len(),
        40
    );
    assert_eq!(server.calls.load(Ordering::SeqCst), 5);
}

#[tokio::test]
async fn a_server_that_ignores_offset_is_stopped() {
    for no_total in [false, true] {
        let mut server = Server::with(50);
        server.ignores_offset = true;
        server.no_total = no_total;
        let server = Arc::new(server);
        for on_change in [OnChange::Fail, OnChange::Report] {
            let error = all(paginator(&server)
                .page_size(10)
                .concurrency(1)
                .on_change(on_change))
            .await
            .unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Paging, "{error}");
        }
    }
}

#[tokio::test]
async fn a_total_that_keeps_growing_is_reported_and_never_loops() {
    let mut server = Server::with(100);
    server.grows = true;
    let server = Arc::new(server);
    let error = all(paginator(&server).page_size(10)).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::CatalogChanged);
    assert!(
        matches!(
            error.change(),
            Some(CatalogChange::TotalChanged { was: 110, .. })
        ),
        "{error}"
    );
    // Reporting instead, the listing still ends.
    let server = {
        let mut s = Server::with(100);
        s.grows = true;
        Arc::new(s)
    };
    let error = all(paginator(&server).page_size(10).on_change(OnChange::Report))
        .await
        .unwrap_err();
    assert_eq!(
        error.kind(),
        ErrorKind::CatalogChanged,
        "stopped by the growth limit: {error}"
    );
}

/// Runs a listing of 100 items in pages of 10 while `mutate` changes the
/// server before call `at`.
async fn mutated(
    concurrency: usize,
    at: usize,
    on_change: OnChange,
    mutate: Change,
) -> (Result<Vec<u32>, Error>, Summary) {
    let server = Arc::new(Server::with(100));
    *server.before.lock().unwrap() = Some(Box::new(move |call, items| {
        if call == at {
            mutate(items);
        }
    }));
    let mut stream = paginator(&server)
        .page_size(10)
        .concurrency(concurrency)
        .on_change(on_change)
        .items();
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(n) => items.push(n),
            Err(e) => return (Err(e), stream.summary()),
        }
    }
    (Ok(items), stream.summary())
}

#[tokio::test]
async fn every_change_keeps_the_guarantee_or_is_reported() {
    let changes: [(&str, Change); 4] = [
        ("insert before the cursor", |v| v.insert(1, 1000)),
        ("delete before the cursor", |v| {
            v.remove(1);
        }),
        ("insert after the cursor", |v| v.insert(95, 1001)),
        ("delete after the cursor", |v| {
            v.remove(95);
        }),
    ];
    for (name, mutate) in changes {
        for concurrency in [1, 4] {
            let (result, _) = mutated(concurrency, 3, OnChange::Fail, mutate).await;
            let error = result.expect_err(name);
            assert_eq!(
                error.kind(),
                ErrorKind::CatalogChanged,
                "{name}, {concurrency}: {error}"
            );
            // Reporting instead: the listing goes on, and never yields an item twice.
            let (result, summary) = mutated(concurrency, 3, OnChange::Report, mutate).await;
            let items = result.unwrap_or_else(|e| panic!("{name}, {concurrency}: {e}"));
            let mut unique = items.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), items.len(), "{name}, {concurrency}: a repeat");
            assert!(!summary.changes.is_empty(), "{name}, {concurrency}");
        }
    }
}

#[tokio::test]
async fn out_of_order_items_are_reported() {
    let (result, _) = mutated(1, 4, OnChange::Fail, |v| v.swap(50, 60)).await;
    let error = result.unwrap_err();
    assert!(
        matches!(error.change(), Some(CatalogChange::OutOfOrder { .. })),
        "{error}"
    );
}

#[tokio::test]
async fn a_bad_page_size_is_refused_on_first_poll() {
    let server = Arc::new(Server::with(10));
    for size in [0, 1001] {
        let error = all(paginator(&server).page_size(size)).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput);
    }
    let error = all(paginator(&server).concurrency(0)).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert_eq!(server.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_failed_page_ends_the_listing_with_its_error_after_the_pages_before() {
    let server = Arc::new(Server::with(100));
    let fail_at = Arc::new(AtomicUsize::new(0));
    let s = Arc::clone(&server);
    let fetch: FetchPage<u32> = Arc::new(move |offset, limit, _| {
        let s = Arc::clone(&s);
        let fail_at = Arc::clone(&fail_at);
        Box::pin(async move {
            if offset == 50 && fail_at.fetch_add(1, Ordering::SeqCst) == 0 {
                return Err(Error::new(ErrorKind::Server, "scripted"));
            }
            s.page(offset, limit).await
        })
    });
    let mut items = keyed(fetch).page_size(10).concurrency(4).items();
    let (seen, error) = until_error(&mut items).await;
    assert_eq!(error.kind(), ErrorKind::Server);
    assert_eq!(
        seen,
        (0..50).collect::<Vec<_>>(),
        "every item before the failed page, none after"
    );
    assert!(items.next().await.is_none());
}

/// A throttled attempt seen by the listing's observer, as the retry layer reports it.
pub(super) fn throttled(retry_after: Duration) -> Attempt {
    let mut attempt = Attempt::new(
        Provider::Swr,
        "list_repos",
        1,
        Some(TransportKind::Throttled),
    );
    attempt.retry_after = Some(retry_after);
    attempt.next_wait = Some(retry_after);
    attempt
}

#[tokio::test]
async fn throttling_lowers_the_window_and_waits_on_the_clock() {
    let time = FakeTime::new(SystemTime::UNIX_EPOCH);
    let server = Arc::new(Server::with(400));
    let s = Arc::clone(&server);
    let fetch: FetchPage<u32> = Arc::new(
        move |offset, limit, options: wharf_transport::CallOptions| {
            let s = Arc::clone(&s);
            Box::pin(async move {
                // Pages 10 to 13 are throttled once before they succeed.
                if (100..140).contains(&offset)
                    && let Some(observer) = &options.observer
                {
                    observer(&throttled(Duration::from_secs(2)));
                }
                s.page(offset, limit).await
            })
        },
    );
    let rules = Rules::keyed(|n: &u32| n.to_string());
    let p = Paginator::new(fetch, rules, ListOptions::default(), Arc::new(time.clone()));
    let mut pages = p.page_size(10).concurrency(8).pages();
    let mut lowest = usize::MAX;
    let mut count = 0;
    while let Some(page) = pages.next().await {
        page.unwrap();
        count += 1;
        lowest = lowest.min(pages.summary().concurrency);
    }
    let summary = pages.summary();
    assert_eq!(count, 40);
    assert_eq!(summary.items, 400);
    assert_eq!(summary.throttles, 4);
    assert!(summary.lowest_concurrency < 8, "{summary:?}");
    assert_eq!(summary.concurrency, 8, "recovered by the end: {summary:?}");
    assert!(
        time.sleeps().contains(&Duration::from_secs(2)),
        "{:?}",
        time.sleeps()
    );
    let _ = lowest;
}

#[tokio::test]
async fn a_server_that_sends_more_than_asked_still_lists_exactly() {
    let mut server = Server::with(1000);
    server.serves = Some(30);
    let server = Arc::new(server);
    let items = all(paginator(&server).page_size(10).concurrency(8))
        .await
        .unwrap();
    assert_eq!(items, (0..1000).collect::<Vec<_>>());
}

#[tokio::test]
async fn an_understated_total_is_confirmed_where_the_provider_may_understate_it() {
    for page_size in [2, 3, 20] {
        for concurrency in [1, 4] {
            let mut server = Server::with(9);
            server.claims_total = Some(5);
            let server = Arc::new(server);
            let rules = Rules::keyed(|n: &u32| n.to_string()).confirming_end();
            let paginator = paginator_with(&server, rules)
                .page_size(page_size)
                .concurrency(concurrency);
            let items = all(paginator).await.unwrap();
            let case = format!("page size {page_size}, concurrency {concurrency}");
            assert_eq!(items, (0..9).collect::<Vec<_>>(), "{case}");
        }
    }
    // A true total costs one more request only when the last page is full.
    let server = Arc::new(Server::with(10));
    let rules = Rules::keyed(|n: &u32| n.to_string()).confirming_end();
    let items = all(paginator_with(&server, rules).page_size(5))
        .await
        .unwrap();
    assert_eq!(items.len(), 10);
    assert_eq!(server.calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn the_confirming_request_goes_with_the_last_pages_not_after_them() {
    let server = Arc::new(Server::with(40));
    let rules = Rules::keyed(|n: &u32| n.to_string()).confirming_end();
    let paginator = paginator_with(&server, rules).page_size(10).concurrency(8);
    let items = all(paginator).await.unwrap();
    assert_eq!(items, (0..40).collect::<Vec<_>>());
    // The first page, then 10, 20, 30 and the confirming 40 at once: no
    // round trip of its own at the end.
    assert_eq!(server.calls.load(Ordering::SeqCst), 5);
    assert_eq!(server.most_in_flight.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn a_page_that_fails_fast_waits_for_the_pages_before_it() {
    let server = Arc::new(Server::with(100));
    let s = Arc::clone(&server);
    let fetch: FetchPage<u32> = Arc::new(move |offset, limit, _| {
        let s = Arc::clone(&s);
        Box::pin(async move {
            match offset {
                30 => return Err(Error::new(ErrorKind::Server, "scripted")),
                10 | 20 => tokio::time::sleep(Duration::from_millis(30)).await,
                _ => {}
            }
            s.page(offset, limit).await
        })
    });
    let mut items = keyed(fetch).page_size(10).concurrency(4).items();
    let (seen, error) = until_error(&mut items).await;
    assert_eq!(error.kind(), ErrorKind::Server);
    assert_eq!(seen, (0..30).collect::<Vec<_>>());
}

#[tokio::test]
async fn reporting_changes_survives_a_whole_page_of_repeats() {
    let (result, summary) = {
        let server = Arc::new(Server::with(20));
        *server.before.lock().unwrap() = Some(Box::new(|call, items: &mut Vec<u32>| {
            if call == 3 {
                items.insert(0, 1000);
            }
        }));
        let mut stream = paginator_with(&server, Rules::keyed(|n: &u32| n.to_string()))
            .page_size(1)
            .concurrency(1)
            .on_change(OnChange::Report)
            .items();
        let mut got = Vec::new();
        let mut failed = None;
        while let Some(item) = stream.next().await {
            match item {
                Ok(n) => got.push(n),
                Err(e) => failed = Some(e),
            }
        }
        (failed.map_or(Ok(got), Err), stream.summary())
    };
    let items = result.unwrap();
    let mut unique = items.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), items.len());
    assert!((0..20).all(|n| items.contains(&n)));
    assert!(!summary.changes.is_empty());
}

#[tokio::test]
async fn offsets_near_the_end_of_u64_do_not_overflow() {
    let server = Arc::new(Server::with(10));
    let items = all(paginator(&server).start_offset(u64::MAX - 5).page_size(10))
        .await
        .unwrap();
    assert!(items.is_empty());
}

#[tokio::test]
async fn a_server_going_round_in_circles_without_a_total_is_stopped() {
    let mut server = Server::with(30);
    server.wraps = true;
    let server = Arc::new(server);
    let error = all(paginator_with(&server, Rules::keyed(|n: &u32| n.to_string())).page_size(10))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Paging, "{error}");
}
