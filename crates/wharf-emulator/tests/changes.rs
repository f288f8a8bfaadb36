//! One dataset changed through either API, or pushed to: what one API
//! deletes the other no longer shows; orders, totals and tag ids stay
//! right; the control route and `Emulator::push`.

mod common;

use std::collections::BTreeMap;

use common::{send, start, swr, swr_method, uhub};
use serde_json::{Value, json};
use wharf_emulator::{
    Dataset, Emulator, Fault, FaultConfig, GenerateOptions, PushError, TagRecord,
};
use wharf_model::{ImageRef, RepositoryInfo, RepositoryTag};

const TEAM: &str = "/v2/manage/namespaces/team/repos";
const DIGEST: &str = "sha256:00000000000000000000000000000000000000000000000000000000000000aa";

fn uhub_delete(emu: &Emulator, repo: &str, image: &str, tag: Option<&str>) {
    let mut params = vec![
        ("Action", "DeleteRepoImage"),
        ("RepoName", repo),
        ("ImageName", image),
    ];
    params.extend(tag.map(|t| ("TagName", t)));
    let body = uhub(emu, &params).json();
    assert_eq!(body["RetCode"], 0, "{body}");
}

fn swr_delete(emu: &Emulator, namespace: &str, repository: &str, tag: &str) {
    let path = format!(
        "/v2/manage/namespaces/{namespace}/repos/{}/tags/{tag}",
        repository.replace('/', "$")
    );
    let reply = swr_method(emu, "DELETE", &path);
    assert_eq!(reply.status, 200, "{path}: {}", reply.text());
}

/// GetImageTag's tag names, in order.
fn uhub_tags(emu: &Emulator, repo: &str, image: &str) -> Vec<String> {
    let body = uhub(
        emu,
        &[
            ("Action", "GetImageTag"),
            ("RepoName", repo),
            ("ImageName", image),
            ("Limit", "1000"),
        ],
    )
    .json();
    assert_eq!(body["RetCode"], 0, "{body}");
    assert_eq!(
        body["TotalCount"].as_u64().unwrap() as usize,
        body["TagSet"].as_array().unwrap().len()
    );
    common::names(&body["TagSet"], "TagName")
}

/// SWR's list tags.
fn swr_tags(emu: &Emulator, path: &str) -> Vec<RepositoryTag> {
    let reply = swr(emu, &format!("{path}/tags"), &[]);
    assert_eq!(reply.status, 200, "{}", reply.text());
    serde_json::from_slice(&reply.body).unwrap()
}

/// GetRepoImage's item for `image`.
fn uhub_image(emu: &Emulator, repo: &str, image: &str) -> Value {
    let body = uhub(
        emu,
        &[
            ("Action", "GetRepoImage"),
            ("RepoName", repo),
            ("Limit", "1000"),
        ],
    )
    .json();
    body["ImageSet"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["ImageName"] == image)
        .cloned()
        .unwrap_or(Value::Null)
}

/// List repositories' item for `namespace`/`name`.
fn swr_repo(emu: &Emulator, namespace: &str, name: &str) -> RepositoryInfo {
    let reply = swr(emu, "/v2/manage/repos", &[("namespace", namespace)]);
    let items: Vec<RepositoryInfo> = serde_json::from_slice(&reply.body).unwrap();
    items.into_iter().find(|r| r.name == name).unwrap()
}

#[test]
fn a_delete_through_swr_is_gone_through_uhub() {
    let emu = start(Emulator::builder());
    assert_eq!(uhub_image(&emu, "team", "nginx")["LatestTag"], "latest");
    swr_delete(&emu, "team", "nginx", "latest");
    assert_eq!(
        uhub_tags(&emu, "team", "nginx"),
        ["1.25.3", "1.25.2", "1.24.0"]
    );
    // LatestTag is derived: the newest tag left.
    assert_eq!(uhub_image(&emu, "team", "nginx")["LatestTag"], "1.25.3");
    let one = uhub(
        &emu,
        &[
            ("Action", "GetImageTag"),
            ("RepoName", "team"),
            ("ImageName", "nginx"),
            ("TagName", "latest"),
        ],
    )
    .json();
    assert_eq!(
        (one["RetCode"].clone(), one["TotalCount"].clone()),
        (0.into(), 0.into())
    );
    swr_delete(&emu, "team", "api/gateway", "2.1.0");
    assert_eq!(uhub_tags(&emu, "team", "api/gateway"), ["2.0.1"]);
    assert_eq!(
        uhub_image(&emu, "team", "api/gateway")["LatestTag"],
        "2.0.1"
    );
}

