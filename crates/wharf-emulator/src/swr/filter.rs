//! The parameters of the SWR calls whose keys are not list repositories'
//! (list namespaces, list repository tags): `filter` text or plain query
//! parameters, read to one set of values, and what those values mean.
//!
//! The grammar of `filter` is wharf-parse's [`read_terms`], the one list
//! repositories is read with, so that the calls cannot disagree:
//! `key::value` terms joined by `|`, one pair of surrounding single quotes
//! accepted, and refused, naming the key and the byte: no term, a term
//! without `::`, an empty, unknown or repeated key, an empty value, a value
//! holding `::`. When `filter` is sent, it wins and the plain parameters
//! are not read (api-notes 1.3 says so of list repositories; these calls
//! are taken to do the same). Plain parameters that are no key of the call
//! are ignored, as everywhere.

use std::str::FromStr;

use wharf_parse::read_terms;

use crate::http::params::{self, MAX_LIMIT, ParamError};

/// Where a value was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// A plain query parameter.
    Plain,
    /// A term of the filter text: where the term and its value start.
    Term { term: usize, value: usize },
}

/// The values one request gave, by key.
#[derive(Debug)]
pub(crate) struct Values<'a> {
    /// The filter text, when the values came from one.
    filter: Option<&'a str>,
    found: Vec<(&'static str, &'a str, Origin)>,
}

impl<'a> Values<'a> {
    /// Reads `filter` (whose keys are `filter_keys`) when it is sent, and
    /// then nothing else; else the plain parameters `plain_keys`, each
    /// given at most once and never empty.
    pub(crate) fn read(
        pairs: &'a [(String, String)],
        filter_keys: &'static [&'static str],
        plain_keys: &'static [&'static str],
    ) -> Result<Values<'a>, ParamError> {
        let Some(filter) = params::get(pairs, "filter")? else {
            let mut found = Vec::new();
            for &key in plain_keys {
                if let Some(value) = params::get(pairs, key)? {
                    found.push((key, value, Origin::Plain));
                }
            }
            return Ok(Values {
                filter: None,
                found,
            });
        };
        // The grammar is wharf-parse's, list repositories' own: its message
        // names the filter, the key and the byte.
        let terms = read_terms(filter, filter_keys).map_err(|e| ParamError::Refused {
            name: "filter".to_owned(),
            problem: e.to_string(),
        })?;
        let found = terms
            .into_iter()
            .map(|t| {
                let origin = Origin::Term {
                    term: t.key_at,
                    value: t.value_at,
                };
                (t.key, t.value, origin)
            })
            .collect();
        Ok(Values {
            filter: Some(filter),
            found,
        })
    }

    /// The value of `key`, if it was given.
    pub(crate) fn get(&self, key: &str) -> Option<&'a str> {
        self.entry(key).map(|(_, value, _)| value)
    }

    fn entry(&self, key: &str) -> Option<(&'static str, &'a str, Origin)> {
        self.found.iter().copied().find(|(k, _, _)| *k == key)
    }

    /// A refusal in the words of where `key` came from: a plain parameter,
    /// or the filter. `problem` is given where the key's term and its value
    /// start in the filter, if it came from one.
    fn refuse(
        &self,
        key: &str,
        problem: impl FnOnce(Option<(usize, usize)>) -> String,
    ) -> ParamError {
        match (self.filter, self.entry(key)) {
            (Some(filter), Some((_, _, Origin::Term { term, value }))) => ParamError::Refused {
                name: "filter".to_owned(),
                problem: format!(
                    "invalid filter {filter:?}: {}",
                    problem(Some((term, value)))
                ),
            },
            _ => ParamError::Refused {
                name: key.to_owned(),
                problem: problem(None),
            },
        }
    }

    /// Refuses the value of `key` as not being `expected`.
    fn invalid(&self, key: &str, expected: &str) -> ParamError {
        let value = self.get(key).unwrap_or_default();
        match self.filter {
            None => ParamError::Invalid {
                name: key.to_owned(),
                value: value.to_owned(),
                expected: expected.to_owned(),
            },
            Some(_) => self.refuse(key, |at| {
                let at = position(at.map(|(_, value)| value));
                format!("invalid {key} {value:?}{at}: expected {expected}")
            }),
        }
    }

    /// The value of `key` read as `T`; refused, listing the choices, when
    /// it is not one of them.
    pub(crate) fn parse<T>(&self, key: &str) -> Result<Option<T>, ParamError>
    where
        T: FromStr<Err = wharf_model::UnknownValue>,
    {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        value
            .parse()
            .map(Some)
            .map_err(|e: wharf_model::UnknownValue| {
                self.invalid(key, &format!("one of {}", e.expected().join(", ")))
            })
    }

    /// `offset` (any `u64`) and `limit` (`1..=MAX_LIMIT`), given together
    /// or not at all.
    pub(crate) fn page(&self) -> Result<Option<(u64, u64)>, ParamError> {
        let offset = match self.get("offset") {
            None => None,
            Some(text) => {
                Some(digits(text).ok_or_else(|| self.invalid("offset", "an integer >= 0"))?)
            }
        };
        let limit = match self.get("limit") {
            None => None,
            Some(text) => Some(
                digits(text)
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| {
                        self.invalid("limit", &format!("an integer in 1..={MAX_LIMIT}"))
                    })?,
            ),
        };
        self.pair(offset, limit, ("offset", "limit"))
    }

    /// Both of a pair of values or neither: `(first, second)` names them.
    pub(crate) fn pair<A, B>(
        &self,
        a: Option<A>,
        b: Option<B>,
        (first, second): (&str, &str),
    ) -> Result<Option<(A, B)>, ParamError> {
        let missing = |present: &str, absent: &str| {
            self.refuse(present, |at| {
                let at = position(at.map(|(term, _)| term));
                format!("{present}{at} without {absent}: expected {first} and {second} together")
            })
        };
        match (a, b) {
            (Some(a), Some(b)) => Ok(Some((a, b))),
            (None, None) => Ok(None),
            (Some(_), None) => Err(missing(first, second)),
            (None, Some(_)) => Err(missing(second, first)),
        }
    }
}

