//! Pure entry points for the fuzz targets (`fuzz/`) and the never-panics
//! suite (`tests/tests/never_panics.rs`): not part of the emulator's API,
//! and compiled only with the `fuzzing` feature.

use axum::http::{HeaderMap, HeaderValue, Method, Uri, header};

/// What [`uhub_call`] read from a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UhubCall {
    /// The served `Action`.
    pub action: String,
    /// The decoded parameters, `Action` included, as the verifier sees them.
    pub params: Vec<(String, String)>,
}

/// Reads a UHub call as the emulator's `/` route does before it looks at
/// the catalog: the query string (`GET`) or the form or JSON body (`POST`)
/// decoded to parameters, `Action` resolved, the UCloud signature checked
/// against the demo key pair, and the action's own parameters read.
///
/// `method` and `query` that `http` would refuse (so no request could
/// carry them) are an error too. The error is the `RetCode` and message.
pub fn uhub_call(
    method: &str,
    query: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<UhubCall, (i64, String)> {
    let method = Method::from_bytes(method.as_bytes())
        .map_err(|e| (0, format!("not an HTTP method: {e}")))?;
    let uri: Uri = format!("/?{query}")
        .parse()
        .map_err(|e| (0, format!("not a request target: {e}")))?;
    let mut headers = HeaderMap::new();
    if let Some(content_type) = content_type {
        let value = HeaderValue::from_str(content_type)
            .map_err(|e| (0, format!("not a header value: {e}")))?;
        headers.insert(header::CONTENT_TYPE, value);
    }
    let (action, params) = crate::uhub::read_call(&method, &uri, &headers, body)
        .map_err(|refusal| (refusal.code, refusal.message))?;
    crate::AuthConfig::demo().check_uhub(&params)?;
    crate::uhub::read_arguments(&action, &params)?;
    Ok(UhubCall { action, params })
}

/// Decodes a UHub form body or query string (`name=value&...`, `+` a
/// space) to parameters, as the emulator does.
pub fn uhub_form(encoded: &[u8]) -> Vec<(String, String)> {
    crate::http::params::form(encoded)
}
