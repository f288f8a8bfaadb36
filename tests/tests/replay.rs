//! The clients driven from the fixtures in `tests/fixtures/replay/`, with no
//! server: items, totals, request ids and errors as the emulator gave them.
//! And the fixtures themselves: a recording repeats byte for byte, and holds
//! no secret. That the committed files are a fresh recording is checked with
//! every generated file, in `tests/fixtures.rs`.

use std::collections::HashSet;

use wharf::model::Timestamp;
use wharf::test_util::Fixture;
use wharf::{ErrorKind, Page, Provider};
use wharf_emulator::{
    DEMO_HUAWEI_AK, DEMO_HUAWEI_SK, DEMO_TOKEN, DEMO_UCLOUD_PRIVATE_KEY, DEMO_UCLOUD_PUBLIC_KEY,
};
use wharf_tests::replay::{
    self, COMMENT, Clients, MISSING, NAMESPACE, OFFICIAL_IMAGE, OFFICIAL_NAMESPACE,
    SLASHED_REPOSITORY, Scenario, dataset,
};

/// Clients replaying `scenario`, and a check that every exchange was used.
fn replaying(scenario: Scenario) -> (Clients, impl FnOnce()) {
    let (clients, replay) = Clients::replaying(scenario).unwrap();
    let all_used = move || {
        assert_eq!(
            replay.unserved(),
            0,
            "{}: exchanges left",
            scenario.file_name()
        );
    };
    (clients, all_used)
}

/// The request ids the fixture recorded, in order.
fn recorded_ids(scenario: Scenario) -> Vec<String> {
    let fixture = Fixture::load(&scenario.path()).unwrap();
    let ids: Vec<String> = fixture
        .exchanges
        .iter()
        .map(|e| {
            let provider = Provider::from_name(&e.provider).unwrap();
            let header = provider.request_id_header();
            let (_, id) = e
                .response
                .headers
                .iter()
                .find(|(n, _)| n == header)
                .unwrap();
            id.clone()
        })
        .collect();
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "request ids are unique");
    ids
}

fn page_ids<T>(pages: &[Page<T>]) -> Vec<String> {
    pages
        .iter()
        .map(|p| p.request_id.clone().unwrap())
        .collect()
}

/// Offsets, sizes and totals of each page.
fn shape<T>(pages: &[Page<T>]) -> Vec<(u64, usize, Option<u64>)> {
    pages
        .iter()
        .map(|p| (p.offset, p.items.len(), p.total))
        .collect()
}

fn items<T: Clone>(pages: &[Page<T>]) -> Vec<T> {
    pages.iter().flat_map(|p| p.items.clone()).collect()
}

/// `names` ordered newest first by `time`, ties in their given order, as
/// the emulator lists tags.
fn newest_first<'a>(tags: impl Iterator<Item = (&'a str, &'a Timestamp)>) -> Vec<String> {
    let mut tags: Vec<_> = tags.collect();
    tags.sort_by_key(|(_, time)| std::cmp::Reverse(time.instant()));
    tags.into_iter().map(|(name, _)| name.to_owned()).collect()
}

#[tokio::test(flavor = "current_thread")]
async fn swr_list_repositories() {
    let scenario = Scenario::SwrListRepositories;
    let (clients, all_used) = replaying(scenario);
    let pages = replay::swr_list_repositories(&clients.swr).await.unwrap();
    all_used();
    let known = Some(8);
    assert_eq!(
        shape(&pages),
        [(0, 2, known), (2, 2, known), (4, 2, known), (6, 2, known)]
    );
    let listed: Vec<String> = items(&pages)
        .iter()
        .map(|r| format!("{}/{}", r.namespace, r.name))
        .collect();
    let mut expected: Vec<String> = dataset()
        .unwrap()
        .namespaces
        .iter()
        .flat_map(|ns| {
            ns.repositories
                .iter()
                .map(move |r| format!("{}/{}", ns.name, r.name))
        })
        .collect();
    expected.sort();
    assert_eq!(listed, expected);
    assert!(listed.contains(&format!("{NAMESPACE}/{SLASHED_REPOSITORY}")));
    assert_eq!(page_ids(&pages), recorded_ids(scenario));
    assert!(
        page_ids(&pages)
            .iter()
            .all(|id| id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()))
    );
}

#[tokio::test(flavor = "current_thread")]
async fn swr_list_namespaces() {
    let (clients, all_used) = replaying(Scenario::SwrListNamespaces);
    let (all, one) = replay::swr_list_namespaces(&clients.swr).await.unwrap();
    all_used();
    let names = |list: &[wharf::model::NamespaceInfo]| -> Vec<String> {
        list.iter().map(|n| n.name.clone()).collect()
    };
    let mut expected: Vec<String> = dataset()
        .unwrap()
        .namespaces
        .iter()
        .map(|n| n.name.to_string())
        .collect();
    expected.sort();
    assert_eq!(names(&all), expected);
    assert_eq!(names(&one), [NAMESPACE]);
}

