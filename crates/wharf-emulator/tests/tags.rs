//! One tag: SWR's ShowRepoTag and DeleteRepoTag
//! (`GET`/`DELETE /v2/manage/namespaces/{ns}/repos/{repo}/tags/{tag}`) and
//! UHub's DeleteRepoImage, over real HTTP.

mod common;

use common::{start, swr, swr_method, uhub};
use serde_json::Value;
use wharf_emulator::{Dataset, Emulator};
use wharf_model::{RepositoryDetail, RepositoryName, RepositoryTag, RepositoryTagDetail, SwrError};

const TEAM: &str = "/v2/manage/namespaces/team/repos";

fn demo() -> Emulator {
    start(Emulator::builder())
}

/// The SWR error of a reply: (status, code, message).
fn swr_error(reply: &common::Reply) -> (u16, String, String) {
    let error: SwrError =
        serde_json::from_slice(&reply.body).unwrap_or_else(|e| panic!("{e}: {}", reply.text()));
    (
        reply.status,
        error.code().unwrap_or_default().to_owned(),
        error.message().unwrap_or_default().to_owned(),
    )
}

fn not_found(message: &str) -> (u16, String, String) {
    (404, "SVCSTG.SWR.4040002".to_owned(), message.to_owned())
}

/// The tags of `path` as listed.
fn listed(emu: &Emulator, path: &str) -> Vec<RepositoryTag> {
    let reply = swr(emu, &format!("{path}/tags"), &[]);
    assert_eq!(reply.status, 200, "{}", reply.text());
    serde_json::from_slice(&reply.body).unwrap()
}

#[test]
fn show_repo_tag_has_the_values_of_the_listed_item() {
    let emu = demo();
    for (segment, name) in [
        ("nginx", "nginx"),
        ("api%2Fgateway", "api/gateway"),
        ("api$gateway", "api/gateway"),
        ("api%2fgateway", "api/gateway"),
        ("api/gateway", "api/gateway"),
    ] {
        let path = format!("{TEAM}/{segment}");
        let items = listed(&emu, &path);
        assert!(!items.is_empty());
        for item in items {
            let reply = swr(&emu, &format!("{path}/tags/{}", item.tag), &[]);
            assert_eq!(reply.status, 200, "{segment}: {}", reply.text());
            assert!(reply.header("x-request-id").is_some());
            assert_eq!(reply.header("content-range"), None);
            // Exactly the SDK's ShowRepoTagResponse fields: `tag`, not `Tag`.
            let json = reply.json();
            let mut keys: Vec<&str> = json
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            keys.sort_unstable();
            assert_eq!(
                keys,
                [
                    "created",
                    "digest",
                    "domain_id",
                    "id",
                    "image_id",
                    "internal_path",
                    "is_trusted",
                    "manifest",
                    "path",
                    "repo_id",
                    "schema",
                    "size",
                    "tag",
                    "tag_type",
                    "updated"
                ]
            );
            let shown: RepositoryTagDetail = serde_json::from_slice(&reply.body).unwrap();
            assert_eq!(shown.tag, item.tag);
            assert_eq!(shown.id, item.id);
            assert_eq!(shown.repo_id, item.repo_id);
            assert_eq!(shown.image_id, item.image_id);
            assert_eq!(shown.manifest, item.manifest);
            assert_eq!(shown.digest, item.digest);
            assert_eq!(shown.schema, item.schema);
            assert_eq!(shown.path, item.path);
            assert!(shown.path.ends_with(&format!("/team/{name}:{}", item.tag)));
            assert_eq!(shown.internal_path, item.internal_path);
            assert_eq!(shown.size, item.size);
            assert_eq!(shown.is_trusted, item.is_trusted);
            assert_eq!(shown.created, item.created);
            assert_eq!(shown.updated, item.updated);
            assert_eq!(shown.domain_id, item.domain_id);
            assert_eq!(shown.tag_type, item.tag_type);
        }
    }
}