#[test]
fn a_delete_through_uhub_is_gone_through_swr() {
    let emu = start(Emulator::builder());
    let nginx = format!("{TEAM}/nginx");
    let before = swr_repo(&emu, "team", "nginx");
    let sizes: BTreeMap<String, u64> = swr_tags(&emu, &nginx)
        .into_iter()
        .map(|t| (t.tag, t.size))
        .collect();
    uhub_delete(&emu, "team", "nginx", Some("1.25.2"));
    let names: Vec<String> = swr_tags(&emu, &nginx).into_iter().map(|t| t.tag).collect();
    assert_eq!(names, ["latest", "1.25.3", "1.24.0"]);
    assert_eq!(swr(&emu, &format!("{nginx}/tags/1.25.2"), &[]).status, 404);
    // List repositories' derived fields follow.
    let after = swr_repo(&emu, "team", "nginx");
    assert_eq!(after.num_images, 3);
    assert_eq!(after.tags, ["latest", "1.25.3", "1.24.0"]);
    assert_eq!(after.size, before.size - sizes["1.25.2"]);
    assert_eq!(after.updated_at, before.updated_at);
    // So do ShowRepository's.
    let shown = swr(&emu, &nginx, &[]).json();
    assert_eq!(shown["num_images"], 3);
    assert_eq!(shown["size"], after.size);
    // And the dataset handed out.
    let dataset = emu.dataset();
    let record = dataset
        .namespace("team")
        .unwrap()
        .repositories
        .iter()
        .find(|r| r.name.as_str() == "nginx")
        .unwrap();
    assert_eq!(record.tags.len(), 3);
}

/// A generated dataset with tag counts of 1 to 4, so that deletes move
/// repositories across groups.
fn varied() -> Dataset {
    let mut dataset = Dataset::generate(&GenerateOptions {
        namespaces: 3,
        repositories: 60,
        tags_per_repository: 4,
        official_images: 0,
        seed: 21,
    })
    .unwrap();
    let repositories = dataset
        .namespaces
        .iter_mut()
        .flat_map(|ns| ns.repositories.iter_mut());
    for (i, repo) in repositories.enumerate() {
        repo.tags.truncate(1 + i % 4);
    }
    dataset
}

/// Every repository through list repositories in `order` (`order_column`,
/// `order_type`), paged by 7, checking `total_range` and `Content-Range`.
fn list_all(emu: &Emulator, order: Option<(&str, &str)>, total: usize) -> Vec<(String, String)> {
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let offset_text = offset.to_string();
        let mut query = vec![("offset", offset_text.as_str()), ("limit", "7")];
        if let Some((column, order_type)) = order {
            query.push(("order_column", column));
            query.push(("order_type", order_type));
        }
        let reply = swr(emu, "/v2/manage/repos", &query);
        assert_eq!(reply.status, 200, "{}", reply.text());
        let items: Vec<RepositoryInfo> = serde_json::from_slice(&reply.body).unwrap();
        let range = reply.header("content-range").unwrap();
        assert_eq!(range, format!("{offset}-{}/{total}", items.len()));
        assert!(items.iter().all(|i| i.total_range == Some(total as u64)));
        if items.is_empty() {
            return seen;
        }
        offset += items.len();
        seen.extend(items.into_iter().map(|i| (i.namespace, i.name)));
    }
}

/// What `emu` must list in each order: a stable sort of the natural order
/// of its current dataset.
fn expected(emu: &Emulator, column: &str, descending: bool) -> Vec<(String, String)> {
    let dataset = emu.dataset();
    let mut rows: Vec<_> = dataset
        .repositories()
        .map(|(ns, repo)| (ns.name.to_string(), repo))
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.name.cmp(&b.1.name)));
    rows.sort_by(|(na, a), (nb, b)| {
        let primary = match column {
            "name" => a.name.cmp(&b.name),
            "tag_count" => a.tags.len().cmp(&b.tags.len()),
            "namespace" => na.cmp(nb),
            "is_public" => a.is_public.cmp(&b.is_public),
            _ => a.updated_at.instant().cmp(&b.updated_at.instant()),
        };
        if descending {
            primary.reverse()
        } else {
            primary
        }
    });
    rows.into_iter()
        .map(|(ns, repo)| (ns, repo.name.to_string()))
        .collect()
}

