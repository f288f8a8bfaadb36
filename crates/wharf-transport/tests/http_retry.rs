//! The HTTP backend and the retry layer against a scripted local server: every
//! fault kind, `Retry-After`, each timeout, the body cap, re-signing.

mod support;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::HeaderValue;
use support::{Action, Server, ok, status};
use wharf_transport::{
    Error, ErrorKind, FakeTime, HttpConfig, HttpTransport, Provider, Request, Retrying, Signer,
    Signing, SwrClassifier, Transport, UhubClassifier,
};

fn start_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

fn http() -> HttpTransport {
    HttpTransport::new(HttpConfig::default()).unwrap()
}

/// A retrying SWR client on a fake clock, so backoffs take no wall time.
fn swr_client(time: &FakeTime) -> Retrying<HttpTransport> {
    Retrying::new(http(), SwrClassifier).with_time(Arc::new(time.clone()))
}

fn list(server: &Server) -> Request {
    Request::get(
        Provider::Swr,
        "list_repos",
        format!("{}/v2/manage/repos?filter=namespace%3A%3Ateam", server.base),
    )
}

async fn one_fault_then_ok(
    fault: Action,
) -> (Server, FakeTime, Result<wharf_transport::Response, Error>) {
    let server = Server::start(vec![fault, ok("[1]")]).await;
    let time = FakeTime::new(start_time());
    let result = swr_client(&time).send(list(&server)).await;
    (server, time, result)
}

#[tokio::test]
async fn each_retryable_status_is_retried() {
    for code in [429, 500, 502, 503, 504] {
        let (server, time, result) = one_fault_then_ok(status(code)).await;
        let response = result.unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(response.body, "[1]");
        assert_eq!(server.count(), 2, "{code}");
        assert_eq!(time.sleeps().len(), 1, "{code}");
    }
}

#[tokio::test]
async fn connection_faults_are_retried() {
    for fault in [Action::Reset, Action::Truncate] {
        let (server, _, result) = one_fault_then_ok(fault.clone()).await;
        let response = result.unwrap_or_else(|e| panic!("{fault:?}: {e}"));
        assert_eq!(response.body, "[1]", "{fault:?}");
        assert_eq!(server.count(), 2, "{fault:?}");
    }
}

#[tokio::test]
async fn a_client_error_is_not_retried_and_says_what_the_server_said() {
    let (server, time, result) = one_fault_then_ok(status(404)).await;
    let error = result.unwrap_err();
    assert_eq!(server.count(), 1);
    assert!(time.sleeps().is_empty());
    assert_eq!(error.kind(), ErrorKind::HttpStatus);
    assert_eq!(error.code(), Some("SVCSTG.SWR.5000001"));
    assert_eq!(error.request_id(), Some("req-404"));
    assert_eq!(
        error.to_string(),
        "swr list_repos: server returned an error: HTTP 404 Not Found, SVCSTG.SWR.5000001: scripted [request id req-404]"
    );
}

#[tokio::test]
async fn attempts_run_out() {
    let server = Server::start(vec![
        status(503),
        status(503),
        status(503),
        status(503),
        ok("[]"),
    ])
    .await;
    let time = FakeTime::new(start_time());
    let error = swr_client(&time).send(list(&server)).await.unwrap_err();
    assert_eq!(server.count(), 4, "default max_attempts is 4");
    assert_eq!(error.attempts(), 4);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(error.to_string().ends_with("after 4 attempts"), "{error}");
}

#[tokio::test]
async fn backoff_waits_follow_the_configured_jitter() {
    let server = Server::start(vec![status(500); 6]).await;
    let time = FakeTime::new(start_time());
    let mut client = swr_client(&time).with_jitter_seed(42);
    client.retry.max_attempts = 6;
    client.retry.backoff.base = Duration::from_millis(100);
    client.retry.backoff.cap = Duration::from_millis(800);
    client.send(list(&server)).await.unwrap_err();
    let mut rng = wharf_transport::Jitter::seeded(42);
    let mut previous = None;
    let expected: Vec<Duration> = (0..5)
        .map(|_| {
            let wait = client.retry.backoff.next(previous, &mut rng);
            previous = Some(wait);
            wait
        })
        .collect();
    assert_eq!(time.sleeps(), expected);
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server = Server::start(vec![Action::Respond(
        307,
        vec![("location", "http://192.0.2.2/stolen".into())],
        String::new(),
    )])
    .await;
    let mut request = list(&server);
    request
        .headers
        .insert("x-auth-token", HeaderValue::from_static("TOKEN-SECRET"));
    let response = http().send(request).await.unwrap();
    assert_eq!(response.status.as_u16(), 307);
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let throttled = Action::Respond(429, vec![("retry-after", "7".into())], "{}".into());
    let (_, time, result) = one_fault_then_ok(throttled).await;
    result.unwrap();
    assert_eq!(time.sleeps(), [Duration::from_secs(7)]);
}

