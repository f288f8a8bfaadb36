//! Developer commands for the wharf workspace, run as `cargo xtask <command>`.
//!
//! - `cargo xtask ci`: every check CI runs, in order (fmt, clippy, the
//!   generated fixtures, tests, the build without default features, the
//!   CLI without its demo registry, the layering, a user's crate outside
//!   the workspace (`tests/downstream/`), the fuzz targets, the public-API snapshots
//!   (`tests/api/`), the examples, the CLI tour, the Python SDK interop
//!   check, the wire-level comparison of wharf's requests with the official
//!   SDKs', the signing vectors), then a one-line summary.
//! - `cargo xtask fixtures [--check]`: regenerates what is generated under
//!   `tests/fixtures/` (the datasets and the replay fixtures, made in Rust by
//!   the `wharf-fixtures` binary of `wharf-tests`), or with `--check` makes
//!   them in memory and fails, naming the files and the command to run, when
//!   a committed one differs. `--check` compares the signing vectors too when
//!   the official Python SDKs are installed in `tests/interop/.venv`, and
//!   says it skipped them otherwise. Exit status 0 up to date, 1 out of
//!   date, 2 error.
//! - `cargo xtask vectors [--check]`: regenerates (or checks) the signing
//!   vectors in `tests/fixtures/signing/` with the official Python SDKs,
//!   through `tests/interop/make_signing_vectors.sh`, which installs them
//!   in `tests/interop/.venv`.
//! - `cargo xtask bench-emulator [FLAGS]`: throughput of `wharf-emulator` against
//!   nginx serving the identical bytes, measured with wrk; the work is done by
//!   `benches/emulator-throughput.sh`, which takes the flags (`--help` lists them).
//! - `cargo xtask bench`: the `wharf` CLI against the official Python SDKs
//!   (huaweicloudsdkswr, ucloud-sdk-python3) on the emulator, interleaved;
//!   the work is done by `benches/sdk-compare.sh`, which installs the pinned
//!   SDKs in `tests/interop/.venv`. Not part of `ci`: it takes minutes and its
//!   figures depend on the machine. Then it draws the chart (plotters, SVG)
//!   from the script's JSON; `cargo xtask bench-chart` draws it again.
//! - `cargo xtask cli-tour`: builds `wharf` and runs every command in every
//!   output format (`table`, `wide`, `json`, `ndjson`, `csv`) on its built-in
//!   demo registry, with no credentials or profile of this machine: each
//!   exit status, each output checked against its format, panics on
//!   stderr, listings through a closed pipe; `wharf du` when the binary
//!   has it. One line per run and a summary; exit 1 naming every failure
//!   (`tour.rs`).

mod chart;
mod tour;

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

/// One step of `cargo xtask ci`: a name for the summary and the command to run.
struct Step {
    name: &'static str,
    program: &'static str,
    args: &'static [&'static str],
}

