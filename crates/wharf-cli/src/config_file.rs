//! The text of the config file, read to typed profiles: TOML with one
//! table per profile under `profiles`, every setting optional, unknown keys
//! refused. Pure (no file, no environment), so it is fuzzed
//! (`fuzz/fuzz_targets/cli_config.rs`) and tested on its own.
//!
//! ```
//! let text = "[profiles.prod]\nprovider = \"swr\"\nregion = \"cn-north-4\"\n";
//! let file = wharf_cli::config_file::parse(text)?;
//! let prod = &file.profiles["prod"];
//! assert_eq!(prod.region.as_deref(), Some("cn-north-4"));
//! assert!(!prod.holds_secrets());
//!
//! let e = wharf_cli::config_file::parse("[profiles.prod]\nregoin = \"x\"\n").err().unwrap();
//! assert!(e.to_string().contains("unknown field `regoin`"), "{e}");
//! # Ok::<(), wharf_cli::config_file::ConfigError>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

/// One profile: every setting optional. There is no `Debug`: it holds
/// secrets.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Profile {
    /// `swr` or `uhub`.
    pub provider: Option<String>,
    /// The region.
    pub region: Option<String>,
    /// A custom endpoint.
    pub endpoint: Option<String>,
    /// A catalog spec.
    pub catalog: Option<String>,
    /// Huawei Cloud access key id.
    pub access_key: Option<String>,
    /// Huawei Cloud secret access key.
    pub secret_key: Option<String>,
    /// Huawei Cloud security token of temporary credentials.
    pub security_token: Option<String>,
    /// The project id (both providers).
    pub project_id: Option<String>,
    /// UCloud public key.
    pub public_key: Option<String>,
    /// UCloud private key.
    pub private_key: Option<String>,
}

impl Profile {
    /// Whether the profile holds a secret (a secret key, a security token
    /// or a private key), so that its file must not be readable by others.
    pub fn holds_secrets(&self) -> bool {
        self.secret_key.is_some() || self.security_token.is_some() || self.private_key.is_some()
    }
}

/// A config file's profiles, by name.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ConfigFile {
    /// The profiles, by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// Why a config file's text is not a config file: the TOML parser's
/// message, which names the line and the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Reads a config file's text.
pub fn parse(text: &str) -> Result<ConfigFile, ConfigError> {
    toml::from_str(text).map_err(|e: toml::de::Error| ConfigError {
        message: e.message().to_owned(),
    })
}
