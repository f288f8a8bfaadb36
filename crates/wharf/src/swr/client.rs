//! [`SwrClient`]: every SWR operation wharf knows, one page or a paginator.

use std::fmt;
use std::sync::Arc;

use futures::future::BoxFuture;

use wharf_auth::huawei::{self};
use wharf_model::{
    ImageRef, ListNamespacesResponse, NamespaceInfo, NamespacesQuery, OfficialImage,
    OfficialImageDetail, OfficialImageTag, OfficialImageTagsQuery, OfficialImagesQuery,
    OrderColumn, OrderType, PageRequest, RepositoryDetail, RepositoryInfo, RepositoryQuery,
    RepositoryTag, RepositoryTagDetail, RepositoryTagsQuery, SlashEncoding, TagRef,
};
use wharf_parse::ContentRange;
use wharf_transport::{
    CallOptions, HuaweiSigner, Provider, Request, Response, Signer, SwrClassifier, Transport,
};

use super::{QueryForm, SwrConfig};
use crate::client::{Caller, ClientOptions, Unsigned, decode, decode_list};
use crate::deletion::absent_is_done;
use crate::page::{IgnoredHeader, TotalSource};
use crate::paginate::{FetchPage, InOrder, Paginator, Rules, in_order};
use crate::{Deletion, Error, ErrorKind, Page};

/// A client of SWR: cheap to clone, `Send + Sync`, shared by many tasks.
///
/// ```no_run
/// use wharf::futures::TryStreamExt;
/// use wharf::model::RepositoryQuery;
/// use wharf::{SwrClient, SwrConfig};
///
/// # async fn run() -> Result<(), wharf::Error> {
/// let client = SwrClient::new(SwrConfig::from_env()?)?;
/// let mut query = RepositoryQuery::default();
/// query.namespace = Some("team".into());
/// let repos: Vec<_> = client.list_repositories(query).items().try_collect().await?;
/// println!("{} repositories", repos.len());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct SwrClient {
    inner: Arc<Inner>,
}

struct Inner {
    caller: Caller,
    base: String,
    slash: SlashEncoding,
    query_form: QueryForm,
    options: ClientOptions,
}

impl fmt::Debug for SwrClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SwrClient")
            .field("endpoint", &self.inner.base)
            .finish_non_exhaustive()
    }
}

impl SwrClient {
    /// A client over HTTPS (plain HTTP only to loopback).
    #[cfg(feature = "rustls")]
    pub fn new(config: SwrConfig) -> Result<Self, Error> {
        let transport = crate::client::http_transport(&config.options)?;
        Ok(SwrClient::with_transport(config, transport))
    }

    /// A client over `transport`: replay or recording in tests, or your own.
    pub fn with_transport(config: SwrConfig, transport: Arc<dyn Transport>) -> Self {
        let signer: Box<dyn Signer> = match config.auth {
            Some(auth) => Box::new(HuaweiSigner::new(auth)),
            None => Box::new(Unsigned),
        };
        let source = config.credential_source;
        let caller = Caller::new(transport, signer, SwrClassifier, source, &config.options);
        SwrClient {
            inner: Arc::new(Inner {
                caller,
                base: config.endpoint,
                slash: config.slash,
                query_form: config.query_form,
                options: config.options,
            }),
        }
    }

    /// The base URL.
    pub fn endpoint(&self) -> &str {
        &self.inner.base
    }

    /// The options the client was made with: timeouts, retries, and the
    /// defaults of its paginators.
    pub fn options(&self) -> &ClientOptions {
        &self.inner.options
    }

    /// One page of the caller's repositories (`GET /v2/manage/repos`): the
    /// page `query.page` asks for, or the server's default page.
    pub async fn list_repositories_page(
        &self,
        query: &RepositoryQuery,
    ) -> Result<Page<RepositoryInfo>, Error> {
        self.repositories_page(query, CallOptions::default()).await
    }

    /// Every repository `query` selects, page by page (its `page` is ignored).
    pub fn list_repositories(&self, query: RepositoryQuery) -> Paginator<RepositoryInfo> {
        let rules = Rules::keyed(repository_key).ordered(repository_order(&query));
        self.paginator(query, rules, "list_repos", |client, query, options| {
            Box::pin(async move { client.repositories_page(&query, options).await })
        })
    }

