//! [`UnknownValue`]: a name that is none of an enumeration's.

/// A value that is not one of an enumeration's wire names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} {value:?}: expected one of {}", expected.join(", "))]
pub struct UnknownValue {
    what: &'static str,
    value: String,
    expected: &'static [&'static str],
}

impl UnknownValue {
    /// `value` was given for `what`, which takes one of `expected`.
    pub(crate) fn new(what: &'static str, value: &str, expected: &'static [&'static str]) -> Self {
        UnknownValue {
            what,
            value: value.to_owned(),
            expected,
        }
    }

    /// What was being read, such as `center`.
    pub fn what(&self) -> &'static str {
        self.what
    }

    /// The value that was given.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The values that would have been accepted.
    pub fn expected(&self) -> &'static [&'static str] {
        self.expected
    }
}
