//! `wharf config init`: a private profile template at the config file's
//! place; `wharf config show`: the settings in effect, where each came
//! from, secrets masked.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};
use wharf::catalog::{CatalogKind, Location};
use wharf::{ClientOptions, env};

use crate::args::{ConfigCommand, Global, InitArgs, Output};
use crate::config;
use crate::fail::{CliError, Exit};
use crate::keys::{MASK, mask_id};
use crate::output::{Printer, Row};
use crate::settings::{Settings, Target, given, profile_label};

/// Runs `wharf config ...`.
pub fn run(global: &Global, command: &ConfigCommand) -> Result<ExitCode, CliError> {
    match command {
        ConfigCommand::Init(args) => init(global, args),
        ConfigCommand::Show => show(global),
    }
}

/// The profile `init` writes when `--profile` names none.
const DEFAULT_PROFILE: &str = "default";

/// What a new config file begins with.
const FILE_HEAD: &str = "\
# wharf's config file: profiles of settings, one table each. wharf reads the
# profile --profile (or WHARF_PROFILE) names, else the one named \"default\".
# Flags beat the environment, which beats the profile. Once this file holds a
# secret it must stay private (chmod 600): wharf refuses it otherwise.
";

/// The template of profile `name`: every key the profile reads, commented
/// out and explained, no value of anyone's.
pub fn template(name: &str) -> String {
    format!(
        "\
[profiles.{name}]
# Every key is optional: uncomment those you need. Then `wharf check` tries them.
#
# Where: a provider and a region, or an endpoint, or one catalog spec (alone:
# a spec beside a region or an endpoint is refused).
# provider = \"swr\"                # swr (Huawei Cloud SWR, the default) or uhub (UCloud UHub)
# region = \"cn-north-4\"           # SWR such as cn-north-4, UHub such as cn-bj2
# endpoint = \"http://127.0.0.1:8080\"  # an endpoint of your own, such as an emulator's
# catalog = \"swr://cn-north-4\"    # swr://REGION, swr-official://REGION, uhub://REGION, swr+https://HOST
#
# Huawei Cloud (SWR): an AK/SK pair, as HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK.
# access_key = \"\"                 # the access key id
# secret_key = \"\"                 # the secret access key (a secret)
# security_token = \"\"             # temporary credentials only (a secret)
#
# UCloud (UHub): a key pair, as UCLOUD_PUBLIC_KEY and UCLOUD_PRIVATE_KEY.
# public_key = \"\"                 # the public key
# private_key = \"\"                # the private key (a secret)
#
# Both: the project id, as HUAWEICLOUD_SDK_PROJECT_ID and UCLOUD_PROJECT_ID.
# project_id = \"\"
"
    )
}

/// What `init` did to the file.
#[derive(Clone, Copy)]
enum Written {
    /// Wrote a new file.
    Created,
    /// Added the profile at the end of the file.
    Added,
    /// Replaced the profile of that name (`--force`).
    Replaced,
}

impl Written {
    fn as_str(self) -> &'static str {
        match self {
            Written::Created => "created",
            Written::Added => "added",
            Written::Replaced => "replaced",
        }
    }
}

/// `wharf config init`.
fn init(global: &Global, args: &InitArgs) -> Result<ExitCode, CliError> {
    let name = global.profile.as_deref().unwrap_or(DEFAULT_PROFILE);
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        let what = format!("a profile name is letters, digits, - and _, not {name:?}");
        return Err(CliError::new(Exit::Usage, what));
    }
    let Some((path, _)) = config::path() else {
        let what = "no place for the config file: HOME is not set; set WHARF_CONFIG to a path";
        return Err(CliError::new(Exit::Usage, what));
    };
    let (written, was_open) = match std::fs::read_to_string(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            create(&path, &format!("{FILE_HEAD}\n{}", template(name)))?;
            (Written::Created, None)
        }
        Err(e) => return Err(io_error("cannot read", &path, &e)),
        Ok(text) => {
            let file = wharf_cli::config_file::parse(&text).map_err(|e| {
                let what = format!(
                    "{}\n(fix the file, or move it away, before adding a profile)",
                    config::not_valid(&path, &e)
                );
                CliError::new(Exit::Usage, what)
            })?;
            if !file.profiles.contains_key(name) {
                let was_open = make_private(&path)?;
                append(&path, &text, name)?;
                (Written::Added, was_open)
            } else if args.force {
                let was_open = make_private(&path)?;
                replace(&path, &text, name, file.profiles.len())?;
                (Written::Replaced, was_open)
            } else {
                let what = format!(
                    "{} already has a profile {name:?}: pass --force to replace it with a \
                     template (its keys are lost), or name another with --profile",
                    path.display()
                );
                return Err(CliError::new(Exit::Usage, what));
            }
        }
    };
    report(global, &path, name, written, was_open)?;
    Ok(ExitCode::SUCCESS)
}