    async fn repositories_page(
        &self,
        query: &RepositoryQuery,
        options: CallOptions,
    ) -> Result<Page<RepositoryInfo>, Error> {
        const OP: &str = "list_repos";
        let invalid = |e| filter_error(OP, e);
        check_query(query).map_err(|e| e.during(Provider::Swr, OP))?;
        let pairs: Vec<(String, String)> = match self.inner.query_form {
            // A filter needs a term; asking for nothing in particular is no filter.
            QueryForm::Filter if *query == RepositoryQuery::default() => Vec::new(),
            QueryForm::Filter => vec![(
                "filter".to_owned(),
                wharf_parse::to_filter(query).map_err(invalid)?,
            )],
            QueryForm::Plain => wharf_parse::to_query_params(query)
                .map_err(invalid)?
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        };
        let response = self.get(OP, "/v2/manage/repos", &pairs, options).await?;
        let items: Vec<RepositoryInfo> =
            decode_list(Provider::Swr, OP, &response, limit(query.page))?;
        let total_range = items.first().and_then(|r| r.total_range);
        Ok(paged(OP, &response, items, query.page, total_range))
    }

    /// One page of official images (`GET /v2/manage/dockerhub/repos`).
    pub async fn list_official_images_page(
        &self,
        query: &OfficialImagesQuery,
    ) -> Result<Page<OfficialImage>, Error> {
        self.official_images_page(query, CallOptions::default())
            .await
    }

    /// Every official image `query` selects, page by page.
    pub fn list_official_images(&self, query: OfficialImagesQuery) -> Paginator<OfficialImage> {
        let rules = Rules::keyed(|i: &OfficialImage| i.id.to_string());
        self.paginator(
            query,
            rules,
            "list_official_images",
            |client, query, options| {
                Box::pin(async move { client.official_images_page(&query, options).await })
            },
        )
    }

    async fn official_images_page(
        &self,
        query: &OfficialImagesQuery,
        options: CallOptions,
    ) -> Result<Page<OfficialImage>, Error> {
        const OP: &str = "list_official_images";
        let mut pairs = Vec::new();
        if let Some(namespace) = &query.namespace {
            pairs.push(("namespace".to_owned(), namespace.clone()));
        }
        if let Some(name) = &query.image_name {
            pairs.push(("image_name".to_owned(), name.clone()));
        }
        push_page(&mut pairs, query.page);
        let response = self
            .get(OP, "/v2/manage/dockerhub/repos", &pairs, options)
            .await?;
        let items: Vec<OfficialImage> =
            decode_list(Provider::Swr, OP, &response, limit(query.page))?;
        let total_range = items.first().and_then(|i| i.total_range);
        Ok(paged(OP, &response, items, query.page, total_range))
    }

    /// One page of an official image's tags.
    pub async fn list_official_image_tags_page(
        &self,
        query: &OfficialImageTagsQuery,
    ) -> Result<Page<OfficialImageTag>, Error> {
        self.official_tags_page(query, CallOptions::default()).await
    }

    /// Every tag of an official image, page by page: give the
    /// [`ImageRef`] or a query (its `page` is ignored).
    pub fn list_official_image_tags(
        &self,
        query: impl Into<OfficialImageTagsQuery>,
    ) -> Paginator<OfficialImageTag> {
        let rules = Rules::keyed(|t: &OfficialImageTag| t.name.clone());
        let query = query.into();
        self.paginator(
            query,
            rules,
            "list_official_image_tags",
            |client, query, options| {
                Box::pin(async move { client.official_tags_page(&query, options).await })
            },
        )
    }

    async fn official_tags_page(
        &self,
        query: &OfficialImageTagsQuery,
        options: CallOptions,
    ) -> Result<Page<OfficialImageTag>, Error> {
        const OP: &str = "list_official_image_tags";
        let path = format!("{}/tags", self.official_path(&query.image));
        let mut pairs = Vec::new();
        push_page(&mut pairs, query.page);
        let response = self.get(OP, &path, &pairs, options).await?;
        let items: Vec<OfficialImageTag> =
            decode_list(Provider::Swr, OP, &response, limit(query.page))?;
        Ok(paged(OP, &response, items, query.page, None))
    }

    /// One official image in full; [`ErrorKind::NotFound`] when it does not exist.
    pub async fn show_official_image(
        &self,
        image: &ImageRef,
    ) -> Result<OfficialImageDetail, Error> {
        const OP: &str = "show_official_image";
        let path = self.official_path(image);
        let response = self.get(OP, &path, &[], CallOptions::default()).await?;
        decode(Provider::Swr, OP, &response)
    }

