//! Every SWR operation against the emulator: each listing equals the
//! dataset, in order, sequential and concurrent.

mod common;

use futures::TryStreamExt;
use wharf::model::{
    ImageRef, NamespacesQuery, OfficialImageTagsQuery, OfficialImagesQuery, OrderType,
    RepositoryQuery, RepositoryTagsQuery, TagOrderColumn,
};
use wharf::{ErrorKind, QueryForm, SwrClient};

async fn names(client: &SwrClient, query: RepositoryQuery, concurrency: usize) -> Vec<String> {
    let repos: Vec<_> = client
        .list_repositories(query)
        .page_size(37)
        .concurrency(concurrency)
        .items()
        .try_collect()
        .await
        .unwrap();
    repos
        .iter()
        .map(|r| format!("{}/{}", r.namespace, r.name))
        .collect()
}

#[tokio::test]
async fn list_repositories_equals_the_dataset_in_both_forms_and_modes() {
    let dataset = common::dataset(300);
    let expected = common::repositories(&dataset);
    let emulator = common::emulator(dataset.clone()).await;
    for form in [QueryForm::Filter, QueryForm::Plain] {
        let mut config = common::swr_config(&emulator);
        config.query_form = form;
        let client = SwrClient::new(config).unwrap();
        for concurrency in [1, 4, 16] {
            let all = names(&client, RepositoryQuery::default(), concurrency).await;
            assert_eq!(all, expected, "{form:?}, concurrency {concurrency}");
        }
        for ns in &dataset.namespaces {
            let mut query = RepositoryQuery::default();
            query.namespace = Some(ns.name.to_string());
            let wanted: Vec<_> = expected
                .iter()
                .filter(|n| n.starts_with(&format!("{}/", ns.name)))
                .cloned()
                .collect();
            assert_eq!(
                names(&client, query, 4).await,
                wanted,
                "{form:?} {}",
                ns.name
            );
        }
    }
}

#[tokio::test]
async fn a_page_tells_its_total_and_where_the_next_starts() {
    let dataset = common::dataset(120);
    let emulator = common::emulator(dataset).await;
    let client = common::swr(&emulator);
    let mut query = RepositoryQuery::default();
    query.page = Some(wharf::model::PageRequest::new(100, 50));
    let page = client.list_repositories_page(&query).await.unwrap();
    assert_eq!(page.items.len(), 20);
    assert_eq!(page.total, Some(120));
    assert_eq!(page.offset, 100);
    assert_eq!(page.next_offset, None);
    assert!(page.request_id.is_some());
    // max_items and start_offset.
    let some: Vec<_> = client
        .list_repositories(RepositoryQuery::default())
        .start_offset(10)
        .max_items(25)
        .page_size(10)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(some.len(), 25);
}

#[tokio::test]
async fn ordered_listings_are_checked_and_exact() {
    let dataset = common::dataset(200);
    let emulator = common::emulator(dataset).await;
    let client = common::swr(&emulator);
    for column in [
        wharf::model::OrderColumn::Name,
        wharf::model::OrderColumn::UpdatedTime,
        wharf::model::OrderColumn::TagCount,
    ] {
        for order in [OrderType::Asc, OrderType::Desc] {
            let mut query = RepositoryQuery::default();
            query.order_column = Some(column);
            query.order_type = Some(order);
            let sequential = names(&client, query.clone(), 1).await;
            let concurrent = names(&client, query, 8).await;
            assert_eq!(sequential.len(), 200);
            assert_eq!(sequential, concurrent, "{column} {order}");
        }
    }
}

#[tokio::test]
async fn official_images_tags_and_details() {
    let dataset = common::dataset(10);
    let emulator = common::emulator(dataset.clone()).await;
    let client = common::swr(&emulator);
    let mut expected: Vec<u64> = dataset.official_images.iter().map(|i| i.id).collect();
    expected.sort_unstable();
    for concurrency in [1, 4] {
        let images: Vec<_> = client
            .list_official_images(OfficialImagesQuery::default())
            .page_size(4)
            .concurrency(concurrency)
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(images.iter().map(|i| i.id).collect::<Vec<_>>(), expected);
    }
    let record = &dataset.official_images[3];
    let image = ImageRef::new(record.namespace.clone(), record.name.clone());
    let tags: Vec<_> = client
        .list_official_image_tags(image.clone())
        .page_size(2)
        .items()
        .try_collect()
        .await
        .unwrap();
    let wanted: Vec<_> = record.tags.iter().map(|t| t.name.clone()).collect();
    assert_eq!(
        tags.iter().map(|t| t.name.clone()).collect::<Vec<_>>(),
        wanted
    );
    let one = client
        .list_official_image_tags_page(&OfficialImageTagsQuery::new(image.clone()))
        .await
        .unwrap();
    assert_eq!(one.items.len(), wanted.len());
    let detail = client.show_official_image(&image).await.unwrap();
    assert_eq!(detail.id, record.id);
    let missing = ImageRef::new(record.namespace.clone(), "no-such-image".parse().unwrap());
    let error = client.show_official_image(&missing).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound, "{error}");
    assert!(
        error.code().is_some() && error.request_id().is_some(),
        "{error}"
    );
}

