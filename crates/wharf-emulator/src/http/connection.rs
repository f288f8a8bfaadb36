//! The accept loop and the HTTP/1.1 connections: timeouts, a connection
//! limit, a lingering close, and a way for a handler to reset its own
//! connection (the connection-reset fault).
//!
//! Each connection owns exactly one descriptor. hyper drives it with
//! `poll_without_shutdown`, so that when hyper is done (or a handler asks for
//! a reset, or a timeout fires) the socket comes back to us and we decide how
//! to close it.

use std::convert::Infallible;
use std::future::{Future, poll_fn};
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, Request, Response, header};
use hyper::body::{Body, Bytes, Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use socket2::SockRef;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tower_service::Service;

/// At most this many refused clients get a lingering close at once.
const LINGERING_REFUSALS: usize = 64;

/// The connection timer looks again at least this far apart, even when a
/// timeout is shorter (zero included): a timer that fires at once would spin.
const LOOK_AGAIN_AT_LEAST: Duration = Duration::from_millis(50);

/// Far enough in the future to stand for "never" on a timer.
const FAR: Duration = Duration::from_secs(24 * 60 * 60);

/// How long open requests may run on after a stop.
const GRACE: Duration = Duration::from_secs(1);

/// A lingering close gives the client at most this long in all to finish
/// sending (and us to discard) what it had in flight...
const LINGER_TOTAL: Duration = Duration::from_secs(2);
/// ...and at most this long between two reads...
const LINGER_QUIET: Duration = Duration::from_millis(500);
/// ...and discards at most this many bytes.
const LINGER_BYTES: usize = 8 << 20;

/// How the emulator treats connections: how long it waits for clients, and how
/// many it serves at once.
///
/// A timeout too long to add to the current time (such as [`Duration::MAX`])
/// never runs out. A timeout shorter than 50 ms (zero included) may run out
/// up to 50 ms late: the timer does not look more often than that.
///
/// ```
/// use std::time::Duration;
/// use wharf_emulator::{ConnectionOptions, Emulator};
///
/// let mut options = ConnectionOptions::default();
/// options.header_timeout = Duration::from_secs(2);
/// options.max_connections = 50;
/// let builder = Emulator::builder().connections(options);
/// # drop(builder);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectionOptions {
    /// A request head (request line and headers) must be complete this long
    /// after its first byte arrived, or the connection is closed without an
    /// answer. Trickling bytes does not extend it. Default: 10 s.
    ///
    /// On a keep-alive connection the clock starts with the first byte that
    /// arrives after the previous response was sent. (A pipelined head that
    /// arrived in the same read as the request before it is not seen arriving;
    /// the idle timeout bounds it instead.)
    pub header_timeout: Duration,
    /// A connection with no request in flight and no byte arriving is closed
    /// after this long: a fresh connection that sends nothing, and a
    /// keep-alive connection between requests. A request in flight (even a
    /// stalled one) is never cut. Default: 60 s.
    pub idle_timeout: Duration,
    /// At most this many connections are served at once. Over it, a new
    /// client is answered `503 Service Unavailable` (`Retry-After: 1`,
    /// `Connection: close`, a JSON body with the API gateway's throttling
    /// code `APIGW.0308`) and closed. Default: 1,000.
    ///
    /// The same answer goes to a client accepted while the process is out of
    /// file descriptors (a `ulimit -n` below this limit); that one is closed
    /// at once, without the lingering close.
    pub max_connections: usize,
}

