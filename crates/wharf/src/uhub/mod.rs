//! UCloud UHub, all in one place: its configuration, its client and
//! actions, what its RetCodes mean, its catalog, and how a catalog spec
//! opens it. The paging, retries and the neutral catalog types it builds
//! on know no provider.

mod catalog;
mod client;
mod config;
mod connect;
pub(crate) mod error;
mod record;

pub use catalog::UhubCatalog;
pub use client::UhubClient;
pub(crate) use client::check_name;
pub use config::{UHUB_ENDPOINT, UhubConfig, UhubMethod};
pub(crate) use connect::catalog as connect_catalog;
pub use record::UhubRecord;
