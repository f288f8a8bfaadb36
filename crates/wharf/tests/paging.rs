//! Paging against the emulator under stress: throttling (AIMD), and a
//! catalog that changes between pages. Listings through every kind of fault
//! are in the workspace's `tests/tests/faults.rs`.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use wharf::model::{PageRequest, RepositoryName, RepositoryQuery};
use wharf::{ErrorKind, OnChange, SwrClient};
use wharf_emulator::{Dataset, Emulator, Fault, FaultConfig};
use wharf_transport::{HttpConfig, HttpTransport, Request, Response, Transport};

#[tokio::test]
async fn throttling_halves_the_limit_and_successes_bring_it_back() {
    let dataset = common::dataset(2000);
    let expected = common::repositories(&dataset);
    let emulator = common::emulator(dataset).await;
    // Requests 6 to 9 are throttled; everything else goes through.
    let mut script = vec![None; 6];
    script.extend([Some(Fault::TooManyRequests); 4]);
    let faults = FaultConfig::script(script).with_retry_after(Duration::ZERO);
    emulator.set_faults(faults).unwrap();
    let client = common::swr(&emulator);
    let mut pages = client
        .list_repositories(RepositoryQuery::default())
        .page_size(20)
        .concurrency(8)
        .pages();
    let mut names = Vec::new();
    let mut limits = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.unwrap();
        names.extend(
            page.items
                .iter()
                .map(|r| format!("{}/{}", r.namespace, r.name)),
        );
        limits.push(pages.summary().concurrency);
    }
    let summary = pages.summary();
    assert_eq!(names, expected);
    assert_eq!(summary.throttles, 4, "{summary:?}");
    assert_eq!(summary.attempts, 100 + 4, "{summary:?}");
    assert!(
        summary.lowest_concurrency <= 2,
        "halved four times from 8: {summary:?}"
    );
    assert_eq!(summary.concurrency, 8, "recovered: {summary:?}, {limits:?}");
    // Down after the throttles, then back up one step at a time.
    let lowest = *limits.iter().min().unwrap();
    assert!(lowest < 8, "{limits:?}");
    let lowest_at = limits.iter().rposition(|&l| l == lowest).unwrap();
    let recovery = &limits[lowest_at..];
    assert!(
        recovery
            .windows(2)
            .all(|w| w[1] == w[0] || w[1] == w[0] + 1),
        "{limits:?}"
    );
}

/// A change to make once.
type Change = Mutex<Option<Box<dyn FnOnce() + Send>>>;

/// Changes the emulator's dataset once, after the `after`-th response.
struct ChangeAfter {
    inner: HttpTransport,
    after: usize,
    seen: AtomicUsize,
    change: Change,
}

impl std::fmt::Debug for ChangeAfter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangeAfter")
            .field("after", &self.after)
            .finish()
    }
}

#[async_trait::async_trait]
impl Transport for ChangeAfter {
    async fn send(&self, request: Request) -> Result<Response, wharf_transport::Error> {
        let response = self.inner.send(request).await;
        if self.seen.fetch_add(1, Ordering::SeqCst) + 1 == self.after
            && let Some(change) = self.change.lock().unwrap().take()
        {
            change();
        }
        response
    }
}

/// A copy of `dataset` with a repository inserted or removed in the first
/// or last namespace: before or after the cursor of a listing in name order.
fn changed(dataset: &Dataset, insert: bool, before_cursor: bool) -> Dataset {
    let mut changed = dataset.clone();
    let ns = if before_cursor {
        changed.namespaces.first_mut().unwrap()
    } else {
        changed.namespaces.last_mut().unwrap()
    };
    if insert {
        let mut repo = ns.repositories[0].clone();
        let name = if before_cursor {
            "0000-inserted"
        } else {
            "zzzz-inserted"
        };
        repo.name = RepositoryName::new(name).unwrap();
        ns.repositories.push(repo);
    } else {
        let at = if before_cursor {
            0
        } else {
            ns.repositories.len() - 1
        };
        ns.repositories.remove(at);
    }
    changed
}

