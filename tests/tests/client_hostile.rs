//! Hostile input on the client's side: names that could leave their path
//! segment, a body over the cap (declared, endless or compressed), a slow
//! drip, plain http to a host that is not loopback, and redirects.
//!
//! The hostile servers are raw sockets on 127.0.0.1, each answering every
//! connection the same way and counting them.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use futures::StreamExt;
use wharf::catalog::{Catalog, RepoRef, SwrCatalog, UhubCatalog};
use wharf::model::{
    GetImageTagRequest, GetRepoImageRequest, NamespaceName, RepositoryName, RepositoryQuery,
};
use wharf::{ErrorKind, HuaweiCredentials, SwrClient, SwrConfig, UhubClient};
use wharf_emulator::{DEMO_HUAWEI_AK, DEMO_HUAWEI_SK, Dataset, Emulator, GenerateOptions};

/// Names that must never reach an SWR path (path escapes, encoded escapes,
/// control characters, header injection, query and fragment delimiters, and
/// what SWR's naming rules forbid). UHub sends names in a form body and
/// documents no rules, so it refuses only the unsafe among them.
const HOSTILE_NAMES: &[&str] = &[
    "../x",
    "..",
    "a/../b",
    "a%2f..",
    "%2e%2e",
    "a%2F..%2Fb",
    "x\u{0}y",
    "x\ny",
    "x\r\nHost: evil.example",
    "x\u{7f}",
    "a b",
    "x?y=1",
    "x#y",
    "x;y",
    "a//b",
    "/x",
    "x/",
    "Upper",
    "",
    "x\u{202e}y",
];

async fn emulator() -> Emulator {
    let options = GenerateOptions {
        repositories: 20,
        ..GenerateOptions::default()
    };
    Emulator::builder()
        .dataset(Dataset::generate(&options).unwrap())
        .log_requests(false)
        .start()
        .await
        .unwrap()
}

/// Whether UHub may be sent `name`: its names go in a form body, not a path,
/// and UHub documents no naming rules, so only the unsafe is refused (empty,
/// a control character, a `.` or `..` component).
fn uhub_sends(name: &str) -> bool {
    !(name.is_empty()
        || name.chars().any(char::is_control)
        || name.split('/').any(|part| part == "." || part == ".."))
}

#[tokio::test]
async fn names_that_could_leave_their_path_are_refused_before_any_request() {
    let emulator = emulator().await;
    let swr = SwrClient::new(wharf_tests::swr_config(&emulator)).unwrap();
    let uhub = UhubClient::new(wharf_tests::uhub_config(&emulator)).unwrap();
    let swr_catalog = SwrCatalog::new(swr.clone());
    let uhub_catalog = UhubCatalog::new(uhub.clone());
    // Checks `result`: refused before sending when `refused`, else sent and
    // judged by the server (which holds no such name).
    let judged = |result: Result<(), wharf::Error>, refused: bool, case: &str, before: u64| {
        let e = result.expect_err(case);
        if refused {
            assert_eq!(e.kind(), ErrorKind::InvalidInput, "{case}: {e}");
            assert_eq!(emulator.requests(), before, "{case} reached the server");
        } else {
            assert_eq!(e.kind(), ErrorKind::NotFound, "{case}: {e}");
            assert!(emulator.requests() > before, "{case} was not sent");
        }
    };
    for name in HOSTILE_NAMES {
        assert!(NamespaceName::new(*name).is_err(), "namespace {name:?}");
        assert!(RepositoryName::new(*name).is_err(), "repository {name:?}");
        for (namespace, repository) in [("team", *name), (*name, "nginx")] {
            let case = format!("{namespace:?}/{repository:?}");
            // The reference itself may refuse it; if not, the provider must.
            let Ok(reference) = RepoRef::new(namespace, repository) else {
                continue;
            };
            // SWR puts names in the path, under its documented naming rules.
            let first = swr_catalog.list_tags(&reference).next().await;
            let e = first.expect("an item").expect_err(&case);
            assert_eq!(e.kind(), ErrorKind::InvalidInput, "swr tags {case}: {e}");
            let e = swr_catalog
                .show_repository(&reference)
                .await
                .expect_err(&case);
            assert_eq!(e.kind(), ErrorKind::InvalidInput, "swr show {case}: {e}");
            // UHub puts them in a form body.
            let refused = !uhub_sends(namespace) || !uhub_sends(repository);
            let before = emulator.requests();
            let first = uhub_catalog.list_tags(&reference).next().await;
            let tags = first.expect("an item").map(drop);
            judged(tags, refused, &format!("uhub tags {case}"), before);
            let before = emulator.requests();
            let shown = uhub_catalog.show_repository(&reference).await.map(drop);
            judged(shown, refused, &format!("uhub show {case}"), before);
        }
        let mut query = RepositoryQuery::default();
        query.namespace = Some(name.to_string());
        let before = emulator.requests();
        let e = swr.list_repositories(query).items().next().await;
        let e = e.expect("an item").expect_err(name);
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{name:?}: {e}");
        assert_eq!(emulator.requests(), before, "{name:?} reached the server");
        let refused = !uhub_sends(name);
        let before = emulator.requests();
        let images = uhub
            .list_repo_images(GetRepoImageRequest::new(*name))
            .items()
            .next()
            .await;
        let images = images.expect("an item").map(drop);
        judged(images, refused, &format!("GetRepoImage {name:?}"), before);
        if refused {
            let e = uhub
                .list_repo_images(GetRepoImageRequest::new(*name))
                .items()
                .next()
                .await
                .unwrap()
                .unwrap_err();
            assert!(e.to_string().contains("RepoName"), "{e}");
        }
        let before = emulator.requests();
        let tags = uhub
            .list_image_tags(GetImageTagRequest::new("team", *name))
            .items()
            .next()
            .await;
        let tags = tags.expect("an item").map(drop);
        judged(tags, refused, &format!("GetImageTag {name:?}"), before);
    }
    // Searched for as part of a name: only the unsafe is refused; the rest
    // is sent, and matches nothing.
    for (search, refused) in [
        ("../x", true),
        ("x\u{0}", true),
        ("a%2f..", false),
        ("a b", false),
        ("x//y", false),
        ("é", false),
    ] {
        let mut query = RepositoryQuery::default();
        query.name = Some(search.to_owned());
        let before = emulator.requests();
        let first = swr.list_repositories(query).items().next().await;
        if refused {
            let e = first.expect("an item").expect_err(search);
            assert_eq!(e.kind(), ErrorKind::InvalidInput, "{search:?}: {e}");
            assert_eq!(emulator.requests(), before, "{search:?} reached the server");
        } else {
            assert!(first.is_none(), "{search:?} matches nothing");
            assert!(emulator.requests() > before, "{search:?} was not sent");
        }
    }
}

