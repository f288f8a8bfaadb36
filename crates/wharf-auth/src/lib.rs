//! Request signing and verifying for Huawei Cloud and UCloud: pure functions,
//! no I/O, no HTTP client.
//!
//! ```
//! use wharf_auth::huawei::{self, Credentials, Request};
//! use wharf_auth::ucloud::{self, Value};
//!
//! // Huawei Cloud SDK-HMAC-SHA256: the headers to add to one attempt.
//! let creds = Credentials::new("AK", "SK")?.with_project_id("project")?;
//! let query = vec![("filter".to_owned(), "namespace::team|limit::10".to_owned())];
//! let headers = vec![("Host".to_owned(), "swr-api.cn-north-4.myhuaweicloud.com".to_owned())];
//! let request = Request::new("GET", "/v2/manage/repos").with_query(&query).with_headers(&headers);
//! let now: jiff::Timestamp = "2024-06-15T12:34:56Z".parse()?;
//! let signed = huawei::sign(&creds, &request, now)?;
//! assert_eq!(request.wire_target(), "/v2/manage/repos?filter=namespace%3A%3Ateam%7Climit%3A%3A10");
//! assert_eq!(signed.headers().get("X-Project-Id"), Some("project"));
//!
//! // UCloud: flatten, add PublicKey, sign.
//! let keys = ucloud::Credentials::new("ucloudsomeone@example.com1296235120854146120",
//!                                     "46f09bb9fab4f12dfc160dae12273d5332b5debe")?;
//! let params = [("Action", Value::from("DescribeUHostInstance")),
//!               ("Region", Value::from("cn-bj2")),
//!               ("Limit", Value::from(10))];
//! let signed = ucloud::sign(&keys, &params);
//! assert_eq!(signed.signature(), "cba5cf5ec4d4233d206b1b54951e3787350a642f");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! - [`huawei`]: `SDK-HMAC-SHA256` as the official Python SDK computes it,
//!   [`huawei::sign`] and [`huawei::verify`].
//! - [`ucloud`]: parameter flattening, value encoding and the SHA-1 signature,
//!   [`ucloud::sign`] and [`ucloud::verify`].
//! - [`KeyStore`]: where verifiers find secrets.
//!
//! Credentials never print their secrets: not in `Debug`, not in errors, and
//! they have no `Display` or `Serialize`. Nothing here panics on any input.

pub mod huawei;
mod keys;
pub mod ucloud;

mod digest;
mod secret;

pub use keys::KeyStore;

/// Compiles and runs the README's example as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
