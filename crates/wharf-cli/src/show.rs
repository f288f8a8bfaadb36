//! `wharf show`: one repository, or one tag (`NS/REPO:TAG`), as one object
//! for programs and as a detail view on a terminal: every field the
//! provider sent, and the repository's tags.

use std::io::Write;

use futures::TryStreamExt;
use serde::Serialize;
use serde_json::Value;
use wharf::catalog::{RepoRef, Tag};
use wharf::model::TagName;

use crate::args::Output;
use crate::connect::Connected;
use crate::fail::CliError;
use crate::output::{Printer, Row, human_size};
use crate::progress::Tracker;

/// Shows a repository, or one of its tags.
pub async fn run(
    open: &Connected,
    (repository, tag): (RepoRef, Option<TagName>),
    format: Output,
    tracker: &Tracker,
) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match tag {
        Some(tag) => {
            let found = open.catalog.show_tag(&repository, &tag).await?;
            tracker.finish();
            let wide = format == Output::Wide;
            one(&mut out, &found, format, |out| tag_view(out, &found, wide))
        }
        None => {
            let found = open.catalog.show_repository(&repository).await?;
            let tags: Vec<Tag> = match format {
                // Only the view for people lists the tags: a program asks
                // for them with `wharf tags`.
                Output::Table | Output::Wide => {
                    open.catalog.list_tags(&repository).try_collect().await?
                }
                _ => Vec::new(),
            };
            tracker.finish();
            one(&mut out, &found, format, |out| {
                repository_view(out, &found, &tags, format)
            })
        }
    }
}

/// One object: pretty JSON, one NDJSON line, a CSV row, or the view.
fn one<R: Row>(
    out: &mut impl Write,
    item: &R,
    format: Output,
    view: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), CliError> {
    match format {
        Output::Json => {
            serde_json::to_writer_pretty(&mut *out, item).map_err(std::io::Error::from)?;
            out.write_all(b"\n")?;
        }
        Output::Ndjson => {
            serde_json::to_writer(&mut *out, item).map_err(std::io::Error::from)?;
            out.write_all(b"\n")?;
        }
        Output::Csv => {
            let mut printer = Printer::new(Output::Csv, &mut *out);
            printer.row(item)?;
            printer.finish()?;
        }
        Output::Table | Output::Wide => view(out)?,
    }
    out.flush()?;
    Ok(())
}

fn repository_view(
    out: &mut dyn Write,
    r: &wharf::catalog::Repository,
    tags: &[Tag],
    format: Output,
) -> std::io::Result<()> {
    let wide = format == Output::Wide;
    let lines = named(&[
        ("repository", r.qualified_name()),
        ("tags", count(r.tag_count)),
        ("size", size(r.size, wide)),
        ("pulls", count(r.pull_count)),
        ("created", instant(r.created)),
        ("updated", instant(r.updated)),
    ]);
    fields(out, &lines)?;
    record(out, &r.original, wide)?;
    writeln!(out)?;
    if tags.is_empty() {
        return writeln!(out, "no tags");
    }
    // The tags as `wharf tags` prints them: `-o wide` with every value whole.
    let mut printer = Printer::new(format, &mut *out);
    for tag in tags {
        printer.row(tag)?;
    }
    printer.finish()
}

fn tag_view(out: &mut dyn Write, t: &Tag, wide: bool) -> std::io::Result<()> {
    let lines = named(&[
        ("tag", format!("{}:{}", t.repository, t.name)),
        ("digest", t.digest.clone().unwrap_or_else(|| "-".into())),
        ("size", size(t.size, wide)),
        ("created", instant(t.created)),
        ("updated", instant(t.updated)),
    ]);
    fields(out, &lines)?;
    record(out, &t.original, wide)
}

/// A size for people, with its bytes too in the wide view.
fn size(bytes: Option<u64>, wide: bool) -> String {
    match (bytes, wide) {
        (Some(b), true) => format!("{} ({b} bytes)", human_size(b)),
        (Some(b), false) => human_size(b),
        (None, _) => "-".into(),
    }
}

fn named(lines: &[(&str, String)]) -> Vec<(String, String)> {
    lines
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

/// The provider's record, under a heading of its own; `wide`, with no
/// text cut.
fn record(out: &mut dyn Write, original: &impl Serialize, wide: bool) -> std::io::Result<()> {
    let lines = provider_fields(original, wide);
    if lines.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nas the provider sent it:")?;
    let indented: Vec<_> = lines
        .into_iter()
        .map(|(k, v)| (format!("  {k}"), v))
        .collect();
    fields(out, &indented)
}

/// `key  value` lines, the keys aligned.
fn fields(out: &mut dyn Write, lines: &[(String, String)]) -> std::io::Result<()> {
    let width = lines.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (key, value) in lines {
        writeln!(out, "{key:width$}  {value}")?;
    }
    Ok(())
}

/// The provider's record's fields, each that is one value (text, number,
/// boolean), in the record's order; a long text (a manifest) is cut.
fn provider_fields(original: &impl Serialize, wide: bool) -> Vec<(String, String)> {
    let Ok(Value::Object(map)) = serde_json::to_value(original) else {
        return Vec::new();
    };
    // The room a value has on a line of the terminal (or of 100 columns),
    // after the indented key; never less than 40.
    let keys = map.keys().map(|k| k.chars().count()).max().unwrap_or(0) + 4;
    let room = crate::output::terminal_width()
        .unwrap_or(100)
        .saturating_sub(keys)
        .max(40);
    let mut out = Vec::new();
    for (key, value) in map {
        let shown = match value {
            Value::String(s) if !wide && s.chars().count() > room => {
                let count = s.chars().count();
                let note = format!("… ({count} characters)");
                let kept = room.saturating_sub(note.chars().count());
                format!("{}{note}", s.chars().take(kept).collect::<String>())
            }
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => "-".to_owned(),
            _ => continue,
        };
        out.push((key, shown));
    }
    out
}

fn count(n: Option<u64>) -> String {
    n.map_or_else(|| "-".to_owned(), |n| n.to_string())
}

fn instant(at: Option<wharf::jiff::Timestamp>) -> String {
    at.map_or_else(
        || "-".to_owned(),
        |t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string(),
    )
}
