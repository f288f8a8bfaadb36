//! A dataset with everything a listing needs worked out once, when it is
//! loaded or replaced: every repository's place in every order, each
//! namespace's slice, and each repository's SWR JSON. A list request then
//! costs what its page costs, whatever its offset and order.
//!
//! A repository's *id* is its position in the natural order (namespace name,
//! then repository name) when the dataset was loaded. Namespaces are
//! contiguous in that order, so a namespace is a range of positions.
//!
//! What is worked out when the dataset is loaded never changes (the
//! [`Index`]'s own fields); what a delete or a push changes is the
//! [`Live`] part, behind one lock, and is changed in place, never rebuilt
//! (see [`change`](super::change)):
//!
//! - a changed repository's record is kept beside the loaded one (its
//!   `RepoState`), found through a bit per id, so an unchanged repository
//!   costs one bit test more to read;
//! - the orders stay sorted by moving the one changed id (a binary search
//!   and a rotation, a `memmove` of the ids between its old and new place);
//! - a repository pushed into a namespace gets the next id, after every
//!   loaded one, and is inserted in the natural order (which is then held
//!   as a list of ids instead of being the ids themselves) and in every
//!   order;
//! - tag ids are worked out from the loaded counts for unchanged
//!   repositories, and kept per tag for changed ones, so the ids of the
//!   tags that remain never change;
//! - the filtered selections cached for paging are dropped.
//!
//! A request reads through a [`View`] (the read lock, for the time it takes
//! to answer), so it sees one state from start to end.

use std::cmp::Ordering;
use std::collections::{HashMap, VecDeque};
use std::ops::Range;
use std::sync::{Arc, Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard, Weak};

use wharf_model::{Category, Center, OrderColumn, OrderType, RepositoryQuery};

use super::dataset::{Dataset, NamespaceRecord, RepositoryRecord, repositories_of};
use super::encode::EncodedItems;
use super::file::DatasetError;
use super::generate::{self, GenerateError, GenerateOptions};
use super::store::{Repo, Segment, Store};

/// The orders a listing can ask for, besides the natural one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Sort {
    Name,
    Updated,
    TagCount,
    NamespaceName,
    IsPublic,
}

impl Sort {
    pub(super) const ALL: [Sort; 5] = [
        Sort::Name,
        Sort::Updated,
        Sort::TagCount,
        Sort::NamespaceName,
        Sort::IsPublic,
    ];

    /// The sort for a query's `order_column`; a column added to the model
    /// later sorts like no column at all (the natural order).
    fn of(column: OrderColumn) -> Option<Sort> {
        match column {
            OrderColumn::Name => Some(Sort::Name),
            OrderColumn::UpdatedTime | OrderColumn::UpdatedAt => Some(Sort::Updated),
            OrderColumn::TagCount => Some(Sort::TagCount),
            OrderColumn::Namespace => Some(Sort::NamespaceName),
            OrderColumn::IsPublic => Some(Sort::IsPublic),
            _ => None,
        }
    }
}

/// An order: a sort and its direction, or the natural order (`None`).
type Order = Option<(Sort, bool)>;

/// The repositories a query selects, in order, before paging.
#[derive(Debug, Clone)]
pub(crate) enum Selection<'a> {
    /// A run of natural positions: the whole dataset or one namespace, in
    /// natural order. The positions are the ids themselves until a
    /// repository is pushed; then the ids at those positions of the natural
    /// order, the list given.
    Natural(Range<u32>, Option<&'a [u32]>),
    /// A precomputed order, or part of one.
    Listed(&'a [u32]),
    /// A filtered selection, computed once and cached.
    Cached(Arc<[u32]>),
}

impl Selection<'_> {
    /// How many repositories it holds.
    pub(crate) fn len(&self) -> usize {
        match self {
            Selection::Natural(range, _) => range.len(),
            Selection::Listed(ids) => ids.len(),
            Selection::Cached(ids) => ids.len(),
        }
    }

    /// The ids of one page: `limit` from `offset`, fewer at the end.
    pub(crate) fn page(&self, offset: u64, limit: u64) -> Vec<u32> {
        let span = page_span(self.len(), offset, limit);
        match self {
            Selection::Natural(range, None) => {
                (range.start + span.start as u32..range.start + span.end as u32).collect()
            }
            Selection::Natural(range, Some(natural)) => {
                let start = range.start as usize;
                natural
                    .get(start + span.start..start + span.end)
                    .unwrap_or_default()
                    .to_vec()
            }
            Selection::Listed(ids) => ids[span].to_vec(),
            Selection::Cached(ids) => ids[span].to_vec(),
        }
    }
}

/// The items of one page: `limit` items from `offset`, fewer at the end.
pub(crate) fn page<T>(items: &[T], offset: u64, limit: u64) -> &[T] {
    &items[page_span(items.len(), offset, limit)]
}

/// The positions of one page among `len` items: `limit` from `offset`.
pub(crate) fn page_span(len: usize, offset: u64, limit: u64) -> Range<usize> {
    let start = usize::try_from(offset).unwrap_or(usize::MAX).min(len);
    let count = usize::try_from(limit).unwrap_or(usize::MAX);
    start..start.saturating_add(count).min(len)
}

/// The filters of a query that a precomputed order cannot answer; with the
/// order, the key of a cached selection.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Filter {
    namespace: Option<String>,
    name: Option<String>,
    category: Option<Category>,
    is_public: Option<bool>,
    order: Order,
}

/// Filtered selections, kept while they fit in a budget; the oldest go
/// first. A paginator repeats one query with another offset, so after its
/// first page every page is a slice.
///
/// Each entry is charged what it holds: its ids, its key's text (held
/// twice: in the map and in the age queue) and a fixed overhead, so that a
/// client sending ever new filters that match nothing cannot grow it.
pub(super) struct Cache {
    entries: HashMap<Filter, Arc<[u32]>>,
    age: VecDeque<Filter>,
    /// Bytes charged in all.
    bytes: usize,
}

/// At most this many bytes are cached: 32 MiB.
const CACHE_BYTES: usize = 32 << 20;

/// What an entry is charged besides its ids and its key's text.
const ENTRY_OVERHEAD: usize = 256;

