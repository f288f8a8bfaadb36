//! Why a filter could not be built or read.

use std::borrow::Cow;
use std::fmt;

use wharf_model::UnknownValue;

use super::key::Key;

/// What kind of mistake a [`FilterError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FilterErrorKind {
    /// No term at all: an empty string, `''`, or a query with no field set.
    Empty,
    /// The filter starts with `'` but does not end with one.
    UnmatchedQuote,
    /// A term has no `::` (this includes an empty term, as in `a::b||c::d`).
    NoSeparator,
    /// A term starts with `::`.
    EmptyKey,
    /// A key that is not among those the text is read with.
    UnknownKey,
    /// A key that cannot be written: empty, or holding anything but ASCII
    /// letters, digits and `_`.
    InvalidKey,
    /// A key given twice.
    RepeatedKey,
    /// A key with nothing after `::`.
    EmptyValue,
    /// A value containing `|` or `::`, which would inject terms.
    ForbiddenInValue,
    /// A value the key does not accept: a bad number, a limit outside
    /// `1..=1000`, an unknown `center`, `order_column` or `order_type`, an
    /// `is_public` other than `true` or `false`.
    InvalidValue,
    /// `offset` without `limit`, or the reverse.
    UnpairedPage,
}

/// Where the mistake was found.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Origin {
    /// Building from a `RepositoryQuery`.
    Query,
    /// Reading this filter text.
    Text(String),
    /// Reading query parameters.
    Params,
}

/// A filter that could not be built or read.
///
/// The message says what is wrong, at which byte of the filter text when
/// there is one, and what was expected:
///
/// ```
/// use wharf_parse::{parse_filter, FilterErrorKind};
///
/// let err = parse_filter("center::self|limit::0|offset::0").unwrap_err();
/// assert_eq!(err.kind(), FilterErrorKind::InvalidValue);
/// assert_eq!(err.key(), Some("limit"));
/// assert_eq!(err.at(), Some(20));
/// assert_eq!(
///     err.to_string(),
///     r#"invalid filter "center::self|limit::0|offset::0": invalid limit "0" at byte 20: expected an integer in 1..=1000"#,
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    /// Boxed, so that a `Result` stays small.
    inner: Box<Inner>,
}

/// Everything a [`FilterError`] knows.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Inner {
    kind: FilterErrorKind,
    key: Option<Cow<'static, str>>,
    text: String,
    at: Option<usize>,
    expected: Cow<'static, str>,
    source: Option<UnknownValue>,
    origin: Origin,
}

impl FilterError {
    /// What kind of mistake this is.
    pub fn kind(&self) -> FilterErrorKind {
        self.inner.kind
    }

    /// The key involved, known or not, if any.
    pub fn key(&self) -> Option<&str> {
        self.inner.key.as_deref()
    }

    /// The byte offset in the filter text, when reading filter text.
    pub fn at(&self) -> Option<usize> {
        self.inner.at
    }

    /// The filter text, when reading filter text.
    pub fn input(&self) -> Option<&str> {
        match &self.inner.origin {
            Origin::Text(text) => Some(text),
            Origin::Query | Origin::Params => None,
        }
    }

    fn new(kind: FilterErrorKind, at: Option<usize>) -> Self {
        let inner = Inner {
            kind,
            key: None,
            text: String::new(),
            at,
            expected: Cow::Borrowed(""),
            source: None,
            origin: Origin::Query,
        };
        FilterError {
            inner: Box::new(inner),
        }
    }

    fn with_key(mut self, key: &'static str) -> Self {
        self.inner.key = Some(Cow::Borrowed(key));
        self
    }

    fn with_text(mut self, text: &str) -> Self {
        self.inner.text = text.to_owned();
        self
    }

    fn with_expected(mut self, expected: impl Into<Cow<'static, str>>) -> Self {
        self.inner.expected = expected.into();
        self
    }

    pub(super) fn empty() -> Self {
        FilterError::new(FilterErrorKind::Empty, None)
    }

    pub(super) fn unmatched_quote() -> Self {
        FilterError::new(FilterErrorKind::UnmatchedQuote, Some(0))
    }

    pub(super) fn no_separator(term: &str, at: usize) -> Self {
        FilterError::new(FilterErrorKind::NoSeparator, Some(at)).with_text(term)
    }

    pub(super) fn empty_key(term: &str, at: usize) -> Self {
        FilterError::new(FilterErrorKind::EmptyKey, Some(at)).with_text(term)
    }