/// A server on 127.0.0.1 that reads each request's head, then hands the
/// connection to `answer`; it counts connections and the bytes `answer` wrote.
struct Hostile {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    written: Arc<AtomicU64>,
}

impl Hostile {
    fn start(answer: impl Fn(&mut TcpStream, &AtomicU64) + Send + Sync + 'static) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let written = Arc::new(AtomicU64::new(0));
        let answer = Arc::new(answer);
        let (count, bytes) = (Arc::clone(&connections), Arc::clone(&written));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                count.fetch_add(1, Ordering::SeqCst);
                let (answer, bytes) = (Arc::clone(&answer), Arc::clone(&bytes));
                std::thread::spawn(move || {
                    if read_head(&mut stream) {
                        answer(&mut stream, &bytes);
                    }
                });
            }
        });
        Hostile {
            addr,
            connections,
            written,
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// An SWR client of this server with demo credentials, one attempt per
    /// call, and `max_body_bytes` of 1 MiB.
    fn swr(&self, configure: impl FnOnce(&mut SwrConfig)) -> SwrClient {
        let mut config = swr_at(&self.url());
        config.options.retry.max_attempts = 1;
        config.options.max_body_bytes = 1 << 20;
        configure(&mut config);
        SwrClient::new(config).unwrap()
    }
}

/// SWR at `url`, signed with the demo AK/SK.
fn swr_at(url: &str) -> SwrConfig {
    let credentials = HuaweiCredentials::new(DEMO_HUAWEI_AK, DEMO_HUAWEI_SK).unwrap();
    SwrConfig::endpoint(url).unwrap().with_auth(credentials)
}

/// Reads up to the blank line that ends a request head.
fn read_head(stream: &mut TcpStream) -> bool {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return false,
            Ok(_) if line == "\r\n" => return true,
            Ok(_) => {}
        }
    }
}

/// Writes `bytes`, counting them; false once the client has gone.
fn send(stream: &mut TcpStream, bytes: &[u8], written: &AtomicU64) -> bool {
    let ok = stream.write_all(bytes).is_ok();
    if ok {
        written.fetch_add(bytes.len() as u64, Ordering::SeqCst);
    }
    ok
}

