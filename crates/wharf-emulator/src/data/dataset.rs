//! The in-memory dataset both protocols serve: namespaces (UHub repos) with
//! their repositories (UHub images) and tags, plus the official images.
//!
//! The same types are the dataset file format (see the crate README): a
//! [`Dataset`] serializes to the JSON that `--dataset` reads.

use serde::{Deserialize, Serialize};

use super::file::DatasetError;
use wharf_model::{Category, NamespaceName, RepositoryName, Timestamp};

/// One dataset: what the emulator serves through SWR and UHub alike.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Dataset {
    /// The tenant, sent as `domain_name` on every repository.
    pub domain_name: String,
    /// The registry host in each repository's `path`
    /// (`swr.cn-north-4.myhuaweicloud.com`).
    pub registry: String,
    /// The in-cluster registry address in each repository's `internal_path`.
    pub internal_registry: String,
    /// The namespaces, each with its repositories.
    pub namespaces: Vec<NamespaceRecord>,
    /// The official (dockerhub) images.
    #[serde(default)]
    pub official_images: Vec<OfficialImageRecord>,
}

/// An SWR namespace, which UHub calls a repo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct NamespaceRecord {
    /// The name.
    pub name: NamespaceName,
    /// UHub `Description`.
    #[serde(default)]
    pub description: String,
    /// UHub `IsOutSide`: reachable from outside UCloud's network (the
    /// SDK: "镜像仓库是否外网可以访问"). It decides no listing.
    #[serde(default)]
    pub is_public: bool,
    /// UHub `IsShared`: a public repo (the SDK: "镜像仓库类型,false为私有；
    /// true为公有"). `GetRepo` lists these without `Type` or with
    /// `Type=public`, and the others with `Type=private`.
    #[serde(default)]
    pub is_shared: bool,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// Its repositories, in any order (listings sort them).
    #[serde(default)]
    pub repositories: Vec<RepositoryRecord>,
}

/// An SWR repository, which UHub calls an image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RepositoryRecord {
    /// The name; may hold `/`.
    pub name: RepositoryName,
    /// The category.
    pub category: Category,
    /// The description.
    #[serde(default)]
    pub description: String,
    /// Whether anyone may pull it.
    #[serde(default)]
    pub is_public: bool,
    /// Number of downloads (UHub `PullCount`).
    #[serde(default)]
    pub num_download: u64,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// Its tags, newest first.
    #[serde(default)]
    pub tags: Vec<TagRecord>,
}

/// One tag of a repository.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TagRecord {
    /// Tag name, such as `1.25.3`.
    pub name: String,
    /// Image size in bytes.
    pub size: u64,
    /// Image digest, `sha256:` and 64 hex digits.
    pub digest: String,
    /// When it was pushed.
    pub updated_at: Timestamp,
}

/// An official (dockerhub) image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct OfficialImageRecord {
    /// Image id, unique among official images.
    pub id: u64,
    /// Namespace, such as `library`.
    pub namespace: NamespaceName,
    /// Image name; may hold `/`.
    pub name: RepositoryName,
    /// Owning user, such as `official`.
    pub user: String,
    /// Short description.
    #[serde(default)]
    pub description: String,
    /// Long description.
    #[serde(default)]
    pub full_description: String,
    /// How many users starred it.
    #[serde(default)]
    pub star_count: u64,
    /// How many times it was pulled.
    #[serde(default)]
    pub pull_count: u64,
    /// When it last changed.
    pub last_updated: Timestamp,
    /// Its tags, newest first.
    #[serde(default)]
    pub tags: Vec<OfficialTagRecord>,
}

/// One tag of an official image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct OfficialTagRecord {
    /// Tag id.
    pub id: u64,
    /// Tag name.
    pub name: String,
    /// Image size in bytes.
    pub size: u64,
    /// When it last changed.
    pub last_updated: Timestamp,
}

impl Dataset {
    /// An empty dataset for tenant `domain_name`, with registry addresses for
    /// region `cn-north-4`.
    pub fn empty(domain_name: impl Into<String>) -> Self {
        Dataset {
            domain_name: domain_name.into(),
            registry: "swr.cn-north-4.myhuaweicloud.com".to_owned(),
            internal_registry: "10.125.0.198:20202".to_owned(),
            namespaces: Vec::new(),
            official_images: Vec::new(),
        }
    }

