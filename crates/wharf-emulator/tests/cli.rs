//! The `wharf-emulator` binary: `generate`, serving, flags and shutdown.

mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use wharf_emulator::Dataset;

const BIN: &str = env!("CARGO_BIN_EXE_wharf-emulator");

fn temp_file(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("wharf-emulator-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn generate(seed: &str, out: &std::path::Path) {
    let status = Command::new(BIN)
        .args([
            "generate",
            "--namespaces",
            "2",
            "--repos",
            "7",
            "--tags-per-repo",
            "2",
        ])
        .args(["--official-images", "3", "--seed", seed, "--out"])
        .arg(out)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn generate_writes_the_same_dataset_for_the_same_seed() {
    let (a, b, c) = (
        temp_file("a.json"),
        temp_file("b.json"),
        temp_file("c.json"),
    );
    generate("9", &a);
    generate("9", &b);
    generate("10", &c);
    let text = std::fs::read_to_string(&a).unwrap();
    assert_eq!(text, std::fs::read_to_string(&b).unwrap());
    assert_ne!(text, std::fs::read_to_string(&c).unwrap());
    let dataset = Dataset::load(&a).unwrap();
    assert_eq!(dataset.namespaces.len(), 2);
    assert_eq!(dataset.repository_count(), 7);
    assert_eq!(dataset.official_images.len(), 3);
    let stdout = Command::new(BIN)
        .args([
            "generate",
            "--repos",
            "7",
            "--namespaces",
            "2",
            "--tags-per-repo",
            "2",
        ])
        .args(["--official-images", "3", "--seed", "9"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&stdout.stdout), text);
}

/// A running binary, killed on drop.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(args: &[&str]) -> Server {
    spawn(args, Stdio::null())
}

/// Starts the binary with `args` (on a free port unless they say where),
/// its stderr going to `stderr`, and reads where it listens.
fn spawn(args: &[&str], stderr: Stdio) -> Server {
    let listen: &[&str] = if args.contains(&"--listen") {
        &[]
    } else {
        &["--listen", "127.0.0.1:0"]
    };
    let mut child = Command::new(BIN)
        .args(listen)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("first line: {line:?}"))
        .parse()
        .unwrap();
    Server { child, addr }
}

impl Server {
    /// Sends `signal` (`-INT`, `-TERM`) and waits for the exit status.
    fn stop_with(&mut self, signal: &str) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args([signal, &pid])
                .status()
                .unwrap()
                .success()
        );
        self.child.wait().unwrap()
    }
}

fn get(addr: SocketAddr, target: &str, token: &str) -> common::Reply {
    let headers = vec![("X-Auth-Token".to_owned(), token.to_owned())];
    common::send(addr, "GET", target, &headers, b"").unwrap()
}

#[test]
fn serves_a_dataset_and_stops_on_sigint() {
    let dataset = temp_file("served.json");
    generate("3", &dataset);
    let mut server = serve(&["--dataset", dataset.to_str().unwrap(), "--token", "t1"]);
    let reply = get(server.addr, "/v2/manage/repos", "t1");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json().as_array().unwrap().len(), 7);
    assert_eq!(
        get(server.addr, "/v2/manage/repos", "wharf-demo-token").status,
        401
    );
    let status = server.stop_with("-INT");
    assert!(status.success(), "{status}");
}

#[test]
fn generator_flags_and_no_auth() {
    let server = serve(&[
        "--namespaces",
        "4",
        "--repos",
        "9",
        "--seed",
        "2",
        "--no-auth",
    ]);
    let plain = common::send(server.addr, "GET", "/v2/manage/repos", &[], b"").unwrap();
    assert_eq!(plain.json().as_array().unwrap().len(), 9);
    // Both types of GetRepo together are the four namespaces.
    let total = |target: &str| {
        let reply = common::send(server.addr, "GET", target, &[], b"").unwrap();
        reply.json()["TotalCount"].as_u64().unwrap()
    };
    let public = total("/?Action=GetRepo");
    assert_eq!(public, total("/?Action=GetRepo&Type=public"));
    assert_eq!(public + total("/?Action=GetRepo&Type=private"), 4);
}

#[test]
fn request_id_seed_flag() {
    let id = |seed: &str| {
        let server = serve(&["--request-id-seed", seed]);
        let reply = get(server.addr, "/v2/manage/repos", "wharf-demo-token");
        reply.header("x-request-id").unwrap().to_owned()
    };
    assert_eq!(id("3"), id("3"));
    assert_ne!(id("3"), id("4"));
}

#[test]
fn demo_dataset_and_fault_flags() {
    let server = serve(&["--fault-rate", "1", "--faults", "503", "--latency-ms", "1"]);
    assert_eq!(
        get(server.addr, "/v2/manage/repos", "wharf-demo-token").status,
        503
    );
}

