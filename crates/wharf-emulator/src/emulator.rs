//! Starting and stopping the emulator: the lifecycle, on top of the route
//! table, the connections and the shared state.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};

use wharf_model::ImageRef;

use crate::auth::AuthConfig;
use crate::data::{
    Dataset, DatasetError, GenerateError, GenerateOptions, Index, PushError, TagRecord,
    generate_check,
};
use crate::faults::{FaultConfig, FaultError};
use crate::http::connection::ConnectionOptions;
use crate::http::{connection, routes};
use crate::rate_limit::RateLimits;
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
    dataset: Source,
    auth: AuthConfig,
    faults: FaultConfig,
    latency: Duration,
    listen: SocketAddr,
    log_requests: bool,
    connections: ConnectionOptions,
    request_id_seed: Option<u64>,
    content_range: ContentRangeShape,
    ignore_is_public: bool,
    rate_limit: u32,
    control: bool,
}

/// What an emulator serves: a dataset given, or one to generate.
#[derive(Debug, Clone)]
enum Source {
    Dataset(Dataset),
    Generated(GenerateOptions),
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            dataset: Source::Dataset(Dataset::demo()),
            auth: AuthConfig::demo(),
            faults: FaultConfig::none(),
            latency: Duration::ZERO,
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            log_requests: true,
            connections: ConnectionOptions::default(),
            request_id_seed: None,
            content_range: ContentRangeShape::default(),
            ignore_is_public: false,
            rate_limit: 0,
            control: false,
        }
    }
}

impl EmulatorBuilder {
    /// Serves `dataset` (default: [`Dataset::demo`]).
    ///
    /// The emulator packs its repositories when it starts and drops the
    /// records (see [`Emulator::dataset`] to have them back). The memory
    /// they took is the allocator's to give back or keep: to serve a
    /// generated dataset in the least memory, [`generate`](Self::generate)
    /// it instead.
    pub fn dataset(mut self, dataset: Dataset) -> Self {
        self.dataset = Source::Dataset(dataset);
        self
    }

    /// Serves the dataset `options` generate, the one
    /// [`Dataset::generate`] gives, generated when the emulator starts and
    /// packed as it is generated: its records are never all held, so a
    /// million repositories start in about a third of the memory that
    /// generating the [`Dataset`] first would take at its peak. Fails as
    /// [`Dataset::generate`] would, on the same options.
    ///
    /// ```
    /// use wharf_emulator::{Dataset, Emulator, GenerateOptions};
    ///
    /// let options = GenerateOptions { repositories: 1_000, ..GenerateOptions::default() };
    /// let emulator = Emulator::builder().generate(&options)?.start_background()?;
    /// assert_eq!(*emulator.dataset(), Dataset::generate(&options)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn generate(mut self, options: &GenerateOptions) -> Result<Self, GenerateError> {
        generate_check(options)?;
        self.dataset = Source::Generated(*options);
        Ok(self)
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

    /// Throttles each provider to `per_second` requests a second (default
    /// 0: no limit): a token bucket of `per_second` tokens for SWR and
    /// another for UHub, full at start and refilled at `per_second` a
    /// second, so that `per_second` requests may come at once, then
    /// `per_second` a second. A request over it gets the provider's own
    /// throttling answer: SWR HTTP 429 with
    /// `{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached: ..."}`,
    /// UHub HTTP 200 with `RetCode` 153. Neither sends `Retry-After`: no
    /// document of either provider says they do. The control route is not
    /// limited.
    ///
    /// ```
    /// use wharf_emulator::Emulator;
    ///
    /// let builder = Emulator::builder().rate_limit(5);
    /// # drop(builder);
    /// ```
    pub fn rate_limit(mut self, per_second: u32) -> Self {
        self.rate_limit = per_second;
        self
    }

