//! UCloud UHub: the response envelope, its items, and the action parameters.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::lossless::{KeySeed, lossless_struct};
use crate::{BoolString, RetCode, TagName, Timestamp};

/// The response header that carries UHub's request id
/// (`X-UCloud-Request-UUID`), in lowercase.
pub const UHUB_REQUEST_ID_HEADER: &str = "x-ucloud-request-uuid";

lossless_struct! {
    /// One image of a UHub repo (an item of `ImageSet`, from `GetRepoImage`).
    pub struct ImageSet {
        /// Image name (SWR: repository).
        req image_name: String = "ImageName",
        /// How many times it was pulled.
        req pull_count: u64 = "PullCount",
        /// When it was created.
        req create_time: Timestamp = "CreateTime",
        /// When it last changed.
        req update_time: Timestamp = "UpdateTime",
        /// The most recently pushed tag.
        req latest_tag: String = "LatestTag",
        /// The repo it belongs to; documented, but missing from the seed example.
        opt repo_name: String = "RepoName",
    }
}

lossless_struct! {
    /// One tag of a UHub image (an item of `TagSet`, from `GetImageTag`).
    pub struct TagSet {
        /// Tag name.
        req tag_name: String = "TagName",
        /// When it last changed.
        req update_time: Timestamp = "UpdateTime",
        /// Image digest, when the server sends it.
        opt digest: String = "Digest",
    }
}

lossless_struct! {
    /// One UHub repo (an item of `RepoSet`, from `GetRepo`).
    pub struct RepoSet {
        /// Repo name (SWR: namespace).
        req repo_name: String = "RepoName",
        /// When it was created.
        req create_time: Timestamp = "CreateTime",
        /// When it last changed.
        req update_time: Timestamp = "UpdateTime",
        /// Description.
        opt description: String = "Description",
        /// Whether it is shared (`"true"`/`"false"` on the wire).
        req is_shared: BoolString = "IsShared",
        /// Whether it is visible outside (`"true"`/`"false"` on the wire).
        req is_out_side: BoolString = "IsOutSide",
    }
}

/// An item type of a UHub listing, and the envelope key that holds it.
pub trait UhubItem: Serialize + for<'de> Deserialize<'de> {
    /// The envelope key of the item array, such as `ImageSet`.
    const SET_KEY: &'static str;
}

impl UhubItem for ImageSet {
    const SET_KEY: &'static str = "ImageSet";
}

impl UhubItem for TagSet {
    const SET_KEY: &'static str = "TagSet";
}

impl UhubItem for RepoSet {
    const SET_KEY: &'static str = "RepoSet";
}

/// The UHub response envelope: `RetCode`, `Action`, `Message`, `TotalCount` and
/// the item set, plus any fields wharf does not know.
///
/// HTTP status is 200 even on failure; check [`UhubResponse::ret_code`]. On
/// failure the set is usually missing, so it is an `Option`.
///
/// ```
/// use wharf_model::{GetRepoImageResponse};
///
/// let r: GetRepoImageResponse = serde_json::from_str(
///     r#"{"Action":"GetRepoImageResponse","RetCode":0,"TotalCount":1,
///         "ImageSet":[{"ImageName":"nginx","PullCount":3,"CreateTime":1,
///                      "UpdateTime":"2","LatestTag":"1.25"}]}"#,
/// )?;
/// assert!(r.ret_code.is_success());
/// assert_eq!(r.items()[0].image_name, "nginx");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UhubResponse<T> {
    /// `0` on success.
    pub ret_code: RetCode,
    /// `<Action>Response`.
    pub action: Option<String>,
    /// Error message when `RetCode` is not 0.
    pub message: Option<String>,
    /// Total number of items; not to be trusted alone (see api-notes 2.2).
    pub total_count: Option<u64>,
    /// The items (`ImageSet`, `TagSet` or `RepoSet`).
    pub set: Option<Vec<T>>,
    /// Fields wharf does not know, kept for encoding back.
    pub extra: Map<String, Value>,
}