    /// The namespaces the caller can see (`GET /v2/manage/namespaces`), not
    /// paged: one namespace by exact name, or all.
    pub async fn list_namespaces(
        &self,
        query: &NamespacesQuery,
    ) -> Result<Vec<NamespaceInfo>, Error> {
        const OP: &str = "list_namespaces";
        let mut pairs = Vec::new();
        match query.mode {
            // The one form that carries `mode`: `filter=namespace::..|mode::..`.
            Some(mode) => {
                let mode = mode.to_string();
                let namespace = query.namespace.as_deref().map(|ns| ("namespace", ns));
                let terms = namespace.into_iter().chain([("mode", mode.as_str())]);
                let filter = wharf_parse::write_terms(terms).map_err(|e| filter_error(OP, e))?;
                pairs.push(("filter".to_owned(), filter));
            }
            None => {
                if let Some(namespace) = &query.namespace {
                    pairs.push(("namespace".to_owned(), namespace.clone()));
                }
            }
        }
        let response = self
            .get(OP, "/v2/manage/namespaces", &pairs, CallOptions::default())
            .await?;
        let body: ListNamespacesResponse = decode(Provider::Swr, OP, &response)?;
        Ok(body.namespaces)
    }

    /// One of the caller's repositories in full (`GET
    /// /v2/manage/namespaces/{namespace}/repos/{repository}`, the official
    /// SDK's `show_repository`); [`ErrorKind::NotFound`] when it does not
    /// exist.
    pub async fn show_repository(&self, image: &ImageRef) -> Result<RepositoryDetail, Error> {
        const OP: &str = "show_repository";
        let path = self.repository_path(image);
        let response = self.get(OP, &path, &[], CallOptions::default()).await?;
        decode(Provider::Swr, OP, &response)
    }

    /// One tag of one of the caller's repositories in full (`GET
    /// .../repos/{repository}/tags/{tag}`, the SDK's `show_repo_tag`);
    /// [`ErrorKind::NotFound`] when it, or its repository, does not exist.
    pub async fn show_repository_tag(&self, tag: &TagRef) -> Result<RepositoryTagDetail, Error> {
        const OP: &str = "show_repo_tag";
        let path = self.tag_path(tag);
        let response = self.get(OP, &path, &[], CallOptions::default()).await?;
        decode(Provider::Swr, OP, &response)
    }

    /// Deletes one tag of one of the caller's repositories (`DELETE
    /// .../repos/{repository}/tags/{tag}`, the SDK's `delete_repo_tag`).
    ///
    /// A tag that is not there (a retry after a lost answer, or a delete by
    /// someone else) is [`Deletion::AlreadyAbsent`], not an error. Whether
    /// SWR also drops the manifest under other tags of the same digest is
    /// not documented.
    pub async fn delete_repository_tag(&self, tag: &TagRef) -> Result<Deletion, Error> {
        const OP: &str = "delete_repo_tag";
        let url = format!("{}{}", self.inner.base, self.tag_path(tag));
        let request = Request::delete(Provider::Swr, OP, url);
        absent_is_done(self.inner.caller.send(request).await.map(drop))
    }

    /// One page of the tags of one of the caller's repositories.
    pub async fn list_repository_tags_page(
        &self,
        query: &RepositoryTagsQuery,
    ) -> Result<Page<RepositoryTag>, Error> {
        self.repository_tags_page(query, CallOptions::default())
            .await
    }

    /// Every tag of one of the caller's repositories, page by page: give
    /// the [`ImageRef`] (`repo.image_ref()?` of a listed repository) or a
    /// query (its `page` is ignored). Without an order, the server's
    /// default (newest first, in the emulator).
    pub fn list_repository_tags(
        &self,
        query: impl Into<RepositoryTagsQuery>,
    ) -> Paginator<RepositoryTag> {
        let query = query.into();
        let order = query.order.map(|(_, order_type)| {
            in_order(
                order_type == OrderType::Desc,
                |a: &RepositoryTag, b: &RepositoryTag| {
                    a.updated.instant().cmp(&b.updated.instant())
                },
            )
        });
        let rules = Rules::keyed(|t: &RepositoryTag| t.tag.clone()).ordered(order);
        self.paginator(
            query,
            rules,
            "list_repository_tags",
            |client, query, options| {
                Box::pin(async move { client.repository_tags_page(&query, options).await })
            },
        )
    }

