//! Replay matching, the mismatch message, and the recording round trip.

mod support;

use http::HeaderValue;
use support::{Action, Server, ok};
use wharf_transport::{
    ErrorKind, Exchange, Fixture, HttpConfig, HttpTransport, Provider, RecordingTransport,
    ReplayTransport, Request, Transport,
};

fn list(filter: &str) -> Request {
    Request::get(
        Provider::Swr,
        "list_repos",
        format!(
            "https://swr-api.cn-north-4.myhuaweicloud.com/v2/manage/repos?filter={filter}&limit=2&offset=0"
        ),
    )
}

#[tokio::test]
async fn replay_ignores_dates_signatures_and_host() {
    let recorded = list("namespace%3A%3Ateam");
    let replay = ReplayTransport::new(vec![
        Exchange::new(&recorded, 200, "[]").with_response_header("content-range", "0-0/0"),
    ]);
    let mut live = list("namespace%3A%3Ateam");
    live.url = live.url.replace(
        "https://swr-api.cn-north-4.myhuaweicloud.com",
        "http://127.0.0.1:9",
    );
    live.headers
        .insert("x-sdk-date", HeaderValue::from_static("20240615T123456Z"));
    live.headers.insert(
        "authorization",
        HeaderValue::from_static("SDK-HMAC-SHA256 Access=a, SignedHeaders=x, Signature=y"),
    );
    let response = replay.send(live).await.unwrap();
    assert_eq!(response.header("content-range"), Some("0-0/0"));
    assert_eq!(replay.unserved(), 0);
}

#[tokio::test]
async fn each_exchange_is_served_once_in_order() {
    let request = list("namespace%3A%3Ateam");
    let replay = ReplayTransport::new(vec![
        Exchange::new(&request, 503, "{}"),
        Exchange::new(&request, 200, "[]"),
    ]);
    assert_eq!(replay.send(request.clone()).await.unwrap().status, 503);
    assert_eq!(replay.send(request.clone()).await.unwrap().status, 200);
    let error = replay.send(request).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ReplayMismatch);
    assert!(
        error
            .to_string()
            .contains("it matches, but was already served"),
        "{error}"
    );
}

#[tokio::test]
async fn the_mismatch_message_shows_the_closest_request_and_the_differences() {
    let mut with_header = list("namespace%3A%3Ateam");
    with_header
        .headers
        .insert("x-project-id", HeaderValue::from_static("p-1"));
    let replay = ReplayTransport::new(vec![
        Exchange::new(
            &Request::get(
                Provider::Swr,
                "list_official_images",
                "https://h/v2/manage/dockerhub/repos",
            ),
            200,
            "[]",
        ),
        Exchange::new(&with_header, 200, "[]"),
    ]);
    let mut asked = list("namespace%3A%3Aother");
    asked
        .headers
        .insert("x-project-id", HeaderValue::from_static("p-2"));
    let error = replay.send(asked).await.unwrap_err();
    insta::assert_snapshot!(error.to_string(), @r"
    swr list_repos: no recorded exchange matches: GET /v2/manage/repos?filter=namespace%3A%3Aother&limit=2&offset=0
    closest recorded request (exchange 2 of 2, swr list_repos):
      GET /v2/manage/repos?filter=namespace%3A%3Ateam&limit=2&offset=0
    differences (recorded, then requested):
      query: recorded filter=namespace%3A%3Ateam is missing
      query: filter=namespace%3A%3Aother was not recorded
      header: recorded x-project-id: p-1 is missing
      header: x-project-id: p-2 was not recorded
    ");
}

#[tokio::test]
async fn query_order_is_matched_strictly() {
    let replay = ReplayTransport::new(vec![Exchange::new(&list("a"), 200, "[]")]);
    let mut asked = list("a");
    asked.url = asked
        .url
        .replace("filter=a&limit=2&offset=0", "limit=2&offset=0&filter=a");
    let error = replay.send(asked).await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("query order: filter=a&limit=2&offset=0 != limit=2&offset=0&filter=a"),
        "{error}"
    );
}