    /// The namespace called `name`.
    pub fn namespace(&self, name: &str) -> Option<&NamespaceRecord> {
        self.namespaces.iter().find(|ns| ns.name.as_str() == name)
    }

    /// The official image `name` in `namespace`.
    pub fn official_image(&self, namespace: &str, name: &str) -> Option<&OfficialImageRecord> {
        self.official_images
            .iter()
            .find(|image| image.namespace.as_str() == namespace && image.name.as_str() == name)
    }

    /// Every repository with its namespace, in dataset order.
    pub fn repositories(&self) -> impl Iterator<Item = (&NamespaceRecord, &RepositoryRecord)> {
        self.namespaces
            .iter()
            .flat_map(|ns| ns.repositories.iter().map(move |repo| (ns, repo)))
    }

    /// Number of repositories over all namespaces.
    pub fn repository_count(&self) -> usize {
        self.namespaces.iter().map(|ns| ns.repositories.len()).sum()
    }

    /// Checks what the types alone cannot: names unique where they must be.
    /// Sorts rather than hashes, and words an error only when there is one:
    /// a million repositories check in a fraction of a second.
    pub fn validate(&self) -> Result<(), DatasetError> {
        self.validate_but_repositories(true)
    }

    /// [`validate`](Self::validate), leaving out the repository names of
    /// each namespace unless `repositories`: the index sorts those anyway and
    /// finds a duplicate as it goes.
    pub(crate) fn validate_but_repositories(&self, repositories: bool) -> Result<(), DatasetError> {
        let mut scratch = Vec::new();
        let names = self.namespaces.iter().map(|ns| ns.name.as_str());
        unique(&mut scratch, names, || "namespace".to_owned())?;
        for ns in &self.namespaces {
            if repositories {
                let names = ns.repositories.iter().map(|r| r.name.as_str());
                unique(&mut scratch, names, || repositories_of(ns))?;
            }
            for repo in &ns.repositories {
                let names = repo.tags.iter().map(|t| t.name.as_str());
                unique(&mut scratch, names, || {
                    format!("tag of {}/{}", ns.name, repo.name)
                })?;
            }
        }
        let keys: Vec<String> = self
            .official_images
            .iter()
            .map(|i| format!("{}/{}", i.namespace, i.name))
            .collect();
        let names = keys.iter().map(String::as_str);
        unique(&mut scratch, names, || "official image".to_owned())?;
        let ids: Vec<String> = self
            .official_images
            .iter()
            .map(|i| i.id.to_string())
            .collect();
        let names = ids.iter().map(String::as_str);
        unique(&mut scratch, names, || "official image id".to_owned())
    }
}

/// What a duplicate repository name is a duplicate of.
pub(crate) fn repositories_of(ns: &NamespaceRecord) -> String {
    format!("repository in namespace {:?}", ns.name.as_str())
}

/// Fails on a name given twice (the least such name, once sorted).
/// `scratch` is reused between calls, so a million small checks allocate
/// nothing.
fn unique<'a>(
    scratch: &mut Vec<&'a str>,
    names: impl Iterator<Item = &'a str>,
    what: impl FnOnce() -> String,
) -> Result<(), DatasetError> {
    scratch.clear();
    scratch.extend(names);
    scratch.sort_unstable();
    match scratch.windows(2).find(|pair| pair[0] == pair[1]) {
        None => Ok(()),
        Some(pair) => Err(DatasetError::Duplicate {
            what: what(),
            name: pair[0].to_owned(),
        }),
    }
}

impl NamespaceRecord {
    /// An empty, private namespace, last changed when it was created.
    pub fn new(name: NamespaceName, created_at: Timestamp) -> Self {
        NamespaceRecord {
            name,
            description: String::new(),
            is_public: false,
            is_shared: false,
            updated_at: created_at.clone(),
            created_at,
            repositories: Vec::new(),
        }
    }
}

