//! Changing the served catalog in place: deleting tags (SWR's
//! DeleteRepoTag, UHub's DeleteRepoImage) and pushing one (the control
//! route, [`Emulator::push`](crate::Emulator::push)). One dataset serves
//! both APIs, so a change through either is seen by both.
//!
//! Nothing is rebuilt. Under the index's write lock, a change:
//!
//! 1. finds the repository (a binary search in its namespace's run of the
//!    natural order) and, in the orders its keys sort (tag count, updated
//!    time), its place (a binary search each);
//! 2. copies the loaded record into a `RepoState` the first time (its tags'
//!    ids worked out once, then kept per tag), edits it, and encodes its
//!    SWR list item anew, which pages then copy as they copy stored ones;
//! 3. moves the id to its new place in those orders: a rotation of the ids
//!    between the old place and the new, a `memmove` of at most the whole
//!    order (4 MB at a million repositories) and usually much less;
//! 4. drops the cached filtered selections and the copy of the current
//!    dataset, which may be out of date.
//!
//! A push that creates a repository gives it the next id after every
//! repository there is, and inserts it in the natural order and in every
//! order (a binary search and an insertion each). The orders a change does
//! not touch (name, namespace, visibility) are not read.
//!
//! Choices, where the APIs say nothing:
//!
//! - deleting a tag leaves the repository's `updated_at` as it was; a
//!   repository keeps existing with no tags;
//! - a push sets the repository's `updated_at` to the tag's when that is
//!   later; a new tag goes before the first tag that is not newer (newest
//!   first); a pushed tag of an existing name keeps that tag's id;
//! - a repository created by a push is private, in category `other`, with
//!   no description and no downloads, created when its tag was pushed.

use std::cmp::Ordering;

use wharf_model::{Category, ImageRef, RepositoryName, TagName};

use super::dataset::{RepositoryRecord, TagRecord};
use super::encode;
use super::index::{Index, Live, Records, RepoState, Sort, set_bit};

/// What a change could not find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Missing {
    /// No such namespace.
    Namespace,
    /// No such repository in it.
    Repository,
    /// No such tag of it.
    Tag,
}

/// What a push did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pushed {
    /// It created the repository.
    pub(crate) created_repository: bool,
    /// It replaced a tag of the same name.
    pub(crate) replaced_tag: bool,
}

/// Why a tag was not pushed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PushError {
    /// The namespace does not exist: a push creates repositories, never
    /// namespaces.
    #[error("namespace {0:?} does not exist (a push creates repositories, not namespaces)")]
    UnknownNamespace(String),
    /// The tag's name breaks the OCI rule ([`TagName`]).
    #[error("tag: {0}")]
    InvalidTag(String),
    /// The digest is not `sha256:` and 64 lowercase hex digits.
    #[error("digest {0:?} is not `sha256:` and 64 lowercase hex digits")]
    InvalidDigest(String),
}

/// The orders a change of tags can move a repository in: by tag count and
/// by updated time, both ways.
const MOVING: [(Sort, bool); 4] = [
    (Sort::TagCount, false),
    (Sort::TagCount, true),
    (Sort::Updated, false),
    (Sort::Updated, true),
];

/// Checks what a pushed tag must be: a name by the OCI rule, a digest of
/// `sha256:` and 64 lowercase hex digits.
pub(crate) fn check_tag(tag: &TagRecord) -> Result<(), PushError> {
    TagName::new(tag.name.as_str()).map_err(|e| PushError::InvalidTag(e.to_string()))?;
    let hex = tag.digest.strip_prefix("sha256:").unwrap_or_default();
    let lower_hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    if hex.len() != 64 || !hex.bytes().all(lower_hex) {
        return Err(PushError::InvalidDigest(tag.digest.clone()));
    }
    Ok(())
}

/// Where `id` is in `order`, whose ids `before` says sort before it: a
/// binary search, or a scan should the order not be sorted as it should.
fn place(order: &[u32], id: u32, before: impl Fn(u32) -> bool) -> Option<usize> {
    let at = order.partition_point(|&other| before(other));
    if order.get(at) == Some(&id) {
        return Some(at);
    }
    order.iter().position(|&other| other == id)
}

