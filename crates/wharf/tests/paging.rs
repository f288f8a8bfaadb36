//! Paging against the emulator under stress: injected faults, throttling
//! (AIMD), and a catalog that changes between pages.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use wharf::model::{PageRequest, RepositoryName, RepositoryQuery};
use wharf::{ErrorKind, OnChange, SwrClient, UhubClient};
use wharf_emulator::{Dataset, Emulator, Fault, FaultConfig};
use wharf_transport::{HttpConfig, HttpTransport, Request, Response, Transport};

async fn list_swr(client: &SwrClient, concurrency: usize) -> Vec<String> {
    let repos: Vec<_> = client
        .list_repositories(RepositoryQuery::default())
        .page_size(20)
        .concurrency(concurrency)
        .items()
        .try_collect()
        .await
        .unwrap_or_else(|e| panic!("concurrency {concurrency}: {e}"));
    repos
        .iter()
        .map(|r| format!("{}/{}", r.namespace, r.name))
        .collect()
}

/// A fake clock from now: the emulator's `Retry-After` of a second, and the
/// backoffs, take no wall time; stalls still end on the real clock.
fn fake_clock() -> Arc<dyn wharf::Time> {
    Arc::new(wharf_transport::FakeTime::new(std::time::SystemTime::now()))
}

#[tokio::test]
async fn listings_are_exact_through_every_kind_of_fault() {
    let dataset = common::dataset(400);
    let expected = common::repositories(&dataset);
    let ns = &dataset.namespaces[2];
    let mut images: Vec<_> = ns.repositories.iter().map(|r| r.name.to_string()).collect();
    images.sort();
    let emulator = common::emulator(dataset.clone()).await;
    for seed in [1, 2] {
        for concurrency in [1, 8] {
            let faults = FaultConfig::random(0.3, seed)
                .with_retry_after(Duration::ZERO)
                .with_stall(Duration::from_millis(300));
            emulator.set_faults(faults).unwrap();
            let mut swr = common::swr_config(&emulator);
            swr.options.timeouts = swr
                .options
                .timeouts
                .with_attempt(Duration::from_millis(100));
            swr.options.time = fake_clock();
            let client = SwrClient::new(swr).unwrap();
            assert_eq!(
                list_swr(&client, concurrency).await,
                expected,
                "seed {seed}"
            );

            let mut uhub = common::uhub_config(&emulator);
            uhub.options.timeouts = uhub
                .options
                .timeouts
                .with_attempt(Duration::from_millis(100));
            uhub.options.time = fake_clock();
            let client = UhubClient::new(uhub).unwrap();
            let got: Vec<_> = client
                .list_repo_images(ns.name.as_str())
                .page_size(10)
                .concurrency(concurrency)
                .items()
                .try_collect()
                .await
                .unwrap_or_else(|e| panic!("seed {seed}, concurrency {concurrency}: {e}"));
            let got: Vec<_> = got.iter().map(|i| i.image_name.clone()).collect();
            assert_eq!(got, images, "seed {seed}, concurrency {concurrency}");
        }
    }
}

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