/// `GetRepoImage`'s response.
pub type GetRepoImageResponse = UhubResponse<ImageSet>;
/// `GetImageTag`'s response.
pub type GetImageTagResponse = UhubResponse<TagSet>;
/// `GetRepo`'s response.
pub type GetRepoResponse = UhubResponse<RepoSet>;

impl<T> Default for UhubResponse<T> {
    fn default() -> Self {
        UhubResponse {
            ret_code: RetCode::SUCCESS,
            action: None,
            message: None,
            total_count: None,
            set: None,
            extra: Map::new(),
        }
    }
}

impl<T> UhubResponse<T> {
    /// A successful response to `action` (the `Response` suffix is added).
    pub fn success(action: &str, total_count: u64, items: Vec<T>) -> Self {
        UhubResponse {
            action: Some(format!("{action}Response")),
            total_count: Some(total_count),
            set: Some(items),
            ..UhubResponse::default()
        }
    }

    /// A failed response to `action`.
    pub fn failure(action: &str, ret_code: RetCode, message: impl Into<String>) -> Self {
        UhubResponse {
            ret_code,
            action: Some(format!("{action}Response")),
            message: Some(message.into()),
            ..UhubResponse::default()
        }
    }

    /// The items, or none when the set was missing.
    pub fn items(&self) -> &[T] {
        self.set.as_deref().unwrap_or_default()
    }
}

impl<T: UhubItem> Serialize for UhubResponse<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("RetCode", &self.ret_code)?;
        if let Some(action) = &self.action {
            map.serialize_entry("Action", action)?;
        }
        if let Some(message) = &self.message {
            map.serialize_entry("Message", message)?;
        }
        if let Some(total) = &self.total_count {
            map.serialize_entry("TotalCount", total)?;
        }
        if let Some(set) = &self.set {
            map.serialize_entry(T::SET_KEY, set)?;
        }
        for (key, value) in &self.extra {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de, T: UhubItem> Deserialize<'de> for UhubResponse<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EnvelopeVisitor(PhantomData))
    }
}

struct EnvelopeVisitor<T>(PhantomData<T>);

impl<'de, T: UhubItem> Visitor<'de> for EnvelopeVisitor<T> {
    type Value = UhubResponse<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a UHub response object with RetCode and {}", T::SET_KEY)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut ret_code = None;
        let mut out = UhubResponse::<T>::default();
        while let Some(key) = access.next_key_seed(KeySeed)? {
            let name = key.as_str();
            let known = matches!(name, "RetCode" | "Action" | "Message" | "TotalCount")
                || name == T::SET_KEY;
            if known && (out.is_set(name) || ret_code.is_some() && name == "RetCode") {
                return Err(de::Error::custom(format_args!("duplicate field `{name}`")));
            }
            // An explicit `null`, or a TotalCount that is not a count, is kept
            // in `extra` so it encodes back.
            let kept = match name {
                "RetCode" => {
                    ret_code = Some(access.next_value::<RetCode>()?);
                    None
                }
                "Action" => store(&mut out.action, access.next_value()?),
                "Message" => store(&mut out.message, access.next_value()?),
                "TotalCount" => store_loose(&mut out.total_count, access.next_value()?),
                _ if known => store(&mut out.set, access.next_value()?),
                _ => Some(access.next_value()?),
            };
            if let Some(value) = kept {
                out.extra.insert(key.into_string(), value);
            }
        }
        out.ret_code = ret_code.ok_or_else(|| de::Error::missing_field("RetCode"))?;
        Ok(out)
    }
}

impl<T> UhubResponse<T> {
    /// Whether a known field was already read (as a value, or as a kept `null`).
    fn is_set(&self, name: &str) -> bool {
        let typed = match name {
            "Action" => self.action.is_some(),
            "Message" => self.message.is_some(),
            "TotalCount" => self.total_count.is_some(),
            "RetCode" => false,
            _ => self.set.is_some(),
        };
        typed || self.extra.contains_key(name)
    }
}

