//! Where to list and with which credentials: flags beat the environment,
//! which beats the profile; nothing at all means the demo registry.

use std::time::Duration;

use wharf::catalog::{CatalogKind, CatalogSpec, SpecError};
use wharf::{CredentialSource, ListOptions, env};

use wharf::Provider;

use crate::args::Global;
use crate::config::{self, Loaded, Profile};
use crate::fail::{CliError, Exit};

/// What one command connects to.
pub enum Target {
    /// The catalog `spec` names, with credentials read through
    /// [`Settings::lookup`]; errors say they came from `credentials`.
    Spec {
        /// Which catalog, where.
        spec: CatalogSpec,
        /// Where the credentials come from, for messages.
        credentials: CredentialSource,
    },
    /// The built-in demo registry, as a catalog of this kind.
    Demo(CatalogKind),
}

impl Target {
    /// Which catalog.
    pub fn kind(&self) -> CatalogKind {
        match self {
            Target::Spec { spec, .. } => spec.kind(),
            Target::Demo(kind) => *kind,
        }
    }

    /// The region the spec names (none for the demo registry, or an
    /// endpoint without one).
    pub fn region(&self) -> Option<&str> {
        match self {
            Target::Spec { spec, .. } => spec.region(),
            Target::Demo(_) => None,
        }
    }

    /// The same place, listing SWR's official images.
    fn official(self) -> Result<Target, CliError> {
        if self.kind() == CatalogKind::Uhub {
            let what = "official images are SWR's: drop --provider uhub";
            return Err(CliError::new(Exit::Usage, what));
        }
        Ok(match self {
            Target::Spec { spec, credentials } => Target::Spec {
                spec: spec
                    .with_kind(CatalogKind::SwrOfficial)
                    .map_err(|e| CliError::new(Exit::Usage, format!("official images: {e}")))?,
                credentials,
            },
            Target::Demo(_) => Target::Demo(CatalogKind::SwrOfficial),
        })
    }
}

/// Everything read from flags, environment and profile, for one run.
pub struct Settings {
    profile: Option<Loaded>,
    /// The paging options.
    pub list: ListOptions,
    /// The operation timeout.
    pub timeout: Option<Duration>,
}

impl Settings {
    /// Reads the profile and the paging flags.
    pub fn read(global: &Global) -> Result<Self, CliError> {
        let profile = config::load(global.profile.as_deref())?;
        let mut list = ListOptions::default();
        if let Some(size) = global.page_size {
            list.page_size = size;
        }
        if let Some(concurrency) = global.concurrency {
            list.concurrency = concurrency as usize;
        }
        list.max_items = global.limit;
        let timeout = global
            .timeout
            .as_deref()
            .map(|text| parse_duration("--timeout", text))
            .transpose()?;
        Ok(Settings {
            profile,
            list,
            timeout,
        })
    }

    /// The profile read, when there is one.
    pub fn profile(&self) -> Option<&Loaded> {
        self.profile.as_ref()
    }

    /// A setting from the environment, else from the profile: `name` is the
    /// official variable.
    pub fn lookup(&self, name: &str) -> Option<String> {
        let from_env = std::env::var(name).ok().filter(|v| !v.is_empty());
        from_env.or_else(|| {
            let profile = &self.profile.as_ref()?.profile;
            profile_value(profile, name).filter(|v| !v.is_empty())
        })
    }

