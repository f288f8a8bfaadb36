//! Huawei Cloud `SDK-HMAC-SHA256`: signing requests and verifying them,
//! byte for byte as the official Python SDK (`huaweicloudsdkcore`'s `Signer`).
//!
//! ```text
//! CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n HexSha256(body)
//! StringToSign     = SDK-HMAC-SHA256 \n X-Sdk-Date \n HexSha256(CanonicalRequest)
//! Authorization    = SDK-HMAC-SHA256 Access={AK}, SignedHeaders={a;b}, Signature=Hex(HMAC-SHA256(SK, StringToSign))
//! ```
//!
//! - A client describes its request as a [`Request`] and calls [`sign`] (or
//!   [`Auth::headers_for`]) on every attempt with a fresh clock reading; it
//!   sends the path and [`wire_query`] as given, plus the returned headers.
//! - A server describes what it received as a [`ReceivedRequest`] and calls
//!   [`verify`] with a [`KeyStore`](crate::KeyStore) and its clock.
//!
//! The pieces ([`canonical_uri`], [`canonical_query`], [`CanonicalRequest`],
//! [`Signed::string_to_sign`]) are public so tests can compare them with the
//! official SDK's.

mod authorization;
mod canonical;
mod credentials;
mod date;
mod header_names;
mod percent;
mod request;
mod sign;
mod verify;

pub use authorization::{Authorization, AuthorizationError, AuthorizationErrorKind};
pub use canonical::{
    ALGORITHM, CanonicalRequest, EMPTY_BODY_SHA256, UNSIGNED_PAYLOAD, canonical_query,
    canonical_uri, parse_query, wire_query,
};
pub use credentials::{
    Auth, CredentialField, Credentials, CredentialsError, CredentialsErrorKind, IamToken,
};
pub use date::{DateError, DateErrorKind, format_sdk_date, parse_sdk_date};
pub use header_names::{
    AUTHORIZATION, CONTENT_TYPE, HOST, X_AUTH_TOKEN, X_PROJECT_ID, X_SDK_CONTENT_SHA256,
    X_SDK_DATE, X_SECURITY_TOKEN,
};
pub use percent::{percent_decode, percent_encode};
pub use request::{ReceivedRequest, Request};
pub use sign::{AuthHeaders, SignError, SignErrorKind, Signed, sign};
pub use verify::{DEFAULT_MAX_SKEW, Verified, VerifyError, VerifyErrorKind, VerifyOptions, verify};
