//! The rules of the comparison, applied to what both sides listed. Nothing
//! here talks to a registry, so the rules are tested on their own.

use std::collections::BTreeMap;

use serde::Serialize;
use wharf::catalog::{RepoRef, TimeResolution};

/// One side's repositories, by the name they are matched on: `ns/repo`
/// for whole catalogs, `repo` within namespaces.
pub type Repositories = BTreeMap<String, RepoRef>;

/// One side's tags of one repository, by tag name.
pub type Tags = BTreeMap<String, TagFacts>;

/// What is compared of a tag besides its name; the rest of the entry is
/// dropped as it arrives, so a large catalog costs little memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFacts {
    /// The digest, when the side sent one.
    pub digest: Option<String>,
    /// When it last changed, as the side sent it.
    pub updated: Option<jiff::Timestamp>,
}

impl From<wharf::catalog::Tag> for TagFacts {
    fn from(tag: wharf::catalog::Tag) -> Self {
        TagFacts {
            digest: tag.digest,
            updated: tag.updated,
        }
    }
}

/// The kinds of difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// A repository the target lacks.
    RepositoryOnlyInSource,
    /// A repository the source lacks.
    RepositoryOnlyInTarget,
    /// A tag the target's repository lacks.
    TagOnlyInSource,
    /// A tag the source's repository lacks.
    TagOnlyInTarget,
    /// A tag on both sides with other digests.
    TagDigestDiffers,
    /// A tag on both sides changed at other times, at the coarser precision.
    TagUpdatedDiffers,
}

impl Change {
    /// The change for people, as the table says it.
    pub fn words(self) -> &'static str {
        match self {
            Change::RepositoryOnlyInSource => "repository only in source",
            Change::RepositoryOnlyInTarget => "repository only in target",
            Change::TagOnlyInSource => "tag only in source",
            Change::TagOnlyInTarget => "tag only in target",
            Change::TagDigestDiffers => "tag digest differs",
            Change::TagUpdatedDiffers => "tag updated differs",
        }
    }

    /// The change for programs, as JSON and CSV say it.
    pub fn id(self) -> &'static str {
        match self {
            Change::RepositoryOnlyInSource => "repository_only_in_source",
            Change::RepositoryOnlyInTarget => "repository_only_in_target",
            Change::TagOnlyInSource => "tag_only_in_source",
            Change::TagOnlyInTarget => "tag_only_in_target",
            Change::TagDigestDiffers => "tag_digest_differs",
            Change::TagUpdatedDiffers => "tag_updated_differs",
        }
    }
}

impl Serialize for Change {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

/// One difference: what, where, and what each side has there (a reference
/// for what only one side has, the two digests or times for what differs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// What differs.
    pub change: Change,
    /// The repository, by the name it is matched on.
    pub repository: String,
    /// The tag, for a tag's difference.
    pub tag: Option<String>,
    /// What the source has.
    pub source: Option<String>,
    /// What the target has.
    pub target: Option<String>,
}

impl Difference {
    /// The order of the output: by repository, then tag (a repository's
    /// own difference first), then change.
    pub fn sort(differences: &mut [Difference]) {
        differences.sort_by(|a, b| {
            (&a.repository, &a.tag, a.change).cmp(&(&b.repository, &b.tag, b.change))
        });
    }
}

/// A count for each side.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// The source's.
    pub source: u64,
    /// The target's.
    pub target: u64,
}

/// What the comparison of tags could and could not look at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Tags found on both sides.
    pub tags_compared: u64,
    /// Of those, the tags each side sent no digest for.
    pub no_digest: Counts,
    /// Of those, the tags each side sent no time for.
    pub no_time: Counts,
    /// Whether update times were left out of the comparison on request.
    pub times_ignored: bool,
}

/// A repository found on both sides, to compare the tags of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    /// The name it was matched on.
    pub key: String,
    /// Where it is in the source.
    pub source: RepoRef,
    /// Where it is in the target.
    pub target: RepoRef,
}

/// The repositories only one side has, and the pairs both have.
pub fn repositories(source: &Repositories, target: &Repositories) -> (Vec<Difference>, Vec<Pair>) {
    let mut differences = Vec::new();
    let mut pairs = Vec::new();
    for (key, at) in source {
        match target.get(key) {
            Some(there) => pairs.push(Pair {
                key: key.clone(),
                source: at.clone(),
                target: there.clone(),
            }),
            None => differences.push(only(Change::RepositoryOnlyInSource, key, None, at)),
        }
    }
    for (key, at) in target.iter().filter(|(k, _)| !source.contains_key(*k)) {
        differences.push(only(Change::RepositoryOnlyInTarget, key, None, at));
    }
    (differences, pairs)
}

