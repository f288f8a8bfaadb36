//! The grammar of filter text for any set of keys: `key::value` terms joined
//! by `|`, read ([`read_terms`]) and written ([`write_terms`]). What a key's
//! value means is the caller's: [`parse_filter`](super::parse_filter) reads
//! list repositories' keys with it, a server reads its other calls' keys.

use std::str::Split;

use super::error::FilterError;
use super::value::check_text;

/// One `key::value` term of filter text, with where its key and value start
/// (byte offsets into the text as given, an opening `'` included).
///
/// ```
/// use wharf_parse::{Term, read_terms};
///
/// let terms = read_terms("'tag::v1|limit::10'", &["tag", "limit", "offset"])?;
/// assert_eq!(terms[1], Term { key: "limit", value: "10", key_at: 9, value_at: 16 });
/// # Ok::<(), wharf_parse::FilterError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Term<'a> {
    /// The key, as it is spelled in the keys the text was read with.
    pub key: &'static str,
    /// The value, as written: never empty, never holding `|` or `::`.
    pub value: &'a str,
    /// Where the term, and so its key, starts.
    pub key_at: usize,
    /// Where its value starts, just after the `::`.
    pub value_at: usize,
}

/// Reads filter text whose keys must be among `keys`, in any order.
///
/// One pair of surrounding single quotes is accepted, as the SWR docs show
/// them; the text must already be url-decoded. Refused, with a
/// [`FilterError`] naming the key and the byte (its
/// [`input`](FilterError::input) is `text`): no term at all (`""`, `''`),
/// an opening `'` not closed, a term without `::` (an empty term
/// included), an empty key, a key not in `keys` (the message lists them),
/// a repeated key, an empty value, a value holding `::`.
///
/// ```
/// use wharf_parse::{FilterErrorKind, read_terms};
///
/// const KEYS: &[&str] = &["namespace", "mode"];
/// let terms = read_terms("namespace::team|mode::visible", KEYS)?;
/// let pairs: Vec<(&str, &str)> = terms.iter().map(|t| (t.key, t.value)).collect();
/// assert_eq!(pairs, [("namespace", "team"), ("mode", "visible")]);
///
/// let err = read_terms("mode::visible|name::x", KEYS).unwrap_err();
/// assert_eq!(err.kind(), FilterErrorKind::UnknownKey);
/// assert_eq!((err.key(), err.at()), (Some("name"), Some(14)));
/// assert_eq!(
///     err.to_string(),
///     r#"invalid filter "mode::visible|name::x": unknown key "name" at byte 14: expected one of namespace, mode"#,
/// );
/// # Ok::<(), wharf_parse::FilterError>(())
/// ```
pub fn read_terms<'a>(text: &'a str, keys: &[&'static str]) -> Result<Vec<Term<'a>>, FilterError> {
    Terms::new(text, keys).collect()
}

/// Writes terms in the order given, unencoded and without quotes:
/// `key::value` joined by `|`.
///
/// Keys are the caller's own names, so they are program text: each must be
/// ASCII letters, digits and `_`, and appear once. Refused: no terms at
/// all, a key that is not such a name or is repeated, an empty value, and
/// a value holding `|` or `::`, which would inject terms. What it writes,
/// [`read_terms`] reads back to the same pairs.
///
/// ```
/// use wharf_parse::{FilterErrorKind, write_terms};
///
/// let text = write_terms([("namespace", "team"), ("mode", "visible")])?;
/// assert_eq!(text, "namespace::team|mode::visible");
///
/// let err = write_terms([("namespace", "team|mode::all")]).unwrap_err();
/// assert_eq!(err.kind(), FilterErrorKind::ForbiddenInValue);
/// assert_eq!(
///     err.to_string(),
///     r#"cannot build filter: namespace "team|mode::all" contains `|`: expected a value without `|` or `::`"#,
/// );
/// assert_eq!(write_terms([]).unwrap_err().kind(), FilterErrorKind::Empty);
/// # Ok::<(), wharf_parse::FilterError>(())
/// ```
pub fn write_terms<'a>(
    terms: impl IntoIterator<Item = (&'static str, &'a str)>,
) -> Result<String, FilterError> {
    let mut text = String::new();
    let mut written: Vec<&'static str> = Vec::new();
    for (key, value) in terms {
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(FilterError::invalid_key(key));
        }
        if written.contains(&key) {
            return Err(FilterError::repeated_key(key, None));
        }
        check_text(key, value, None)?;
        if !written.is_empty() {
            text.push('|');
        }
        text.push_str(key);
        text.push_str("::");
        text.push_str(value);
        written.push(key);
    }
    if written.is_empty() {
        return Err(FilterError::empty());
    }
    Ok(text)
}

/// The terms of filter text one at a time, each checked against the
/// grammar as it is reached: a reader that gives each value its meaning as
/// it goes reports the first mistake in the text, of either kind. Every
/// error is marked as found in the text. After an error, it yields nothing.
pub(super) struct Terms<'a, 'k> {
    text: &'a str,
    keys: &'k [&'static str],
    /// The terms left, or why there are none; `None` once done.
    state: Option<Result<Split<'a, char>, FilterError>>,
    /// Where the next term starts.
    at: usize,
    /// The keys read so far.
    seen: Vec<&'static str>,
}

impl<'a, 'k> Terms<'a, 'k> {
    pub(super) fn new(text: &'a str, keys: &'k [&'static str]) -> Self {
        let (state, at) = match unquote(text) {
            Err(err) => (Err(err), 0),
            Ok(("", _)) => (Err(FilterError::empty()), 0),
            Ok((body, at)) => (Ok(body.split('|')), at),
        };
        Terms {
            text,
            keys,
            state: Some(state),
            at,
            seen: Vec::new(),
        }
    }

    /// Reads one `key::value` term that starts at byte `at`.
    fn term(&mut self, term: &'a str, at: usize) -> Result<Term<'a>, FilterError> {
        let Some((name, value)) = term.split_once("::") else {
            return Err(FilterError::no_separator(term, at));
        };
        if name.is_empty() {
            return Err(FilterError::empty_key(term, at));
        }
        let Some(&key) = self.keys.iter().find(|k| **k == name) else {
            return Err(FilterError::unknown_key(name, at, self.keys));
        };
        if self.seen.contains(&key) {
            return Err(FilterError::repeated_key(key, Some(at)));
        }
        let value_at = at.saturating_add(name.len()).saturating_add(2);
        check_text(key, value, Some(value_at))?;
        self.seen.push(key);
        Ok(Term {
            key,
            value,
            key_at: at,
            value_at,
        })
    }
}

impl<'a> Iterator for Terms<'a, '_> {
    type Item = Result<Term<'a>, FilterError>;

    fn next(&mut self) -> Option<Self::Item> {
        let read = match self.state.take()? {
            Err(err) => Err(err),
            Ok(mut split) => {
                let term = split.next()?;
                let at = self.at;
                self.at = at.saturating_add(term.len()).saturating_add(1);
                let read = self.term(term, at);
                if read.is_ok() {
                    self.state = Some(Ok(split));
                }
                read
            }
        };
        Some(read.map_err(|err| err.in_text(self.text)))
    }
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
