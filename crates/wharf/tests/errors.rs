//! Failures map to the right kinds, with the provider's code, message and
//! request id, and say which credentials were used, never their values.

mod common;

use std::sync::Arc;
use std::time::Duration;

use wharf::model::{ImageRef, OfficialImagesQuery, RepositoryQuery};
use wharf::{ErrorKind, Provider, SwrClient, SwrConfig, TimeoutLimit, TotalSource, UhubClient};
use wharf_emulator::{Fault, FaultConfig};
use wharf_transport::{Exchange, ReplayTransport, Request};

fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    }
}

#[tokio::test]
async fn a_wrong_swr_key_is_unauthorized_and_names_the_variables() {
    let emulator = common::emulator(common::dataset(10)).await;
    let lookup = env(&[
        ("HUAWEICLOUD_SDK_AK", "WHARFDEMOACCESSKEY01"),
        ("HUAWEICLOUD_SDK_SK", "not-the-secret-key-123"),
    ]);
    let config = SwrConfig::endpoint(&emulator.base_url())
        .unwrap()
        .with_env_credentials(&lookup)
        .unwrap();
    let client = SwrClient::new(config).unwrap();
    let error = client
        .list_official_images_page(&OfficialImagesQuery::default())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unauthorized, "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert!(
        error.code().is_some() && error.request_id().is_some(),
        "{error}"
    );
    let text = error.to_string();
    assert!(
        text.contains("credentials: HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK from the environment"),
        "{text}"
    );
    assert!(!text.contains("not-the-secret-key-123"), "{text}");
    assert!(!format!("{error:?}").contains("not-the-secret-key-123"));
}

#[tokio::test]
async fn a_wrong_uhub_key_is_unauthorized_and_names_the_variables() {
    let emulator = common::emulator(common::dataset(10)).await;
    let lookup = env(&[
        ("UCLOUD_PUBLIC_KEY", "wharf-demo-public-key"),
        ("UCLOUD_PRIVATE_KEY", "not-the-private-key-456"),
    ]);
    let config = wharf::UhubConfig::endpoint(&emulator.base_url())
        .unwrap()
        .with_env_credentials(&lookup)
        .unwrap();
    let client = UhubClient::new(config).unwrap();
    let error = client
        .list_repos_page(&Default::default())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unauthorized, "{error}");
    assert_eq!(error.code(), Some("171"));
    let text = error.to_string();
    assert!(
        text.contains("UCLOUD_PUBLIC_KEY, UCLOUD_PRIVATE_KEY from the environment"),
        "{text}"
    );
    assert!(!text.contains("not-the-private-key-456"), "{text}");
}

#[tokio::test]
async fn half_a_key_pair_is_a_config_error() {
    let lookup = env(&[("HUAWEICLOUD_SDK_AK", "AK")]);
    let error = SwrConfig::region("cn-north-4")
        .unwrap()
        .with_env_credentials(&lookup)
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert!(error.to_string().contains("HUAWEICLOUD_SDK_SK"), "{error}");
    let error = SwrConfig::region("cn north").unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
}

#[tokio::test]
async fn throttling_past_the_retry_budget_is_throttled() {
    let emulator = common::emulator(common::dataset(10)).await;
    let faults = FaultConfig::random(1.0, 1)
        .with_kinds(&[Fault::TooManyRequests])
        .with_retry_after(Duration::ZERO);
    emulator.set_faults(faults).unwrap();
    let mut config = common::swr_config(&emulator);
    config.options.retry.max_attempts = 3;
    let error = SwrClient::new(config)
        .unwrap()
        .list_repositories_page(&RepositoryQuery::default())
        .await
        .unwrap_err();
    assert!(error.is_throttled(), "{error}");
    assert_eq!(error.attempts(), 3);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert!(error.request_id().is_some());

    let faults = FaultConfig::random(1.0, 1)
        .with_kinds(&[Fault::RateLimited])
        .with_retry_after(Duration::ZERO);
    emulator.set_faults(faults).unwrap();
    let mut config = common::uhub_config(&emulator);
    config.options.retry.max_attempts = 2;
    let error = UhubClient::new(config)
        .unwrap()
        .list_repos_page(&Default::default())
        .await
        .unwrap_err();
    assert!(error.is_throttled(), "{error}");
    assert_eq!(error.code(), Some("153"));
    assert_eq!(error.attempts(), 2);
}

