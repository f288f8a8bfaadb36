//! Opening the UHub catalog a [`CatalogSpec`] names: the config from its
//! place, credentials from the lookup, the spec's region and project on top.

use std::sync::Arc;

use wharf_transport::Transport;

use super::{UhubCatalog, UhubClient, UhubConfig};
use crate::Error;
use crate::catalog::{Catalog, CatalogSpec, ConnectOptions, Lookup};

/// The UHub catalog `spec` names, with the credentials `lookup` finds.
pub(crate) fn catalog(
    spec: &CatalogSpec,
    lookup: Lookup<'_>,
    options: ConnectOptions,
    transport: Arc<dyn Transport>,
) -> Result<Arc<dyn Catalog>, Error> {
    let mut config = match spec.base_url() {
        Some(url) => UhubConfig::endpoint(&url)?,
        None => UhubConfig::default(),
    };
    config.options = options.client;
    let mut config = config.with_env_credentials(lookup)?;
    if let (Some(source), Some(_)) = (options.credential_source, &config.credentials) {
        config.credential_source = source;
    }
    if let Some(region) = spec.region() {
        config.region = Some(region.to_owned());
    }
    if let Some(project) = spec.project() {
        config.project_id = Some(project.to_owned());
    }
    Ok(Arc::new(UhubCatalog::new(UhubClient::with_transport(
        config, transport,
    ))))
}
