//! Verifying a received request, for a server emulator.

use std::fmt;

use hmac::Mac;
use jiff::{SignedDuration, Timestamp};

use super::authorization::Authorization;
use super::canonical::{CanonicalRequest, UNSIGNED_PAYLOAD, parse_query, payload_hash};
use super::date::parse_sdk_date;
use super::header_names::{AUTHORIZATION, X_SDK_CONTENT_SHA256, X_SDK_DATE, same_name};
use super::percent::python_strip;
use super::request::ReceivedRequest;
use crate::KeyStore;
use crate::digest::{hmac_sha256, sha256_hex, unhex};

/// How far `X-Sdk-Date` may be from the verifier's clock by default: 15 minutes.
pub const DEFAULT_MAX_SKEW: SignedDuration = SignedDuration::from_mins(15);

/// Settings for [`verify`].
///
/// ```
/// use jiff::SignedDuration;
/// use wharf_auth::huawei::VerifyOptions;
///
/// let options = VerifyOptions::default().with_max_skew(SignedDuration::from_mins(5));
/// assert_eq!(options.max_skew(), SignedDuration::from_mins(5));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifyOptions {
    max_skew: SignedDuration,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self {
            max_skew: DEFAULT_MAX_SKEW,
        }
    }
}

impl VerifyOptions {
    /// Sets how far `X-Sdk-Date` may be from "now", either way, compared
    /// exactly (to the nanosecond of `now`; the limit itself may have a
    /// fraction). A negative duration counts as its absolute value.
    #[must_use]
    pub fn with_max_skew(mut self, max_skew: SignedDuration) -> Self {
        self.max_skew = max_skew;
        self
    }

    /// How far `X-Sdk-Date` may be from "now".
    pub fn max_skew(&self) -> SignedDuration {
        self.max_skew
    }
}

/// What a valid request proved.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// The access key that signed the request.
    pub access_key: String,
    /// The `X-Sdk-Date` of the request.
    pub date: Timestamp,
    /// The signed header names, lowercase, as listed in `Authorization`.
    pub signed_headers: Vec<String>,
}

/// Checks the `SDK-HMAC-SHA256` signature of a received request at time `now`.
///
/// The checks run in this order, each with its own [`VerifyErrorKind`]:
/// `Authorization` present and well formed (and listing both `x-sdk-date`
/// and `host` among the signed headers, as the official client always does),
/// `X-Sdk-Date` present, well formed and within [`VerifyOptions::max_skew`]
/// of `now`, the access key known to `keys`, the signature right. The path
/// and query are percent-decoded and then canonicalized again, so the wire
/// form (no trailing `/`, encoded query in any order, `%2F` or `/`) does not
/// matter. An `X-Sdk-Content-Sha256` header counts only when it is signed,
/// and unless it is `UNSIGNED-PAYLOAD` it must be the body's hash.
///
/// Every signed header must appear in the request (names in any letter case)
/// exactly as many times as `SignedHeaders` lists it, and all its copies must
/// carry the same value; otherwise the request is refused with
/// [`VerifyErrorKind::InvalidSignature`]. A second copy could otherwise reach
/// a server that reads the first value without being signed.
///
/// ```
/// use std::collections::HashMap;
/// use wharf_auth::huawei::{sign, verify, Credentials, ReceivedRequest, Request, VerifyOptions};
///
/// let creds = Credentials::new("AK", "SK")?;
/// let mut headers = vec![("Host".to_owned(), "localhost".to_owned())];
/// let now: jiff::Timestamp = "2024-06-15T12:34:56Z".parse()?;
/// sign(&creds, &Request::new("GET", "/v2/manage/repos").with_headers(&headers), now)?
///     .headers()
///     .apply_to(&mut headers);
///
/// let keys = HashMap::from([("AK".to_owned(), "SK".to_owned())]);
/// let received = ReceivedRequest::new("GET", "/v2/manage/repos").with_headers(&headers);
/// let verified = verify(&received, &keys, now, &VerifyOptions::default())?;
/// assert_eq!(verified.access_key, "AK");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify<K: KeyStore + ?Sized>(
    request: &ReceivedRequest<'_>,
    keys: &K,
    now: Timestamp,
    options: &VerifyOptions,
) -> Result<Verified, VerifyError> {
    let authorization = read_authorization(request.headers)?;
    let (date_text, date) = read_date(request.headers)?;
    check_skew(&date_text, date, now, options.max_skew)?;
    let secret = keys.secret_for(&authorization.access_key).ok_or_else(|| {
        VerifyError::new(
            VerifyErrorKind::UnknownAccessKey,
            format!("unknown access key {:?}", authorization.access_key),
        )
    })?;
    let canonical = received_canonical_request(request, &authorization)?;
    let string_to_sign = canonical.string_to_sign(&date_text);
    check_signature(&authorization.signature, secret.as_bytes(), &string_to_sign)
        .map_err(|e| e.with_canonical_request(canonical.to_string()))?;
    Ok(Verified {
        access_key: authorization.access_key,
        date,
        signed_headers: authorization.signed_headers,
    })
}

