//! Each way verification fails has its own kind and a message that says what
//! went wrong; the messages are pinned with inline snapshots.

use std::collections::HashMap;

use jiff::Timestamp;
use wharf_auth::huawei::{self, ReceivedRequest, Request, VerifyErrorKind, VerifyOptions};
use wharf_auth::ucloud;

const NOW: i64 = 1_718_454_896; // 2024-06-15T12:34:56Z

fn now() -> Timestamp {
    Timestamp::from_second(NOW).expect("in range")
}

fn keys() -> HashMap<String, String> {
    HashMap::from([("AK".to_owned(), "SK".to_owned())])
}

/// Headers of a request signed by `AK`/`SK` at `at`.
fn signed_headers(at: Timestamp) -> Vec<(String, String)> {
    let creds = huawei::Credentials::new("AK", "SK").expect("valid");
    let mut headers = vec![("Host".to_owned(), "localhost".to_owned())];
    huawei::sign(
        &creds,
        &Request::new("GET", "/v2/manage/repos").with_headers(&headers),
        at,
    )
    .expect("has a Host")
    .headers()
    .apply_to(&mut headers);
    headers
}

fn set(headers: &mut Vec<(String, String)>, name: &str, value: Option<&str>) {
    headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    if let Some(value) = value {
        headers.push((name.to_owned(), value.to_owned()));
    }
}

fn verify(headers: &[(String, String)]) -> (VerifyErrorKind, String) {
    let received = ReceivedRequest::new("GET", "/v2/manage/repos").with_headers(headers);
    let e = huawei::verify(&received, &keys(), now(), &VerifyOptions::default())
        .expect_err("should fail");
    (e.kind(), e.to_string())
}

#[test]
fn missing_authorization() {
    let mut headers = signed_headers(now());
    set(&mut headers, "Authorization", None);
    let (kind, message) = verify(&headers);
    assert_eq!(kind, VerifyErrorKind::MissingAuthorization);
    insta::assert_snapshot!(message, @"missing Authorization header");
}

#[test]
fn malformed_authorization() {
    let mut headers = signed_headers(now());
    set(
        &mut headers,
        "Authorization",
        Some("SDK-HMAC-SHA256 Access=AK"),
    );
    let (kind, message) = verify(&headers);
    assert_eq!(kind, VerifyErrorKind::MalformedAuthorization);
    insta::assert_snapshot!(message, @"malformed Authorization header: parameter SignedHeaders is missing");

    let sig = "0".repeat(64);
    let without_date = format!("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature={sig}");
    set(&mut headers, "Authorization", Some(&without_date));
    let (kind, message) = verify(&headers);
    assert_eq!(kind, VerifyErrorKind::MalformedAuthorization);
    insta::assert_snapshot!(message, @"malformed Authorization header: SignedHeaders does not include x-sdk-date");
}

#[test]
fn missing_date() {
    let mut headers = signed_headers(now());
    set(&mut headers, "X-Sdk-Date", None);
    let (kind, message) = verify(&headers);
    assert_eq!(kind, VerifyErrorKind::MissingDate);
    insta::assert_snapshot!(message, @"missing X-Sdk-Date header");
}

