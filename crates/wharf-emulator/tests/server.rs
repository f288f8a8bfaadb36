//! Starting and stopping the library emulator.

mod common;

use std::net::TcpStream;
use std::time::Duration;

use common::{start, swr_token, uhub};
use wharf_emulator::{
    DEMO_TOKEN, Dataset, Emulator, Fault, FaultConfig, GenerateOptions, StartError,
};

const REPOS: &str = "/v2/manage/repos";

#[test]
fn starts_on_a_free_port_and_stops_on_drop() {
    let emu = start(Emulator::builder());
    let addr = emu.addr();
    assert!(addr.ip().is_loopback());
    assert_ne!(addr.port(), 0);
    assert_eq!(emu.base_url(), format!("http://{addr}"));
    assert_eq!(swr_token(&emu, REPOS, DEMO_TOKEN).status, 200);
    drop(emu);
    assert!(
        TcpStream::connect(addr).is_err(),
        "still listening after drop"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starts_on_the_current_runtime_and_stops() {
    let emu = Emulator::builder().start().await.unwrap();
    let addr = emu.addr();
    let reply = tokio::task::spawn_blocking(move || {
        let headers = vec![("X-Auth-Token".to_owned(), DEMO_TOKEN.to_owned())];
        common::send(addr, "GET", REPOS, &headers, b"").unwrap()
    })
    .await
    .unwrap();
    assert_eq!(reply.status, 200);
    emu.stop().await;
    assert!(
        TcpStream::connect(addr).is_err(),
        "still listening after stop"
    );
}

#[test]
fn emulators_run_side_by_side_and_change_while_running() {
    let a = start(Emulator::builder());
    let b = start(Emulator::builder().dataset(Dataset::empty("nobody")));
    assert_ne!(a.addr(), b.addr());
    let count = |emu: &Emulator| {
        swr_token(emu, REPOS, DEMO_TOKEN)
            .json()
            .as_array()
            .map_or(0, Vec::len)
    };
    assert_eq!((count(&a), count(&b)), (10, 0));
    let generated = Dataset::generate(&GenerateOptions {
        namespaces: 2,
        repositories: 12,
        tags_per_repository: 1,
        official_images: 0,
        seed: 1,
    })
    .unwrap();
    b.set_dataset(generated).unwrap();
    assert_eq!(count(&b), 12);
    assert_eq!(b.dataset().repository_count(), 12);
    assert_eq!(b.requests(), 2);
}

#[test]
fn seeded_request_ids_repeat_from_run_to_run() {
    let ids = |builder: wharf_emulator::EmulatorBuilder| -> Vec<String> {
        let emu = start(builder);
        let swr = |target| {
            let reply = swr_token(&emu, target, DEMO_TOKEN);
            reply.header("x-request-id").unwrap().to_owned()
        };
        let get_repo = || {
            let reply = uhub(&emu, &[("Action", "GetRepo")]);
            reply.header("x-ucloud-request-uuid").unwrap().to_owned()
        };
        // A 404 numbers like any other answer.
        vec![swr(REPOS), get_repo(), swr("/v2/nowhere"), swr(REPOS)]
    };
    let first = ids(Emulator::builder().request_id_seed(5));
    assert_eq!(first, ids(Emulator::builder().request_id_seed(5)));
    let other = ids(Emulator::builder().request_id_seed(6));
    assert!(first.iter().zip(&other).all(|(a, b)| a != b), "{other:?}");
    assert_ne!(first[0], first[3], "unique within a run");
    assert_eq!(first[0].len(), 32);
    assert_eq!(first[1].len(), 36);
    assert_eq!(first[1].matches('-').count(), 4);
    // Unseeded, ids are drawn at random.
    assert_ne!(ids(Emulator::builder()), ids(Emulator::builder()));
}

/// The demo dataset with namespace `team` twice.
fn duplicated() -> Dataset {
    let mut dataset = Dataset::demo();
    let team = dataset.namespaces[0].clone();
    dataset.namespaces.push(team);
    dataset
}

#[test]
fn invalid_datasets_are_refused() {
    let err = Emulator::builder()
        .dataset(duplicated())
        .start_background()
        .unwrap_err();
    assert!(matches!(err, StartError::Dataset(_)), "{err:?}");
    assert_eq!(err.to_string(), r#"dataset: duplicate namespace "team""#);
    let emu = start(Emulator::builder());
    let err = emu.set_dataset(duplicated()).unwrap_err();
    assert_eq!(err.to_string(), r#"dataset: duplicate namespace "team""#);
    // The dataset served is still the demo one, each repository once.
    let repos = swr_token(&emu, REPOS, DEMO_TOKEN).json();
    assert_eq!(repos.as_array().map(Vec::len), Some(10));
}

#[test]
fn fault_rates_outside_0_to_1_are_refused() {
    for rate in [f64::NAN, 1.5, -0.25] {
        let bad = FaultConfig::random(rate, 1);
        let err = Emulator::builder()
            .faults(bad.clone())
            .start_background()
            .unwrap_err();
        assert!(matches!(err, StartError::Faults(_)), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!("fault rate {rate} is not a number from 0 to 1")
        );
        // A running emulator refuses it too, and keeps what it had.
        let emu = start(Emulator::builder());
        emu.set_faults(FaultConfig::script([Some(Fault::Unavailable)]))
            .unwrap();
        assert!(emu.set_faults(bad).is_err());
        assert_eq!(swr_token(&emu, REPOS, DEMO_TOKEN).status, 503);
        assert_eq!(swr_token(&emu, REPOS, DEMO_TOKEN).status, 200);
    }
}

/// An hour-long stall on the first request.
fn stalling() -> FaultConfig {
    FaultConfig::script([Some(Fault::Stall)]).with_stall(Duration::from_secs(3600))
}

/// Sends one request from a blocking thread; its outcome (a reply or an
/// error) once the server answers or closes.
fn in_flight(
    addr: std::net::SocketAddr,
) -> tokio::task::JoinHandle<std::io::Result<common::Reply>> {
    tokio::task::spawn_blocking(move || {
        let headers = vec![("X-Auth-Token".to_owned(), DEMO_TOKEN.to_owned())];
        common::send_with_timeout(addr, "GET", REPOS, &headers, b"", Duration::from_secs(60))
    })
}

/// Checks that a stalled request ended without an answer after `what`, and,
/// when `closed`, that nothing listens on `addr` any more.
async fn assert_ended(
    request: tokio::task::JoinHandle<std::io::Result<common::Reply>>,
    addr: std::net::SocketAddr,
    what: &str,
    closed: bool,
) {
    let outcome = tokio::time::timeout(HANG_GUARD, request)
        .await
        .expect("the stalled request ends")
        .unwrap();
    assert!(outcome.is_err(), "no answer after a {what}: {outcome:?}");
    if closed {
        assert!(
            TcpStream::connect(addr).is_err(),
            "still listening after {what}"
        );
    }
}

/// Waits until `emu` has received `n` requests.
async fn received(emu: &Emulator, n: u64) {
    while emu.requests() < n {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// A guard against hanging forever, not a claim about speed.
const HANG_GUARD: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_ends_a_stalled_request() {
    let emu = Emulator::builder()
        .faults(stalling())
        .start()
        .await
        .unwrap();
    let addr = emu.addr();
    let request = in_flight(addr);
    tokio::time::timeout(HANG_GUARD, received(&emu, 1))
        .await
        .expect("the request arrives");
    tokio::time::timeout(HANG_GUARD, emu.stop())
        .await
        .expect("stop does not wait for the stall");
    assert_ended(request, addr, "stop", true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drop_ends_a_stalled_request() {
    let emu = Emulator::builder()
        .faults(stalling())
        .start_background()
        .unwrap();
    let addr = emu.addr();
    let request = in_flight(addr);
    tokio::time::timeout(HANG_GUARD, received(&emu, 1))
        .await
        .expect("the request arrives");
    let dropped = tokio::task::spawn_blocking(move || drop(emu));
    tokio::time::timeout(HANG_GUARD, dropped)
        .await
        .expect("drop does not wait for the stall")
        .unwrap();
    assert_ended(request, addr, "drop", true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_a_task_emulator_ends_a_stalled_request() {
    let emu = Emulator::builder()
        .faults(stalling())
        .start()
        .await
        .unwrap();
    let addr = emu.addr();
    let request = in_flight(addr);
    tokio::time::timeout(HANG_GUARD, received(&emu, 1))
        .await
        .expect("the request arrives");
    drop(emu);
    assert_ended(request, addr, "drop", false).await;
}

/// `stop().await` on a background emulator waits without blocking the
/// runtime it is awaited on: a task on the same single thread keeps running
/// while a stalled request holds the stop for its grace period.
#[tokio::test(flavor = "current_thread")]
async fn stopping_a_background_emulator_does_not_block_the_runtime() {
    let emu = Emulator::builder()
        .faults(stalling())
        .start_background()
        .unwrap();
    let addr = emu.addr();
    let stalled = std::thread::spawn(move || {
        let headers = vec![("X-Auth-Token".to_owned(), DEMO_TOKEN.to_owned())];
        common::send_with_timeout(addr, "GET", REPOS, &headers, b"", Duration::from_secs(60))
    });
    while emu.requests() < 1 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let ticks = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counter = ticks.clone();
    let ticker = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(10)).await;
            counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    });
    tokio::time::timeout(HANG_GUARD, emu.stop())
        .await
        .expect("stop ends");
    // The stall holds the stop for its grace period (about a second): a
    // blocked thread would have let the ticker run at most once or twice.
    let during = ticks.load(std::sync::atomic::Ordering::Relaxed);
    ticker.abort();
    assert!(during >= 10, "the runtime ran {during} ticks during stop");
    assert!(stalled.join().unwrap().is_err(), "the stall got no answer");
    assert!(
        TcpStream::connect(addr).is_err(),
        "still listening after stop"
    );
}
