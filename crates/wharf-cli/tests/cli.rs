//! The `wharf` binary as a user runs it: every command and format against
//! the demo registry and against emulators, every exit status, a closed
//! pipe, secrets that never show, and the progress bar on a terminal.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod common;

use common::{code, run, screen, text, wharf};
use wharf_emulator::{
    ContentRangeShape, DEMO_HUAWEI_AK, DEMO_HUAWEI_SK, DEMO_UCLOUD_PRIVATE_KEY,
    DEMO_UCLOUD_PUBLIC_KEY, Dataset, Emulator, Fault, FaultConfig, GenerateOptions,
};

/// An emulator on its own threads, so a test can block on the binary.
fn emulator(repositories: usize) -> Emulator {
    let options = GenerateOptions {
        repositories,
        ..GenerateOptions::default()
    };
    Emulator::builder()
        .dataset(Dataset::generate(&options).unwrap())
        .log_requests(false)
        .start_background()
        .unwrap()
}

/// The demo SWR credentials, for a child listing `emulator`.
fn swr_env(command: &mut Command) -> &mut Command {
    command
        .env("HUAWEICLOUD_SDK_AK", DEMO_HUAWEI_AK)
        .env("HUAWEICLOUD_SDK_SK", DEMO_HUAWEI_SK)
}

#[test]
fn the_demo_registry_lists_with_no_configuration() {
    let out = run(&mut wharf(&["repos", "--output", "table"]));
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    insta::assert_snapshot!("demo_repos_table", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr.lines().count(),
        1,
        "one line says it is the demo: {stderr}"
    );
    assert!(stderr.contains("built-in demo registry"), "{stderr}");
    // --quiet says nothing.
    let out = run(&mut wharf(&["repos", "--quiet"]));
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn repos_lists_exactly_whatever_content_range_says() {
    let dataset = Dataset::generate(&GenerateOptions {
        repositories: 45,
        ..GenerateOptions::default()
    })
    .unwrap();
    let mut wanted: Vec<String> = dataset
        .namespaces
        .iter()
        .flat_map(|ns| {
            ns.repositories
                .iter()
                .map(move |r| format!("{}/{}", ns.name, r.name))
        })
        .collect();
    wanted.sort();
    for shape in ContentRangeShape::ALL {
        let emulator = Emulator::builder()
            .dataset(dataset.clone())
            .content_range(shape)
            .log_requests(false)
            .start_background()
            .unwrap();
        let url = emulator.base_url();
        let args = [
            "--endpoint",
            &url,
            "-v",
            "repos",
            "--page-size",
            "7",
            "-o",
            "csv",
        ];
        let out = run(swr_env(&mut wharf(&args)));
        let stderr = text(&out.stderr);
        assert_eq!(code(&out), 0, "{shape:?}: {stderr}");
        let mut got: Vec<String> = text(&out.stdout)
            .lines()
            .skip(1)
            .map(|line| line.split(',').next().unwrap().to_owned())
            .collect();
        got.sort();
        assert_eq!(got, wanted, "{shape:?}");
        // The summary says where the totals came from, and quotes a header
        // that could not be read.
        let summary = stderr.lines().last().unwrap_or_default();
        assert!(summary.contains("totals from"), "{shape:?}: {summary}");
        let unread = matches!(
            shape,
            ContentRangeShape::TotalOnly
                | ContentRangeShape::StarTotal
                | ContentRangeShape::Unreadable
        );
        assert_eq!(
            summary.contains("Content-Range \""),
            unread,
            "{shape:?}: {summary}"
        );
    }
}

#[test]
fn every_command_in_every_format() {
    let cases: &[(&str, &[&str])] = &[
        ("repos", &["repos"]),
        (
            "repos_namespace",
            &["repos", "--namespace", "team", "--name", "e"],
        ),
        ("tags", &["tags", "team/api/gateway"]),
        ("show", &["show", "team/nginx"]),
        ("namespaces", &["namespaces"]),
        ("official_images", &["official", "images", "--limit", "3"]),
        ("official_tags", &["official", "tags", "library/nginx"]),
        ("official_show", &["official", "show", "library/redis"]),
        (
            "uhub_repos",
            &["--provider", "uhub", "repos", "--namespace", "team"],
        ),
        (
            "uhub_tags",
            &["--provider", "uhub", "tags", "team/api/gateway"],
        ),
        ("uhub_namespaces", &["--provider", "uhub", "namespaces"]),
    ];
    for (name, args) in cases {
        for format in ["table", "json", "ndjson", "csv"] {
            let mut command = wharf(args);
            command.args(["--output", format, "--quiet"]);
            let out = run(&mut command);
            assert_eq!(code(&out), 0, "{name} {format}: {}", text(&out.stderr));
            let stdout = text(&out.stdout);
            if format == "json" {
                let parsed: serde_json::Value = serde_json::from_str(&stdout).unwrap();
                // `show` prints the one object; listings an array.
                match name.ends_with("show") {
                    true => assert!(parsed.is_object(), "{name}"),
                    false => assert!(parsed.is_array(), "{name}"),
                }
            }
            if format == "ndjson" {
                for line in stdout.lines() {
                    serde_json::from_str::<serde_json::Value>(line).unwrap();
                }
            }
            insta::assert_snapshot!(format!("{name}_{format}"), stdout);
        }
    }
}

#[test]
fn ndjson_is_the_default_on_a_pipe_and_carries_every_field() {
    let out = run(&mut wharf(&["show", "team/nginx", "--quiet"]));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The provider's record, whole (ShowRepository's): fields the neutral
    // type does not have.
    assert_eq!(value["original"]["creator_name"], "wharf-demo");
    assert!(value["original"]["internal_path"].is_string());
    assert!(value["original"]["domain_id"].is_string());
}

