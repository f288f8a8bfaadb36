//! Hostile input over raw sockets: a few thousand seeded random and malformed
//! requests (odd encodings, repeated keys, invalid UTF-8, huge values and
//! headers, bad methods and versions, bad framing, wrong-typed and truncated
//! bodies, half-closed and abandoned connections, pipelining), each answered
//! completely in the provider's shape, never with a 5xx; afterwards the
//! emulator still serves, and this process (the emulator runs in it) holds
//! about the memory and the descriptors it held before.
//!
//! What counts as an answer, per request:
//!
//! - An HTTP request the emulator sees gets a complete answer (its whole
//!   `Content-Length` or chunked body) below 500, in the shape of the provider
//!   its path belongs to (exactly `/` is UHub's, any other path SWR's):
//!   SWR's request id and a JSON body, `{"errorCode","errorMessage"}` or the
//!   gateway's `{"error_code","error_msg"}` for an error, an array or an
//!   object for a success; UHub's request id and a JSON object with an
//!   integer `RetCode`, a `Message` beside a non-zero one, and any `Action`
//!   ending in `Response`.
//! - A request that is not valid HTTP (a bad method token, raw bytes outside
//!   ASCII or a control character in the target, a bad header line, a bad
//!   `Content-Length` or `Transfer-Encoding`, a bad version) or that hyper
//!   will not take (a target over 64 KiB, more than 100 headers, a head over
//!   its buffer) may instead get hyper's bare answer, as the crate README
//!   documents: `400`, `414` or `431` with an empty body and no request id,
//!   and then the connection closes. Where the head itself was fine, the
//!   emulator's own answer is required.
//! - A request cut short (a head without its end, then a half-close) may get
//!   a clean close without a byte; so may bytes that are no HTTP at all (an
//!   HTTP/2 preface).
//!
//! A failure prints the seed, the case number and the request bytes; the
//! same seed makes the same requests.
//!
//! The test counts this process's descriptors and resident memory, so the
//! tests of this file take turns.

#![cfg(target_os = "linux")]

mod common;

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde_json::Value;
use wharf_auth::huawei::{self, Request};
use wharf_emulator::{DEMO_TOKEN, DEMO_UCLOUD_PUBLIC_KEY, Emulator};

/// The seeds: each makes [`PER_CATEGORY`] requests of every category.
const SEEDS: [u64; 5] = [1, 7, 42, 2024, 0x5eed];

/// Cases per category and seed: 19 categories, 5 seeds, 3,040 cases.
const PER_CATEGORY: usize = 32;

/// How long a client waits for a byte before calling the answer lost: a
/// guard against hanging, not a measure of speed.
const GUARD: Duration = Duration::from_secs(10);

/// The host every request names (the signature covers it; the emulator does
/// not care which it is).
const HOST: &str = "emulator.test";

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}

// ---------------------------------------------------------------------------
// Requests

/// Which provider a path belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Proto {
    Swr,
    Uhub,
}

/// What may come back for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// `200` and a success body (`RetCode` 0 for UHub).
    Success,
    /// Refused for its credentials: `401` `APIGW.0301`, or `RetCode` 170-172.
    Refused,
    /// Any answer below 500 in the provider's shape.
    Shaped,
    /// Not valid HTTP, or past hyper's limits: the provider's shape, or
    /// hyper's bare 4xx and a close.
    ShapedOrBare,
    /// Cut short or not HTTP: hyper's bare 4xx and a close, or a close
    /// without a byte.
    BareOrClose,
    /// Mutated or random bytes: any of the above; a request id says which
    /// provider's shape the answer must have.
    Anything,
}

#[derive(Debug, Clone, Copy)]
struct Expect {
    proto: Proto,
    outcome: Outcome,
    /// A `HEAD`: the answer has no body.
    head: bool,
    /// How many items the page must hold (the SWR array, UHub's `ImageSet`):
    /// tells pipelined answers apart, so that their order is checked.
    items: Option<usize>,
}

impl Expect {
    fn new(proto: Proto, outcome: Outcome) -> Expect {
        Expect {
            proto,
            outcome,
            head: false,
            items: None,
        }
    }
}

/// What the client does once it has written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// Reads the answers, then closes.
    KeepOpen,
    /// Shuts down its sending side, reads the answers, then expects the
    /// server to close with nothing more to say.
    HalfClose,
    /// Closes without reading: a client gone mid-request.
    Close,
}

/// Which emulator a case goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Server {
    /// Auth on, the demo credentials.
    Auth,
    /// Auth off: parameters are read past the signature check.
    Open,
}

struct Case {
    category: &'static str,
    server: Server,
    /// Written one after the other (a pipelined run may be cut in pieces).
    writes: Vec<Vec<u8>>,
    end: End,
    expects: Vec<Expect>,
}

/// A request being built: every part may be wrong.
#[derive(Clone)]
struct Req {
    method: Vec<u8>,
    target: Vec<u8>,
    version: Vec<u8>,
    headers: Vec<(Vec<u8>, Vec<u8>)>,
    body: Vec<u8>,
    /// Adds a `Content-Length` for the body.
    length: bool,
    /// The line ending.
    eol: &'static [u8],
}

impl Req {
    fn new(method: &str, target: impl Into<Vec<u8>>) -> Req {
        Req {
            method: method.as_bytes().to_vec(),
            target: target.into(),
            version: b"HTTP/1.1".to_vec(),
            headers: vec![(b"Host".to_vec(), HOST.as_bytes().to_vec())],
            body: Vec::new(),
            length: false,
            eol: b"\r\n",
        }
    }

    fn get(target: impl Into<Vec<u8>>) -> Req {
        Req::new("GET", target)
    }

    fn post(target: &str, content_type: &str, body: impl Into<Vec<u8>>) -> Req {
        let mut req = Req::new("POST", target).header("Content-Type", content_type);
        req.body = body.into();
        req.length = true;
        req
    }

    fn header(mut self, name: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) -> Req {
        self.headers.push((name.into(), value.into()));
        self
    }

    fn token(self) -> Req {
        self.header("X-Auth-Token", DEMO_TOKEN)
    }

    fn without(mut self, name: &str) -> Req {
        self.headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case(name.as_bytes()));
        self
    }

    fn head_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&self.method);
        out.push(b' ');
        out.extend_from_slice(&self.target);
        out.push(b' ');
        out.extend_from_slice(&self.version);
        out.extend_from_slice(self.eol);
        for (name, value) in &self.headers {
            out.extend_from_slice(name);
            out.extend_from_slice(b": ");
            out.extend_from_slice(value);
            out.extend_from_slice(self.eol);
        }
        if self.length {
            out.extend_from_slice(format!("Content-Length: {}", self.body.len()).as_bytes());
            out.extend_from_slice(self.eol);
        }
        out.extend_from_slice(self.eol);
        out
    }

    fn bytes(&self) -> Vec<u8> {
        let mut out = self.head_bytes();
        out.extend_from_slice(&self.body);
        out
    }
}

/// A signed SWR `GET`: the target as the wire carries it, and the headers.
fn swr_signed(path: &str, query: &[(&str, &str)]) -> Req {
    let query: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let mut headers = vec![("Host".to_owned(), HOST.to_owned())];
    let request = Request::new("GET", path)
        .with_query(&query)
        .with_headers(&headers);
    let target = request.wire_target();
    huawei::sign(&common::demo_creds(), &request, jiff::Timestamp::now())
        .expect("the request has a Host header")
        .headers()
        .apply_to(&mut headers);
    let mut req = Req::get(target);
    req.headers = headers
        .into_iter()
        .map(|(n, v)| (n.into_bytes(), v.into_bytes()))
        .collect();
    req
}

/// The SWR paths that exist in the demo dataset, with parameters they take.
const SWR_PATHS: [&str; 7] = [
    "/v2/manage/repos",
    "/v2/manage/namespaces",
    "/v2/manage/namespaces/team/repos/nginx/tags",
    "/v2/manage/namespaces/team/repos/api$gateway/tags",
    "/v2/manage/dockerhub/repos",
    "/v2/manage/dockerhub/namespaces/library/repos/postgres",
    "/v2/manage/dockerhub/namespaces/library/repos/tools%2Fbusybox/tags",
];

/// Every SWR route prefix, existing or not, for targets built at random.
const SWR_PREFIXES: [&str; 6] = [
    "/v2/manage/repos",
    "/v2/manage/namespaces",
    "/v2/manage/namespaces/team/repos/",
    "/v2/manage/dockerhub/repos",
    "/v2/manage/dockerhub/namespaces/library/repos/",
    "/v2/manage/nothing",
];