#[tokio::test]
async fn retry_after_http_date_is_honoured() {
    // start_time() + 5 s, as an HTTP date.
    let date = "Tue, 14 Nov 2023 22:13:25 GMT";
    let throttled = Action::Respond(503, vec![("retry-after", date.into())], "{}".into());
    let (_, time, result) = one_fault_then_ok(throttled).await;
    result.unwrap();
    assert_eq!(time.sleeps(), [Duration::from_secs(5)]);
}

#[tokio::test]
async fn a_wait_past_the_retry_budget_is_not_taken_and_the_caller_sees_it() {
    let throttled = Action::Respond(429, vec![("retry-after", "120".into())], "{}".into());
    let (server, time, result) = one_fault_then_ok(throttled).await;
    let error = result.unwrap_err();
    assert_eq!(server.count(), 1);
    assert!(time.sleeps().is_empty());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
}

#[tokio::test]
async fn the_retry_budget_counts_waits_on_the_clock() {
    let server = Server::start(vec![status(500); 10]).await;
    let time = FakeTime::new(start_time());
    let mut client = swr_client(&time);
    client.retry.max_attempts = 100;
    client.retry.backoff.base = Duration::from_secs(10);
    client.retry.backoff.cap = Duration::from_secs(10);
    client.retry.retry_timeout = Duration::from_secs(35);
    let error = client.send(list(&server)).await.unwrap_err();
    // Waits of 10 s: after three (30 s) a fourth would end past 35 s.
    assert_eq!(time.sleeps().len(), 3);
    assert_eq!(error.attempts(), 4);
}

#[tokio::test]
async fn a_stalled_attempt_times_out_and_is_retried() {
    let server = Server::start(vec![Action::Stall(Duration::from_secs(5)), ok("[2]")]).await;
    let time = FakeTime::new(start_time());
    let mut client = swr_client(&time);
    client.timeouts.attempt = Duration::from_millis(200);
    let response = client.send(list(&server)).await.unwrap();
    assert_eq!(response.body, "[2]");
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn the_attempt_timeout_error_names_the_limit() {
    let server = Server::start(vec![Action::Stall(Duration::from_secs(5))]).await;
    let time = FakeTime::new(start_time());
    let mut client = swr_client(&time);
    client.retry.max_attempts = 1;
    client.timeouts.attempt = Duration::from_millis(100);
    let error = client.send(list(&server)).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::AttemptTimeout);
    assert_eq!(
        error.to_string(),
        "swr list_repos: attempt timed out: no complete response within 100ms"
    );
}

#[tokio::test]
async fn the_operation_timeout_bounds_everything() {
    let server = Server::start(vec![Action::Stall(Duration::from_secs(5)); 3]).await;
    let mut client = Retrying::new(http(), SwrClassifier);
    client.timeouts.attempt = Duration::from_secs(2);
    client.timeouts.operation = Duration::from_millis(300);
    let started = std::time::Instant::now();
    let error = client.send(list(&server)).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OperationTimeout);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn the_read_timeout_catches_a_silent_server() {
    let server = Server::start(vec![Action::Stall(Duration::from_secs(5))]).await;
    let mut config = HttpConfig::default();
    config.timeouts.read = Duration::from_millis(100);
    let transport = HttpTransport::new(config).unwrap();
    let error = transport.send(list(&server)).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ReadTimeout, "{error}");
    assert_eq!(
        error.to_string(),
        "swr list_repos: read timed out: nothing received for 100ms"
    );
    assert!(error.is_transient());
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let request = Request::get(
        Provider::Swr,
        "list_repos",
        format!("http://{addr}/v2/manage/repos"),
    );
    let error = http().send(request).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connect, "{error}");
    assert!(error.is_transient());
}

#[tokio::test]
async fn bodies_over_the_cap_are_refused() {
    let mut config = HttpConfig::default();
    config.max_body_bytes = 1024;
    let transport = HttpTransport::new(config).unwrap();
    let big = "x".repeat(2048);
    let server = Server::start(vec![ok(&big), Action::Chunked(2048), ok(&"y".repeat(1024))]).await;
    for _ in 0..2 {
        let error = transport.send(list(&server)).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::TooLarge, "{error}");
        assert!(
            error.to_string().contains("exceeds the cap of 1024 bytes"),
            "{error}"
        );
    }
    let at_cap = transport.send(list(&server)).await.unwrap();
    assert_eq!(at_cap.body.len(), 1024);
}

