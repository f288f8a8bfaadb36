//! Every SWR endpoint and error case, over real HTTP.

mod common;

use common::{names, start, swr};
use wharf_emulator::DEMO_TOKEN;
use wharf_emulator::{
    ContentRangeShape, Dataset, Emulator, Fault, FaultConfig, GenerateOptions, TagRecord,
};
use wharf_model::{
    Category, ListNamespacesResponse, NamespaceAuth, OfficialImage, OfficialImageDetail,
    OfficialImageTag, RepositoryDetail, RepositoryInfo, RepositoryName, RepositoryTag, SwrError,
};

const REPOS: &str = "/v2/manage/repos";
const OFFICIAL: &str = "/v2/manage/dockerhub/repos";
const NAMESPACES: &str = "/v2/manage/namespaces";
const NGINX_TAGS: &str = "/v2/manage/namespaces/team/repos/nginx/tags";
const NGINX: &str = "/v2/manage/namespaces/team/repos/nginx";

fn demo() -> Emulator {
    start(Emulator::builder())
}

/// Checks a 400 that names `param`.
fn assert_bad_param(reply: &common::Reply, param: &str) {
    assert_eq!(reply.status, 400, "{}", reply.text());
    let error: SwrError = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(error.code(), Some("SVCSTG.SWR.4001048"));
    let message = error.message().unwrap();
    assert!(
        message.starts_with(&format!("Invalid parameter {param}: ")),
        "{message}"
    );
}

#[test]
fn list_repos_without_paging_has_no_content_range() {
    let emu = demo();
    let reply = swr(&emu, REPOS, &[]);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-range"), None);
    let id = reply.header("x-request-id").unwrap();
    assert_eq!(id.len(), 32);
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
    let repos: Vec<RepositoryInfo> = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(repos.len(), 10);
    assert!(repos.iter().all(|r| r.total_range == Some(10)));
    let nginx = repos.iter().find(|r| r.name == "nginx").unwrap();
    assert_eq!(nginx.namespace, "team");
    assert_eq!(nginx.num_images, 4);
    assert_eq!(nginx.tags, ["latest", "1.25.3", "1.25.2", "1.24.0"]);
    assert_eq!(nginx.path, "swr.cn-north-4.myhuaweicloud.com/team/nginx");
    assert_eq!(nginx.domain_name, "wharf-demo");
}

#[test]
fn list_repos_pages_with_plain_parameters() {
    let emu = demo();
    let all = names(&swr(&emu, REPOS, &[]).json(), "name");
    let mut paged = Vec::new();
    let mut ranges = Vec::new();
    for offset in (0..12).step_by(3) {
        let offset = offset.to_string();
        let reply = swr(&emu, REPOS, &[("offset", &offset), ("limit", "3")]);
        ranges.push(reply.header("content-range").unwrap().to_owned());
        paged.extend(names(&reply.json(), "name"));
    }
    assert_eq!(paged, all);
    assert_eq!(ranges, ["0-3/10", "3-3/10", "6-3/10", "9-1/10"]);
}

#[test]
fn list_repos_with_filter_wins_over_plain_parameters() {
    let emu = demo();
    let reply = swr(
        &emu,
        REPOS,
        &[("filter", "namespace::team|offset::0|limit::2")],
    );
    assert_eq!(reply.header("content-range"), Some("0-2/5"));
    assert_eq!(names(&reply.json(), "name"), ["api/gateway", "nginx"]);
    // SWR lets `filter` win over plain parameters (api-notes 1.3): those
    // beside it are not read, not even to be refused.
    let alone = swr(&emu, REPOS, &[("filter", "namespace::ml-lab")]);
    for extra in [
        &[("namespace", "team")][..],
        &[("offset", "0"), ("limit", "2")],
        &[("limit", "0")],
        &[("offset", "x"), ("offset", "y")],
        &[("is_public", "true")],
    ] {
        let mut query = vec![("filter", "namespace::ml-lab")];
        query.extend_from_slice(extra);
        let mixed = swr(&emu, REPOS, &query);
        assert_eq!(mixed.status, 200, "{extra:?}: {}", mixed.text());
        assert_eq!(mixed.header("content-range"), None, "{extra:?}");
        assert_eq!(mixed.body, alone.body, "{extra:?}");
    }
    let reply = swr(&emu, REPOS, &[("filter", "namespace::ml-lab")]);
    assert_eq!(reply.header("content-range"), None);
    assert_eq!(
        names(&reply.json(), "name"),
        ["notebooks", "serving", "trainer"]
    );
    let quoted = swr(
        &emu,
        REPOS,
        &[("filter", "'center::self|namespace::ml-lab'")],
    );
    assert_eq!(quoted.json(), reply.json());
}

#[test]
fn list_repos_filters_and_sorts() {
    let emu = demo();
    let fuzzy = swr(&emu, REPOS, &[("namespace", "team"), ("name", "a")]);
    assert_eq!(names(&fuzzy.json(), "name"), ["api/gateway", "payments"]);
    let linux = swr(&emu, REPOS, &[("category", "linux")]);
    assert_eq!(names(&linux.json(), "name"), ["curl", "jq", "nginx"]);
    let public = swr(&emu, REPOS, &[("filter", "is_public::true")]);
    assert_eq!(
        names(&public.json(), "name"),
        ["serving", "curl", "jq", "web-frontend"]
    );
    let by_name = swr(
        &emu,
        REPOS,
        &[
            ("order_column", "name"),
            ("order_type", "desc"),
            ("namespace", "ml-lab"),
        ],
    );
    assert_eq!(
        names(&by_name.json(), "name"),
        ["trainer", "serving", "notebooks"]
    );
    let by_tags = swr(
        &emu,
        REPOS,
        &[(
            "filter",
            "order_column::tag_count|order_type::desc|namespace::team",
        )],
    );
    assert_eq!(names(&by_tags.json(), "name")[0], "nginx");
    let third = swr(&emu, REPOS, &[("filter", "center::thirdparty")]);
    assert_eq!(third.json(), serde_json::json!([]));
}

#[test]
fn list_repos_limit_defaults_to_100_and_goes_to_1000() {
    let dataset = Dataset::generate(&GenerateOptions {
        namespaces: 3,
        repositories: 1_200,
        tags_per_repository: 1,
        official_images: 0,
        seed: 5,
    })
    .unwrap();
    let emu = start(Emulator::builder().dataset(dataset));
    let first = swr(&emu, REPOS, &[]).json();
    assert_eq!(first.as_array().unwrap().len(), 100);
    assert_eq!(first[0]["total_range"], 1_200);
    let big = swr(&emu, REPOS, &[("offset", "0"), ("limit", "1000")]);
    assert_eq!(big.json().as_array().unwrap().len(), 1_000);
    assert_eq!(big.header("content-range"), Some("0-1000/1200"));
    let last = swr(&emu, REPOS, &[("offset", "1000"), ("limit", "1000")]);
    assert_eq!(last.header("content-range"), Some("1000-200/1200"));
    let past = swr(&emu, REPOS, &[("offset", "5000"), ("limit", "10")]);
    assert_eq!(past.json(), serde_json::json!([]));
    assert_eq!(past.header("content-range"), Some("5000-0/1200"));
}

#[test]
fn list_repos_rejects_bad_parameters() {
    let emu = demo();
    assert_bad_param(
        &swr(&emu, REPOS, &[("limit", "0"), ("offset", "0")]),
        "limit",
    );
    assert_bad_param(
        &swr(&emu, REPOS, &[("limit", "1001"), ("offset", "0")]),
        "limit",
    );
    assert_bad_param(
        &swr(&emu, REPOS, &[("limit", "ten"), ("offset", "0")]),
        "limit",
    );
    assert_bad_param(&swr(&emu, REPOS, &[("offset", "0")]), "offset");
    assert_bad_param(
        &swr(&emu, REPOS, &[("order_type", "sideways")]),
        "order_type",
    );
    assert_bad_param(&swr(&emu, REPOS, &[("is_public", "maybe")]), "is_public");
    assert_bad_param(&swr(&emu, REPOS, &[("filter", "")]), "filter");
    assert_bad_param(&swr(&emu, REPOS, &[("filter", "colour::red")]), "filter");
    assert_bad_param(&swr(&emu, REPOS, &[("filter", "limit::5")]), "filter");
    assert_bad_param(
        &swr(&emu, REPOS, &[("filter", "name::a"), ("filter", "name::b")]),
        "filter",
    );
    let reply = swr(
        &emu,
        REPOS,
        &[("filter", "center::self|limit::0|offset::0")],
    );
    let message = reply.json()["errorMessage"].as_str().unwrap().to_owned();
    assert!(
        message.contains("invalid limit \"0\" at byte 20"),
        "{message}"
    );
}