#[tokio::test]
async fn server_errors_and_stalls_past_their_limits() {
    let emulator = common::emulator(common::dataset(10)).await;
    emulator
        .set_faults(FaultConfig::random(1.0, 1).with_kinds(&[Fault::InternalError]))
        .unwrap();
    let error = common::swr(&emulator)
        .list_repositories_page(&RepositoryQuery::default())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Server, "{error}");
    assert_eq!(error.attempts(), 10);

    stall_every_request(&emulator);
    let mut config = common::swr_config(&emulator);
    config.options.timeouts = config
        .options
        .timeouts
        .with_attempt(Duration::from_millis(50))
        .with_operation(Duration::from_millis(300));
    let started = std::time::Instant::now();
    let error = SwrClient::new(config)
        .unwrap()
        .list_repositories_page(&RepositoryQuery::default())
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert_eq!(
        error.timeout_limit(),
        Some(TimeoutLimit::Operation),
        "{error}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

/// Every request to `emulator` waits 5 s before any answer.
fn stall_every_request(emulator: &wharf_emulator::Emulator) {
    let stall = FaultConfig::random(1.0, 1)
        .with_kinds(&[Fault::Stall])
        .with_stall(Duration::from_secs(5));
    emulator.set_faults(stall).unwrap();
}

/// The same stalled call fails the same way every time, naming wharf's own
/// limit in wharf's own words, and says which limit it was.
#[tokio::test]
async fn a_timeout_names_its_limit_the_same_way_every_time() {
    let emulator = common::emulator(common::dataset(10)).await;
    stall_every_request(&emulator);
    let mut config = common::swr_config(&emulator);
    config.options.retry.max_attempts = 1;
    config.options.timeouts = config
        .options
        .timeouts
        .with_attempt(Duration::from_millis(50));
    let client = SwrClient::new(config).unwrap();
    let mut lines = std::collections::BTreeSet::new();
    for _ in 0..5 {
        let error = client
            .list_repositories_page(&RepositoryQuery::default())
            .await
            .unwrap_err();
        assert_eq!(
            error.timeout_limit(),
            Some(TimeoutLimit::Attempt),
            "{error}"
        );
        lines.insert(error.to_string());
    }
    assert_eq!(
        lines.into_iter().collect::<Vec<_>>(),
        ["swr list_repos: timed out: attempt timed out: no complete response within 50ms"]
    );
}

/// `Display` tells the transport's words, so `source()` does not repeat
/// them; a cause given with `with_source` is not in the line and is the
/// source.
#[test]
fn display_and_source_do_not_repeat_each_other() {
    use std::error::Error as _;
    let request = wharf::transport::Request::get(
        Provider::Swr,
        "list_repos",
        "https://swr.example/v2/manage/repos",
    );
    let transport = wharf::transport::Error::new(
        wharf::transport::ErrorKind::Connect,
        &request,
        "connection refused",
    );
    let error = wharf::Error::from(transport);
    assert_eq!(error.kind(), ErrorKind::Transport);
    assert_eq!(
        error.to_string(),
        "swr list_repos: transport error: could not connect: connection refused"
    );
    assert!(error.source().is_none());

    let io = std::io::Error::other("disk full");
    let mine = wharf::Error::new(ErrorKind::Server, "my backend failed").with_source(io);
    assert_eq!(mine.to_string(), "server error: my backend failed");
    assert_eq!(
        mine.source().map(|s| s.to_string()).as_deref(),
        Some("disk full")
    );
}

#[tokio::test]
async fn nothing_listening_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let mut config = SwrConfig::endpoint(&url).unwrap();
    config.options.retry.max_attempts = 1;
    let error = SwrClient::new(config)
        .unwrap()
        .list_repositories_page(&RepositoryQuery::default())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
}

