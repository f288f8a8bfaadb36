//! Each repository's SWR JSON, encoded once when a dataset is indexed, so
//! that a page costs a copy, not a serialisation.
//!
//! An item is stored up to its last field's value, `..."total_range":`: the
//! total depends on the query, so it is written per page, then the closing
//! `}`. The bytes are exactly what serializing the `wharf_model::Repository`
//! gives (a test checks it).

use wharf_model::Repository;

use crate::dataset::{Dataset, NamespaceRecord, RepositoryRecord};
use crate::index::Index;

/// Items encoded back to back, by id, for the ids below `ends.len()`.
#[derive(Debug, Default)]
pub(crate) struct EncodedItems {
    bytes: Vec<u8>,
    /// Where each item ends in `bytes`; item `id` starts where `id - 1` ends.
    ends: Vec<u32>,
}

/// The most bytes of encoded items kept: 128 MiB.
pub(crate) const STORED_BYTES: usize = 128 << 20;

/// The last field, written per page.
const TOTAL_RANGE: &[u8] = b",\"total_range\":";

impl EncodedItems {
    /// The repositories of `index`, by id, as SWR's list repositories sends
    /// them, until [`STORED_BYTES`] are used.
    pub(crate) fn swr(index: &Index) -> EncodedItems {
        let mut items = EncodedItems::default();
        for id in 0..index.len() as u32 {
            let start = items.bytes.len();
            encode_swr(index, id, &mut items.bytes);
            if items.bytes.len() > STORED_BYTES {
                items.bytes.truncate(start);
                break;
            }
            items.ends.push(items.bytes.len() as u32);
        }
        items.bytes.shrink_to_fit();
        items.ends.shrink_to_fit();
        items
    }

    /// A JSON array of the repositories `ids` of `index`, each with
    /// `"total_range": total`.
    pub(crate) fn page(&self, index: &Index, ids: &[u32], total: u64) -> Vec<u8> {
        let digits = total.to_string();
        let total = digits.as_bytes();
        let stored: usize = ids
            .iter()
            .filter_map(|&id| self.item(id))
            .map(<[u8]>::len)
            .sum();
        let mut out = Vec::with_capacity(stored + ids.len() * (total.len() + 2) + 2);
        out.push(b'[');
        for (n, &id) in ids.iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            match self.item(id) {
                Some(item) => out.extend_from_slice(item),
                None => encode_swr(index, id, &mut out),
            }
            out.extend_from_slice(total);
            out.push(b'}');
        }
        out.push(b']');
        out
    }

    /// The stored bytes of item `id`, if it is stored.
    fn item(&self, id: u32) -> Option<&[u8]> {
        let id = id as usize;
        let end = *self.ends.get(id)? as usize;
        let start = if id == 0 {
            0
        } else {
            self.ends[id - 1] as usize
        };
        Some(&self.bytes[start..end])
    }

    /// How many items are stored.
    #[cfg(test)]
    pub(crate) fn stored(&self) -> usize {
        self.ends.len()
    }
}

/// Appends repository `id` of `index`, up to `"total_range":`.
fn encode_swr(index: &Index, id: u32, out: &mut Vec<u8>) {
    let (ns, repo) = index.repo(id);
    let mut item = repository(&index.dataset, ns, repo);
    // Written per page instead: see the module docs.
    item.total_range = None;
    let start = out.len();
    if serde_json::to_writer(&mut *out, &item).is_err() || out.pop() != Some(b'}') {
        // Plain data always encodes to an object; keep the item valid JSON
        // anyway rather than panic.
        out.truncate(start);
        out.extend_from_slice(b"{\"name\":null");
    }
    out.extend_from_slice(TOTAL_RANGE);
}

/// One repository as SWR's list repositories sends it.
pub(crate) fn repository(
    dataset: &Dataset,
    ns: &NamespaceRecord,
    repo: &RepositoryRecord,
) -> Repository {
    let mut out = Repository::default();
    out.name = repo.name.to_string();
    out.category = repo.category.clone();
    out.description = Some(repo.description.clone());
    out.size = repo.size();
    out.is_public = repo.is_public;
    out.num_images = repo.tags.len() as u64;
    out.num_download = repo.num_download;
    out.created_at = repo.created_at.clone();
    out.updated_at = repo.updated_at.clone();
    out.url = Some(String::new());
    out.path = format!("{}/{}/{}", dataset.registry, ns.name, repo.name);
    out.internal_path = format!("{}/{}/{}", dataset.internal_registry, ns.name, repo.name);
    out.domain_name = dataset.domain_name.clone();
    out.namespace = ns.name.to_string();
    out.tags = repo.tags.iter().map(|t| t.name.clone()).collect();
    out.status = Some(false);
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    /// A page of pre-encoded items is byte for byte what serde gives for the
    /// same items with their `total_range`.
    #[test]
    fn pages_equal_serialized_models() {
        let mut dataset = Dataset::demo();
        // Text that needs escaping survives.
        dataset.namespaces[0].repositories[0].description = "a \"quoted\"\n\u{7f} é".into();
        let index = Index::new(Arc::new(dataset));
        let ids: Vec<u32> = (0..index.len() as u32).rev().collect();
        let want: Vec<Repository> = ids
            .iter()
            .map(|&id| {
                let (ns, repo) = index.repo(id);
                let mut item = repository(&index.dataset, ns, repo);
                item.total_range = Some(1234);
                item
            })
            .collect();
        assert_eq!(index.swr_items.stored(), index.len());
        let got = index.swr_items.page(&index, &ids, 1234);
        assert_eq!(
            String::from_utf8(got).unwrap(),
            serde_json::to_string(&want).unwrap()
        );
        assert_eq!(index.swr_items.page(&index, &[], 0), b"[]");
        // Items past the stored ones are encoded the same way, on demand.
        let none_stored = EncodedItems::default();
        let got = none_stored.page(&index, &ids, 1234);
        assert_eq!(
            String::from_utf8(got).unwrap(),
            serde_json::to_string(&want).unwrap()
        );
    }
}
