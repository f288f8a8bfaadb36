//! Listings through injected faults: exact, or a clear error, never a
//! partial result taken for a whole one.
//!
//! The emulator fails 30% of requests with each kind of fault it has, alone
//! and all mixed, for SWR and UHub, at concurrency 1 and 8, over five seeds.
//! The clients run on a fake clock, so a `Retry-After` or a backoff costs no
//! wall time; a stall lasts 250 ms and the attempt limit is 100 ms of real
//! time. Figures (listings, faults survived) are printed with `--nocapture`
//! and recorded in docs/reliability.md.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use futures::{StreamExt, TryStreamExt};
use wharf::model::{GetRepoImageRequest, RepositoryName, RepositoryQuery};
use wharf::{ClientOptions, ErrorKind, Items, OnChange, Summary, SwrClient, UhubClient};
use wharf_emulator::{Dataset, Emulator, Fault, FaultConfig, GenerateOptions};

const SEEDS: [u64; 5] = [1, 2, 3, 4, 5];
const CONCURRENCY: [usize; 2] = [1, 8];
const RATE: f64 = 0.3;
const STALL: Duration = Duration::from_millis(250);
const ATTEMPT: Duration = Duration::from_millis(100);
/// Attempts per request in the exactness test. A page fails only when every
/// attempt draws a fault: 0.3^10 (6e-6) a page was seen once in CI across the
/// test's thousand-odd pages; 0.3^14 is 5e-8.
const ATTEMPTS: u32 = 14;
/// On the fake clock: retries, backoffs and `Retry-After`s of one page.
const OPERATION: Duration = Duration::from_secs(120);

fn dataset(repositories: usize) -> Dataset {
    let options = GenerateOptions {
        namespaces: 3,
        repositories,
        tags_per_repository: 2,
        official_images: 5,
        seed: 11,
    };
    Dataset::generate(&options).expect("a valid generated dataset")
}

async fn emulator(dataset: Dataset) -> Arc<Emulator> {
    let emulator = Emulator::builder()
        .dataset(dataset)
        .log_requests(false)
        .start()
        .await
        .expect("the emulator starts");
    Arc::new(emulator)
}

/// Quick retries on a fake clock, with the test's limits.
fn options(options: ClientOptions, max_attempts: u32) -> ClientOptions {
    options_with(options, max_attempts, ATTEMPT)
}

fn options_with(mut options: ClientOptions, max_attempts: u32, attempt: Duration) -> ClientOptions {
    options.retry.max_attempts = max_attempts;
    options.retry.backoff.base = Duration::from_millis(1);
    options.retry.backoff.cap = Duration::from_millis(5);
    options.jitter_seed = Some(7);
    options.timeouts = options
        .timeouts
        .with_attempt(attempt)
        .with_operation(OPERATION);
    options.time = Arc::new(wharf_transport::FakeTime::new(SystemTime::now()));
    options
}

fn swr(emulator: &Emulator, max_attempts: u32, attempt: Duration) -> SwrClient {
    let mut config = wharf_tests::swr_config(emulator);
    config.options = options_with(config.options, max_attempts, attempt);
    SwrClient::new(config).unwrap()
}

fn uhub(emulator: &Emulator, max_attempts: u32, attempt: Duration) -> UhubClient {
    let mut config = wharf_tests::uhub_config(emulator);
    config.options = options_with(config.options, max_attempts, attempt);
    UhubClient::new(config).unwrap()
}

/// `namespace/name` of every repository, in the emulator's order.
fn repositories(dataset: &Dataset) -> Vec<String> {
    let mut names: Vec<String> = dataset
        .namespaces
        .iter()
        .flat_map(|ns| {
            let ns_name = ns.name.to_string();
            ns.repositories
                .iter()
                .map(move |r| format!("{ns_name}/{}", r.name))
        })
        .collect();
    names.sort();
    names
}

/// The images of the first namespace, which UHub lists as a repo.
fn images(dataset: &Dataset) -> (String, Vec<String>) {
    let ns = &dataset.namespaces[0];
    let mut names: Vec<String> = ns.repositories.iter().map(|r| r.name.to_string()).collect();
    names.sort();
    (ns.name.to_string(), names)
}

/// The kinds of fault, one at a time, then all mixed.
fn fault_sets() -> Vec<(String, Vec<Fault>)> {
    let mut sets: Vec<_> = Fault::ALL
        .iter()
        .map(|f| (f.name().to_owned(), vec![*f]))
        .collect();
    sets.push(("all".to_owned(), Fault::ALL.to_vec()));
    sets
}

