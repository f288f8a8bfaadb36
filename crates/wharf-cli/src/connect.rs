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

/// Which repositories a catalog lists: SWR's own, those `repositories`
/// selects; the official images, those whose name holds `image_name`.
#[derive(Default)]
pub struct Selection {
    /// SWR's own repositories.
    pub repositories: RepositoryQuery,
    /// The official images' name.
    pub image_name: Option<String>,
}

/// Opens `target` with `options`, listing what `selection` selects. Says on
/// stderr (unless `quiet`) when it is the demo registry.
pub async fn open(
    target: Target,
    settings: &Settings,
    mut options: ClientOptions,
    selection: Selection,
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
    let on = demo.as_ref();
    let catalog: Arc<dyn Catalog> = match target.kind {
        CatalogKind::Uhub => Arc::new(UhubCatalog::new(uhub(&target, on, settings, options)?)),
        CatalogKind::SwrOfficial => {
            let catalog = OfficialCatalog::new(swr(&target, on, settings, options)?);
            match selection.image_name {
                Some(name) => Arc::new(catalog.with_image_name(name)),
                None => Arc::new(catalog),
            }
        }
        _ => {
            let catalog = SwrCatalog::new(swr(&target, on, settings, options)?);
            Arc::new(catalog.with_query(selection.repositories))
        }
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
    demo: Option<&Emulator>,
    settings: &Settings,
    options: ClientOptions,
) -> Result<SwrClient, CliError> {
    let mut config = match (&target.place, demo) {
        (_, Some(emulator)) => wharf::emulator::swr_config(emulator)?,
        (Place::Url(url, _), None) => SwrConfig::endpoint(url)?,
        (Place::Region(region), None) => SwrConfig::region(region)?,
        (Place::Demo, None) => unreachable_place()?,
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
    demo: Option<&Emulator>,
    settings: &Settings,
    options: ClientOptions,
) -> Result<UhubClient, CliError> {
    let mut config = match (&target.place, demo) {
        (_, Some(emulator)) => wharf::emulator::uhub_config(emulator)?,
        (Place::Url(url, _), None) => UhubConfig::endpoint(url)?,
        (Place::Region(region), None) => UhubConfig::region(region)?,
        (Place::Demo, None) => unreachable_place()?,
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

/// A demo with no emulator cannot happen: the demo starts one first.
fn unreachable_place<T>() -> Result<T, CliError> {
    Err(CliError::new(Exit::Other, "no endpoint to connect to"))
}
