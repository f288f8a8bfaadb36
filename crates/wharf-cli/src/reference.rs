//! References as people type them: `team/nginx`, a pull path copied from
//! the console (`swr.cn-north-4.myhuaweicloud.com/team/nginx`, or the
//! internal `10.125.0.198:20202/team/nginx`), `team/nginx:1.2` for one tag,
//! and `nginx` for the official image `library/nginx`.
//!
//! A registry host in a reference only says which registry the path is
//! from: requests still go to the catalog the settings name, and a host
//! that cannot be that catalog's is refused rather than quietly ignored.

use wharf::catalog::{CatalogKind, RepoRef};
use wharf::model::TagName;

use crate::fail::{CliError, Exit};

/// The namespace of Docker Hub's official images, which SWR mirrors.
const OFFICIAL_NAMESPACE: &str = "library";

/// The catalog a reference is read for: what a host in it must agree with.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    /// Which catalog.
    pub kind: CatalogKind,
    /// Its region, when the settings name one.
    pub region: Option<&'a str>,
}

/// A repository, `[HOST/]NAMESPACE/NAME` (for the official images also
/// just `NAME`).
pub fn repository(text: &str, place: Place<'_>) -> Result<RepoRef, CliError> {
    let path = without_host(text, place)?;
    let last = path.rsplit('/').next().unwrap_or(path);
    if let Some((_, tag)) = last.split_once(':').filter(|_| !last.contains('@')) {
        let what = format!(
            "{text:?} names the tag {tag:?}, where a repository goes: give NAMESPACE/REPOSITORY \
             (`wharf show REPOSITORY:TAG` shows one tag)"
        );
        return Err(usage(what));
    }
    if let Some(c) = path.chars().find(|c| matches!(c, ':' | '@')) {
        let what = format!(
            "{text:?} holds {c:?} in the repository's path: a tag goes last \
             (NAMESPACE/REPOSITORY:TAG), and a digest (@sha256:...) is not a reference here"
        );
        return Err(usage(what));
    }
    let path = match (place.kind, path.contains('/')) {
        (CatalogKind::SwrOfficial, false) => format!("{OFFICIAL_NAMESPACE}/{path}"),
        _ => path.to_owned(),
    };
    path.parse().map_err(|e: wharf::Error| {
        let form = match place.kind {
            CatalogKind::SwrOfficial => "NAMESPACE/REPOSITORY or an official image's NAME",
            _ => "NAMESPACE/REPOSITORY",
        };
        usage(format!("{text:?} is not {form}: {e}"))
    })
}

/// A repository or one of its tags: `REPOSITORY[:TAG]`, REPOSITORY as
/// [`repository`] reads it.
pub fn repository_or_tag(
    text: &str,
    place: Place<'_>,
) -> Result<(RepoRef, Option<TagName>), CliError> {
    // A tag follows the last `/`; a `:` before it is a registry's port.
    let last = text.rfind('/').map_or(0, |i| i + 1);
    let (path, tag) = match text[last..].split_once(':') {
        Some((_, tag)) => (&text[..text.len() - tag.len() - 1], Some(tag)),
        None => (text, None),
    };
    let tag = tag
        .map(|t| {
            TagName::new(t).map_err(|e| usage(format!("{text:?}: the tag {t:?} is not a tag: {e}")))
        })
        .transpose()?;
    Ok((repository(path, place)?, tag))
}

/// `text` without a registry host in front. The first part of a path is a
/// host when it has a port, is `localhost`, or is a registry domain of
/// Huawei Cloud, UCloud or Docker Hub: SWR's namespaces may hold dots, so a
/// dot alone does not make a host.
fn without_host<'t>(text: &'t str, place: Place<'_>) -> Result<&'t str, CliError> {
    let Some((first, rest)) = text.split_once('/') else {
        return Ok(text);
    };
    let registry = Registry::of(first);
    if registry == Registry::NotAHost || !rest.contains('/') && !is_official(place, registry) {
        return Ok(text);
    }
    match (registry, place.kind) {
        (Registry::Swr { region }, CatalogKind::Swr | CatalogKind::SwrOfficial) => {
            match place.region {
                Some(ours) if ours != region => Err(usage(format!(
                    "{text:?} is a path of SWR's registry in {region}, but the catalog is \
                     in {ours}: give --region {region}"
                ))),
                _ => Ok(rest),
            }
        }
        (Registry::Uhub, CatalogKind::Uhub) | (Registry::Address, _) => Ok(rest),
        (Registry::DockerHub, CatalogKind::SwrOfficial) => Ok(rest),
        (registry, kind) => Err(usage(format!(
            "{text:?} is a path of {}, but the catalog is {}: give --provider or --catalog \
             for that registry, or the path without its host",
            registry.title(),
            kind_title(kind)
        ))),
    }
}

/// `docker.io/nginx` is an official image with its host.
fn is_official(place: Place<'_>, registry: Registry<'_>) -> bool {
    place.kind == CatalogKind::SwrOfficial && registry == Registry::DockerHub
}

/// What the first part of a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Registry<'a> {
    /// SWR's registry of a region: `swr.REGION.myhuaweicloud.com`.
    Swr { region: &'a str },
    /// UHub's: `uhub.service.ucloud.cn`, or another `*.ucloud.cn`.
    Uhub,
    /// Docker Hub, whose official images SWR mirrors.
    DockerHub,
    /// An address with a port, or localhost: a registry of unknown kind,
    /// such as SWR's internal pull path.
    Address,
    /// A namespace.
    NotAHost,
}

