//! Entry points for the fuzz targets (`fuzz/`) and the never-panics suite
//! (`tests/tests/never_panics.rs`): the decoding the clients do on a
//! response, with no transport. Not part of wharf's API, and compiled only
//! with the `fuzzing` feature.

use serde::de::DeserializeOwned;

use crate::Provider;
use crate::transport::Response;
use crate::{Error, Page};
use wharf_model::PageRequest;

/// Decodes a response body as the clients do: the fast decoder, then the
/// path-tracking one for the error, which names the field and keeps the
/// start of the body.
pub fn decode<T: DeserializeOwned>(
    provider: Provider,
    operation: &'static str,
    response: &Response,
) -> Result<T, Error> {
    crate::client::decode(provider, operation, response)
}

/// Decodes a list body as the SWR client does, into a vector made for a
/// page of `capacity` items; the outcome is [`decode`]'s for a `Vec<T>`.
pub fn decode_list<T: DeserializeOwned>(
    provider: Provider,
    operation: &'static str,
    response: &Response,
    capacity: usize,
) -> Result<Vec<T>, Error> {
    crate::client::decode_list(provider, operation, response, capacity)
}

/// Turns the items of an SWR list response into a page, as the SWR client
/// does: the total from `Content-Range`, else from `total_range`; a
/// `Content-Range` that cannot be read, or starts at another offset than
/// `asked`, is set aside. Never an error today: the `Result` keeps the
/// fuzz targets' signature.
#[cfg(feature = "swr")]
pub fn swr_page<T>(
    response: &Response,
    items: Vec<T>,
    asked: Option<PageRequest>,
    total_range: Option<u64>,
) -> Result<Page<T>, Error> {
    Ok(crate::swr::paged(
        "fuzz",
        response,
        items,
        asked,
        total_range,
    ))
}
