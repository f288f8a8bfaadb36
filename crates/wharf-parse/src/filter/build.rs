//! From a [`RepositoryQuery`] to `key::value` terms.

use std::borrow::Cow;

use wharf_model::RepositoryQuery;

use super::error::FilterError;
use super::key::Key;
use super::value::{boolean_text, check_limit, check_text};

/// One term: a key and its unencoded value.
pub(super) type Pair<'q> = (Key, Cow<'q, str>);

/// The terms of `query`, in the order of [`KEYS`](super::KEYS), each value checked.
pub(super) fn terms(query: &RepositoryQuery) -> Result<Vec<Pair<'_>>, FilterError> {
    if let Some(page) = &query.page {
        check_limit(page.limit)?;
    }
    let page = query.page.as_ref();
    // In the order of `Key::ALL`.
    let values: [Option<Cow<'_, str>>; 9] = [
        query.center.map(|c| c.as_str().into()),
        query.namespace.as_deref().map(Cow::Borrowed),
        query.name.as_deref().map(Cow::Borrowed),
        query.category.as_ref().map(|c| c.as_str().into()),
        page.map(|p| p.offset.to_string().into()),
        page.map(|p| p.limit.to_string().into()),
        query.order_column.map(|c| c.as_str().into()),
        query.order_type.map(|o| o.as_str().into()),
        query.is_public.map(|p| boolean_text(p).into()),
    ];
    let mut terms = Vec::with_capacity(values.len());
    for (key, value) in Key::ALL.into_iter().zip(values) {
        if let Some(value) = value {
            check_text(key.name(), &value, None)?;
            terms.push((key, value));
        }
    }
    Ok(terms)
}