/// What a listing yields until its end or its first error.
struct Listed {
    names: Vec<String>,
    error: Option<wharf::Error>,
    summary: Summary,
}

async fn list_swr(client: &SwrClient, concurrency: usize) -> Listed {
    let items = client
        .list_repositories(RepositoryQuery::default())
        .page_size(20)
        .concurrency(concurrency)
        .items();
    until_error(items, |r| format!("{}/{}", r.namespace, r.name)).await
}

async fn list_uhub(client: &UhubClient, repo: &str, concurrency: usize) -> Listed {
    let items = client
        .list_repo_images(GetRepoImageRequest::new(repo))
        .page_size(10)
        .concurrency(concurrency)
        .items();
    until_error(items, |i| i.image_name).await
}

/// The names of what `items` yields, up to its end or its first error.
async fn until_error<T>(mut items: Items<T>, name: impl Fn(T) -> String) -> Listed {
    let mut listed = Listed {
        names: Vec::new(),
        error: None,
        summary: Summary::default(),
    };
    while let Some(item) = items.next().await {
        match item {
            Ok(item) => listed.names.push(name(item)),
            Err(e) => {
                listed.error = Some(e);
                break;
            }
        }
    }
    listed.summary = items.summary();
    listed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_listing_is_exact_through_30_percent_faults_of_each_kind() {
    let dataset = dataset(150);
    let expected = repositories(&dataset);
    let (repo, expected_images) = images(&dataset);
    let emulator = emulator(dataset).await;
    let (listings, pages_asked, attempts) =
        (AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0));
    for (name, kinds) in fault_sets() {
        for seed in SEEDS {
            for concurrency in CONCURRENCY {
                let case = format!("faults {name}, seed {seed}, concurrency {concurrency}");
                let faults = FaultConfig::random(RATE, seed)
                    .with_kinds(&kinds)
                    .with_stall(STALL);
                emulator.set_faults(faults.clone()).unwrap();
                let listed = list_swr(&swr(&emulator, ATTEMPTS, ATTEMPT), concurrency).await;
                assert!(listed.error.is_none(), "swr, {case}: {:?}", listed.error);
                assert_eq!(listed.names, expected, "swr, {case}");
                let pages = expected.len().div_ceil(20) as u64;
                pages_asked.fetch_add(pages, Ordering::Relaxed);
                attempts.fetch_add(listed.summary.attempts, Ordering::Relaxed);

                emulator.set_faults(faults).unwrap();
                let listed =
                    list_uhub(&uhub(&emulator, ATTEMPTS, ATTEMPT), &repo, concurrency).await;
                assert!(listed.error.is_none(), "uhub, {case}: {:?}", listed.error);
                assert_eq!(listed.names, expected_images, "uhub, {case}");
                // UHub's total is confirmed by one more page at the end.
                let pages = expected_images.len().div_ceil(10) as u64 + 1;
                pages_asked.fetch_add(pages, Ordering::Relaxed);
                attempts.fetch_add(listed.summary.attempts, Ordering::Relaxed);
                listings.fetch_add(2, Ordering::Relaxed);
            }
        }
    }
    let (pages, attempts) = (pages_asked.into_inner(), attempts.into_inner());
    let retried = attempts.saturating_sub(pages);
    println!(
        "{} exact listings; {pages} pages in {attempts} attempts: {retried} failed attempts retried",
        listings.into_inner()
    );
    assert!(
        retried > pages / 5,
        "the faults were injected: {retried} of {attempts}"
    );
}

