//! The `Authorization` header value of `SDK-HMAC-SHA256`:
//! `SDK-HMAC-SHA256 Access={AK}, SignedHeaders={a;b}, Signature={hex}`.

use std::fmt;

use super::canonical::ALGORITHM;

/// A parsed `SDK-HMAC-SHA256` `Authorization` header value.
///
/// ```
/// use wharf_auth::huawei::Authorization;
///
/// let text = format!("SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;x-sdk-date, Signature={}", "0".repeat(64));
/// let auth = Authorization::parse(&text)?;
/// assert_eq!(auth.access_key, "AK1");
/// assert_eq!(auth.signed_headers, ["host", "x-sdk-date"]);
/// assert_eq!(auth.to_string(), text);
/// # Ok::<(), wharf_auth::huawei::AuthorizationError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Authorization {
    /// The access key (`Access=`).
    pub access_key: String,
    /// The signed header names (`SignedHeaders=`), lowercase, in the order given.
    pub signed_headers: Vec<String>,
    /// The signature (`Signature=`): 64 hex digits.
    pub signature: String,
}

impl Authorization {
    /// Parses a header value. Surrounding white space is ignored, and so is
    /// white space around each `,`-separated parameter.
    pub fn parse(value: &str) -> Result<Self, AuthorizationError> {
        let value = value.trim_matches([' ', '\t']);
        let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
        if scheme != ALGORITHM {
            return Err(AuthorizationError::new(
                AuthorizationErrorKind::UnsupportedScheme,
                format!("scheme {:?}, expected {ALGORITHM}", shorten(scheme)),
            ));
        }
        let params = Params::collect(rest)?;
        Ok(Self {
            access_key: params.access_key()?,
            signed_headers: params.signed_headers()?,
            signature: params.signature()?,
        })
    }
}

impl fmt::Display for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{ALGORITHM} Access={}, SignedHeaders={}, Signature={}",
            self.access_key,
            self.signed_headers.join(";"),
            self.signature
        )
    }
}

/// The three parameters, each seen at most once.
#[derive(Default)]
struct Params<'a> {
    access: Option<&'a str>,
    signed_headers: Option<&'a str>,
    signature: Option<&'a str>,
}

impl<'a> Params<'a> {
    /// Reads `name=value` pairs separated by `,`.
    fn collect(text: &'a str) -> Result<Self, AuthorizationError> {
        let mut params = Self::default();
        for part in text.split(',') {
            let part = part.trim_matches([' ', '\t']);
            let (name, value) = part.split_once('=').ok_or_else(|| {
                AuthorizationError::new(
                    AuthorizationErrorKind::MalformedParameter,
                    format!("parameter {:?} has no '='", shorten(part)),
                )
            })?;
            params.set(name, value)?;
        }
        Ok(params)
    }

    /// Records one parameter, refusing unknown and repeated names.
    fn set(&mut self, name: &str, value: &'a str) -> Result<(), AuthorizationError> {
        let slot = match name {
            "Access" => &mut self.access,
            "SignedHeaders" => &mut self.signed_headers,
            "Signature" => &mut self.signature,
            _ => {
                return Err(AuthorizationError::new(
                    AuthorizationErrorKind::UnknownParameter,
                    format!("unknown parameter {:?}", shorten(name)),
                ));
            }
        };
        if slot.replace(value).is_some() {
            return Err(AuthorizationError::new(
                AuthorizationErrorKind::DuplicateParameter,
                format!("parameter {name} appears twice"),
            ));
        }
        Ok(())
    }

    /// The non-empty `Access` value.
    fn access_key(&self) -> Result<String, AuthorizationError> {
        let access = required(self.access, "Access")?;
        if access.is_empty() || !access.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(AuthorizationError::new(
                AuthorizationErrorKind::MalformedParameter,
                format!(
                    "Access {:?} is not a visible ASCII access key",
                    shorten(access)
                ),
            ));
        }
        Ok(access.to_owned())
    }

    /// The `SignedHeaders` names: non-empty, lowercase header-name tokens.
    fn signed_headers(&self) -> Result<Vec<String>, AuthorizationError> {
        let text = required(self.signed_headers, "SignedHeaders")?;
        let names: Vec<String> = text.split(';').map(str::to_owned).collect();
        match names.iter().find(|name| !is_lowercase_token(name)) {
            Some(bad) => Err(AuthorizationError::new(
                AuthorizationErrorKind::MalformedParameter,
                format!(
                    "SignedHeaders has {:?}, not a lowercase header name",
                    shorten(bad)
                ),
            )),
            None => Ok(names),
        }
    }

    /// The `Signature` value: 64 hex digits.
    fn signature(&self) -> Result<String, AuthorizationError> {
        let signature = required(self.signature, "Signature")?;
        if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AuthorizationError::new(
                AuthorizationErrorKind::MalformedParameter,
                format!("Signature {:?} is not 64 hex digits", shorten(signature)),
            ));
        }
        Ok(signature.to_owned())
    }
}

