//! Developer commands for the wharf workspace, run as `cargo xtask <command>`.
//!
//! - `cargo xtask ci`: every check CI runs, in order (fmt, clippy, tests, the
//!   build without default features, the examples, the Python SDK interop
//!   check), then a one-line summary.
//! - `cargo xtask bench-emulator [FLAGS]`: throughput of `wharf-emulator` against
//!   nginx serving the identical bytes, measured with wrk; the work is done by
//!   `benches/emulator-throughput.sh`, which takes the flags (`--help` lists them).

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
    // The examples run against an in-process emulator.
    Step {
        name: "example list_repositories",
        program: "cargo",
        args: &[
            "run",
            "-q",
            "-p",
            "wharf",
            "--features",
            "emulator",
            "--example",
            "list_repositories",
        ],
    },
    Step {
        name: "example catalog",
        program: "cargo",
        args: &[
            "run",
            "-q",
            "-p",
            "wharf",
            "--features",
            "emulator",
            "--example",
            "catalog",
        ],
    },
    Step {
        name: "example uhub_images",
        program: "cargo",
        args: &[
            "run",
            "-q",
            "-p",
            "wharf",
            "--features",
            "emulator",
            "--example",
            "uhub_images",
        ],
    },
    // The official Python SDKs, unchanged, page through the emulator. The script
    // makes its own virtualenv and installs the pinned SDKs from PyPI.
    Step {
        name: "interop",
        program: "bash",
        args: &["tests/interop/run_emulator_interop.sh"],
    },
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("bench-emulator") => bench_emulator(&args[1..]),
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
        "usage: cargo xtask <command>\n\ncommands:\n  ci              fmt check, clippy, tests, examples, SDK interop; then a one-line summary\n  bench-emulator  emulator throughput against nginx with wrk (needs wrk and nginx;\n                  installs nothing); `cargo xtask bench-emulator --help` for its flags"
    );
}

/// The benchmark script, relative to the workspace root.
const BENCH_EMULATOR_SCRIPT: &str = "benches/emulator-throughput.sh";

/// `cargo xtask bench-emulator`: runs the script from the workspace root with the
/// flags as given, and tells it the command to print in its report.
fn bench_emulator(flags: &[String]) -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ is inside the workspace");
    let command = std::iter::once("cargo xtask bench-emulator")
        .chain(flags.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ");
    let outcome = Command::new("bash")
        .arg(BENCH_EMULATOR_SCRIPT)
        .args(flags)
        .current_dir(root)
        .env("WHARF_BENCH_COMMAND", command)
        .status();
    match outcome {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        // The script has said what went wrong.
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("xtask bench-emulator: could not start bash {BENCH_EMULATOR_SCRIPT}: {e}");
            ExitCode::FAILURE
        }
    }
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
