//! Never panics: every parser, decoder and verifier that reads outside
//! input, fed arbitrary text and bytes and structured near-valid input,
//! returns a value or a typed error with a message, and never panics.
//!
//! The same entry points as the cargo-fuzz targets in `fuzz/` (see
//! `fuzz/README.md`), in the normal `cargo test` run: a few hundred cases
//! each, so the whole file takes seconds in a debug build.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wharf::Provider;
use wharf::catalog::CatalogSpec;
use wharf::transport::{Classifier, Request, Response, SwrClassifier, UhubClassifier, Verdict};
use wharf_auth::huawei::{self, ReceivedRequest, VerifyOptions};
use wharf_auth::ucloud;
use wharf_model::{
    BoolString, Category, GetImageTagResponse, GetRepoImageResponse, GetRepoResponse,
    ListNamespacesResponse, NamespaceName, OfficialImage, OfficialImageDetail, OfficialImageTag,
    PageRequest, RepositoryInfo, RepositoryName, RepositoryTag, RetCode, SwrError, Timestamp as Ts,
};
use wharf_parse::{ContentRange, from_query_params, parse_filter, to_filter, to_query_params};

/// Cases per property: enough to matter, few enough for a debug build.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 1024,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Text from everything `any::<String>()` gives and from characters that
/// matter to the parsers.
fn text(tokens: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(
            prop_oneof![
                proptest::sample::select(tokens).prop_map(str::to_owned),
                "[ -~]{0,3}",
                any::<char>().prop_map(String::from),
            ],
            0..12,
        )
        .prop_map(|parts| parts.concat()),
    ]
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..256)
}

fn has_message(e: &impl std::fmt::Display) -> bool {
    !e.to_string().is_empty()
}

// --- content_range --------------------------------------------------------

const RANGE_TOKENS: &[&str] = &[
    "0",
    "9",
    "10",
    "-",
    "/",
    "*",
    " ",
    "items ",
    "18446744073709551615",
    "18446744073709551616",
    "+",
    "\u{663}",
];

fn near_range() -> impl Strategy<Value = String> {
    (
        any::<u64>(),
        any::<u64>(),
        prop::option::of(any::<u64>()),
        0usize..40,
        "[ -~]?",
    )
        .prop_map(|(offset, count, total, cut, extra)| {
            let total = total.map_or("*".to_owned(), |t| t.to_string());
            let mut text = format!("{offset}-{count}/{total}");
            let cut = cut.min(text.len());
            text.insert_str(cut, &extra);
            text
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn content_range_reads_or_says_why(input in prop_oneof![text(RANGE_TOKENS), near_range()]) {
        match ContentRange::parse(&input) {
            Ok(range) => prop_assert_eq!(ContentRange::parse(&range.to_string()), Ok(range)),
            Err(e) => prop_assert!(has_message(&e) && e.at() <= input.len(), "{e}"),
        }
    }
}

// --- filter ---------------------------------------------------------------

/// The filter's keys, then the characters and values that matter to it.
static FILTER_TOKENS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let values = [
        "::",
        "|",
        "'",
        "self",
        "thirdparty",
        "updated_at",
        "desc",
        "asc",
        "true",
        "false",
        "0",
        "10",
        "1000",
        "1001",
        "18446744073709551616",
        "=",
        "&",
    ];
    wharf_parse::KEYS.iter().copied().chain(values).collect()
});

