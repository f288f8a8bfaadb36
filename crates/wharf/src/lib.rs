//! List the image catalogs of Huawei Cloud SWR and UCloud UHub: typed
//! clients for every operation, paginators that keep requests in flight and
//! items in order, and one [`Catalog`] trait across providers.
//!
//! ```
//! use futures::TryStreamExt;
//! use wharf::model::RepositoryQuery;
//! use wharf::{SwrClient, SwrConfig};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A local emulator of both APIs (the `wharf-emulator` crate, a
//! // dev-dependency), with its demo catalog and credentials.
//! let emulator = wharf_emulator::Emulator::builder().start().await?;
//! let config = SwrConfig::endpoint(&emulator.base_url())?
//!     .with_env_credentials(&wharf_emulator::demo_env)?;
//! let client = SwrClient::new(config)?;
//!
//! let mut query = RepositoryQuery::default();
//! query.namespace = Some("library".into());
//! let repos: Vec<_> = client.list_repositories(query).concurrency(4).items().try_collect().await?;
//! assert!(repos.iter().all(|r| r.namespace == "library"));
//! # Ok(())
//! # }
//! ```
//!
//! - [`SwrClient`] (feature `swr`): repositories, namespaces, repository
//!   tags, and the official (dockerhub) images, their tags and details.
//! - [`UhubClient`] (feature `uhub`): `GetRepo`, `GetRepoImage`, `GetImageTag`.
//! - Every list operation has a one-page call and a [`Paginator`] with
//!   [`pages`](Paginator::pages) and [`items`](Paginator::items), lazy until
//!   polled; see [`paginate`] for what a listing guarantees when the catalog
//!   changes under it.
//! - [`catalog`]: one object-safe [`Catalog`] over SWR, SWR's official
//!   images and UHub, opened from a [`CatalogSpec`] such as `swr://cn-north-4`,
//!   with provider-neutral [`Namespace`], [`Repository`] and [`Tag`] entries
//!   that keep the provider's record.
//! - One [`Error`] with a matchable [`ErrorKind`].
//!
//! Features: `swr`, `uhub` and `rustls` (the HTTP backend) by default;
//! `test-util` re-exports replay, recording and the fake clock. For a local
//! server of both APIs in your tests, add the `wharf-emulator` crate as a
//! dev-dependency: it hands out catalog specs and demo credentials.

// Without a provider feature (the model, errors and pages alone), the
// plumbing of the clients is compiled but unused.
#![cfg_attr(not(any(feature = "swr", feature = "uhub")), allow(dead_code))]

pub mod catalog;
mod client;
mod credentials;
mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod page;
pub mod paginate;
#[cfg(feature = "swr")]
mod swr;
#[cfg(feature = "uhub")]
mod uhub;
mod unsafe_text;

/// The request and response types of both APIs, from `wharf-model`.
pub use wharf_model as model;

pub use catalog::{
    Catalog, CatalogKind, CatalogSpec, Namespace, Original, RepoRef, Repository, Tag,
};
pub use client::ClientOptions;
pub use credentials::{CredentialSource, env};
pub use error::{Error, ErrorKind, TimeoutLimit};
pub use page::{IgnoredHeader, Page, TotalSource};
pub use paginate::{CatalogChange, Items, ListOptions, OnChange, Pages, Paginator, Summary};
#[cfg(feature = "swr")]
pub use swr::{QueryForm, SwrClient, SwrConfig};
#[cfg(feature = "uhub")]
pub use uhub::{UHUB_ENDPOINT, UhubClient, UhubConfig, UhubMethod};
pub use wharf_auth::huawei::{Auth, Credentials as HuaweiCredentials, IamToken};
pub use wharf_auth::ucloud::Credentials as UcloudCredentials;
pub use wharf_transport::{Provider, RetryConfig, Time, Timeouts, Transport};

/// The transport layer, for a [`Transport`] of your own (a proxy, a cache,
/// a test double): requests, responses, per-call options, attempts,
/// errors, the retry policy's pieces, and the HTTP backend (feature
/// `rustls`). Replay, recording and the fake clock are in `wharf::test_util`
/// (feature `test-util`).
pub mod transport {
    pub use wharf_transport::{
        Attempt, AttemptObserver, Backoff, CallOptions, Classifier, Error, ErrorKind, Jitter,
        Provider, Request, Response, RetryConfig, Retrying, Signer, Signing, SwrClassifier, Time,
        Timeouts, TokioTime, Transport, UhubClassifier, Verdict, is_retryable_status,
        parse_retry_after,
    };
    #[cfg(feature = "rustls")]
    pub use wharf_transport::{HttpConfig, HttpTransport};
}

#[cfg(feature = "test-util")]
pub mod test_util;

/// The README's examples, compiled as doc tests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
