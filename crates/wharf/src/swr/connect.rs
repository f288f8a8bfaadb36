//! Opening the SWR catalog a [`CatalogSpec`] names: the config from its
//! place, credentials from the lookup, the spec's project on top.

use std::sync::Arc;

use wharf_transport::Transport;

use super::{OfficialCatalog, SwrCatalog, SwrClient, SwrConfig};
use crate::catalog::{Catalog, CatalogKind, CatalogSpec, ConnectOptions, Lookup};
use crate::{Error, ErrorKind};

/// The SWR catalog `spec` names (`swr` or `swr-official`), with the
/// credentials `lookup` finds.
pub(crate) fn catalog(
    spec: &CatalogSpec,
    lookup: Lookup<'_>,
    options: ConnectOptions,
    transport: Arc<dyn Transport>,
) -> Result<Arc<dyn Catalog>, Error> {
    let mut config = match spec.base_url() {
        Some(url) => SwrConfig::endpoint(&url)?,
        None => SwrConfig::region(spec.region().unwrap_or_default())?,
    };
    config.options = options.client;
    let mut config = config.with_env_credentials(lookup)?;
    if let Some(project) = spec.project() {
        config.auth = Some(with_project(config.auth.take(), project)?);
    }
    if let (Some(source), Some(_)) = (options.credential_source, &config.auth) {
        config.credential_source = source;
    }
    let client = SwrClient::with_transport(config, transport);
    Ok(match (spec.kind(), options.image_name) {
        (CatalogKind::SwrOfficial, Some(name)) => {
            Arc::new(OfficialCatalog::new(client).with_image_name(name))
        }
        (CatalogKind::SwrOfficial, None) => Arc::new(OfficialCatalog::new(client)),
        _ => Arc::new(SwrCatalog::new(client).with_query(options.repositories)),
    })
}

/// `auth` sending `project` as `X-Project-Id`.
fn with_project(auth: Option<crate::Auth>, project: &str) -> Result<crate::Auth, Error> {
    use crate::Auth;
    use crate::credentials::env;

    let refused = |e: wharf_auth::huawei::CredentialsError| {
        Error::new(ErrorKind::Config, format!("project {project:?}: {e}")).told(e)
    };
    match auth {
        Some(Auth::AkSk(credentials)) => Ok(Auth::AkSk(
            credentials.with_project_id(project).map_err(refused)?,
        )),
        Some(Auth::Token(token)) => Ok(Auth::Token(
            token.with_project_id(project).map_err(refused)?,
        )),
        _ => {
            let detail = format!(
                "the spec's project {project:?} travels with credentials, and there are none: set {} and {}",
                env::HUAWEICLOUD_SDK_AK,
                env::HUAWEICLOUD_SDK_SK
            );
            Err(Error::new(ErrorKind::Config, detail))
        }
    }
}
