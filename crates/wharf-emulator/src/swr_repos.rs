//! SWR's calls under one of the tenant's repositories,
//! `/v2/manage/namespaces/{namespace}/repos/{repository}...`: ShowRepository
//! (`GET .../repos/{repository}`, huaweicloudsdkswr 3.1.219
//! `show_repository`) here, and ListRepositoryTags (`GET .../tags`) in
//! [`swr_tags`](crate::swr_tags). The path is read by
//! [`repo_route`](crate::repo_route): a `/` in the name as `$`, `%24`,
//! `%2F` or `/`, an ambiguous real `/` read the way under which the
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
use axum::http::Uri;
use axum::response::Response;
use wharf_model::{ImageRef, RepositoryDetail};

use crate::data::Index;
use crate::http::json::ok;
use crate::repo_route::{self, Call, Unresolved};
use crate::state::Shared;
use crate::swr::{self, Fail};
use crate::swr_tags;

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
    let Some((namespace, rest)) = repo_route::split(uri.path(), PREFIX) else {
        return Ok(swr::unknown_api().await);
    };
    let namespace = repo_route::namespace_name(namespace)?;
    let index = shared.index();
    let ids = index.namespace(namespace.as_str()).map(|(_, ids)| ids);
    let found = repo_route::resolve(rest, repo_route::GET_ARMS, |repository| {
        let ids = ids.clone()?;
        index.find_id(ids, repository.as_str())
    });
    let resolved = match found {
        Ok(resolved) => resolved,
        Err(Unresolved::NoCall) => return Ok(swr::unknown_api().await),
        Err(Unresolved::Invalid(fail)) => return Err(fail),
        Err(Unresolved::Missing { .. }) if ids.is_none() => {
            return Err(swr::not_found(format!(
                "Namespace {namespace} does not exist"
            )));
        }
        Err(Unresolved::Missing { repository, .. }) => {
            return Err(swr::not_found(format!(
                "Repository {namespace}/{repository} does not exist"
            )));
        }
    };
    let id = resolved.found;
    match resolved.call {
        Call::Show => Ok(ok(&detail(&index, id))),
        Call::Tags => {
            let image = ImageRef::new(namespace, resolved.repository);
            swr_tags::list(&index, id, image, query.as_deref(), shared.content_range)
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
    out.creator_id = Some(creator_id(&dataset.domain_name));
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
    out.domain_id = Some(swr_tags::domain_id(&dataset.domain_name));
    out.priority = Some(0);
    out
}

/// An IAM user id, 32 hex digits, drawn from the account name: the draws
/// after those of its `domain_id`, so that the two differ.
fn creator_id(domain_name: &str) -> String {
    swr_tags::hex_digits(swr_tags::fnv1a(domain_name), 2, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_differ_and_are_pinned() {
        let creator = creator_id("wharf-demo");
        assert_eq!(creator.len(), 32);
        assert_ne!(creator, swr_tags::domain_id("wharf-demo"));
        assert_eq!(creator, creator_id("wharf-demo"));
    }
}
