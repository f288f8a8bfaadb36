//! SWR's tenant repositories: list them (`GET /v2/manage/repos`, from the
//! index's pre-encoded items), and the calls under one of them,
//! `/v2/manage/namespaces/{namespace}/repos/{repository}...`: ShowRepository
//! (`GET .../repos/{repository}`, huaweicloudsdkswr 3.1.219
//! `show_repository`) here, and ListRepositoryTags (`GET .../tags`) in
//! [`tags`]. The path is read by [`path`]: a `/` in the name as `$`,
//! `%24`, `%2F` or `/`, an ambiguous real `/` read the way under which the
//! repository exists.
//!
//! ShowRepository answers one [`RepositoryDetail`]. What the dataset does
//! not hold is derived, the same on every run and consistent with the other
//! calls:
//!
//! | field | value |
//! |---|---|
//! | `id` | 1 + the repository's place in namespace, then name order: its tags' `repo_id` |
//! | `ns_id` | 1 + the namespace's place in name order: its `id` in list namespaces |
//! | `creator_name` | the dataset's `domain_name`, as list namespaces' `creator_name` |
//! | `creator_id` | 32 hex digits drawn from `domain_name` (not the `domain_id` drawn from it) |
//! | `domain_id` | its tags' `domain_id` |
//! | `size`, `num_images` | the sum of its tags' sizes, the number of its tags, as list repositories |
//! | `url`, `path`, `internal_path` | as list repositories: `""`, `REGISTRY/NS/REPO`, `INTERNAL/NS/REPO` |
//! | `created`, `updated` | its `created_at`, `updated_at`, in their shape |
//! | `priority` | `0` |

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use wharf_model::{ImageRef, PageRequest, RepositoryDetail, RepositoryQuery};
use wharf_parse::{from_query_params, parse_filter};

use super::path::{self, Call, Unresolved};
use super::{Fail, bad_param, ids, tags};
use crate::data::Index;
use crate::http::json::{JSON_UTF8, ok};
use crate::http::params;
use crate::state::Shared;

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

/// Where a repository's path starts.
const PREFIX: &str = "/v2/manage/namespaces/";

/// `GET /v2/manage/namespaces/{namespace}/repos/{repository}` (show it)
/// and `.../{repository}/tags` (list its tags).
///
/// The names are checked first (a `400` naming the bad one), then that the
/// namespace exists, then the repository: SWR's `404` for either.
pub(crate) async fn repository(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> Result<Response, Fail> {
    let Some((namespace, rest)) = path::split(uri.path(), PREFIX) else {
        return Ok(super::unknown_api().await);
    };
    let namespace = path::namespace_name(namespace)?;
    let index = shared.index();
    let ids = index.namespace(namespace.as_str()).map(|(_, ids)| ids);
    let found = path::resolve(rest, path::GET_ARMS, |repository| {
        let ids = ids.clone()?;
        index.find_id(ids, repository.as_str())
    });
    let resolved = match found {
        Ok(resolved) => resolved,
        Err(Unresolved::NoCall) => return Ok(super::unknown_api().await),
        Err(Unresolved::Invalid(fail)) => return Err(fail),
        Err(Unresolved::Missing { .. }) if ids.is_none() => {
            return Err(super::not_found(format!(
                "Namespace {namespace} does not exist"
            )));
        }
        Err(Unresolved::Missing { repository, .. }) => {
            return Err(super::not_found(format!(
                "Repository {namespace}/{repository} does not exist"
            )));
        }
    };
    let id = resolved.found;
    match resolved.call {
        Call::Show => Ok(ok(&detail(&index, id))),
        Call::Tags => {
            let image = ImageRef::new(namespace, resolved.repository);
            tags::list(&index, id, image, query.as_deref(), shared.content_range)
        }
    }
}

/// Repository `id` of `index` as ShowRepository answers it.
pub(crate) fn detail(index: &Index, id: u32) -> RepositoryDetail {
    let (ns, repo) = index.repo(id);
    let dataset = &index.dataset;
    let address = |registry: &str| format!("{registry}/{}/{}", ns.name, repo.name);
    let mut out = RepositoryDetail::default();
    out.id = Some(u64::from(id) + 1);
    out.ns_id = index
        .namespace_rank(ns.name.as_str())
        .map(|rank| rank as u64 + 1);
    out.name = repo.name.to_string();
    out.category = Some(repo.category.clone());
    out.description = Some(repo.description.clone());
    out.creator_id = Some(ids::creator_id(&dataset.domain_name));
    out.creator_name = Some(dataset.domain_name.clone());
    out.size = Some(repo.size());
    out.is_public = Some(repo.is_public);
    out.num_images = Some(repo.tags.len() as u64);
    out.num_download = Some(repo.num_download);
    out.url = Some(String::new());
    out.path = Some(address(&dataset.registry));
    out.internal_path = Some(address(&dataset.internal_registry));
    out.created = Some(repo.created_at.clone());
    out.updated = Some(repo.updated_at.clone());
    out.domain_id = Some(ids::domain_id(&dataset.domain_name));
    out.priority = Some(0);
    out
}
