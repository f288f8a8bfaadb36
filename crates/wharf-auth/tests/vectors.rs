//! Checks every vector in `tests/fixtures/signing/*.json`, generated with the
//! official Python SDKs by `cargo xtask vectors`, plus the
//! public vectors from the providers' own documentation.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;
use wharf_auth::huawei::{self, ReceivedRequest, Request};
use wharf_auth::ucloud::{self, Value};

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/signing")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

// ---------------------------------------------------------------- Huawei

#[derive(Deserialize)]
struct HuaweiFile {
    note: String,
    uri_cases: Vec<UriCase>,
    query_cases: Vec<QueryCase>,
    requests: Vec<HuaweiVector>,
}

#[derive(Deserialize)]
struct UriCase {
    path: String,
    canonical_uri: String,
}

#[derive(Deserialize)]
struct QueryCase {
    query: Vec<(String, String)>,
    canonical_query: String,
}

#[derive(Deserialize)]
struct HuaweiVector {
    name: String,
    credentials: HuaweiCredentials,
    date: String,
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: String,
    expected: HuaweiExpected,
    /// Set when the signer matches the SDK but our verifier refuses what it
    /// sends (a header name in two letter cases with different values).
    #[serde(default)]
    verifier_refuses: Option<String>,
}

#[derive(Deserialize)]
struct HuaweiCredentials {
    access_key: String,
    secret_key: String,
    project_id: Option<String>,
    security_token: Option<String>,
}

#[derive(Deserialize)]
struct HuaweiExpected {
    canonical_request: String,
    string_to_sign: String,
    authorization: String,
    wire_target: String,
    added_headers: Vec<(String, String)>,
    sent_headers: Vec<(String, String)>,
}

fn huawei_file() -> HuaweiFile {
    serde_json::from_str(&fixture("huawei.json")).expect("huawei.json parses")
}

impl HuaweiCredentials {
    fn build(&self) -> huawei::Credentials {
        let mut creds =
            huawei::Credentials::new(&self.access_key, &self.secret_key).expect("valid keys");
        if let Some(token) = &self.security_token {
            creds = creds.with_security_token(token).expect("valid token");
        }
        if let Some(project) = &self.project_id {
            creds = creds.with_project_id(project).expect("valid project id");
        }
        creds
    }
}

impl HuaweiVector {
    fn request(&self) -> Request<'_> {
        Request::new(&self.method, &self.path)
            .with_query(&self.query)
            .with_headers(&self.headers)
            .with_body(self.body.as_bytes())
    }

    fn now(&self) -> jiff::Timestamp {
        huawei::parse_sdk_date(&self.date).expect("vector date parses")
    }
}