impl Filter {
    /// The bytes of text the key holds.
    fn text_len(&self) -> usize {
        let text = |s: &Option<String>| s.as_ref().map_or(0, String::len);
        let category = self.category.as_ref().map_or(0, |c| c.as_str().len());
        text(&self.namespace) + text(&self.name) + category
    }
}

impl Cache {
    fn new() -> Cache {
        Cache {
            entries: HashMap::new(),
            age: VecDeque::new(),
            bytes: 0,
        }
    }

    /// Drops every entry: after a change, a cached selection may be wrong.
    pub(super) fn clear(&mut self) {
        self.entries.clear();
        self.age.clear();
        self.bytes = 0;
    }

    fn get(&self, key: &Filter) -> Option<Arc<[u32]>> {
        self.entries.get(key).cloned()
    }

    /// What `key` with `ids` is charged.
    fn charge(key: &Filter, ids: &[u32]) -> usize {
        ids.len() * 4 + key.text_len() * 2 + ENTRY_OVERHEAD
    }

    fn put(&mut self, key: Filter, ids: Arc<[u32]>) {
        let charge = Cache::charge(&key, &ids);
        if charge > CACHE_BYTES || self.entries.contains_key(&key) {
            return;
        }
        while self.bytes + charge > CACHE_BYTES {
            let Some(oldest) = self.age.pop_front() else {
                break;
            };
            if let Some(gone) = self.entries.remove(&oldest) {
                self.bytes -= Cache::charge(&oldest, &gone);
            }
        }
        self.bytes += charge;
        self.age.push_back(key.clone());
        self.entries.insert(key, ids);
    }
}

/// A dataset, indexed: what was worked out when it was loaded, and behind
/// a lock, what deletes and pushes have changed since ([`Live`]).
pub(crate) struct Index {
    /// The dataset as loaded, without its repositories (each namespace's
    /// list is empty): its tenant, registries, namespaces and official
    /// images. The repositories are in `store`; [`View::current`] puts them
    /// back, with the changes.
    pub(crate) dataset: Dataset,
    /// The repositories as loaded, packed, a segment a namespace.
    store: Store,
    /// By namespace position, the first loaded id of its repositories: a
    /// loaded id's record is `id - first[n]` in its namespace's segment.
    first: Vec<u32>,
    /// (namespace, repository) positions in the dataset, by loaded id.
    repos: Vec<(u32, u32)>,
    /// Namespace name to its position in the dataset.
    namespaces: HashMap<String, usize>,
    /// Namespace positions, by name.
    namespaces_by_name: Vec<usize>,
    /// By namespace position, its place in name order.
    ns_rank: Vec<u32>,
    /// By loaded id, how many tags the repositories before it held when the
    /// dataset was loaded: with a tag's position in its repository, a tag
    /// id unique in the dataset, without storing one per tag. A changed
    /// repository keeps its tags' ids in its [`RepoState`] instead.
    tags_before: Vec<u64>,
    /// Each loaded repository's SWR JSON, by id (a changed one is encoded
    /// when a page holds it).
    pub(crate) swr_items: EncodedItems,
    /// What deletes and pushes change.
    pub(super) live: RwLock<Live>,
}

/// The part of an index that deletes and pushes change, in place.
pub(super) struct Live {
    /// By namespace position, its run of natural positions.
    pub(super) ranges: Vec<Range<u32>>,
    /// The ids in natural order, once a repository was pushed into a
    /// namespace; before that, `None`: the positions are the ids.
    pub(super) natural: Option<Vec<u32>>,
    /// Ids in each order: `[sort][descending]`.
    pub(super) orders: HashMap<(Sort, bool), Vec<u32>>,
    /// The repositories changed or pushed since loading, by id.
    pub(super) states: HashMap<u32, RepoState>,
    /// One bit an id: whether it has a [`RepoState`].
    pub(super) changed: Vec<u64>,
    /// How many repositories were pushed into being: they have the ids
    /// after the loaded ones.
    pub(super) added: u32,
    /// The id the next new tag gets.
    pub(super) next_tag_id: u64,
    /// Filtered selections, for paging.
    pub(super) cache: Mutex<Cache>,
    /// The dataset with the changes put back, while a caller holds it.
    pub(super) current: Mutex<Weak<Dataset>>,
}

/// A repository as deletes and pushes left it.
#[derive(Debug, Clone)]
pub(super) struct RepoState {
    /// Its namespace's position in the dataset.
    pub(super) ns: u32,
    /// The record, with its tags now, packed ([`Store::pack_alone`]).
    pub(super) record: Vec<u8>,
    /// Each tag's id, by its position in `record.tags`.
    pub(super) tag_ids: Vec<u64>,
    /// Its SWR list item, up to `"total_range":`, encoded when it changed.
    pub(super) swr_item: Vec<u8>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("repositories", &self.repos.len())
            .finish_non_exhaustive()
    }
}

/// Whether bit `id` is set in `bits`.
fn bit(bits: &[u64], id: u32) -> bool {
    bits.get((id / 64) as usize)
        .is_some_and(|word| word >> (id % 64) & 1 == 1)
}

/// Sets bit `id` in `bits`, growing it as needed.
pub(super) fn set_bit(bits: &mut Vec<u64>, id: u32) {
    let word = (id / 64) as usize;
    if bits.len() <= word {
        bits.resize(word + 1, 0);
    }
    bits[word] |= 1 << (id % 64);
}

/// The repositories as they are now: the loaded records, and the changed
/// ones in their place.
#[derive(Clone, Copy)]
pub(super) struct Records<'a> {
    index: &'a Index,
    states: &'a HashMap<u32, RepoState>,
    changed: &'a [u64],
}

impl<'a> Records<'a> {
    pub(super) fn new(
        index: &'a Index,
        states: &'a HashMap<u32, RepoState>,
        changed: &'a [u64],
    ) -> Self {
        Records {
            index,
            states,
            changed,
        }
    }

    /// Repository `id` now: its namespace's position, and its record.
    pub(super) fn get(self, id: u32) -> (usize, Repo<'a>) {
        if bit(self.changed, id) {
            if let Some(state) = self.states.get(&id) {
                let n = state.ns as usize;
                return (n, self.index.store.view(n, &state.record));
            }
        }
        self.index.loaded(id)
    }