#[test]
fn official_images_page_with_content_range() {
    let emu = demo();
    let reply = swr(&emu, OFFICIAL, &[]);
    assert_eq!(reply.header("content-range"), Some("0-6/6"));
    let images: Vec<OfficialImage> = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(images.len(), 6);
    assert!(
        images
            .iter()
            .all(|i| i.total_range == Some(6) && i.user == "official")
    );
    assert_eq!(images[0].last_updated.to_string(), "2024-02-08 21:00:00");
    let page = swr(&emu, OFFICIAL, &[("offset", "2"), ("limit", "2")]);
    assert_eq!(page.header("content-range"), Some("2-2/6"));
    assert_eq!(names(&page.json(), "name"), ["postgres", "python"]);
    let found = swr(
        &emu,
        OFFICIAL,
        &[("namespace", "library"), ("image_name", "o")],
    );
    assert_eq!(found.header("content-range"), Some("0-4/4"));
    assert_eq!(
        names(&found.json(), "name"),
        ["postgres", "python", "node", "tools/busybox"]
    );
    let none = swr(&emu, OFFICIAL, &[("namespace", "elsewhere")]);
    assert_eq!(none.header("content-range"), Some("0-0/0"));
    assert_bad_param(&swr(&emu, OFFICIAL, &[("limit", "0")]), "limit");
    assert_bad_param(&swr(&emu, OFFICIAL, &[("offset", "-1")]), "offset");
}

/// Seed 001's `image_name` filters the listing. The seed does not say how
/// it matches; the emulator matches a substring (the page's "检索", a
/// search, and list repositories' `name` is a fuzzy match), case as sent.
#[test]
fn official_images_filter_by_image_name() {
    let emu = demo();
    let listed = |query: &[(&str, &str)]| {
        let reply = swr(&emu, OFFICIAL, query);
        assert_eq!(reply.status, 200, "{query:?}: {}", reply.text());
        let images: Vec<OfficialImage> = serde_json::from_slice(&reply.body).unwrap();
        let total = images.first().and_then(|i| i.total_range);
        let range = reply.header("content-range").unwrap().to_owned();
        let names: Vec<String> = images.into_iter().filter_map(|i| i.name).collect();
        (names, total, range)
    };
    // The whole name: that image (and any other holding it).
    let (names, total, range) = listed(&[("image_name", "nginx")]);
    assert_eq!(
        (names, total, range.as_str()),
        (vec!["nginx".to_owned()], Some(1), "0-1/1")
    );
    // Part of a name, a `/` included.
    assert_eq!(listed(&[("image_name", "busy")]).0, ["tools/busybox"]);
    assert_eq!(listed(&[("image_name", "tools/")]).0, ["tools/busybox"]);
    // Paged within the filtered images, `total_range` their number.
    let (names, total, range) = listed(&[("image_name", "o"), ("offset", "1"), ("limit", "2")]);
    assert_eq!(names, ["python", "node"]);
    assert_eq!((total, range.as_str()), (Some(4), "1-2/4"));
    // With `namespace`, both apply.
    assert!(
        listed(&[("namespace", "other"), ("image_name", "nginx")])
            .0
            .is_empty()
    );
    // Nothing matches: an empty page, the header still sent.
    let (names, _, range) = listed(&[("image_name", "NGINX")]);
    assert!(names.is_empty());
    assert_eq!(range, "0-0/0");
    assert!(listed(&[("image_name", "nginx-nope")]).0.is_empty());
    assert_bad_param(&swr(&emu, OFFICIAL, &[("image_name", "")]), "image_name");
}

#[test]
fn official_image_detail_accepts_every_slash_form() {
    let emu = demo();
    let nginx = swr(
        &emu,
        "/v2/manage/dockerhub/namespaces/library/repos/nginx",
        &[],
    );
    assert_eq!(nginx.status, 200);
    let detail: OfficialImageDetail = serde_json::from_slice(&nginx.body).unwrap();
    assert_eq!(detail.name.as_deref(), Some("nginx"));
    assert_eq!(
        detail.full_description,
        "# nginx\n\nOfficial build of Nginx."
    );
    for segment in [
        "tools$busybox",
        // `%24` is `$` encoded: both sign to the same canonical URI.
        "tools%24busybox",
        "tools%2Fbusybox",
        "tools%2fbusybox",
        "tools/busybox",
    ] {
        let path = format!("/v2/manage/dockerhub/namespaces/library/repos/{segment}");
        let reply = swr(&emu, &path, &[]);
        assert_eq!(reply.status, 200, "{segment}: {}", reply.text());
        assert_eq!(reply.json()["name"], "tools/busybox");
    }
}

/// A bad repository segment is quoted as it was sent, not as rewritten.
#[test]
fn bad_repository_segments_are_quoted_as_sent() {
    let emu = demo();
    let path = "/v2/manage/dockerhub/namespaces/library/repos/tools$$busybox";
    let reply = swr(&emu, path, &[]);
    assert_eq!(reply.status, 400);
    let message = reply.json()["errorMessage"].as_str().unwrap().to_owned();
    assert!(
        message.starts_with(
            "Invalid parameter repository: \"tools$$busybox\" is not a valid repository name (`$` is read as `/`): "
        ),
        "{message}"
    );
}

/// An answer carries one provider's shape: a target that is not a path
/// (`GET a HTTP/1.1`) gets SWR's body and SWR's request id, not UHub's.
#[test]
fn a_garbage_target_gets_one_providers_shape() {
    let emu = demo();
    let raw = common::raw_exchange(
        emu.addr(),
        b"GET a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        std::time::Duration::from_secs(10),
    )
    .unwrap();
    let reply = common::parse(&raw).unwrap();
    assert_eq!(reply.status, 404, "{}", reply.text());
    assert_eq!(reply.json()["error_code"], "APIGW.0101");
    assert!(reply.header("x-request-id").is_some());
    assert!(reply.header("x-ucloud-request-uuid").is_none());
}

#[test]
fn official_image_errors() {
    let emu = demo();
    let missing = swr(
        &emu,
        "/v2/manage/dockerhub/namespaces/library/repos/nope",
        &[],
    );
    assert_eq!(missing.status, 404);
    let error: SwrError = serde_json::from_slice(&missing.body).unwrap();
    assert_eq!(error.code(), Some("SVCSTG.SWR.4040002"));
    assert_eq!(error.message(), Some("Image library/nope does not exist"));
    assert!(missing.header("x-request-id").is_some());
    let tags = swr(
        &emu,
        "/v2/manage/dockerhub/namespaces/library/repos/nope/tags",
        &[],
    );
    assert_eq!(tags.status, 404);
    let bad_repo = swr(
        &emu,
        "/v2/manage/dockerhub/namespaces/library/repos/Bad_Name",
        &[],
    );
    assert_bad_param(&bad_repo, "repository");
    let bad_ns = swr(&emu, "/v2/manage/dockerhub/namespaces/Lib/repos/nginx", &[]);
    assert_bad_param(&bad_ns, "namespace");
    let target = "/v2/manage/dockerhub/namespaces/library/repos/%FF";
    let not_utf8 = common::swr_token(&emu, target, wharf_emulator::DEMO_TOKEN);
    assert_bad_param(&not_utf8, "repository");
}

