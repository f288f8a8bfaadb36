//! Cleanup against the emulator, through the library: after `apply`, the
//! tags left are exactly what the policy says, computed here on its own
//! from a listing; through faults, exactly the plan is applied and nothing
//! else is deleted.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures::TryStreamExt;
use wharf::ClientOptions;
use wharf::catalog::{Catalog, CatalogSpec, ConnectOptions, RepoRef, Tag};
use wharf::prune::{
    self, ApplyOptions, ApplyReport, Journal, Plan, PlanHeader, PlanOptions, PlanWriter, Policy,
};
use wharf_emulator::{Dataset, Emulator, FaultConfig, GenerateOptions, demo_env};

async fn emulator(seed: u64) -> Emulator {
    let options = GenerateOptions {
        namespaces: 2,
        repositories: 6,
        tags_per_repository: 9,
        official_images: 0,
        seed,
    };
    Emulator::builder()
        .dataset(Dataset::generate(&options).unwrap())
        .log_requests(false)
        .start()
        .await
        .unwrap()
}

/// Every `repository:tag` of the catalog, with the tags by repository.
async fn listing(catalog: &dyn Catalog) -> HashMap<RepoRef, Vec<Tag>> {
    let repositories: Vec<_> = catalog.list_repositories(None).try_collect().await.unwrap();
    let mut all = HashMap::new();
    for repository in repositories {
        let tags: Vec<Tag> = catalog
            .list_tags(&repository.repo_ref())
            .try_collect()
            .await
            .unwrap();
        all.insert(repository.repo_ref(), tags);
    }
    all
}

fn names(all: &HashMap<RepoRef, Vec<Tag>>) -> BTreeSet<String> {
    all.iter()
        .flat_map(|(r, tags)| tags.iter().map(move |t| format!("{r}:{}", t.name)))
        .collect()
}

/// What a keep-last policy leaves, worked out here, not by wharf: per
/// repository, the newest `keep` tags (ties by name) stay, `latest` stays,
/// and a tag whose digest a staying tag holds stays.
fn expected_left(all: &HashMap<RepoRef, Vec<Tag>>, keep: usize) -> BTreeSet<String> {
    let mut left = BTreeSet::new();
    for (repository, tags) in all {
        let mut ranked: Vec<&Tag> = tags.iter().filter(|t| t.name != "latest").collect();
        ranked.sort_by_key(|t| (std::cmp::Reverse(t.updated), t.name.clone()));
        let mut stays: Vec<&Tag> = tags.iter().filter(|t| t.name == "latest").collect();
        stays.extend(ranked.iter().take(keep));
        let digests: BTreeSet<_> = stays.iter().filter_map(|t| t.digest.clone()).collect();
        for t in tags {
            let kept = stays.iter().any(|s| s.name == t.name)
                || t.digest.as_ref().is_some_and(|d| digests.contains(d));
            if kept {
                left.insert(format!("{repository}:{}", t.name));
            }
        }
    }
    left
}

/// Plans `catalog` by `policy` and reads the plan back from its text.
async fn make_plan(catalog: Arc<dyn Catalog>, policy: Policy) -> Plan {
    let header = PlanHeader::new(catalog.to_string(), &policy);
    let mut writer = PlanWriter::new(Vec::new(), &header).unwrap();
    let mut plans = prune::plan(Arc::clone(&catalog), policy, PlanOptions::default());
    while let Some(repository) = plans.try_next().await.unwrap() {
        for entry in &repository.entries {
            writer.entry(entry).unwrap();
        }
    }
    prune::read_plan(writer.finish().unwrap().as_slice()).unwrap()
}

/// One apply of `plan`, journaled at `path` (opened again each time, as a
/// second run of the command would).
async fn apply(catalog: &dyn Catalog, plan: &Plan, path: &std::path::Path) -> ApplyReport {
    let mut journal = Journal::open(path, plan).unwrap();
    prune::apply(catalog, plan, &mut journal, &ApplyOptions::default())
        .await
        .unwrap()
}

