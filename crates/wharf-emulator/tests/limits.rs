//! The rate limit (a token bucket per provider, each throttling in its own
//! shape), the count of delete requests, and the faults on the tag routes.

mod common;

use std::time::Duration;

use common::{start, swr, swr_method, uhub};
use serde_json::json;
use wharf_emulator::{DEMO_TOKEN, Emulator, Fault, FaultConfig};

const NGINX: &str = "/v2/manage/namespaces/team/repos/nginx";
const REPOS: &str = "/v2/manage/repos";

fn image_tags() -> [(&'static str, &'static str); 3] {
    [
        ("Action", "GetImageTag"),
        ("RepoName", "team"),
        ("ImageName", "nginx"),
    ]
}

#[test]
fn each_provider_is_throttled_in_its_own_shape_and_bucket() {
    let emu = start(Emulator::builder().rate_limit(3).control(true));
    // SWR: three pass, the fourth is a 429 with the gateway's body.
    let statuses: Vec<u16> = (0..3).map(|_| swr(&emu, REPOS, &[]).status).collect();
    assert_eq!(statuses, [200, 200, 200]);
    let limited = swr(&emu, REPOS, &[]);
    assert_eq!(limited.status, 429, "{}", limited.text());
    assert_eq!(
        limited.json(),
        json!({
            "error_code": "APIGW.0308",
            "error_msg": "The throttling threshold has been reached: policy user over ratelimit,limit:3,time:1 second"
        })
    );
    assert_eq!(limited.header("retry-after"), None);
    assert!(limited.header("x-request-id").is_some());
    // A delete is throttled the same way, and deletes nothing.
    let delete = swr_method(&emu, "DELETE", &format!("{NGINX}/tags/latest"));
    assert_eq!(delete.status, 429);
    // UHub has its own bucket: three pass, then HTTP 200 with RetCode 153.
    for _ in 0..3 {
        assert_eq!(uhub(&emu, &image_tags()).json()["RetCode"], 0);
    }
    let limited = uhub(&emu, &image_tags());
    assert_eq!(limited.status, 200);
    assert_eq!(
        limited.json(),
        json!({
            "RetCode": 153,
            "Action": "GetImageTagResponse",
            "Message": "Request rate limited: more than 3 requests a second"
        })
    );
    assert_eq!(limited.header("retry-after"), None);
    assert!(limited.header("x-ucloud-request-uuid").is_some());
    // The control route is never limited.
    for tag in ["a", "b", "c", "d", "e"] {
        let body = json!({
            "namespace": "team", "repository": "nginx", "tag": tag,
            "digest": format!("sha256:{}", "0".repeat(64)), "updated": "2024-01-01T00:00:00Z",
        });
        let headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
        let reply = common::send(
            emu.addr(),
            "POST",
            "/_emulator/push",
            &headers,
            body.to_string().as_bytes(),
        )
        .unwrap();
        assert_eq!(reply.status, 200, "{}", reply.text());
    }
    // The buckets refill at 3 a second: a second later both pass again.
    std::thread::sleep(Duration::from_millis(1_100));
    assert_eq!(swr(&emu, &format!("{NGINX}/tags/latest"), &[]).status, 200);
    assert_eq!(uhub(&emu, &image_tags()).json()["RetCode"], 0);
}

#[test]
fn without_a_rate_limit_nothing_is_throttled() {
    let emu = start(Emulator::builder().rate_limit(0));
    for _ in 0..50 {
        assert_eq!(swr(&emu, REPOS, &[]).status, 200);
    }
}

