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
//! let query = RepositoryQuery::default()
//!     .with_namespace("team")
//!     .with_page(PageRequest::new(range.end().unwrap_or(0), 10));
//! let filter = to_filter(&query)?;
//! assert_eq!(filter, "namespace::team|offset::10|limit::10");
//! assert_eq!(parse_filter(&filter)?, query);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Both readers never panic, on any input: they return an error that says
//! what was expected and at which byte. Nothing here does I/O or url-encoding.
//!
//! - [`ContentRange`], `offset-count/total`;
//! - filter text for any set of keys ([`read_terms`], [`write_terms`]), and
//!   [`RepositoryQuery`](wharf_model::RepositoryQuery) to and from filter
//!   text and plain query parameters.
//!
//! Every item is at the crate root, and only there.
//!
//! # `Content-Range`
//!
//! The SWR `Content-Range` response header: `offset-count/total`.
//!
//! SWR documents the header as `offset-count/total`: the index of the first
//! item, the number of items in *this* page, and the number of items in all
//! pages. This is not HTTP's `bytes first-last/complete`, whose middle number is
//! an inclusive end.
//!
//! No captured real value exists, so reading is lenient where a server might
//! plausibly vary and strict everywhere else:
//!
//! - lenient: an optional unit word of ASCII letters (`items 0-9/25`), spaces
//!   or tabs around every token, `*` for an unknown total;
//! - strict: anything but ASCII digits in a number, a number above
//!   [`u64::MAX`], a missing part, trailing text, empty input.
//!
//! Errors say what was expected and at which byte.
//!
//! ```
//! use wharf_parse::{ContentRange, Total};
//!
//! let range: ContentRange = "items 0-9/25".parse()?;
//! assert_eq!((range.offset, range.count, range.total), (0, 9, Total::Known(25)));
//! assert_eq!(range.to_string(), "0-9/25");
//!
//! let err = "0-x/5".parse::<ContentRange>().unwrap_err();
//! assert_eq!(err.to_string(), r#"invalid Content-Range "0-x/5": expected a digit at byte 2"#);
//! # Ok::<(), wharf_parse::ContentRangeError>(())
//! ```
//!
//! # Filter strings
//!
//! The `filter` query parameter of SWR's list calls: its grammar for any set
//! of keys, and list repositories' keys to and from a `RepositoryQuery`,
//! in filter text and in the plain query parameters that carry them.
//!
//! A filter is `key::value` terms joined by `|`, such as
//! `center::self|namespace::team|offset::0|limit::100`. It travels as one query
//! parameter, url-encoded like any other value; the text here is *unencoded*,
//! because encoding is the transport's job.
//!
//! ## Terms, for any keys
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
//! use wharf_parse::{read_terms, write_terms};
//!
//! const TAG_KEYS: &[&str] = &["offset", "limit", "order_column", "order_type", "tag"];
//! let text = write_terms([("tag", "v1"), ("offset", "0"), ("limit", "10")])?;
//! assert_eq!(text, "tag::v1|offset::0|limit::10");
//! let terms = read_terms(&text, TAG_KEYS)?;
//! assert_eq!((terms[2].key, terms[2].value, terms[2].value_at), ("limit", "10", 25));
//! # Ok::<(), wharf_parse::FilterError>(())
//! ```
//!
//! ## List repositories' keys
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
//! ## Rules
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
//! use wharf_parse::{parse_filter, to_filter};
//!
//! let query = RepositoryQuery::default()
//!     .with_center(Center::Mine)
//!     .with_namespace("team")
//!     .with_page(PageRequest::new(0, 100));
//!
//! let text = to_filter(&query)?;
//! assert_eq!(text, "center::self|namespace::team|offset::0|limit::100");
//! assert_eq!(parse_filter(&text)?, query);
//! assert_eq!(parse_filter("'limit::100|offset::0|namespace::team|center::self'")?, query);
//! # Ok::<(), wharf_parse::FilterError>(())
//! ```

mod content_range;
mod filter;

pub use content_range::{ContentRange, ContentRangeError, ContentRangeErrorKind, Total};
pub use filter::{
    FilterError, FilterErrorKind, KEYS, Term, from_query_params, parse_filter, read_terms,
    to_filter, to_query_params, write_terms,
};

/// Runs the README's example as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