/// A client whose every request gets `status` and `body`.
fn replying(status: u16, body: &str) -> SwrClient {
    let request = Request::get(Provider::Swr, "x", "https://swr.example/");
    let exchange = Exchange::new(&request, status, body.to_owned())
        .with_response_header("x-request-id", "req-7");
    answering(exchange)
}

/// A client that gets `exchange`'s response, whatever it asks, once per attempt.
fn answering(exchange: Exchange) -> SwrClient {
    let mut config = SwrConfig::endpoint("https://swr.example").unwrap();
    config.options.retry.max_attempts = 1;
    SwrClient::with_transport(config, Arc::new(Answer(exchange)))
}

/// Answers every request with one recorded response, by replaying it as
/// if it had been recorded for that very request.
#[derive(Debug)]
struct Answer(Exchange);

#[async_trait::async_trait]
impl wharf::Transport for Answer {
    async fn send(
        &self,
        request: Request,
    ) -> Result<wharf_transport::Response, wharf_transport::Error> {
        let mut exchange = self.0.clone();
        exchange.request.target = request.path().to_owned()
            + if request.query().is_empty() { "" } else { "?" }
            + request.query();
        exchange.request.method = request.method.to_string();
        ReplayTransport::new(vec![exchange]).send(request).await
    }
}

#[tokio::test]
async fn statuses_map_to_kinds_with_the_providers_words() {
    let body = r#"{"errorCode":"SVCSTG.SWR.4001048","errorMessage":"the words"}"#;
    for (status, kind) in [
        (400, ErrorKind::BadRequest),
        (403, ErrorKind::Forbidden),
        (404, ErrorKind::NotFound),
        (409, ErrorKind::BadRequest),
        (501, ErrorKind::Server),
    ] {
        let image = ImageRef::new("library".parse().unwrap(), "nginx".parse().unwrap());
        let error = replying(status, body)
            .show_official_image(&image)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), kind, "{status}: {error}");
        assert_eq!(error.code(), Some("SVCSTG.SWR.4001048"));
        assert_eq!(error.message(), Some("the words"));
        assert_eq!(error.request_id(), Some("req-7"));
        assert_eq!(error.operation(), Some("show_official_image"));
    }
}

