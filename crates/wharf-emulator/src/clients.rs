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

/// With the `wharf` feature: ready configs of the client, and `?` from the
/// emulator's errors into `wharf::Error`.
#[cfg(feature = "wharf")]
mod for_wharf {
    use std::sync::Arc;
    use std::time::SystemTime;

    use wharf::test_util::FakeTime;
    use wharf::{ClientOptions, Error, ErrorKind, SwrConfig, UhubConfig};

    use super::demo_env;
    use crate::{
        ContentRangeShapeError, DatasetError, Emulator, FaultError, GenerateError, StartError,
    };

    impl Emulator {
        /// A config of its SWR side for a test: the demo credentials, and
        /// retries that wait on a fake clock, so a 503 then a 429 cost no
        /// wall time (time limits still run on the real one).
        ///
        /// ```
        /// # #[tokio::main(flavor = "current_thread")]
        /// # async fn main() -> Result<(), wharf::Error> {
        /// let emulator = wharf_emulator::Emulator::builder().start().await?;
        /// let client = wharf::SwrClient::new(emulator.swr_config()?)?;
        /// let page = client.list_official_images_page(&Default::default()).await?;
        /// assert!(!page.items.is_empty());
        /// # Ok(())
        /// # }
        /// ```
        pub fn swr_config(&self) -> Result<SwrConfig, Error> {
            let mut config =
                SwrConfig::endpoint(&self.base_url())?.with_env_credentials(&demo_env)?;
            config.options = test_options(config.options);
            Ok(config)
        }

        /// A config of its UHub side for a test, as [`swr_config`](Self::swr_config):
        /// the demo key pair, region `cn-bj2`, retries on a fake clock.
        pub fn uhub_config(&self) -> Result<UhubConfig, Error> {
            let mut config =
                UhubConfig::endpoint(&self.base_url())?.with_env_credentials(&demo_env)?;
            config.options = test_options(config.options);
            Ok(config)
        }
    }

    /// `options` with its waits between attempts on a fake clock.
    fn test_options(mut options: ClientOptions) -> ClientOptions {
        options.time = Arc::new(FakeTime::new(SystemTime::now()));
        options
    }

    /// The emulator's errors say what was wrong with a setting: each is a
    /// `wharf::Error` of kind `Config`, with its words.
    macro_rules! into_wharf {
        ($($error:ty),+) => {$(
            impl From<$error> for Error {
                fn from(e: $error) -> Self {
                    Error::new(ErrorKind::Config, format!("the emulator: {e}"))
                }
            }
        )+};
    }

    into_wharf!(
        StartError,
        DatasetError,
        GenerateError,
        FaultError,
        ContentRangeShapeError
    );
}
