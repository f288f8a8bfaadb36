//! SWR's tenant repositories: list them (`GET /v2/manage/repos`, from the
//! index's pre-encoded items), and the calls under one of them,
//! `/v2/manage/namespaces/{namespace}/repos/{repository}...`: ShowRepository
//! (`GET .../repos/{repository}`, huaweicloudsdkswr 3.1.219
//! `show_repository`) here, ListRepositoryTags (`GET .../tags`) and
//! ShowRepoTag (`GET .../tags/{tag}`, `show_repo_tag`) in [`tags`], and
//! DeleteRepoTag (`DELETE .../tags/{tag}`, `delete_repo_tag`) here. The
//! path is read by [`path`]: a `/` in the name as `$`, `%24`, `%2F` or `/`,
//! an ambiguous real `/` read the way under which the repository (and the
//! tag) exists.
//!
//! DeleteRepoTag answers `200` with an empty body: the SDK's
//! `DeleteRepoTagResponse` has no field, and its reader takes an empty body
//! as that empty response (the emulator's choice of body). The tag is gone
//! from both APIs at once (one dataset serves both); the repository stays,
//! with its `updated` unchanged, even when it has no tag left. A missing
//! namespace, repository or tag is SWR's `404` (`SVCSTG.SWR.4040002`,
//! `Namespace NS does not exist`, `Repository NS/REPO does not exist`,
//! `Tag NS/REPO:TAG does not exist`); a bad name a `400` naming it
//! (`namespace`, `repository`, `tag`). Whether deleting a tag also removes
//! other tags of the same digest is not documented (api-notes 1.4b): here
//! it does not.
//!
//! ShowRepository answers one [`RepositoryDetail`]. What the dataset does
//! not hold is derived, the same on every run and consistent with the other
//! calls:
//!
//! | field | value |
//! |---|---|
//! | `id` | 1 + the repository's place in namespace, then name order when the dataset was loaded (a repository pushed later: the next number): its tags' `repo_id` |
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
use wharf_model::{
    ImageRef, NamespaceName, PageRequest, RepositoryDetail, RepositoryName, RepositoryQuery,
};
use wharf_parse::{from_query_params, parse_filter};

use super::path::{self, Call, Unresolved};
use super::{Fail, bad_param, ids, no_such_api, not_found, tags};
use crate::data::{Missing, View};
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
    let view = index.read();
    let selection = view.select(&query);
    let total = selection.len() as u64;
    let page = query
        .page
        .unwrap_or(PageRequest::new(0, PageRequest::DEFAULT_LIMIT));
    let ids = selection.page(page.offset, u64::from(page.limit));
    let body = index.swr_items.page(&view, &ids, total);
    drop(view);
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