/// ASCII digits only (no sign, no `+`, no spaces), at most `u64::MAX`.
fn digits(text: &str) -> Option<u64> {
    let plain = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    plain.then(|| text.parse().ok()).flatten()
}

/// ` at byte N`, or nothing.
fn position(at: Option<usize>) -> String {
    at.map_or_else(String::new, |at| format!(" at byte {at}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: &[&str] = &["offset", "limit", "tag"];

    fn read(query: &str) -> Result<Vec<(String, String)>, ParamError> {
        let pairs = params::swr_query(query);
        let values = Values::read(&pairs, KEYS, KEYS)?;
        values.page()?;
        Ok(values
            .found
            .iter()
            .map(|(k, v, _)| ((*k).to_owned(), (*v).to_owned()))
            .collect())
    }

    fn problem(query: &str) -> String {
        let e = read(query).unwrap_err();
        format!("{} {}", e.name(), e.problem())
    }

    #[test]
    fn filter_and_plain_read_alike() {
        let want = vec![
            ("offset".to_owned(), "0".to_owned()),
            ("limit".to_owned(), "5".to_owned()),
        ];
        assert_eq!(read("filter=offset%3A%3A0%7Climit%3A%3A5").unwrap(), want);
        assert_eq!(read("filter='offset::0|limit::5'").unwrap(), want);
        assert_eq!(read("offset=0&limit=5&other=1").unwrap(), want);
        // `filter` wins: the plain parameters beside it are not read, even
        // given twice or empty.
        let tag = vec![("tag".to_owned(), "a".to_owned())];
        assert_eq!(
            read("filter=tag::a&tag=b&limit=0&limit=&offset=x").unwrap(),
            tag
        );
        assert_eq!(read("").unwrap(), Vec::new());
    }

    #[test]
    fn refusals_name_the_key_and_the_byte() {
        for (query, want) in [
            ("filter=", "filter is empty"),
            (
                "filter=''",
                "filter invalid filter \"''\": no terms: expected at least one `key::value` term",
            ),
            (
                "filter='tag::a",
                "filter invalid filter \"'tag::a\": opening `'` at byte 0 is not closed: expected a closing `'`",
            ),
            (
                "filter=tag::a||limit::1",
                "filter invalid filter \"tag::a||limit::1\": term \"\" at byte 7 has no `::`: expected `key::value`",
            ),
            (
                "filter=::a",
                "filter invalid filter \"::a\": term \"::a\" at byte 0 has no key: expected `key::value`",
            ),
            (
                "filter=tag::a|name::b",
                "filter invalid filter \"tag::a|name::b\": unknown key \"name\" at byte 7: expected one of offset, limit, tag",
            ),
            (
                "filter=tag::a|tag::b",
                "filter invalid filter \"tag::a|tag::b\": repeated key \"tag\" at byte 7: expected each key at most once",
            ),
            (
                "filter=tag::",
                "filter invalid filter \"tag::\": empty tag at byte 5: expected a value",
            ),
            (
                "filter=tag::a::b",
                "filter invalid filter \"tag::a::b\": tag \"a::b\" contains `::` at byte 6: expected a value without `|` or `::`",
            ),
            (
                "filter=limit::0|offset::0",
                "filter invalid filter \"limit::0|offset::0\": invalid limit \"0\" at byte 7: expected an integer in 1..=1000",
            ),
            (
                "filter=tag::a|offset::5",
                "filter invalid filter \"tag::a|offset::5\": offset at byte 7 without limit: expected offset and limit together",
            ),
            (
                "limit=1001&offset=0",
                "limit \"1001\" is not an integer in 1..=1000",
            ),
            (
                "limit=+1&offset=0",
                "limit \"+1\" is not an integer in 1..=1000",
            ),
            ("offset=-1&limit=1", "offset \"-1\" is not an integer >= 0"),
            (
                "limit=10",
                "limit limit without offset: expected offset and limit together",
            ),
            ("tag=a&tag=b", "tag is given more than once"),
            ("tag=", "tag is empty"),
        ] {
            assert_eq!(problem(query), want, "{query}");
        }
    }
}