#[test]
fn exit_statuses_by_class() {
    // 2: usage.
    for args in [
        &["--bogus"][..],
        &["tags", "no-slash"],
        &["--catalog", "swr://cn_north", "repos"],
        &["--timeout", "soon", "repos"],
        &["--page-size", "0", "repos"],
        &["--provider", "uhub", "repos", "--category", "linux"],
    ] {
        let out = run(&mut wharf(args));
        assert_eq!(code(&out), 2, "{args:?}: {}", text(&out.stderr));
        assert!(!text(&out.stderr).contains("panicked"));
    }
    // 4: not found.
    let out = run(&mut wharf(&["tags", "team/nope"]));
    assert_eq!(code(&out), 4, "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("SVCSTG.SWR.4040002"));
    assert!(text(&out.stderr).contains("request id"));

    let emulator = emulator(30);
    let base = emulator.base_url();
    // 3: auth, with a hint and the variables named.
    let mut command = wharf(&["--endpoint", &base, "repos"]);
    command
        .env("HUAWEICLOUD_SDK_AK", DEMO_HUAWEI_AK)
        .env("HUAWEICLOUD_SDK_SK", "not-the-demo-secret");
    let out = run(&mut command);
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK from the environment"),
        "{stderr}"
    );
    assert!(stderr.contains("hint:"), "{stderr}");

    // 5: throttled past the retries (a short timeout ends the waiting).
    emulator
        .set_faults(FaultConfig::random(1.0, 1).with_kinds(&[Fault::TooManyRequests]))
        .unwrap();
    let out = run(swr_env(&mut wharf(&[
        "--endpoint",
        &base,
        "--timeout",
        "1500ms",
        "repos",
    ])));
    assert_eq!(code(&out), 5, "{}", text(&out.stderr));
    // 8: a server that keeps failing.
    emulator
        .set_faults(FaultConfig::random(1.0, 1).with_kinds(&[Fault::InternalError]))
        .unwrap();
    let out = run(swr_env(&mut wharf(&[
        "--endpoint",
        &base,
        "--timeout",
        "2s",
        "repos",
    ])));
    assert_eq!(code(&out), 8, "{}", text(&out.stderr));
    emulator.set_faults(FaultConfig::none()).unwrap();

    // 6: nothing listening.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let out = run(swr_env(&mut wharf(&[
        "--endpoint",
        &closed,
        "--timeout",
        "2s",
        "repos",
    ])));
    assert_eq!(code(&out), 6, "{}", text(&out.stderr));
}

