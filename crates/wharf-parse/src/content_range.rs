//! The `Content-Range` header (documented in the crate docs).

mod error;
mod reader;

use std::fmt;
use std::str::FromStr;

pub use error::{ContentRangeError, ContentRangeErrorKind};

/// The total in a `Content-Range`: a count, or `*` when the server does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Total {
    /// The number of items in all pages.
    Known(u64),
    /// `*`: the server did not say.
    Unknown,
}

impl Total {
    /// The total, when known.
    pub fn known(self) -> Option<u64> {
        match self {
            Total::Known(total) => Some(total),
            Total::Unknown => None,
        }
    }
}

impl fmt::Display for Total {
    /// The number, or `*` when unknown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Total::Known(total) => write!(f, "{total}"),
            Total::Unknown => f.write_str("*"),
        }
    }
}

/// A parsed SWR `Content-Range` header.
///
/// The numbers are reported as sent; nothing checks that `offset + count`
/// stays within `total`, because paging must not trust them anyway: advance
/// by the number of items actually received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ContentRange {
    /// Index of the first item in this page.
    pub offset: u64,
    /// Number of items in this page, as the server claims.
    pub count: u64,
    /// Number of items in all pages.
    pub total: Total,
}

impl ContentRange {
    /// A range of `count` items starting at `offset`, out of `total`.
    pub fn new(offset: u64, count: u64, total: Total) -> Self {
        ContentRange {
            offset,
            count,
            total,
        }
    }

    /// Reads a header value such as `0-10/25`, `items 0-10/25` or `0-10/*`.
    ///
    /// ```
    /// use wharf_parse::{ContentRange, Total};
    ///
    /// let range = ContentRange::parse(" 100 - 0 / * ")?;
    /// assert_eq!(range, ContentRange::new(100, 0, Total::Unknown));
    /// # Ok::<(), wharf_parse::ContentRangeError>(())
    /// ```
    pub fn parse(input: &str) -> Result<Self, ContentRangeError> {
        reader::read(input)
    }

    /// The index just past this page (`offset + count`), or `None` if that
    /// does not fit in a `u64`.
    ///
    /// ```
    /// use wharf_parse::{ContentRange, Total};
    ///
    /// assert_eq!(ContentRange::new(20, 10, Total::Known(25)).end(), Some(30));
    /// assert_eq!(ContentRange::new(u64::MAX, 1, Total::Unknown).end(), None);
    /// ```
    pub fn end(&self) -> Option<u64> {
        self.offset.checked_add(self.count)
    }
}

impl FromStr for ContentRange {
    type Err = ContentRangeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ContentRange::parse(s)
    }
}

impl fmt::Display for ContentRange {
    /// `offset-count/total`, with `*` for an unknown total and no unit word.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}/{}", self.offset, self.count, self.total)
    }
}
