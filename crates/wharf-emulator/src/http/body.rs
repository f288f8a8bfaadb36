//! Reading a request body whole, with a size limit, telling a body that is
//! too large from one that could not be read.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, header};
use futures::StreamExt;

/// The largest request body the emulator reads: 1 MiB.
pub(crate) const LIMIT: usize = 1 << 20;

/// Why a body was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// More than [`LIMIT`] bytes, announced or received.
    TooLarge,
    /// The connection failed or the framing was broken (a bad chunk, a body
    /// shorter than its `Content-Length`).
    Broken(String),
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BodyError::TooLarge => write!(f, "the body is more than {LIMIT} bytes (1 MiB)"),
            BodyError::Broken(e) => write!(f, "the body could not be read: {e}"),
        }
    }
}

/// A request's body as the front layer read it, put in the request's
/// extensions so that no handler reads it again.
#[derive(Debug, Clone)]
pub(crate) struct Received(pub(crate) Bytes);

/// The body the front layer read for the request with these extensions
/// (empty when there is none: the router driven without its front layer).
pub(crate) fn received(extensions: &axum::http::Extensions) -> Bytes {
    extensions
        .get::<Received>()
        .map(|received| received.0.clone())
        .unwrap_or_default()
}

/// Reads `body` whole. A `Content-Length` over [`LIMIT`] is refused before
/// a byte is read.
pub(crate) async fn read(headers: &HeaderMap, body: Body) -> Result<Bytes, BodyError> {
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > LIMIT as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut stream = body.into_data_stream();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| BodyError::Broken(describe(&e)))?;
        if bytes.len() + chunk.len() > LIMIT {
            return Err(BodyError::TooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(bytes))
}

/// An error with its causes, `outer: inner`.
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn limits_and_errors() {
        let empty = HeaderMap::new();
        let ok = read(&empty, Body::from("a=1")).await.unwrap();
        assert_eq!(&ok[..], b"a=1");
        let big = Body::from(vec![b'x'; LIMIT + 1]);
        assert_eq!(read(&empty, big).await, Err(BodyError::TooLarge));
        let exact = Body::from(vec![b'x'; LIMIT]);
        assert_eq!(read(&empty, exact).await.unwrap().len(), LIMIT);
        let mut announced = HeaderMap::new();
        announced.insert(header::CONTENT_LENGTH, (LIMIT + 1).into());
        assert_eq!(
            read(&announced, Body::empty()).await,
            Err(BodyError::TooLarge)
        );
        let broken = futures::stream::iter([
            Ok(Bytes::from_static(b"a=")),
            Err(std::io::Error::other("bad chunk")),
        ]);
        let err = read(&empty, Body::from_stream(broken)).await.unwrap_err();
        assert!(
            err.to_string()
                .starts_with("the body could not be read: bad chunk"),
            "{err}"
        );
    }
}