    /// Whether `a` sorts before, with or after `b` in order `sort`
    /// (`descending` or not): the column, then the natural order (namespace
    /// name, then repository name), as the loaded orders are sorted.
    pub(super) fn cmp(self, sort: Sort, descending: bool, a: u32, b: u32) -> Ordering {
        let ((na, ra), (nb, rb)) = (self.get(a), self.get(b));
        let rank = &self.index.ns_rank;
        let primary = match sort {
            Sort::Name => ra.name().cmp(rb.name()),
            Sort::Updated => ra.updated_at().instant().cmp(&rb.updated_at().instant()),
            Sort::TagCount => ra.tag_count().cmp(&rb.tag_count()),
            Sort::NamespaceName => rank[na].cmp(&rank[nb]),
            Sort::IsPublic => ra.is_public().cmp(&rb.is_public()),
        };
        let primary = if descending {
            primary.reverse()
        } else {
            primary
        };
        primary
            .then_with(|| rank[na].cmp(&rank[nb]))
            .then_with(|| ra.name().cmp(rb.name()))
    }
}

impl Index {
    /// Indexes `dataset`: packs its repositories ([`Store`]), dropping
    /// each namespace's records once packed, sorts them every way a listing
    /// can ask for and, for a small dataset, encodes every repository once.
    ///
    /// Checks what [`Dataset::validate`] checks (a repository name used
    /// twice in a namespace is found while sorting the names); when a
    /// dataset breaks more than one rule, the one named may differ.
    pub(crate) fn new(mut dataset: Dataset) -> Result<Index, DatasetError> {
        dataset.validate_but_repositories(false)?;
        let mut packed = Vec::with_capacity(dataset.namespaces.len());
        for ns in &mut dataset.namespaces {
            let records = std::mem::take(&mut ns.repositories);
            let name = |r: u32| records[r as usize].name.as_str();
            // Repositories already in name order (as generated ones are)
            // are only checked, not sorted.
            let in_order = records
                .windows(2)
                .all(|pair| pair[0].name.as_str() < pair[1].name.as_str());
            let members = match in_order {
                true => (0..records.len() as u32).collect(),
                false => by_name(records.len(), |r| name(r as u32)),
            };
            if let Some(pair) = members.windows(2).find(|p| name(p[0]) == name(p[1])) {
                return Err(DatasetError::Duplicate {
                    what: repositories_of(ns),
                    name: name(pair[0]).to_owned(),
                });
            }
            let mut namespace = Packed::with_capacity(records.len());
            for &r in &members {
                namespace.push(&records[r as usize], r);
            }
            // The records go now: the store holds what is served.
            drop(records);
            namespace.segment.shrink_to_fit();
            packed.push(namespace);
        }
        Ok(Index::assemble(dataset, packed))
    }

    /// Generates the dataset `options` describe ([`Dataset::generate`])
    /// and indexes it, without holding its records: each namespace's
    /// repositories are packed as they are generated (a namespace on each
    /// core), one record alive at a time. The same index as
    /// `Index::new(Dataset::generate(options)?)`.
    pub(crate) fn generate(options: &GenerateOptions) -> Result<Index, GenerateError> {
        let dataset = generate::shell(options)?;
        let packed = generate::each_namespace(&dataset, |index, ns| {
            let count = generate::share(options.repositories, options.namespaces, index);
            let mut namespace = Packed::with_capacity(count);
            // Generated in name order, each name once (a test checks).
            for (r, record) in generate::generated(options, index, ns).enumerate() {
                namespace.push(&record, r as u32);
            }
            namespace.segment.shrink_to_fit();
            namespace
        });
        Ok(Index::assemble(dataset, packed))
    }

    /// The index of `dataset`, its namespaces' repositories `packed` (by
    /// namespace position, each in name order) and gone from `dataset`.
    fn assemble(dataset: Dataset, packed: Vec<Packed>) -> Index {
        let mut namespaces_by_name: Vec<usize> = (0..dataset.namespaces.len()).collect();
        namespaces_by_name.sort_by(|&a, &b| {
            dataset.namespaces[a]
                .name
                .as_str()
                .cmp(dataset.namespaces[b].name.as_str())
        });
        let mut ns_rank = vec![0; dataset.namespaces.len()];
        for (rank, &n) in namespaces_by_name.iter().enumerate() {
            ns_rank[n] = rank as u32;
        }
        let count: usize = packed.iter().map(|p| p.positions.len()).sum();
        let mut repos = Vec::with_capacity(count);
        let mut keys = Keys::with_capacity(count);
        let mut namespaces = HashMap::with_capacity(dataset.namespaces.len());
        let mut ranges = vec![0..0; dataset.namespaces.len()];
        let mut first = vec![0; dataset.namespaces.len()];
        let mut segments: Vec<Option<Segment>> = Vec::with_capacity(packed.len());
        let mut packed: Vec<Option<Packed>> = packed.into_iter().map(Some).collect();
        // Ids in natural order: namespaces by name, each one's
        // repositories by name.
        for &n in &namespaces_by_name {
            let start = repos.len() as u32;
            if let Some(namespace) = packed.get_mut(n).and_then(Option::take) {
                repos.extend(namespace.positions.iter().map(|&r| (n as u32, r)));
                keys.append(namespace.keys);
                segments.push(Some(namespace.segment));
            } else {
                segments.push(None);
            }
            namespaces.insert(dataset.namespaces[n].name.to_string(), n);
            first[n] = start;
            ranges[n] = start..repos.len() as u32;
        }
        // The segments by namespace position, as the store holds them.
        let mut by_position: Vec<Segment> = Vec::new();
        by_position.resize_with(dataset.namespaces.len(), Segment::default);
        for (&n, segment) in namespaces_by_name.iter().zip(segments) {
            if let Some(segment) = segment {
                by_position[n] = segment;
            }
        }
        let count = repos.len();
        let mut index = Index {
            swr_items: EncodedItems::default(),
            tags_before: Vec::new(),
            store: Store::new(by_position),
            first,
            repos,
            namespaces,
            namespaces_by_name,
            ns_rank,
            dataset,
            live: RwLock::new(Live {
                ranges,
                natural: None,
                orders: HashMap::new(),
                states: HashMap::new(),
                changed: vec![0; count.div_ceil(64)],
                added: 0,
                next_tag_id: 1,
                cache: Mutex::new(Cache::new()),
                current: Mutex::new(Weak::new()),
            }),
        };
        let mut total = 0u64;
        index.tags_before = keys
            .tags
            .iter()
            .map(|&count| {
                let here = total;
                total = total.saturating_add(u64::from(count));
                here
            })
            .collect();
        // Sorting and encoding are independent: one on each of two cores.
        let (orders, items) = std::thread::scope(|scope| {
            let orders = scope.spawn(|| index.orders(&keys));
            let items = EncodedItems::swr(&index);
            (orders.join(), items)
        });
        let orders = orders.unwrap_or_else(|_| index.orders(&keys));
        index.swr_items = items;
        let live = index.live.get_mut().unwrap_or_else(PoisonError::into_inner);
        live.orders = orders;
        live.next_tag_id = total.saturating_add(1);
        index
    }

