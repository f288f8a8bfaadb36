//! The paths under one repository, `{prefix}{namespace}/repos/{rest}`: which
//! call they make, and on which repository.
//!
//! A `/` in a repository name may come as `$`, `%24`, `%2F` or a real `/`
//! (api-notes 1.4), so the repository is not one path segment, and a real
//! `/` makes a path ambiguous: `.../repos/a/tags` is the tags of `a`, or
//! repository `a/tags` itself; `.../repos/a/tags/v1` is tag `v1` of `a`, or
//! repository `a/tags/v1`. Each call under a repository is an [`Arm`]:
//! it says whether the end of `rest` names the call, and where the
//! repository segment then stops. A route lists its arms most specific
//! first, the one leaving the shortest repository segment first, and the
//! readings are tried in that order:
//!
//! 1. the first reading whose repository exists (and, for a tag's reading,
//!    whose tag exists) is taken. The most specific reading is what the
//!    real gateway, for which `{repository}` is one segment, would route the
//!    path to; another reading wins only when what it names exists and
//!    what the more specific ones name does not;
//! 2. when no reading's repository exists, the most specific reading
//!    answers: a `400` when its names are not valid, else the route's `404`.
//!
//! A path no arm reads (nothing after `repos/`) is an API the emulator does
//! not have. The `GET` arms of a tenant repository are [`tag`] (ShowRepoTag,
//! `{repository}/tags/{tag}`), [`tags`] and [`show`]; its `DELETE` arm is
//! [`tag`] alone (DeleteRepoTag). An official image has no tag of its own
//! to show: its arms are [`tags`] and [`show`]. A tag name never holds a
//! `/` (the OCI rule, [`TagName`]), so `{tag}` is what follows the last
//! `/tags/`.

use wharf_model::{NamespaceName, RepositoryName, TagName};

use super::{Fail, bad_param};

/// A call on one repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Call {
    /// The repository itself: SWR's ShowRepository, or one official image.
    Show,
    /// Its tags: SWR's ListRepositoryTags, or an official image's tags.
    Tags,
    /// One of its tags: SWR's ShowRepoTag (`GET`) or DeleteRepoTag
    /// (`DELETE`).
    Tag(TagName),
}

/// How the end of a path names a call, before its names are decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape<'a> {
    /// [`Call::Show`].
    Show,
    /// [`Call::Tags`].
    Tags,
    /// [`Call::Tag`], with the tag segment as sent.
    Tag(&'a str),
}

/// How the end of a path names a call: the repository segment (still
/// encoded) and the call, or `None` when the path is not this call.
pub(crate) type Arm = fn(&str) -> Option<(&str, Shape<'_>)>;

/// `{repository}`: the repository itself, all of the rest of the path.
pub(crate) fn show(rest: &str) -> Option<(&str, Shape<'_>)> {
    Some((rest, Shape::Show))
}

/// `{repository}/tags`: its tags.
pub(crate) fn tags(rest: &str) -> Option<(&str, Shape<'_>)> {
    rest.strip_suffix("/tags")
        .map(|repository| (repository, Shape::Tags))
}

/// `{repository}/tags/{tag}`: one tag, what follows the last `/tags/` (a
/// tag holds no `/`, and is never empty).
pub(crate) fn tag(rest: &str) -> Option<(&str, Shape<'_>)> {
    let (repository, tag) = rest.rsplit_once("/tags/")?;
    (!tag.is_empty()).then_some((repository, Shape::Tag(tag)))
}

/// The `GET` calls under a tenant repository, most specific first.
pub(crate) const GET_ARMS: &[Arm] = &[tag, tags, show];

/// The `DELETE` calls under a tenant repository: DeleteRepoTag.
pub(crate) const DELETE_ARMS: &[Arm] = &[tag];

/// The calls under an official image, most specific first.
pub(crate) const OFFICIAL_ARMS: &[Arm] = &[tags, show];

/// Splits `{prefix}{namespace}/repos/{rest}` (`prefix` ends in
/// `namespaces/`) into the namespace segment and `rest`, both still
/// encoded, from the raw path.
pub(crate) fn split<'a>(path: &'a str, prefix: &str) -> Option<(&'a str, &'a str)> {
    let (namespace, rest) = path.strip_prefix(prefix)?.split_once('/')?;
    Some((namespace, rest.strip_prefix("repos/")?))
}