const SWR_KEYS: [&str; 12] = [
    "filter",
    "offset",
    "limit",
    "namespace",
    "name",
    "order_column",
    "order_type",
    "is_public",
    "category",
    "image_name",
    "tag",
    "center",
];

const UHUB_KEYS: [&str; 9] = [
    "Action",
    "RepoName",
    "ImageName",
    "TagName",
    "Offset",
    "Limit",
    "Type",
    "PublicKey",
    "Signature",
];

const ACTIONS: [&str; 5] = ["GetRepo", "GetRepoImage", "GetImageTag", "DescribeX", ""];

struct Gen {
    rng: fastrand::Rng,
}

impl Gen {
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.usize(..items.len())]
    }

    fn chance(&mut self, percent: u8) -> bool {
        self.rng.u8(..100) < percent
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.rng.u8(..)).collect()
    }

    fn ascii(&mut self, len: usize) -> String {
        (0..len).map(|_| self.rng.alphanumeric()).collect()
    }

    /// A valid SWR request for the authenticating emulator (a token or a
    /// signature) with valid parameters.
    fn valid_swr(&mut self) -> (Req, Proto) {
        let path = self.pick(&SWR_PATHS);
        let offset = self.rng.u32(0..20).to_string();
        let limit = self.rng.u32(1..=1000).to_string();
        let query: Vec<(&str, &str)> = match (path, self.rng.u8(..4)) {
            ("/v2/manage/repos", 0) => vec![("filter", "namespace::team|offset::0|limit::5")],
            ("/v2/manage/repos", 1) => vec![("namespace", "team")],
            ("/v2/manage/repos", 2) => vec![("order_column", "name"), ("order_type", "desc")],
            ("/v2/manage/namespaces", 0) => vec![("namespace", "team")],
            (p, 3) if !p.ends_with("postgres") && p != "/v2/manage/namespaces" => {
                vec![("offset", &offset), ("limit", &limit)]
            }
            _ => vec![],
        };
        let req = if self.chance(50) {
            let target = if query.is_empty() {
                path.to_owned()
            } else {
                let pairs: Vec<String> = query
                    .iter()
                    .map(|(k, v)| format!("{k}={}", common::encode(v)))
                    .collect();
                format!("{path}?{}", pairs.join("&"))
            };
            Req::get(target).token()
        } else {
            swr_signed(path, &query)
        };
        (req, Proto::Swr)
    }

    /// Valid, signed UHub parameters.
    fn valid_uhub_params(&mut self) -> Vec<(&'static str, String)> {
        let mut params: Vec<(&'static str, String)> = match self.rng.u8(..3) {
            0 => vec![("Action", "GetRepo".into())],
            1 => vec![
                ("Action", "GetRepoImage".into()),
                ("RepoName", "team".into()),
            ],
            _ => vec![
                ("Action", "GetImageTag".into()),
                ("RepoName", "team".into()),
                (
                    "ImageName",
                    self.pick(&["nginx", "payments", "api/gateway"]).into(),
                ),
            ],
        };
        if self.chance(50) {
            params.push(("Offset", self.rng.u32(0..10).to_string()));
            params.push(("Limit", self.rng.u32(1..=1000).to_string()));
        }
        params
    }

    /// A valid, signed UHub request as one of the SDKs sends it.
    fn valid_uhub(&mut self) -> Req {
        let params = self.valid_uhub_params();
        let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let form = common::form(&common::demo_keys(), &pairs);
        match self.rng.u8(..4) {
            0 => Req::get(format!("/?{form}")),
            1 => Req::post("/", "application/x-www-form-urlencoded", form),
            2 => {
                let action = params[0].1.clone();
                Req::post(
                    &format!("/?Action={action}"),
                    "application/x-www-form-urlencoded",
                    form,
                )
            }
            _ => {
                let map: serde_json::Map<String, Value> = form_urlencoded::parse(form.as_bytes())
                    .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
                    .collect();
                Req::post("/", "application/json", Value::Object(map).to_string())
            }
        }
    }

    /// A query value: odd, but only ASCII that hyper takes in a target.
    fn odd_value(&mut self) -> String {
        let pieces = [
            "%zz",
            "%",
            "%0",
            "%00",
            "%C0%AF",
            "%FF",
            "%E2%82",
            "%ED%A0%80",
            "%F4%90%80%80",
            "%25",
            "%2",
            "+",
            "%20",
            "%26",
            "%3D",
            "%7C",
            "::",
            "|",
            "'",
            "\"",
            "%22",
            "=",
            "%0A",
            "%0D",
            "%09",
            "%7F",
            "%C3%A9",
            "..",
            "%2E%2E%2F",
            "$",
            "-1",
            "0",
            "1001",
            "18446744073709551616",
            "1e3",
            "0x10",
            " ",
            "%%",
            "%%%",
        ];
        let n = self.rng.usize(1..5);
        (0..n).map(|_| self.pick(&pieces)).collect()
    }

    /// A query string of `n` pairs from `keys`, with odd values.
    fn odd_query(&mut self, keys: &[&str], n: usize) -> String {
        let mut pairs = Vec::new();
        for _ in 0..n {
            let key = if self.chance(15) {
                self.odd_value()
            } else {
                self.pick(keys).to_owned()
            };
            pairs.push(format!("{key}={}", self.odd_value()));
        }
        pairs.join("&")
    }

    fn case(&mut self, category: &'static str) -> Case {
        match category {
            "baseline-swr" => self.baseline_swr(),
            "baseline-uhub" => self.baseline_uhub(),
            "auth-refused" => self.auth_refused(),
            "percent-encoding" => self.percent_encoding(),
            "odd-target" => self.odd_target(),
            "repeated-keys" => self.repeated_keys(),
            "invalid-utf8" => self.invalid_utf8(),
            "huge" => self.huge(),
            "bad-method" => self.bad_method(),
            "http-version" => self.http_version(),
            "content-length" => self.content_length(),
            "chunked" => self.chunked(),
            "wrong-typed-body" => self.wrong_typed_body(),
            "truncated-half-close" => self.truncated(),
            "pipelined" => self.pipelined(),
            "mid-request-close" => self.mid_request_close(),
            "header-oddities" => self.header_oddities(),
            "random-bytes" => self.random_bytes(),
            "mutated" => self.mutated(),
            other => unreachable!("no category {other}"),
        }
    }
}

/// The categories, in the order each seed runs them.
const CATEGORIES: [&str; 19] = [
    "baseline-swr",
    "baseline-uhub",
    "auth-refused",
    "percent-encoding",
    "odd-target",
    "repeated-keys",
    "invalid-utf8",
    "huge",
    "bad-method",
    "http-version",
    "content-length",
    "chunked",
    "wrong-typed-body",
    "truncated-half-close",
    "pipelined",
    "mid-request-close",
    "header-oddities",
    "random-bytes",
    "mutated",
];

/// One request, answered on a connection the client then closes.
fn single(category: &'static str, server: Server, req: &Req, expect: Expect) -> Case {
    Case {
        category,
        server,
        writes: vec![req.bytes()],
        end: End::KeepOpen,
        expects: vec![expect],
    }
}

/// One request and a half-close.
fn half_closed(category: &'static str, server: Server, bytes: Vec<u8>, expect: Expect) -> Case {
    Case {
        category,
        server,
        writes: vec![bytes],
        end: End::HalfClose,
        expects: vec![expect],
    }
}

fn proto_of(target: &[u8]) -> Proto {
    let path = target.split(|&b| b == b'?').next().unwrap_or_default();
    if path == b"/" {
        Proto::Uhub
    } else {
        Proto::Swr
    }
}

impl Gen {
    fn baseline_swr(&mut self) -> Case {
        let (mut req, proto) = self.valid_swr();
        let mut expect = Expect::new(proto, Outcome::Success);
        if self.chance(15) && req.headers.iter().any(|(n, _)| n == b"X-Auth-Token") {
            req.method = b"HEAD".to_vec();
            expect.head = true;
        }
        single("baseline-swr", Server::Auth, &req, expect)
    }

    fn baseline_uhub(&mut self) -> Case {
        let req = self.valid_uhub();
        let expect = Expect::new(Proto::Uhub, Outcome::Success);
        single("baseline-uhub", Server::Auth, &req, expect)
    }