/// The SDK's canonical request as ours prints it: token values redacted.
fn redact_tokens(canonical_request: &str) -> String {
    canonical_request
        .split('\n')
        .map(|line| {
            match ["x-security-token:", "x-auth-token:"]
                .iter()
                .find(|prefix| line.starts_with(*prefix))
            {
                Some(prefix) => format!("{prefix}<redacted>"),
                None => line.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(text.as_bytes()))
}

fn sorted(pairs: impl IntoIterator<Item = (String, String)>) -> Vec<(String, String)> {
    let mut pairs: Vec<_> = pairs.into_iter().collect();
    pairs.sort();
    pairs
}

#[test]
fn huawei_file_says_it_is_generated() {
    let file = huawei_file();
    assert!(file.note.contains("cargo xtask vectors"));
    assert!(
        file.requests.len() >= 15,
        "{} requests",
        file.requests.len()
    );
    for name in [
        "header_names_differing_only_in_case",
        "header_names_differing_only_in_case_with_different_values",
        "list_and_bool_query_values",
    ] {
        assert!(file.requests.iter().any(|v| v.name == name), "{name}");
    }
}

#[test]
fn huawei_canonical_uris_match_the_sdk() {
    for case in huawei_file().uri_cases {
        assert_eq!(
            huawei::canonical_uri(&case.path),
            case.canonical_uri,
            "path {:?}",
            case.path
        );
    }
}

#[test]
fn huawei_canonical_queries_match_the_sdk() {
    for case in huawei_file().query_cases {
        assert_eq!(
            huawei::canonical_query(&case.query),
            case.canonical_query,
            "{:?}",
            case.query
        );
    }
}

#[test]
fn huawei_signing_matches_the_sdk() {
    for v in huawei_file().requests {
        let signed = huawei::sign(&v.credentials.build(), &v.request(), v.now())
            .unwrap_or_else(|e| panic!("{}: {e}", v.name));
        let name = &v.name;
        assert_eq!(
            signed.canonical_request().to_string(),
            redact_tokens(&v.expected.canonical_request),
            "{name}: canonical request"
        );
        assert_eq!(
            signed.canonical_request().hash(),
            sha256_hex(&v.expected.canonical_request),
            "{name}: canonical request hash"
        );
        assert_eq!(
            signed.string_to_sign(),
            v.expected.string_to_sign,
            "{name}: string to sign"
        );
        assert_eq!(
            signed.authorization(),
            v.expected.authorization,
            "{name}: Authorization"
        );
        assert_eq!(
            v.request().wire_target(),
            v.expected.wire_target,
            "{name}: wire target"
        );
        let added = signed
            .headers()
            .iter()
            .map(|(n, v)| (n.to_owned(), v.to_owned()));
        assert_eq!(
            sorted(added),
            sorted(v.expected.added_headers.clone()),
            "{name}: added headers"
        );
    }
}

#[test]
fn huawei_verifier_accepts_what_the_sdk_sent() {
    for v in huawei_file().requests {
        let (path, query) = v
            .expected
            .wire_target
            .split_once('?')
            .unwrap_or((&v.expected.wire_target, ""));
        let received = ReceivedRequest::new(&v.method, path)
            .with_query(query)
            .with_headers(&v.expected.sent_headers)
            .with_body(v.body.as_bytes());
        let keys = v.credentials.build();
        let result = huawei::verify(&received, &keys, v.now(), &Default::default());
        if let Some(why) = &v.verifier_refuses {
            assert_refused_for_different_values(result, &v.name, why);
            continue;
        }
        let verified = result.unwrap_or_else(|e| panic!("{}: {e}", v.name));
        assert_eq!(verified.access_key, v.credentials.access_key, "{}", v.name);
        assert_eq!(verified.date, v.now(), "{}", v.name);
    }
}

/// A vector the verifier refuses: copies of a signed header that differ.
fn assert_refused_for_different_values(
    result: Result<huawei::Verified, huawei::VerifyError>,
    name: &str,
    why: &str,
) {
    let e = result.expect_err(name);
    assert_eq!(
        e.kind(),
        huawei::VerifyErrorKind::InvalidSignature,
        "{name}: {why}"
    );
    assert!(e.to_string().contains("different values"), "{name}: {e}");
}

#[test]
fn huawei_verifier_accepts_what_we_send() {
    for v in huawei_file().requests {
        let creds = v.credentials.build();
        let mut headers = v.headers.clone();
        huawei::sign(&creds, &v.request(), v.now())
            .expect("has a Host")
            .headers()
            .apply_to(&mut headers);
        let target = v.request().wire_target();
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        let received = ReceivedRequest::new(&v.method, path)
            .with_query(query)
            .with_headers(&headers)
            .with_body(v.body.as_bytes());
        let result = huawei::verify(&received, &creds, v.now(), &Default::default());
        match &v.verifier_refuses {
            Some(why) => assert_refused_for_different_values(result, &v.name, why),
            None => {
                result.unwrap_or_else(|e| panic!("{}: {e}", v.name));
            }
        }
    }
}

/// Huawei's API signing guide shows only the last steps (date, the hash of
/// the canonical request, the signature), but also the request it signs:
/// `GET https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0`
/// with `Content-Type: application/json`, `X-Sdk-Date: 20191115T033655Z`
/// and no body. Rebuilt in full, it gives the published hash and signature.
#[test]
fn huawei_public_vector_from_the_signing_guide() {
    let creds = huawei::Credentials::new(
        "QTWAOYTTINDUT2QVKYUC",
        "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
    )
    .expect("valid");
    let query = [
        ("limit", "2"),
        ("marker", "13551d6b-755d-4757-b956-536f674975c0"),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()));
    let headers = [
        ("Content-Type", "application/json"),
        ("Host", "service.region.example.com"),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()));
    let request = Request::new("GET", "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs")
        .with_query(&query)
        .with_headers(&headers);
    let now = huawei::parse_sdk_date("20191115T033655Z").expect("valid");
    let signed = huawei::sign(&creds, &request, now).expect("has a Host");
    assert_eq!(
        signed.canonical_request().hash(),
        "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
    );
    assert_eq!(
        signed.string_to_sign(),
        "SDK-HMAC-SHA256\n20191115T033655Z\nb25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
    );
    assert_eq!(
        signed.canonical_request().signed_headers,
        "content-type;host;x-sdk-date"
    );
    assert_eq!(
        signed.signature(),
        "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
    );
}

// ---------------------------------------------------------------- UCloud

#[derive(Deserialize)]
struct UcloudFile {
    note: String,
    cases: Vec<UcloudCase>,
    floats: Vec<FloatCase>,
}