impl Default for ConnectionOptions {
    fn default() -> Self {
        ConnectionOptions {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: 1000,
        }
    }
}

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
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    mut stop: watch::Receiver<bool>,
    options: ConnectionOptions,
) {
    let open = Arc::new(AtomicUsize::new(0));
    let refusing = Arc::new(AtomicUsize::new(0));
    let mut reserve = Reserve::open();
    let mut complaints = Complaints::default();
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    if open.load(Ordering::Relaxed) >= options.max_connections {
                        complaints.warn(format_args!(
                            "{} connections open (the limit): answering 503",
                            options.max_connections
                        ));
                        // Refusals linger too, but a flood of them must not
                        // hold descriptors of its own: past a few, each is
                        // answered and closed at once.
                        if refusing.load(Ordering::Relaxed) < LINGERING_REFUSALS {
                            let slot = Slot::take(&refusing);
                            connections.spawn(async move {
                                refuse(stream).await;
                                drop(slot);
                            });
                        } else {
                            refuse_at_once(stream);
                        }
                    } else {
                        let slot = Slot::take(&open);
                        let task = connection(stream, app.clone(), stop.clone(), options.clone());
                        connections.spawn(async move {
                            task.await;
                            drop(slot);
                        });
                    }
                }
                Err(e) if out_of_descriptors(&e) => {
                    complaints.warn(format_args!("accept failed: {e}; answering 503"));
                    if !reserve.refuse_one(&listener).await {
                        // No spare descriptor either: wait for a connection to
                        // close rather than spin on the same error.
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                }
                Err(e) => {
                    // A client gone before it was accepted, or the kernel short
                    // of memory: either way the next accept may work.
                    complaints.warn(format_args!("accept failed: {e}"));
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            },
            _ = connections.join_next(), if !connections.is_empty() => reserve.refill(),
            _ = stop.changed() => break,
        }
    }
    drop(listener);
    let drained = async { while connections.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(GRACE, drained).await;
    connections.abort_all();
}

/// Whether `accept` failed for lack of file descriptors (EMFILE, ENFILE).
fn out_of_descriptors(e: &io::Error) -> bool {
    // 24 and 23 on Linux and the BSDs alike.
    matches!(e.raw_os_error(), Some(24 | 23))
}

/// One place in the connection count, given back when dropped.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(open: &Arc<AtomicUsize>) -> Slot {
        open.fetch_add(1, Ordering::Relaxed);
        Slot(open.clone())
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A warning logged at most once a second, so that a flood of clients does
/// not become a flood of log lines.
#[derive(Default)]
struct Complaints {
    last: Option<Instant>,
    suppressed: u64,
}

impl Complaints {
    fn warn(&mut self, message: std::fmt::Arguments<'_>) {
        let now = Instant::now();
        if self
            .last
            .is_some_and(|last| now.duration_since(last) < Duration::from_secs(1))
        {
            self.suppressed = self.suppressed.saturating_add(1);
            return;
        }
        if self.suppressed > 0 {
            tracing::warn!(
                "wharf-emulator: {message} (and {} more such events in the last second)",
                self.suppressed
            );
        } else {
            tracing::warn!("wharf-emulator: {message}");
        }
        self.last = Some(now);
        self.suppressed = 0;
    }
}

/// A descriptor kept open for the moment the process runs out of them: given
/// up, it makes room to accept the waiting client and answer it, instead of
/// leaving the client in the accept queue while `accept` fails over and over.
struct Reserve(Option<std::fs::File>);

impl Reserve {
    fn open() -> Reserve {
        Reserve(std::fs::File::open("/dev/null").ok())
    }

    /// Reopens the reserve if it was spent and a descriptor is free again.
    fn refill(&mut self) {
        if self.0.is_none() {
            *self = Reserve::open();
        }
    }

    /// Spends the reserve on one waiting client: accepts it, answers 503 and
    /// closes it at once. False when there was no reserve to spend.
    async fn refuse_one(&mut self, listener: &TcpListener) -> bool {
        self.refill();
        if self.0.take().is_none() {
            return false;
        }
        // The client whose accept failed is still queued; if it went away in
        // the meantime, do not wait for another.
        let accepted = tokio::time::timeout(Duration::from_millis(50), listener.accept()).await;
        if let Ok(Ok((stream, _))) = accepted {
            refuse_at_once(stream);
        }
        self.refill();
        true
    }
}

/// The answer to a client over the connection limit.
fn refusal() -> Vec<u8> {
    let body = r#"{"error_code":"APIGW.0308","error_msg":"Too many open connections: the emulator's connection limit is reached"}"#;
    format!(
        "HTTP/1.1 503 Service Unavailable\r\n\
         content-type: application/json\r\n\
         content-length: {}\r\n\
         retry-after: 1\r\n\
         connection: close\r\n\
         \r\n\
         {body}",
        body.len()
    )
    .into_bytes()
}

