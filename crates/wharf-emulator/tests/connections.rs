//! The transport over raw sockets: half-closed clients, timeouts, one
//! descriptor per connection, the connection limit, unread request bodies and
//! pipelined requests.
//!
//! The tests count this process's open descriptors (in `/proc`, hence Linux
//! only), so they take turns.

#![cfg(target_os = "linux")]

mod common;

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use wharf_emulator::{
    ConnectionOptions, DEMO_TOKEN, Dataset, Emulator, EmulatorBuilder, Fault, FaultConfig,
    GenerateOptions,
};

const REPOS: &str = "/v2/manage/repos";

/// How long any test waits for the server to do something before failing:
/// a guard against hanging, not a measure of speed.
const GUARD: Duration = Duration::from_secs(10);

static SERIAL: Mutex<()> = Mutex::new(());

/// Descriptors are counted per process: one test at a time.
fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}

fn open_descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// Polls `check` until it holds, failing after [`GUARD`].
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + GUARD;
    while !check() {
        assert!(Instant::now() < deadline, "not within {GUARD:?}: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn emulator(options: ConnectionOptions) -> Emulator {
    common::start(Emulator::builder().connections(options))
}

fn options(header: Duration, idle: Duration, max: usize) -> ConnectionOptions {
    let mut options = ConnectionOptions::default();
    options.header_timeout = header;
    options.idle_timeout = idle;
    options.max_connections = max;
    options
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(GUARD)).unwrap();
    stream
}

/// A keep-alive GET of `target` with the demo token.
fn get(target: &str) -> Vec<u8> {
    format!("GET {target} HTTP/1.1\r\nHost: emulator\r\nX-Auth-Token: {DEMO_TOKEN}\r\n\r\n")
        .into_bytes()
}

/// Reads exactly one response with a `Content-Length` body.
fn read_response(stream: &mut TcpStream) -> std::io::Result<common::Reply> {
    let mut raw = Vec::new();
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte)? == 0 {
            return Err(ErrorKind::UnexpectedEof.into());
        }
        raw.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&raw);
    let mut lines = head.trim_end().split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or(ErrorKind::InvalidData)?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut reply = common::Reply {
        status,
        headers,
        body: Vec::new(),
    };
    let length: usize = reply
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    reply.body = vec![0u8; length];
    stream.read_exact(&mut reply.body)?;
    Ok(reply)
}

/// Whether the server has closed `stream`: end of file, or a reset.
fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 256];
    match stream.read(&mut buf) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() == ErrorKind::ConnectionReset,
    }
}

#[test]
fn a_half_closed_client_gets_its_answer() {
    let _turn = serial();
    let emu = emulator(ConnectionOptions::default());
    let mut stream = connect(emu.addr());
    stream.write_all(&get(REPOS)).unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let reply = common::parse(&raw).unwrap();
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json().as_array().map(Vec::len), Some(10));
}

/// Half a request head.
const HALF_HEAD: &[u8] = b"GET /v2/manage/repos HTTP/1.1\r\nHost: emulator\r\n";

#[test]
fn a_connection_costs_the_server_one_descriptor() {
    let _turn = serial();
    let emu = emulator(ConnectionOptions::default());
    let before = open_descriptors();
    let clients: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut stream = connect(emu.addr());
            stream.write_all(HALF_HEAD).unwrap();
            stream
        })
        .collect();
    // Connections are accepted in order: once a later one is answered, the
    // 300 are open on the server's side too.
    assert_eq!(common::swr_token(&emu, REPOS, DEMO_TOKEN).status, 200);
    let server_side = open_descriptors() - before - clients.len();
    assert!(
        (295..=320).contains(&server_side),
        "300 connections hold {server_side} descriptors in the server"
    );
}

#[test]
fn unfinished_heads_time_out_and_give_their_descriptors_back() {
    let _turn = serial();
    let emu = emulator(options(
        Duration::from_millis(300),
        Duration::from_secs(3600),
        1000,
    ));
    let before = open_descriptors();
    let mut clients: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut stream = connect(emu.addr());
            stream.write_all(HALF_HEAD).unwrap();
            stream
        })
        .collect();
    for client in &mut clients {
        assert!(closed_by_server(client), "an unfinished head was answered");
    }
    let after_close = open_descriptors();
    drop(clients);
    eventually("the server's descriptors are given back", || {
        open_descriptors() <= before + 5
    });
    assert!(after_close <= before + 300 + 5, "{after_close} vs {before}");
    // A client that finishes its head in time is served.
    assert_eq!(common::swr_token(&emu, REPOS, DEMO_TOKEN).status, 200);
}

