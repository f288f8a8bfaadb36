//! Property tests: signing then verifying always succeeds, any change to a
//! signed part makes verifying fail, and nothing panics on any input.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use wharf_auth::KeyStore;
use wharf_auth::huawei::{
    self, Authorization, Credentials, ReceivedRequest, Request, VerifyErrorKind, VerifyOptions,
};
use wharf_auth::ucloud::{self, Value};

// ---------------------------------------------------------------- Huawei

const METHODS: [&str; 6] = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"];

/// Everything needed to build, sign and receive one request.
#[derive(Debug, Clone)]
struct Case {
    creds: Credentials,
    method: &'static str,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    date: Timestamp,
    now: Timestamp,
}

/// What the server sees.
#[derive(Debug, Clone)]
struct Wire {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Case {
    fn request(&self) -> Request<'_> {
        Request::new(self.method, &self.path)
            .with_query(&self.query)
            .with_headers(&self.headers)
            .with_body(&self.body)
    }

    fn send(&self) -> Wire {
        let mut headers = self.headers.clone();
        huawei::sign(&self.creds, &self.request(), self.date)
            .expect("has a Host")
            .headers()
            .apply_to(&mut headers);
        Wire {
            method: self.method.to_owned(),
            path: self.path.clone(),
            query: huawei::wire_query(&self.query),
            headers,
            body: self.body.clone(),
        }
    }
}

impl Wire {
    fn verify(&self, keys: &impl KeyStore, now: Timestamp) -> Result<(), VerifyErrorKind> {
        let received = ReceivedRequest::new(&self.method, &self.path)
            .with_query(&self.query)
            .with_headers(&self.headers)
            .with_body(&self.body);
        huawei::verify(&received, keys, now, &VerifyOptions::default())
            .map(|_| ())
            .map_err(|e| e.kind())
    }

    fn header_mut(&mut self, name: &str) -> Option<&mut String> {
        self.headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The parsed `Authorization` header, which `send` always adds.
    fn authorization(&self) -> Authorization {
        let value = self
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
            .map(|(_, v)| v.as_str())
            .unwrap_or_default();
        Authorization::parse(value).expect("the signer's Authorization parses")
    }

    fn set_authorization(&mut self, authorization: &Authorization) {
        if let Some(value) = self.header_mut("authorization") {
            *value = authorization.to_string();
        }
    }
}

fn credentials() -> impl Strategy<Value = Credentials> {
    (
        "[A-Z0-9]{1,20}",
        any::<String>().prop_filter("non-empty", |s| !s.is_empty()),
        proptest::option::of("[A-Za-z0-9+/=]{1,40}"),
        proptest::option::of("[a-f0-9]{32}"),
    )
        .prop_map(|(ak, sk, token, project)| {
            let mut creds = Credentials::new(ak, sk).expect("valid by construction");
            if let Some(token) = token {
                creds = creds.with_security_token(token).expect("valid");
            }
            if let Some(project) = project {
                creds = creds.with_project_id(project).expect("valid");
            }
            creds
        })
}

fn wire_path() -> impl Strategy<Value = String> {
    proptest::collection::vec("[a-zA-Z0-9 _.~/$%é中🐳+-]{0,8}", 0..5).prop_map(|segments| {
        let encoded: Vec<String> = segments.iter().map(|s| huawei::percent_encode(s)).collect();
        format!("/{}", encoded.join("/"))
    })
}

/// `Host`, `Content-Type` and up to four more headers with distinct names,
/// one of which may be sent again in another letter case with the same
/// value (the SDK signs such a name twice).
fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    (
        proptest::collection::vec(("X-[A-Za-z0-9_-]{1,10}", "[ -~]{0,20}"), 0..4),
        proptest::option::of(any::<usize>()),
    )
        .prop_map(|(extra, twin)| {
            let mut headers = vec![
                (
                    "Host".to_owned(),
                    "swr-api.cn-north-4.myhuaweicloud.com".to_owned(),
                ),
                ("Content-Type".to_owned(), "application/json".to_owned()),
            ];
            for (name, value) in extra {
                if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) {
                    headers.push((name, value));
                }
            }
            if let (Some(pick), true) = (twin, headers.len() > 2) {
                let (name, value) = headers[2 + pick % (headers.len() - 2)].clone();
                headers.push((name.to_ascii_lowercase(), value));
            }
            headers
        })
}

