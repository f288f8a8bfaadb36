//! The UCloud signature: SHA-1 over the sorted `key + value` pairs and the
//! private key.

use std::collections::BTreeMap;

use super::credentials::Credentials;
use super::flatten::flatten;
use super::value::Value;
use crate::digest::sha1_hex;
use crate::huawei::percent_encode;

/// The parameter that carries the public key; it is signed.
pub const PUBLIC_KEY: &str = "PublicKey";
/// The parameter that carries the signature; it is not signed.
pub const SIGNATURE: &str = "Signature";

/// The signature of flat parameters, as the Python SDK's `verify_ac`:
/// concatenate `key + value` for every pair in key order (plain string order),
/// append the private key, take the SHA-1, write it in lowercase hex.
///
/// `params` must already hold `PublicKey` and must not hold `Signature`;
/// [`sign`] takes care of both.
///
/// ```
/// use std::collections::BTreeMap;
/// use wharf_auth::ucloud::signature;
///
/// // The example in the Python SDK's docstring.
/// let params = BTreeMap::from([("foo".to_owned(), "bar".to_owned())]);
/// assert_eq!(signature("my_private_key", &params), "634edc1bb957c0d65e5ab5494cf3b7784fbc87af");
/// ```
pub fn signature(private_key: &str, params: &BTreeMap<String, String>) -> String {
    let mut text = String::new();
    for (key, value) in params {
        text.push_str(key);
        text.push_str(value);
    }
    text.push_str(private_key);
    sha1_hex(text.as_bytes())
}

/// Flattens `params`, sets `PublicKey` (replacing any given one) and signs.
///
/// ```
/// use wharf_auth::ucloud::{sign, Credentials, Value};
///
/// let creds = Credentials::new("my_public_key", "my_private_key")?;
/// let signed = sign(&creds, &[("foo", Value::from("bar"))]);
/// assert_eq!(signed.signature(), "d4411ab30953fb0bbcb1e7313081f05e4e91a394");
/// assert_eq!(
///     signed.form_body(),
///     "PublicKey=my_public_key&foo=bar&Signature=d4411ab30953fb0bbcb1e7313081f05e4e91a394"
/// );
/// # Ok::<(), wharf_auth::ucloud::CredentialsError>(())
/// ```
pub fn sign<K: AsRef<str>>(credentials: &Credentials, params: &[(K, Value)]) -> SignedParams {
    let mut flat = flatten(params);
    flat.remove(SIGNATURE);
    flat.insert(PUBLIC_KEY.to_owned(), credentials.public_key().to_owned());
    let signature = signature(credentials.private_key(), &flat);
    SignedParams {
        params: flat,
        signature,
    }
}

/// Flat parameters with their signature, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedParams {
    params: BTreeMap<String, String>,
    signature: String,
}

impl SignedParams {
    /// The signed parameters (with `PublicKey`, without `Signature`), in key order.
    pub fn params(&self) -> &BTreeMap<String, String> {
        &self.params
    }

    /// The signature, 40 lowercase hex digits.
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// Every parameter to send: the signed ones in key order, then `Signature`.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain([(SIGNATURE, self.signature.as_str())])
    }

    /// The `application/x-www-form-urlencoded` body both official SDKs POST:
    /// [`pairs`](Self::pairs) encoded as Python's `urlencode` does (`A-Z a-z
    /// 0-9 - _ . ~` kept, space as `+`, the rest `%XX`).
    pub fn form_body(&self) -> String {
        self.pairs()
            .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// Python's `quote_plus(text, safe='')`: how both official SDKs encode a
/// form field.
///
/// ```
/// assert_eq!(wharf_auth::ucloud::form_encode("a b/c~"), "a+b%2Fc~");
/// ```
pub fn form_encode(text: &str) -> String {
    // A literal `%` is itself escaped, so `%20` can only come from a space.
    percent_encode(text).replace("%20", "+")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_encoding_uses_plus_for_space() {
        assert_eq!(form_encode("a b+c%20"), "a+b%2Bc%2520");
    }

    #[test]
    fn given_signature_and_public_key_are_replaced() {
        let creds = Credentials::new("pk", "sk").expect("valid");
        let signed = sign(
            &creds,
            &[
                ("Signature", Value::from("x")),
                ("PublicKey", Value::from("other")),
            ],
        );
        assert_eq!(signed.params().len(), 1);
        assert_eq!(signed.params()[PUBLIC_KEY], "pk");
    }
}
