//! `wharf check`: one cheap signed request to the catalog the settings
//! name, and whether the credentials worked.
//!
//! It opens the provider's client from the same catalog spec and the same
//! lookup of credentials as every other command (the `Catalog` trait has
//! no call of exactly one request: UHub's namespaces are two listings), and
//! asks SWR for its namespaces (`GET /v2/manage/namespaces`, not paged) or
//! UHub for one private repo (`GetRepo`, `Limit` 1).

use std::io::Write;
use std::process::ExitCode;

use serde_json::{Value, json};
use wharf::catalog::{CatalogKind, CatalogSpec, Location};
use wharf::model::{GetRepoRequest, NamespacesQuery, RepoType};
use wharf::{ClientOptions, CredentialSource, SwrClient, SwrConfig, UhubClient, UhubConfig, env};

use crate::args::{Global, Output};
use crate::connect::Demo;
use crate::fail::CliError;
use crate::keys::{self, Pair, mask_id};
use crate::settings::{Settings, Target};

/// How many namespace names the answer lists.
const NAMES_SHOWN: usize = 3;

/// Runs `wharf check`: exit 0 when the credentials work, else the status
/// of the failure's class (3 when they are refused).
pub async fn run(global: &Global) -> Result<ExitCode, CliError> {
    let settings = Settings::read(global)?;
    let target = settings.target(global, false)?;
    let mut options = ClientOptions::default();
    options.allow_plain_http = global.allow_plain_http;
    if let Some(timeout) = settings.timeout {
        options.timeouts = options.timeouts.with_operation(timeout);
    }
    let settings_lookup = |name: &str| settings.lookup(name);
    let (spec, source, demo) = match target {
        Target::Spec { spec, credentials } => {
            keys::require(&spec, &settings, global.quiet)?;
            (spec, credentials, None)
        }
        Target::Demo(kind) => {
            let demo = Demo::start(true).await?;
            let source =
                CredentialSource::Described("the demo registry's demo credentials".to_owned());
            (demo.spec(kind)?, source, Some(demo))
        }
    };
    let lookup: &dyn Fn(&str) -> Option<String> = match demo {
        Some(_) => &Demo::env,
        None => &settings_lookup,
    };
    let checked = Checked::new(&spec, lookup, &source, demo.is_some());
    let answer = ask(&spec, lookup, options, source.clone()).await;
    drop(demo);
    match answer {
        Ok(answer) => {
            checked.print(global.output, &answer)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let refused = e.is_auth();
            let error = CliError::from(e);
            if matches!(global.output, Some(Output::Json | Output::Ndjson)) {
                let mut record = checked.json();
                record["ok"] = json!(false);
                record["error"] = json!(error.to_string());
                let mut out = std::io::stdout().lock();
                writeln!(out, "{record}")?;
                out.flush()?;
            }
            Err(if refused {
                error.context(format!("the credentials do not work for {spec}"))
            } else {
                error.context(format!("could not check {spec}"))
            })
        }
    }
}

/// What the settings say of the catalog checked.
struct Checked {
    catalog: String,
    provider: &'static str,
    region: Option<String>,
    project: Option<String>,
    credentials: String,
    key_id: Option<String>,
    demo: bool,
}

impl Checked {
    fn new(
        spec: &CatalogSpec,
        lookup: &dyn Fn(&str) -> Option<String>,
        source: &CredentialSource,
        demo: bool,
    ) -> Self {
        let kind = spec.kind();
        let (provider, region_var, project_var) = match kind {
            CatalogKind::Uhub => ("uhub", Some(env::UCLOUD_REGION), env::UCLOUD_PROJECT_ID),
            // SWR signs no region: only a region spec has one.
            _ => ("swr", None, env::HUAWEICLOUD_SDK_PROJECT_ID),
        };
        let region = spec
            .region()
            .map(str::to_owned)
            .or_else(|| region_var.and_then(lookup));
        let pair = Pair::of(kind);
        let key_id = lookup(pair.id).filter(|v| !v.is_empty());
        let credentials = if key_id.is_some() {
            source.to_string()
        } else {
            "none: requests go unsigned".to_owned()
        };
        Checked {
            catalog: spec.to_string(),
            provider,
            region,
            project: spec
                .project()
                .map(str::to_owned)
                .or_else(|| lookup(project_var).filter(|v| !v.is_empty())),
            credentials,
            key_id: key_id.map(|id| mask_id(&id)),
            demo,
        }
    }

    fn json(&self) -> Value {
        json!({
            "ok": true,
            "demo": self.demo,
            "catalog": self.catalog,
            "provider": self.provider,
            "region": self.region,
            "project_id": self.project,
            "credentials": self.credentials,
            "key_id": self.key_id,
        })
    }

