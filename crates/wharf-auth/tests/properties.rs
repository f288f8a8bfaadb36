//! Property tests: signing then verifying always succeeds, any change to a
//! signed part makes verifying fail, and nothing panics on any input.

use std::collections::HashMap;

use jiff::Timestamp;
use proptest::prelude::*;
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
    fn verify(&self, creds: &Credentials, now: Timestamp) -> Result<(), VerifyErrorKind> {
        let received = ReceivedRequest::new(&self.method, &self.path)
            .with_query(&self.query)
            .with_headers(&self.headers)
            .with_body(&self.body);
        huawei::verify(&received, creds, now, &VerifyOptions::default())
            .map(|_| ())
            .map_err(|e| e.kind())
    }

    fn header_mut(&mut self, name: &str) -> Option<&mut String> {
        self.headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
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

fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::vec(("X-[A-Za-z0-9_-]{1,10}", "[ -~]{0,20}"), 0..4).prop_map(|extra| {
        let mut headers = vec![
            (
                "Host".to_owned(),
                "swr-api.cn-north-4.myhuaweicloud.com".to_owned(),
            ),
            ("Content-Type".to_owned(), "application/json".to_owned()),
        ];
        headers.extend(extra);
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
        -600i64..600,
    )
        .prop_map(
            |(creds, method, path, query, headers, body, date, skew)| Case {
                creds,
                method,
                path,
                query,
                headers,
                body,
                date,
                now: Timestamp::from_second(date.as_second() + skew).unwrap_or(date),
            },
        )
}

/// One way to change a signed part of a request.
#[derive(Debug, Clone, Copy)]
enum Tamper {
    Method,
    Path,
    QueryValue(usize),
    SignedHeader(usize),
    Body,
    Date,
}

fn tamper() -> impl Strategy<Value = Tamper> {
    prop_oneof![
        Just(Tamper::Method),
        Just(Tamper::Path),
        any::<usize>().prop_map(Tamper::QueryValue),
        any::<usize>().prop_map(Tamper::SignedHeader),
        Just(Tamper::Body),
        Just(Tamper::Date),
    ]
}

/// Applies `tamper` to the request as the server receives it.
fn apply(tamper: Tamper, case: &Case, wire: &mut Wire) {
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
            let signed: Vec<usize> = (0..wire.headers.len())
                .filter(|&j| is_effective_signed_header(&wire.headers, j))
                .collect();
            let j = signed[i % signed.len()];
            wire.headers[j].1.push('x');
        }
        Tamper::Body => wire.body.push(b'!'),
        Tamper::Date => {
            let later = Timestamp::from_second(case.date.as_second() + 1).expect("in range");
            if let Some(value) = wire.header_mut("X-Sdk-Date") {
                *value = huawei::format_sdk_date(later);
            }
        }
    }
}

/// Whether header `j` is signed and is the one whose value counts: no `_` in
/// its name, not `Authorization` or `X-Sdk-Date` (changing those is tested
/// elsewhere), and the last header with its name.
fn is_effective_signed_header(headers: &[(String, String)], j: usize) -> bool {
    let name = headers[j].0.to_lowercase();
    let later_twin = headers[j + 1..]
        .iter()
        .any(|(other, _)| other.to_lowercase() == name);
    !name.contains('_') && name != "authorization" && name != "x-sdk-date" && !later_twin
}

proptest! {
    #[test]
    fn huawei_sign_then_verify_succeeds(case in case()) {
        prop_assert_eq!(case.send().verify(&case.creds, case.now), Ok(()));
    }

    #[test]
    fn huawei_any_change_to_a_signed_part_fails(case in case(), tamper in tamper()) {
        let mut wire = case.send();
        apply(tamper, &case, &mut wire);
        prop_assert_eq!(
            wire.verify(&case.creds, case.now),
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

    #[test]
    fn huawei_verify_never_panics_on_arbitrary_input(
        method in any::<String>(),
        path in any::<String>(),
        query in any::<String>(),
        authorization in prop_oneof![
            any::<String>(),
            any::<String>().prop_map(|s| format!("SDK-HMAC-SHA256 {s}")),
            "SDK-HMAC-SHA256 Access=[A-Z]{0,3}, SignedHeaders=[a-z;-]{0,20}, Signature=[0-9a-fA-F]{0,70}",
        ],
        date in prop_oneof![any::<String>(), "[0-9]{8}T[0-9]{6}Z"],
        body in proptest::collection::vec(any::<u8>(), 0..16),
        extra in proptest::collection::vec((any::<String>(), any::<String>()), 0..3),
    ) {
        let mut headers = vec![
            ("Authorization".to_owned(), authorization.clone()),
            ("X-Sdk-Date".to_owned(), date.clone()),
        ];
        headers.extend(extra);
        let keys = HashMap::from([("A".to_owned(), "secret".to_owned())]);
        let received = ReceivedRequest::new(&method, &path)
            .with_query(&query)
            .with_headers(&headers)
            .with_body(&body);
        let now = Timestamp::from_second(1_700_000_000).expect("in range");
        let _ = huawei::verify(&received, &keys, now, &VerifyOptions::default());
        let _ = Authorization::parse(&authorization);
        let _ = huawei::parse_sdk_date(&date);
        let _ = huawei::parse_query(&query);
        let _ = huawei::canonical_uri(&path);
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