#[test]
fn show_repo_tag_not_found_and_bad_names() {
    let emu = demo();
    let error = |path: &str| swr_error(&swr(&emu, path, &[]));
    assert_eq!(
        error(&format!("{TEAM}/nginx/tags/9.9")),
        not_found("Tag team/nginx:9.9 does not exist")
    );
    assert_eq!(
        error(&format!("{TEAM}/api$gateway/tags/9.9")),
        not_found("Tag team/api/gateway:9.9 does not exist")
    );
    assert_eq!(
        error(&format!("{TEAM}/nope/tags/latest")),
        not_found("Repository team/nope does not exist")
    );
    assert_eq!(
        error("/v2/manage/namespaces/nope/repos/nginx/tags/latest"),
        not_found("Namespace nope does not exist")
    );
    let (status, code, message) = error(&format!("{TEAM}/nginx/tags/-bad"));
    assert_eq!((status, code.as_str()), (400, "SVCSTG.SWR.4001048"));
    assert!(
        message.starts_with("Invalid parameter tag: \"-bad\" is not a valid tag"),
        "{message}"
    );
    let (status, _, message) = error("/v2/manage/namespaces/Team/repos/nginx/tags/latest");
    assert_eq!(status, 400);
    assert!(
        message.starts_with("Invalid parameter namespace"),
        "{message}"
    );
    // A tag is decoded like the other segments.
    let reply = swr(&emu, &format!("{TEAM}/nginx/tags/1.25%2E3"), &[]);
    assert_eq!(reply.json()["tag"], "1.25.3");
    // Unsigned: refused first.
    let reply = common::send(
        emu.addr(),
        "GET",
        &format!("{TEAM}/nginx/tags/latest"),
        &[],
        b"",
    )
    .unwrap();
    assert_eq!(reply.status, 401);
}

/// A real `/` reads as the tag of the shorter name when it has the tag,
/// else as what exists.
#[test]
fn an_ambiguous_tag_path_reads_the_way_that_exists() {
    let mut dataset = Dataset::demo();
    let team = &mut dataset.namespaces[0];
    let mut longer = team.repositories[0].clone();
    longer.name = RepositoryName::new("nginx/tags/latest").unwrap();
    longer.tags.truncate(1);
    let mut other = longer.clone();
    other.name = RepositoryName::new("nginx/tags/v9").unwrap();
    team.repositories.extend([longer, other]);
    let emu = start(Emulator::builder().dataset(dataset));
    // `nginx` has `latest`: the tag.
    let reply = swr(&emu, &format!("{TEAM}/nginx/tags/latest"), &[]);
    assert_eq!(reply.json()["tag"], "latest");
    // `nginx` has no `v9`, repository `nginx/tags/v9` exists: shown.
    let reply = swr(&emu, &format!("{TEAM}/nginx/tags/v9"), &[]);
    let shown: RepositoryDetail = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(shown.name, "nginx/tags/v9");
    // Encoded, only one reading.
    let reply = swr(&emu, &format!("{TEAM}/nginx%2Ftags%2Flatest"), &[]);
    let shown: RepositoryDetail = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(shown.name, "nginx/tags/latest");
    let reply = swr(&emu, &format!("{TEAM}/nginx$tags$latest/tags/latest"), &[]);
    assert_eq!(
        reply.json()["path"],
        "swr.cn-north-4.myhuaweicloud.com/team/nginx/tags/latest:latest"
    );
}

