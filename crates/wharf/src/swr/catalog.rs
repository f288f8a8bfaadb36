//! [`SwrCatalog`]: the caller's own SWR namespaces, repositories and tags.

use std::fmt;
use std::future::ready;

use async_trait::async_trait;
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use wharf_model::{
    ImageRef, NamespacesQuery, RepositoryDetail, RepositoryQuery, RepositoryTag,
    RepositoryTagDetail, TagName, TagRef,
};
use wharf_transport::Provider;

use super::SwrRecord;
use crate::catalog::listing::{failed, or_missing, whole, window};
use crate::catalog::{
    Capabilities, Catalog, CatalogKind, Namespace, Original, Presence, RepoRef, Repository,
    RepositoryFields, Tag, TagFields, TimeResolution,
};
use crate::{Deletion, Error, ErrorKind, ListOptions, SwrClient};

/// The caller's own SWR repositories as a [`Catalog`] (spec `swr://REGION`).
///
/// Namespaces from list namespaces (by name), repositories from list
/// repositories (by namespace, then name), tags from list repository tags
/// (newest first); showing a repository calls show repository.
#[derive(Debug, Clone)]
pub struct SwrCatalog {
    client: SwrClient,
    list: ListOptions,
    query: RepositoryQuery,
}

impl SwrCatalog {
    /// The catalog of `client`, paging as the client's options say.
    pub fn new(client: SwrClient) -> Self {
        let list = client.options().list.clone();
        SwrCatalog {
            client,
            list,
            query: RepositoryQuery::default(),
        }
    }

    /// Listing only the repositories `query` selects (by name, category,
    /// visibility, order; its `page` is ignored). A namespace given to
    /// [`Catalog::list_repositories`] overrides the query's.
    ///
    /// The terms seed 002 documents (center, namespace, name, category) and
    /// the order, which the SDK documents, are sent for the server to
    /// apply. Visibility (`is_public`) is documented by neither, so it is
    /// not sent: every repository's `is_public` is checked here instead,
    /// and the answer is right whether or not a server knows the term.
    pub fn with_query(mut self, query: RepositoryQuery) -> Self {
        self.query = query;
        self
    }

    /// Paging every listing with `options` instead.
    pub fn with_list_options(mut self, options: ListOptions) -> Self {
        self.list = options;
        self
    }

    /// The client it lists with.
    pub fn client(&self) -> &SwrClient {
        &self.client
    }
}

impl fmt::Display for SwrCatalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "swr+{}", self.client.endpoint())
    }
}

#[async_trait]
impl Catalog for SwrCatalog {
    fn name(&self) -> &str {
        CatalogKind::Swr.as_str()
    }

    fn endpoint(&self) -> &str {
        self.client.endpoint()
    }

    fn capabilities(&self) -> Capabilities {
        use Presence::Always;
        Capabilities {
            time_resolution: TimeResolution::Nanoseconds,
            repository: RepositoryFields {
                tag_count: Always,
                size: Always,
                created: Always,
                updated: Always,
                pull_count: Always,
            },
            tag: TagFields {
                digest: Always,
                size: Always,
                created: Always,
                updated: Always,
            },
            deletes_tags: true,
        }
    }