#[tokio::test(flavor = "current_thread")]
async fn swr_list_repository_tags_of_a_name_with_a_slash() {
    let scenario = Scenario::SwrRepositoryTags;
    let (clients, all_used) = replaying(scenario);
    let pages = replay::swr_repository_tags(&clients.swr).await.unwrap();
    all_used();
    let known = Some(5);
    assert_eq!(shape(&pages), [(0, 2, known), (2, 2, known), (4, 1, known)]);
    let dataset = dataset().unwrap();
    let repository = dataset
        .namespaces
        .iter()
        .find(|n| n.name.as_str() == NAMESPACE)
        .and_then(|n| {
            n.repositories
                .iter()
                .find(|r| r.name.as_str() == SLASHED_REPOSITORY)
        })
        .unwrap();
    let expected = newest_first(
        repository
            .tags
            .iter()
            .map(|t| (t.name.as_str(), &t.updated_at)),
    );
    let listed: Vec<String> = items(&pages).into_iter().map(|t| t.tag).collect();
    assert_eq!(listed, expected);
    assert_eq!(page_ids(&pages), recorded_ids(scenario));
}

#[tokio::test(flavor = "current_thread")]
async fn swr_list_official_images() {
    let scenario = Scenario::SwrOfficialImages;
    let (clients, all_used) = replaying(scenario);
    let pages = replay::swr_official_images(&clients.swr).await.unwrap();
    all_used();
    let known = Some(5);
    assert_eq!(shape(&pages), [(0, 2, known), (2, 2, known), (4, 1, known)]);
    let listed: Vec<(u64, Option<String>)> =
        items(&pages).into_iter().map(|i| (i.id, i.name)).collect();
    let expected: Vec<(u64, Option<String>)> = dataset()
        .unwrap()
        .official_images
        .iter()
        .map(|i| (i.id, Some(i.name.to_string())))
        .collect();
    assert_eq!(listed, expected);
    assert_eq!(page_ids(&pages), recorded_ids(scenario));
}

#[tokio::test(flavor = "current_thread")]
async fn swr_list_official_image_tags() {
    let scenario = Scenario::SwrOfficialImageTags;
    let (clients, all_used) = replaying(scenario);
    let pages = replay::swr_official_image_tags(&clients.swr).await.unwrap();
    all_used();
    let known = Some(5);
    assert_eq!(shape(&pages), [(0, 2, known), (2, 2, known), (4, 1, known)]);
    let dataset = dataset().unwrap();
    let image = dataset
        .official_images
        .iter()
        .find(|i| i.name.as_str() == OFFICIAL_IMAGE)
        .unwrap();
    let expected = newest_first(
        image
            .tags
            .iter()
            .map(|t| (t.name.as_str(), &t.last_updated)),
    );
    let listed: Vec<String> = items(&pages).into_iter().map(|t| t.name).collect();
    assert_eq!(listed, expected);
    assert_eq!(page_ids(&pages), recorded_ids(scenario));
}

