//! Every response example on the seed pages decodes into the typed model and
//! encodes back to the same JSON value.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wharf_model::{
    GetRepoImageResponse, OfficialImage, OfficialImageDetail, OfficialImageTag, RepositoryInfo,
};
use wharf_tests::fixture;

/// Decodes `name` as `T`, checks the round trip, and returns the typed value.
fn round_trip<T: DeserializeOwned + Serialize>(name: &str) -> (T, Value) {
    let text = fixture(&format!("seeds/{name}"));
    let typed: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let original: Value = serde_json::from_str(&text).unwrap();
    let again = serde_json::to_value(&typed).unwrap();
    assert_eq!(again, original, "{name} changed in the round trip");
    (typed, again)
}

#[test]
fn list_official_image_tags() {
    let (tags, json) = round_trip::<Vec<OfficialImageTag>>("swr-list-official-image-tags.json");
    assert_eq!(tags[0].name, "1.2");
    assert_eq!(
        tags[0].last_updated.instant().to_string(),
        "2017-09-12T10:33:22Z"
    );
    insta::assert_json_snapshot!(json);
}

#[test]
fn list_official_images() {
    let (images, json) = round_trip::<Vec<OfficialImage>>("swr-list-official-images.json");
    assert_eq!(images[0].total_range, Some(105));
    assert_eq!(images[0].name.as_deref(), Some("nginx"));
    insta::assert_json_snapshot!(json);
}

#[test]
fn show_official_image() {
    let (image, json) = round_trip::<OfficialImageDetail>("swr-show-official-image.json");
    assert_eq!(image.full_description, "software contained within.");
    insta::assert_json_snapshot!(json);
}

#[test]
fn list_repos() {
    let (repos, json) = round_trip::<Vec<RepositoryInfo>>("swr-list-repos.json");
    let repo = &repos[0];
    assert_eq!(repo.category, wharf_model::Category::Linux);
    assert_eq!(repo.tags, ["latest", "log"]);
    assert_eq!(repo.status, Some(false));
    assert_eq!(repo.updated_at.instant().subsec_nanosecond(), 542_841_141);
    assert!(
        repo.extra.is_empty(),
        "status is a known field: {:?}",
        repo.extra
    );
    insta::assert_json_snapshot!(json);
}

#[test]
fn uhub_get_repo_image() {
    let (response, json) = round_trip::<GetRepoImageResponse>("uhub-get-repo-image.json");
    assert!(response.ret_code.is_success());
    // The seed is generated filler: 9 items under a TotalCount of 5, no RepoName.
    assert_eq!(response.total_count, Some(5));
    assert_eq!(response.items().len(), 9);
    assert!(response.items().iter().all(|i| i.repo_name.is_none()));
    assert_eq!(response.items()[0].create_time.instant().as_second(), 5);
    insta::assert_json_snapshot!(json);
}
