//! Each repository's SWR JSON, encoded once when a dataset is indexed, so
//! that a page costs a few copies, not a serialisation.
//!
//! An item is stored without three things, put back per page:
//!
//! - its last field's value, `"total_range": N`: it depends on the query;
//! - its middle, `"url":"","path":"REGISTRY/NS/NAME","internal_path":"...",
//!   "domain_name":"...","namespace":"NS",`: built from the dataset's
//!   registry addresses and domain, the namespace and the name, it is about
//!   half of every item;
//! - its end, `,"status":false`, the same on every item.
//!
//! Leaving them out keeps a million repositories under 1 GiB resident.
//!
//! Datasets of up to 100,000 repositories store their items whole instead,
//! since they fit easily and a page is then one copy per item.
//!
//! The bytes of a page are exactly what serializing `wharf_model::RepositoryInfo`
//! gives (each item is checked against serde's bytes when stored, and kept
//! whole when the middle does not match). At most [`STORED_BYTES`] are kept;
//! any item past them is encoded when a page needs it. A repository changed
//! since loading (a tag deleted or pushed) is encoded whole when it
//! changes, and kept with its new record ([`item`]): its stored bytes are
//! out of date, and are never read again.

use wharf_model::RepositoryInfo;

use super::dataset::{Dataset, NamespaceRecord, RepositoryRecord};
use super::index::{Index, View};

/// Up to this many repositories, items are stored whole: a page is then one
/// copy per item, the fastest there is, for about 500 bytes each (50 MB for
/// the most). Larger datasets store items without their middle and end.
const WHOLE_UP_TO: usize = 100_000;

/// The most bytes of stored items: 320 MiB, about 1.3 million repositories.
pub(crate) const STORED_BYTES: usize = 320 << 20;

/// The last field, written per page.
const TOTAL_RANGE: &[u8] = b",\"total_range\":";
/// How every item starts.
const NAME: &[u8] = b"{\"name\":\"";
/// The field that follows the middle.
const TAGS: &[u8] = b"\"tags\":";
/// The fields that start the middle.
const URL_PATH: &[u8] = b"\"url\":\"\",\"path\":\"";
/// The middle of an item encoded without it.
const BLANK_MIDDLE: &[u8] =
    b"\"url\":\"\",\"path\":\"\",\"internal_path\":\"\",\"domain_name\":\"\",\"namespace\":\"\",";
/// The end of every item, before `"total_range"`.
const END: &[u8] = b",\"status\":false";
/// [`END`] and [`TOTAL_RANGE`].
const END_TOTAL_RANGE: &[u8] = b",\"status\":false,\"total_range\":";

/// One stored item: where it is, and how to put its middle back.
#[derive(Debug, Clone, Copy)]
struct Stored {
    /// Where the item ends in its run's bytes; it starts where the previous
    /// one ends.
    end: u32,
    /// Length of the part before the middle; the rest is the part after it,
    /// up to [`END`]. `u32::MAX` when the item is stored whole.
    head: u32,
}

/// The stored items of a run of ids, back to back, from id `first` on (as
/// many as the budget allowed: the rest are encoded on demand).
#[derive(Debug, Default)]
struct Run {
    first: u32,
    bytes: Vec<u8>,
    items: Vec<Stored>,
}

impl Run {
    /// The items `ids` of `index`, until `budget` bytes are used.
    fn encode(index: &Index, ids: std::ops::Range<u32>, budget: usize, compact: bool) -> Run {
        let mut run = Run {
            first: ids.start,
            bytes: Vec::with_capacity(ids.len().saturating_mul(330).min(budget)),
            items: Vec::with_capacity(ids.len()),
        };
        let mut whole = Vec::new();
        let mut scratch = RepositoryInfo::default();
        for id in ids {
            whole.clear();
            let head = if compact {
                encode(index, id, false, &mut scratch, &mut whole);
                split(index, id, &whole)
            } else {
                None
            };
            if head.is_none() {
                whole.clear();
                encode(index, id, true, &mut scratch, &mut whole);
            }
            let start = run.bytes.len();
            match head {
                Some((head, tail)) => {
                    let end = whole.len() - END.len() - TOTAL_RANGE.len();
                    run.bytes.extend_from_slice(&whole[..head]);
                    run.bytes.extend_from_slice(&whole[tail..end]);
                }
                None => run.bytes.extend_from_slice(&whole),
            }
            if run.bytes.len() > budget {
                run.bytes.truncate(start);
                break;
            }
            run.items.push(Stored {
                end: run.bytes.len() as u32,
                head: head.map_or(u32::MAX, |(head, _)| head as u32),
            });
        }
        run.bytes.shrink_to_fit();
        run.items.shrink_to_fit();
        run
    }

