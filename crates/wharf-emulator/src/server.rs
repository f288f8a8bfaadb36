//! Starting and stopping the emulator, and the state its handlers share.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::auth::AuthConfig;
use crate::catalog::Catalog;
use crate::faults::{Fault, FaultConfig};
use crate::listing::Indexed;
use crate::serve::ConnectionOptions;
use crate::{front, serve, swr, uhub};

/// Settings for an emulator, before it starts.
///
/// ```
/// use std::time::Duration;
/// use wharf_emulator::{AuthConfig, Catalog, Emulator, FaultConfig};
///
/// let builder = Emulator::builder()
///     .catalog(Catalog::demo())
///     .auth(AuthConfig::demo())
///     .faults(FaultConfig::none())
///     .latency(Duration::ZERO)
///     .listen("127.0.0.1:0".parse().unwrap());
/// # drop(builder);
/// ```
#[derive(Debug, Clone)]
#[must_use = "an EmulatorBuilder does nothing until started"]
pub struct EmulatorBuilder {
    catalog: Catalog,
    auth: AuthConfig,
    faults: FaultConfig,
    latency: Duration,
    listen: SocketAddr,
    connections: ConnectionOptions,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            catalog: Catalog::demo(),
            auth: AuthConfig::demo(),
            faults: FaultConfig::none(),
            latency: Duration::ZERO,
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            connections: ConnectionOptions::default(),
        }
    }
}

impl EmulatorBuilder {
    /// Serves `catalog` (default: [`Catalog::demo`]).
    pub fn catalog(mut self, catalog: Catalog) -> Self {
        self.catalog = catalog;
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

    /// Times connections out and limits how many are open this way (default:
    /// [`ConnectionOptions::default`]).
    pub fn connections(mut self, options: ConnectionOptions) -> Self {
        self.connections = options;
        self
    }

    /// Binds and starts serving on the current tokio runtime.
    ///
    /// Fails with [`InvalidInput`](std::io::ErrorKind::InvalidInput) when the
    /// catalog breaks a rule ([`Catalog::validate`]) or the fault rate is not
    /// in `0.0..=1.0` ([`FaultConfig::validate`]), and when the address cannot
    /// be bound.
    pub async fn start(self) -> std::io::Result<Emulator> {
        let listen = self.listen;
        let connections = self.connections.clone();
        let prepared = self.prepare()?;
        let listener = TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(serve::serve(
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
    pub fn start_background(self) -> std::io::Result<Emulator> {
        let listen = self.listen;
        let connections = self.connections.clone();
        let prepared = self.prepare()?;
        let listener = std::net::TcpListener::bind(listen)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let Prepared {
            shared,
            app,
            stop,
            stopped,
        } = prepared;
        let thread = std::thread::Builder::new()
            .name(format!("wharf-emulator-{}", addr.port()))
            .spawn(move || {
                runtime.block_on(async move {
                    match TcpListener::from_std(listener) {
                        Ok(listener) => serve::serve(listener, app, stopped, connections).await,
                        Err(e) => tracing::error!("wharf-emulator: cannot listen: {e}"),
                    }
                });
            })?;
        Ok(Emulator {
            addr,
            shared,
            stop,
            runner: Runner::Thread(Some(thread)),
        })
    }

    /// What both ways of starting share: checks the settings, and builds the
    /// shared state, the application and the stop signal.
    fn prepare(self) -> std::io::Result<Prepared> {
        let invalid = |e: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, e);
        self.catalog
            .validate()
            .map_err(|e| invalid(format!("invalid catalog: {e}")))?;
        self.faults.validate().map_err(invalid)?;
        let shared = Arc::new(Shared::new(
            self.catalog,
            self.auth,
            self.faults,
            self.latency,
        ));
        let (stop, stopped) = watch::channel(false);
        Ok(Prepared {
            app: router(shared.clone()),
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

/// The whole application: SWR routes, the UHub root, and the front layer
/// (request ids, latency, faults, the request log).
fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .merge(swr::routes(shared.clone()))
        .merge(uhub::routes())
        .fallback(swr::unknown_api)
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            front::front,
        ))
        .with_state(shared)
}

enum Runner {
    Task(Option<tokio::task::JoinHandle<()>>),
    Thread(Option<JoinHandle<()>>),
}

/// A running emulator. Dropping it stops it.
///
/// ```
/// use wharf_emulator::Emulator;
///
/// let emulator = Emulator::builder().start_background()?;
/// assert!(emulator.base_url().starts_with("http://127.0.0.1:"));
/// drop(emulator); // stops it
/// # Ok::<(), std::io::Error>(())
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
    /// Settings to start an emulator with; the defaults serve the demo catalog
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

    /// The catalog being served.
    pub fn catalog(&self) -> Arc<Catalog> {
        self.shared.catalog()
    }

    /// Serves `catalog` from the next request on, once it passes
    /// [`Catalog::validate`]; otherwise keeps the current one and returns why.
    pub fn set_catalog(&self, catalog: Catalog) -> Result<(), String> {
        catalog.validate()?;
        *write(&self.shared.catalog) = Arc::new(Indexed::new(Arc::new(catalog)));
        Ok(())
    }

    /// Accepts these credentials from the next request on.
    pub fn set_auth(&self, auth: AuthConfig) {
        *write(&self.shared.auth) = Arc::new(auth);
    }

    /// Injects these faults from the next request on, and restarts the request
    /// count that decides them at 0. (A rate outside `0.0..=1.0` acts as the
    /// nearest bound, and NaN as 0; [`EmulatorBuilder::start`] refuses both.)
    pub fn set_faults(&self, faults: FaultConfig) {
        *lock(&self.shared.faults) = FaultState {
            config: faults,
            next: 0,
        };
    }

    /// Delays every response by `latency` from the next request on.
    pub fn set_latency(&self, latency: Duration) {
        *lock(&self.shared.latency) = latency;
    }

    /// How many requests it has received.
    pub fn requests(&self) -> u64 {
        self.shared.requests.load(Ordering::Relaxed)
    }

    /// Stops accepting, lets open requests finish (at most one second), and
    /// waits until everything is closed.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Runner::Task(task) = &mut self.runner {
            if let Some(task) = task.take() {
                let _ = task.await;
            }
        }
        // A background thread is joined by `Drop`.
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
                if let Some(thread) = thread.take() {
                    let _ = thread.join();
                }
            }
        }
    }
}