    fn auth_refused(&mut self) -> Case {
        let refused = |proto| Expect::new(proto, Outcome::Refused);
        let req = match self.rng.u8(..10) {
            0 => Req::get(self.pick(&SWR_PATHS)),
            1 => Req::get(self.pick(&SWR_PATHS)).header("X-Auth-Token", self.ascii(40)),
            2 => {
                let mut req = swr_signed(self.pick(&SWR_PATHS), &[]);
                // A query the signature does not cover.
                req.target.extend_from_slice(b"?limit=5&offset=0");
                req
            }
            3 => Req::get("/v2/manage/repos").header(
                "Authorization",
                format!(
                    "SDK-HMAC-SHA256 Access={}, SignedHeaders=host, Signature={}",
                    self.ascii(20),
                    self.ascii(64)
                ),
            ),
            // Bytes a header value may hold: visible ASCII and obs-text.
            4 => {
                let value: Vec<u8> = (0..50)
                    .map(|_| match self.rng.u8(..2) {
                        0 => self.rng.u8(0x21..0x7f),
                        _ => self.rng.u8(0x80..),
                    })
                    .collect();
                Req::get("/v2/manage/repos")
                    .header("Authorization", value)
                    .header("X-Sdk-Date", "20000101T000000Z")
            }
            5 => {
                let mut req = swr_signed("/v2/manage/repos", &[]);
                for (name, value) in &mut req.headers {
                    if name.eq_ignore_ascii_case(b"x-sdk-date") {
                        *value = self
                            .pick(&[
                                "19990101T000000Z",
                                "99999999T999999Z",
                                "20240230T250000Z",
                                "",
                                "yesterday",
                                "2024-01-01T00:00:00Z",
                            ])
                            .as_bytes()
                            .to_vec();
                    }
                }
                req
            }
            6 => Req::get(format!(
                "/?Action={}&PublicKey={DEMO_UCLOUD_PUBLIC_KEY}",
                self.pick(&ACTIONS[..3])
            )),
            7 => Req::get(format!(
                "/?Action=GetRepo&PublicKey={DEMO_UCLOUD_PUBLIC_KEY}&Signature={}",
                self.ascii(40)
            )),
            8 => {
                let form = common::form(
                    &wharf_auth::ucloud::Credentials::new("stranger", "secret").unwrap(),
                    &[("Action", "GetRepo")],
                );
                Req::post("/", "application/x-www-form-urlencoded", form)
            }
            _ => {
                let form = common::form(&common::demo_keys(), &[("Action", "GetRepo")]);
                Req::post(
                    "/",
                    "application/x-www-form-urlencoded",
                    format!("{form}&Limit=3"),
                )
            }
        };
        let proto = proto_of(&req.target);
        single("auth-refused", Server::Auth, &req, refused(proto))
    }

    fn percent_encoding(&mut self) -> Case {
        let category = "percent-encoding";
        let server = if self.chance(70) {
            Server::Open
        } else {
            Server::Auth
        };
        let n = self.rng.usize(1..6);
        let req = match self.rng.u8(..4) {
            0 => {
                let query = self.odd_query(&SWR_KEYS, n);
                Req::get(format!("{}?{query}", self.pick(&SWR_PREFIXES))).token()
            }
            1 => {
                let prefix = self.pick(&SWR_PREFIXES[2..3]);
                let segment = self.odd_value().replace(['+', ' ', '"'], "x");
                let tail = self.pick(&["", "/tags"]);
                let prefix = if self.chance(50) {
                    prefix.to_owned()
                } else {
                    format!("/v2/manage/namespaces/{segment}/repos/")
                };
                Req::get(format!("{prefix}{segment}{tail}")).token()
            }
            2 => Req::get(format!(
                "/?Action={}&{}",
                self.pick(&ACTIONS),
                self.odd_query(&UHUB_KEYS, n)
            )),
            _ => {
                let body = format!(
                    "Action={}&{}",
                    self.pick(&ACTIONS),
                    self.odd_query(&UHUB_KEYS, n)
                );
                Req::post("/", "application/x-www-form-urlencoded", body)
            }
        };
        // Spaces and quotes are not taken by hyper in a target.
        let mut req = req;
        req.target = String::from_utf8_lossy(&req.target)
            .replace(' ', "%20")
            .replace('"', "%22")
            .into_bytes();
        let proto = proto_of(&req.target);
        single(category, server, &req, Expect::new(proto, Outcome::Shaped))
    }

    fn odd_target(&mut self) -> Case {
        use Outcome::{Shaped, ShapedOrBare};
        use Proto::{Swr, Uhub};
        let category = "odd-target";
        let (target, proto, outcome) = if self.chance(70) {
            self.pick(&[
                ("*", Swr, Shaped),
                ("//", Swr, Shaped),
                ("/./v2/manage/repos", Swr, Shaped),
                ("/v2/manage/repos/", Swr, Shaped),
                ("/V2/MANAGE/REPOS", Swr, Shaped),
                ("/v2/manage/repos#fragment", Swr, Shaped),
                ("/v2/manage/../manage/repos", Swr, Shaped),
                ("/v2//manage///repos", Swr, Shaped),
                ("/v2/manage/repos;x=y", Swr, Shaped),
                ("/%2F", Swr, Shaped),
                ("/%2e%2e/%2e%2e/etc/passwd", Swr, Shaped),
                (
                    "/v2/manage/dockerhub/namespaces/library/repos/%2e%2e",
                    Swr,
                    Shaped,
                ),
                (
                    "/v2/manage/namespaces/team/repos/..%2F..%2Fx/tags",
                    Swr,
                    Shaped,
                ),
                ("http://emulator.test/v2/manage/repos", Swr, Shaped),
                ("http://emulator.test", Uhub, Shaped),
                ("http://emulator.test/?Action=GetRepo", Uhub, Shaped),
                ("emulator.test:80", Swr, Shaped),
                ("/?", Uhub, Shaped),
                ("/?&&&", Uhub, Shaped),
                ("/?=", Uhub, Shaped),
                ("/?Action", Uhub, Shaped),
                ("/?Action=GetRepo&Action", Uhub, Shaped),
                ("/?Action=%47etRepo", Uhub, Shaped),
                ("/#?Action=GetRepo", Uhub, Shaped),
                ("v2/manage/repos", Swr, ShapedOrBare),
                ("?Action=GetRepo", Uhub, ShapedOrBare),
                ("/v2/manage/repos?a=\\", Swr, ShapedOrBare),
                ("/v2/manage/repos?a=<>", Swr, ShapedOrBare),
                ("", Swr, ShapedOrBare),
            ])
        } else {
            // Printable ASCII at random: hyper takes some of it.
            let len = self.rng.usize(1..200);
            let mut target = String::from("/");
            for _ in 0..len {
                target.push(char::from(self.rng.u8(0x21..0x7f)));
            }
            let target: &'static str = Box::leak(target.into_boxed_str());
            let proto = proto_of(target.split('#').next().unwrap_or_default().as_bytes());
            (target, proto, ShapedOrBare)
        };
        let req = if self.chance(50) {
            Req::get(target).token()
        } else {
            let form = common::form(&common::demo_keys(), &[("Action", "GetRepo")]);
            Req::post(target, "application/x-www-form-urlencoded", form)
        };
        single(category, Server::Auth, &req, Expect::new(proto, outcome))
    }

    fn repeated_keys(&mut self) -> Case {
        let category = "repeated-keys";
        let server = if self.chance(50) {
            Server::Open
        } else {
            Server::Auth
        };
        let req = if self.chance(50) {
            let key = self.pick(&SWR_KEYS);
            let mut pairs = vec![format!("{key}=1"), format!("{key}=2")];
            if self.chance(50) {
                pairs.push(format!("{key}="));
            }
            if self.chance(30) {
                pairs.push("filter=limit::5|offset::0".to_owned());
            }
            self.rng.shuffle(&mut pairs);
            Req::get(format!("{}?{}", self.pick(&SWR_PATHS), pairs.join("&"))).token()
        } else {
            let params = self.valid_uhub_params();
            let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let form = common::form(&common::demo_keys(), &pairs);
            let key = self.pick(&UHUB_KEYS);
            let extra = format!("{key}={}", self.pick(&["1", "", "GetRepo", "team"]));
            let body = format!("{form}&{extra}");
            if self.chance(50) {
                Req::get(format!("/?{body}"))
            } else {
                Req::post("/", "application/x-www-form-urlencoded", body)
            }
        };
        let proto = proto_of(&req.target);
        single(category, server, &req, Expect::new(proto, Outcome::Shaped))
    }