#[test]
fn the_header_timeout_does_not_run_while_a_keep_alive_connection_idles() {
    let _turn = serial();
    let emu = emulator(options(
        Duration::from_millis(200),
        Duration::from_secs(3600),
        1000,
    ));
    let mut stream = connect(emu.addr());
    stream.write_all(&get(REPOS)).unwrap();
    assert_eq!(read_response(&mut stream).unwrap().status, 200);
    // Several header timeouts long, with no request on the way.
    std::thread::sleep(Duration::from_millis(1000));
    stream.write_all(&get(REPOS)).unwrap();
    assert_eq!(read_response(&mut stream).unwrap().status, 200);
}

#[test]
fn idle_connections_are_closed_after_the_idle_timeout() {
    let _turn = serial();
    let emu = emulator(options(
        Duration::from_secs(3600),
        Duration::from_millis(300),
        1000,
    ));
    // One that never sends anything...
    let mut silent = connect(emu.addr());
    assert!(closed_by_server(&mut silent));
    // ...and one idle after a response.
    let mut kept = connect(emu.addr());
    kept.write_all(&get(REPOS)).unwrap();
    assert_eq!(read_response(&mut kept).unwrap().status, 200);
    assert!(closed_by_server(&mut kept));
}

#[test]
fn the_idle_timeout_does_not_cut_a_request_in_flight() {
    let _turn = serial();
    let stall = FaultConfig::script([Some(Fault::Stall)]).with_stall(Duration::from_millis(1500));
    let emu = common::start(Emulator::builder().faults(stall).connections(options(
        Duration::from_millis(200),
        Duration::from_millis(200),
        1000,
    )));
    let mut stream = connect(emu.addr());
    stream.write_all(&get(REPOS)).unwrap();
    let reply = read_response(&mut stream).unwrap();
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json().as_array().map(Vec::len), Some(10));
}

/// Checks a complete answer to a client over the connection limit.
fn assert_refused(raw: &[u8]) {
    let reply = common::parse(raw).unwrap();
    assert_eq!(reply.status, 503, "{}", reply.text());
    assert_eq!(reply.header("connection"), Some("close"));
    assert_eq!(reply.header("retry-after"), Some("1"));
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let length: usize = reply.header("content-length").unwrap().parse().unwrap();
    assert_eq!(reply.body.len(), length);
    assert_eq!(reply.json()["error_code"], "APIGW.0308");
}

#[test]
fn over_the_connection_limit_a_client_is_answered_503() {
    let _turn = serial();
    let emu = emulator(options(
        Duration::from_secs(3600),
        Duration::from_secs(3600),
        5,
    ));
    let held: Vec<TcpStream> = (0..5).map(|_| connect(emu.addr())).collect();
    let raw = common::raw_exchange(emu.addr(), &get(REPOS), GUARD).unwrap();
    assert_refused(&raw);
    drop(held);
    eventually("a request is served once the 5 are closed", || {
        common::swr_token(&emu, REPOS, DEMO_TOKEN).status == 200
    });
}

#[test]
fn out_of_descriptors_a_client_is_answered_not_left_waiting() {
    let _turn = serial();
    let mut server = Server::start_with_ulimit(64);
    // Hold more connections than the process may have descriptors; the
    // default limit (1,000) is far above them.
    let held: Vec<TcpStream> = (0..80)
        .map(|_| {
            let mut stream = connect(server.addr);
            let _ = stream.write_all(HALF_HEAD);
            stream
        })
        .collect();
    for _ in 0..3 {
        let raw =
            common::raw_exchange(server.addr, &get(REPOS), GUARD).expect("an answer, not a hang");
        assert_refused(&raw);
    }
    drop(held);
    eventually("a request is served once the others are closed", || {
        common::send_with_timeout(server.addr, "GET", REPOS, &token(), b"", GUARD)
            .is_ok_and(|reply| reply.status == 200)
    });
    assert!(server.child.try_wait().unwrap().is_none(), "it still runs");
}

fn token() -> Vec<(String, String)> {
    vec![("X-Auth-Token".to_owned(), DEMO_TOKEN.to_owned())]
}

/// Set for the copy of this test binary that serves under a low descriptor
/// limit.
const CHILD_SERVER: &str = "WHARF_EMULATOR_TEST_CHILD_SERVER";