#[test]
fn a_catalog_changed_while_listed_exits_7() {
    let emulator = emulator(60);
    emulator.set_latency(Duration::from_millis(40));
    let base = emulator.base_url();
    let mut command = wharf(&[
        "--endpoint",
        &base,
        "--page-size",
        "2",
        "--concurrency",
        "1",
        "repos",
    ]);
    let child = swr_env(&mut command)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(400));
    let mut changed = (*emulator.dataset()).clone();
    changed.namespaces[0].repositories.remove(0);
    emulator.set_dataset(changed).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 7, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("catalog changed"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_closed_pipe_ends_the_listing_quietly() {
    let emulator = emulator(3000);
    let base = emulator.base_url();
    let mut command = wharf(&["--endpoint", &base, "repos", "--page-size", "50"]);
    let mut child = swr_env(&mut command)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.starts_with('{'));
    drop(lines);
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
}

/// A config file in a temporary folder, with `mode`.
fn config_file(contents: &str, mode: u32) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("wharf-cli-test-{}-{mode:o}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.toml");
    std::fs::write(&path, contents).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path
}

#[test]
fn a_profile_with_secrets_must_be_private_and_flags_beat_it() {
    let emulator = emulator(10);
    let profile = format!(
        "[profiles.default]\nendpoint = \"{}\"\naccess_key = \"{DEMO_HUAWEI_AK}\"\nsecret_key = \"{DEMO_HUAWEI_SK}\"\n",
        emulator.base_url()
    );
    let open = config_file(&profile, 0o644);
    let out = run(wharf(&["namespaces"]).env("WHARF_CONFIG", &open));
    assert_eq!(code(&out), 2);
    assert!(
        text(&out.stderr).contains("chmod 600"),
        "{}",
        text(&out.stderr)
    );

    let private = config_file(&profile, 0o600);
    let out = run(wharf(&["namespaces", "--quiet"]).env("WHARF_CONFIG", &private));
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).lines().count(),
        3,
        "the emulator's namespaces"
    );
    // A missing named profile is a usage error naming those there are.
    let out = run(wharf(&["--profile", "prod", "namespaces"]).env("WHARF_CONFIG", &private));
    assert_eq!(code(&out), 2);
    assert!(
        text(&out.stderr).contains("profiles: default"),
        "{}",
        text(&out.stderr)
    );
    // The environment beats the profile: a wrong key from the environment is used.
    let out = run(wharf(&["namespaces"])
        .env("WHARF_CONFIG", &private)
        .env("HUAWEICLOUD_SDK_SK", "env-secret-wrong"));
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
}

/// A loopback port nothing answers on but that counts who tried: any
/// connection stays queued, so `reached` tells whether one came.
struct Listener(std::net::TcpListener);

impl Listener {
    fn new() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        Listener(listener)
    }

    fn url(&self) -> String {
        format!("http://{}", self.0.local_addr().unwrap())
    }

    fn reached(&self) -> bool {
        self.0.accept().is_ok()
    }
}

