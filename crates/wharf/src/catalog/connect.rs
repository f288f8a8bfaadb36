//! Opening the catalog a [`CatalogSpec`] names, with credentials from the
//! environment.

use std::sync::Arc;

use wharf_model::RepositoryQuery;
use wharf_transport::Transport;

use super::{Catalog, CatalogKind, CatalogSpec};
use crate::{ClientOptions, CredentialSource, Error, ErrorKind};

/// Reads an environment variable: `std::env::var(name).ok()`, or a map in
/// tests. Unset and empty are the same.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// What opening a catalog takes beside its spec and the environment: the
/// client's options, how to name where the credentials came from, and which
/// repositories the catalog lists.
///
/// A [`ClientOptions`] converts into one with everything else left as it
/// is by default.
///
/// ```
/// use wharf::catalog::ConnectOptions;
///
/// let mut options = ConnectOptions::default();
/// options.repositories.namespace = Some("team".into());
/// options.credential_source = Some(wharf::CredentialSource::Described("profile `prod`".into()));
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ConnectOptions {
    /// Timeouts, retries and paging defaults of the client.
    pub client: ClientOptions,
    /// Where the credentials the lookup finds come from, as an unauthorized
    /// error names it; `None` names the variables read.
    pub credential_source: Option<CredentialSource>,
    /// SWR's own repositories (`swr`): which ones the catalog lists
    /// (see [`SwrCatalog::with_query`](super::SwrCatalog::with_query));
    /// other catalogs ignore it.
    pub repositories: RepositoryQuery,
    /// SWR's official images (`swr-official`): the text their names hold
    /// (see [`OfficialCatalog::with_image_name`](super::OfficialCatalog::with_image_name));
    /// other catalogs ignore it.
    pub image_name: Option<String>,
}

impl From<ClientOptions> for ConnectOptions {
    fn from(client: ClientOptions) -> Self {
        ConnectOptions {
            client,
            ..ConnectOptions::default()
        }
    }
}

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

    /// [`connect`](Self::connect) with these options: a [`ClientOptions`]
    /// (timeouts, retries, paging defaults) or a whole [`ConnectOptions`].
    #[cfg(feature = "rustls")]
    pub fn connect_with(
        &self,
        lookup: Lookup<'_>,
        options: impl Into<ConnectOptions>,
    ) -> Result<Arc<dyn Catalog>, Error> {
        let options = options.into();
        let transport = crate::client::http_transport(&options.client)?;
        self.connect_over(lookup, options, transport)
    }

    /// [`connect_with`](Self::connect_with) over `transport`: replay or
    /// recording in tests, or your own.
    pub fn connect_over(
        &self,
        lookup: Lookup<'_>,
        options: impl Into<ConnectOptions>,
        transport: Arc<dyn Transport>,
    ) -> Result<Arc<dyn Catalog>, Error> {
        let options = options.into();
        match self.kind() {
            #[cfg(feature = "swr")]
            CatalogKind::Swr | CatalogKind::SwrOfficial => {
                crate::swr::connect_catalog(self, lookup, options, transport)
            }
            #[cfg(feature = "uhub")]
            CatalogKind::Uhub => crate::uhub::connect_catalog(self, lookup, options, transport),
            #[allow(unreachable_patterns)]
            _ => {
                let _unused = (lookup, options, transport);
                Err(without(self))
            }
        }
    }
}

/// A catalog whose feature this build left out.
#[cfg_attr(all(feature = "swr", feature = "uhub"), allow(dead_code))]
fn without(spec: &CatalogSpec) -> Error {
    let feature = match spec.kind() {
        CatalogKind::Uhub => "uhub",
        _ => "swr",
    };
    let detail = format!(
        "catalog spec {spec}: this build of wharf has no {} catalog (enable feature `{feature}`)",
        spec.kind()
    );
    Error::new(ErrorKind::Config, detail)
}