#[tokio::test]
async fn a_body_that_does_not_decode_names_the_field_and_shows_its_start() {
    let body = r#"[{"id":1,"user":"official","namespace":"library","description":"","star_count":"many"}]"#;
    let client = replying(200, body);
    let error = client
        .list_official_images_page(&OfficialImagesQuery::default())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
    let text = error.to_string();
    assert!(text.contains("at [0].star_count"), "{text}");
    assert!(text.contains(r#"the body began "[{\"id\":1"#), "{text}");
    assert_eq!(error.request_id(), Some("req-7"));
}

#[tokio::test]
async fn a_content_range_at_another_offset_is_set_aside() {
    // It describes some other page, so its total is not this listing's;
    // the page stands on its items, and the header is quoted.
    let request = Request::get(Provider::Swr, "x", "https://swr.example/");
    let exchange =
        Exchange::new(&request, 200, "[]").with_response_header("content-range", "0-0/10");
    let client = answering(exchange);
    let mut query = OfficialImagesQuery::default();
    query.page = Some(wharf::model::PageRequest::new(5, 5));
    let page = client.list_official_images_page(&query).await.unwrap();
    assert_eq!(page.total, None);
    assert_eq!(page.total_source, Some(TotalSource::Absent));
    let ignored = page.ignored_header.expect("the header is quoted");
    assert_eq!(ignored.value, "0-0/10");
    assert_eq!(
        ignored.to_string(),
        r#"Content-Range "0-0/10" was ignored: it starts at offset 0, not at 5 as asked"#
    );
}

#[tokio::test]
async fn no_shape_of_content_range_fails_a_page() {
    // Two official images at offset 0 of a page of 2, each carrying
    // total_range 5: whatever the header says, the page stands.
    let body = r#"[{"id":1,"user":"u","name":"a","namespace":"n","description":"","star_count":0,"pull_count":0,"collection_id":0,"last_updated":"2024-01-01 00:00:00","total_range":5},{"id":2,"user":"u","name":"b","namespace":"n","description":"","star_count":0,"pull_count":0,"collection_id":0,"last_updated":"2024-01-01 00:00:00","total_range":5}]"#;
    let cases: [(Option<&str>, u64, TotalSource, bool); 9] = [
        (Some("0-2/7"), 7, TotalSource::ContentRange, false),
        (Some("items 0-2/7"), 7, TotalSource::ContentRange, false),
        (Some(" 0-2/7 "), 7, TotalSource::ContentRange, false),
        // `*` is an unknown total, said in a form the parser reads.
        (Some("0-2/*"), 5, TotalSource::TotalRange, false),
        (Some("7"), 5, TotalSource::TotalRange, true),
        (Some("*/7"), 5, TotalSource::TotalRange, true),
        (Some("bogus"), 5, TotalSource::TotalRange, true),
        (
            Some("0-2/99999999999999999999999"),
            5,
            TotalSource::TotalRange,
            true,
        ),
        (None, 5, TotalSource::TotalRange, false),
    ];
    for (header, total, source, ignored) in cases {
        let request = Request::get(Provider::Swr, "x", "https://swr.example/");
        let mut exchange = Exchange::new(&request, 200, body);
        if let Some(value) = header {
            exchange = exchange.with_response_header("content-range", value);
        }
        let client = answering(exchange);
        let mut query = OfficialImagesQuery::default();
        query.page = Some(wharf::model::PageRequest::new(0, 2));
        let page = client.list_official_images_page(&query).await.unwrap();
        assert_eq!(page.items.len(), 2, "{header:?}");
        assert_eq!(page.total, Some(total), "{header:?}");
        assert_eq!(page.total_source, Some(source), "{header:?}");
        assert_eq!(page.next_offset, Some(2), "{header:?}");
        match (&page.ignored_header, header) {
            (Some(quoted), Some(value)) if ignored => {
                assert_eq!(quoted.value, value);
                assert!(quoted.to_string().starts_with("Content-Range "), "{quoted}");
            }
            (None, _) if !ignored => {}
            (other, _) => panic!("{header:?}: {other:?}"),
        }
    }
}

/// The errors of wharf's parts convert with `?`, and keep their words.
#[test]
fn the_parts_errors_convert_with_the_question_mark() {
    fn credentials() -> Result<wharf::HuaweiCredentials, wharf::Error> {
        Ok(wharf::HuaweiCredentials::new("", "secret")?)
    }
    fn keys() -> Result<wharf::UcloudCredentials, wharf::Error> {
        Ok(wharf::UcloudCredentials::new("public", "")?)
    }
    fn name() -> Result<wharf::model::RepositoryName, wharf::Error> {
        Ok(wharf::model::RepositoryName::new("-bad")?)
    }
    fn center() -> Result<wharf::model::Center, wharf::Error> {
        Ok("nowhere".parse::<wharf::model::Center>()?)
    }
    let e = credentials().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config, "{e}");
    assert!(!e.to_string().contains("secret"), "{e}");
    assert_eq!(keys().unwrap_err().kind(), ErrorKind::Config);
    let e = name().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    assert!(e.to_string().contains("-bad"), "{e}");
    assert_eq!(center().unwrap_err().kind(), ErrorKind::InvalidInput);
}