fn near_filter() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        (
            proptest::sample::select(&wharf_parse::KEYS[..]),
            proptest::sample::select(FILTER_TOKENS.as_slice()),
        ),
        0..6,
    )
    .prop_map(|terms| {
        terms
            .iter()
            .map(|(k, v)| format!("{k}::{v}"))
            .collect::<Vec<_>>()
            .join("|")
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn filters_read_or_say_why(input in prop_oneof![text(FILTER_TOKENS.as_slice()), near_filter()]) {
        match parse_filter(&input) {
            Ok(query) => {
                let text = to_filter(&query).expect("a query that reads builds");
                prop_assert_eq!(parse_filter(&text).expect("and reads back"), query);
            }
            Err(e) => prop_assert!(has_message(&e)),
        }
        let pairs: Vec<(&str, &str)> = input
            .split('&')
            .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
            .collect();
        match from_query_params(pairs) {
            Ok(query) => {
                let params = to_query_params(&query).expect("a query that reads builds");
                let back = from_query_params(params.iter().map(|(k, v)| (*k, v.as_str())));
                prop_assert_eq!(back.expect("and reads back"), query);
            }
            Err(e) => prop_assert!(has_message(&e)),
        }
    }
}

// --- model decode ---------------------------------------------------------

const JSON_KEYS: &[&str] = &[
    "name",
    "category",
    "description",
    "size",
    "is_public",
    "num_images",
    "num_download",
    "created_at",
    "updated_at",
    "path",
    "namespace",
    "tags",
    "total_range",
    "id",
    "tag",
    "digest",
    "namespaces",
    "error_code",
    "error_msg",
    "code",
    "message",
    "RetCode",
    "Action",
    "Message",
    "TotalCount",
    "ImageSet",
    "TagSet",
    "RepoSet",
    "RepoName",
    "ImageName",
    "TagName",
    "CreateTime",
    "UpdateTime",
    "IsShared",
    "x",
];

/// JSON values of every type, biased toward what the fields accept.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop_oneof![
            Just("2017-09-12 10:33:22".to_owned()),
            Just("2017-09-11T03:00:02.542841141Z".to_owned()),
            Just("1505212402".to_owned()),
            Just("-99999999999999".to_owned()),
            Just("linux".to_owned()),
            Just("true".to_owned()),
            Just("171".to_owned()),
            any::<String>(),
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(proptest::sample::select(JSON_KEYS), inner, 0..8)
                .prop_map(|m| Value::Object(
                    m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
                )),
        ]
    })
}

/// Bytes that are JSON (near-valid) or anything.
fn json_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        bytes(),
        json_value().prop_map(|v| serde_json::to_vec(&v).expect("encodes")),
        json_value().prop_map(|v| serde_json::to_vec(&vec![v]).expect("encodes")),
    ]
}

/// Decodes `body` as `T` through serde and through the clients' decode
/// path: a value, or an error with a message.
fn decode<T: DeserializeOwned>(provider: Provider, body: &[u8]) -> Result<(), TestCaseError> {
    if let Err(e) = serde_json::from_slice::<T>(body) {
        prop_assert!(has_message(&e));
    }
    let response = Response::new(http::StatusCode::OK, body.to_vec());
    if let Err(e) = wharf::fuzzing::decode::<T>(provider, "never_panics", &response) {
        prop_assert!(has_message(&e));
    }
    Ok(())
}