#[test]
fn official_image_tags_page() {
    let emu = demo();
    let path = "/v2/manage/dockerhub/namespaces/library/repos/postgres/tags";
    let all = swr(&emu, path, &[]);
    assert_eq!(all.header("content-range"), Some("0-4/4"));
    let tags: Vec<OfficialImageTag> = serde_json::from_slice(&all.body).unwrap();
    assert_eq!(
        tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["16", "15", "14", "13"]
    );
    let page = swr(&emu, path, &[("offset", "3"), ("limit", "2")]);
    assert_eq!(page.header("content-range"), Some("3-1/4"));
    assert_eq!(names(&page.json(), "name"), ["13"]);
    let slashed = swr(
        &emu,
        "/v2/manage/dockerhub/namespaces/library/repos/tools%2Fbusybox/tags",
        &[],
    );
    assert_eq!(slashed.header("content-range"), Some("0-2/2"));
    assert_bad_param(&swr(&emu, path, &[("limit", "1001")]), "limit");
}

#[test]
fn unknown_apis_get_the_gateway_404() {
    let emu = demo();
    for (method, target) in [
        ("GET", "/v2/manage/nothing"),
        ("POST", REPOS),
        (
            "DELETE",
            "/v2/manage/dockerhub/namespaces/library/repos/nginx",
        ),
    ] {
        let reply = common::send(emu.addr(), method, target, &[], b"").unwrap();
        assert_eq!(reply.status, 404, "{method} {target}");
        assert_eq!(reply.json()["error_code"], "APIGW.0101");
        assert!(reply.header("x-request-id").is_some());
    }
}

#[test]
fn garbage_never_gets_a_500() {
    let emu = demo();
    let targets = [
        "/v2/manage/repos?filter=%ZZ",
        "/v2/manage/repos?filter=||",
        "/v2/manage/repos?filter='",
        "/v2/manage/repos?filter=name::a%7Cname::b",
        "/v2/manage/repos?limit=99999999999999999999&offset=0",
        "/v2/manage/repos?offset=18446744073709551615&limit=1000",
        "/v2/manage/repos?%FF%FE=%FF",
        "/v2/manage/repos?&&&==&",
        "/v2/manage/dockerhub/repos?offset=18446744073709551615&limit=1000",
        "/v2/manage/dockerhub/repos?limit=%00",
        "/v2/manage/dockerhub/namespaces/%00/repos/x",
        "/v2/manage/dockerhub/namespaces/library/repos/$$",
        "/v2/manage/dockerhub/namespaces/library/repos/%2F/tags",
        "/v2/manage/dockerhub/namespaces/library/repos//tags",
        "/v2/manage/dockerhub/namespaces//repos/nginx",
        "/v2/manage/namespaces?filter=%FF",
        "/v2/manage/namespaces?filter='",
        "/v2/manage/namespaces?filter=mode::%00",
        "/v2/manage/namespaces/team/repos/nginx/tags?filter=||",
        "/v2/manage/namespaces/team/repos/nginx/tags?filter=tag::%FF",
        "/v2/manage/namespaces/team/repos/nginx/tags?offset=18446744073709551615&limit=1000",
        "/v2/manage/namespaces/team/repos/nginx/tags?offset=18446744073709551616&limit=1",
        "/v2/manage/namespaces/team/repos/$$/tags",
        "/v2/manage/namespaces/team/repos//tags",
        "/v2/manage/namespaces//repos/nginx/tags",
        "/v2/manage/namespaces/%00/repos/x/tags",
    ];
    for target in targets {
        let reply = common::swr_token(&emu, target, wharf_emulator::DEMO_TOKEN);
        assert!(
            [200, 400, 404].contains(&reply.status),
            "{target}: {} {}",
            reply.status,
            reply.text()
        );
    }
    // UHub garbage, past the signature check so that the parameters are read.
    let open = start(Emulator::builder().no_auth());
    let bodies: [(&[u8], i64, &str); 7] = [
        (b"\xff\xfe", 160, "Missing Action"),
        (b"Action", 160, "Missing Action (Action is empty)"),
        (b"=&=&", 160, "Missing Action"),
        (b"[1,2]", 160, "Missing Action"),
        (
            b"Action=GetRepoImage&RepoName=team&Offset=18446744073709551616",
            230,
            "Params error: Offset \"18446744073709551616\" is not an integer >= 0",
        ),
        (
            b"Action=GetRepo&Limit=1e3",
            230,
            "Params error: Limit \"1e3\" is not an integer in 1..=1000",
        ),
        (
            b"Action=GetImageTag&RepoName=team&ImageName=%FF",
            232,
            "Image [team/\u{FFFD}] does not exist",
        ),
    ];
    for (body, code, message) in bodies {
        let reply = common::send(open.addr(), "POST", "/", &[], body).unwrap();
        assert_eq!(reply.status, 200, "{body:?}");
        assert_eq!(reply.json()["RetCode"], code, "{body:?}");
        assert_eq!(reply.json()["Message"], message, "{body:?}");
    }
    assert_eq!(
        common::swr_token(&emu, REPOS, wharf_emulator::DEMO_TOKEN).status,
        200
    );
}

/// A GET with the demo token and a raw target.
fn token(emu: &Emulator, target: &str) -> common::Reply {
    common::swr_token(emu, target, DEMO_TOKEN)
}

#[test]
fn a_plus_in_a_query_stays_a_plus() {
    let mut dataset = Dataset::demo();
    let team = dataset
        .namespaces
        .iter_mut()
        .find(|ns| ns.name.as_str() == "team")
        .unwrap();
    team.repositories[0].category = Category::from("a+b");
    team.repositories[1].category = Category::from("a b");
    let (plus, space) = (
        team.repositories[0].name.to_string(),
        team.repositories[1].name.to_string(),
    );
    let emu = start(Emulator::builder().dataset(dataset));
    let reply = token(&emu, &format!("{REPOS}?category=a+b"));
    assert_eq!(names(&reply.json(), "name"), [plus.as_str()]);
    let reply = token(&emu, &format!("{REPOS}?category=a%2Bb"));
    assert_eq!(names(&reply.json(), "name"), [plus.as_str()]);
    let reply = token(&emu, &format!("{REPOS}?category=a%20b"));
    assert_eq!(names(&reply.json(), "name"), [space.as_str()]);
    let reply = token(&emu, &format!("{REPOS}?filter=category%3A%3Aa+b"));
    assert_eq!(names(&reply.json(), "name"), [plus.as_str()]);
    // Signed with `a+b`, sent with a raw `+`: the verifier reads `a+b`, and
    // so does the handler.
    let query = vec![("category".to_owned(), "a+b".to_owned())];
    let mut headers = vec![("Host".to_owned(), emu.addr().to_string())];
    let request = wharf_auth::huawei::Request::new("GET", REPOS)
        .with_query(&query)
        .with_headers(&headers);
    wharf_auth::huawei::sign(&common::demo_creds(), &request, jiff::Timestamp::now())
        .expect("the request has a Host header")
        .headers()
        .apply_to(&mut headers);
    let target = format!("{REPOS}?category=a+b");
    let reply = common::send(emu.addr(), "GET", &target, &headers, b"").unwrap();
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(names(&reply.json(), "name"), [plus.as_str()]);
    let reply = token(&emu, &format!("{OFFICIAL}?limit=1+1"));
    assert_bad_param(&reply, "limit");
    assert_eq!(
        reply.json()["errorMessage"],
        "Invalid parameter limit: \"1+1\" is not an integer in 1..=1000"
    );
}