impl<'a> Registry<'a> {
    fn of(first: &'a str) -> Registry<'a> {
        let host = first.to_ascii_lowercase();
        let huawei = [
            ".myhuaweicloud.com",
            ".myhuaweicloud.cn",
            ".huaweicloud.com",
        ];
        if let Some(region) = first
            .strip_prefix("swr.")
            .and_then(|rest| huawei.iter().find_map(|d| rest.strip_suffix(d)))
            .filter(|region| !region.is_empty() && !region.contains('.'))
        {
            return Registry::Swr { region };
        }
        if host.ends_with(".ucloud.cn") {
            Registry::Uhub
        } else if matches!(host.as_str(), "docker.io" | "index.docker.io") {
            Registry::DockerHub
        } else if first.contains(':') || host == "localhost" {
            Registry::Address
        } else {
            Registry::NotAHost
        }
    }

    fn title(self) -> String {
        match self {
            Registry::Swr { region } => format!("SWR's registry in {region}"),
            Registry::Uhub => "UCloud UHub's registry".into(),
            Registry::DockerHub => "Docker Hub".into(),
            Registry::Address | Registry::NotAHost => "another registry".into(),
        }
    }
}

fn kind_title(kind: CatalogKind) -> &'static str {
    match kind {
        CatalogKind::Swr => "SWR",
        CatalogKind::SwrOfficial => "SWR's official images",
        CatalogKind::Uhub => "UCloud UHub",
        // A kind of a later version: its own name.
        _ => kind.as_str(),
    }
}

fn usage(what: String) -> CliError {
    CliError::new(Exit::Usage, what)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SWR: Place<'static> = Place {
        kind: CatalogKind::Swr,
        region: Some("cn-north-4"),
    };
    const OFFICIAL: Place<'static> = Place {
        kind: CatalogKind::SwrOfficial,
        region: None,
    };
    const UHUB: Place<'static> = Place {
        kind: CatalogKind::Uhub,
        region: Some("cn-bj2"),
    };

    fn read(text: &str, place: Place<'_>) -> Result<String, String> {
        match repository_or_tag(text, place) {
            Ok((repository, None)) => Ok(repository.to_string()),
            Ok((repository, Some(tag))) => Ok(format!("{repository}:{tag}")),
            Err(e) => Err(e.to_string()),
        }
    }

    #[test]
    fn paths_as_people_copy_them() {
        let cases = [
            ("team/nginx", SWR, "team/nginx"),
            ("team/api/gateway", SWR, "team/api/gateway"),
            (
                "swr.cn-north-4.myhuaweicloud.com/team/nginx",
                SWR,
                "team/nginx",
            ),
            (
                "swr.cn-north-4.myhuaweicloud.com/team/nginx:1.2",
                SWR,
                "team/nginx:1.2",
            ),
            ("10.125.0.198:20202/team/nginx", SWR, "team/nginx"),
            ("10.125.0.198:20202/team/nginx:1.2", SWR, "team/nginx:1.2"),
            ("localhost/team/nginx", SWR, "team/nginx"),
            // A namespace may hold dots: it is no host.
            ("my.team/nginx", SWR, "my.team/nginx"),
            ("my.team/api/nginx", SWR, "my.team/api/nginx"),
            ("nginx", OFFICIAL, "library/nginx"),
            ("nginx:1.25", OFFICIAL, "library/nginx:1.25"),
            ("docker.io/nginx", OFFICIAL, "library/nginx"),
            ("docker.io/library/nginx", OFFICIAL, "library/nginx"),
            (
                "uhub.service.ucloud.cn/team/nginx:v1",
                UHUB,
                "team/nginx:v1",
            ),
        ];
        for (text, place, expected) in cases {
            assert_eq!(read(text, place).as_deref(), Ok(expected), "{text}");
        }
    }

    #[test]
    fn a_host_that_cannot_be_the_catalogs_is_refused_and_says_why() {
        let cases = [
            (
                "swr.cn-south-1.myhuaweicloud.com/team/nginx",
                SWR,
                "give --region cn-south-1",
            ),
            (
                "uhub.service.ucloud.cn/team/nginx",
                SWR,
                "UCloud UHub's registry, but the catalog is SWR",
            ),
            (
                "swr.cn-north-4.myhuaweicloud.com/team/nginx",
                UHUB,
                "SWR's registry in cn-north-4, but the catalog is UCloud UHub",
            ),
            ("docker.io/library/nginx", SWR, "Docker Hub"),
            ("nginx", SWR, "is not NAMESPACE/REPOSITORY"),
            ("team/nginx:", SWR, "is not a tag"),
            ("team/nginx:a/b", SWR, "a tag goes last"),
            ("team/nginx@sha256:abc", SWR, "a digest"),
        ];
        for (text, place, expected) in cases {
            let error = read(text, place).expect_err(text);
            assert!(error.contains(expected), "{text}: {error}");
        }
        // Where only a repository goes, a tag is refused with where it goes.
        let cases = [
            ("team/nginx:1.2", "names the tag \"1.2\""),
            ("10.125.0.198:20202/team/nginx:1.2", "names the tag \"1.2\""),
            ("team/nginx@sha256:abc", "a digest"),
        ];
        for (text, expected) in cases {
            let error = repository(text, SWR).expect_err(text).to_string();
            assert!(error.contains(expected), "{text}: {error}");
        }
    }
}
