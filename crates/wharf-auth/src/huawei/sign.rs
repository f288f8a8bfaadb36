//! Signing a request: the headers to add to one attempt.

use std::fmt;

use jiff::Timestamp;

use super::authorization::Authorization;
use super::canonical::{CanonicalRequest, UNSIGNED_PAYLOAD, payload_hash, signing_lines};
use super::credentials::{Auth, Credentials, IamToken};
use super::date::format_sdk_date;
use super::header_names::{
    AUTHORIZATION, CONTENT_TYPE, HOST, X_AUTH_TOKEN, X_PROJECT_ID, X_SDK_CONTENT_SHA256,
    X_SDK_DATE, X_SECURITY_TOKEN, is_secret, same_name,
};
use super::percent::python_strip;
use super::request::Request;
use crate::digest::hmac_sha256_hex;
use crate::secret::REDACTED;

/// Signs `request` with `SDK-HMAC-SHA256` at time `now`, as the Python SDK's
/// `Signer` does.
///
/// The result holds the headers to add (`X-Project-Id`, `X-Security-Token`,
/// `X-Sdk-Content-Sha256` when the SDK would add them, then `X-Sdk-Date` and
/// `Authorization`) and the intermediate pieces. Input headers with the same
/// names as added ones are left out of the signature: send the added headers
/// *instead of* them ([`AuthHeaders::apply_to`] does that). Call this again,
/// with a fresh `now`, for every attempt.
///
/// The request must carry a `Host` header (any letter case, not empty): the
/// SDK always signs one, taking it from the endpoint when the caller gave
/// none, and a verifier that follows the SDK refuses a signature without it.
/// This crate does not know the endpoint, so a request without `Host` is a
/// [`SignErrorKind::MissingHost`] error rather than a signature the server
/// would refuse.
///
/// Two choices differ from the Python SDK on inputs it never produces: the
/// `Content-Type` that makes the SDK announce `UNSIGNED-PAYLOAD` is found in
/// any letter case (the SDK looks only for `Content-Type`), and when it
/// appears more than once the last one decides, the value the signed
/// `content-type` lines carry; and an input header named like an added one
/// is replaced rather than kept twice.
///
/// ```
/// use wharf_auth::huawei::{sign, Credentials, Request, SignErrorKind};
///
/// let creds = Credentials::new("AK", "SK")?;
/// let headers = vec![("Host".to_owned(), "swr-api.cn-north-4.myhuaweicloud.com".to_owned())];
/// let now: jiff::Timestamp = "2024-06-15T12:34:56Z".parse()?;
/// let signed = sign(&creds, &Request::new("GET", "/v2/manage/repos").with_headers(&headers), now)?;
/// assert_eq!(signed.headers().get("X-Sdk-Date"), Some("20240615T123456Z"));
/// assert!(signed.authorization().starts_with("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature="));
///
/// let e = sign(&creds, &Request::new("GET", "/v2/manage/repos"), now).unwrap_err();
/// assert_eq!(e.kind(), SignErrorKind::MissingHost);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sign(
    credentials: &Credentials,
    request: &Request<'_>,
    now: Timestamp,
) -> Result<Signed, SignError> {
    check_host(request.headers)?;
    let date = format_sdk_date(now);
    let mut added = added_headers(credentials, request.headers, &date);
    let all: Vec<(&str, &str)> = request
        .headers
        .iter()
        .filter(|(name, _)| !is_replaced(name, &added))
        .chain(added.iter())
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let lines = signing_lines(&all);
    let announced = all
        .iter()
        .find(|(name, _)| same_name(name, X_SDK_CONTENT_SHA256))
        .map(|(_, value)| *value);
    let canonical_request = CanonicalRequest::new(
        request.method,
        request.path,
        request.query,
        &lines,
        payload_hash(request.body, announced),
    );
    let string_to_sign = canonical_request.string_to_sign(&date);
    let signature = hmac_sha256_hex(
        credentials.secret_key().as_bytes(),
        string_to_sign.as_bytes(),
    );
    let authorization = Authorization {
        access_key: credentials.access_key().to_owned(),
        signed_headers: lines.into_iter().map(|(name, _)| name).collect(),
        signature: signature.clone(),
    };
    added.push((AUTHORIZATION.to_owned(), authorization.to_string()));
    Ok(Signed {
        headers: AuthHeaders { headers: added },
        canonical_request,
        string_to_sign,
        signature,
    })
}