/// The one `Authorization` header, parsed, that signs `x-sdk-date`.
fn read_authorization(headers: &[(String, String)]) -> Result<Authorization, VerifyError> {
    let value = single_header(
        headers,
        AUTHORIZATION,
        VerifyErrorKind::MalformedAuthorization,
    )?
    .ok_or_else(|| {
        VerifyError::new(
            VerifyErrorKind::MissingAuthorization,
            "missing Authorization header".to_owned(),
        )
    })?;
    let authorization = Authorization::parse(value)
        .map_err(|e| VerifyError::new(VerifyErrorKind::MalformedAuthorization, e.to_string()))?;
    // The official client always signs both; Huawei's API gateway requires
    // the date, and an unsigned Host would let a request signed for one
    // endpoint be replayed at another.
    for required in ["x-sdk-date", "host"] {
        if !authorization.signed_headers.iter().any(|n| n == required) {
            return Err(VerifyError::new(
                VerifyErrorKind::MalformedAuthorization,
                format!(
                    "malformed Authorization header: SignedHeaders does not include {required}"
                ),
            ));
        }
    }
    Ok(authorization)
}

/// The one `X-Sdk-Date` header, trimmed, and the instant it names.
fn read_date(headers: &[(String, String)]) -> Result<(String, Timestamp), VerifyError> {
    let value =
        single_header(headers, X_SDK_DATE, VerifyErrorKind::MalformedDate)?.ok_or_else(|| {
            VerifyError::new(
                VerifyErrorKind::MissingDate,
                "missing X-Sdk-Date header".to_owned(),
            )
        })?;
    let text = value.trim_matches([' ', '\t']);
    let date = parse_sdk_date(text)
        .map_err(|e| VerifyError::new(VerifyErrorKind::MalformedDate, e.to_string()))?;
    Ok((text.to_owned(), date))
}

/// The value of header `name` when it appears at most once; `duplicate` is
/// the error kind when it appears more often.
fn single_header<'a>(
    headers: &'a [(String, String)],
    name: &str,
    duplicate: VerifyErrorKind,
) -> Result<Option<&'a str>, VerifyError> {
    let mut values = headers
        .iter()
        .filter(|(other, _)| same_name(name, other))
        .map(|(_, value)| value.as_str());
    let first = values.next();
    if values.next().is_some() {
        return Err(VerifyError::new(
            duplicate,
            format!("header {name} appears more than once"),
        ));
    }
    Ok(first)
}