/// The SWR client's list decoder, made for a page of `capacity`, says what
/// the plain decoder says: the same items, or the same error.
fn same_list<T>(body: &[u8], capacity: usize) -> Result<(), TestCaseError>
where
    T: DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let response = Response::new(http::StatusCode::OK, body.to_vec());
    let list = wharf::fuzzing::decode_list::<T>(Provider::Swr, "never_panics", &response, capacity);
    let plain = wharf::fuzzing::decode::<Vec<T>>(Provider::Swr, "never_panics", &response);
    match (list, plain) {
        (Ok(list), Ok(plain)) => prop_assert_eq!(list, plain),
        (Err(list), Err(plain)) => prop_assert_eq!(list.to_string(), plain.to_string()),
        (list, plain) => prop_assert!(false, "list decoder {:?}, plain {:?}", list, plain),
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn list_decoding_agrees_with_plain_decoding(body in json_bytes(), capacity in 0usize..2000) {
        same_list::<RepositoryInfo>(&body, capacity)?;
        same_list::<OfficialImage>(&body, capacity)?;
        same_list::<OfficialImageTag>(&body, capacity)?;
        same_list::<RepositoryTag>(&body, capacity)?;
    }

    #[test]
    fn model_types_decode_or_say_why(body in json_bytes()) {
        decode::<Vec<RepositoryInfo>>(Provider::Swr, &body)?;
        decode::<Vec<OfficialImage>>(Provider::Swr, &body)?;
        decode::<Vec<OfficialImageTag>>(Provider::Swr, &body)?;
        decode::<OfficialImageDetail>(Provider::Swr, &body)?;
        decode::<ListNamespacesResponse>(Provider::Swr, &body)?;
        decode::<Vec<RepositoryTag>>(Provider::Swr, &body)?;
        decode::<SwrError>(Provider::Swr, &body)?;
        decode::<GetRepoImageResponse>(Provider::Uhub, &body)?;
        decode::<GetImageTagResponse>(Provider::Uhub, &body)?;
        decode::<GetRepoResponse>(Provider::Uhub, &body)?;
        decode::<Ts>(Provider::Swr, &body)?;
        decode::<NamespaceName>(Provider::Swr, &body)?;
        decode::<RepositoryName>(Provider::Swr, &body)?;
        decode::<Category>(Provider::Swr, &body)?;
        decode::<RetCode>(Provider::Uhub, &body)?;
        decode::<BoolString>(Provider::Uhub, &body)?;
        if let Ok(value) = serde_json::from_slice::<Value>(&body) {
            let e = SwrError::from_value(value);
            let _ = (e.code(), e.message(), e.shape());
        }
    }

    #[test]
    fn names_and_timestamps_read_or_say_why(input in text(&["-", "_", ".", "/", "$", "%2F", ":", " ", "T", "Z", "2017", "09"])) {
        match Ts::parse(&input) {
            Ok(ts) => prop_assert_eq!(ts.to_string(), input.clone()),
            Err(e) => prop_assert!(has_message(&e)),
        }
        if let Err(e) = input.parse::<NamespaceName>() {
            prop_assert!(has_message(&e));
        }
        if let Err(e) = RepositoryName::from_path_segment(&input) {
            prop_assert!(has_message(&e));
        }
    }

    #[test]
    fn swr_pages_read_or_say_why(
        range in prop_oneof![text(RANGE_TOKENS), near_range()],
        asked in prop::option::of((any::<u64>(), 1u32..=1000)),
        total_range in prop::option::of(any::<u64>()),
    ) {
        let mut response = Response::new(http::StatusCode::OK, "[]");
        if let Ok(value) = http::HeaderValue::from_str(&range) {
            response.headers.insert("content-range", value);
        }
        let asked = asked.map(|(offset, limit)| PageRequest::new(offset, limit));
        if let Err(e) = wharf::fuzzing::swr_page::<RepositoryInfo>(&response, Vec::new(), asked, total_range) {
            prop_assert!(has_message(&e));
        }
    }

    #[test]
    fn classifiers_answer_every_status_and_body(status in 100u16..600, body in json_bytes()) {
        let status = http::StatusCode::from_u16(status).expect("in range");
        let response = Response::new(status, body);
        let swr = Request::get(Provider::Swr, "never_panics", "https://swr.example/v2/manage/repos");
        let uhub = Request::get(Provider::Uhub, "never_panics", "https://api.ucloud.example/");
        for verdict in [SwrClassifier.classify(&swr, &response), UhubClassifier.classify(&uhub, &response)] {
            if let Verdict::Retry(e) | Verdict::Fail(e) = verdict {
                prop_assert!(has_message(&e));
            }
        }
    }
}

// --- huawei_verify ----------------------------------------------------------

const AK: &str = "NEVERPANICSAK";
const SK: &str = "never-panics-secret";

fn huawei_keys() -> BTreeMap<String, String> {
    BTreeMap::from([(AK.to_owned(), SK.to_owned())])
}

fn header_strategy() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        (any::<String>(), any::<String>()),
        (
            proptest::sample::select(&[
                "Host", "X-Sdk-Date", "Authorization", "Content-Type", "X-Project-Id",
                "x-sdk-content-sha256", "X-Security-Token", "X-Other",
            ][..]),
            prop_oneof![
                "[ -~]{0,24}",
                Just("SDK-HMAC-SHA256 Access=NEVERPANICSAK, SignedHeaders=host;x-sdk-date, Signature=00".to_owned()),
                Just("20240615T123456Z".to_owned()),
                Just("UNSIGNED-PAYLOAD".to_owned()),
            ],
        )
            .prop_map(|(n, v)| (n.to_owned(), v)),
    ]
}