#[derive(Deserialize)]
struct UcloudCase {
    name: String,
    public_key: Option<String>,
    private_key: String,
    params: Vec<(String, Tagged)>,
    flat: Vec<(String, String)>,
    signature: String,
    form_body: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum Tagged {
    Str(String),
    Int(i64),
    Bool(bool),
    List(Vec<Tagged>),
    Map(Vec<(String, Tagged)>),
    #[serde(untagged)]
    Float {
        #[allow(dead_code)]
        float: String,
        bits: u64,
    },
}

#[derive(Deserialize)]
struct FloatCase {
    bits: u64,
    repr: String,
    encoded: String,
}

impl Tagged {
    fn value(&self) -> Value {
        match self {
            Self::Str(s) => Value::Str(s.clone()),
            Self::Int(i) => Value::Int(*i),
            Self::Bool(b) => Value::Bool(*b),
            Self::Float { bits, .. } => Value::Float(f64::from_bits(*bits)),
            Self::List(items) => Value::List(items.iter().map(Tagged::value).collect()),
            Self::Map(entries) => Value::Map(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.value()))
                    .collect(),
            ),
        }
    }
}

impl UcloudCase {
    fn params(&self) -> Vec<(String, Value)> {
        self.params
            .iter()
            .map(|(k, v)| (k.clone(), v.value()))
            .collect()
    }
}

fn ucloud_file() -> UcloudFile {
    serde_json::from_str(&fixture("ucloud.json")).expect("ucloud.json parses")
}

fn form_pieces(body: &str) -> Vec<&str> {
    let mut pieces: Vec<&str> = body.split('&').collect();
    pieces.sort_unstable();
    pieces
}

#[test]
fn ucloud_file_says_it_is_generated() {
    let file = ucloud_file();
    assert!(file.note.contains("cargo xtask vectors"));
    assert!(file.cases.len() >= 15, "{} cases", file.cases.len());
}

#[test]
fn ucloud_flattening_matches_the_sdk() {
    for case in ucloud_file().cases {
        let flat: Vec<(String, String)> = ucloud::flatten(&case.params()).into_iter().collect();
        assert_eq!(flat, case.flat, "{}", case.name);
    }
}

#[test]
fn ucloud_signatures_match_the_sdk() {
    for case in ucloud_file().cases {
        let name = &case.name;
        let Some(public_key) = &case.public_key else {
            let flat: BTreeMap<String, String> = case.flat.iter().cloned().collect();
            assert_eq!(
                ucloud::signature(&case.private_key, &flat),
                case.signature,
                "{name}"
            );
            continue;
        };
        let creds = ucloud::Credentials::new(public_key, &case.private_key).expect("valid");
        let signed = ucloud::sign(&creds, &case.params());
        assert_eq!(signed.signature(), case.signature, "{name}: signature");
        let body = signed.form_body();
        let python_body = case.form_body.as_deref().unwrap_or_default();
        assert_eq!(
            form_pieces(&body),
            form_pieces(python_body),
            "{name}: form body"
        );
        let received: Vec<(String, String)> = signed
            .pairs()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let verified = ucloud::verify(&received, &creds).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(&verified.public_key, public_key, "{name}");
    }
}

#[test]
fn ucloud_floats_match_python() {
    for case in ucloud_file().floats {
        let v = f64::from_bits(case.bits);
        assert_eq!(
            ucloud::python_float_repr(v),
            case.repr,
            "bits {:#x}",
            case.bits
        );
        assert_eq!(
            ucloud::encode_float(v),
            case.encoded,
            "bits {:#x}",
            case.bits
        );
    }
}

#[test]
fn ucloud_public_vectors() {
    let doc = ucloud::Credentials::new(
        "ucloudsomeone@example.com1296235120854146120",
        "46f09bb9fab4f12dfc160dae12273d5332b5debe",
    )
    .expect("valid");
    let params = [
        ("Action", Value::from("DescribeUHostInstance")),
        ("Region", Value::from("cn-bj2")),
        ("Limit", Value::from(10)),
    ];
    assert_eq!(
        ucloud::sign(&doc, &params).signature(),
        "cba5cf5ec4d4233d206b1b54951e3787350a642f"
    );

    let foo = BTreeMap::from([("foo".to_owned(), "bar".to_owned())]);
    assert_eq!(
        ucloud::signature("my_private_key", &foo),
        "634edc1bb957c0d65e5ab5494cf3b7784fbc87af"
    );
    let sdk = ucloud::Credentials::new("my_public_key", "my_private_key").expect("valid");
    assert_eq!(
        ucloud::sign(&sdk, &[("foo", Value::from("bar"))]).signature(),
        "d4411ab30953fb0bbcb1e7313081f05e4e91a394"
    );
}