#[test]
fn malformed_date() {
    let mut headers = signed_headers(now());
    set(&mut headers, "X-Sdk-Date", Some("2024-06-15T12:34:56Z"));
    let (kind, message) = verify(&headers);
    assert_eq!(kind, VerifyErrorKind::MalformedDate);
    insta::assert_snapshot!(message, @r#"X-Sdk-Date "2024-06-15T12:34:56Z" is not of the form YYYYMMDDTHHMMSSZ (like 20240615T123456Z)"#);
}

#[test]
fn date_outside_the_allowed_skew() {
    let late = Timestamp::from_second(NOW - 16 * 60).expect("in range");
    let (kind, message) = verify(&signed_headers(late));
    assert_eq!(kind, VerifyErrorKind::ClockSkew);
    insta::assert_snapshot!(message, @"X-Sdk-Date 20240615T121856Z is 960 s behind the verifier's clock, more than the 900 s allowed");

    let early = Timestamp::from_second(NOW + 15 * 60).expect("in range");
    let received = ReceivedRequest::new("GET", "/v2/manage/repos");
    let headers = signed_headers(early);
    let received = received.with_headers(&headers);
    assert!(huawei::verify(&received, &keys(), now(), &VerifyOptions::default()).is_ok());
}

#[test]
fn unknown_access_key() {
    let creds = huawei::Credentials::new("OTHER", "SK").expect("valid");
    let mut headers = vec![("Host".to_owned(), "localhost".to_owned())];
    huawei::sign(
        &creds,
        &Request::new("GET", "/v2/manage/repos").with_headers(&headers),
        now(),
    )
    .expect("has a Host")
    .headers()
    .apply_to(&mut headers);
    let (kind, message) = verify(&headers);
    assert_eq!(kind, VerifyErrorKind::UnknownAccessKey);
    insta::assert_snapshot!(message, @r#"unknown access key "OTHER""#);
}

#[test]
fn invalid_signature() {
    let mut headers = signed_headers(now());
    set(&mut headers, "Host", Some("elsewhere"));
    let (kind, message) = verify(&headers);
    assert_eq!(kind, VerifyErrorKind::InvalidSignature);
    insta::assert_snapshot!(message, @"the signature does not match the request");

    set(&mut headers, "Host", None);
    let (kind, message) = verify(&headers);
    assert_eq!(kind, VerifyErrorKind::InvalidSignature);
    insta::assert_snapshot!(message, @"signed header host is not in the request");
}

#[test]
fn ucloud_failures_map_to_retcodes() {
    let keys = HashMap::from([("pk".to_owned(), "sk".to_owned())]);
    let creds = ucloud::Credentials::new("pk", "sk").expect("valid");
    let signed = ucloud::sign(&creds, &[("Action", ucloud::Value::from("GetRepo"))]);
    let pairs: Vec<(String, String)> = signed
        .pairs()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let without = |name: &str| -> Vec<(String, String)> {
        pairs.iter().filter(|(k, _)| k != name).cloned().collect()
    };
    let mut wrong_user = pairs.clone();
    wrong_user[1].1 = "nobody".to_owned();
    let mut wrong_signature = pairs.clone();
    wrong_signature[2].1 = "0".repeat(40);

    let messages: Vec<String> = [
        without("Signature"),
        without("PublicKey"),
        wrong_user,
        wrong_signature,
    ]
    .iter()
    .map(|p| {
        let e = ucloud::verify(p, &keys).expect_err("should fail");
        format!("{:?} {}: {e}", e.kind(), e.ret_code())
    })
    .collect();
    insta::assert_snapshot!(messages.join("\n"), @r#"
    MissingSignature 170: missing Signature parameter (RetCode 170)
    MissingPublicKey 172: missing PublicKey parameter (RetCode 172)
    UnknownPublicKey 172: no user with public key "nobody" (RetCode 172)
    WrongSignature 171: the signature does not match the parameters (RetCode 171)
    "#);
}

/// Headers of a `GET /v2/manage/repos` signed by `AK`/`SK` now, with
/// `extra` sent (and signed) besides `Host`.
fn signed_with(creds: &huawei::Credentials, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut headers = vec![("Host".to_owned(), "localhost".to_owned())];
    headers.extend(
        extra
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned())),
    );
    let request = Request::new("GET", "/v2/manage/repos").with_headers(&headers);
    let signed = huawei::sign(creds, &request, now()).expect("has a Host");
    signed.headers().apply_to(&mut headers);
    headers
}

#[test]
fn a_second_copy_of_a_signed_header_is_refused() {
    let creds = huawei::Credentials::new("AK", "SK")
        .and_then(|c| c.with_project_id("victim"))
        .expect("valid");
    let headers = signed_with(&creds, &[]);
    let received = ReceivedRequest::new("GET", "/v2/manage/repos").with_headers(&headers);
    assert!(huawei::verify(&received, &keys(), now(), &VerifyOptions::default()).is_ok());

    // A server reading the first X-Project-Id would act on the unsigned one.
    let mut prepended = vec![("X-Project-Id".to_owned(), "other".to_owned())];
    prepended.extend(headers.iter().cloned());
    let (kind, message) = verify(&prepended);
    assert_eq!(kind, VerifyErrorKind::InvalidSignature);
    insta::assert_snapshot!(message, @"signed header x-project-id appears twice in the request but once in SignedHeaders");

    // Appended, in another letter case, even with the same value.
    let mut appended = headers.clone();
    appended.push(("x-project-id".to_owned(), "victim".to_owned()));
    let (kind, message) = verify(&appended);
    assert_eq!(kind, VerifyErrorKind::InvalidSignature);
    insta::assert_snapshot!(message, @"signed header x-project-id appears twice in the request but once in SignedHeaders");

    // A second Host too.
    let mut two_hosts = headers;
    two_hosts.insert(0, ("host".to_owned(), "elsewhere".to_owned()));
    let (kind, message) = verify(&two_hosts);
    assert_eq!(kind, VerifyErrorKind::InvalidSignature);
    insta::assert_snapshot!(message, @"signed header host appears twice in the request but once in SignedHeaders");
}

#[test]
fn names_that_differ_only_in_case_are_signed_twice() {
    let creds = huawei::Credentials::new("AK", "SK").expect("valid");
    // The SDK lists such a name twice in SignedHeaders; both lines carry the
    // last value. With equal values every copy is covered: accepted.
    let same = signed_with(&creds, &[("X-Custom", "v"), ("x-custom", " v ")]);
    let received = ReceivedRequest::new("GET", "/v2/manage/repos").with_headers(&same);
    let verified = huawei::verify(&received, &keys(), now(), &VerifyOptions::default())
        .expect("equal copies verify");
    assert_eq!(
        verified.signed_headers,
        ["host", "x-custom", "x-custom", "x-sdk-date"]
    );

    // With different values the first one is signed nowhere: refused.
    let different = signed_with(&creds, &[("X-Custom", "unsigned"), ("x-custom", "signed")]);
    let (kind, message) = verify(&different);
    assert_eq!(kind, VerifyErrorKind::InvalidSignature);
    insta::assert_snapshot!(message, @"signed header x-custom appears twice with different values; the signature covers only one");

    // One copy dropped: listed twice, sent once.
    let mut one = same.clone();
    one.retain(|(n, _)| n != "x-custom");
    let (kind, message) = verify(&one);
    assert_eq!(kind, VerifyErrorKind::InvalidSignature);
    insta::assert_snapshot!(message, @"signed header x-custom appears once in the request but twice in SignedHeaders");
}

#[test]
fn host_must_be_signed() {
    let mut headers = signed_headers(now());
    let sig = "0".repeat(64);
    let without_host =
        format!("SDK-HMAC-SHA256 Access=AK, SignedHeaders=x-sdk-date, Signature={sig}");
    set(&mut headers, "Authorization", Some(&without_host));
    let (kind, message) = verify(&headers);
    assert_eq!(kind, VerifyErrorKind::MalformedAuthorization);
    insta::assert_snapshot!(message, @"malformed Authorization header: SignedHeaders does not include host");
}

/// Verifies a request signed at `signed_at` on a verifier whose clock says `at`.
fn verify_at(
    signed_at: Timestamp,
    at: Timestamp,
    options: &VerifyOptions,
) -> Result<(), (VerifyErrorKind, String)> {
    let headers = signed_headers(signed_at);
    let received = ReceivedRequest::new("GET", "/v2/manage/repos").with_headers(&headers);
    huawei::verify(&received, &keys(), at, options)
        .map(|_| ())
        .map_err(|e| (e.kind(), e.to_string()))
}

#[test]
fn skew_is_compared_exactly() {
    let options = VerifyOptions::default();
    let second = |s: i64| Timestamp::from_second(s).expect("in range");
    let early = verify_at(second(NOW + 15 * 60 + 1), now(), &options);
    insta::assert_snapshot!(early.expect_err("901 s ahead").1, @"X-Sdk-Date 20240615T124957Z is 901 s ahead of the verifier's clock, more than the 900 s allowed");
    assert_eq!(verify_at(second(NOW - 15 * 60), now(), &options), Ok(()));
    assert_eq!(verify_at(second(NOW + 15 * 60), now(), &options), Ok(()));

    // The clock reads a fraction of a second past 900 s after the date.
    let half = jiff::SignedDuration::from_millis(500);
    let late = verify_at(second(NOW - 15 * 60), now() + half, &options);
    let (kind, message) = late.expect_err("900.5 s behind");
    assert_eq!(kind, VerifyErrorKind::ClockSkew);
    insta::assert_snapshot!(message, @"X-Sdk-Date 20240615T121956Z is 900.5 s behind the verifier's clock, more than the 900 s allowed");
    assert_eq!(
        verify_at(second(NOW + 15 * 60), now() + half, &options),
        Ok(())
    );
    // Whole seconds would call both of these 900 s.
    let nanosecond = jiff::SignedDuration::from_nanos(1);
    let over = verify_at(
        second(NOW - 15 * 60 - 1),
        now() - half - half + nanosecond,
        &options,
    );
    assert_eq!(over.map_err(|e| e.0), Err(VerifyErrorKind::ClockSkew));
    assert_eq!(
        verify_at(second(NOW - 15 * 60), now() - nanosecond, &options),
        Ok(())
    );

    // A limit with a fraction, negative, or extreme.
    let fraction = VerifyOptions::default().with_max_skew(jiff::SignedDuration::from_millis(1500));
    assert_eq!(verify_at(now(), now() + half, &fraction), Ok(()));
    let (kind, message) = verify_at(now(), now() + jiff::SignedDuration::from_secs(2), &fraction)
        .expect_err("2 s > 1.5 s");
    assert_eq!(kind, VerifyErrorKind::ClockSkew);
    insta::assert_snapshot!(message, @"X-Sdk-Date 20240615T123456Z is 2 s behind the verifier's clock, more than the 1.5 s allowed");
    let negative = VerifyOptions::default().with_max_skew(jiff::SignedDuration::from_secs(-60));
    assert_eq!(verify_at(second(NOW - 60), now(), &negative), Ok(()));
    for extreme in [jiff::SignedDuration::MIN, jiff::SignedDuration::MAX] {
        let options = VerifyOptions::default().with_max_skew(extreme);
        assert_eq!(verify_at(second(0), now(), &options), Ok(()));
    }
}

#[test]
fn ucloud_refuses_a_repeated_parameter() {
    let keys = HashMap::from([("pk".to_owned(), "sk".to_owned())]);
    let creds = ucloud::Credentials::new("pk", "sk").expect("valid");
    let signed = ucloud::sign(&creds, &[("RepoName", ucloud::Value::from("mine"))]);
    let pairs: Vec<(String, String)> = signed
        .pairs()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    assert!(ucloud::verify(&pairs, &keys).is_ok());

    // A server reading the first RepoName would act on the unsigned one.
    let mut prepended = vec![("RepoName".to_owned(), "yours".to_owned())];
    prepended.extend(pairs.iter().cloned());
    let e = ucloud::verify(&prepended, &keys).expect_err("repeated");
    assert_eq!(e.kind(), ucloud::VerifyErrorKind::DuplicateParameter);
    assert_eq!(e.ret_code(), 171);
    insta::assert_snapshot!(e.to_string(), @r#"parameter "RepoName" appears more than once (RetCode 171)"#);

    // Even with the same value, and for Signature and PublicKey too.
    for name in ["RepoName", "Signature", "PublicKey"] {
        let mut twice = pairs.clone();
        let copy = twice
            .iter()
            .find(|(k, _)| k == name)
            .cloned()
            .expect("sent");
        twice.push(copy);
        let e = ucloud::verify(&twice, &keys).expect_err("repeated");
        assert_eq!(
            e.kind(),
            ucloud::VerifyErrorKind::DuplicateParameter,
            "{name}"
        );
    }
}

/// Found by the `huawei_verify` fuzz target: the signer takes an announced
/// `X-Sdk-Content-Sha256` as the payload hash (as the SDK does), so a
/// request announcing a hash that is not its body's is signed, and the
/// verifier refuses it. The fuzzer's request, reduced.
#[test]
fn an_announced_payload_hash_that_is_not_the_bodys() {
    let creds = huawei::Credentials::new("AK", "SK").expect("valid");
    let body = b"plain text body";
    let body_hash = "9fc5d90c995fdacb82e2cb454025e169a5b94d0cd31051d23e82d51338311da8";
    let send = |announced: &str| {
        let mut headers = vec![
            ("Content-Typ".to_owned(), "xeett/plain".to_owned()),
            (
                "Host".to_owned(),
                "swr-api.cn-north-3.myhuaweicloud.com".to_owned(),
            ),
            ("X-Sdk-Content-Sha256".to_owned(), announced.to_owned()),
        ];
        let request = Request::new("POST", "/v2/manage/upload")
            .with_headers(&headers)
            .with_body(body);
        huawei::sign(&creds, &request, now())
            .expect("has a Host")
            .headers()
            .apply_to(&mut headers);
        let received = ReceivedRequest::new("POST", "/v2/manage/upload")
            .with_headers(&headers)
            .with_body(body);
        huawei::verify(&received, &keys(), now(), &VerifyOptions::default())
            .map(|_| ())
            .map_err(|e| (e.kind(), e.to_string()))
    };
    let (kind, message) = send("U10796ed691bd8af9bb103eef096659e85b9ec").unwrap_err();
    assert_eq!(kind, VerifyErrorKind::InvalidSignature);
    insta::assert_snapshot!(message, @"the body does not match the signed X-Sdk-Content-Sha256");
    assert_eq!(send("UNSIGNED-PAYLOAD"), Ok(()));
    assert_eq!(send(body_hash), Ok(()));
    assert_eq!(send(&body_hash.to_ascii_uppercase()), Ok(()));
}