    fn invalid_utf8(&mut self) -> Case {
        let category = "invalid-utf8";
        let bad: &[u8] = self.pick(&[
            &b"\xff"[..],
            b"\xc3\x28",
            b"\xe2\x82",
            b"\xed\xa0\x80",
            b"\xf8\x88\x80\x80\x80",
            b"\xc0\xaf",
            b"\xfe\xfe\xff\xff",
        ]);
        let server = if self.chance(50) {
            Server::Open
        } else {
            Server::Auth
        };
        let (req, outcome) = match self.rng.u8(..7) {
            // Raw bytes in a target are not HTTP: hyper may refuse them.
            0 => {
                let mut target = b"/v2/manage/repos?name=".to_vec();
                target.extend_from_slice(bad);
                (Req::get(target).token(), Outcome::ShapedOrBare)
            }
            1 => {
                let mut target = b"/?Action=GetRepo&Type=".to_vec();
                target.extend_from_slice(bad);
                (Req::get(target), Outcome::ShapedOrBare)
            }
            // In a header value they are (obsolete) HTTP.
            2 => (
                Req::get(self.pick(&SWR_PATHS)).header("X-Auth-Token", bad.to_vec()),
                Outcome::Shaped,
            ),
            3 => (
                Req::get(self.pick(&SWR_PATHS))
                    .token()
                    .header("User-Agent", bad.to_vec()),
                Outcome::Shaped,
            ),
            4 => {
                let mut body = b"Action=GetRepoImage&RepoName=".to_vec();
                body.extend_from_slice(bad);
                (
                    Req::post("/", "application/x-www-form-urlencoded", body),
                    Outcome::Shaped,
                )
            }
            5 => {
                let mut body = b"{\"Action\":\"GetRepo\",\"Type\":\"".to_vec();
                body.extend_from_slice(bad);
                body.extend_from_slice(b"\"}");
                (Req::post("/", "application/json", body), Outcome::Shaped)
            }
            _ => {
                let mut req = Req::get(self.pick(&SWR_PATHS)).token();
                req.body = bad.to_vec();
                req.length = true;
                (req, Outcome::Shaped)
            }
        };
        let proto = proto_of(&req.target);
        single(category, server, &req, Expect::new(proto, outcome))
    }

    fn huge(&mut self) -> Case {
        let category = "huge";
        let server = if self.chance(50) {
            Server::Open
        } else {
            Server::Auth
        };
        let (req, outcome) = match self.rng.u8(..14) {
            // Many parameters: a body of about 1 MiB of them.
            10 => {
                let pair =
                    self.pick(&["a=&", "Limit=1&", "RepoName=team&", "&", "Action=GetRepo&"]);
                let body = pair.repeat((1000 * 1024) / pair.len());
                (
                    Req::post("/", "application/x-www-form-urlencoded", body),
                    Outcome::Shaped,
                )
            }
            // Many query parameters, for SWR.
            11 => {
                let pair = self.pick(&["a=1&", "limit=1&", "filter=x&", "&", "offset=0&"]);
                let query = pair.repeat(60 * 1024 / pair.len());
                let path = self.pick(&SWR_PATHS);
                (Req::get(format!("{path}?{query}")).token(), Outcome::Shaped)
            }
            // A long filter.
            12 => {
                let term = self.pick(&["namespace::team|", "name::a|", "|", "limit::5|", "'a'"]);
                let filter = common::encode(&term.repeat(20 * 1024 / term.len()));
                let path = self.pick(&SWR_PATHS);
                (
                    Req::get(format!("{path}?filter={filter}")).token(),
                    Outcome::ShapedOrBare,
                )
            }
            // A JSON body with many members.
            13 => {
                let members: Vec<String> = (0..40_000).map(|i| format!("\"K{i}\":{i}")).collect();
                let body = format!("{{\"Action\":\"GetRepo\",{}}}", members.join(","));
                (Req::post("/", "application/json", body), Outcome::Shaped)
            }
            // Over http's 64 KiB target limit: hyper's 414.
            0 => {
                let value = "a".repeat(100 * 1024);
                let key = self.pick(&["name", "filter", "namespace"]);
                (
                    Req::get(format!("/v2/manage/repos?{key}={value}")).token(),
                    Outcome::ShapedOrBare,
                )
            }
            // Under it: the emulator's answer.
            1 => {
                let value = "b".repeat(60 * 1024);
                let key = self.pick(&["name", "filter", "tag", "limit"]);
                let path = self.pick(&SWR_PATHS);
                (
                    Req::get(format!("{path}?{key}={value}")).token(),
                    Outcome::Shaped,
                )
            }
            2 => {
                let value = "c".repeat(100 * 1024);
                let key = self.pick(&["RepoName", "Action", "Limit", "Signature"]);
                (
                    Req::post(
                        "/",
                        "application/x-www-form-urlencoded",
                        format!("Action=GetRepoImage&{key}={value}"),
                    ),
                    Outcome::Shaped,
                )
            }
            3 => (
                Req::get(self.pick(&SWR_PATHS))
                    .token()
                    .header("X-Padding", "d".repeat(64 * 1024)),
                Outcome::Shaped,
            ),
            4 => (
                Req::get("/v2/manage/repos").header("X-Auth-Token", "e".repeat(64 * 1024)),
                Outcome::Shaped,
            ),
            5 => {
                let mut req = Req::get(self.pick(&SWR_PATHS)).token();
                for i in 0..90 {
                    req = req.header(format!("X-H{i}"), "v");
                }
                (req, Outcome::Shaped)
            }
            6 => {
                let mut req = Req::get(self.pick(&SWR_PATHS)).token();
                for i in 0..150 {
                    req = req.header(format!("X-H{i}"), "v");
                }
                (req, Outcome::ShapedOrBare)
            }
            7 => {
                let len = self.pick(&[8 * 1024, 60 * 1024, 70 * 1024]);
                let path = format!("/v2/manage/namespaces/team/repos/{}/tags", "f".repeat(len));
                let outcome = if len > 64 * 1024 {
                    Outcome::ShapedOrBare
                } else {
                    Outcome::Shaped
                };
                (Req::get(path).token(), outcome)
            }
            8 => {
                // A head larger than hyper's buffer.
                let mut req = Req::get("/v2/manage/repos").token();
                for i in 0..8 {
                    req = req.header(format!("X-Big{i}"), "g".repeat(64 * 1024));
                }
                (req, Outcome::ShapedOrBare)
            }
            _ => {
                // A body just over the 1 MiB the emulator reads.
                let len = self.pick(&[(1 << 20) + 1, 3 << 20]);
                let target = self.pick(&["/", "/v2/manage/repos"]);
                (
                    Req::post(target, "application/x-www-form-urlencoded", vec![b'h'; len]),
                    Outcome::Shaped,
                )
            }
        };
        let proto = proto_of(&req.target);
        // A huge body's answer may come before it is sent whole.
        let end = if req.body.len() > 1 << 20 {
            End::HalfClose
        } else {
            End::KeepOpen
        };
        Case {
            end,
            ..single(category, server, &req, Expect::new(proto, outcome))
        }
    }

    fn bad_method(&mut self) -> Case {
        let category = "bad-method";
        let target = if self.chance(50) {
            self.pick(&SWR_PATHS).to_owned()
        } else {
            format!(
                "/?{}",
                common::form(&common::demo_keys(), &[("Action", "GetRepo")])
            )
        };
        let (method, outcome) = self.pick(&[
            ("BREW", Outcome::Shaped),
            ("get", Outcome::Shaped),
            ("Get", Outcome::Shaped),
            ("PUT", Outcome::Shaped),
            ("DELETE", Outcome::Shaped),
            ("PATCH", Outcome::Shaped),
            ("OPTIONS", Outcome::Shaped),
            ("TRACE", Outcome::Shaped),
            ("PROPFIND", Outcome::Shaped),
            ("M-SEARCH", Outcome::Shaped),
            ("X", Outcome::Shaped),
            ("CONNECT", Outcome::ShapedOrBare),
            ("", Outcome::ShapedOrBare),
            ("GE T", Outcome::ShapedOrBare),
            ("G(E)T", Outcome::ShapedOrBare),
            ("GET\x00", Outcome::ShapedOrBare),
            ("\u{c9}GET", Outcome::ShapedOrBare),
        ]);
        let method = if self.chance(10) {
            "LONGMETHOD".repeat(self.rng.usize(10..200))
        } else {
            method.to_owned()
        };
        let mut req = Req::new(&method, target).token();
        if self.chance(30) {
            req.body = b"Action=GetRepo".to_vec();
            req.length = true;
        }
        let proto = proto_of(&req.target);
        single(category, Server::Auth, &req, Expect::new(proto, outcome))
    }