/// Answers a client over the connection limit, then closes with a lingering
/// close so that its unread request does not turn the close into a reset.
async fn refuse(mut stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let written = tokio::time::timeout(LINGER_TOTAL, stream.write_all(&refusal())).await;
    if matches!(written, Ok(Ok(()))) {
        linger_close(stream).await;
    }
}

/// Answers a client accepted with the reserve descriptor and closes it at
/// once, because the descriptor must be given back before the next accept:
/// the answer fits in the socket buffer, and whatever part of the request has
/// already arrived is discarded so that the close is not a reset.
fn refuse_at_once(stream: TcpStream) {
    let _ = stream.try_write(&refusal());
    let _ = SockRef::from(&stream).shutdown(std::net::Shutdown::Write);
    let mut scratch = [0u8; 4096];
    let mut drained = 0;
    while drained < 64 << 10 {
        match stream.try_read(&mut scratch) {
            Ok(n) if n > 0 => drained += n,
            _ => break,
        }
    }
}

/// Shuts down the sending side, then reads and discards what the client still
/// sends until it closes too (or [`LINGER_TOTAL`], [`LINGER_QUIET`] or
/// [`LINGER_BYTES`] runs out), and only then closes: closing a socket with
/// unread input makes the kernel send a reset, which can destroy the end of
/// the response before the client reads it.
async fn linger_close(mut stream: TcpStream) {
    if stream.shutdown().await.is_err() {
        return;
    }
    let deadline = Instant::now() + LINGER_TOTAL;
    let mut scratch = vec![0u8; 16 << 10];
    let mut drained = 0;
    while drained < LINGER_BYTES {
        let wait = LINGER_QUIET.min(deadline.saturating_duration_since(Instant::now()));
        if wait.is_zero() {
            break;
        }
        match tokio::time::timeout(wait, stream.read(&mut scratch)).await {
            Ok(Ok(n)) if n > 0 => drained += n,
            _ => break,
        }
    }
}

/// How a connection's HTTP part ended.
enum End {
    /// hyper is done with it: the client closed, keep-alive ended, or an error.
    Finished,
    /// A handler asked for a reset.
    Reset,
    /// The header or idle timeout ran out.
    TimedOut,
}

/// Serves one connection until hyper is done with it, a handler resets it, a
/// timeout runs out, or the emulator stops.
async fn connection(
    stream: TcpStream,
    app: Router,
    mut stop: watch::Receiver<bool>,
    options: ConnectionOptions,
) {
    let _ = stream.set_nodelay(true);
    let activity = Arc::new(Activity::new());
    let notify = Arc::new(Notify::new());
    let handle = ResetHandle(notify.clone());
    let service = {
        let activity = activity.clone();
        hyper::service::service_fn(move |request| {
            respond(app.clone(), request, handle.clone(), activity.clone())
        })
    };
    let io = TokioIo::new(Tracked {
        stream,
        activity: activity.clone(),
    });
    let mut conn = http1::Builder::new()
        .keep_alive(true)
        // A client that sends its request and then shuts down its sending
        // side still wants the answer.
        .half_close(true)
        .serve_connection(io, service);
    let mut stopping = false;
    // The timer is not re-armed on every read or request (that cost a task
    // wake-up and a timer registration per request): it sleeps to the
    // deadline known now, or for at most the shorter timeout, and then looks
    // again. A deadline that appears meanwhile (a head starting, a response
    // ending) is at least that shorter timeout away, so it is never missed
    // (a timeout under 50 ms is checked 50 ms apart).
    let look_again = options
        .header_timeout
        .min(options.idle_timeout)
        .max(LOOK_AGAIN_AT_LEAST);
    let end = loop {
        let now = Instant::now();
        let deadline = activity.deadline(&options);
        if deadline.is_some_and(|d| d <= now) {
            break End::TimedOut;
        }
        let soon = now.checked_add(look_again).unwrap_or(now + FAR);
        let wake = deadline.map_or(soon, |d| d.min(soon));
        tokio::select! {
            result = poll_fn(|cx| conn.poll_without_shutdown(cx)) => {
                if let Err(e) = result {
                    tracing::debug!("wharf-emulator: connection ended: {e}");
                }
                break End::Finished;
            }
            () = notify.notified() => break End::Reset,
            () = tokio::time::sleep_until(wake) => {}
            _ = stop.changed(), if !stopping => {
                stopping = true;
                Pin::new(&mut conn).graceful_shutdown();
            }
        }
    };
    let stream = conn.into_parts().io.into_inner().stream;
    match end {
        End::Finished => linger_close(stream).await,
        End::Reset => {
            // With linger 0, the close sends RST.
            let _ = SockRef::from(&stream).set_linger(Some(Duration::ZERO));
        }
        // Nothing to protect: no answer is on its way.
        End::TimedOut => {}
    }
}

