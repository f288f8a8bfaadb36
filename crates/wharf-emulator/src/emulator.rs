//! Starting and stopping the emulator: the lifecycle, on top of the route
//! table, the connections and the shared state.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};

use crate::auth::AuthConfig;
use crate::data::{Dataset, DatasetError, Index};
use crate::faults::{FaultConfig, FaultError};
use crate::http::connection::ConnectionOptions;
use crate::http::{connection, routes};
use crate::state::Shared;
use crate::swr::content_range::ContentRangeShape;

/// Why an emulator did not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The dataset breaks a rule ([`Dataset::validate`]).
    #[error(transparent)]
    Dataset(#[from] DatasetError),
    /// The fault configuration is not valid ([`FaultConfig::validate`]).
    #[error(transparent)]
    Faults(#[from] FaultError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why not.
        source: std::io::Error,
    },
    /// The background runtime or its thread could not be started.
    #[error("cannot start the emulator's runtime: {0}")]
    Runtime(#[source] std::io::Error),
}

/// Settings for an emulator, before it starts.
///
/// ```
/// use std::time::Duration;
/// use wharf_emulator::{AuthConfig, Dataset, Emulator, FaultConfig};
///
/// let builder = Emulator::builder()
///     .dataset(Dataset::demo())
///     .auth(AuthConfig::demo())
///     .faults(FaultConfig::none())
///     .latency(Duration::ZERO)
///     .listen("127.0.0.1:0".parse().unwrap());
/// # drop(builder);
/// ```
#[derive(Debug, Clone)]
#[must_use = "an EmulatorBuilder does nothing until started"]
pub struct EmulatorBuilder {
    dataset: Dataset,
    auth: AuthConfig,
    faults: FaultConfig,
    latency: Duration,
    listen: SocketAddr,
    log_requests: bool,
    connections: ConnectionOptions,
    request_id_seed: Option<u64>,
    content_range: ContentRangeShape,
    ignore_is_public: bool,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            dataset: Dataset::demo(),
            auth: AuthConfig::demo(),
            faults: FaultConfig::none(),
            latency: Duration::ZERO,
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            log_requests: true,
            connections: ConnectionOptions::default(),
            request_id_seed: None,
            content_range: ContentRangeShape::default(),
            ignore_is_public: false,
        }
    }
}

impl EmulatorBuilder {
    /// Serves `dataset` (default: [`Dataset::demo`]).
    pub fn dataset(mut self, dataset: Dataset) -> Self {
        self.dataset = dataset;
        self
    }

    /// Accepts these credentials (default: [`AuthConfig::demo`]).
    pub fn auth(mut self, auth: AuthConfig) -> Self {
        self.auth = auth;
        self
    }

    /// Accepts every request, signed or not.
    pub fn no_auth(self) -> Self {
        self.auth(AuthConfig::disabled())
    }

    /// Injects these faults (default: none).
    pub fn faults(mut self, faults: FaultConfig) -> Self {
        self.faults = faults;
        self
    }