#[test]
fn repeated_and_empty_parameters_are_refused() {
    let emu = demo();
    let tags = "/v2/manage/dockerhub/namespaces/library/repos/postgres/tags";
    for (target, param, problem) in [
        (
            format!("{OFFICIAL}?offset=1&offset=999"),
            "offset",
            "is given more than once",
        ),
        (format!("{OFFICIAL}?offset=&limit="), "offset", "is empty"),
        (
            format!("{OFFICIAL}?limit=5&limit=6"),
            "limit",
            "is given more than once",
        ),
        (format!("{OFFICIAL}?limit="), "limit", "is empty"),
        (format!("{OFFICIAL}?namespace="), "namespace", "is empty"),
        (
            format!("{OFFICIAL}?image_name=a&image_name=b"),
            "image_name",
            "is given more than once",
        ),
        (
            format!("{tags}?offset=1&offset=999"),
            "offset",
            "is given more than once",
        ),
        (format!("{tags}?offset=&limit="), "offset", "is empty"),
        (format!("{REPOS}?filter="), "filter", "is empty"),
        (
            format!("{REPOS}?filter=name%3A%3Aa&filter=name%3A%3Ab"),
            "filter",
            "is given more than once",
        ),
    ] {
        let reply = token(&emu, &target);
        assert_bad_param(&reply, param);
        let message = reply.json()["errorMessage"].as_str().unwrap().to_owned();
        assert_eq!(
            message,
            format!("Invalid parameter {param}: {problem}"),
            "{target}"
        );
    }
    // The plain parameters of list repositories: wharf-parse refuses both.
    assert_bad_param(
        &token(&emu, &format!("{REPOS}?offset=1&offset=2&limit=1")),
        "offset",
    );
    assert_bad_param(&token(&emu, &format!("{REPOS}?namespace=")), "namespace");
}

#[test]
fn unreadable_bodies_get_a_bad_parameter() {
    let emu = demo();
    let addr = emu.addr();
    let timeout = std::time::Duration::from_secs(10);
    let head = format!(
        "GET {REPOS} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 2000000\r\nConnection: close\r\n\r\n"
    );
    let raw = common::raw_exchange(addr, head.as_bytes(), timeout).unwrap();
    let reply = common::parse(&raw).unwrap();
    assert_bad_param(&reply, "body");
    assert_eq!(
        reply.json()["errorMessage"],
        "Invalid parameter body: the body is more than 1048576 bytes (1 MiB)"
    );
    assert!(reply.header("x-request-id").is_some());
    let broken = format!(
        "GET {REPOS} HTTP/1.1\r\nHost: {addr}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\nzz\r\n"
    );
    let raw = common::raw_exchange(addr, broken.as_bytes(), timeout).unwrap();
    let reply = common::parse(&raw).unwrap();
    assert_bad_param(&reply, "body");
    let message = reply.json()["errorMessage"].as_str().unwrap().to_owned();
    assert!(
        message.starts_with("Invalid parameter body: the body could not be read"),
        "{message}"
    );
}

#[test]
fn requests_hyper_refuses_get_its_bare_400() {
    // The README's one exception to "a request id on every response".
    let emu = demo();
    let timeout = std::time::Duration::from_secs(10);
    for request in [
        &b"GARBAGE\r\n\r\n"[..],
        b"GET /v2/manage/repos HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
    ] {
        let raw = common::raw_exchange(emu.addr(), request, timeout).unwrap();
        let reply = common::parse(&raw).unwrap();
        assert_eq!(reply.status, 400);
        assert!(reply.body.is_empty());
        assert_eq!(reply.header("x-request-id"), None);
    }
    assert_eq!(token(&emu, REPOS).status, 200);
}

/// The `{name}` of each item of a list namespaces body.
fn namespace_names(reply: &common::Reply) -> Vec<String> {
    assert_eq!(reply.status, 200, "{}", reply.text());
    names(&reply.json()["namespaces"], "name")
}

#[test]
fn list_namespaces_all_and_by_name() {
    let emu = demo();
    let all = swr(&emu, NAMESPACES, &[]);
    assert_eq!(all.status, 200);
    assert_eq!(all.header("content-range"), None);
    assert_eq!(all.header("x-request-id").map(str::len), Some(32));
    let body: ListNamespacesResponse = serde_json::from_slice(&all.body).unwrap();
    let rows: Vec<(u64, &str, &str, NamespaceAuth)> = body
        .namespaces
        .iter()
        .map(|ns| (ns.id, ns.name.as_str(), ns.creator_name.as_str(), ns.auth))
        .collect();
    assert_eq!(
        rows,
        [
            (1, "ml-lab", "wharf-demo", NamespaceAuth::MANAGE),
            (2, "public-tools", "wharf-demo", NamespaceAuth::MANAGE),
            (3, "team", "wharf-demo", NamespaceAuth::MANAGE),
        ]
    );
    assert!(body.namespaces.iter().all(|ns| ns.extra.is_empty()));
    // Every form of "this one", and `mode::visible`, which in a tenant that
    // owns every namespace lists them all.
    for query in [
        &[("namespace", "team")][..],
        &[("filter", "namespace::team")],
        &[("filter", "'namespace::team|mode::visible'")],
        &[("filter", "mode::visible|namespace::team")],
    ] {
        let reply = swr(&emu, NAMESPACES, query);
        assert_eq!(namespace_names(&reply), ["team"], "{query:?}");
        assert_eq!(reply.json()["namespaces"][0]["id"], 3, "{query:?}");
    }
    let visible = swr(&emu, NAMESPACES, &[("filter", "mode::visible")]);
    assert_eq!(visible.json(), all.json());
    // A namespace that does not exist, or cannot, lists nothing.
    for name in ["nope", "Not_A_Name"] {
        let none = swr(&emu, NAMESPACES, &[("namespace", name)]);
        assert_eq!(none.json(), serde_json::json!({"namespaces": []}));
    }
    // Parameters that are no key of the call are ignored, as on every call.
    let other = swr(&emu, NAMESPACES, &[("mode", "visible"), ("x", "1")]);
    assert_eq!(namespace_names(&other).len(), 3);
}

#[test]
fn list_namespaces_refusals() {
    let emu = demo();
    for (query, param, message) in [
        (
            &[("filter", "mode::all")][..],
            "filter",
            "Invalid parameter filter: invalid filter \"mode::all\": invalid mode \"all\" at byte 6: expected one of visible",
        ),
        (
            &[("filter", "name::team")],
            "filter",
            "Invalid parameter filter: invalid filter \"name::team\": unknown key \"name\" at byte 0: expected one of namespace, mode",
        ),
        (
            &[("filter", "namespace::a|namespace::b")],
            "filter",
            "Invalid parameter filter: invalid filter \"namespace::a|namespace::b\": repeated key \"namespace\" at byte 13: expected each key at most once",
        ),
        (
            &[("filter", "")],
            "filter",
            "Invalid parameter filter: is empty",
        ),
        (
            &[("namespace", "a"), ("namespace", "b")],
            "namespace",
            "Invalid parameter namespace: is given more than once",
        ),
    ] {
        let reply = swr(&emu, NAMESPACES, query);
        assert_bad_param(&reply, param);
        assert_eq!(reply.json()["errorMessage"], message, "{query:?}");
    }
}

/// Tag names of a list repository tags body.
fn tag_names(reply: &common::Reply) -> Vec<String> {
    assert_eq!(reply.status, 200, "{}", reply.text());
    names(&reply.json(), "Tag")
}

