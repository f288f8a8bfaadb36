//! Huawei Cloud SWR response bodies.

use std::fmt;

use serde::{Deserialize, Serialize};

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
    pub struct RepositoryInfo {
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

lossless_struct! {
    /// One of the caller's repositories in full
    /// (`GET /v2/manage/namespaces/{namespace}/repos/{repository}`, the
    /// official SDK's `show_repository`, huaweicloudsdkswr 3.1.219).
    ///
    /// No seed page documents it: the fields are the SDK's
    /// `ShowRepositoryResponse`, which marks none of them required, so only
    /// the name is. Unlike a listed [`RepositoryInfo`] it names no namespace
    /// (the caller asked for one) and its instants are `created` and
    /// `updated`, not `created_at` and `updated_at`.
    pub struct RepositoryDetail {
        /// Repository id.
        opt id: u64 = "id",
        /// Id of its namespace.
        opt ns_id: u64 = "ns_id",
        /// Repository name; may contain `/`.
        req name: String = "name",
        /// Category.
        opt category: Category = "category",
        /// Description.
        opt description: String = "description",
        /// Id of the IAM user who created it.
        opt creator_id: String = "creator_id",
        /// Name of the IAM user who created it.
        opt creator_name: String = "creator_name",
        /// Total size of its images in bytes.
        opt size: u64 = "size",
        /// Whether anyone may pull it.
        opt is_public: bool = "is_public",
        /// Number of images (tags).
        opt num_images: u64 = "num_images",
        /// Number of downloads.
        opt num_download: u64 = "num_download",
        /// Logo URL (documented as not used yet).
        opt url: String = "url",
        /// External `docker pull` address.
        opt path: String = "path",
        /// In-cluster `docker pull` address.
        opt internal_path: String = "internal_path",
        /// When it was created (UTC).
        opt created: Timestamp = "created",
        /// When it last changed (UTC).
        opt updated: Timestamp = "updated",
        /// The account (domain) id.
        opt domain_id: String = "domain_id",
        /// Sort priority.
        opt priority: i64 = "priority",
    }
}

/// What the caller may do in a namespace: the `auth` of [`NamespaceInfo`].
///
/// The SDK documents three values (7 manage, 3 edit, 1 read), which read
/// as bit sets (read 1, edit 2, manage 4); any other number is kept as it
/// came.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct NamespaceAuth(pub u64);

impl NamespaceAuth {
    /// `7`: manage (and edit and read).
    pub const MANAGE: NamespaceAuth = NamespaceAuth(7);
    /// `3`: edit (and read).
    pub const EDIT: NamespaceAuth = NamespaceAuth(3);
    /// `1`: read.
    pub const READ: NamespaceAuth = NamespaceAuth(1);
}

impl fmt::Display for NamespaceAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

lossless_struct! {
    /// One namespace (organization) the caller may see, in the body of
    /// `GET /v2/manage/namespaces` ([`ListNamespacesResponse`]).
    ///
    /// The validated name is [`NamespaceName`](crate::NamespaceName).
    pub struct NamespaceInfo {
        /// Namespace id.
        req id: u64 = "id",
        /// Namespace name.
        req name: String = "name",
        /// The IAM user who created it.
        req creator_name: String = "creator_name",
        /// What the caller may do in it.
        req auth: NamespaceAuth = "auth",
    }
}

lossless_struct! {
    /// The body of `GET /v2/manage/namespaces`: `{"namespaces": [...]}`, not
    /// paged.
    pub struct ListNamespacesResponse {
        /// The namespaces.
        req namespaces: Vec<NamespaceInfo> = "namespaces",
    }
}

lossless_struct! {
    /// One tag of one of the caller's repositories
    /// (`GET /v2/manage/namespaces/{namespace}/repos/{repository}/tags`).
    pub struct RepositoryTag {
        /// Tag id.
        req id: u64 = "id",
        /// Id of the repository the tag belongs to.
        req repo_id: u64 = "repo_id",
        /// Tag name, such as `v1`; the only capitalised key on the wire (`Tag`).
        req tag: String = "Tag",
        /// Image id (the image config's digest, as hex).
        req image_id: String = "image_id",
        /// The image manifest, as JSON text.
        req manifest: String = "manifest",
        /// Manifest digest, such as `sha256:` and 64 hex digits.
        req digest: String = "digest",
        /// Docker manifest schema version: 1 or 2.
        req schema: u64 = "schema",
        /// External `docker pull` address, `REGISTRY/NAMESPACE/REPOSITORY:TAG`.
        req path: String = "path",
        /// In-cluster `docker pull` address.
        req internal_path: String = "internal_path",
        /// Image size in bytes.
        req size: u64 = "size",
        /// Whether the image is trusted; documented as `false` by default.
        req is_trusted: bool = "is_trusted",
        /// When the image was created (UTC).
        req created: Timestamp = "created",
        /// When the image last changed (UTC).
        req updated: Timestamp = "updated",
        /// When the image was deleted (UTC). Documented as a string; a live
        /// tag carries `null` or another value that is no timestamp (such
        /// as `""`), which is then kept in `extra` and encodes back as it
        /// came.
        loose deleted: Timestamp = "deleted",
        /// The account (domain) id.
        req domain_id: String = "domain_id",
        /// Whether the image was scanned.
        req scanned: bool = "scanned",
        /// `0` for a manifest, `1` for a manifest list.
        req tag_type: u64 = "tag_type",
    }
}

lossless_struct! {
    /// One tag in full
    /// (`GET /v2/manage/namespaces/{namespace}/repos/{repository}/tags/{tag}`,
    /// the SDK's `ShowRepoTagResponse`): the list's fields, but the tag's
    /// name is `tag`, lowercase, where a listed [`RepositoryTag`] has `Tag`.
    pub struct RepositoryTagDetail {
        /// Tag id.
        req id: u64 = "id",
        /// Id of the repository the tag belongs to.
        req repo_id: u64 = "repo_id",
        /// Tag name, such as `v1` (`tag` on the wire).
        req tag: String = "tag",
        /// Image id (the image config's digest, as hex).
        req image_id: String = "image_id",
        /// The image manifest, as JSON text.
        req manifest: String = "manifest",
        /// Manifest digest, such as `sha256:` and 64 hex digits.
        req digest: String = "digest",
        /// Docker manifest schema version: 1 or 2.
        req schema: u64 = "schema",
        /// External `docker pull` address, `REGISTRY/NAMESPACE/REPOSITORY:TAG`.
        req path: String = "path",
        /// In-cluster `docker pull` address.
        req internal_path: String = "internal_path",
        /// Image size in bytes.
        req size: u64 = "size",
        /// Whether the image is trusted; documented as `false` by default.
        req is_trusted: bool = "is_trusted",
        /// When the image was created (UTC).
        req created: Timestamp = "created",
        /// When the image last changed (UTC).
        req updated: Timestamp = "updated",
        /// The account (domain) id.
        req domain_id: String = "domain_id",
        /// `0` for a manifest, `1` for a manifest list.
        req tag_type: u64 = "tag_type",
    }
}

impl RepositoryInfo {
    /// Where it is, to list its tags or show it: its namespace and name,
    /// validated (a name the server sent outside the naming rules is an
    /// error, not a request to a wrong path).
    ///
    /// ```
    /// use wharf_model::RepositoryInfo;
    ///
    /// let json = r#"{"name":"api/gateway","category":"other","namespace":"team",
    ///     "num_images":1,"num_download":0,"size":0,"internal_path":"","path":"",
    ///     "is_public":false,"created_at":"2024-01-01T00:00:00Z",
    ///     "updated_at":"2024-01-01T00:00:00Z","domain_name":"","status":false,
    ///     "tags":[],"total_range":1}"#;
    /// let repo: RepositoryInfo = serde_json::from_str(json)?;
    /// assert_eq!(repo.image_ref()?.to_string(), "team/api/gateway");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn image_ref(&self) -> Result<crate::ImageRef, crate::NameError> {
        image_ref(&self.namespace, &self.name)
    }
}

impl OfficialImage {
    /// Where it is, to list its tags or show it; `None` for an entry
    /// without a name (the docs give names only to images of type "image").
    pub fn image_ref(&self) -> Option<Result<crate::ImageRef, crate::NameError>> {
        let name = self.name.as_deref()?;
        Some(image_ref(&self.namespace, name))
    }
}

fn image_ref(namespace: &str, name: &str) -> Result<crate::ImageRef, crate::NameError> {
    Ok(crate::ImageRef::new(namespace.parse()?, name.parse()?))
}
