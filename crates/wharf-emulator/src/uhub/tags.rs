//! UHub's `GetImageTag`: the tags of one image, one of them when
//! `TagName` is given.

use axum::response::Response;
use wharf_model::TagSet;

use super::{Failure, RET_NOT_FOUND, optional, paging, repo, required, success, uhub_time};
use crate::data::{self, Index};

pub(super) fn get_image_tag(
    index: &Index,
    params: &[(String, String)],
) -> Result<Response, Failure> {
    let (ns, ids) = repo(index, required(params, "RepoName")?)?;
    let image_name = required(params, "ImageName")?;
    let (offset, limit) = paging(params)?;
    let image = index.find(ids, image_name).ok_or_else(|| {
        (
            RET_NOT_FOUND,
            format!("Image [{}/{image_name}] does not exist", ns.name),
        )
    })?;
    let tag_name = optional(params, "TagName")?;
    let all: Vec<_> = image
        .tags
        .iter()
        .filter(|t| tag_name.is_none_or(|n| t.name == n))
        .collect();
    let items = data::page(&all, offset, limit)
        .iter()
        .map(|t| {
            let mut out = TagSet::default();
            out.tag_name = t.name.clone();
            out.update_time = uhub_time(&t.updated_at);
            out.digest = Some(t.digest.clone());
            out
        })
        .collect();
    Ok(success("GetImageTag", all.len(), items))
}