    async fn repository_tags_page(
        &self,
        query: &RepositoryTagsQuery,
        options: CallOptions,
    ) -> Result<Page<RepositoryTag>, Error> {
        const OP: &str = "list_repository_tags";
        let path = format!("{}/tags", self.repository_path(&query.image));
        let mut pairs = Vec::new();
        push_page(&mut pairs, query.page);
        if let Some((column, order_type)) = query.order {
            pairs.push(("order_column".to_owned(), column.to_string()));
            pairs.push(("order_type".to_owned(), order_type.to_string()));
        }
        if let Some(tag) = &query.tag {
            pairs.push(("tag".to_owned(), tag.clone()));
        }
        let response = self.get(OP, &path, &pairs, options).await?;
        let items: Vec<RepositoryTag> =
            decode_list(Provider::Swr, OP, &response, limit(query.page))?;
        Ok(paged(OP, &response, items, query.page, None))
    }

    /// `/v2/manage/namespaces/{namespace}/repos/{repository}`, the path of
    /// one of the caller's repositories.
    fn repository_path(&self, image: &ImageRef) -> String {
        format!(
            "/v2/manage/namespaces/{}/repos/{}",
            image.namespace,
            image.repository.to_path_segment(self.inner.slash)
        )
    }

    fn tag_path(&self, tag: &TagRef) -> String {
        // A tag name is one path segment by its rule: no `/`, nothing to escape.
        format!("{}/tags/{}", self.repository_path(&tag.image), tag.tag)
    }

    fn official_path(&self, image: &ImageRef) -> String {
        format!(
            "/v2/manage/dockerhub/namespaces/{}/repos/{}",
            image.namespace,
            image.repository.to_path_segment(self.inner.slash)
        )
    }

    /// A paginator that asks for each page with `fetch`, on `query` set to
    /// that page.
    fn paginator<Q: PagedQuery, T: Clone + Send + 'static>(
        &self,
        query: Q,
        rules: Rules<T>,
        operation: &'static str,
        fetch: SwrFetch<Q, T>,
    ) -> Paginator<T> {
        let client = self.clone();
        let fetch: FetchPage<T> = Arc::new(move |offset, limit, options| {
            let mut query = query.clone();
            query.set_page(PageRequest::new(offset, limit));
            fetch(client.clone(), query, options)
        });
        Paginator::of_client(fetch, rules, &self.inner.options, operation)
    }

    /// A GET of `path` with `pairs` as the query, in the canonical form the
    /// signer signs, so what is signed is what is sent.
    async fn get(
        &self,
        operation: &'static str,
        path: &str,
        pairs: &[(String, String)],
        options: CallOptions,
    ) -> Result<Response, Error> {
        let mut url = format!("{}{path}", self.inner.base);
        if !pairs.is_empty() {
            url.push('?');
            url.push_str(&huawei::wire_query(pairs));
        }
        let request = Request::get(Provider::Swr, operation, url).with_options(options);
        self.inner.caller.send(request).await
    }
}

/// Refuses, before it is sent, a query that breaks a documented rule or is
/// unsafe to send: a namespace that is not an SWR namespace name (`../x`;
/// the rules are SWR's, api-notes 1.4), or a name to search for that is
/// empty or holds a control character. Any other search text (non-ASCII,
/// a space) is the server's to judge; `|` and `::`, which would add filter
/// terms, are refused when the filter is written.
fn check_query(query: &RepositoryQuery) -> Result<(), Error> {
    if let Some(namespace) = &query.namespace {
        wharf_model::NamespaceName::new(namespace.as_str())
            .map_err(|e| Error::new(ErrorKind::InvalidInput, e.to_string()).told(e))?;
    }
    if let Some(name) = &query.name
        && let Some(problem) = crate::unsafe_text::problem(name)
    {
        let detail = format!("name {name:?} cannot be sent: it {problem}");
        return Err(Error::new(ErrorKind::InvalidInput, detail));
    }
    Ok(())
}

/// A query that cannot be written as filter text: its own words, as
/// invalid input of `operation`.
fn filter_error(operation: &'static str, e: wharf_parse::FilterError) -> Error {
    Error::new(ErrorKind::InvalidInput, e.to_string())
        .during(Provider::Swr, operation)
        .told(e)
}

/// `namespace/name`, the key the paginator tells repositories apart by:
/// made for every item, so put together without the formatting machinery.
fn repository_key(r: &RepositoryInfo) -> String {
    let mut key = String::with_capacity(r.namespace.len() + 1 + r.name.len());
    key.push_str(&r.namespace);
    key.push('/');
    key.push_str(&r.name);
    key
}

