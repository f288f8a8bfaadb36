//! Every UHub action and error case, over real HTTP; and the same listing
//! through both protocols.

mod common;

use common::{form, names, start, swr, uhub, uhub_body, uhub_get};
use serde_json::Value;
use wharf_emulator::{Dataset, Emulator, GenerateOptions};
use wharf_model::{GetImageTagResponse, GetRepoImageResponse, GetRepoResponse};

fn demo() -> Emulator {
    start(Emulator::builder())
}

/// Checks an HTTP 200 failure with `code`, echoing `action` when given.
fn assert_ret(reply: &common::Reply, code: i64, action: Option<&str>) -> String {
    assert_eq!(reply.status, 200, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["RetCode"], code, "{body}");
    match action {
        Some(action) => assert_eq!(body["Action"], format!("{action}Response")),
        None => assert_eq!(body.get("Action"), None),
    }
    body["Message"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn get_repo_image_lists_a_namespace() {
    let emu = demo();
    let reply = uhub(&emu, &[("Action", "GetRepoImage"), ("RepoName", "team")]);
    let uuid = reply.header("x-ucloud-request-uuid").unwrap();
    assert_eq!(uuid.len(), 36);
    assert_eq!(uuid.matches('-').count(), 4);
    let response: GetRepoImageResponse = serde_json::from_slice(&reply.body).unwrap();
    assert!(response.ret_code.is_success());
    assert_eq!(response.action.as_deref(), Some("GetRepoImageResponse"));
    assert_eq!(response.total_count, Some(5));
    let images = response.items();
    assert_eq!(images.len(), 5);
    let nginx = images.iter().find(|i| i.image_name == "nginx").unwrap();
    assert_eq!(nginx.latest_tag, "latest");
    assert_eq!(nginx.pull_count, 120);
    assert_eq!(nginx.repo_name.as_deref(), Some("team"));
    assert_eq!(nginx.create_time.to_string(), "1704103200");
    assert!(reply.json()["ImageSet"][0]["CreateTime"].is_string());
}

#[test]
fn get_and_post_and_action_on_the_url_agree() {
    let emu = demo();
    let params = [
        ("Action", "GetRepoImage"),
        ("RepoName", "ml-lab"),
        ("Offset", "1"),
        ("Limit", "1"),
    ];
    let posted = uhub(&emu, &params).json();
    assert_eq!(posted["TotalCount"], 3);
    assert_eq!(names(&posted["ImageSet"], "ImageName"), ["serving"]);
    assert_eq!(uhub_get(&emu, &params).json(), posted);
    // The Go SDK: `?Action=` on the URL, and Action in the signed form body too.
    let body = form(&common::demo_keys(), &params);
    let go = uhub_body(&emu, "/?Action=GetRepoImage", &body).json();
    assert_eq!(go, posted);
    // JSON bodies work too.
    let signed = form(&common::demo_keys(), &params);
    let object: serde_json::Map<String, Value> = common_pairs(&signed)
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    let headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
    let json_body = serde_json::to_vec(&object).unwrap();
    let reply = common::send(emu.addr(), "POST", "/", &headers, &json_body).unwrap();
    assert_eq!(reply.json(), posted);
}

/// POSTs `body` as JSON with this content type to an emulator without auth.
fn post_json(emu: &Emulator, content_type: &str, body: &str) -> Value {
    let headers = vec![("Content-Type".to_owned(), content_type.to_owned())];
    common::send(emu.addr(), "POST", "/", &headers, body.as_bytes())
        .unwrap()
        .json()
}

/// JSON bodies: never silently dropped or misread.
#[test]
fn json_bodies_are_read_or_refused_by_name() {
    let emu = start(Emulator::builder().no_auth());
    let not_json = post_json(&emu, "application/json", "{not json");
    assert_eq!(not_json["RetCode"], 230);
    let message = not_json["Message"].as_str().unwrap();
    assert!(
        message.starts_with("Params error: the body is not JSON: "),
        "{message}"
    );
    let array = post_json(
        &emu,
        "application/json",
        r#"{"Action":"GetRepoImage","RepoName":"team","Limit":[3]}"#,
    );
    assert_eq!(array["RetCode"], 230);
    assert_eq!(
        array["Message"],
        "Params error: Limit is an array; expected a string, a number or a boolean"
    );
    // An integral float is the integer, as the UCloud SDKs sign it.
    let float = post_json(
        &emu,
        "application/json",
        r#"{"Action":"GetRepoImage","RepoName":"team","Limit":3.0}"#,
    );
    assert_eq!(float["RetCode"], 0, "{float}");
    assert_eq!(float["ImageSet"].as_array().map(Vec::len), Some(3));
    // Media types compare without case.
    let shouting = post_json(
        &emu,
        "Application/JSON; Charset=UTF-8",
        r#"{"Action":"GetRepoImage","RepoName":"team","Limit":2}"#,
    );
    assert_eq!(shouting["RetCode"], 0, "{shouting}");
    assert_eq!(shouting["ImageSet"].as_array().map(Vec::len), Some(2));
}

fn common_pairs(form: &str) -> Vec<(String, String)> {
    form.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| {
            let v = v.replace('+', " ");
            let v = wharf_auth::huawei::percent_decode(&v).into_owned();
            (k.to_owned(), v)
        })
        .collect()
}

#[test]
fn defaults_are_offset_0_limit_20() {
    let dataset = Dataset::generate(&GenerateOptions {
        namespaces: 1,
        repositories: 45,
        tags_per_repository: 1,
        official_images: 0,
        seed: 3,
    })
    .unwrap();
    let emu = start(Emulator::builder().dataset(dataset));
    let repo = emu.dataset().namespaces[0].name.to_string();
    let first = uhub(&emu, &[("Action", "GetRepoImage"), ("RepoName", &repo)]).json();
    assert_eq!(first["TotalCount"], 45);
    assert_eq!(first["ImageSet"].as_array().unwrap().len(), 20);
    let last = uhub(
        &emu,
        &[
            ("Action", "GetRepoImage"),
            ("RepoName", &repo),
            ("Offset", "40"),
        ],
    )
    .json();
    assert_eq!(last["ImageSet"].as_array().unwrap().len(), 5);
}

#[test]
fn the_same_listing_through_both_protocols() {
    let dataset = Dataset::generate(&GenerateOptions {
        namespaces: 3,
        repositories: 70,
        tags_per_repository: 2,
        official_images: 0,
        seed: 11,
    })
    .unwrap();
    let emu = start(Emulator::builder().dataset(dataset));
    for ns in &emu.dataset().namespaces {
        let ns = ns.name.to_string();
        let mut via_uhub = Vec::new();
        for offset in (0..30).step_by(7) {
            let offset = offset.to_string();
            let reply = uhub(
                &emu,
                &[
                    ("Action", "GetRepoImage"),
                    ("RepoName", &ns),
                    ("Offset", &offset),
                    ("Limit", "7"),
                ],
            );
            via_uhub.extend(names(&reply.json()["ImageSet"], "ImageName"));
        }
        let mut via_swr = Vec::new();
        for offset in (0..30).step_by(5) {
            let offset = offset.to_string();
            let filter = format!("namespace::{ns}|offset::{offset}|limit::5");
            let reply = swr(&emu, "/v2/manage/repos", &[("filter", &filter)]);
            via_swr.extend(names(&reply.json(), "name"));
        }
        assert_eq!(
            via_uhub.len(),
            emu.dataset().namespace(&ns).unwrap().repositories.len()
        );
        assert_eq!(via_uhub, via_swr, "namespace {ns}");
    }
}

#[test]
fn get_image_tag_lists_and_filters_tags() {
    let emu = demo();
    let reply = uhub(
        &emu,
        &[
            ("Action", "GetImageTag"),
            ("RepoName", "team"),
            ("ImageName", "api/gateway"),
        ],
    );
    let response: GetImageTagResponse = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(response.total_count, Some(2));
    let tags: Vec<&str> = response
        .items()
        .iter()
        .map(|t| t.tag_name.as_str())
        .collect();
    assert_eq!(tags, ["2.1.0", "2.0.1"]);
    assert!(
        response.items()[0]
            .digest
            .as_deref()
            .unwrap()
            .starts_with("sha256:")
    );
    let one = uhub(
        &emu,
        &[
            ("Action", "GetImageTag"),
            ("RepoName", "team"),
            ("ImageName", "nginx"),
            ("TagName", "1.25.2"),
        ],
    )
    .json();
    assert_eq!(one["TotalCount"], 1);
    assert_eq!(one["TagSet"][0]["TagName"], "1.25.2");
    let paged = uhub(
        &emu,
        &[
            ("Action", "GetImageTag"),
            ("RepoName", "team"),
            ("ImageName", "nginx"),
            ("Offset", "1"),
            ("Limit", "2"),
        ],
    )
    .json();
    assert_eq!(names(&paged["TagSet"], "TagName"), ["1.25.3", "1.25.2"]);
}

/// The demo with `ml-lab` public (`IsShared`) and `public-tools` reachable
/// from outside (`IsOutSide`): the two flags differ on two namespaces.
fn demo_with_a_public_repo() -> Emulator {
    let mut dataset = Dataset::demo();
    let ml_lab = dataset
        .namespaces
        .iter_mut()
        .find(|ns| ns.name.as_str() == "ml-lab")
        .unwrap();
    ml_lab.is_shared = true;
    start(Emulator::builder().dataset(dataset))
}

#[test]
fn get_repo_lists_public_repos_by_default() {
    let emu = demo_with_a_public_repo();
    // The SDK's docstring: `Type` private or public, default public.
    let reply = uhub(&emu, &[("Action", "GetRepo")]);
    let response: GetRepoResponse = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(response.total_count, Some(1));
    let repos: Vec<&str> = response
        .items()
        .iter()
        .map(|r| r.repo_name.as_str())
        .collect();
    assert_eq!(repos, ["ml-lab"]);
    assert_eq!(reply.json()["RepoSet"][0]["IsShared"], "true");
    assert_eq!(reply.json()["RepoSet"][0]["IsOutSide"], "false");
    let public = uhub(&emu, &[("Action", "GetRepo"), ("Type", "public")]).json();
    assert_eq!(public, reply.json());
    // Private: every repo whose IsShared is false, whatever its IsOutSide.
    let private = uhub(&emu, &[("Action", "GetRepo"), ("Type", "private")]).json();
    assert_eq!(private["TotalCount"], 2);
    assert_eq!(
        names(&private["RepoSet"], "RepoName"),
        ["public-tools", "team"]
    );
    assert_eq!(private["RepoSet"][0]["IsOutSide"], "true");
    assert_eq!(private["RepoSet"][0]["IsShared"], "false");
    let paged = uhub(
        &emu,
        &[
            ("Action", "GetRepo"),
            ("Type", "private"),
            ("Offset", "1"),
            ("Limit", "1"),
        ],
    )
    .json();
    assert_eq!(paged["TotalCount"], 2);
    assert_eq!(names(&paged["RepoSet"], "RepoName"), ["team"]);
}

#[test]
fn get_repo_of_an_account_without_public_repos_lists_nothing_by_default() {
    // The demo's repos are all private (IsShared false): two listings, one
    // per type, make the account.
    let emu = demo();
    let default = uhub(&emu, &[("Action", "GetRepo")]).json();
    assert_eq!(default["RetCode"], 0);
    assert_eq!(default["TotalCount"], 0);
    assert_eq!(default["RepoSet"], serde_json::json!([]));
    let private = uhub(&emu, &[("Action", "GetRepo"), ("Type", "private")]).json();
    assert_eq!(
        names(&private["RepoSet"], "RepoName"),
        ["ml-lab", "public-tools", "team"]
    );
}

#[test]
fn action_errors() {
    let emu = demo();
    let missing = uhub(&emu, &[("RepoName", "team")]);
    assert_eq!(assert_ret(&missing, 160, None), "Missing Action");
    let unknown = uhub(&emu, &[("Action", "DeleteEverything")]);
    let message = assert_ret(&unknown, 161, Some("DeleteEverything"));
    assert_eq!(message, "Action [DeleteEverything] not exist");
    assert!(unknown.header("x-ucloud-request-uuid").is_some());
    let put = common::send(emu.addr(), "PUT", "/?Action=GetRepo", &[], b"").unwrap();
    assert_eq!(put.status, 405);
    assert_eq!(put.json()["RetCode"], 230);
}

/// Parameters, the expected RetCode and Message.
type Case = (&'static [(&'static str, &'static str)], i64, &'static str);

#[test]
fn parameter_errors() {
    let emu = demo();
    let cases: [Case; 11] = [
        (
            &[("Action", "GetRepoImage")],
            230,
            "Missing params: RepoName",
        ),
        (
            &[("Action", "GetRepoImage"), ("RepoName", "")],
            230,
            "Params error: RepoName is empty",
        ),
        (
            &[
                ("Action", "GetRepoImage"),
                ("RepoName", "team"),
                ("Offset", ""),
                ("Limit", ""),
            ],
            230,
            "Params error: Offset is empty",
        ),
        (
            &[("Action", "GetRepo"), ("Type", "")],
            230,
            "Params error: Type is empty",
        ),
        (
            &[("Action", "GetRepoImage"), ("RepoName", "nope")],
            232,
            "Repo [nope] does not exist",
        ),
        (
            &[
                ("Action", "GetRepoImage"),
                ("RepoName", "team"),
                ("Limit", "0"),
            ],
            230,
            "Params error: Limit \"0\" is not an integer in 1..=1000",
        ),
        (
            &[
                ("Action", "GetRepoImage"),
                ("RepoName", "team"),
                ("Limit", "1001"),
            ],
            230,
            "Params error: Limit \"1001\" is not an integer in 1..=1000",
        ),
        (
            &[
                ("Action", "GetRepoImage"),
                ("RepoName", "team"),
                ("Offset", "-1"),
            ],
            230,
            "Params error: Offset \"-1\" is not an integer >= 0",
        ),
        (
            &[("Action", "GetImageTag"), ("RepoName", "team")],
            230,
            "Missing params: ImageName",
        ),
        (
            &[
                ("Action", "GetImageTag"),
                ("RepoName", "team"),
                ("ImageName", "nope"),
            ],
            232,
            "Image [team/nope] does not exist",
        ),
        (
            &[("Action", "GetRepo"), ("Type", "secret")],
            230,
            "Params error: Type \"secret\" is not \"private\" or \"public\"",
        ),
    ];
    for (params, code, message) in cases {
        let action = params[0].1;
        let reply = uhub(&emu, params);
        assert_eq!(
            assert_ret(&reply, code, Some(action)),
            message,
            "{params:?}"
        );
    }
}

#[test]
fn an_action_on_the_url_must_be_signed_too() {
    let emu = demo();
    let keys = common::demo_keys();
    // Signed without Action: the URL's Action joins the signed parameters,
    // and the signature no longer matches.
    let unsigned_action = form(&keys, &[("RepoName", "team")]);
    let reply = uhub_body(&emu, "/?Action=GetRepoImage", &unsigned_action);
    let message = assert_ret(&reply, 171, Some("GetRepoImage"));
    assert!(message.contains("signature does not match"), "{message}");
    // Signed for one action, replayed as another.
    let get_repo = form(&keys, &[("Action", "GetRepo")]);
    let reply = uhub_body(&emu, "/?Action=GetRepoImage", &get_repo);
    let message = assert_ret(&reply, 230, None);
    assert_eq!(
        message,
        "Params error: Action \"GetRepoImage\" is not the body's Action \"GetRepo\""
    );
    // A repeated Action on the URL is refused rather than half read.
    let reply = uhub_body(&emu, "/?Action=GetRepo&Action=GetRepoImage", &get_repo);
    let message = assert_ret(&reply, 230, None);
    assert_eq!(message, "Params error: Action is given more than once");
    // Without auth the URL's Action still serves a body without one.
    let open = start(Emulator::builder().no_auth());
    let reply = uhub_body(&open, "/?Action=GetRepoImage", "RepoName=team");
    assert_eq!(reply.json()["TotalCount"], 5);
}

#[test]
fn repeated_parameters_are_refused() {
    let emu = demo();
    let signed = form(
        &common::demo_keys(),
        &[("Action", "GetRepoImage"), ("RepoName", "ml-lab")],
    );
    for body in [
        format!("{signed}&RepoName=team"),
        format!("RepoName=team&{signed}"),
    ] {
        let message = assert_ret(&uhub_body(&emu, "/", &body), 171, Some("GetRepoImage"));
        assert!(
            message.contains("\"RepoName\" appears more than once"),
            "{message}"
        );
    }
    let open = start(Emulator::builder().no_auth());
    let reply = uhub_body(
        &open,
        "/",
        "Action=GetRepoImage&RepoName=ml-lab&Offset=0&RepoName=team",
    );
    let message = assert_ret(&reply, 230, Some("GetRepoImage"));
    assert_eq!(message, "Params error: RepoName is given more than once");
    let reply = uhub_body(
        &open,
        "/",
        "Action=GetRepoImage&RepoName=team&Offset=1&Offset=999",
    );
    let message = assert_ret(&reply, 230, Some("GetRepoImage"));
    assert_eq!(message, "Params error: Offset is given more than once");
    let reply = common::send(
        open.addr(),
        "GET",
        "/?Action=GetRepo&Limit=1&Limit=2",
        &[],
        b"",
    )
    .unwrap();
    let message = assert_ret(&reply, 230, Some("GetRepo"));
    assert_eq!(message, "Params error: Limit is given more than once");
}

#[test]
fn unreadable_bodies_get_a_parameter_error() {
    let emu = demo();
    let addr = emu.addr();
    let timeout = std::time::Duration::from_secs(10);
    // Announced as more than 1 MiB: refused before a byte is read.
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000000\r\nConnection: close\r\n\r\n"
    );
    let raw = common::raw_exchange(addr, head.as_bytes(), timeout).unwrap();
    let reply = common::parse(&raw).unwrap();
    let message = assert_ret(&reply, 230, None);
    assert_eq!(
        message,
        "Params error: the body is more than 1048576 bytes (1 MiB)"
    );
    assert!(reply.header("x-ucloud-request-uuid").is_some());
    // More than 1 MiB in chunks, with no length announced.
    let mut chunked = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    .into_bytes();
    for _ in 0..16 {
        chunked.extend_from_slice(b"10000\r\n");
        chunked.extend_from_slice(&[b'x'; 0x10000]);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"1\r\nx\r\n0\r\n\r\n");
    let raw = common::raw_exchange(addr, &chunked, timeout).unwrap();
    let message = assert_ret(&common::parse(&raw).unwrap(), 230, None);
    assert!(message.contains("more than 1048576 bytes"), "{message}");
    // A broken chunk.
    let broken = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nAction\r\nzz\r\n"
    );
    let raw = common::raw_exchange(addr, broken.as_bytes(), timeout).unwrap();
    let reply = common::parse(&raw).unwrap();
    let message = assert_ret(&reply, 230, None);
    assert!(
        message.starts_with("Params error: the body could not be read"),
        "{message}"
    );
}

