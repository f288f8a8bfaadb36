//! Why a `Content-Range` value could not be read.

use std::fmt;

/// What kind of mistake a [`ContentRangeError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContentRangeErrorKind {
    /// Nothing but spaces (or nothing at all).
    Empty,
    /// A digit was expected (start of the offset or the count, or a unit word
    /// that was not followed by a range).
    ExpectedDigit,
    /// A digit or `*` was expected (start of the total).
    ExpectedTotal,
    /// The `-` between offset and count is missing.
    ExpectedDash,
    /// The `/` between count and total is missing.
    ExpectedSlash,
    /// A unit word runs straight into the range (`items0-9/25`).
    ExpectedSpace,
    /// A number does not fit in a `u64`.
    Overflow,
    /// Text follows a complete range.
    TrailingInput,
}

/// The part of the range a number belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    Offset,
    Count,
    Total,
}

impl Part {
    fn name(self) -> &'static str {
        match self {
            Part::Offset => "offset",
            Part::Count => "count",
            Part::Total => "total",
        }
    }
}

/// A `Content-Range` value that is not `offset-count/total`.
///
/// The message quotes the input, says what was expected and gives the byte
/// offset where reading stopped:
///
/// ```
/// use wharf_parse::{ContentRange, ContentRangeErrorKind};
///
/// let err = ContentRange::parse("0-9").unwrap_err();
/// assert_eq!(err.kind(), ContentRangeErrorKind::ExpectedSlash);
/// assert_eq!(err.at(), 3);
/// assert_eq!(err.to_string(), r#"invalid Content-Range "0-9": expected `/` at byte 3"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentRangeError {
    input: String,
    kind: ContentRangeErrorKind,
    at: usize,
    part: Part,
}

/// An error found by the reader, before the input is attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Found {
    pub(super) kind: ContentRangeErrorKind,
    pub(super) at: usize,
    pub(super) part: Part,
}

impl Found {
    /// Attaches the input the mistake was found in.
    pub(super) fn within(self, input: &str) -> ContentRangeError {
        ContentRangeError {
            input: input.to_owned(),
            kind: self.kind,
            at: self.at,
            part: self.part,
        }
    }
}

impl ContentRangeError {
    /// What kind of mistake this is.
    pub fn kind(&self) -> ContentRangeErrorKind {
        self.kind
    }

    /// The byte offset in the input where reading stopped.
    pub fn at(&self) -> usize {
        self.at
    }

    /// The text that could not be read.
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl fmt::Display for ContentRangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid Content-Range {:?}: expected ", self.input)?;
        match self.kind {
            ContentRangeErrorKind::Empty => f.write_str("`offset-count/total`")?,
            ContentRangeErrorKind::ExpectedDigit => f.write_str("a digit")?,
            ContentRangeErrorKind::ExpectedTotal => f.write_str("a digit or `*`")?,
            ContentRangeErrorKind::ExpectedDash => f.write_str("`-`")?,
            ContentRangeErrorKind::ExpectedSlash => f.write_str("`/`")?,
            ContentRangeErrorKind::ExpectedSpace => f.write_str("a space after the unit")?,
            ContentRangeErrorKind::Overflow => {
                write!(f, "the {} to be at most {}", self.part.name(), u64::MAX)?
            }
            ContentRangeErrorKind::TrailingInput => f.write_str("the end of the value")?,
        }
        write!(f, " at byte {}", self.at)
    }
}

impl std::error::Error for ContentRangeError {}
