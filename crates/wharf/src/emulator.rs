//! The local emulator of both APIs, for tests without a cloud account, and
//! client configurations that reach it with its demo credentials.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = wharf::emulator::Emulator::builder().start().await?;
//! let client = wharf::SwrClient::new(wharf::emulator::swr_config(&emulator)?)?;
//! let page = client.list_official_images_page(&Default::default()).await?;
//! assert!(!page.items.is_empty());
//! # Ok(())
//! # }
//! ```

pub use wharf_emulator::*;

use crate::Error;

/// A configuration of `emulator`'s SWR side, signed with the demo AK/SK.
#[cfg(feature = "swr")]
pub fn swr_config(emulator: &Emulator) -> Result<crate::SwrConfig, Error> {
    let credentials = wharf_auth::huawei::Credentials::new(DEMO_HUAWEI_AK, DEMO_HUAWEI_SK)
        .map_err(|e| Error::new(crate::ErrorKind::Config, "demo credentials").with_source(e))?;
    Ok(crate::SwrConfig::endpoint(&emulator.base_url())?.with_auth(credentials))
}

/// A configuration of `emulator`'s UHub side, signed with the demo key pair.
#[cfg(feature = "uhub")]
pub fn uhub_config(emulator: &Emulator) -> Result<crate::UhubConfig, Error> {
    let keys =
        wharf_auth::ucloud::Credentials::new(DEMO_UCLOUD_PUBLIC_KEY, DEMO_UCLOUD_PRIVATE_KEY)
            .map_err(|e| Error::new(crate::ErrorKind::Config, "demo credentials").with_source(e))?;
    let mut config = crate::UhubConfig::endpoint(&emulator.base_url())?.with_credentials(keys);
    config.region = Some("cn-bj2".to_owned());
    Ok(config)
}