    fn http_version(&mut self) -> Case {
        let category = "http-version";
        let (mut req, _) = self.valid_swr();
        if self.chance(40) {
            req = self.valid_uhub();
        }
        let proto = proto_of(&req.target);
        let (version, outcome) = self.pick(&[
            ("HTTP/1.0", Outcome::Success),
            ("HTTP/1.1", Outcome::Success),
            ("HTTP/2.0", Outcome::ShapedOrBare),
            ("HTTP/1.2", Outcome::ShapedOrBare),
            ("HTTP/3", Outcome::ShapedOrBare),
            ("http/1.1", Outcome::ShapedOrBare),
            ("HTTP/1.1 extra", Outcome::ShapedOrBare),
            ("", Outcome::ShapedOrBare),
        ]);
        req.version = version.as_bytes().to_vec();
        let mut outcome = outcome;
        match self.rng.u8(..5) {
            // No Host at all: not required by hyper, nor by the signature
            // of a token request.
            0 if req.headers.iter().any(|(n, _)| n == b"X-Auth-Token") || proto == Proto::Uhub => {
                req = req.without("Host");
            }
            1 => req = req.header("Host", "other.test"),
            2 => req = req.header("Connection", "keep-alive"),
            3 => {
                // The absolute form of the target.
                let mut target = format!("http://{HOST}").into_bytes();
                target.extend_from_slice(&req.target);
                req.target = target;
            }
            _ => {}
        }
        if outcome == Outcome::Success
            && req.headers.iter().filter(|(n, _)| n == b"Host").count() > 1
        {
            outcome = Outcome::Shaped;
        }
        let end = if version == "HTTP/1.0" {
            // HTTP/1.0 without keep-alive: the server closes after answering.
            End::HalfClose
        } else {
            End::KeepOpen
        };
        Case {
            end,
            ..single(category, Server::Auth, &req, Expect::new(proto, outcome))
        }
    }

    fn content_length(&mut self) -> Case {
        let category = "content-length";
        let server = Server::Open;
        let uhub = self.chance(50);
        let (target, body) = if uhub {
            ("/", b"Action=GetRepo&Limit=2".to_vec())
        } else {
            ("/v2/manage/repos", b"{}".to_vec())
        };
        let proto = proto_of(target.as_bytes());
        let mut req = Req::post(target, "application/x-www-form-urlencoded", body.clone());
        req.length = false;
        if !uhub {
            req.method = b"GET".to_vec();
        }
        let len = body.len();
        let bare = Expect::new(proto, Outcome::ShapedOrBare);
        let shaped = Expect::new(proto, Outcome::Shaped);
        match self.rng.u8(..10) {
            0 => half_closed(
                category,
                server,
                req.header("Content-Length", "-1").bytes(),
                bare,
            ),
            1 => half_closed(
                category,
                server,
                req.header("Content-Length", "ten").bytes(),
                bare,
            ),
            2 => half_closed(
                category,
                server,
                req.header("Content-Length", len.to_string())
                    .header("Content-Length", (len + 3).to_string())
                    .bytes(),
                bare,
            ),
            3 => half_closed(
                category,
                server,
                req.header("Content-Length", "99999999999999999999999")
                    .bytes(),
                bare,
            ),
            4 => half_closed(
                category,
                server,
                req.header("Content-Length", format!("+{len}")).bytes(),
                bare,
            ),
            // Larger than the body, then a half-close: the body is broken.
            5 => half_closed(
                category,
                server,
                req.header(
                    "Content-Length",
                    (len + self.rng.usize(1..5000)).to_string(),
                )
                .bytes(),
                shaped,
            ),
            // Over the limit, announced: refused before it is read.
            6 => half_closed(
                category,
                server,
                req.header("Content-Length", ((1 << 20) + 1).to_string())
                    .bytes(),
                shaped,
            ),
            // Smaller than the body: the rest is a second, broken request.
            7 => {
                let bytes = req.header("Content-Length", (len / 2).to_string()).bytes();
                Case {
                    category,
                    server,
                    writes: vec![bytes],
                    end: End::HalfClose,
                    expects: vec![shaped, Expect::new(proto, Outcome::BareOrClose)],
                }
            }
            8 => half_closed(
                category,
                server,
                req.header("Content-Length", format!("{len}, {len}"))
                    .bytes(),
                bare,
            ),
            _ => single(
                category,
                server,
                &req.header("Content-Length", format!(" {len} ")),
                shaped,
            ),
        }
    }

    fn chunked(&mut self) -> Case {
        let category = "chunked";
        let uhub = self.chance(60);
        let server = if self.chance(50) {
            Server::Open
        } else {
            Server::Auth
        };
        let (mut req, body) = if uhub {
            let form = common::form(&common::demo_keys(), &[("Action", "GetRepo")]);
            (
                Req::new("POST", "/").header("Content-Type", "application/x-www-form-urlencoded"),
                form.into_bytes(),
            )
        } else {
            (Req::get("/v2/manage/repos").token(), Vec::new())
        };
        let proto = proto_of(&req.target);
        req = req.header("Transfer-Encoding", "chunked");
        let chunks = |body: &[u8], size: usize, ext: &str| {
            let mut out = Vec::new();
            for piece in body.chunks(size.max(1)) {
                out.extend_from_slice(format!("{:x}{ext}\r\n", piece.len()).as_bytes());
                out.extend_from_slice(piece);
                out.extend_from_slice(b"\r\n");
            }
            out
        };
        let size = self.rng.usize(1..40);
        let mut encoded = chunks(&body, size, "");
        let (end, outcome) = match self.rng.u8(..10) {
            0 => {
                encoded.extend_from_slice(b"0\r\n\r\n");
                (End::KeepOpen, Outcome::Success)
            }
            1 => {
                encoded = chunks(&body, size, ";name=value");
                encoded.extend_from_slice(b"0\r\nX-Trailer: yes\r\n\r\n");
                (End::KeepOpen, Outcome::Success)
            }
            2 => {
                encoded.extend_from_slice(b"zz\r\nhello\r\n0\r\n\r\n");
                (End::HalfClose, Outcome::Shaped)
            }
            3 => {
                encoded.extend_from_slice(b"ffffffffffffffffffff\r\nx\r\n");
                (End::HalfClose, Outcome::Shaped)
            }
            4 => {
                encoded.extend_from_slice(b"100\r\nshort");
                (End::HalfClose, Outcome::Shaped)
            }
            5 => {
                encoded.extend_from_slice(b"5\r\nhelloXX0\r\n\r\n");
                (End::HalfClose, Outcome::Shaped)
            }
            6 => {
                encoded.extend_from_slice(b"0\r\n");
                (End::HalfClose, Outcome::Shaped)
            }
            7 => {
                req = req.header("Content-Length", "3");
                encoded.extend_from_slice(b"0\r\n\r\n");
                (End::HalfClose, Outcome::ShapedOrBare)
            }
            8 => {
                req = req.without("Transfer-Encoding").header(
                    "Transfer-Encoding",
                    self.pick(&["chunked, gzip", "gzip", "identity", "chunked, chunked"]),
                );
                encoded.extend_from_slice(b"0\r\n\r\n");
                (End::HalfClose, Outcome::ShapedOrBare)
            }
            _ => {
                // Chunks of odd sizes with leading zeros and upper case hex.
                let mut out = Vec::new();
                for piece in body.chunks(size) {
                    out.extend_from_slice(format!("000{:X}\r\n", piece.len()).as_bytes());
                    out.extend_from_slice(piece);
                    out.extend_from_slice(b"\r\n");
                }
                out.extend_from_slice(b"0\r\n\r\n");
                encoded = out;
                (End::KeepOpen, Outcome::Success)
            }
        };
        let mut bytes = req.head_bytes();
        bytes.extend_from_slice(&encoded);
        Case {
            category,
            server,
            writes: vec![bytes],
            end,
            expects: vec![Expect::new(proto, outcome)],
        }
    }

    fn wrong_typed_body(&mut self) -> Case {
        let category = "wrong-typed-body";
        let server = if self.chance(50) {
            Server::Open
        } else {
            Server::Auth
        };
        let content_type = self.pick(&[
            "application/x-www-form-urlencoded",
            "application/json",
            "Application/JSON; charset=utf-8",
            "text/plain",
            "multipart/form-data; boundary=x",
            "application/octet-stream",
            "application/json; charset=\u{7f}",
            "",
        ]);
        let depth = self.rng.usize(1..3000);
        let random_len = self.rng.usize(0..4096);
        let random = self.bytes(random_len);
        let body: Vec<u8> = match self.rng.u8(..10) {
            0 => br#"{"Action":"GetRepo","Limit":5}"#.to_vec(),
            1 => b"Action=GetRepo&Limit=5".to_vec(),
            2 => br#"{"Action":["GetRepo"],"Limit":{"a":1}}"#.to_vec(),
            3 => br#"{"Action":"GetRepo","Limit":null,"Offset":1e400}"#.to_vec(),
            4 => br#"["Action","GetRepo"]"#.to_vec(),
            5 => format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes(),
            6 => br#"{"Action":"GetRepo","Limit":123456789012345678901234567890}"#.to_vec(),
            7 => b"--x\r\nContent-Disposition: form-data; name=\"Action\"\r\n\r\nGetRepo\r\n--x--\r\n"
                .to_vec(),
            8 => br#"{"Action":"GetRepo","Action":"GetRepoImage"}"#.to_vec(),
            _ => random,
        };
        let target = self.pick(&["/", "/", "/?Action=GetRepo", "/v2/manage/repos"]);
        let mut req = Req::post(target, content_type, body);
        if content_type.is_empty() {
            req = req.without("Content-Type");
        }
        if target.starts_with("/v2") && self.chance(50) {
            req.method = b"GET".to_vec();
            req = req.token();
        }
        let proto = proto_of(&req.target);
        let outcome = if content_type.contains('\u{7f}') {
            Outcome::ShapedOrBare
        } else {
            Outcome::Shaped
        };
        single(category, server, &req, Expect::new(proto, outcome))
    }