    /// Whether the control route, `POST /_emulator/push`, is served
    /// (default `false`: the path is then as unknown as any other). It
    /// pushes a tag as [`Emulator::push`] does, from a JSON body
    /// `{"namespace","repository","tag","digest","updated"}` (`updated` in
    /// RFC 3339, `size` optional), so a test can change the catalog between
    /// two calls of a client; the crate README documents its answers. No
    /// signature is checked, and no fault, latency or rate limit applies
    /// to it.
    pub fn control(mut self, on: bool) -> Self {
        self.control = on;
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
        let index = match self.dataset {
            Source::Dataset(dataset) => Index::new(dataset)?,
            Source::Generated(options) => {
                Index::generate(&options).expect("options checked by EmulatorBuilder::generate")
            }
        };
        let mut shared = Shared::new(
            index,
            self.auth,
            self.faults,
            self.latency,
            self.request_id_seed,
        );
        shared.content_range = self.content_range;
        shared.ignore_is_public = self.ignore_is_public;
        shared.control = self.control;
        shared.rate_limits = (self.rate_limit > 0).then(|| RateLimits::new(self.rate_limit));
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

    /// The dataset being served, as deletes and pushes have left it: equal
    /// to the one it was given (or generated) while nothing changed. The
    /// emulator holds its repositories packed, not as records, so the
    /// records are made again when asked for (about a second for a million
    /// repositories, and some 600 MB) and kept only while a caller holds
    /// them: calls made meanwhile get the same `Arc`, and one made after
    /// every copy was dropped, or after a change, makes them again. A
    /// repository created by a push is last in its namespace's list.
    pub fn dataset(&self) -> Arc<Dataset> {
        self.shared.dataset()
    }

    /// Serves `dataset` from the next request on, once it passes
    /// [`Dataset::validate`]; otherwise keeps the current one and returns
    /// why. Indexing happens on the calling thread, before the swap: about
    /// 2 s for a million repositories, so async code calls it inside
    /// `tokio::task::spawn_blocking`.
    pub fn set_dataset(&self, dataset: Dataset) -> Result<(), DatasetError> {
        self.shared.set_index(Index::new(dataset)?);
        Ok(())
    }

    /// Pushes `tag` to `image`, as `POST /_emulator/push` does (that route
    /// need not be on): creates the tag, or replaces the tag of its name
    /// (which keeps its id), creating the repository in its namespace if
    /// needed (private, category `other`, created when the tag was pushed).
    /// The repository's `updated_at` becomes the tag's when that is later.
    /// Both APIs see it from the next request on; nothing is re-indexed.
    ///
    /// Refused, changing nothing: a namespace that does not exist
    /// ([`PushError::UnknownNamespace`]), a tag name breaking the OCI rule
    /// ([`PushError::InvalidTag`]), a digest that is not `sha256:` and 64
    /// lowercase hex digits ([`PushError::InvalidDigest`]).
    ///
    /// ```
    /// use wharf_emulator::{Emulator, TagRecord};
    ///
    /// let emulator = Emulator::builder().start_background()?;
    /// let digest = format!("sha256:{}", "ab".repeat(32));
    /// let when = "2024-06-15T12:00:00Z".parse()?;
    /// emulator.push(&"team/nginx".parse()?, TagRecord::new("1.27", 40_000_000, digest, when))?;
    /// let dataset = emulator.dataset();
    /// let nginx = dataset.namespace("team").unwrap().repositories.iter().find(|r| r.name.as_str() == "nginx").unwrap();
    /// assert_eq!(nginx.tags[0].name, "1.27");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn push(&self, image: &ImageRef, tag: TagRecord) -> Result<(), PushError> {
        self.shared.index().push(image, tag).map(|_| ())
    }

    /// How many delete requests it has received: SWR DeleteRepoTag
    /// (`DELETE .../repos/{repository}/tags/{tag}`) and UHub
    /// `DeleteRepoImage` calls, whatever their answer (throttled, faulted,
    /// refused or not found ones too), counted when they arrive. A test
    /// checks with it that no delete was sent twice.
    pub fn delete_requests(&self) -> u64 {
        self.shared.deletes()
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
