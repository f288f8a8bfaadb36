//! The plan file: NDJSON, a header line, one line per entry, and a
//! closing line that counts them.
//!
//! ```text
//! {"wharf_plan":1,"id":"9f2c…","catalog":"swr://cn-north-4","created":"…","policy":{…}}
//! {"action":"delete","catalog":"swr://cn-north-4","repository":"team/app","tag":"ci-41",…}
//! {"wharf_plan_end":{"entries":1}}
//! ```
//!
//! The closing line is how a plan cut short (a full disk, a closed pipe, a
//! kill while planning) is told from a whole one: without it, `apply` would
//! delete part of what a person saw and report success.

use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};

use super::{Action, PlanEntry, Policy};
use crate::{Error, ErrorKind};

/// The version of the plan format this wharf writes and reads.
pub const PLAN_VERSION: u32 = 1;

/// The first line of a plan file: what it is for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlanHeader {
    /// The format version, [`PLAN_VERSION`].
    pub wharf_plan: u32,
    /// The plan's id: a journal belongs to one plan.
    pub id: String,
    /// The catalog it plans: apply refuses another.
    pub catalog: String,
    /// When it was made.
    pub created: jiff::Timestamp,
    /// The policy, as given (for people; apply does not re-plan).
    pub policy: serde_json::Value,
}

impl PlanHeader {
    /// A header for a plan of `catalog` by `policy`, made now, with a fresh id.
    pub fn new(catalog: impl Into<String>, policy: &Policy) -> Self {
        let id = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
        PlanHeader {
            wharf_plan: PLAN_VERSION,
            id,
            catalog: catalog.into(),
            created: jiff::Timestamp::now(),
            policy: serde_json::to_value(policy).unwrap_or_default(),
        }
    }
}

/// The last line of a plan file: how many entries came before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlanEnd {
    /// The count.
    pub wharf_plan_end: PlanCount,
}

/// What [`PlanEnd`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlanCount {
    /// The entry lines between the header and the closing line.
    pub entries: u64,
}

impl PlanEnd {
    /// The closing line of a plan of `entries` entries.
    pub fn new(entries: u64) -> Self {
        PlanEnd {
            wharf_plan_end: PlanCount { entries },
        }
    }
}

/// A plan read back: its header and entries, each with its line number.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Plan {
    /// The header.
    pub header: PlanHeader,
    /// `(line, entry)`, in the file's order; lines count from 1, the header
    /// being line 1.
    pub entries: Vec<(u64, PlanEntry)>,
}

impl Plan {
    /// The entries to delete, with their lines.
    pub fn deletes(&self) -> impl Iterator<Item = &(u64, PlanEntry)> {
        self.entries
            .iter()
            .filter(|(_, e)| e.action == Action::Delete)
    }
}

/// Writes a plan: the header first, then entries as they come, a line
/// each, and the closing line on [`finish`](Self::finish). A plan whose
/// writer was not finished does not read back.
#[derive(Debug)]
pub struct PlanWriter<W: Write> {
    out: W,
    entries: u64,
}

impl<W: Write> PlanWriter<W> {
    /// Writes `header` to `out`.
    pub fn new(mut out: W, header: &PlanHeader) -> Result<Self, Error> {
        line(&mut out, header)?;
        Ok(PlanWriter { out, entries: 0 })
    }

    /// Writes one entry.
    pub fn entry(&mut self, entry: &PlanEntry) -> Result<(), Error> {
        line(&mut self.out, entry)?;
        self.entries += 1;
        Ok(())
    }

    /// Writes the closing line, flushes, and gives the writer back.
    pub fn finish(mut self) -> Result<W, Error> {
        line(&mut self.out, &PlanEnd::new(self.entries))?;
        self.out.flush().map_err(io("could not write the plan"))?;
        Ok(self.out)
    }
}

fn line<W: Write>(out: &mut W, value: &impl Serialize) -> Result<(), Error> {
    let mut text = serde_json::to_vec(value)
        .map_err(|e| Error::new(ErrorKind::InvalidInput, format!("plan entry: {e}")))?;
    text.push(b'\n');
    out.write_all(&text).map_err(io("could not write the plan"))
}

pub(crate) fn io(what: &'static str) -> impl Fn(std::io::Error) -> Error {
    move |e| Error::new(ErrorKind::Io, format!("{what}: {e}")).with_source(e)
}

/// Reads a plan written by [`PlanWriter`]: the header, every entry, and
/// the closing line, whose count must match. An error names the line and
/// what is wrong with it; blank lines are skipped. A plan without its
/// closing line was cut short, and is refused whole.
pub fn read_plan(input: impl BufRead) -> Result<Plan, Error> {
    let bad = |n: u64, what: String| {
        Error::new(ErrorKind::InvalidInput, format!("plan line {n}: {what}"))
    };
    let mut header: Option<PlanHeader> = None;
    let mut entries = Vec::new();
    let mut end: Option<(u64, PlanEnd)> = None;
    for (n, text) in (1u64..).zip(input.lines()) {
        let text = text.map_err(io("could not read the plan"))?;
        if text.trim().is_empty() {
            continue;
        }
        if let Some((at, _)) = end {
            return Err(bad(n, format!("a line after the plan's closing line {at}")));
        }
        if header.is_some() && text.contains("\"wharf_plan_end\"") {
            let closing: PlanEnd = serde_json::from_str(&text)
                .map_err(|e| bad(n, format!("not a plan's closing line: {e}")))?;
            end = Some((n, closing));
            continue;
        }
        match &header {
            None => {
                let h: PlanHeader = serde_json::from_str(&text)
                    .map_err(|e| bad(n, format!("not a wharf plan header: {e}")))?;
                if h.wharf_plan != PLAN_VERSION {
                    let what = format!(
                        "plan format {} is not the format {PLAN_VERSION} this wharf reads",
                        h.wharf_plan
                    );
                    return Err(bad(n, what));
                }
                header = Some(h);
            }
            Some(h) => {
                let entry: PlanEntry = serde_json::from_str(&text)
                    .map_err(|e| bad(n, format!("not a plan entry: {e}")))?;
                if entry.catalog != h.catalog {
                    let what = format!(
                        "entry for catalog {}, in a plan of {}",
                        entry.catalog, h.catalog
                    );
                    return Err(bad(n, what));
                }
                wharf_model::TagName::new(entry.tag.as_str()).map_err(|e| bad(n, e.to_string()))?;
                entries.push((n, entry));
            }
        }
    }
    let header = header
        .ok_or_else(|| Error::new(ErrorKind::InvalidInput, "the plan is empty: no header line"))?;
    let cut_short = |what: String| {
        Error::new(
            ErrorKind::InvalidInput,
            format!(
                "{what}: the plan was cut short (a full disk, a closed pipe, a kill while \
                 planning), and none of it is applied; make it again with wharf prune"
            ),
        )
    };
    match end {
        None => Err(cut_short(format!(
            "the plan has no closing line after its {} entries",
            entries.len()
        ))),
        Some((n, end)) if end.wharf_plan_end.entries != entries.len() as u64 => {
            Err(cut_short(format!(
                "plan line {n}: the closing line counts {} entries, and {} came before it",
                end.wharf_plan_end.entries,
                entries.len()
            )))
        }
        Some(_) => Ok(Plan { header, entries }),
    }
}
