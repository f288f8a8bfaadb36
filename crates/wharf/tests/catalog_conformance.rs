//! One conformance suite, the same assertions for every [`Catalog`]: SWR,
//! SWR official images and UHub, each opened from its spec against an
//! in-process emulator serving a generated dataset.
//!
//! What each provider is expected to list is worked out from the dataset
//! (the `expect_*` functions); [`conformance`] then checks a catalog against
//! it without knowing which catalog it is.

#![cfg(all(feature = "swr", feature = "uhub", feature = "rustls"))]

use std::collections::HashSet;
use std::sync::Arc;

use futures::{StreamExt, TryStreamExt};
use serde_json::Value;
use wharf::catalog::TimeResolution;
use wharf::catalog::{CatalogKind, CatalogSpec, Namespace, Original, RepoRef, Repository};
use wharf::test_util::conformance::{self, Expected, ExpectedRepository, ExpectedTag};
use wharf::{Catalog, ClientOptions, ErrorKind};
use wharf_emulator::{Dataset, Emulator, GenerateOptions};
use wharf_transport::{HttpConfig, HttpTransport, RecordingTransport, Transport};

/// A few namespaces, 50 repositories (some with a `/`), 4 tags each, 20
/// official images (two with a `/`).
fn dataset() -> Dataset {
    let options = GenerateOptions {
        namespaces: 3,
        repositories: 50,
        tags_per_repository: 4,
        official_images: 20,
        seed: 11,
    };
    Dataset::generate(&options).expect("a small dataset generates")
}

/// The emulator's demo credentials, as the environment would hold them.
fn demo_env(name: &str) -> Option<String> {
    let value = match name {
        "HUAWEICLOUD_SDK_AK" => wharf_emulator::DEMO_HUAWEI_AK,
        "HUAWEICLOUD_SDK_SK" => wharf_emulator::DEMO_HUAWEI_SK,
        "UCLOUD_PUBLIC_KEY" => wharf_emulator::DEMO_UCLOUD_PUBLIC_KEY,
        "UCLOUD_PRIVATE_KEY" => wharf_emulator::DEMO_UCLOUD_PRIVATE_KEY,
        _ => return None,
    };
    Some(value.to_owned())
}

/// Small pages, several in flight: every listing spans many requests.
fn options() -> ClientOptions {
    let mut options = ClientOptions::default();
    options.list.page_size = 7;
    options.list.concurrency = 3;
    options
}

async fn emulator(dataset: Dataset) -> Emulator {
    Emulator::builder()
        .dataset(dataset)
        .log_requests(false)
        .start()
        .await
        .expect("the emulator starts")
}

/// A catalog under test, the exchanges it had, and what it should list.
struct Subject {
    catalog: Arc<dyn Catalog>,
    recorder: Arc<RecordingTransport<HttpTransport>>,
    expected: Expected,
}

fn subject(kind: CatalogKind, emulator: &Emulator, options: ClientOptions) -> Subject {
    let spec: CatalogSpec = format!("{kind}+{}", emulator.base_url()).parse().unwrap();
    let http = HttpTransport::new(HttpConfig::default()).unwrap();
    let recorder = Arc::new(RecordingTransport::new(http));
    let transport: Arc<dyn Transport> = recorder.clone();
    let catalog = spec.connect_over(&demo_env, options, transport).unwrap();
    assert_eq!(catalog.name(), kind.as_str());
    let dataset = emulator.dataset();
    let expected = match kind {
        CatalogKind::Swr => expect_swr(&dataset),
        CatalogKind::SwrOfficial => expect_official(&dataset),
        _ => expect_uhub(&dataset),
    };
    Subject {
        catalog,
        recorder,
        expected,
    }
}

fn seconds(t: &wharf::model::Timestamp) -> Option<jiff::Timestamp> {
    Some(TimeResolution::Seconds.truncate(t.instant()))
}

/// Namespaces by name, each one's repositories by name (bytewise), tags
/// newest first: SWR's order, and UHub's.
fn by_name(dataset: &Dataset) -> Vec<&wharf_emulator::NamespaceRecord> {
    let mut namespaces: Vec<_> = dataset.namespaces.iter().collect();
    namespaces.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
    namespaces
}