/// The fault configuration and the number of the next request.
#[derive(Debug)]
struct FaultState {
    config: FaultConfig,
    next: u64,
}

/// What the front layer decided for one request.
#[derive(Debug, Clone)]
pub(crate) struct FaultDecision {
    /// The fault, if any.
    pub(crate) fault: Option<Fault>,
    /// `Retry-After` seconds for a 429.
    pub(crate) retry_after: u64,
    /// How long a stall lasts.
    pub(crate) stall: Duration,
}

/// What every handler can reach.
pub(crate) struct Shared {
    catalog: RwLock<Arc<Indexed>>,
    auth: RwLock<Arc<AuthConfig>>,
    faults: Mutex<FaultState>,
    latency: Mutex<Duration>,
    ids: Mutex<fastrand::Rng>,
    requests: AtomicU64,
}

impl Shared {
    fn new(catalog: Catalog, auth: AuthConfig, faults: FaultConfig, latency: Duration) -> Self {
        Shared {
            catalog: RwLock::new(Arc::new(Indexed::new(Arc::new(catalog)))),
            auth: RwLock::new(Arc::new(auth)),
            faults: Mutex::new(FaultState {
                config: faults,
                next: 0,
            }),
            latency: Mutex::new(latency),
            ids: Mutex::new(fastrand::Rng::new()),
            requests: AtomicU64::new(0),
        }
    }

    pub(crate) fn catalog(&self) -> Arc<Catalog> {
        self.indexed().catalog.clone()
    }

    pub(crate) fn indexed(&self) -> Arc<Indexed> {
        read(&self.catalog)
    }

    pub(crate) fn auth(&self) -> Arc<AuthConfig> {
        read(&self.auth).clone()
    }

    pub(crate) fn latency(&self) -> Duration {
        *lock(&self.latency)
    }

    /// Counts the request and decides its fault.
    pub(crate) fn next_fault(&self) -> FaultDecision {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let mut state = lock(&self.faults);
        let n = state.next;
        state.next = state.next.saturating_add(1);
        FaultDecision {
            fault: state.config.fault_for(n),
            retry_after: state.config.retry_after_seconds(),
            stall: state.config.stall,
        }
    }

    /// 128 random bits: 32 hex digits, or a UUID when `dashed`.
    pub(crate) fn request_id(&self, dashed: bool) -> String {
        let (hi, lo) = {
            let mut rng = lock(&self.ids);
            (rng.u64(..), rng.u64(..))
        };
        let hex = format!("{hi:016x}{lo:016x}");
        if !dashed {
            return hex;
        }
        format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        )
    }
}

/// Locks survive a panic elsewhere: the data they guard stays consistent.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn read<T: Clone>(lock: &RwLock<T>) -> T {
    lock.read().unwrap_or_else(PoisonError::into_inner).clone()
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}