    fn list_namespaces(&self) -> BoxStream<'static, Result<Namespace, Error>> {
        let client = self.client.clone();
        // One response holds them all: list namespaces is not paged.
        let all =
            stream::once(async move { client.list_namespaces(&NamespacesQuery::default()).await })
                .map_ok(|namespaces| stream::iter(namespaces.into_iter().map(Ok)))
                .try_flatten()
                .map_ok(|info| Namespace {
                    name: info.name.clone(),
                    original: SwrRecord::Namespace(info).into(),
                })
                .boxed();
        window(all, &self.list)
    }

    fn list_repositories(
        &self,
        namespace: Option<&str>,
    ) -> BoxStream<'static, Result<Repository, Error>> {
        let mut query = self.query.clone();
        if let Some(namespace) = namespace {
            query.namespace = Some(namespace.to_owned());
        }
        // Not sent (see `with_query`): checked here, so the matches are
        // counted here too.
        let public = query.is_public.take();
        let options = match public {
            Some(_) => whole(&self.list),
            None => self.list.clone(),
        };
        let all = self
            .client
            .list_repositories(query)
            .with_options(options)
            .items()
            .try_filter(move |r| ready(public.is_none_or(|p| r.is_public == p)))
            .map_ok(repository)
            .boxed();
        let items = match public {
            Some(_) => window(all, &self.list),
            None => all,
        };
        match namespace {
            None => items,
            Some(namespace) => or_missing(
                items,
                namespace_exists(self.client.clone(), namespace.to_owned()),
            ),
        }
    }

    fn list_tags(&self, repository: &RepoRef) -> BoxStream<'static, Result<Tag, Error>> {
        let image = match image_ref(repository, "list_repository_tags") {
            Ok(image) => image,
            Err(e) => return failed(e),
        };
        let owner = repository.clone();
        self.client
            .list_repository_tags(image)
            .with_options(self.list.clone())
            .items()
            .map_ok(move |t| tag(owner.clone(), t))
            .boxed()
    }

    async fn show_repository(&self, repository: &RepoRef) -> Result<Repository, Error> {
        let image = image_ref(repository, "show_repository")?;
        let detail = self.client.show_repository(&image).await?;
        Ok(shown(repository, detail))
    }

    async fn show_tag(&self, repository: &RepoRef, tag: &TagName) -> Result<Tag, Error> {
        let image = image_ref(repository, "show_repo_tag")?;
        let detail = self
            .client
            .show_repository_tag(&TagRef::new(image, tag.clone()))
            .await?;
        Ok(tag_detail(repository.clone(), detail))
    }

    async fn delete_tag(&self, repository: &RepoRef, tag: &TagName) -> Result<Deletion, Error> {
        let image = image_ref(repository, "delete_repo_tag")?;
        let tag = TagRef::new(image, tag.clone());
        self.client.delete_repository_tag(&tag).await
    }
}

/// `Ok` when `namespace` exists: an empty listing of it does not tell.
async fn namespace_exists(client: SwrClient, namespace: String) -> Result<(), Error> {
    let mut query = NamespacesQuery::default();
    query.namespace = Some(namespace.clone());
    let found = client.list_namespaces(&query).await?;
    if found.iter().any(|ns| ns.name == namespace) {
        return Ok(());
    }
    let detail = format!("namespace {namespace} does not exist");
    Err(Error::new(ErrorKind::NotFound, detail).during(Provider::Swr, "list_repositories"))
}

/// `repository` under SWR's naming rules, for the calls whose path names it.
pub(crate) fn image_ref(repository: &RepoRef, operation: &'static str) -> Result<ImageRef, Error> {
    ImageRef::try_from(repository).map_err(|e| e.during(Provider::Swr, operation))
}

fn repository(r: wharf_model::RepositoryInfo) -> Repository {
    let mut out = Repository::new(r.namespace.clone(), r.name.clone(), Original::Derived);
    out.tag_count = Some(r.num_images);
    out.size = Some(r.size);
    out.created = Some(r.created_at.instant());
    out.updated = Some(r.updated_at.instant());
    out.pull_count = Some(r.num_download);
    out.original = SwrRecord::Repository(Box::new(r)).into();
    out
}

/// A repository shown in full: the namespace is the one asked for, since
/// the record names none.
fn shown(asked: &RepoRef, r: RepositoryDetail) -> Repository {
    let mut out = Repository::new(asked.namespace(), r.name.clone(), Original::Derived);
    out.tag_count = r.num_images;
    out.size = r.size;
    out.created = r.created.as_ref().map(|t| t.instant());
    out.updated = r.updated.as_ref().map(|t| t.instant());
    out.pull_count = r.num_download;
    out.original = SwrRecord::RepositoryDetail(Box::new(r)).into();
    out
}

fn tag(repository: RepoRef, t: RepositoryTag) -> Tag {
    let mut out = Tag::new(repository, t.tag.clone(), Original::Derived);
    out.digest = Some(t.digest.clone());
    out.size = Some(t.size);
    out.created = Some(t.created.instant());
    out.updated = Some(t.updated.instant());
    out.original = SwrRecord::Tag(Box::new(t)).into();
    out
}

fn tag_detail(repository: RepoRef, t: RepositoryTagDetail) -> Tag {
    let mut out = Tag::new(repository, t.tag.clone(), Original::Derived);
    out.digest = Some(t.digest.clone());
    out.size = Some(t.size);
    out.created = Some(t.created.instant());
    out.updated = Some(t.updated.instant());
    out.original = SwrRecord::TagDetail(Box::new(t)).into();
    out
}