/// A path read: the repository, the call, and what the route found for it.
#[derive(Debug)]
pub(crate) struct Resolved<T> {
    /// The repository, decoded (`$` read as `/`).
    pub(crate) repository: RepositoryName,
    /// The call, with its tag decoded.
    pub(crate) call: Call,
    /// What the route's lookup gave for the repository.
    pub(crate) found: T,
}

/// Why a path names no existing repository: the answer of its most
/// specific reading.
#[derive(Debug)]
pub(crate) enum Unresolved {
    /// No arm reads the path: an API the emulator does not have.
    NoCall,
    /// The most specific reading's repository or tag name is not valid: a
    /// `400`.
    Invalid(Fail),
    /// What the most specific reading names does not exist: the route
    /// words its `404`.
    Missing {
        /// The repository it names.
        repository: RepositoryName,
        /// The call it reads.
        call: Call,
    },
}

/// Reads `rest` with `arms` (most specific first) and `find`, which looks
/// up what a reading names (the repository, and for [`Call::Tag`] the tag
/// too): the first reading `find` finds, or the most specific reading's
/// failure. Nothing is allocated but the names.
pub(crate) fn resolve<T>(
    rest: &str,
    arms: &[Arm],
    mut find: impl FnMut(&RepositoryName, &Call) -> Option<T>,
) -> Result<Resolved<T>, Unresolved> {
    let mut first = None;
    for arm in arms {
        let Some((segment, shape)) = arm(rest) else {
            continue;
        };
        if segment.is_empty() {
            continue;
        }
        let read = repository_name(segment).and_then(|repository| {
            let call = match shape {
                Shape::Show => Call::Show,
                Shape::Tags => Call::Tags,
                Shape::Tag(tag) => Call::Tag(tag_name(tag)?),
            };
            Ok((repository, call))
        });
        let failure = match read {
            Err(fail) => Unresolved::Invalid(fail),
            Ok((repository, call)) => match find(&repository, &call) {
                Some(found) => {
                    return Ok(Resolved {
                        repository,
                        call,
                        found,
                    });
                }
                None => Unresolved::Missing { repository, call },
            },
        };
        first.get_or_insert(failure);
    }
    Err(first.unwrap_or(Unresolved::NoCall))
}

/// Whether `path` has the shape of SWR's DeleteRepoTag,
/// `/v2/manage/namespaces/{namespace}/repos/{repository}/tags/{tag}`, whatever
/// its names: to count the delete requests received, whatever the answer.
pub(crate) fn is_delete_tag(path: &str) -> bool {
    split(path, "/v2/manage/namespaces/")
        .and_then(|(_, rest)| tag(rest))
        .is_some_and(|(repository, _)| !repository.is_empty())
}

/// The namespace in `segment`; a bad one is a `400` quoting it as sent.
pub(crate) fn namespace_name(segment: &str) -> Result<NamespaceName, Fail> {
    decode(segment)
        .and_then(|text| {
            NamespaceName::new(text)
                .map_err(|e| format!("{segment:?} is not a valid namespace: {e}"))
        })
        .map_err(|e| bad_param("namespace", e))
}

/// The repository in `segment`; a bad one is a `400` quoting it as sent. A
/// `/` in the name may come as `$`, `%24` (the same `$`, encoded), `%2F` or
/// `/`: the segment is decoded first, then `$` read as `/`.
pub(crate) fn repository_name(segment: &str) -> Result<RepositoryName, Fail> {
    decode(segment)
        .and_then(|text| {
            RepositoryName::new(text.replace('$', "/")).map_err(|e| {
                format!("{segment:?} is not a valid repository name (`$` is read as `/`): {e}")
            })
        })
        .map_err(|e| bad_param("repository", e))
}

