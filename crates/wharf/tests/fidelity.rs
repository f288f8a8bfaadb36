//! The clients against a server that follows the documents rather than
//! wharf: every shape of `Content-Range`, `GetRepo`'s default type, a
//! server that ignores an undocumented filter term, and names the SDKs
//! send that SWR's rules would refuse.

mod common;

use futures::TryStreamExt;
use wharf::catalog::{Catalog, OfficialCatalog, SwrCatalog, UhubCatalog};
use wharf::model::{GetRepoImageRequest, RepositoryQuery};
use wharf::{ErrorKind, TotalSource};
use wharf_emulator::{ContentRangeShape, Dataset, Emulator};

async fn emulator_with(
    dataset: Dataset,
    shape: ContentRangeShape,
    ignore_is_public: bool,
) -> Emulator {
    Emulator::builder()
        .dataset(dataset)
        .content_range(shape)
        .ignore_is_public(ignore_is_public)
        .start()
        .await
        .expect("the emulator starts")
}

#[tokio::test]
async fn every_content_range_shape_lists_exactly() {
    let dataset = common::dataset(60);
    let wanted = common::repositories(&dataset);
    for shape in ContentRangeShape::ALL {
        let emulator = emulator_with(dataset.clone(), shape, false).await;
        let client = common::swr(&emulator);
        for concurrency in [1, 4] {
            let mut items = client
                .list_repositories(RepositoryQuery::default())
                .page_size(7)
                .concurrency(concurrency)
                .items();
            let mut got = Vec::new();
            while let Some(r) = items.try_next().await.unwrap() {
                got.push(format!("{}/{}", r.namespace, r.name));
            }
            got.sort();
            assert_eq!(got, wanted, "{shape:?} at concurrency {concurrency}");
            let summary = items.summary();
            assert!(
                summary.changes.is_empty(),
                "{shape:?}: {:?}",
                summary.changes
            );
            // The header's total where it says one; else total_range.
            let source = match shape {
                ContentRangeShape::Documented | ContentRangeShape::WithUnit => {
                    TotalSource::ContentRange
                }
                _ => TotalSource::TotalRange,
            };
            assert_eq!(summary.total_source, Some(source), "{shape:?}");
            let set_aside = matches!(
                shape,
                ContentRangeShape::TotalOnly
                    | ContentRangeShape::StarTotal
                    | ContentRangeShape::Unreadable
            );
            assert_eq!(summary.ignored_header.is_some(), set_aside, "{shape:?}");
            assert_eq!(summary.ignored_headers > 0, set_aside, "{shape:?}");
        }
        // Tags carry no total_range: a header set aside leaves no total, and
        // the listing pages until a short page, still exactly.
        let ns = &dataset.namespaces[0];
        let repo = &ns.repositories[0];
        let catalog = SwrCatalog::new(client.clone());
        let reference = format!("{}/{}", ns.name, repo.name).parse().unwrap();
        let tags: Vec<_> = catalog.list_tags(&reference).try_collect().await.unwrap();
        assert_eq!(tags.len(), repo.tags.len(), "{shape:?}: tags");
        let official: Vec<_> = OfficialCatalog::new(client)
            .list_repositories(None)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(
            official.len(),
            dataset.official_images.len(),
            "{shape:?}: official"
        );
    }
}

#[tokio::test]
async fn an_official_image_name_is_sent_and_checked() {
    let dataset = common::dataset(10);
    let wanted = &dataset.official_images[3];
    let text = wanted.name.as_str().to_owned();
    let emulator = common::emulator(dataset.clone()).await;
    let client = common::swr(&emulator);
    let mut options = client.options().list.clone();
    options.page_size = 5;
    let catalog = OfficialCatalog::new(client)
        .with_list_options(options)
        .with_image_name(text.clone());
    let before = emulator.requests();
    let found: Vec<_> = catalog.list_repositories(None).try_collect().await.unwrap();
    assert!(found.iter().any(|r| r.name == text));
    assert!(found.iter().all(|r| r.name.contains(&text)));
    // The server filtered: one short page, where the 25 images unfiltered
    // take five.
    assert_eq!(emulator.requests() - before, 1);
}

#[tokio::test]
async fn uhub_namespaces_are_the_private_and_the_public_repos() {
    let mut dataset = common::dataset(30);
    for (i, ns) in dataset.namespaces.iter_mut().enumerate() {
        ns.is_shared = i == 1;
    }
    let emulator = common::emulator(dataset.clone()).await;
    let catalog = UhubCatalog::new(common::uhub(&emulator));
    let mut names: Vec<String> = catalog
        .list_namespaces()
        .map_ok(|ns| ns.name)
        .try_collect()
        .await
        .unwrap();
    names.sort();
    assert_eq!(names, common::namespaces(&dataset));
    // Every repository of every repo, private ones included.
    let mut all: Vec<String> = catalog
        .list_repositories(None)
        .map_ok(|r| format!("{}/{}", r.namespace, r.name))
        .try_collect()
        .await
        .unwrap();
    all.sort();
    assert_eq!(all, common::repositories(&dataset));
    // The window applies to the joined listing.
    let mut options = catalog.client().options().list.clone();
    options.start_offset = 1;
    options.max_items = Some(1);
    let one: Vec<_> = catalog
        .clone()
        .with_list_options(options)
        .list_namespaces()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(one.len(), 1);
}

#[tokio::test]
async fn visibility_is_checked_on_every_repository() {
    let dataset = common::dataset(80);
    let public = common::repositories_where(&dataset, |r| r.is_public);
    assert!(!public.is_empty() && public.len() < 80, "a mix of both");
    // A server that honours is_public, and one that ignores it.
    for ignore in [false, true] {
        let emulator = emulator_with(dataset.clone(), ContentRangeShape::Documented, ignore).await;
        let mut query = RepositoryQuery::default();
        query.is_public = Some(true);
        let catalog = SwrCatalog::new(common::swr(&emulator)).with_query(query);
        let mut got: Vec<String> = catalog
            .list_repositories(None)
            .map_ok(|r| r.qualified_name())
            .try_collect()
            .await
            .unwrap();
        got.sort();
        assert_eq!(got, public, "ignore_is_public {ignore}");
        // max_items counts the repositories that pass.
        let mut options = catalog.client().options().list.clone();
        options.max_items = Some(3);
        let three: Vec<_> = catalog
            .with_list_options(options)
            .list_repositories(None)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(three.len(), 3);
    }
}

#[tokio::test]
async fn names_the_sdk_sends_are_sent() {
    let emulator = common::emulator(common::dataset(10)).await;
    // Non-ASCII and a space in a name search: sent, and nothing matches.
    let mut query = RepositoryQuery::default();
    query.name = Some("ngïnx web".into());
    let found: Vec<_> = common::swr(&emulator)
        .list_repositories(query)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(found.is_empty());
    // A UHub repo name that breaks SWR's rules (upper case, a leading
    // `_`): UHub documents no rules, so the server judges it.
    let uhub = common::uhub(&emulator);
    let e = uhub
        .list_repo_images_page(&GetRepoImageRequest::new("_Team"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    // Only the unsafe is refused, with the rule named, before sending.
    let before = emulator.requests();
    for (name, rule) in [
        ("", "is empty"),
        ("a\nb", "control character"),
        ("../x", "path component"),
    ] {
        let e = uhub
            .list_repo_images_page(&GetRepoImageRequest::new(name))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
        assert!(e.to_string().contains(rule), "{e}");
    }
    assert_eq!(emulator.requests(), before, "nothing was sent");
}