/// `GET /v2/manage/namespaces/{namespace}/repos/{repository}` (show it),
/// `.../{repository}/tags` (list its tags) and `.../tags/{tag}` (show one).
///
/// The names are checked first (a `400` naming the bad one), then that the
/// namespace exists, then the repository, then the tag: SWR's `404` for
/// any.
pub(crate) async fn repository(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> Result<Response, Fail> {
    let Some((namespace, rest)) = path::split(uri.path(), PREFIX) else {
        return Ok(no_such_api());
    };
    let namespace = path::namespace_name(namespace)?;
    let index = shared.index();
    let view = index.read();
    let range = view.namespace(namespace.as_str()).map(|(_, range)| range);
    let found = path::resolve(rest, path::GET_ARMS, |repository, call| {
        let id = view.find_id(range.clone()?, repository.as_str())?;
        match call {
            Call::Tag(tag) => tags::position(&view, id, tag.as_str()).map(|p| (id, p)),
            _ => Some((id, 0)),
        }
    });
    let resolved = match found {
        Ok(resolved) => resolved,
        Err(Unresolved::NoCall) => return Ok(no_such_api()),
        Err(Unresolved::Invalid(fail)) => return Err(fail),
        Err(Unresolved::Missing { repository, call }) => {
            let repository_exists = range
                .clone()
                .and_then(|range| view.find_id(range, repository.as_str()))
                .is_some();
            let missing = match (range.is_some(), repository_exists) {
                (false, _) => Missing::Namespace,
                (true, false) => Missing::Repository,
                (true, true) => Missing::Tag,
            };
            return Err(missing_fail(missing, &namespace, &repository, &call));
        }
    };
    let (id, position) = resolved.found;
    match resolved.call {
        Call::Show => Ok(ok(&detail(&view, id))),
        Call::Tag(_) => Ok(ok(&tags::show(&view, id, position))),
        Call::Tags => {
            let image = ImageRef::new(namespace, resolved.repository);
            tags::list(&view, id, image, query.as_deref(), shared.content_range)
        }
    }
}

/// `DELETE /v2/manage/namespaces/{namespace}/repos/{repository}/tags/{tag}`
/// (huaweicloudsdkswr 3.1.219 `delete_repo_tag`): deletes the tag, `200`
/// with an empty body. The names are checked first (a `400` naming the bad
/// one), then the namespace, repository and tag, under the index's write
/// lock: SWR's `404` for any.
pub(crate) async fn delete_tag(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
) -> Result<Response, Fail> {
    let Some((namespace, rest)) = path::split(uri.path(), PREFIX) else {
        return Ok(no_such_api());
    };
    let namespace = path::namespace_name(namespace)?;
    // One reading: nothing to look up before the write lock.
    let resolved = match path::resolve(rest, path::DELETE_ARMS, |_, _| Some(())) {
        Ok(resolved) => resolved,
        Err(Unresolved::Invalid(fail)) => return Err(fail),
        Err(_) => return Ok(no_such_api()),
    };
    let Call::Tag(tag) = &resolved.call else {
        return Ok(no_such_api());
    };
    let index = shared.index();
    let deleted = index.delete_tags(
        namespace.as_str(),
        resolved.repository.as_str(),
        Some(tag.as_str()),
    );
    match deleted {
        Ok(_) => Ok(StatusCode::OK.into_response()),
        Err(missing) => Err(missing_fail(
            missing,
            &namespace,
            &resolved.repository,
            &resolved.call,
        )),
    }
}

/// SWR's `404` for what is missing: the namespace, the repository, or
/// (`call` being one tag's) the tag.
fn missing_fail(
    missing: Missing,
    namespace: &NamespaceName,
    repository: &RepositoryName,
    call: &Call,
) -> Fail {
    match (missing, call) {
        (Missing::Namespace, _) => not_found(format!("Namespace {namespace} does not exist")),
        (Missing::Tag, Call::Tag(tag)) => {
            not_found(format!("Tag {namespace}/{repository}:{tag} does not exist"))
        }
        _ => not_found(format!(
            "Repository {namespace}/{repository} does not exist"
        )),
    }
}

/// Repository `id` of `view` as ShowRepository answers it.
pub(crate) fn detail(view: &View<'_>, id: u32) -> RepositoryDetail {
    let (ns, repo) = view.repo(id);
    let dataset = view.dataset();
    let address = |registry: &str| format!("{registry}/{}/{}", ns.name, repo.name());
    let mut out = RepositoryDetail::default();
    out.id = Some(u64::from(id) + 1);
    out.ns_id = view
        .namespace_rank(ns.name.as_str())
        .map(|rank| rank as u64 + 1);
    out.name = repo.name().to_owned();
    out.category = Some(repo.category().clone());
    out.description = Some(repo.description().to_owned());
    out.creator_id = Some(ids::creator_id(&dataset.domain_name));
    out.creator_name = Some(dataset.domain_name.clone());
    out.size = Some(repo.size());
    out.is_public = Some(repo.is_public());
    out.num_images = Some(repo.tag_count() as u64);
    out.num_download = Some(repo.num_download());
    out.url = Some(String::new());
    out.path = Some(address(&dataset.registry));
    out.internal_path = Some(address(&dataset.internal_registry));
    out.created = Some(repo.created_at().timestamp());
    out.updated = Some(repo.updated_at().timestamp());
    out.domain_id = Some(ids::domain_id(&dataset.domain_name));
    out.priority = Some(0);
    out
}