/// The CI steps, cheapest first, so a formatting slip fails in a second.
const CI_STEPS: &[Step] = &[
    Step {
        name: "fmt",
        program: "cargo",
        args: &["fmt", "--all", "--", "--check"],
    },
    Step {
        name: "clippy",
        program: "cargo",
        args: &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
    },
    // Before the tests, which read the fixtures: a stale one is named with
    // the command that mends it, not found as a puzzling test failure.
    Step {
        name: "fixtures",
        program: "cargo",
        args: &["xtask", "fixtures", "--check"],
    },
    Step {
        name: "test",
        program: "cargo",
        args: &["test", "--workspace", "--all-features"],
    },
    // A user of the model and pages alone, or of replay, builds without the
    // clients' TLS stack: keep that build working.
    Step {
        name: "no-default-features",
        program: "cargo",
        args: &[
            "check",
            "-p",
            "wharf",
            "--no-default-features",
            "--features",
            "test-util",
        ],
    },
    // The `wharf` command without its demo registry, and so without the emulator.
    Step {
        name: "cli without demo",
        program: "cargo",
        args: &["check", "-q", "-p", "wharf-cli", "--no-default-features"],
    },
    // Dependencies point one way: the client library never compiles its
    // test server, whatever its features.
    Step {
        name: "layers",
        program: "bash",
        args: &[
            "-c",
            "set -o pipefail; tree=$(cargo tree -p wharf --all-features -e normal --prefix none) \
             && if grep -q '^wharf-emulator ' <<<\"$tree\"; then \
             echo 'wharf depends on wharf-emulator (cargo tree -p wharf --all-features -e normal)'; \
             exit 1; fi",
        ],
    },
    // A user's crate outside the workspace, on `wharf` alone: the first tasks
    // of a user with `?` on `wharf::Error` (tests/downstream/).
    Step {
        name: "downstream",
        program: "bash",
        args: &[
            "-c",
            "set -e; dir=\"${CARGO_TARGET_DIR:-$PWD/target}\"; m=tests/downstream/Cargo.toml; \
             cargo fmt --manifest-path $m -- --check; \
             cargo clippy -q --manifest-path $m --target-dir \"$dir\" --all-targets -- -D warnings; \
             cargo test -q --manifest-path $m --target-dir \"$dir\"",
        ],
    },
    // The fuzz targets live outside the workspace (they build on nightly
    // under `cargo fuzz`); checking them on stable keeps them compiling as
    // the API they call changes.
    Step {
        name: "fuzz targets",
        program: "bash",
        args: &[
            "-c",
            "cargo check -q --manifest-path fuzz/Cargo.toml --bins \
             --target-dir \"${CARGO_TARGET_DIR:-$PWD/target}\"",
        ],
    },
    // What each published crate lets a user name, against tests/api/*.txt:
    // every change to the surface shows in review (rustdoc's JSON, from the
    // stable toolchain with RUSTC_BOOTSTRAP for that command alone).
    Step {
        name: "public api",
        program: "bash",
        args: &["tests/api/check.sh"],
    },
    // The examples run against an in-process emulator.
    Step {
        name: "example list_repositories",
        program: "cargo",
        args: &["run", "-q", "-p", "wharf", "--example", "list_repositories"],
    },
    Step {
        name: "example catalog",
        program: "cargo",
        args: &["run", "-q", "-p", "wharf", "--example", "catalog"],
    },
    Step {
        name: "example uhub_images",
        program: "cargo",
        args: &["run", "-q", "-p", "wharf", "--example", "uhub_images"],
    },
    // Every `wharf` command in every output format on the demo registry,
    // each output checked for its format, listings through a closed pipe.
    Step {
        name: "cli tour",
        program: "cargo",
        args: &["xtask", "cli-tour"],
    },
    // The official Python SDKs, unchanged, page through the emulator. The script
    // makes its own virtualenv and installs the pinned SDKs from PyPI.
    Step {
        name: "interop",
        program: "bash",
        args: &["tests/interop/run_emulator_interop.sh"],
    },
    // The official SDKs and wharf make the same calls against one capture
    // server, and the requests are compared field by field: the SDKs, not
    // the emulator, are the reference (tests/interop/wire/).
    Step {
        name: "wire",
        program: "bash",
        args: &["tests/interop/wire/run.sh"],
    },
    // The interop step has installed the official SDKs by now, so the
    // signing vectors are checked even on a fresh machine, where the
    // fixtures step had to skip them.
    Step {
        name: "vectors",
        program: "cargo",
        args: &["xtask", "vectors", "--check"],
    },
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("fixtures") => fixtures(&args[1..]),
        Some("vectors") => vectors(&args[1..]),
        Some("bench-emulator") => bench_script("bench-emulator", BENCH_EMULATOR_SCRIPT, &args[1..]),
        Some("bench") => bench(&args[1..]),
        Some("bench-chart") => bench_chart(),
        Some("soak") => bench_script("soak", SOAK_SCRIPT, &args[1..]),
        Some("bench-prune") => bench_script("bench-prune", BENCH_PRUNE_SCRIPT, &args[1..]),
        Some("cli-tour") => tour::run(&args[1..]),
        Some("help") | Some("--help") | Some("-h") | None => {
            print_help();
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("xtask: unknown command {other:?}\n");
            print_help();
            ExitCode::FAILURE
        }
    }
}

