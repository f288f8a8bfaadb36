//! Injected faults and latency, over real HTTP: each kind, and determinism
//! per seed.

mod common;

use std::io::ErrorKind;
use std::time::Duration;

use common::{exchange, send_with_timeout, start, swr, swr_token, uhub};
use wharf_emulator::{DEMO_TOKEN, Emulator, Fault, FaultConfig};

const REPOS: &str = "/v2/manage/repos";

fn token() -> Vec<(String, String)> {
    vec![("X-Auth-Token".to_owned(), DEMO_TOKEN.to_owned())]
}

#[test]
fn http_faults_on_swr() {
    let script = FaultConfig::script([
        Some(Fault::InternalError),
        Some(Fault::BadGateway),
        Some(Fault::Unavailable),
        Some(Fault::TooManyRequests),
        Some(Fault::RateLimited),
        None,
    ])
    .with_retry_after(Duration::from_secs(7));
    let emu = start(Emulator::builder().faults(script));
    let replies: Vec<_> = (0..6).map(|_| swr_token(&emu, REPOS, DEMO_TOKEN)).collect();
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [500, 502, 503, 429, 429, 200]);
    assert!(replies.iter().all(|r| r.header("x-request-id").is_some()));
    assert_eq!(replies[0].json()["errorCode"], "SVCSTG.SWR.5000001");
    assert!(replies[1].text().contains("502 Bad Gateway"));
    assert_eq!(replies[3].header("retry-after"), Some("7"));
    assert_eq!(replies[3].json()["error_code"], "APIGW.0308");
    assert_eq!(replies[4].header("retry-after"), Some("7"));
    assert_eq!(replies[5].header("retry-after"), None);
}

#[test]
fn http_faults_on_uhub() {
    let script = FaultConfig::script([
        Some(Fault::RateLimited),
        Some(Fault::TooManyRequests),
        Some(Fault::Unavailable),
        Some(Fault::InternalError),
    ]);
    let emu = start(Emulator::builder().faults(script));
    let params = [("Action", "GetRepoImage"), ("RepoName", "team")];
    let limited = uhub(&emu, &params);
    assert_eq!(limited.status, 200);
    assert_eq!(limited.json()["RetCode"], 153);
    assert_eq!(limited.json()["Action"], "GetRepoImageResponse");
    assert!(limited.header("x-ucloud-request-uuid").is_some());
    let too_many = uhub(&emu, &params);
    assert_eq!(
        (too_many.status, too_many.header("retry-after")),
        (429, Some("1"))
    );
    assert_eq!(uhub(&emu, &params).status, 503);
    assert_eq!(uhub(&emu, &params).status, 500);
    assert_eq!(uhub(&emu, &params).json()["RetCode"], 0);
}

#[test]
fn connection_reset() {
    let emu =
        start(Emulator::builder().faults(FaultConfig::script([Some(Fault::ConnectionReset)])));
    let result = exchange(
        emu.addr(),
        "GET",
        REPOS,
        &token(),
        b"",
        Duration::from_secs(5),
    );
    let error = result.expect_err("the connection should be reset");
    assert_eq!(error.kind(), ErrorKind::ConnectionReset, "{error}");
    assert_eq!(swr_token(&emu, REPOS, DEMO_TOKEN).status, 200);
}

#[test]
fn truncated_body() {
    let emu = start(Emulator::builder().faults(FaultConfig::script([Some(Fault::TruncatedBody)])));
    let raw = exchange(
        emu.addr(),
        "GET",
        REPOS,
        &token(),
        b"",
        Duration::from_secs(5),
    )
    .unwrap_or_default();
    let error = common::parse(&raw).expect_err("the body should be cut short");
    assert_eq!(error.kind(), ErrorKind::UnexpectedEof, "{error}");
    let text = String::from_utf8_lossy(&raw);
    assert!(text.starts_with("HTTP/1.1 200 OK"), "{text}");
    assert!(text.contains("[{\"name\""), "{text}");
}

/// Whether `result` is a read that gave up waiting.
fn timed_out<T: std::fmt::Debug>(result: &std::io::Result<T>) -> bool {
    matches!(result, Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut))
}

