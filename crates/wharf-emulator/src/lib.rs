//! A local Huawei Cloud SWR and UCloud UHub server.

mod catalog;
mod dataset;
mod demo;
mod generate;

pub use catalog::{
    Catalog, NamespaceRecord, OfficialImageRecord, OfficialTagRecord, RepositoryRecord, TagRecord,
};
pub use dataset::{DATASET_FORMAT, DatasetError};
pub use generate::{GenerateError, GenerateOptions, MAX_GENERATED_TAGS};