fn journal_path(name: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("wharf-prune-{}-{name}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

/// The emulator's catalog through `kind`'s API, with quick retries on a
/// fake clock and short limits, so faults cost no wall time.
fn open(emulator: &Emulator, kind: &str) -> Arc<dyn Catalog> {
    let spec: CatalogSpec = match kind {
        "uhub" => emulator.uhub_spec(),
        _ => emulator.swr_spec(),
    }
    .parse()
    .unwrap();
    let mut options = ClientOptions::default().with_jitter_seed(7);
    options.retry.max_attempts = 3;
    options.retry.backoff.base = Duration::from_millis(1);
    options.retry.backoff.cap = Duration::from_millis(5);
    options.timeouts = options
        .timeouts
        .with_attempt(Duration::from_millis(100))
        .with_operation(Duration::from_secs(120));
    options.time = Arc::new(wharf_transport::FakeTime::new(SystemTime::now()));
    spec.connect_with(&demo_env, ConnectOptions::from(options))
        .unwrap()
}

async fn leaves_exactly_what_the_policy_says(name: &str) {
    let emulator = emulator(11).await;
    let catalog = open(&emulator, name);
    let before = listing(catalog.as_ref()).await;
    let want = expected_left(&before, 3);
    let plan = make_plan(Arc::clone(&catalog), Policy::keep_last(3)).await;
    assert!(
        plan.deletes().count() > 0,
        "{name}: the plan deletes something"
    );
    let path = journal_path(name);
    let report = apply(catalog.as_ref(), &plan, &path).await;
    assert!(report.is_complete(), "{name}: {report:?}");
    assert_eq!(report.deleted as usize, plan.deletes().count(), "{name}");
    let after = names(&listing(catalog.as_ref()).await);
    assert_eq!(after, want, "{name}: the tags left");
    // A second apply finds everything finished and sends no delete.
    let again = apply(catalog.as_ref(), &plan, &path).await;
    assert_eq!(again.finished_before as usize, plan.deletes().count());
    assert_eq!(again.deleted, 0);
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn swr_leaves_exactly_what_the_policy_says() {
    leaves_exactly_what_the_policy_says("swr").await;
}

#[tokio::test]
async fn uhub_leaves_exactly_what_the_policy_says() {
    leaves_exactly_what_the_policy_says("uhub").await;
}

#[tokio::test]
async fn through_faults_exactly_the_plan_is_applied() {
    for kind in ["swr", "uhub"] {
        let emulator = emulator(23).await;
        let catalog = open(&emulator, kind);
        let before = listing(catalog.as_ref()).await;
        let plan = make_plan(Arc::clone(&catalog), Policy::keep_last(4)).await;
        let planned: BTreeSet<String> = plan
            .deletes()
            .map(|(_, e)| format!("{}:{}", e.repository, e.tag))
            .collect();
        let faults = FaultConfig::random(0.3, 5).with_stall(Duration::from_millis(250));
        emulator.set_faults(faults).unwrap();
        let path = journal_path(&format!("faults-{kind}"));
        let mut runs = 0;
        loop {
            runs += 1;
            let report = apply(catalog.as_ref(), &plan, &path).await;
            if report.is_complete() {
                assert!(report.changed.is_empty(), "{kind}: {report:?}");
                break;
            }
            assert!(
                runs < 20,
                "{kind}: still failing after {runs} applies: {report:?}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        eprintln!("{kind}: {} deletes planned, {runs} applies", planned.len());
        emulator.set_faults(FaultConfig::default()).unwrap();
        let after = names(&listing(catalog.as_ref()).await);
        let want: BTreeSet<String> = names(&before).difference(&planned).cloned().collect();
        assert_eq!(
            after, want,
            "{kind}: only the plan was deleted ({runs} applies)"
        );
        let _ = std::fs::remove_file(&path);
    }
}
