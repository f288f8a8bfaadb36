//! Huawei Cloud credentials: AK/SK (with an optional security token and
//! project id) or an IAM token. None of them ever prints a secret.

use std::fmt;

use crate::secret::Secret;

/// An access key / secret key pair, with the optional security token of
/// temporary credentials and an optional project id.
///
/// `Debug` shows the access key and project id and redacts the rest; there is
/// no `Display` and no `Serialize`.
///
/// ```
/// use wharf_auth::huawei::Credentials;
///
/// let creds = Credentials::new("AKEXAMPLE", "very-secret")?
///     .with_security_token("temporary-token")?
///     .with_project_id("0123456789abcdef")?;
/// let shown = format!("{creds:?}");
/// assert!(shown.contains("AKEXAMPLE") && !shown.contains("very-secret"));
/// # Ok::<(), wharf_auth::huawei::CredentialsError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key: String,
    secret_key: Secret,
    security_token: Option<Secret>,
    project_id: Option<String>,
}

impl Credentials {
    /// AK/SK credentials. The access key goes into the `Authorization` header,
    /// so it must be visible ASCII without `,` or `=`; the secret key must not
    /// be empty.
    pub fn new(
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> Result<Self, CredentialsError> {
        let access_key = access_key.into();
        let secret_key = secret_key.into();
        check_access_key(&access_key)?;
        if secret_key.is_empty() {
            return Err(CredentialsError::empty(CredentialField::SecretKey));
        }
        Ok(Self {
            access_key,
            secret_key: Secret::new(secret_key),
            security_token: None,
            project_id: None,
        })
    }

    /// Adds the security token of temporary credentials, sent and signed as
    /// `X-Security-Token`.
    pub fn with_security_token(
        mut self,
        token: impl Into<String>,
    ) -> Result<Self, CredentialsError> {
        let token = token.into();
        check_header_value(&token, CredentialField::SecurityToken)?;
        self.security_token = Some(Secret::new(token));
        Ok(self)
    }

    /// Adds the project id, sent and signed as `X-Project-Id`.
    pub fn with_project_id(
        mut self,
        project_id: impl Into<String>,
    ) -> Result<Self, CredentialsError> {
        self.project_id = Some(checked_project_id(project_id)?);
        Ok(self)
    }

    /// The access key (AK). Not a secret: it travels in every request.
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The project id, if one was set.
    pub fn project_id(&self) -> Option<&str> {
        self.project_id.as_deref()
    }

    /// Whether these are temporary credentials with a security token.
    pub fn has_security_token(&self) -> bool {
        self.security_token.is_some()
    }

    /// The secret key, for signing and key stores inside this crate.
    pub(crate) fn secret_key(&self) -> &str {
        self.secret_key.expose()
    }

    /// The security token, for the header this crate adds.
    pub(crate) fn security_token(&self) -> Option<&str> {
        self.security_token.as_ref().map(Secret::expose)
    }
}

/// An IAM token, sent as `X-Auth-Token`, with an optional project id.
///
/// ```
/// use wharf_auth::huawei::IamToken;
///
/// let token = IamToken::new("MIIZ-token")?.with_project_id("p1")?;
/// assert!(!format!("{token:?}").contains("MIIZ"));
/// # Ok::<(), wharf_auth::huawei::CredentialsError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IamToken {
    token: Secret,
    project_id: Option<String>,
}

impl IamToken {
    /// Wraps a token; it must be a valid, non-empty header value.
    pub fn new(token: impl Into<String>) -> Result<Self, CredentialsError> {
        let token = token.into();
        check_header_value(&token, CredentialField::AuthToken)?;
        Ok(Self {
            token: Secret::new(token),
            project_id: None,
        })
    }

    /// Adds the project id, sent as `X-Project-Id`.
    pub fn with_project_id(
        mut self,
        project_id: impl Into<String>,
    ) -> Result<Self, CredentialsError> {
        self.project_id = Some(checked_project_id(project_id)?);
        Ok(self)
    }

    /// The project id, if one was set.
    pub fn project_id(&self) -> Option<&str> {
        self.project_id.as_deref()
    }

    /// The token, for the header this crate adds.
    pub(crate) fn token(&self) -> &str {
        self.token.expose()
    }
}

/// How requests to Huawei Cloud authenticate: AK/SK signing or an IAM token.
///
/// [`Auth::headers_for`](Auth::headers_for) gives the headers to add to each
/// attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Auth {
    /// Sign every request with `SDK-HMAC-SHA256`.
    AkSk(Credentials),
    /// Send an IAM token in `X-Auth-Token`.
    Token(IamToken),
}

impl From<Credentials> for Auth {
    fn from(credentials: Credentials) -> Self {
        Self::AkSk(credentials)
    }
}

impl From<IamToken> for Auth {
    fn from(token: IamToken) -> Self {
        Self::Token(token)
    }
}

/// A project id that can travel as the `X-Project-Id` header value.
fn checked_project_id(project_id: impl Into<String>) -> Result<String, CredentialsError> {
    let project_id = project_id.into();
    check_header_value(&project_id, CredentialField::ProjectId)?;
    Ok(project_id)
}

