//! [`UhubClient`]: every UHub action wharf knows, one page or a paginator.

use std::fmt;
use std::sync::Arc;

use wharf_auth::ucloud::form_encode;
use wharf_model::{
    DeleteRepoImageRequest, GetImageTagRequest, GetRepoImageRequest, GetRepoRequest, ImageSet,
    RepoSet, TagSet, UhubAction, UhubListAction, UhubResponse, UhubStatus,
};
use wharf_transport::{
    CallOptions, Provider, Request, Signer, Transport, UcloudSigner, UhubClassifier,
};

use super::{UhubConfig, UhubMethod};
use crate::client::{Caller, ClientOptions, Unsigned, decode};
use crate::deletion::absent_is_done;
use crate::paginate::{FetchPage, Paginator, Rules};
use crate::{Deletion, Error, ErrorKind, Page, TotalSource};

/// A client of UHub: cheap to clone, `Send + Sync`, shared by many tasks.
///
/// UHub's "repo" is what SWR calls a namespace; its "image" is a repository.
#[derive(Clone)]
pub struct UhubClient {
    inner: Arc<Inner>,
}

struct Inner {
    caller: Caller,
    base: String,
    region: Option<String>,
    project_id: Option<String>,
    method: UhubMethod,
    options: ClientOptions,
}

impl fmt::Debug for UhubClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UhubClient")
            .field("endpoint", &self.inner.base)
            .field("region", &self.inner.region)
            .finish_non_exhaustive()
    }
}

impl UhubClient {
    /// A client over HTTPS (plain HTTP only to loopback).
    #[cfg(feature = "rustls")]
    pub fn new(config: UhubConfig) -> Result<Self, Error> {
        let transport = crate::client::http_transport(&config.options)?;
        Ok(UhubClient::with_transport(config, transport))
    }

