//! The Huawei `SDK-HMAC-SHA256` verifier (`wharf_auth::huawei::verify`, what
//! the emulator runs on every SWR request) on requests read from the input
//! as HTTP/1.1 text:
//!
//! ```text
//! GET /v2/manage/repos?filter=namespace%3A%3Ateam
//! Host: swr-api.cn-north-4.myhuaweicloud.com
//! X-Sdk-Date: 20240615T123456Z
//! Authorization: SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...
//!
//! body
//! ```
//!
//! The key store holds the keys of `tests/fixtures/signing/huawei.json`, so
//! the seeds (its vectors, as sent) verify and every mutation of them runs
//! the whole verifier. "Now" is the request's own `X-Sdk-Date` plus a skew
//! from the body's length. A request without `Authorization` is also signed
//! with a fuzz key and verified: one with plain headers (and no announced
//! payload hash other than `UNSIGNED-PAYLOAD`) must verify.
//!
//! Never panics, and every error has a message.
#![no_main]

use jiff::{SignedDuration, Timestamp};
use libfuzzer_sys::fuzz_target;
use wharf_auth::huawei::{self, Credentials, ReceivedRequest, Request, VerifyOptions};

/// The keys of the signing vectors, and the fuzz key.
const KEYS: &[(&str, &str)] = &[
    (
        "QTWAOYTTINDUT2QVKYUC",
        "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
    ),
    (
        "WHARFEXAMPLEAK000001",
        "wharfExampleSecretKey0000000000000000001",
    ),
    ("FUZZACCESSKEY", "fuzz-secret-key"),
];

/// A request read from text.
struct Parsed {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn parse(data: &[u8]) -> Parsed {
    let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (&data[..at], data[at + 2..].to_vec()),
        None => (data, Vec::new()),
    };
    let head = String::from_utf8_lossy(head);
    let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let first = lines.next().unwrap_or_default();
    let (method, target) = first.split_once(' ').unwrap_or((first, ""));
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let headers = lines
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap_or((line, ""));
            (
                name.to_owned(),
                value.strip_prefix(' ').unwrap_or(value).to_owned(),
            )
        })
        .collect();
    Parsed {
        method: method.to_owned(),
        path: path.to_owned(),
        query: query.to_owned(),
        headers,
        body,
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn keys() -> Vec<Credentials> {
    KEYS.iter()
        .map(|(ak, sk)| Credentials::new(*ak, *sk).expect("valid"))
        .collect()
}

fn verify(request: &Parsed, now: Timestamp) -> bool {
    let received = ReceivedRequest::new(&request.method, &request.path)
        .with_query(&request.query)
        .with_headers(&request.headers)
        .with_body(&request.body);
    match huawei::verify(&received, &keys(), now, &VerifyOptions::default()) {
        Ok(verified) => {
            assert!(KEYS.iter().any(|(ak, _)| *ak == verified.access_key));
            true
        }
        Err(e) => {
            assert!(!e.to_string().is_empty());
            let _ = (e.kind(), e.canonical_request());
            false
        }
    }
}

/// A header the HTTP stack could carry as is: a token name, a printable
/// ASCII value.
fn plain(name: &str, value: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        && value.bytes().all(|b| (b' '..=b'~').contains(&b))
}

fuzz_target!(|data: &[u8]| {
    let request = parse(data);
    let skew = SignedDuration::from_secs(request.body.len() as i64 * 7 - 600);
    let date = header(&request.headers, "x-sdk-date")
        .and_then(|d| huawei::parse_sdk_date(d).ok())
        .unwrap_or(Timestamp::from_second(1_718_454_896).expect("in range"));
    verify(&request, date.checked_add(skew).unwrap_or(date));

    if header(&request.headers, "authorization").is_some() {
        return;
    }
    // Signed with the fuzz key, as the client would send it.
    let (ak, sk) = KEYS[2];
    let credentials = Credentials::new(ak, sk).expect("valid");
    let pairs = huawei::parse_query(&request.query);
    let mut headers = request.headers.clone();
    let unsigned = Request::new(&request.method, &request.path)
        .with_query(&pairs)
        .with_headers(&headers)
        .with_body(&request.body);
    let signed = match huawei::sign(&credentials, &unsigned, date) {
        Ok(signed) => signed,
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    let plainly = headers.iter().all(|(n, v)| plain(n, v))
        && !headers
            .iter()
            .enumerate()
            .any(|(i, (n, _))| headers[..i].iter().any(|(m, _)| m.eq_ignore_ascii_case(n)))
        && !request.method.is_empty()
        && request.method.bytes().all(|b| b.is_ascii_uppercase())
        // The signer takes an announced X-Sdk-Content-Sha256 as the payload
        // hash, as the SDK does; the verifier refuses one that is not the
        // body's (or UNSIGNED-PAYLOAD). Such a request is signed wrongly on
        // purpose.
        && (request.body.is_empty()
            || header(&headers, "x-sdk-content-sha256")
                .is_none_or(|v| v.trim().is_empty() || v.trim() == "UNSIGNED-PAYLOAD"))
        && request.path.starts_with('/')
        && request
            .path
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'%' && b != b'?' && b != b'#');
    signed.headers().apply_to(&mut headers);
    let sent = Parsed {
        method: request.method.clone(),
        path: request.path.clone(),
        query: huawei::wire_query(&pairs),
        headers,
        body: request.body.clone(),
    };
    let ok = verify(&sent, date);
    if plainly {
        assert!(
            ok,
            "a plainly signed request does not verify: {:?}",
            String::from_utf8_lossy(data)
        );
    }
});