#[tokio::test]
async fn plain_http_is_refused_except_to_loopback() {
    let request = Request::get(
        Provider::Swr,
        "list_repos",
        "http://swr-api.cn-north-4.myhuaweicloud.com/v2/manage/repos",
    );
    let error = http().send(request).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    assert_eq!(
        error.to_string(),
        "swr list_repos: invalid request: plain http is only allowed to loopback addresses, not \"swr-api.cn-north-4.myhuaweicloud.com\"; use https, or allow plain http explicitly (allow_plain_http, the CLI's --allow-plain-http)"
    );
}

/// Puts the signing time in a header, so the test sees each attempt's signature.
#[derive(Debug)]
struct DateSigner;

impl Signer for DateSigner {
    fn sign(&self, request: &mut Request, now: SystemTime) -> Result<(), Error> {
        let seconds = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        request
            .headers
            .insert("x-sdk-date", HeaderValue::from(seconds));
        Ok(())
    }
}

#[tokio::test]
async fn every_attempt_is_signed_afresh() {
    let server = Server::start(vec![status(503), status(503), ok("[]")]).await;
    let time = FakeTime::new(start_time());
    let signing = Signing::new(http(), DateSigner).with_time(Arc::new(time.clone()));
    let mut client = Retrying::new(signing, SwrClassifier).with_time(Arc::new(time.clone()));
    client.retry.backoff.base = Duration::from_secs(1);
    client.retry.backoff.cap = Duration::from_secs(1);
    client.send(list(&server)).await.unwrap();
    let start = 1_700_000_000u64;
    let expected: Vec<String> = (0..3).map(|i| (start + i).to_string()).collect();
    assert_eq!(server.header_values("x-sdk-date"), expected);
}

#[tokio::test]
async fn uhub_throttling_codes_are_retried() {
    let body = |code: u32| {
        format!(r#"{{"RetCode":{code},"Action":"GetRepoImageResponse","Message":"m"}}"#)
    };
    let server = Server::start(vec![
        Action::Respond(200, vec![], body(153)),
        Action::Respond(200, vec![], body(150)),
        Action::Respond(200, vec![], body(2001)),
        Action::Respond(200, vec![("x-ucloud-request-uuid", "u-1".into())], body(0)),
    ])
    .await;
    let time = FakeTime::new(start_time());
    let client = Retrying::new(http(), UhubClassifier).with_time(Arc::new(time.clone()));
    let request = Request::post(
        Provider::Uhub,
        "GetRepoImage",
        format!("{}/", server.base),
        "Action=GetRepoImage",
    );
    let response = client.send(request).await.unwrap();
    assert_eq!(response.request_id(Provider::Uhub), Some("u-1"));
    assert_eq!(server.count(), 4);
}

#[tokio::test]
async fn a_uhub_error_code_fails_at_once() {
    let server = Server::start(vec![Action::Respond(
        200,
        vec![],
        r#"{"RetCode":171,"Message":"Signature VerifyAC Error"}"#.into(),
    )])
    .await;
    let time = FakeTime::new(start_time());
    let client = Retrying::new(http(), UhubClassifier).with_time(Arc::new(time));
    let request = Request::post(
        Provider::Uhub,
        "GetRepoImage",
        format!("{}/", server.base),
        "Action=GetRepoImage",
    );
    let error = client.send(request).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Provider);
    assert_eq!(error.code(), Some("171"));
    assert_eq!(server.count(), 1);
}

/// Splits a raw request head as the scripted server saw it.
fn parse_head(head: &str) -> (String, String, String, Vec<(String, String)>) {
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap();
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap().to_owned();
    let target = parts.next().unwrap();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let headers = lines
        .take_while(|l| !l.is_empty())
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.to_owned(), v.trim().to_owned())
        })
        .collect();
    (method, path.to_owned(), query.to_owned(), headers)
}

