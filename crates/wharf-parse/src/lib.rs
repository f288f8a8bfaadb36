//! Text formats of the SWR API, read strictly and written back exactly:
//! the `Content-Range` response header and the `filter` query parameter of
//! the list calls.
//!
//! ```
//! use wharf_model::{PageRequest, RepositoryQuery};
//! use wharf_parse::{ContentRange, Total, parse_filter, to_filter};
//!
//! let range: ContentRange = "0-10/25".parse()?;
//! assert_eq!(range.total, Total::Known(25));
//! assert_eq!(range.end(), Some(10));
//!
//! let mut query = RepositoryQuery::default();
//! query.namespace = Some("team".into());
//! query.page = Some(PageRequest::new(range.end().unwrap_or(0), 10));
//! let filter = to_filter(&query)?;
//! assert_eq!(filter, "namespace::team|offset::10|limit::10");
//! assert_eq!(parse_filter(&filter)?, query);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Both readers never panic, on any input: they return an error that says
//! what was expected and at which byte. Nothing here does I/O or url-encoding.
//!
//! - [`content_range`]: [`ContentRange`], `offset-count/total`.
//! - [`filter`]: filter text for any set of keys ([`read_terms`],
//!   [`write_terms`]), and [`RepositoryQuery`](wharf_model::RepositoryQuery)
//!   to and from filter text and plain query parameters.

pub mod content_range;
pub mod filter;

pub use content_range::{ContentRange, ContentRangeError, ContentRangeErrorKind, Total};
pub use filter::{
    FilterError, FilterErrorKind, Term, from_query_params, parse_filter, read_terms, to_filter,
    to_query_params, write_terms,
};

/// Runs the README's example as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