#[test]
fn repository_tags_newest_first_with_every_field() {
    let emu = demo();
    let reply = swr(&emu, NGINX_TAGS, &[]);
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("content-range"), None);
    assert!(reply.header("x-request-id").is_some());
    let json = reply.json();
    let tags: Vec<RepositoryTag> = serde_json::from_value(json.clone()).unwrap();
    let names: Vec<&str> = tags.iter().map(|t| t.tag.as_str()).collect();
    assert_eq!(names, ["latest", "1.25.3", "1.25.2", "1.24.0"]);
    assert!(
        tags.windows(2)
            .all(|pair| pair[0].updated.instant() > pair[1].updated.instant())
    );
    // Repositories in namespace then name order: ml-lab's 3 and
    // public-tools' 2 come first, then team's api/gateway, then nginx,
    // whose tags follow the 10 tags of those six.
    let ids: Vec<u64> = tags.iter().map(|t| t.id).collect();
    assert_eq!(ids, [11, 12, 13, 14]);
    let dataset = Dataset::demo();
    let nginx = &dataset.namespaces[0].repositories[0];
    for (tag, record) in tags.iter().zip(&nginx.tags) {
        assert_eq!(tag.repo_id, 7);
        assert_eq!(tag.digest, record.digest);
        assert_eq!(tag.size, record.size);
        assert_eq!(tag.updated, record.updated_at);
        assert_eq!(tag.created, record.updated_at);
        assert_eq!(
            tag.path,
            format!(
                "swr.cn-north-4.myhuaweicloud.com/team/nginx:{}",
                record.name
            )
        );
        assert_eq!(
            tag.internal_path,
            format!("10.125.0.198:20202/team/nginx:{}", record.name)
        );
        assert_eq!((tag.schema, tag.tag_type), (2, 0));
        assert!(!tag.is_trusted && !tag.scanned);
        assert_eq!(tag.deleted, None);
        assert_eq!(tag.image_id.len(), 64);
        assert_eq!(tag.domain_id.len(), 32);
        assert!(
            (tag.image_id.clone() + &tag.domain_id)
                .bytes()
                .all(|b| b.is_ascii_hexdigit())
        );
        let manifest: serde_json::Value = serde_json::from_str(&tag.manifest).unwrap();
        assert_eq!(
            manifest["config"]["digest"],
            format!("sha256:{}", tag.image_id)
        );
        assert_eq!(manifest["layers"][0]["size"], record.size);
    }
    assert_eq!(tags[0].domain_id, tags[3].domain_id);
    assert_ne!(tags[0].image_id, tags[1].image_id);
    // `deleted` is on the wire, as `null`, and the body round-trips.
    assert!(json[0].as_object().unwrap()["deleted"].is_null());
    assert_eq!(serde_json::to_value(&tags).unwrap(), json);
    // The same request gives the same bytes: nothing is drawn at random.
    assert_eq!(swr(&emu, NGINX_TAGS, &[]).body, reply.body);
}

#[test]
fn repository_tags_page_with_both_forms() {
    let emu = demo();
    let mut paged = Vec::new();
    let mut ranges = Vec::new();
    for offset in ["0", "3"] {
        let reply = swr(&emu, NGINX_TAGS, &[("offset", offset), ("limit", "3")]);
        ranges.push(reply.header("content-range").unwrap().to_owned());
        paged.extend(tag_names(&reply));
    }
    assert_eq!(paged, ["latest", "1.25.3", "1.25.2", "1.24.0"]);
    assert_eq!(ranges, ["0-3/4", "3-1/4"]);
    let filtered = swr(&emu, NGINX_TAGS, &[("filter", "limit::3|offset::3")]);
    assert_eq!(filtered.header("content-range"), Some("3-1/4"));
    assert_eq!(tag_names(&filtered), ["1.24.0"]);
    let quoted = swr(&emu, NGINX_TAGS, &[("filter", "'offset::1|limit::2'")]);
    assert_eq!(quoted.header("content-range"), Some("1-2/4"));
    assert_eq!(tag_names(&quoted), ["1.25.3", "1.25.2"]);
    let past = swr(&emu, NGINX_TAGS, &[("offset", "10"), ("limit", "5")]);
    assert_eq!(past.header("content-range"), Some("10-0/4"));
    assert_eq!(past.json(), serde_json::json!([]));
    // A filter without offset and limit gets no Content-Range either.
    let unpaged = swr(&emu, NGINX_TAGS, &[("filter", "tag::1.2")]);
    assert_eq!(unpaged.header("content-range"), None);
}

#[test]
fn repository_tags_orders_and_tag_filter() {
    let emu = demo();
    let newest = ["latest", "1.25.3", "1.25.2", "1.24.0"];
    let oldest: Vec<&str> = newest.iter().rev().copied().collect();
    for (query, want) in [
        (
            &[("order_column", "updated_at"), ("order_type", "asc")][..],
            &oldest[..],
        ),
        (
            &[("order_column", "updated_at"), ("order_type", "desc")],
            &newest,
        ),
        (
            &[("filter", "order_column::updated_at|order_type::asc")],
            &oldest,
        ),
        (
            &[("filter", "order_type::desc|order_column::updated_at")],
            &newest,
        ),
        (&[("tag", "1.25")], &["1.25.3", "1.25.2"]),
        (&[("filter", "tag::latest")], &["latest"]),
        (&[("tag", "9.9")], &[]),
        (
            &[
                ("tag", "."),
                ("order_column", "updated_at"),
                ("order_type", "asc"),
                ("offset", "1"),
                ("limit", "1"),
            ],
            &["1.25.2"],
        ),
    ] {
        let reply = swr(&emu, NGINX_TAGS, query);
        assert_eq!(tag_names(&reply), want, "{query:?}");
    }
    let all = [(
        "filter",
        "tag::1.|order_column::updated_at|order_type::asc|offset::0|limit::2",
    )];
    let reply = swr(&emu, NGINX_TAGS, &all);
    assert_eq!(reply.header("content-range"), Some("0-2/3"));
    assert_eq!(tag_names(&reply), ["1.24.0", "1.25.2"]);
}

/// Equal times keep the dataset's order, ascending and descending.
#[test]
fn repository_tags_ties_keep_the_dataset_order() {
    let mut dataset = Dataset::demo();
    let when: wharf_model::Timestamp = "2024-06-15T12:00:00Z".parse().unwrap();
    let later: wharf_model::Timestamp = "2024-06-16T12:00:00Z".parse().unwrap();
    let worker = &mut dataset.namespaces[0].repositories[3];
    assert_eq!(worker.name.as_str(), "worker");
    worker.tags = ["b", "a", "c", "d"]
        .iter()
        .map(|name| TagRecord::new(*name, 1, "sha256:00", when.clone()))
        .collect();
    worker.tags[2].updated_at = later;
    let emu = start(Emulator::builder().dataset(dataset));
    let path = "/v2/manage/namespaces/team/repos/worker/tags";
    assert_eq!(tag_names(&swr(&emu, path, &[])), ["c", "b", "a", "d"]);
    let asc = [("order_column", "updated_at"), ("order_type", "asc")];
    assert_eq!(tag_names(&swr(&emu, path, &asc)), ["b", "a", "d", "c"]);
}

#[test]
fn repository_tags_accept_every_slash_form() {
    let emu = demo();
    for segment in [
        "api$gateway",
        "api%24gateway",
        "api%2Fgateway",
        "api%2fgateway",
        "api/gateway",
    ] {
        let path = format!("/v2/manage/namespaces/team/repos/{segment}/tags");
        let reply = swr(&emu, &path, &[]);
        assert_eq!(tag_names(&reply), ["2.1.0", "2.0.1"], "{segment}");
        assert_eq!(
            reply.json()[0]["path"],
            "swr.cn-north-4.myhuaweicloud.com/team/api/gateway:2.1.0"
        );
        assert_eq!(reply.json()[0]["repo_id"], 6);
    }
}

#[test]
fn repository_tags_not_found_and_bad_names() {
    let emu = demo();
    for (path, message) in [
        (
            "/v2/manage/namespaces/nope/repos/nginx/tags",
            "Namespace nope does not exist",
        ),
        (
            "/v2/manage/namespaces/team/repos/nope/tags",
            "Repository team/nope does not exist",
        ),
        (
            "/v2/manage/namespaces/ml-lab/repos/nginx/tags",
            "Repository ml-lab/nginx does not exist",
        ),
        (
            "/v2/manage/namespaces/team/repos/api$nope/tags",
            "Repository team/api/nope does not exist",
        ),
    ] {
        let reply = swr(&emu, path, &[]);
        assert_not_found(&reply, path, message);
        assert!(reply.header("x-request-id").is_some());
    }
    let bad_ns = swr(&emu, "/v2/manage/namespaces/Team/repos/nginx/tags", &[]);
    assert_bad_param(&bad_ns, "namespace");
    let bad_repo = swr(&emu, "/v2/manage/namespaces/team/repos/Nginx/tags", &[]);
    assert_bad_param(&bad_repo, "repository");
    // Paths beside or under the routes that are not these calls are APIs
    // the emulator does not have, and so are other methods: the gateway's
    // 404 (a GET under a route is checked for credentials first).
    for path in [
        "/v2/manage/namespaces/team/repos/",
        "/v2/manage/namespaces/team",
        "/v2/manage/namespaces/team/other/nginx/tags",
    ] {
        let reply = swr(&emu, path, &[]);
        assert_eq!(reply.status, 404, "{path}");
        assert_eq!(reply.json()["error_code"], "APIGW.0101", "{path}");
    }
    for (method, path) in [("POST", NGINX_TAGS), ("DELETE", NAMESPACES)] {
        let reply = common::send(emu.addr(), method, path, &[], b"").unwrap();
        assert_eq!(reply.status, 404, "{method} {path}");
        assert_eq!(reply.json()["error_code"], "APIGW.0101", "{method} {path}");
    }
}

