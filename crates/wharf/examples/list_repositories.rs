//! Lists every repository of an SWR registry, 4 pages in flight, and prints
//! the listing's summary.
//!
//! ```text
//! cargo run -p wharf --example list_repositories
//! ```
//!
//! It runs against an in-process emulator with a generated catalog; against
//! Huawei Cloud, build the config with `SwrConfig::from_env()` instead
//! (`HUAWEICLOUD_SDK_REGION`, `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`).

use wharf::futures::StreamExt;
use wharf::model::RepositoryQuery;
use wharf::{SwrClient, SwrConfig};
use wharf_emulator::{Dataset, Emulator, GenerateOptions, demo_env};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let options = GenerateOptions {
        repositories: 2_000,
        ..GenerateOptions::default()
    };
    let emulator = Emulator::builder()
        .dataset(Dataset::generate(&options)?)
        .start()
        .await?;
    let config = SwrConfig::endpoint(&emulator.base_url())?.with_env_credentials(&demo_env)?;
    let client = SwrClient::new(config)?;

    let mut items = client
        .list_repositories(RepositoryQuery::default())
        .page_size(100)
        .concurrency(4)
        .items();
    let mut count = 0;
    while let Some(repository) = items.next().await {
        let repository = repository?;
        if count < 5 {
            println!(
                "{}/{} ({} tags)",
                repository.namespace, repository.name, repository.num_images
            );
        }
        count += 1;
    }
    let summary = items.summary();
    println!(
        "{count} repositories in {} pages, {} attempts, {} throttled, {:?}",
        summary.pages, summary.attempts, summary.throttles, summary.elapsed
    );
    assert_eq!(count, 2_000);
    Ok(())
}
