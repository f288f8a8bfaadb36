//! The conformance suite every built-in [`Catalog`] passes, for a backend
//! of your own: give it the catalog and what it should list, and it checks
//! listings, order, windows, shows, missing entries and capabilities the
//! way wharf's own tests check SWR, the official images and UHub.
//!
//! ```
//! use wharf::catalog::RepoRef;
//! use wharf::test_util::conformance::{Expected, ExpectedRepository, ExpectedTag};
//!
//! let mut expected = Expected::default();
//! expected.namespaces.push("team".into());
//! let mut app = ExpectedRepository::named("team", "app");
//! app.tag_count = Some(1);
//! expected.repositories.push(app);
//! expected.tags.push((RepoRef::new("team", "app")?, vec![ExpectedTag::named("v1")]));
//! // In a test: wharf::test_util::conformance::run(&my_catalog, &expected).await;
//! # Ok::<(), wharf::Error>(())
//! ```

use std::collections::HashSet;

use futures::TryStreamExt;

use crate::ErrorKind;
use crate::catalog::{
    Capabilities, Catalog, Namespace, Presence, RepoRef, Repository, Tag, TimeResolution,
};

/// What a catalog should list, each in the catalog's order. Plain data,
/// written as a literal: it gains fields only in a breaking release.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expected {
    /// Every namespace's name.
    pub namespaces: Vec<String>,
    /// Every repository, across namespaces.
    pub repositories: Vec<ExpectedRepository>,
    /// The tags of some repositories (at least one): those whose tags the
    /// suite lists.
    pub tags: Vec<(RepoRef, Vec<ExpectedTag>)>,
}

/// A repository's common fields, as the catalog should list them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedRepository {
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// [`Repository::tag_count`].
    pub tag_count: Option<u64>,
    /// [`Repository::size`].
    pub size: Option<u64>,
    /// [`Repository::created`].
    pub created: Option<jiff::Timestamp>,
    /// [`Repository::updated`].
    pub updated: Option<jiff::Timestamp>,
    /// [`Repository::pull_count`].
    pub pull_count: Option<u64>,
}

impl ExpectedRepository {
    /// Repository `name` of `namespace`, with no common field.
    pub fn named(namespace: impl Into<String>, name: impl Into<String>) -> Self {
        ExpectedRepository {
            namespace: namespace.into(),
            name: name.into(),
            tag_count: None,
            size: None,
            created: None,
            updated: None,
            pull_count: None,
        }
    }
}

impl From<&Repository> for ExpectedRepository {
    fn from(r: &Repository) -> Self {
        ExpectedRepository {
            namespace: r.namespace.clone(),
            name: r.name.clone(),
            tag_count: r.tag_count,
            size: r.size,
            created: r.created,
            updated: r.updated,
            pull_count: r.pull_count,
        }
    }
}

/// A tag's common fields, as the catalog should list them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExpectedTag {
    /// Its name.
    pub name: String,
    /// [`Tag::digest`].
    pub digest: Option<String>,
    /// [`Tag::size`].
    pub size: Option<u64>,
    /// [`Tag::created`].
    pub created: Option<jiff::Timestamp>,
    /// [`Tag::updated`].
    pub updated: Option<jiff::Timestamp>,
}

impl ExpectedTag {
    /// Tag `name`, with no common field.
    pub fn named(name: impl Into<String>) -> Self {
        ExpectedTag {
            name: name.into(),
            digest: None,
            size: None,
            created: None,
            updated: None,
        }
    }
}

impl From<&Tag> for ExpectedTag {
    fn from(t: &Tag) -> Self {
        ExpectedTag {
            name: t.name.clone(),
            digest: t.digest.clone(),
            size: t.size,
            created: t.created,
            updated: t.updated,
        }
    }
}

/// What [`run`] listed, for checks of your own (such as that each
/// `original` is what the server sent).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Listed {
    /// Every namespace.
    pub namespaces: Vec<Namespace>,
    /// Every repository.
    pub repositories: Vec<Repository>,
    /// The tags of the repositories of [`Expected::tags`].
    pub tags: Vec<Tag>,
}

/// Checks `catalog` against `expected`: namespaces and repositories (all,
/// and of each namespace) exactly and in order, the tags of each repository
/// of `expected.tags` exactly and in order, every repository shown as it is
/// listed, [`ErrorKind::NotFound`] for what does not exist, and that
/// entries carry the fields [`Catalog::capabilities`] promise.
///
/// # Panics
/// On the first difference, with a message that names the catalog and
/// what differed: call it from a test.
pub async fn run(catalog: &dyn Catalog, expected: &Expected) -> Listed {
    let namespaces: Vec<Namespace> = collect(catalog, catalog.list_namespaces()).await;
    let names: Vec<&str> = namespaces.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, expected.namespaces, "{catalog}: namespaces");

    let repositories = collect(catalog, catalog.list_repositories(None)).await;
    check_repositories(catalog, &repositories, &expected.repositories);
    for ns in &expected.namespaces {
        let listed = collect(catalog, catalog.list_repositories(Some(ns))).await;
        let want: Vec<_> = expected
            .repositories
            .iter()
            .filter(|r| &r.namespace == ns)
            .cloned()
            .collect();
        check_repositories(catalog, &listed, &want);
    }

    let tags = check_tags(catalog, expected).await;
    check_shows(catalog, &repositories).await;
    check_tag_shows(catalog, &tags).await;
    check_missing(catalog, expected).await;
    check_capabilities(catalog.capabilities(), &repositories, &tags);
    Listed {
        namespaces,
        repositories,
        tags,
    }
}

