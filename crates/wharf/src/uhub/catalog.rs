//! [`UhubCatalog`]: UCloud UHub's repos (namespaces), images (repositories)
//! and tags.

use std::collections::HashSet;
use std::fmt;
use std::future::ready;

use async_trait::async_trait;
use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use wharf_model::{
    DeleteRepoImageRequest, GetImageTagRequest, GetRepoImageRequest, GetRepoRequest, ImageSet,
    RepoSet, RepoType, TagName, TagSet,
};
use wharf_transport::Provider;

use super::UhubRecord;
use super::check_name;
use crate::catalog::listing::{part, whole, window};
use crate::catalog::{
    Capabilities, Catalog, CatalogKind, Namespace, Original, Presence, RepoRef, Repository,
    RepositoryFields, Tag, TagFields, TimeResolution,
};
use crate::{Deletion, Error, ErrorKind, ListOptions, UhubClient};

/// UHub as a [`Catalog`] (spec `uhub://REGION`): a UHub repo is a
/// namespace, an image a repository.
///
/// Namespaces from `GetRepo` (once with `Type=private`, once with
/// `Type=public`: without it UHub lists public repos only), repositories
/// from `GetRepoImage` (of every repo in turn when no namespace is given), tags from `GetImageTag`, in
/// the server's order. Showing a repository scans its repo's images for the
/// exact name: UHub has no call for one image. UHub sends instants in whole
/// seconds, no size or tag count, and a tag's digest only sometimes.
#[derive(Debug, Clone)]
pub struct UhubCatalog {
    client: UhubClient,
    list: ListOptions,
}

impl UhubCatalog {
    /// The catalog of `client`, paging as the client's options say.
    pub fn new(client: UhubClient) -> Self {
        // A client shows its paging defaults only on a paginator it makes;
        // making one sends nothing.
        let list = client.options().list.clone();
        UhubCatalog { client, list }
    }

    /// Paging every listing with `options` instead.
    pub fn with_list_options(mut self, options: ListOptions) -> Self {
        self.list = options;
        self
    }

    /// The client it lists with.
    pub fn client(&self) -> &UhubClient {
        &self.client
    }
}

impl fmt::Display for UhubCatalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "uhub+{}", self.client.endpoint())?;
        match self.client.region() {
            Some(region) => write!(f, "?region={region}"),
            None => Ok(()),
        }
    }
}

/// The images of repo `namespace`, as repositories.
fn images(
    client: &UhubClient,
    namespace: String,
    options: ListOptions,
) -> BoxStream<'static, Result<Repository, Error>> {
    client
        .list_repo_images(GetRepoImageRequest::new(&namespace))
        .with_options(options)
        .items()
        .map_ok(move |image| repository(&namespace, image))
        .boxed()
}

#[async_trait]
impl Catalog for UhubCatalog {
    fn name(&self) -> &str {
        CatalogKind::Uhub.as_str()
    }

    fn endpoint(&self) -> &str {
        self.client.endpoint()
    }

    fn capabilities(&self) -> Capabilities {
        use Presence::{Always, Never, Sometimes};
        Capabilities {
            time_resolution: TimeResolution::Seconds,
            repository: RepositoryFields {
                tag_count: Never,
                size: Never,
                created: Always,
                updated: Always,
                pull_count: Always,
            },
            tag: TagFields {
                digest: Sometimes,
                size: Never,
                created: Never,
                updated: Always,
            },
            deletes_tags: true,
        }
    }

    fn list_namespaces(&self) -> BoxStream<'static, Result<Namespace, Error>> {
        let repos = all_repos(&self.client, part(&self.list))
            .map_ok(|repo| Namespace {
                name: repo.repo_name.clone(),
                original: UhubRecord::Repo(repo).into(),
            })
            .boxed();
        window(repos, &self.list)
    }

    fn list_repositories(
        &self,
        namespace: Option<&str>,
    ) -> BoxStream<'static, Result<Repository, Error>> {
        // A repo that does not exist is RetCode 232, read as NotFound.
        if let Some(namespace) = namespace {
            return images(&self.client, namespace.to_owned(), self.list.clone());
        }
        let client = self.client.clone();
        let each = part(&self.list);
        let all = all_repos(&self.client, whole(&self.list))
            .map_ok(move |repo| images(&client, repo.repo_name, each.clone()))
            .try_flatten()
            .boxed();
        window(all, &self.list)
    }

    fn list_tags(&self, repository: &RepoRef) -> BoxStream<'static, Result<Tag, Error>> {
        let owner = repository.clone();
        self.client
            .list_image_tags(GetImageTagRequest::new(
                repository.namespace(),
                repository.name(),
            ))
            .with_options(self.list.clone())
            .items()
            .map_ok(move |t| tag(owner.clone(), t))
            .boxed()
    }

    async fn show_repository(&self, repository: &RepoRef) -> Result<Repository, Error> {
        const OP: &str = "show_repository";
        check_name("RepoName", repository.namespace(), OP)?;
        check_name("ImageName", repository.name(), OP)?;
        let name = repository.name();
        let found = images(
            &self.client,
            repository.namespace().to_owned(),
            whole(&self.list),
        )
        .try_filter(|r| ready(r.name == name))
        .try_next()
        .await?;
        found.ok_or_else(|| {
            let detail = format!("image {repository} does not exist");
            Error::new(ErrorKind::NotFound, detail).during(Provider::Uhub, OP)
        })
    }

    async fn show_tag(&self, repository: &RepoRef, name: &TagName) -> Result<Tag, Error> {
        let request = GetImageTagRequest::new(repository.namespace(), repository.name())
            .with_tag(name.as_str());
        let found = self.client.show_image_tag(&request).await?;
        Ok(tag(repository.clone(), found))
    }

    async fn delete_tag(&self, repository: &RepoRef, name: &TagName) -> Result<Deletion, Error> {
        let request =
            DeleteRepoImageRequest::new(repository.namespace(), repository.name(), name.clone());
        self.client.delete_image_tag(&request).await
    }
}

/// Every repo of the account: the private ones, then the public ones, since
/// `GetRepo` without a `Type` lists the public ones only. A repo the second
/// listing repeats (a server that ignores `Type` sends all in both) is
/// given once.
fn all_repos(
    client: &UhubClient,
    options: ListOptions,
) -> BoxStream<'static, Result<RepoSet, Error>> {
    let listing = |repo_type| {
        client
            .list_repos(GetRepoRequest::new(repo_type))
            .with_options(options.clone())
            .items()
    };
    let mut seen = HashSet::new();
    listing(RepoType::Private)
        .chain(listing(RepoType::Public))
        .try_filter(move |repo| ready(seen.insert(repo.repo_name.clone())))
        .boxed()
}

/// An image of repo `namespace`: the repo asked for names it, since the
/// record's `RepoName` may be missing.
fn repository(namespace: &str, image: ImageSet) -> Repository {
    let name = image.image_name.clone();
    let mut out = Repository::new(namespace.to_owned(), name, Original::Derived);
    out.created = Some(image.create_time.instant());
    out.updated = Some(image.update_time.instant());
    out.pull_count = Some(image.pull_count);
    out.original = UhubRecord::Image(image).into();
    out
}

/// A tag; an empty `Digest` is no digest (the record keeps it).
fn tag(repository: RepoRef, t: TagSet) -> Tag {
    let mut out = Tag::new(repository, t.tag_name.clone(), Original::Derived);
    out.digest = t.digest.clone().filter(|d| !d.is_empty());
    out.updated = Some(t.update_time.instant());
    out.original = UhubRecord::Tag(t).into();
    out
}