/// A change on the way, after signing.
#[derive(Debug, Clone)]
enum Change {
    None,
    Byte(usize, u8),
    Header(usize, String),
    Drop(usize),
    Path(String),
    Skew(i64),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        Just(Change::None),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Change::Byte(i, b)),
        (any::<usize>(), any::<String>()).prop_map(|(i, v)| Change::Header(i, v)),
        any::<usize>().prop_map(Change::Drop),
        any::<String>().prop_map(Change::Path),
        (-2_000i64..2_000).prop_map(Change::Skew),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn huawei_verify_answers_anything(
        method in text(&["GET", "POST", "get"]),
        path in text(&["/", "%2F", "%", "v2", "$"]),
        query in text(&["=", "&", "%", "+", "filter", "::"]),
        headers in proptest::collection::vec(header_strategy(), 0..6),
        body in bytes(),
    ) {
        let received = ReceivedRequest::new(&method, &path)
            .with_query(&query)
            .with_headers(&headers)
            .with_body(&body);
        let now = Timestamp::from_second(1_718_454_896).expect("in range");
        if let Err(e) = huawei::verify(&received, &huawei_keys(), now, &VerifyOptions::default()) {
            prop_assert!(has_message(&e));
        }
    }

    #[test]
    fn huawei_verify_answers_a_signed_then_changed_request(
        segments in proptest::collection::vec(any::<String>(), 0..4),
        query in proptest::collection::vec((any::<String>(), any::<String>()), 0..4),
        headers in proptest::collection::vec(header_strategy(), 0..4),
        body in bytes(),
        change in change(),
    ) {
        let credentials = huawei::Credentials::new(AK, SK).expect("valid");
        let mut headers = headers;
        headers.push(("Host".to_owned(), "swr.example".to_owned()));
        let encoded: Vec<String> = segments.iter().map(|s| huawei::percent_encode(s)).collect();
        let mut path = format!("/{}", encoded.join("/"));
        let date = Timestamp::from_second(1_718_454_896).expect("in range");
        let request = huawei::Request::new("GET", &path).with_query(&query).with_headers(&headers).with_body(&body);
        let signed = match huawei::sign(&credentials, &request, date) {
            Ok(signed) => signed,
            Err(e) => return { prop_assert!(has_message(&e)); Ok(()) },
        };
        signed.headers().apply_to(&mut headers);
        let mut wire_query = huawei::wire_query(&query);
        let mut now = date;
        match change {
            Change::None => {}
            Change::Byte(i, b) => {
                let mut bytes = wire_query.into_bytes();
                if !bytes.is_empty() {
                    let at = i % bytes.len();
                    bytes[at] = b;
                }
                wire_query = String::from_utf8_lossy(&bytes).into_owned();
            }
            Change::Header(i, v) => {
                let at = i % headers.len();
                headers[at].1 = v;
            }
            Change::Drop(i) => {
                let at = i % headers.len();
                headers.remove(at);
            }
            Change::Path(p) => path = p,
            Change::Skew(s) => now = date + SignedDuration::from_secs(s),
        }
        let received = ReceivedRequest::new("GET", &path)
            .with_query(&wire_query)
            .with_headers(&headers)
            .with_body(&body);
        if let Err(e) = huawei::verify(&received, &huawei_keys(), now, &VerifyOptions::default()) {
            prop_assert!(has_message(&e));
        }
    }
}

// --- ucloud_verify and ucloud_form ------------------------------------------

const UHUB_TOKENS: &[&str] = &[
    "Action",
    "GetRepo",
    "GetRepoImage",
    "GetImageTag",
    "RepoName",
    "ImageName",
    "TagName",
    "Offset",
    "Limit",
    "Type",
    "public",
    "PublicKey",
    "Signature",
    "ProjectId",
    "=",
    "&",
    "+",
    "%",
    "%2",
    "%41",
    "0",
    "20",
    "1001",
    "-1",
    "wharf-demo-public-key",
];