/// Every item of `stream`, or a panic naming the catalog and the error.
async fn collect<T>(
    catalog: &dyn Catalog,
    stream: futures::stream::BoxStream<'static, Result<T, crate::Error>>,
) -> Vec<T> {
    match stream.try_collect().await {
        Ok(items) => items,
        Err(e) => panic!("{catalog}: a listing failed: {e}"),
    }
}

fn check_repositories(catalog: &dyn Catalog, listed: &[Repository], want: &[ExpectedRepository]) {
    let got: Vec<ExpectedRepository> = listed.iter().map(Into::into).collect();
    assert_eq!(got, want, "{catalog}: repositories");
    for r in listed {
        let qualified = r.qualified_name();
        assert_eq!(qualified, format!("{}/{}", r.namespace, r.name));
        assert_eq!(qualified.parse::<RepoRef>().ok(), Some(r.repo_ref()));
    }
}

async fn check_tags(catalog: &dyn Catalog, expected: &Expected) -> Vec<Tag> {
    assert!(
        !expected.tags.is_empty(),
        "expected the tags of a repository"
    );
    let mut all = Vec::new();
    for (at, want) in &expected.tags {
        let tags = collect(catalog, catalog.list_tags(at)).await;
        assert!(tags.iter().all(|t| &t.repository == at), "{catalog}: {at}");
        let got: Vec<ExpectedTag> = tags.iter().map(Into::into).collect();
        let as_set = |tags: &[ExpectedTag]| tags.iter().cloned().collect::<HashSet<_>>();
        assert_eq!(as_set(&got), as_set(want), "{catalog}: tags of {at}");
        assert_eq!(&got, want, "{catalog}: the order of the tags of {at}");
        all.extend(tags);
    }
    all
}

async fn check_shows(catalog: &dyn Catalog, all: &[Repository]) {
    for listed in all {
        let shown = match catalog.show_repository(&listed.repo_ref()).await {
            Ok(shown) => shown,
            Err(e) => panic!("{catalog}: show {}: {e}", listed.repo_ref()),
        };
        assert_eq!(
            ExpectedRepository::from(&shown),
            ExpectedRepository::from(listed),
            "{catalog}: show"
        );
    }
}

/// The first tag of each repository, read alone, is the tag listed; a tag
/// that is not there is not found.
async fn check_tag_shows(catalog: &dyn Catalog, tags: &[Tag]) {
    let mut seen = HashSet::new();
    for listed in tags.iter().filter(|t| seen.insert(t.repository.clone())) {
        let Ok(name) = wharf_model::TagName::new(listed.name.as_str()) else {
            continue;
        };
        let shown = match catalog.show_tag(&listed.repository, &name).await {
            Ok(shown) => shown,
            Err(e) => panic!("{catalog}: show tag {}:{name}: {e}", listed.repository),
        };
        let fields = |t: &Tag| (t.name.clone(), t.digest.clone(), t.updated, t.size);
        assert_eq!(fields(&shown), fields(listed), "{catalog}: show tag");
        let missing = wharf_model::TagName::new("no-such-tag").expect("a tag name");
        match catalog.show_tag(&listed.repository, &missing).await {
            Err(e) => assert_eq!(e.kind(), ErrorKind::NotFound, "{catalog}: show tag: {e}"),
            Ok(_) => panic!("{catalog}: show tag: a missing tag was found"),
        }
    }
}

async fn check_missing(catalog: &dyn Catalog, expected: &Expected) {
    let not_found = |what: &str, e: Option<crate::Error>| match e {
        Some(e) => assert_eq!(e.kind(), ErrorKind::NotFound, "{catalog}: {what}: {e}"),
        None => panic!("{catalog}: {what}: found"),
    };
    if let Some(namespace) = expected.namespaces.first() {
        let missing = RepoRef::new(namespace, "no-such/repository").expect("a reference");
        not_found("show", catalog.show_repository(&missing).await.err());
        not_found("tags", catalog.list_tags(&missing).try_next().await.err());
    }
    let elsewhere = "no-such-namespace";
    let listed = catalog.list_repositories(Some(elsewhere)).try_next().await;
    not_found("a namespace", listed.err());
    let missing = RepoRef::new(elsewhere, "app").expect("a reference");
    not_found(
        "show elsewhere",
        catalog.show_repository(&missing).await.err(),
    );
}

/// A field said to be always there is; one said never to be is not.
fn check_capabilities(capabilities: Capabilities, repositories: &[Repository], tags: &[Tag]) {
    let check = |presence: Presence, present: bool, what: &str| match presence {
        Presence::Always => assert!(present, "{what} should be there"),
        Presence::Never => assert!(!present, "{what} should not be there"),
        _ => {}
    };
    let r = capabilities.repository;
    for repo in repositories {
        check(r.tag_count, repo.tag_count.is_some(), "tag_count");
        check(r.size, repo.size.is_some(), "size");
        check(r.created, repo.created.is_some(), "created");
        check(r.updated, repo.updated.is_some(), "updated");
        check(r.pull_count, repo.pull_count.is_some(), "pull_count");
    }
    let t = capabilities.tag;
    for tag in tags {
        check(t.digest, tag.digest.is_some(), "digest");
        check(t.size, tag.size.is_some(), "size");
        check(t.created, tag.created.is_some(), "created");
        check(t.updated, tag.updated.is_some(), "updated");
    }
    if capabilities.time_resolution == TimeResolution::Seconds {
        let instants = repositories
            .iter()
            .flat_map(|r| [r.created, r.updated])
            .chain(tags.iter().flat_map(|t| [t.created, t.updated]));
        for instant in instants.flatten() {
            assert_eq!(
                instant.subsec_nanosecond(),
                0,
                "{instant} is not whole seconds"
            );
        }
    }
}
