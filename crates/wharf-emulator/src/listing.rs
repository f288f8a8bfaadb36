//! The small listings (namespaces, official images). Repositories are
//! listed through the [`Index`](crate::data::Index).

use crate::data::{Dataset, Index, NamespaceRecord, OfficialImageRecord};

/// The namespaces of one UHub `Type`, by name: the public ones (UHub
/// `IsShared` true, [`NamespaceRecord::is_shared`]) or the private ones.
pub(crate) fn namespaces(index: &Index, public: bool) -> Vec<&NamespaceRecord> {
    index
        .namespaces_by_name()
        .filter(|ns| ns.is_shared == public)
        .collect()
}

/// Official images by id: `namespace` matches exactly, `image_name` is a
/// substring match, case as sent. Seed 001 lists `image_name` without
/// saying how it matches; the page is a search ("公有镜像资源检索") and list
/// repositories' `name` is a fuzzy match (api-notes 1.3), so a substring.
pub(crate) fn official_images<'a>(
    dataset: &'a Dataset,
    namespace: Option<&str>,
    image_name: Option<&str>,
) -> Vec<&'a OfficialImageRecord> {
    let mut list: Vec<&OfficialImageRecord> = dataset
        .official_images
        .iter()
        .filter(|i| namespace.is_none_or(|n| i.namespace.as_str() == n))
        .filter(|i| image_name.is_none_or(|n| i.name.as_str().contains(n)))
        .collect();
    list.sort_by_key(|i| i.id);
    list
}