/// Refuses a request without a non-empty `Host` header.
fn check_host(headers: &[(String, String)]) -> Result<(), SignError> {
    let has_host = headers
        .iter()
        .any(|(name, value)| same_name(name, HOST) && !python_strip(value).is_empty());
    if has_host {
        Ok(())
    } else {
        Err(SignError {
            kind: SignErrorKind::MissingHost,
        })
    }
}

/// Why a request could not be signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignErrorKind {
    /// The request has no `Host` header, or an empty one.
    MissingHost,
}

/// A request that cannot be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", match self.kind {
    SignErrorKind::MissingHost => "cannot sign a request without a Host header: the official SDK always signs Host (the endpoint's host, with :port when it has one)",
})]
pub struct SignError {
    kind: SignErrorKind,
}

impl SignError {
    /// What was wrong.
    pub fn kind(&self) -> SignErrorKind {
        self.kind
    }
}

/// The headers the signer adds before signing, in the order the SDK adds them.
fn added_headers(
    credentials: &Credentials,
    headers: &[(String, String)],
    date: &str,
) -> Vec<(String, String)> {
    let mut added = Vec::new();
    if let Some(project_id) = credentials.project_id() {
        added.push((X_PROJECT_ID.to_owned(), project_id.to_owned()));
    }
    if let Some(token) = credentials.security_token() {
        added.push((X_SECURITY_TOKEN.to_owned(), token.to_owned()));
    }
    if announces_unsigned_payload(headers) {
        added.push((X_SDK_CONTENT_SHA256.to_owned(), UNSIGNED_PAYLOAD.to_owned()));
    }
    added.push((X_SDK_DATE.to_owned(), date.to_owned()));
    added
}

/// The SDK leaves the body unhashed when a `Content-Type` is set and is
/// neither JSON nor BSON. The value looked at is the one the signed
/// `content-type` line carries: the last, when the name appears in several
/// letter cases.
fn announces_unsigned_payload(headers: &[(String, String)]) -> bool {
    headers
        .iter()
        .rev()
        .find(|(name, _)| same_name(name, CONTENT_TYPE))
        .is_some_and(|(_, value)| {
            !value.is_empty()
                && !value.starts_with("application/json")
                && !value.starts_with("application/bson")
        })
}

/// Whether an input header gives way to an added one (or to `Authorization`).
fn is_replaced(name: &str, added: &[(String, String)]) -> bool {
    same_name(name, AUTHORIZATION) || added.iter().any(|(other, _)| same_name(name, other))
}

/// A signed request: the headers to add, and how they were computed.
///
/// Neither `Debug` nor the canonical request's text shows a security token
/// or an IAM token: their values read `<redacted>`.
#[derive(Clone, PartialEq, Eq)]
pub struct Signed {
    headers: AuthHeaders,
    canonical_request: CanonicalRequest,
    string_to_sign: String,
    signature: String,
}

impl Signed {
    /// The headers to add to this attempt.
    pub fn headers(&self) -> &AuthHeaders {
        &self.headers
    }

    /// The headers to add, by value.
    pub fn into_headers(self) -> AuthHeaders {
        self.headers
    }

    /// The canonical request, part by part; its `to_string()` is the text.
    pub fn canonical_request(&self) -> &CanonicalRequest {
        &self.canonical_request
    }

    /// The string to sign.
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }

    /// The signature, 64 lowercase hex digits.
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// The `Authorization` header value.
    pub fn authorization(&self) -> &str {
        self.headers.get(AUTHORIZATION).unwrap_or_default()
    }
}

impl fmt::Debug for Signed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signed")
            .field("headers", &self.headers)
            .field("canonical_request", &self.canonical_request)
            .field("string_to_sign", &self.string_to_sign)
            .finish()
    }
}

/// Headers to add to one attempt of a request, names spelled as the Python
/// SDK spells them. `Debug` redacts the values of `X-Security-Token` and
/// `X-Auth-Token`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct AuthHeaders {
    headers: Vec<(String, String)>,
}

impl AuthHeaders {
    /// The (name, value) pairs, in the order to send them.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// The value of header `name` (any letter case).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(other, _)| same_name(name, other))
            .map(|(_, value)| value)
    }

    /// How many headers there are.
    pub fn len(&self) -> usize {
        self.headers.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.headers.is_empty()
    }

    /// Puts these headers into `headers`, first removing every header there
    /// with one of these names (any letter case) or named `Authorization`.
    pub fn apply_to(&self, headers: &mut Vec<(String, String)>) {
        headers.retain(|(name, _)| !is_replaced(name, &self.headers));
        headers.extend(self.headers.iter().cloned());
    }

    /// The (name, value) pairs, by value.
    pub fn into_vec(self) -> Vec<(String, String)> {
        self.headers
    }
}

