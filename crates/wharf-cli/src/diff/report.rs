//! What `diff` prints: the differences, notes on what could not be
//! compared, and a summary, in each output format.

use std::io::{BufWriter, Write};

use serde::Serialize;
use wharf::catalog::TimeResolution;

use super::compare::{Difference, Tally};
use crate::args::Output;
use crate::fail::CliError;
use crate::output::{Printer, Row};

/// What one side is, for the notes and the summary.
pub struct SideFacts {
    /// Which kind of catalog, by its name (`swr`, `uhub`, ...).
    pub kind: String,
    /// How precise its instants are.
    pub resolution: TimeResolution,
    /// How many repositories it listed.
    pub repositories: usize,
}

/// Everything `diff` found, ready to print.
pub struct Report {
    /// The differences, in output order.
    pub differences: Vec<Difference>,
    /// What could not be compared, one sentence each.
    pub notes: Vec<String>,
    /// The counts.
    pub summary: Summary,
}

/// The counts of a comparison: its last record.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// Whether no difference was found.
    pub equal: bool,
    /// How many differences.
    pub differences: usize,
    /// Repositories the source listed.
    pub source_repositories: usize,
    /// Repositories the target listed.
    pub target_repositories: usize,
    /// Repositories on both sides.
    pub repositories_on_both_sides: usize,
    /// Tags on both sides; `null` with `--no-tags`.
    pub tags_on_both_sides: Option<u64>,
}

impl Report {
    /// The report of `differences` between sides `source` and `target`
    /// with `both` repositories in common; `tally` is `None` when tags were
    /// not compared.
    pub fn new(
        mut differences: Vec<Difference>,
        (source, target): (&SideFacts, &SideFacts),
        both: usize,
        tally: Option<&Tally>,
    ) -> Report {
        Difference::sort(&mut differences);
        let summary = Summary {
            equal: differences.is_empty(),
            differences: differences.len(),
            source_repositories: source.repositories,
            target_repositories: target.repositories,
            repositories_on_both_sides: both,
            tags_on_both_sides: tally.map(|t| t.tags_compared),
        };
        Report {
            differences,
            notes: notes(source, target, tally),
            summary,
        }
    }
}

/// One sentence for each limit of the comparison.
fn notes(source: &SideFacts, target: &SideFacts, tally: Option<&Tally>) -> Vec<String> {
    let Some(tally) = tally else {
        return vec!["tags were not compared (--no-tags): repositories by name only".to_owned()];
    };
    let mut notes = Vec::new();
    if tally.times_ignored {
        notes.push("update times were not compared (--ignore-times): tags by digest".to_owned());
    } else if tally.tags_compared > 0 {
        notes.extend(time_note(source, target));
    }
    let missing = [
        ("digests", tally.no_digest, "digest"),
        ("times", tally.no_time, "time"),
    ];
    for (what, counts, field) in missing {
        let sides = [
            ("source", source, counts.source),
            ("target", target, counts.target),
        ];
        for (role, side, n) in sides.into_iter().filter(|(_, _, n)| *n > 0) {
            notes.push(format!(
                "{what}: the {role} ({}) sent none for {n} of {} tags on both sides, \
                 so those were not compared by {field}",
                side.kind, tally.tags_compared
            ));
        }
    }
    notes
}

/// Which side's precision the times were cut to, when the sides differ.
fn time_note(source: &SideFacts, target: &SideFacts) -> Option<String> {
    if source.resolution == target.resolution {
        return None;
    }
    let coarse = source.resolution.coarser(target.resolution);
    let (role, side) = if source.resolution == coarse {
        ("source", source)
    } else {
        ("target", target)
    };
    Some(match coarse {
        TimeResolution::Seconds => format!(
            "times compared to the second: the {role} ({}) has whole seconds",
            side.kind
        ),
        _ => format!(
            "times compared at the {role}'s precision, the coarser ({})",
            side.kind
        ),
    })
}

impl Summary {
    /// The summary for people.
    fn line(&self) -> String {
        let verdict = if self.equal {
            "equal".to_owned()
        } else {
            let s = if self.differences == 1 { "" } else { "s" };
            format!("different: {} difference{s}", self.differences)
        };
        let tags = self
            .tags_on_both_sides
            .map(|n| format!(", {n} tags on both sides"))
            .unwrap_or_default();
        format!(
            "{verdict}; {} repositories on both sides (source {}, target {}){tags}",
            self.repositories_on_both_sides, self.source_repositories, self.target_repositories
        )
    }
}

