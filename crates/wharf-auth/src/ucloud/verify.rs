//! Verifying received UCloud parameters, for a server emulator.

use std::collections::BTreeMap;

use super::sign::{PUBLIC_KEY, SIGNATURE, signature};
use crate::KeyStore;
use crate::digest::constant_time_eq;

/// What a valid request proved.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// The public key that signed the request.
    pub public_key: String,
}

/// Checks the signature of received flat parameters (decoded from the form
/// body or the query string, `Signature` and `PublicKey` included).
///
/// A key that appears more than once is refused
/// ([`VerifyErrorKind::DuplicateParameter`], RetCode 171): the SDKs send each
/// key once, and the signature covers one value per key, so a second copy
/// would reach a server that reads the first value unsigned. The signature
/// is compared without regard to the case of its hex digits.
///
/// ```
/// use std::collections::HashMap;
/// use wharf_auth::ucloud::{verify, VerifyErrorKind};
///
/// let keys = HashMap::from([("my_public_key".to_owned(), "my_private_key".to_owned())]);
/// let params = [("foo", "bar"), ("PublicKey", "my_public_key"),
///               ("Signature", "d4411ab30953fb0bbcb1e7313081f05e4e91a394")]
///     .map(|(k, v)| (k.to_owned(), v.to_owned()));
/// assert_eq!(verify(&params, &keys)?.public_key, "my_public_key");
///
/// let e = verify(&params[..2], &keys).unwrap_err();
/// assert_eq!((e.kind(), e.ret_code()), (VerifyErrorKind::MissingSignature, 170));
/// # Ok::<(), wharf_auth::ucloud::VerifyError>(())
/// ```
pub fn verify<K: KeyStore + ?Sized>(
    params: &[(String, String)],
    keys: &K,
) -> Result<Verified, VerifyError> {
    let mut signed: BTreeMap<String, String> = BTreeMap::new();
    for (key, value) in params {
        if signed.insert(key.clone(), value.clone()).is_some() {
            return Err(VerifyError::new(
                VerifyErrorKind::DuplicateParameter,
                Some(key.clone()),
            ));
        }
    }
    let received = signed
        .remove(SIGNATURE)
        .ok_or_else(|| VerifyError::new(VerifyErrorKind::MissingSignature, None))?;
    let public_key = signed
        .get(PUBLIC_KEY)
        .cloned()
        .ok_or_else(|| VerifyError::new(VerifyErrorKind::MissingPublicKey, None))?;
    let private_key = keys.secret_for(&public_key).ok_or_else(|| {
        VerifyError::new(VerifyErrorKind::UnknownPublicKey, Some(public_key.clone()))
    })?;
    let expected = signature(&private_key, &signed);
    let received = received.to_ascii_lowercase();
    if !constant_time_eq(expected.as_bytes(), received.as_bytes()) {
        return Err(VerifyError::new(VerifyErrorKind::WrongSignature, None));
    }
    Ok(Verified { public_key })
}

/// Why received parameters were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VerifyErrorKind {
    /// No `Signature` parameter (UHub RetCode 170).
    MissingSignature,
    /// No `PublicKey` parameter (RetCode 172, "no such user").
    MissingPublicKey,
    /// A public key the key store does not know (RetCode 172).
    UnknownPublicKey,
    /// The signature does not match (RetCode 171).
    WrongSignature,
    /// A parameter appears more than once (RetCode 171: what was received
    /// cannot be what was signed).
    DuplicateParameter,
}

impl VerifyErrorKind {
    /// The UHub `RetCode` for this failure: 170, 171 or 172.
    pub fn ret_code(self) -> u32 {
        match self {
            Self::MissingSignature => 170,
            Self::WrongSignature | Self::DuplicateParameter => 171,
            Self::MissingPublicKey | Self::UnknownPublicKey => 172,
        }
    }
}

/// Received parameters that failed verification.
///
/// The message says what was wrong and gives the `RetCode` to answer with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} (RetCode {})", self.describe(), self.ret_code())]
pub struct VerifyError {
    kind: VerifyErrorKind,
    /// The unknown public key or the repeated parameter name, for the message.
    name: Option<String>,
}

impl VerifyError {
    /// Builds the error; `name` (an unknown public key, a repeated key) is
    /// named in the message.
    fn new(kind: VerifyErrorKind, name: Option<String>) -> Self {
        Self { kind, name }
    }

    /// What was wrong.
    pub fn kind(&self) -> VerifyErrorKind {
        self.kind
    }

    /// The UHub `RetCode` to answer with.
    pub fn ret_code(&self) -> u32 {
        self.kind.ret_code()
    }

    /// The first part of the message.
    fn describe(&self) -> String {
        match self.kind {
            VerifyErrorKind::MissingSignature => "missing Signature parameter".to_owned(),
            VerifyErrorKind::MissingPublicKey => "missing PublicKey parameter".to_owned(),
            VerifyErrorKind::UnknownPublicKey => {
                format!("no user with public key {:?}", self.shown_name())
            }
            VerifyErrorKind::WrongSignature => {
                "the signature does not match the parameters".to_owned()
            }
            VerifyErrorKind::DuplicateParameter => {
                format!("parameter {:?} appears more than once", self.shown_name())
            }
        }
    }

    /// At most 64 characters of the name, for the message.
    fn shown_name(&self) -> String {
        let name = self.name.as_deref().unwrap_or_default();
        let mut chars = name.chars();
        let mut shown: String = chars.by_ref().take(64).collect();
        if chars.next().is_some() {
            shown.push('…');
        }
        shown
    }
}
