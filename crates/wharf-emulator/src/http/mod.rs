//! HTTP, whatever the provider: the connections (timeouts, a connection
//! limit, a lingering close, the reset fault), the layer before every
//! handler (the body read once, request ids, the delete count, latency, the
//! rate limit, faults, the request log), the route table (the control route
//! only when it is on), and the helpers every handler uses: the body as
//! read, JSON answers, and the one reader of query and form parameters.
//!
//! The helpers (`body`, `json`, `params`) and `connection` depend on
//! nothing else in the crate. `middleware` and `routes` sit above the
//! providers and dispatch to them: the route table to their handlers, the
//! middleware to their error shapes.

pub(crate) mod body;
pub(crate) mod connection;
pub(crate) mod json;
pub(crate) mod middleware;
pub(crate) mod params;
pub(crate) mod routes;

pub use connection::ConnectionOptions;
