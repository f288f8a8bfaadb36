//! Who may call the emulator: Huawei AK/SK signatures and IAM tokens for SWR,
//! UCloud key pairs for UHub, all checked with `wharf-auth`.

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::SignedDuration;
use wharf_auth::huawei::{self, ReceivedRequest, VerifyOptions};
use wharf_auth::ucloud;

/// The demo Huawei access key (AK), accepted when no credentials are configured.
pub const DEMO_HUAWEI_AK: &str = "WHARFDEMOACCESSKEY01";
/// The demo Huawei secret key (SK) of [`DEMO_HUAWEI_AK`].
pub const DEMO_HUAWEI_SK: &str = "wharf-demo-secret-key";
/// The demo IAM token, accepted in `X-Auth-Token`.
pub const DEMO_TOKEN: &str = "wharf-demo-token";
/// The demo UCloud public key.
pub const DEMO_UCLOUD_PUBLIC_KEY: &str = "wharf-demo-public-key";
/// The demo UCloud private key of [`DEMO_UCLOUD_PUBLIC_KEY`].
pub const DEMO_UCLOUD_PRIVATE_KEY: &str = "wharf-demo-private-key";

/// The credentials the emulator accepts.
///
/// ```
/// use wharf_emulator::{AuthConfig, DEMO_HUAWEI_AK};
///
/// let auth = AuthConfig::demo();
/// assert!(auth.enabled);
/// assert_eq!(auth.huawei_keys.get(DEMO_HUAWEI_AK).map(String::as_str), Some("wharf-demo-secret-key"));
///
/// let mine = AuthConfig::empty().with_huawei_key("AK", "SK").with_token("t0ken");
/// assert_eq!(mine.tokens, ["t0ken"]);
/// assert!(!AuthConfig::disabled().enabled);
/// assert!(!format!("{mine:?}").contains("SK"));
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthConfig {
    /// Whether requests are checked at all (`--no-auth` turns it off).
    pub enabled: bool,
    /// Huawei access key to secret key.
    pub huawei_keys: BTreeMap<String, String>,
    /// IAM tokens accepted in `X-Auth-Token`.
    pub tokens: Vec<String>,
    /// UCloud public key to private key.
    pub ucloud_keys: BTreeMap<String, String>,
    /// How far `X-Sdk-Date` may be from the emulator's clock.
    pub max_skew: Duration,
}

/// Shows key ids, never secrets or tokens.
impl std::fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthConfig")
            .field("enabled", &self.enabled)
            .field(
                "huawei_access_keys",
                &self.huawei_keys.keys().collect::<Vec<_>>(),
            )
            .field("tokens", &self.tokens.len())
            .field(
                "ucloud_public_keys",
                &self.ucloud_keys.keys().collect::<Vec<_>>(),
            )
            .field("max_skew", &self.max_skew)
            .finish()
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig::demo()
    }
}

impl AuthConfig {
    /// Checks on, no credentials: every request is refused until some are added.
    pub fn empty() -> Self {
        AuthConfig {
            enabled: true,
            huawei_keys: BTreeMap::new(),
            tokens: Vec::new(),
            ucloud_keys: BTreeMap::new(),
            max_skew: Duration::from_secs(15 * 60),
        }
    }

    /// Checks on, with the documented demo credentials.
    pub fn demo() -> Self {
        AuthConfig::empty()
            .with_huawei_key(DEMO_HUAWEI_AK, DEMO_HUAWEI_SK)
            .with_token(DEMO_TOKEN)
            .with_ucloud_key(DEMO_UCLOUD_PUBLIC_KEY, DEMO_UCLOUD_PRIVATE_KEY)
    }

    /// Checks off: every request is accepted.
    pub fn disabled() -> Self {
        AuthConfig {
            enabled: false,
            ..AuthConfig::empty()
        }
    }

    /// Accepts Huawei signatures made with this AK/SK pair.
    pub fn with_huawei_key(mut self, ak: impl Into<String>, sk: impl Into<String>) -> Self {
        self.huawei_keys.insert(ak.into(), sk.into());
        self
    }

    /// Accepts this IAM token in `X-Auth-Token`.
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.tokens.push(token.into());
        self
    }

    /// Accepts UCloud signatures made with this key pair.
    pub fn with_ucloud_key(
        mut self,
        public: impl Into<String>,
        private: impl Into<String>,
    ) -> Self {
        self.ucloud_keys.insert(public.into(), private.into());
        self
    }

    /// Sets how far `X-Sdk-Date` may be from the emulator's clock.
    pub fn with_max_skew(mut self, max_skew: Duration) -> Self {
        self.max_skew = max_skew;
        self
    }

    /// Checks an SWR request: a known `X-Auth-Token`, or a valid
    /// `SDK-HMAC-SHA256` signature. The error is the message for the 401 body.
    pub(crate) fn check_swr(&self, request: &ReceivedRequest<'_>) -> Result<(), String> {
        if !self.enabled {
            return Ok(());
        }
        if let Some(token) = header(request.headers, huawei::X_AUTH_TOKEN) {
            return match self.tokens.iter().any(|t| t == token) {
                true => Ok(()),
                false => Err("Incorrect IAM authentication information: token is not valid".into()),
            };
        }
        if header(request.headers, "authorization").is_none() {
            // The commonest first mistake: a plain curl against a server
            // whose auth is on by default. Say how to get through, without
            // printing any configured secret.
            return Err("Incorrect IAM authentication information: missing Authorization header (an SDK-HMAC-SHA256 signature made with an AK/SK) and no X-Auth-Token; hint: send X-Auth-Token with the emulator's demo token (unless --token replaced it), or start the emulator with --no-auth to accept unsigned requests".into());
        }
        let skew = SignedDuration::try_from(self.max_skew).unwrap_or(SignedDuration::MAX);
        let options = VerifyOptions::default().with_max_skew(skew);
        huawei::verify(request, &self.huawei_keys, jiff::Timestamp::now(), &options)
            .map(|_| ())
            .map_err(|e| format!("Incorrect IAM authentication information: {e}"))
    }

    /// Checks UHub parameters (`PublicKey` and `Signature` included). The error
    /// is the `RetCode` (170, 171 or 172) and the message.
    pub(crate) fn check_uhub(&self, params: &[(String, String)]) -> Result<(), (i64, String)> {
        if !self.enabled {
            return Ok(());
        }
        ucloud::verify(params, &self.ucloud_keys)
            .map(|_| ())
            .map_err(|e| (i64::from(e.ret_code()), e.to_string()))
    }
}

/// The first value of header `name`, compared without case.
fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}