#[tokio::test]
async fn namespaces_one_or_all() {
    let dataset = common::dataset(10);
    let emulator = common::emulator(dataset.clone()).await;
    let client = common::swr(&emulator);
    let all = client
        .list_namespaces(&NamespacesQuery::default())
        .await
        .unwrap();
    let names: Vec<_> = all.iter().map(|n| n.name.clone()).collect();
    assert_eq!(names, common::namespaces(&dataset));
    let mut one = NamespacesQuery::default();
    one.namespace = Some(names[1].clone());
    let found = client.list_namespaces(&one).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, names[1]);
    one.mode = Some(wharf::model::NamespaceMode::Visible);
    assert_eq!(client.list_namespaces(&one).await.unwrap(), found);
    one.namespace = Some("a|b".into());
    let error = client.list_namespaces(&one).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn repository_tags_of_names_with_and_without_a_slash() {
    let dataset = common::dataset(60);
    let emulator = common::emulator(dataset.clone()).await;
    for slash in [
        wharf::model::SlashEncoding::Dollar,
        wharf::model::SlashEncoding::Percent,
    ] {
        let mut config = common::swr_config(&emulator);
        config.slash = slash;
        let client = SwrClient::new(config).unwrap();
        let ns = &dataset.namespaces[0];
        let with_slash = ns
            .repositories
            .iter()
            .find(|r| r.name.as_str().contains('/'));
        let plain = ns
            .repositories
            .iter()
            .find(|r| !r.name.as_str().contains('/'));
        for repo in with_slash.into_iter().chain(plain) {
            let image = ImageRef::new(ns.name.clone(), repo.name.clone());
            let mut query = RepositoryTagsQuery::new(image);
            query.order = Some((TagOrderColumn::UpdatedAt, OrderType::Asc));
            for concurrency in [1, 3] {
                let tags: Vec<_> = client
                    .list_repository_tags(query.clone())
                    .page_size(2)
                    .concurrency(concurrency)
                    .items()
                    .try_collect()
                    .await
                    .unwrap_or_else(|e| panic!("{}: {e}", repo.name));
                // Oldest first; equal times keep the dataset's order.
                let got: Vec<_> = tags.iter().map(|t| t.tag.clone()).collect();
                let mut wanted = repo.tags.clone();
                wanted.sort_by_key(|t| t.updated_at.instant());
                let wanted: Vec<_> = wanted.iter().map(|t| t.name.clone()).collect();
                assert_eq!(got, wanted, "{slash:?} {}", repo.name);
            }
        }
    }
}

#[tokio::test]
async fn progress_is_told_after_every_page_and_at_the_end() {
    use std::sync::{Arc, Mutex};
    let emulator = common::emulator(common::dataset(95)).await;
    let seen: Arc<Mutex<Vec<wharf::Progress>>> = Arc::default();
    let sink = Arc::clone(&seen);
    let mut config = common::swr_config(&emulator);
    config.options.progress = Some(Arc::new(move |p: &wharf::Progress| {
        sink.lock().unwrap().push(p.clone());
    }));
    let client = SwrClient::new(config).unwrap();
    let items: Vec<_> = client
        .list_repositories(RepositoryQuery::default())
        .page_size(10)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 95);
    let seen = seen.lock().unwrap();
    // A report per page; the last page's is also the end's.
    assert_eq!(seen.len(), 10);
    assert!(seen[..9].iter().all(|p| !p.done));
    assert!(
        seen.iter()
            .all(|p| p.operation == "list_repos" && p.listing == seen[0].listing)
    );
    assert_eq!(seen[3].summary.items, 40);
    assert_eq!(seen[3].total, Some(95));
    let last = seen.last().unwrap();
    assert!(last.done && last.summary.items == 95 && last.summary.pages == 10);
}