/// A difference of what only one side has: that side's reference to it.
fn only(change: Change, key: &str, tag: Option<&str>, at: &RepoRef) -> Difference {
    let reference = match tag {
        Some(tag) => format!("{at}:{tag}"),
        None => at.to_string(),
    };
    let in_source = matches!(
        change,
        Change::RepositoryOnlyInSource | Change::TagOnlyInSource
    );
    Difference {
        change,
        repository: key.to_owned(),
        tag: tag.map(str::to_owned),
        source: in_source.then(|| reference.clone()),
        target: (!in_source).then_some(reference),
    }
}

/// The differences between the tags of one pair; what could not be
/// compared is counted in `tally`. Instants are compared at `resolution`.
pub fn tags(
    pair: &Pair,
    source: &Tags,
    target: &Tags,
    resolution: Option<TimeResolution>,
    tally: &mut Tally,
) -> Vec<Difference> {
    let mut differences = Vec::new();
    for (name, facts) in source {
        match target.get(name) {
            Some(there) => {
                tally.tags_compared += 1;
                let tag = (pair, name.as_str());
                differences.extend(digest(tag, facts, there, &mut tally.no_digest));
                if let Some(resolution) = resolution {
                    differences.extend(updated(tag, facts, there, resolution, &mut tally.no_time));
                }
            }
            None => differences.push(only(
                Change::TagOnlyInSource,
                &pair.key,
                Some(name),
                &pair.source,
            )),
        }
    }
    for name in target.keys().filter(|n| !source.contains_key(*n)) {
        differences.push(only(
            Change::TagOnlyInTarget,
            &pair.key,
            Some(name),
            &pair.target,
        ));
    }
    differences
}

/// The digests, where both sides sent one.
fn digest(
    (pair, name): (&Pair, &str),
    source: &TagFacts,
    target: &TagFacts,
    missing: &mut Counts,
) -> Option<Difference> {
    count_missing(missing, source.digest.is_none(), target.digest.is_none());
    let (a, b) = (source.digest.as_ref()?, target.digest.as_ref()?);
    (a != b).then(|| differs(Change::TagDigestDiffers, pair, name, a.clone(), b.clone()))
}

/// The times at `resolution`, where both sides sent one; the record shows
/// them as sent, so a reader sees both precisions.
fn updated(
    (pair, name): (&Pair, &str),
    source: &TagFacts,
    target: &TagFacts,
    resolution: TimeResolution,
    missing: &mut Counts,
) -> Option<Difference> {
    count_missing(missing, source.updated.is_none(), target.updated.is_none());
    let (a, b) = (source.updated?, target.updated?);
    (resolution.truncate(a) != resolution.truncate(b)).then(|| {
        differs(
            Change::TagUpdatedDiffers,
            pair,
            name,
            a.to_string(),
            b.to_string(),
        )
    })
}

fn count_missing(counts: &mut Counts, in_source: bool, in_target: bool) {
    counts.source += u64::from(in_source);
    counts.target += u64::from(in_target);
}

