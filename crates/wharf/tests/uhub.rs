//! Every UHub action against the emulator, POST form and GET query,
//! sequential and concurrent.

mod common;

use futures::TryStreamExt;
use wharf::model::{GetImageTagRequest, GetRepoImageRequest, GetRepoRequest, RepoType};
use wharf::{ErrorKind, UhubClient, UhubMethod};

#[tokio::test]
async fn repos_images_and_tags_equal_the_dataset() {
    let dataset = common::dataset(150);
    let emulator = common::emulator(dataset.clone()).await;
    for method in [UhubMethod::PostForm, UhubMethod::GetQuery] {
        let mut config = common::uhub_config(&emulator);
        config.method = method;
        let client = UhubClient::new(config).unwrap();
        let mut names = Vec::new();
        for repo_type in [RepoType::Private, RepoType::Public] {
            let repos: Vec<_> = client
                .list_repos(GetRepoRequest::new(repo_type))
                .page_size(2)
                .items()
                .try_collect()
                .await
                .unwrap();
            let public = repo_type == RepoType::Public;
            for repo in repos {
                let ns = dataset
                    .namespaces
                    .iter()
                    .find(|n| n.name.as_str() == repo.repo_name);
                assert_eq!(ns.map(|n| n.is_shared), Some(public), "{}", repo.repo_name);
                names.push(repo.repo_name);
            }
        }
        names.sort();
        assert_eq!(names, common::namespaces(&dataset), "{method:?}");
        for ns in &dataset.namespaces {
            let mut wanted: Vec<_> = ns.repositories.iter().map(|r| r.name.to_string()).collect();
            wanted.sort();
            for concurrency in [1, 4] {
                let images: Vec<_> = client
                    .list_repo_images(GetRepoImageRequest::new(ns.name.as_str()))
                    .page_size(7)
                    .concurrency(concurrency)
                    .items()
                    .try_collect()
                    .await
                    .unwrap();
                let got: Vec<_> = images.iter().map(|i| i.image_name.clone()).collect();
                assert_eq!(got, wanted, "{method:?} {} {concurrency}", ns.name);
            }
        }
        let ns = &dataset.namespaces[1];
        let repo = &ns.repositories[3];
        let tags: Vec<_> = client
            .list_image_tags(GetImageTagRequest::new(
                ns.name.as_str(),
                repo.name.as_str(),
            ))
            .page_size(3)
            .concurrency(2)
            .items()
            .try_collect()
            .await
            .unwrap();
        // The emulator serves an image's tags in the dataset's order.
        let got: Vec<_> = tags.iter().map(|t| t.tag_name.clone()).collect();
        let wanted: Vec<_> = repo.tags.iter().map(|t| t.name.clone()).collect();
        assert_eq!(got, wanted, "{method:?}");
    }
}

#[tokio::test]
async fn one_page_with_its_total_and_request_id() {
    let dataset = common::dataset(90);
    let emulator = common::emulator(dataset.clone()).await;
    let client = common::uhub(&emulator);
    let ns = &dataset.namespaces[0];
    let mut request = GetRepoImageRequest::new(ns.name.as_str());
    request.limit = Some(5);
    let page = client.list_repo_images_page(&request).await.unwrap();
    assert_eq!(page.items.len(), 5);
    assert_eq!(page.total, Some(ns.repositories.len() as u64));
    assert_eq!(page.next_offset, Some(5));
    assert!(page.request_id.is_some());
}

#[tokio::test]
async fn a_missing_repo_and_an_empty_name_are_typed() {
    let emulator = common::emulator(common::dataset(10)).await;
    let client = common::uhub(&emulator);
    let error = client
        .list_repo_images_page(&GetRepoImageRequest::new("no-such-repo"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound, "{error}");
    assert_eq!(error.code(), Some("232"));
    assert!(
        error.message().is_some_and(|m| m.contains("no-such-repo")),
        "{error}"
    );
    assert!(error.request_id().is_some(), "{error}");
    // An empty name is refused before it is sent (the emulator's RetCode
    // 230 for a missing parameter is tested in wharf-emulator).
    let error = client
        .list_repo_images_page(&GetRepoImageRequest::new(""))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput, "{error}");
    assert_eq!(error.code(), None);
    assert_eq!(emulator.requests(), 1);
}