#[tokio::test]
async fn huawei_signatures_on_the_wire_verify_on_every_attempt() {
    use wharf_auth::huawei::{Credentials, ReceivedRequest, VerifyOptions, verify};
    use wharf_transport::HuaweiSigner;

    let server = Server::start(vec![status(503), ok("[]")]).await;
    let time = FakeTime::new(start_time());
    let credentials = Credentials::new("AK-TEST", "SK-TEST")
        .unwrap()
        .with_project_id("p1")
        .unwrap();
    let signing =
        Signing::new(http(), HuaweiSigner::new(credentials)).with_time(Arc::new(time.clone()));
    let mut client = Retrying::new(signing, SwrClassifier).with_time(Arc::new(time.clone()));
    client.retry.backoff.base = Duration::from_secs(2);
    client.retry.backoff.cap = Duration::from_secs(2);
    let mut request = Request::get(
        Provider::Swr,
        "list_repos",
        format!(
            "{}/v2/manage/repos?filter=name%3A%3Aa%20b%7Cnamespace%3A%3At&limit=5",
            server.base
        ),
    );
    request
        .headers
        .insert("content-type", HeaderValue::from_static("application/json"));
    client.send(request).await.unwrap();

    let keys = std::collections::HashMap::from([("AK-TEST".to_owned(), "SK-TEST".to_owned())]);
    let heads = server.requests.lock().unwrap().clone();
    assert_eq!(heads.len(), 2);
    let mut dates = Vec::new();
    for (i, head) in heads.iter().enumerate() {
        let (method, path, query, headers) = parse_head(head);
        let received = ReceivedRequest::new(&method, &path)
            .with_query(&query)
            .with_headers(&headers);
        let now = jiff::Timestamp::try_from(start_time()).unwrap()
            + jiff::SignedDuration::from_secs(2 * i as i64);
        let verified = verify(&received, &keys, now, &VerifyOptions::default())
            .unwrap_or_else(|e| panic!("attempt {i}: {e}\n{head}"));
        assert_eq!(verified.access_key, "AK-TEST");
        dates.push(
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("x-sdk-date"))
                .unwrap()
                .1
                .clone(),
        );
    }
    assert_eq!(
        dates,
        ["20231114T221320Z", "20231114T221322Z"],
        "a fresh date per attempt"
    );
}

#[tokio::test]
async fn ucloud_signatures_on_the_wire_verify_for_post_and_get() {
    use wharf_auth::ucloud::{Credentials, verify};
    use wharf_transport::UcloudSigner;

    let server = Server::start(vec![ok(r#"{"RetCode":0}"#), ok(r#"{"RetCode":0}"#)]).await;
    let credentials = Credentials::new("pub-key", "priv-key").unwrap();
    let client = Signing::new(http(), UcloudSigner::new(credentials));
    let post = Request::post(
        Provider::Uhub,
        "GetRepoImage",
        format!("{}/", server.base),
        "Action=GetRepoImage&RepoName=team+a&Limit=20",
    );
    let get = Request::get(
        Provider::Uhub,
        "GetRepoImage",
        format!("{}/?Action=GetRepoImage&RepoName=team%20a", server.base),
    );
    client.send(post).await.unwrap();
    client.send(get).await.unwrap();

    let keys = std::collections::HashMap::from([("pub-key".to_owned(), "priv-key".to_owned())]);
    for head in server.requests.lock().unwrap().iter() {
        let (_, _, query, _) = parse_head(head);
        let body = head.split("\r\n\r\n").nth(1).unwrap_or_default();
        let form = if query.is_empty() {
            body
        } else {
            query.as_str()
        };
        let params: Vec<(String, String)> = url::form_urlencoded::parse(form.as_bytes())
            .into_owned()
            .collect();
        assert!(
            params.contains(&("RepoName".to_owned(), "team a".to_owned())),
            "{params:?}"
        );
        verify(&params, &keys).unwrap_or_else(|e| panic!("{e}: {head}"));
    }
}

/// A listener that never accepts, with its queue already full: the kernel
/// drops further SYNs, so a new connection hangs in the handshake.
fn full_listener() -> (
    socket2::Socket,
    Vec<std::net::TcpStream>,
    std::net::SocketAddr,
) {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket
        .bind(
            &"127.0.0.1:0"
                .parse::<std::net::SocketAddr>()
                .unwrap()
                .into(),
        )
        .unwrap();
    socket.listen(0).unwrap();
    let addr = socket.local_addr().unwrap().as_socket().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..8 {
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(stream) => fillers.push(stream),
            Err(_) => break,
        }
    }
    (socket, fillers, addr)
}

#[tokio::test]
async fn the_connect_timeout_bounds_the_handshake() {
    let (_listener, _fillers, addr) = full_listener();
    let mut config = HttpConfig::default();
    config.timeouts.connect = Duration::from_millis(200);
    let transport = HttpTransport::new(config).unwrap();
    let request = Request::get(
        Provider::Swr,
        "list_repos",
        format!("http://{addr}/v2/manage/repos"),
    );
    let error = transport.send(request).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ConnectTimeout, "{error}");
    assert_eq!(
        error.to_string(),
        "swr list_repos: connect timed out: no connection within 200ms"
    );
    assert!(error.is_transient());
}