#[test]
fn a_stall_holds_the_response_then_sends_it() {
    // An hour-long stall: a client that waits a little gets nothing.
    let hour = FaultConfig::script([Some(Fault::Stall)]).with_stall(Duration::from_secs(3600));
    let emu = start(Emulator::builder().faults(hour));
    let short = send_with_timeout(
        emu.addr(),
        "GET",
        REPOS,
        &token(),
        b"",
        Duration::from_millis(200),
    );
    assert!(timed_out(&short), "{short:?}");
    // A short stall: the real response comes after it.
    emu.set_faults(FaultConfig::script([Some(Fault::Stall)]).with_stall(Duration::from_millis(20)))
        .unwrap();
    let patient = send_with_timeout(
        emu.addr(),
        "GET",
        REPOS,
        &token(),
        b"",
        Duration::from_secs(30),
    )
    .unwrap();
    assert_eq!(patient.status, 200);
    assert_eq!(patient.json().as_array().map(Vec::len), Some(10));
}

#[test]
fn latency_is_added_to_every_response() {
    // An hour of latency: neither protocol answers a client that waits a little.
    let emu = start(Emulator::builder().latency(Duration::from_secs(3600)));
    let swr_reply = send_with_timeout(
        emu.addr(),
        "GET",
        REPOS,
        &token(),
        b"",
        Duration::from_millis(200),
    );
    assert!(timed_out(&swr_reply), "{swr_reply:?}");
    let uhub_reply = send_with_timeout(
        emu.addr(),
        "GET",
        "/?Action=GetRepo",
        &[],
        b"",
        Duration::from_millis(200),
    );
    assert!(timed_out(&uhub_reply), "{uhub_reply:?}");
    // Without it, both answer.
    emu.set_latency(Duration::ZERO);
    assert_eq!(swr(&emu, REPOS, &[]).status, 200);
    assert_eq!(uhub(&emu, &[("Action", "GetRepo")]).json()["RetCode"], 0);
}

/// The status of each of `n` sequential requests; resets become 0, timeouts 1.
fn outcomes(emu: &Emulator, n: usize) -> Vec<u16> {
    (0..n)
        .map(|_| {
            match send_with_timeout(
                emu.addr(),
                "GET",
                REPOS,
                &token(),
                b"",
                Duration::from_secs(5),
            ) {
                Ok(reply) => reply.status,
                Err(e) if e.kind() == ErrorKind::UnexpectedEof => 2,
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => 1,
                Err(_) => 0,
            }
        })
        .collect()
}

fn expected(config: &FaultConfig, n: usize) -> Vec<u16> {
    (0..n as u64)
        .map(|i| match config.fault_for(i) {
            None | Some(Fault::Stall) => 200,
            Some(Fault::InternalError) => 500,
            Some(Fault::BadGateway) => 502,
            Some(Fault::Unavailable) => 503,
            Some(Fault::TooManyRequests | Fault::RateLimited) => 429,
            Some(Fault::ConnectionReset) => 0,
            Some(Fault::TruncatedBody) => 2,
            Some(other) => panic!("unexpected fault {other}"),
        })
        .collect()
}

#[test]
fn random_faults_are_deterministic_per_seed() {
    let config = FaultConfig::random(0.5, 1234).with_stall(Duration::from_millis(10));
    let emu = start(Emulator::builder().faults(config.clone()));
    let first = outcomes(&emu, 40);
    assert_eq!(first, expected(&config, 40));
    assert!(
        first.iter().filter(|s| **s == 200).count() >= 10,
        "{first:?}"
    );
    assert!(
        first.iter().filter(|s| **s != 200).count() >= 10,
        "{first:?}"
    );
    emu.set_faults(config.clone()).unwrap();
    assert_eq!(outcomes(&emu, 40), first, "same seed, same faults");
    let mut other = config.clone();
    other.seed = 4321;
    emu.set_faults(other.clone()).unwrap();
    let second = outcomes(&emu, 40);
    assert_eq!(second, expected(&other, 40));
    assert_ne!(second, first, "another seed, other faults");
    emu.set_faults(FaultConfig::none()).unwrap();
    assert!(outcomes(&emu, 5).iter().all(|s| *s == 200));
}
