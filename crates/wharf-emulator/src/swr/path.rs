//! The paths under one repository, `{prefix}{namespace}/repos/{rest}`: which
//! call they make, and on which repository.
//!
//! A `/` in a repository name may come as `$`, `%24`, `%2F` or a real `/`
//! (api-notes 1.4), so the repository is not one path segment, and a real
//! `/` makes a path ambiguous: `.../repos/a/tags` is the tags of `a`, or
//! repository `a/tags` itself. Each call under a repository is an [`Arm`]:
//! it says whether the end of `rest` names the call, and where the
//! repository segment then stops. A route lists its arms most specific
//! first, the one leaving the shortest repository segment first, and the
//! readings are tried in that order:
//!
//! 1. the first reading whose repository exists is taken. The most
//!    specific reading is what the real gateway, for which `{repository}` is
//!    one segment, would route the path to; another reading wins only when
//!    its repository exists and the more specific ones' do not;
//! 2. when no reading's repository exists, the most specific reading
//!    answers: a `400` when its names are not valid, else the route's `404`.
//!
//! A path no arm reads (nothing after `repos/`) is an API the emulator does
//! not have. Adding a call is one more arm: ShowRepoTag and DeleteRepoTag
//! (`.../repos/{repository}/tags/{tag}`) would be an arm before [`tags`],
//! since it leaves a shorter repository segment, with the route's `DELETE`
//! given arms of its own.

use wharf_model::{NamespaceName, RepositoryName};

use super::{Fail, bad_param};

/// A call on one repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Call {
    /// The repository itself: SWR's ShowRepository, or one official image.
    Show,
    /// Its tags: SWR's ListRepositoryTags, or an official image's tags.
    Tags,
}

/// How the end of a path names a call: the repository segment (still
/// encoded) and the call, or `None` when the path is not this call.
pub(crate) type Arm = fn(&str) -> Option<(&str, Call)>;

/// `{repository}`: the repository itself, all of the rest of the path.
pub(crate) fn show(rest: &str) -> Option<(&str, Call)> {
    Some((rest, Call::Show))
}

/// `{repository}/tags`: its tags.
pub(crate) fn tags(rest: &str) -> Option<(&str, Call)> {
    rest.strip_suffix("/tags")
        .map(|repository| (repository, Call::Tags))
}

/// The `GET` calls under a repository, SWR's and the official images'
/// alike, most specific first.
pub(crate) const GET_ARMS: &[Arm] = &[tags, show];

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
    /// The call.
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
    /// The most specific reading's repository name is not valid: a `400`.
    Invalid(Fail),
    /// The most specific reading's repository does not exist: the route
    /// words its `404`.
    Missing {
        /// The repository it names.
        repository: RepositoryName,
    },
}

/// Reads `rest` with `arms` (most specific first) and `find`, which looks a
/// repository up: the first reading whose repository `find` finds, or the
/// most specific reading's failure. Nothing is allocated but the names.
pub(crate) fn resolve<T>(
    rest: &str,
    arms: &[Arm],
    mut find: impl FnMut(&RepositoryName) -> Option<T>,
) -> Result<Resolved<T>, Unresolved> {
    let mut first = None;
    for arm in arms {
        let Some((segment, call)) = arm(rest) else {
            continue;
        };
        if segment.is_empty() {
            continue;
        }
        let failure = match repository_name(segment) {
            Err(fail) => Unresolved::Invalid(fail),
            Ok(repository) => match find(&repository) {
                Some(found) => {
                    return Ok(Resolved {
                        repository,
                        call,
                        found,
                    });
                }
                None => Unresolved::Missing { repository },
            },
        };
        first.get_or_insert(failure);
    }
    Err(first.unwrap_or(Unresolved::NoCall))
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
    /// repositories there are.
    fn read(rest: &str, existing: &[&str]) -> Result<(String, Call), String> {
        resolve(rest, GET_ARMS, |repo| {
            existing.contains(&repo.as_str()).then_some(())
        })
        .map(|r| (r.repository.to_string(), r.call))
        .map_err(|e| match e {
            Unresolved::NoCall => "no call".to_owned(),
            Unresolved::Invalid(fail) => format!("invalid: {fail:?}"),
            Unresolved::Missing { repository } => format!("missing {repository}"),
        })
    }

    #[test]
    fn the_reading_whose_repository_exists_wins() {
        let both = ["a", "a/tags"];
        // The gateway's reading first: the tags of `a`.
        assert_eq!(read("a/tags", &both), Ok(("a".into(), Call::Tags)));
        // Encoded, the `/` is no separator: only one reading.
        assert_eq!(read("a%2Ftags", &both), Ok(("a/tags".into(), Call::Show)));
        assert_eq!(read("a$tags", &both), Ok(("a/tags".into(), Call::Show)));
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
        assert_eq!(read("x/tags", &[]), Err("missing x".into()));
        assert_eq!(read("x/y", &[]), Err("missing x/y".into()));
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

    /// The arms are listed most specific first: each leaves a repository
    /// segment no longer than the arms after it.
    #[test]
    fn arms_are_most_specific_first() {
        for rest in ["a", "a/tags", "a/tags/tags", "tags", "a/b/tags"] {
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
