//! Paging parameters and the small listings (namespaces, official images),
//! shared by both protocols. Repositories are listed through the
//! [`Index`](crate::data::Index).

use wharf_model::PageRequest;

use crate::data::{Dataset, Index, NamespaceRecord, OfficialImageRecord};
use crate::params::{self, ParamError};

/// The largest page either protocol serves: SWR's documented maximum.
pub(crate) const MAX_LIMIT: u64 = PageRequest::MAX_LIMIT as u64;

/// The namespaces of one UHub `Type`, by name: the public ones (UHub
/// `IsShared` true, [`NamespaceRecord::is_shared`]) or the private ones.
pub(crate) fn namespaces(index: &Index, public: bool) -> Vec<&NamespaceRecord> {
    index
        .namespaces_by_name()
        .filter(|ns| ns.is_shared == public)
        .collect()
}

/// Official images by id: `namespace` matches exactly, `image_name` is a
/// substring match, case as sent. Seed 001 lists `image_name` without
/// saying how it matches; the page is a search ("公有镜像资源检索") and list
/// repositories' `name` is a fuzzy match (api-notes 1.3), so a substring.
pub(crate) fn official_images<'a>(
    dataset: &'a Dataset,
    namespace: Option<&str>,
    image_name: Option<&str>,
) -> Vec<&'a OfficialImageRecord> {
    let mut list: Vec<&OfficialImageRecord> = dataset
        .official_images
        .iter()
        .filter(|i| namespace.is_none_or(|n| i.namespace.as_str() == n))
        .filter(|i| image_name.is_none_or(|n| i.name.as_str().contains(n)))
        .collect();
    list.sort_by_key(|i| i.id);
    list
}

/// The page asked for by parameters `offset_name` (default 0, any `u64`) and
/// `limit_name` (default `default_limit`, `1..=`[`MAX_LIMIT`]): SWR's
/// `offset`/`limit`, UHub's `Offset`/`Limit`. A repeated or empty value is
/// refused like an invalid one.
pub(crate) fn paging(
    pairs: &[(String, String)],
    offset_name: &str,
    limit_name: &str,
    default_limit: u64,
) -> Result<(u64, u64), ParamError> {
    let invalid = |name: &str, value: &str, expected: &str| ParamError::Invalid {
        name: name.to_owned(),
        value: value.to_owned(),
        expected: expected.to_owned(),
    };
    let offset = match params::get(pairs, offset_name)? {
        None => 0,
        Some(text) => text
            .parse::<u64>()
            .map_err(|_| invalid(offset_name, text, "an integer >= 0"))?,
    };
    let limit = match params::get(pairs, limit_name)? {
        None => default_limit,
        Some(text) => match text.parse::<u64>() {
            Ok(n @ 1..=MAX_LIMIT) => n,
            _ => {
                let expected = format!("an integer in 1..={MAX_LIMIT}");
                return Err(invalid(limit_name, text, &expected));
            }
        },
    };
    Ok((offset, limit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_defaults_and_refusals() {
        let pairs = |q: &str| params::form(q.as_bytes());
        assert_eq!(paging(&pairs(""), "offset", "limit", 100), Ok((0, 100)));
        assert_eq!(
            paging(&pairs("Offset=3&Limit=1000"), "Offset", "Limit", 20),
            Ok((3, 1000))
        );
        let err = paging(&pairs("offset=1&offset=999"), "offset", "limit", 100);
        assert_eq!(err, Err(ParamError::Repeated("offset".into())));
        let err = paging(&pairs("offset=&limit="), "offset", "limit", 100);
        assert_eq!(err, Err(ParamError::Empty("offset".into())));
        let err = paging(&pairs("limit=0"), "offset", "limit", 100).unwrap_err();
        assert_eq!(err.problem(), "\"0\" is not an integer in 1..=1000");
        let err = paging(&pairs("offset=-1"), "offset", "limit", 100).unwrap_err();
        assert_eq!(
            (err.name(), err.problem().as_str()),
            ("offset", "\"-1\" is not an integer >= 0")
        );
    }
}