    /// Drops items from the end until the bytes fit `budget`.
    fn keep_within(&mut self, budget: usize) {
        let fits = self
            .items
            .partition_point(|item| item.end as usize <= budget);
        self.items.truncate(fits);
        self.bytes.truncate(
            fits.checked_sub(1)
                .map_or(0, |last| self.items[last].end as usize),
        );
        self.bytes.shrink_to_fit();
        self.items.shrink_to_fit();
    }

    /// Item `id`, if this run stores it: its bytes and where its head ends.
    fn item(&self, id: u32) -> Option<(&[u8], u32)> {
        let local = id.checked_sub(self.first)? as usize;
        let stored = self.items.get(local)?;
        let start = match local {
            0 => 0,
            _ => self.items[local - 1].end as usize,
        };
        Some((&self.bytes[start..stored.end as usize], stored.head))
    }
}

/// The pieces of every item's middle that the dataset fixes, JSON-escaped.
#[derive(Debug, Default)]
struct Middle {
    /// By namespace position in the dataset, the three pieces around the
    /// repository name, twice: `"url":"","path":"REGISTRY/NS/`,
    /// `","internal_path":"INTERNAL/NS/` and
    /// `","domain_name":"DOMAIN","namespace":"NS",`. Three copies and the
    /// name twice put a middle back.
    pieces: Vec<[Vec<u8>; 3]>,
}

/// Items stored by id, in runs of ids encoded side by side.
#[derive(Debug, Default)]
pub(crate) struct EncodedItems {
    /// By `first` id, ascending.
    runs: Vec<Run>,
    middle: Middle,
}

impl EncodedItems {
    /// The repositories of `index`, by id, as SWR's list repositories sends
    /// them, until [`STORED_BYTES`] are used.
    pub(crate) fn swr(index: &Index) -> EncodedItems {
        EncodedItems::swr_within(index, STORED_BYTES, index.loaded_len() > WHOLE_UP_TO)
    }

    /// [`swr`](Self::swr), storing at most `budget` bytes, `compact` or
    /// whole.
    fn swr_within(index: &Index, budget: usize, compact: bool) -> EncodedItems {
        let budget = budget.min(u32::MAX as usize);
        let dataset = &index.dataset;
        let mut encoded = EncodedItems {
            middle: Middle {
                pieces: dataset
                    .namespaces
                    .iter()
                    .map(|ns| {
                        let ns = escaped(ns.name.as_str());
                        [
                            [URL_PATH, &escaped(&dataset.registry), b"/", &ns, b"/"].concat(),
                            [
                                b"\",\"internal_path\":\"".as_slice(),
                                &escaped(&dataset.internal_registry),
                                b"/",
                                &ns,
                                b"/",
                            ]
                            .concat(),
                            [
                                b"\",\"domain_name\":\"".as_slice(),
                                &escaped(&dataset.domain_name),
                                b"\",\"namespace\":\"",
                                &ns,
                                b"\",",
                            ]
                            .concat(),
                        ]
                    })
                    .collect(),
            },
            ..EncodedItems::default()
        };
        // Two halves, encoded side by side (the index sorts on a third
        // thread meanwhile). They stay two runs: joining them would copy
        // hundreds of megabytes and, for a moment, hold them twice. Each may
        // use the whole budget; the second gives back what the two overran.
        let count = index.loaded_len() as u32;
        let half = count / 2;
        let (first, second) = std::thread::scope(|scope| {
            let second = scope.spawn(|| Run::encode(index, half..count, budget, compact));
            (Run::encode(index, 0..half, budget, compact), second.join())
        });
        let mut second =
            second.unwrap_or_else(|_| Run::encode(index, half..count, budget, compact));
        second.keep_within(budget.saturating_sub(first.bytes.len()));
        encoded.runs = vec![first, second];
        encoded
    }