    /// `key`, at byte `at`, is none of `keys`, which the message lists.
    pub(super) fn unknown_key(key: &str, at: usize, keys: &[&str]) -> Self {
        let mut err = FilterError::new(FilterErrorKind::UnknownKey, Some(at))
            .with_expected(format!("one of {}", keys.join(", ")));
        err.inner.key = Some(Cow::Owned(key.to_owned()));
        err
    }

    pub(super) fn invalid_key(key: &'static str) -> Self {
        FilterError::new(FilterErrorKind::InvalidKey, None).with_key(key)
    }

    pub(super) fn repeated_key(key: &'static str, at: Option<usize>) -> Self {
        FilterError::new(FilterErrorKind::RepeatedKey, at).with_key(key)
    }

    pub(super) fn empty_value(key: &'static str, at: Option<usize>) -> Self {
        FilterError::new(FilterErrorKind::EmptyValue, at).with_key(key)
    }

    pub(super) fn forbidden(
        key: &'static str,
        value: &str,
        found: &'static str,
        at: Option<usize>,
    ) -> Self {
        FilterError::new(FilterErrorKind::ForbiddenInValue, at)
            .with_key(key)
            .with_text(value)
            .with_expected(found)
    }

    pub(super) fn invalid(
        key: Key,
        value: &str,
        expected: &'static str,
        at: Option<usize>,
    ) -> Self {
        FilterError::new(FilterErrorKind::InvalidValue, at)
            .with_key(key.name())
            .with_text(value)
            .with_expected(expected)
    }

    pub(super) fn unknown_value(key: Key, source: UnknownValue, at: Option<usize>) -> Self {
        let expected = format!("one of {}", source.expected().join(", "));
        let mut err = FilterError::new(FilterErrorKind::InvalidValue, at)
            .with_key(key.name())
            .with_text(source.value())
            .with_expected(expected);
        err.inner.source = Some(source);
        err
    }

    pub(super) fn unpaired(present: Key, missing: Key, at: Option<usize>) -> Self {
        FilterError::new(FilterErrorKind::UnpairedPage, at)
            .with_key(present.name())
            .with_expected(missing.name())
    }

    /// Marks the error as found in this filter text.
    pub(super) fn in_text(mut self, input: &str) -> Self {
        self.inner.origin = Origin::Text(input.to_owned());
        self
    }

    /// Marks the error as found in query parameters.
    pub(super) fn in_params(mut self) -> Self {
        self.inner.origin = Origin::Params;
        self
    }

    fn write_problem(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = self.key().unwrap_or("");
        let at = Position(self.inner.at);
        let (text, expected) = (&self.inner.text, &self.inner.expected);
        match self.inner.kind {
            FilterErrorKind::Empty => {
                write!(f, "no terms: expected at least one `key::value` term")
            }
            FilterErrorKind::UnmatchedQuote => {
                write!(f, "opening `'`{at} is not closed: expected a closing `'`")
            }
            FilterErrorKind::NoSeparator => {
                write!(f, "term {text:?}{at} has no `::`: expected `key::value`")
            }
            FilterErrorKind::EmptyKey => {
                write!(f, "term {text:?}{at} has no key: expected `key::value`")
            }
            FilterErrorKind::UnknownKey => {
                write!(f, "unknown key {key:?}{at}: expected {expected}")
            }
            FilterErrorKind::InvalidKey => write!(
                f,
                "invalid key {key:?}: expected ASCII letters, digits and `_`"
            ),
            FilterErrorKind::RepeatedKey => {
                write!(
                    f,
                    "repeated key {key:?}{at}: expected each key at most once"
                )
            }
            FilterErrorKind::EmptyValue => {
                write!(f, "empty {key}{at}: expected a value")
            }
            FilterErrorKind::ForbiddenInValue => write!(
                f,
                "{key} {text:?} contains `{expected}`{at}: expected a value without `|` or `::`"
            ),
            FilterErrorKind::InvalidValue => {
                write!(f, "invalid {key} {text:?}{at}: expected {expected}")
            }
            FilterErrorKind::UnpairedPage => write!(
                f,
                "{key}{at} without {expected}: expected offset and limit together"
            ),
        }
    }
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner.origin {
            Origin::Query => f.write_str("cannot build filter: ")?,
            Origin::Text(input) => write!(f, "invalid filter {input:?}: ")?,
            Origin::Params => f.write_str("invalid query parameters: ")?,
        }
        self.write_problem(f)
    }
}

impl std::error::Error for FilterError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Prints ` at byte N`, or nothing when there is no position.
struct Position(Option<usize>);

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(at) => write!(f, " at byte {at}"),
            None => Ok(()),
        }
    }
}
