//! A local Huawei Cloud SWR and UCloud UHub server, for tests and benchmarks.
//!
//! ```
//! use wharf_emulator::{Dataset, Emulator, GenerateOptions};
//!
//! let dataset = Dataset::generate(&GenerateOptions { namespaces: 2, repositories: 30, tags_per_repository: 3, official_images: 5, seed: 42 })?;
//! let emulator = Emulator::builder().dataset(dataset).start_background()?;
//! let base_url = emulator.base_url(); // http://127.0.0.1:PORT, for both SDKs
//! assert!(base_url.starts_with("http://127.0.0.1:"));
//! assert_eq!(emulator.dataset().repository_count(), 30);
//! drop(emulator); // stops it
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! One in-memory [`Dataset`] is served through both APIs: SWR namespaces are
//! UHub repos, SWR repositories are UHub images. SWR: list repositories
//! (`/v2/manage/repos`), list namespaces (`/v2/manage/namespaces`), show a
//! repository (`/v2/manage/namespaces/{ns}/repos/{repo}`), list its tags
//! (`/v2/manage/namespaces/{ns}/repos/{repo}/tags`), show or delete one
//! (`GET`/`DELETE .../tags/{tag}`, ShowRepoTag and DeleteRepoTag), and
//! the official images, one official image and its tags
//! (`/v2/manage/dockerhub/...`). UHub: `GetRepo`, `GetRepoImage`,
//! `GetImageTag`, `DeleteRepoImage`. Requests are checked with
//! `wharf-auth` ([`AuthConfig`]), faults can be injected deterministically
//! ([`FaultConfig`]), and each provider can be throttled
//! ([`EmulatorBuilder::rate_limit`]).
//!
//! The catalog changes while it is served: a tag deleted through one API is
//! gone from both, and [`Emulator::push`] (or `POST /_emulator/push`, with
//! [`EmulatorBuilder::control`]) pushes one; the index is changed in place,
//! never rebuilt. [`Emulator::delete_requests`] counts the delete requests
//! received. The crate README documents the endpoints, the error codes,
//! the choices made where the providers say nothing, the dataset format and
//! the command line.
//!
//! ```
//! use wharf_emulator::{Emulator, TagRecord};
//!
//! let emulator = Emulator::builder().control(true).rate_limit(100).start_background()?;
//! let digest = format!("sha256:{}", "0".repeat(64));
//! let tag = TagRecord::new("v2", 1_000, digest, "2024-06-15T12:00:00Z".parse()?);
//! emulator.push(&"team/worker".parse()?, tag)?;
//! assert_eq!(emulator.dataset().repository_count(), 10);
//! assert_eq!(emulator.delete_requests(), 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// The layout, by what each module holds; dependencies point one way, and
// `tests/layout.rs` checks that they do:
//
// - `hash`: a portable hash and hex text. Depends on nothing in the crate.
// - `data/`: the catalog in memory (records, file format, generator, demo,
//   index, encoded JSON, the changes deletes and pushes make). Depends on
//   nothing in the crate but `hash`.
// - `auth` (nothing), `faults` (`hash`), `rate_limit` (nothing): the
//   credentials, the faults and the rate limit's token buckets.
// - `state`: what every handler reaches. Depends on `data`, `auth`,
//   `faults`, `hash`, `rate_limit`, and `swr::content_range`, the shape it
//   holds (a leaf).
// - `http/`: `body`, `json`, `params` (the helpers) and `connection`
//   depend on nothing in the crate; `middleware` and `routes` sit above the
//   providers and dispatch to them.
// - `swr/`, `uhub/`: one file an API area. They depend on `data`, `state`,
//   `hash` and `http`'s helpers, never on each other nor on
//   `http::{connection, middleware, routes}`.
// - `control`: the control route (`/_emulator/push`), a provider of the
//   emulator's own: `data`, `state` and `http`'s `body` and `json`.
// - `emulator` (the lifecycle), `clients`, `fuzzing`: on top of it all.
mod auth;
mod clients;
mod control;
mod data;
mod emulator;
mod faults;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod hash;
mod http;
mod rate_limit;
mod state;
mod swr;
mod uhub;

pub use auth::{
    AuthConfig, DEMO_HUAWEI_AK, DEMO_HUAWEI_SK, DEMO_TOKEN, DEMO_UCLOUD_PRIVATE_KEY,
    DEMO_UCLOUD_PUBLIC_KEY,
};
pub use clients::{DEMO_UCLOUD_REGION, demo_env};
pub use data::{
    DATASET_FORMAT, Dataset, DatasetError, GenerateError, GenerateOptions, MAX_GENERATED_TAGS,
    NamespaceRecord, OfficialImageRecord, OfficialTagRecord, PushError, RepositoryRecord,
    TagRecord,
};
pub use emulator::{Emulator, EmulatorBuilder, StartError};
pub use faults::{Fault, FaultConfig, FaultError};
pub use http::ConnectionOptions;
pub use swr::{ContentRangeShape, ContentRangeShapeError};

/// The README's examples, compiled and run as doc tests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
