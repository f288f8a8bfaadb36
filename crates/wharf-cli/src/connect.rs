//! Opening the catalog a command lists, through the library's one connect
//! path: a catalog spec, the settings' lookup and the client's options; or
//! the built-in demo registry in process, opened the same way.

use std::sync::Arc;

use wharf::catalog::{CatalogKind, CatalogSpec, ConnectOptions};
use wharf::model::RepositoryQuery;
use wharf::{Catalog, ClientOptions, CredentialSource};

use crate::fail::{CliError, Exit};
use crate::settings::{Settings, Target};

/// An open catalog, and the demo registry serving it when there is one
/// (it stops when this is dropped).
pub struct Connected {
    /// The catalog.
    pub catalog: Arc<dyn Catalog>,
    _demo: Option<Demo>,
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
    let mut connect = ConnectOptions::from(options);
    connect.repositories = selection.repositories;
    connect.image_name = selection.image_name;
    let (catalog, demo) = match target {
        Target::Spec { spec, credentials } => {
            crate::keys::require(&spec, settings, quiet)?;
            connect.credential_source = Some(credentials);
            let catalog = spec.connect_with(&|name| settings.lookup(name), connect)?;
            (catalog, None)
        }
        Target::Demo(kind) => {
            let demo = Demo::start(quiet).await?;
            connect.credential_source = Some(CredentialSource::Described(
                "the demo registry's demo credentials".to_owned(),
            ));
            let catalog = demo.spec(kind)?.connect_with(&Demo::env, connect)?;
            (catalog, Some(demo))
        }
    };
    Ok(Connected {
        catalog,
        _demo: demo,
    })
}

/// The built-in demo registry: the emulator in process, with its demo
/// dataset and credentials. It stops when dropped.
#[cfg(feature = "demo")]
pub struct Demo(wharf_emulator::Emulator);

#[cfg(feature = "demo")]
impl Demo {
    /// Starts it; says so on stderr unless `quiet`.
    pub async fn start(quiet: bool) -> Result<Demo, CliError> {
        let emulator = wharf_emulator::Emulator::builder()
            .log_requests(false)
            .start()
            .await
            .map_err(|e| {
                CliError::new(Exit::Other, format!("cannot start the demo registry: {e}"))
            })?;
        if !quiet {
            eprintln!(
                "wharf: no registry configured, so this is the built-in demo registry; \
                 set credentials and --region, or --catalog, for a real one (see --help)"
            );
        }
        Ok(Demo(emulator))
    }

    /// Its catalog of `kind`.
    pub fn spec(&self, kind: CatalogKind) -> Result<CatalogSpec, CliError> {
        let text = match kind {
            CatalogKind::Uhub => self.0.uhub_spec(),
            CatalogKind::SwrOfficial => self.0.swr_official_spec(),
            _ => self.0.swr_spec(),
        };
        text.parse()
            .map_err(|e| CliError::new(Exit::Other, format!("the demo registry's spec: {e}")))
    }

    /// Its credentials, by the official variables' names.
    pub fn env(name: &str) -> Option<String> {
        wharf_emulator::demo_env(name)
    }
}

/// Without the `demo` feature there is no demo registry to start.
#[cfg(not(feature = "demo"))]
pub enum Demo {}

#[cfg(not(feature = "demo"))]
impl Demo {
    /// Says that there is none.
    pub async fn start(_quiet: bool) -> Result<Demo, CliError> {
        let what = "no registry configured: set credentials and --region, or --catalog \
                    (this build of wharf has no built-in demo registry)";
        Err(CliError::new(Exit::Usage, what))
    }

    /// Never called: there is no value.
    pub fn spec(&self, _kind: CatalogKind) -> Result<CatalogSpec, CliError> {
        match *self {}
    }

    /// No credentials.
    pub fn env(_name: &str) -> Option<String> {
        None
    }
}
