//! From a [`RepositoryQuery`] to `key::value` terms.

use std::borrow::Cow;

use wharf_model::{PageRequest, RepositoryQuery};

use super::error::FilterError;
use super::key::Key;

/// One term: a key and its unencoded value.
pub(super) type Term<'q> = (Key, Cow<'q, str>);

/// The terms of `query`, in the order of [`KEYS`](super::KEYS), each value checked.
pub(super) fn terms(query: &RepositoryQuery) -> Result<Vec<Term<'_>>, FilterError> {
    if let Some(page) = &query.page {
        check_limit(page)?;
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
        query.is_public.map(bool_text),
    ];
    let mut terms = Vec::with_capacity(values.len());
    for (key, value) in Key::ALL.into_iter().zip(values) {
        if let Some(value) = value {
            check_text(key, &value)?;
            terms.push((key, value));
        }
    }
    Ok(terms)
}

fn bool_text(value: bool) -> Cow<'static, str> {
    Cow::Borrowed(if value { "true" } else { "false" })
}

/// Refuses an empty value, or one that would inject terms.
pub(super) fn check_text(key: Key, value: &str) -> Result<(), FilterError> {
    check_text_at(key, value, None)
}

/// Like [`check_text`], with positions counted from `at` when given.
pub(super) fn check_text_at(key: Key, value: &str, at: Option<usize>) -> Result<(), FilterError> {
    if value.is_empty() {
        return Err(FilterError::empty_value(key, at));
    }
    let bar = value.find('|').map(|i| (i, "|"));
    let colons = value.find("::").map(|i| (i, "::"));
    let first = match (bar, colons) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    match first {
        Some((i, found)) => Err(FilterError::forbidden(
            key,
            value,
            found,
            at.and_then(|at| at.checked_add(i)),
        )),
        None => Ok(()),
    }
}

/// The limit must be in `1..=PageRequest::MAX_LIMIT`.
fn check_limit(page: &PageRequest) -> Result<(), FilterError> {
    if (1..=PageRequest::MAX_LIMIT).contains(&page.limit) {
        return Ok(());
    }
    Err(FilterError::invalid(
        Key::Limit,
        &page.limit.to_string(),
        LIMIT_RANGE,
        None,
    ))
}

/// What a valid limit looks like, for messages.
pub(super) const LIMIT_RANGE: &str = "an integer in 1..=1000";
const _: () = assert!(PageRequest::MAX_LIMIT == 1000, "update LIMIT_RANGE");