fn print_help() {
    println!(
        "usage: cargo xtask <command>

commands:
  ci                  fmt check, clippy, fixtures check, tests, examples, CLI tour,
                      SDK interop, wire (wharf's requests against the SDKs', tests/interop/wire/),
                      signing vectors check; then a one-line summary
  fixtures [--check]  regenerate the generated files in tests/fixtures/ (datasets/,
                      replay/); with --check, write nothing and fail naming the files
                      that differ (exit 1), and compare the signing vectors too when
                      the official Python SDKs are installed in tests/interop/.venv
  vectors [--check]   regenerate (or check) tests/fixtures/signing/ with the official
                      Python SDKs, installing them in tests/interop/.venv
  bench-emulator      emulator throughput against nginx with wrk (needs wrk and nginx;
                      installs nothing); `cargo xtask bench-emulator --help` for its flags
  bench               wharf against the official Python SDKs on the emulator (installs
                      the pinned SDKs in tests/interop/.venv); WHARF_BENCH_ROUNDS=N sets
                      the rounds (3), WHARF_BENCH_SKIP_MEMORY=1 skips the 1M-item run;
                      writes target/bench/sdk-compare.{{md,json,svg}}
  bench-chart         redraw target/bench/sdk-compare.svg from the last bench's JSON
  soak                the CLI lists 1,000,000 repositories through 10% faults: exactly,
                      in flat memory (benches/soak.sh; flags --repos, --rate, --seed)
  bench-prune         `wharf prune` peak RSS over 100,000 against 10,000 repositories, and
                      `wharf apply` of 5,000 deletes against --rate-limit 500 (benches/prune.sh;
                      `cargo xtask bench-prune --help` for its flags)
  cli-tour            build `wharf` and run every command in every output format on the
                      demo registry (no credentials, no profile): exit statuses, output
                      valid for its format, no panic, listings through a closed pipe

tests/fixtures/seeds/ is copied by hand from the providers' pages: nothing makes it."
    );
}

/// The workspace root, where every command runs.
fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ is inside the workspace")
}

/// The benchmark script, relative to the workspace root.
const BENCH_EMULATOR_SCRIPT: &str = "benches/emulator-throughput.sh";

/// The soak (1,000,000 repositories through faults), relative to the workspace root.
const SOAK_SCRIPT: &str = "benches/soak.sh";

/// The cleanup benchmarks (plan memory, apply rate), relative to the workspace root.
const BENCH_PRUNE_SCRIPT: &str = "benches/prune.sh";

/// The SDK comparison script, relative to the workspace root.
const BENCH_SDK_SCRIPT: &str = "benches/sdk-compare.sh";

/// `cargo xtask bench`: the script, then the chart from its JSON.
fn bench(flags: &[String]) -> ExitCode {
    let status = bench_script("bench", BENCH_SDK_SCRIPT, flags);
    if status != ExitCode::SUCCESS {
        return status;
    }
    bench_chart()
}

