//! The canonical request of `SDK-HMAC-SHA256` and its parts: URI, query,
//! headers, payload hash, and the string to sign built from it.

use std::collections::BTreeMap;
use std::fmt;

use super::header_names::is_secret;
use super::percent::{percent_decode, percent_encode, python_strip};
use crate::digest::sha256_hex;
use crate::secret::{REDACTED, Secret};

/// The algorithm name that opens the string to sign and the `Authorization` value.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";

/// Hex SHA-256 of the empty string: the payload hash of a request without a body.
pub const EMPTY_BODY_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The payload hash the SDK announces, in `X-Sdk-Content-Sha256`, for a body
/// it does not hash (a non-JSON `Content-Type`).
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// The canonical form of a wire path.
///
/// Percent-decodes the path, splits it on `/`, re-encodes each segment with
/// [`percent_encode`] and joins them, then appends `/` unless the result ends
/// with one. So `%2F` inside a segment is signed as a real `/`, and the
/// trailing `/` exists only in this signed form.
///
/// ```
/// use wharf_auth::huawei::canonical_uri;
///
/// assert_eq!(canonical_uri("/v2/manage/repos"), "/v2/manage/repos/");
/// assert_eq!(canonical_uri("/repos/team%2Fnginx"), "/repos/team/nginx/");
/// assert_eq!(canonical_uri("/repos/a$b%20c"), "/repos/a%24b%20c/");
/// assert_eq!(canonical_uri(""), "/");
/// ```
pub fn canonical_uri(wire_path: &str) -> String {
    let decoded = percent_decode(wire_path);
    let mut uri = decoded
        .split('/')
        .map(percent_encode)
        .collect::<Vec<_>>()
        .join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The canonical query string of raw (unencoded) pairs.
///
/// Pairs are sorted on the raw key, then the raw value, before both are
/// encoded with [`percent_encode`] (space is `%20`); each becomes `k=v` (an
/// empty value gives `k=`) and they are joined with `&`.
///
/// ```
/// use wharf_auth::huawei::canonical_query;
///
/// let pairs = [("b", "2"), ("a", "x y"), ("a", "10"), ("c", "")]
///     .map(|(k, v)| (k.to_owned(), v.to_owned()));
/// assert_eq!(canonical_query(&pairs), "a=10&a=x%20y&b=2&c=");
/// ```
pub fn canonical_query(pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort();
    sorted
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The query string to send on the wire, without `?`.
///
/// The Python SDK sends exactly the [`canonical_query`], so this is the same
/// string; it has its own name so that callers say what they mean.
pub fn wire_query(pairs: &[(String, String)]) -> String {
    canonical_query(pairs)
}

/// Decodes a received query string (without `?`) into raw pairs.
///
/// Splits on `&`, skips empty pieces, splits each on the first `=` (no `=`
/// means an empty value) and [`percent_decode`]s both sides. A `+` stays a
/// `+`: the Python SDK sends a space as `%20` and a plus as `%2B`.
///
/// ```
/// use wharf_auth::huawei::parse_query;
///
/// let pairs = parse_query("a=x%20y&&flag&b=1+1");
/// assert_eq!(pairs, [("a", "x y"), ("flag", ""), ("b", "1+1")]
///     .map(|(k, v)| (k.to_owned(), v.to_owned())));
/// ```
pub fn parse_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (key, value) = piece.split_once('=').unwrap_or((piece, ""));
            (
                percent_decode(key).into_owned(),
                percent_decode(value).into_owned(),
            )
        })
        .collect()
}

/// A canonical request, part by part.
///
/// Its [`Display`](fmt::Display) is the canonical request text: the six parts
/// joined by `\n`. The values of `x-security-token` and `x-auth-token` read
/// `<redacted>` in [`headers`](Self::headers), and so in `Display` and
/// `Debug`; [`hash`](Self::hash), and so the signature, use the real values.
/// The text of a request without such a header is exactly the SDK's.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CanonicalRequest {
    /// The method in uppercase.
    pub method: String,
    /// The [`canonical_uri`].
    pub uri: String,
    /// The [`canonical_query`].
    pub query: String,
    /// One `name:value\n` line per signed header, names lowercase; token
    /// values read `<redacted>`.
    pub headers: String,
    /// The signed header names joined by `;`.
    pub signed_headers: String,
    /// Hex SHA-256 of the body, or the `X-Sdk-Content-Sha256` value.
    pub payload_hash: String,
    /// The header lines with the real token values, for the hash only.
    exact_headers: Secret,
}

