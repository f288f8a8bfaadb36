//! [`UhubConfig`]: where and how a [`UhubClient`](super::UhubClient) talks to UHub.

use std::fmt;

use wharf_auth::ucloud::{self};
use wharf_transport::Timeouts;

use crate::client::{ClientOptions, base_url, check_region};
use crate::credentials::{self, CredentialSource, env};
use crate::{Error, ErrorKind};

/// The public UCloud API endpoint.
pub const UHUB_ENDPOINT: &str = "https://api.ucloud.cn";

/// How a [`UhubClient`](super::UhubClient) sends an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum UhubMethod {
    /// `POST` with a form body, as both official SDKs send (the default).
    #[default]
    PostForm,
    /// `GET` with the parameters in the query, as the docs show.
    GetQuery,
}

/// Where and how a [`UhubClient`](super::UhubClient) talks to UHub.
#[derive(Clone)]
#[non_exhaustive]
pub struct UhubConfig {
    /// Base URL (default [`UHUB_ENDPOINT`]).
    pub endpoint: String,
    /// `Region`, such as `cn-bj2`, sent with every action when set.
    pub region: Option<String>,
    /// `ProjectId`, sent with every action when set.
    pub project_id: Option<String>,
    /// The key pair; `None` sends requests unsigned.
    pub credentials: Option<ucloud::Credentials>,
    /// Where [`credentials`](Self::credentials) came from, for error messages.
    pub credential_source: CredentialSource,
    /// POST form or GET query.
    pub method: UhubMethod,
    /// Timeouts, retries, paging defaults, clock.
    pub options: ClientOptions,
}

impl fmt::Debug for UhubConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `Credentials`' own Debug redacts the private key.
        f.debug_struct("UhubConfig")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("project_id", &self.project_id)
            .field("credentials", &self.credentials)
            .field("credential_source", &self.credential_source)
            .field("method", &self.method)
            .finish_non_exhaustive()
    }
}

impl Default for UhubConfig {
    fn default() -> Self {
        UhubConfig {
            endpoint: UHUB_ENDPOINT.to_owned(),
            region: None,
            project_id: None,
            credentials: None,
            credential_source: CredentialSource::None,
            method: UhubMethod::default(),
            options: ClientOptions::default(),
        }
    }
}

impl UhubConfig {
    /// The public endpoint, for `region` (such as `cn-bj2`).
    pub fn region(region: &str) -> Result<Self, Error> {
        check_region(region)?;
        Ok(UhubConfig {
            region: Some(region.to_owned()),
            ..UhubConfig::default()
        })
    }

    /// A custom base URL, such as an emulator's `http://127.0.0.1:8080`.
    pub fn endpoint(url: &str) -> Result<Self, Error> {
        Ok(UhubConfig {
            endpoint: base_url(url)?,
            ..UhubConfig::default()
        })
    }

    /// Region, project and key pair as the official tools read them:
    /// `UCLOUD_REGION`, `UCLOUD_PROJECT_ID`, `UCLOUD_PUBLIC_KEY`,
    /// `UCLOUD_PRIVATE_KEY`.
    pub fn from_env() -> Result<Self, Error> {
        UhubConfig::default().with_env_credentials(&credentials::process_env)
    }

    /// With these timeouts, retries, paging defaults and clock.
    pub fn with_options(mut self, options: ClientOptions) -> Self {
        self.options = options;
        self
    }

    /// With these limits, the other options unchanged.
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.options.timeouts = timeouts;
        self
    }

    /// Sending every action to project `project_id`.
    pub fn with_project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Sending actions as `method` says.
    pub fn with_method(mut self, method: UhubMethod) -> Self {
        self.method = method;
        self
    }

    /// With a key pair given in code.
    pub fn with_credentials(mut self, credentials: ucloud::Credentials) -> Self {
        self.credentials = Some(credentials);
        self.credential_source = CredentialSource::Code;
        self
    }

    /// With the key pair, project and region of the `UCLOUD_*` variables,
    /// read through `lookup`; each unchanged when its variable is unset.
    pub fn with_env_credentials(
        mut self,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, Error> {
        if let Some(region) = credentials::read(lookup, env::UCLOUD_REGION) {
            check_region(&region)?;
            self.region = Some(region);
        }
        if let Some(project) = credentials::read(lookup, env::UCLOUD_PROJECT_ID) {
            self.project_id = Some(project);
        }
        let public = credentials::read(lookup, env::UCLOUD_PUBLIC_KEY);
        let private = credentials::read(lookup, env::UCLOUD_PRIVATE_KEY);
        match (public, private) {
            (None, None) => Ok(self),
            (Some(public), Some(private)) => {
                let source = CredentialSource::Environment(vec![
                    env::UCLOUD_PUBLIC_KEY,
                    env::UCLOUD_PRIVATE_KEY,
                ]);
                let keys = ucloud::Credentials::new(public, private)
                    .map_err(|e| credentials::refused("key pair", &source, e))?;
                self.credentials = Some(keys);
                self.credential_source = source;
                Ok(self)
            }
            _ => Err(Error::new(
                ErrorKind::Config,
                format!(
                    "set both {} and {}, or neither",
                    env::UCLOUD_PUBLIC_KEY,
                    env::UCLOUD_PRIVATE_KEY
                ),
            )),
        }
    }
}
