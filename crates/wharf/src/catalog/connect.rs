//! Opening the catalog a [`CatalogSpec`] names, with credentials from the
//! environment.

use std::sync::Arc;

use wharf_transport::Transport;

use super::{Catalog, CatalogKind, CatalogSpec};
use crate::{ClientOptions, Error, ErrorKind};

/// Reads an environment variable: `std::env::var(name).ok()`, or a map in
/// tests. Unset and empty are the same.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Parses `spec` and opens its catalog over HTTPS, with the credentials of
/// the environment `lookup` reads (see [`CatalogSpec::connect`]).
///
/// ```no_run
/// # fn run() -> Result<(), wharf::Error> {
/// let catalog = wharf::catalog::open("swr://cn-north-4", &|name| std::env::var(name).ok())?;
/// # Ok(())
/// # }
/// ```
#[cfg(feature = "rustls")]
pub fn open(spec: &str, lookup: Lookup<'_>) -> Result<Arc<dyn Catalog>, Error> {
    CatalogSpec::parse(spec)?.connect(lookup)
}

impl CatalogSpec {
    /// Opens the catalog over HTTPS (plain HTTP to loopback only), with the
    /// default [`ClientOptions`].
    ///
    /// Credentials come from the variables the official tools read, through
    /// `lookup`: `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`,
    /// `HUAWEICLOUD_SDK_SECURITY_TOKEN` and `HUAWEICLOUD_SDK_PROJECT_ID` for
    /// SWR; `UCLOUD_PUBLIC_KEY`, `UCLOUD_PRIVATE_KEY`, `UCLOUD_PROJECT_ID`
    /// and `UCLOUD_REGION` for UHub. Without a key pair, requests go
    /// unsigned. The spec's region and project win over the environment's.
    #[cfg(feature = "rustls")]
    pub fn connect(&self, lookup: Lookup<'_>) -> Result<Arc<dyn Catalog>, Error> {
        self.connect_with(lookup, ClientOptions::default())
    }

    /// [`connect`](Self::connect) with these timeouts, retries and paging
    /// defaults.
    #[cfg(feature = "rustls")]
    pub fn connect_with(
        &self,
        lookup: Lookup<'_>,
        options: ClientOptions,
    ) -> Result<Arc<dyn Catalog>, Error> {
        let transport = crate::client::http_transport(&options)?;
        self.connect_over(lookup, options, transport)
    }

    /// [`connect_with`](Self::connect_with) over `transport`: replay or
    /// recording in tests, or your own.
    pub fn connect_over(
        &self,
        lookup: Lookup<'_>,
        options: ClientOptions,
        transport: Arc<dyn Transport>,
    ) -> Result<Arc<dyn Catalog>, Error> {
        match self.kind() {
            CatalogKind::Swr | CatalogKind::SwrOfficial => {
                swr_catalog(self, lookup, options, transport)
            }
            CatalogKind::Uhub => uhub_catalog(self, lookup, options, transport),
        }
    }
}

/// A catalog whose feature this build left out.
#[cfg(not(all(feature = "swr", feature = "uhub")))]
fn without(spec: &CatalogSpec, feature: &str) -> Error {
    let detail = format!(
        "catalog spec {spec}: this build of wharf has no {} catalog (enable feature `{feature}`)",
        spec.kind()
    );
    Error::new(ErrorKind::Config, detail)
}

#[cfg(not(feature = "swr"))]
fn swr_catalog(
    spec: &CatalogSpec,
    _: Lookup<'_>,
    _: ClientOptions,
    _: Arc<dyn Transport>,
) -> Result<Arc<dyn Catalog>, Error> {
    Err(without(spec, "swr"))
}

#[cfg(feature = "swr")]
fn swr_catalog(
    spec: &CatalogSpec,
    lookup: Lookup<'_>,
    options: ClientOptions,
    transport: Arc<dyn Transport>,
) -> Result<Arc<dyn Catalog>, Error> {
    use super::{OfficialCatalog, SwrCatalog};
    use crate::{SwrClient, SwrConfig};

    let mut config = match spec.base_url() {
        Some(url) => SwrConfig::endpoint(&url)?,
        None => SwrConfig::region(spec.region().unwrap_or_default())?,
    };
    config.options = options;
    let mut config = config.with_env_credentials(lookup)?;
    if let Some(project) = spec.project() {
        config.auth = Some(with_project(config.auth.take(), project)?);
    }
    let client = SwrClient::with_transport(config, transport);
    Ok(match spec.kind() {
        CatalogKind::SwrOfficial => Arc::new(OfficialCatalog::new(client)),
        _ => Arc::new(SwrCatalog::new(client)),
    })
}

/// `auth` sending `project` as `X-Project-Id`.
#[cfg(feature = "swr")]
fn with_project(auth: Option<crate::Auth>, project: &str) -> Result<crate::Auth, Error> {
    use crate::Auth;
    use crate::credentials::env;

    let refused = |e: wharf_auth::huawei::CredentialsError| {
        Error::new(ErrorKind::Config, format!("project {project:?}: {e}")).with_source(e)
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

#[cfg(not(feature = "uhub"))]
fn uhub_catalog(
    spec: &CatalogSpec,
    _: Lookup<'_>,
    _: ClientOptions,
    _: Arc<dyn Transport>,
) -> Result<Arc<dyn Catalog>, Error> {
    Err(without(spec, "uhub"))
}

#[cfg(feature = "uhub")]
fn uhub_catalog(
    spec: &CatalogSpec,
    lookup: Lookup<'_>,
    options: ClientOptions,
    transport: Arc<dyn Transport>,
) -> Result<Arc<dyn Catalog>, Error> {
    use super::UhubCatalog;
    use crate::{UhubClient, UhubConfig};

    let mut config = match spec.base_url() {
        Some(url) => UhubConfig::endpoint(&url)?,
        None => UhubConfig::default(),
    };
    config.options = options;
    let mut config = config.with_env_credentials(lookup)?;
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