async fn list_once(client: &SwrClient) -> wharf::Error {
    let guard = Duration::from_secs(30);
    let query = RepositoryQuery::default();
    let call = client.list_repositories_page(&query);
    tokio::time::timeout(guard, call)
        .await
        .expect("the client gave up by itself")
        .expect_err("a hostile answer is an error")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_cap_is_refused_without_reading_it_all() {
    // Declared too large: refused on the head.
    let declared = Hostile::start(|stream, written| {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10737418240\r\n\r\n[";
        send(stream, head.as_bytes(), written);
    });
    let e = list_once(&declared.swr(|_| {})).await;
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
    assert!(e.to_string().contains("exceeds the cap"), "{e}");

    // Endless, chunked: the client stops after the cap. The server keeps
    // writing until the client closes; what it wrote is the cap plus what
    // the sockets' buffers held, never the whole (endless) body.
    let endless = Hostile::start(|stream, written| {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        send(stream, head.as_bytes(), written);
        let chunk = format!("10000\r\n{}\r\n", " ".repeat(0x10000));
        while send(stream, chunk.as_bytes(), written) {}
    });
    let e = list_once(&endless.swr(|_| {})).await;
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
    assert!(e.to_string().contains("exceeds the cap"), "{e}");
    let written = endless.written.load(Ordering::SeqCst);
    assert!(written < 64 << 20, "the server wrote {written} bytes");

    // Compressed: 64 MiB of spaces in 64 KiB of gzip. The cap holds for the
    // decompressed body.
    let bomb = Arc::new(gzip_of_spaces(64 << 20));
    assert!(bomb.len() < 1 << 20);
    let gzip = {
        let bomb = Arc::clone(&bomb);
        Hostile::start(move |stream, written| {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
                bomb.len()
            );
            let _ = send(stream, head.as_bytes(), written) && send(stream, &bomb, written);
        })
    };
    let e = list_once(&gzip.swr(|_| {})).await;
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
    assert!(e.to_string().contains("exceeds the cap"), "{e}");
}

fn gzip_of_spaces(len: usize) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let block = vec![b' '; 1 << 16];
    for _ in 0..len / block.len() {
        encoder.write_all(&block).unwrap();
    }
    encoder.finish().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_drip_hits_the_read_or_the_attempt_timeout() {
    // One byte every `every` of a body that promises 100,000.
    let drip = |every: Duration| {
        Hostile::start(move |stream, written| {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[";
            if !send(stream, head.as_bytes(), written) {
                return;
            }
            for _ in 0..100_000 {
                std::thread::sleep(every);
                if !send(stream, b" ", written) {
                    return;
                }
            }
        })
    };
    // A client of `server` with these read and attempt limits.
    let limited = |server: &Hostile, read: Duration, attempt: Duration| {
        server
            .swr(|c| c.options.timeouts = c.options.timeouts.with_read(read).with_attempt(attempt))
    };
    // Slower than the read timeout: the read timeout ends it.
    let slow = drip(Duration::from_millis(400));
    let client = limited(&slow, Duration::from_millis(100), Duration::from_secs(20));
    let e = list_once(&client).await;
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");

    // Faster than the read timeout, forever: the attempt timeout ends it.
    let fast = drip(Duration::from_millis(10));
    let client = limited(&fast, Duration::from_secs(5), Duration::from_millis(500));
    let e = list_once(&client).await;
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(fast.written.load(Ordering::SeqCst) < 100_000);
}

#[tokio::test]
async fn plain_http_to_a_host_that_is_not_loopback_needs_an_explicit_yes() {
    let emulator = emulator().await;
    // The emulator listens on 127.0.0.1; `::ffff:127.0.0.1` reaches it, but is
    // not a loopback address by its form, so it stands for a remote host.
    let remote = format!("http://[::ffff:127.0.0.1]:{}", emulator.addr().port());
    let config = swr_at(&remote);
    let e = SwrClient::new(config.clone())
        .unwrap()
        .list_repositories_page(&RepositoryQuery::default())
        .await
        .expect_err("plain http to a remote host");
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    assert!(e.to_string().contains("plain http"), "{e}");
    assert_eq!(emulator.requests(), 0, "refused before any request");

    let mut allowed = config;
    allowed.options.allow_plain_http = true;
    let page = SwrClient::new(allowed)
        .unwrap()
        .list_repositories_page(&RepositoryQuery::default())
        .await
        .unwrap();
    assert!(!page.items.is_empty());
    assert_eq!(emulator.requests(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_is_not_followed_with_the_credentials() {
    let elsewhere = Hostile::start(|stream, written| {
        send(
            stream,
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]",
            written,
        );
    });
    for status in [
        "301 Moved Permanently",
        "302 Found",
        "307 Temporary Redirect",
        "308 Permanent Redirect",
    ] {
        let target = format!("{}/v2/manage/repos", elsewhere.url());
        let redirecting = Hostile::start(move |stream, written| {
            let answer =
                format!("HTTP/1.1 {status}\r\nLocation: {target}\r\nContent-Length: 0\r\n\r\n");
            send(stream, answer.as_bytes(), written);
        });
        let e = list_once(&redirecting.swr(|_| {})).await;
        assert_eq!(
            redirecting.connections.load(Ordering::SeqCst),
            1,
            "{status}"
        );
        let shown = e.to_string();
        assert!(shown.contains(&status[..3]), "{status}: {shown}");
        assert!(shown.contains("not followed"), "{status}: {shown}");
    }
    assert_eq!(
        elsewhere.connections.load(Ordering::SeqCst),
        0,
        "a redirect was followed"
    );
}