fn instant() -> impl Strategy<Value = Timestamp> {
    (0i64..4_102_444_800).prop_map(|s| Timestamp::from_second(s).expect("in range"))
}

fn case() -> impl Strategy<Value = Case> {
    (
        credentials(),
        proptest::sample::select(&METHODS[..]),
        wire_path(),
        proptest::collection::vec((any::<String>(), any::<String>()), 0..5),
        headers(),
        proptest::collection::vec(any::<u8>(), 0..64),
        instant(),
        -600_000_000_000i64..600_000_000_000,
    )
        .prop_map(
            |(creds, method, path, query, headers, body, date, skew_nanos)| Case {
                creds,
                method,
                path,
                query,
                headers,
                body,
                date,
                now: date + SignedDuration::from_nanos(skew_nanos),
            },
        )
}

/// One way to change a signed part of a request.
#[derive(Debug, Clone)]
enum Tamper {
    Method,
    Path,
    QueryValue(usize),
    SignedHeader(usize),
    Body,
    Date,
    /// Another copy of a signed header: which one, the letter case of the
    /// copy's name, its value (`None`: the same), and whether it goes first.
    DuplicateHeader(usize, Vec<bool>, Option<String>, bool),
    /// A name other than `host` and `x-sdk-date` left out of `SignedHeaders`.
    DropSignedName(usize),
    /// `Access=` names another key the verifier knows.
    SwapAccessKey,
}

fn tamper() -> impl Strategy<Value = Tamper> {
    prop_oneof![
        Just(Tamper::Method),
        Just(Tamper::Path),
        any::<usize>().prop_map(Tamper::QueryValue),
        any::<usize>().prop_map(Tamper::SignedHeader),
        Just(Tamper::Body),
        Just(Tamper::Date),
        (
            any::<usize>(),
            proptest::collection::vec(any::<bool>(), 0..24),
            proptest::option::of("[ -~]{0,20}"),
            any::<bool>()
        )
            .prop_map(|(i, case, value, first)| Tamper::DuplicateHeader(i, case, value, first)),
        any::<usize>().prop_map(Tamper::DropSignedName),
        Just(Tamper::SwapAccessKey),
    ]
}

/// The key store the tamper tests verify against: the case's key and another.
fn two_keys(case: &Case) -> Vec<Credentials> {
    let other = Credentials::new(OTHER_AK, "another secret").expect("valid");
    vec![case.creds.clone(), other]
}

const OTHER_AK: &str = "other-ak";

