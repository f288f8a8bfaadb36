//! The one trait every backend implements.

use std::fmt::Debug;
use std::sync::Arc;

use async_trait::async_trait;

use crate::{Error, Request, Response};

/// Sends one request and returns the whole response.
///
/// One method, so a backend is easy to write and to fake: the reqwest backend
/// (`HttpTransport`, feature `http`), replay and recording
/// ([`ReplayTransport`](crate::ReplayTransport),
/// [`RecordingTransport`](crate::RecordingTransport)), and the layers that wrap
/// another transport ([`Retrying`](crate::Retrying), [`Signing`](crate::Signing)).
///
/// A backend returns any response it received, whatever its status; deciding
/// what is an error is the [`Classifier`](crate::Classifier)'s job.
#[async_trait]
pub trait Transport: Debug + Send + Sync {
    /// Sends `request` once.
    async fn send(&self, request: Request) -> Result<Response, Error>;
}

#[async_trait]
impl<T: Transport + ?Sized> Transport for Arc<T> {
    async fn send(&self, request: Request) -> Result<Response, Error> {
        (**self).send(request).await
    }
}

#[async_trait]
impl<T: Transport + ?Sized> Transport for Box<T> {
    async fn send(&self, request: Request) -> Result<Response, Error> {
        (**self).send(request).await
    }
}
