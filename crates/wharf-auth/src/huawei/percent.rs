//! Percent-encoding, percent-decoding and trimming exactly as the Python SDK
//! does them (`urllib.parse.quote(s, safe='~')`, `urllib.parse.unquote`,
//! `str.strip`).

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::digest::hex_value;

/// Everything except `A-Z a-z 0-9 - _ . ~` is encoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes the UTF-8 bytes of `text`, keeping only `A-Z a-z 0-9 - _ . ~`.
///
/// Hex digits are uppercase and a space becomes `%20`, never `+`. This is the
/// encoding of canonical path segments, query keys and values, and of the path
/// segments the Python SDK sends on the wire (`quote(value, safe='')`, which
/// is the same set). Use it to put a repository name with `/` into a path
/// segment as `%2F`.
///
/// ```
/// use wharf_auth::huawei::percent_encode;
///
/// assert_eq!(percent_encode("team/nginx 1.0~é"), "team%2Fnginx%201.0~%C3%A9");
/// ```
pub fn percent_encode(text: &str) -> String {
    utf8_percent_encode(text, UNRESERVED).to_string()
}

/// Decodes `%XX` escapes as Python's `urllib.parse.unquote` does.
///
/// Escapes are decoded inside runs of ASCII characters; each run's bytes are
/// read as UTF-8 with invalid sequences replaced by U+FFFD. A `%` not followed
/// by two hex digits stays as it is, and `+` stays `+`. Never fails.
///
/// ```
/// use wharf_auth::huawei::percent_decode;
///
/// assert_eq!(percent_decode("team%2Fnginx%20x+y%zz"), "team/nginx x+y%zz");
/// assert_eq!(percent_decode("%FF"), "\u{FFFD}");
/// ```
pub fn percent_decode(text: &str) -> Cow<'_, str> {
    if !text.contains('%') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let (ascii, tail) = rest.split_at(ascii_prefix_len(rest));
        out.push_str(&String::from_utf8_lossy(&unescape_bytes(ascii.as_bytes())));
        let (other, next) = tail.split_at(non_ascii_prefix_len(tail));
        out.push_str(other);
        rest = next;
    }
    Cow::Owned(out)
}

/// Length of the leading run of ASCII bytes (a char boundary).
fn ascii_prefix_len(text: &str) -> usize {
    text.bytes().take_while(u8::is_ascii).count()
}

/// Length of the leading run of non-ASCII bytes (a char boundary: it ends at an
/// ASCII byte or at the end).
fn non_ascii_prefix_len(text: &str) -> usize {
    text.bytes().take_while(|b| !b.is_ascii()).count()
}

/// Replaces each `%XX` (hex of either case) by its byte.
fn unescape_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if let Some(byte) = escaped_byte_at(bytes, i) {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// The byte escaped at `i` when `bytes[i..]` starts with `%XX`.
fn escaped_byte_at(bytes: &[u8], i: usize) -> Option<u8> {
    if bytes.get(i) != Some(&b'%') {
        return None;
    }
    let high = hex_value(*bytes.get(i + 1)?)?;
    let low = hex_value(*bytes.get(i + 2)?)?;
    Some(high << 4 | low)
}

/// Trims the characters Python's `str.strip()` removes: Unicode white space
/// plus the separators U+001C to U+001F.
pub(crate) fn python_strip(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_python_quote() {
        assert_eq!(percent_encode("a b+c/d~e*f'g"), "a%20b%2Bc%2Fd~e%2Af%27g");
        assert_eq!(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(percent_encode("中"), "%E4%B8%AD");
    }

    #[test]
    fn decodes_like_python_unquote() {
        assert_eq!(percent_decode("%41%4a%4A"), "AJJ");
        assert_eq!(percent_decode("%%41"), "%A");
        assert_eq!(percent_decode("%4%41"), "%4A");
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%e4%b8%ad"), "中");
        assert_eq!(percent_decode("%E4%B8"), "\u{FFFD}");
        assert_eq!(percent_decode("%E4中%AD"), "\u{FFFD}中\u{FFFD}");
        assert_eq!(percent_decode("é%20"), "é ");
    }

    #[test]
    fn strips_like_python() {
        assert_eq!(python_strip(" \t\u{1f}a b\u{3000}\u{85}"), "a b");
        assert_eq!(python_strip("\u{200b}a"), "\u{200b}a");
    }
}
