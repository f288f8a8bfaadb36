//! [`Deletion`]: what a delete found.

use std::fmt;

/// What a delete of one tag found: both outcomes leave the tag gone.
///
/// A delete whose answer was lost is sent again, and then meets a "not
/// found": the tag is gone, which is what was asked, so it is
/// [`AlreadyAbsent`](Deletion::AlreadyAbsent), never an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Deletion {
    /// The server deleted the tag.
    Deleted,
    /// The server did not have the tag (deleted before, by this delete's
    /// lost first attempt or by someone else).
    AlreadyAbsent,
}

impl Deletion {
    /// `deleted` or `already_absent`.
    pub fn as_str(self) -> &'static str {
        match self {
            Deletion::Deleted => "deleted",
            Deletion::AlreadyAbsent => "already_absent",
        }
    }
}

impl fmt::Display for Deletion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Deletion::Deleted => "deleted",
            Deletion::AlreadyAbsent => "already absent",
        })
    }
}

/// A delete's result read as a [`Deletion`]: a "not found" is
/// [`Deletion::AlreadyAbsent`].
pub(crate) fn absent_is_done(result: Result<(), crate::Error>) -> Result<Deletion, crate::Error> {
    match result {
        Ok(()) => Ok(Deletion::Deleted),
        Err(e) if e.kind() == crate::ErrorKind::NotFound => Ok(Deletion::AlreadyAbsent),
        Err(e) => Err(e),
    }
}
