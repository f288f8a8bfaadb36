//! [`SwrConfig`]: where and how an [`SwrClient`](super::SwrClient) talks to SWR.

use std::fmt;

use wharf_auth::huawei::{Auth, Credentials};
use wharf_model::SlashEncoding;
use wharf_transport::Timeouts;

use crate::client::{ClientOptions, base_url, check_region};
use crate::credentials::{self, CredentialSource, env};
use crate::{Error, ErrorKind};

/// How list repositories sends its query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum QueryForm {
    /// One `filter` parameter, `key::value|key::value`, as the seed page
    /// documents (the default).
    #[default]
    Filter,
    /// Plain parameters (`?namespace=..&limit=..`), as the current SDK sends.
    Plain,
}

/// Where and how an [`SwrClient`](super::SwrClient) talks to SWR.
#[derive(Clone)]
#[non_exhaustive]
pub struct SwrConfig {
    /// Base URL, such as `https://swr-api.cn-north-4.myhuaweicloud.com`.
    pub endpoint: String,
    /// Credentials: AK/SK (with a security token for temporary ones) or an
    /// IAM token; `None` sends requests unsigned.
    pub auth: Option<Auth>,
    /// Where [`auth`](Self::auth) came from, for error messages.
    pub credential_source: CredentialSource,
    /// How a `/` in a repository name goes into a path (default `$`).
    pub slash: SlashEncoding,
    /// How list repositories sends its query (default `filter`).
    pub query_form: QueryForm,
    /// Timeouts, retries, paging defaults, clock.
    pub options: ClientOptions,
}

impl fmt::Debug for SwrConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `Auth`'s own Debug redacts its secrets.
        f.debug_struct("SwrConfig")
            .field("endpoint", &self.endpoint)
            .field("auth", &self.auth)
            .field("credential_source", &self.credential_source)
            .field("slash", &self.slash)
            .field("query_form", &self.query_form)
            .field("options", &self.options)
            .finish()
    }
}

impl SwrConfig {
    /// The public endpoint of `region`, such as `cn-north-4`.
    pub fn region(region: &str) -> Result<Self, Error> {
        check_region(region)?;
        SwrConfig::endpoint(&format!("https://swr-api.{region}.myhuaweicloud.com"))
    }

    /// A custom base URL, such as an emulator's `http://127.0.0.1:8080`.
    pub fn endpoint(url: &str) -> Result<Self, Error> {
        Ok(SwrConfig {
            endpoint: base_url(url)?,
            auth: None,
            credential_source: CredentialSource::None,
            slash: SlashEncoding::default(),
            query_form: QueryForm::default(),
            options: ClientOptions::default(),
        })
    }

    /// The region and credentials the official tools read from the
    /// environment: `HUAWEICLOUD_SDK_REGION`, `HUAWEICLOUD_SDK_AK`,
    /// `HUAWEICLOUD_SDK_SK`, `HUAWEICLOUD_SDK_PROJECT_ID`,
    /// `HUAWEICLOUD_SDK_SECURITY_TOKEN`.
    pub fn from_env() -> Result<Self, Error> {
        let lookup = credentials::process_env;
        let region = credentials::read(&lookup, env::HUAWEICLOUD_SDK_REGION).ok_or_else(|| {
            Error::new(
                ErrorKind::Config,
                format!(
                    "{} is not set; set it to a region such as cn-north-4",
                    env::HUAWEICLOUD_SDK_REGION
                ),
            )
        })?;
        SwrConfig::region(&region)?.with_env_credentials(&lookup)
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

    /// Writing a `/` in a repository name into a path as `slash` says.
    pub fn with_slash(mut self, slash: SlashEncoding) -> Self {
        self.slash = slash;
        self
    }

    /// Sending list repositories' query as `form` says.
    pub fn with_query_form(mut self, form: QueryForm) -> Self {
        self.query_form = form;
        self
    }

    /// With AK/SK or token credentials given in code.
    pub fn with_auth(mut self, auth: impl Into<Auth>) -> Self {
        self.auth = Some(auth.into());
        self.credential_source = CredentialSource::Code;
        self
    }

    /// With the credentials in `HUAWEICLOUD_SDK_AK` and `HUAWEICLOUD_SDK_SK`
    /// (plus project id and security token when set), read through `lookup`;
    /// unchanged when neither key is set.
    pub fn with_env_credentials(
        mut self,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, Error> {
        let ak = credentials::read(lookup, env::HUAWEICLOUD_SDK_AK);
        let sk = credentials::read(lookup, env::HUAWEICLOUD_SDK_SK);
        let (ak, sk) = match (ak, sk) {
            (None, None) => return Ok(self),
            (Some(ak), Some(sk)) => (ak, sk),
            (Some(_), None) | (None, Some(_)) => {
                let detail = format!(
                    "set both {} and {}, or neither",
                    env::HUAWEICLOUD_SDK_AK,
                    env::HUAWEICLOUD_SDK_SK
                );
                return Err(Error::new(ErrorKind::Config, detail));
            }
        };
        let mut names = vec![env::HUAWEICLOUD_SDK_AK, env::HUAWEICLOUD_SDK_SK];
        let source = CredentialSource::Environment(names.clone());
        let mut creds =
            Credentials::new(ak, sk).map_err(|e| credentials::refused("AK/SK", &source, e))?;
        if let Some(token) = credentials::read(lookup, env::HUAWEICLOUD_SDK_SECURITY_TOKEN) {
            names.push(env::HUAWEICLOUD_SDK_SECURITY_TOKEN);
            creds = creds
                .with_security_token(token)
                .map_err(|e| credentials::refused("security token", &source, e))?;
        }
        if let Some(project) = credentials::read(lookup, env::HUAWEICLOUD_SDK_PROJECT_ID) {
            names.push(env::HUAWEICLOUD_SDK_PROJECT_ID);
            creds = creds
                .with_project_id(project)
                .map_err(|e| credentials::refused("project id", &source, e))?;
        }
        self.auth = Some(Auth::AkSk(creds));
        self.credential_source = CredentialSource::Environment(names);
        Ok(self)
    }
}
