//! The config file: named profiles in TOML, refused when it holds secrets
//! that others can read.
//!
//! ```toml
//! [profiles.prod]
//! provider = "swr"
//! region = "cn-north-4"
//! access_key = "..."
//! secret_key = "..."
//! ```

use std::path::{Path, PathBuf};

use crate::fail::{CliError, Exit};

pub use wharf_cli::config_file::Profile;

/// A profile read from a file, with where it came from.
pub struct Loaded {
    /// The profile.
    pub profile: Profile,
    /// Its name.
    pub name: String,
    /// The file.
    pub path: PathBuf,
}

/// Where the config file is: `$WHARF_CONFIG`, else the user's config
/// directory; and whether `$WHARF_CONFIG` named it.
pub fn path() -> Option<(PathBuf, bool)> {
    if let Some(path) = std::env::var_os("WHARF_CONFIG") {
        return Some((PathBuf::from(path), true));
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some((base.join("wharf").join("config.toml"), false))
}

/// The profile `name` (or `default`, when no name is asked and the file
/// has one). A named profile that is missing, a file `$WHARF_CONFIG` names
/// that is missing, or a file that cannot be read, is an error: the user
/// asked for it, and the demo registry must not answer instead. No file at
/// the default place and no name is no profile.
pub fn load(name: Option<&str>) -> Result<Option<Loaded>, CliError> {
    let Some((path, named)) = path() else {
        return Ok(None);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && name.is_none() && !named => {
            return Ok(None);
        }
        Err(e) if named => {
            let what = format!(
                "cannot read the config file {} that WHARF_CONFIG names: {e}",
                path.display()
            );
            return Err(CliError::new(Exit::Usage, what));
        }
        Err(e) => {
            let what = format!("cannot read the config file {}: {e}", path.display());
            return Err(CliError::new(Exit::Usage, what));
        }
    };
    let mut file = wharf_cli::config_file::parse(&text)
        .map_err(|e| CliError::new(Exit::Usage, not_valid(&path, &e)))?;
    let wanted = name.unwrap_or("default");
    let Some(profile) = file.profiles.remove(wanted) else {
        if name.is_none() {
            return Ok(None);
        }
        let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
        let what = format!(
            "no profile {wanted:?} in {} (profiles: {})",
            path.display(),
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        );
        return Err(CliError::new(Exit::Usage, what));
    };
    if profile.holds_secrets() {
        check_private(&path)?;
    }
    Ok(Some(Loaded {
        profile,
        name: wanted.to_owned(),
        path,
    }))
}

/// Why the config file at `path` does not read: `config file PATH, line
/// L, column C: what`, then the line itself when the error may show it.
pub fn not_valid(path: &Path, e: &wharf_cli::config_file::ConfigError) -> String {
    let mut what = format!("config file {}, {e}", path.display());
    if let (Some(line), Some(excerpt)) = (e.line(), e.excerpt()) {
        what.push_str(&format!("\n  {line} | {excerpt}"));
    }
    what
}

/// Secrets in a file others can read are refused, as ssh refuses a key.
#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), CliError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| CliError::new(Exit::Usage, format!("cannot read {}: {e}", path.display())))?
        .permissions()
        .mode();
    if mode & 0o077 == 0 {
        return Ok(());
    }
    let what = format!(
        "the config file {} holds secrets but others can read it (mode {:o}); \
         run `chmod 600 {}`",
        path.display(),
        mode & 0o777,
        path.display()
    );
    Err(CliError::new(Exit::Usage, what))
}

#[cfg(not(unix))]
fn check_private(_path: &Path) -> Result<(), CliError> {
    Ok(())
}
