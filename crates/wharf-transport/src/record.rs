//! Recording: wrap a transport and keep every exchange it sees, in the
//! order the requests were sent.

use std::path::Path;
use std::sync::{Mutex, PoisonError};

use async_trait::async_trait;

use crate::{Error, Exchange, Fixture, Request, Response, Transport};

/// Wraps another transport and records each request and response, in the
/// fixture format [`ReplayTransport`](crate::ReplayTransport) reads.
///
/// What it writes is meant to be the same bytes for the same calls against
/// the same server state, so a recording can be regenerated and compared:
///
/// - Exchanges are in the order the requests were **sent**, not the order
///   their responses came back: a place is kept when a request goes out and
///   filled when its response arrives. A request that failed without a
///   response (or was cancelled) leaves no exchange.
/// - Secret headers (`Authorization`, `X-Auth-Token`, `X-Security-Token`)
///   are recorded as `<redacted>`, UCloud's `PublicKey` and `Signature`
///   parameters as `REDACTED`.
/// - Request headers that change from run to run and are never matched on
///   replay (`X-Sdk-Date`, `Host`, `User-Agent`, `Content-Length`, `Accept`,
///   `Accept-Encoding`) are recorded as `<volatile>`.
/// - Response headers that change from run to run (`Date`) are left out.
///
/// What the server itself puts in a body or a request id is up to the
/// server: the emulator's `request_id_seed` makes its ids repeat.
#[derive(Debug)]
pub struct RecordingTransport<T> {
    inner: T,
    /// One place per request sent, in order; `None` until its response
    /// arrives, and for good when it fails.
    exchanges: Mutex<Vec<Option<Exchange>>>,
}

impl<T: Transport> RecordingTransport<T> {
    /// Records what passes through `inner`.
    pub fn new(inner: T) -> Self {
        RecordingTransport {
            inner,
            exchanges: Mutex::new(Vec::new()),
        }
    }

    /// What was recorded so far, as a fixture; requests still waiting for
    /// their response are not in it.
    pub fn fixture(&self) -> Fixture {
        Fixture::new(self.lock().iter().flatten().cloned().collect())
    }

    /// Writes what was recorded so far to `path`.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        self.fixture().save(path)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Option<Exchange>>> {
        self.exchanges
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl<T: Transport> Transport for RecordingTransport<T> {
    async fn send(&self, request: Request) -> Result<Response, Error> {
        let place = {
            let mut exchanges = self.lock();
            exchanges.push(None);
            exchanges.len() - 1
        };
        let response = self.inner.send(request.clone()).await?;
        let exchange = Exchange::record(&request, &response);
        if let Some(slot) = self.lock().get_mut(place) {
            *slot = Some(exchange);
        }
        Ok(response)
    }
}
