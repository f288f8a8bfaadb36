//! Signing each attempt afresh.

use std::fmt::Debug;
use std::sync::Arc;
use std::time::SystemTime;

use async_trait::async_trait;

use crate::{Error, Request, Response, Time, TokioTime, Transport};

/// Adds authentication to a request just before it is sent.
///
/// Called once per attempt with the current time, so a retried request carries a
/// fresh date and signature. Implementations must not log or print secrets.
pub trait Signer: Debug + Send + Sync {
    /// Adds the authentication headers (or parameters) to `request`, as of `now`.
    fn sign(&self, request: &mut Request, now: SystemTime) -> Result<(), Error>;
}

impl<S: Signer + ?Sized> Signer for Box<S> {
    fn sign(&self, request: &mut Request, now: SystemTime) -> Result<(), Error> {
        (**self).sign(request, now)
    }
}

/// Wraps a transport so that every request is signed as it is sent.
#[derive(Debug, Clone)]
pub struct Signing<T> {
    inner: T,
    signer: Arc<dyn Signer>,
    time: Arc<dyn Time>,
}

impl<T: Transport> Signing<T> {
    /// Signs with `signer` on the real clock.
    pub fn new(inner: T, signer: impl Signer + 'static) -> Self {
        Signing {
            inner,
            signer: Arc::new(signer),
            time: Arc::new(TokioTime),
        }
    }

    /// Takes the signing time from `time`.
    pub fn with_time(mut self, time: Arc<dyn Time>) -> Self {
        self.time = time;
        self
    }
}

#[async_trait]
impl<T: Transport> Transport for Signing<T> {
    async fn send(&self, mut request: Request) -> Result<Response, Error> {
        self.signer.sign(&mut request, self.time.now())?;
        self.inner.send(request).await
    }
}