/// Stores a value; gives back an explicit `null` to keep.
fn store<V>(slot: &mut Option<V>, value: Option<V>) -> Option<Value> {
    match value {
        Some(v) => {
            *slot = Some(v);
            None
        }
        None => Some(Value::Null),
    }
}

/// Stores a value of the expected type; gives back any other value to keep.
fn store_loose<V: for<'a> Deserialize<'a>>(slot: &mut Option<V>, value: Value) -> Option<Value> {
    if value.is_null() {
        return Some(value);
    }
    match V::deserialize(&value) {
        Ok(v) => {
            *slot = Some(v);
            None
        }
        Err(_) => Some(value),
    }
}

/// A UHub action: its name and its parameters.
pub trait UhubAction {
    /// The `Action` parameter, such as `GetRepoImage`.
    const ACTION: &'static str;

    /// The action's own parameters (not `Action`, `PublicKey` or `Signature`),
    /// as the form or query fields to send.
    fn params(&self) -> Vec<(&'static str, String)>;
}

/// A UHub action that lists: the item type of its set, and its page.
pub trait UhubListAction: UhubAction {
    /// The item type of the response.
    type Item: UhubItem;

    /// The page asked for: `Offset` and `Limit`, when set.
    fn page(&self) -> (Option<u64>, Option<u32>);

    /// Asks for the page of `limit` items at `offset`.
    fn set_page(&mut self, offset: u64, limit: u32);
}

/// The paging half of [`UhubListAction`], the same for every action.
macro_rules! paged_action {
    () => {
        fn page(&self) -> (Option<u64>, Option<u32>) {
            (self.offset, self.limit)
        }

        fn set_page(&mut self, offset: u64, limit: u32) {
            self.offset = Some(offset);
            self.limit = Some(limit);
        }
    };
}

/// The setters of the parameters every action shares, so a request is one
/// expression: `GetRepoImageRequest::new("team").with_limit(50)`.
macro_rules! common_setters {
    () => {
        /// Starting at item `offset` (for the one-page call; a paginator
        /// chooses its own).
        pub fn with_offset(mut self, offset: u64) -> Self {
            self.offset = Some(offset);
            self
        }

        /// At most `limit` items (for the one-page call; a paginator
        /// chooses its own).
        pub fn with_limit(mut self, limit: u32) -> Self {
            self.limit = Some(limit);
            self
        }

        /// In project `project_id` instead of the default project.
        pub fn with_project_id(mut self, project_id: impl Into<String>) -> Self {
            self.project_id = Some(project_id.into());
            self
        }
    };
}

/// Pushes the common paging and project parameters.
fn push_common(
    params: &mut Vec<(&'static str, String)>,
    offset: Option<u64>,
    limit: Option<u32>,
    project_id: &Option<String>,
) {
    if let Some(project_id) = project_id {
        params.push(("ProjectId", project_id.clone()));
    }
    if let Some(offset) = offset {
        params.push(("Offset", offset.to_string()));
    }
    if let Some(limit) = limit {
        params.push(("Limit", limit.to_string()));
    }
}

/// `GetRepoImage`: the images of one UHub repo.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct GetRepoImageRequest {
    /// The repo (SWR: namespace). Required.
    pub repo_name: String,
    /// First item, default 0.
    pub offset: Option<u64>,
    /// Page size, default 20.
    pub limit: Option<u32>,
    /// Project; the default project when `None`.
    pub project_id: Option<String>,
}

impl GetRepoImageRequest {
    /// A request for the first page of `repo_name`'s images.
    pub fn new(repo_name: impl Into<String>) -> Self {
        GetRepoImageRequest {
            repo_name: repo_name.into(),
            ..Default::default()
        }
    }

    common_setters!();
}

impl UhubListAction for GetRepoImageRequest {
    type Item = ImageSet;

    paged_action!();
}

impl UhubAction for GetRepoImageRequest {
    const ACTION: &'static str = "GetRepoImage";

