//! Starting and stopping the library emulator.

mod common;

use std::net::TcpStream;

use common::{start, swr_token};
use wharf_emulator::{Catalog, DEMO_TOKEN, Emulator, GenerateOptions};

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
    let b = start(Emulator::builder().catalog(Catalog::empty("nobody")));
    assert_ne!(a.addr(), b.addr());
    let count = |emu: &Emulator| {
        swr_token(emu, REPOS, DEMO_TOKEN)
            .json()
            .as_array()
            .map_or(0, Vec::len)
    };
    assert_eq!((count(&a), count(&b)), (10, 0));
    let generated = Catalog::generate(&GenerateOptions::new(2, 12, 1, 0, 1)).unwrap();
    b.set_catalog(generated);
    assert_eq!(count(&b), 12);
    assert_eq!(b.catalog().repository_count(), 12);
    assert_eq!(b.requests(), 2);
}
