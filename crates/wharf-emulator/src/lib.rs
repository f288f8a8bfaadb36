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
//! (`/v2/manage/namespaces/{ns}/repos/{repo}/tags`), and
//! the official images, one official image and its tags
//! (`/v2/manage/dockerhub/...`). UHub: `GetRepo`, `GetRepoImage`,
//! `GetImageTag`. Requests are checked with
//! `wharf-auth` ([`AuthConfig`]), and faults can be injected deterministically
//! ([`FaultConfig`]). The crate README documents the endpoints, the error
//! codes, the dataset format and the command line.

// The layout, by what each module holds; dependencies point one way, and
// `tests/layout.rs` checks that they do:
//
// - `hash`: a portable hash and hex text. Depends on nothing in the crate.
// - `data/`: the catalog in memory (records, file format, generator, demo,
//   index, encoded JSON). Depends on nothing in the crate but `hash`.
// - `auth` (nothing), `faults` (`hash`): the credentials and the faults.
// - `state`: what every handler reaches. Depends on `data`, `auth`,
//   `faults`, `hash`, and `swr::content_range`, the shape it holds (a leaf).
// - `http/`: `body`, `json`, `params` (the helpers) and `connection`
//   depend on nothing in the crate; `middleware` and `routes` sit above the
//   providers and dispatch to them.
// - `swr/`, `uhub/`: one file an API area. They depend on `data`, `state`,
//   `hash` and `http`'s helpers, never on each other nor on
//   `http::{connection, middleware, routes}`.
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