fn assert_every_order(emu: &Emulator, total: usize) {
    let natural = expected(emu, "namespace", false);
    assert_eq!(list_all(emu, None, total), natural);
    for column in [
        "name",
        "updated_time",
        "tag_count",
        "namespace",
        "is_public",
    ] {
        for (order_type, descending) in [("asc", false), ("desc", true)] {
            assert_eq!(
                list_all(emu, Some((column, order_type)), total),
                expected(emu, column, descending),
                "{column} {order_type}"
            );
        }
    }
}

#[test]
fn sorted_orders_and_totals_stay_right_after_deletes() {
    let emu = start(Emulator::builder().dataset(varied()));
    assert_every_order(&emu, 60);
    // A filtered, ordered listing is cached for paging: it must follow too.
    let filtered = |emu: &Emulator| {
        let reply = swr(
            emu,
            "/v2/manage/repos",
            &[(
                "filter",
                "name::a|order_column::tag_count|order_type::desc|offset::0|limit::100",
            )],
        );
        let items: Vec<RepositoryInfo> = serde_json::from_slice(&reply.body).unwrap();
        items
            .into_iter()
            .map(|i| (i.name, i.num_images))
            .collect::<Vec<_>>()
    };
    let cached = filtered(&emu);
    assert!(cached.windows(2).all(|p| p[0].1 >= p[1].1));
    // Delete through both APIs, all over the dataset.
    let dataset = emu.dataset();
    let mut deleted = 0;
    for (i, (ns, repo)) in dataset.repositories().enumerate() {
        let Some(tag) = repo.tags.first() else {
            continue;
        };
        match i % 3 {
            0 => swr_delete(&emu, ns.name.as_str(), repo.name.as_str(), &tag.name),
            1 => uhub_delete(&emu, ns.name.as_str(), repo.name.as_str(), Some(&tag.name)),
            _ => continue,
        }
        deleted += 1;
    }
    assert!(deleted > 30);
    // Every tag of a few, too: they sort first by tag count now.
    for (ns, repo) in dataset.repositories().step_by(11) {
        uhub_delete(&emu, ns.name.as_str(), repo.name.as_str(), None);
    }
    assert_every_order(&emu, 60);
    let now = filtered(&emu);
    assert!(now.windows(2).all(|p| p[0].1 >= p[1].1), "{now:?}");
    assert_ne!(now, cached);
    // UHub's totals agree.
    for ns in &dataset.namespaces {
        let body = uhub(
            &emu,
            &[("Action", "GetRepoImage"), ("RepoName", ns.name.as_str())],
        )
        .json();
        assert_eq!(body["TotalCount"], ns.repositories.len());
    }
    let tags: usize = emu
        .dataset()
        .repositories()
        .map(|(_, r)| r.tags.len())
        .sum();
    let before: usize = dataset.repositories().map(|(_, r)| r.tags.len()).sum();
    assert!(tags < before);
}

#[test]
fn tag_ids_stay_stable_for_the_tags_that_remain() {
    let emu = start(Emulator::builder());
    let paths = [
        format!("{TEAM}/nginx"),
        format!("{TEAM}/payments"),
        "/v2/manage/namespaces/ml-lab/repos/trainer".to_owned(),
    ];
    let ids = |emu: &Emulator| -> BTreeMap<String, (u64, u64)> {
        paths
            .iter()
            .flat_map(|path| swr_tags(emu, path))
            .map(|t| (t.path.clone(), (t.id, t.repo_id)))
            .collect()
    };
    let before = ids(&emu);
    swr_delete(&emu, "team", "nginx", "1.25.3");
    uhub_delete(&emu, "team", "payments", Some("v3"));
    let after = ids(&emu);
    assert_eq!(after.len(), before.len() - 2);
    for (path, id) in &after {
        assert_eq!(Some(id), before.get(path), "{path}");
    }
}

fn push_body(emu: &Emulator, body: &str) -> common::Reply {
    let headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
    send(
        emu.addr(),
        "POST",
        "/_emulator/push",
        &headers,
        body.as_bytes(),
    )
    .unwrap()
}

