//! The `filter` query parameter of SWR's list calls: its grammar for any set
//! of keys, and list repositories' keys to and from a `RepositoryQuery`,
//! in filter text and in the plain query parameters that carry them.
//!
//! A filter is `key::value` terms joined by `|`, such as
//! `center::self|namespace::team|offset::0|limit::100`. It travels as one query
//! parameter, url-encoded like any other value; the text here is *unencoded*,
//! because encoding is the transport's job.
//!
//! # Terms, for any keys
//!
//! [`read_terms`] reads filter text whose keys are among a given set, and
//! [`write_terms`] writes terms, each by the grammar of the [rules](self#rules)
//! that are not about one key's value: what the keys mean is the caller's.
//! The calls whose keys are not list repositories' (list namespaces:
//! `namespace`, `mode`; list repository tags: `offset`, `limit`,
//! `order_column`, `order_type`, `tag`) are read and written with them,
//! so that every call follows one grammar.
//!
//! ```
//! use wharf_parse::filter::{read_terms, write_terms};
//!
//! const TAG_KEYS: &[&str] = &["offset", "limit", "order_column", "order_type", "tag"];
//! let text = write_terms([("tag", "v1"), ("offset", "0"), ("limit", "10")])?;
//! assert_eq!(text, "tag::v1|offset::0|limit::10");
//! let terms = read_terms(&text, TAG_KEYS)?;
//! assert_eq!((terms[2].key, terms[2].value, terms[2].value_at), ("limit", "10", 25));
//! # Ok::<(), wharf_parse::filter::FilterError>(())
//! ```
//!
//! # List repositories' keys
//!
//! [`to_filter`] and [`to_query_params`] write the keys in this fixed order
//! ([`KEYS`]); the readers take them in any order:
//!
//! | key | value |
//! |---|---|
//! | `center` | `self` or `thirdparty` |
//! | `namespace` | any text |
//! | `name` | any text (the server matches fuzzily) |
//! | `category` | any text; unknown categories are kept |
//! | `offset` | `0..=u64::MAX` |
//! | `limit` | `1..=1000` |
//! | `order_column` | `name`, `updated_time`, `tag_count`, `updated_at`, `namespace`, `is_public` |
//! | `order_type` | `desc` or `asc` |
//! | `is_public` | `true` or `false` |
//!
//! # Rules
//!
//! Building and reading apply the same rules, so a query that builds also
//! reads back to itself. Refused, with a [`FilterError`] that names the key and,
//! in filter text, the byte:
//!
//! - no term at all (a query with no field set, `""`, `''`);
//! - a term without `::`, an empty key, an unknown key, a repeated key;
//! - an empty value, or one containing `|` or `::`, which would inject terms;
//! - `offset` without `limit` or the reverse;
//! - an offset that is not a `u64` in ASCII digits, a limit outside `1..=1000`;
//! - a `center`, `order_column`, `order_type` or `is_public` value not listed above.
//!
//! Newer SWR docs also say the offset must be 0 or a multiple of the limit.
//! That is **not** enforced: paging advances by the number of items actually
//! received, which need not be a multiple of anything.
//!
//! Nothing checks that a namespace is a valid namespace name: the server
//! answers an impossible one with an empty list.
//!
//! ```
//! use wharf_model::{Center, PageRequest, RepositoryQuery};
//! use wharf_parse::filter::{parse_filter, to_filter};
//!
//! let mut query = RepositoryQuery::default();
//! query.center = Some(Center::Mine);
//! query.namespace = Some("team".into());
//! query.page = Some(PageRequest::new(0, 100));
//!
//! let text = to_filter(&query)?;
//! assert_eq!(text, "center::self|namespace::team|offset::0|limit::100");
//! assert_eq!(parse_filter(&text)?, query);
//! assert_eq!(parse_filter("'limit::100|offset::0|namespace::team|center::self'")?, query);
//! # Ok::<(), wharf_parse::filter::FilterError>(())
//! ```

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
/// Refuses a query with no field set, and any value the [rules](self#rules)
/// refuse.
///
/// ```
/// use wharf_model::{OrderColumn, OrderType, RepositoryQuery};
/// use wharf_parse::filter::to_filter;
///
/// let mut query = RepositoryQuery::default();
/// query.order_type = Some(OrderType::Desc);
/// query.order_column = Some(OrderColumn::UpdatedAt);
/// query.is_public = Some(true);
/// assert_eq!(
///     to_filter(&query)?,
///     "order_column::updated_at|order_type::desc|is_public::true",
/// );
/// assert!(to_filter(&RepositoryQuery::default()).is_err());
/// # Ok::<(), wharf_parse::filter::FilterError>(())
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
/// use wharf_parse::filter::to_query_params;
///
/// let mut query = RepositoryQuery::default();
/// query.namespace = Some("team".into());
/// query.page = Some(PageRequest::new(200, 100));
/// assert_eq!(
///     to_query_params(&query)?,
///     [("namespace", "team".to_owned()), ("offset", "200".into()), ("limit", "100".into())],
/// );
/// # Ok::<(), wharf_parse::filter::FilterError>(())
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
/// refused, and every value follows the [rules](self#rules). No parameter at
/// all gives the empty query, which is valid here.
///
/// When a request carries both `filter` and plain parameters, SWR uses
/// `filter`: call [`parse_filter`] on it and ignore the rest.
///
/// ```
/// use wharf_parse::filter::from_query_params;
///
/// let query = from_query_params([("limit", "10"), ("offset", "20"), ("sort", "x")])?;
/// assert_eq!(query.page.map(|p| (p.offset, p.limit)), Some((20, 10)));
/// assert!(from_query_params([("limit", "10"), ("limit", "20"), ("offset", "0")]).is_err());
/// # Ok::<(), wharf_parse::filter::FilterError>(())
/// ```
pub fn from_query_params<'a>(
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<RepositoryQuery, FilterError> {
    read::read_params(params)
}