fn differs(change: Change, pair: &Pair, name: &str, source: String, target: String) -> Difference {
    Difference {
        change,
        repository: pair.key.clone(),
        tag: Some(name.to_owned()),
        source: Some(source),
        target: Some(target),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(names: &[&str]) -> Repositories {
        names
            .iter()
            .map(|n| (n.to_string(), n.parse().unwrap()))
            .collect()
    }

    fn facts(digest: Option<&str>, updated: Option<&str>) -> TagFacts {
        TagFacts {
            digest: digest.map(str::to_owned),
            updated: updated.map(|t| t.parse().unwrap()),
        }
    }

    fn pair() -> Pair {
        Pair {
            key: "nginx".into(),
            source: "team/nginx".parse().unwrap(),
            target: "moved/nginx".parse().unwrap(),
        }
    }

    #[test]
    fn repositories_split_into_only_one_side_and_pairs() {
        let (differences, pairs) = repositories(&refs(&["a/x", "a/y"]), &refs(&["a/y", "b/z"]));
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].key, "a/y");
        let changes: Vec<_> = differences
            .iter()
            .map(|d| (d.change, &*d.repository))
            .collect();
        assert_eq!(
            changes,
            [
                (Change::RepositoryOnlyInSource, "a/x"),
                (Change::RepositoryOnlyInTarget, "b/z")
            ]
        );
        assert_eq!(differences[0].source.as_deref(), Some("a/x"));
        assert_eq!(differences[1].target.as_deref(), Some("b/z"));
    }

    #[test]
    fn tags_only_on_one_side_name_that_sides_reference() {
        let source = Tags::from([("v1".into(), facts(None, None))]);
        let target = Tags::from([("v2".into(), facts(None, None))]);
        let mut tally = Tally::default();
        let found = tags(
            &pair(),
            &source,
            &target,
            Some(TimeResolution::Seconds),
            &mut tally,
        );
        assert_eq!(found[0].source.as_deref(), Some("team/nginx:v1"));
        assert_eq!(found[1].target.as_deref(), Some("moved/nginx:v2"));
        assert_eq!(found[1].change, Change::TagOnlyInTarget);
        assert_eq!(tally.tags_compared, 0);
    }

    #[test]
    fn times_are_compared_at_the_coarser_resolution() {
        let source = Tags::from([("v1".into(), facts(None, Some("2024-01-01T00:00:00.75Z")))]);
        let target = Tags::from([("v1".into(), facts(None, Some("2024-01-01T00:00:00Z")))]);
        let mut tally = Tally::default();
        let coarse = TimeResolution::Nanoseconds.coarser(TimeResolution::Seconds);
        assert!(tags(&pair(), &source, &target, Some(coarse), &mut tally).is_empty());
        let fine = Some(TimeResolution::Nanoseconds);
        let found = tags(&pair(), &source, &target, fine, &mut tally);
        assert_eq!(found[0].change, Change::TagUpdatedDiffers);
        assert_eq!(found[0].source.as_deref(), Some("2024-01-01T00:00:00.75Z"));
        // --ignore-times: no resolution, no time compared.
        assert!(tags(&pair(), &source, &target, None, &mut tally).is_empty());
    }

    #[test]
    fn what_one_side_lacks_is_counted_not_compared() {
        let source = Tags::from([
            ("v1".into(), facts(None, Some("2024-01-01T00:00:00Z"))),
            ("v2".into(), facts(Some("sha256:a"), None)),
        ]);
        let target = Tags::from([
            (
                "v1".into(),
                facts(Some("sha256:b"), Some("2024-01-01T00:00:00Z")),
            ),
            (
                "v2".into(),
                facts(Some("sha256:c"), Some("2030-01-01T00:00:00Z")),
            ),
        ]);
        let mut tally = Tally::default();
        let found = tags(
            &pair(),
            &source,
            &target,
            Some(TimeResolution::Seconds),
            &mut tally,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].change, Change::TagDigestDiffers);
        assert_eq!(found[0].tag.as_deref(), Some("v2"));
        assert_eq!(tally.tags_compared, 2);
        assert_eq!(
            tally.no_digest,
            Counts {
                source: 1,
                target: 0
            }
        );
        assert_eq!(
            tally.no_time,
            Counts {
                source: 1,
                target: 0
            }
        );
    }

    #[test]
    fn the_order_is_repository_then_tag() {
        let mut all = vec![
            differs(
                Change::TagDigestDiffers,
                &pair(),
                "b",
                "1".into(),
                "2".into(),
            ),
            differs(
                Change::TagUpdatedDiffers,
                &pair(),
                "a",
                "1".into(),
                "2".into(),
            ),
            only(
                Change::RepositoryOnlyInTarget,
                "a",
                None,
                &"x/a".parse().unwrap(),
            ),
            differs(
                Change::TagDigestDiffers,
                &pair(),
                "a",
                "1".into(),
                "2".into(),
            ),
        ];
        Difference::sort(&mut all);
        let order: Vec<_> = all
            .iter()
            .map(|d| (d.repository.as_str(), d.tag.as_deref(), d.change))
            .collect();
        assert_eq!(
            order,
            [
                ("a", None, Change::RepositoryOnlyInTarget),
                ("nginx", Some("a"), Change::TagDigestDiffers),
                ("nginx", Some("a"), Change::TagUpdatedDiffers),
                ("nginx", Some("b"), Change::TagDigestDiffers),
            ]
        );
    }
}
