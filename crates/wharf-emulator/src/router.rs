//! The whole application: the SWR routes, the UHub root, and the front layer
//! (bodies, request ids, latency, faults, the request log) before them all.

use std::sync::Arc;

use axum::Router;

use crate::state::Shared;
use crate::{front, swr, uhub};

/// The application serving `shared`.
pub(crate) fn app(shared: Arc<Shared>) -> Router {
    Router::new()
        .merge(swr::routes(shared.clone()))
        .merge(uhub::routes())
        .fallback(swr::unknown_api)
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            front::front,
        ))
        .with_state(shared)
}