async fn list_while_changing(
    emulator: &Arc<Emulator>,
    dataset: &Dataset,
    insert: bool,
    before_cursor: bool,
    concurrency: usize,
    on_change: OnChange,
) -> (Result<Vec<String>, wharf::Error>, wharf::Summary) {
    emulator.set_dataset(dataset.clone()).unwrap();
    let next = changed(dataset, insert, before_cursor);
    let target = Arc::clone(emulator);
    let transport = ChangeAfter {
        inner: HttpTransport::new(HttpConfig::default()).unwrap(),
        after: 4,
        seen: AtomicUsize::new(0),
        change: Mutex::new(Some(Box::new(move || target.set_dataset(next).unwrap()))),
    };
    let client = SwrClient::with_transport(common::swr_config(emulator), Arc::new(transport));
    let mut items = client
        .list_repositories(RepositoryQuery::default())
        .page_size(25)
        .concurrency(concurrency)
        .on_change(on_change)
        .items();
    let mut names = Vec::new();
    while let Some(item) = items.next().await {
        match item {
            Ok(r) => names.push(format!("{}/{}", r.namespace, r.name)),
            Err(e) => return (Err(e), items.summary()),
        }
    }
    (Ok(names), items.summary())
}

#[tokio::test]
async fn a_catalog_changed_between_pages_keeps_the_guarantee_or_is_reported() {
    let dataset = common::dataset(300);
    let emulator = Arc::new(common::emulator(dataset.clone()).await);
    for insert in [true, false] {
        for before_cursor in [true, false] {
            let case = format!("insert {insert}, before the cursor {before_cursor}");
            let stable: Vec<String> = {
                let after = common::repositories(&changed(&dataset, insert, before_cursor));
                let before = common::repositories(&dataset);
                before.into_iter().filter(|n| after.contains(n)).collect()
            };
            for concurrency in [1, 4] {
                let (result, _) = list_while_changing(
                    &emulator,
                    &dataset,
                    insert,
                    before_cursor,
                    concurrency,
                    OnChange::Fail,
                )
                .await;
                match result {
                    Err(e) => assert_eq!(e.kind(), ErrorKind::CatalogChanged, "{case}: {e}"),
                    Ok(names) => {
                        // Not reported: then the guarantee held.
                        let kept = stable
                            .iter()
                            .all(|n| names.iter().filter(|m| *m == n).count() == 1);
                        assert!(kept, "{case}, {concurrency}: unreported loss or repeat");
                    }
                }
                let (result, summary) = list_while_changing(
                    &emulator,
                    &dataset,
                    insert,
                    before_cursor,
                    concurrency,
                    OnChange::Report,
                )
                .await;
                let names = result.unwrap_or_else(|e| panic!("{case}: {e}"));
                let mut unique = names.clone();
                unique.sort();
                unique.dedup();
                assert_eq!(
                    unique.len(),
                    names.len(),
                    "{case}, {concurrency}: an item twice"
                );
                let kept = stable.iter().all(|n| names.contains(n));
                assert!(
                    kept || !summary.changes.is_empty(),
                    "{case}, {concurrency}: unreported loss"
                );
                assert!(
                    !summary.changes.is_empty(),
                    "{case}, {concurrency}: the total changed"
                );
            }
        }
    }
}

#[tokio::test]
async fn a_one_page_call_sends_what_it_is_asked() {
    let emulator = common::emulator(common::dataset(50)).await;
    let client = common::swr(&emulator);
    let mut query = RepositoryQuery::default();
    query.page = Some(PageRequest::new(40, 20));
    let page = client.list_repositories_page(&query).await.unwrap();
    assert_eq!(page.items.len(), 10);
    assert_eq!(page.next_offset, None);
}