#[test]
fn every_delete_request_is_counted_whatever_its_answer() {
    let script = FaultConfig::script([Some(Fault::Unavailable)]);
    let emu = start(Emulator::builder().faults(script));
    assert_eq!(emu.delete_requests(), 0);
    // A faulted one (503): counted, nothing deleted.
    let faulted = swr_method(&emu, "DELETE", &format!("{NGINX}/tags/latest"));
    assert_eq!(faulted.status, 503);
    assert_eq!(swr(&emu, &format!("{NGINX}/tags/latest"), &[]).status, 200);
    assert_eq!(emu.delete_requests(), 1);
    // Deleted, not found, badly named, unsigned: all counted.
    assert_eq!(
        swr_method(&emu, "DELETE", &format!("{NGINX}/tags/latest")).status,
        200
    );
    assert_eq!(
        swr_method(&emu, "DELETE", &format!("{NGINX}/tags/latest")).status,
        404
    );
    assert_eq!(
        swr_method(&emu, "DELETE", &format!("{NGINX}/tags/-x")).status,
        400
    );
    let unsigned =
        common::send(emu.addr(), "DELETE", &format!("{NGINX}/tags/v1"), &[], b"").unwrap();
    assert_eq!(unsigned.status, 401);
    assert_eq!(emu.delete_requests(), 5);
    // UHub: deleted, missing, refused by its signature, by GET or POST.
    let delete = [
        ("Action", "DeleteRepoImage"),
        ("RepoName", "team"),
        ("ImageName", "nginx"),
        ("TagName", "1.24.0"),
    ];
    assert_eq!(uhub(&emu, &delete).json()["RetCode"], 0);
    assert_eq!(common::uhub_get(&emu, &delete).json()["RetCode"], 232);
    let mut body = common::form(&common::demo_keys(), &delete);
    body.push('x');
    assert_eq!(common::uhub_body(&emu, "/", &body).json()["RetCode"], 171);
    assert_eq!(emu.delete_requests(), 8);
    // Reads and other calls are not.
    swr(&emu, &format!("{NGINX}/tags"), &[]);
    swr(&emu, &format!("{NGINX}/tags/1.25.3"), &[]);
    uhub(&emu, &image_tags());
    uhub(
        &emu,
        &[("Action", "GetRepoImage"), ("RepoName", "DeleteRepoImage")],
    );
    swr_method(&emu, "DELETE", NGINX);
    assert_eq!(emu.delete_requests(), 8);
    assert!(emu.requests() > 8);
}

#[test]
fn a_throttled_delete_is_counted() {
    let emu = start(Emulator::builder().rate_limit(1));
    assert_eq!(
        swr_method(&emu, "DELETE", &format!("{NGINX}/tags/latest")).status,
        200
    );
    assert_eq!(
        swr_method(&emu, "DELETE", &format!("{NGINX}/tags/1.24.0")).status,
        429
    );
    assert_eq!(emu.delete_requests(), 2);
    assert_eq!(swr(&emu, &format!("{NGINX}/tags"), &[]).status, 429);
    std::thread::sleep(Duration::from_millis(1_100));
    assert_eq!(swr(&emu, &format!("{NGINX}/tags/1.24.0"), &[]).status, 200);
}

#[test]
fn faults_apply_to_the_tag_routes() {
    let script = FaultConfig::script([
        Some(Fault::InternalError),
        Some(Fault::TooManyRequests),
        Some(Fault::BadGateway),
        Some(Fault::RateLimited),
        Some(Fault::Unavailable),
        Some(Fault::TruncatedBody),
    ])
    .with_retry_after(Duration::from_secs(4));
    let emu = start(Emulator::builder().faults(script));
    let show = format!("{NGINX}/tags/latest");
    let token = vec![("X-Auth-Token".to_owned(), DEMO_TOKEN.to_owned())];
    let first = common::send(emu.addr(), "GET", &show, &token, b"").unwrap();
    assert_eq!(first.status, 500);
    assert_eq!(first.json()["errorCode"], "SVCSTG.SWR.5000001");
    let second = swr_method(&emu, "DELETE", &show);
    assert_eq!(
        (second.status, second.header("retry-after")),
        (429, Some("4"))
    );
    let third = swr_method(&emu, "DELETE", &show);
    assert_eq!(third.status, 502);
    // A faulted delete deletes nothing.
    let delete = [
        ("Action", "DeleteRepoImage"),
        ("RepoName", "team"),
        ("ImageName", "nginx"),
        ("TagName", "latest"),
    ];
    let limited = uhub(&emu, &delete).json();
    assert_eq!(
        (limited["RetCode"].clone(), limited["Action"].clone()),
        (153.into(), "DeleteRepoImageResponse".into())
    );
    assert_eq!(uhub(&emu, &delete).status, 503);
    // A truncated answer: the real one, cut, so this delete happened.
    let raw = common::exchange(
        emu.addr(),
        "POST",
        "/",
        &[(
            "Content-Type".to_owned(),
            "application/x-www-form-urlencoded".to_owned(),
        )],
        common::form(&common::demo_keys(), &delete).as_bytes(),
        Duration::from_secs(5),
    )
    .unwrap();
    assert!(
        common::parse(&raw).is_err(),
        "{}",
        String::from_utf8_lossy(&raw)
    );
    assert_eq!(swr(&emu, &show, &[]).status, 404);
    assert_eq!(emu.delete_requests(), 5);
}
