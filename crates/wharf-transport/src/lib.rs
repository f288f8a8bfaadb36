//! Putting wharf's requests on the wire: one small [`Transport`] trait, three
//! backends, and the layers that make a call dependable.
//!
//! - `HttpTransport` (feature `http`, on by default): reqwest with rustls,
//!   one pooled client, gzip, a body cap, `https` required except to loopback.
//! - [`ReplayTransport`]: serves recorded exchanges from versioned JSON fixtures,
//!   with a readable diff when nothing matches.
//! - [`RecordingTransport`]: wraps another transport and records what it sees.
//! - [`Signing`]: signs every attempt afresh with a [`Signer`], such as
//!   [`HuaweiSigner`] (`SDK-HMAC-SHA256` from `wharf-auth`) or [`UcloudSigner`].
//! - [`Retrying`]: retries as data ([`RetryConfig`]), `Retry-After` honoured,
//!   attempt and operation [`Timeouts`], `tracing` spans, on an injectable
//!   [`Time`] so tests take no wall time. A request's [`CallOptions`]
//!   override the limits for one call and observe every [`Attempt`], so
//!   throttling a retry hid is still seen ([`ErrorKind::Throttled`]).
//!
//! ```
//! use std::sync::Arc;
//! use wharf_transport::{
//!     Exchange, FakeTime, Provider, ReplayTransport, Request, RetryConfig, Retrying,
//!     SwrClassifier, Transport,
//! };
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), wharf_transport::Error> {
//! let request = Request::get(Provider::Swr, "list_repos", "https://swr.example/v2/manage/repos?limit=1&offset=0");
//! // A recorded 503, then the answer.
//! let replay = ReplayTransport::new(vec![
//!     Exchange::new(&request, 503, "{}"),
//!     Exchange::new(&request, 200, "[]"),
//! ]);
//! let time = FakeTime::new(std::time::SystemTime::UNIX_EPOCH);
//! let mut client = Retrying::new(replay, SwrClassifier).with_time(Arc::new(time.clone()));
//! client.retry = RetryConfig::default();
//! let response = client.send(request).await?;
//! assert_eq!(response.body, "[]");
//! assert_eq!(time.sleeps().len(), 1); // one backoff, taken on the fake clock
//! # Ok(())
//! # }
//! ```

mod classify;
mod error;
#[cfg(feature = "http")]
mod http;
mod huawei;
mod options;
mod record;
mod replay;
mod request;
mod retry;
mod sign;
mod time;
mod timeouts;
mod transport;
mod ucloud;

#[cfg(feature = "http")]
pub use crate::http::{HttpConfig, HttpTransport};
pub use crate::huawei::HuaweiSigner;
pub use classify::{Classifier, SwrClassifier, UhubClassifier, Verdict, is_retryable_status};
pub use error::{Error, ErrorKind};
pub use options::{Attempt, AttemptObserver, CallOptions};
pub use record::RecordingTransport;
pub use replay::{
    Exchange, FIXTURE_FORMAT, FIXTURE_VERSION, Fixture, RecordedRequest, RecordedResponse,
    ReplayTransport,
};
pub use request::{Provider, Request, Response};
pub use retry::{Backoff, Jitter, RetryConfig, Retrying, parse_retry_after};
pub use sign::{Signer, Signing};
pub use time::{FakeTime, Time, TokioTime};
pub use timeouts::Timeouts;
pub use transport::Transport;
pub use ucloud::UcloudSigner;

/// The README's examples, compiled and run as doc tests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