/// A JSON member given twice is refused as repeated, as in a form; before,
/// the last one silently won.
#[test]
fn a_json_member_given_twice_is_refused() {
    let emu = start(Emulator::builder().no_auth());
    let twice = post_json(
        &emu,
        "application/json",
        r#"{"Action":"GetRepoImage","RepoName":"team","Limit":"1","Limit":"2"}"#,
    );
    assert_eq!(twice["RetCode"], 230, "{twice}");
    assert_eq!(
        twice["Message"],
        "Params error: Limit is given more than once"
    );
    // Signed, the signature check refuses it first (171), as a form's.
    let signed = post_json(
        &demo(),
        "application/json",
        r#"{"Action":"GetRepo","Limit":"1","Limit":"2"}"#,
    );
    assert!(
        [170, 171].contains(&signed["RetCode"].as_i64().unwrap()),
        "{signed}"
    );
}

/// A body of many parameters is refused before they are decoded: a 1 MiB
/// form of `a=&` would otherwise cost about 60 MiB.
#[test]
fn more_than_a_thousand_parameters_are_refused() {
    let emu = demo();
    let form_body = "a=&".repeat(300_000);
    let headers = vec![(
        "Content-Type".to_owned(),
        "application/x-www-form-urlencoded".to_owned(),
    )];
    let reply = common::send(emu.addr(), "POST", "/", &headers, form_body.as_bytes()).unwrap();
    let message = assert_ret(&reply, 230, None);
    assert_eq!(message, "Params error: more than 1000 parameters");
    let query = format!("/?Action=GetRepo&{}", "a=1&".repeat(1000));
    let reply = common::send(emu.addr(), "GET", &query, &[], b"").unwrap();
    assert_eq!(
        assert_ret(&reply, 230, None),
        "Params error: more than 1000 parameters"
    );
    let members: Vec<String> = (0..1001).map(|i| format!("\"K{i}\":{i}")).collect();
    let json = post_json(
        &emu,
        "application/json",
        &format!("{{{}}}", members.join(",")),
    );
    assert_eq!(json["RetCode"], 230);
    assert_eq!(json["Message"], "Params error: more than 1000 parameters");
    // A thousand is still read (and refused for its signature, not its size).
    let distinct: String = (0..999).map(|i| format!("a{i}=1&")).collect();
    let query = format!("/?Action=GetRepo&{distinct}");
    let reply = common::send(emu.addr(), "GET", &query, &[], b"").unwrap();
    assert_eq!(reply.json()["RetCode"], 170, "{}", reply.text());
}
