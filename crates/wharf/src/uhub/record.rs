//! [`UhubRecord`]: the UHub records a catalog entry keeps.

use serde::Serialize;
use wharf_model::{ImageSet, RepoSet, TagSet};

use crate::catalog::Original;

/// A UHub record, as decoded, that a catalog entry was made from; it
/// serializes as the record alone.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum UhubRecord {
    /// A repo (`GetRepo`).
    Repo(RepoSet),
    /// An image (`GetRepoImage`).
    Image(ImageSet),
    /// A tag of an image (`GetImageTag`).
    Tag(TagSet),
}

impl From<UhubRecord> for Original {
    fn from(record: UhubRecord) -> Self {
        Original::Uhub(record)
    }
}