    /// Every id in every order: one sort (or a counting pass) per column
    /// ascending; descending is derived from it.
    fn orders(&self, keys: &Keys) -> HashMap<(Sort, bool), Vec<u32>> {
        let both = |sort| {
            let ranks = self.ranks(sort, keys);
            let ascending = ordered(&ranks);
            let descending = reversed_groups(&ascending, &ranks);
            [((sort, false), ascending), ((sort, true), descending)]
        };
        // Names, the longest sort, on a core of their own.
        let (names, others) = std::thread::scope(|scope| {
            let names = scope.spawn(|| both(Sort::Name));
            let others: Vec<_> = Sort::ALL
                .into_iter()
                .filter(|&sort| sort != Sort::Name)
                .flat_map(both)
                .collect();
            (names.join(), others)
        });
        let names = names.unwrap_or_else(|_| both(Sort::Name));
        names.into_iter().chain(others).collect()
    }

    /// The current state, to read: held until the view is dropped, so a
    /// request sees one state from start to end, and a change waits for it.
    pub(crate) fn read(&self) -> View<'_> {
        View {
            index: self,
            live: self.live.read().unwrap_or_else(PoisonError::into_inner),
        }
    }

    /// The current state, to change.
    pub(super) fn write(&self) -> RwLockWriteGuard<'_, Live> {
        self.live.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// The store the loaded repositories are packed in.
    pub(super) fn store(&self) -> &Store {
        &self.store
    }

    /// How many repositories the dataset held when it was loaded: the
    /// loaded ids are below it.
    pub(crate) fn loaded_len(&self) -> usize {
        self.repos.len()
    }

    /// Loaded repository `id` as it was loaded, and its namespace's
    /// position in the dataset.
    pub(crate) fn loaded(&self, id: u32) -> (usize, Repo<'_>) {
        let (n, _) = self.position(id);
        let local = id.saturating_sub(self.first.get(n).copied().unwrap_or(0));
        (n, self.store.get(n, local as usize))
    }

    /// Loaded repository `id`'s name, read alone.
    fn loaded_name(&self, id: u32) -> &str {
        let (n, _) = self.position(id);
        let local = id.saturating_sub(self.first.get(n).copied().unwrap_or(0));
        std::str::from_utf8(self.store.name(n, local as usize)).unwrap_or_default()
    }

    /// The position in the dataset of loaded repository `id`'s namespace,
    /// and of the repository in it.
    pub(crate) fn position(&self, id: u32) -> (usize, usize) {
        let (n, r) = self.repos[id as usize];
        (n as usize, r as usize)
    }

    /// The position in the dataset of the namespace called `name`.
    pub(super) fn namespace_position(&self, name: &str) -> Option<usize> {
        self.namespaces.get(name).copied()
    }

    /// The place of namespace position `n` in name order.
    pub(super) fn ns_rank(&self, n: usize) -> u32 {
        self.ns_rank[n]
    }

    /// The repositories of `live`.
    pub(super) fn records<'a>(&'a self, live: &'a Live) -> Records<'a> {
        Records::new(self, &live.states, &live.changed)
    }

    /// The id at natural position `position` in `live`.
    fn at(live: &Live, position: u32) -> u32 {
        match &live.natural {
            None => position,
            Some(natural) => natural[position as usize],
        }
    }

    /// The id of the repository called `name` among the natural positions
    /// `range` of `live` (a namespace's, which are sorted by name): a
    /// binary search, not a scan.
    pub(super) fn find_in(&self, live: &Live, range: Range<u32>, name: &str) -> Option<u32> {
        let records = self.records(live);
        let (mut low, mut high) = (range.start, range.end);
        while low < high {
            let middle = low + (high - low) / 2;
            let id = Index::at(live, middle);
            match records.get(id).1.name().cmp(name) {
                Ordering::Less => low = middle + 1,
                Ordering::Greater => high = middle,
                Ordering::Equal => return Some(id),
            }
        }
        None
    }

    /// The id of tag `position` of loaded repository `id`, as loaded.
    pub(super) fn loaded_tag_id(&self, id: u32, position: usize) -> u64 {
        let before = self.tags_before.get(id as usize).copied().unwrap_or(0);
        before.saturating_add(position as u64).saturating_add(1)
    }

    /// Every id's rank under `sort`, as loaded: equal keys, equal ranks; a
    /// lower rank sorts first ascending.
    fn ranks(&self, sort: Sort, keys: &Keys) -> Vec<u64> {
        match sort {
            Sort::Updated => dense_ranks(&keys.updated),
            Sort::TagCount => keys.tags.iter().map(|&n| u64::from(n)).collect(),
            Sort::IsPublic => keys.public.iter().map(|&p| u64::from(p)).collect(),
            Sort::NamespaceName => self
                .repos
                .iter()
                .map(|&(n, _)| u64::from(self.ns_rank[n as usize]))
                .collect(),
            Sort::Name => {
                let name = |id: usize| self.loaded_name(id as u32);
                let sorted = sorted_by_name(&keys.prefix, name);
                let mut ranks = vec![0; sorted.len()];
                let mut rank = 0;
                for pair in 0..sorted.len() {
                    let (previous, id) = (sorted[pair.saturating_sub(1)], sorted[pair]);
                    let differs = keys.prefix[previous as usize] != keys.prefix[id as usize]
                        || name(previous as usize) != name(id as usize);
                    if pair > 0 && differs {
                        rank += 1;
                    }
                    ranks[id as usize] = rank;
                }
                ranks
            }
        }
    }
}

