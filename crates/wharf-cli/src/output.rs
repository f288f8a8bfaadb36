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

    /// The columns of numbers, right-aligned in a table.
    const NUMBERS: &'static [&'static str] = &[];

    /// The cells, sizes for people when `human`.
    fn cells(&self, human: bool) -> Vec<String>;
}

/// How many rows a table reads before it fixes its column widths.
const SIZING_ROWS: usize = 100;

/// Writes rows in one format to `out`.
///
/// A table sizes its columns on its first rows, fits them into the
/// terminal's width, and then cuts any longer cell to its column (with `…`),
/// so the columns stay aligned whatever comes later.
pub struct Printer<W: Write> {
    format: Output,
    out: W,
    printed: usize,
    /// The columns printed, in order (all of the row's, or `--columns`).
    columns: Vec<&'static str>,
    /// `--columns`, as given.
    wanted: Option<Vec<String>>,
    /// The row's cells to print, by position, when `--columns` chose.
    pick: Option<Vec<usize>>,
    /// A table's first rows, until it has enough to size its columns.
    held: Vec<Vec<String>>,
    widths: Option<Vec<usize>>,
    /// The width a table must fit in, when it has one (a terminal's).
    fit: Option<usize>,
    /// Which columns are right-aligned.
    right: Vec<bool>,
}

impl<W: Write> Printer<W> {
    /// A printer of `format` to `out`; a table fits the terminal's width
    /// when stdout is one.
    pub fn new(format: Output, out: W) -> Self {
        let fit = match format {
            Output::Table => terminal_width(),
            _ => None,
        };
        Printer::fitting(format, out, fit)
    }

    /// A printer whose table fits in `fit` columns (`None`: any width).
    pub fn fitting(format: Output, out: W, fit: Option<usize>) -> Self {
        Printer {
            format,
            out,
            printed: 0,
            columns: Vec::new(),
            wanted: None,
            pick: None,
            held: Vec::new(),
            widths: None,
            fit,
            right: Vec::new(),
        }
    }

    /// Printing only these columns of a table or CSV, in this order
    /// (`--columns`, names as in the header, any case).
    pub fn with_columns(mut self, wanted: Option<Vec<String>>) -> Self {
        self.wanted = wanted;
        self
    }

