//! For your tests (feature `test-util`): replay, recording and the fake
//! clock, for tests without a server; and the [`conformance`] suite, for a
//! [`Catalog`](crate::Catalog) of your own.

pub mod conformance;

pub use wharf_transport::{
    Exchange, FIXTURE_FORMAT, FIXTURE_VERSION, FakeTime, Fixture, RecordedRequest,
    RecordedResponse, RecordingTransport, ReplayTransport,
};