    fn params(&self) -> Vec<(&'static str, String)> {
        let mut params = vec![("RepoName", self.repo_name.clone())];
        push_common(&mut params, self.offset, self.limit, &self.project_id);
        params
    }
}

/// `GetImageTag`: the tags of one image.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct GetImageTagRequest {
    /// The repo (SWR: namespace). Required.
    pub repo_name: String,
    /// The image (SWR: repository). Required.
    pub image_name: String,
    /// Only this tag, when set.
    pub tag_name: Option<String>,
    /// First item, default 0.
    pub offset: Option<u64>,
    /// Page size, default 20.
    pub limit: Option<u32>,
    /// Project; the default project when `None`.
    pub project_id: Option<String>,
}

impl GetImageTagRequest {
    /// A request for the first page of an image's tags.
    pub fn new(repo_name: impl Into<String>, image_name: impl Into<String>) -> Self {
        GetImageTagRequest {
            repo_name: repo_name.into(),
            image_name: image_name.into(),
            ..Default::default()
        }
    }

    /// Only the tag `tag_name`.
    pub fn with_tag(mut self, tag_name: impl Into<String>) -> Self {
        self.tag_name = Some(tag_name.into());
        self
    }

    common_setters!();
}

impl UhubListAction for GetImageTagRequest {
    type Item = TagSet;

    paged_action!();
}

impl UhubAction for GetImageTagRequest {
    const ACTION: &'static str = "GetImageTag";

    fn params(&self) -> Vec<(&'static str, String)> {
        let mut params = vec![
            ("RepoName", self.repo_name.clone()),
            ("ImageName", self.image_name.clone()),
        ];
        if let Some(tag) = &self.tag_name {
            params.push(("TagName", tag.clone()));
        }
        push_common(&mut params, self.offset, self.limit, &self.project_id);
        params
    }
}

/// Which repos `GetRepo` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RepoType {
    /// `private`
    Private,
    /// `public`
    Public,
}

impl RepoType {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            RepoType::Private => "private",
            RepoType::Public => "public",
        }
    }
}

/// `GetRepo`: the caller's UHub repos.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct GetRepoRequest {
    /// Only private or only public repos, when set.
    pub repo_type: Option<RepoType>,
    /// First item, default 0.
    pub offset: Option<u64>,
    /// Page size, default 20.
    pub limit: Option<u32>,
    /// Project; the default project when `None`.
    pub project_id: Option<String>,
}

impl GetRepoRequest {
    /// A request for the first page of the account's repos of `repo_type`.
    pub fn new(repo_type: RepoType) -> Self {
        GetRepoRequest {
            repo_type: Some(repo_type),
            ..Default::default()
        }
    }

    common_setters!();
}

impl UhubListAction for GetRepoRequest {
    type Item = RepoSet;

    paged_action!();
}

impl UhubAction for GetRepoRequest {
    const ACTION: &'static str = "GetRepo";

    fn params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if let Some(kind) = self.repo_type {
            params.push(("Type", kind.as_str().to_owned()));
        }
        push_common(&mut params, self.offset, self.limit, &self.project_id);
        params
    }
}

/// `DeleteRepoImage` with a `TagName`: deletes one tag of one image.
///
/// UHub's `DeleteRepoImage` without a `TagName` deletes **every tag** of the
/// image (the SDK's docstring: "不指定tag则删除全部tag"). This request cannot
/// be made without one: the tag is a [`TagName`], which is never empty, and
/// the fields are private, so no request wharf sends deletes more than the
/// one tag it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteRepoImageRequest {
    repo_name: String,
    image_name: String,
    tag_name: TagName,
    project_id: Option<String>,
}

impl DeleteRepoImageRequest {
    /// Deletes tag `tag_name` of image `image_name` in repo `repo_name`.
    pub fn new(
        repo_name: impl Into<String>,
        image_name: impl Into<String>,
        tag_name: TagName,
    ) -> Self {
        DeleteRepoImageRequest {
            repo_name: repo_name.into(),
            image_name: image_name.into(),
            tag_name,
            project_id: None,
        }
    }