#[test]
fn repository_tags_refusals() {
    let emu = demo();
    for (query, param, message) in [
        (
            &[("limit", "0"), ("offset", "0")][..],
            "limit",
            "Invalid parameter limit: \"0\" is not an integer in 1..=1000",
        ),
        (
            &[("limit", "1001"), ("offset", "0")],
            "limit",
            "Invalid parameter limit: \"1001\" is not an integer in 1..=1000",
        ),
        (
            &[("limit", "ten"), ("offset", "0")],
            "limit",
            "Invalid parameter limit: \"ten\" is not an integer in 1..=1000",
        ),
        (
            &[("offset", "-1"), ("limit", "5")],
            "offset",
            "Invalid parameter offset: \"-1\" is not an integer >= 0",
        ),
        (
            &[("offset", "0")],
            "offset",
            "Invalid parameter offset: offset without limit: expected offset and limit together",
        ),
        (
            &[("limit", "5")],
            "limit",
            "Invalid parameter limit: limit without offset: expected offset and limit together",
        ),
        (
            &[("order_type", "asc")],
            "order_type",
            "Invalid parameter order_type: order_type without order_column: expected order_column and order_type together",
        ),
        (
            &[("order_column", "updated_at")],
            "order_column",
            "Invalid parameter order_column: order_column without order_type: expected order_column and order_type together",
        ),
        (
            &[("order_column", "name"), ("order_type", "asc")],
            "order_column",
            "Invalid parameter order_column: \"name\" is not one of updated_at",
        ),
        (
            &[("order_column", "updated_at"), ("order_type", "up")],
            "order_type",
            "Invalid parameter order_type: \"up\" is not one of desc, asc",
        ),
        (
            &[("filter", "offset::0|limit::1001")],
            "filter",
            "Invalid parameter filter: invalid filter \"offset::0|limit::1001\": invalid limit \"1001\" at byte 17: expected an integer in 1..=1000",
        ),
        (
            &[("filter", "tag::v1|order_column::updated_at")],
            "filter",
            "Invalid parameter filter: invalid filter \"tag::v1|order_column::updated_at\": order_column at byte 8 without order_type: expected order_column and order_type together",
        ),
        (
            &[("filter", "namespace::team")],
            "filter",
            "Invalid parameter filter: invalid filter \"namespace::team\": unknown key \"namespace\" at byte 0: expected one of offset, limit, order_column, order_type, tag",
        ),
        (
            &[("tag", "a"), ("tag", "b")],
            "tag",
            "Invalid parameter tag: is given more than once",
        ),
        (&[("tag", "")], "tag", "Invalid parameter tag: is empty"),
    ] {
        let reply = swr(&emu, NGINX_TAGS, query);
        assert_bad_param(&reply, param);
        assert_eq!(reply.json()["errorMessage"], message, "{query:?}");
    }
}

#[test]
fn repository_tags_limit_defaults_to_100_and_goes_to_1000() {
    let dataset = Dataset::generate(&GenerateOptions {
        namespaces: 1,
        repositories: 1,
        tags_per_repository: 1_200,
        official_images: 0,
        seed: 9,
    })
    .unwrap();
    let ns = dataset.namespaces[0].name.to_string();
    let repo = dataset.namespaces[0].repositories[0]
        .name
        .to_path_segment(Default::default());
    let path = format!("/v2/manage/namespaces/{ns}/repos/{repo}/tags");
    let emu = start(Emulator::builder().dataset(dataset));
    let first = swr(&emu, &path, &[]);
    assert_eq!(first.json().as_array().unwrap().len(), 100);
    assert_eq!(first.header("content-range"), None);
    let big = swr(&emu, &path, &[("offset", "0"), ("limit", "1000")]);
    assert_eq!(big.json().as_array().unwrap().len(), 1_000);
    assert_eq!(big.header("content-range"), Some("0-1000/1200"));
    let last = swr(&emu, &path, &[("filter", "offset::1000|limit::1000")]);
    assert_eq!(last.header("content-range"), Some("1000-200/1200"));
    let ids: Vec<u64> = serde_json::from_slice::<Vec<RepositoryTag>>(&big.body)
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(ids, (1..=1_000).collect::<Vec<u64>>());
}

/// The new routes sit behind the same front layer and signature check as
/// the others: credentials, request ids and faults come with them.
#[test]
fn namespaces_and_tags_are_checked_and_faulted_like_the_rest() {
    let emu = demo();
    for target in [NAMESPACES, NGINX_TAGS, NGINX] {
        let bare = common::send(emu.addr(), "GET", target, &[], b"").unwrap();
        assert_eq!(bare.status, 401, "{target}");
        assert_eq!(bare.json()["error_code"], "APIGW.0301");
        assert!(bare.header("x-request-id").is_some());
        assert_eq!(token(&emu, target).status, 200, "{target}");
        let wrong = common::swr_token(&emu, target, "not-the-token");
        assert_eq!(wrong.status, 401, "{target}");
    }
    let script = FaultConfig::script([Some(Fault::Unavailable), Some(Fault::TooManyRequests)]);
    let faulty = start(Emulator::builder().faults(script));
    assert_eq!(swr(&faulty, NAMESPACES, &[]).status, 503);
    assert_eq!(swr(&faulty, NGINX, &[]).status, 429);
    assert_eq!(swr(&faulty, NGINX_TAGS, &[]).status, 200);
    // A signature over another repository's path does not show this one.
    let creds = common::demo_creds();
    let headers = vec![
        ("Host".to_owned(), emu.addr().to_string()),
        ("Content-Type".to_owned(), "application/json".to_owned()),
    ];
    let mut signed = headers.clone();
    let request = wharf_auth::huawei::Request::new("GET", "/v2/manage/namespaces/team/repos/jq")
        .with_headers(&headers);
    wharf_auth::huawei::sign(&creds, &request, jiff::Timestamp::now())
        .unwrap()
        .headers()
        .apply_to(&mut signed);
    let replayed = common::send(emu.addr(), "GET", NGINX, &signed, b"").unwrap();
    assert_eq!(replayed.status, 401, "{}", replayed.text());
}

/// The fields of the SDK's `ShowRepositoryResponse` (huaweicloudsdkswr
/// 3.1.219), in its order.
const SHOW_REPOSITORY_FIELDS: [&str; 18] = [
    "id",
    "ns_id",
    "name",
    "category",
    "description",
    "creator_id",
    "creator_name",
    "size",
    "is_public",
    "num_images",
    "num_download",
    "url",
    "path",
    "internal_path",
    "created",
    "updated",
    "domain_id",
    "priority",
];