    fn print(&self, format: Option<Output>, answer: &Answer) -> Result<(), CliError> {
        let mut out = std::io::stdout().lock();
        match format {
            Some(Output::Json | Output::Ndjson) => {
                let mut record = self.json();
                record["endpoint"] = json!(answer.endpoint);
                record["answer"] = answer.facts.clone();
                writeln!(out, "{record}")?;
            }
            Some(Output::Csv) => {
                let mut record = self.json();
                record["endpoint"] = json!(answer.endpoint);
                record["answer"] = json!(answer.said);
                crate::output::csv_record(&mut out, &record)?;
            }
            _ => {
                if self.demo {
                    writeln!(
                        out,
                        "ok: the built-in demo registry answered with its demo credentials; \
                         nothing is configured, so no real registry was checked"
                    )?;
                } else {
                    writeln!(out, "ok: the credentials work for {}", self.catalog)?;
                }
                let dash = || "-".to_owned();
                let key = match &self.key_id {
                    Some(id) => format!("{} (key {id})", self.credentials),
                    None => self.credentials.clone(),
                };
                let rows = [
                    ("provider", self.provider.to_owned()),
                    ("endpoint", answer.endpoint.clone()),
                    ("region", self.region.clone().unwrap_or_else(dash)),
                    ("project", self.project.clone().unwrap_or_else(dash)),
                    ("credentials", key),
                    ("answer", answer.said.clone()),
                ];
                for (name, value) in rows {
                    writeln!(out, "  {name:<12} {value}")?;
                }
            }
        }
        out.flush()?;
        Ok(())
    }
}

/// What the catalog answered.
struct Answer {
    /// The base URL asked.
    endpoint: String,
    /// In words.
    said: String,
    /// As JSON.
    facts: Value,
}

/// Asks the catalog of `spec` its one cheap question, with the
/// credentials `lookup` finds (named `source` in errors).
async fn ask(
    spec: &CatalogSpec,
    lookup: &dyn Fn(&str) -> Option<String>,
    options: ClientOptions,
    source: CredentialSource,
) -> Result<Answer, wharf::Error> {
    match spec.kind() {
        CatalogKind::Uhub => {
            let mut config = match spec.base_url() {
                Some(url) => UhubConfig::endpoint(&url)?,
                None => UhubConfig::default(),
            };
            config.options = options;
            let mut config = config.with_env_credentials(lookup)?;
            if config.credentials.is_some() {
                config.credential_source = source;
            }
            if let Some(region) = spec.region() {
                config.region = Some(region.to_owned());
            }
            if let Some(project) = spec.project() {
                config.project_id = Some(project.to_owned());
            }
            let client = UhubClient::new(config)?;
            let request = GetRepoRequest::new(RepoType::Private).with_limit(1);
            let page = client.list_repos_page(&request).await?;
            let first = page.items.first().map(|r| r.repo_name.clone());
            let mut said = match (page.total, &first) {
                (Some(total), Some(first)) => format!("{total} private repos; the first: {first}"),
                (Some(total), None) => format!("{total} private repos"),
                (None, Some(first)) => format!("private repos; the first: {first}"),
                (None, None) => "no private repo".to_owned(),
            };
            if let Some(id) = &page.request_id {
                said.push_str(&format!(" [request id {id}]"));
            }
            let facts = json!({
                "action": "GetRepo",
                "private_repos": page.total,
                "first": first,
                "request_id": page.request_id,
            });
            Ok(Answer {
                endpoint: client.endpoint().to_owned(),
                said,
                facts,
            })
        }
        _ => {
            let mut config = match (spec.location(), spec.base_url()) {
                (Location::Endpoint { .. }, Some(url)) => SwrConfig::endpoint(&url)?,
                _ => SwrConfig::region(spec.region().unwrap_or_default())?,
            };
            config.options = options;
            // The spec's project wins over the environment's, as when listing.
            let project = spec.project();
            let with_project = |name: &str| match project {
                Some(project) if name == env::HUAWEICLOUD_SDK_PROJECT_ID => {
                    Some(project.to_owned())
                }
                _ => lookup(name),
            };
            let mut config = config.with_env_credentials(&with_project)?;
            if let (Some(project), None) = (project, &config.auth) {
                let what = format!(
                    "the spec's project {project:?} travels with credentials, and there are none: \
                     set {} and {}",
                    env::HUAWEICLOUD_SDK_AK,
                    env::HUAWEICLOUD_SDK_SK
                );
                return Err(wharf::Error::new(wharf::ErrorKind::Config, what));
            }
            if config.auth.is_some() {
                config.credential_source = source;
            }
            let client = SwrClient::new(config)?;
            let namespaces = client.list_namespaces(&NamespacesQuery::default()).await?;
            let names: Vec<&str> = namespaces.iter().map(|n| n.name.as_str()).collect();
            let mut creators: Vec<&str> =
                namespaces.iter().map(|n| n.creator_name.as_str()).collect();
            creators.sort_unstable();
            creators.dedup();
            let mut said = match names.len() {
                0 => "no namespace visible".to_owned(),
                1 => format!("1 namespace visible ({})", names[0]),
                n => {
                    let mut shown = names[..n.min(NAMES_SHOWN)].join(", ");
                    if n > NAMES_SHOWN {
                        shown.push_str(", ...");
                    }
                    format!("{n} namespaces visible ({shown})")
                }
            };
            if !creators.is_empty() {
                said.push_str(&format!(", created by {}", creators.join(", ")));
            }
            let facts = json!({
                "action": "list_namespaces",
                "namespaces": names.len(),
                "first": names.iter().take(NAMES_SHOWN).collect::<Vec<_>>(),
                "creators": creators,
            });
            Ok(Answer {
                endpoint: client.endpoint().to_owned(),
                said,
                facts,
            })
        }
    }
}