impl fmt::Debug for AuthHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = self.iter().map(|(name, value)| {
            let value = if is_secret(name) { REDACTED } else { value };
            (name, value)
        });
        f.debug_map().entries(shown).finish()
    }
}

impl Auth {
    /// The headers to add to one attempt of `request` at time `now`: a
    /// signature for [`Auth::AkSk`], `X-Auth-Token` (and `X-Project-Id`) for
    /// [`Auth::Token`].
    ///
    /// Fails only as [`sign`] does, for AK/SK: a request without `Host`.
    pub fn headers_for(
        &self,
        request: &Request<'_>,
        now: Timestamp,
    ) -> Result<AuthHeaders, SignError> {
        match self {
            Self::AkSk(credentials) => sign(credentials, request, now).map(Signed::into_headers),
            Self::Token(token) => Ok(token_headers(token)),
        }
    }
}

/// `X-Auth-Token` and, when set, `X-Project-Id`.
fn token_headers(token: &IamToken) -> AuthHeaders {
    let mut headers = vec![(X_AUTH_TOKEN.to_owned(), token.token().to_owned())];
    if let Some(project_id) = token.project_id() {
        headers.push((X_PROJECT_ID.to_owned(), project_id.to_owned()));
    }
    AuthHeaders { headers }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::sha256_hex;

    fn sign_with(headers: &[(&str, &str)], body: &[u8]) -> Signed {
        let headers: Vec<(String, String)> = headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect();
        let creds = Credentials::new("AK", "SK").expect("valid");
        let request = Request::new("PUT", "/x")
            .with_headers(&headers)
            .with_body(body);
        let now = Timestamp::from_second(1_700_000_000).expect("in range");
        sign(&creds, &request, now).expect("has a Host")
    }

    #[test]
    fn a_request_without_host_is_not_signed() {
        let creds = Credentials::new("AK", "SK").expect("valid");
        let now = Timestamp::from_second(1_700_000_000).expect("in range");
        for headers in [
            vec![],
            vec![("Content-Type".to_owned(), "application/json".to_owned())],
            vec![("Host".to_owned(), " \t".to_owned())],
            vec![("X-Forwarded-Host".to_owned(), "h".to_owned())],
        ] {
            let request = Request::new("GET", "/").with_headers(&headers);
            let e = sign(&creds, &request, now).expect_err("no Host");
            assert_eq!(e.kind(), SignErrorKind::MissingHost, "{headers:?}");
            assert!(
                e.to_string()
                    .starts_with("cannot sign a request without a Host header")
            );
            let e = Auth::from(creds.clone()).headers_for(&request, now);
            assert_eq!(e.map_err(|e| e.kind()), Err(SignErrorKind::MissingHost));
        }
        // Any letter case will do; a token needs no Host.
        let headers = vec![("hOST".to_owned(), "h".to_owned())];
        assert!(
            sign(
                &creds,
                &Request::new("GET", "/").with_headers(&headers),
                now
            )
            .is_ok()
        );
        let token = Auth::from(IamToken::new("t").expect("valid"));
        assert!(token.headers_for(&Request::new("GET", "/"), now).is_ok());
    }

    #[test]
    fn the_signed_content_type_decides_whether_the_body_is_hashed() {
        // Both lines carry the last value, JSON: the body is hashed.
        let signed = sign_with(
            &[
                ("Host", "h"),
                ("Content-Type", "text/plain"),
                ("content-type", "application/json"),
            ],
            b"{}",
        );
        let canonical = signed.canonical_request();
        assert!(
            canonical
                .headers
                .starts_with("content-type:application/json\ncontent-type:application/json\n"),
            "{}",
            canonical.headers
        );
        assert_eq!(signed.headers().get(X_SDK_CONTENT_SHA256), None);
        assert_eq!(canonical.payload_hash, sha256_hex(b"{}"));

        // The other way round: the signed value is text, the body unsigned.
        let signed = sign_with(
            &[
                ("Host", "h"),
                ("content-type", "application/json"),
                ("Content-Type", "text/plain"),
            ],
            b"{}",
        );
        assert_eq!(
            signed.headers().get(X_SDK_CONTENT_SHA256),
            Some(UNSIGNED_PAYLOAD)
        );
        assert_eq!(signed.canonical_request().payload_hash, UNSIGNED_PAYLOAD);
    }
}