/// How many items a page asked for may hold (the server's default when it
/// asked for none).
fn limit(page: Option<PageRequest>) -> usize {
    page.map_or(PageRequest::DEFAULT_LIMIT, |p| p.limit) as usize
}

/// Adds `offset` and `limit` when a page is asked for.
fn push_page(pairs: &mut Vec<(String, String)>, page: Option<PageRequest>) {
    if let Some(page) = page {
        pairs.push(("offset".to_owned(), page.offset.to_string()));
        pairs.push(("limit".to_owned(), page.limit.to_string()));
    }
}

/// A page from a list response.
///
/// `Content-Range` is advisory (api-notes 1.2: no real value of it has been
/// captured, and the official SDKs never read it), so no shape of it fails
/// a page. Its total is taken when it parses and starts at the offset asked
/// for; otherwise it is set aside, quoted in the page, and the total comes
/// from `total_range` on the items, or is unknown, so the listing goes on
/// until a short or empty page.
pub(crate) fn paged<T>(
    operation: &'static str,
    response: &Response,
    items: Vec<T>,
    asked: Option<PageRequest>,
    total_range: Option<u64>,
) -> Page<T> {
    let request_id = response.request_id(Provider::Swr).map(str::to_owned);
    let page = asked.unwrap_or(PageRequest::new(0, PageRequest::DEFAULT_LIMIT));
    let (header_total, ignored) = match response.header("content-range") {
        Some(text) => read_content_range(text, page.offset),
        None => (None, None),
    };
    if let Some(ignored) = &ignored {
        tracing::info!(operation, offset = page.offset, "{ignored}");
    }
    let (total, source) = match (header_total, total_range) {
        (Some(t), _) => (Some(t), TotalSource::ContentRange),
        (None, Some(t)) => (Some(t), TotalSource::TotalRange),
        (None, None) => (None, TotalSource::Absent),
    };
    Page::new(items, page.offset, page.limit, total)
        .with_request_id(request_id)
        .with_total_source(source)
        .with_ignored_header(ignored)
}

/// The total a `Content-Range` gives a page asked for at `offset`, or why
/// it gives none that can be trusted.
fn read_content_range(text: &str, offset: u64) -> (Option<u64>, Option<IgnoredHeader>) {
    let ignore = |reason: String| {
        let header = IgnoredHeader {
            name: "Content-Range",
            value: text.to_owned(),
            reason,
        };
        (None, Some(header))
    };
    match ContentRange::parse(text) {
        Err(e) => ignore(format!("{e}; the total comes from the body instead")),
        // A range that starts elsewhere describes some other page, so its
        // total may be another listing's too; repeats and gaps are caught
        // by the paginator's own checks on the items.
        Ok(range) if range.offset != offset => ignore(format!(
            "it starts at offset {}, not at {offset} as asked",
            range.offset
        )),
        Ok(range) => (range.total.known(), None),
    }
}

/// The check that items come in the order `query` asked for, when it asked.
fn repository_order(query: &RepositoryQuery) -> Option<InOrder<RepositoryInfo>> {
    let column = query.order_column?;
    let descending = query.order_type == Some(OrderType::Desc);
    Some(in_order(
        descending,
        move |a: &RepositoryInfo, b: &RepositoryInfo| match column {
            OrderColumn::Name => a.name.cmp(&b.name),
            OrderColumn::UpdatedTime | OrderColumn::UpdatedAt => {
                a.updated_at.instant().cmp(&b.updated_at.instant())
            }
            OrderColumn::TagCount => a.num_images.cmp(&b.num_images),
            OrderColumn::Namespace => a.namespace.cmp(&b.namespace),
            OrderColumn::IsPublic => a.is_public.cmp(&b.is_public),
            // A column this wharf does not know: nothing to check.
            _ => std::cmp::Ordering::Equal,
        },
    ))
}

/// Fetches the page a query names, on a client of its own.
type SwrFetch<Q, T> = fn(SwrClient, Q, CallOptions) -> BoxFuture<'static, Result<Page<T>, Error>>;

/// A query that names its page: what the paginator sets for each request.
trait PagedQuery: Clone + Send + Sync + 'static {
    fn set_page(&mut self, page: PageRequest);
}

macro_rules! paged_query {
    ($($query:ty),*) => {$(
        impl PagedQuery for $query {
            fn set_page(&mut self, page: PageRequest) {
                self.page = Some(page);
            }
        }
    )*};
}

paged_query!(
    RepositoryQuery,
    OfficialImagesQuery,
    OfficialImageTagsQuery,
    RepositoryTagsQuery
);
