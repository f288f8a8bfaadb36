//! [`Policy`]: which tags of a repository a cleanup plans to delete.

use std::fmt;
use std::time::Duration;

use serde::{Serialize, Serializer};

use crate::{Error, ErrorKind};

/// A regular expression over tag names, kept with the text it was read
/// from (the plan file records the text).
#[derive(Clone)]
pub struct Pattern {
    regex: regex::Regex,
}

impl Pattern {
    /// `source` as a regular expression (Rust's `regex` syntax: `^v1\.`,
    /// `-rc\d+$`); an error says where it does not parse.
    pub fn new(source: &str) -> Result<Self, Error> {
        match regex::Regex::new(source) {
            Ok(regex) => Ok(Pattern { regex }),
            Err(e) => {
                // The syntax error's last line says what is wrong, in one line.
                let text = e.to_string();
                let what = text.lines().last().unwrap_or_default();
                let what = what.strip_prefix("error: ").unwrap_or(what);
                let detail = format!("{source:?} is not a regular expression: {what}");
                Err(Error::new(ErrorKind::InvalidInput, detail))
            }
        }
    }

    /// The text it was read from.
    pub fn as_str(&self) -> &str {
        self.regex.as_str()
    }

    /// Whether it matches anywhere in `name` (anchor it with `^` and `$`
    /// for a whole name).
    pub fn is_match(&self, name: &str) -> bool {
        self.regex.is_match(name)
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pattern({:?})", self.as_str())
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Serialize for Pattern {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Which tags of each repository a cleanup plans to delete.
///
/// Per repository, exactly:
/// - the *scope* is the tags whose name matches [`matching`](Self::matching)
///   (every tag when `None`) and not [`keep`](Self::keep) (a tag it matches
///   is never planned; `^latest$` by default);
/// - the scope is ranked newest first by update time, ties by tag name (a
///   tag without an update time ranks last);
/// - a tag is planned when its rank, from 0, is at least
///   [`keep_last`](Self::keep_last) and, when
///   [`older_than`](Self::older_than) is set, it was updated longer ago
///   than that (a tag without an update time never is);
/// - a planned tag whose digest is also the digest of a tag that stays is
///   left, with the reason, unless [`allow_shared_digest`](Self::allow_shared_digest):
///   neither provider documents whether deleting one tag removes the image
///   under the others.
///
/// At least one of `keep_last` and `older_than` must be set (`keep_last`
/// 0 says "every tag in scope" on purpose): [`Policy::check`].
///
/// ```
/// use std::time::Duration;
/// use wharf::prune::{Pattern, Policy};
///
/// let policy = Policy::keep_last(5)
///     .with_older_than(Duration::from_secs(30 * 86_400))
///     .with_match(Pattern::new(r"^ci-")?);
/// policy.check()?;
/// # Ok::<(), wharf::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Policy {
    /// Only tags whose name it matches are in scope; `None`: every tag.
    #[serde(rename = "match")]
    pub matching: Option<Pattern>,
    /// Tags whose name it matches are never planned; `None`: no tag is
    /// kept by its name.
    pub keep: Option<Pattern>,
    /// The newest this many tags in scope stay.
    pub keep_last: Option<usize>,
    /// Only tags updated longer ago than this are planned.
    #[serde(serialize_with = "seconds")]
    pub older_than: Option<Duration>,
    /// Plans a tag even when a tag that stays has its digest.
    pub allow_shared_digest: bool,
}

fn seconds<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_some(&d.as_secs()),
        None => s.serialize_none(),
    }
}

impl Policy {
    /// The default keep pattern: `^latest$`.
    pub const DEFAULT_KEEP: &'static str = "^latest$";

    fn base() -> Self {
        let keep = Pattern::new(Self::DEFAULT_KEEP).ok();
        Policy {
            matching: None,
            keep,
            keep_last: None,
            older_than: None,
            allow_shared_digest: false,
        }
    }

    /// Keeps the newest `count` tags in scope of each repository.
    pub fn keep_last(count: usize) -> Self {
        Policy::base().with_keep_last(count)
    }

    /// Plans the tags in scope updated longer ago than `age`.
    pub fn older_than(age: Duration) -> Self {
        Policy::base().with_older_than(age)
    }

    /// Keeping the newest `count` tags in scope.
    pub fn with_keep_last(mut self, count: usize) -> Self {
        self.keep_last = Some(count);
        self
    }

    /// Planning only tags updated longer ago than `age`.
    pub fn with_older_than(mut self, age: Duration) -> Self {
        self.older_than = Some(age);
        self
    }

    /// Only tags whose name `pattern` matches in scope.
    pub fn with_match(mut self, pattern: Pattern) -> Self {
        self.matching = Some(pattern);
        self
    }

    /// Never planning tags whose name `pattern` matches (`None`: no tag
    /// is kept by its name).
    pub fn with_keep(mut self, pattern: Option<Pattern>) -> Self {
        self.keep = pattern;
        self
    }

    /// Planning tags whose digest a tag that stays shares (`true`).
    pub fn with_shared_digest(mut self, allow: bool) -> Self {
        self.allow_shared_digest = allow;
        self
    }

    /// Refuses a policy that sets neither `keep_last` nor `older_than`:
    /// it would say nothing about which tags go.
    pub fn check(&self) -> Result<(), Error> {
        if self.keep_last.is_none() && self.older_than.is_none() {
            let detail = "a cleanup policy needs --keep-last N or --older-than DURATION \
                          (or both); --keep-last 0 plans every tag in scope";
            return Err(Error::new(ErrorKind::InvalidInput, detail));
        }
        Ok(())
    }

    /// Whether `name` is in scope.
    pub(crate) fn in_scope(&self, name: &str) -> bool {
        self.matching.as_ref().is_none_or(|p| p.is_match(name))
            && !self.keep.as_ref().is_some_and(|p| p.is_match(name))
    }
}