/// Says where `init` wrote.
fn report(
    global: &Global,
    path: &Path,
    name: &str,
    written: Written,
    was_open: Option<u32>,
) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    let record = || {
        json!({
            "path": path.display().to_string(),
            "profile": name,
            "action": written.as_str(),
            "mode": "600",
            "was_mode": was_open.map(|mode| format!("{mode:o}")),
        })
    };
    match global.output {
        Some(Output::Json | Output::Ndjson) => writeln!(out, "{}", record())?,
        Some(Output::Csv) => crate::output::csv_record(&mut out, &record())?,
        _ => {
            let what = match written {
                Written::Created => format!("wrote profile {name:?} to {}", path.display()),
                Written::Added => format!("added profile {name:?} to {}", path.display()),
                Written::Replaced => {
                    format!(
                        "replaced profile {name:?} in {} with a template",
                        path.display()
                    )
                }
            };
            let mode = match was_open {
                Some(old) => format!("mode 600, was {old:o}"),
                None => "mode 600".to_owned(),
            };
            writeln!(
                out,
                "{what} ({mode}); every key is commented out: fill in those you need, then run \
                 `wharf check`"
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

/// An error about the file at `path`.
fn io_error(doing: &str, path: &Path, e: &std::io::Error) -> CliError {
    CliError::new(Exit::Other, format!("{doing} {}: {e}", path.display()))
}

/// Writes a new file at `path` (mode 600), its folder made (mode 700)
/// when missing.
fn create(path: &Path, text: &str) -> Result<(), CliError> {
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(folder)
            .map_err(|e| io_error("cannot make the folder", folder, &e))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| io_error("cannot create", path, &e))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| io_error("cannot write", path, &e))
}

/// Makes the file at `path` private (mode 600) when others may read it;
/// its mode before, when it changed.
#[cfg(unix)]
fn make_private(path: &Path) -> Result<Option<u32>, CliError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| io_error("cannot read", path, &e))?
        .permissions()
        .mode()
        & 0o777;
    if mode & 0o077 == 0 {
        return Ok(None);
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| io_error("cannot make private (chmod 600)", path, &e))?;
    Ok(Some(mode))
}

#[cfg(not(unix))]
fn make_private(_path: &Path) -> Result<Option<u32>, CliError> {
    Ok(None)
}

/// Adds the template of `name` at the end of the file at `path`, whose
/// text is `text`.
fn append(path: &Path, text: &str, name: &str) -> Result<(), CliError> {
    let mut addition = String::new();
    if !text.is_empty() && !text.ends_with('\n') {
        addition.push('\n');
    }
    if !text.trim().is_empty() {
        addition.push('\n');
    }
    addition.push_str(&template(name));
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .map_err(|e| io_error("cannot open", path, &e))?;
    file.write_all(addition.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| io_error("cannot write", path, &e))
}

