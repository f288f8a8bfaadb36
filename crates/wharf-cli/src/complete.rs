//! Shell completion that knows wharf's values: the profiles of the config
//! file, `demo` and `demo-uhub` for diff's sides, and the schemes of a
//! catalog spec (with the regions the profiles name).
//!
//! The shell asks `wharf` itself at each <TAB> (clap_complete's dynamic
//! completion): `wharf completions SHELL` prints the script that does so.
//! A completer never fails and never prints: a config file it cannot read
//! gives no candidates, not an error in the middle of a command line.

use std::ffi::OsStr;

use clap_complete::engine::CompletionCandidate;
use wharf::catalog::{CatalogKind, CatalogSpec, Scheme};

use crate::config;

/// The variable the completion script sets when it asks for candidates.
pub const VAR: &str = "COMPLETE";

/// Answers the shell when it is the one asking (`COMPLETE` is set), and
/// then exits; otherwise returns at once.
pub fn answer_the_shell() {
    clap_complete::CompleteEnv::with_factory(crate::command)
        .var(VAR)
        .complete();
}

/// Writes the script that registers wharf's completion in `shell`.
pub fn script(shell: clap_complete::Shell, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};
    let completer: &dyn EnvCompleter = match shell {
        clap_complete::Shell::Bash => &Bash,
        clap_complete::Shell::Elvish => &Elvish,
        clap_complete::Shell::Fish => &Fish,
        clap_complete::Shell::PowerShell => &Powershell,
        clap_complete::Shell::Zsh => &Zsh,
        // A shell of a later clap_complete: none of its own yet.
        _ => {
            return Err(std::io::Error::other(format!(
                "no completion for {shell} yet"
            )));
        }
    };
    completer.write_registration(VAR, "wharf", "wharf", "wharf", out)
}

/// `--profile`: the profiles of the config file.
pub fn profiles(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(current) = current.to_str() else {
        return Vec::new();
    };
    let Some((path, _)) = config::path() else {
        return Vec::new();
    };
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let Ok(file) = wharf_cli::config_file::parse(&text) else {
        return Vec::new();
    };
    file.profiles
        .iter()
        .filter(|(name, _)| name.starts_with(current))
        .map(|(name, profile)| {
            let help = profile
                .catalog
                .clone()
                .or_else(|| profile.region.clone())
                .unwrap_or_default();
            CompletionCandidate::new(name).help((!help.is_empty()).then(|| help.into()))
        })
        .collect()
}

/// `--catalog`: a spec's schemes, then the regions the profiles name.
pub fn specs(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(current) = current.to_str() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for kind in CatalogKind::ALL {
        // None: the region form, `swr://REGION`.
        for scheme in [None, Some(Scheme::Https), Some(Scheme::Http)] {
            let prefix = prefix(kind, scheme);
            if prefix.starts_with(current) && prefix != current {
                found.push(CompletionCandidate::new(&prefix).help(Some(help(kind, scheme).into())));
            } else if scheme.is_none() && current.starts_with(&prefix) {
                found.extend(
                    regions()
                        .into_iter()
                        .map(|region| format!("{prefix}{region}"))
                        .filter(|spec| spec.starts_with(current))
                        .map(CompletionCandidate::new),
                );
            }
        }
    }
    found
}

/// diff's SOURCE and TARGET: the demo registry's names, and specs.
pub fn sides(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(text) = current.to_str() else {
        return Vec::new();
    };
    let demos = [
        ("demo", "the built-in demo registry, through SWR's API"),
        (
            "demo-uhub",
            "the built-in demo registry, through UHub's API",
        ),
    ];
    let mut found: Vec<_> = demos
        .into_iter()
        .filter(|(name, _)| name.starts_with(text))
        .map(|(name, help)| CompletionCandidate::new(name).help(Some(help.into())))
        .collect();
    found.extend(specs(current));
    found
}

/// `swr://`, `swr+https://`, ...
fn prefix(kind: CatalogKind, scheme: Option<Scheme>) -> String {
    match scheme {
        None => format!("{}://", kind.as_str()),
        Some(scheme) => format!("{}+{}://", kind.as_str(), scheme.as_str()),
    }
}

fn help(kind: CatalogKind, scheme: Option<Scheme>) -> String {
    let what = match kind {
        CatalogKind::Swr => "SWR",
        CatalogKind::SwrOfficial => "SWR's official images",
        CatalogKind::Uhub => "UCloud UHub",
        _ => kind.as_str(),
    };
    match (scheme, kind) {
        (None, _) => format!("{what} in REGION"),
        (_, CatalogKind::Uhub) => format!("{what} at HOST?region=REGION"),
        _ => format!("{what} at HOST"),
    }
}

/// The regions the config file's profiles name (as a region or in a
/// spec), each once.
fn regions() -> Vec<String> {
    let Some(text) = config::path().and_then(|(path, _)| std::fs::read_to_string(path).ok()) else {
        return Vec::new();
    };
    let Ok(file) = wharf_cli::config_file::parse(&text) else {
        return Vec::new();
    };
    let mut regions: Vec<String> = file
        .profiles
        .values()
        .flat_map(|profile| {
            let of_spec = profile
                .catalog
                .as_deref()
                .and_then(|text| text.parse::<CatalogSpec>().ok())
                .and_then(|spec| spec.region().map(str::to_owned));
            profile.region.clone().into_iter().chain(of_spec)
        })
        .collect();
    regions.sort();
    regions.dedup();
    regions
}