    fn truncated(&mut self) -> Case {
        let category = "truncated-half-close";
        let (req, proto) = if self.chance(50) {
            (self.valid_uhub(), Proto::Uhub)
        } else {
            let mut req = Req::get("/v2/manage/repos").token();
            req.body = b"{\"a\":1}".to_vec();
            req.length = true;
            (req, Proto::Swr)
        };
        let bytes = req.bytes();
        let head = req.head_bytes().len();
        if self.chance(50) && bytes.len() > head + 1 {
            // The head whole, part of the body.
            let cut = self.rng.usize(head..bytes.len());
            half_closed(
                category,
                Server::Auth,
                bytes[..cut].to_vec(),
                Expect::new(proto, Outcome::Shaped),
            )
        } else {
            // Part of the head.
            let cut = self.rng.usize(1..head - 1);
            half_closed(
                category,
                Server::Auth,
                bytes[..cut].to_vec(),
                Expect::new(proto, Outcome::BareOrClose),
            )
        }
    }

    fn pipelined(&mut self) -> Case {
        let category = "pipelined";
        let n = self.rng.usize(2..9);
        let mut all = Vec::new();
        let mut expects = Vec::new();
        for _ in 0..n {
            let position = expects.len();
            let (req, expect) = match self.rng.u8(..4) {
                0 => {
                    let limit = (position + 1).to_string();
                    let query = [("offset", "0"), ("limit", limit.as_str())];
                    let req = if self.chance(50) {
                        swr_signed("/v2/manage/repos", &query)
                    } else {
                        Req::get(format!("/v2/manage/repos?offset=0&limit={limit}")).token()
                    };
                    let mut expect = Expect::new(Proto::Swr, Outcome::Success);
                    expect.items = Some(position + 1);
                    (req, expect)
                }
                1 => {
                    // The team namespace has 5 images.
                    let limit = (position % 5 + 1).to_string();
                    let params = [
                        ("Action", "GetRepoImage"),
                        ("RepoName", "team"),
                        ("Offset", "0"),
                        ("Limit", limit.as_str()),
                    ];
                    let form = common::form(&common::demo_keys(), &params);
                    let req = if self.chance(50) {
                        Req::get(format!("/?{form}"))
                    } else {
                        Req::post("/", "application/x-www-form-urlencoded", form)
                    };
                    let mut expect = Expect::new(Proto::Uhub, Outcome::Success);
                    expect.items = Some(position % 5 + 1);
                    (req, expect)
                }
                2 => (
                    Req::get(format!("/v2/manage/repos?{}", self.odd_query(&SWR_KEYS, 2))).token(),
                    Expect::new(Proto::Swr, Outcome::Shaped),
                ),
                _ => (
                    Req::get(self.pick(&SWR_PATHS)),
                    Expect::new(Proto::Swr, Outcome::Refused),
                ),
            };
            let mut req = req;
            req.target = String::from_utf8_lossy(&req.target)
                .replace(' ', "%20")
                .replace('"', "%22")
                .into_bytes();
            all.extend_from_slice(&req.bytes());
            expects.push(expect);
        }
        let mut end = End::KeepOpen;
        match self.rng.u8(..4) {
            // Garbage at the end: everything before it is answered first.
            0 => {
                all.extend_from_slice(b"GARBAGE\r\n\r\n");
                expects.push(Expect::new(Proto::Swr, Outcome::BareOrClose));
                end = End::HalfClose;
            }
            1 => end = End::HalfClose,
            _ => {}
        }
        // Written in one piece, or cut at random places.
        let writes = if self.chance(50) {
            vec![all]
        } else {
            let mut writes = Vec::new();
            let mut rest = &all[..];
            while !rest.is_empty() {
                let take = self.rng.usize(1..=rest.len().min(200));
                writes.push(rest[..take].to_vec());
                rest = &rest[take..];
            }
            writes
        };
        Case {
            category,
            server: Server::Auth,
            writes,
            end,
            expects,
        }
    }

    fn mid_request_close(&mut self) -> Case {
        let category = "mid-request-close";
        let req = if self.chance(50) {
            self.valid_uhub()
        } else {
            self.valid_swr().0
        };
        let bytes = req.bytes();
        let cut = self.rng.usize(0..bytes.len());
        Case {
            category,
            server: Server::Auth,
            writes: vec![bytes[..cut].to_vec()],
            end: End::Close,
            expects: Vec::new(),
        }
    }

    fn header_oddities(&mut self) -> Case {
        let category = "header-oddities";
        let (base, proto) = if self.chance(50) {
            self.valid_swr()
        } else {
            (self.valid_uhub(), Proto::Uhub)
        };
        let (req, outcome, end) = match self.rng.u8(..12) {
            0 => (
                base.header("No colon here", ""),
                Outcome::ShapedOrBare,
                End::HalfClose,
            ),
            1 => (
                base.header("X-Space ", "x"),
                Outcome::ShapedOrBare,
                End::HalfClose,
            ),
            2 => (
                base.header("X-Fold", "a\r\n folded"),
                Outcome::ShapedOrBare,
                End::HalfClose,
            ),
            3 => (
                base.header("X-Nul", "a\0b"),
                Outcome::ShapedOrBare,
                End::HalfClose,
            ),
            4 => {
                let mut req = base;
                req.eol = b"\n";
                (req, Outcome::ShapedOrBare, End::HalfClose)
            }
            5 => (
                base.header("Expect", "100-continue"),
                Outcome::Success,
                End::KeepOpen,
            ),
            6 => (
                base.header("Connection", "Upgrade")
                    .header("Upgrade", "websocket"),
                Outcome::Success,
                End::KeepOpen,
            ),
            7 => (
                base.header("X-".to_owned() + &"n".repeat(10_000), "v"),
                Outcome::Success,
                End::KeepOpen,
            ),
            8 => (base.header("X-Empty", ""), Outcome::Success, End::KeepOpen),
            9 => (
                base.header("Content-Type", "application/json")
                    .header("X-Auth-Token", "second"),
                Outcome::Shaped,
                End::KeepOpen,
            ),
            10 => (
                base.header("", "empty name"),
                Outcome::ShapedOrBare,
                End::HalfClose,
            ),
            _ => (
                base.header("Connection", "close"),
                Outcome::Success,
                End::HalfClose,
            ),
        };
        Case {
            category,
            server: Server::Auth,
            writes: vec![req.bytes()],
            end,
            expects: vec![Expect::new(proto, outcome)],
        }
    }

    fn random_bytes(&mut self) -> Case {
        let category = "random-bytes";
        let len = self.rng.usize(1..2048);
        let mut bytes = match self.rng.u8(..4) {
            0 => b"GET / HTTP/1.1\r\n".to_vec(),
            1 => b"POST /v2/manage/repos HTTP/1.1\r\nHost: x\r\n".to_vec(),
            2 => b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec(),
            _ => Vec::new(),
        };
        bytes.extend(self.bytes(len));
        if self.chance(50) {
            bytes.extend_from_slice(b"\r\n\r\n");
        }
        half_closed(
            category,
            Server::Auth,
            bytes,
            Expect::new(Proto::Swr, Outcome::Anything),
        )
    }

    fn mutated(&mut self) -> Case {
        let category = "mutated";
        let req = if self.chance(50) {
            self.valid_uhub()
        } else {
            self.valid_swr().0
        };
        let mut bytes = req.bytes();
        for _ in 0..self.rng.usize(1..6) {
            let at = self.rng.usize(..bytes.len());
            match self.rng.u8(..4) {
                0 => bytes[at] = self.rng.u8(..),
                1 => bytes[at] ^= 1 << self.rng.u8(..8),
                2 => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, self.pick(b"\r\n :%&=?/\0\xff")),
            }
        }
        half_closed(
            category,
            Server::Auth,
            bytes,
            Expect::new(Proto::Swr, Outcome::Anything),
        )
    }
}

// ---------------------------------------------------------------------------
// Answers