/// Replaces the table `[profiles.NAME]` of `text` (the file at `path`, of
/// `profiles` profiles) with the template, in a new file renamed over the
/// old one. A profile written otherwise (dotted keys, an inline table) is
/// left to the user.
fn replace(path: &Path, text: &str, name: &str, profiles: usize) -> Result<(), CliError> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let headers: Vec<usize> = (0..lines.len())
        .filter(|&i| header_names(lines[i], name))
        .collect();
    let [start] = headers[..] else {
        let what = format!(
            "profile {name:?} in {} is not one [profiles.{name}] table; edit the file by hand",
            path.display()
        );
        return Err(CliError::new(Exit::Usage, what));
    };
    let end = (start + 1..lines.len())
        .find(|&i| lines[i].trim_start().starts_with('['))
        .unwrap_or(lines.len());
    let mut new = lines[..start].concat();
    new.push_str(&template(name));
    if end < lines.len() {
        new.push('\n');
        new.push_str(&lines[end..].concat());
    }
    // The result must read as before, but for the profile's keys.
    let reads = wharf_cli::config_file::parse(&new).is_ok_and(|file| {
        file.profiles.len() == profiles
            && file
                .profiles
                .get(name)
                .is_some_and(|p| !p.holds_secrets() && p.region.is_none())
    });
    if !reads {
        let what = format!(
            "profile {name:?} in {} could not be replaced cleanly; edit the file by hand",
            path.display()
        );
        return Err(CliError::new(Exit::Usage, what));
    }
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".wharf-{}", std::process::id()));
    let temporary = PathBuf::from(temporary);
    let _ = std::fs::remove_file(&temporary);
    create(&temporary, &new)?;
    std::fs::rename(&temporary, path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        io_error("cannot replace", path, &e)
    })
}

/// Whether `line` is the table header `[profiles.NAME]` (spaces and
/// quotes allowed, a comment after it).
fn header_names(line: &str, name: &str) -> bool {
    let line = line.trim();
    let Some(inner) = line.strip_prefix('[').filter(|rest| !rest.starts_with('[')) else {
        return false;
    };
    let Some((inner, _after)) = inner.split_once(']') else {
        return false;
    };
    let parts: Vec<&str> = inner
        .split('.')
        .map(|part| part.trim().trim_matches(|c| c == '"' || c == '\''))
        .collect();
    parts == ["profiles", name]
}

/// One setting `show` prints: its value and where it came from.
struct Entry {
    /// The key in JSON.
    key: &'static str,
    /// The name in the table.
    label: &'static str,
    /// The value, masked when secret; `None` when unset.
    value: Option<Value>,
    /// Where it came from.
    source: String,
}

impl Entry {
    fn new(key: &'static str, label: &'static str, value: Option<Value>, source: String) -> Self {
        Entry {
            key,
            label,
            value,
            source,
        }
    }