    /// In project `project_id` instead of the default project.
    pub fn with_project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// The repo (SWR: namespace).
    pub fn repo_name(&self) -> &str {
        &self.repo_name
    }

    /// The image (SWR: repository).
    pub fn image_name(&self) -> &str {
        &self.image_name
    }

    /// The one tag deleted.
    pub fn tag_name(&self) -> &TagName {
        &self.tag_name
    }
}

impl UhubAction for DeleteRepoImageRequest {
    const ACTION: &'static str = "DeleteRepoImage";

    fn params(&self) -> Vec<(&'static str, String)> {
        let mut params = vec![
            ("RepoName", self.repo_name.clone()),
            ("ImageName", self.image_name.clone()),
            ("TagName", self.tag_name.to_string()),
        ];
        push_common(&mut params, None, None, &self.project_id);
        params
    }
}

/// The envelope of an action that answers with its status alone, such as
/// `DeleteRepoImage`: `RetCode`, `Action`, `Message`, and any other field.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UhubStatus {
    /// `0` on success.
    #[serde(rename = "RetCode")]
    pub ret_code: RetCode,
    /// `<Action>Response`.
    #[serde(rename = "Action", default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Error message when `RetCode` is not 0.
    #[serde(rename = "Message", default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Fields wharf does not know, kept for encoding back.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl UhubStatus {
    /// A successful answer to `action` (the `Response` suffix is added).
    pub fn success(action: &str) -> Self {
        UhubStatus {
            action: Some(format!("{action}Response")),
            ..UhubStatus::default()
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_delete_always_names_its_tag() {
        let tag = crate::TagName::new("v1").unwrap();
        let request = super::DeleteRepoImageRequest::new("team", "api/gateway", tag);
        let params = super::UhubAction::params(&request);
        assert!(params.contains(&("TagName", "v1".to_owned())), "{params:?}");
        assert_eq!(
            <super::DeleteRepoImageRequest as super::UhubAction>::ACTION,
            "DeleteRepoImage"
        );
    }

    #[test]
    fn a_status_keeps_what_it_does_not_know() {
        let json = r#"{"RetCode":0,"Action":"DeleteRepoImageResponse","Extra":1}"#;
        let status: super::UhubStatus = serde_json::from_str(json).unwrap();
        assert!(status.ret_code.is_success());
        assert_eq!(serde_json::to_string(&status).unwrap(), json);
    }

    use super::*;

    #[test]
    fn envelope_keeps_nulls_and_unknown_fields() {
        let json = r#"{"RetCode":"171","Action":"GetRepoResponse","Message":null,"RepoSet":null,"Extra":[1]}"#;
        let r: GetRepoResponse = serde_json::from_str(json).unwrap();
        assert_eq!(r.ret_code.code(), 171);
        assert!(r.items().is_empty());
        let back = serde_json::to_value(&r).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(json).unwrap());
    }

    #[test]
    fn envelope_needs_a_ret_code() {
        let err = serde_json::from_str::<GetRepoResponse>(r#"{"Action":"x"}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "missing field `RetCode` at line 1 column 14"
        );
    }

    #[test]
    fn params_in_order() {
        let mut r = GetImageTagRequest::new("team", "nginx");
        r.tag_name = Some("1.0".into());
        r.limit = Some(5);
        assert_eq!(
            r.params(),
            vec![
                ("RepoName", "team".to_owned()),
                ("ImageName", "nginx".to_owned()),
                ("TagName", "1.0".to_owned()),
                ("Limit", "5".to_owned()),
            ]
        );
        let g = GetRepoRequest {
            repo_type: Some(RepoType::Public),
            offset: Some(20),
            ..Default::default()
        };
        assert_eq!(
            g.params(),
            vec![("Type", "public".to_owned()), ("Offset", "20".to_owned())]
        );
    }
}
