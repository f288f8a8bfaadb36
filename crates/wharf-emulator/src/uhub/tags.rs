//! UHub's `GetImageTag`: the tags of one image, one of them when
//! `TagName` is given.

use axum::response::Response;
use wharf_model::TagSet;

use super::{Failure, image_missing, optional, paging, repo, required, success, uhub_time};
use crate::data::{self, View};

/// `GetImageTag`: the image's tags as they are now (deleted ones gone,
/// pushed ones there), in the dataset's order (newest first), `TagName`
/// keeping only the tag of that name (the SDK: "如果填写，代表查询该tag").
pub(super) fn get_image_tag(
    view: &View<'_>,
    params: &[(String, String)],
) -> Result<Response, Failure> {
    let (ns, ids) = repo(view, required(params, "RepoName")?)?;
    let image_name = required(params, "ImageName")?;
    let (offset, limit) = paging(params)?;
    let image = view
        .find(ids, image_name)
        .ok_or_else(|| image_missing(ns.name.as_str(), image_name))?;
    let tag_name = optional(params, "TagName")?;
    let all: Vec<_> = image
        .tags()
        .filter(|t| tag_name.is_none_or(|n| t.name() == n))
        .collect();
    let items = data::page(&all, offset, limit)
        .iter()
        .map(|t| {
            let mut out = TagSet::default();
            out.tag_name = t.name().to_owned();
            out.update_time = uhub_time(t.updated_at().instant());
            out.digest = Some(t.digest());
            out
        })
        .collect();
    Ok(success("GetImageTag", all.len(), items))
}
