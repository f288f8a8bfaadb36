//! Secrets never show in `Debug` output or in error messages.

use wharf_auth::huawei::{self, Auth, Credentials, IamToken, ReceivedRequest, Request};
use wharf_auth::ucloud::{self, Value};

const SECRET_KEY: &str = "SECRET-KEY-do-not-print";
const SECURITY_TOKEN: &str = "SECURITY-TOKEN-do-not-print";
const IAM_TOKEN: &str = "IAM-TOKEN-do-not-print";
const PRIVATE_KEY: &str = "PRIVATE-KEY-do-not-print";

fn assert_hidden(shown: &str) {
    for secret in [SECRET_KEY, SECURITY_TOKEN, IAM_TOKEN, PRIVATE_KEY] {
        assert!(!shown.contains(secret), "{secret} shows in {shown}");
    }
}

fn huawei_credentials() -> Credentials {
    Credentials::new("AKVISIBLE", SECRET_KEY)
        .and_then(|c| c.with_security_token(SECURITY_TOKEN))
        .and_then(|c| c.with_project_id("project-visible"))
        .expect("valid")
}

#[test]
fn huawei_credentials_debug_hides_secrets() {
    let creds = huawei_credentials();
    let shown = format!("{creds:?} {creds:#?}");
    assert_hidden(&shown);
    assert!(shown.contains("AKVISIBLE") && shown.contains("project-visible"));

    let token = IamToken::new(IAM_TOKEN).expect("valid");
    assert_hidden(&format!("{token:?} {:?}", Auth::from(token.clone())));
    assert_hidden(&format!("{:?}", Auth::from(creds)));
}

#[test]
fn signing_output_debug_hides_secrets() {
    let headers = vec![("Host".to_owned(), "example.com".to_owned())];
    let request = Request::new("GET", "/").with_headers(&headers);
    let now = jiff::Timestamp::from_second(1_700_000_000).expect("in range");
    let signed = huawei::sign(&huawei_credentials(), &request, now).expect("has a Host");
    assert_hidden(&format!("{signed:?} {:?}", signed.canonical_request()));
    // The token is sent, of course: it is only kept out of Debug.
    assert_eq!(
        signed.headers().get("X-Security-Token"),
        Some(SECURITY_TOKEN)
    );

    let token = Auth::from(IamToken::new(IAM_TOKEN).expect("valid"));
    let token_headers = token.headers_for(&request, now).expect("a token");
    assert_hidden(&format!("{token_headers:?}"));
    assert_eq!(token_headers.get("x-auth-token"), Some(IAM_TOKEN));
}

#[test]
fn verify_errors_hide_secrets() {
    let creds = huawei_credentials();
    let mut headers = vec![("Host".to_owned(), "example.com".to_owned())];
    let now = jiff::Timestamp::from_second(1_700_000_000).expect("in range");
    huawei::sign(
        &creds,
        &Request::new("GET", "/a").with_headers(&headers),
        now,
    )
    .expect("has a Host")
    .headers()
    .apply_to(&mut headers);
    let received = ReceivedRequest::new("GET", "/b").with_headers(&headers);
    let error = huawei::verify(&received, &creds, now, &Default::default()).expect_err("tampered");
    assert_eq!(error.kind(), huawei::VerifyErrorKind::InvalidSignature);
    assert_hidden(&format!("{error} {error:?}"));
    let canonical = error
        .canonical_request()
        .expect("kept for InvalidSignature");
    assert_hidden(canonical);
    assert!(
        canonical.contains("\nx-security-token:<redacted>\n"),
        "{canonical}"
    );
}

#[test]
fn canonical_requests_redact_tokens_but_sign_the_real_ones() {
    // An IAM token passed along as an ordinary header is redacted too.
    let headers = [("Host", "example.com"), ("X-Auth-Token", IAM_TOKEN)]
        .map(|(n, v)| (n.to_owned(), v.to_owned()));
    let request = Request::new("GET", "/").with_headers(&headers);
    let now = jiff::Timestamp::from_second(1_700_000_000).expect("in range");
    let signed = huawei::sign(&huawei_credentials(), &request, now).expect("has a Host");
    let canonical = signed.canonical_request();
    let text = canonical.to_string();
    assert_hidden(&text);
    assert_hidden(&canonical.headers);
    assert_hidden(&format!(
        "{canonical:?} {canonical:#?} {signed:?} {signed:#?}"
    ));
    assert!(text.contains("\nx-auth-token:<redacted>\n"), "{text}");
    assert!(text.contains("\nx-security-token:<redacted>\n"), "{text}");
    assert!(text.contains("\nhost:example.com\n"), "{text}");

    // The hash, and so the signature, cover the real values, not the text shown.
    let real = text
        .replace(
            "x-auth-token:<redacted>",
            &format!("x-auth-token:{IAM_TOKEN}"),
        )
        .replace(
            "x-security-token:<redacted>",
            &format!("x-security-token:{SECURITY_TOKEN}"),
        );
    assert_eq!(canonical.hash(), sha256_hex(&real));
    assert_ne!(canonical.hash(), sha256_hex(&text));
    let mut sent = headers.to_vec();
    signed.headers().apply_to(&mut sent);
    let received = ReceivedRequest::new("GET", "/").with_headers(&sent);
    huawei::verify(&received, &huawei_credentials(), now, &Default::default())
        .expect("signed over the real tokens");
}

fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(text.as_bytes()))
}

#[test]
fn credential_errors_name_the_field_not_the_value() {
    let error = Credentials::new("AK", "sk")
        .and_then(|c| c.with_security_token(format!("{SECURITY_TOKEN}\n")))
        .expect_err("newline");
    assert_hidden(&format!("{error} {error:?}"));
    assert!(error.to_string().starts_with("security token"));
}

#[test]
fn ucloud_credentials_debug_hides_the_private_key() {
    let creds = ucloud::Credentials::new("public-visible", PRIVATE_KEY).expect("valid");
    let shown = format!("{creds:?} {creds:#?}");
    assert_hidden(&shown);
    assert!(shown.contains("public-visible"));
    let signed = ucloud::sign(&creds, &[("Action", Value::from("GetRepo"))]);
    assert_hidden(&format!("{signed:?} {}", signed.form_body()));
    let mut pairs: Vec<(String, String)> = signed
        .pairs()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    pairs[0].1.push('x');
    let error = ucloud::verify(&pairs, &creds).expect_err("tampered");
    assert_hidden(&format!("{error} {error:?}"));
}
