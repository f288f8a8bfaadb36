//! The SWR endpoints of the seed pages: list repositories, official images,
//! an official image, and its tags; SWR's error bodies and the gateway's,
//! and the signature check every SWR endpoint shares (`swr_namespaces`,
//! `swr_repos` and `swr_tags` hold the others; `repo_route` reads the
//! paths under a repository).
//!
//! Error codes the emulator sends (its own choice where Huawei documents none):
//!
//! | status | code | when |
//! |---|---|---|
//! | 400 | `SVCSTG.SWR.4001048` | a bad, repeated or empty query parameter or a bad path segment, named in the message; a body over 1 MiB or unreadable (`body`) |
//! | 401 | `APIGW.0301` | no credentials, unknown AK or token, bad signature, date out of range |
//! | 404 | `SVCSTG.SWR.4040002` | no such official image, namespace or repository (list tags, show repository) |
//! | 404 | `APIGW.0101` | no such API (path or method) |
//! | 500 | `SVCSTG.SWR.5000001` | only as an injected fault |

use std::sync::Arc;

use axum::extract::{RawQuery, Request, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use wharf_auth::huawei::ReceivedRequest;
use wharf_model::{
    OfficialImage, OfficialImageDetail, OfficialImageTag, PageRequest, RepositoryQuery, SwrError,
};
use wharf_parse::{from_query_params, parse_filter};

use crate::data::{self, OfficialImageRecord};
use crate::http::body::{self, BodyError};
use crate::http::json::{JSON_UTF8, json, ok};
use crate::http::params::{self, ParamError};
use crate::listing;
use crate::repo_route::{self, Call, Unresolved};
use crate::state::Shared;

/// A bad parameter.
pub(crate) const CODE_BAD_PARAM: &str = "SVCSTG.SWR.4001048";
/// No such image.
pub(crate) const CODE_NOT_FOUND: &str = "SVCSTG.SWR.4040002";
/// An internal error (injected only).
pub(crate) const CODE_INTERNAL: &str = "SVCSTG.SWR.5000001";

/// Where an official image's path starts.
const IMAGE_PREFIX: &str = "/v2/manage/dockerhub/namespaces/";

/// An SWR error body: `{"errorCode": ..., "errorMessage": ...}`.
pub(crate) fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    json(status, &SwrError::new(code, message))
}

/// An SWR error to answer with.
#[derive(Debug)]
pub(crate) struct Fail {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        error(self.status, self.code, self.message)
    }
}

/// A `404` saying what does not exist.
pub(crate) fn not_found(message: String) -> Fail {
    Fail {
        status: StatusCode::NOT_FOUND,
        code: CODE_NOT_FOUND,
        message,
    }
}

/// A `400` naming the bad parameter.
pub(crate) fn bad_param(name: &str, problem: impl std::fmt::Display) -> Fail {
    Fail {
        status: StatusCode::BAD_REQUEST,
        code: CODE_BAD_PARAM,
        message: format!("Invalid parameter {name}: {problem}"),
    }
}

impl From<ParamError> for Fail {
    fn from(e: ParamError) -> Self {
        bad_param(e.name(), e.problem())
    }
}

/// The answer to a request body that could not be read.
pub(crate) fn bad_body(e: &BodyError) -> Response {
    bad_param("body", e).into_response()
}

/// An API gateway error body: `{"error_code": ..., "error_msg": ...}`.
pub(crate) fn gateway_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({ "error_code": code, "error_msg": message });
    json(status, &body)
}

/// The gateway's answer to a path or method it does not know.
pub(crate) async fn unknown_api() -> Response {
    gateway_error(
        StatusCode::NOT_FOUND,
        "APIGW.0101",
        "The API does not exist or has not been published in the environment",
    )
}

/// Refuses a request without a valid signature or token with `401`.
pub(crate) async fn check_auth(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let auth = shared.auth();
    if !auth.enabled {
        return next.run(request).await;
    }
    let body = body::received(request.extensions());
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let uri = request.uri();
    let received = ReceivedRequest::new(request.method().as_str(), uri.path())
        .with_query(uri.query().unwrap_or(""))
        .with_headers(&headers)
        .with_body(&body);
    if let Err(message) = auth.check_swr(&received) {
        tracing::debug!("wharf-emulator: refused: {message}");
        return gateway_error(StatusCode::UNAUTHORIZED, "APIGW.0301", &message);
    }
    next.run(request).await
}

/// `GET /v2/manage/repos`: `filter`, or the same keys as plain parameters.
/// A page is copied from the index's pre-encoded items: no serialisation.
pub(crate) async fn list_repos(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Result<Response, Fail> {
    let pairs = params::swr_query(query.as_deref().unwrap_or_default());
    let mut query = repository_query(&pairs)?;
    if shared.ignore_is_public {
        // A server that does not know the term (seed 002 does not list it).
        query.is_public = None;
    }
    let index = shared.index();
    let selection = index.select(&query);
    let total = selection.len() as u64;
    let page = query
        .page
        .unwrap_or(PageRequest::new(0, PageRequest::DEFAULT_LIMIT));
    let ids = selection.page(page.offset, u64::from(page.limit));
    let body = index.swr_items.page(&index, &ids, total);
    let mut response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8))],
        body,
    )
        .into_response();
    if query.page.is_some() {
        let count = ids.len() as u64;
        shared
            .content_range
            .apply(&mut response, page.offset, count, total);
    }
    Ok(response)
}

