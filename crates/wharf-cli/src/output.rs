//! Printing items as they arrive: a table for people, JSON, NDJSON or CSV
//! for programs. Nothing is held back but the first rows of a table, which
//! size its columns.

use std::io::{self, Write};

use serde::Serialize;
use wharf::catalog::{Namespace, Repository, Tag};
use wharf::prune::{Action, PlanEntry};

use crate::args::Output;

/// An item the commands print: its JSON is every field the provider sent;
/// its cells are the columns of the table and the CSV.
pub trait Row: Serialize {
    /// The column names.
    const COLUMNS: &'static [&'static str];

    /// The cells, sizes for people when `human`.
    fn cells(&self, human: bool) -> Vec<String>;
}

/// How many rows a table reads before it fixes its column widths.
const SIZING_ROWS: usize = 100;

/// Writes rows in one format to `out`.
pub struct Printer<W: Write> {
    format: Output,
    out: W,
    printed: usize,
    columns: &'static [&'static str],
    /// A table's first rows, until it has enough to size its columns.
    held: Vec<Vec<String>>,
    widths: Option<Vec<usize>>,
}

impl<W: Write> Printer<W> {
    /// A printer of `format` to `out`.
    pub fn new(format: Output, out: W) -> Self {
        Printer {
            format,
            out,
            printed: 0,
            columns: &[],
            held: Vec::new(),
            widths: None,
        }
    }

    /// Prints one row.
    pub fn row<R: Row>(&mut self, row: &R) -> io::Result<()> {
        self.columns = R::COLUMNS;
        match self.format {
            Output::Ndjson => {
                serde_json::to_writer(&mut self.out, row)?;
                self.out.write_all(b"\n")?;
            }
            Output::Json => {
                self.out
                    .write_all(if self.printed == 0 { b"[\n" } else { b",\n" })?;
                serde_json::to_writer(&mut self.out, row)?;
            }
            Output::Csv => {
                if self.printed == 0 {
                    csv_line(&mut self.out, R::COLUMNS.iter().copied())?;
                }
                let cells = row.cells(false);
                csv_line(&mut self.out, cells.iter().map(String::as_str))?;
            }
            Output::Table => self.table_row(row.cells(true))?,
        }
        self.printed += 1;
        Ok(())
    }

    fn table_row(&mut self, cells: Vec<String>) -> io::Result<()> {
        match &self.widths {
            Some(widths) => table_line(&mut self.out, widths, &cells),
            None => {
                self.held.push(cells);
                if self.held.len() >= SIZING_ROWS {
                    self.release()?;
                }
                Ok(())
            }
        }
    }

    /// Sizes the columns on the rows held, prints the header and them.
    fn release(&mut self) -> io::Result<()> {
        let mut widths: Vec<usize> = self.columns.iter().map(|c| c.chars().count()).collect();
        for row in &self.held {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let header: Vec<String> = self.columns.iter().map(|c| (*c).to_owned()).collect();
        table_line(&mut self.out, &widths, &header)?;
        for row in std::mem::take(&mut self.held) {
            table_line(&mut self.out, &widths, &row)?;
        }
        self.widths = Some(widths);
        Ok(())
    }

    /// Hands what was printed so far to the reader.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Ends the output: closes a JSON array, prints a table's held rows.
    pub fn finish(mut self) -> io::Result<()> {
        match self.format {
            Output::Json if self.printed == 0 => self.out.write_all(b"[]\n")?,
            Output::Json => self.out.write_all(b"\n]\n")?,
            Output::Table if self.widths.is_none() && self.printed > 0 => self.release()?,
            _ => {}
        }
        self.out.flush()
    }
}

/// One table line: cells padded to their column, two spaces apart, the last
/// one not padded.
fn table_line(out: &mut impl Write, widths: &[usize], cells: &[String]) -> io::Result<()> {
    let mut line = String::new();
    for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
        if i + 1 == cells.len() {
            line.push_str(cell);
        } else {
            line.push_str(cell);
            let pad = width.saturating_sub(cell.chars().count()) + 2;
            line.extend(std::iter::repeat_n(' ', pad));
        }
    }
    line.push('\n');
    out.write_all(line.as_bytes())
}

