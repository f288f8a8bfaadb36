//! Recording: wrap a transport and keep every exchange it sees.

use std::path::Path;
use std::sync::{Mutex, PoisonError};

use async_trait::async_trait;

use crate::{Error, Exchange, Fixture, Request, Response, Transport};

/// Wraps another transport and records each request and response, in the
/// fixture format [`ReplayTransport`](crate::ReplayTransport) reads.
///
/// Secret headers (`Authorization`, `X-Auth-Token`, `X-Security-Token`) are
/// recorded as `<redacted>`. Failures without a response are not recorded.
#[derive(Debug)]
pub struct RecordingTransport<T> {
    inner: T,
    exchanges: Mutex<Vec<Exchange>>,
}

impl<T: Transport> RecordingTransport<T> {
    /// Records what passes through `inner`.
    pub fn new(inner: T) -> Self {
        RecordingTransport {
            inner,
            exchanges: Mutex::new(Vec::new()),
        }
    }

    /// What was recorded so far, as a fixture.
    pub fn fixture(&self) -> Fixture {
        Fixture::new(self.lock().clone())
    }

    /// Writes what was recorded so far to `path`.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        self.fixture().save(path)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Exchange>> {
        self.exchanges
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl<T: Transport> Transport for RecordingTransport<T> {
    async fn send(&self, request: Request) -> Result<Response, Error> {
        let response = self.inner.send(request.clone()).await?;
        self.lock().push(Exchange::record(&request, &response));
        Ok(response)
    }
}