/// The dataset as it is now, to read while the view is held.
pub(crate) struct View<'a> {
    index: &'a Index,
    live: RwLockReadGuard<'a, Live>,
}

impl std::fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("View")
            .field("repositories", &self.len())
            .finish_non_exhaustive()
    }
}

impl View<'_> {
    fn records(&self) -> Records<'_> {
        self.index.records(&self.live)
    }

    /// The dataset as loaded: its tenant, registries, namespaces and
    /// official images, which no change touches (its repositories may be
    /// out of date: read them through [`repo`](Self::repo)).
    pub(crate) fn dataset(&self) -> &Dataset {
        &self.index.dataset
    }

    /// How many repositories the dataset holds now.
    pub(crate) fn len(&self) -> usize {
        self.index.repos.len() + self.live.added as usize
    }

    /// The repository with this id, and its namespace, as they are now.
    pub(crate) fn repo(&self, id: u32) -> (&NamespaceRecord, Repo<'_>) {
        let (n, repo) = self.records().get(id);
        (&self.index.dataset.namespaces[n], repo)
    }

    /// The repository with this id as it is now, and the position of its
    /// namespace in the dataset.
    pub(crate) fn repo_position(&self, id: u32) -> (usize, Repo<'_>) {
        self.records().get(id)
    }

    /// The index it reads.
    pub(crate) fn index(&self) -> &Index {
        self.index
    }

    /// Whether repository `id` changed since loading (or was pushed into
    /// being): its stored SWR JSON, if any, is out of date.
    pub(crate) fn is_changed(&self, id: u32) -> bool {
        bit(&self.live.changed, id)
    }

    /// Repository `id`'s SWR list item as encoded when it last changed (up
    /// to `"total_range":`), if it changed.
    pub(crate) fn changed_item(&self, id: u32) -> Option<&[u8]> {
        self.live
            .states
            .get(&id)
            .map(|state| state.swr_item.as_slice())
    }

    /// The namespace called `name`, and its natural positions.
    pub(crate) fn namespace(&self, name: &str) -> Option<(&NamespaceRecord, Range<u32>)> {
        let n = self.index.namespace_position(name)?;
        Some((
            &self.index.dataset.namespaces[n],
            self.live.ranges[n].clone(),
        ))
    }

    /// The repository called `name` among the natural positions `range` (a
    /// namespace's): a binary search, not a scan.
    pub(crate) fn find(&self, range: Range<u32>, name: &str) -> Option<Repo<'_>> {
        self.find_id(range, name).map(|id| self.repo(id).1)
    }

    /// The id of the repository called `name` among `range`, as [`find`](Self::find).
    pub(crate) fn find_id(&self, range: Range<u32>, name: &str) -> Option<u32> {
        self.index.find_in(&self.live, range, name)
    }

    /// The id of the tag at `position` in repository `id`'s tags: stable
    /// while the tag exists, whatever is deleted or pushed around it.
    pub(crate) fn tag_id(&self, id: u32, position: usize) -> u64 {
        match self.live.states.get(&id).filter(|_| self.is_changed(id)) {
            Some(state) => state.tag_ids.get(position).copied().unwrap_or(0),
            None => self.index.loaded_tag_id(id, position),
        }
    }

    /// The place of namespace `name` in name order, from 0: a binary
    /// search.
    pub(crate) fn namespace_rank(&self, name: &str) -> Option<usize> {
        let index = self.index;
        index
            .namespaces_by_name
            .binary_search_by(|&n| index.dataset.namespaces[n].name.as_str().cmp(name))
            .ok()
    }

    /// Namespaces by name.
    pub(crate) fn namespaces_by_name(&self) -> impl Iterator<Item = &NamespaceRecord> {
        let index = self.index;
        index
            .namespaces_by_name
            .iter()
            .map(|&n| &index.dataset.namespaces[n])
    }

    /// The natural positions `range` (a namespace's, or all of them) as a
    /// selection.
    pub(crate) fn natural(&self, range: Range<u32>) -> Selection<'_> {
        Selection::Natural(range, self.live.natural.as_deref())
    }

    /// The ids at the natural positions `range`, in order.
    fn natural_ids(&self, range: Range<u32>) -> impl Iterator<Item = u32> + '_ {
        range.map(|position| Index::at(&self.live, position))
    }

    /// The dataset as it is now, its repositories unpacked: each in its
    /// place in its namespace's list as loaded, the changed ones as they
    /// are now, and those pushed into being at the end of their
    /// namespace's list. Made when asked for, and kept only while a caller
    /// holds it (a million repositories are about 600 MB as records): the
    /// same `Arc` until every copy is dropped, or the dataset changes.
    pub(crate) fn current(&self) -> Arc<Dataset> {
        let mut slot = self
            .live
            .current
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(current) = slot.upgrade() {
            return current;
        }
        let index = self.index;
        let mut dataset = index.dataset.clone();
        let mut lists: Vec<Vec<Option<RepositoryRecord>>> = Vec::new();
        lists.resize_with(dataset.namespaces.len(), Vec::new);
        for (n, range) in self.live.ranges.iter().enumerate() {
            lists[n].resize_with(range.len(), || None);
        }
        let records = self.records();
        for id in 0..index.repos.len() as u32 {
            let (n, r) = index.position(id);
            if let Some(slot) = lists[n].get_mut(r) {
                *slot = Some(records.get(id).1.to_record());
            }
        }
        for (ns, list) in dataset.namespaces.iter_mut().zip(lists) {
            ns.repositories = list.into_iter().flatten().collect();
        }
        for id in index.repos.len() as u32..self.len() as u32 {
            let (n, repo) = records.get(id);
            dataset.namespaces[n].repositories.push(repo.to_record());
        }
        let current = Arc::new(dataset);
        *slot = Arc::downgrade(&current);
        current
    }

    /// The repositories `query` selects, sorted, before paging.
    ///
    /// - `center::thirdparty` selects nothing: the emulated tenant has no
    ///   repositories shared by others.
    /// - `namespace` and `category` match exactly, `name` is a substring match.
    /// - Without `order_column`, the order is namespace then name, ascending;
    ///   `order_type` defaults to ascending. Ties keep that natural order.
    pub(crate) fn select(&self, query: &RepositoryQuery) -> Selection<'_> {
        if query.center == Some(Center::ThirdParty) {
            return Selection::Listed(&[]);
        }
        let descending = query.order_type == Some(OrderType::Desc);
        let order = query
            .order_column
            .and_then(Sort::of)
            .map(|sort| (sort, descending));
        let only_namespace =
            query.name.is_none() && query.category.is_none() && query.is_public.is_none();
        match (&query.namespace, order) {
            (None, None) if only_namespace => return self.natural(0..self.len() as u32),
            (None, Some(order)) if only_namespace => {
                return Selection::Listed(self.order(order));
            }
            (Some(name), None) if only_namespace => {
                let range = self.namespace(name).map_or(0..0, |(_, range)| range);
                return self.natural(range);
            }
            _ => {}
        }
        let filter = Filter {
            namespace: query.namespace.clone(),
            name: query.name.clone(),
            category: query.category.clone(),
            is_public: query.is_public,
            order,
        };
        let cache = |c: &Mutex<Cache>| {
            c.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(&filter)
        };
        if let Some(ids) = cache(&self.live.cache) {
            return Selection::Cached(ids);
        }
        let ids: Arc<[u32]> = self.filtered(&filter).collect();
        self.live
            .cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .put(filter, ids.clone());
        Selection::Cached(ids)
    }

    /// The ids in `order`.
    fn order(&self, order: (Sort, bool)) -> &[u32] {
        self.live.orders.get(&order).map_or(&[], Vec::as_slice)
    }

    /// Scans the smallest precomputed list that holds the answer.
    fn filtered<'a>(&'a self, filter: &'a Filter) -> Box<dyn Iterator<Item = u32> + 'a> {
        let keep = move |&id: &u32| {
            let (ns, repo) = self.repo(id);
            filter
                .namespace
                .as_deref()
                .is_none_or(|n| ns.name.as_str() == n)
                && filter
                    .name
                    .as_deref()
                    .is_none_or(|n| repo.name().contains(n))
                && filter
                    .category
                    .as_ref()
                    .is_none_or(|c| repo.category() == c)
                && filter.is_public.is_none_or(|p| repo.is_public() == p)
        };
        match (filter.order, &filter.namespace) {
            (Some(order), _) => Box::new(self.order(order).iter().copied().filter(keep)),
            (None, Some(name)) => {
                let range = self.namespace(name).map_or(0..0, |(_, range)| range);
                Box::new(self.natural_ids(range).filter(keep))
            }
            (None, None) => Box::new(self.natural_ids(0..self.len() as u32).filter(keep)),
        }
    }
}