impl CanonicalRequest {
    /// Builds the canonical request from its inputs. `lines` are the signed
    /// headers in order, as (lowercase name, value) pairs; values are trimmed here.
    pub(crate) fn new(
        method: &str,
        wire_path: &str,
        query: &[(String, String)],
        lines: &[(String, String)],
        payload_hash: String,
    ) -> Self {
        let mut headers = String::new();
        let mut exact_headers = String::new();
        for (name, value) in lines {
            let value = python_strip(value);
            exact_headers.push_str(&format!("{name}:{value}\n"));
            let shown = if is_secret(name) { REDACTED } else { value };
            headers.push_str(&format!("{name}:{shown}\n"));
        }
        let names: Vec<&str> = lines.iter().map(|(name, _)| name.as_str()).collect();
        Self {
            method: method.to_uppercase(),
            uri: canonical_uri(wire_path),
            query: canonical_query(query),
            headers,
            signed_headers: names.join(";"),
            payload_hash,
            exact_headers: Secret::new(exact_headers),
        }
    }

    /// Hex SHA-256 of the canonical request text, with the real token values.
    pub fn hash(&self) -> String {
        sha256_hex(self.text(self.exact_headers.expose()).as_bytes())
    }

    /// The string to sign: the algorithm, the `X-Sdk-Date` value and
    /// [`hash`](Self::hash), joined by `\n`.
    pub fn string_to_sign(&self, sdk_date: &str) -> String {
        format!("{ALGORITHM}\n{sdk_date}\n{}", self.hash())
    }

    /// The six parts joined by `\n`, with `headers` as the header lines.
    fn text(&self, headers: &str) -> String {
        format!(
            "{}\n{}\n{}\n{headers}\n{}\n{}",
            self.method, self.uri, self.query, self.signed_headers, self.payload_hash
        )
    }
}

impl fmt::Display for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(&self.headers))
    }
}

/// The headers the Python SDK signs, in signing order: every header whose
/// name has no `_`, named in lowercase and sorted. When two headers share a
/// lowercase name, both names are listed and both lines carry the last value,
/// as the SDK's dictionary does.
pub(crate) fn signing_lines(headers: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut last_values: BTreeMap<String, &str> = BTreeMap::new();
    for (name, value) in headers {
        last_values.insert(name.to_lowercase(), value);
    }
    let mut names: Vec<String> = headers
        .iter()
        .filter(|(name, _)| !name.contains('_'))
        .map(|(name, _)| name.to_lowercase())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let value = last_values.get(&name).copied().unwrap_or_default();
            (name, value.to_owned())
        })
        .collect()
}

/// The payload hash: the empty-body hash when there is no body, else the
/// announced `X-Sdk-Content-Sha256` value when there is a non-empty one, else
/// the hex SHA-256 of the body.
pub(crate) fn payload_hash(body: &[u8], announced: Option<&str>) -> String {
    if body.is_empty() {
        return EMPTY_BODY_SHA256.to_owned();
    }
    match announced.map(python_strip).filter(|v| !v.is_empty()) {
        Some(value) => value.to_owned(),
        None => sha256_hex(body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn uri_keeps_an_existing_trailing_slash_and_encodes_segments() {
        assert_eq!(canonical_uri("/a/"), "/a/");
        assert_eq!(canonical_uri("/a//b"), "/a//b/");
        assert_eq!(canonical_uri("/%E4%B8%AD%20x"), "/%E4%B8%AD%20x/");
        assert_eq!(canonical_uri("/a%2fb"), "/a/b/");
    }

    #[test]
    fn query_sorts_on_raw_strings_before_encoding() {
        // Raw "a b" < "a+b" because ' ' (0x20) < '+' (0x2B), though "%20" > "%2B".
        let q = pairs(&[("k", "a+b"), ("k", "a b")]);
        assert_eq!(canonical_query(&q), "k=a%20b&k=a%2Bb");
        // Raw "Tag.10" < "Tag.2".
        let q = pairs(&[("Tag.2", ""), ("Tag.10", "")]);
        assert_eq!(canonical_query(&q), "Tag.10=&Tag.2=");
    }

    #[test]
    fn signing_lines_skip_underscores_and_merge_case() {
        let headers = [
            ("X-A", "1"),
            ("My_Header", "x"),
            ("x-a", "2"),
            ("Host", "h"),
        ];
        let lines = signing_lines(&headers);
        assert_eq!(lines, pairs(&[("host", "h"), ("x-a", "2"), ("x-a", "2")]));
    }

    #[test]
    fn payload_hash_rules() {
        assert_eq!(
            payload_hash(b"", Some("UNSIGNED-PAYLOAD")),
            EMPTY_BODY_SHA256
        );
        assert_eq!(
            payload_hash(b"x", Some(" UNSIGNED-PAYLOAD ")),
            "UNSIGNED-PAYLOAD"
        );
        assert_eq!(payload_hash(b"x", Some(" ")), sha256_hex(b"x"));
        assert_eq!(payload_hash(b"x", None), sha256_hex(b"x"));
    }
}