#[test]
fn requests_go_only_where_the_user_said() {
    let (a, b) = (Listener::new(), Listener::new());
    let usage = |command: &mut Command, both: [&str; 2]| {
        let out = run(swr_env(command));
        let stderr = text(&out.stderr);
        assert_eq!(code(&out), 2, "{stderr}");
        for said in both {
            assert!(stderr.contains(said), "{said:?} in {stderr}");
        }
        assert!(stderr.contains("nothing was sent"), "{stderr}");
        assert!(!stderr.contains("demo"), "{stderr}");
        assert_eq!(text(&out.stdout), "");
    };
    // The case: the endpoint was dropped and the real cloud asked.
    let endpoint = format!("--endpoint {}", b.url());
    usage(
        &mut wharf(&[
            "--catalog",
            "swr://cn-north-4",
            "--endpoint",
            &b.url(),
            "repos",
        ]),
        ["--catalog swr://cn-north-4", &endpoint],
    );
    let catalog = format!("swr+{}", a.url());
    usage(
        &mut wharf(&["--catalog", &catalog, "--endpoint", &b.url(), "repos"]),
        [&format!("--catalog {catalog}"), &endpoint],
    );
    usage(
        wharf(&["--region", "cn-north-4", "repos"]).env("WHARF_CATALOG", &catalog),
        [&format!("WHARF_CATALOG {catalog}"), "--region cn-north-4"],
    );
    // The catalog used to win over the provider silently.
    usage(
        &mut wharf(&["--provider", "uhub", "--catalog", &catalog, "repos"]),
        ["names provider swr", "--provider says uhub"],
    );
    usage(
        wharf(&["--catalog", &catalog, "repos"]).env("WHARF_PROVIDER", "uhub"),
        ["--catalog", "WHARF_PROVIDER says uhub"],
    );
    // One profile that says two places.
    let profile = format!(
        "[profiles.default]\ncatalog = \"{catalog}\"\nendpoint = \"{}\"\n",
        b.url()
    );
    let both = config_file(&profile, 0o600);
    usage(
        wharf(&["repos"]).env("WHARF_CONFIG", &both),
        ["the catalog of profile \"default\"", "the endpoint"],
    );
    assert!(!a.reached(), "nothing reached the catalog's server");
    assert!(!b.reached(), "nothing reached the endpoint");
    // An agreeing provider and a flag's catalog over a profile's place are fine.
    let out = run(swr_env(&mut wharf(&[
        "--provider",
        "swr",
        "--catalog",
        &catalog,
        "--timeout",
        "1s",
        "repos",
    ])));
    assert_ne!(code(&out), 2, "{}", text(&out.stderr));
    assert!(a.reached(), "the catalog's server was asked");
}

/// The command opens catalogs through the library's connect path, so it
/// refuses what the library refuses: a spec's project travels in a signed
/// header, and with no keys there is nothing to sign it with. It used to
/// drop the project silently and list unsigned.
#[test]
fn places_are_read_as_the_library_reads_them() {
    let server = Listener::new();
    let refused = |command: &mut Command, said: &str| {
        let out = run(command);
        let stderr = text(&out.stderr);
        assert_eq!(code(&out), 2, "{stderr}");
        assert!(stderr.contains(said), "{said:?} in {stderr}");
        assert_eq!(text(&out.stdout), "");
    };
    let with_project = format!("swr+{}?project=p-1", server.url());
    refused(
        &mut wharf(&["--catalog", &with_project, "repos"]),
        "the spec's project \"p-1\" travels with credentials, and there are none",
    );
    refused(
        &mut wharf(&["--endpoint", "http://127.0.0.1:99999", "repos"]),
        "the endpoint \"http://127.0.0.1:99999\" is not valid: at character 17 expected a port number in 1..=65535",
    );
    refused(
        &mut wharf(&["--endpoint", &format!("{}/v2", server.url()), "repos"]),
        "(a spec has no path)",
    );
    refused(
        &mut wharf(&["--provider", "uhub", "--region", "cn_bj2", "repos"]),
        "the region \"cn_bj2\" is not valid",
    );
    assert!(!server.reached(), "nothing was sent");
}

#[test]
fn a_config_file_that_wharf_config_names_must_exist() {
    let out = run(wharf(&["repos"]).env("WHARF_CONFIG", "/nonexistent/wharf/named.toml"));
    let stderr = text(&out.stderr);
    assert_eq!(code(&out), 2, "{stderr}");
    assert!(stderr.contains("/nonexistent/wharf/named.toml"), "{stderr}");
    assert!(stderr.contains("WHARF_CONFIG"), "{stderr}");
    assert!(
        !stderr.contains("demo"),
        "the demo registry does not answer: {stderr}"
    );
    assert_eq!(text(&out.stdout), "");
}