fn repositories_by_name(
    ns: &wharf_emulator::NamespaceRecord,
) -> Vec<&wharf_emulator::RepositoryRecord> {
    let mut repos: Vec<_> = ns.repositories.iter().collect();
    repos.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
    repos
}

fn expect_swr(dataset: &Dataset) -> Expected {
    let mut expected = Expected {
        namespaces: Vec::new(),
        repositories: Vec::new(),
        tags: Vec::new(),
    };
    for ns in by_name(dataset) {
        expected.namespaces.push(ns.name.to_string());
        for repo in repositories_by_name(ns) {
            expected.repositories.push(ExpectedRepository {
                namespace: ns.name.to_string(),
                name: repo.name.to_string(),
                tag_count: Some(repo.tags.len() as u64),
                size: Some(repo.size()),
                created: Some(repo.created_at.instant()),
                updated: Some(repo.updated_at.instant()),
                pull_count: Some(repo.num_download),
            });
            let mut tags: Vec<_> = repo.tags.iter().collect();
            // Newest first; a stable sort keeps the dataset's order on ties.
            tags.sort_by_key(|t| std::cmp::Reverse(t.updated_at.instant()));
            let tags = tags
                .into_iter()
                .map(|t| ExpectedTag {
                    name: t.name.clone(),
                    digest: Some(t.digest.clone()),
                    size: Some(t.size),
                    created: Some(t.updated_at.instant()),
                    updated: Some(t.updated_at.instant()),
                })
                .collect();
            let at = RepoRef::new(ns.name.as_str(), repo.name.as_str()).unwrap();
            expected.tags.push((at, tags));
        }
    }
    expected
}

fn expect_uhub(dataset: &Dataset) -> Expected {
    let mut expected = expect_swr(dataset);
    // UHub's instants are whole seconds; it sends no size nor tag count.
    for want in &mut expected.repositories {
        let (ns, repo) = dataset
            .repositories()
            .find(|(ns, r)| ns.name.as_str() == want.namespace && r.name.as_str() == want.name)
            .unwrap();
        want.tag_count = None;
        want.size = None;
        want.created = seconds(&repo.created_at);
        want.updated = seconds(&repo.updated_at);
        assert_eq!(ns.name.as_str(), want.namespace);
    }
    for (at, tags) in &mut expected.tags {
        let repo = dataset
            .namespace(at.namespace())
            .and_then(|ns| {
                ns.repositories
                    .iter()
                    .find(|r| r.name.as_str() == at.name())
            })
            .unwrap();
        // GetImageTag keeps the dataset's order (newest first, as generated).
        *tags = repo
            .tags
            .iter()
            .map(|t| ExpectedTag {
                name: t.name.clone(),
                digest: Some(t.digest.clone()),
                size: None,
                created: None,
                updated: seconds(&t.updated_at),
            })
            .collect();
    }
    expected
}

fn expect_official(dataset: &Dataset) -> Expected {
    let mut images: Vec<_> = dataset.official_images.iter().collect();
    images.sort_by_key(|i| i.id);
    let mut expected = Expected {
        namespaces: Vec::new(),
        repositories: Vec::new(),
        tags: Vec::new(),
    };
    for image in images {
        let namespace = image.namespace.to_string();
        if !expected.namespaces.contains(&namespace) {
            expected.namespaces.push(namespace.clone());
        }
        expected.repositories.push(ExpectedRepository {
            namespace: namespace.clone(),
            name: image.name.to_string(),
            tag_count: None,
            size: None,
            created: None,
            updated: Some(image.last_updated.instant()),
            pull_count: Some(image.pull_count),
        });
        let tags = image
            .tags
            .iter()
            .map(|t| ExpectedTag {
                name: t.name.clone(),
                digest: None,
                size: Some(t.size),
                created: None,
                updated: Some(t.last_updated.instant()),
            })
            .collect();
        let at = RepoRef::new(namespace, image.name.as_str()).unwrap();
        expected.tags.push((at, tags));
    }
    expected
}

