//! What a user of wharf writes: functions over `wharf::Error`, with `?`.
//! The tests in `tests/` call them against the emulator.

use std::sync::Arc;

use wharf::catalog::{Catalog, RepoRef};
use wharf::futures::TryStreamExt;
use wharf::model::RepositoryQuery;
use wharf::{SwrClient, SwrConfig};

/// The repositories of `namespace`, four pages in flight.
pub async fn names_in(config: SwrConfig, namespace: &str) -> Result<Vec<String>, wharf::Error> {
    let client = SwrClient::new(config)?;
    let repositories: Vec<_> = client
        .list_repositories(RepositoryQuery::default().with_namespace(namespace))
        .concurrency(4)
        .items()
        .try_collect()
        .await?;
    Ok(repositories.into_iter().map(|r| r.name).collect())
}

/// The tag names of the first repository of `namespace`, through the
/// SWR client: a listed repository names itself with `image_ref()`.
pub async fn first_tags(config: SwrConfig, namespace: &str) -> Result<Vec<String>, wharf::Error> {
    let client = SwrClient::new(config)?;
    let query = RepositoryQuery::default().with_namespace(namespace);
    let first = client.list_repositories(query).items().try_next().await?;
    let Some(first) = first else {
        return Ok(Vec::new());
    };
    let tags: Vec<_> = client
        .list_repository_tags(first.image_ref()?)
        .items()
        .try_collect()
        .await?;
    Ok(tags.into_iter().map(|t| t.tag).collect())
}

/// Repositories and tags of a catalog, whatever its provider.
pub async fn count(catalog: Arc<dyn Catalog>) -> Result<(usize, usize), wharf::Error> {
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

/// One repository, by `NAMESPACE/NAME`.
pub async fn show(catalog: &dyn Catalog, name: &str) -> Result<String, wharf::Error> {
    let reference: RepoRef = name.parse()?;
    Ok(catalog.show_repository(&reference).await?.qualified_name())
}
