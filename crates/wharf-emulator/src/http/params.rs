//! The one reader of request parameters: query strings and form bodies
//! decoded to `(name, value)` pairs (as each provider's verifier decodes
//! them), the rules every parameter the emulator reads follows (given at
//! most once, never empty), and the paging pair by any names. What a
//! parameter means is the provider's: `swr` and `uhub` name theirs.

use wharf_model::PageRequest;

/// Decodes an SWR query string exactly as `wharf-auth`'s Huawei verifier does
/// ([`wharf_auth::huawei::parse_query`]): `%XX` escapes are decoded and a `+`
/// stays a `+`, so what is served is what was signed.
pub(crate) fn swr_query(raw: &str) -> Vec<(String, String)> {
    wharf_auth::huawei::parse_query(raw)
}

/// Decodes a UHub form body or query string (`name=value&...`, a `+` is a
/// space), as both UCloud SDKs encode it and as the UCloud verifier reads it.
pub(crate) fn form(encoded: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(encoded).into_owned().collect()
}

/// The most parameters a UHub call may have: far more than any action takes,
/// and few enough that decoding them costs little. (A 1 MiB body of `a=&`
/// is 350,000 parameters: decoded, about 60 MiB.)
pub(crate) const MAX_PARAMS: usize = 1000;

/// More than [`MAX_PARAMS`] parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooMany;

impl std::fmt::Display for TooMany {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "more than {MAX_PARAMS} parameters")
    }
}

/// Like [`form`], refusing more than [`MAX_PARAMS`] parameters before a
/// single one is decoded.
pub(crate) fn form_bounded(encoded: &[u8]) -> Result<Vec<(String, String)>, TooMany> {
    // `form_urlencoded` skips empty pieces: so does the count.
    let count = encoded
        .split(|&b| b == b'&')
        .filter(|piece| !piece.is_empty())
        .count();
    if count > MAX_PARAMS {
        return Err(TooMany);
    }
    Ok(form(encoded))
}

/// A parameter refused, with no protocol's wording: each protocol words it
/// in its own error shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ParamError {
    /// Given more than once.
    Repeated(String),
    /// Given with an empty value.
    Empty(String),
    /// A value that is not what it should be: `value` is not `expected`.
    Invalid {
        /// The parameter.
        name: String,
        /// The value received.
        value: String,
        /// What it should be, after "is not": `an integer >= 0`.
        expected: String,
    },
    /// Refused for a reason said in full, after the name: a `filter` that
    /// does not read, a pair given half.
    Refused {
        /// The parameter.
        name: String,
        /// What is wrong.
        problem: String,
    },
}

impl ParamError {
    /// The parameter refused.
    pub(crate) fn name(&self) -> &str {
        match self {
            ParamError::Repeated(name) | ParamError::Empty(name) => name,
            ParamError::Invalid { name, .. } | ParamError::Refused { name, .. } => name,
        }
    }

    /// What is wrong, to follow the name: `is given more than once`,
    /// `is empty`, `"x" is not an integer >= 0`.
    pub(crate) fn problem(&self) -> String {
        match self {
            ParamError::Repeated(_) => "is given more than once".to_owned(),
            ParamError::Empty(_) => "is empty".to_owned(),
            ParamError::Invalid {
                value, expected, ..
            } => format!("{value:?} is not {expected}"),
            ParamError::Refused { problem, .. } => problem.clone(),
        }
    }
}

/// The value of `name`: `None` when absent; refused when given more than
/// once or empty.
pub(crate) fn get<'a>(
    pairs: &'a [(String, String)],
    name: &str,
) -> Result<Option<&'a str>, ParamError> {
    let mut values = pairs.iter().filter(|(n, _)| n == name).map(|(_, v)| v);
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(ParamError::Repeated(name.to_owned()));
    }
    if value.is_empty() {
        return Err(ParamError::Empty(name.to_owned()));
    }
    Ok(Some(value))
}

/// The largest page either protocol serves: SWR's documented maximum.
pub(crate) const MAX_LIMIT: u64 = PageRequest::MAX_LIMIT as u64;