/// Calls the application with `request`, counting it in flight until its
/// response has been sent or dropped.
fn respond(
    mut app: Router,
    request: Request<Incoming>,
    handle: ResetHandle,
    activity: Arc<Activity>,
) -> Pin<Box<dyn Future<Output = Result<Response<ResponseBody>, Infallible>> + Send>> {
    let in_flight = InFlight::start(activity);
    let (mut parts, body) = request.into_parts();
    parts.extensions.insert(handle);
    let ended = Arc::new(AtomicBool::new(body.is_end_stream()));
    let body = RequestBody {
        inner: body,
        ended: ended.clone(),
    };
    let request = Request::from_parts(parts, body);
    Box::pin(async move {
        let response = app.call(request).await?;
        let (mut parts, body) = response.into_parts();
        // hyper closes the connection after a response when the request body
        // was not read to its end, but does not say so; a pooling client
        // would then send its next request into a closing socket.
        if !ended.load(Ordering::Relaxed) && !parts.headers.contains_key(header::CONNECTION) {
            parts
                .headers
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        let body = ResponseBody {
            inner: body,
            _in_flight: in_flight,
        };
        Ok(Response::from_parts(parts, body))
    })
}

/// What the connection task needs to know to time a connection out: whether a
/// request is in flight, since when the connection has been idle, and since
/// when a request head has been arriving.
struct Activity {
    state: Mutex<ActivityState>,
}

struct ActivityState {
    in_flight: usize,
    idle_since: Instant,
    head_since: Option<Instant>,
}

impl Activity {
    fn new() -> Activity {
        Activity {
            state: Mutex::new(ActivityState {
                in_flight: 0,
                idle_since: Instant::now(),
                head_since: None,
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, ActivityState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// When the connection is to be closed, if nothing happens before.
    fn deadline(&self, options: &ConnectionOptions) -> Option<Instant> {
        let state = self.state();
        if state.in_flight > 0 {
            return None;
        }
        match state.head_since {
            Some(since) => since.checked_add(options.header_timeout),
            None => state.idle_since.checked_add(options.idle_timeout),
        }
    }

    /// Bytes arrived. Between requests they start a request head.
    fn arrived(&self) {
        let mut state = self.state();
        if state.in_flight == 0 && state.head_since.is_none() {
            state.head_since = Some(Instant::now());
        }
    }
}

/// A request in flight: counted from its complete head until its response
/// body is sent or dropped.
struct InFlight(Arc<Activity>);

impl InFlight {
    fn start(activity: Arc<Activity>) -> InFlight {
        {
            let mut state = activity.state();
            state.in_flight += 1;
            state.head_since = None;
        }
        InFlight(activity)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut state = self.0.state();
        state.in_flight = state.in_flight.saturating_sub(1);
        if state.in_flight == 0 {
            state.idle_since = Instant::now();
            state.head_since = None;
        }
    }
}

/// The socket, noting every read that brings bytes.
struct Tracked {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Tracked {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.activity.arrived();
        }
        polled
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

/// A request body that notes when it has been read to its end.
struct RequestBody {
    inner: Incoming,
    ended: Arc<AtomicBool>,
}

impl Body for RequestBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || this.inner.is_end_stream() {
            this.ended.store(true, Ordering::Relaxed);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A response body that keeps its request counted in flight until hyper has
/// sent it (or dropped it).
struct ResponseBody {
    inner: axum::body::Body,
    _in_flight: InFlight,
}

impl Body for ResponseBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