#[tokio::test(flavor = "current_thread")]
async fn swr_show_official_image_and_a_404() {
    let scenario = Scenario::SwrShowOfficialImage;
    let (clients, all_used) = replaying(scenario);
    let (found, missing) = replay::swr_show_official_image(&clients.swr).await.unwrap();
    all_used();
    assert_eq!(found.name.as_deref(), Some(OFFICIAL_IMAGE));
    assert_eq!(found.namespace, OFFICIAL_NAMESPACE);
    assert_eq!(found.id, 1);
    let error = missing.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.code(), Some("SVCSTG.SWR.4040002"));
    assert_eq!(
        error.message(),
        Some(format!("Image {OFFICIAL_NAMESPACE}/{MISSING} does not exist").as_str())
    );
    assert_eq!(error.operation(), Some("show_official_image"));
    let ids = recorded_ids(scenario);
    assert_eq!(error.request_id(), Some(ids[1].as_str()));
    assert_eq!(error.attempts(), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn uhub_get_repo() {
    let scenario = Scenario::UhubGetRepo;
    let (clients, all_used) = replaying(scenario);
    let pages = replay::uhub_get_repo(&clients.uhub).await.unwrap();
    all_used();
    // One listing per type: both repos are private (`IsShared` false), none
    // public. A full last page at UHub's TotalCount, which may be
    // understated, is confirmed by one more request: the empty page.
    let (private, public) = (Some(2), Some(0));
    assert_eq!(
        shape(&pages),
        [
            (0, 1, private),
            (1, 1, private),
            (2, 0, private),
            (0, 0, public)
        ]
    );
    let listed: Vec<String> = items(&pages).into_iter().map(|r| r.repo_name).collect();
    let mut expected: Vec<String> = dataset()
        .unwrap()
        .namespaces
        .iter()
        .map(|n| n.name.to_string())
        .collect();
    expected.sort();
    assert_eq!(listed, expected);
    let ids = page_ids(&pages);
    assert_eq!(ids, recorded_ids(scenario));
    // UHub's ids are UUID-shaped.
    assert!(
        ids.iter()
            .all(|id| id.len() == 36 && id.matches('-').count() == 4)
    );
}

#[tokio::test(flavor = "current_thread")]
async fn uhub_get_repo_image_and_an_unknown_repo() {
    let scenario = Scenario::UhubGetRepoImage;
    let (clients, all_used) = replaying(scenario);
    let (pages, missing) = replay::uhub_get_repo_image(&clients.uhub).await.unwrap();
    all_used();
    let known = Some(4);
    // The end at TotalCount confirmed by one more request, as above.
    assert_eq!(shape(&pages), [(0, 2, known), (2, 2, known), (4, 0, known)]);
    let listed: Vec<String> = items(&pages).into_iter().map(|i| i.image_name).collect();
    let dataset = dataset().unwrap();
    let namespace = dataset
        .namespaces
        .iter()
        .find(|n| n.name.as_str() == NAMESPACE)
        .unwrap();
    let mut expected: Vec<String> = namespace
        .repositories
        .iter()
        .map(|r| r.name.to_string())
        .collect();
    expected.sort();
    assert_eq!(listed, expected);
    let ids = recorded_ids(scenario);
    assert_eq!(page_ids(&pages), ids[..3]);

    let error = missing.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert_eq!(error.code(), Some("232"));
    assert_eq!(
        error.message(),
        Some(format!("Repo [{MISSING}] does not exist").as_str())
    );
    assert_eq!(error.operation(), Some("GetRepoImage"));
    assert_eq!(error.request_id(), Some(ids[3].as_str()));
}

#[tokio::test(flavor = "current_thread")]
async fn uhub_get_image_tag_of_a_name_with_a_slash() {
    let scenario = Scenario::UhubGetImageTag;
    let (clients, all_used) = replaying(scenario);
    let pages = replay::uhub_get_image_tag(&clients.uhub).await.unwrap();
    all_used();
    let known = Some(5);
    assert_eq!(shape(&pages), [(0, 2, known), (2, 2, known), (4, 1, known)]);
    let listed: Vec<String> = items(&pages).into_iter().map(|t| t.tag_name).collect();
    let dataset = dataset().unwrap();
    // UHub lists tags in the dataset's order.
    let expected: Vec<String> = dataset
        .namespaces
        .iter()
        .find(|n| n.name.as_str() == NAMESPACE)
        .and_then(|n| {
            n.repositories
                .iter()
                .find(|r| r.name.as_str() == SLASHED_REPOSITORY)
        })
        .unwrap()
        .tags
        .iter()
        .map(|t| t.name.clone())
        .collect();
    assert_eq!(listed, expected);
    assert_eq!(page_ids(&pages), recorded_ids(scenario));
}

#[tokio::test(flavor = "current_thread")]
async fn a_recording_repeats_byte_for_byte() {
    // Two emulators, on other ports; the pause puts the second run's
    // `Date` and `X-Sdk-Date` in another second than the first's.
    let first = replay::record_all().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let second = replay::record_all().await.unwrap();
    assert_eq!(first.len(), Scenario::ALL.len());
    for ((name, a), (_, b)) in first.iter().zip(&second) {
        assert!(
            a == b,
            "{name} differs between two recordings:\n{a}\n---\n{b}"
        );
    }
}

#[test]
fn fixtures_hold_no_secret_and_say_they_are_generated() {
    let secrets = [
        DEMO_HUAWEI_AK,
        DEMO_HUAWEI_SK,
        DEMO_TOKEN,
        DEMO_UCLOUD_PUBLIC_KEY,
        DEMO_UCLOUD_PRIVATE_KEY,
    ];
    for scenario in Scenario::ALL {
        let text = std::fs::read_to_string(scenario.path()).unwrap();
        for secret in secrets {
            assert!(
                !text.contains(secret),
                "{} holds {secret}",
                scenario.file_name()
            );
        }
        let fixture = Fixture::load(&scenario.path()).unwrap();
        assert_eq!(fixture.comment.as_deref(), Some(COMMENT));
    }
}

/// A request the fixture never recorded fails as a replay error, naming the
/// mismatch: the test is wrong, not the service or the network.
#[tokio::test]
async fn a_request_the_fixture_lacks_is_a_replay_error() {
    let (clients, _) = replaying(Scenario::SwrListRepositories);
    let mut query = wharf::model::RepositoryQuery::default();
    query.namespace = Some("never-recorded".into());
    let e = clients
        .swr
        .list_repositories_page(&query)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Replay, "{e}");
    assert!(
        e.to_string().contains("no recorded exchange matches"),
        "{e}"
    );
}