    /// Where the credentials for `names` come from, for error messages:
    /// the variables when all are set in the environment, else the profile.
    fn source(&self, names: &[&'static str]) -> CredentialSource {
        if names
            .iter()
            .all(|n| std::env::var(n).is_ok_and(|v| !v.is_empty()))
        {
            return CredentialSource::Environment(names.to_vec());
        }
        match &self.profile {
            Some(loaded) => CredentialSource::Described(profile_label(loaded)),
            None => CredentialSource::None,
        }
    }

    /// The catalog of kind `official` or else as the flags, environment and
    /// profile say.
    ///
    /// Requests go only where the user said: a catalog spec beside a flag
    /// (or, in one profile, a key) that also says where, or a provider the
    /// spec contradicts, is a usage error naming both, before anything is
    /// sent.
    pub fn target(&self, global: &Global, official: bool) -> Result<Target, CliError> {
        let profile = self.profile.as_ref().map(|l| &l.profile);
        let target = match self.catalog_spec(global) {
            Some((text, source)) => {
                let spec: CatalogSpec = text
                    .parse()
                    .map_err(|e| CliError::new(Exit::Usage, format!("{source}: {e}")))?;
                self.check_no_other_place(global, &text, &source, spec.kind())?;
                self.target_for_spec(spec)
            }
            None => self.target_of_parts(global, profile)?,
        };
        if official {
            return target.official();
        }
        Ok(target)
    }

    /// The catalog spec in effect, with who said it: `--catalog` or
    /// `WHARF_CATALOG`, else the profile.
    pub fn catalog_spec(&self, global: &Global) -> Option<(String, String)> {
        if let Some(spec) = &global.catalog {
            return Some((spec.clone(), given("--catalog", "WHARF_CATALOG")));
        }
        let loaded = self.profile.as_ref()?;
        let spec = loaded.profile.catalog.clone()?;
        Some((spec, format!("the catalog of {}", profile_label(loaded))))
    }

    /// Refuses a place or provider said beside the catalog spec `spec`
    /// (from `source`), of kind `kind`.
    fn check_no_other_place(
        &self,
        global: &Global,
        spec: &str,
        source: &str,
        kind: CatalogKind,
    ) -> Result<(), CliError> {
        let mut others: Vec<String> = Vec::new();
        if let Some(url) = &global.endpoint {
            others.push(format!("--endpoint {url}"));
        }
        if let Some(region) = &global.region {
            others.push(format!("--region {region}"));
        }
        // The profile's own keys contradict its catalog; a flag's catalog
        // simply beats the profile.
        if let Some(loaded) = self.profile.as_ref().filter(|_| global.catalog.is_none()) {
            let label = profile_label(loaded);
            if let Some(url) = &loaded.profile.endpoint {
                others.push(format!("the endpoint {url} of {label}"));
            }
            if let Some(region) = &loaded.profile.region {
                others.push(format!("the region {region} of {label}"));
            }
        }
        if let Some(other) = others.first() {
            let what = format!(
                "{source} {spec} and {other} both say where requests go; give one of them (nothing was sent)"
            );
            return Err(CliError::new(Exit::Usage, what));
        }
        let provider = match kind {
            CatalogKind::Uhub => Provider::Uhub,
            _ => Provider::Swr,
        };
        if let Some(said) = global.provider.filter(|&p| p != provider) {
            let what = format!(
                "{source} {spec} names provider {}, but {} says {}; give one of them (nothing was sent)",
                provider.as_str(),
                given("--provider", "WHARF_PROVIDER"),
                said.as_str()
            );
            return Err(CliError::new(Exit::Usage, what));
        }
        Ok(())
    }

    /// The catalog `spec` names, with credentials from the environment or
    /// the profile: how `diff` opens each of its two sides.
    pub fn target_for_spec(&self, spec: CatalogSpec) -> Target {
        let names: &[&'static str] = match spec.kind() {
            CatalogKind::Uhub => &[env::UCLOUD_PUBLIC_KEY, env::UCLOUD_PRIVATE_KEY],
            _ => &[env::HUAWEICLOUD_SDK_AK, env::HUAWEICLOUD_SDK_SK],
        };
        Target::Spec {
            spec,
            credentials: self.source(names),
        }
    }

    /// The catalog that `--provider`, `--endpoint` and `--region` (or the
    /// environment and profile) name; the demo registry when they name no
    /// place.
    fn target_of_parts(
        &self,
        global: &Global,
        profile: Option<&Profile>,
    ) -> Result<Target, CliError> {
        let provider = match global.provider {
            Some(p) => p,
            None => match profile.and_then(|p| p.provider.as_deref()) {
                None | Some("swr") => Provider::Swr,
                Some("uhub") => Provider::Uhub,
                Some(other) => {
                    let what = format!("the profile's provider {other:?} is not swr or uhub");
                    return Err(CliError::new(Exit::Usage, what));
                }
            },
        };
        let (kind, region_var, keys) = match provider {
            Provider::Uhub => (
                CatalogKind::Uhub,
                env::UCLOUD_REGION,
                [env::UCLOUD_PUBLIC_KEY, env::UCLOUD_PRIVATE_KEY],
            ),
            Provider::Swr => (
                CatalogKind::Swr,
                env::HUAWEICLOUD_SDK_REGION,
                [env::HUAWEICLOUD_SDK_AK, env::HUAWEICLOUD_SDK_SK],
            ),
        };
        let region = global.region.clone().or_else(|| self.lookup(region_var));
        let endpoint = global
            .endpoint
            .clone()
            .or_else(|| profile.and_then(|p| p.endpoint.clone()));
        let spec = match (endpoint, region) {
            (Some(url), region) => {
                let spec = CatalogSpec::at_endpoint(kind, &url)
                    .map_err(|e| not_a_place("endpoint", &url, &e))?;
                match region {
                    // SWR signs no region: an endpoint says all there is.
                    Some(region) if kind == CatalogKind::Uhub => spec
                        .with_region(&region)
                        .map_err(|e| not_a_place("region", &region, &e))?,
                    _ => spec,
                }
            }
            (None, Some(region)) => CatalogSpec::in_region(kind, &region)
                .map_err(|e| not_a_place("region", &region, &e))?,
            (None, None) if keys.iter().any(|n| self.lookup(n).is_some()) => {
                // Credentials with no place: the public endpoint needs a region.
                let what = format!(
                    "credentials are set but no region: pass --region (or set {region_var}), \
                     --endpoint or --catalog"
                );
                return Err(CliError::new(Exit::Usage, what));
            }
            (None, None) => {
                // Only the other provider's keys: meant for a real registry.
                if let Some(refused) = crate::keys::other_provider_only(kind, self, global) {
                    return Err(refused);
                }
                return Ok(Target::Demo(kind));
            }
        };
        Ok(self.target_for_spec(spec))
    }
}

/// A usage error: `value`, given as the `what`, names no place. Only an
/// endpoint's error points into the value itself.
fn not_a_place(what: &str, value: &str, e: &SpecError) -> CliError {
    let at = match what {
        "endpoint" => format!("at character {} ", e.position()),
        _ => String::new(),
    };
    let detail = format!(
        "the {what} {value:?} is not valid: {at}expected {}, found {}",
        e.expected(),
        e.found()
    );
    CliError::new(Exit::Usage, detail)
}

/// `profile "NAME" in PATH`, for messages.
pub fn profile_label(loaded: &Loaded) -> String {
    format!("profile {:?} in {}", loaded.name, loaded.path.display())
}

/// Who gave a setting that `flag` and the variable `var` both give: the
/// flag when it is on the command line, else the variable.
pub fn given(flag: &str, var: &str) -> String {
    let with_value = format!("{flag}=");
    let on_command_line = std::env::args_os().any(|arg| {
        let arg = arg.to_string_lossy();
        arg == flag || arg.starts_with(&with_value)
    });
    if on_command_line {
        flag.to_owned()
    } else {
        var.to_owned()
    }
}

/// A profile's value for an official variable name.
fn profile_value(profile: &Profile, name: &str) -> Option<String> {
    let value = match name {
        env::HUAWEICLOUD_SDK_AK => &profile.access_key,
        env::HUAWEICLOUD_SDK_SK => &profile.secret_key,
        env::HUAWEICLOUD_SDK_SECURITY_TOKEN => &profile.security_token,
        env::HUAWEICLOUD_SDK_PROJECT_ID | env::UCLOUD_PROJECT_ID => &profile.project_id,
        env::HUAWEICLOUD_SDK_REGION | env::UCLOUD_REGION => &profile.region,
        env::UCLOUD_PUBLIC_KEY => &profile.public_key,
        env::UCLOUD_PRIVATE_KEY => &profile.private_key,
        _ => return None,
    };
    value.clone()
}

/// `30s`, `500ms`, `2m`, `1h`, `30d`, `2w`: a positive duration, for `flag`.
pub fn parse_duration(flag: &str, text: &str) -> Result<Duration, CliError> {
    let bad = || {
        CliError::new(
            Exit::Usage,
            format!("{flag} {text:?} is not a duration such as 30s, 500ms, 2m, 12h or 30d"),
        )
    };
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().map_err(|_| bad())?;
    let duration = match unit {
        "ms" => Duration::from_millis(number),
        "s" => Duration::from_secs(number),
        "m" => Duration::from_secs(number.saturating_mul(60)),
        "h" => Duration::from_secs(number.saturating_mul(3600)),
        "d" => Duration::from_secs(number.saturating_mul(86_400)),
        "w" => Duration::from_secs(number.saturating_mul(7 * 86_400)),
        _ => return Err(bad()),
    };
    if duration.is_zero() {
        let what = format!("{flag} {text:?} is zero: give a duration of more than nothing");
        return Err(CliError::new(Exit::Usage, what));
    }
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let parse = |text| parse_duration("--timeout", text);
        assert_eq!(parse("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse("30d").unwrap(), Duration::from_secs(30 * 86_400));
        assert_eq!(parse("2w").unwrap(), Duration::from_secs(14 * 86_400));
        for bad in ["", "30", "s", "0s", "-1s", "1.5s", "30 s", "1y"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse("0s").unwrap_err().to_string().contains("is zero"));
    }
}
