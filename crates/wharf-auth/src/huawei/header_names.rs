//! The names of the headers this crate adds or reads, spelled as the Python
//! SDK spells them.

/// The signing time, `YYYYMMDDTHHMMSSZ`.
pub const X_SDK_DATE: &str = "X-Sdk-Date";
/// The signature header.
pub const AUTHORIZATION: &str = "Authorization";
/// The project id, when one is configured.
pub const X_PROJECT_ID: &str = "X-Project-Id";
/// The security token of temporary credentials.
pub const X_SECURITY_TOKEN: &str = "X-Security-Token";
/// The IAM token, in token mode.
pub const X_AUTH_TOKEN: &str = "X-Auth-Token";
/// The announced payload hash (`UNSIGNED-PAYLOAD` for non-JSON bodies).
pub const X_SDK_CONTENT_SHA256: &str = "X-Sdk-Content-Sha256";
/// The host (with `:port` when the endpoint has one), always signed.
pub const HOST: &str = "Host";
/// The content type, which decides whether the body is hashed.
pub const CONTENT_TYPE: &str = "Content-Type";

/// Whether two header names are the same name, as the SDK compares them
/// (Python's `lower()`, which is Unicode-aware).
///
/// ASCII names, all real ones, compare without allocating; the rare other
/// name is lowercased in full, because a non-ASCII character can lowercase
/// to an ASCII one (U+212A KELVIN SIGN to `k`).
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

/// Whether a header holds a secret, so that `Debug` output must hide its value.
pub(crate) fn is_secret(name: &str) -> bool {
    same_name(name, X_SECURITY_TOKEN) || same_name(name, X_AUTH_TOKEN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_as_python_lowercases_them() {
        assert!(same_name("X-Sdk-Date", "x-sdk-date"));
        assert!(same_name("HOST", "host"));
        assert!(!same_name("host", "hosts"));
        assert!(same_name("X-Sdk-Date", "X-Sd\u{212A}-Date"));
        assert!(same_name("Ä-x", "ä-X"));
        assert!(!same_name("a_b", "a-b"));
    }
}
