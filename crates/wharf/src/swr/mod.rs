//! Huawei Cloud SWR, all in one place: its configuration, its client and
//! operations, its catalogs (the caller's own repositories, and the
//! official images), and how a catalog spec opens them. The paging,
//! retries and the neutral catalog types it builds on know no provider.

mod catalog;
mod client;
mod config;
mod connect;
mod official_catalog;
mod record;

pub use catalog::SwrCatalog;
pub use client::SwrClient;
#[cfg(feature = "fuzzing")]
pub(crate) use client::paged;
pub use config::{QueryForm, SwrConfig};
pub(crate) use connect::catalog as connect_catalog;
pub use official_catalog::OfficialCatalog;
pub use record::SwrRecord;
