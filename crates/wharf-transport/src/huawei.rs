//! The Huawei Cloud signer: `SDK-HMAC-SHA256` or an IAM token, on every attempt.

use std::time::SystemTime;

use http::{HeaderName, HeaderValue};
use wharf_auth::huawei::{self, Auth};

use crate::request::is_secret_header;
use crate::{Error, ErrorKind, Request, Signer};

/// Signs SWR requests with [`wharf_auth::huawei`], as the official SDK does.
///
/// The signer re-renders the URL's query in the SDK's canonical wire form, so
/// what is signed and what is sent are the same bytes, and signs the `Host`
/// the HTTP client will send (with `:port` when the URL has one).
#[derive(Debug, Clone)]
pub struct HuaweiSigner {
    auth: Auth,
}

impl HuaweiSigner {
    /// Signs with AK/SK credentials or sends an IAM token.
    pub fn new(auth: impl Into<Auth>) -> Self {
        HuaweiSigner { auth: auth.into() }
    }
}

impl Signer for HuaweiSigner {
    fn sign(&self, request: &mut Request, now: SystemTime) -> Result<(), Error> {
        let now = jiff::Timestamp::try_from(now).map_err(|e| {
            Error::new(ErrorKind::Sign, request, "clock out of range").with_source(e)
        })?;
        let url = url::Url::parse(&request.url)
            .map_err(|e| Error::new(ErrorKind::Sign, request, "bad URL").with_source(e))?;
        let query = huawei::parse_query(url.query().unwrap_or_default());
        let headers = headers_to_sign(request, &url);
        let to_sign = huawei::Request::new(request.method.as_str(), url.path())
            .with_query(&query)
            .with_headers(&headers)
            .with_body(&request.body);
        let added = self
            .auth
            .headers_for(&to_sign, now)
            .map_err(|e| Error::new(ErrorKind::Sign, request, "no Host to sign").with_source(e))?;
        request.url = format!("{}{}", request.origin(), to_sign.wire_target());
        for (name, value) in added.iter() {
            let name = HeaderName::try_from(name);
            let value = HeaderValue::try_from(value);
            let (Ok(name), Ok(mut value)) = (name, value) else {
                return Err(Error::new(
                    ErrorKind::Sign,
                    request,
                    "signer made an invalid header",
                ));
            };
            // Marked sensitive, the value is hidden from http's own Debug too.
            value.set_sensitive(is_secret_header(name.as_str()));
            request.headers.insert(name, value);
        }
        Ok(())
    }
}

/// The request's headers plus the `Host` the HTTP client will send.
fn headers_to_sign(request: &Request, url: &url::Url) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    if !request.headers.contains_key(http::header::HOST) {
        let host = url.host_str().unwrap_or_default();
        let host = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        headers.push(("host".to_owned(), host));
    }
    headers
}