/// `value`, or a `MissingParameter` error naming `name`.
fn required<'a>(value: Option<&'a str>, name: &str) -> Result<&'a str, AuthorizationError> {
    value.ok_or_else(|| {
        AuthorizationError::new(
            AuthorizationErrorKind::MissingParameter,
            format!("parameter {name} is missing"),
        )
    })
}

/// Whether `name` is a non-empty HTTP token without uppercase letters.
fn is_lowercase_token(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b"!#$%&'*+-.^_`|~".contains(&b)
        })
}

/// At most 64 characters of `text`, for error messages.
fn shorten(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = chars.by_ref().take(64).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

/// What was wrong with an `Authorization` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthorizationErrorKind {
    /// The scheme is not `SDK-HMAC-SHA256`.
    UnsupportedScheme,
    /// One of `Access`, `SignedHeaders`, `Signature` is missing.
    MissingParameter,
    /// A parameter appears twice.
    DuplicateParameter,
    /// A parameter other than the three known ones.
    UnknownParameter,
    /// A parameter without `=`, or with a value of the wrong form.
    MalformedParameter,
}

/// An `Authorization` value that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed Authorization header: {detail}")]
pub struct AuthorizationError {
    kind: AuthorizationErrorKind,
    detail: String,
}

impl AuthorizationError {
    /// Builds the error.
    fn new(kind: AuthorizationErrorKind, detail: String) -> Self {
        Self { kind, detail }
    }

    /// What was wrong.
    pub fn kind(&self) -> AuthorizationErrorKind {
        self.kind
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(value: &str) -> AuthorizationErrorKind {
        Authorization::parse(value).expect_err(value).kind()
    }

    #[test]
    fn refuses_each_kind_of_mistake() {
        let sig = "a".repeat(64);
        use AuthorizationErrorKind as K;
        assert_eq!(kind_of(""), K::UnsupportedScheme);
        assert_eq!(kind_of("Bearer x"), K::UnsupportedScheme);
        assert_eq!(kind_of("SDK-HMAC-SHA256"), K::MalformedParameter);
        assert_eq!(
            kind_of(&format!("SDK-HMAC-SHA256 Access=A, Signature={sig}")),
            K::MissingParameter
        );
        assert_eq!(
            kind_of(&format!(
                "SDK-HMAC-SHA256 Access=A, Access=B, SignedHeaders=host, Signature={sig}"
            )),
            K::DuplicateParameter
        );
        assert_eq!(
            kind_of(&format!(
                "SDK-HMAC-SHA256 Access=A, Foo=1, SignedHeaders=host, Signature={sig}"
            )),
            K::UnknownParameter
        );
        assert_eq!(
            kind_of(&format!(
                "SDK-HMAC-SHA256 Access=A, SignedHeaders=Host, Signature={sig}"
            )),
            K::MalformedParameter
        );
        assert_eq!(
            kind_of(&format!(
                "SDK-HMAC-SHA256 Access=A, SignedHeaders=host;, Signature={sig}"
            )),
            K::MalformedParameter
        );
        assert_eq!(
            kind_of("SDK-HMAC-SHA256 Access=A, SignedHeaders=host, Signature=abc"),
            K::MalformedParameter
        );
        assert_eq!(
            kind_of(&format!(
                "SDK-HMAC-SHA256 Access=, SignedHeaders=host, Signature={sig}"
            )),
            K::MalformedParameter
        );
    }

    #[test]
    fn messages_say_what_is_wrong() {
        let e = Authorization::parse("Basic dXNlcg==").expect_err("basic");
        assert_eq!(
            e.to_string(),
            "malformed Authorization header: scheme \"Basic\", expected SDK-HMAC-SHA256"
        );
    }

    #[test]
    fn accepts_extra_spaces() {
        let sig = "b".repeat(64);
        let auth = Authorization::parse(&format!(
            "  SDK-HMAC-SHA256 Access=A ,SignedHeaders=host ,  Signature={sig}  "
        ))
        .expect("valid");
        assert_eq!(auth.access_key, "A");
    }
}