#[test]
fn show_repository_has_every_field_and_agrees_with_the_listings() {
    let emu = demo();
    let reply = swr(&emu, NGINX, &[]);
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("content-range"), None);
    assert!(reply.header("x-request-id").is_some());
    let json = reply.json();
    let mut keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut want = SHOW_REPOSITORY_FIELDS;
    keys.sort_unstable();
    want.sort_unstable();
    assert_eq!(keys, want);
    // On the wire, in the SDK's order.
    let text = reply.text();
    let at = |field: &str| text.find(&format!("\"{field}\":")).unwrap();
    assert!(
        SHOW_REPOSITORY_FIELDS
            .windows(2)
            .all(|w| at(w[0]) < at(w[1]))
    );
    let detail: RepositoryDetail = serde_json::from_value(json.clone()).unwrap();
    assert!(detail.extra.is_empty(), "{:?}", detail.extra);
    assert_eq!(serde_json::to_value(&detail).unwrap(), json);
    // What list repositories says of it.
    let listed: Vec<RepositoryInfo> =
        serde_json::from_slice(&swr(&emu, REPOS, &[("namespace", "team")]).body).unwrap();
    let item = listed.iter().find(|r| r.name == "nginx").unwrap();
    assert_eq!(detail.name, "nginx");
    assert_eq!(detail.category.as_ref(), Some(&item.category));
    assert_eq!(detail.description, item.description);
    assert_eq!(detail.size, Some(item.size));
    assert_eq!(detail.is_public, Some(item.is_public));
    assert_eq!(detail.num_images, Some(item.num_images));
    assert_eq!(detail.num_download, Some(item.num_download));
    assert_eq!(detail.url.as_deref(), Some(""));
    assert_eq!(detail.path.as_deref(), Some(item.path.as_str()));
    assert_eq!(
        detail.internal_path.as_deref(),
        Some(item.internal_path.as_str())
    );
    assert_eq!(detail.created.as_ref(), Some(&item.created_at));
    assert_eq!(detail.updated.as_ref(), Some(&item.updated_at));
    // What list repository tags and list namespaces say.
    let tags: Vec<RepositoryTag> =
        serde_json::from_slice(&swr(&emu, NGINX_TAGS, &[]).body).unwrap();
    assert_eq!(detail.id, Some(tags[0].repo_id));
    assert_eq!(
        detail.domain_id.as_deref(),
        Some(tags[0].domain_id.as_str())
    );
    let namespaces: ListNamespacesResponse =
        serde_json::from_slice(&swr(&emu, NAMESPACES, &[]).body).unwrap();
    let team = namespaces
        .namespaces
        .iter()
        .find(|ns| ns.name == "team")
        .unwrap();
    assert_eq!(detail.ns_id, Some(team.id));
    assert_eq!(
        detail.creator_name.as_deref(),
        Some(team.creator_name.as_str())
    );
    let creator = detail.creator_id.as_deref().unwrap();
    assert!(creator.len() == 32 && creator.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_ne!(detail.creator_id, detail.domain_id);
    assert_eq!(detail.priority, Some(0));
    // Nothing is drawn at random.
    assert_eq!(swr(&emu, NGINX, &[]).body, reply.body);
    // Another repository, in another namespace, public.
    let curl: RepositoryDetail = serde_json::from_slice(
        &swr(&emu, "/v2/manage/namespaces/public-tools/repos/curl", &[]).body,
    )
    .unwrap();
    assert_eq!((curl.name.as_str(), curl.is_public), ("curl", Some(true)));
    assert_eq!(curl.ns_id, Some(2));
    assert_eq!(curl.id, Some(4));
}

#[test]
fn show_repository_accepts_every_slash_form() {
    let emu = demo();
    for segment in [
        "api$gateway",
        "api%24gateway",
        "api%2Fgateway",
        "api%2fgateway",
        "api/gateway",
    ] {
        let path = format!("/v2/manage/namespaces/team/repos/{segment}");
        let reply = swr(&emu, &path, &[]);
        assert_eq!(reply.status, 200, "{segment}: {}", reply.text());
        let detail: RepositoryDetail = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(detail.name, "api/gateway", "{segment}");
        assert_eq!(
            detail.path.as_deref(),
            Some("swr.cn-north-4.myhuaweicloud.com/team/api/gateway")
        );
        assert_eq!(detail.id, Some(6));
    }
}

#[test]
fn show_repository_not_found_and_bad_names() {
    let emu = demo();
    for (path, message) in [
        (
            "/v2/manage/namespaces/nope/repos/nginx",
            "Namespace nope does not exist",
        ),
        (
            "/v2/manage/namespaces/team/repos/nope",
            "Repository team/nope does not exist",
        ),
        (
            "/v2/manage/namespaces/ml-lab/repos/nginx",
            "Repository ml-lab/nginx does not exist",
        ),
        (
            "/v2/manage/namespaces/team/repos/api%2Fnope",
            "Repository team/api/nope does not exist",
        ),
        (
            "/v2/manage/namespaces/team/repos/api/nope",
            "Repository team/api/nope does not exist",
        ),
    ] {
        let reply = swr(&emu, path, &[]);
        // The shape of the emulator's other SWR 404s.
        assert_not_found(&reply, path, message);
        assert_eq!(
            reply.json().as_object().unwrap().keys().collect::<Vec<_>>(),
            ["errorCode", "errorMessage"]
        );
        assert!(reply.header("x-request-id").is_some());
    }
    let bad_ns = swr(&emu, "/v2/manage/namespaces/Team/repos/nginx", &[]);
    assert_bad_param(&bad_ns, "namespace");
    let bad_repo = swr(&emu, "/v2/manage/namespaces/team/repos/Nginx", &[]);
    assert_bad_param(&bad_repo, "repository");
    // A bad name is refused before a namespace is looked for.
    let both = swr(&emu, "/v2/manage/namespaces/nope/repos/-x", &[]);
    assert_bad_param(&both, "repository");
    for (method, path) in [("POST", NGINX), ("PUT", NGINX)] {
        let reply = common::send(emu.addr(), method, path, &[], b"").unwrap();
        assert_eq!(reply.status, 404, "{method} {path}");
        assert_eq!(reply.json()["error_code"], "APIGW.0101", "{method} {path}");
    }
    // `DELETE` is served under a repository (DeleteRepoTag), but deleting
    // the repository itself (the SDK's delete_repo) is not emulated.
    let reply = common::swr_method(&emu, "DELETE", NGINX);
    assert_eq!(reply.status, 404, "{}", reply.text());
    assert_eq!(reply.json()["error_code"], "APIGW.0101");
}

/// The demo with more repositories in `team`, whose names end in `/tags`.
fn demo_with(names: &[&str]) -> Emulator {
    let mut dataset = Dataset::demo();
    let team = &mut dataset.namespaces[0];
    let template = team.repositories[0].clone();
    for (i, name) in names.iter().enumerate() {
        let mut repo = template.clone();
        repo.name = RepositoryName::new(*name).unwrap();
        repo.tags.truncate(i + 1);
        team.repositories.push(repo);
    }
    start(Emulator::builder().dataset(dataset))
}

/// A real `/` reads the way under which the repository exists; when both
/// do, as the gateway would route it (the tags of the shorter name); when
/// neither does, that reading's 404.
#[test]
fn an_ambiguous_slash_reads_the_way_the_repository_exists() {
    // `a` with 1 tag, `a/tags` with 2, `x/tags` with 3; no `x`.
    let emu = demo_with(&["a", "a/tags", "x/tags"]);
    let show = |path: &str| -> RepositoryDetail {
        let reply = swr(&emu, path, &[]);
        assert_eq!(reply.status, 200, "{path}: {}", reply.text());
        serde_json::from_slice(&reply.body).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let base = "/v2/manage/namespaces/team/repos";
    assert_eq!(
        tag_names(&swr(&emu, &format!("{base}/a/tags"), &[])).len(),
        1
    );
    assert_eq!(show(&format!("{base}/a%2Ftags")).name, "a/tags");
    assert_eq!(show(&format!("{base}/a$tags")).name, "a/tags");
    assert_eq!(
        tag_names(&swr(&emu, &format!("{base}/a/tags/tags"), &[])).len(),
        2
    );
    assert_eq!(
        tag_names(&swr(&emu, &format!("{base}/a$tags/tags"), &[])).len(),
        2
    );
    // No `x`: the only repository the path can name is `x/tags`.
    let x = show(&format!("{base}/x/tags"));
    assert_eq!((x.name.as_str(), x.num_images), ("x/tags", Some(3)));
    assert_eq!(
        tag_names(&swr(&emu, &format!("{base}/x/tags/tags"), &[])).len(),
        3
    );
    // Neither `y` nor `y/tags`: the tags reading's 404.
    let missing = swr(&emu, &format!("{base}/y/tags"), &[]);
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.json()["errorMessage"],
        "Repository team/y does not exist"
    );
}

