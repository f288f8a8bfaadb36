//! One [`Catalog`] across providers: list namespaces, repositories and tags,
//! and show a repository, of Huawei Cloud SWR (your own repositories), SWR's
//! official images, or UCloud UHub, through one object-safe trait.
//!
//! ```
//! use wharf::futures::TryStreamExt;
//! use wharf::catalog::{Catalog, CatalogSpec, RepoRef};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A local emulator of both APIs, with its demo catalog and key pairs.
//! let emulator = wharf_emulator::Emulator::builder().start().await?;
//! let env = |name: &str| match name {
//!     "UCLOUD_PUBLIC_KEY" => Some(wharf_emulator::DEMO_UCLOUD_PUBLIC_KEY.to_owned()),
//!     "UCLOUD_PRIVATE_KEY" => Some(wharf_emulator::DEMO_UCLOUD_PRIVATE_KEY.to_owned()),
//!     _ => None,
//! };
//! // `uhub://cn-bj2` reaches the real service; the emulator is on loopback.
//! let spec: CatalogSpec = format!("uhub+{}", emulator.base_url()).parse()?;
//! let catalog = spec.connect(&env)?;
//!
//! let namespaces: Vec<_> = catalog.list_namespaces().try_collect().await?;
//! assert!(namespaces.iter().any(|ns| ns.name == "team"));
//! let repos: Vec<_> = catalog.list_repositories(Some("team")).try_collect().await?;
//! let gateway = catalog.show_repository(&"team/api/gateway".parse()?).await?;
//! assert!(repos.contains(&gateway));
//! let tags: Vec<_> = catalog.list_tags(&gateway.repo_ref()).try_collect().await?;
//! assert!(!tags.is_empty());
//!
//! let missing = RepoRef::new("team", "no-such-image")?;
//! let e = catalog.show_repository(&missing).await.unwrap_err();
//! assert_eq!(e.kind(), wharf::ErrorKind::NotFound);
//! # Ok(())
//! # }
//! ```
//!
//! # The three catalogs
//!
//! | spec | catalog | namespace | repository | tags |
//! |---|---|---|---|---|
//! | `swr://REGION` | [`SwrCatalog`] | list namespaces | list repositories | list repository tags |
//! | `swr-official://REGION` | [`OfficialCatalog`] | derived from the images | list official images | list official image tags |
//! | `uhub://REGION` | [`UhubCatalog`] | a repo (`GetRepo`) | an image (`GetRepoImage`) | `GetImageTag` |
//!
//! Every entry keeps the provider's record as it came ([`Original`]), and
//! serializes with it under `"original"`: nothing the server sent is lost.
//! Not every provider sends every common field: [`Catalog::capabilities`]
//! says which are there and how precise the instants are, so two catalogs
//! can be compared on what both know.
//!
//! Listings are lazy (nothing is sent until the stream is polled), stream
//! page by page, and end after the first error. Each catalog pages with the
//! [`ListOptions`](crate::ListOptions) of its client's
//! [`ClientOptions`](crate::ClientOptions), or those given with
//! `with_list_options`; `start_offset` and `max_items` apply to the whole
//! listing, also where one listing spans several requests (UHub's images of
//! every repo). Listing the repositories of a namespace that does not exist
//! fails with [`ErrorKind::NotFound`](crate::ErrorKind::NotFound) in every
//! catalog, as do showing a repository and listing the tags of one that does
//! not exist.

mod capabilities;
mod connect;
mod entry;
pub(crate) mod listing;
mod reference;
mod spec;

use std::fmt;

use async_trait::async_trait;
use futures::stream::BoxStream;
use wharf_transport::Provider;

use crate::{Deletion, Error};
use wharf_model::TagName;

#[cfg(feature = "swr")]
pub use crate::swr::SwrCatalog;
#[cfg(feature = "swr")]
pub use crate::swr::{OfficialCatalog, SwrRecord};
#[cfg(feature = "uhub")]
pub use crate::uhub::{UhubCatalog, UhubRecord};
pub use capabilities::{Capabilities, Presence, RepositoryFields, TagFields, TimeResolution};
#[cfg(feature = "rustls")]
pub use connect::open;
pub use connect::{ConnectOptions, Lookup};
pub use entry::{Namespace, Original, Repository, Tag};
pub use reference::RepoRef;
pub use spec::{CatalogSpec, Location, Scheme, SpecError};

