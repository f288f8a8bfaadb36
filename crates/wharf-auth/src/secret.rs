//! A string that never shows itself in `Debug` output.

use std::fmt;

/// What is shown in place of a secret.
pub(crate) const REDACTED: &str = "<redacted>";

/// A secret string: a secret key, a private key or a token.
///
/// Its `Debug` prints `<redacted>`; it has no `Display` and no `Serialize`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    /// Wraps `value`.
    pub(crate) fn new(value: String) -> Self {
        Self(value)
    }

    /// The secret itself, for signing only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}