/// The positions `0..count` sorted by `name` (bytewise), ties by position.
///
/// Each name's first 32 bytes, packed big-endian into integers, decide
/// most comparisons without touching the string itself: a million names,
/// each on the heap, sort without a cache miss per comparison.
pub(crate) fn by_name<'a>(count: usize, name: impl Fn(usize) -> &'a str) -> Vec<u32> {
    let prefixes: Vec<Prefix> = (0..count).map(|i| prefix(name(i))).collect();
    sorted_by_name(&prefixes, name)
}

/// A name's first 32 bytes, packed big-endian in two integers, zero-padded.
type Prefix = (u128, u128);

/// A name's [`Prefix`]: comparing two of them compares the names'
/// beginnings bytewise, and most names are shorter than 32 bytes.
fn prefix(name: &str) -> Prefix {
    let mut bytes = [0u8; 32];
    let head = &name.as_bytes()[..name.len().min(32)];
    bytes[..head.len()].copy_from_slice(head);
    let (high, low) = bytes.split_at(16);
    let pack = |half: &[u8]| u128::from_be_bytes(half.try_into().unwrap_or_default());
    (pack(high), pack(low))
}

/// [`by_name`], with each name's [`prefix`] worked out already.
fn sorted_by_name<'a>(prefixes: &[Prefix], name: impl Fn(usize) -> &'a str) -> Vec<u32> {
    let mut keyed: Vec<(Prefix, u32)> = prefixes.iter().zip(0..).map(|(&p, i)| (p, i)).collect();
    // A stable sort finds runs already in order (the namespaces of a
    // dataset, each sorted by name) and merges them; the position breaks
    // ties, so the result is the one an unstable sort would give.
    keyed.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| name(a.1 as usize).cmp(name(b.1 as usize)))
            .then(a.1.cmp(&b.1))
    });
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// One namespace's repositories, packed in name order: the segment, their
/// positions in the namespace's list as given, and their keys.
pub(crate) struct Packed {
    segment: Segment,
    positions: Vec<u32>,
    keys: Keys,
}

impl Packed {
    fn with_capacity(count: usize) -> Packed {
        Packed {
            segment: Segment::with_capacity(count),
            positions: Vec::with_capacity(count),
            keys: Keys::with_capacity(count),
        }
    }

    /// Packs `record`, at position `r` in its namespace's list.
    fn push(&mut self, record: &RepositoryRecord, r: u32) {
        self.segment.push(record);
        self.keys.push(record);
        self.positions.push(r);
    }
}

/// What the orders sort by, for every id, read from each record as it is
/// packed.
struct Keys {
    prefix: Vec<Prefix>,
    updated: Vec<i128>,
    tags: Vec<u32>,
    public: Vec<bool>,
}

impl Keys {
    fn with_capacity(count: usize) -> Keys {
        Keys {
            prefix: Vec::with_capacity(count),
            updated: Vec::with_capacity(count),
            tags: Vec::with_capacity(count),
            public: Vec::with_capacity(count),
        }
    }

    /// Appends `other`'s keys, emptying it.
    fn append(&mut self, mut other: Keys) {
        self.prefix.append(&mut other.prefix);
        self.updated.append(&mut other.updated);
        self.tags.append(&mut other.tags);
        self.public.append(&mut other.public);
    }

    /// The keys of the next id, `repo`.
    fn push(&mut self, repo: &RepositoryRecord) {
        self.prefix.push(prefix(repo.name.as_str()));
        self.updated.push(repo.updated_at.instant().as_nanosecond());
        self.tags
            .push(u32::try_from(repo.tags.len()).unwrap_or(u32::MAX));
        self.public.push(repo.is_public);
    }
}

