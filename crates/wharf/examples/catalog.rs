//! One `Catalog` across providers: the same code counts the repositories and
//! tags of SWR and of UHub, from catalog specs.
//!
//! ```text
//! cargo run -p wharf --example catalog
//! ```
//!
//! Both specs point at an in-process emulator; against the real services use
//! `swr://cn-north-4` and `uhub://cn-bj2`, with the `HUAWEICLOUD_SDK_*` and
//! `UCLOUD_*` variables set.

use std::sync::Arc;

use wharf::Catalog;
use wharf::catalog::open;
use wharf::futures::TryStreamExt;
use wharf_emulator::{Emulator, demo_env};

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
    for spec in [
        emulator.swr_spec(),
        emulator.uhub_spec(),
        emulator.swr_official_spec(),
    ] {
        let catalog = open(&spec, &demo_env)?;
        let (repositories, tags) = count(Arc::clone(&catalog)).await?;
        println!("{catalog}: {repositories} repositories, {tags} tags");
        assert!(repositories > 0 && tags > 0);
    }
    Ok(())
}
