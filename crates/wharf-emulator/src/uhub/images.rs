//! UHub's `GetRepoImage` (the images, SWR repositories, of one repo, in
//! name order) and `DeleteRepoImage` (ucloud-sdk-python3
//! `uhub/client.py` `delete_repo_image`: `RepoName` and `ImageName`
//! required, `TagName` optional).
//!
//! `DeleteRepoImage` with `TagName` deletes that tag; without it, every tag
//! of the image, as the SDK's docstring says ("不指定tag则删除全部tag",
//! api-notes 2.1). The image itself stays, with no tags (the emulator's
//! choice: the SDK says the tags go, not that the image does): it is still
//! listed by
//! `GetRepoImage` (with an empty `LatestTag`) and SWR's list repositories
//! (with `num_images` 0). Deleting every tag of an image that has none
//! succeeds. The answer is the status envelope alone,
//! `{"RetCode":0,"Action":"DeleteRepoImageResponse"}`
//! ([`UhubStatus`], the SDK's `DeleteRepoImageResponseSchema` has no
//! field); a repo, image or tag that does not exist is RetCode 232, as the
//! other actions answer a missing repo or image.

use axum::response::Response;
use wharf_model::{ImageSet, UhubStatus};

use super::{
    Failure, RET_NOT_FOUND, image_missing, optional, paging, repo, repo_missing, required, success,
    uhub_time,
};
use crate::data::{Index, Missing, NamespaceRecord, Repo, View};
use crate::http::json::ok;

pub(super) fn get_repo_image(
    view: &View<'_>,
    params: &[(String, String)],
) -> Result<Response, Failure> {
    let (ns, ids) = repo(view, required(params, "RepoName")?)?;
    let (offset, limit) = paging(params)?;
    let selection = view.natural(ids);
    let items = selection
        .page(offset, limit)
        .into_iter()
        .map(|id| image_set(ns, view.repo(id).1))
        .collect();
    Ok(success("GetRepoImage", selection.len(), items))
}

/// `DeleteRepoImage`: the tag `TagName` of image `ImageName` in repo
/// `RepoName`, or every tag of it without `TagName`.
pub(super) fn delete_repo_image(
    index: &Index,
    params: &[(String, String)],
) -> Result<Response, Failure> {
    let repo_name = required(params, "RepoName")?;
    let image_name = required(params, "ImageName")?;
    let tag_name = optional(params, "TagName")?;
    match index.delete_tags(repo_name, image_name, tag_name) {
        Ok(_) => Ok(ok(&UhubStatus::success("DeleteRepoImage"))),
        Err(Missing::Namespace) => Err(repo_missing(repo_name)),
        Err(Missing::Repository) => Err(image_missing(repo_name, image_name)),
        Err(Missing::Tag) => Err((
            RET_NOT_FOUND,
            format!(
                "Tag [{repo_name}/{image_name}:{}] does not exist",
                tag_name.unwrap_or_default()
            ),
        )),
    }
}

fn image_set(ns: &NamespaceRecord, repo: Repo<'_>) -> ImageSet {
    let mut out = ImageSet::default();
    out.image_name = repo.name().to_owned();
    out.pull_count = repo.num_download();
    out.create_time = uhub_time(repo.created_at().instant());
    out.update_time = uhub_time(repo.updated_at().instant());
    out.latest_tag = repo
        .latest_tag()
        .map(|t| t.name().to_owned())
        .unwrap_or_default();
    out.repo_name = Some(ns.name.to_string());
    out
}
