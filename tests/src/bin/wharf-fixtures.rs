//! `wharf-fixtures [--check]`: regenerates the generated files under
//! `tests/fixtures/`, or with `--check` compares them with a fresh
//! generation in memory and writes nothing. Run as `cargo xtask fixtures`.
//!
//! Exit status: 0 up to date (or regenerated), 1 out of date (with
//! `--check`) or unknown files left, 2 bad usage or a file that could not be
//! made.

use std::process::ExitCode;
use std::time::Instant;

use wharf_tests::fixtures::{self, COMMAND};

const USAGE: &str = "usage: wharf-fixtures [--check]\n\n\
    Regenerates the generated files under tests/fixtures/ (datasets/, replay/);\n\
    with --check, compares them with a fresh generation and writes nothing.\n\
    Exit status: 0 up to date, 1 out of date, 2 error.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] => write(),
        ["--check"] => check(),
        ["--help" | "-h"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("wharf-fixtures: unexpected arguments {args:?}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn check() -> ExitCode {
    let started = Instant::now();
    let stale = match fixtures::check_all(&wharf_tests::fixtures_dir()) {
        Ok(stale) => stale,
        Err(e) => return failed(&*e),
    };
    if stale.is_empty() {
        println!(
            "fixtures: {} generated files up to date ({:.1}s)",
            fixtures::generated().len(),
            started.elapsed().as_secs_f64()
        );
        return ExitCode::SUCCESS;
    }
    for file in &stale {
        eprintln!("{file}");
    }
    eprintln!(
        "fixtures: {} file(s) out of date: run `{COMMAND}`",
        stale.len()
    );
    ExitCode::FAILURE
}

fn write() -> ExitCode {
    let dir = wharf_tests::fixtures_dir();
    let changed = match fixtures::write_all(&dir) {
        Ok(changed) => changed,
        Err(e) => return failed(&*e),
    };
    for path in &changed {
        println!("wrote tests/fixtures/{path}");
    }
    println!(
        "fixtures: {} generated files, {} changed",
        fixtures::generated().len(),
        changed.len()
    );
    let unknown = fixtures::unknown_files(&dir);
    for file in &unknown {
        eprintln!("{file}");
    }
    match unknown.is_empty() {
        true => ExitCode::SUCCESS,
        false => ExitCode::FAILURE,
    }
}

fn failed(error: &dyn std::error::Error) -> ExitCode {
    eprintln!("fixtures: {error}");
    ExitCode::from(2)
}