#[test]
fn secrets_never_show_in_any_output() {
    let emulator = emulator(10);
    let base = emulator.base_url();
    let secrets = [
        "profile-secret-SK-123",
        "env-secret-SK-456",
        "uhub-private-789",
    ];
    let profile = format!(
        "[profiles.default]\nendpoint = \"{base}\"\naccess_key = \"{DEMO_HUAWEI_AK}\"\nsecret_key = \"{}\"\n",
        secrets[0]
    );
    let private = config_file(&profile, 0o600);
    let commands: &[&[&str]] = &[
        &["repos"],
        &["tags", "team/nginx"],
        &["show", "team/nginx"],
        &["namespaces"],
        &["official", "images"],
        &[
            "--provider",
            "uhub",
            "--endpoint",
            &base,
            "repos",
            "--namespace",
            "team",
        ],
    ];
    for args in commands {
        for env_secret in [None, Some(secrets[1])] {
            let mut command = wharf(args);
            command
                .arg("--verbose")
                .env("RUST_LOG", "trace")
                .env("WHARF_CONFIG", &private)
                .env("UCLOUD_PUBLIC_KEY", DEMO_UCLOUD_PUBLIC_KEY)
                .env("UCLOUD_PRIVATE_KEY", secrets[2]);
            if let Some(secret) = env_secret {
                command.env("HUAWEICLOUD_SDK_SK", secret);
            }
            let out = run(&mut command);
            let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
            for secret in secrets {
                assert!(!all.contains(secret), "{secret} shown by {args:?}:\n{all}");
            }
            assert!(!all.contains(DEMO_UCLOUD_PRIVATE_KEY));
        }
    }
}

/// A loopback proxy to `upstream` that keeps every byte its clients send,
/// so a test knows the signatures that went over the wire.
fn tee_proxy(upstream: std::net::SocketAddr) -> (String, Arc<Mutex<Vec<u8>>>) {
    use std::io::{Read, Write};
    use std::net::{Shutdown, TcpListener, TcpStream};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let sent = Arc::new(Mutex::new(Vec::new()));
    let kept = Arc::clone(&sent);
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(mut client) = client else { return };
            let Ok(mut server) = TcpStream::connect(upstream) else {
                return;
            };
            let (mut back, mut from_server) =
                (client.try_clone().unwrap(), server.try_clone().unwrap());
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut from_server, &mut back);
                let _ = back.shutdown(Shutdown::Write);
            });
            let kept = Arc::clone(&kept);
            std::thread::spawn(move || {
                let mut buffer = [0u8; 16384];
                while let Ok(n) = client.read(&mut buffer) {
                    if n == 0 || server.write_all(&buffer[..n]).is_err() {
                        break;
                    }
                    kept.lock().unwrap().extend_from_slice(&buffer[..n]);
                }
                let _ = server.shutdown(Shutdown::Write);
            });
        }
    });
    (url, sent)
}

/// Every signature in the requests `sent`: Huawei's `Signature=` in the
/// `Authorization` header and UCloud's `Signature` field, at least 16 hex
/// digits each.
fn signatures(sent: &[u8]) -> Vec<String> {
    let sent = String::from_utf8_lossy(sent);
    let mut found: Vec<String> = sent
        .split("Signature=")
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(char::is_ascii_hexdigit)
                .collect::<String>()
        })
        .filter(|s| s.len() >= 16)
        .collect();
    found.sort();
    found.dedup();
    found
}