    /// Writes the middle of repository `name` (JSON-escaped) in the
    /// namespace at position `n` of the dataset.
    fn write_middle(&self, n: usize, name: &[u8], out: &mut Vec<u8>) {
        let [path, internal_path, rest] = &self.middle.pieces[n];
        out.extend_from_slice(path);
        out.extend_from_slice(name);
        out.extend_from_slice(internal_path);
        out.extend_from_slice(name);
        out.extend_from_slice(rest);
    }

    /// A JSON array of the repositories `ids` of `view`, each with
    /// `"total_range": total`.
    pub(crate) fn page(&self, view: &View<'_>, ids: &[u32], total: u64) -> Vec<u8> {
        // What follows every item: its total, its end, and the comma.
        let after = format!("{total}}},");
        let after = after.as_bytes();
        let mut out = Vec::with_capacity(ids.len() * 640 + 2);
        out.push(b'[');
        for &id in ids {
            self.write_item(view, id, &mut out);
            out.extend_from_slice(after);
        }
        // The last comma closes the array instead.
        match out.last_mut() {
            Some(last @ b',') => *last = b']',
            _ => out.push(b']'),
        }
        out
    }

    /// Writes item `id` up to `"total_range":`: stored, or encoded now
    /// when it is not stored or changed since loading.
    fn write_item(&self, view: &View<'_>, id: u32, out: &mut Vec<u8>) {
        if view.is_changed(id) {
            if let Some(item) = view.changed_item(id).filter(|item| !item.is_empty()) {
                return out.extend_from_slice(item);
            }
        }
        let stored = match view.is_changed(id) {
            true => None,
            false => self.runs.iter().rev().find(|run| run.first <= id),
        };
        let Some((item, head)) = stored.and_then(|run| run.item(id)) else {
            let (ns, repo) = view.repo(id);
            let scratch = &mut RepositoryInfo::default();
            return encode_record(view.dataset(), ns, repo, true, scratch, out);
        };
        if head == u32::MAX {
            return out.extend_from_slice(item);
        }
        let (head, tail) = item.split_at(head as usize);
        out.extend_from_slice(head);
        // The name is read back from the head, `{"name":"NAME",`, not from
        // the record: the stored bytes are in cache, the record may not be.
        // Repository names never hold a `"` (their characters are checked).
        let name = head.get(NAME.len()..).unwrap_or_default();
        let name = &name[..name.iter().position(|&b| b == b'"').unwrap_or(0)];
        self.write_middle(view.position(id).0, name, out);
        out.extend_from_slice(tail);
        out.extend_from_slice(END_TOTAL_RANGE);
    }

    /// How many items are stored, and how many of those whole.
    #[cfg(test)]
    fn stored(&self) -> (usize, usize) {
        let items = self.runs.iter().flat_map(|run| &run.items);
        let whole = items.clone().filter(|s| s.head == u32::MAX).count();
        (items.count(), whole)
    }
}

/// Where the blank middle of `whole` (item `id`, encoded without its
/// middle) starts and ends, if the item has the shape every item has:
/// `{"name":"NAME"`, the blank middle, `"tags":`, and [`END`] before
/// `"total_range":`. Putting the real middle in its place gives serde's
/// bytes for the whole item: JSON escapes each character on its own, so the
/// escaped middle is the escaped pieces it is made of, end to end (a test
/// compares whole pages with serde's).
fn split(index: &Index, id: u32, whole: &[u8]) -> Option<(usize, usize)> {
    let name = index.loaded(id).1.name.as_str().as_bytes();
    // `write_item` reads the name back from the head, up to its `"`.
    let after_name = whole.strip_prefix(NAME)?.strip_prefix(name)?;
    if after_name.first() != Some(&b'"') {
        return None;
    }
    let before_total = whole.strip_suffix(TOTAL_RANGE)?;
    if !before_total.ends_with(END) {
        return None;
    }
    let head = find(whole, BLANK_MIDDLE)?;
    let tail = head + BLANK_MIDDLE.len();
    whole[tail..].starts_with(TAGS).then_some((head, tail))
}

