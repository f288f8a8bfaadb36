//! From filter text or query parameters to a [`RepositoryQuery`].

use wharf_model::{Category, PageRequest, RepositoryQuery};

use super::error::FilterError;
use super::key::{KEYS, Key};
use super::terms::Terms;
use super::value::{boolean, check_text, limit, offset, wire};

/// Reads filter text, with or without the surrounding single quotes: the
/// grammar is [`Terms`]'s, and each value is given its meaning as its term
/// is reached, so the first mistake in the text is the one reported.
pub(super) fn read_text(input: &str) -> Result<RepositoryQuery, FilterError> {
    let mut fields = Fields::default();
    for term in Terms::new(input, &KEYS) {
        let term = term?;
        // Every key `Terms` gives is one of `KEYS`.
        Key::from_name(term.key)
            .ok_or_else(|| FilterError::unknown_key(term.key, term.key_at, &KEYS))
            .and_then(|key| fields.set(key, term.value, Some(term.key_at), Some(term.value_at)))
            .map_err(|err| err.in_text(input))?;
    }
    fields.finish(true).map_err(|err| err.in_text(input))
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
            Some(Some(_)) => return Err(FilterError::repeated_key(key.name(), at)),
            Some(slot) => *slot = Some(at),
            // Cannot happen: every key has a slot. Refuse rather than panic.
            None => {
                let at = at.unwrap_or(0);
                return Err(FilterError::unknown_key(key.name(), at, &KEYS));
            }
        }
        check_text(key.name(), value, value_at)?;
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