/// Every `Content-Range` shape, on every answer that carries the header:
/// the header as the shape has it, the body byte for byte as with the
/// documented shape, `total_range` included.
#[test]
fn every_content_range_shape_on_every_paged_answer() {
    const OFFICIAL_TAGS: &str = "/v2/manage/dockerhub/namespaces/library/repos/nginx/tags";
    // (path, query, offset, count, total) of each paged answer.
    type Paged = (
        &'static str,
        &'static [(&'static str, &'static str)],
        u64,
        u64,
        u64,
    );
    let paged: [Paged; 5] = [
        (REPOS, &[("offset", "3"), ("limit", "3")], 3, 3, 10),
        (
            REPOS,
            &[("filter", "namespace::team|offset::4|limit::3")],
            4,
            1,
            5,
        ),
        (OFFICIAL, &[("offset", "2"), ("limit", "2")], 2, 2, 6),
        (OFFICIAL_TAGS, &[("offset", "1"), ("limit", "1")], 1, 1, 3),
        (NGINX_TAGS, &[("offset", "0"), ("limit", "3")], 0, 3, 4),
    ];
    let documented = demo();
    // The shapes, with the header each gives for (offset, count, total).
    type Header = fn(u64, u64, u64) -> Option<String>;
    let shapes: [(ContentRangeShape, Header); 6] = [
        (ContentRangeShape::Documented, |o, c, t| {
            Some(format!("{o}-{c}/{t}"))
        }),
        (ContentRangeShape::TotalOnly, |_, _, t| Some(format!("{t}"))),
        (ContentRangeShape::StarTotal, |_, _, t| {
            Some(format!("*/{t}"))
        }),
        (ContentRangeShape::WithUnit, |o, c, t| {
            Some(format!("items {o}-{c}/{t}"))
        }),
        (ContentRangeShape::Absent, |_, _, _| None),
        (ContentRangeShape::Unreadable, |_, _, _| {
            Some("bogus".to_owned())
        }),
    ];
    assert_eq!(shapes.map(|(shape, _)| shape), ContentRangeShape::ALL);
    for (shape, header) in shapes {
        let emu = start(Emulator::builder().content_range(shape));
        for &(path, query, offset, count, total) in &paged {
            let reply = swr(&emu, path, query);
            assert_eq!(reply.status, 200, "{shape} {path}: {}", reply.text());
            assert_eq!(
                reply.header("content-range").map(str::to_owned),
                header(offset, count, total),
                "{shape} {path} {query:?}"
            );
            assert_eq!(
                reply.body,
                swr(&documented, path, query).body,
                "{shape} {path}"
            );
            let items = reply.json();
            assert_eq!(
                items.as_array().unwrap().len() as u64,
                count,
                "{shape} {path}"
            );
            if path == REPOS || path == OFFICIAL {
                assert!(
                    items
                        .as_array()
                        .unwrap()
                        .iter()
                        .all(|i| i["total_range"] == total),
                    "{shape} {path}"
                );
            }
        }
        // Unpaged listings carry no header in any shape, as documented.
        for path in [REPOS, NGINX_TAGS] {
            let reply = swr(&emu, path, &[]);
            assert_eq!(reply.header("content-range"), None, "{shape} {path}");
        }
        // Answers that are no listing carry none either.
        assert_eq!(swr(&emu, NGINX, &[]).header("content-range"), None);
    }
}

/// `is_public`, a filter term seed 002 does not document: honoured by
/// default, and with `ignore_is_public` dropped as a server that does not
/// know it would, so every repository is listed whatever its visibility.
#[test]
fn is_public_is_honoured_unless_ignored() {
    let honoured = demo();
    let ignoring = start(Emulator::builder().ignore_is_public(true));
    let listed = |emu: &Emulator, query: &[(&str, &str)]| {
        let reply = swr(emu, REPOS, query);
        assert_eq!(reply.status, 200, "{query:?}: {}", reply.text());
        let repos: Vec<RepositoryInfo> = serde_json::from_slice(&reply.body).unwrap();
        let range = reply.header("content-range").map(str::to_owned);
        (repos, range)
    };
    let all = listed(&honoured, &[]).0;
    assert_eq!(all.len(), 10);
    let public: Vec<&RepositoryInfo> = all.iter().filter(|r| r.is_public).collect();
    assert_eq!(public.len(), 4);
    for query in [
        &[("filter", "is_public::true")][..],
        &[("is_public", "true")],
    ] {
        let (repos, _) = listed(&honoured, query);
        assert!(repos.iter().all(|r| r.is_public), "{query:?}");
        assert_eq!(repos.len(), 4, "{query:?}");
        let (repos, _) = listed(&ignoring, query);
        assert_eq!(
            repos, all,
            "{query:?}: every repository, as listed unfiltered"
        );
    }
    let (repos, _) = listed(&honoured, &[("filter", "is_public::false")]);
    assert_eq!(repos.len(), 6);
    assert_eq!(listed(&ignoring, &[("filter", "is_public::false")]).0, all);
    // Paged, the total is every repository's: the term left no trace.
    let (repos, range) = listed(
        &ignoring,
        &[("filter", "is_public::true|offset::0|limit::3")],
    );
    assert_eq!(range.as_deref(), Some("0-3/10"));
    assert!(repos.iter().all(|r| r.total_range == Some(10)));
    // The documented terms still apply, and so do the order terms.
    let (repos, _) = listed(&ignoring, &[("filter", "namespace::team|is_public::true")]);
    assert_eq!(repos.len(), 5);
    let (repos, _) = listed(
        &ignoring,
        &[(
            "filter",
            "is_public::true|order_column::is_public|order_type::desc",
        )],
    );
    assert_eq!(repos.len(), 10);
    assert!(repos[..4].iter().all(|r| r.is_public));
    // The value is still read: a malformed one is refused as before.
    for emu in [&honoured, &ignoring] {
        assert_bad_param(
            &swr(emu, REPOS, &[("filter", "is_public::maybe")]),
            "filter",
        );
    }
}

/// As on list repositories, `filter` wins over the plain parameters beside
/// it on list namespaces and list repository tags: they are not read.
#[test]
fn filter_wins_over_plain_parameters_on_namespaces_and_tags() {
    let emu = demo();
    let by_filter = swr(&emu, NAMESPACES, &[("filter", "namespace::team")]);
    assert_eq!(namespace_names(&by_filter), ["team"]);
    let mixed = swr(
        &emu,
        NAMESPACES,
        &[("filter", "namespace::team"), ("namespace", "ml-lab")],
    );
    assert_eq!(mixed.body, by_filter.body);
    let tags = swr(&emu, NGINX_TAGS, &[("filter", "offset::1|limit::2")]);
    assert_eq!(tags.header("content-range"), Some("1-2/4"));
    for extra in [("limit", "3"), ("tag", "latest"), ("offset", "-1")] {
        let mixed = swr(&emu, NGINX_TAGS, &[("filter", "offset::1|limit::2"), extra]);
        assert_eq!(mixed.status, 200, "{extra:?}: {}", mixed.text());
        assert_eq!(mixed.header("content-range"), Some("1-2/4"), "{extra:?}");
        assert_eq!(mixed.body, tags.body, "{extra:?}");
    }
}

/// `reply` is SWR's 404 for `path`: `SVCSTG.SWR.4040002` with `message`.
fn assert_not_found(reply: &common::Reply, path: &str, message: &str) {
    assert_eq!(reply.status, 404, "{path}: {}", reply.text());
    let error: SwrError = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(error.code(), Some("SVCSTG.SWR.4040002"), "{path}");
    assert_eq!(error.message(), Some(message), "{path}");
}
