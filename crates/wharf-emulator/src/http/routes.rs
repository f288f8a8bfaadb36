//! The whole application: the SWR routes, the UHub root, the control route
//! when it is on, and the front layer (bodies, request ids, the delete
//! count, latency, the rate limit, faults, the request log) before them
//! all.

use std::sync::Arc;

use axum::Router;
use axum::routing::{any, get};

use super::middleware;
use crate::control;
use crate::state::Shared;
use crate::swr::{self, namespaces, official, repositories};
use crate::uhub;

/// The application serving `shared`.
pub(crate) fn app(shared: Arc<Shared>) -> Router {
    let mut router = Router::new()
        .merge(swr_routes(shared.clone()))
        .route("/", any(uhub::call));
    if shared.control {
        router = router.route(control::PUSH_PATH, any(control::push));
    }
    router
        .fallback(swr::unknown_api)
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            middleware::front,
        ))
        .with_state(shared)
}

/// The SWR routes, each behind the signature check. A repository path
/// takes the rest of the path (`{*rest}`): a `/` in a repository name may
/// arrive as a real `/`, so the handlers read the raw path themselves
/// ([`path`](crate::swr::path)), and one route serves every call
/// under a repository.
fn swr_routes(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    Router::new()
        .route("/v2/manage/repos", get(repositories::list_repos))
        .route("/v2/manage/namespaces", get(namespaces::list_namespaces))
        .route(
            "/v2/manage/namespaces/{namespace}/repos/{*rest}",
            get(repositories::repository).delete(repositories::delete_tag),
        )
        .route(
            "/v2/manage/dockerhub/repos",
            get(official::list_official_images),
        )
        .route(
            "/v2/manage/dockerhub/namespaces/{namespace}/repos/{*rest}",
            get(official::official_image),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            shared,
            swr::check_auth,
        ))
        .method_not_allowed_fallback(swr::unknown_api)
}
