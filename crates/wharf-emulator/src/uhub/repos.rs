//! UHub's `GetRepo`: the repos (SWR namespaces) of one `Type`, by name.

use axum::response::Response;
use wharf_model::{BoolString, RepoSet};

use super::{Failure, RET_BAD_PARAM, optional, paging, success, uhub_time};
use crate::data::{self, NamespaceRecord, View};

/// `GetRepo`: the repos of one `Type`, `public` when none is given (the
/// SDK's docstring: "private私有仓库，public公共仓库，默认public"). A repo is
/// public when its `IsShared` is true: the SDK documents `IsShared` as the
/// repo's type ("镜像仓库类型,false为私有；true为公有", and `CreateRepo`'s
/// `IsShared` as "是否公开"), and `IsOutSide` as whether it can be reached
/// from outside UCloud's network ("是否外网可以访问"), which is no type.
pub(super) fn get_repo(view: &View<'_>, params: &[(String, String)]) -> Result<Response, Failure> {
    let public = match optional(params, "Type")? {
        None | Some("public") => true,
        Some("private") => false,
        Some(other) => {
            let message = format!("Params error: Type {other:?} is not \"private\" or \"public\"");
            return Err((RET_BAD_PARAM, message));
        }
    };
    let (offset, limit) = paging(params)?;
    let all = namespaces(view, public);
    let items = data::page(&all, offset, limit)
        .iter()
        .map(|ns| {
            let mut out = RepoSet::default();
            out.repo_name = ns.name.to_string();
            out.create_time = uhub_time(ns.created_at.instant());
            out.update_time = uhub_time(ns.updated_at.instant());
            out.description = Some(ns.description.clone());
            out.is_shared = BoolString::new(ns.is_shared);
            out.is_out_side = BoolString::new(ns.is_public);
            out
        })
        .collect();
    Ok(success("GetRepo", all.len(), items))
}

/// The namespaces of one UHub `Type`, by name: the public ones (UHub
/// `IsShared` true, [`NamespaceRecord::is_shared`]) or the private ones.
fn namespaces<'a>(view: &'a View<'_>, public: bool) -> Vec<&'a NamespaceRecord> {
    view.namespaces_by_name()
        .filter(|ns| ns.is_shared == public)
        .collect()
}
