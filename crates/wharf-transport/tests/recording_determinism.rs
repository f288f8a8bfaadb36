//! What makes two recordings of the same calls the same bytes: exchanges in
//! the order requests were sent, volatile values left out, and the fixture's
//! comment kept.

use async_trait::async_trait;
use http::{HeaderValue, StatusCode};
use tokio::sync::Notify;
use wharf_transport::{
    Error, ErrorKind, Fixture, Provider, RecordingTransport, Request, Response, Transport,
};

/// Answers `/a` only once `/b` has been answered, fails `/fail`, and never
/// answers `/hang`: responses come back in another order than requests.
#[derive(Debug, Default)]
struct OutOfOrder {
    b_answered: Notify,
}

#[async_trait]
impl Transport for OutOfOrder {
    async fn send(&self, request: Request) -> Result<Response, Error> {
        match request.path() {
            "/a" => self.b_answered.notified().await,
            "/b" => self.b_answered.notify_one(),
            "/fail" => return Err(Error::new(ErrorKind::Connect, &request, "refused")),
            "/hang" => std::future::pending::<()>().await,
            _ => {}
        }
        let mut response = Response::new(StatusCode::OK, request.path().to_owned());
        let headers = &mut response.headers;
        headers.insert(
            "date",
            HeaderValue::from_static("Sat, 15 Jun 2024 12:34:56 GMT"),
        );
        headers.insert("x-request-id", HeaderValue::from_static("r-1"));
        Ok(response)
    }
}

fn get(path: &str) -> Request {
    Request::get(Provider::Swr, "op", format!("http://127.0.0.1:9{path}"))
}

fn targets(fixture: &Fixture) -> Vec<&str> {
    fixture
        .exchanges
        .iter()
        .map(|e| e.request.target.as_str())
        .collect()
}

#[tokio::test(flavor = "current_thread")]
async fn exchanges_are_in_request_order_and_failures_leave_none() {
    let recorder = RecordingTransport::new(OutOfOrder::default());
    // `join!` polls in order: `/a` is sent first and answered last.
    let (a, fail, b) = tokio::join!(
        recorder.send(get("/a")),
        recorder.send(get("/fail")),
        recorder.send(get("/b")),
    );
    assert!(a.is_ok() && b.is_ok());
    assert_eq!(fail.unwrap_err().kind(), ErrorKind::Connect);
    // A request given up on before its answer leaves nothing either.
    let hung = tokio::time::timeout(
        std::time::Duration::from_millis(1),
        recorder.send(get("/hang")),
    );
    assert!(hung.await.is_err());
    recorder.send(get("/c")).await.unwrap();
    assert_eq!(targets(&recorder.fixture()), ["/a", "/b", "/c"]);
}

#[tokio::test(flavor = "current_thread")]
async fn volatile_values_are_not_recorded() {
    let recorder = RecordingTransport::new(OutOfOrder::default());
    let mut request = get("/c");
    let headers = &mut request.headers;
    headers.insert("x-sdk-date", HeaderValue::from_static("20240615T123456Z"));
    headers.insert("host", HeaderValue::from_static("127.0.0.1:9"));
    headers.insert(
        "authorization",
        HeaderValue::from_static("SDK-HMAC-SHA256 Signature=s"),
    );
    headers.insert("x-project-id", HeaderValue::from_static("p-1"));
    recorder.send(request).await.unwrap();
    let fixture = recorder.fixture();
    let exchange = &fixture.exchanges[0];
    let pairs = |h: &[(String, String)]| -> Vec<(String, String)> { h.to_vec() };
    let expected = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    };
    assert_eq!(
        pairs(&exchange.request.headers),
        expected(&[
            ("x-sdk-date", "<volatile>"),
            ("host", "<volatile>"),
            ("authorization", "<redacted>"),
            ("x-project-id", "p-1"),
        ])
    );
    // The date is left out; the request id is the server's to make repeat.
    assert_eq!(
        pairs(&exchange.response.headers),
        expected(&[("x-request-id", "r-1")])
    );
}

#[test]
fn the_comment_is_written_first_kept_and_optional() {
    let dir = std::env::temp_dir().join(format!("wharf-comment-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("commented.json");
    let fixture = Fixture::new(Vec::new()).with_comment("generated; do not edit");
    fixture.save(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text, fixture.to_text().unwrap());
    assert!(
        text.starts_with("{\n  \"comment\": \"generated; do not edit\",\n"),
        "{text}"
    );
    assert!(text.ends_with("}\n"), "a trailing newline");
    assert_eq!(Fixture::load(&path).unwrap(), fixture);

    // Fixtures written before the comment existed still load, and a fixture
    // without one writes no `comment` key.
    let old = dir.join("old.json");
    std::fs::write(
        &old,
        r#"{"format":"wharf-replay","version":1,"exchanges":[]}"#,
    )
    .unwrap();
    let loaded = Fixture::load(&old).unwrap();
    assert_eq!(loaded.comment, None);
    assert!(!loaded.to_text().unwrap().contains("comment"));
    std::fs::remove_dir_all(&dir).unwrap();
}