/// One answer read off the wire, whole.
struct Answer {
    reply: common::Reply,
    /// hyper's own refusal: no body, no request id of either provider.
    bare: bool,
}

/// Reads one complete answer (skipping `100 Continue`): `Ok(None)` when the
/// server closed before a byte of it; an error when it is cut short or
/// framed wrong.
fn read_answer(reader: &mut BufReader<TcpStream>, head: bool) -> io::Result<Option<Answer>> {
    let bad = |what: String| io::Error::new(ErrorKind::InvalidData, what);
    loop {
        let mut lines = Vec::new();
        let mut received = 0usize;
        loop {
            let mut line = Vec::new();
            let n = reader.read_until(b'\n', &mut line)?;
            if n == 0 {
                if received == 0 {
                    return Ok(None);
                }
                return Err(io::Error::new(
                    ErrorKind::UnexpectedEof,
                    format!("the head ends after {received} bytes"),
                ));
            }
            received += n;
            if received > 1 << 20 {
                return Err(bad("a head over 1 MiB".into()));
            }
            if !line.ends_with(b"\r\n") {
                return Err(bad(format!(
                    "a head line without CRLF: {:?}",
                    String::from_utf8_lossy(&line)
                )));
            }
            line.truncate(line.len() - 2);
            if line.is_empty() {
                break;
            }
            lines.push(String::from_utf8(line).map_err(|e| bad(format!("a head not UTF-8: {e}")))?);
        }
        let status_line = lines.first().cloned().unwrap_or_default();
        let mut parts = status_line.splitn(3, ' ');
        let version = parts.next().unwrap_or_default();
        if version != "HTTP/1.1" && version != "HTTP/1.0" {
            return Err(bad(format!("a bad status line: {status_line:?}")));
        }
        let status: u16 = parts
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad(format!("a bad status line: {status_line:?}")))?;
        let headers: Vec<(String, String)> = lines[1..]
            .iter()
            .map(|l| {
                l.split_once(':')
                    .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
                    .ok_or_else(|| bad(format!("a header line without a colon: {l:?}")))
            })
            .collect::<io::Result<_>>()?;
        let mut reply = common::Reply {
            status,
            headers,
            body: Vec::new(),
        };
        if (100..200).contains(&status) {
            continue;
        }
        let chunked = reply
            .header("transfer-encoding")
            .is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
        if head || status == 204 || status == 304 {
            // No body.
        } else if chunked {
            reply.body = read_chunked(reader)?;
        } else if let Some(length) = reply.header("content-length") {
            let length: usize = length
                .parse()
                .map_err(|_| bad(format!("a bad Content-Length: {length:?}")))?;
            let mut body = vec![0u8; length];
            reader.read_exact(&mut body).map_err(|e| {
                io::Error::new(e.kind(), format!("a body cut short of {length} bytes: {e}"))
            })?;
            reply.body = body;
        } else {
            return Err(bad(
                "an answer with no framing: neither Content-Length nor chunked".into(),
            ));
        }
        let bare = reply.body.is_empty()
            && reply.header("x-request-id").is_none()
            && reply.header("x-ucloud-request-uuid").is_none();
        return Ok(Some(Answer { reply, bare }));
    }
}