/// The exported suite, on the tags of the first repository, the last and
/// each one with a `/`; then every `original` is checked to be what the
/// server sent.
async fn conformance(subject: &Subject) {
    let catalog = &subject.catalog;
    let expected = &subject.expected;
    assert!(
        expected.repositories.iter().any(|r| r.name.contains('/')),
        "the dataset should have a repository with a '/' in its name"
    );
    let last = expected.tags.len() - 1;
    let mut picked = expected.clone();
    picked.tags = expected
        .tags
        .iter()
        .enumerate()
        .filter(|(i, (at, _))| *i == 0 || *i == last || at.name().contains('/'))
        .map(|(_, tags)| tags.clone())
        .collect();
    let listed = conformance::run(catalog.as_ref(), &picked).await;
    for (_, tags) in &picked.tags {
        // All three document newest first.
        let times: Vec<_> = tags.iter().map(|t| t.updated).collect();
        assert!(times.windows(2).all(|w| w[0] >= w[1]), "{catalog}");
    }

    let sent = recorded_items(&subject.recorder);
    for original in listed
        .namespaces
        .iter()
        .map(|n| &n.original)
        .chain(listed.repositories.iter().map(|r| &r.original))
        .chain(listed.tags.iter().map(|t| &t.original))
    {
        if matches!(original, Original::Derived) {
            continue;
        }
        let json = serde_json::to_string(&serde_json::to_value(original).unwrap()).unwrap();
        assert!(sent.contains(&json), "{catalog}: not as sent: {json}");
        let repository = listed.repositories.first().expect("a repository");
        let json = serde_json::to_value(repository).unwrap();
        assert_eq!(json["qualified_name"], repository.qualified_name().as_str());
    }
}

/// Every JSON object the server sent: bodies, the items of bodies that are
/// arrays, and the items of the arrays in bodies that are objects
/// (`namespaces`, `RepoSet`, `ImageSet`, `TagSet`), canonically written.
fn recorded_items(recorder: &RecordingTransport<HttpTransport>) -> HashSet<String> {
    let mut items = HashSet::new();
    let mut keep = |v: &Value| {
        items.insert(serde_json::to_string(v).unwrap());
    };
    for exchange in recorder.fixture().exchanges {
        let Ok(body) = serde_json::from_str::<Value>(&exchange.response.body) else {
            continue;
        };
        keep(&body);
        match &body {
            Value::Array(elements) => elements.iter().for_each(&mut keep),
            Value::Object(fields) => fields
                .values()
                .filter_map(Value::as_array)
                .flatten()
                .for_each(&mut keep),
            _ => {}
        }
    }
    items
}

#[tokio::test]
async fn swr_conforms() {
    let emulator = emulator(dataset()).await;
    conformance(&subject(CatalogKind::Swr, &emulator, options())).await;
}

#[tokio::test]
async fn swr_official_conforms() {
    let emulator = emulator(dataset()).await;
    conformance(&subject(CatalogKind::SwrOfficial, &emulator, options())).await;
}

#[tokio::test]
async fn uhub_conforms() {
    let emulator = emulator(dataset()).await;
    conformance(&subject(CatalogKind::Uhub, &emulator, options())).await;
}

/// Nothing is sent until a listing is polled.
#[tokio::test]
async fn listings_are_lazy() {
    let emulator = emulator(dataset()).await;
    for kind in CatalogKind::ALL {
        let catalog = subject(kind, &emulator, options()).catalog;
        let at = subject(kind, &emulator, options()).expected.tags[0]
            .0
            .clone();
        let before = emulator.requests();
        let mut namespaces = catalog.list_namespaces();
        let mut repositories = catalog.list_repositories(None);
        let mut in_one = catalog.list_repositories(Some(at.namespace()));
        let mut tags = catalog.list_tags(&at);
        assert_eq!(emulator.requests(), before, "{kind}: sent before a poll");
        namespaces.next().await.unwrap().unwrap();
        repositories.next().await.unwrap().unwrap();
        in_one.next().await.unwrap().unwrap();
        tags.next().await.unwrap().unwrap();
        assert!(emulator.requests() > before, "{kind}");
    }
}