    fn text(&self) -> String {
        match &self.value {
            None | Some(Value::Null) => "-".to_owned(),
            Some(Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
        }
    }

    fn json(&self) -> Value {
        json!({ "value": self.value.clone().unwrap_or(Value::Null), "source": self.source })
    }
}

/// `wharf config show`. When the settings name no catalog (two places,
/// say) it still prints them, then fails with the reason.
fn show(global: &Global) -> Result<ExitCode, CliError> {
    let settings = Settings::read(global)?;
    let target = settings.target(global, false);
    let failed = target.as_ref().err().map(ToString::to_string);
    let (place, kind) = place(global, &settings, target.as_ref().ok());
    let mut entries = place;
    entries.extend(profile_entries(global, &settings));
    entries.extend(paging_entries(global, &settings));
    let credentials = credential_entries(&settings, kind);
    print_show(global.output, &entries, &credentials, failed.as_deref())?;
    target.map(|_| ExitCode::SUCCESS)
}

/// Provider, catalog, region and endpoint, and the kind of catalog they
/// make (or would, when `target` is `None`: they conflict).
fn place(
    global: &Global,
    settings: &Settings,
    target: Option<&Target>,
) -> (Vec<Entry>, CatalogKind) {
    let profile = settings.profile();
    let from_profile =
        |key: &str| profile.map_or_else(String::new, |l| format!("{} ({key})", profile_label(l)));
    let said = settings.catalog_spec(global);
    let profile_provider = profile.and_then(|l| l.profile.provider.clone());
    let kind = match (target, global.provider, profile_provider.as_deref()) {
        (Some(target), _, _) => target.kind(),
        (None, Some(wharf::Provider::Uhub), _) | (None, None, Some("uhub")) => CatalogKind::Uhub,
        _ => CatalogKind::Swr,
    };
    let provider_source = if global.provider.is_some() {
        given("--provider", "WHARF_PROVIDER")
    } else if let Some((_, source)) = &said {
        format!("the catalog spec ({source})")
    } else if profile_provider.is_some() {
        from_profile("provider")
    } else {
        "default".to_owned()
    };
    let provider = match kind {
        CatalogKind::Uhub => "uhub",
        _ => "swr",
    };
    let mut entries = vec![Entry::new(
        "provider",
        "provider",
        Some(json!(provider)),
        provider_source,
    )];
    let spec = match target {
        Some(Target::Spec { spec, .. }) => Some(spec),
        _ => None,
    };
    entries.push(match (&said, target) {
        (Some((text, source)), _) => {
            Entry::new("catalog", "catalog", Some(json!(text)), source.clone())
        }
        (None, Some(Target::Spec { spec, .. })) => Entry::new(
            "catalog",
            "catalog",
            Some(json!(spec.to_string())),
            "made of the provider, region and endpoint".to_owned(),
        ),
        (None, Some(Target::Demo(kind))) => Entry::new(
            "catalog",
            "catalog",
            Some(json!(if *kind == CatalogKind::Uhub {
                "demo-uhub"
            } else {
                "demo"
            })),
            "nothing configured: the built-in demo registry".to_owned(),
        ),
        (None, None) => Entry::new("catalog", "catalog", None, UNRESOLVED.to_owned()),
    });
    let region_var = match kind {
        CatalogKind::Uhub => env::UCLOUD_REGION,
        _ => env::HUAWEICLOUD_SDK_REGION,
    };
    let region = if said.is_some() {
        let value = spec.and_then(|s| s.region()).map(|r| json!(r));
        Entry::new("region", "region", value, "the catalog spec".to_owned())
    } else if let Some(region) = &global.region {
        Entry::new(
            "region",
            "region",
            Some(json!(region)),
            "--region".to_owned(),
        )
    } else if let Some(region) = std::env::var(region_var).ok().filter(|v| !v.is_empty()) {
        Entry::new(
            "region",
            "region",
            Some(json!(region)),
            region_var.to_owned(),
        )
    } else if let Some(region) = profile.and_then(|l| l.profile.region.clone()) {
        Entry::new(
            "region",
            "region",
            Some(json!(region)),
            from_profile("region"),
        )
    } else {
        Entry::new("region", "region", None, "not set".to_owned())
    };
    entries.push(region);
    let endpoint = match (target, spec) {
        (Some(Target::Demo(_)), _) => Entry::new(
            "endpoint",
            "endpoint",
            Some(json!("in process")),
            "the built-in demo registry".to_owned(),
        ),
        (_, Some(spec)) => match (spec.location(), spec.base_url()) {
            (Location::Endpoint { .. }, Some(url)) => {
                let source = if let Some((_, source)) = &said {
                    format!("the catalog spec ({source})")
                } else if global.endpoint.is_some() {
                    "--endpoint".to_owned()
                } else {
                    from_profile("endpoint")
                };
                Entry::new("endpoint", "endpoint", Some(json!(url)), source)
            }
            _ => public_endpoint(kind, spec.region().unwrap_or_default()),
        },
        _ => Entry::new("endpoint", "endpoint", None, UNRESOLVED.to_owned()),
    };
    entries.push(endpoint);
    (entries, kind)
}

/// The source of a setting the others do not resolve to.
const UNRESOLVED: &str = "none: the settings name no catalog (the error says why)";

/// The public endpoint of `kind` in `region`.
fn public_endpoint(kind: CatalogKind, region: &str) -> Entry {
    let (url, source) = match kind {
        CatalogKind::Uhub => (
            wharf::UHUB_ENDPOINT.to_owned(),
            format!("UHub's public endpoint (the region {region} goes in each request)"),
        ),
        _ => (
            wharf::SwrConfig::region(region).map_or_else(|_| String::new(), |c| c.endpoint),
            format!("the public endpoint of {region}"),
        ),
    };
    Entry::new("endpoint", "endpoint", Some(json!(url)), source)
}

/// The profile and the config file.
fn profile_entries(global: &Global, settings: &Settings) -> Vec<Entry> {
    let place = config::path();
    let file = match &place {
        Some((path, named)) => {
            let source = if *named {
                "WHARF_CONFIG"
            } else if std::env::var_os("XDG_CONFIG_HOME").is_some() {
                "XDG_CONFIG_HOME"
            } else {
                "HOME"
            };
            let there = if path.exists() { "" } else { ", no file there" };
            Entry::new(
                "config_file",
                "config file",
                Some(json!(path.display().to_string())),
                format!("{source}{there}"),
            )
        }
        None => Entry::new(
            "config_file",
            "config file",
            None,
            "no place: neither WHARF_CONFIG, XDG_CONFIG_HOME nor HOME is set".to_owned(),
        ),
    };
    let profile = match settings.profile() {
        Some(loaded) => {
            let source = if global.profile.is_some() {
                given("--profile", "WHARF_PROFILE")
            } else {
                "default".to_owned()
            };
            Entry::new(
                "profile",
                "profile",
                Some(json!(loaded.name)),
                format!("{source}, in {}", loaded.path.display()),
            )
        }
        None => {
            let source = match &place {
                Some((path, _)) if path.exists() => {
                    format!("none: no profile \"default\" in {}", path.display())
                }
                _ => "none: no config file".to_owned(),
            };
            Entry::new("profile", "profile", None, source)
        }
    };
    vec![profile, file]
}

/// Page size, concurrency and timeout.
fn paging_entries(global: &Global, settings: &Settings) -> Vec<Entry> {
    let source = |given: bool, flag: &str| {
        if given {
            flag.to_owned()
        } else {
            "default".to_owned()
        }
    };
    let timeout = settings
        .timeout
        .unwrap_or(ClientOptions::default().timeouts.operation);
    vec![
        Entry::new(
            "page_size",
            "page size",
            Some(json!(settings.list.page_size)),
            source(global.page_size.is_some(), "--page-size"),
        ),
        Entry::new(
            "concurrency",
            "concurrency",
            Some(json!(settings.list.concurrency)),
            source(global.concurrency.is_some(), "--concurrency"),
        ),
        Entry::new(
            "timeout",
            "timeout",
            Some(json!(duration(timeout))),
            source(global.timeout.is_some(), "--timeout"),
        ),
    ]
}

/// `d` as one would type it: `90s`, `2m`, `1500ms`.
fn duration(d: Duration) -> String {
    let ms = d.as_millis();
    match ms {
        _ if ms % 1000 != 0 => format!("{ms}ms"),
        _ if ms % 3_600_000 == 0 => format!("{}h", ms / 3_600_000),
        _ if ms % 60_000 == 0 => format!("{}m", ms / 60_000),
        _ => format!("{}s", ms / 1000),
    }
}

/// How a credential is shown.
#[derive(Clone, Copy)]
enum Shown {
    /// In full: a project id.
    Plain,
    /// Its first characters: a key's id.
    Id,
    /// Never: a secret.
    Secret,
}

/// The credentials of a catalog of `kind`, masked, each with its source.
fn credential_entries(settings: &Settings, kind: CatalogKind) -> Vec<Entry> {
    let rows: &[(&'static str, &'static str, &'static str, Shown)] = match kind {
        CatalogKind::Uhub => &[
            (
                "public_key",
                "public key",
                env::UCLOUD_PUBLIC_KEY,
                Shown::Id,
            ),
            (
                "private_key",
                "private key",
                env::UCLOUD_PRIVATE_KEY,
                Shown::Secret,
            ),
            (
                "project_id",
                "project id",
                env::UCLOUD_PROJECT_ID,
                Shown::Plain,
            ),
        ],
        _ => &[
            (
                "access_key",
                "access key",
                env::HUAWEICLOUD_SDK_AK,
                Shown::Id,
            ),
            (
                "secret_key",
                "secret key",
                env::HUAWEICLOUD_SDK_SK,
                Shown::Secret,
            ),
            (
                "security_token",
                "security token",
                env::HUAWEICLOUD_SDK_SECURITY_TOKEN,
                Shown::Secret,
            ),
            (
                "project_id",
                "project id",
                env::HUAWEICLOUD_SDK_PROJECT_ID,
                Shown::Plain,
            ),
        ],
    };
    rows.iter()
        .map(|&(key, label, var, shown)| {
            let from_env = std::env::var(var).is_ok_and(|v| !v.is_empty());
            let value = settings.lookup(var).map(|v| match shown {
                Shown::Plain => v,
                Shown::Id => mask_id(&v),
                Shown::Secret => MASK.to_owned(),
            });
            let source = match (&value, from_env, settings.profile()) {
                (None, _, _) => "not set".to_owned(),
                (Some(_), true, _) => var.to_owned(),
                (Some(_), false, Some(loaded)) => format!("{} ({key})", profile_label(loaded)),
                (Some(_), false, None) => var.to_owned(),
            };
            Entry::new(key, label, value.map(Value::String), source)
        })
        .collect()
}

/// Prints `show`'s answer in `format`: an object for JSON (one line for
/// NDJSON), CSV rows, or a table.
fn print_show(
    format: Option<Output>,
    entries: &[Entry],
    credentials: &[Entry],
    failed: Option<&str>,
) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match format {
        Some(Output::Json | Output::Ndjson) => {
            let mut object = serde_json::Map::new();
            for entry in entries {
                object.insert(entry.key.to_owned(), entry.json());
            }
            if let (Some(error), Some(Value::Object(catalog))) = (failed, object.get_mut("catalog"))
            {
                catalog.insert("error".to_owned(), json!(error));
            }
            let credentials: serde_json::Map<String, Value> = credentials
                .iter()
                .map(|entry| (entry.key.to_owned(), entry.json()))
                .collect();
            object.insert("credentials".to_owned(), Value::Object(credentials));
            let object = Value::Object(object);
            if format == Some(Output::Json) {
                let text = serde_json::to_string_pretty(&object)
                    .map_err(|e| CliError::new(Exit::Other, format!("cannot write JSON: {e}")))?;
                writeln!(out, "{text}")?;
            } else {
                writeln!(out, "{object}")?;
            }
        }
        other => {
            // A table (on a pipe too: settings are for people), fitted to
            // the terminal as a listing's is; or CSV.
            let mut printer = Printer::new(other.unwrap_or(Output::Table), &mut out);
            for entry in entries.iter().chain(credentials) {
                printer.row(&Setting(entry))?;
            }
            printer.finish()?;
        }
    }
    out.flush()?;
    Ok(())
}

/// One setting as a row of the table or CSV.
struct Setting<'a>(&'a Entry);

