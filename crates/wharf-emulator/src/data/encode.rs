//! Each repository's SWR JSON, as list repositories sends it, written from
//! its packed record ([`Repo`]) when a page holds it, or for a dataset of
//! up to [`WHOLE_UP_TO`] repositories, once when it is indexed, so that a
//! page costs one copy per item.
//!
//! An item is written field by field from the record, its texts copied as
//! they are (a record whose texts need no JSON escape, as almost every one
//! is: [`Repo::is_plain`]) and its timestamps as the JSON serde wrote for
//! them when it was packed; the middle, `"url":"","path":"REGISTRY/NS/NAME",
//! "internal_path":"...","domain_name":"...","namespace":"NS",`, is put
//! together from pieces worked out once per namespace. A record that needs
//! an escape is written through serde. Either way the bytes are exactly
//! what serializing `wharf_model::RepositoryInfo` gives (a test compares
//! whole pages with serde's). A repository changed since loading (a tag
//! deleted or pushed) is encoded whole when it changes, and kept with its
//! new record ([`item`]).

use wharf_model::RepositoryInfo;

use super::index::{Index, View};
use super::store::Repo;

/// Up to this many repositories, items are written once and stored whole:
/// a page is then one copy per item, the fastest there is, for about 500
/// bytes each (50 MB for the most). Larger datasets write each item when a
/// page holds it, from its record.
const WHOLE_UP_TO: usize = 100_000;

/// The last field, written per page.
const TOTAL_RANGE: &[u8] = b",\"total_range\":";
/// The fields that start the middle.
const URL_PATH: &[u8] = b"\"url\":\"\",\"path\":\"";
/// The end of every item, before `"total_range"`.
const END_TOTAL_RANGE: &[u8] = b",\"status\":false,\"total_range\":";

/// The items stored whole, by id from 0, back to back.
#[derive(Debug, Default)]
struct Run {
    bytes: Vec<u8>,
    /// Where each item ends in `bytes`; it starts where the previous one
    /// ends.
    ends: Vec<u32>,
}

