//! Filtering, sorting and paging over the dataset, shared by both protocols so
//! that a listing gives the same items whichever way it is asked for.

use std::cmp::Ordering;
use std::sync::Arc;

use wharf_model::{Center, OrderColumn, OrderType, RepositoryQuery};

use crate::dataset::{Dataset, NamespaceRecord, OfficialImageRecord, RepositoryRecord};
use crate::params::{self, ParamError};

/// The largest page either protocol serves.
pub(crate) const MAX_LIMIT: u64 = 1000;

/// A repository with the namespace it lives in.
pub(crate) type RepoRef<'a> = (&'a NamespaceRecord, &'a RepositoryRecord);

/// A dataset with the natural order of its repositories (namespace, then
/// name) worked out once, so that a listing only filters.
pub(crate) struct Indexed {
    /// The dataset.
    pub(crate) dataset: Arc<Dataset>,
    /// (namespace index, repository index), in natural order.
    natural: Vec<(usize, usize)>,
}

impl Indexed {
    pub(crate) fn new(dataset: Arc<Dataset>) -> Self {
        let mut natural: Vec<(usize, usize)> = dataset
            .namespaces
            .iter()
            .enumerate()
            .flat_map(|(n, ns)| (0..ns.repositories.len()).map(move |r| (n, r)))
            .collect();
        let name = |&(n, r): &(usize, usize)| {
            let ns = &dataset.namespaces[n];
            (ns.name.as_str(), ns.repositories[r].name.as_str())
        };
        natural.sort_by(|a, b| name(a).cmp(&name(b)));
        Indexed { dataset, natural }
    }

    fn in_natural_order(&self) -> impl Iterator<Item = RepoRef<'_>> {
        self.natural.iter().map(|&(n, r)| {
            let ns = &self.dataset.namespaces[n];
            (ns, &ns.repositories[r])
        })
    }
}

/// The repositories `query` selects, sorted, before paging.
///
/// - `center::thirdparty` selects nothing: the emulated tenant has no
///   repositories shared by others.
/// - `namespace` and `category` match exactly, `name` is a substring match.
/// - Without `order_column`, the order is namespace then name, ascending;
///   `order_type` defaults to ascending. Ties keep that natural order.
pub(crate) fn repositories<'a>(indexed: &'a Indexed, query: &RepositoryQuery) -> Vec<RepoRef<'a>> {
    if query.center == Some(Center::ThirdParty) {
        return Vec::new();
    }
    let mut selected: Vec<RepoRef<'a>> = indexed
        .in_natural_order()
        .filter(|(ns, repo)| matches(query, ns, repo))
        .collect();
    if let Some(column) = query.order_column {
        let descending = query.order_type == Some(OrderType::Desc);
        // A stable sort: ties stay in the natural order.
        selected.sort_by(|a, b| {
            let primary = by_column(column, a, b);
            if descending {
                primary.reverse()
            } else {
                primary
            }
        });
    }
    selected
}

fn matches(query: &RepositoryQuery, ns: &NamespaceRecord, repo: &RepositoryRecord) -> bool {
    query
        .namespace
        .as_deref()
        .is_none_or(|n| ns.name.as_str() == n)
        && query
            .name
            .as_deref()
            .is_none_or(|n| repo.name.as_str().contains(n))
        && query.category.as_ref().is_none_or(|c| &repo.category == c)
        && query.is_public.is_none_or(|p| repo.is_public == p)
}

fn by_column(column: OrderColumn, a: &RepoRef<'_>, b: &RepoRef<'_>) -> Ordering {
    match column {
        OrderColumn::Name => a.1.name.cmp(&b.1.name),
        OrderColumn::UpdatedTime | OrderColumn::UpdatedAt => {
            a.1.updated_at.instant().cmp(&b.1.updated_at.instant())
        }
        OrderColumn::TagCount => a.1.tags.len().cmp(&b.1.tags.len()),
        OrderColumn::Namespace => a.0.name.cmp(&b.0.name),
        OrderColumn::IsPublic => a.1.is_public.cmp(&b.1.is_public),
        // A column added to the model later sorts like no column at all.
        _ => Ordering::Equal,
    }
}

/// The repositories of one namespace, in the natural order (by name): the
/// same order SWR lists them with only `namespace` set.
pub(crate) fn namespace_repositories(ns: &NamespaceRecord) -> Vec<&RepositoryRecord> {
    let mut repos: Vec<&RepositoryRecord> = ns.repositories.iter().collect();
    repos.sort_by(|a, b| a.name.cmp(&b.name));
    repos
}

/// Namespaces by name, optionally only public or only private ones.
pub(crate) fn namespaces(dataset: &Dataset, public: Option<bool>) -> Vec<&NamespaceRecord> {
    let mut list: Vec<&NamespaceRecord> = dataset
        .namespaces
        .iter()
        .filter(|ns| public.is_none_or(|p| ns.is_public == p))
        .collect();
    list.sort_by(|a, b| a.name.cmp(&b.name));
    list
}

