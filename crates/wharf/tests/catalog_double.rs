//! A `Catalog` of one's own, as a test double would be: the trait and the
//! entries can be implemented and built outside wharf.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde_json::json;
use wharf::catalog::{Capabilities, Presence, RepositoryFields, TagFields, TimeResolution};
use wharf::catalog::{Namespace, Original, RepoRef, Repository, Tag};
use wharf::test_util::conformance::{self, Expected, ExpectedRepository, ExpectedTag};
use wharf::{Catalog, Error, ErrorKind};

/// One namespace, `team`, holding `app`, tagged `v1`.
#[derive(Debug)]
struct Double;

impl fmt::Display for Double {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("double")
    }
}

fn app() -> Repository {
    let mut repo = Repository::new("team", "app", Original::Json(json!({"id": 1})));
    repo.tag_count = Some(1);
    repo
}

#[async_trait]
impl Catalog for Double {
    fn name(&self) -> &str {
        "double"
    }

    fn endpoint(&self) -> &str {
        "memory:"
    }

    fn capabilities(&self) -> Capabilities {
        let mut repository = RepositoryFields::all(Presence::Never);
        repository.tag_count = Presence::Always;
        Capabilities::new(
            TimeResolution::Seconds,
            repository,
            TagFields::all(Presence::Never),
        )
    }

    fn list_namespaces(&self) -> BoxStream<'static, Result<Namespace, Error>> {
        stream::iter([Ok(Namespace::new("team", Original::Derived))]).boxed()
    }

    fn list_repositories(
        &self,
        namespace: Option<&str>,
    ) -> BoxStream<'static, Result<Repository, Error>> {
        match namespace {
            None | Some("team") => stream::iter([Ok(app())]).boxed(),
            Some(other) => stream::iter([Err(missing(other))]).boxed(),
        }
    }

    fn list_tags(&self, repository: &RepoRef) -> BoxStream<'static, Result<Tag, Error>> {
        if *repository != app().repo_ref() {
            return stream::iter([Err(missing(repository))]).boxed();
        }
        let tag = Tag::new(
            repository.clone(),
            "v1",
            Original::Json(json!({"tag": "v1"})),
        );
        stream::iter([Ok(tag)]).boxed()
    }

    async fn show_repository(&self, repository: &RepoRef) -> Result<Repository, Error> {
        let app = app();
        if app.repo_ref() == *repository {
            return Ok(app);
        }
        Err(missing(repository))
    }
}

fn missing(what: impl fmt::Display) -> Error {
    Error::new(ErrorKind::NotFound, format!("no {what}"))
}

/// What the double holds, as the conformance suite takes it.
fn expected() -> Expected {
    let mut app = ExpectedRepository::named("team", "app");
    app.tag_count = Some(1);
    Expected {
        namespaces: vec!["team".to_owned()],
        repositories: vec![app],
        tags: vec![(
            RepoRef::new("team", "app").unwrap(),
            vec![ExpectedTag::named("v1")],
        )],
    }
}

/// The suite the built-in catalogs pass runs on a backend outside wharf.
#[tokio::test]
async fn a_catalog_of_ones_own_passes_the_conformance_suite() {
    let listed = conformance::run(&Double, &expected()).await;
    assert_eq!(listed.repositories, [app()]);
}

/// And it fails when the catalog lists something else.
#[tokio::test]
#[should_panic(expected = "double: tags of team/app")]
async fn the_conformance_suite_fails_on_a_difference() {
    let mut expected = expected();
    expected.tags[0].1.push(ExpectedTag::named("v2"));
    conformance::run(&Double, &expected).await;
}

#[tokio::test]
async fn a_catalog_of_ones_own_is_a_catalog() {
    let catalog: Arc<dyn Catalog> = Arc::new(Double);
    let repos: Vec<Repository> = catalog.list_repositories(None).try_collect().await.unwrap();
    assert_eq!(repos, [app()]);
    let json = serde_json::to_value(&repos[0]).unwrap();
    assert_eq!(json["original"], json!({"id": 1}));
    assert_eq!(json["qualified_name"], "team/app");
    let tags: Vec<Tag> = catalog
        .list_tags(&repos[0].repo_ref())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&tags[0]).unwrap()["repository"],
        "team/app"
    );
    let other = RepoRef::new("team", "other").unwrap();
    let missing = catalog.show_repository(&other).await.unwrap_err();
    assert!(missing.is_not_found(), "{missing}");
    let capabilities = catalog.capabilities();
    assert_eq!(capabilities.time_resolution, TimeResolution::Seconds);
    assert!(capabilities.repository.tag_count.is_possible());
    assert!(!capabilities.tag.digest.is_possible());
}
