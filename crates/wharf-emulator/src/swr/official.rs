//! SWR's official (dockerhub) images: list them
//! (`GET /v2/manage/dockerhub/repos`), show one
//! (`GET /v2/manage/dockerhub/namespaces/{namespace}/repos/{image}`) and
//! list its tags (`.../{image}/tags`). Paged by `offset` (default 0) and
//! `limit` (default 100, at most 1000), with a `Content-Range` always.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::Uri;
use axum::response::Response;
use wharf_model::{OfficialImage, OfficialImageDetail, OfficialImageTag, PageRequest};

use super::path::{self, Call, Unresolved};
use super::{Fail, not_found, unknown_api};
use crate::data::{self, Dataset, OfficialImageRecord};
use crate::http::json::ok;
use crate::http::params;
use crate::state::Shared;

/// Where an official image's path starts.
const IMAGE_PREFIX: &str = "/v2/manage/dockerhub/namespaces/";

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
    let index = shared.index();
    let all = official_images(&index.dataset, namespace, image_name);
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

/// `GET /v2/manage/dockerhub/namespaces/{ns}/repos/{repo}` and
/// `.../repos/{repo}/tags`,
/// read as [`path`] reads every repository path: a `/` in the name as
/// `$`, `%24`, `%2F` or `/`, and an ambiguous real `/` read the way under
/// which the image exists.
pub(crate) async fn official_image(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> Result<Response, Fail> {
    let Some((namespace, rest)) = path::split(uri.path(), IMAGE_PREFIX) else {
        return Ok(unknown_api().await);
    };
    let namespace = path::namespace_name(namespace)?;
    let index = shared.index();
    let dataset = &index.dataset;
    let found = path::resolve(rest, path::OFFICIAL_ARMS, |repository, _| {
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
    if call != Call::Tags {
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

/// Official images by id: `namespace` matches exactly, `image_name` is a
/// substring match, case as sent. Seed 001 lists `image_name` without
/// saying how it matches; the page is a search ("公有镜像资源检索") and list
/// repositories' `name` is a fuzzy match (api-notes 1.3), so a substring.
pub(crate) fn official_images<'a>(
    dataset: &'a Dataset,
    namespace: Option<&str>,
    image_name: Option<&str>,
) -> Vec<&'a OfficialImageRecord> {
    let mut list: Vec<&OfficialImageRecord> = dataset
        .official_images
        .iter()
        .filter(|i| namespace.is_none_or(|n| i.namespace.as_str() == n))
        .filter(|i| image_name.is_none_or(|n| i.name.as_str().contains(n)))
        .collect();
    list.sort_by_key(|i| i.id);
    list
}
