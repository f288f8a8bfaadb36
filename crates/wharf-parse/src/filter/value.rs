//! The rules every value follows, whether built or read.

use std::str::FromStr;

use wharf_model::{PageRequest, UnknownValue};

use super::error::FilterError;
use super::key::Key;

/// What a valid limit looks like, for messages.
const LIMIT_RANGE: &str = "an integer in 1..=1000";
const _: () = assert!(PageRequest::MAX_LIMIT == 1000, "update LIMIT_RANGE");
/// What a valid offset looks like, for messages.
const OFFSET_RANGE: &str = "an integer in 0..=18446744073709551615";
/// What a valid `is_public` looks like, for messages.
const BOOL_VALUES: &str = "true or false";

/// Refuses an empty value of `key`, or one that would inject terms (`|` or
/// `::`).
///
/// `at` is where the value starts in filter text, when there is one.
pub(super) fn check_text(
    key: &'static str,
    value: &str,
    at: Option<usize>,
) -> Result<(), FilterError> {
    if value.is_empty() {
        return Err(FilterError::empty_value(key, at));
    }
    let bar = value.find('|').map(|i| (i, "|"));
    let colons = value.find("::").map(|i| (i, "::"));
    let first = match (bar, colons) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    match first {
        Some((i, found)) => {
            let at = at.and_then(|at| at.checked_add(i));
            Err(FilterError::forbidden(key, value, found, at))
        }
        None => Ok(()),
    }
}

/// Refuses a limit outside `1..=PageRequest::MAX_LIMIT`.
pub(super) fn check_limit(limit: u32) -> Result<(), FilterError> {
    if (1..=PageRequest::MAX_LIMIT).contains(&limit) {
        return Ok(());
    }
    let text = limit.to_string();
    Err(FilterError::invalid(Key::Limit, &text, LIMIT_RANGE, None))
}

/// Reads a closed enumeration through the model's `FromStr`.
pub(super) fn wire<T>(key: Key, value: &str, at: Option<usize>) -> Result<T, FilterError>
where
    T: FromStr<Err = UnknownValue>,
{
    value
        .parse()
        .map_err(|err| FilterError::unknown_value(key, err, at))
}

/// ASCII digits only (no sign, no spaces), at most `u64::MAX`.
fn digits(value: &str) -> Option<u64> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

/// Reads an offset: any `u64`.
pub(super) fn offset(value: &str, at: Option<usize>) -> Result<u64, FilterError> {
    digits(value).ok_or_else(|| FilterError::invalid(Key::Offset, value, OFFSET_RANGE, at))
}

/// Reads a limit: `1..=1000`.
pub(super) fn limit(value: &str, at: Option<usize>) -> Result<u32, FilterError> {
    digits(value)
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| (1..=PageRequest::MAX_LIMIT).contains(n))
        .ok_or_else(|| FilterError::invalid(Key::Limit, value, LIMIT_RANGE, at))
}

/// Reads `is_public`: `true` or `false`, lowercase.
pub(super) fn boolean(value: &str, at: Option<usize>) -> Result<bool, FilterError> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(FilterError::invalid(Key::IsPublic, value, BOOL_VALUES, at)),
    }
}

/// Writes `is_public`.
pub(super) fn boolean_text(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}