/// Refuses an empty access key or one that would break the `Authorization` header.
fn check_access_key(access_key: &str) -> Result<(), CredentialsError> {
    if access_key.is_empty() {
        return Err(CredentialsError::empty(CredentialField::AccessKey));
    }
    match access_key
        .bytes()
        .position(|b| !b.is_ascii_graphic() || b == b',' || b == b'=')
    {
        Some(at) => Err(CredentialsError::bad_character(
            CredentialField::AccessKey,
            at,
        )),
        None => Ok(()),
    }
}

/// Refuses an empty value, surrounding white space, or a byte that is not
/// visible ASCII or a space: such a value could not be sent, or would be
/// trimmed on the way and no longer match its signature.
fn check_header_value(value: &str, field: CredentialField) -> Result<(), CredentialsError> {
    if value.is_empty() {
        return Err(CredentialsError::empty(field));
    }
    let bytes = value.as_bytes();
    let bad = bytes
        .iter()
        .position(|&b| !(b.is_ascii_graphic() || b == b' '));
    let edge = [0, bytes.len() - 1].into_iter().find(|&i| bytes[i] == b' ');
    match bad.or(edge) {
        Some(at) => Err(CredentialsError::bad_character(field, at)),
        None => Ok(()),
    }
}

/// Which part of the credentials an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialField {
    /// The access key (AK).
    AccessKey,
    /// The secret key (SK).
    SecretKey,
    /// The security token of temporary credentials.
    SecurityToken,
    /// The project id.
    ProjectId,
    /// The IAM token.
    AuthToken,
}

impl fmt::Display for CredentialField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::AccessKey => "access key",
            Self::SecretKey => "secret key",
            Self::SecurityToken => "security token",
            Self::ProjectId => "project id",
            Self::AuthToken => "IAM token",
        })
    }
}

/// What was wrong with a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialsErrorKind {
    /// The value is empty.
    Empty,
    /// The value holds a byte that cannot go where it must go (a header).
    BadCharacter,
}

/// A credential that cannot be used. The message names the field and the
/// byte position, never the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct CredentialsError {
    kind: CredentialsErrorKind,
    field: CredentialField,
    position: usize,
}

impl CredentialsError {
    /// An empty `field`.
    fn empty(field: CredentialField) -> Self {
        Self {
            kind: CredentialsErrorKind::Empty,
            field,
            position: 0,
        }
    }

    /// A bad byte at `position` in `field`.
    fn bad_character(field: CredentialField, position: usize) -> Self {
        Self {
            kind: CredentialsErrorKind::BadCharacter,
            field,
            position,
        }
    }

    /// What was wrong.
    pub fn kind(&self) -> CredentialsErrorKind {
        self.kind
    }

    /// Which credential it was.
    pub fn field(&self) -> CredentialField {
        self.field
    }

    /// The message, without the value.
    fn describe(&self) -> String {
        let field = self.field;
        match (self.kind, field) {
            (CredentialsErrorKind::Empty, _) => format!("{field} is empty"),
            (CredentialsErrorKind::BadCharacter, CredentialField::AccessKey) => format!(
                "{field} has a character not allowed at byte {} (only visible ASCII except ',' and '=')",
                self.position
            ),
            (CredentialsErrorKind::BadCharacter, _) => format!(
                "{field} has a character not allowed at byte {} (only visible ASCII and inner spaces can be sent in a header)",
                self.position
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_unusable_values_without_showing_them() {
        let e = Credentials::new("", "sk").expect_err("empty");
        assert_eq!(e.to_string(), "access key is empty");
        let e = Credentials::new("AK,x", "sk").expect_err("comma");
        assert_eq!(e.kind(), CredentialsErrorKind::BadCharacter);
        assert_eq!(
            Credentials::new("AK", "").expect_err("empty").field(),
            CredentialField::SecretKey
        );
        let creds = Credentials::new("AK", "sk").expect("valid");
        let e = creds
            .clone()
            .with_security_token("sec\r\nret")
            .expect_err("newline");
        assert_eq!(
            e.to_string(),
            "security token has a character not allowed at byte 3 (only visible ASCII and inner spaces can be sent in a header)"
        );
        assert!(creds.clone().with_project_id(" p").is_err());
        assert!(creds.with_project_id("p 1").is_ok());
        assert!(IamToken::new("tok ").is_err());
    }

    #[test]
    fn debug_shows_keys_and_ids_and_redacts_the_rest() {
        let creds = Credentials::new("AK", "sk")
            .and_then(|c| c.with_security_token("tok"))
            .and_then(|c| c.with_project_id("p"))
            .expect("valid");
        assert_eq!(
            format!("{creds:?}"),
            r#"Credentials { access_key: "AK", secret_key: <redacted>, security_token: Some(<redacted>), project_id: Some("p") }"#
        );
        let token = IamToken::new("tok").expect("valid");
        assert_eq!(
            format!("{token:?}"),
            "IamToken { token: <redacted>, project_id: None }"
        );
    }
}
