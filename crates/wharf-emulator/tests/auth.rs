//! Signatures and tokens, verified with wharf-auth, over real HTTP.

mod common;

use std::time::Duration;

use common::{demo_creds, form, send, start, swr, swr_signed, swr_token, uhub, uhub_body};
use wharf_auth::huawei::Credentials;
use wharf_auth::ucloud;
use wharf_emulator::{AuthConfig, DEMO_HUAWEI_AK, DEMO_TOKEN, Emulator};

const REPOS: &str = "/v2/manage/repos";

fn demo() -> Emulator {
    start(Emulator::builder())
}

/// Checks a gateway 401 whose message contains `needle`.
fn assert_refused(reply: &common::Reply, needle: &str) {
    assert_eq!(reply.status, 401, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["error_code"], "APIGW.0301");
    let message = body["error_msg"].as_str().unwrap();
    assert!(message.contains(needle), "{message:?} lacks {needle:?}");
    assert!(reply.header("x-request-id").is_some());
}

#[test]
fn huawei_signatures_are_checked() {
    let emu = demo();
    assert_eq!(swr(&emu, REPOS, &[("namespace", "team")]).status, 200);
    let unsigned = send(emu.addr(), "GET", REPOS, &[], b"").unwrap();
    assert_refused(&unsigned, "missing Authorization header");
    // A first curl without credentials is told how to get through, and no
    // secret is printed.
    assert_refused(&unsigned, "X-Auth-Token");
    assert_refused(&unsigned, "--no-auth");
    assert!(!unsigned.text().contains(wharf_emulator::DEMO_HUAWEI_SK));
    assert!(!unsigned.text().contains(wharf_emulator::DEMO_TOKEN));
    let wrong_sk = Credentials::new(DEMO_HUAWEI_AK, "not-the-secret").unwrap();
    let reply = swr_signed(&emu, &wrong_sk, REPOS, &[], jiff::Timestamp::now());
    assert_refused(&reply, "signature does not match");
    let unknown = Credentials::new("SOMEONEELSE", "secret").unwrap();
    let reply = swr_signed(&emu, &unknown, REPOS, &[], jiff::Timestamp::now());
    assert_refused(&reply, "unknown access key \"SOMEONEELSE\"");
    let an_hour_ago = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1);
    let reply = swr_signed(&emu, &demo_creds(), REPOS, &[], an_hour_ago);
    assert_refused(&reply, "behind the verifier's clock");
}

#[test]
fn a_changed_request_fails_its_signature() {
    let emu = demo();
    let query = vec![("namespace".to_owned(), "team".to_owned())];
    let host = vec![("Host".to_owned(), emu.addr().to_string())];
    let request = wharf_auth::huawei::Request::new("GET", REPOS)
        .with_query(&query)
        .with_headers(&host);
    let mut headers = host.clone();
    wharf_auth::huawei::sign(&demo_creds(), &request, jiff::Timestamp::now())
        .expect("the request has a Host header")
        .headers()
        .apply_to(&mut headers);
    let ok = send(emu.addr(), "GET", &request.wire_target(), &headers, b"").unwrap();
    assert_eq!(ok.status, 200);
    let changed = send(
        emu.addr(),
        "GET",
        "/v2/manage/repos?namespace=ml-lab",
        &headers,
        b"",
    );
    assert_refused(&changed.unwrap(), "signature does not match");
}

#[test]
fn tokens_are_checked() {
    let emu = demo();
    assert_eq!(swr_token(&emu, REPOS, DEMO_TOKEN).status, 200);
    assert_refused(&swr_token(&emu, REPOS, "stolen"), "token is not valid");
}

#[test]
fn configured_credentials_replace_the_demo_ones() {
    let auth = AuthConfig::empty()
        .with_huawei_key("MYAK", "MYSK")
        .with_token("my-token")
        .with_ucloud_key("my-public", "my-private");
    let emu = start(Emulator::builder().auth(auth));
    let mine = Credentials::new("MYAK", "MYSK").unwrap();
    assert_eq!(
        swr_signed(&emu, &mine, REPOS, &[], jiff::Timestamp::now()).status,
        200
    );
    assert_eq!(swr(&emu, REPOS, &[]).status, 401);
    assert_eq!(swr_token(&emu, REPOS, "my-token").status, 200);
    assert_eq!(swr_token(&emu, REPOS, DEMO_TOKEN).status, 401);
    let keys = ucloud::Credentials::new("my-public", "my-private").unwrap();
    let body = form(&keys, &[("Action", "GetRepo")]);
    assert_eq!(uhub_body(&emu, "/", &body).json()["RetCode"], 0);
    assert_eq!(uhub(&emu, &[("Action", "GetRepo")]).json()["RetCode"], 172);
}

#[test]
fn skew_is_configurable() {
    let auth = AuthConfig::demo().with_max_skew(Duration::from_secs(2 * 3600));
    let emu = start(Emulator::builder().auth(auth));
    let an_hour_ago = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1);
    assert_eq!(
        swr_signed(&emu, &demo_creds(), REPOS, &[], an_hour_ago).status,
        200
    );
}

#[test]
fn ucloud_signatures_are_checked() {
    let emu = demo();
    let ret = |body: &str| uhub_body(&emu, "/", body).json()["RetCode"].clone();
    assert_eq!(ret("Action=GetRepo&PublicKey=wharf-demo-public-key"), 170);
    assert_eq!(
        ret("Action=GetRepo&PublicKey=wharf-demo-public-key&Signature=0000"),
        171
    );
    assert_eq!(ret("Action=GetRepo&Signature=0000"), 172);
    let stranger = ucloud::Credentials::new("stranger", "secret").unwrap();
    assert_eq!(ret(&form(&stranger, &[("Action", "GetRepo")])), 172);
    let signed = form(
        &common::demo_keys(),
        &[("Action", "GetRepo"), ("Limit", "1")],
    );
    assert_eq!(ret(&signed), 0);
    let tampered = signed.replace("Limit=1", "Limit=2");
    let reply = uhub_body(&emu, "/", &tampered).json();
    assert_eq!(reply["RetCode"], 171);
    assert_eq!(reply["Action"], "GetRepoResponse");
}

#[test]
fn no_auth_accepts_anything_and_auth_can_change_while_running() {
    let emu = start(Emulator::builder().no_auth());
    assert_eq!(
        send(emu.addr(), "GET", REPOS, &[], b"").unwrap().status,
        200
    );
    let body = "Action=GetRepoImage&RepoName=team";
    assert_eq!(uhub_body(&emu, "/", body).json()["RetCode"], 0);
    emu.set_auth(AuthConfig::demo());
    assert_eq!(
        send(emu.addr(), "GET", REPOS, &[], b"").unwrap().status,
        401
    );
    assert_eq!(uhub_body(&emu, "/", body).json()["RetCode"], 170);
}
