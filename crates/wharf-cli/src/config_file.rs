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
/// message, and where in the text it points (line and column, from 1).
///
/// ```
/// let e = wharf_cli::config_file::parse("[profiles.prod]\nregion = cn-north-4\n").err().unwrap();
/// assert_eq!((e.line(), e.column()), (Some(2), Some(10)));
/// assert!(e.to_string().starts_with("line 2, column 10: "), "{e}");
/// assert_eq!(e.excerpt(), Some("region = cn-north-4"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    message: String,
    line: Option<usize>,
    column: Option<usize>,
    excerpt: Option<String>,
}

impl ConfigError {
    /// What is wrong, without the position.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The line the parser points at, from 1.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// The column the parser points at, from 1, in characters.
    pub fn column(&self) -> Option<usize> {
        self.column
    }

    /// The line the parser points at, when it is short, and never a
    /// secret: the value of a key that is not plainly a setting (a secret,
    /// a misspelt key) is hidden, and a line that is not a key, a table or
    /// a comment (a key pasted alone, the inside of a multi-line string)
    /// is not shown at all.
    pub fn excerpt(&self) -> Option<&str> {
        self.excerpt.as_deref()
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => {
                write!(f, "line {line}, column {column}: {}", self.message)
            }
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Reads a config file's text.
pub fn parse(text: &str) -> Result<ConfigFile, ConfigError> {
    toml::from_str(text).map_err(|e: toml::de::Error| {
        let mut error = ConfigError {
            message: without_values(e.message()),
            line: None,
            column: None,
            excerpt: None,
        };
        if let Some(span) = e.span() {
            let (line, column, content) = position(text, span.start);
            error.line = Some(line);
            error.column = Some(column);
            error.excerpt = shown(content);
        }
        error
    })
}

/// The parser's `message` without the value it quotes: serde says
/// `invalid type: string "...", expected a string`, which would show a
/// secret given where a table was due, or as a number. The value's type
/// stays.
fn without_values(message: &str) -> String {
    const TYPES: [(&str, &str); 5] = [
        ("string", "a string"),
        ("integer", "an integer"),
        ("floating point", "a float"),
        ("boolean", "a boolean"),
        ("character", "a character"),
    ];
    for prefix in ["invalid type: ", "invalid value: "] {
        let Some(rest) = message.strip_prefix(prefix) else {
            continue;
        };
        // The value may hold ", expected " itself; the type's words do not.
        let Some(split) = rest.rfind(", expected ") else {
            return format!("{prefix}a value that is not allowed here");
        };
        let (unexpected, expected) = rest.split_at(split);
        return match TYPES.iter().find(|(word, _)| unexpected.starts_with(word)) {
            Some((_, kind)) => format!("{prefix}{kind}{expected}"),
            None => message.to_owned(),
        };
    }
    message.to_owned()
}

/// The line and column (from 1, the column in characters) of byte
/// `offset` of `text`, and that line's text.
fn position(text: &str, offset: usize) -> (usize, usize, &str) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    let rest = &text[line_start..];
    let content = rest.split('\n').next().unwrap_or_default();
    (line, column, content.trim_end_matches('\r'))
}

/// Keys whose values are no secret: shown in an excerpt.
const PLAIN_KEYS: [&str; 5] = ["provider", "region", "endpoint", "catalog", "project_id"];

/// Longest line an excerpt shows, in characters.
const EXCERPT_CHARS: usize = 100;

/// What an error may show of the line `content` (see
/// [`ConfigError::excerpt`]).
fn shown(content: &str) -> Option<String> {
    let trimmed = content.trim();
    if trimmed.is_empty() || content.chars().count() > EXCERPT_CHARS {
        return None;
    }
    if trimmed.starts_with('[') || trimmed.starts_with('#') {
        return Some(content.to_owned());
    }
    let (key, _value) = content.split_once('=')?;
    let last = key.trim().rsplit('.').next().unwrap_or_default();
    let last = last.trim().trim_matches(|c| c == '"' || c == '\'');
    if PLAIN_KEYS.contains(&last) {
        Some(content.to_owned())
    } else {
        Some(format!("{} = (value hidden)", key.trim_end()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> ConfigError {
        parse(text).err().expect("not a config file")
    }

    #[test]
    fn errors_point_at_a_line_and_column() {
        let e = error("[profiles.prod]\nregion = \"cn-north-4\"\nregoin = \"x\"\n");
        assert_eq!((e.line(), e.column()), (Some(3), Some(1)));
        assert!(e.message().contains("unknown field `regoin`"), "{e}");
        assert_eq!(e.excerpt(), Some("regoin = (value hidden)"));

        // Columns count characters, not bytes; CRLF lines end before the CR.
        let e = error("# é\r\n[profiles.prod]\r\nregion = \"é\" x\r\n");
        assert_eq!((e.line(), e.column()), (Some(3), Some(14)), "{e}");
        assert_eq!(e.excerpt(), Some("region = \"é\" x"));

        // At the end of the text.
        let e = error("[profiles.prod");
        assert_eq!(e.line(), Some(1));
        assert_eq!(e.excerpt(), Some("[profiles.prod"));
    }

    #[test]
    fn an_excerpt_never_shows_a_secret() {
        for text in [
            "[profiles.p]\nsecret_key = \"SECRET-1\n",
            "[profiles.p]\nsecret_key = SECRET-1\n",
            "[profiles.p]\nsecret_kye = \"SECRET-1\"\n",
            "[profiles.p]\nprivate_key = \"\"\"\nSECRET-1\n",
            "[profiles.p]\n\"security_token\" = 'SECRET-1\n",
            "[profiles.p]\nSECRET-1\n",
            "[profiles]\np.private_key = SECRET-1\n",
            "[profiles]\np = \"SECRET-1\"\n",
            "[profiles]\np = \"SECRET-1, expected x\"\n",
            "[profiles.p]\nsecret_key = 12345678\n",
            "[profiles.p]\nsecret_key = 1234.5678\n",
            "[profiles.p]\nsecret_key = [\"SECRET-1\"]\n",
        ] {
            let e = error(text);
            assert!(e.line().is_some(), "{text:?}: {e}");
            let shown = format!("{e} {:?} {e:?}", e.excerpt());
            assert!(!shown.contains("SECRET-1"), "{text:?}: {shown}");
        }
        let e = error("[profiles]\np = \"SECRET-1\"\n");
        assert_eq!(
            e.message(),
            "invalid type: a string, expected struct Profile"
        );
        let long = format!("[profiles.p]\nregion = \"{}\n", "x".repeat(200));
        assert_eq!(error(&long).excerpt(), None);
    }
}