impl Serialize for Setting<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut row = serializer.serialize_struct("Setting", 3)?;
        row.serialize_field("setting", self.0.label)?;
        row.serialize_field("value", &self.0.text())?;
        row.serialize_field("source", &self.0.source)?;
        row.end()
    }
}

impl Row for Setting<'_> {
    const COLUMNS: &'static [&'static str] = &["SETTING", "VALUE", "SOURCE"];

    fn cells(&self, _human: bool) -> Vec<String> {
        vec![
            self.0.label.to_owned(),
            self.0.text(),
            self.0.source.clone(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_names_every_key_a_profile_reads() {
        let text = template("prod");
        let file = wharf_cli::config_file::parse(&text).unwrap();
        let profile = &file.profiles["prod"];
        assert!(!profile.holds_secrets() && profile.region.is_none());
        // Uncommented, every key reads (unknown keys are refused) and every
        // key is there.
        let uncommented: String = text
            .lines()
            .map(|line| match line.strip_prefix("# ") {
                Some(rest) if rest.contains(" = ") => format!("{rest}\n"),
                _ => format!("{line}\n"),
            })
            .collect();
        let file = wharf_cli::config_file::parse(&uncommented).unwrap();
        let p = &file.profiles["prod"];
        let keys = [
            &p.provider,
            &p.region,
            &p.endpoint,
            &p.catalog,
            &p.access_key,
            &p.secret_key,
            &p.security_token,
            &p.project_id,
            &p.public_key,
            &p.private_key,
        ];
        assert!(keys.iter().all(|k| k.is_some()));
    }

    #[test]
    fn headers_are_found_however_spaced_or_quoted() {
        for line in [
            "[profiles.prod]\n",
            "  [ profiles . \"prod\" ]  # prod\n",
            "['profiles'.prod]",
        ] {
            assert!(header_names(line, "prod"), "{line:?}");
        }
        for line in [
            "[[profiles.prod]]",
            "[profiles.prods]",
            "# [profiles.prod]",
            "[profiles]",
        ] {
            assert!(!header_names(line, "prod"), "{line:?}");
        }
    }

    #[test]
    fn durations_read_as_typed() {
        assert_eq!(duration(Duration::from_secs(120)), "2m");
        assert_eq!(duration(Duration::from_millis(1500)), "1500ms");
        assert_eq!(duration(Duration::from_secs(45)), "45s");
        assert_eq!(duration(Duration::from_secs(7200)), "2h");
    }
}