    /// Delays every response by `latency` (default: none).
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Listens on `addr` (default `127.0.0.1:0`: loopback, a free port).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Whether each request is logged through `tracing` (target
    /// `wharf_emulator::request`, level info; default on). The log is
    /// bounded either way: at most 20 lines a second, then a count of the
    /// lines left out.
    pub fn log_requests(mut self, on: bool) -> Self {
        self.log_requests = on;
        self
    }

    /// Times connections out and limits how many are open this way (default:
    /// [`ConnectionOptions::default`]).
    pub fn connections(mut self, options: ConnectionOptions) -> Self {
        self.connections = options;
        self
    }

    /// Makes request ids a pure function of `seed` and the request's number
    /// in arrival order (from 0), instead of random: two runs that receive
    /// the same requests one at a time answer with the same ids, so what is
    /// recorded from them is the same bytes. Still 32 hex digits for SWR and
    /// a dashed UUID shape for UHub, and unique within a run. Requests in
    /// flight together may arrive in another order from run to run, and so
    /// swap ids.
    pub fn request_id_seed(mut self, seed: u64) -> Self {
        self.request_id_seed = Some(seed);
        self
    }

    /// Sends SWR's `Content-Range` header in `shape` (default
    /// [`ContentRangeShape::Documented`], `offset-count/total`), on every
    /// answer that carries one: list repositories and list repository tags
    /// when paged, the official images and their tags always. Bodies do not
    /// change: items keep their `total_range`, so a client that cannot read
    /// the header can still list exactly.
    ///
    /// ```
    /// use wharf_emulator::{ContentRangeShape, Emulator};
    ///
    /// let builder = Emulator::builder().content_range(ContentRangeShape::StarTotal);
    /// # drop(builder);
    /// ```
    pub fn content_range(mut self, shape: ContentRangeShape) -> Self {
        self.content_range = shape;
        self
    }

    /// Whether list repositories ignores the `is_public` filter term, in
    /// `filter` or as a plain parameter (default `false`: it is honoured).
    ///
    /// Seed 002 documents the terms `center`, `namespace`, `name`,
    /// `category`, `offset` and `limit`; `is_public` comes from newer docs.
    /// With `true` the emulator behaves like a server that does not know
    /// the term and drops it silently, listing every repository whatever its
    /// visibility (the value is still read, so a malformed one is refused
    /// as before): a client that wants only public repositories must then
    /// check `is_public` on the items itself.
    pub fn ignore_is_public(mut self, ignore: bool) -> Self {
        self.ignore_is_public = ignore;
        self
    }

    /// Binds and starts serving on the current tokio runtime.
    ///
    /// Fails when the dataset breaks a rule ([`Dataset::validate`]), the
    /// fault rate is not in `0.0..=1.0` ([`FaultConfig::validate`]), or the
    /// address cannot be bound. Indexing a large dataset takes a while (about
    /// 3 s for a million repositories), on the calling thread.
    pub async fn start(self) -> Result<Emulator, StartError> {
        let listen = self.listen;
        let connections = self.connections.clone();
        let prepared = self.prepare()?;
        let bind = |source| StartError::Bind {
            addr: listen,
            source,
        };
        let listener = TcpListener::bind(listen).await.map_err(bind)?;
        let addr = listener.local_addr().map_err(bind)?;
        let task = tokio::spawn(connection::serve(
            listener,
            prepared.app,
            prepared.stopped,
            connections,
        ));
        Ok(Emulator {
            addr,
            shared: prepared.shared,
            stop: prepared.stop,
            runner: Runner::Task(Some(task)),
        })
    }

    /// Binds, then serves from a thread of its own with its own runtime; for
    /// tests without a runtime, or whose runtime may block. Fails as
    /// [`start`](Self::start) does.
    pub fn start_background(self) -> Result<Emulator, StartError> {
        let listen = self.listen;
        let connections = self.connections.clone();
        let prepared = self.prepare()?;
        let bind = |source| StartError::Bind {
            addr: listen,
            source,
        };
        let listener = std::net::TcpListener::bind(listen).map_err(bind)?;
        listener.set_nonblocking(true).map_err(bind)?;
        let addr = listener.local_addr().map_err(bind)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(StartError::Runtime)?;
        let Prepared {
            shared,
            app,
            stop,
            stopped,
        } = prepared;
        let (finished, done) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name(format!("wharf-emulator-{}", addr.port()))
            .spawn(move || {
                runtime.block_on(async move {
                    match TcpListener::from_std(listener) {
                        Ok(listener) => {
                            connection::serve(listener, app, stopped, connections).await
                        }
                        Err(e) => tracing::error!("wharf-emulator: cannot listen: {e}"),
                    }
                });
                // The runtime is dropped before saying so: its workers and
                // every connection are gone once `stop` returns.
                drop(runtime);
                let _ = finished.send(());
            })
            .map_err(StartError::Runtime)?;
        Ok(Emulator {
            addr,
            shared,
            stop,
            runner: Runner::Thread(Some((thread, done))),
        })
    }

    /// What both ways of starting share: checks the settings, indexes the
    /// dataset, and builds the shared state, the application and the stop
    /// signal.
    fn prepare(self) -> Result<Prepared, StartError> {
        self.faults.validate()?;
        let index = Index::new(Arc::new(self.dataset))?;
        let mut shared = Shared::new(
            index,
            self.auth,
            self.faults,
            self.latency,
            self.request_id_seed,
        );
        shared.content_range = self.content_range;
        shared.ignore_is_public = self.ignore_is_public;
        let shared = Arc::new(shared);
        shared
            .log_requests
            .store(self.log_requests, std::sync::atomic::Ordering::Relaxed);
        let (stop, stopped) = watch::channel(false);
        Ok(Prepared {
            app: routes::app(shared.clone()),
            shared,
            stop,
            stopped,
        })
    }
}

/// An emulator ready to serve, not yet bound.
struct Prepared {
    shared: Arc<Shared>,
    app: Router,
    stop: watch::Sender<bool>,
    stopped: watch::Receiver<bool>,
}

enum Runner {
    Task(Option<tokio::task::JoinHandle<()>>),
    /// The thread, and word from it that it is about to end.
    Thread(Option<(JoinHandle<()>, oneshot::Receiver<()>)>),
}

/// A running emulator. Dropping it stops it.
///
/// ```
/// use wharf_emulator::Emulator;
///
/// let emulator = Emulator::builder().start_background()?;
/// assert!(emulator.base_url().starts_with("http://127.0.0.1:"));
/// drop(emulator); // stops it
/// # Ok::<(), wharf_emulator::StartError>(())
/// ```
pub struct Emulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    runner: Runner,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Settings to start an emulator with; the defaults serve the demo dataset
    /// with the demo credentials on a free loopback port.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, without a trailing `/`: the endpoint for both SDKs.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The dataset being served.
    pub fn dataset(&self) -> Arc<Dataset> {
        self.shared.dataset()
    }

