//! Which global flags each command has no use for. Such a flag is left out
//! of that command's help, man page and completions, and refused when given
//! on its command line, with the reason: a flag silently ignored reads as
//! one obeyed (`prune --limit 5` would plan from a listing cut short).

use clap::parser::ValueSource;
use clap::{ArgMatches, Command};

use crate::fail::{CliError, Exit};

/// A global flag (its clap id) one command refuses, and why.
struct Unused {
    id: &'static str,
    why: &'static str,
}

const fn unused(id: &'static str, why: &'static str) -> Unused {
    Unused { id, why }
}

const DIFF_WHERE: &str = "SOURCE and TARGET say where, as specs such as swr://cn-north-4 \
                          or uhub+https://HOST?region=cn-bj2";
const ONE_OBJECT: &str = "it shows one object, with every field";
const NO_SETTINGS: &str = "it reads no catalog settings";
const ONE_REQUEST: &str = "it makes one small request";

/// Every global flag that names a catalog or shapes a listing: what a
/// command that reads no catalog refuses.
const ALL_BUT_LOGGING: &[Unused] = &[
    unused("provider", NO_SETTINGS),
    unused("region", NO_SETTINGS),
    unused("endpoint", NO_SETTINGS),
    unused("catalog", NO_SETTINGS),
    unused("profile", NO_SETTINGS),
    unused("output", NO_SETTINGS),
    unused("columns", NO_SETTINGS),
    unused("page_size", NO_SETTINGS),
    unused("concurrency", NO_SETTINGS),
    unused("limit", NO_SETTINGS),
    unused("timeout", NO_SETTINGS),
    unused("allow_plain_http", NO_SETTINGS),
];

/// The commands, by their path of names, and the global flags each refuses.
/// A command not here takes them all.
const REFUSED: &[(&[&str], &[Unused])] = &[
    (
        &["diff"],
        &[
            unused("provider", DIFF_WHERE),
            unused("region", DIFF_WHERE),
            unused("endpoint", DIFF_WHERE),
            unused("catalog", DIFF_WHERE),
            unused(
                "limit",
                "a listing cut short would show differences that are not there",
            ),
            unused("columns", "its report's columns are fixed"),
        ],
    ),
    (
        &["show"],
        &[unused("limit", ONE_OBJECT), unused("columns", ONE_OBJECT)],
    ),
    (
        &["official", "show"],
        &[unused("limit", ONE_OBJECT), unused("columns", ONE_OBJECT)],
    ),
    (
        &["prune"],
        &[unused(
            "limit",
            "a plan needs every tag of a repository, to rank them and to see shared digests; \
             plan fewer repositories with --namespace or --repository",
        )],
    ),
    (
        &["du"],
        &[unused(
            "limit",
            "a size needs every tag of every repository; measure fewer with --namespace",
        )],
    ),
    (
        &["apply"],
        &[
            unused(
                "limit",
                "it deletes the plan whole; plan fewer tags with prune",
            ),
            unused(
                "page_size",
                "it lists nothing: it reads each tag of the plan alone",
            ),
            unused(
                "output",
                "it prints a report for people; the journal is the record",
            ),
            unused(
                "columns",
                "it prints a report for people; the journal is the record",
            ),
        ],
    ),
    (
        &["check"],
        &[
            unused("columns", ONE_REQUEST),
            unused("page_size", ONE_REQUEST),
            unused("concurrency", ONE_REQUEST),
            unused("limit", ONE_REQUEST),
        ],
    ),
    (
        &["config", "show"],
        &[
            unused("columns", "it prints settings, not a listing"),
            unused("limit", "it prints settings, not a listing"),
        ],
    ),
    (
        &["config", "init"],
        &[
            unused("provider", "it writes a template of comments, no values"),
            unused("region", "it writes a template of comments, no values"),
            unused("endpoint", "it writes a template of comments, no values"),
            unused("catalog", "it writes a template of comments, no values"),
            unused("columns", NO_SETTINGS),
            unused("page_size", NO_SETTINGS),
            unused("concurrency", NO_SETTINGS),
            unused("limit", NO_SETTINGS),
            unused("timeout", NO_SETTINGS),
            unused("allow_plain_http", NO_SETTINGS),
        ],
    ),
    (&["completions"], ALL_BUT_LOGGING),
    (&["man"], ALL_BUT_LOGGING),
];

/// The command line as clap parses it, with every command's unused global
/// flags hidden from its help. Parsing, help, man pages and completions all
/// start here.
pub fn command(top: Command) -> Command {
    let mut top = top;
    for (path, refused) in REFUSED {
        let hidden: Vec<clap::Arg> = refused
            .iter()
            .filter_map(|flag| top.get_arguments().find(|a| a.get_id() == flag.id))
            .map(|arg| arg.clone().hide(true))
            .collect();
        top = hide(top, path, hidden);
    }
    top
}

/// Gives the command at `path` its own hidden copy of the global flags: a
/// command that has one is skipped when clap hands the global flags down
/// (hiding them after that would leave clap's index of flags stale).
fn hide(command: Command, path: &[&str], hidden: Vec<clap::Arg>) -> Command {
    match path.split_first() {
        None => command.args(hidden),
        Some((name, rest)) => command.mut_subcommand(name, |sub| hide(sub, rest, hidden)),
    }
}

/// Refuses a global flag given on the command line of a command that has
/// no use for it (one from the environment is left alone: it is meant for
/// every command).
pub fn check(matches: &ArgMatches) -> Result<(), CliError> {
    let mut path = Vec::new();
    let mut leaf = matches;
    while let Some((name, sub)) = leaf.subcommand() {
        path.push(name);
        leaf = sub;
    }
    let Some((_, refused)) = REFUSED.iter().find(|(p, _)| *p == path.as_slice()) else {
        return Ok(());
    };
    for flag in *refused {
        let given = leaf.value_source(flag.id) == Some(ValueSource::CommandLine);
        if given {
            let what = format!(
                "{} takes no --{}: {}",
                path.join(" "),
                flag.id.replace('_', "-"),
                flag.why
            );
            return Err(CliError::new(Exit::Usage, what));
        }
    }
    Ok(())
}