#[test]
fn delete_repo_tag_deletes_the_tag_and_answers_an_empty_200() {
    let emu = demo();
    let path = format!("{TEAM}/nginx/tags/1.25.2");
    let before = listed(&emu, &format!("{TEAM}/nginx"));
    let reply = swr_method(&emu, "DELETE", &path);
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(reply.body.is_empty(), "{}", reply.text());
    assert_eq!(reply.header("content-length"), Some("0"));
    assert!(reply.header("x-request-id").is_some());
    let after = listed(&emu, &format!("{TEAM}/nginx"));
    let names: Vec<&str> = after.iter().map(|t| t.tag.as_str()).collect();
    assert_eq!(names, ["latest", "1.25.3", "1.24.0"]);
    // The tags that remain keep their ids.
    for tag in &after {
        let old = before.iter().find(|t| t.tag == tag.tag).unwrap();
        assert_eq!((tag.id, tag.repo_id), (old.id, old.repo_id));
    }
    assert_eq!(
        swr_error(&swr(&emu, &path, &[])),
        not_found("Tag team/nginx:1.25.2 does not exist")
    );
    assert_eq!(
        swr_error(&swr_method(&emu, "DELETE", &path)),
        not_found("Tag team/nginx:1.25.2 does not exist")
    );
    // Every slash form, as for the other calls.
    for (segment, tag) in [("api$gateway", "2.1.0"), ("api%2Fgateway", "2.0.1")] {
        let reply = swr_method(&emu, "DELETE", &format!("{TEAM}/{segment}/tags/{tag}"));
        assert_eq!(reply.status, 200, "{segment}: {}", reply.text());
    }
    assert!(listed(&emu, &format!("{TEAM}/api$gateway")).is_empty());
    // What is missing, and what is not valid.
    let delete = |path: &str| swr_error(&swr_method(&emu, "DELETE", path));
    assert_eq!(
        delete(&format!("{TEAM}/nope/tags/v1")),
        not_found("Repository team/nope does not exist")
    );
    assert_eq!(
        delete("/v2/manage/namespaces/nope/repos/nginx/tags/v1"),
        not_found("Namespace nope does not exist")
    );
    let (status, _, message) = delete(&format!("{TEAM}/nginx/tags/a%20b"));
    assert_eq!(status, 400);
    assert!(message.starts_with("Invalid parameter tag: "), "{message}");
    let (status, _, message) = delete(&format!("{TEAM}/Nginx/tags/latest"));
    assert_eq!(status, 400);
    assert!(
        message.starts_with("Invalid parameter repository: "),
        "{message}"
    );
    // Deleting a repository is not emulated; nor is deleting its tag list.
    for path in [format!("{TEAM}/nginx"), format!("{TEAM}/nginx/tags")] {
        let reply = swr_method(&emu, "DELETE", &path);
        assert_eq!(reply.status, 404, "{path}");
        assert_eq!(reply.json()["error_code"], "APIGW.0101");
    }
    // Unsigned: refused, nothing deleted.
    let unsigned = format!("{TEAM}/nginx/tags/latest");
    let reply = common::send(emu.addr(), "DELETE", &unsigned, &[], b"").unwrap();
    assert_eq!(reply.status, 401);
    assert_eq!(swr(&emu, &unsigned, &[]).status, 200);
}

/// `{"RetCode":0,"Action":"DeleteRepoImageResponse"}`, nothing else.
fn assert_deleted(reply: &common::Reply) {
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        serde_json::json!({"RetCode": 0, "Action": "DeleteRepoImageResponse"})
    );
    assert!(reply.header("x-ucloud-request-uuid").is_some());
}

fn uhub_ret(reply: &common::Reply) -> (i64, String) {
    assert_eq!(reply.status, 200, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["Action"], "DeleteRepoImageResponse", "{body}");
    (
        body["RetCode"].as_i64().unwrap(),
        body["Message"].as_str().unwrap_or_default().to_owned(),
    )
}

fn image_tags(emu: &Emulator, repo: &str, image: &str, tag: Option<&str>) -> Value {
    let mut params = vec![
        ("Action", "GetImageTag"),
        ("RepoName", repo),
        ("ImageName", image),
    ];
    params.extend(tag.map(|t| ("TagName", t)));
    let body = uhub(emu, &params).json();
    assert_eq!(body["RetCode"], 0, "{body}");
    body
}

#[test]
fn delete_repo_image_with_a_tag_name_deletes_that_tag() {
    let emu = demo();
    let one = image_tags(&emu, "team", "nginx", Some("1.25.3"));
    assert_eq!(one["TotalCount"], 1);
    assert_eq!(one["TagSet"][0]["TagName"], "1.25.3");
    let reply = uhub(
        &emu,
        &[
            ("Action", "DeleteRepoImage"),
            ("RepoName", "team"),
            ("ImageName", "nginx"),
            ("TagName", "1.25.3"),
        ],
    );
    assert_deleted(&reply);
    // GetImageTag with TagName still filters: to nothing now.
    let one = image_tags(&emu, "team", "nginx", Some("1.25.3"));
    assert_eq!(one["TotalCount"], 0);
    assert_eq!(one["TagSet"], serde_json::json!([]));
    let one = image_tags(&emu, "team", "nginx", Some("1.24.0"));
    assert_eq!(one["TotalCount"], 1);
    let all = image_tags(&emu, "team", "nginx", None);
    assert_eq!(all["TotalCount"], 3);
    // Again: the tag is gone.
    let again = [
        ("Action", "DeleteRepoImage"),
        ("RepoName", "team"),
        ("ImageName", "nginx"),
        ("TagName", "1.25.3"),
    ];
    assert_eq!(
        uhub_ret(&uhub(&emu, &again)),
        (232, "Tag [team/nginx:1.25.3] does not exist".to_owned())
    );
    // A slash in the image name, as GetImageTag takes it.
    let slashed = [
        ("Action", "DeleteRepoImage"),
        ("RepoName", "team"),
        ("ImageName", "api/gateway"),
        ("TagName", "2.0.1"),
    ];
    assert_deleted(&uhub(&emu, &slashed));
    assert_eq!(
        image_tags(&emu, "team", "api/gateway", None)["TotalCount"],
        1
    );
}