/// Applies `tamper` to the request as the server receives it.
fn apply(tamper: &Tamper, case: &Case, wire: &mut Wire) {
    match tamper {
        Tamper::Method => {
            let other = METHODS.iter().find(|m| **m != case.method).copied();
            wire.method = other.unwrap_or("OPTIONS").to_owned();
        }
        Tamper::Path => wire.path.push_str("/x"),
        Tamper::QueryValue(i) => {
            let mut query = case.query.clone();
            match query.len() {
                0 => query.push(("x".to_owned(), "y".to_owned())),
                n => query[i % n].1.push('x'),
            }
            wire.query = huawei::wire_query(&query);
        }
        Tamper::SignedHeader(i) => {
            let j = pick_signed_header(&wire.headers, *i);
            wire.headers[j].1.push('x');
        }
        Tamper::Body => wire.body.push(b'!'),
        Tamper::Date => {
            let later = case.date + SignedDuration::from_secs(1);
            if let Some(value) = wire.header_mut("X-Sdk-Date") {
                *value = huawei::format_sdk_date(later);
            }
        }
        Tamper::DuplicateHeader(i, upper, value, first) => {
            let (name, original) = wire.headers[pick_signed_header(&wire.headers, *i)].clone();
            let name: String = name
                .chars()
                .zip(upper.iter().chain(std::iter::repeat(&false)))
                .map(|(c, &up)| {
                    if up {
                        c.to_ascii_uppercase()
                    } else {
                        c.to_ascii_lowercase()
                    }
                })
                .collect();
            let copy = (name, value.clone().unwrap_or(original));
            if *first {
                wire.headers.insert(0, copy);
            } else {
                wire.headers.push(copy);
            }
        }
        Tamper::DropSignedName(i) => {
            let mut authorization = wire.authorization();
            let droppable: Vec<usize> = (0..authorization.signed_headers.len())
                .filter(|&j| {
                    !["host", "x-sdk-date"].contains(&authorization.signed_headers[j].as_str())
                })
                .collect();
            // Content-Type is always signed, so there is one to drop.
            authorization
                .signed_headers
                .remove(droppable[i % droppable.len()]);
            wire.set_authorization(&authorization);
        }
        Tamper::SwapAccessKey => {
            let mut authorization = wire.authorization();
            authorization.access_key = OTHER_AK.to_owned();
            wire.set_authorization(&authorization);
        }
    }
}

/// The index of a signed header, chosen by `i`: no `_` in its name, not
/// `Authorization` (unsigned) or `X-Sdk-Date` (changing it is tested
/// elsewhere). There is always one: `Host`.
fn pick_signed_header(headers: &[(String, String)], i: usize) -> usize {
    let signed: Vec<usize> = (0..headers.len())
        .filter(|&j| {
            let name = &headers[j].0;
            !name.contains('_')
                && !name.eq_ignore_ascii_case("authorization")
                && !name.eq_ignore_ascii_case("x-sdk-date")
        })
        .collect();
    signed[i % signed.len()]
}