fn read_chunked(reader: &mut BufReader<TcpStream>) -> io::Result<Vec<u8>> {
    let bad = |what: &str| io::Error::new(ErrorKind::InvalidData, what.to_owned());
    let mut body = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let size = line.trim_end().split(';').next().unwrap_or_default();
        let size = usize::from_str_radix(size, 16).map_err(|_| bad("a bad chunk size"))?;
        if size == 0 {
            loop {
                let mut trailer = String::new();
                if reader.read_line(&mut trailer)? == 0 {
                    return Err(bad("the trailers end early"));
                }
                if trailer == "\r\n" {
                    return Ok(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + size + 2, 0);
        reader.read_exact(&mut body[start..])?;
        if &body[start + size..] != b"\r\n" {
            return Err(bad("a chunk without its CRLF"));
        }
        body.truncate(start + size);
    }
}

/// Whether `answer` is what `expect` allows; `Err` says why not.
fn check(answer: &Answer, expect: &Expect) -> Result<(), String> {
    let reply = &answer.reply;
    if reply.status >= 500 {
        return Err(format!("a {} answer", reply.status));
    }
    let may_be_bare = matches!(
        expect.outcome,
        Outcome::ShapedOrBare | Outcome::BareOrClose | Outcome::Anything
    );
    if answer.bare && !expect.head {
        if !may_be_bare {
            return Err(format!(
                "hyper's bare {} to a request the emulator should have answered",
                reply.status
            ));
        }
        if ![400, 414, 431].contains(&reply.status) {
            return Err(format!("a bare {} is none of 400, 414, 431", reply.status));
        }
        return Ok(());
    }
    let proto = match expect.outcome {
        Outcome::Anything if reply.header("x-ucloud-request-uuid").is_some() => Proto::Uhub,
        Outcome::Anything => Proto::Swr,
        _ => expect.proto,
    };
    let (mine, other) = match proto {
        Proto::Swr => ("x-request-id", "x-ucloud-request-uuid"),
        Proto::Uhub => ("x-ucloud-request-uuid", "x-request-id"),
    };
    if reply.header(mine).is_none() || reply.header(other).is_some() {
        return Err(format!("not {proto:?}'s request id header"));
    }
    if expect.head {
        return match (expect.outcome, reply.status) {
            (Outcome::Success, 200) | (Outcome::Shaped, _) => Ok(()),
            (_, status) => Err(format!("HEAD answered {status}")),
        };
    }
    let json_type = reply
        .header("content-type")
        .is_some_and(|v| v.starts_with("application/json"));
    if !json_type {
        return Err(format!(
            "content type {:?}, not JSON",
            reply.header("content-type")
        ));
    }
    let body: Value = serde_json::from_slice(&reply.body).map_err(|e| format!("not JSON: {e}"))?;
    match proto {
        Proto::Swr => check_swr(reply.status, &body, expect.outcome)?,
        Proto::Uhub => check_uhub(reply.status, &body, expect.outcome)?,
    }
    if let Some(items) = expect.items {
        let page = match proto {
            Proto::Swr => &body,
            Proto::Uhub => &body["ImageSet"],
        };
        let got = page.as_array().map(Vec::len);
        if got != Some(items) {
            return Err(format!("{got:?} items, not {items}: out of order?"));
        }
    }
    Ok(())
}

fn check_swr(status: u16, body: &Value, outcome: Outcome) -> Result<(), String> {
    let error = |code: &str, message: &str| {
        body[code].as_str().is_some_and(|c| !c.is_empty())
            && body[message].as_str().is_some_and(|m| !m.is_empty())
    };
    let is_error = error("errorCode", "errorMessage") || error("error_code", "error_msg");
    match outcome {
        Outcome::Success if status != 200 => return Err(format!("{status}, not 200")),
        Outcome::Refused if status != 401 || body["error_code"] != "APIGW.0301" => {
            return Err(format!(
                "{status} {}, not 401 APIGW.0301",
                body["error_code"]
            ));
        }
        _ => {}
    }
    let code = body["errorCode"]
        .as_str()
        .or_else(|| body["error_code"].as_str())
        .unwrap_or_default();
    // The status and code pairs the crate README documents.
    let documented = matches!(
        (status, code),
        (400, "SVCSTG.SWR.4001048")
            | (401, "APIGW.0301")
            | (404, "SVCSTG.SWR.4040002" | "APIGW.0101")
    );
    match status {
        200..=299 if body.is_array() || body.is_object() && !is_error => Ok(()),
        400..=499 if is_error && documented => Ok(()),
        400..=499 if is_error => Err(format!("{status} {code}: not a documented pair")),
        _ => Err(format!("{status} with a body not in SWR's shape")),
    }
}

fn check_uhub(status: u16, body: &Value, outcome: Outcome) -> Result<(), String> {
    let Some(code) = body["RetCode"].as_i64() else {
        return Err("no integer RetCode".into());
    };
    if !body.is_object() || ![200, 405].contains(&status) {
        return Err(format!("{status}, not 200 or 405"));
    }
    if code != 0 && body["Message"].as_str().is_none_or(str::is_empty) {
        return Err(format!("RetCode {code} without a Message"));
    }
    // The codes the crate README documents (153 only as an injected fault).
    if ![0, 160, 161, 170, 171, 172, 230, 232].contains(&code) {
        return Err(format!("RetCode {code} is not documented"));
    }
    if status == 405 && code != 230 {
        return Err(format!("405 with RetCode {code}"));
    }
    if let Some(action) = body.get("Action") {
        if !action.as_str().is_some_and(|a| a.ends_with("Response")) {
            return Err(format!("Action {action}"));
        }
    }
    match outcome {
        Outcome::Success if code != 0 || status != 200 => {
            Err(format!("RetCode {code} ({}), not 0", body["Message"]))
        }
        Outcome::Success if !body["TotalCount"].is_u64() => Err("no TotalCount".into()),
        Outcome::Refused if !(170..=172).contains(&code) => {
            Err(format!("RetCode {code}, not 170-172: {}", body["Message"]))
        }
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------
// Running

/// Counts per category: sent, answered per status class, closed.
#[derive(Default)]
struct Tally {
    cases: usize,
    requests: usize,
    classes: BTreeMap<String, usize>,
}

impl Tally {
    fn count(&mut self, class: impl Into<String>) {
        *self.classes.entry(class.into()).or_default() += 1;
    }
}

/// Runs `case`, counting what came back; `Err` says what went wrong.
fn run(case: &Case, addr: SocketAddr, tally: &mut Tally) -> Result<(), String> {
    tally.cases += 1;
    tally.requests += case.expects.len().max(1);
    let stream = TcpStream::connect(addr).map_err(|e| format!("connect: {e}"))?;
    stream.set_read_timeout(Some(GUARD)).unwrap();
    stream.set_write_timeout(Some(GUARD)).unwrap();
    stream.set_nodelay(true).unwrap();
    // The server may answer (and close) before it has read all of a huge
    // request: write from another thread, and let writing fail.
    let writer = {
        let mut stream = stream.try_clone().unwrap();
        let writes = case.writes.clone();
        let end = case.end;
        std::thread::spawn(move || {
            for write in &writes {
                if stream.write_all(write).is_err() {
                    return;
                }
            }
            if end == End::HalfClose {
                let _ = stream.shutdown(Shutdown::Write);
            }
        })
    };
    if case.end == End::Close {
        let _ = writer.join();
        drop(stream);
        tally.count("closed by the client");
        return Ok(());
    }
    let mut reader = BufReader::new(stream);
    let mut result = Ok(());
    let mut closed = false;
    for (i, expect) in case.expects.iter().enumerate() {
        let answer = match read_answer(&mut reader, expect.head) {
            Ok(answer) => answer,
            Err(e) => {
                result = Err(format!("answer {i}: {e}"));
                break;
            }
        };
        let Some(answer) = answer else {
            tally.count("closed, no answer");
            if !matches!(expect.outcome, Outcome::BareOrClose | Outcome::Anything) {
                result = Err(format!("answer {i}: the server closed without answering"));
            }
            closed = true;
            break;
        };
        let status = answer.reply.status;
        tally.count(if answer.bare {
            format!("{status} (hyper, bare)")
        } else {
            format!("{}xx", status / 100)
        });
        if let Err(e) = check(&answer, expect) {
            result = Err(format!(
                "answer {i}: {e}: {} {:?} {}",
                status,
                answer.reply.headers,
                truncate(&answer.reply.body, 600)
            ));
            break;
        }
        let closing = answer
            .reply
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        if answer.bare || closing {
            // hyper closes after its refusal, and after `Connection: close`:
            // nothing more comes, and any request left is for the client to
            // send again.
            match read_answer(&mut reader, false) {
                Ok(None) => {}
                Ok(Some(more)) => {
                    result = Err(format!(
                        "answer {i} says it closes, then {} came",
                        more.reply.status
                    ));
                }
                Err(e) if e.kind() == ErrorKind::ConnectionReset => {
                    result = Err(format!("answer {i} then a reset: {e}"));
                }
                Err(e) => result = Err(format!("after answer {i}: {e}")),
            }
            closed = true;
            break;
        }
    }
    if result.is_ok() && case.end == End::HalfClose && !closed {
        // Everything asked is answered; the server closes with nothing more
        // to say (random bytes may have made more requests than one).
        loop {
            match read_answer(&mut reader, false) {
                Ok(None) => break,
                Ok(Some(answer)) if case.expects[0].outcome == Outcome::Anything => {
                    if let Err(e) = check(&answer, &case.expects[0]) {
                        result = Err(format!("a further answer: {e}"));
                        break;
                    }
                    if answer.bare {
                        break;
                    }
                }
                Ok(Some(answer)) => {
                    result = Err(format!(
                        "an answer nobody asked for: {} {}",
                        answer.reply.status,
                        truncate(&answer.reply.body, 300)
                    ));
                    break;
                }
                Err(e) => {
                    result = Err(format!("after the answers: {e}"));
                    break;
                }
            }
        }
    }
    drop(reader);
    let _ = writer.join();
    result
}

fn truncate(bytes: &[u8], max: usize) -> String {
    let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(max)]).into_owned();
    if bytes.len() > max {
        format!("{shown:?}... ({} bytes)", bytes.len())
    } else {
        format!("{shown:?}")
    }
}

/// The request bytes, escaped, for a failure report.
fn show(case: &Case) -> String {
    let all: Vec<u8> = case.writes.concat();
    truncate(&all, 2000)
}

fn open_descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// This process's resident memory in KiB (`VmRSS`).
fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/self/status")
}

/// Polls `check` until it holds, failing after [`GUARD`].
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + GUARD;
    while !check() {
        assert!(Instant::now() < deadline, "not within {GUARD:?}: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A valid request to each emulator is served right: they are alive.
fn still_serving(auth: &Emulator, open: &Emulator) {
    let repos = common::swr(auth, "/v2/manage/repos", &[("namespace", "team")]);
    assert_eq!(repos.status, 200, "{}", repos.text());
    assert_eq!(repos.json().as_array().map(Vec::len), Some(5));
    let images = common::uhub(auth, &[("Action", "GetRepoImage"), ("RepoName", "team")]);
    assert_eq!(images.json()["RetCode"], 0, "{}", images.text());
    assert_eq!(images.json()["TotalCount"], 5);
    let open_repos = common::send(open.addr(), "GET", "/v2/manage/namespaces", &[], b"").unwrap();
    assert_eq!(open_repos.status, 200, "{}", open_repos.text());
}

#[test]
fn thousands_of_hostile_requests_get_complete_answers_in_the_providers_shape() {
    let _turn = serial();
    let auth = common::start(Emulator::builder());
    let open = common::start(Emulator::builder().no_auth());
    still_serving(&auth, &open);
    let descriptors_before = open_descriptors();
    let rss_before = resident_kib();
    let started = Instant::now();
    let mut tallies: BTreeMap<&'static str, Tally> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut cases = 0;
    for seed in SEEDS {
        let mut generator = Gen {
            rng: fastrand::Rng::with_seed(seed),
        };
        for round in 0..PER_CATEGORY {
            for category in CATEGORIES {
                let case = generator.case(category);
                cases += 1;
                let addr = match case.server {
                    Server::Auth => auth.addr(),
                    Server::Open => open.addr(),
                };
                let tally = tallies.entry(category).or_default();
                if let Err(e) = run(&case, addr, tally) {
                    failures.push(format!(
                        "seed {seed}, round {round}, {} ({:?}, {:?}, expecting {:?}): {e}\n  request: {}",
                        case.category,
                        case.server,
                        case.end,
                        case.expects.iter().map(|x| x.outcome).collect::<Vec<_>>(),
                        show(&case)
                    ));
                }
            }
        }
    }
    let elapsed = started.elapsed();
    println!("{cases} cases over {} seeds in {elapsed:.1?}", SEEDS.len());
    println!(
        "{:<22} {:>6} {:>8}  answers",
        "category", "cases", "requests"
    );
    let mut total = Tally::default();
    for (category, tally) in &tallies {
        println!(
            "{category:<22} {:>6} {:>8}  {:?}",
            tally.cases, tally.requests, tally.classes
        );
        total.cases += tally.cases;
        total.requests += tally.requests;
        for (class, n) in &tally.classes {
            *total.classes.entry(class.clone()).or_default() += n;
        }
    }
    println!(
        "{:<22} {:>6} {:>8}  {:?}",
        "total", total.cases, total.requests, total.classes
    );
    assert!(
        failures.is_empty(),
        "{} of {cases} cases failed; the first ones:\n{}",
        failures.len(),
        failures
            .iter()
            .take(25)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    still_serving(&auth, &open);
    eventually("the connections' descriptors are given back", || {
        open_descriptors() <= descriptors_before + 4
    });
    let rss_after = resident_kib();
    println!(
        "resident memory: {} MiB before, {} MiB after; descriptors: {descriptors_before} before, {} after",
        rss_before / 1024,
        rss_after / 1024,
        open_descriptors()
    );
    assert!(
        rss_after < rss_before + 32 * 1024,
        "resident memory grew from {rss_before} KiB to {rss_after} KiB"
    );
    assert!(auth.requests() > 1000 && open.requests() > 100);
}
