//! Where a verifier finds the secret that belongs to a key id.
//!
//! Huawei looks up an access key (AK) to find its secret key (SK); UCloud looks
//! up a public key to find its private key. Both use [`KeyStore`].

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

use crate::{huawei, ucloud};

/// Maps a key id (Huawei access key, UCloud public key) to its secret.
///
/// Implemented for `HashMap<String, String>`, `BTreeMap<String, String>`, the
/// credentials types of both providers (a store of one), slices and vectors
/// of them, and references to any key store.
///
/// ```
/// use std::collections::HashMap;
/// use wharf_auth::KeyStore;
///
/// let keys = HashMap::from([("AK1".to_owned(), "SK1".to_owned())]);
/// assert_eq!(keys.secret_for("AK1").as_deref(), Some("SK1"));
/// assert_eq!(keys.secret_for("AK2"), None);
/// ```
pub trait KeyStore {
    /// The secret for `key_id`, or `None` when the id is unknown.
    fn secret_for(&self, key_id: &str) -> Option<Cow<'_, str>>;
}

impl<S: BuildHasher> KeyStore for HashMap<String, String, S> {
    fn secret_for(&self, key_id: &str) -> Option<Cow<'_, str>> {
        self.get(key_id).map(|s| Cow::Borrowed(s.as_str()))
    }
}

impl KeyStore for BTreeMap<String, String> {
    fn secret_for(&self, key_id: &str) -> Option<Cow<'_, str>> {
        self.get(key_id).map(|s| Cow::Borrowed(s.as_str()))
    }
}

impl<T: KeyStore + ?Sized> KeyStore for &T {
    fn secret_for(&self, key_id: &str) -> Option<Cow<'_, str>> {
        (**self).secret_for(key_id)
    }
}

impl<T: KeyStore> KeyStore for [T] {
    fn secret_for(&self, key_id: &str) -> Option<Cow<'_, str>> {
        self.iter().find_map(|store| store.secret_for(key_id))
    }
}

impl<T: KeyStore> KeyStore for Vec<T> {
    fn secret_for(&self, key_id: &str) -> Option<Cow<'_, str>> {
        self.as_slice().secret_for(key_id)
    }
}

impl KeyStore for huawei::Credentials {
    fn secret_for(&self, key_id: &str) -> Option<Cow<'_, str>> {
        (key_id == self.access_key()).then(|| Cow::Borrowed(self.secret_key()))
    }
}

impl KeyStore for ucloud::Credentials {
    fn secret_for(&self, key_id: &str) -> Option<Cow<'_, str>> {
        (key_id == self.public_key()).then(|| Cow::Borrowed(self.private_key()))
    }
}