    /// Prints one row.
    pub fn row<R: Row>(&mut self, row: &R) -> io::Result<()> {
        if self.printed == 0 {
            self.header::<R>()
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        }
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
                    csv_line(&mut self.out, self.columns.iter().copied())?;
                }
                let cells = self.picked(row.cells(false));
                csv_line(&mut self.out, cells.iter().map(String::as_str))?;
            }
            // Wide: the table of every value whole (digests, bytes, instants).
            Output::Table | Output::Wide => {
                let cells = self.picked(row.cells(self.format == Output::Table));
                self.table_row(cells)?;
            }
        }
        self.printed += 1;
        Ok(())
    }

    fn table_row(&mut self, cells: Vec<String>) -> io::Result<()> {
        match &self.widths {
            Some(widths) => table_line(&mut self.out, widths, &self.right, &cells),
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
        let mut widths: Vec<usize> = self.columns.iter().map(|c| width_of(c)).collect();
        for row in &self.held {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(width_of(cell));
            }
        }
        if let Some(fit) = self.fit {
            let times: Vec<bool> = (0..widths.len())
                .map(|i| {
                    !self.held.is_empty()
                        && self.held.iter().all(|row| {
                            row.get(i)
                                .is_some_and(|cell| cell == MISSING || is_minute(cell))
                        })
                })
                .collect();
            let floors: Vec<usize> = (0..widths.len())
                .map(|i| {
                    let header = width_of(self.columns.get(i).copied().unwrap_or(""));
                    // A column of times keeps its dates whole.
                    header.max(if times[i] { DATE.len() } else { 8 })
                })
                .collect();
            let natural = widths.clone();
            shrink(&mut widths, &floors, fit);
            // A time column cut at all shows dates: the rest of its width
            // goes back to the others.
            let mut snapped = false;
            for i in 0..widths.len() {
                if !times[i] || widths[i] >= natural[i] {
                    continue;
                }
                // At its floor now, so the second pass leaves it there.
                widths[i] = floors[i];
                snapped = true;
            }
            if snapped {
                for i in (0..widths.len()).filter(|&i| !times[i]) {
                    widths[i] = natural[i];
                }
                shrink(&mut widths, &floors, fit);
            }
        }
        let header: Vec<String> = self.columns.iter().map(|c| (*c).to_owned()).collect();
        table_line(&mut self.out, &widths, &self.right, &header)?;
        for row in std::mem::take(&mut self.held) {
            table_line(&mut self.out, &widths, &self.right, &row)?;
        }
        self.widths = Some(widths);
        Ok(())
    }

    /// Takes `R`'s columns, or those `--columns` chose of them (an unknown
    /// name is refused, naming the columns there are): for a listing with
    /// no rows, the CSV header and a table's "nothing matched" come from
    /// them.
    pub fn header<R: Row>(&mut self) -> Result<(), String> {
        let all = R::COLUMNS;
        let pick = match &self.wanted {
            None => None,
            Some(wanted) => Some(
                wanted
                    .iter()
                    .map(|name| {
                        all.iter()
                            .position(|c| c.eq_ignore_ascii_case(name))
                            .ok_or_else(|| {
                                format!(
                                    "--columns: no column {name:?} here; there are {}",
                                    all.join(", ").to_lowercase()
                                )
                            })
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        self.columns = match &pick {
            None => all.to_vec(),
            Some(pick) => pick.iter().map(|&i| all[i]).collect(),
        };
        self.right = self
            .columns
            .iter()
            .map(|c| R::NUMBERS.contains(c))
            .collect();
        self.pick = pick;
        Ok(())
    }

    /// The cells `--columns` chose, in its order.
    fn picked(&self, cells: Vec<String>) -> Vec<String> {
        match &self.pick {
            None => cells,
            Some(pick) => pick
                .iter()
                .map(|&i| cells.get(i).cloned().unwrap_or_default())
                .collect(),
        }
    }

    /// Hands what was printed so far to the reader.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// As [`finish`](Self::finish), but an empty table prints nothing: for
    /// a listing that failed (what arrived is printed, but nothing is said
    /// to have matched), or a report that says it has nothing itself.
    pub fn finish_quietly(mut self) -> io::Result<()> {
        if matches!(self.format, Output::Table | Output::Wide) && self.printed == 0 {
            return self.out.flush();
        }
        self.finish()
    }

    /// Ends the output: closes a JSON array, prints a table's held rows.
    pub fn finish(mut self) -> io::Result<()> {
        match self.format {
            Output::Json if self.printed == 0 => self.out.write_all(b"[]\n")?,
            Output::Json => self.out.write_all(b"\n]\n")?,
            // A program reading the CSV still gets its columns.
            Output::Csv if self.printed == 0 && !self.columns.is_empty() => {
                csv_line(&mut self.out, self.columns.iter().copied())?;
            }
            Output::Table | Output::Wide if self.printed == 0 => {
                self.out.write_all(b"nothing matched\n")?
            }
            Output::Table | Output::Wide if self.widths.is_none() => self.release()?,
            _ => {}
        }
        self.out.flush()
    }
}

/// One table line: cells cut to their column and padded to it, two spaces
/// apart, the last one not padded.
fn table_line(
    out: &mut impl Write,
    widths: &[usize],
    right: &[bool],
    cells: &[String],
) -> io::Result<()> {
    let mut line = String::new();
    for (i, (cell, &width)) in cells.iter().zip(widths).enumerate() {
        // A time too wide for its column keeps its date whole.
        let cell = match is_minute(cell) && width < width_of(cell) && width >= DATE.len() {
            true => std::borrow::Cow::Borrowed(&cell[..DATE.len()]),
            false => console::truncate_str(cell, width, "…"),
        };
        let pad = width.saturating_sub(width_of(&cell));
        let last = i + 1 == cells.len();
        if right.get(i).copied().unwrap_or(false) {
            line.extend(std::iter::repeat_n(' ', pad));
            line.push_str(&cell);
            if !last {
                line.push_str("  ");
            }
        } else {
            line.push_str(&cell);
            if !last {
                line.extend(std::iter::repeat_n(' ', pad + 2));
            }
        }
    }
    let line = line.trim_end();
    out.write_all(line.as_bytes())?;
    out.write_all(b"\n")
}

/// The columns a text takes on a terminal (a CJK character takes two).
fn width_of(text: &str) -> usize {
    console::measure_text_width(text)
}

/// Stdout's width, when it is a terminal.
pub fn terminal_width() -> Option<usize> {
    let term = console::Term::stdout();
    if !term.is_term() {
        return None;
    }
    term.size_checked().map(|(_, columns)| usize::from(columns))
}

/// What a date looks like in a table: `2024-03-05`.
const DATE: &str = "YYYY-MM-DD";

/// An instant as a table shows it, `2024-03-05 11:00`.
fn is_minute(cell: &str) -> bool {
    let b = cell.as_bytes();
    b.len() == 16
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b' '
        && b[13] == b':'
        && b.iter()
            .enumerate()
            .all(|(i, c)| matches!(i, 4 | 7 | 10 | 13) || c.is_ascii_digit())
}

/// Narrows the widest columns until the line fits `fit` (with two spaces
/// between columns), none below its floor.
fn shrink(widths: &mut [usize], floors: &[usize], fit: usize) {
    let gaps = 2 * widths.len().saturating_sub(1);
    loop {
        let total: usize = widths.iter().sum::<usize>() + gaps;
        if total <= fit {
            return;
        }
        let floor = |i: usize| floors.get(i).copied().unwrap_or(8);
        let widest = (0..widths.len())
            .filter(|&i| widths[i] > floor(i))
            .max_by_key(|&i| widths[i]);
        let Some(i) = widest else { return };
        // The next widest of those that can still narrow: one at its floor
        // (a long header, say) may be wider than this one.
        let second = (0..widths.len())
            .filter(|&j| j != i && widths[j] > floor(j))
            .map(|j| widths[j])
            .max()
            .unwrap_or(0);
        // Down to the next widest column, or just enough to fit.
        let cut = widths[i]
            .saturating_sub(second.max(floor(i)))
            .clamp(1, total - fit);
        widths[i] -= cut;
    }
}

/// One record as CSV: a header of its keys, then a line of its values
/// (strings as they are, null empty, other values as their JSON), for the
/// commands whose answer is one record rather than a listing.
pub fn csv_record(out: &mut impl Write, record: &serde_json::Value) -> io::Result<()> {
    let Some(fields) = record.as_object() else {
        return csv_line(out, std::iter::once(record.to_string().as_str()));
    };
    csv_line(out, fields.keys().map(String::as_str))?;
    let values: Vec<String> = fields
        .values()
        .map(|value| match value {
            serde_json::Value::String(text) => text.clone(),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        })
        .collect();
    csv_line(out, values.iter().map(String::as_str))
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
/// An instant: to the minute for people (`2024-03-05 11:00`, UTC), in
/// full RFC 3339 otherwise; `-` (people) or empty (programs) when unknown.
fn instant(at: Option<jiff::Timestamp>, human: bool) -> String {
    match (at, human) {
        (Some(t), true) => t.strftime("%Y-%m-%d %H:%M").to_string(),
        (Some(t), false) => t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        (None, human) => missing(human),
    }
}

/// A missing value in a table.
const MISSING: &str = "-";

/// The one mark of a missing value: `-` for people, empty for programs.
fn missing(human: bool) -> String {
    if human {
        MISSING.to_owned()
    } else {
        String::new()
    }
}

/// A count; see [`missing`].
fn count(n: Option<u64>, human: bool) -> String {
    n.map_or_else(|| missing(human), |n| n.to_string())
}

/// Bytes, for people (`12.3 MiB`) or exact.
fn size(bytes: Option<u64>, human: bool) -> String {
    match bytes {
        None => missing(human),
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
    const NUMBERS: &'static [&'static str] = &["TAGS", "SIZE", "PULLS"];

    fn cells(&self, human: bool) -> Vec<String> {
        vec![
            self.qualified_name(),
            count(self.tag_count, human),
            size(self.size, human),
            count(self.pull_count, human),
            instant(self.updated, human),
        ]
    }
}

/// A digest: its start for people, as docker shows it (the rest is in
/// JSON and CSV), whole for programs; see [`missing`].
fn digest(digest: Option<&str>, human: bool) -> String {
    match digest {
        Some(d) if human => d.chars().take(19).collect(),
        Some(d) => d.to_owned(),
        None => missing(human),
    }
}

impl Row for Tag {
    const COLUMNS: &'static [&'static str] = &["REPOSITORY", "TAG", "DIGEST", "SIZE", "UPDATED"];
    const NUMBERS: &'static [&'static str] = &["SIZE"];

    fn cells(&self, human: bool) -> Vec<String> {
        vec![
            self.repository.to_string(),
            self.name.clone(),
            digest(self.digest.as_deref(), human),
            size(self.size, human),
            instant(self.updated, human),
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
    const NUMBERS: &'static [&'static str] = &["SIZE"];

    fn cells(&self, human: bool) -> Vec<String> {
        let action = match self.action {
            Action::Delete => "delete",
            _ => "keep",
        };
        vec![
            action.to_owned(),
            self.repository.to_string(),
            self.tag.clone(),
            digest(self.digest.as_deref(), human),
            size(self.size, human),
            instant(self.updated, human),
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
    fn shrinking_fits_when_a_long_header_is_the_widest_column() {
        // `du --by namespace` at 80 columns: REPOSITORIES is at its floor
        // and wider than every column that can narrow.
        let columns = [
            "NAMESPACE",
            "REPOSITORIES",
            "TAGS",
            "IMAGES",
            "SIZE",
            "OLDEST",
            "NEWEST",
            "PULLS",
        ];
        let floors: Vec<usize> = columns.iter().map(|c| c.len().max(8)).collect();
        let mut widths = vec![12, 12, 4, 6, 10, 16, 16, 5];
        shrink(&mut widths, &floors, 80);
        let total: usize = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
        assert!(total <= 80, "{widths:?}");
        for (width, header) in widths.iter().zip(columns) {
            assert!(*width >= header.len().min(8), "{widths:?}");
        }
        // Narrower than the floors allow: it stops at them, without panic.
        let mut widths = vec![30; 8];
        shrink(&mut widths, &floors, 10);
        assert_eq!(widths, [9, 12, 8, 8, 8, 8, 8, 8]);
    }

    #[test]
    fn csv_quotes_what_needs_it() {
        let mut out = Vec::new();
        csv_line(&mut out, ["a", "b,c", "say \"hi\"", "x\ny"].into_iter()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\"\n"
        );
    }

    struct Cells(Vec<String>);

    impl Serialize for Cells {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            self.0.serialize(s)
        }
    }

    impl Row for Cells {
        const COLUMNS: &'static [&'static str] = &["NAME", "TAGS", "NOTE"];

        fn cells(&self, _human: bool) -> Vec<String> {
            self.0.clone()
        }
    }

    fn table(rows: &[[&str; 3]], fit: Option<usize>) -> String {
        let mut out = Vec::new();
        let mut printer = Printer::fitting(Output::Table, &mut out, fit);
        for row in rows {
            printer
                .row(&Cells(row.iter().map(|c| (*c).to_owned()).collect()))
                .unwrap();
        }
        printer.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn columns_stay_aligned_when_later_rows_are_longer() {
        let mut rows = vec![["a", "1", "x"]; SIZING_ROWS];
        rows.push(["a-much-longer-name-than-any-before", "12345", "y"]);
        let text = table(&rows, None);
        let header = text.lines().next().unwrap();
        let tags = header.find("TAGS").unwrap();
        for line in text.lines() {
            let chars: Vec<char> = line.chars().collect();
            assert_eq!(&chars[tags - 2..tags], &[' ', ' '], "{line:?}");
            assert_ne!(chars[tags], ' ', "{line:?}");
        }
        assert!(text.lines().last().unwrap().contains('…'));
    }

    #[test]
    fn a_table_fits_the_terminal() {
        let long = "n".repeat(70);
        let text = table(
            &[[long.as_str(), "3", "a note that is long enough to matter"]],
            Some(40),
        );
        for line in text.lines() {
            assert!(width_of(line) <= 40, "{line:?} is {} wide", width_of(line));
        }
        assert!(text.contains('…'), "{text}");
    }

    #[test]
    fn sizes_for_people() {
        assert_eq!(size(Some(512), true), "512");
        assert_eq!(size(Some(1536), true), "1.5 KiB");
        assert_eq!(size(Some(5 * 1024 * 1024 * 1024), true), "5.0 GiB");
        assert_eq!(size(Some(1536), false), "1536");
        assert_eq!(size(None, true), "-");
        assert_eq!(size(None, false), "");
    }
}
