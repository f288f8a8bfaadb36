//! A local Huawei Cloud SWR and UCloud UHub server, for tests and benchmarks.
//!
//! ```
//! use wharf_emulator::{Catalog, Emulator, GenerateOptions};
//!
//! let catalog = Catalog::generate(&GenerateOptions::new(2, 30, 3, 5, 42))?;
//! let emulator = Emulator::builder().catalog(catalog).start_background()?;
//! let base_url = emulator.base_url(); // http://127.0.0.1:PORT, for both SDKs
//! assert!(base_url.starts_with("http://127.0.0.1:"));
//! assert_eq!(emulator.catalog().repository_count(), 30);
//! drop(emulator); // stops it
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! One in-memory [`Catalog`] is served through both APIs: SWR namespaces are
//! UHub repos, SWR repositories are UHub images. Requests are checked with
//! `wharf-auth` ([`AuthConfig`]), and faults can be injected deterministically
//! ([`FaultConfig`]). The crate README documents the endpoints, the error
//! codes, the dataset format and the command line.

mod auth;
mod body;
mod catalog;
mod dataset;
mod demo;
mod faults;
mod front;
mod generate;
mod json;
mod listing;
mod params;
mod serve;
mod server;
mod swr;
mod uhub;

pub use auth::{
    AuthConfig, DEMO_HUAWEI_AK, DEMO_HUAWEI_SK, DEMO_TOKEN, DEMO_UCLOUD_PRIVATE_KEY,
    DEMO_UCLOUD_PUBLIC_KEY,
};
pub use catalog::{
    Catalog, NamespaceRecord, OfficialImageRecord, OfficialTagRecord, RepositoryRecord, TagRecord,
};
pub use dataset::{DATASET_FORMAT, DatasetError};
pub use faults::{Fault, FaultConfig};
pub use generate::{GenerateError, GenerateOptions, MAX_GENERATED_TAGS};
pub use serve::ConnectionOptions;
pub use server::{Emulator, EmulatorBuilder};

/// The README's examples, compiled and run as doc tests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