#[tokio::test]
async fn recording_round_trips_through_a_fixture_file() {
    let server = Server::start(vec![
        Action::Respond(
            200,
            vec![
                ("content-range", "0-1/2".into()),
                ("x-request-id", "r-1".into()),
            ],
            r#"[{"name":"a"}]"#.into(),
        ),
        ok(r#"{"RetCode":0}"#),
    ])
    .await;
    let recorder = RecordingTransport::new(HttpTransport::new(HttpConfig::default()).unwrap());
    let mut first = Request::get(
        Provider::Swr,
        "list_repos",
        format!("{}/v2/manage/repos?filter=name%3A%3Aa", server.base),
    );
    first.headers.insert(
        "x-auth-token",
        HeaderValue::from_static("very-secret-token"),
    );
    let second = Request::post(
        Provider::Uhub,
        "GetRepo",
        format!("{}/", server.base),
        "Action=GetRepo&Limit=20",
    );
    let live_first = recorder.send(first.clone()).await.unwrap();
    recorder.send(second.clone()).await.unwrap();

    let dir = std::env::temp_dir().join(format!("wharf-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("fixture.json");
    recorder.save(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("very-secret-token"), "secrets are redacted");
    assert!(text.contains("<redacted>"));

    let fixture = Fixture::load(&path).unwrap();
    assert_eq!(fixture, recorder.fixture());
    let replay = ReplayTransport::from_file(&path).unwrap();
    let replayed = replay.send(first).await.unwrap();
    assert_eq!(replayed.body, live_first.body);
    assert_eq!(replayed.header("content-range"), Some("0-1/2"));
    assert_eq!(replayed.request_id(Provider::Swr), Some("r-1"));
    assert_eq!(replay.send(second).await.unwrap().body, r#"{"RetCode":0}"#);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn fixtures_of_another_version_are_refused() {
    let dir = std::env::temp_dir().join(format!("wharf-version-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("v2.json");
    std::fs::write(
        &path,
        r#"{"format":"wharf-replay","version":2,"exchanges":[]}"#,
    )
    .unwrap();
    let error = Fixture::load(&path).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Fixture);
    assert!(
        error
            .to_string()
            .ends_with("is wharf-replay version 2; this wharf reads wharf-replay version 1"),
        "{error}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn ucloud_keys_are_redacted_and_ignored_when_matching() {
    let server = Server::start(vec![ok(r#"{"RetCode":0}"#)]).await;
    let recorder = RecordingTransport::new(HttpTransport::new(HttpConfig::default()).unwrap());
    let body =
        |key: &str, sig: &str| format!("Action=GetRepo&Limit=20&PublicKey={key}&Signature={sig}");
    let recorded = Request::post(
        Provider::Uhub,
        "GetRepo",
        format!("{}/", server.base),
        body("recording-key", "abc123"),
    );
    recorder.send(recorded).await.unwrap();
    let fixture = recorder.fixture();
    let text = serde_json::to_string(&fixture).unwrap();
    assert!(
        !text.contains("recording-key") && !text.contains("abc123"),
        "{text}"
    );

    let replay = ReplayTransport::new(fixture.exchanges);
    let other_keys = Request::post(
        Provider::Uhub,
        "GetRepo",
        "https://api.ucloud.cn/",
        body("ci-key", "def456"),
    );
    assert_eq!(
        replay.send(other_keys).await.unwrap().body,
        r#"{"RetCode":0}"#
    );
}

#[test]
fn request_debug_hides_secret_headers() {
    let mut request = list("a");
    request
        .headers
        .insert("x-auth-token", HeaderValue::from_static("TOKEN-SECRET"));
    request.headers.insert(
        "authorization",
        HeaderValue::from_static(
            "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=SIG-SECRET",
        ),
    );
    let shown = format!("{request:?}");
    assert!(
        !shown.contains("TOKEN-SECRET") && !shown.contains("SIG-SECRET"),
        "{shown}"
    );
    assert!(shown.contains("<redacted>"), "{shown}");
}
