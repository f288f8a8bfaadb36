//! SWR's list namespaces (`GET /v2/manage/namespaces`): every namespace of
//! the dataset, by name, not paged.
//!
//! The values the dataset does not hold are derived: `id` is the
//! namespace's place in name order (from 1), `creator_name` the tenant's
//! `domain_name` (an account's first IAM user is named after it), and
//! `auth` 7 (manage): the emulated tenant owns every namespace. So
//! `mode::visible` lists the same namespaces as no mode.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use wharf_model::{ListNamespacesResponse, NamespaceAuth, NamespaceInfo, NamespacesQuery};

use super::Fail;
use super::filter::Values;
use crate::http::json::ok;
use crate::http::params;
use crate::state::Shared;

/// The keys of list namespaces' `filter`: `namespace::{namespace}|mode::{mode}`.
const FILTER_KEYS: &[&str] = &["namespace", "mode"];
/// Its plain parameters: the SDK sends `namespace` alone.
const PLAIN_KEYS: &[&str] = &["namespace"];

/// `GET /v2/manage/namespaces?namespace=..` or `?filter=namespace::..|mode::visible`.
///
/// `namespace` matches exactly and is not checked as a name: one that
/// cannot exist lists nothing, as list repositories does.
pub(crate) async fn list_namespaces(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Result<Response, Fail> {
    let pairs = params::swr_query(query.as_deref().unwrap_or_default());
    let query = namespaces_query(&pairs)?;
    let index = shared.index();
    let view = index.read();
    let creator = &view.dataset().domain_name;
    let mut body = ListNamespacesResponse::default();
    body.namespaces = view
        .namespaces_by_name()
        .zip(1..)
        .filter(|(ns, _)| {
            query
                .namespace
                .as_deref()
                .is_none_or(|n| ns.name.as_str() == n)
        })
        .map(|(ns, id)| {
            let mut info = NamespaceInfo::default();
            info.id = id;
            info.name = ns.name.to_string();
            info.creator_name.clone_from(creator);
            info.auth = NamespaceAuth::MANAGE;
            info
        })
        .collect();
    Ok(ok(&body))
}

/// The query from `filter`, or else from the plain `namespace`.
fn namespaces_query(pairs: &[(String, String)]) -> Result<NamespacesQuery, Fail> {
    let values = Values::read(pairs, FILTER_KEYS, PLAIN_KEYS)?;
    let mut query = NamespacesQuery::default();
    query.namespace = values.get("namespace").map(str::to_owned);
    query.mode = values.parse("mode")?;
    Ok(query)
}