/// `text` as JSON string content, without the quotes.
fn escaped(text: &str) -> Vec<u8> {
    let mut quoted = serde_json::to_vec(text).unwrap_or_default();
    quoted.pop();
    if !quoted.is_empty() {
        quoted.remove(0);
    }
    quoted
}

/// Where `needle` first occurs in `haystack`: candidates are found by its
/// first byte, then compared whole.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    let mut from = 0;
    while let Some(skip) = haystack.get(from..)?.iter().position(|&b| b == first) {
        let at = from + skip;
        if haystack[at..].starts_with(needle) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Appends loaded repository `id` of `index`, up to `"total_range":`, with
/// its middle or with the middle's fields empty. `scratch` is the model
/// reused from item to item, so that encoding allocates little.
fn encode(index: &Index, id: u32, middle: bool, scratch: &mut RepositoryInfo, out: &mut Vec<u8>) {
    let (ns, repo) = index.loaded(id);
    encode_record(&index.dataset, ns, repo, middle, scratch, out);
}

/// `repo` of `ns` in `dataset` as list repositories sends it, up to
/// `"total_range":`: what a changed repository keeps, encoded when it
/// changes.
pub(crate) fn item(dataset: &Dataset, ns: &NamespaceRecord, repo: &RepositoryRecord) -> Vec<u8> {
    let mut out = Vec::with_capacity(640);
    encode_record(
        dataset,
        ns,
        repo,
        true,
        &mut RepositoryInfo::default(),
        &mut out,
    );
    out
}

/// Appends `repo` of `ns` in `dataset`, up to `"total_range":`, as
/// [`encode`] does.
fn encode_record(
    dataset: &Dataset,
    ns: &NamespaceRecord,
    repo: &RepositoryRecord,
    middle: bool,
    scratch: &mut RepositoryInfo,
    out: &mut Vec<u8>,
) {
    fill(scratch, dataset, ns, repo, middle);
    let start = out.len();
    if serde_json::to_writer(&mut *out, &*scratch).is_err() || out.pop() != Some(b'}') {
        // Plain data always encodes to an object; keep the item valid JSON
        // anyway rather than panic.
        out.truncate(start);
        out.extend_from_slice(b"{\"name\":null");
    }
    out.extend_from_slice(TOTAL_RANGE);
}

/// One repository as SWR's list repositories sends it.
#[cfg(test)]
pub(crate) fn repository(
    dataset: &Dataset,
    ns: &NamespaceRecord,
    repo: &RepositoryRecord,
) -> RepositoryInfo {
    let mut out = RepositoryInfo::default();
    fill(&mut out, dataset, ns, repo, true);
    out
}

/// Makes `out` the repository as SWR's list repositories sends it, without
/// `total_range` (written per page), reusing the allocations `out` has.
/// Without `middle`, `path`, `internal_path`, `domain_name` and `namespace`
/// are left empty.
fn fill(
    out: &mut RepositoryInfo,
    dataset: &Dataset,
    ns: &NamespaceRecord,
    repo: &RepositoryRecord,
    middle: bool,
) {
    set(&mut out.name, repo.name.as_str());
    out.category.clone_from(&repo.category);
    set(out.description.get_or_insert_default(), &repo.description);
    out.size = repo.size();
    out.is_public = repo.is_public;
    out.num_images = repo.tags.len() as u64;
    out.num_download = repo.num_download;
    out.created_at.clone_from(&repo.created_at);
    out.updated_at.clone_from(&repo.updated_at);
    out.url.get_or_insert_default().clear();
    for field in [
        &mut out.path,
        &mut out.internal_path,
        &mut out.domain_name,
        &mut out.namespace,
    ] {
        field.clear();
    }
    if middle {
        let parts = [ns.name.as_str(), "/", repo.name.as_str()];
        for (field, registry) in [
            (&mut out.path, &dataset.registry),
            (&mut out.internal_path, &dataset.internal_registry),
        ] {
            field.push_str(registry);
            field.push('/');
            parts.iter().for_each(|part| field.push_str(part));
        }
        out.domain_name.push_str(&dataset.domain_name);
        out.namespace.push_str(ns.name.as_str());
    }
    out.tags.truncate(repo.tags.len());
    for (i, tag) in repo.tags.iter().enumerate() {
        match out.tags.get_mut(i) {
            Some(name) => set(name, &tag.name),
            None => out.tags.push(tag.name.clone()),
        }
    }
    out.status = Some(false);
    out.total_range = None;
}

/// `text`, in the allocation `field` has.
fn set(field: &mut String, text: &str) {
    field.clear();
    field.push_str(text);
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
        dataset.registry = "swr.\"quoted\"\\.example".into();
        dataset.domain_name = "dómain\u{1}".into();
        let index = Index::new(Arc::new(dataset)).unwrap();
        let view = index.read();
        let ids: Vec<u32> = (0..view.len() as u32).rev().collect();
        let want: Vec<RepositoryInfo> = ids
            .iter()
            .map(|&id| {
                let (ns, repo) = view.repo(id);
                let mut item = repository(&index.dataset, ns, repo);
                item.total_range = Some(1234);
                item
            })
            .collect();
        // Small datasets store items whole.
        assert_eq!(index.swr_items.stored(), (view.len(), view.len()));
        let got = index.swr_items.page(&view, &ids, 1234);
        assert_eq!(
            String::from_utf8(got).unwrap(),
            serde_json::to_string(&want).unwrap()
        );
        assert_eq!(index.swr_items.page(&view, &[], 0), b"[]");
        // Compact items put back together give the same bytes.
        let compact = EncodedItems::swr_within(&index, STORED_BYTES, true);
        assert_eq!(compact.stored(), (view.len(), 0));
        assert_eq!(
            String::from_utf8(compact.page(&view, &ids, 1234)).unwrap(),
            serde_json::to_string(&want).unwrap()
        );
        // Items past the stored ones are encoded the same way, on demand,
        // whether the budget ran out in the first half or in the second.
        for budget in [0, 1_000, 2_000] {
            let some = EncodedItems::swr_within(&index, budget, true);
            assert!(some.stored().0 < view.len(), "{budget}");
            let bytes: usize = some.runs.iter().map(|run| run.bytes.len()).sum();
            assert!(bytes <= budget);
            let got = some.page(&view, &ids, 1234);
            assert_eq!(
                String::from_utf8(got).unwrap(),
                serde_json::to_string(&want).unwrap(),
                "{budget}"
            );
        }
    }
}

/// A changed repository is encoded as it is now, not as stored.
#[cfg(test)]
mod changed {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn a_changed_item_is_encoded_as_it_is_now() {
        let index = Index::new(Arc::new(Dataset::demo())).unwrap();
        let nginx = {
            let view = index.read();
            let (_, range) = view.namespace("team").unwrap();
            view.find_id(range, "nginx").unwrap()
        };
        assert_eq!(index.delete_tags("team", "nginx", Some("1.25.2")), Ok(1));
        let view = index.read();
        let page: Vec<RepositoryInfo> =
            serde_json::from_slice(&index.swr_items.page(&view, &[nginx], 1)).unwrap();
        assert_eq!(page[0].tags, ["latest", "1.25.3", "1.24.0"]);
        assert_eq!(page[0].num_images, 3);
        let (ns, repo) = view.repo(nginx);
        let mut want = repository(&index.dataset, ns, repo);
        want.total_range = Some(1);
        assert_eq!(page[0], want);
    }
}