#[test]
fn delete_repo_image_refusals() {
    let emu = demo();
    let call = |params: &[(&str, &str)]| {
        let mut all = vec![("Action", "DeleteRepoImage")];
        all.extend_from_slice(params);
        uhub_ret(&uhub(&emu, &all))
    };
    type Case<'a> = (&'a [(&'a str, &'a str)], i64, &'a str);
    let cases: [Case<'_>; 6] = [
        (
            &[("RepoName", "nope"), ("ImageName", "nginx")],
            232,
            "Repo [nope] does not exist",
        ),
        (
            &[
                ("RepoName", "team"),
                ("ImageName", "nope"),
                ("TagName", "v1"),
            ],
            232,
            "Image [team/nope] does not exist",
        ),
        (&[("ImageName", "nginx")], 230, "Missing params: RepoName"),
        (&[("RepoName", "team")], 230, "Missing params: ImageName"),
        (
            &[
                ("RepoName", "team"),
                ("ImageName", "nginx"),
                ("TagName", ""),
            ],
            230,
            "Params error: TagName is empty",
        ),
        (
            &[
                ("RepoName", "team"),
                ("ImageName", "nginx"),
                ("TagName", "nope"),
            ],
            232,
            "Tag [team/nginx:nope] does not exist",
        ),
    ];
    for (params, code, message) in cases {
        assert_eq!(call(params), (code, message.to_owned()), "{params:?}");
    }
    // Nothing was deleted.
    assert_eq!(image_tags(&emu, "team", "nginx", None)["TotalCount"], 4);
    // A wrong signature: refused before anything is read.
    let mut body = common::form(
        &common::demo_keys(),
        &[
            ("Action", "DeleteRepoImage"),
            ("RepoName", "team"),
            ("ImageName", "nginx"),
        ],
    );
    body.push('x');
    let reply = common::uhub_body(&emu, "/", &body);
    assert_eq!(reply.json()["RetCode"], 171, "{}", reply.text());
    assert_eq!(image_tags(&emu, "team", "nginx", None)["TotalCount"], 4);
}

/// Without `TagName`, every tag goes (the SDK: "不指定tag则删除全部tag");
/// the image stays, with none.
#[test]
fn delete_repo_image_without_a_tag_name_deletes_every_tag_and_keeps_the_image() {
    let emu = demo();
    let all = [
        ("Action", "DeleteRepoImage"),
        ("RepoName", "team"),
        ("ImageName", "nginx"),
    ];
    assert_deleted(&uhub(&emu, &all));
    assert_eq!(image_tags(&emu, "team", "nginx", None)["TotalCount"], 0);
    // Still listed by both APIs, with no tags.
    let images = uhub(&emu, &[("Action", "GetRepoImage"), ("RepoName", "team")]).json();
    assert_eq!(images["TotalCount"], 5);
    let nginx = images["ImageSet"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["ImageName"] == "nginx")
        .unwrap()
        .clone();
    assert_eq!(nginx["LatestTag"], "");
    let repos = swr(&emu, "/v2/manage/repos", &[("namespace", "team")]).json();
    let nginx = repos
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "nginx")
        .unwrap()
        .clone();
    assert_eq!(
        (nginx["num_images"].clone(), nginx["size"].clone()),
        (0.into(), 0.into())
    );
    assert_eq!(nginx["tags"], serde_json::json!([]));
    assert!(listed(&emu, &format!("{TEAM}/nginx")).is_empty());
    let shown = swr(&emu, &format!("{TEAM}/nginx"), &[]).json();
    assert_eq!(shown["num_images"], 0);
    // Once more: nothing to delete, and that is no error.
    assert_deleted(&uhub(&emu, &all));
    // The other images are untouched.
    assert_eq!(image_tags(&emu, "team", "payments", None)["TotalCount"], 3);
    assert_eq!(emu.dataset().repository_count(), 10);
}