/// Prints `report` in `format` on stdout. CSV has no room for sentences:
/// its notes and summary go to stderr, unless `quiet`.
pub fn print(report: &Report, format: Output, quiet: bool) -> Result<(), CliError> {
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut printer = Printer::new(format, &mut out);
    // The columns are known before the first difference: a CSV of none
    // still has its header, as a listing's does.
    printer
        .header::<Kinded<'_, Difference>>()
        .map_err(|e| CliError::new(crate::fail::Exit::Usage, e))?;
    for difference in &report.differences {
        printer.row(&Kinded::new("difference", difference))?;
    }
    match format {
        Output::Json | Output::Ndjson => {
            for note in &report.notes {
                printer.row(&Kinded::new("note", &Note { note }))?;
            }
            printer.row(&Kinded::new("summary", &report.summary))?;
            printer.finish()?;
        }
        Output::Table | Output::Wide => {
            // The summary line says when there is no difference.
            printer.finish_quietly()?;
            for note in &report.notes {
                writeln!(out, "note: {note}")?;
            }
            writeln!(out, "{}", report.summary.line())?;
        }
        Output::Csv => {
            printer.finish()?;
            if !quiet {
                for note in &report.notes {
                    eprintln!("wharf: note: {note}");
                }
                eprintln!("wharf: {}", report.summary.line());
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// A record with its `kind` first, so one stream holds differences, notes
/// and the summary and a reader tells them apart.
#[derive(Serialize)]
struct Kinded<'a, T> {
    kind: &'static str,
    #[serde(flatten)]
    record: &'a T,
}

impl<'a, T> Kinded<'a, T> {
    fn new(kind: &'static str, record: &'a T) -> Self {
        Kinded { kind, record }
    }
}

impl<T: Row> Row for Kinded<'_, T> {
    const COLUMNS: &'static [&'static str] = T::COLUMNS;

    fn cells(&self, human: bool) -> Vec<String> {
        self.record.cells(human)
    }
}

impl Row for Difference {
    const COLUMNS: &'static [&'static str] = &["CHANGE", "REPOSITORY", "TAG", "SOURCE", "TARGET"];

    fn cells(&self, human: bool) -> Vec<String> {
        let change = if human {
            self.change.words()
        } else {
            self.change.id()
        };
        // A dash tells people "not there" where a blank could be a gap.
        let absent = if human { "-" } else { "" };
        let text = |cell: &Option<String>| cell.clone().unwrap_or_else(|| absent.to_owned());
        vec![
            change.to_owned(),
            self.repository.clone(),
            text(&self.tag),
            text(&self.source),
            text(&self.target),
        ]
    }
}

/// A note, as JSON writes it.
#[derive(Serialize)]
struct Note<'a> {
    note: &'a str,
}

impl Row for Note<'_> {
    const COLUMNS: &'static [&'static str] = &["NOTE"];

    fn cells(&self, _human: bool) -> Vec<String> {
        vec![self.note.to_owned()]
    }
}

impl Row for Summary {
    const COLUMNS: &'static [&'static str] = &["SUMMARY"];

    fn cells(&self, _human: bool) -> Vec<String> {
        vec![self.line()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::compare::Counts;
    use wharf::catalog::CatalogKind;

    fn side(kind: CatalogKind, resolution: TimeResolution) -> SideFacts {
        SideFacts {
            kind: kind.to_string(),
            resolution,
            repositories: 3,
        }
    }

    #[test]
    fn notes_say_what_was_not_compared() {
        let uhub = side(CatalogKind::Uhub, TimeResolution::Seconds);
        let swr = side(CatalogKind::Swr, TimeResolution::Nanoseconds);
        let tally = Tally {
            tags_compared: 5,
            no_digest: Counts {
                source: 2,
                target: 0,
            },
            no_time: Counts::default(),
            times_ignored: false,
        };
        let ignored = Tally {
            times_ignored: true,
            ..tally
        };
        assert_eq!(
            notes(&uhub, &swr, Some(&ignored))[0],
            "update times were not compared (--ignore-times): tags by digest"
        );
        assert_eq!(
            notes(&uhub, &swr, Some(&tally)),
            [
                "times compared to the second: the source (uhub) has whole seconds",
                "digests: the source (uhub) sent none for 2 of 5 tags on both sides, \
                 so those were not compared by digest",
            ]
        );
        assert!(notes(&swr, &swr, Some(&Tally::default())).is_empty());
        // No tag on both sides, no time compared: nothing to say of times.
        assert!(notes(&uhub, &swr, Some(&Tally::default())).is_empty());
        assert_eq!(notes(&swr, &uhub, None).len(), 1);
    }

    #[test]
    fn the_summary_line_counts() {
        let uhub = side(CatalogKind::Uhub, TimeResolution::Seconds);
        let report = Report::new(Vec::new(), (&uhub, &uhub), 3, None);
        assert_eq!(
            report.summary.line(),
            "equal; 3 repositories on both sides (source 3, target 3)"
        );
    }
}
