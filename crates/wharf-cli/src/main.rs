//! `wharf`: list, export and compare the image catalogs of Huawei Cloud SWR
//! and UCloud UHub. With no registry configured it lists its built-in demo
//! registry, so `wharf repos` works on a fresh machine.
//!
//! ```text
//! wharf repos
//! wharf --region cn-north-4 tags team/nginx --output json
//! wharf --provider uhub --region cn-bj2 repos --namespace team
//! wharf diff uhub://cn-bj2 swr://cn-north-4 --namespace team
//! ```

mod args;
mod check;
mod commands;
mod config;
mod config_cmd;
mod connect;
mod diff;
mod fail;
mod keys;
mod output;
mod progress;
mod prune;
mod select;
mod settings;
mod show;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use args::{Cli, Command, TopCommand, Wharf};
use fail::{CliError, Exit};

fn main() -> ExitCode {
    let line = match Wharf::try_parse() {
        Ok(line) => line,
        Err(e) => return refused(e),
    };
    if line.global.verbose {
        start_log();
    }
    let result = match line.command {
        TopCommand::Config { command } => config_cmd::run(&line.global, &command),
        TopCommand::Check => runtime().and_then(|r| r.block_on(check::run(&line.global))),
        TopCommand::Catalog(command) => run(&Cli {
            global: line.global,
            command,
        }),
    };
    match result {
        Ok(exit) => exit,
        Err(e) if e.closed_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            e.print();
            e.exit().code()
        }
    }
}

fn run(cli: &Cli) -> Result<ExitCode, CliError> {
    match &cli.command {
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut Wharf::command(), "wharf", &mut out);
            commands::write_out(&out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { dir: None } => {
            let mut out = Vec::new();
            clap_mangen::Man::new(Wharf::command()).render(&mut out)?;
            commands::write_out(&out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { dir: Some(dir) } => man_pages(dir),
        Command::Diff(args) => runtime()?.block_on(diff::run(&cli.global, args)),
        Command::Prune(args) => {
            runtime()?.block_on(prune::run_prune(&cli.global, args))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Apply(args) => runtime()?.block_on(prune::run_apply(&cli.global, args)),
        _ => {
            runtime()?.block_on(commands::run(cli))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A command line clap refused, said with the prefix of every other error
/// (`wharf: ...`), exit 2; `--help` and `--version` print as they are.
fn refused(e: clap::Error) -> ExitCode {
    if !e.use_stderr() {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let text = e.render().to_string();
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    eprint!("wharf: {text}");
    Exit::Usage.code()
}

/// Writes wharf.1 and a page for every subcommand (wharf-repos.1,
/// wharf-config-init.1, ...) into `dir`, which the main page's SEE ALSO
/// names; says what it wrote.
fn man_pages(dir: &std::path::Path) -> Result<ExitCode, CliError> {
    let failed = |e: std::io::Error| {
        CliError::new(
            Exit::Other,
            format!("cannot write man pages to {}: {e}", dir.display()),
        )
    };
    std::fs::create_dir_all(dir).map_err(failed)?;
    // No pages for clap's `help` subcommands: they are `--help`.
    fn without_help(command: clap::Command) -> clap::Command {
        command
            .disable_help_subcommand(true)
            .mut_subcommands(without_help)
    }
    let mut command = without_help(Wharf::command());
    command.build();
    clap_mangen::generate_to(command, dir).map_err(failed)?;
    let mut pages: Vec<_> = std::fs::read_dir(dir)
        .map_err(failed)?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|name| name.starts_with("wharf") && name.ends_with(".1"))
        .collect();
    pages.sort();
    eprintln!(
        "wharf: wrote {} man pages to {}",
        pages.len(),
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// One worker requests and decodes pages while the main thread prints.
///
/// Not more: each thread that allocates gets a glibc arena of its own, and
/// a second worker cost 4-5 MiB more peak RSS listing 100,000 repositories
/// (docs/benchmarks.md, "Peak RSS streaming a million repositories") and
/// more CPU in cross-thread wake-ups, for no time saved at 20 ms latency.
/// Not fewer: on one thread, decoding and printing take turns.
fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| CliError::new(Exit::Other, format!("cannot start the runtime: {e}")))
}

/// `--verbose`: the tracing log on stderr, `RUST_LOG` to choose more or less.
fn start_log() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("wharf=info,wharf_transport=info"));
    // Colour only on a terminal, and never with NO_COLOR set (no-color.org).
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr)
        .init();
}