fn form_text() -> impl Strategy<Value = String> {
    prop_oneof![
        text(UHUB_TOKENS),
        proptest::collection::vec(
            (
                proptest::sample::select(UHUB_TOKENS),
                proptest::sample::select(UHUB_TOKENS)
            ),
            0..8
        )
        .prop_map(|pairs| pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ucloud_verify_answers_anything(
        pairs in proptest::collection::vec((text(UHUB_TOKENS), text(UHUB_TOKENS)), 0..8),
        signed in any::<bool>(),
        change in prop::option::of((any::<usize>(), any::<String>())),
    ) {
        let credentials = ucloud::Credentials::new("pk", "sk").expect("valid");
        let mut pairs = pairs;
        if signed {
            let params: Vec<(&str, ucloud::Value)> =
                pairs.iter().map(|(k, v)| (k.as_str(), ucloud::Value::from(v.as_str()))).collect();
            pairs = ucloud::sign(&credentials, &params)
                .pairs()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            if change.is_none() {
                prop_assert!(ucloud::verify(&pairs, &credentials).is_ok(), "{pairs:?}");
            }
        }
        if let (Some((i, v)), false) = (change, pairs.is_empty()) {
            let at = i % pairs.len();
            pairs[at].1 = v;
        }
        if let Err(e) = ucloud::verify(&pairs, &credentials) {
            prop_assert!(has_message(&e) && (170..=172).contains(&e.ret_code()));
        }
    }

    #[test]
    fn uhub_calls_read_or_say_why(
        method in prop_oneof![Just("GET".to_owned()), Just("POST".to_owned()), Just("HEAD".to_owned()), any::<String>()],
        query in form_text(),
        content_type in prop::option::of(prop_oneof![
            Just("application/x-www-form-urlencoded".to_owned()),
            Just("Application/JSON; charset=utf-8".to_owned()),
            any::<String>(),
        ]),
        body in prop_oneof![
            form_text().prop_map(String::into_bytes),
            json_bytes(),
        ],
    ) {
        let _ = wharf_emulator::fuzzing::uhub_form(&body);
        match wharf_emulator::fuzzing::uhub_call(&method, &query, content_type.as_deref(), &body) {
            Ok(call) => prop_assert!(call.params.iter().any(|(k, v)| k == "Action" && *v == call.action)),
            Err((code, message)) => prop_assert!(!message.is_empty() && (code == 0 || (153..=232).contains(&code))),
        }
    }
}

// --- catalog_spec and cli_config ------------------------------------------

const SPEC_TOKENS: &[&str] = &[
    "swr",
    "uhub",
    "swr-official",
    "+http",
    "+https",
    "://",
    "cn-north-4",
    "127.0.0.1",
    ":8080",
    "[::1]",
    "[",
    "]",
    "/",
    "?",
    "&",
    "project=",
    "region=",
    "org-1",
    "%20",
    "@",
    "SWR",
];

fn near_spec() -> impl Strategy<Value = String> {
    (
        proptest::sample::select(&["swr", "uhub", "swr-official", "SWR", "x"][..]),
        proptest::sample::select(&["", "+http", "+https", "+ftp"][..]),
        "[a-z0-9.:\\[\\]_-]{0,16}",
        proptest::collection::vec(
            (
                proptest::sample::select(&["project", "region", "sk", ""][..]),
                "[a-zA-Z0-9._%-]{0,8}",
            ),
            0..3,
        ),
    )
        .prop_map(|(kind, scheme, place, options)| {
            let mut text = format!("{kind}{scheme}://{place}");
            for (i, (k, v)) in options.iter().enumerate() {
                text.push(if i == 0 { '?' } else { '&' });
                text.push_str(&format!("{k}={v}"));
            }
            text
        })
}

const TOML_TOKENS: &[&str] = &[
    "[profiles.",
    "]",
    "\n",
    " = ",
    "\"",
    "'''",
    "\"\"\"",
    "provider",
    "region",
    "endpoint",
    "catalog",
    "access_key",
    "secret_key",
    "security_token",
    "project_id",
    "public_key",
    "private_key",
    "[[",
    "{",
    "}",
    "3",
    "true",
    "#",
    "profiles",
];

fn near_config() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        (
            "[a-z]{1,4}",
            proptest::collection::vec(
                (proptest::sample::select(&TOML_TOKENS[7..17]), "[ -~]{0,8}"),
                0..4,
            ),
        ),
        0..3,
    )
    .prop_map(|profiles| {
        let mut text = String::new();
        for (name, settings) in profiles {
            text.push_str(&format!("[profiles.{name}]\n"));
            for (key, value) in settings {
                text.push_str(&format!("{key} = {value:?}\n"));
            }
        }
        text
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn catalog_specs_read_or_say_why(input in prop_oneof![text(SPEC_TOKENS), near_spec()]) {
        match CatalogSpec::parse(&input) {
            Ok(spec) => prop_assert_eq!(CatalogSpec::parse(&spec.to_string()), Ok(spec)),
            Err(e) => prop_assert!(has_message(&e) && e.position() <= input.len()),
        }
    }

    #[test]
    fn config_files_read_or_say_why(input in prop_oneof![text(TOML_TOKENS), near_config()]) {
        match wharf_cli::config_file::parse(&input) {
            Ok(file) => {
                for profile in file.profiles.values() {
                    let _ = profile.holds_secrets();
                }
            }
            Err(e) => prop_assert!(has_message(&e)),
        }
    }
}
