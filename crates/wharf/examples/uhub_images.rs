//! Lists the images of every UHub repo, and the tags of the first image.
//!
//! ```text
//! cargo run -p wharf --example uhub_images
//! ```
//!
//! It runs against an in-process emulator; against UCloud, build the config
//! with `UhubConfig::from_env()` instead (`UCLOUD_PUBLIC_KEY`,
//! `UCLOUD_PRIVATE_KEY`, `UCLOUD_REGION`, `UCLOUD_PROJECT_ID`).

use wharf::futures::TryStreamExt;
use wharf::model::{GetImageTagRequest, GetRepoImageRequest, GetRepoRequest, RepoType};
use wharf::{UhubClient, UhubConfig};
use wharf_emulator::{Emulator, demo_env};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::builder().start().await?;
    let config = UhubConfig::endpoint(&emulator.base_url())?.with_env_credentials(&demo_env)?;
    let client = UhubClient::new(config)?;

    // Without a type, UHub lists public repos only: ask for each.
    let mut repos: Vec<_> = client
        .list_repos(GetRepoRequest::new(RepoType::Private))
        .items()
        .try_collect()
        .await?;
    let public: Vec<_> = client
        .list_repos(GetRepoRequest::new(RepoType::Public))
        .items()
        .try_collect()
        .await?;
    repos.extend(public);
    for repo in &repos {
        let images: Vec<_> = client
            .list_repo_images(GetRepoImageRequest::new(&repo.repo_name))
            .items()
            .try_collect()
            .await?;
        println!("{}: {} images", repo.repo_name, images.len());
        if let Some(first) = images.first() {
            let tags: Vec<_> = client
                .list_image_tags(GetImageTagRequest::new(&repo.repo_name, &first.image_name))
                .items()
                .try_collect()
                .await?;
            let names: Vec<_> = tags.iter().map(|t| t.tag_name.as_str()).collect();
            println!("  {}: {}", first.image_name, names.join(", "));
        }
    }
    assert!(!repos.is_empty());
    Ok(())
}
