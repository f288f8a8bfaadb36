//! Opening the catalog a command lists: a client on the settings, or the
//! built-in demo registry in process.

use std::sync::Arc;

use wharf::catalog::{CatalogKind, OfficialCatalog, SwrCatalog, UhubCatalog};
use wharf::emulator::Emulator;
use wharf::model::RepositoryQuery;
use wharf::{Catalog, ClientOptions, SwrClient, SwrConfig, UhubClient, UhubConfig, env};

use crate::fail::{CliError, Exit};
use crate::settings::{Credentials, Place, Settings, Target};

/// An open catalog, and the demo registry serving it when there is one
/// (it stops when this is dropped).
pub struct Connected {
    /// The catalog.
    pub catalog: Arc<dyn Catalog>,
    _demo: Option<Emulator>,
}

/// Opens `target` with `options`; SWR's own repositories are those `query`
/// selects. Says on stderr (unless `quiet`) when it is the demo registry.
pub async fn open(
    target: Target,
    settings: &Settings,
    mut options: ClientOptions,
    query: RepositoryQuery,
    quiet: bool,
) -> Result<Connected, CliError> {
    options.list = settings.list.clone();
    if let Some(timeout) = settings.timeout {
        options.timeouts = options.timeouts.with_operation(timeout);
    }
    let demo = match target.place {
        Place::Demo => Some(start_demo(quiet).await?),
        _ => None,
    };
    let base = match (&target.place, &demo) {
        (Place::Url(url, _), _) => Some(url.clone()),
        (_, Some(emulator)) => Some(emulator.base_url()),
        _ => None,
    };
    let catalog: Arc<dyn Catalog> = match target.kind {
        CatalogKind::Uhub => Arc::new(UhubCatalog::new(uhub(&target, base, settings, options)?)),
        CatalogKind::SwrOfficial => {
            Arc::new(OfficialCatalog::new(swr(&target, base, settings, options)?))
        }
        _ => Arc::new(SwrCatalog::new(swr(&target, base, settings, options)?).with_query(query)),
    };
    Ok(Connected {
        catalog,
        _demo: demo,
    })
}

async fn start_demo(quiet: bool) -> Result<Emulator, CliError> {
    let emulator = Emulator::builder()
        .log_requests(false)
        .start()
        .await
        .map_err(|e| CliError::new(Exit::Other, format!("cannot start the demo registry: {e}")))?;
    if !quiet {
        eprintln!(
            "wharf: no registry configured, so this is the built-in demo registry; \
             set credentials and --region, or --catalog, for a real one (see --help)"
        );
    }
    Ok(emulator)
}

fn swr(
    target: &Target,
    base: Option<String>,
    settings: &Settings,
    options: ClientOptions,
) -> Result<SwrClient, CliError> {
    let mut config = match (&target.place, base) {
        (Place::Demo, Some(base)) => demo_swr(&base)?,
        (_, Some(base)) => SwrConfig::endpoint(&base)?,
        (Place::Region(region), None) => SwrConfig::region(region)?,
        _ => unreachable_place()?,
    };
    if let Credentials::Lookup(source) = &target.credentials {
        // A spec's project beats the environment's.
        let lookup = |name: &str| match name {
            env::HUAWEICLOUD_SDK_PROJECT_ID => {
                target.project.clone().or_else(|| settings.lookup(name))
            }
            _ => settings.lookup(name),
        };
        config = config.with_env_credentials(&lookup)?;
        config.credential_source = source.clone();
    }
    config.options = options;
    Ok(SwrClient::new(config)?)
}

fn uhub(
    target: &Target,
    base: Option<String>,
    settings: &Settings,
    options: ClientOptions,
) -> Result<UhubClient, CliError> {
    let mut config = match (&target.place, base) {
        (Place::Demo, Some(base)) => demo_uhub(&base)?,
        (_, Some(base)) => UhubConfig::endpoint(&base)?,
        (Place::Region(region), None) => UhubConfig::region(region)?,
        _ => unreachable_place()?,
    };
    if let Place::Url(_, Some(region)) = &target.place {
        config.region = Some(region.clone());
    }
    if let Credentials::Lookup(source) = &target.credentials {
        config = config.with_env_credentials(&|name| settings.lookup(name))?;
        config.credential_source = source.clone();
    }
    if target.project.is_some() {
        config.project_id.clone_from(&target.project);
    }
    config.options = options;
    Ok(UhubClient::new(config)?)
}

/// The demo registry's SWR side, with its demo key pair.
fn demo_swr(base: &str) -> Result<SwrConfig, CliError> {
    let keys = wharf::HuaweiCredentials::new(
        wharf::emulator::DEMO_HUAWEI_AK,
        wharf::emulator::DEMO_HUAWEI_SK,
    )
    .map_err(|e| CliError::new(Exit::Other, e.to_string()))?;
    Ok(SwrConfig::endpoint(base)?.with_auth(keys))
}

/// The demo registry's UHub side, with its demo key pair.
fn demo_uhub(base: &str) -> Result<UhubConfig, CliError> {
    let keys = wharf::UcloudCredentials::new(
        wharf::emulator::DEMO_UCLOUD_PUBLIC_KEY,
        wharf::emulator::DEMO_UCLOUD_PRIVATE_KEY,
    )
    .map_err(|e| CliError::new(Exit::Other, e.to_string()))?;
    let mut config = UhubConfig::endpoint(base)?.with_credentials(keys);
    config.region = Some("cn-bj2".to_owned());
    Ok(config)
}

/// A demo with no emulator cannot happen: the demo starts one first.
fn unreachable_place<T>() -> Result<T, CliError> {
    Err(CliError::new(Exit::Other, "no endpoint to connect to"))
}
