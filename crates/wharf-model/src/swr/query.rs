//! SWR request types: what to ask for, before it becomes a URL.

use std::fmt;
use std::str::FromStr;

use crate::{Category, NameError, NamespaceName, RepositoryName, TagName, UnknownValue};

/// Declares a closed enumeration of wire names, with `as_str` and `FromStr`.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
        }

        impl $name {
            /// Every value, in documentation order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            const NAMES: &'static [&'static str] = &[$($wire),*];

            /// The wire name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $wire, )*
                }
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( $wire => Ok($name::$variant), )*
                    _ => Err(UnknownValue::new($what, s, $name::NAMES)),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum!(
    /// Whose repositories to list.
    Center, "center" {
        /// `self`: the caller's own (the server's default).
        Mine = "self",
        /// `thirdparty`: shared by others.
        ThirdParty = "thirdparty",
    }
);

wire_enum!(
    /// The column to sort repositories by.
    OrderColumn, "order_column" {
        /// `name`
        Name = "name",
        /// `updated_time`
        UpdatedTime = "updated_time",
        /// `tag_count`
        TagCount = "tag_count",
        /// `updated_at` (newer docs)
        UpdatedAt = "updated_at",
        /// `namespace` (newer docs)
        Namespace = "namespace",
        /// `is_public` (newer docs)
        IsPublic = "is_public",
    }
);

wire_enum!(
    /// The column to sort a repository's tags by (list repository tags).
    /// The SDK documents one.
    TagOrderColumn, "order_column" {
        /// `updated_at`
        UpdatedAt = "updated_at",
    }
);

wire_enum!(
    /// Which namespaces to list (the `mode` of list namespaces' filter).
    NamespaceMode, "mode" {
        /// `visible`: also those where the caller may only use some
        /// repositories. Without a mode, only those the caller has a
        /// permission on.
        Visible = "visible",
    }
);

wire_enum!(
    /// Sort direction.
    OrderType, "order_type" {
        /// `desc`
        Desc = "desc",
        /// `asc`
        Asc = "asc",
    }
);

/// One page to ask for: skip `offset` items, return at most `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct PageRequest {
    /// Index of the first item.
    pub offset: u64,
    /// Most items to return.
    pub limit: u32,
}

impl PageRequest {
    /// The largest `limit` SWR accepts on its paged lists (repositories,
    /// repository tags).
    pub const MAX_LIMIT: u32 = 1000;
    /// SWR's default `limit`.
    pub const DEFAULT_LIMIT: u32 = 100;

    /// A page of at most `limit` items starting at `offset`.
    pub fn new(offset: u64, limit: u32) -> Self {
        PageRequest { offset, limit }
    }
}

/// What to list with SWR's list repositories call.
///
/// Turned into the `filter` string or the plain query parameters by
/// `wharf-parse`. Every field is optional; the server needs at least one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RepositoryQuery {
    /// Whose repositories (`center`).
    pub center: Option<Center>,
    /// Only this namespace.
    pub namespace: Option<String>,
    /// Names containing this text (the server matches fuzzily).
    pub name: Option<String>,
    /// Only this category.
    pub category: Option<Category>,
    /// Sort column.
    pub order_column: Option<OrderColumn>,
    /// Sort direction.
    pub order_type: Option<OrderType>,
    /// Only public (`true`) or only private (`false`) repositories.
    pub is_public: Option<bool>,
    /// Which page; `offset` and `limit` are sent together or not at all.
    pub page: Option<PageRequest>,
}

/// Setters, so a query is one expression:
/// `RepositoryQuery::default().with_namespace("team").with_public(false)`.
impl RepositoryQuery {
    /// Only repositories of `center`.
    pub fn with_center(mut self, center: Center) -> Self {
        self.center = Some(center);
        self
    }

    /// Only repositories in `namespace`.
    pub fn with_namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// Only repositories whose name contains `name`.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Only repositories of `category`.
    pub fn with_category(mut self, category: Category) -> Self {
        self.category = Some(category);
        self
    }

    /// Sorted by `column` in `direction`.
    pub fn with_order(mut self, column: OrderColumn, direction: OrderType) -> Self {
        self.order_column = Some(column);
        self.order_type = Some(direction);
        self
    }

    /// Only public (`true`) or only private (`false`) repositories.
    pub fn with_public(mut self, is_public: bool) -> Self {
        self.is_public = Some(is_public);
        self
    }

    /// This page (for the one-page call; a paginator chooses its own).
    pub fn with_page(mut self, page: PageRequest) -> Self {
        self.page = Some(page);
        self
    }
}