/// The query from `filter`, or else from plain parameters.
///
/// When both are sent, `filter` wins and the plain parameters are not read
/// at all (api-notes 1.3), as SWR does.
fn repository_query(pairs: &[(String, String)]) -> Result<RepositoryQuery, Fail> {
    let Some(filter) = params::get(pairs, "filter")? else {
        return from_query_params(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| bad_param(e.key().unwrap_or("query"), &e));
    };
    parse_filter(filter).map_err(|e| bad_param("filter", e))
}

/// `offset` (default 0) and `limit` (default 100, at most 1000) of the
/// dockerhub listings.
fn paging(pairs: &[(String, String)]) -> Result<(u64, u64), Fail> {
    let default = u64::from(PageRequest::DEFAULT_LIMIT);
    Ok(params::paging(pairs, "offset", "limit", default)?)
}

/// `GET /v2/manage/dockerhub/repos?namespace&image_name&offset&limit`.
pub(crate) async fn list_official_images(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Result<Response, Fail> {
    let pairs = params::swr_query(query.as_deref().unwrap_or_default());
    let (offset, limit) = paging(&pairs)?;
    let namespace = params::get(&pairs, "namespace")?;
    let image_name = params::get(&pairs, "image_name")?;
    let dataset = shared.dataset();
    let all = listing::official_images(&dataset, namespace, image_name);
    let total = all.len() as u64;
    let body: Vec<OfficialImage> = data::page(&all, offset, limit)
        .iter()
        .map(|image| official_summary(image, total))
        .collect();
    let count = body.len() as u64;
    let mut response = ok(&body);
    shared
        .content_range
        .apply(&mut response, offset, count, total);
    Ok(response)
}

/// Fills the fields an official image's summary ([`OfficialImage`]) and
/// detail ([`OfficialImageDetail`]) share from `image`, so that the two
/// answers cannot drift apart; returns `out`.
macro_rules! official_fields {
    ($out:expr, $image:expr) => {{
        let (mut out, image): (_, &OfficialImageRecord) = ($out, $image);
        out.id = image.id;
        out.user = image.user.clone();
        out.name = Some(image.name.to_string());
        out.namespace = image.namespace.to_string();
        out.description = image.description.clone();
        out.star_count = image.star_count;
        out.pull_count = image.pull_count;
        out.collection_id = 0;
        out.last_updated = image.last_updated.clone();
        out
    }};
}

/// An item of the official image listing: the detail's fields without
/// `full_description`, plus `total_range`.
fn official_summary(image: &OfficialImageRecord, total: u64) -> OfficialImage {
    let mut out = official_fields!(OfficialImage::default(), image);
    out.total_range = Some(total);
    out
}

/// One official image: the summary's fields plus `full_description`.
fn official_detail(image: &OfficialImageRecord) -> OfficialImageDetail {
    let mut out = official_fields!(OfficialImageDetail::default(), image);
    out.full_description = image.full_description.clone();
    out
}

/// `GET .../namespaces/{ns}/repos/{repo}` and `.../repos/{repo}/tags`,
/// read as [`repo_route`] reads every repository path: a `/` in the name as
/// `$`, `%24`, `%2F` or `/`, and an ambiguous real `/` read the way under
/// which the image exists.
pub(crate) async fn official_image(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> Result<Response, Fail> {
    let Some((namespace, rest)) = repo_route::split(uri.path(), IMAGE_PREFIX) else {
        return Ok(unknown_api().await);
    };
    let namespace = repo_route::namespace_name(namespace)?;
    let dataset = shared.dataset();
    let found = repo_route::resolve(rest, repo_route::GET_ARMS, |repository| {
        dataset.official_image(namespace.as_str(), repository.as_str())
    });
    let (image, call) = match found {
        Ok(resolved) => (resolved.found, resolved.call),
        Err(Unresolved::NoCall) => return Ok(unknown_api().await),
        Err(Unresolved::Invalid(fail)) => return Err(fail),
        Err(Unresolved::Missing { repository, .. }) => {
            return Err(not_found(format!(
                "Image {namespace}/{repository} does not exist"
            )));
        }
    };
    if call == Call::Show {
        return Ok(ok(&official_detail(image)));
    }
    let pairs = params::swr_query(query.as_deref().unwrap_or_default());
    let (offset, limit) = paging(&pairs)?;
    let total = image.tags.len() as u64;
    let body: Vec<OfficialImageTag> = data::page(&image.tags, offset, limit)
        .iter()
        .map(|tag| {
            let mut out = OfficialImageTag::default();
            out.id = tag.id;
            out.name = tag.name.clone();
            out.size = tag.size;
            out.last_updated = tag.last_updated.clone();
            out
        })
        .collect();
    let count = body.len() as u64;
    let mut response = ok(&body);
    shared
        .content_range
        .apply(&mut response, offset, count, total);
    Ok(response)
}