impl TagRecord {
    /// A tag pushed at `updated_at`.
    pub fn new(
        name: impl Into<String>,
        size: u64,
        digest: impl Into<String>,
        updated_at: Timestamp,
    ) -> Self {
        TagRecord {
            name: name.into(),
            size,
            digest: digest.into(),
            updated_at,
        }
    }
}

impl OfficialImageRecord {
    /// An official image owned by `official`, with no tags.
    pub fn new(
        id: u64,
        namespace: NamespaceName,
        name: RepositoryName,
        last_updated: Timestamp,
    ) -> Self {
        OfficialImageRecord {
            id,
            namespace,
            name,
            user: "official".to_owned(),
            description: String::new(),
            full_description: String::new(),
            star_count: 0,
            pull_count: 0,
            last_updated,
            tags: Vec::new(),
        }
    }
}

impl OfficialTagRecord {
    /// A tag of an official image.
    pub fn new(id: u64, name: impl Into<String>, size: u64, last_updated: Timestamp) -> Self {
        OfficialTagRecord {
            id,
            name: name.into(),
            size,
            last_updated,
        }
    }
}

impl RepositoryRecord {
    /// A private repository with no tags, last changed when it was created.
    ///
    /// ```
    /// use wharf_emulator::{Dataset, NamespaceRecord, RepositoryRecord, TagRecord};
    /// use wharf_model::{Category, NamespaceName, RepositoryName, Timestamp};
    ///
    /// let when: Timestamp = "2024-06-15T12:00:00Z".parse()?;
    /// let name = RepositoryName::new("web/app")?;
    /// let mut repo = RepositoryRecord::new(name, Category::Linux, when.clone());
    /// repo.tags.push(TagRecord::new("1.0", 1_000, "sha256:00", when.clone()));
    /// let mut team = NamespaceRecord::new(NamespaceName::new("team")?, when);
    /// team.repositories.push(repo);
    /// let mut dataset = Dataset::empty("me");
    /// dataset.namespaces.push(team);
    /// assert_eq!(dataset.repository_count(), 1);
    /// dataset.validate()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(name: RepositoryName, category: Category, created_at: Timestamp) -> Self {
        RepositoryRecord {
            name,
            category,
            description: String::new(),
            is_public: false,
            num_download: 0,
            updated_at: created_at.clone(),
            created_at,
            tags: Vec::new(),
        }
    }

    /// Total size of its tags in bytes.
    pub fn size(&self) -> u64 {
        self.tags
            .iter()
            .map(|t| t.size)
            .fold(0, u64::saturating_add)
    }

    /// The most recently pushed tag (UHub `LatestTag`); the first one on a tie.
    pub fn latest_tag(&self) -> Option<&TagRecord> {
        self.tags.iter().reduce(|best, tag| {
            if tag.updated_at.instant() > best.updated_at.instant() {
                tag
            } else {
                best
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    fn tag(name: &str, when: &str) -> TagRecord {
        TagRecord {
            name: name.into(),
            size: 10,
            digest: String::new(),
            updated_at: ts(when),
        }
    }

    #[test]
    fn latest_tag_and_size() {
        let repo = RepositoryRecord {
            name: RepositoryName::new("app").unwrap(),
            category: Category::Linux,
            description: String::new(),
            is_public: false,
            num_download: 0,
            created_at: ts("2020-01-01 00:00:00"),
            updated_at: ts("2020-01-01 00:00:00"),
            tags: vec![
                tag("a", "2020-01-01 00:00:00"),
                tag("b", "2021-01-01 00:00:00"),
            ],
        };
        assert_eq!(repo.latest_tag().unwrap().name, "b");
        assert_eq!(repo.size(), 20);
    }

    #[test]
    fn duplicates_are_refused() {
        let mut dataset = Dataset::empty("root");
        let ns = NamespaceRecord {
            name: NamespaceName::new("team").unwrap(),
            description: String::new(),
            is_public: false,
            is_shared: false,
            created_at: ts("2020-01-01 00:00:00"),
            updated_at: ts("2020-01-01 00:00:00"),
            repositories: Vec::new(),
        };
        dataset.namespaces = vec![ns.clone(), ns];
        assert_eq!(
            dataset.validate().unwrap_err().to_string(),
            r#"dataset: duplicate namespace "team""#
        );
    }
}
