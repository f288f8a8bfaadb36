//! UCloud API keys: a public key and a private key. The private key never prints.

use crate::secret::Secret;

/// A UCloud public key / private key pair.
///
/// `Debug` shows the public key and redacts the private key; there is no
/// `Display` and no `Serialize`.
///
/// ```
/// use wharf_auth::ucloud::Credentials;
///
/// let creds = Credentials::new("my_public_key", "my_private_key")?;
/// let shown = format!("{creds:?}");
/// assert!(shown.contains("my_public_key") && !shown.contains("my_private_key"));
/// # Ok::<(), wharf_auth::ucloud::CredentialsError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    public_key: String,
    private_key: Secret,
}

impl Credentials {
    /// A key pair; neither key may be empty.
    pub fn new(
        public_key: impl Into<String>,
        private_key: impl Into<String>,
    ) -> Result<Self, CredentialsError> {
        let public_key = public_key.into();
        let private_key = private_key.into();
        if public_key.is_empty() {
            return Err(CredentialsError {
                kind: CredentialsErrorKind::EmptyPublicKey,
            });
        }
        if private_key.is_empty() {
            return Err(CredentialsError {
                kind: CredentialsErrorKind::EmptyPrivateKey,
            });
        }
        Ok(Self {
            public_key,
            private_key: Secret::new(private_key),
        })
    }

    /// The public key. Not a secret: it travels in every request.
    pub fn public_key(&self) -> &str {
        &self.public_key
    }

    /// The private key, for signing and key stores inside this crate.
    pub(crate) fn private_key(&self) -> &str {
        self.private_key.expose()
    }
}

/// What was wrong with a key pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialsErrorKind {
    /// The public key is empty.
    EmptyPublicKey,
    /// The private key is empty.
    EmptyPrivateKey,
}

/// A key pair that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", match self.kind {
    CredentialsErrorKind::EmptyPublicKey => "UCloud public key is empty",
    CredentialsErrorKind::EmptyPrivateKey => "UCloud private key is empty",
})]
pub struct CredentialsError {
    kind: CredentialsErrorKind,
}

impl CredentialsError {
    /// What was wrong.
    pub fn kind(&self) -> CredentialsErrorKind {
        self.kind
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_the_public_key_only() {
        let creds = Credentials::new("pk", "sk").expect("valid");
        assert_eq!(
            format!("{creds:?}"),
            r#"Credentials { public_key: "pk", private_key: <redacted> }"#
        );
    }
}
