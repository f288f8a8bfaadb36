//! List the image catalogs of Huawei Cloud SWR and UCloud UHub: typed
//! clients for every operation, paginators that keep requests in flight and
//! items in order, and one [`Catalog`] trait across providers.
//!
//! ```
//! use wharf::futures::TryStreamExt;
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
//! let query = RepositoryQuery::default().with_namespace("team");
//! let repos: Vec<_> = client.list_repositories(query).concurrency(4).items().try_collect().await?;
//! assert!(repos.iter().all(|r| r.namespace == "team"));
//!
//! // A listed repository's tags: its `image_ref()` is the reference to ask with.
//! let tags: Vec<_> = client.list_repository_tags(repos[0].image_ref()?).items().try_collect().await?;
//! assert!(!tags.is_empty());
//! # Ok(())
//! # }
//! ```
//!
//! - [`SwrClient`] (feature `swr`): repositories, namespaces, repository
//!   tags, and the official (dockerhub) images, their tags and details.
//! - [`UhubClient`] (feature `uhub`): `GetRepo`, `GetRepoImage`, `GetImageTag`.
//! - Every list operation has a one-page call and a [`Paginator`] with
//!   [`pages`](Paginator::pages) and [`items`](Paginator::items), lazy until
//!   polled; see [`Paginator`] for what a listing guarantees when the catalog
//!   changes under it.
//! - [`catalog`]: one object-safe [`Catalog`] over SWR, SWR's official
//!   images and UHub, opened from a [`CatalogSpec`](catalog::CatalogSpec)
//!   such as `swr://cn-north-4`, with provider-neutral
//!   [`catalog::Namespace`], [`catalog::Repository`] and [`catalog::Tag`]
//!   entries that keep the provider's record. (The model's records of the
//!   same names are the providers' own, in [`model`].)
//! - One [`Error`] with a matchable [`ErrorKind`]; the errors of wharf's
//!   parts convert into it with `?`.
//!
//! # Names of the calls
//!
//! Both clients name their calls one way, whatever the provider calls the
//! operation (UHub's `GetRepoImage` lists, so it is `list_repo_images`):
//!
//! | name | takes | returns |
//! |---|---|---|
//! | `list_THINGS` | a query or request by value (or what converts into one, such as an [`ImageRef`](model::ImageRef)) | a [`Paginator`] over every page |
//! | `list_THINGS_page` | `&` the same query, with its page | one [`Page`] |
//! | `show_THING` | a reference | the one object, or [`ErrorKind::NotFound`] |
//!
//! A listing the provider does not page (SWR's namespaces) is `list_THINGS`
//! returning a `Vec`. The queries and requests are plain structs in
//! [`model`] with a `with_*` setter for each field, and the options the
//! same ([`ClientOptions::with_timeouts`], [`SwrConfig::with_options`]), so
//! a request is one expression.
//!
//! # Features
//!
//! | feature | default | what it adds | implies |
//! |---|---|---|---|
//! | `swr` | yes | `SwrClient`, the `swr` and `swr-official` catalogs | |
//! | `uhub` | yes | `UhubClient`, the `uhub` catalog | |
//! | `rustls` | yes | the HTTP backend (reqwest with rustls); without it, clients run on a transport you give them | `wharf-transport/http` |
//! | `test-util` | no | `wharf::test_util`: replay, recording, the fake clock, the `Catalog` conformance suite | |
//! | `fuzzing` | no | the clients' decoding, for the fuzz targets; not an API | |
//!
//! For a local server of both APIs in your tests, add the `wharf-emulator`
//! crate as a dev-dependency: it hands out catalog specs and demo
//! credentials, and with its `wharf` feature ready client configs.
//!
//! # Other crates' items at the surface
//!
//! Re-exported on purpose, so a user of wharf alone can name them, and a
//! major version bump of any of them is a major version of wharf:
//! [`futures`] (listings are its `Stream`s and `BoxStream`s), [`jiff`]
//! (`jiff::Timestamp`, the instants of catalog entries), [`async_trait`](macro@async_trait)
//! (to implement [`Catalog`]), [`serde_json`] (`serde_json::Map`, the
//! unknown fields every model record keeps in `extra`), and
//! [`http::StatusCode`](http) ([`Error::status`]).

// Without a provider feature (the model, errors and pages alone), the
// plumbing of the clients is compiled but unused.
#![cfg_attr(not(any(feature = "swr", feature = "uhub")), allow(dead_code))]

pub mod catalog;
mod client;
mod credentials;
mod deletion;
mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod page;
mod paginate;
pub mod prune;
#[cfg(feature = "swr")]
mod swr;
#[cfg(feature = "uhub")]
mod uhub;
mod unsafe_text;

/// The request and response types of both APIs, from `wharf-model`.
pub use wharf_model as model;

/// The attribute [`Catalog`] is declared with, re-exported so that an
/// implementation outside wharf needs no dependency of its own: write
/// `#[wharf::async_trait]` on the `impl` (see [`Catalog`]).
pub use async_trait::async_trait;

/// The `futures` crate wharf's listings are streams of (`Stream`,
/// `TryStreamExt`, `BoxStream`), re-exported so a user of wharf alone can
/// consume and build them: `wharf::futures::TryStreamExt`.
pub use futures;

/// The `jiff` crate, whose `Timestamp` the catalog entries' instants are.
pub use jiff;

/// The `serde_json` crate, whose `Map` holds each model record's unknown
/// fields (`extra`).
pub use serde_json;

/// The `http` crate, whose `StatusCode` [`Error::status`] returns.
pub use http;

pub use catalog::Catalog;
pub use client::ClientOptions;
pub use credentials::{CredentialSource, env};
pub use deletion::Deletion;
pub use error::{Error, ErrorKind, TimeoutLimit};
pub use page::{IgnoredHeader, Page, TotalSource};
pub use paginate::{
    CatalogChange, Items, ListOptions, OnChange, Pages, Paginator, Progress, ProgressFn, Summary,
};
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
/// `rustls`). What every client user needs too ([`Transport`],
/// [`Timeouts`], [`RetryConfig`], [`Time`], [`Provider`]) is at the crate
/// root, and only there. Replay, recording and the fake clock are in `wharf::test_util`
/// (feature `test-util`).
pub mod transport {
    pub use wharf_transport::{
        Attempt, AttemptObserver, Backoff, CallOptions, Classifier, Error, ErrorKind, Jitter,
        Request, Response, Retrying, Signer, Signing, SwrClassifier, TokioTime, UhubClassifier,
        Verdict, is_retryable_status, parse_retry_after,
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