/// Moves the id at `from` in `order` to where it now belongs: `before`
/// says which other ids sort before it now. One rotation of the ids between
/// the two places.
fn reposition(order: &mut [u32], from: usize, before: impl Fn(u32) -> bool) {
    let left = order[..from].partition_point(|&other| before(other));
    let to = if left < from {
        left
    } else {
        from + order[from + 1..].partition_point(|&other| before(other))
    };
    if to > from {
        order[from..=to].rotate_left(1);
    } else if to < from {
        order[to..=from].rotate_right(1);
    }
}

impl Index {
    /// Deletes tag `tag` of `namespace`/`repository`, or every tag of it
    /// when `tag` is `None` (UHub's DeleteRepoImage without `TagName`);
    /// the repository stays, with no tags. The number of tags deleted.
    pub(crate) fn delete_tags(
        &self,
        namespace: &str,
        repository: &str,
        tag: Option<&str>,
    ) -> Result<usize, Missing> {
        let mut live = self.write();
        let n = self
            .namespace_position(namespace)
            .ok_or(Missing::Namespace)?;
        let range = live.ranges[n].clone();
        let id = self
            .find_in(&live, range, repository)
            .ok_or(Missing::Repository)?;
        let repo = self.records(&live).get(id).1;
        let (count, one) = match tag {
            Some(name) => (1, Some(repo.tag_position(name).ok_or(Missing::Tag)?)),
            None => (repo.tag_count(), None),
        };
        if count == 0 {
            return Ok(0);
        }
        self.change(&mut live, id, |record, tag_ids, _| match one {
            Some(position) => {
                record.tags.remove(position);
                tag_ids.remove(position);
            }
            None => {
                record.tags.clear();
                tag_ids.clear();
            }
        });
        Ok(count)
    }

    /// Pushes `tag` to `image`: creates the tag or replaces the one of its
    /// name, creating the repository in its namespace if needed. The tag
    /// must pass [`check_tag`].
    pub(crate) fn push(&self, image: &ImageRef, tag: TagRecord) -> Result<Pushed, PushError> {
        check_tag(&tag)?;
        let namespace = image.namespace.as_str();
        let mut live = self.write();
        let n = self
            .namespace_position(namespace)
            .ok_or_else(|| PushError::UnknownNamespace(namespace.to_owned()))?;
        let range = live.ranges[n].clone();
        let Some(id) = self.find_in(&live, range, image.repository.as_str()) else {
            self.add(&mut live, n, image.repository.clone(), tag);
            return Ok(Pushed {
                created_repository: true,
                replaced_tag: false,
            });
        };
        let mut replaced_tag = false;
        self.change(&mut live, id, |record, tag_ids, next_tag_id| {
            replaced_tag = upsert(record, tag_ids, tag, next_tag_id);
        });
        Ok(Pushed {
            created_repository: false,
            replaced_tag,
        })
    }

    /// Edits repository `id` with `edit` (given its record, unpacked, its
    /// tags' ids and the next tag id), and keeps every order sorted.
    fn change(
        &self,
        live: &mut Live,
        id: u32,
        edit: impl FnOnce(&mut RepositoryRecord, &mut Vec<u64>, &mut u64),
    ) {
        // Where the id is, before the edit moves its keys.
        let records = self.records(live);
        let from = MOVING.map(|(sort, descending)| {
            let order = live.orders.get(&(sort, descending))?;
            place(order, id, |other| {
                records.cmp(sort, descending, other, id) == Ordering::Less
            })
        });
        live.states
            .entry(id)
            .or_insert_with(|| self.loaded_state(id));
        set_bit(&mut live.changed, id);
        let Live {
            states,
            next_tag_id,
            orders,
            changed,
            ..
        } = live;
        if let Some(state) = states.get_mut(&id) {
            let n = state.ns as usize;
            let mut record = self.store().view(n, &state.record).to_record();
            edit(&mut record, &mut state.tag_ids, next_tag_id);
            state.record = self.store().pack_alone(n, &record);
            self.encode(state);
        }
        let records = Records::new(self, states, changed);
        for ((sort, descending), from) in MOVING.into_iter().zip(from) {
            let (Some(from), Some(order)) = (from, orders.get_mut(&(sort, descending))) else {
                continue;
            };
            reposition(order, from, |other| {
                records.cmp(sort, descending, other, id) == Ordering::Less
            });
        }
        invalidate(live);
    }