/// Each value's rank among `values`: equal values, equal ranks; a lower
/// rank for a lower value. Any instant jiff can hold ranks in order.
fn dense_ranks(values: &[i128]) -> Vec<u64> {
    let mut by_value: Vec<u32> = (0..values.len() as u32).collect();
    by_value.sort_unstable_by_key(|&id| (values[id as usize], id));
    let mut ranks = vec![0; values.len()];
    let mut rank = 0;
    for pair in 0..by_value.len() {
        let id = by_value[pair] as usize;
        if pair > 0 && values[by_value[pair - 1] as usize] != values[id] {
            rank += 1;
        }
        ranks[id] = rank;
    }
    ranks
}

/// Ids sorted by rank, ties by id: a stable sort of the natural order,
/// without comparing records. Ranks below the number of ids (tag counts,
/// booleans, namespaces, names) take a counting pass, not a sort.
fn ordered(ranks: &[u64]) -> Vec<u32> {
    let max = ranks.iter().copied().max().unwrap_or(0);
    if max < ranks.len() as u64 {
        return counting_order(ranks, max as usize);
    }
    let mut ids: Vec<u32> = (0..ranks.len() as u32).collect();
    ids.sort_unstable_by_key(|&id| (ranks[id as usize], id));
    ids
}

/// A stable counting sort of the ids by rank (every rank at most `max`).
fn counting_order(ranks: &[u64], max: usize) -> Vec<u32> {
    let mut starts = vec![0usize; max + 2];
    for &rank in ranks {
        starts[rank as usize + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut ids = vec![0; ranks.len()];
    for (id, &rank) in ranks.iter().enumerate() {
        ids[starts[rank as usize]] = id as u32;
        starts[rank as usize] += 1;
    }
    ids
}

/// The descending order from the ascending one: the runs of equal rank in
/// reverse, each run still by id (ties keep the natural order both ways).
fn reversed_groups(ascending: &[u32], ranks: &[u64]) -> Vec<u32> {
    let rank = |position: usize| ranks[ascending[position] as usize];
    let mut out = Vec::with_capacity(ascending.len());
    let mut end = ascending.len();
    while end > 0 {
        let mut start = end - 1;
        while start > 0 && rank(start - 1) == rank(end - 1) {
            start -= 1;
        }
        out.extend_from_slice(&ascending[start..end]);
        end = start;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(index: &View<'_>, selection: &Selection<'_>) -> Vec<String> {
        selection
            .page(0, u64::MAX)
            .into_iter()
            .map(|id| {
                let (ns, r) = index.repo(id);
                format!("{}/{}", ns.name, r.name())
            })
            .collect()
    }

    fn query() -> RepositoryQuery {
        RepositoryQuery::default()
    }

    #[test]
    fn filters_and_orders() {
        let demo = Index::new(Dataset::demo()).unwrap();
        let demo = demo.read();
        let mut q = query();
        q.namespace = Some("team".into());
        q.name = Some("a".into());
        assert_eq!(
            names(&demo, &demo.select(&q)),
            ["team/api/gateway", "team/payments"]
        );
        let mut q = query();
        q.category = Some(Category::Linux);
        q.order_column = Some(OrderColumn::TagCount);
        q.order_type = Some(OrderType::Desc);
        assert_eq!(
            names(&demo, &demo.select(&q)),
            ["team/nginx", "public-tools/curl", "public-tools/jq"]
        );
        q.center = Some(Center::ThirdParty);
        assert_eq!(demo.select(&q).len(), 0);
        let mut q = query();
        q.is_public = Some(true);
        assert_eq!(demo.select(&q).len(), 4);
    }

    /// Every precomputed order equals a stable sort of the natural order by
    /// the column, ascending and descending, with and without filters.
    #[test]
    fn precomputed_orders_match_a_stable_sort() {
        let options = crate::data::GenerateOptions {
            namespaces: 4,
            repositories: 600,
            tags_per_repository: 0,
            official_images: 0,
            seed: 3,
        };
        let mut dataset = Dataset::generate(&options).unwrap();
        // Give tag counts and names some ties.
        for (i, repo) in dataset.namespaces[1].repositories.iter_mut().enumerate() {
            repo.tags = dataset_tags(i % 3);
        }
        // Times far outside the usual years, and ties, keep their order.
        let far = [
            "1850-01-01T00:00:00Z",
            "1800-01-01T00:00:00Z",
            "2600-01-01T00:00:00Z",
        ];
        let far = far
            .iter()
            .chain(&["2500-01-01T00:00:00Z", "1800-01-01T00:00:00Z"]);
        for (repo, when) in dataset.namespaces[2].repositories.iter_mut().zip(far) {
            repo.updated_at = when.parse().unwrap();
        }
        let index = Index::new(dataset).unwrap();
        let index = index.read();
        let natural: Vec<u32> = (0..index.len() as u32).collect();
        for column in OrderColumn::ALL {
            for order_type in [None, Some(OrderType::Asc), Some(OrderType::Desc)] {
                let second = index.namespaces_by_name().nth(1).unwrap().name.to_string();
                for namespace in [None, Some(second.as_str())] {
                    let mut q = query();
                    q.order_column = Some(*column);
                    q.order_type = order_type;
                    q.namespace = namespace.map(str::to_owned);
                    let got = index.select(&q).page(0, u64::MAX);
                    let mut want: Vec<u32> = natural
                        .iter()
                        .copied()
                        .filter(|&id| namespace.is_none_or(|n| index.repo(id).0.name.as_str() == n))
                        .collect();
                    want.sort_by(|&a, &b| {
                        let primary = by_column(*column, &index, a, b);
                        if order_type == Some(OrderType::Desc) {
                            primary.reverse()
                        } else {
                            primary
                        }
                    });
                    assert_eq!(got, want, "{column:?} {order_type:?} {namespace:?}");
                }
            }
        }
    }

    fn dataset_tags(count: usize) -> Vec<crate::data::TagRecord> {
        (0..count)
            .map(|i| {
                crate::data::TagRecord::new(
                    format!("v{i}"),
                    1,
                    "sha256:00",
                    "2024-01-01T00:00:00Z".parse().unwrap(),
                )
            })
            .collect()
    }

    fn by_column(column: OrderColumn, index: &View<'_>, a: u32, b: u32) -> std::cmp::Ordering {
        let ((na, a), (nb, b)) = (index.repo(a), index.repo(b));
        match column {
            OrderColumn::Name => a.name().cmp(b.name()),
            OrderColumn::UpdatedTime | OrderColumn::UpdatedAt => {
                a.updated_at().instant().cmp(&b.updated_at().instant())
            }
            OrderColumn::TagCount => a.tag_count().cmp(&b.tag_count()),
            OrderColumn::Namespace => na.name.cmp(&nb.name),
            OrderColumn::IsPublic => a.is_public().cmp(&b.is_public()),
            _ => std::cmp::Ordering::Equal,
        }
    }

    /// Generating into the index gives the index of the generated dataset:
    /// the same records, ids and orders.
    #[test]
    fn generating_into_the_index_is_indexing_the_generated_dataset() {
        for (namespaces, repositories, tags) in [(4, 300, 2), (1, 50, 0), (3, 0, 1)] {
            let options = crate::data::GenerateOptions {
                namespaces,
                repositories,
                tags_per_repository: tags,
                official_images: 3,
                seed: 11,
            };
            let dataset = Dataset::generate(&options).unwrap();
            let given = Index::new(dataset.clone()).unwrap();
            let generated = Index::generate(&options).unwrap();
            let (given, generated) = (given.read(), generated.read());
            assert_eq!(*generated.current(), dataset);
            assert_eq!(*given.current(), dataset);
            assert_eq!(generated.len(), given.len());
            for column in OrderColumn::ALL {
                let mut q = query();
                q.order_column = Some(*column);
                assert_eq!(
                    generated.select(&q).page(0, u64::MAX),
                    given.select(&q).page(0, u64::MAX)
                );
            }
            let ids: Vec<u32> = (0..given.len() as u32).collect();
            assert_eq!(
                generated.index().swr_items.page(&generated, &ids, 7),
                given.index().swr_items.page(&given, &ids, 7)
            );
        }
    }

    /// Where the bytes of a generated dataset with one tag a repository go,
    /// per repository (`cargo test -p wharf-emulator --lib footprint --
    /// --ignored --nocapture`): the profile behind docs/benchmarks.md's
    /// memory figures.
    #[test]
    #[ignore = "a profile, not a check: about a minute unoptimized"]
    fn footprint() {
        let options = crate::data::GenerateOptions {
            namespaces: 10,
            repositories: 200_000,
            tags_per_repository: 1,
            official_images: 10,
            seed: 1,
        };
        let index = Index::generate(&options).unwrap();
        let count = index.loaded_len() as f64;
        let (records, starts) = index.store.footprint();
        let live = index.live.read().unwrap();
        let orders: usize = live.orders.values().map(|o| o.capacity() * 4).sum();
        let parts = [
            ("packed records", records),
            ("their starts", starts),
            ("(namespace, position) by id", index.repos.capacity() * 8),
            ("tags before each id", index.tags_before.capacity() * 8),
            ("the ten orders", orders),
            ("changed bits", live.changed.capacity() * 8),
        ];
        let total: usize = parts.iter().map(|p| p.1).sum();
        for (what, bytes) in parts {
            println!("{what}: {:.1} bytes a repository", bytes as f64 / count);
        }
        println!("in all: {:.1} bytes a repository", total as f64 / count);
    }

    /// The index finds what `Dataset::validate` finds.
    #[test]
    fn duplicate_repositories_are_refused_while_indexing() {
        let mut dataset = Dataset::demo();
        let copy = dataset.namespaces[1].repositories[2].clone();
        dataset.namespaces[1].repositories.push(copy);
        let want = dataset.validate().unwrap_err().to_string();
        let got = Index::new(dataset).unwrap_err().to_string();
        assert_eq!(got, want);
        assert_eq!(
            got,
            r#"dataset: duplicate repository in namespace "ml-lab" "notebooks""#
        );
    }

    /// The prefix-keyed sort is a plain stable sort by name.
    #[test]
    fn names_sort_bytewise_with_ties_by_position() {
        let long = "services/scheduler-with-a-long-name";
        let names = [
            format!("{long}-2"),
            "a".to_owned(),
            format!("{long}-10"),
            "ab".to_owned(),
            "a".to_owned(),
            format!("{long}-2"),
            "a/b".to_owned(),
            "a-b".to_owned(),
            String::new(),
        ];
        let got = by_name(names.len(), |i| names[i].as_str());
        let mut want: Vec<u32> = (0..names.len() as u32).collect();
        want.sort_by(|&a, &b| names[a as usize].cmp(&names[b as usize]));
        assert_eq!(got, want);
    }

    #[test]
    fn pages_never_overrun() {
        let items = [1, 2, 3, 4, 5];
        assert_eq!(page(&items, 0, 2), [1, 2]);
        assert_eq!(page(&items, 4, 2), [5]);
        assert!(page(&items, 9, 2).is_empty());
        assert!(page(&items, u64::MAX, u64::MAX).is_empty());
        assert_eq!(page(&items, 1, u64::MAX), [2, 3, 4, 5]);
        assert_eq!(page_span(5, 0, 2), 0..2);
        assert_eq!(page_span(5, 4, 2), 4..5);
        assert_eq!(page_span(5, 9, 2), 5..5);
        assert_eq!(page_span(5, u64::MAX, u64::MAX), 5..5);
        assert_eq!(page_span(5, 1, u64::MAX), 1..5);
    }

    #[test]
    fn the_cache_keeps_to_its_budget() {
        let mut cache = Cache::new();
        let key = |n: &str| Filter {
            namespace: Some(n.into()),
            name: None,
            category: None,
            is_public: None,
            order: None,
        };
        let third: Arc<[u32]> = vec![0; CACHE_BYTES / 4 / 3].into();
        cache.put(key("a"), third.clone());
        cache.put(key("b"), third.clone());
        cache.put(key("c"), third.clone());
        cache.put(key("d"), third);
        assert!(cache.get(&key("a")).is_none());
        assert!(cache.get(&key("d")).is_some());
        assert!(cache.bytes <= CACHE_BYTES);
        // Ever new filters that match nothing are charged too: the cache
        // stays within its budget however many there are.
        let long = "x".repeat(10_000);
        for i in 0..10_000 {
            cache.put(key(&format!("{long}{i}")), Arc::from(Vec::new()));
        }
        assert!(cache.bytes <= CACHE_BYTES, "{}", cache.bytes);
        assert!(cache.entries.len() < 2_000, "{}", cache.entries.len());
    }
}
