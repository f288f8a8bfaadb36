//! The `wharf` crate's `.items()` stream as a process of its own, for
//! `cargo xtask bench` (benches/sdk_compare.py), which runs it beside the CLI
//! and the official SDKs against an emulator in another process:
//!
//! ```text
//! stream --endpoint URL --provider swr|uhub [--namespace R] [--page-size N]
//!        [--concurrency C] [--limit N]
//! ```
//!
//! Credentials come from the environment as the official tools read them
//! (`HUAWEICLOUD_SDK_AK`/`SK`, `UCLOUD_PUBLIC_KEY`/`PRIVATE_KEY`). It counts
//! the items, drops each as it comes, and prints the count: what is left is
//! the crate's own cost, without the CLI's output. The runtime is tokio's
//! single-threaded one, as in the `paging` bench, so the figures compare.
//! Run by `cargo bench` with no endpoint, it says so and does nothing.

use futures::StreamExt;
use wharf::model::{GetRepoImageRequest, RepositoryQuery};
use wharf::{SwrClient, SwrConfig, UhubClient, UhubConfig};

fn main() {
    let mut endpoint = None;
    let mut provider = String::from("swr");
    let mut namespace = None;
    let mut page_size = 100u32;
    let mut concurrency = 4usize;
    let mut limit = u64::MAX;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| fail(&format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--endpoint" => endpoint = Some(value()),
            "--provider" => provider = value(),
            "--namespace" => namespace = Some(value()),
            "--page-size" => page_size = number(&value()),
            "--concurrency" => concurrency = number(&value()),
            "--limit" => limit = number(&value()),
            // `cargo bench` passes `--bench`: this is not a criterion bench.
            "--bench" => {}
            other => fail(&format!("unknown flag {other}")),
        }
    }
    let Some(endpoint) = endpoint else {
        eprintln!("stream: no --endpoint; run by `cargo xtask bench`, nothing to do alone");
        return;
    };
    let lookup = |name: &str| std::env::var(name).ok();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| fail(&e.to_string()));
    let count = runtime.block_on(async {
        match provider.as_str() {
            "swr" => {
                let config = SwrConfig::endpoint(&endpoint)
                    .and_then(|c| c.with_env_credentials(&lookup))
                    .unwrap_or_else(|e| fail(&e.to_string()));
                let client = SwrClient::new(config).unwrap_or_else(|e| fail(&e.to_string()));
                let items = client
                    .list_repositories(RepositoryQuery::default())
                    .page_size(page_size)
                    .concurrency(concurrency)
                    .items();
                drain(items, limit).await
            }
            "uhub" => {
                let namespace = namespace.unwrap_or_else(|| fail("uhub needs --namespace"));
                let mut config = UhubConfig::endpoint(&endpoint)
                    .and_then(|c| c.with_env_credentials(&lookup))
                    .unwrap_or_else(|e| fail(&e.to_string()));
                if config.region.is_none() {
                    config.region = Some("cn-bj2".to_owned());
                }
                let client = UhubClient::new(config).unwrap_or_else(|e| fail(&e.to_string()));
                let items = client
                    .list_repo_images(GetRepoImageRequest::new(&namespace))
                    .page_size(page_size)
                    .concurrency(concurrency)
                    .items();
                drain(items, limit).await
            }
            other => fail(&format!("unknown provider {other}")),
        }
    });
    println!("{count}");
}

/// Counts the items of `items`, up to `limit`, dropping each at once.
async fn drain<T, E: std::fmt::Display>(
    mut items: impl futures::Stream<Item = Result<T, E>> + Unpin,
    limit: u64,
) -> u64 {
    let mut count = 0;
    while count < limit {
        match items.next().await {
            Some(Ok(_)) => count += 1,
            Some(Err(e)) => fail(&e.to_string()),
            None => break,
        }
    }
    count
}

fn number<T: std::str::FromStr>(text: &str) -> T {
    text.parse()
        .unwrap_or_else(|_| fail(&format!("not a number: {text}")))
}

fn fail(message: &str) -> ! {
    eprintln!("stream: {message}");
    std::process::exit(2)
}
