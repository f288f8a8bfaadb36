//! From filter text or query parameters to a [`RepositoryQuery`].

use wharf_model::{Category, PageRequest, RepositoryQuery};

use super::error::FilterError;
use super::key::{KEYS, Key};
use super::value::{boolean, check_text, limit, offset, wire};

/// Reads filter text, with or without the surrounding single quotes.
pub(super) fn read_text(input: &str) -> Result<RepositoryQuery, FilterError> {
    read_body(input).map_err(|err| err.in_text(input))
}

fn read_body(input: &str) -> Result<RepositoryQuery, FilterError> {
    let (body, base) = unquote(input)?;
    if body.is_empty() {
        return Err(FilterError::empty());
    }
    let mut fields = Fields::default();
    let mut at = base;
    for term in body.split('|') {
        read_term(&mut fields, term, at)?;
        at = at.saturating_add(term.len()).saturating_add(1);
    }
    fields.finish(true)
}

/// Strips one pair of surrounding `'`; returns the body and where it starts.
fn unquote(input: &str) -> Result<(&str, usize), FilterError> {
    let Some(inner) = input.strip_prefix('\'') else {
        return Ok((input, 0));
    };
    inner
        .strip_suffix('\'')
        .map(|body| (body, 1))
        .ok_or_else(FilterError::unmatched_quote)
}

/// Reads one `key::value` term that starts at byte `at`.
fn read_term(fields: &mut Fields, term: &str, at: usize) -> Result<(), FilterError> {
    let Some((key, value)) = term.split_once("::") else {
        return Err(FilterError::no_separator(term, at));
    };
    if key.is_empty() {
        return Err(FilterError::empty_key(term, at));
    }
    let key = Key::from_name(key).ok_or_else(|| FilterError::unknown_key(key, at))?;
    let value_at = at.saturating_add(key.name().len()).saturating_add(2);
    fields.set(key, value, Some(at), Some(value_at))
}

/// Reads query parameters, ignoring those that are not filter keys.
pub(super) fn read_params<'a>(
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<RepositoryQuery, FilterError> {
    let mut fields = Fields::default();
    for (name, value) in params {
        if let Some(key) = Key::from_name(name) {
            fields
                .set(key, value, None, None)
                .map_err(FilterError::in_params)?;
        }
    }
    fields.finish(false).map_err(FilterError::in_params)
}

/// A query being filled in, one key at a time.
#[derive(Default)]
struct Fields {
    query: RepositoryQuery,
    /// For each key in [`KEYS`] order: whether it was seen, and where.
    seen: [Option<Option<usize>>; KEYS.len()],
    offset: Option<u64>,
    limit: Option<u32>,
}

impl Fields {
    /// Sets `key` from `value`; `at` is where the term starts, `value_at`
    /// where the value starts, both when reading filter text.
    fn set(
        &mut self,
        key: Key,
        value: &str,
        at: Option<usize>,
        value_at: Option<usize>,
    ) -> Result<(), FilterError> {
        let seen = self.seen.get_mut(key.index());
        match seen {
            Some(Some(_)) => return Err(FilterError::repeated_key(key, at)),
            Some(slot) => *slot = Some(at),
            // Cannot happen: every key has a slot. Refuse rather than panic.
            None => return Err(FilterError::unknown_key(key.name(), at.unwrap_or(0))),
        }
        check_text(key, value, value_at)?;
        self.set_value(key, value, value_at)
    }

    fn set_value(&mut self, key: Key, value: &str, at: Option<usize>) -> Result<(), FilterError> {
        let q = &mut self.query;
        match key {
            Key::Center => q.center = Some(wire(key, value, at)?),
            Key::Namespace => q.namespace = Some(value.to_owned()),
            Key::Name => q.name = Some(value.to_owned()),
            Key::Category => q.category = Some(Category::from(value)),
            Key::Offset => self.offset = Some(offset(value, at)?),
            Key::Limit => self.limit = Some(limit(value, at)?),
            Key::OrderColumn => q.order_column = Some(wire(key, value, at)?),
            Key::OrderType => q.order_type = Some(wire(key, value, at)?),
            Key::IsPublic => q.is_public = Some(boolean(value, at)?),
        }
        Ok(())
    }

    /// Pairs offset with limit; with `need_terms`, refuses a query with no field.
    fn finish(self, need_terms: bool) -> Result<RepositoryQuery, FilterError> {
        let mut query = self.query;
        let seen = |key: Key| self.seen.get(key.index()).copied().flatten().flatten();
        query.page = match (self.offset, self.limit) {
            (Some(offset), Some(limit)) => Some(PageRequest::new(offset, limit)),
            (Some(_), None) => {
                let at = seen(Key::Offset);
                return Err(FilterError::unpaired(Key::Offset, Key::Limit, at));
            }
            (None, Some(_)) => {
                let at = seen(Key::Limit);
                return Err(FilterError::unpaired(Key::Limit, Key::Offset, at));
            }
            (None, None) => None,
        };
        if need_terms && query == RepositoryQuery::default() {
            return Err(FilterError::empty());
        }
        Ok(query)
    }
}
