//! Huawei Cloud SWR: its response bodies, its error body in every shape,
//! and its request types.

mod bodies;
mod error;
mod query;

pub use bodies::*;
pub use error::{ErrorShape, SwrError};
pub use query::*;