/// What to list with the official-images call.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct OfficialImagesQuery {
    /// Only this namespace.
    pub namespace: Option<String>,
    /// Only images with this name.
    pub image_name: Option<String>,
    /// Which page.
    pub page: Option<PageRequest>,
}

impl OfficialImagesQuery {
    /// Only images in `namespace`.
    pub fn with_namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// Only images named `image_name`.
    pub fn with_image_name(mut self, image_name: impl Into<String>) -> Self {
        self.image_name = Some(image_name.into());
        self
    }

    /// This page (for the one-page call; a paginator chooses its own).
    pub fn with_page(mut self, page: PageRequest) -> Self {
        self.page = Some(page);
        self
    }
}

/// One repository (image) in a namespace, for the calls whose path names
/// one: an official image's detail and tags, a repository's tags.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ImageRef {
    /// The namespace.
    pub namespace: NamespaceName,
    /// The repository (image) name.
    pub repository: RepositoryName,
}

impl ImageRef {
    /// The image `repository` in `namespace`.
    pub fn new(namespace: NamespaceName, repository: RepositoryName) -> Self {
        ImageRef {
            namespace,
            repository,
        }
    }
}

impl FromStr for ImageRef {
    type Err = NameError;

    /// Reads `NAMESPACE/REPOSITORY`, split at the first `/` (a repository
    /// name may hold more), each part validated.
    ///
    /// ```
    /// use wharf_model::ImageRef;
    ///
    /// let image: ImageRef = "team/api/gateway".parse()?;
    /// assert_eq!(image.namespace.as_str(), "team");
    /// assert_eq!(image.repository.as_str(), "api/gateway");
    /// assert!("nginx".parse::<ImageRef>().is_err());
    /// # Ok::<(), wharf_model::NameError>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (namespace, repository) = s
            .split_once('/')
            .ok_or_else(|| NameError::no_namespace(s))?;
        Ok(ImageRef::new(namespace.parse()?, repository.parse()?))
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.namespace, self.repository)
    }
}

/// One tag of one repository: what SWR's show and delete tag calls name
/// (`.../repos/{repository}/tags/{tag}`), and UHub's `GetImageTag` with a
/// `TagName` and `DeleteRepoImage`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct TagRef {
    /// The repository.
    pub image: ImageRef,
    /// The tag.
    pub tag: TagName,
}

impl TagRef {
    /// Tag `tag` of `image`.
    pub fn new(image: ImageRef, tag: TagName) -> Self {
        TagRef { image, tag }
    }
}

impl FromStr for TagRef {
    type Err = NameError;

    /// Reads `NAMESPACE/REPOSITORY:TAG` (a repository name holds no `:`).
    ///
    /// ```
    /// use wharf_model::TagRef;
    ///
    /// let tag: TagRef = "team/api/gateway:v1.2".parse()?;
    /// assert_eq!(tag.image.to_string(), "team/api/gateway");
    /// assert_eq!(tag.tag.as_str(), "v1.2");
    /// # Ok::<(), wharf_model::NameError>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (image, tag) = s.rsplit_once(':').unwrap_or((s, ""));
        Ok(TagRef::new(image.parse()?, tag.parse()?))
    }
}

impl fmt::Display for TagRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.image, self.tag)
    }
}

/// What to list with the official-image tags call.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct OfficialImageTagsQuery {
    /// The image.
    pub image: ImageRef,
    /// Which page.
    pub page: Option<PageRequest>,
}

impl OfficialImageTagsQuery {
    /// All tags of `image`, in server-sized pages.
    pub fn new(image: ImageRef) -> Self {
        OfficialImageTagsQuery { image, page: None }
    }

    /// This page (for the one-page call; a paginator chooses its own).
    pub fn with_page(mut self, page: PageRequest) -> Self {
        self.page = Some(page);
        self
    }
}

impl From<ImageRef> for OfficialImageTagsQuery {
    fn from(image: ImageRef) -> Self {
        OfficialImageTagsQuery::new(image)
    }
}

/// What to list with SWR's list repository tags call
/// (`GET /v2/manage/namespaces/{namespace}/repos/{repository}/tags`).
///
/// Sent as a `filter` (`offset::0|limit::100|order_column::updated_at|order_type::desc|tag::v1`)
/// or as the same keys as plain query parameters. The SDK says `offset`
/// and `limit` go together, and so do `order_column` and `order_type`:
/// hence `page` and `order` each hold both or neither.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RepositoryTagsQuery {
    /// The repository.
    pub image: ImageRef,
    /// Only tags with this name (the emulator matches a substring).
    pub tag: Option<String>,
    /// Sort column and direction.
    pub order: Option<(TagOrderColumn, OrderType)>,
    /// Which page.
    pub page: Option<PageRequest>,
}