fn push(emu: &Emulator, value: Value) -> common::Reply {
    push_body(emu, &value.to_string())
}

fn tag(namespace: &str, repository: &str, tag: &str, updated: &str) -> Value {
    json!({
        "namespace": namespace,
        "repository": repository,
        "tag": tag,
        "digest": DIGEST,
        "updated": updated,
    })
}

#[test]
fn the_control_route_is_off_unless_asked() {
    let emu = start(Emulator::builder());
    let reply = push(&emu, tag("team", "nginx", "v9", "2030-01-01T00:00:00Z"));
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["error_code"], "APIGW.0101");
    assert_eq!(swr(&emu, &format!("{TEAM}/nginx/tags/v9"), &[]).status, 404);
}

#[test]
fn the_control_route_pushes_tags_both_apis_see() {
    let emu = start(Emulator::builder().control(true));
    // Onto an existing repository, unsigned: a test hook, not an API.
    let reply = push(&emu, tag("team", "nginx", "1.27", "2030-01-01T00:00:00Z"));
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(
        reply.json(),
        json!({"pushed": "team/nginx:1.27", "created_repository": false, "replaced_tag": false})
    );
    let shown = swr(&emu, &format!("{TEAM}/nginx/tags/1.27"), &[]).json();
    assert_eq!(
        (shown["digest"].clone(), shown["size"].clone()),
        (DIGEST.into(), (10u64 << 20).into())
    );
    assert_eq!(shown["updated"], "2030-01-01T00:00:00Z");
    assert_eq!(uhub_tags(&emu, "team", "nginx")[0], "1.27");
    assert_eq!(uhub_image(&emu, "team", "nginx")["LatestTag"], "1.27");
    let listed = swr_repo(&emu, "team", "nginx");
    assert_eq!((listed.num_images, listed.tags[0].as_str()), (5, "1.27"));
    assert_eq!(listed.updated_at.to_string(), "2030-01-01T00:00:00Z");
    // Again, older and with a size: replaced, same id, no longer newest.
    let id = shown["id"].clone();
    let mut older = tag("team", "nginx", "1.27", "2000-01-01T00:00:00Z");
    older["size"] = 5.into();
    let reply = push(&emu, older);
    assert_eq!(reply.json()["replaced_tag"], true);
    let shown = swr(&emu, &format!("{TEAM}/nginx/tags/1.27"), &[]).json();
    assert_eq!((shown["id"].clone(), shown["size"].clone()), (id, 5.into()));
    assert_eq!(uhub_tags(&emu, "team", "nginx").last().unwrap(), "1.27");
    // A new repository in an existing namespace: listed in its place.
    let reply = push(
        &emu,
        tag("team", "new/app", "v1", "2024-06-15T12:00:00+02:00"),
    );
    assert_eq!(reply.json()["created_repository"], true, "{}", reply.text());
    let names: Vec<String> = swr(&emu, "/v2/manage/repos", &[("namespace", "team")])
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        [
            "api/gateway",
            "new/app",
            "nginx",
            "payments",
            "web-frontend",
            "worker"
        ]
    );
    let images = uhub(&emu, &[("Action", "GetRepoImage"), ("RepoName", "team")]).json();
    assert_eq!(images["TotalCount"], 6);
    let created = swr(&emu, &format!("{TEAM}/new$app"), &[]).json();
    assert_eq!(created["id"], 11);
    assert_eq!(created["category"], "other");
    assert_eq!(created["num_images"], 1);
    assert_eq!(created["created"], "2024-06-15T12:00:00+02:00");
    let all = swr(&emu, "/v2/manage/repos", &[]).json();
    assert_eq!(all.as_array().unwrap().len(), 11);
    assert_eq!(all[0]["total_range"], 11);
    // And it can be deleted like any other.
    swr_delete(&emu, "team", "new/app", "v1");
    assert!(uhub_tags(&emu, "team", "new/app").is_empty());
    assert_eq!(emu.dataset().repository_count(), 11);
}