#[test]
fn no_secret_or_signature_shows_at_the_most_detailed_log() {
    const SK: &str = "sk-never-shown-0123456789";
    const TOKEN: &str = "security-token-never-shown-42";
    const PRIVATE: &str = "private-key-never-shown-9876";
    let auth = wharf_emulator::AuthConfig::empty()
        .with_huawei_key(DEMO_HUAWEI_AK, SK)
        .with_ucloud_key(DEMO_UCLOUD_PUBLIC_KEY, PRIVATE);
    let emulator = Emulator::builder()
        .dataset(Dataset::demo())
        .auth(auth)
        .log_requests(false)
        .start_background()
        .unwrap();
    let (url, sent) = tee_proxy(emulator.addr());
    let swr_side = format!("swr+{url}");
    let uhub_side = format!("uhub+{url}?region=cn-bj2");
    let commands: &[&[&str]] = &[
        &["repos"],
        &[
            "repos",
            "--namespace",
            "team",
            "--name",
            "nginx",
            "--output",
            "json",
        ],
        &["tags", "team/nginx", "--output", "csv"],
        &["show", "team/nginx"],
        &["show", "team/no-such-repository"],
        &["namespaces", "--output", "table"],
        &["official", "images"],
        &["official", "tags", "library/nginx"],
        &["official", "show", "library/redis"],
        &["--provider", "uhub", "repos", "--namespace", "team"],
        &["--provider", "uhub", "tags", "team/nginx"],
        &["--provider", "uhub", "show", "team/nginx"],
        &["--provider", "uhub", "namespaces"],
        &["diff", &swr_side, &uhub_side, "--namespace", "team"],
        &["completions", "bash"],
        &["man"],
    ];
    let mut outputs = String::new();
    for args in commands {
        let mut command = wharf(args);
        // Completions and man read no catalog settings, and refuse them.
        let catalog = !matches!(args[0], "completions" | "man");
        if catalog && !args.contains(&"diff") {
            command.args(["--endpoint", &url]);
        }
        if catalog {
            command.args(["--page-size", "5"]);
        }
        command
            .arg("--verbose")
            .env("RUST_LOG", "trace")
            .env("HUAWEICLOUD_SDK_AK", DEMO_HUAWEI_AK)
            .env("HUAWEICLOUD_SDK_SK", SK)
            .env("HUAWEICLOUD_SDK_SECURITY_TOKEN", TOKEN)
            .env("UCLOUD_PUBLIC_KEY", DEMO_UCLOUD_PUBLIC_KEY)
            .env("UCLOUD_PRIVATE_KEY", PRIVATE);
        let out = run(&mut command);
        let shown = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(matches!(code(&out), 0 | 1 | 4), "{args:?}: {shown}");
        outputs.push_str(&shown);
    }
    let sent = sent.lock().unwrap().clone();
    let signatures = signatures(&sent);
    assert!(
        signatures.len() > 20,
        "signatures seen: {}",
        signatures.len()
    );
    let on_the_wire = String::from_utf8_lossy(&sent);
    assert!(on_the_wire.contains(TOKEN), "the token was sent");
    // The trace log did run: it names the requests it sent.
    assert!(
        outputs.contains("TRACE") || outputs.contains("DEBUG"),
        "{outputs}"
    );
    for secret in [SK, TOKEN, PRIVATE]
        .iter()
        .copied()
        .chain(signatures.iter().map(String::as_str))
    {
        assert!(!outputs.contains(secret), "{secret} shown:\n{outputs}");
    }
}

#[test]
fn completions_and_the_man_page() {
    // Each script asks wharf itself for the candidates (see people.rs for
    // what it answers).
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = run(&mut wharf(&["completions", shell]));
        assert_eq!(code(&out), 0);
        assert!(text(&out.stdout).contains("COMPLETE"), "{shell}");
    }
    let out = run(&mut wharf(&["man"]));
    assert!(text(&out.stdout).starts_with(".ie") || text(&out.stdout).contains(".TH wharf"));
    let out = run(&mut wharf(&["--help"]));
    assert!(text(&out.stdout).contains("Exit status:"));
}

#[test]
fn on_a_terminal_a_table_and_no_progress_left_behind() {
    let emulator = emulator(250);
    let command = format!(
        "HUAWEICLOUD_SDK_AK={DEMO_HUAWEI_AK} HUAWEICLOUD_SDK_SK={DEMO_HUAWEI_SK} \
         XDG_CONFIG_HOME=/nonexistent {} --endpoint {} repos --namespace devops-team --limit 5 --page-size 2",
        env!("CARGO_BIN_EXE_wharf"),
        emulator.base_url()
    );
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("TERM", "xterm")
        .env("COLUMNS", "120")
        .output()
        .expect("script(1) from util-linux");
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let shown = screen(&text(&out.stdout));
    // The rate depends on the machine.
    let rate = regex_free_rate(&shown);
    insta::assert_snapshot!("terminal_table_and_progress", rate);
}

/// `... 1234 items/s ...` with the number replaced by `N`.
fn regex_free_rate(text: &str) -> String {
    text.lines()
        .map(|line| match line.find(" items/s") {
            Some(end) => {
                let start = line[..end].rfind(' ').map_or(0, |i| i + 1);
                format!("{}N{}", &line[..start], &line[end..])
            }
            None => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}
