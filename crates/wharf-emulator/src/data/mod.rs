//! The catalog in memory: the records both APIs serve ([`Dataset`]), their
//! JSON file format, the seeded generator and the demo dataset, the
//! [`Index`] worked out when a dataset is loaded (every order, each
//! namespace's slice, each repository's SWR JSON encoded once), and the
//! changes deletes and pushes make to it in place (`change`).
//!
//! It depends on nothing else in the crate but [`hash`](crate::hash): it
//! knows no protocol, no request and no server.

mod change;
mod dataset;
mod demo;
mod encode;
mod file;
mod generate;
mod index;
mod store;

pub use change::PushError;
pub(crate) use change::{Missing, check_tag};
pub use dataset::{
    Dataset, NamespaceRecord, OfficialImageRecord, OfficialTagRecord, RepositoryRecord, TagRecord,
};
pub use file::{DATASET_FORMAT, DatasetError};
pub(crate) use generate::check as generate_check;
pub use generate::{GenerateError, GenerateOptions, MAX_GENERATED_TAGS};
pub(crate) use index::{Index, View, page};
pub(crate) use store::{Repo, Tag};