/// Official images by id: `namespace` matches exactly, `image_name` is a
/// substring match.
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

/// The page asked for by parameters `offset_name` (default 0, any `u64`) and
/// `limit_name` (default `default_limit`, `1..=`[`MAX_LIMIT`]): SWR's
/// `offset`/`limit`, UHub's `Offset`/`Limit`. A repeated or empty value is
/// refused like an invalid one.
pub(crate) fn paging(
    pairs: &[(String, String)],
    offset_name: &str,
    limit_name: &str,
    default_limit: u64,
) -> Result<(u64, u64), ParamError> {
    let invalid = |name: &str, value: &str, expected: &str| ParamError::Invalid {
        name: name.to_owned(),
        value: value.to_owned(),
        expected: expected.to_owned(),
    };
    let offset = match params::get(pairs, offset_name)? {
        None => 0,
        Some(text) => text
            .parse::<u64>()
            .map_err(|_| invalid(offset_name, text, "an integer >= 0"))?,
    };
    let limit = match params::get(pairs, limit_name)? {
        None => default_limit,
        Some(text) => match text.parse::<u64>() {
            Ok(n @ 1..=MAX_LIMIT) => n,
            _ => {
                let expected = format!("an integer in 1..={MAX_LIMIT}");
                return Err(invalid(limit_name, text, &expected));
            }
        },
    };
    Ok((offset, limit))
}

/// The items of one page: `limit` items from `offset`, fewer at the end.
pub(crate) fn page<T>(items: &[T], offset: u64, limit: u64) -> &[T] {
    let start = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(items.len());
    let len = usize::try_from(limit).unwrap_or(usize::MAX);
    let end = start.saturating_add(len).min(items.len());
    &items[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_model::Category;

    fn names(list: &[RepoRef<'_>]) -> Vec<String> {
        list.iter()
            .map(|(ns, r)| format!("{}/{}", ns.name, r.name))
            .collect()
    }

    #[test]
    fn filters_and_orders() {
        let demo = Indexed::new(Arc::new(Dataset::demo()));
        let mut q = RepositoryQuery::default();
        q.namespace = Some("team".into());
        q.name = Some("a".into());
        assert_eq!(
            names(&repositories(&demo, &q)),
            ["team/api/gateway", "team/payments"]
        );
        let mut q = RepositoryQuery::default();
        q.category = Some(Category::Linux);
        q.order_column = Some(OrderColumn::TagCount);
        q.order_type = Some(OrderType::Desc);
        assert_eq!(
            names(&repositories(&demo, &q)),
            ["team/nginx", "public-tools/curl", "public-tools/jq"]
        );
        q.center = Some(Center::ThirdParty);
        assert!(repositories(&demo, &q).is_empty());
        let mut q = RepositoryQuery::default();
        q.is_public = Some(true);
        assert_eq!(repositories(&demo, &q).len(), 4);
    }

    #[test]
    fn default_order_matches_namespace_order() {
        let demo = Indexed::new(Arc::new(Dataset::demo()));
        let mut q = RepositoryQuery::default();
        q.namespace = Some("team".into());
        let swr: Vec<&str> = repositories(&demo, &q)
            .iter()
            .map(|(_, r)| r.name.as_str())
            .collect();
        let ns = demo.dataset.namespace("team").unwrap();
        let uhub: Vec<&str> = namespace_repositories(ns)
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(swr, uhub);
    }

    #[test]
    fn paging_defaults_and_refusals() {
        let pairs = |q: &str| params::form(q.as_bytes());
        assert_eq!(paging(&pairs(""), "offset", "limit", 100), Ok((0, 100)));
        assert_eq!(
            paging(&pairs("Offset=3&Limit=1000"), "Offset", "Limit", 20),
            Ok((3, 1000))
        );
        let err = paging(&pairs("offset=1&offset=999"), "offset", "limit", 100);
        assert_eq!(err, Err(ParamError::Repeated("offset".into())));
        let err = paging(&pairs("offset=&limit="), "offset", "limit", 100);
        assert_eq!(err, Err(ParamError::Empty("offset".into())));
        let err = paging(&pairs("limit=0"), "offset", "limit", 100).unwrap_err();
        assert_eq!(err.problem(), "\"0\" is not an integer in 1..=1000");
        let err = paging(&pairs("offset=-1"), "offset", "limit", 100).unwrap_err();
        assert_eq!(
            (err.name(), err.problem().as_str()),
            ("offset", "\"-1\" is not an integer >= 0")
        );
    }

    #[test]
    fn pages_never_overrun() {
        let items = [1, 2, 3, 4, 5];
        assert_eq!(page(&items, 0, 2), [1, 2]);
        assert_eq!(page(&items, 4, 2), [5]);
        assert!(page(&items, 9, 2).is_empty());
        assert!(page(&items, u64::MAX, u64::MAX).is_empty());
        assert_eq!(page(&items, 1, u64::MAX), [2, 3, 4, 5]);
    }
}
