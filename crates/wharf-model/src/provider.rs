//! [`Provider`]: which registry API, named once for every crate.

use std::fmt;
use std::str::FromStr;

use crate::{SWR_REQUEST_ID_HEADER, UHUB_REQUEST_ID_HEADER, UnknownValue};

/// Which registry API: the one name the transport, the clients, the
/// emulator and the command line share.
///
/// Not `#[non_exhaustive]`, on purpose: a new provider is a breaking
/// release, and every `match` on this type, in wharf and outside it, is
/// then pointed out by the compiler.
///
/// ```
/// use wharf_model::Provider;
///
/// assert_eq!("uhub".parse::<Provider>()?, Provider::Uhub);
/// assert_eq!(Provider::Swr.to_string(), "swr");
/// assert_eq!(Provider::Uhub.request_id_header(), "x-ucloud-request-uuid");
/// assert!("ecr".parse::<Provider>().is_err());
/// # Ok::<(), wharf_model::UnknownValue>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Provider {
    /// Huawei Cloud SWR.
    Swr,
    /// UCloud UHub.
    Uhub,
}

impl Provider {
    /// Every provider, in the order above.
    pub const ALL: [Provider; 2] = [Provider::Swr, Provider::Uhub];

    /// A short lowercase name, for logs, errors and flags: `swr` or `uhub`.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Swr => "swr",
            Provider::Uhub => "uhub",
        }
    }

    /// The provider's name in words, such as `Huawei Cloud SWR`.
    pub fn title(self) -> &'static str {
        match self {
            Provider::Swr => "Huawei Cloud SWR",
            Provider::Uhub => "UCloud UHub",
        }
    }

    /// The response header that carries the provider's request id.
    pub fn request_id_header(self) -> &'static str {
        match self {
            Provider::Swr => SWR_REQUEST_ID_HEADER,
            Provider::Uhub => UHUB_REQUEST_ID_HEADER,
        }
    }

    /// Reads a name written by [`Provider::as_str`].
    pub fn from_name(name: &str) -> Option<Self> {
        Provider::ALL.into_iter().find(|p| p.as_str() == name)
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Provider {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Provider::from_name(s).ok_or_else(|| UnknownValue::new("provider", s, &["swr", "uhub"]))
    }
}
