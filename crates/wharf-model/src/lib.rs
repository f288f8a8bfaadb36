//! Serde types for the image catalogs of Huawei Cloud SWR and UCloud UHub.
//!
//! Decoding is **lossless**: fields wharf does not know are kept in each
//! object's `extra` map, so decoding then encoding gives back the same JSON.
//! It is **tolerant** where the real APIs are loose ([`Timestamp`] takes four
//! shapes, [`RetCode`] a number or a string, [`Category`] unknown values) and
//! **strict** where a mistake would hurt ([`NamespaceName`] and [`RepositoryName`]
//! are validated, with errors that name the rule and the position).
//!
//! ```
//! use wharf_model::{Category, RepositoryInfo};
//!
//! let json = r#"[{"name":"nginx","category":"linux","description":"","size":1,
//!   "is_public":false,"num_images":2,"num_download":0,
//!   "created_at":"2017-01-01T00:00:00Z","updated_at":"2017-09-12 10:33:22",
//!   "path":"swr.cn-north-4.myhuaweicloud.com/team/nginx","internal_path":"",
//!   "domain_name":"root","namespace":"team","tags":["latest"],"new_field":7}]"#;
//! let repos: Vec<RepositoryInfo> = serde_json::from_str(json)?;
//! assert_eq!(repos[0].category, Category::Linux);
//! assert_eq!(repos[0].updated_at.instant().as_second(), 1505212402);
//! assert_eq!(repos[0].extra["new_field"], 7);
//!
//! let again: serde_json::Value = serde_json::to_value(&repos)?;
//! assert_eq!(again, serde_json::from_str::<serde_json::Value>(json)?);
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! This crate does no I/O. `wharf-parse` turns queries into filter strings and
//! reads `Content-Range`; the `wharf` crate sends requests.

mod category;
mod flex;
mod lossless;
mod name;
mod provider;
mod swr;
mod timestamp;
mod uhub;
mod unknown;

pub use category::Category;
pub use flex::{BoolString, RetCode};
pub use name::{
    NameError, NameKind, NameRule, NamespaceName, RepositoryName, SlashEncoding, TagName,
};
pub use provider::Provider;
pub use swr::{
    Center, ImageRef, NamespaceMode, NamespacesQuery, OfficialImageTagsQuery, OfficialImagesQuery,
    OrderColumn, OrderType, PageRequest, RepositoryQuery, RepositoryTagsQuery, TagOrderColumn,
    TagRef,
};
pub use swr::{ErrorShape, SwrError};
pub use swr::{
    ListNamespacesResponse, NamespaceAuth, NamespaceInfo, OfficialImage, OfficialImageDetail,
    OfficialImageTag, RepositoryDetail, RepositoryInfo, RepositoryTag, RepositoryTagDetail,
    SWR_REQUEST_ID_HEADER,
};
pub use timestamp::{Timestamp, TimestampError, TimestampFormat};
pub use uhub::{
    DeleteRepoImageRequest, GetImageTagRequest, GetImageTagResponse, GetRepoImageRequest,
    GetRepoImageResponse, GetRepoRequest, GetRepoResponse, ImageSet, RepoSet, RepoType, TagSet,
    UHUB_REQUEST_ID_HEADER, UhubAction, UhubItem, UhubListAction, UhubResponse, UhubStatus,
};
pub use unknown::UnknownValue;

/// The README's examples, compiled and run as doc tests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