#[test]
fn the_control_route_refuses_what_is_wrong_naming_the_field() {
    let emu = start(Emulator::builder().control(true));
    let error = |reply: common::Reply| -> (u16, String) {
        (
            reply.status,
            reply.json()["error"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        )
    };
    let (status, message) = error(push(
        &emu,
        tag("nowhere", "nginx", "v1", "2024-01-01T00:00:00Z"),
    ));
    assert_eq!(status, 404);
    assert_eq!(
        message,
        "field `namespace`: namespace \"nowhere\" does not exist (a push creates repositories, not namespaces)"
    );
    let mut missing = tag("team", "nginx", "v1", "2024-01-01T00:00:00Z");
    missing.as_object_mut().unwrap().remove("digest");
    assert_eq!(
        error(push(&emu, missing)),
        (400, "field `digest` is missing".to_owned())
    );
    let cases: [(&str, &str, Value, &str); 6] = [
        (
            "updated",
            "updated",
            "yesterday".into(),
            "field `updated`: \"yesterday\" is not an RFC 3339 time",
        ),
        ("tag", "tag", "-x".into(), "field `tag`: "),
        ("digest", "digest", "md5:00".into(), "field `digest`: "),
        ("size", "size", "big".into(), "field `size` is a string"),
        (
            "repository",
            "repository",
            7.into(),
            "field `repository` is a number; expected a string",
        ),
        (
            "extra",
            "colour",
            "red".into(),
            "field `colour` is not known",
        ),
    ];
    for (what, field, value, needle) in cases {
        let mut body = tag("team", "nginx", "v1", "2024-01-01T00:00:00Z");
        body[field] = value;
        let (status, message) = error(push(&emu, body));
        assert_eq!(status, 400, "{what}");
        assert!(message.starts_with(needle), "{what}: {message}");
    }
    let (status, message) = error(push_body(&emu, "{\"namespace\":"));
    assert_eq!(status, 400);
    assert!(message.starts_with("the body is not JSON: "), "{message}");
    let (status, message) = error(push_body(&emu, "[1]"));
    assert_eq!(status, 400);
    assert!(
        message.starts_with("the body is an array, not a JSON object"),
        "{message}"
    );
    let reply = send(emu.addr(), "GET", "/_emulator/push", &[], b"").unwrap();
    assert_eq!(
        error(reply),
        (
            405,
            "method GET is not allowed on /_emulator/push: use POST".to_owned()
        )
    );
    // Nothing was pushed.
    assert_eq!(uhub_tags(&emu, "team", "nginx").len(), 4);
}

#[test]
fn the_control_route_takes_no_fault_and_moves_no_fault_count() {
    let script = FaultConfig::script([Some(Fault::Unavailable), None]);
    let emu = start(Emulator::builder().control(true).faults(script));
    let reply = push(&emu, tag("team", "nginx", "v9", "2024-01-01T00:00:00Z"));
    assert_eq!(reply.status, 200, "{}", reply.text());
    // The scripted fault lands on the first API request.
    assert_eq!(swr(&emu, &format!("{TEAM}/nginx/tags/v9"), &[]).status, 503);
    assert_eq!(swr(&emu, &format!("{TEAM}/nginx/tags/v9"), &[]).status, 200);
}

#[test]
fn emulator_push_is_the_same_push_in_process() {
    let emu = start(Emulator::builder());
    let image: ImageRef = "ml-lab/serving".parse().unwrap();
    let when = "2031-05-01T00:00:00Z".parse().unwrap();
    emu.push(&image, TagRecord::new("2.0.0", 123, DIGEST, when))
        .unwrap();
    let shown = swr(
        &emu,
        "/v2/manage/namespaces/ml-lab/repos/serving/tags/2.0.0",
        &[],
    )
    .json();
    assert_eq!(shown["size"], 123);
    assert_eq!(uhub_tags(&emu, "ml-lab", "serving"), ["2.0.0", "1.0.0"]);
    let when: wharf_model::Timestamp = "2031-05-01T00:00:00Z".parse().unwrap();
    let elsewhere: ImageRef = "nowhere/serving".parse().unwrap();
    assert_eq!(
        emu.push(&elsewhere, TagRecord::new("v1", 1, DIGEST, when.clone())),
        Err(PushError::UnknownNamespace("nowhere".into()))
    );
    let err = emu
        .push(&image, TagRecord::new("v1", 1, "sha256:0", when.clone()))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "digest \"sha256:0\" is not `sha256:` and 64 lowercase hex digits"
    );
    let err = emu
        .push(&image, TagRecord::new("", 1, DIGEST, when))
        .unwrap_err();
    assert!(err.to_string().starts_with("tag: invalid tag"), "{err}");
}
