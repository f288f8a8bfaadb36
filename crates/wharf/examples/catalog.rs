//! One `Catalog` across providers: the same code counts the repositories and
//! tags of SWR and of UHub, from catalog specs.
//!
//! ```text
//! cargo run -p wharf --features emulator --example catalog
//! ```
//!
//! Both specs point at an in-process emulator; against the real services use
//! `swr://cn-north-4` and `uhub://cn-bj2`, with the `HUAWEICLOUD_SDK_*` and
//! `UCLOUD_*` variables set.

use std::sync::Arc;

use futures::TryStreamExt;
use wharf::Catalog;
use wharf::catalog::open;
use wharf::emulator::{
    DEMO_HUAWEI_AK, DEMO_HUAWEI_SK, DEMO_UCLOUD_PRIVATE_KEY, DEMO_UCLOUD_PUBLIC_KEY, Emulator,
};

/// The demo credentials, as the official variables would carry them.
fn demo_env(name: &str) -> Option<String> {
    let value = match name {
        "HUAWEICLOUD_SDK_AK" => DEMO_HUAWEI_AK,
        "HUAWEICLOUD_SDK_SK" => DEMO_HUAWEI_SK,
        "UCLOUD_PUBLIC_KEY" => DEMO_UCLOUD_PUBLIC_KEY,
        "UCLOUD_PRIVATE_KEY" => DEMO_UCLOUD_PRIVATE_KEY,
        _ => return None,
    };
    Some(value.to_owned())
}

/// Repositories and tags of one catalog, whatever its provider.
async fn count(catalog: Arc<dyn Catalog>) -> Result<(usize, usize), wharf::Error> {
    let repositories: Vec<_> = catalog.list_repositories(None).try_collect().await?;
    let mut tags = 0;
    for repository in &repositories {
        let listed: Vec<_> = catalog
            .list_tags(&repository.repo_ref())
            .try_collect()
            .await?;
        tags += listed.len();
    }
    Ok((repositories.len(), tags))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::builder().start().await?;
    let base = emulator.base_url();
    for spec in [
        format!("swr+{base}"),
        format!("uhub+{base}"),
        format!("swr-official+{base}"),
    ] {
        let catalog = open(&spec, &demo_env)?;
        let (repositories, tags) = count(Arc::clone(&catalog)).await?;
        println!("{catalog}: {repositories} repositories, {tags} tags");
        assert!(repositories > 0 && tags > 0);
    }
    Ok(())
}
