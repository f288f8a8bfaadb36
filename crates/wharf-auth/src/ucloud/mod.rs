//! UCloud API signatures: flatten the parameters, add `PublicKey`, sort by
//! key, concatenate `key + value`, append the private key, SHA-1 in lowercase
//! hex. Nothing time-based is signed.
//!
//! Values are a small [`Value`] tree; [`flatten`] turns it into the flat
//! string pairs that are signed and sent (a form body, see
//! [`SignedParams::form_body`]). A server emulator calls [`verify`] with the
//! received flat pairs.
//!
//! ```
//! use wharf_auth::ucloud::{sign, verify, Credentials, Value};
//!
//! let creds = Credentials::new("my_public_key", "my_private_key")?;
//! let signed = sign(&creds, &[("Action", Value::from("GetRepoImage")), ("RepoName", Value::from("team"))]);
//! let received: Vec<(String, String)> =
//!     signed.pairs().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
//! assert!(verify(&received, &creds).is_ok());
//! # Ok::<(), wharf_auth::ucloud::CredentialsError>(())
//! ```

mod credentials;
mod flatten;
mod sign;
mod value;
mod verify;

pub use credentials::{Credentials, CredentialsError, CredentialsErrorKind};
pub use flatten::flatten;
pub use sign::{PUBLIC_KEY, SIGNATURE, SignedParams, form_encode, sign, signature};
pub use value::{Value, encode_float, python_float_repr};
pub use verify::{Verified, VerifyError, VerifyErrorKind, verify};