/// `start_offset` and `max_items` count over the whole listing, also where
/// it spans several listings (UHub without a namespace) or none is paged.
#[tokio::test]
async fn list_options_window_whole_listings() {
    let emulator = emulator(dataset()).await;
    for kind in CatalogKind::ALL {
        let mut options = options();
        options.list.start_offset = 5;
        options.list.max_items = Some(10);
        let subject = subject(kind, &emulator, options);
        let got: Vec<Repository> = subject
            .catalog
            .list_repositories(None)
            .try_collect()
            .await
            .unwrap();
        let got: Vec<ExpectedRepository> = got.iter().map(ExpectedRepository::from).collect();
        assert_eq!(got, subject.expected.repositories[5..15], "{kind}");
    }
    let mut options = options();
    options.list.start_offset = 1;
    options.list.max_items = Some(1);
    for kind in CatalogKind::ALL {
        let subject = subject(kind, &emulator, options.clone());
        let got: Vec<Namespace> = subject
            .catalog
            .list_namespaces()
            .try_collect()
            .await
            .unwrap();
        let names: Vec<&str> = got.iter().map(|n| n.name.as_str()).collect();
        let want: Vec<&str> = subject
            .expected
            .namespaces
            .iter()
            .skip(1)
            .take(1)
            .map(String::as_str)
            .collect();
        assert_eq!(names, want, "{kind}");
    }
}

/// A catalog's `Display` is a spec that reaches the same endpoint.
#[tokio::test]
async fn a_catalog_displays_as_its_spec() {
    let emulator = emulator(dataset()).await;
    for kind in CatalogKind::ALL {
        let text = format!("{kind}+{}", emulator.base_url());
        let catalog = wharf::catalog::open(&text, &demo_env).unwrap();
        assert_eq!(catalog.to_string(), text);
        assert_eq!(catalog.endpoint(), emulator.base_url());
        let again: CatalogSpec = catalog.to_string().parse().unwrap();
        assert_eq!(again.kind(), kind);
    }
    let spec = format!("uhub+{}?region=cn-bj2&project=org-1", emulator.base_url());
    let catalog = wharf::catalog::open(&spec, &demo_env).unwrap();
    assert_eq!(
        catalog.to_string(),
        format!("uhub+{}?region=cn-bj2", emulator.base_url())
    );
}

/// Credentials come from the lookup; refused ones are named, never shown.
#[tokio::test]
async fn credentials_come_from_the_lookup() {
    let emulator = emulator(dataset()).await;
    let wrong = |name: &str| match name {
        "HUAWEICLOUD_SDK_AK" => Some("WRONGACCESSKEY".to_owned()),
        "HUAWEICLOUD_SDK_SK" => Some("the-wrong-secret".to_owned()),
        "UCLOUD_PUBLIC_KEY" => Some("wrong-public".to_owned()),
        "UCLOUD_PRIVATE_KEY" => Some("the-wrong-secret".to_owned()),
        _ => None,
    };
    for kind in CatalogKind::ALL {
        let text = format!("{kind}+{}", emulator.base_url());
        let catalog = wharf::catalog::open(&text, &wrong).unwrap();
        assert!(!format!("{catalog:?}").contains("the-wrong-secret"));
        let e = catalog.list_namespaces().try_next().await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Unauthorized, "{kind}: {e}");
        let text = e.to_string();
        assert!(text.contains("from the environment"), "{text}");
        assert!(!text.contains("the-wrong-secret"), "{text}");

        let unsigned =
            wharf::catalog::open(&format!("{kind}+{}", emulator.base_url()), &|_| None).unwrap();
        let e = unsigned.list_namespaces().try_next().await.unwrap_err();
        assert!(e.to_string().contains("none were configured"), "{e}");
    }
    let half = |name: &str| (name == "HUAWEICLOUD_SDK_AK").then(|| "AK".to_owned());
    let e = wharf::catalog::open(&format!("swr+{}", emulator.base_url()), &half).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    let e = wharf::catalog::open(&format!("swr+{}?project=p1", emulator.base_url()), &|_| {
        None
    })
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config, "{e}");
    assert!(e.to_string().contains("HUAWEICLOUD_SDK_AK"), "{e}");
    let e = wharf::catalog::open("swr://cn_north_4", &demo_env).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
}