/// The page asked for by parameters `offset_name` (default 0, any `u64`) and
/// `limit_name` (default `default_limit`, `1..=`[`MAX_LIMIT`]): SWR's
/// `offset`/`limit`, UHub's `Offset`/`Limit`. A repeated or empty value is
/// refused like an invalid one.
pub(crate) fn paging(
    pairs: &[(String, String)],
    offset_name: &str,
    limit_name: &str,
    default_limit: u64,
) -> Result<(u64, u64), ParamError> {
    let invalid = |name: &str, value: &str, expected: &str| ParamError::Invalid {
        name: name.to_owned(),
        value: value.to_owned(),
        expected: expected.to_owned(),
    };
    let offset = match get(pairs, offset_name)? {
        None => 0,
        Some(text) => text
            .parse::<u64>()
            .map_err(|_| invalid(offset_name, text, "an integer >= 0"))?,
    };
    let limit = match get(pairs, limit_name)? {
        None => default_limit,
        Some(text) => match text.parse::<u64>() {
            Ok(n @ 1..=MAX_LIMIT) => n,
            _ => {
                let expected = format!("an integer in 1..={MAX_LIMIT}");
                return Err(invalid(limit_name, text, &expected));
            }
        },
    };
    Ok((offset, limit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_finds() {
        let p = swr_query("filter=namespace%3A%3Ateam%7Climit%3A%3A5&a=&b=x+y&c=1&c=2");
        assert_eq!(get(&p, "filter"), Ok(Some("namespace::team|limit::5")));
        assert_eq!(get(&p, "a"), Err(ParamError::Empty("a".into())));
        assert_eq!(get(&p, "b"), Ok(Some("x+y")));
        assert_eq!(get(&p, "c"), Err(ParamError::Repeated("c".into())));
        assert_eq!(get(&p, "d"), Ok(None));
        assert!(swr_query("").is_empty());
        let f = form(b"b=x+y%2Bz");
        assert_eq!(get(&f, "b"), Ok(Some("x y+z")));
    }

    #[test]
    fn a_form_of_too_many_parameters_is_refused_undecoded() {
        let most = "a=1&".repeat(MAX_PARAMS);
        assert_eq!(
            form_bounded(most.as_bytes()).map(|p| p.len()),
            Ok(MAX_PARAMS)
        );
        // Empty pieces are no parameters, as `form` skips them.
        let padded = format!("{most}&&&");
        assert_eq!(
            form_bounded(padded.as_bytes()).map(|p| p.len()),
            Ok(MAX_PARAMS)
        );
        let over = format!("{most}b");
        assert_eq!(form_bounded(over.as_bytes()), Err(TooMany));
        assert_eq!(TooMany.to_string(), "more than 1000 parameters");
    }

    #[test]
    fn problems_read_after_the_name() {
        let e = ParamError::Invalid {
            name: "Limit".into(),
            value: "0".into(),
            expected: "an integer in 1..=1000".into(),
        };
        assert_eq!(
            format!("{} {}", e.name(), e.problem()),
            "Limit \"0\" is not an integer in 1..=1000"
        );
        assert_eq!(
            ParamError::Repeated("offset".into()).problem(),
            "is given more than once"
        );
    }

    #[test]
    fn paging_defaults_and_refusals() {
        let pairs = |q: &str| form(q.as_bytes());
        assert_eq!(paging(&pairs(""), "offset", "limit", 100), Ok((0, 100)));
        assert_eq!(
            paging(&pairs("Offset=3&Limit=1000"), "Offset", "Limit", 20),
            Ok((3, 1000))
        );
        let err = paging(&pairs("offset=1&offset=999"), "offset", "limit", 100);
        assert_eq!(err, Err(ParamError::Repeated("offset".into())));
        let err = paging(&pairs("offset=&limit="), "offset", "limit", 100);
        assert_eq!(err, Err(ParamError::Empty("offset".into())));
        let err = paging(&pairs("limit=0"), "offset", "limit", 100).unwrap_err();
        assert_eq!(err.problem(), "\"0\" is not an integer in 1..=1000");
        let err = paging(&pairs("offset=-1"), "offset", "limit", 100).unwrap_err();
        assert_eq!(
            (err.name(), err.problem().as_str()),
            ("offset", "\"-1\" is not an integer >= 0")
        );
    }
}
