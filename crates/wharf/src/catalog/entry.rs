//! The provider-neutral entries of a catalog, each with the provider's
//! record kept as it came.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::RepoRef;

/// A namespace (UHub: a repo).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Namespace {
    /// Its name.
    pub name: String,
    /// The provider's record.
    pub original: Original,
}

impl Namespace {
    /// A namespace, for a [`Catalog`](super::Catalog) of your own (a test
    /// double, another backend).
    pub fn new(name: impl Into<String>, original: Original) -> Self {
        Namespace {
            name: name.into(),
            original,
        }
    }
}

/// A repository (UHub: an image) with the fields every provider may send.
///
/// Serializes with its `qualified_name` (`namespace/name`) beside its fields;
/// instants as RFC 3339, a missing value as `null`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Repository {
    /// Its namespace.
    pub namespace: String,
    /// Its name; may hold `/`.
    pub name: String,
    /// How many tags it has.
    pub tag_count: Option<u64>,
    /// Its size in bytes.
    pub size: Option<u64>,
    /// When it was created.
    pub created: Option<jiff::Timestamp>,
    /// When it last changed.
    pub updated: Option<jiff::Timestamp>,
    /// How many times it was pulled.
    pub pull_count: Option<u64>,
    /// The provider's record.
    pub original: Original,
}

impl Repository {
    /// `namespace/name`.
    pub fn qualified_name(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// Where it is, to list its tags or show it again.
    pub fn repo_ref(&self) -> RepoRef {
        RepoRef::from_server(&self.namespace, &self.name)
    }

    /// An entry with only its names and the provider's record; set the
    /// fields the provider knows.
    pub fn new(namespace: impl Into<String>, name: impl Into<String>, original: Original) -> Self {
        Repository {
            namespace: namespace.into(),
            name: name.into(),
            tag_count: None,
            size: None,
            created: None,
            updated: None,
            pull_count: None,
            original,
        }
    }
}

impl Serialize for Repository {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Repository", 9)?;
        s.serialize_field("namespace", &self.namespace)?;
        s.serialize_field("name", &self.name)?;
        // Written straight out, not made into a String first.
        let qualified_name = format_args!("{}/{}", self.namespace, self.name);
        s.serialize_field("qualified_name", &qualified_name)?;
        s.serialize_field("tag_count", &self.tag_count)?;
        s.serialize_field("size", &self.size)?;
        s.serialize_field("created", &self.created)?;
        s.serialize_field("updated", &self.updated)?;
        s.serialize_field("pull_count", &self.pull_count)?;
        s.serialize_field("original", &self.original)?;
        s.end()
    }
}

/// A tag of a repository.
///
/// Serializes its `repository` as `namespace/name`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Tag {
    /// The repository it belongs to.
    pub repository: RepoRef,
    /// Its name, such as `1.25.3`.
    pub name: String,
    /// The image's digest, such as `sha256:` and 64 hex digits.
    pub digest: Option<String>,
    /// The image's size in bytes.
    pub size: Option<u64>,
    /// When it was created.
    pub created: Option<jiff::Timestamp>,
    /// When it last changed.
    pub updated: Option<jiff::Timestamp>,
    /// The provider's record.
    pub original: Original,
}

impl Tag {
    /// An entry with only its names and the provider's record; set the
    /// fields the provider knows.
    pub fn new(repository: RepoRef, name: impl Into<String>, original: Original) -> Self {
        Tag {
            repository,
            name: name.into(),
            digest: None,
            size: None,
            created: None,
            updated: None,
            original,
        }
    }
}

/// The provider's record an entry was made from, as decoded: with every
/// field the server sent, those wharf does not know included.
///
/// Each provider keeps its records in an enum of its own, beside its
/// client ([`SwrRecord`](crate::catalog::SwrRecord),
/// [`UhubRecord`](crate::catalog::UhubRecord)), so a new operation adds a
/// record there and nothing here.
///
/// Serializes as that record alone, so its JSON is the JSON the server sent
/// (up to the order of keys); [`Original::Derived`] as `null`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Original {
    /// A record of Huawei Cloud SWR.
    #[cfg(feature = "swr")]
    Swr(crate::swr::SwrRecord),
    /// A record of UCloud UHub.
    #[cfg(feature = "uhub")]
    Uhub(crate::uhub::UhubRecord),
    /// No record of its own: the entry was worked out from others, as the
    /// official catalog's namespaces are from its images.
    Derived,
    /// A record of a backend outside wharf, such as a test double.
    Json(serde_json::Value),
}

#[cfg(all(test, feature = "uhub"))]
mod tests {
    use super::*;
    use wharf_model::ImageSet;

    #[test]
    fn a_repository_serializes_its_qualified_name_and_its_record() {
        let image: ImageSet = serde_json::from_str(
            r#"{"ImageName":"api/gateway","PullCount":3,"CreateTime":"1","UpdateTime":"2","LatestTag":"v1","Extra":true}"#,
        )
        .unwrap();
        let mut repo = Repository::new(
            "team",
            "api/gateway",
            Original::Uhub(crate::uhub::UhubRecord::Image(image)),
        );
        repo.updated = Some(jiff::Timestamp::from_second(2).unwrap());
        let json = serde_json::to_value(&repo).unwrap();
        assert_eq!(json["qualified_name"], "team/api/gateway");
        assert_eq!(json["updated"], "1970-01-01T00:00:02Z");
        assert_eq!(json["size"], serde_json::Value::Null);
        assert_eq!(json["original"]["Extra"], true);
        assert_eq!(json["original"]["CreateTime"], "1");
        let derived = Namespace::new("library", Original::Derived);
        let json = serde_json::to_value(&derived).unwrap();
        assert_eq!(json["original"], serde_json::Value::Null);
    }
}