/// Runs `command` to its end and returns what it wrote. A guard against a
/// server that starts when it should refuse: after a minute it is killed and
/// the test fails (not a claim about speed).
fn output_of(command: &mut Command) -> Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let output = child.wait_with_output().unwrap();
            panic!(
                "still running after a minute: {}",
                String::from_utf8_lossy(&output.stdout)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn bad_flags_fail_with_a_message() {
    let extra = temp_file("extra.json");
    let text = Dataset::demo()
        .to_json()
        .replacen('{', r#"{"colour": "red","#, 1);
    std::fs::write(&extra, text).unwrap();
    let extra = extra.to_str().unwrap();
    let cases: [(&[&str], &str); 15] = [
        (
            &["--faults", "500"],
            "--faults picks which faults to inject, but --fault-rate is 0",
        ),
        (
            &["--latency-ms", "5", "generate"],
            "the subcommand 'generate' cannot be used with",
        ),
        (&["--listen", "nowhere"], "\"nowhere\" is not HOST:PORT"),
        (&["--max-connections", "0"], "0 is not in 1.."),
        (&["--rate-limit", "0"], "0 is not in 1.."),
        (&["--rate-limit", "many"], "invalid digit"),
        (&["--header-timeout-secs", "0"], "0 is not in 1.."),
        (
            &["--dataset", "/nonexistent/wharf.json"],
            "/nonexistent/wharf.json",
        ),
        (&["--dataset", extra], "unknown field `colour`"),
        (&["--huawei-ak", "AK"], "--huawei-sk"),
        (&["--faults", "404"], "unknown fault \"404\""),
        (
            &["--dataset", "x.json", "--repos", "3"],
            "cannot be used with",
        ),
        (
            &["--fault-rate", "NaN"],
            "\"NaN\" is not a number from 0 to 1",
        ),
        (
            &["--fault-rate", "1.5"],
            "\"1.5\" is not a number from 0 to 1",
        ),
        (
            &["--fault-rate=-0.1"],
            "\"-0.1\" is not a number from 0 to 1",
        ),
    ];
    for (args, needle) in cases {
        // A free port, unless the case is about --listen itself.
        let listen: &[&str] = match args.first() {
            Some(&"--listen") => &[],
            _ => &["--listen", "127.0.0.1:0"],
        };
        let output = output_of(Command::new(BIN).args(listen).args(args));
        // A usage error exits 2, whether the flag parser or a later check
        // (a dataset file, a flag beside another) found it.
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn sigterm_right_after_the_first_line_stops_cleanly() {
    for _ in 0..5 {
        let mut server = serve(&[]);
        let status = server.stop_with("-TERM");
        assert!(status.success(), "{status}");
    }
}

#[test]
fn help_says_auth_is_on_and_gives_the_generator_defaults() {
    let output = output_of(Command::new(BIN).arg("--help"));
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for needle in [
        "Auth is ON by default",
        wharf_emulator::DEMO_HUAWEI_AK,
        wharf_emulator::DEMO_HUAWEI_SK,
        wharf_emulator::DEMO_TOKEN,
        wharf_emulator::DEMO_UCLOUD_PUBLIC_KEY,
        wharf_emulator::DEMO_UCLOUD_PRIVATE_KEY,
        "--no-auth",
        "Any generator flag replaces",
    ] {
        assert!(help.contains(needle), "--help lacks {needle:?}:\n{help}");
    }
    let defaults = wharf_emulator::GenerateOptions::default();
    for (flag, value) in [
        ("--namespaces", defaults.namespaces.to_string()),
        ("--repos", defaults.repositories.to_string()),
        ("--tags-per-repo", defaults.tags_per_repository.to_string()),
        ("--official-images", defaults.official_images.to_string()),
        ("--seed", defaults.seed.to_string()),
    ] {
        let line = help
            .lines()
            .find(|l| l.trim_start().starts_with(flag))
            .unwrap_or_else(|| panic!("no {flag} in --help"));
        assert!(
            line.ends_with(&format!("[default: {value}]")),
            "{flag}: {line}"
        );
    }
}

#[test]
fn the_content_range_shape_is_a_flag_and_help_lists_the_shapes() {
    let output = output_of(Command::new(BIN).arg("--help"));
    let help = String::from_utf8_lossy(&output.stdout);
    let line = help
        .lines()
        .find(|l| l.trim_start().starts_with("--content-range <SHAPE>"))
        .unwrap_or_else(|| panic!("no --content-range in --help:\n{help}"));
    for shape in wharf_emulator::ContentRangeShape::ALL {
        let listed = match shape.example() {
            Some(example) => format!("{} ({example}", shape.name()),
            None => format!("{} (no header)", shape.name()),
        };
        assert!(line.contains(&listed), "--help lacks {listed:?}: {line}");
    }
    assert!(line.ends_with("[default: documented] [possible values: documented, total, star-total, unit, none, bogus]"), "{line}");
    let paged = "/v2/manage/repos?offset=0&limit=2";
    for (flag, want) in [
        (None, Some("0-2/10")),
        (Some("star-total"), Some("*/10")),
        (Some("unit"), Some("items 0-2/10")),
        (Some("none"), None),
    ] {
        let mut args = vec!["--no-auth"];
        args.extend(flag.iter().flat_map(|shape| ["--content-range", shape]));
        let server = serve(&args);
        let reply = common::send(server.addr, "GET", paged, &[], b"").unwrap();
        assert_eq!(reply.status, 200);
        assert_eq!(reply.header("content-range"), want, "{flag:?}");
    }
    let output =
        output_of(Command::new(BIN).args(["--listen", "127.0.0.1:0", "--content-range", "Bogus"]));
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("invalid value 'Bogus' for '--content-range <SHAPE>'"),
        "{stderr}"
    );
    assert!(
        stderr.contains("documented, total, star-total, unit, none, bogus"),
        "{stderr}"
    );
}

#[test]
fn ignore_is_public_is_a_flag() {
    let count = |args: &[&str]| {
        let server = serve(args);
        let target = "/v2/manage/repos?filter=is_public%3A%3Atrue";
        let reply = common::send(server.addr, "GET", target, &[], b"").unwrap();
        assert_eq!(reply.status, 200, "{}", reply.text());
        reply.json().as_array().unwrap().len()
    };
    assert_eq!(count(&["--no-auth"]), 4);
    assert_eq!(count(&["--no-auth", "--ignore-is-public"]), 10);
}

#[test]
fn listens_on_a_host_name() {
    let server = serve(&["--listen", "localhost:0", "--no-auth"]);
    assert!(server.addr.ip().is_loopback());
    let reply = common::send(server.addr, "GET", "/v2/manage/repos", &[], b"").unwrap();
    assert_eq!(reply.status, 200);
}

/// Runs the server with `args`, sends `n` requests, stops it with SIGTERM
/// and returns what it wrote on stderr.
fn log_of(args: &[&str], n: usize) -> String {
    let mut server = spawn(&[&["--no-auth"], args].concat(), Stdio::piped());
    for _ in 0..n {
        let target = "/v2/manage/repos?limit=1&offset=0";
        let reply = common::send(server.addr, "GET", target, &[], b"").unwrap();
        assert_eq!(reply.status, 200);
    }
    assert!(server.stop_with("-TERM").success());
    let mut log = String::new();
    std::io::Read::read_to_string(&mut server.child.stderr.take().unwrap(), &mut log).unwrap();
    log
}

#[test]
fn the_request_log_is_bounded_and_quiet_is_quiet() {
    // One line per request, at most 20 a second: 300 quick requests log
    // far fewer lines than requests (RUST_LOG unset: the default level).
    let log = log_of(&[], 300);
    let lines = log
        .lines()
        .filter(|l| l.contains("wharf_emulator::request"))
        .count();
    assert!(lines >= 1, "no request logged:\n{log}");
    assert!(lines < 300, "every request logged ({lines} lines)");
    let quiet = log_of(&["--quiet"], 50);
    assert!(
        !quiet.contains("wharf_emulator::request"),
        "--quiet logged requests:\n{quiet}"
    );
}

#[test]
fn the_connection_limit_is_a_flag() {
    use std::io::{Read, Write};
    let server = serve(&["--no-auth", "--max-connections", "1"]);
    // A keep-alive connection that has been answered is surely counted: it
    // takes the only place.
    let mut held = std::net::TcpStream::connect(server.addr).unwrap();
    held.write_all(b"GET /v2/manage/repos?namespace=public-tools HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    held.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut answer = [0u8; 12];
    held.read_exact(&mut answer).unwrap();
    assert_eq!(&answer, b"HTTP/1.1 200");
    let refused = common::send(server.addr, "GET", "/v2/manage/repos", &[], b"").unwrap();
    assert_eq!(refused.status, 503);
    assert_eq!(refused.header("retry-after"), Some("1"));
    assert_eq!(refused.json()["error_code"], "APIGW.0308");
    drop(held);
}

#[test]
fn rate_limit_and_control_are_flags() {
    let server = serve(&["--no-auth", "--rate-limit", "2", "--control"]);
    let statuses: Vec<u16> = (0..3)
        .map(|_| get(server.addr, "/v2/manage/repos", "").status)
        .collect();
    assert_eq!(statuses, [200, 200, 429]);
    let body = format!(
        r#"{{"namespace":"team","repository":"nginx","tag":"v9","digest":"sha256:{}","updated":"2024-01-01T00:00:00Z"}}"#,
        "1".repeat(64)
    );
    let reply = common::send(server.addr, "POST", "/_emulator/push", &[], body.as_bytes()).unwrap();
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json()["pushed"], "team/nginx:v9");
    // Without --control the route is unknown.
    let plain = serve(&["--no-auth"]);
    let reply = common::send(plain.addr, "POST", "/_emulator/push", &[], body.as_bytes()).unwrap();
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["error_code"], "APIGW.0101");
}
