//! What a client needs to reach an emulator: the catalog specs of its two
//! sides and the demo credentials under the official tools' variable
//! names, so a test opens a catalog the way a program opens a real one.
//!
//! ```
//! let emulator = wharf_emulator::Emulator::builder().start_background()?;
//! assert!(emulator.swr_spec().starts_with("swr+http://127.0.0.1:"));
//! assert!(emulator.uhub_spec().ends_with("?region=cn-bj2"));
//! assert_eq!(
//!     wharf_emulator::demo_env("HUAWEICLOUD_SDK_AK").as_deref(),
//!     Some(wharf_emulator::DEMO_HUAWEI_AK)
//! );
//! assert_eq!(wharf_emulator::demo_env("HOME"), None);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::auth::{
    DEMO_HUAWEI_AK, DEMO_HUAWEI_SK, DEMO_UCLOUD_PRIVATE_KEY, DEMO_UCLOUD_PUBLIC_KEY,
};
use crate::emulator::Emulator;

/// The region the UHub side answers for in its specs and demo environment.
pub const DEMO_UCLOUD_REGION: &str = "cn-bj2";

/// The demo credentials by the variable names the official SDKs read
/// (`HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`, `UCLOUD_PUBLIC_KEY`,
/// `UCLOUD_PRIVATE_KEY`, `UCLOUD_REGION`); `None` for any other name.
///
/// Its shape is that of a lookup of the environment, such as
/// `wharf::catalog::Lookup`, so a client reads it as it would read the
/// process environment. An emulator started with other credentials
/// ([`AuthConfig`](crate::AuthConfig)) does not accept these.
pub fn demo_env(name: &str) -> Option<String> {
    let value = match name {
        "HUAWEICLOUD_SDK_AK" => DEMO_HUAWEI_AK,
        "HUAWEICLOUD_SDK_SK" => DEMO_HUAWEI_SK,
        "UCLOUD_PUBLIC_KEY" => DEMO_UCLOUD_PUBLIC_KEY,
        "UCLOUD_PRIVATE_KEY" => DEMO_UCLOUD_PRIVATE_KEY,
        "UCLOUD_REGION" => DEMO_UCLOUD_REGION,
        _ => return None,
    };
    Some(value.to_owned())
}

impl Emulator {
    /// `swr+http://ADDR`: the catalog spec of SWR's own repositories here.
    pub fn swr_spec(&self) -> String {
        format!("swr+http://{}", self.addr())
    }

    /// `swr-official+http://ADDR`: the catalog spec of SWR's official images here.
    pub fn swr_official_spec(&self) -> String {
        format!("swr-official+http://{}", self.addr())
    }

    /// `uhub+http://ADDR?region=cn-bj2`: the catalog spec of the UHub side.
    pub fn uhub_spec(&self) -> String {
        format!("uhub+http://{}?region={DEMO_UCLOUD_REGION}", self.addr())
    }
}
