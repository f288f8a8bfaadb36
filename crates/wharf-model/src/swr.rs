//! Huawei Cloud SWR response bodies.

use crate::lossless::lossless_struct;
use crate::{Category, Timestamp};

/// The response header that carries SWR's request id (`X-Request-Id`), in
/// lowercase as HTTP/2 and the `http` crate spell header names.
pub const SWR_REQUEST_ID_HEADER: &str = "x-request-id";

lossless_struct! {
    /// One tag of an official image
    /// (`GET /v2/manage/dockerhub/namespaces/{namespace}/repos/{repository}/tags`).
    pub struct OfficialImageTag {
        /// Tag id.
        req id: u64 = "id",
        /// Tag name, such as `1.2`.
        req name: String = "name",
        /// Image size in bytes.
        req size: u64 = "size",
        /// When the tag last changed.
        req last_updated: Timestamp = "last_updated",
    }
}

lossless_struct! {
    /// One official image in a listing (`GET /v2/manage/dockerhub/repos`).
    pub struct OfficialImage {
        /// Image id.
        req id: u64 = "id",
        /// Owning user, such as `official`.
        req user: String = "user",
        /// Image name; documented as present only for images of type "image".
        opt name: String = "name",
        /// Namespace (organization).
        req namespace: String = "namespace",
        /// Short description.
        req description: String = "description",
        /// How many users starred it.
        req star_count: u64 = "star_count",
        /// How many times it was pulled.
        req pull_count: u64 = "pull_count",
        /// Id of the caller's collection entry for it (`0` when none).
        req collection_id: u64 = "collection_id",
        /// When it last changed.
        req last_updated: Timestamp = "last_updated",
        /// Total number of official images matching the query, on every item.
        loose total_range: u64 = "total_range",
    }
}

lossless_struct! {
    /// One official image in full
    /// (`GET /v2/manage/dockerhub/namespaces/{namespace}/repos/{repository}`).
    pub struct OfficialImageDetail {
        /// Image id.
        req id: u64 = "id",
        /// Owning user, such as `official`.
        req user: String = "user",
        /// Image name; documented as present only for images of type "image".
        opt name: String = "name",
        /// Namespace (organization).
        req namespace: String = "namespace",
        /// Short description, for listings.
        req description: String = "description",
        /// Long description.
        req full_description: String = "full_description",
        /// How many users starred it.
        req star_count: u64 = "star_count",
        /// How many times it was pulled.
        req pull_count: u64 = "pull_count",
        /// Id of the caller's collection entry for it (`0` when none).
        req collection_id: u64 = "collection_id",
        /// When it last changed.
        req last_updated: Timestamp = "last_updated",
    }
}

lossless_struct! {
    /// One repository of the caller's (`GET /v2/manage/repos`).
    pub struct Repository {
        /// Repository name; may contain `/`.
        req name: String = "name",
        /// Category.
        req category: Category = "category",
        /// Description; missing from the seed page's own example.
        opt description: String = "description",
        /// Total size of its images in bytes.
        req size: u64 = "size",
        /// Whether anyone may pull it.
        req is_public: bool = "is_public",
        /// Number of image versions (tags).
        req num_images: u64 = "num_images",
        /// Number of downloads.
        req num_download: u64 = "num_download",
        /// When it was created (UTC).
        req created_at: Timestamp = "created_at",
        /// When it last changed (UTC).
        req updated_at: Timestamp = "updated_at",
        /// Logo URL (documented as reserved).
        opt url: String = "url",
        /// External `docker pull` address.
        req path: String = "path",
        /// In-cluster `docker pull` address.
        req internal_path: String = "internal_path",
        /// Tenant (domain) name.
        req domain_name: String = "domain_name",
        /// Namespace.
        req namespace: String = "namespace",
        /// Tag names.
        req tags: Vec<String> = "tags",
        /// Logo, returned by the real API but not documented. Undocumented
        /// fields of an unexpected type are kept in `extra` instead.
        loose logo: String = "logo",
        /// Status flag, returned by the real API but not documented.
        loose status: bool = "status",
        /// Total number of repositories matching the query, on every item.
        loose total_range: u64 = "total_range",
    }
}
