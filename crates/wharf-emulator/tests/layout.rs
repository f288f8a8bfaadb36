//! The crate's dependency rule, as `src/lib.rs` states it, checked on the
//! sources: every `crate::` path a module names in code (not in comments)
//! must be one its place allows. A new file must find its place here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Where a module may reach: for the files whose path (under `src/`)
/// starts with the first text, the module paths they may name. A path is
/// allowed when it is one of these or inside one (`http::params` is inside
/// `http`). Intra-directory paths (`super::`) are always allowed.
const RULES: &[(&str, &[&str])] = &[
    ("hash.rs", &[]),
    ("data/", &["hash"]),
    ("auth.rs", &[]),
    ("faults.rs", &["hash"]),
    ("rate_limit.rs", &[]),
    (
        "state.rs",
        &[
            "data",
            "auth",
            "faults",
            "hash",
            "rate_limit",
            "swr::content_range",
        ],
    ),
    ("http/body.rs", &[]),
    ("http/connection.rs", &[]),
    ("http/json.rs", &[]),
    ("http/params.rs", &[]),
    ("http/mod.rs", &[]),
    (
        "http/middleware.rs",
        &["state", "faults", "swr", "uhub", "control"],
    ),
    ("http/routes.rs", &["state", "swr", "uhub", "control"]),
    ("swr/content_range.rs", &[]),
    (
        "swr/",
        &[
            "data",
            "state",
            "hash",
            "http::body",
            "http::json",
            "http::params",
        ],
    ),
    (
        "uhub/",
        &["data", "state", "http::body", "http::json", "http::params"],
    ),
    // The control route: a provider of its own, the emulator's.
    ("control.rs", &["data", "state", "http::body", "http::json"]),
    // On top of it all.
    ("emulator.rs", &["*"]),
    ("clients.rs", &["*"]),
    ("fuzzing.rs", &["*"]),
    ("lib.rs", &["*"]),
    ("main.rs", &["*"]),
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module paths `code` names through `crate::`: its first segment, and
/// its second when that is a module too (lowercase), so
/// `crate::http::params::get` is `http::params` and `crate::swr::Fail` is
/// `swr`. `use crate::{a, b::c}` names `a` and `b::c`.
fn named(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let item = item.trim();
                if !item.is_empty() {
                    out.insert(module_of(item));
                }
            }
        } else {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(rest.len());
            out.insert(module_of(&rest[..end]));
        }
    }
    out
}

/// `a::b::c` as `a::b` when `a` and `b` are module names, else `a`.
fn module_of(path: &str) -> String {
    let mut segments = path.split("::").filter(|s| !s.is_empty());
    let first = segments.next().unwrap_or_default();
    match segments.next() {
        Some(second) if is_module(first) && is_module(second) => {
            format!("{first}::{second}")
        }
        _ => first.to_owned(),
    }
}

/// Whether a path segment names a module: lowercase, unlike an item's.
fn is_module(segment: &str) -> bool {
    segment.starts_with(|c: char| c.is_ascii_lowercase())
}

/// The code of a file, without its comments (doc comments included: links
/// in prose are no dependency).
fn code(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn allowed(rule: &[&str], module: &str) -> bool {
    rule.iter().any(|allowed| {
        *allowed == "*"
            || module == *allowed
            || module
                .strip_prefix(allowed)
                .is_some_and(|rest| rest.starts_with("::"))
    })
}

#[test]
fn dependencies_point_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    assert!(files.len() > 20, "{files:?}");
    let mut broken = Vec::new();
    for file in &files {
        let relative = file
            .strip_prefix(&src)
            .expect("under src/")
            .to_string_lossy()
            .replace('\\', "/");
        let Some((_, rule)) = RULES.iter().find(|(place, _)| relative.starts_with(place)) else {
            broken.push(format!("{relative}: no rule says where it belongs"));
            continue;
        };
        let text = std::fs::read_to_string(file).expect("a source file");
        for module in named(&code(&text)) {
            let own = relative.split('/').next().unwrap_or_default();
            let inside = module.split("::").next() == Some(own) && relative.contains('/');
            if !inside && !allowed(rule, &module) {
                broken.push(format!("{relative} names crate::{module}"));
            }
        }
    }
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn the_reader_finds_what_a_file_names() {
    let text = "use crate::http::params::{self, ParamError};\nuse crate::{swr, uhub::json};\n\
                // crate::faults in a comment\nlet x = crate::hash::mix(1, 2); crate::AuthConfig::demo();";
    let found: Vec<String> = named(&code(text)).into_iter().collect();
    assert_eq!(
        found,
        [
            "AuthConfig",
            "hash::mix",
            "http::params",
            "swr",
            "uhub::json"
        ]
    );
}