impl RepositoryTagsQuery {
    /// All tags of `image`, in the server's order and server-sized pages.
    pub fn new(image: ImageRef) -> Self {
        RepositoryTagsQuery {
            image,
            tag: None,
            order: None,
            page: None,
        }
    }

    /// Only tags whose name is (or, in the emulator, contains) `tag`.
    pub fn with_tag(mut self, tag: impl Into<String>) -> Self {
        self.tag = Some(tag.into());
        self
    }

    /// Sorted by `column` in `direction`.
    pub fn with_order(mut self, column: TagOrderColumn, direction: OrderType) -> Self {
        self.order = Some((column, direction));
        self
    }

    /// This page (for the one-page call; a paginator chooses its own).
    pub fn with_page(mut self, page: PageRequest) -> Self {
        self.page = Some(page);
        self
    }
}

impl From<ImageRef> for RepositoryTagsQuery {
    fn from(image: ImageRef) -> Self {
        RepositoryTagsQuery::new(image)
    }
}

/// What to list with SWR's list namespaces call (`GET /v2/manage/namespaces`),
/// sent as a plain `namespace` or as `filter=namespace::{namespace}|mode::{mode}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct NamespacesQuery {
    /// Only the namespace with this name.
    pub namespace: Option<String>,
    /// Which namespaces; `None` lists those the caller has a permission on.
    pub mode: Option<NamespaceMode>,
}

impl NamespacesQuery {
    /// Only the namespace named `namespace`.
    pub fn with_namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// The namespaces `mode` selects.
    pub fn with_mode(mut self, mode: NamespaceMode) -> Self {
        self.mode = Some(mode);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip() {
        for c in Center::ALL {
            assert_eq!(c.as_str().parse::<Center>().unwrap(), *c);
        }
        for c in OrderColumn::ALL {
            assert_eq!(c.as_str().parse::<OrderColumn>().unwrap(), *c);
        }
        for c in OrderType::ALL {
            assert_eq!(c.as_str().parse::<OrderType>().unwrap(), *c);
        }
        for c in TagOrderColumn::ALL {
            assert_eq!(c.as_str().parse::<TagOrderColumn>().unwrap(), *c);
        }
        for c in NamespaceMode::ALL {
            assert_eq!(c.as_str().parse::<NamespaceMode>().unwrap(), *c);
        }
        let err = "name".parse::<TagOrderColumn>().unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"invalid order_column "name": expected one of updated_at"#
        );
    }

    #[test]
    fn unknown_values_list_the_choices() {
        let err = "sideways".parse::<OrderType>().unwrap_err();
        assert_eq!(err.what(), "order_type");
        assert_eq!(
            err.to_string(),
            r#"invalid order_type "sideways": expected one of desc, asc"#
        );
    }

    #[test]
    fn image_refs_read_and_name_the_broken_part() {
        let image: ImageRef = "team/api/gateway".parse().unwrap();
        assert_eq!(image.to_string(), "team/api/gateway");
        assert_eq!(
            "nginx".parse::<ImageRef>().unwrap_err().to_string(),
            r#"invalid repository name "nginx": has no namespace: expected NAMESPACE/REPOSITORY, such as team/nginx"#
        );
        let err = "Team/nginx".parse::<ImageRef>().unwrap_err();
        assert_eq!(err.kind(), crate::NameKind::Namespace);
        let err = "team/nginx/".parse::<ImageRef>().unwrap_err();
        assert_eq!(err.kind(), crate::NameKind::Repository);
        assert_eq!(err.rule(), &crate::NameRule::BadEnd('/'));
    }

    #[test]
    fn setters_fill_the_fields_they_name() {
        let query = RepositoryQuery::default()
            .with_namespace("team")
            .with_order(OrderColumn::Name, OrderType::Asc)
            .with_public(false);
        assert_eq!(query.namespace.as_deref(), Some("team"));
        assert_eq!(query.order_column, Some(OrderColumn::Name));
        assert_eq!(query.order_type, Some(OrderType::Asc));
        assert_eq!(query.is_public, Some(false));
        assert_eq!(query.name, None);
        let image: ImageRef = "team/nginx".parse().unwrap();
        let tags = RepositoryTagsQuery::from(image.clone()).with_tag("v1");
        assert_eq!((tags.image, tags.tag.as_deref()), (image, Some("v1")));
    }
}
