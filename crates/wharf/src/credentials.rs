//! Where credentials come from: code, or the environment variables the
//! official tools read.

use std::fmt;

use crate::{Error, ErrorKind};

/// The environment variables wharf reads, as the official SDKs and CLIs name them.
pub mod env {
    /// Huawei Cloud access key id.
    pub const HUAWEICLOUD_SDK_AK: &str = "HUAWEICLOUD_SDK_AK";
    /// Huawei Cloud secret access key.
    pub const HUAWEICLOUD_SDK_SK: &str = "HUAWEICLOUD_SDK_SK";
    /// Huawei Cloud project id (sent as `X-Project-Id`).
    pub const HUAWEICLOUD_SDK_PROJECT_ID: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
    /// Huawei Cloud security token, for temporary credentials.
    pub const HUAWEICLOUD_SDK_SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
    /// Huawei Cloud region, such as `cn-north-4`.
    pub const HUAWEICLOUD_SDK_REGION: &str = "HUAWEICLOUD_SDK_REGION";
    /// UCloud public key.
    pub const UCLOUD_PUBLIC_KEY: &str = "UCLOUD_PUBLIC_KEY";
    /// UCloud private key.
    pub const UCLOUD_PRIVATE_KEY: &str = "UCLOUD_PRIVATE_KEY";
    /// UCloud project id.
    pub const UCLOUD_PROJECT_ID: &str = "UCLOUD_PROJECT_ID";
    /// UCloud region, such as `cn-bj2`.
    pub const UCLOUD_REGION: &str = "UCLOUD_REGION";
}

/// Where a client's credentials came from. An unauthorized or forbidden
/// error shows it, so a person knows which credentials to check; it holds
/// names, never values.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum CredentialSource {
    /// No credentials: requests go unsigned.
    #[default]
    None,
    /// Given in code.
    Code,
    /// Read from these environment variables.
    Environment(Vec<&'static str>),
    /// Described by the caller, such as "profile `prod` in ~/.config/wharf/config.toml".
    Described(String),
}

impl fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialSource::None => f.write_str("none were configured"),
            CredentialSource::Code => f.write_str("given in code"),
            CredentialSource::Environment(names) => {
                write!(f, "{} from the environment", names.join(", "))
            }
            CredentialSource::Described(text) => f.write_str(text),
        }
    }
}

/// Reads one variable through `lookup`: unset and empty are the same.
pub(crate) fn read(lookup: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    lookup(name).filter(|v| !v.is_empty())
}

/// The environment, for [`read`].
pub(crate) fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// A credentials error from wharf-auth, naming the variable it came from.
pub(crate) fn refused(
    what: &str,
    source: &CredentialSource,
    e: impl std::error::Error + Send + Sync + 'static,
) -> Error {
    Error::new(ErrorKind::Config, format!("{what} ({source}): {e}")).told(e)
}
