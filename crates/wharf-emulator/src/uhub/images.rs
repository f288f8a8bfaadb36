//! UHub's `GetRepoImage`: the images (SWR repositories) of one repo, in
//! name order.

use axum::response::Response;
use wharf_model::ImageSet;

use super::{Failure, paging, repo, required, success, uhub_time};
use crate::data::{Index, NamespaceRecord, RepositoryRecord, Selection};

pub(super) fn get_repo_image(
    index: &Index,
    params: &[(String, String)],
) -> Result<Response, Failure> {
    let (ns, ids) = repo(index, required(params, "RepoName")?)?;
    let (offset, limit) = paging(params)?;
    let selection = Selection::Ids(ids);
    let items = selection
        .page(offset, limit)
        .into_iter()
        .map(|id| image_set(ns, index.repo(id).1))
        .collect();
    Ok(success("GetRepoImage", selection.len(), items))
}

fn image_set(ns: &NamespaceRecord, repo: &RepositoryRecord) -> ImageSet {
    let mut out = ImageSet::default();
    out.image_name = repo.name.to_string();
    out.pull_count = repo.num_download;
    out.create_time = uhub_time(&repo.created_at);
    out.update_time = uhub_time(&repo.updated_at);
    out.latest_tag = repo
        .latest_tag()
        .map(|t| t.name.clone())
        .unwrap_or_default();
    out.repo_name = Some(ns.name.to_string());
    out
}
