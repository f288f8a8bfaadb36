//! [`OfficialCatalog`]: SWR's official (dockerhub) images.

use std::collections::HashSet;
use std::fmt;
use std::future::ready;

use async_trait::async_trait;
use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use wharf_model::{OfficialImage, OfficialImageDetail, OfficialImageTag, OfficialImagesQuery};
use wharf_transport::Provider;

use super::SwrRecord;
use super::catalog::image_ref;
use crate::catalog::listing::{failed, or_missing, until_error, whole, window};
use crate::catalog::{
    Capabilities, Catalog, CatalogKind, Namespace, Original, Presence, RepoRef, Repository,
    RepositoryFields, Tag, TagFields, TimeResolution,
};
use crate::{Error, ErrorKind, ListOptions, SwrClient};

/// SWR's official images as a [`Catalog`] (spec `swr-official://REGION`).
///
/// The API has no list of namespaces: they are **derived**, the distinct
/// namespaces of the official images in the order they first appear (the
/// images come by id), each with [`Original::Derived`]. So a namespace
/// exists exactly when it holds an image. Repositories from list official
/// images (by id), tags from list official image tags (newest first), a
/// repository shown by show official image.
#[derive(Debug, Clone)]
pub struct OfficialCatalog {
    client: SwrClient,
    list: ListOptions,
    image_name: Option<String>,
}

impl OfficialCatalog {
    /// The official images `client` sees, paging as the client's options say.
    pub fn new(client: SwrClient) -> Self {
        let list = client.options().list.clone();
        OfficialCatalog {
            client,
            list,
            image_name: None,
        }
    }

    /// Listing only the images whose name contains `text`: sent as seed
    /// 001's `image_name`, and checked on every image that comes back, so
    /// the answer is right whether the server matches exactly, by
    /// substring, or not at all. Namespaces are still derived from every
    /// image.
    pub fn with_image_name(mut self, text: impl Into<String>) -> Self {
        self.image_name = Some(text.into());
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

    /// `Ok` when `namespace` holds an image: when a listing of it by name
    /// found none, one unfiltered image tells a namespace from no namespace.
    fn holds_images(&self, namespace: &str) -> impl Future<Output = Result<(), Error>> + use<> {
        let mut any = whole(&self.list);
        any.max_items = Some(1);
        let first = self.images(Some(namespace), None, any);
        let namespace = namespace.to_owned();
        async move {
            let mut first = first;
            if first.try_next().await?.is_some() {
                return Ok(());
            }
            let detail = format!("namespace {namespace} holds no official image");
            Err(Error::new(ErrorKind::NotFound, detail)
                .during(Provider::Swr, "list_official_images"))
        }
    }

    /// The images of `namespace` (or all) whose name holds `image_name`,
    /// when one is given.
    fn images(
        &self,
        namespace: Option<&str>,
        image_name: Option<&str>,
        options: ListOptions,
    ) -> BoxStream<'static, Result<OfficialImage, Error>> {
        let mut query = OfficialImagesQuery::default();
        query.namespace = namespace.map(str::to_owned);
        query.image_name = image_name.map(str::to_owned);
        let items = self
            .client
            .list_official_images(query)
            .with_options(options)
            .items();
        match image_name.map(str::to_owned) {
            None => items.boxed(),
            Some(text) => items
                .try_filter(move |i| ready(i.name.as_ref().is_some_and(|n| n.contains(&text))))
                .boxed(),
        }
    }
}

impl fmt::Display for OfficialCatalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "swr-official+{}", self.client.endpoint())
    }
}

#[async_trait]
impl Catalog for OfficialCatalog {
    fn name(&self) -> &str {
        CatalogKind::SwrOfficial.as_str()
    }

    fn endpoint(&self) -> &str {
        self.client.endpoint()
    }

