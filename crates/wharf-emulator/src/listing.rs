//! The small listings: UHub's namespaces. Repositories are listed through
//! the [`Index`](crate::data::Index).

use crate::data::{Index, NamespaceRecord};

/// The namespaces of one UHub `Type`, by name: the public ones (UHub
/// `IsShared` true, [`NamespaceRecord::is_shared`]) or the private ones.
pub(crate) fn namespaces(index: &Index, public: bool) -> Vec<&NamespaceRecord> {
    index
        .namespaces_by_name()
        .filter(|ns| ns.is_shared == public)
        .collect()
}
