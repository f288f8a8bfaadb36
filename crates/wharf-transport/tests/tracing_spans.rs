//! The spans say what is being done, and never carry a secret.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use http::HeaderValue;
use support::{Server, ok, status};
use wharf_auth::huawei::Credentials;
use wharf_transport::{
    FakeTime, HttpConfig, HttpTransport, HuaweiSigner, Provider, Request, Retrying, Signing,
    SwrClassifier, Transport,
};

/// A writer that keeps everything the subscriber prints.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn spans_name_operation_attempt_status_and_request_id_without_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = Server::start(vec![status(503), ok("[]")]).await;
    let time = FakeTime::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let credentials = Credentials::new("AK-VISIBLE", "SK-MUST-NOT-APPEAR").unwrap();
    let transport = HttpTransport::new(HttpConfig::default()).unwrap();
    let signing =
        Signing::new(transport, HuaweiSigner::new(credentials)).with_time(Arc::new(time.clone()));
    let client = Retrying::new(signing, SwrClassifier).with_time(Arc::new(time));
    let mut request = Request::get(
        Provider::Swr,
        "list_repos",
        format!("{}/v2/manage/repos", server.base),
    );
    request.headers.insert(
        "x-auth-token",
        HeaderValue::from_static("TOKEN-MUST-NOT-APPEAR"),
    );
    client.send(request).await.unwrap();

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("wharf.operation{provider=swr operation=\"list_repos\"}"),
        "{log}"
    );
    assert!(log.contains("wharf.attempt{attempt=1"), "{log}");
    assert!(log.contains("status=503"), "{log}");
    assert!(log.contains("request_id=\"req-503\""), "{log}");
    assert!(log.contains("wharf.attempt{attempt=2"), "{log}");
    assert!(log.contains("latency_ms="), "{log}");
    assert!(log.contains("retrying"), "{log}");
    assert!(!log.contains("SK-MUST-NOT-APPEAR"), "{log}");
    assert!(!log.contains("TOKEN-MUST-NOT-APPEAR"), "{log}");
    assert!(!log.contains("Signature="), "{log}");
}