    /// Serves `dataset` from the next request on, once it passes
    /// [`Dataset::validate`]; otherwise keeps the current one and returns
    /// why. Indexing happens on the calling thread, before the swap: about
    /// 2 s for a million repositories, so async code calls it inside
    /// `tokio::task::spawn_blocking`.
    pub fn set_dataset(&self, dataset: Dataset) -> Result<(), DatasetError> {
        self.shared.set_index(Index::new(Arc::new(dataset))?);
        Ok(())
    }

    /// Accepts these credentials from the next request on.
    pub fn set_auth(&self, auth: AuthConfig) {
        self.shared.set_auth(auth);
    }

    /// Injects these faults from the next request on, and restarts the
    /// request count that decides them at 0. A configuration that fails
    /// [`FaultConfig::validate`] is refused and the current one kept.
    pub fn set_faults(&self, faults: FaultConfig) -> Result<(), FaultError> {
        faults.validate()?;
        self.shared.set_faults(faults);
        Ok(())
    }

    /// Delays every response by `latency` from the next request on.
    pub fn set_latency(&self, latency: Duration) {
        self.shared.set_latency(latency);
    }

    /// How many requests it has received.
    pub fn requests(&self) -> u64 {
        self.shared.requests()
    }

    /// Stops accepting, lets open requests finish (at most one second), and
    /// waits until everything is closed, without blocking the runtime it is
    /// awaited on (a background emulator's thread is waited for
    /// asynchronously).
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        match &mut self.runner {
            Runner::Task(task) => {
                if let Some(task) = task.take() {
                    let _ = task.await;
                }
            }
            Runner::Thread(thread) => {
                if let Some((thread, done)) = thread.take() {
                    let _ = done.await;
                    // It has sent its last word: joining is immediate.
                    let _ = thread.join();
                }
            }
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        match &mut self.runner {
            Runner::Task(task) => {
                if let Some(task) = task.take() {
                    task.abort();
                }
            }
            Runner::Thread(thread) => {
                // Blocks until the server has stopped (about a second at
                // most); in async code, `stop().await` instead.
                if let Some((thread, _)) = thread.take() {
                    let _ = thread.join();
                }
            }
        }
    }
}