/// The kind of error a fault leaves once the retries run out.
fn exhausted_kind(fault: Fault) -> ErrorKind {
    match fault {
        Fault::TooManyRequests | Fault::RateLimited => ErrorKind::Throttled,
        Fault::ConnectionReset | Fault::TruncatedBody => ErrorKind::Transport,
        Fault::Stall => ErrorKind::Timeout,
        _ => ErrorKind::Server,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_retries_run_out_the_listing_fails_after_an_exact_prefix() {
    let dataset = dataset(150);
    let expected = repositories(&dataset);
    let (repo, expected_images) = images(&dataset);
    let emulator = emulator(dataset).await;
    for fault in Fault::ALL {
        for concurrency in CONCURRENCY {
            let case = format!("fault {}, concurrency {concurrency}", fault.name());
            // The last attempt's error is the listing's: only a stall may
            // time out, however loaded the machine.
            let attempt = if fault == Fault::Stall {
                ATTEMPT
            } else {
                Duration::from_secs(10)
            };
            // The first page comes; every request after it fails.
            let script = || {
                let mut script = vec![None];
                script.extend(std::iter::repeat_n(Some(fault), 200));
                FaultConfig::script(script).with_stall(STALL)
            };
            emulator.set_faults(script()).unwrap();
            let listed = list_swr(&swr(&emulator, 3, attempt), concurrency).await;
            check_failed("swr", &case, fault, &listed, &expected, "list_repos");

            emulator.set_faults(script()).unwrap();
            let listed = list_uhub(&uhub(&emulator, 3, attempt), &repo, concurrency).await;
            check_failed(
                "uhub",
                &case,
                fault,
                &listed,
                &expected_images,
                "GetRepoImage",
            );

            // Collected whole, it is an error, never a shorter list.
            emulator.set_faults(script()).unwrap();
            let collected: Result<Vec<_>, _> = swr(&emulator, 3, attempt)
                .list_repositories(RepositoryQuery::default())
                .page_size(20)
                .concurrency(concurrency)
                .items()
                .try_collect()
                .await;
            assert!(
                collected.is_err(),
                "swr, {case}: a partial list as if whole"
            );
        }
    }
    emulator.set_faults(FaultConfig::none()).unwrap();
}

fn check_failed(
    provider: &str,
    case: &str,
    fault: Fault,
    listed: &Listed,
    expected: &[String],
    operation: &str,
) {
    let Some(error) = &listed.error else {
        panic!("{provider}, {case}: the listing ended without an error");
    };
    assert_eq!(
        error.kind(),
        exhausted_kind(fault),
        "{provider}, {case}: {error}"
    );
    let shown = error.to_string();
    assert!(shown.contains(operation), "{provider}, {case}: {shown}");
    // Only the first page came, and it came whole and in order.
    assert_eq!(
        listed.names,
        expected[..listed.names.len()],
        "{provider}, {case}"
    );
    assert!(listed.names.len() < expected.len(), "{provider}, {case}");
}

/// `dataset` with a repository inserted at the front of its first namespace.
fn with_one_more(dataset: &Dataset) -> Dataset {
    let mut changed = dataset.clone();
    let ns = changed.namespaces.first_mut().unwrap();
    let mut repo = ns.repositories[0].clone();
    repo.name = RepositoryName::new("0000-inserted").unwrap();
    ns.repositories.push(repo);
    changed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_catalog_changed_during_a_faulty_listing_is_reported() {
    let dataset = dataset(400);
    let emulator = emulator(dataset.clone()).await;
    for seed in SEEDS {
        for concurrency in CONCURRENCY {
            for on_change in [OnChange::Fail, OnChange::Report] {
                let case = format!("seed {seed}, concurrency {concurrency}, {on_change:?}");
                emulator.set_dataset(dataset.clone()).unwrap();
                let faults = FaultConfig::random(RATE, seed).with_stall(STALL);
                emulator.set_faults(faults).unwrap();
                // After the first page is yielded, a repository appears
                // before the cursor.
                let next = Mutex::new(Some(with_one_more(&dataset)));
                let target = Arc::clone(&emulator);
                let mut config = wharf_tests::swr_config(&emulator);
                config.options = options(config.options, 10);
                config.options.progress = Some(Arc::new(move |_: &wharf::Progress| {
                    if let Some(next) = next.lock().unwrap().take() {
                        target.set_dataset(next).unwrap();
                    }
                }));
                let client = SwrClient::new(config).unwrap();
                let items = client
                    .list_repositories(RepositoryQuery::default())
                    .page_size(20)
                    .concurrency(concurrency)
                    .on_change(on_change)
                    .items();
                let Listed {
                    names,
                    error,
                    summary,
                } = until_error(items, |r| format!("{}/{}", r.namespace, r.name)).await;
                match on_change {
                    OnChange::Fail => {
                        let e = error.unwrap_or_else(|| panic!("{case}: not reported"));
                        assert_eq!(e.kind(), ErrorKind::CatalogChanged, "{case}: {e}");
                    }
                    _ => {
                        assert!(error.is_none(), "{case}: {error:?}");
                        assert!(!summary.changes.is_empty(), "{case}: not reported");
                        let mut unique = names.clone();
                        unique.sort();
                        unique.dedup();
                        assert_eq!(unique.len(), names.len(), "{case}: an item twice");
                        // Every repository that was there all along came.
                        for name in repositories(&dataset) {
                            assert!(names.contains(&name), "{case}: {name} lost");
                        }
                    }
                }
            }
        }
    }
}
