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
mod complete;
mod config;
mod config_cmd;
mod connect;
mod diff;
mod du;
mod fail;
mod globals;
mod keys;
mod output;
mod progress;
mod prune;
mod reference;
mod select;
mod settings;
mod show;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use args::{Cli, Command, TopCommand, Wharf};
use fail::{CliError, Exit};

fn main() -> ExitCode {
    // The shell asking for candidates at a <TAB>: answer and exit.
    complete::answer_the_shell();
    let line = match parse() {
        Ok(line) => line,
        Err(Refused::Clap(e)) => return refused(e),
        Err(Refused::Flag(e)) => {
            e.print();
            return e.exit().code();
        }
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
            complete::script(*shell, &mut out)?;
            commands::write_out(&out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { dir: None } => {
            let mut out = Vec::new();
            clap_mangen::Man::new(command()).render(&mut out)?;
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
        Command::Du(args) => {
            runtime()?.block_on(du::run(&cli.global, args))?;
            Ok(ExitCode::SUCCESS)
        }
        _ => {
            runtime()?.block_on(commands::run(cli))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The command line: clap's, with each command's unused global flags
/// hidden (see `globals`).
fn command() -> clap::Command {
    globals::command(Wharf::command())
}

/// Why a command line was not run.
enum Refused {
    /// Clap refused it (or it asked for help or the version).
    Clap(clap::Error),
    /// It gave a global flag its command has no use for.
    Flag(CliError),
}

fn parse() -> Result<Wharf, Refused> {
    let matches = command().try_get_matches().map_err(Refused::Clap)?;
    globals::check(&matches).map_err(Refused::Flag)?;
    Wharf::from_arg_matches(&matches).map_err(Refused::Clap)
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
    let command = globals::command(without_help(Wharf::command()));
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