/// Refuses a date further than `max_skew` (either sign) from `now`, compared
/// exactly: a clock 900.5 s past the date is outside a 900 s limit.
fn check_skew(
    text: &str,
    date: Timestamp,
    now: Timestamp,
    max_skew: SignedDuration,
) -> Result<(), VerifyError> {
    // `unsigned_abs` cannot overflow, not even for `SignedDuration::MIN`.
    let distance = now.duration_since(date).unsigned_abs();
    let allowed = max_skew.unsigned_abs();
    if distance <= allowed {
        return Ok(());
    }
    let direction = if date > now { "ahead of" } else { "behind" };
    Err(VerifyError::new(
        VerifyErrorKind::ClockSkew,
        format!(
            "X-Sdk-Date {text} is {} s {direction} the verifier's clock, more than the {} s allowed",
            distance.as_secs_f64(),
            allowed.as_secs_f64()
        ),
    ))
}

/// Rebuilds the canonical request from what was received.
fn received_canonical_request(
    request: &ReceivedRequest<'_>,
    authorization: &Authorization,
) -> Result<CanonicalRequest, VerifyError> {
    let lines = authorization
        .signed_headers
        .iter()
        .map(|name| {
            signed_value(request.headers, name, &authorization.signed_headers)
                .map(|value| (name.clone(), value.to_owned()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    // Counts only when signed; every copy then has the same value.
    let announced = lines
        .iter()
        .find(|(name, _)| same_name(name, X_SDK_CONTENT_SHA256))
        .map(|(_, value)| value.as_str());
    let payload = payload_hash(request.body, announced);
    check_announced_hash(request.body, &payload)?;
    Ok(CanonicalRequest::new(
        request.method,
        request.path,
        &parse_query(request.query),
        &lines,
        payload,
    ))
}

/// The value of signed header `name` (lowercase, as listed in `signed`).
///
/// The request must carry the name (in any letter case) exactly as many
/// times as `SignedHeaders` lists it, and every copy must have the same
/// trimmed value: the signature covers one value per name (the SDK signs a
/// name that appears in two letter cases twice, both lines with the last
/// value), so any other copy would reach the server unsigned.
fn signed_value<'a>(
    headers: &'a [(String, String)],
    name: &str,
    signed: &[String],
) -> Result<&'a str, VerifyError> {
    let refuse =
        |message: String| Err(VerifyError::new(VerifyErrorKind::InvalidSignature, message));
    let mut copies = headers
        .iter()
        .filter(|(other, _)| same_name(name, other))
        .map(|(_, value)| value.as_str());
    let Some(first) = copies.next() else {
        return refuse(format!("signed header {name} is not in the request"));
    };
    let mut sent = 1;
    let mut same_values = true;
    for value in copies {
        sent += 1;
        same_values &= python_strip(value) == python_strip(first);
    }
    let listed = signed.iter().filter(|other| *other == name).count();
    if sent != listed {
        return refuse(format!(
            "signed header {name} appears {} in the request but {} in SignedHeaders",
            times(sent),
            times(listed)
        ));
    }
    if !same_values {
        return refuse(format!(
            "signed header {name} appears {} with different values; the signature covers only one",
            times(sent)
        ));
    }
    Ok(first)
}

/// `once`, `twice`, `3 times`...
fn times(count: usize) -> String {
    match count {
        1 => "once".to_owned(),
        2 => "twice".to_owned(),
        n => format!("{n} times"),
    }
}

/// An announced payload hash other than `UNSIGNED-PAYLOAD` must be the body's.
fn check_announced_hash(body: &[u8], payload: &str) -> Result<(), VerifyError> {
    if body.is_empty() || payload == UNSIGNED_PAYLOAD {
        return Ok(());
    }
    if payload.eq_ignore_ascii_case(&sha256_hex(body)) {
        return Ok(());
    }
    Err(VerifyError::new(
        VerifyErrorKind::InvalidSignature,
        "the body does not match the signed X-Sdk-Content-Sha256".to_owned(),
    ))
}

/// Compares the received signature with the HMAC of `string_to_sign`, in
/// constant time.
fn check_signature(received: &str, secret: &[u8], string_to_sign: &str) -> Result<(), VerifyError> {
    let mut mac = hmac_sha256(secret);
    mac.update(string_to_sign.as_bytes());
    let matches = unhex(received).is_some_and(|bytes| mac.verify_slice(&bytes).is_ok());
    if matches {
        return Ok(());
    }
    Err(VerifyError::new(
        VerifyErrorKind::InvalidSignature,
        "the signature does not match the request".to_owned(),
    ))
}

/// Why a received request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VerifyErrorKind {
    /// No `Authorization` header.
    MissingAuthorization,
    /// An `Authorization` header that cannot be read, appears twice, or does
    /// not sign both `x-sdk-date` and `host`.
    MalformedAuthorization,
    /// No `X-Sdk-Date` header.
    MissingDate,
    /// An `X-Sdk-Date` that is not `YYYYMMDDTHHMMSSZ`, or appears twice.
    MalformedDate,
    /// An `X-Sdk-Date` further from "now" than allowed.
    ClockSkew,
    /// An access key the key store does not know.
    UnknownAccessKey,
    /// The signature does not match: a changed request, a wrong secret key,
    /// a signed header missing or sent more often than it is signed (or in
    /// copies with different values), or a body that does not match its
    /// announced hash.
    InvalidSignature,
}

/// A received request that failed verification.
///
/// The message says what was wrong and never includes a secret. For
/// [`VerifyErrorKind::InvalidSignature`],
/// [`canonical_request`](Self::canonical_request) gives the canonical request
/// the verifier computed, to compare with the client's, with the values of
/// `x-security-token` and `x-auth-token` redacted (it is left out of `Debug`
/// and `Display`, which stay short).
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct VerifyError {
    kind: VerifyErrorKind,
    message: String,
    canonical_request: Option<String>,
}

impl VerifyError {
    /// Builds the error.
    fn new(kind: VerifyErrorKind, message: String) -> Self {
        Self {
            kind,
            message,
            canonical_request: None,
        }
    }

    /// Attaches the computed canonical request.
    fn with_canonical_request(mut self, canonical_request: String) -> Self {
        self.canonical_request = Some(canonical_request);
        self
    }

    /// What was wrong.
    pub fn kind(&self) -> VerifyErrorKind {
        self.kind
    }

    /// The canonical request the verifier computed, when the signature did
    /// not match; token values read `<redacted>`.
    pub fn canonical_request(&self) -> Option<&str> {
        self.canonical_request.as_deref()
    }
}

impl fmt::Debug for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyError")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::hmac_sha256_hex;
    use crate::huawei::canonical::EMPTY_BODY_SHA256;

    #[test]
    fn a_valid_signature_that_leaves_out_host_is_refused() {
        // Signed correctly, but over x-sdk-date alone: nothing ties it to
        // an endpoint.
        let date = "20240615T123456Z";
        let lines = [("x-sdk-date".to_owned(), date.to_owned())];
        let canonical =
            CanonicalRequest::new("GET", "/", &[], &lines, EMPTY_BODY_SHA256.to_owned());
        let signature = hmac_sha256_hex(b"SK", canonical.string_to_sign(date).as_bytes());
        let headers = [
            ("Host", "anywhere.example"),
            ("X-Sdk-Date", date),
            (
                "Authorization",
                &format!(
                    "SDK-HMAC-SHA256 Access=AK, SignedHeaders=x-sdk-date, Signature={signature}"
                ),
            ),
        ]
        .map(|(n, v)| (n.to_owned(), v.to_owned()));
        let keys = std::collections::HashMap::from([("AK".to_owned(), "SK".to_owned())]);
        let now = crate::huawei::parse_sdk_date(date).expect("valid");
        let received = ReceivedRequest::new("GET", "/").with_headers(&headers);
        let error = verify(&received, &keys, now, &VerifyOptions::default()).expect_err("no host");
        assert_eq!(error.kind(), VerifyErrorKind::MalformedAuthorization);
        assert_eq!(
            error.to_string(),
            "malformed Authorization header: SignedHeaders does not include host"
        );
    }
}