/// Not a test: the server for [`out_of_descriptors_a_client_is_answered_not_left_waiting`],
/// run in a child process (a descriptor limit is per process). It serves
/// until its standard input closes.
#[test]
#[ignore = "run as a child process by out_of_descriptors_a_client_is_answered_not_left_waiting"]
fn child_server() {
    if std::env::var_os(CHILD_SERVER).is_none() {
        return;
    }
    let emu = Emulator::builder().start_background().unwrap();
    println!("listening on {}", emu.addr());
    std::io::stdout().flush().unwrap();
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}

/// This test binary's [`child_server`], run by `sh` under a descriptor
/// limit; killed on drop. (This binary rather than `wharf-emulator`'s: it is
/// surely built from this source.)
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start_with_ulimit(descriptors: u32) -> Server {
        let script = format!(
            "ulimit -n {descriptors} && exec \"$0\" --exact child_server --ignored --nocapture"
        );
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg(std::env::current_exe().unwrap())
            .env(CHILD_SERVER, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let addr = stdout
            .lines()
            .map_while(Result::ok)
            .find_map(|line| Some(line.strip_prefix("listening on ")?.parse().unwrap()))
            .expect("the child server's address");
        Server { child, addr }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_response_to_an_unread_body_is_complete_and_the_connection_usable_or_closed() {
    let _turn = serial();
    let emu = emulator(ConnectionOptions::default());
    let mut stream = connect(emu.addr());
    let body = vec![b'x'; 200 * 1024];
    let head = format!(
        "POST {REPOS} HTTP/1.1\r\nHost: emulator\r\nX-Auth-Token: {DEMO_TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    // The server may answer before it reads the body: write from elsewhere.
    let mut writer = stream.try_clone().unwrap();
    let sent = std::thread::spawn(move || {
        writer.write_all(head.as_bytes())?;
        writer.write_all(&body)
    });
    let first = read_response(&mut stream).expect("a complete first answer");
    assert!(first.status >= 400, "{}: {}", first.status, first.text());
    let _ = sent.join();
    let closing = first
        .header("connection")
        .is_some_and(|v| v.eq_ignore_ascii_case("close"));
    if closing {
        let mut rest = Vec::new();
        stream
            .read_to_end(&mut rest)
            .expect("a clean close after the answer");
        assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));
    } else {
        stream.write_all(&get(REPOS)).unwrap();
        let second = read_response(&mut stream).expect("an answer to the second request");
        assert_eq!(second.status, 200);
    }
}

#[test]
fn a_refused_pipelined_request_does_not_cut_the_answer_before_it() {
    let _turn = serial();
    let dataset = Dataset::generate(&GenerateOptions {
        namespaces: 2,
        repositories: 1000,
        tags_per_repository: 5,
        official_images: 0,
        seed: 1,
    })
    .unwrap();
    let emu = common::start(Emulator::builder().dataset(dataset));
    let mut request = get(&format!("{REPOS}?offset=0&limit=1000"));
    request.extend_from_slice(b"GARBAGE\r\n\r\n");
    // What a pipelining client has queued behind the refused request: the
    // server never reads it, and closing over unread input means a reset.
    for _ in 0..1000 {
        request.extend_from_slice(&get(REPOS));
    }
    for run in 0..20 {
        let mut stream = connect(emu.addr());
        stream.write_all(&request).unwrap();
        // A client that is slow to read: the answer is still on the server's
        // side when it closes, where a reset would destroy it.
        std::thread::sleep(Duration::from_millis(100));
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .unwrap_or_else(|e| panic!("run {run}: {e} after {} bytes", raw.len()));
        let reply = common::parse(&raw).unwrap();
        assert_eq!(reply.status, 200, "run {run}");
        let length: usize = reply.header("content-length").unwrap().parse().unwrap();
        assert!(length > 100_000, "a large answer: {length} bytes");
        assert!(
            reply.body.len() >= length,
            "run {run}: {} of {length} bytes",
            reply.body.len()
        );
        let rest = String::from_utf8_lossy(&reply.body[length..]);
        assert!(rest.starts_with("HTTP/1.1 400"), "run {run}: {rest}");
    }
}

/// The defaults are the documented ones, and the builder takes them.
#[test]
fn the_default_options_are_documented_values() {
    let options = ConnectionOptions::default();
    assert_eq!(options.header_timeout, Duration::from_secs(10));
    assert_eq!(options.idle_timeout, Duration::from_secs(60));
    assert_eq!(options.max_connections, 1000);
    let _: EmulatorBuilder = Emulator::builder().connections(options);
}
