//! What a catalog's entries carry, so two catalogs are compared only on
//! what both know, and at the precision both have.

/// Which common fields a catalog's entries carry, and how precise its
/// instants are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Capabilities {
    /// The finest step of its instants.
    pub time_resolution: TimeResolution,
    /// The fields of its [`Repository`](super::Repository) entries.
    pub repository: RepositoryFields,
    /// The fields of its [`Tag`](super::Tag) entries.
    pub tag: TagFields,
    /// Whether [`delete_tag`](super::Catalog::delete_tag) can delete (SWR's
    /// official images cannot: they are not the caller's).
    pub deletes_tags: bool,
}

impl Capabilities {
    /// Capabilities of a [`Catalog`](super::Catalog) of your own; start
    /// from [`RepositoryFields::all`] and [`TagFields::all`].
    pub fn new(
        time_resolution: TimeResolution,
        repository: RepositoryFields,
        tag: TagFields,
    ) -> Self {
        Capabilities {
            time_resolution,
            repository,
            tag,
            deletes_tags: false,
        }
    }

    /// Saying whether the catalog can delete tags.
    pub fn with_deletes_tags(mut self, deletes: bool) -> Self {
        self.deletes_tags = deletes;
        self
    }
}

/// Whether a field of an entry is filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Presence {
    /// On every entry.
    Always,
    /// On some entries: the provider sends it only sometimes.
    Sometimes,
    /// Never: the provider does not send it (the field is `None`).
    Never,
}

impl Presence {
    /// Whether the field can be filled in at all.
    pub fn is_possible(self) -> bool {
        self != Presence::Never
    }
}

/// Which of [`Repository`](super::Repository)'s optional fields are filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RepositoryFields {
    /// `tag_count`.
    pub tag_count: Presence,
    /// `size`.
    pub size: Presence,
    /// `created`.
    pub created: Presence,
    /// `updated`.
    pub updated: Presence,
    /// `pull_count`.
    pub pull_count: Presence,
}

impl RepositoryFields {
    /// Every field `presence`.
    pub fn all(presence: Presence) -> Self {
        RepositoryFields {
            tag_count: presence,
            size: presence,
            created: presence,
            updated: presence,
            pull_count: presence,
        }
    }
}

/// Which of [`Tag`](super::Tag)'s optional fields are filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct TagFields {
    /// `digest`.
    pub digest: Presence,
    /// `size`.
    pub size: Presence,
    /// `created`.
    pub created: Presence,
    /// `updated`.
    pub updated: Presence,
}

impl TagFields {
    /// Every field `presence`.
    pub fn all(presence: Presence) -> Self {
        TagFields {
            digest: presence,
            size: presence,
            created: presence,
            updated: presence,
        }
    }
}

/// The finest step of a catalog's instants.
///
/// ```
/// use wharf::catalog::TimeResolution;
///
/// let a: wharf::jiff::Timestamp = "2024-06-15T12:00:00.75Z".parse()?;
/// let b: wharf::jiff::Timestamp = "2024-06-15T12:00:00Z".parse()?;
/// let common = TimeResolution::Nanoseconds.coarser(TimeResolution::Seconds);
/// assert_eq!(common.truncate(a), common.truncate(b));
/// # Ok::<(), wharf::jiff::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum TimeResolution {
    /// Nanoseconds (RFC 3339 with a fraction).
    Nanoseconds,
    /// Whole seconds.
    Seconds,
}

impl TimeResolution {
    /// The coarser of two resolutions: the one to compare their instants at.
    pub fn coarser(self, other: TimeResolution) -> TimeResolution {
        self.max(other)
    }

    /// `instant` rounded down to this resolution.
    pub fn truncate(self, instant: jiff::Timestamp) -> jiff::Timestamp {
        match self {
            TimeResolution::Nanoseconds => instant,
            // `as_second` rounds toward zero; before 1970 that is up.
            TimeResolution::Seconds => {
                let mut seconds = instant.as_second();
                if instant.subsec_nanosecond() < 0 {
                    seconds -= 1;
                }
                jiff::Timestamp::from_second(seconds).unwrap_or(instant)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_rounds_down_on_both_sides_of_the_epoch() {
        let after: jiff::Timestamp = "1970-01-01T00:00:01.5Z".parse().unwrap();
        let before: jiff::Timestamp = "1969-12-31T23:59:58.5Z".parse().unwrap();
        let s = TimeResolution::Seconds;
        assert_eq!(s.truncate(after).to_string(), "1970-01-01T00:00:01Z");
        assert_eq!(s.truncate(before).to_string(), "1969-12-31T23:59:58Z");
        assert_eq!(TimeResolution::Nanoseconds.truncate(after), after);
        assert_eq!(
            TimeResolution::Seconds.coarser(TimeResolution::Nanoseconds),
            TimeResolution::Seconds
        );
    }
}