impl Run {
    /// Item `id`, if stored.
    fn item(&self, id: u32) -> Option<&[u8]> {
        let id = id as usize;
        let end = *self.ends.get(id)? as usize;
        let start = match id {
            0 => 0,
            _ => self.ends[id - 1] as usize,
        };
        Some(&self.bytes[start..end])
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

/// What list repositories pages are written from: the middles, and for a
/// small dataset every item whole.
#[derive(Debug, Default)]
pub(crate) struct EncodedItems {
    whole: Run,
    middle: Middle,
}

impl EncodedItems {
    /// The middles of `index`'s namespaces and, for a dataset of up to
    /// [`WHOLE_UP_TO`] repositories, every item whole.
    pub(crate) fn swr(index: &Index) -> EncodedItems {
        EncodedItems::swr_with(index, index.loaded_len() <= WHOLE_UP_TO)
    }

    /// [`swr`](Self::swr), storing items whole or not as `whole` says.
    fn swr_with(index: &Index, whole: bool) -> EncodedItems {
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
        if whole {
            let mut run = Run::default();
            let mut scratch = RepositoryInfo::default();
            for id in 0..index.loaded_len() as u32 {
                let (n, _) = index.position(id);
                let (_, repo) = index.loaded(id);
                encoded.write_repo(index, n, repo, &mut scratch, &mut run.bytes);
                if u32::try_from(run.bytes.len()).is_err() {
                    // Past 4 GiB the rest are written when a page holds them.
                    break;
                }
                run.ends.push(run.bytes.len() as u32);
            }
            run.bytes
                .truncate(run.ends.last().map_or(0, |&end| end as usize));
            run.bytes.shrink_to_fit();
            run.ends.shrink_to_fit();
            encoded.whole = run;
        }
        encoded
    }

    /// Writes the middle of repository `name` (JSON-escaped) in the
    /// namespace at position `n` of the dataset.
    fn write_middle(&self, n: usize, name: &[u8], out: &mut Vec<u8>) {
        let Some([path, internal_path, rest]) = self.middle.pieces.get(n) else {
            return;
        };
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
        let mut scratch = RepositoryInfo::default();
        out.push(b'[');
        for &id in ids {
            self.write_item(view, id, &mut scratch, &mut out);
            out.extend_from_slice(after);
        }
        // The last comma closes the array instead.
        match out.last_mut() {
            Some(last @ b',') => *last = b']',
            _ => out.push(b']'),
        }
        out
    }

    /// Writes item `id` up to `"total_range":`: stored, or written now
    /// from its record, or as encoded when it changed.
    fn write_item(
        &self,
        view: &View<'_>,
        id: u32,
        scratch: &mut RepositoryInfo,
        out: &mut Vec<u8>,
    ) {
        if view.is_changed(id) {
            if let Some(item) = view.changed_item(id).filter(|item| !item.is_empty()) {
                return out.extend_from_slice(item);
            }
        } else if let Some(item) = self.whole.item(id) {
            return out.extend_from_slice(item);
        }
        let (n, repo) = view.repo_position(id);
        self.write_repo(view.index(), n, repo, scratch, out);
    }

    /// Writes `repo` of the namespace at position `n` of `index`'s dataset,
    /// up to `"total_range":`: field by field when it is plain, else
    /// through serde (`scratch` is the model it reuses).
    fn write_repo(
        &self,
        index: &Index,
        n: usize,
        repo: Repo<'_>,
        scratch: &mut RepositoryInfo,
        out: &mut Vec<u8>,
    ) {
        if !repo.is_plain() {
            return encode_record(index, n, repo, scratch, out);
        }
        let name = repo.name_bytes();
        out.extend_from_slice(b"{\"name\":\"");
        out.extend_from_slice(name);
        out.extend_from_slice(repo.category_json());
        out.extend_from_slice(repo.description_bytes());
        out.extend_from_slice(b"\",\"size\":");
        out.extend_from_slice(repo.size_text());
        out.extend_from_slice(match repo.is_public() {
            true => b",\"is_public\":true,\"num_images\":",
            false => b",\"is_public\":false,\"num_images\":",
        });
        number(out, repo.tag_count() as u64);
        out.extend_from_slice(b",\"num_download\":");
        out.extend_from_slice(repo.num_download_text());
        out.extend_from_slice(b",\"created_at\":");
        out.extend_from_slice(repo.created_at().json());
        out.extend_from_slice(b",\"updated_at\":");
        out.extend_from_slice(repo.updated_at().json());
        out.push(b',');
        self.write_middle(n, name, out);
        out.extend_from_slice(b"\"tags\":[");
        for (i, name) in repo.tag_names().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.push(b'"');
            out.extend_from_slice(name);
            out.push(b'"');
        }
        out.push(b']');
        out.extend_from_slice(END_TOTAL_RANGE);
    }

    /// How many items are stored whole.
    #[cfg(test)]
    fn stored(&self) -> usize {
        self.whole.ends.len()
    }
}

/// Appends `n` in decimal.
fn number(out: &mut Vec<u8>, mut n: u64) {
    if n < 10 {
        return out.push(b'0' + n as u8);
    }
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
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

/// `repo` of the namespace at position `n` of `index`'s dataset as list
/// repositories sends it, up to `"total_range":`: what a changed
/// repository keeps, encoded when it changes.
pub(crate) fn item(index: &Index, n: usize, repo: Repo<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(640);
    encode_record(index, n, repo, &mut RepositoryInfo::default(), &mut out);
    out
}

/// Appends `repo` of the namespace at position `n`, up to
/// `"total_range":`, through serde.
fn encode_record(
    index: &Index,
    n: usize,
    repo: Repo<'_>,
    scratch: &mut RepositoryInfo,
    out: &mut Vec<u8>,
) {
    fill(scratch, index, n, repo);
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
pub(crate) fn repository(index: &Index, n: usize, repo: Repo<'_>) -> RepositoryInfo {
    let mut out = RepositoryInfo::default();
    fill(&mut out, index, n, repo);
    out
}

/// Makes `out` the repository as SWR's list repositories sends it, without
/// `total_range` (written per page), reusing the allocations `out` has.
fn fill(out: &mut RepositoryInfo, index: &Index, n: usize, repo: Repo<'_>) {
    let dataset = &index.dataset;
    let ns = dataset.namespaces[n].name.as_str();
    set(&mut out.name, repo.name());
    out.category.clone_from(repo.category());
    set(out.description.get_or_insert_default(), repo.description());
    out.size = repo.size();
    out.is_public = repo.is_public();
    out.num_images = repo.tag_count() as u64;
    out.num_download = repo.num_download();
    out.created_at = repo.created_at().timestamp();
    out.updated_at = repo.updated_at().timestamp();
    out.url.get_or_insert_default().clear();
    for field in [
        &mut out.path,
        &mut out.internal_path,
        &mut out.domain_name,
        &mut out.namespace,
    ] {
        field.clear();
    }
    let parts = [ns, "/", repo.name()];
    for (field, registry) in [
        (&mut out.path, &dataset.registry),
        (&mut out.internal_path, &dataset.internal_registry),
    ] {
        field.push_str(registry);
        field.push('/');
        parts.iter().for_each(|part| field.push_str(part));
    }
    out.domain_name.push_str(&dataset.domain_name);
    out.namespace.push_str(ns);
    out.tags.truncate(repo.tag_count());
    for (i, tag) in repo.tags().enumerate() {
        match out.tags.get_mut(i) {
            Some(name) => set(name, tag.name()),
            None => out.tags.push(tag.name().to_owned()),
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
    use super::*;
    use crate::data::{Dataset, GenerateOptions};

    /// A page of `index`, stored whole or written from the records, is byte
    /// for byte what serde gives for the same items with their
    /// `total_range`.
    fn assert_pages_equal_serde(index: &Index) {
        let view = index.read();
        let ids: Vec<u32> = (0..view.len() as u32).rev().collect();
        let want: Vec<RepositoryInfo> = ids
            .iter()
            .map(|&id| {
                let (n, repo) = view.repo_position(id);
                let mut item = repository(index, n, repo);
                item.total_range = Some(1234);
                item
            })
            .collect();
        let want = serde_json::to_string(&want).unwrap();
        let got = index.swr_items.page(&view, &ids, 1234);
        assert_eq!(String::from_utf8(got).unwrap(), want);
        for whole in [false, true] {
            let items = EncodedItems::swr_with(index, whole);
            assert_eq!(items.stored(), if whole { view.len() } else { 0 });
            let got = items.page(&view, &ids, 1234);
            assert_eq!(String::from_utf8(got).unwrap(), want, "whole: {whole}");
        }
        assert_eq!(index.swr_items.page(&view, &[], 0), b"[]");
    }

    #[test]
    fn pages_equal_serialized_models() {
        let mut dataset = Dataset::demo();
        // Text that needs escaping survives.
        dataset.namespaces[0].repositories[0].description = "a \"quoted\"\n\u{7f} é".into();
        dataset.namespaces[0].repositories[1].tags[0].name = "back\\slash".into();
        dataset.namespaces[1].repositories[0].category = "odd\"one".into();
        dataset.namespaces[1].repositories[1].created_at =
            wharf_model::Timestamp::from_unix_seconds(1_718_454_896).unwrap();
        dataset.registry = "swr.\"quoted\"\\.example".into();
        dataset.domain_name = "dómain\u{1}".into();
        let index = Index::new(dataset).unwrap();
        // Small datasets store items whole.
        assert_eq!(index.swr_items.stored(), index.read().len());
        assert_pages_equal_serde(&index);
        let options = GenerateOptions {
            namespaces: 3,
            repositories: 200,
            tags_per_repository: 3,
            official_images: 0,
            seed: 4,
        };
        assert_pages_equal_serde(&Index::new(Dataset::generate(&options).unwrap()).unwrap());
    }

    #[test]
    fn numbers_are_decimal() {
        for n in [0, 7, 10, 99, 1_234_567, u64::MAX] {
            let mut out = Vec::new();
            number(&mut out, n);
            assert_eq!(out, n.to_string().as_bytes());
        }
    }
}

/// A changed repository is encoded as it is now, not as stored.
#[cfg(test)]
mod changed {
    use super::*;
    use crate::data::Dataset;

    #[test]
    fn a_changed_item_is_encoded_as_it_is_now() {
        let index = Index::new(Dataset::demo()).unwrap();
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
        let (n, repo) = view.repo_position(nginx);
        let mut want = repository(&index, n, repo);
        want.total_range = Some(1);
        assert_eq!(page[0], want);
    }
}