/// The tag in `segment`; a bad one is a `400` quoting it as sent.
pub(crate) fn tag_name(segment: &str) -> Result<TagName, Fail> {
    decode(segment)
        .and_then(|text| {
            TagName::new(text).map_err(|e| format!("{segment:?} is not a valid tag: {e}"))
        })
        .map_err(|e| bad_param("tag", e))
}

fn decode(segment: &str) -> Result<String, String> {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .map(|text| text.into_owned())
        .map_err(|_| format!("{segment:?} is not UTF-8 once decoded"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PREFIX: &str = "/v2/manage/namespaces/";

    #[test]
    fn paths_split_into_namespace_and_rest() {
        let path = "/v2/manage/namespaces/team/repos/api%2Fgateway/tags";
        assert_eq!(split(path, PREFIX), Some(("team", "api%2Fgateway/tags")));
        let path = "/v2/manage/namespaces/team/repos/api/gateway";
        assert_eq!(split(path, PREFIX), Some(("team", "api/gateway")));
        assert_eq!(
            split("/v2/manage/namespaces/team/repos/", PREFIX),
            Some(("team", ""))
        );
        assert_eq!(split("/v2/manage/namespaces/team/other/x", PREFIX), None);
        assert_eq!(split("/v2/manage/namespaces/team", PREFIX), None);
    }

    /// `(repository, call)` of the reading taken, with `existing` the
    /// repositories there are and their tags (`a:v1`).
    fn read_with(rest: &str, arms: &[Arm], existing: &[&str]) -> Result<(String, Call), String> {
        resolve(rest, arms, |repo, call| {
            let name = match call {
                Call::Tag(tag) => format!("{repo}:{tag}"),
                _ => repo.to_string(),
            };
            existing.contains(&name.as_str()).then_some(())
        })
        .map(|r| (r.repository.to_string(), r.call))
        .map_err(|e| match e {
            Unresolved::NoCall => "no call".to_owned(),
            Unresolved::Invalid(fail) => format!("invalid: {fail:?}"),
            Unresolved::Missing { repository, call } => format!("missing {repository} {call:?}"),
        })
    }

    fn read(rest: &str, existing: &[&str]) -> Result<(String, Call), String> {
        read_with(rest, GET_ARMS, existing)
    }

    fn tag_call(name: &str) -> Call {
        Call::Tag(TagName::new(name).unwrap())
    }

    #[test]
    fn the_reading_whose_repository_exists_wins() {
        let both = ["a", "a/tags"];
        // The gateway's reading first: the tags of `a`.
        assert_eq!(read("a/tags", &both), Ok(("a".into(), Call::Tags)));
        // Encoded, the `/` is no separator: only one reading.
        assert_eq!(read("a%2Ftags", &both), Ok(("a/tags".into(), Call::Show)));
        assert_eq!(read("a$tags", &both), Ok(("a/tags".into(), Call::Show)));
        // `a` has no tag `tags`: the tags of `a/tags`.
        assert_eq!(
            read("a/tags/tags", &both),
            Ok(("a/tags".into(), Call::Tags))
        );
        // `x` does not exist, `x/tags` does: repository `x/tags` itself.
        assert_eq!(
            read("x/tags", &["x/tags"]),
            Ok(("x/tags".into(), Call::Show))
        );
        assert_eq!(read("x/y", &["x/y"]), Ok(("x/y".into(), Call::Show)));
        // None exists: the most specific reading answers.
        assert_eq!(read("x/tags", &[]), Err("missing x Tags".into()));
        assert_eq!(read("x/y", &[]), Err("missing x/y Show".into()));
        assert!(
            read("X/tags", &["X/tags"])
                .unwrap_err()
                .starts_with("invalid")
        );
        assert_eq!(read("", &[]), Err("no call".into()));
        // `/tags` alone: no repository before it, so only the show reading,
        // whose name is not valid.
        assert!(read("/tags", &[]).unwrap_err().starts_with("invalid"));
        assert_eq!(read("tags", &["tags"]), Ok(("tags".into(), Call::Show)));
    }

    #[test]
    fn a_tag_reads_after_the_last_tags_segment() {
        let existing = ["a", "a:v1", "a/tags", "a/tags:v1", "a/tags/v2"];
        assert_eq!(
            read("a/tags/v1", &existing),
            Ok(("a".into(), tag_call("v1")))
        );
        assert_eq!(
            read("a/tags/tags/v1", &existing),
            Ok(("a/tags".into(), tag_call("v1")))
        );
        assert_eq!(
            read("a%2Ftags/tags/v1", &existing),
            Ok(("a/tags".into(), tag_call("v1")))
        );
        // `a` has no tag `v2`, repository `a/tags/v2` exists.
        assert_eq!(
            read("a/tags/v2", &existing),
            Ok(("a/tags/v2".into(), Call::Show))
        );
        // Nothing: the tag's reading answers, tag and all.
        assert_eq!(
            read("a/tags/v9", &existing),
            Err(format!("missing a {:?}", tag_call("v9")))
        );
        // A bad tag is a 400 naming `tag`; an empty one is no tag.
        let bad = read("a/tags/-v1", &existing).unwrap_err();
        assert!(
            bad.contains("Invalid parameter tag: ") && bad.contains("is not a valid tag"),
            "{bad}"
        );
        assert!(
            read("a/tags/", &existing)
                .unwrap_err()
                .starts_with("invalid")
        );
        assert_eq!(
            read("a/tags/V1.x_2", &["a:V1.x_2"]),
            Ok(("a".into(), tag_call("V1.x_2")))
        );
        assert_eq!(
            read("a/tags/v%31", &existing),
            Ok(("a".into(), tag_call("v1")))
        );
        // DELETE reads only a tag.
        assert_eq!(
            read_with("a/tags", DELETE_ARMS, &existing),
            Err("no call".into())
        );
        assert_eq!(
            read_with("a/tags/v1", DELETE_ARMS, &existing),
            Ok(("a".into(), tag_call("v1")))
        );
        // An official image has no tag to show.
        assert_eq!(
            read_with("a/tags/v1", OFFICIAL_ARMS, &["a/tags/v1"]),
            Ok(("a/tags/v1".into(), Call::Show))
        );
        assert!(is_delete_tag("/v2/manage/namespaces/team/repos/a/tags/v1"));
        assert!(is_delete_tag(
            "/v2/manage/namespaces/team/repos/a%2Fb/tags/x"
        ));
        assert!(!is_delete_tag("/v2/manage/namespaces/team/repos/a/tags"));
        assert!(!is_delete_tag("/v2/manage/namespaces/team/repos//tags/v1"));
        assert!(!is_delete_tag("/v2/manage/repos"));
    }

    /// The arms are listed most specific first: each leaves a repository
    /// segment no longer than the arms after it.
    #[test]
    fn arms_are_most_specific_first() {
        for rest in [
            "a",
            "a/tags",
            "a/tags/tags",
            "tags",
            "a/b/tags",
            "a/tags/v1/tags/x",
        ] {
            let lengths: Vec<usize> = GET_ARMS
                .iter()
                .filter_map(|arm| arm(rest))
                .map(|(segment, _)| segment.len())
                .collect();
            assert!(lengths.is_sorted(), "{rest}: {lengths:?}");
        }
    }

    #[test]
    fn names_decode_every_slash_form() {
        for segment in [
            "tools$busybox",
            "tools%24busybox",
            "tools%2Fbusybox",
            "tools%2fbusybox",
        ] {
            assert_eq!(repository_name(segment).unwrap().as_str(), "tools/busybox");
        }
        assert!(namespace_name("Team").is_err());
        assert!(repository_name("%FF").is_err());
    }
}
