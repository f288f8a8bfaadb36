//! The UCloud signer: `PublicKey` and `Signature` added to the action parameters.

use std::time::SystemTime;

use bytes::Bytes;
use http::{HeaderValue, Method};
use wharf_auth::ucloud::{self, Credentials, PUBLIC_KEY, SIGNATURE, Value};

use crate::{Error, ErrorKind, Request, Signer};

/// Signs UHub requests with [`wharf_auth::ucloud`], as the official SDKs do.
///
/// The parameters are read from the form body of a POST (as the SDKs send
/// them) or from the query of a GET; `PublicKey` and `Signature` are added (any
/// given ones are replaced) and written back in the same place. Nothing
/// time-based is signed, so signing again on a retry gives the same bytes.
#[derive(Debug, Clone)]
pub struct UcloudSigner {
    credentials: Credentials,
}

impl UcloudSigner {
    /// Signs with a UCloud key pair.
    pub fn new(credentials: Credentials) -> Self {
        UcloudSigner { credentials }
    }
}

impl Signer for UcloudSigner {
    fn sign(&self, request: &mut Request, _now: SystemTime) -> Result<(), Error> {
        let is_post = request.method == Method::POST;
        let source: &[u8] = if is_post {
            &request.body
        } else {
            request.query().as_bytes()
        };
        let params: Vec<(String, Value)> = url::form_urlencoded::parse(source)
            .filter(|(k, _)| k != SIGNATURE && k != PUBLIC_KEY)
            .map(|(k, v)| (k.into_owned(), Value::from(v.into_owned())))
            .collect();
        if params.is_empty() {
            return Err(Error::new(
                ErrorKind::Sign,
                request,
                "no action parameters to sign",
            ));
        }
        let signed = ucloud::sign(&self.credentials, &params).form_body();
        if is_post {
            request.body = Bytes::from(signed);
            request.headers.insert(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            );
        } else {
            request.url = format!("{}{}?{signed}", request.origin(), request.path());
        }
        Ok(())
    }
}