/// `cargo xtask bench-chart`: the chart again from the last run's JSON.
fn bench_chart() -> ExitCode {
    let out = target_dir().join("bench");
    let svg = out.join("sdk-compare.svg");
    match chart::draw(&out.join("sdk-compare.json"), &svg) {
        Ok(()) => {
            println!("chart: {}", svg.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("xtask bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The target directory the scripts write under: `CARGO_TARGET_DIR` as
/// cargo reads it, else `target/` of the workspace.
fn target_dir() -> std::path::PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => workspace_root().join(dir),
        None => workspace_root().join("target"),
    }
}

/// `cargo xtask bench-emulator` and `cargo xtask bench`: runs the script from
/// the workspace root with the flags, and passes the command as typed so the
/// report can quote it.
fn bench_script(name: &str, script: &str, flags: &[String]) -> ExitCode {
    let root = workspace_root();
    let command = std::iter::once(format!("cargo xtask {name}"))
        .chain(flags.iter().cloned())
        .collect::<Vec<_>>()
        .join(" ");
    let outcome = Command::new("bash")
        .arg(script)
        .args(flags)
        .current_dir(root)
        .env("WHARF_BENCH_COMMAND", command)
        .status();
    match outcome {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        // The script has said what went wrong.
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("xtask {name}: could not start bash {script}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// How a check or a generator ended, worst last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    /// Up to date, or written.
    Ok,
    /// Out of date: the tool has named the files and the command to run.
    Stale,
    /// Could not run, or failed: the tool has said why.
    Error,
}

impl Outcome {
    /// The tools' exit statuses: 0 up to date, 1 out of date, other an error.
    fn of(what: &str, status: std::io::Result<std::process::ExitStatus>) -> Outcome {
        match status.map(|s| s.code()) {
            Ok(Some(0)) => Outcome::Ok,
            Ok(Some(1)) => Outcome::Stale,
            Ok(_) => Outcome::Error,
            Err(e) => {
                eprintln!("xtask: could not start {what}: {e}");
                Outcome::Error
            }
        }
    }

    fn exit_code(self) -> ExitCode {
        ExitCode::from(self as u8)
    }
}

/// The binary of `wharf-tests` that writes and checks the generated fixtures.
const FIXTURES_BIN: &str = "wharf-fixtures";

/// The script that makes the signing vectors with the official Python SDKs.
const VECTORS_SCRIPT: &str = "tests/interop/make_signing_vectors.sh";

/// `--check` or nothing; `None`, having said why, for anything else.
fn check_flag(command: &str, flags: &[String]) -> Option<bool> {
    match flags {
        [] => Some(false),
        [flag] if flag == "--check" => Some(true),
        _ => {
            eprintln!("usage: cargo xtask {command} [--check]");
            None
        }
    }
}

/// `cargo xtask fixtures [--check]`.
fn fixtures(flags: &[String]) -> ExitCode {
    let Some(check) = check_flag("fixtures", flags) else {
        return Outcome::Error.exit_code();
    };
    let made = run_fixtures_bin(check);
    if !check {
        return made.exit_code();
    }
    // Only when the SDKs are installed: the script says so when they are not.
    let vectors = run_vectors_script(&["--check", "--if-installed"]);
    made.max(vectors).exit_code()
}

/// `cargo xtask vectors [--check]`.
fn vectors(flags: &[String]) -> ExitCode {
    match check_flag("vectors", flags) {
        Some(true) => run_vectors_script(&["--check"]),
        Some(false) => run_vectors_script(&[]),
        None => Outcome::Error,
    }
    .exit_code()
}

fn run_vectors_script(flags: &[&str]) -> Outcome {
    let status = Command::new("bash")
        .arg(VECTORS_SCRIPT)
        .args(flags)
        .current_dir(workspace_root())
        .status();
    Outcome::of(&format!("bash {VECTORS_SCRIPT}"), status)
}

/// Builds and runs [`FIXTURES_BIN`]. Built as `cargo test --workspace
/// --all-features` builds the crates below it, with the same features, so
/// `cargo xtask ci` compiles them once, not twice; `cargo run -p` would
/// resolve features for `wharf-tests` alone.
fn run_fixtures_bin(check: bool) -> Outcome {
    let Some((profile_dir, profile)) = own_profile() else {
        eprintln!("xtask: cannot tell where cargo put xtask, so where {FIXTURES_BIN} goes");
        return Outcome::Error;
    };
    let build = Command::new("cargo")
        .args(["build", "-q", "--workspace", "--all-features"])
        .args(["--profile", &profile, "--bin", FIXTURES_BIN])
        .current_dir(workspace_root())
        .status();
    if Outcome::of("cargo build", build) != Outcome::Ok {
        return Outcome::Error;
    }
    let bin = profile_dir.join(format!("{FIXTURES_BIN}{}", std::env::consts::EXE_SUFFIX));
    let status = Command::new(&bin)
        .args(check.then_some("--check"))
        .current_dir(workspace_root())
        .status();
    Outcome::of(&bin.display().to_string(), status)
}

/// The folder cargo built xtask into and its profile: [`FIXTURES_BIN`] is
/// built with the same profile, so it lands beside it, whatever the
/// target folder.
fn own_profile() -> Option<(std::path::PathBuf, String)> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?.to_path_buf();
    // Cargo names the folder of the `dev` profile `debug`; others by name.
    let profile = match dir.file_name()?.to_str()? {
        "debug" => "dev".to_owned(),
        name => name.to_owned(),
    };
    Some((dir, profile))
}

fn ci() -> ExitCode {
    let started = Instant::now();
    let mut timings = Vec::new();
    for (index, step) in CI_STEPS.iter().enumerate() {
        eprintln!(
            "xtask ci: [{}/{}] {}",
            index + 1,
            CI_STEPS.len(),
            render(step)
        );
        let step_started = Instant::now();
        let outcome = Command::new(step.program).args(step.args).status();
        timings.push((step.name, step_started.elapsed()));
        let failure = match outcome {
            Ok(status) if status.success() => continue,
            Ok(status) => format!("exited with {status}"),
            Err(e) => format!("could not start {}: {e}", step.program),
        };
        println!(
            "xtask ci: FAILED at {} ({failure}); {index}/{} steps passed in {} [{}]",
            step.name,
            CI_STEPS.len(),
            seconds(started.elapsed()),
            summary(&timings),
        );
        return ExitCode::FAILURE;
    }
    println!(
        "xtask ci: ok, {}/{} steps passed in {} [{}]",
        CI_STEPS.len(),
        CI_STEPS.len(),
        seconds(started.elapsed()),
        summary(&timings),
    );
    ExitCode::SUCCESS
}

fn render(step: &Step) -> String {
    std::iter::once(step.program)
        .chain(step.args.iter().copied())
        .collect::<Vec<_>>()
        .join(" ")
}

fn summary(timings: &[(&str, Duration)]) -> String {
    timings
        .iter()
        .map(|(name, took)| format!("{name} {}", seconds(*took)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn seconds(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}
