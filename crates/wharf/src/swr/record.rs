//! [`SwrRecord`]: the SWR records a catalog entry keeps.

use serde::Serialize;
use wharf_model::{
    NamespaceInfo, OfficialImage, OfficialImageDetail, OfficialImageTag, RepositoryDetail,
    RepositoryInfo, RepositoryTag, RepositoryTagDetail,
};

use crate::catalog::Original;

/// An SWR record, as decoded, that a catalog entry was made from; it
/// serializes as the record alone.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum SwrRecord {
    /// A namespace (list namespaces).
    Namespace(NamespaceInfo),
    /// A repository (list repositories).
    Repository(Box<RepositoryInfo>),
    /// A repository in full (show repository).
    RepositoryDetail(Box<RepositoryDetail>),
    /// A tag of a repository (list repository tags).
    Tag(Box<RepositoryTag>),
    /// One tag in full (show repository tag).
    TagDetail(Box<RepositoryTagDetail>),
    /// An official image in a listing (list official images).
    OfficialImage(Box<OfficialImage>),
    /// An official image in full (show official image).
    OfficialImageDetail(Box<OfficialImageDetail>),
    /// A tag of an official image (list official image tags).
    OfficialImageTag(OfficialImageTag),
}

impl From<SwrRecord> for Original {
    fn from(record: SwrRecord) -> Self {
        Original::Swr(record)
    }
}
