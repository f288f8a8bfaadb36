//! [`RepoRef`]: which repository, in which namespace.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use wharf_model::{ImageRef, RepositoryName};

use crate::{Error, ErrorKind};

/// A repository in a namespace, written `NAMESPACE/NAME`: the catalogs'
/// provider-neutral reference.
///
/// SWR's client takes [`wharf_model::ImageRef`] instead, whose parts obey
/// SWR's naming rules because they go in a URL path; the two convert
/// (`ImageRef::try_from(&repo_ref)` checks those rules,
/// `RepoRef::from(&image_ref)` cannot fail), and `RepoRef` carries a UHub
/// name that SWR's rules would refuse.
///
/// A namespace never holds `/` (in SWR or UHub), so the first `/` splits the
/// two and the name may hold more: `team/api/gateway` is repository
/// `api/gateway` of namespace `team`. Only the shape is checked here; each
/// provider checks its own naming rules when the reference is used.
///
/// ```
/// use wharf::catalog::RepoRef;
///
/// let r: RepoRef = "team/api/gateway".parse()?;
/// assert_eq!((r.namespace(), r.name()), ("team", "api/gateway"));
/// assert_eq!(r.to_string(), "team/api/gateway");
/// assert!("gateway".parse::<RepoRef>().is_err());
/// # Ok::<(), wharf::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RepoRef {
    namespace: String,
    name: String,
}

impl RepoRef {
    /// Repository `name` of `namespace`: both non-empty, without white space
    /// or control characters; the namespace without `/`, the name neither
    /// starting nor ending with one.
    pub fn new(namespace: impl Into<String>, name: impl Into<String>) -> Result<Self, Error> {
        let (namespace, name) = (namespace.into(), name.into());
        check(&namespace, &name)?;
        Ok(RepoRef { namespace, name })
    }

    /// A reference to what a server named, kept as it came when it breaks
    /// the shape [`new`](Self::new) checks.
    pub(crate) fn from_server(namespace: &str, name: &str) -> Self {
        RepoRef::new(namespace, name).unwrap_or_else(|_| RepoRef {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
        })
    }

    /// The namespace (UHub: the repo).
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The repository name (UHub: the image); may hold `/`.
    pub fn name(&self) -> &str {
        &self.name
    }
}

fn check(namespace: &str, name: &str) -> Result<(), Error> {
    let problem = if namespace.is_empty() {
        Some("the namespace is empty")
    } else if namespace.contains('/') {
        Some("the namespace holds '/'")
    } else if name.is_empty() {
        Some("the name is empty")
    } else if name.starts_with('/') || name.ends_with('/') {
        Some("the name starts or ends with '/'")
    } else if namespace.chars().chain(name.chars()).any(odd_char) {
        Some("it holds white space or a control character")
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(Error::new(
            ErrorKind::InvalidInput,
            format!(
                "repository {:?} in namespace {namespace:?}: {problem}; expected NAMESPACE/NAME, such as team/api/gateway",
                name
            ),
        )),
    }
}

fn odd_char(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

impl From<&ImageRef> for RepoRef {
    fn from(image: &ImageRef) -> Self {
        RepoRef::from_server(image.namespace.as_str(), image.repository.as_str())
    }
}

impl TryFrom<&RepoRef> for ImageRef {
    type Error = Error;

    /// The reference under SWR's naming rules; an
    /// [`ErrorKind::InvalidInput`] names the rule broken.
    fn try_from(repository: &RepoRef) -> Result<Self, Error> {
        let invalid =
            |e: wharf_model::NameError| Error::new(ErrorKind::InvalidInput, e.to_string()).told(e);
        let namespace = repository.namespace().parse().map_err(invalid)?;
        let name = RepositoryName::new(repository.name()).map_err(invalid)?;
        Ok(ImageRef::new(namespace, name))
    }
}

impl FromStr for RepoRef {
    type Err = Error;

    /// Reads `NAMESPACE/NAME`, split at the first `/`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once('/') {
            Some((namespace, name)) => RepoRef::new(namespace, name),
            None => Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "repository {s:?} has no namespace: expected NAMESPACE/NAME, such as team/api/gateway"
                ),
            )),
        }
    }
}

impl fmt::Display for RepoRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

impl<'de> Deserialize<'de> for RepoRef {
    /// From `NAMESPACE/NAME`, checked as [`FromStr`] does.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl Serialize for RepoRef {
    /// As `NAMESPACE/NAME`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_references_say_what_is_wrong() {
        let cases = [
            "",
            "team",
            "/app",
            "team/",
            "team//app",
            "team/app/",
            "te am/app",
            "team/a\tb",
        ];
        let messages: Vec<String> = cases
            .iter()
            .map(|s| {
                let e = s.parse::<RepoRef>().unwrap_err();
                assert_eq!(e.kind(), ErrorKind::InvalidInput);
                format!("{s:?}: {e}")
            })
            .collect();
        insta::assert_snapshot!(messages.join("\n"), @r#"
        "": invalid input: repository "" has no namespace: expected NAMESPACE/NAME, such as team/api/gateway
        "team": invalid input: repository "team" has no namespace: expected NAMESPACE/NAME, such as team/api/gateway
        "/app": invalid input: repository "app" in namespace "": the namespace is empty; expected NAMESPACE/NAME, such as team/api/gateway
        "team/": invalid input: repository "" in namespace "team": the name is empty; expected NAMESPACE/NAME, such as team/api/gateway
        "team//app": invalid input: repository "/app" in namespace "team": the name starts or ends with '/'; expected NAMESPACE/NAME, such as team/api/gateway
        "team/app/": invalid input: repository "app/" in namespace "team": the name starts or ends with '/'; expected NAMESPACE/NAME, such as team/api/gateway
        "te am/app": invalid input: repository "app" in namespace "te am": it holds white space or a control character; expected NAMESPACE/NAME, such as team/api/gateway
        "team/a\tb": invalid input: repository "a\tb" in namespace "team": it holds white space or a control character; expected NAMESPACE/NAME, such as team/api/gateway
        "#);
    }

    #[test]
    fn converts_to_and_from_swr_references_under_swr_rules() {
        let neutral = RepoRef::new("team", "api/gateway").unwrap();
        let image = ImageRef::try_from(&neutral).unwrap();
        assert_eq!(image.to_string(), "team/api/gateway");
        assert_eq!(RepoRef::from(&image), neutral);
        // UHub allows what SWR's rules refuse.
        let uhub = RepoRef::new("Team", "app").unwrap();
        let e = ImageRef::try_from(&uhub).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    }

    #[test]
    fn serializes_as_its_text() {
        let r = RepoRef::new("library", "tools/busybox").unwrap();
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#""library/tools/busybox""#
        );
    }
}