    fn capabilities(&self) -> Capabilities {
        use Presence::{Always, Never};
        Capabilities {
            // The seed pages show `YYYY-MM-DD HH:MM:SS`.
            time_resolution: TimeResolution::Seconds,
            repository: RepositoryFields {
                tag_count: Never,
                size: Never,
                created: Never,
                updated: Always,
                pull_count: Always,
            },
            tag: TagFields {
                digest: Never,
                size: Always,
                created: Never,
                updated: Always,
            },
            deletes_tags: false,
        }
    }

    fn list_namespaces(&self) -> BoxStream<'static, Result<Namespace, Error>> {
        // The set holds one name per namespace, never the images. The
        // window counts namespaces, so the images are all looked at.
        let mut seen = HashSet::new();
        let all = self
            .images(None, None, whole(&self.list))
            .try_filter_map(move |image| {
                let new = seen.insert(image.namespace.clone());
                ready(Ok(new.then_some(Namespace {
                    name: image.namespace,
                    original: Original::Derived,
                })))
            })
            .boxed();
        window(all, &self.list)
    }

    fn list_repositories(
        &self,
        namespace: Option<&str>,
    ) -> BoxStream<'static, Result<Repository, Error>> {
        let name = self.image_name.as_deref();
        // Checked here, the name's matches are counted here too.
        let options = match name {
            Some(_) => whole(&self.list),
            None => self.list.clone(),
        };
        let items = self
            .images(namespace, name, options)
            .and_then(|image| ready(repository(image)))
            .boxed();
        // A nameless image is an error, and a listing ends at its first.
        let items = match name {
            Some(_) => window(items, &self.list),
            None => until_error(items),
        };
        match namespace {
            None => items,
            // Namespaces are derived from images: none, no namespace.
            Some(namespace) => or_missing(items, self.holds_images(namespace)),
        }
    }

    fn list_tags(&self, repository: &RepoRef) -> BoxStream<'static, Result<Tag, Error>> {
        let image = match image_ref(repository, "list_official_image_tags") {
            Ok(image) => image,
            Err(e) => return failed(e),
        };
        let owner = repository.clone();
        self.client
            .list_official_image_tags(image)
            .with_options(self.list.clone())
            .items()
            .map_ok(move |t| tag(owner.clone(), t))
            .boxed()
    }

    async fn show_repository(&self, repository: &RepoRef) -> Result<Repository, Error> {
        let image = image_ref(repository, "show_official_image")?;
        let detail = self.client.show_official_image(&image).await?;
        Ok(detailed(repository, detail))
    }
}

/// An image of a listing; one without a name (documented for images not of
/// type "image") cannot be a repository, and says so.
fn repository(image: OfficialImage) -> Result<Repository, Error> {
    let Some(name) = image.name.clone() else {
        let detail = format!(
            "official image {} in namespace {} has no name, so it cannot be listed as a repository",
            image.id, image.namespace
        );
        return Err(
            Error::new(ErrorKind::Decode, detail).during(Provider::Swr, "list_official_images")
        );
    };
    let mut out = Repository::new(image.namespace.clone(), name, Original::Derived);
    out.updated = Some(image.last_updated.instant());
    out.pull_count = Some(image.pull_count);
    out.original = SwrRecord::OfficialImage(Box::new(image)).into();
    Ok(out)
}

/// An image in full, named as asked (the name may be missing from the record).
fn detailed(asked: &RepoRef, image: OfficialImageDetail) -> Repository {
    let namespace = asked.namespace().to_owned();
    let mut out = Repository::new(namespace, asked.name().to_owned(), Original::Derived);
    out.updated = Some(image.last_updated.instant());
    out.pull_count = Some(image.pull_count);
    out.original = SwrRecord::OfficialImageDetail(Box::new(image)).into();
    out
}

fn tag(repository: RepoRef, t: OfficialImageTag) -> Tag {
    let mut out = Tag::new(repository, t.name.clone(), Original::Derived);
    out.size = Some(t.size);
    out.updated = Some(t.last_updated.instant());
    out.original = SwrRecord::OfficialImageTag(t).into();
    out
}