/// The image catalog of one provider: namespaces, their repositories, and
/// the repositories' tags.
///
/// Object safe: keep one as `Arc<dyn Catalog>` and share it between tasks.
/// The built-in catalogs' `Display` gives a [`CatalogSpec`] that reaches
/// the same endpoint; another backend says what it is in its own words.
///
/// # Implementing it
///
/// The trait is declared with `#[async_trait]` (its async method returns a
/// boxed future), so an implementation carries the same attribute: wharf
/// re-exports it as [`wharf::async_trait`](crate::async_trait). Without it,
/// `async fn show_repository` fails with E0195 against a declaration that
/// looks the same. A backend of one's own, in memory:
///
/// ```
/// use std::fmt;
/// use wharf::futures::stream::{self, BoxStream, StreamExt};
/// use wharf::catalog::{
///     Capabilities, Catalog, Namespace, Original, Presence, RepoRef, Repository,
///     RepositoryFields, Tag, TagFields, TimeResolution,
/// };
/// use wharf::{Error, ErrorKind};
///
/// #[derive(Debug)]
/// struct Memory;
///
/// impl fmt::Display for Memory {
///     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
///         f.write_str("memory")
///     }
/// }
///
/// fn app() -> Repository {
///     Repository::new("team", "app", Original::Derived)
/// }
///
/// #[wharf::async_trait]
/// impl Catalog for Memory {
///     fn name(&self) -> &str {
///         "memory"
///     }
///     fn endpoint(&self) -> &str {
///         "memory:"
///     }
///     fn capabilities(&self) -> Capabilities {
///         let never = RepositoryFields::all(Presence::Never);
///         Capabilities::new(TimeResolution::Seconds, never, TagFields::all(Presence::Never))
///     }
///     fn list_namespaces(&self) -> BoxStream<'static, Result<Namespace, Error>> {
///         stream::iter([Ok(Namespace::new("team", Original::Derived))]).boxed()
///     }
///     fn list_repositories(
///         &self,
///         _namespace: Option<&str>,
///     ) -> BoxStream<'static, Result<Repository, Error>> {
///         stream::iter([Ok(app())]).boxed()
///     }
///     fn list_tags(&self, repository: &RepoRef) -> BoxStream<'static, Result<Tag, Error>> {
///         let tag = Tag::new(repository.clone(), "v1", Original::Derived);
///         stream::iter([Ok(tag)]).boxed()
///     }
///     async fn show_repository(&self, repository: &RepoRef) -> Result<Repository, Error> {
///         match app() {
///             app if app.repo_ref() == *repository => Ok(app),
///             _ => Err(Error::new(ErrorKind::NotFound, format!("no {repository}"))),
///         }
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), wharf::Error> {
/// let catalog: std::sync::Arc<dyn Catalog> = std::sync::Arc::new(Memory);
/// let shown = catalog.show_repository(&"team/app".parse()?).await?;
/// assert_eq!(shown.qualified_name(), "team/app");
/// # Ok(())
/// # }
/// ```
#[async_trait]
pub trait Catalog: fmt::Debug + fmt::Display + Send + Sync + 'static {
    /// A short name for the kind of catalog, for people: the built-ins say
    /// `swr`, `swr-official` and `uhub`, their specs' schemes
    /// ([`CatalogKind::as_str`]); another backend names its own.
    fn name(&self) -> &str;

    /// The base URL its requests go to.
    fn endpoint(&self) -> &str;

    /// Which common fields its entries carry, and how precise its instants
    /// are.
    fn capabilities(&self) -> Capabilities;

    /// Every namespace, in the provider's order.
    fn list_namespaces(&self) -> BoxStream<'static, Result<Namespace, Error>>;

    /// The repositories of `namespace`, or of every namespace, in the
    /// provider's order. A namespace that does not exist is
    /// [`ErrorKind::NotFound`](crate::ErrorKind::NotFound).
    fn list_repositories(
        &self,
        namespace: Option<&str>,
    ) -> BoxStream<'static, Result<Repository, Error>>;

    /// The tags of `repository`, in the provider's order: newest first for
    /// SWR and the official images; UHub documents none (the emulator
    /// keeps its dataset's, newest first). A repository that does not exist
    /// is [`ErrorKind::NotFound`](crate::ErrorKind::NotFound).
    fn list_tags(&self, repository: &RepoRef) -> BoxStream<'static, Result<Tag, Error>>;

    /// One repository; [`ErrorKind::NotFound`](crate::ErrorKind::NotFound)
    /// when it does not exist.
    async fn show_repository(&self, repository: &RepoRef) -> Result<Repository, Error>;

    /// One tag of `repository`, read now from the provider;
    /// [`ErrorKind::NotFound`](crate::ErrorKind::NotFound) when it or its
    /// repository does not exist.
    ///
    /// The built-in catalogs ask for the one tag. This default lists the
    /// repository's tags until it finds it: right, but a request per page.
    async fn show_tag(&self, repository: &RepoRef, tag: &TagName) -> Result<Tag, Error> {
        use futures::TryStreamExt;
        let found = self
            .list_tags(repository)
            .try_filter(|t| std::future::ready(t.name == tag.as_str()))
            .try_next()
            .await?;
        found.ok_or_else(|| {
            let detail = format!("{repository} has no tag {tag}");
            Error::new(crate::ErrorKind::NotFound, detail)
        })
    }

    /// Deletes one tag of `repository`, and only that tag: a tag that is
    /// not there is [`Deletion::AlreadyAbsent`].
    ///
    /// A catalog whose [`capabilities`](Catalog::capabilities) say it
    /// cannot delete answers [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported),
    /// as this default does.
    async fn delete_tag(&self, repository: &RepoRef, tag: &TagName) -> Result<Deletion, Error> {
        let detail = format!("{self} cannot delete tags (asked to delete {repository}:{tag})");
        Err(Error::new(crate::ErrorKind::Unsupported, detail))
    }
}

/// Which catalog an implementation lists: the scheme of its [`CatalogSpec`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum CatalogKind {
    /// SWR: the caller's own namespaces and repositories (`swr`).
    Swr,
    /// SWR's official (dockerhub) images (`swr-official`).
    SwrOfficial,
    /// UCloud UHub: repos as namespaces, images as repositories (`uhub`).
    Uhub,
}

impl CatalogKind {
    /// Every kind, in the order above.
    pub const ALL: [CatalogKind; 3] = [
        CatalogKind::Swr,
        CatalogKind::SwrOfficial,
        CatalogKind::Uhub,
    ];

    /// The scheme name: `swr`, `swr-official` or `uhub`.
    pub fn as_str(self) -> &'static str {
        match self {
            CatalogKind::Swr => "swr",
            CatalogKind::SwrOfficial => "swr-official",
            CatalogKind::Uhub => "uhub",
        }
    }

    /// The provider whose API it calls.
    pub fn provider(self) -> Provider {
        match self {
            CatalogKind::Swr | CatalogKind::SwrOfficial => Provider::Swr,
            CatalogKind::Uhub => Provider::Uhub,
        }
    }
}

impl fmt::Display for CatalogKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
