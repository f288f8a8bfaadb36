//! The journal: each outcome of an apply, on disk before the next delete.
//!
//! NDJSON beside the plan: a header naming the plan's id, then a line per
//! outcome. Each line is written whole and synced to disk (`fsync`) before
//! apply goes on, so after a crash, a kill or a lost network the journal
//! says which entries are finished, and a second apply skips them. A last
//! line cut short by a crash is dropped when the journal is opened again.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::file::io;
use super::{Plan, PlanEntry};
use crate::{Error, ErrorKind};

/// What applying one entry came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// Deleted now.
    Deleted,
    /// Not there when read again or deleted: gone already.
    AlreadyAbsent,
    /// Its digest or update time changed since planning: left alone.
    Changed,
    /// The read or the delete failed; a later apply tries again.
    Failed,
}

impl Outcome {
    /// Whether the entry is done with: only a failure is tried again.
    pub fn is_finished(self) -> bool {
        self != Outcome::Failed
    }
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JournalRecord {
    /// The entry's line in the plan file.
    pub line: u64,
    /// Its repository and tag, for people (`team/app:ci-41`).
    pub tag: String,
    /// What happened.
    pub outcome: Outcome,
    /// When.
    pub at: jiff::Timestamp,
    /// What changed, or the error, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct JournalHeader {
    wharf_journal: u32,
    plan: String,
}

/// An open journal: what earlier runs finished, and the file to append to.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
    last: HashMap<u64, Outcome>,
}

impl Journal {
    /// Opens the journal at `path` for `plan`, creating it when missing.
    ///
    /// Refuses a journal of another plan (its header names another id).
    pub fn open(path: impl AsRef<Path>, plan: &Plan) -> Result<Self, Error> {
        let path = path.as_ref().to_owned();
        let refused = |what: String| {
            Error::new(
                ErrorKind::Config,
                format!("journal {}: {what}", path.display()),
            )
        };
        let failed = |e: std::io::Error| {
            let detail = format!("journal {}: {e}", path.display());
            Error::new(ErrorKind::Io, detail).with_source(e)
        };
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .map_err(failed)?;
        let mut last = HashMap::new();
        let mut kept = 0u64;
        let mut header = None;
        let mut reader = BufReader::new(&file);
        let mut text = String::new();
        let mut n = 0u64;
        loop {
            text.clear();
            let read = reader.read_line(&mut text).map_err(failed)?;
            if read == 0 || !text.ends_with('\n') {
                break; // the end, or a line a crash cut short: dropped
            }
            n += 1;
            if header.is_none() {
                let h: JournalHeader = serde_json::from_str(&text)
                    .map_err(|e| refused(format!("line {n} is not a journal header: {e}")))?;
                if h.plan != plan.header.id {
                    let what = format!(
                        "it belongs to plan {}, not to this plan ({}); \
                         give another --journal",
                        h.plan, plan.header.id
                    );
                    return Err(refused(what));
                }
                header = Some(h);
            } else {
                let record: JournalRecord =
                    serde_json::from_str(&text).map_err(|e| refused(format!("line {n}: {e}")))?;
                last.insert(record.line, record.outcome);
            }
            kept += read as u64;
        }
        drop(reader);
        let length = file
            .metadata()
            .map_err(io("could not read the journal"))?
            .len();
        if length != kept {
            file.set_len(kept)
                .map_err(io("could not mend the journal"))?;
        }
        file.seek(SeekFrom::End(0))
            .map_err(io("could not mend the journal"))?;
        let mut journal = Journal { path, file, last };
        if header.is_none() {
            let header = JournalHeader {
                wharf_journal: 1,
                plan: plan.header.id.clone(),
            };
            journal.append(&header)?;
        }
        Ok(journal)
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The last outcome recorded for the entry at plan line `line`.
    pub fn outcome(&self, line: u64) -> Option<Outcome> {
        self.last.get(&line).copied()
    }

    /// Whether the entry at plan line `line` is finished.
    pub fn is_finished(&self, line: u64) -> bool {
        self.outcome(line).is_some_and(Outcome::is_finished)
    }

    /// Records `outcome` for `entry` (at plan line `line`), on disk before
    /// it returns.
    pub fn record(
        &mut self,
        line: u64,
        entry: &PlanEntry,
        outcome: Outcome,
        detail: Option<String>,
    ) -> Result<(), Error> {
        let record = JournalRecord {
            line,
            tag: format!("{}:{}", entry.repository, entry.tag),
            outcome,
            at: jiff::Timestamp::now(),
            detail,
        };
        self.append(&record)?;
        self.last.insert(line, outcome);
        Ok(())
    }

    fn append(&mut self, value: &impl Serialize) -> Result<(), Error> {
        let mut text = serde_json::to_vec(value)
            .map_err(|e| Error::new(ErrorKind::InvalidInput, format!("journal: {e}")))?;
        text.push(b'\n');
        self.file
            .write_all(&text)
            .and_then(|()| self.file.sync_data())
            .map_err(io("could not write the journal"))
    }
}