    /// Loaded repository `id`'s state before any change: its record and its
    /// tags' ids as they were worked out.
    fn loaded_state(&self, id: u32) -> RepoState {
        let (n, _) = self.position(id);
        let loaded = self.loaded(id).1;
        let tag_ids = (0..loaded.tag_count())
            .map(|position| self.loaded_tag_id(id, position))
            .collect();
        RepoState {
            ns: n as u32,
            record: self.store().pack_alone(n, &loaded.to_record()),
            tag_ids,
            swr_item: Vec::new(),
        }
    }

    /// Encodes `state`'s SWR list item, as pages copy it.
    fn encode(&self, state: &mut RepoState) {
        let repo = self.store().view(state.ns as usize, &state.record);
        state.swr_item = encode::item(self, state.ns as usize, repo);
    }

    /// Creates repository `name` in the namespace at position `n`, with
    /// `tag`: the next id, inserted in the natural order and every order.
    fn add(&self, live: &mut Live, n: usize, name: RepositoryName, tag: TagRecord) {
        let id = (self.loaded_len() as u32).saturating_add(live.added);
        live.added += 1;
        let mut record = RepositoryRecord::new(name, Category::Other, tag.updated_at.clone());
        record.tags.push(tag);
        let tag_ids = vec![live.next_tag_id];
        live.next_tag_id += 1;
        let mut state = RepoState {
            ns: n as u32,
            record: self.store().pack_alone(n, &record),
            tag_ids,
            swr_item: Vec::new(),
        };
        self.encode(&mut state);
        live.states.insert(id, state);
        set_bit(&mut live.changed, id);
        let Live {
            states,
            changed,
            natural,
            ranges,
            orders,
            ..
        } = live;
        let records = Records::new(self, states, changed);
        let name = records.get(id).1.name();
        // Until now the positions were the ids: 0..id.
        let natural = natural.get_or_insert_with(|| (0..id).collect());
        let range = ranges[n].clone();
        let within = natural[range.start as usize..range.end as usize]
            .partition_point(|&other| records.get(other).1.name() < name);
        natural.insert(range.start as usize + within, id);
        let rank = self.ns_rank(n);
        for (m, range) in ranges.iter_mut().enumerate() {
            if m == n {
                range.end += 1;
            } else if self.ns_rank(m) > rank {
                range.start += 1;
                range.end += 1;
            }
        }
        for (&(sort, descending), order) in orders.iter_mut() {
            let at = order.partition_point(|&other| {
                records.cmp(sort, descending, other, id) == Ordering::Less
            });
            order.insert(at, id);
        }
        invalidate(live);
    }
}

/// After a change: the cached selections and the copy of the current
/// dataset may be out of date.
fn invalidate(live: &mut Live) {
    live.cache
        .get_mut()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clear();
    *live
        .current
        .get_mut()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = std::sync::Weak::new();
}

/// Puts `tag` in `state`, replacing the tag of its name (whose id it
/// keeps) or as a new tag (the next id): before the first tag that is not
/// newer. The repository's `updated_at` becomes the tag's when later.
/// Whether a tag was replaced.
fn upsert(
    record: &mut RepositoryRecord,
    tag_ids: &mut Vec<u64>,
    tag: TagRecord,
    next_tag_id: &mut u64,
) -> bool {
    let tags = &mut record.tags;
    let old = tags.iter().position(|t| t.name == tag.name);
    let id = match old {
        Some(position) => {
            tags.remove(position);
            tag_ids.remove(position)
        }
        None => {
            let id = *next_tag_id;
            *next_tag_id += 1;
            id
        }
    };
    let when = tag.updated_at.instant();
    let at = tags
        .iter()
        .position(|t| t.updated_at.instant() <= when)
        .unwrap_or(tags.len());
    if when > record.updated_at.instant() {
        record.updated_at = tag.updated_at.clone();
    }
    record.tags.insert(at, tag);
    tag_ids.insert(at, id);
    old.is_some()
}

#[cfg(test)]
mod tests {
    use wharf_model::{OrderColumn, OrderType, RepositoryQuery, Timestamp};

    use super::*;
    use crate::data::{Dataset, GenerateOptions, NamespaceRecord};