/// One CSV line (RFC 4180): a field with a comma, quote or line break is
/// quoted, its quotes doubled.
fn csv_line<'a>(out: &mut impl Write, fields: impl Iterator<Item = &'a str>) -> io::Result<()> {
    let mut line = String::new();
    for (i, field) in fields.enumerate() {
        if i > 0 {
            line.push(',');
        }
        if field.contains([',', '"', '\n', '\r']) {
            line.push('"');
            line.push_str(&field.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(field);
        }
    }
    line.push('\n');
    out.write_all(line.as_bytes())
}

/// An instant to the second, or empty.
fn instant(at: Option<jiff::Timestamp>) -> String {
    at.map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// A count, or empty when unknown.
fn count(n: Option<u64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// Bytes, for people (`12.3 MiB`) or exact.
fn size(bytes: Option<u64>, human: bool) -> String {
    match bytes {
        None => String::new(),
        Some(b) if !human || b < 1024 => b.to_string(),
        Some(b) => {
            let units = ["KiB", "MiB", "GiB", "TiB"];
            let mut value = b as f64 / 1024.0;
            let mut unit = 0;
            while value >= 1024.0 && unit + 1 < units.len() {
                value /= 1024.0;
                unit += 1;
            }
            format!("{value:.1} {}", units[unit])
        }
    }
}

impl Row for Repository {
    const COLUMNS: &'static [&'static str] = &["REPOSITORY", "TAGS", "SIZE", "PULLS", "UPDATED"];

    fn cells(&self, human: bool) -> Vec<String> {
        vec![
            self.qualified_name(),
            count(self.tag_count),
            size(self.size, human),
            count(self.pull_count),
            instant(self.updated),
        ]
    }
}

impl Row for Tag {
    const COLUMNS: &'static [&'static str] = &["REPOSITORY", "TAG", "DIGEST", "SIZE", "UPDATED"];

    fn cells(&self, human: bool) -> Vec<String> {
        let digest = self.digest.clone().unwrap_or_default();
        // A table shows the start of a digest, as docker does; the rest is in JSON and CSV.
        let digest = if human {
            digest.chars().take(19).collect()
        } else {
            digest
        };
        vec![
            self.repository.to_string(),
            self.name.clone(),
            digest,
            size(self.size, human),
            instant(self.updated),
        ]
    }
}

impl Row for PlanEntry {
    const COLUMNS: &'static [&'static str] = &[
        "ACTION",
        "REPOSITORY",
        "TAG",
        "DIGEST",
        "SIZE",
        "UPDATED",
        "REASON",
    ];

    fn cells(&self, human: bool) -> Vec<String> {
        let digest = self.digest.clone().unwrap_or_default();
        let digest = if human {
            digest.chars().take(19).collect()
        } else {
            digest
        };
        let action = match self.action {
            Action::Delete => "delete",
            _ => "keep",
        };
        vec![
            action.to_owned(),
            self.repository.to_string(),
            self.tag.clone(),
            digest,
            size(self.size, human),
            instant(self.updated),
            self.reason.clone(),
        ]
    }
}

/// Bytes for people, for summaries.
pub fn human_size(bytes: u64) -> String {
    size(Some(bytes), true)
}

impl Row for Namespace {
    const COLUMNS: &'static [&'static str] = &["NAMESPACE"];

    fn cells(&self, _human: bool) -> Vec<String> {
        vec![self.name.clone()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_it() {
        let mut out = Vec::new();
        csv_line(&mut out, ["a", "b,c", "say \"hi\"", "x\ny"].into_iter()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\"\n"
        );
    }

    #[test]
    fn sizes_for_people() {
        assert_eq!(size(Some(512), true), "512");
        assert_eq!(size(Some(1536), true), "1.5 KiB");
        assert_eq!(size(Some(5 * 1024 * 1024 * 1024), true), "5.0 GiB");
        assert_eq!(size(Some(1536), false), "1536");
        assert_eq!(size(None, true), "");
    }
}