    /// A client over `transport`: replay or recording in tests, or your own.
    pub fn with_transport(config: UhubConfig, transport: Arc<dyn Transport>) -> Self {
        let signer: Box<dyn Signer> = match config.credentials {
            Some(keys) => Box::new(UcloudSigner::new(keys)),
            None => Box::new(Unsigned),
        };
        let source = config.credential_source;
        let caller = Caller::new(transport, signer, UhubClassifier, source, &config.options);
        UhubClient {
            inner: Arc::new(Inner {
                caller,
                base: config.endpoint,
                region: config.region,
                project_id: config.project_id,
                method: config.method,
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

    /// The `Region` sent with every action, when one is.
    pub fn region(&self) -> Option<&str> {
        self.inner.region.as_deref()
    }

    /// One page of `GetRepoImage`: the images of one repo, the page
    /// `request`'s `Offset` and `Limit` ask for.
    pub async fn list_repo_images_page(
        &self,
        request: &GetRepoImageRequest,
    ) -> Result<Page<ImageSet>, Error> {
        self.page(request, CallOptions::default()).await
    }

    /// Every image of the repo `request` names, page by page (its offset
    /// and limit are the paginator's to choose).
    pub fn list_repo_images(&self, request: GetRepoImageRequest) -> Paginator<ImageSet> {
        self.paginator(request, |r: &ImageSet| r.image_name.clone())
    }

    /// One page of `GetImageTag`: the tags of one image.
    pub async fn list_image_tags_page(
        &self,
        request: &GetImageTagRequest,
    ) -> Result<Page<TagSet>, Error> {
        self.page(request, CallOptions::default()).await
    }

    /// Every tag of the image `request` names, page by page.
    pub fn list_image_tags(&self, request: GetImageTagRequest) -> Paginator<TagSet> {
        self.paginator(request, |t: &TagSet| t.tag_name.clone())
    }

    /// One tag of an image: `GetImageTag` with the `TagName` that `request`
    /// must carry ([`GetImageTagRequest::with_tag`]);
    /// [`ErrorKind::NotFound`] when the image has no tag of that name.
    ///
    /// Only a tag of exactly that name counts: UHub does not document
    /// whether `TagName` matches exactly.
    pub async fn show_image_tag(&self, request: &GetImageTagRequest) -> Result<TagSet, Error> {
        const OP: &str = "GetImageTag";
        let Some(name) = request.tag_name.as_deref() else {
            let detail = "showing one tag needs a TagName (GetImageTagRequest::with_tag)";
            return Err(Error::new(ErrorKind::InvalidInput, detail).during(Provider::Uhub, OP));
        };
        let page = self.page(request, CallOptions::default()).await?;
        page.items
            .into_iter()
            .find(|t| t.tag_name == name)
            .ok_or_else(|| {
                let detail = format!(
                    "image {}/{} has no tag {name}",
                    request.repo_name, request.image_name
                );
                Error::new(ErrorKind::NotFound, detail).during(Provider::Uhub, OP)
            })
    }

    /// Deletes one tag of an image (`DeleteRepoImage` with its `TagName`).
    ///
    /// The request always names its tag: without one UHub deletes every tag
    /// of the image, and a [`DeleteRepoImageRequest`] cannot be made
    /// without one. A tag or image that is not there is
    /// [`Deletion::AlreadyAbsent`], not an error.
    pub async fn delete_image_tag(
        &self,
        request: &DeleteRepoImageRequest,
    ) -> Result<Deletion, Error> {
        let result = async {
            let response = self.call(request, CallOptions::default()).await?;
            decode::<UhubStatus>(Provider::Uhub, DeleteRepoImageRequest::ACTION, &response)
        };
        absent_is_done(result.await.map(drop))
    }

    /// One page of `GetRepo`: the account's repos.
    pub async fn list_repos_page(&self, request: &GetRepoRequest) -> Result<Page<RepoSet>, Error> {
        self.page(request, CallOptions::default()).await
    }

    /// Every repo `request` selects, page by page.
    ///
    /// Without a type `GetRepo` lists public repos only (the SDK's
    /// docstring: "默认public"), so all of an account's repos take one
    /// listing of each type, [`GetRepoRequest::new`]`(RepoType::Private)`
    /// and `(RepoType::Public)`, as
    /// [`UhubCatalog`](crate::catalog::UhubCatalog) does.
    pub fn list_repos(&self, request: GetRepoRequest) -> Paginator<RepoSet> {
        self.paginator(request, |r: &RepoSet| r.repo_name.clone())
    }

    fn paginator<A>(&self, template: A, key: fn(&A::Item) -> String) -> Paginator<A::Item>
    where
        A: UhubListAction + Clone + Send + Sync + 'static,
        A::Item: Clone + Send + 'static,
    {
        let client = self.clone();
        let fetch: FetchPage<A::Item> = Arc::new(move |offset, limit, options| {
            let client = client.clone();
            let mut request = template.clone();
            request.set_page(offset, limit);
            Box::pin(async move { client.page(&request, options).await })
        });
        let rules = Rules::keyed(key).confirming_end();
        Paginator::of_client(fetch, rules, &self.inner.options, A::ACTION)
    }

    /// Calls `action` and reads its page: the total from `TotalCount`,
    /// checked against the items.
    async fn page<A: UhubListAction>(
        &self,
        action: &A,
        options: CallOptions,
    ) -> Result<Page<A::Item>, Error> {
        let (offset, limit) = action.page();
        let response = self.call(action, options).await?;
        let body: UhubResponse<A::Item> = decode(Provider::Uhub, A::ACTION, &response)?;
        let request_id = response.request_id(Provider::Uhub).map(str::to_owned);
        let (total, source) = match body.total_count {
            Some(count) => (Some(count), TotalSource::TotalCount),
            None => (None, TotalSource::Absent),
        };
        let items = body.set.unwrap_or_default();
        // UHub's default page is 20 items.
        let page = Page::new(items, offset.unwrap_or(0), limit.unwrap_or(20), total);
        Ok(page.with_request_id(request_id).with_total_source(source))
    }

    async fn call<A: UhubAction>(
        &self,
        action: &A,
        options: CallOptions,
    ) -> Result<wharf_transport::Response, Error> {
        let mut params = vec![("Action", A::ACTION.to_owned())];
        params.extend(action.params());
        check_names::<A>(&params)?;
        let has = |params: &[(&str, String)], name| params.iter().any(|(k, _)| *k == name);
        if let Some(project) = &self.inner.project_id
            && !has(&params, "ProjectId")
        {
            params.push(("ProjectId", project.clone()));
        }
        if let Some(region) = &self.inner.region {
            params.push(("Region", region.clone()));
        }
        let form = params
            .iter()
            .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let base = &self.inner.base;
        let request = match self.inner.method {
            UhubMethod::PostForm => {
                let mut request =
                    Request::post(Provider::Uhub, A::ACTION, format!("{base}/"), form);
                request.headers.insert(
                    http::header::CONTENT_TYPE,
                    http::HeaderValue::from_static("application/x-www-form-urlencoded"),
                );
                request
            }
            UhubMethod::GetQuery => {
                Request::get(Provider::Uhub, A::ACTION, format!("{base}/?{form}"))
            }
        };
        self.inner.caller.send(request.with_options(options)).await
    }
}

/// Refuses, before anything is sent, a repo or image name that is unsafe
/// to send (empty, a control character, a `.` or `..` component). UHub
/// documents no naming rules (none are in the seed pages or the SDK), so
/// nothing else is refused: the server judges the rest.
fn check_names<A: UhubAction>(params: &[(&str, String)]) -> Result<(), Error> {
    params
        .iter()
        .try_for_each(|(key, value)| check_name(key, value, A::ACTION))
}

/// Checks `value` when `key` is `RepoName` or `ImageName`; see [`check_names`].
pub(crate) fn check_name(key: &str, value: &str, operation: &'static str) -> Result<(), Error> {
    if !matches!(key, "RepoName" | "ImageName") {
        return Ok(());
    }
    match crate::unsafe_text::problem(value) {
        None => Ok(()),
        Some(problem) => {
            let detail = format!("{key} {value:?} cannot be sent: it {problem}");
            Err(Error::new(ErrorKind::InvalidInput, detail).during(Provider::Uhub, operation))
        }
    }
}