/// One arbitrary change to a received request, for the no-panic property.
#[derive(Debug, Clone)]
enum Mutation {
    InsertHeader(usize, String, String),
    RemoveHeader(usize),
    SetHeaderValue(usize, String),
    RenameHeader(usize, String),
    /// Keeps the first `n` characters of the value of header `i`, then
    /// appends the string.
    EditHeaderValue(usize, usize, String),
    SetQuery(String),
    EditQuery(usize, String),
    SetPath(String),
    EditPath(usize, String),
    SetMethod(String),
    SetBody(Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let name = prop_oneof![
        any::<String>(),
        proptest::sample::select(vec![
            "Authorization",
            "X-Sdk-Date",
            "Host",
            "host",
            "Content-Type",
            "X-Sdk-Content-Sha256",
            "X-Project-Id",
            "X-Security-Token",
            "x-sdk-date",
        ])
        .prop_map(str::to_owned),
    ];
    prop_oneof![
        (any::<usize>(), name.clone(), any::<String>())
            .prop_map(|(i, n, v)| Mutation::InsertHeader(i, n, v)),
        any::<usize>().prop_map(Mutation::RemoveHeader),
        (any::<usize>(), any::<String>()).prop_map(|(i, v)| Mutation::SetHeaderValue(i, v)),
        (any::<usize>(), name).prop_map(|(i, n)| Mutation::RenameHeader(i, n)),
        (any::<usize>(), any::<usize>(), any::<String>())
            .prop_map(|(i, n, s)| Mutation::EditHeaderValue(i, n, s)),
        any::<String>().prop_map(Mutation::SetQuery),
        (any::<usize>(), any::<String>()).prop_map(|(n, s)| Mutation::EditQuery(n, s)),
        any::<String>().prop_map(Mutation::SetPath),
        (any::<usize>(), any::<String>()).prop_map(|(n, s)| Mutation::EditPath(n, s)),
        any::<String>().prop_map(Mutation::SetMethod),
        proptest::collection::vec(any::<u8>(), 0..16).prop_map(Mutation::SetBody),
    ]
}

/// The first `n` characters of `text` (modulo its length plus one), then `tail`.
fn edit(text: &str, n: usize, tail: &str) -> String {
    let keep = n % (text.chars().count() + 1);
    text.chars().take(keep).collect::<String>() + tail
}

fn mutate(wire: &mut Wire, mutation: &Mutation) {
    let count = wire.headers.len();
    match mutation {
        Mutation::InsertHeader(i, n, v) => {
            wire.headers.insert(i % (count + 1), (n.clone(), v.clone()))
        }
        Mutation::RemoveHeader(i) if count > 0 => {
            wire.headers.remove(i % count);
        }
        Mutation::SetHeaderValue(i, v) if count > 0 => wire.headers[i % count].1 = v.clone(),
        Mutation::RenameHeader(i, n) if count > 0 => wire.headers[i % count].0 = n.clone(),
        Mutation::EditHeaderValue(i, n, s) if count > 0 => {
            let value = &mut wire.headers[i % count].1;
            *value = edit(value, *n, s);
        }
        Mutation::SetQuery(q) => wire.query = q.clone(),
        Mutation::EditQuery(n, s) => wire.query = edit(&wire.query, *n, s),
        Mutation::SetPath(p) => wire.path = p.clone(),
        Mutation::EditPath(n, s) => wire.path = edit(&wire.path, *n, s),
        Mutation::SetMethod(m) => wire.method = m.clone(),
        Mutation::SetBody(b) => wire.body = b.clone(),
        _ => {}
    }
}

proptest! {
    #[test]
    fn huawei_sign_then_verify_succeeds(case in case()) {
        prop_assert_eq!(case.send().verify(&case.creds, case.now), Ok(()));
    }

    #[test]
    fn huawei_any_change_to_a_signed_part_fails(case in case(), tamper in tamper()) {
        let mut wire = case.send();
        apply(&tamper, &case, &mut wire);
        prop_assert_eq!(
            wire.verify(&two_keys(&case), case.now),
            Err(VerifyErrorKind::InvalidSignature),
            "{:?}", tamper
        );
    }

    #[test]
    fn huawei_wrong_secret_fails(case in case()) {
        let other = Credentials::new(case.creds.access_key(), "another secret").expect("valid");
        prop_assert_eq!(
            case.send().verify(&other, case.now),
            Err(VerifyErrorKind::InvalidSignature)
        );
    }

    /// Starts from a validly signed request, so that the mutated ones reach
    /// every check, signature included.
    #[test]
    fn huawei_verify_never_panics_on_a_mutated_request(
        case in case(),
        mutations in proptest::collection::vec(mutation(), 0..4),
    ) {
        let mut wire = case.send();
        for mutation in &mutations {
            mutate(&mut wire, mutation);
        }
        let result = wire.verify(&two_keys(&case), case.now);
        if mutations.is_empty() {
            prop_assert_eq!(result, Ok(()));
        }
    }

    #[test]
    fn huawei_parsers_never_panic_on_arbitrary_input(
        text in any::<String>(),
        authorization in prop_oneof![
            any::<String>(),
            any::<String>().prop_map(|s| format!("SDK-HMAC-SHA256 {s}")),
            "SDK-HMAC-SHA256 Access=[A-Z]{0,3}, SignedHeaders=[a-z;-]{0,20}, Signature=[0-9a-fA-F]{0,70}",
        ],
        date in prop_oneof![any::<String>(), "[0-9]{8}T[0-9]{6}Z"],
    ) {
        let _ = Authorization::parse(&authorization);
        let _ = huawei::parse_sdk_date(&date);
        let _ = huawei::parse_query(&text);
        let _ = huawei::canonical_uri(&text);
        let _ = huawei::percent_decode(&text);
    }

    #[test]
    fn huawei_every_instant_gives_a_date_that_parses(
        nanos in Timestamp::MIN.as_nanosecond()..=Timestamp::MAX.as_nanosecond()
    ) {
        let instant = Timestamp::from_nanosecond(nanos).expect("in range");
        let text = huawei::format_sdk_date(instant);
        let parsed = huawei::parse_sdk_date(&text);
        prop_assert!(parsed.is_ok(), "{} -> {}", instant, text);
        let earliest: Timestamp = "0000-01-01T00:00:00Z".parse().expect("valid");
        if instant >= earliest {
            let whole = Timestamp::from_second(instant.as_second() - i64::from(instant.subsec_nanosecond() < 0))
                .expect("in range");
            prop_assert_eq!(parsed.ok(), Some(whole));
        }
    }

    #[test]
    fn huawei_query_round_trips_through_the_wire(
        query in proptest::collection::vec((any::<String>(), any::<String>()), 0..6)
    ) {
        let mut expected = query.clone();
        expected.sort();
        let mut parsed = huawei::parse_query(&huawei::wire_query(&query));
        parsed.sort();
        prop_assert_eq!(parsed, expected);
    }
}

// ---------------------------------------------------------------- UCloud

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<String>().prop_map(Value::Str),
        any::<i64>().prop_map(Value::Int),
        any::<f64>().prop_map(Value::Float),
        any::<bool>().prop_map(Value::Bool),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::List),
            proptest::collection::vec(("[A-Za-z]{1,6}", inner), 0..4).prop_map(Value::Map),
        ]
    })
}

