//! The accept loop and the HTTP/1.1 connections, with a way for a handler to
//! reset its own connection (the connection-reset fault).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use socket2::SockRef;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tower_service::Service;

/// How long open requests may run on after a stop.
const GRACE: Duration = Duration::from_secs(1);

/// Put in every request's extensions: lets a handler reset its connection.
#[derive(Clone, Debug)]
pub(crate) struct ResetHandle(Arc<Notify>);

impl ResetHandle {
    /// Resets the connection (TCP RST) instead of answering.
    pub(crate) fn reset(&self) {
        self.0.notify_one();
    }
}

/// Accepts connections until `stop` turns true (or its sender goes away),
/// then gives open requests [`GRACE`] to finish and drops the rest.
pub(crate) async fn serve(listener: TcpListener, app: Router, mut stop: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(connection(stream, app.clone(), stop.clone()));
                }
                Err(e) => {
                    // Out of file descriptors and the like: wait, then go on.
                    tracing::warn!("wharf-emulator: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
            _ = connections.join_next(), if !connections.is_empty() => {}
            _ = stop.changed() => break,
        }
    }
    drop(listener);
    let drained = async { while connections.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(GRACE, drained).await;
    connections.abort_all();
}

/// Serves one connection until the client closes it, a handler resets it, or
/// the emulator stops.
async fn connection(stream: TcpStream, app: Router, mut stop: watch::Receiver<bool>) {
    let _ = stream.set_nodelay(true);
    // A second handle on the socket, to set SO_LINGER 0 before a reset.
    let Ok(std_stream) = stream.into_std() else {
        return;
    };
    let control = std_stream.try_clone().ok();
    let Ok(stream) = TcpStream::from_std(std_stream) else {
        return;
    };
    let notify = Arc::new(Notify::new());
    let handle = ResetHandle(notify.clone());
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(handle.clone());
        app.clone().call(request)
    });
    let conn = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = notify.notified() => {
            if let Some(control) = &control {
                let _ = SockRef::from(control).set_linger(Some(Duration::ZERO));
            }
            // Both handles close here; with linger 0 the close sends RST.
        }
        _ = stop.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}