    fn when(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn digest(n: u64) -> String {
        format!("sha256:{n:064x}")
    }

    /// Every order of `index` equals a stable sort of its natural order by
    /// the column, as the loaded orders do (see `precomputed_orders_match_a_stable_sort`).
    fn assert_sorted(index: &Index) {
        let view = index.read();
        let natural = view.natural(0..view.len() as u32).page(0, u64::MAX);
        let mut sorted_natural = natural.clone();
        sorted_natural.sort_by(|&a, &b| {
            let ((na, a), (nb, b)) = (record(&view, a), record(&view, b));
            na.name.cmp(&nb.name).then(a.name.cmp(&b.name))
        });
        assert_eq!(natural, sorted_natural, "natural order");
        for column in OrderColumn::ALL {
            for order_type in [OrderType::Asc, OrderType::Desc] {
                let mut q = RepositoryQuery::default();
                q.order_column = Some(*column);
                q.order_type = Some(order_type);
                let got = view.select(&q).page(0, u64::MAX);
                let mut want = natural.clone();
                want.sort_by(|&a, &b| {
                    let ((na, a), (nb, b)) = (record(&view, a), record(&view, b));
                    let primary = match column {
                        OrderColumn::Name => a.name.cmp(&b.name),
                        OrderColumn::TagCount => a.tags.len().cmp(&b.tags.len()),
                        OrderColumn::Namespace => na.name.cmp(&nb.name),
                        OrderColumn::IsPublic => a.is_public.cmp(&b.is_public),
                        _ => a.updated_at.instant().cmp(&b.updated_at.instant()),
                    };
                    match order_type {
                        OrderType::Desc => primary.reverse(),
                        _ => primary,
                    }
                });
                assert_eq!(got, want, "{column:?} {order_type:?}");
            }
        }
    }

    /// Repository `id` of `view` and its namespace, as records.
    fn record(view: &crate::data::View<'_>, id: u32) -> (NamespaceRecord, RepositoryRecord) {
        let (ns, repo) = view.repo(id);
        (ns.clone(), repo.to_record())
    }

    fn generated() -> Index {
        let options = GenerateOptions {
            namespaces: 3,
            repositories: 90,
            tags_per_repository: 4,
            official_images: 0,
            seed: 5,
        };
        Index::new(Dataset::generate(&options).unwrap()).unwrap()
    }

    #[test]
    fn deletes_keep_every_order_sorted_and_tag_ids_stable() {
        let index = generated();
        let (ns, repo, ids) = {
            let view = index.read();
            let (ns, repo) = record(&view, 40);
            let ids: Vec<u64> = (0..repo.tags.len()).map(|p| view.tag_id(40, p)).collect();
            (ns.name.to_string(), repo.clone(), ids)
        };
        let second = repo.tags[1].name.clone();
        assert_eq!(
            index.delete_tags(&ns, repo.name.as_str(), Some(&second)),
            Ok(1)
        );
        assert_sorted(&index);
        {
            let view = index.read();
            let now = record(&view, 40).1;
            assert_eq!(now.tags.len(), repo.tags.len() - 1);
            let kept: Vec<u64> = (0..now.tags.len()).map(|p| view.tag_id(40, p)).collect();
            assert_eq!(kept, [ids[0], ids[2], ids[3]]);
            // The next repository's tags keep theirs.
            assert_eq!(view.tag_id(41, 0), ids[3] + 1);
        }
        assert_eq!(
            index.delete_tags(&ns, repo.name.as_str(), Some(&second)),
            Err(Missing::Tag)
        );
        assert_eq!(index.delete_tags(&ns, repo.name.as_str(), None), Ok(3));
        assert_eq!(index.delete_tags(&ns, repo.name.as_str(), None), Ok(0));
        assert_eq!(record(&index.read(), 40).1.tags.len(), 0);
        assert_sorted(&index);
        assert_eq!(
            index.delete_tags("nope", "x", None),
            Err(Missing::Namespace)
        );
        assert_eq!(
            index.delete_tags(&ns, "nope", None),
            Err(Missing::Repository)
        );
        // Many deletes, all over: still sorted.
        for id in (0..90).step_by(7) {
            let (ns, name, tag) = {
                let view = index.read();
                let (ns, repo) = record(&view, id);
                let tag = repo.tags.first().map(|t| t.name.clone());
                (ns.name.to_string(), repo.name.to_string(), tag)
            };
            let _ = index.delete_tags(&ns, &name, tag.as_deref());
        }
        assert_sorted(&index);
        let current = index.read().current();
        assert_eq!(current.repository_count(), 90);
        let tags: usize = current.repositories().map(|(_, r)| r.tags.len()).sum();
        let view = index.read();
        let live: usize = (0..90).map(|id| record(&view, id).1.tags.len()).sum();
        assert_eq!(tags, live);
    }

    #[test]
    fn pushes_create_and_replace_and_keep_orders_sorted() {
        let index = generated();
        let (ns, name) = {
            let view = index.read();
            let (ns, repo) = record(&view, 10);
            (ns.name.clone(), repo.name.clone())
        };
        let image = ImageRef::new(ns.clone(), name.clone());
        let tag = TagRecord::new("pushed", 7, digest(1), when("2030-01-01T00:00:00Z"));
        let pushed = index.push(&image, tag.clone()).unwrap();
        assert_eq!(
            pushed,
            Pushed {
                created_repository: false,
                replaced_tag: false
            }
        );
        let first_id = {
            let view = index.read();
            let repo = record(&view, 10).1;
            assert_eq!(repo.tags[0].name, "pushed");
            assert_eq!(repo.latest_tag().unwrap().name, "pushed");
            assert_eq!(repo.updated_at, tag.updated_at);
            view.tag_id(10, 0)
        };
        assert_eq!(first_id, 90 * 4 + 1);
        assert_sorted(&index);
        // Again: replaced, same id, older now.
        let older = TagRecord::new("pushed", 8, digest(2), when("2001-01-01T00:00:00Z"));
        assert!(index.push(&image, older).unwrap().replaced_tag);
        {
            let view = index.read();
            let repo = record(&view, 10).1;
            let at = repo.tags.iter().position(|t| t.name == "pushed").unwrap();
            assert_eq!(at, repo.tags.len() - 1);
            assert_eq!(view.tag_id(10, at), first_id);
        }
        // New repositories, in the middle and at the ends of namespaces.
        for (i, new) in ["0000-first", "m-middle", "zzzz-last", "a/b/c"]
            .iter()
            .enumerate()
        {
            let image = ImageRef::new(ns.clone(), RepositoryName::new(*new).unwrap());
            let tag = TagRecord::new("v1", 1, digest(10 + i as u64), when("2024-01-01T00:00:00Z"));
            assert!(index.push(&image, tag).unwrap().created_repository);
            assert_sorted(&index);
        }
        let view = index.read();
        assert_eq!(view.len(), 94);
        let (_, range) = view.namespace(ns.as_str()).unwrap();
        assert_eq!(range.len(), 34);
        let id = view.find_id(range, "m-middle").unwrap();
        assert_eq!(id, 91);
        assert_eq!(view.tag_id(id, 0), first_id + 2);
        drop(view);
        // A repository pushed into being can lose its tags too.
        assert_eq!(
            index.delete_tags(ns.as_str(), "m-middle", Some("v1")),
            Ok(1)
        );
        assert_sorted(&index);
        let current = index.read().current();
        assert_eq!(current.repository_count(), 94);
        current.validate().unwrap();
        // A namespace is never created; bad tags are refused.
        let elsewhere = ImageRef::new("nowhere".parse().unwrap(), name.clone());
        assert_eq!(
            index.push(&elsewhere, tag.clone()),
            Err(PushError::UnknownNamespace("nowhere".into()))
        );
        let bad = TagRecord::new("-x", 1, digest(1), when("2024-01-01T00:00:00Z"));
        assert!(matches!(
            index.push(&image, bad),
            Err(PushError::InvalidTag(_))
        ));
        let bad = TagRecord::new("v2", 1, "sha256:XY", when("2024-01-01T00:00:00Z"));
        assert!(matches!(
            index.push(&image, bad),
            Err(PushError::InvalidDigest(_))
        ));
    }

    #[test]
    fn a_rotation_moves_one_id() {
        let mut order = [1, 2, 3, 4, 5];
        reposition(&mut order, 0, |other| other <= 3);
        assert_eq!(order, [2, 3, 1, 4, 5]);
        reposition(&mut order, 2, |other| other < 2);
        assert_eq!(order, [1, 2, 3, 4, 5]);
        reposition(&mut order, 4, |_| false);
        assert_eq!(order, [5, 1, 2, 3, 4]);
        reposition(&mut order, 0, |_| true);
        assert_eq!(order, [1, 2, 3, 4, 5]);
        assert_eq!(place(&order, 3, |other| other < 3), Some(2));
        assert_eq!(place(&order, 3, |_| true), Some(2));
        assert_eq!(place(&order, 9, |_| true), None);
    }
}