fn params() -> impl Strategy<Value = Vec<(String, Value)>> {
    proptest::collection::vec(("[A-Za-z][A-Za-z0-9.]{0,8}", value()), 1..6)
}

fn ucloud_creds() -> impl Strategy<Value = ucloud::Credentials> {
    ("[a-z0-9@.]{1,30}", "[a-f0-9]{1,40}").prop_map(|(public, private)| {
        ucloud::Credentials::new(public, private).expect("valid by construction")
    })
}

fn received(signed: &ucloud::SignedParams) -> Vec<(String, String)> {
    signed
        .pairs()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

proptest! {
    #[test]
    fn ucloud_sign_then_verify_succeeds(creds in ucloud_creds(), params in params()) {
        let signed = ucloud::sign(&creds, &params);
        prop_assert!(ucloud::verify(&received(&signed), &creds).is_ok());
    }

    #[test]
    fn ucloud_any_changed_value_fails(
        creds in ucloud_creds(),
        params in params(),
        pick in any::<usize>(),
    ) {
        let signed = ucloud::sign(&creds, &params);
        let mut pairs = received(&signed);
        // Every pair but the last (Signature) is signed, PublicKey included.
        let signed_count = pairs.len() - 1;
        let i = pick % signed_count;
        if pairs[i].0 == ucloud::PUBLIC_KEY {
            pairs[i].1.push('x');
            let kind = ucloud::verify(&pairs, &creds).map_err(|e| e.kind());
            prop_assert_eq!(kind.err(), Some(ucloud::VerifyErrorKind::UnknownPublicKey));
        } else {
            pairs[i].1.push('x');
            let kind = ucloud::verify(&pairs, &creds).map_err(|e| e.kind());
            prop_assert_eq!(kind.err(), Some(ucloud::VerifyErrorKind::WrongSignature));
        }
    }

    #[test]
    fn ucloud_verify_never_panics(
        pairs in proptest::collection::vec((any::<String>(), any::<String>()), 0..6)
    ) {
        let keys = HashMap::from([("pk".to_owned(), "sk".to_owned())]);
        let _ = ucloud::verify(&pairs, &keys);
    }

    #[test]
    fn python_float_repr_reads_back(v in any::<f64>()) {
        let text = ucloud::python_float_repr(v);
        if v.is_finite() {
            prop_assert_eq!(text.parse::<f64>().ok().map(f64::to_bits), Some(v.to_bits()), "{}", text);
            let encoded = ucloud::encode_float(v);
            let back = encoded.parse::<f64>().expect("a number");
            prop_assert!(back == v, "{} -> {}", v, encoded);
        }
    }
}
