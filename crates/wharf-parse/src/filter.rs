//! The `filter` query parameter (documented in the crate docs).

mod build;
mod error;
mod key;
mod read;
mod terms;
mod value;

use wharf_model::RepositoryQuery;

pub use error::{FilterError, FilterErrorKind};
pub use key::KEYS;
pub use terms::{Term, read_terms, write_terms};

/// Writes `query` as filter text: `key::value` terms joined by `|`, in the
/// order of [`KEYS`], unencoded.
///
/// Refuses a query with no field set, and any value the [rules](crate#rules)
/// refuse.
///
/// ```
/// use wharf_model::{OrderColumn, OrderType, RepositoryQuery};
/// use wharf_parse::to_filter;
///
/// let query = RepositoryQuery::default()
///     .with_order(OrderColumn::UpdatedAt, OrderType::Desc)
///     .with_public(true);
/// assert_eq!(
///     to_filter(&query)?,
///     "order_column::updated_at|order_type::desc|is_public::true",
/// );
/// assert!(to_filter(&RepositoryQuery::default()).is_err());
/// # Ok::<(), wharf_parse::FilterError>(())
/// ```
pub fn to_filter(query: &RepositoryQuery) -> Result<String, FilterError> {
    let terms = build::terms(query)?;
    write_terms(
        terms
            .iter()
            .map(|(key, value)| (key.name(), value.as_ref())),
    )
}

/// Reads filter text, in any key order: [`read_terms`] with [`KEYS`], each
/// value read as its key says.
///
/// One pair of surrounding single quotes is accepted, as the SWR docs show
/// them (`'center::self|namespace::team'`); no real client sends them. The
/// text must already be url-decoded.
pub fn parse_filter(input: &str) -> Result<RepositoryQuery, FilterError> {
    read::read_text(input)
}

/// Writes `query` as the plain query parameters the current SWR SDK sends
/// (`namespace=team&offset=0&limit=100`), in the order of [`KEYS`], unencoded.
///
/// Same rules as [`to_filter`], except that a query with no field set gives
/// no parameters: every plain parameter is optional.
///
/// ```
/// use wharf_model::{PageRequest, RepositoryQuery};
/// use wharf_parse::to_query_params;
///
/// let mut query = RepositoryQuery::default();
/// query.namespace = Some("team".into());
/// query.page = Some(PageRequest::new(200, 100));
/// assert_eq!(
///     to_query_params(&query)?,
///     [("namespace", "team".to_owned()), ("offset", "200".into()), ("limit", "100".into())],
/// );
/// # Ok::<(), wharf_parse::FilterError>(())
/// ```
pub fn to_query_params(
    query: &RepositoryQuery,
) -> Result<Vec<(&'static str, String)>, FilterError> {
    let terms = build::terms(query)?;
    Ok(terms
        .into_iter()
        .map(|(key, value)| (key.name(), value.into_owned()))
        .collect())
}

/// Reads plain query parameters, as a server receives them (already decoded).
///
/// Parameters that are not filter keys are **ignored**, since a server gets
/// others too (including `filter` itself). A filter key given twice is
/// refused, and every value follows the [rules](crate#rules). No parameter at
/// all gives the empty query, which is valid here.
///
/// When a request carries both `filter` and plain parameters, SWR uses
/// `filter`: call [`parse_filter`] on it and ignore the rest.
///
/// ```
/// use wharf_parse::from_query_params;
///
/// let query = from_query_params([("limit", "10"), ("offset", "20"), ("sort", "x")])?;
/// assert_eq!(query.page.map(|p| (p.offset, p.limit)), Some((20, 10)));
/// assert!(from_query_params([("limit", "10"), ("limit", "20"), ("offset", "0")]).is_err());
/// # Ok::<(), wharf_parse::FilterError>(())
/// ```
pub fn from_query_params<'a>(
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<RepositoryQuery, FilterError> {
    read::read_params(params)
}
