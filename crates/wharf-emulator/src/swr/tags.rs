//! SWR's list repository tags
//! (`GET /v2/manage/namespaces/{namespace}/repos/{repository}/tags`) and
//! ShowRepoTag (`GET .../tags/{tag}`, huaweicloudsdkswr 3.1.219
//! `show_repo_tag`).
//!
//! ShowRepoTag answers one [`RepositoryTagDetail`]: the fields of the
//! SDK's `ShowRepoTagResponse` (the list item's, but `tag` lowercase where
//! the list has `Tag`, and neither `deleted` nor `scanned`), each with the
//! value the list's item for that tag has: both are written from the same
//! [`RepositoryTag`].
//!
//! Paged like list repositories: `offset` and `limit` (1..=1000, default
//! 100) together or not at all, `Content-Range` only when both were sent.
//! Without `order_column`, tags come newest first (`updated_at`
//! descending); `order_column::updated_at` (the one column the SDK
//! documents) comes with `order_type`, the pair together or not at all.
//! Ties keep the dataset's order, both ways. `tag` matches a substring.
//!
//! A tag record holds a name, a size, a digest and a time; everything else
//! is derived when a page is written, so that a million repositories cost
//! no more memory:
//!
//! | field | value |
//! |---|---|
//! | `id` | 1 + the tags of the repositories before this one (in namespace, then name order) + the tag's place in its repository, when the dataset was loaded; a pushed tag gets the next number. A tag keeps its id whatever is deleted or pushed around it (a tag pushed again under its name too) |
//! | `repo_id` | 1 + the repository's place in namespace, then name order when the dataset was loaded (a repository pushed later: the next number) |
//! | `image_id` | 64 hex digits drawn from the digest |
//! | `manifest` | a schema 2 manifest: config `sha256:{image_id}`, one layer of the tag's size |
//! | `created`, `updated` | the tag's `updated_at` |
//! | `deleted` | `null` |
//! | `domain_id` | 32 hex digits drawn from the dataset's `domain_name` |
//! | `schema`, `is_trusted`, `scanned`, `tag_type` | `2`, `false`, `false`, `0` |

use axum::response::Response;
use serde_json::Value;
use wharf_model::{
    ImageRef, OrderType, PageRequest, RepositoryTag, RepositoryTagDetail, RepositoryTagsQuery,
    TagOrderColumn,
};

use super::Fail;
use super::content_range::ContentRangeShape;
use super::filter::Values;
use super::ids::{domain_id, fnv1a, hex_digits, image_id};
use crate::data::{self, Dataset, NamespaceRecord, Repo, Tag, View};
use crate::hash::mix;
use crate::http::json::ok;
use crate::http::params;

/// The keys, in `filter` (`offset::0|limit::100|order_column::updated_at|order_type::desc|tag::v1`)
/// and as plain parameters alike.
const KEYS: &[&str] = &["offset", "limit", "order_column", "order_type", "tag"];

/// The tags of repository `id` of `view`, `image` by name, for the query
/// string `query`, with a `Content-Range` of `shape` when paged. The path
/// was read by [`repositories`](super::repositories), which found the repository.
pub(crate) fn list(
    view: &View<'_>,
    id: u32,
    image: ImageRef,
    query: Option<&str>,
    shape: ContentRangeShape,
) -> Result<Response, Fail> {
    let pairs = params::swr_query(query.unwrap_or_default());
    let query = tags_query(&pairs, image)?;
    let (ns, repo) = view.repo(id);
    let writer = Writer::new(view, id, ns, repo);
    let selected = select(&writer.tags, &query);
    let page = query
        .page
        .unwrap_or(PageRequest::new(0, PageRequest::DEFAULT_LIMIT));
    let body: Vec<RepositoryTag> = data::page(&selected, page.offset, u64::from(page.limit))
        .iter()
        .map(|&position| writer.tag(position as usize))
        .collect();
    let mut response = ok(&body);
    if query.page.is_some() {
        let (count, total) = (body.len() as u64, selected.len() as u64);
        shape.apply(&mut response, page.offset, count, total);
    }
    Ok(response)
}

/// Where tag `tag` is in repository `id`'s tags, if it has it.
pub(crate) fn position(view: &View<'_>, id: u32, tag: &str) -> Option<usize> {
    view.repo(id).1.tag_position(tag)
}

/// Tag `position` of repository `id` of `view`, as ShowRepoTag answers it:
/// the list item's values ([`Writer::tag`]), in the detail's fields.
pub(crate) fn show(view: &View<'_>, id: u32, position: usize) -> RepositoryTagDetail {
    let (ns, repo) = view.repo(id);
    let item = Writer::new(view, id, ns, repo).tag(position);
    let mut out = RepositoryTagDetail::default();
    out.id = item.id;
    out.repo_id = item.repo_id;
    out.tag = item.tag;
    out.image_id = item.image_id;
    out.manifest = item.manifest;
    out.digest = item.digest;
    out.schema = item.schema;
    out.path = item.path;
    out.internal_path = item.internal_path;
    out.size = item.size;
    out.is_trusted = item.is_trusted;
    out.created = item.created;
    out.updated = item.updated;
    out.domain_id = item.domain_id;
    out.tag_type = item.tag_type;
    out
}

/// The query of `image` from `filter`, or else from plain parameters.
fn tags_query(pairs: &[(String, String)], image: ImageRef) -> Result<RepositoryTagsQuery, Fail> {
    let values = Values::read(pairs, KEYS, KEYS)?;
    let mut query = RepositoryTagsQuery::new(image);
    query.page = values.page()?.map(|(offset, limit)| {
        PageRequest::new(
            offset,
            u32::try_from(limit).unwrap_or(PageRequest::MAX_LIMIT),
        )
    });
    let column = values.parse::<TagOrderColumn>("order_column")?;
    let order_type = values.parse::<OrderType>("order_type")?;
    query.order = values.pair(column, order_type, ("order_column", "order_type"))?;
    query.tag = values.get("tag").map(str::to_owned);
    Ok(query)
}

/// The positions in `tags` of the tags `query` selects, in order.
fn select(tags: &[Tag<'_>], query: &RepositoryTagsQuery) -> Vec<u32> {
    let mut positions: Vec<u32> = (0..tags.len() as u32)
        .filter(|&i| {
            let name = tags[i as usize].name();
            query.tag.as_deref().is_none_or(|t| name.contains(t))
        })
        .collect();
    let (column, order_type) = query
        .order
        .unwrap_or((TagOrderColumn::UpdatedAt, OrderType::Desc));
    let key = |i: u32| match column {
        TagOrderColumn::UpdatedAt => tags[i as usize].updated_at().instant(),
        // A column added to the model later sorts like the one there is.
        _ => tags[i as usize].updated_at().instant(),
    };
    // Stable sorts: ties keep the dataset's order in both directions.
    if order_type == OrderType::Asc {
        positions.sort_by_key(|&i| key(i));
    } else {
        positions.sort_by_key(|&i| std::cmp::Reverse(key(i)));
    }
    positions
}

/// Writes the tags of one repository, with what they all share worked out
/// once.
struct Writer<'a> {
    view: &'a View<'a>,
    id: u32,
    /// The repository's tags, in order.
    tags: Vec<Tag<'a>>,
    repo_id: u64,
    /// `REGISTRY/NS/REPO:`, to which a tag name is added.
    path: String,
    /// `INTERNAL/NS/REPO:`.
    internal_path: String,
    domain_id: String,
}

impl<'a> Writer<'a> {
    fn new(view: &'a View<'a>, id: u32, ns: &NamespaceRecord, repo: Repo<'a>) -> Self {
        let dataset: &Dataset = view.dataset();
        let address = |registry: &str| format!("{registry}/{}/{}:", ns.name, repo.name());
        Writer {
            view,
            id,
            tags: repo.tags().collect(),
            repo_id: u64::from(id) + 1,
            path: address(&dataset.registry),
            internal_path: address(&dataset.internal_registry),
            domain_id: domain_id(&dataset.domain_name),
        }
    }

    /// The tag at `position` in the repository's tags.
    fn tag(&self, position: usize) -> RepositoryTag {
        let mut out = RepositoryTag::default();
        let Some(record) = self.tags.get(position) else {
            return out;
        };
        let digest = record.digest();
        let name = record.name();
        out.id = self.view.tag_id(self.id, position);
        out.repo_id = self.repo_id;
        out.tag = name.to_owned();
        out.image_id = image_id(&digest);
        out.manifest = manifest(&out.image_id, &digest, record.size());
        out.schema = 2;
        out.path = format!("{}{}", self.path, name);
        out.internal_path = format!("{}{}", self.internal_path, name);
        out.size = record.size();
        out.is_trusted = false;
        out.created = record.updated_at().timestamp();
        out.updated.clone_from(&out.created);
        out.digest = digest;
        // A live tag: `null`, as the API's examples show it.
        out.extra.insert("deleted".to_owned(), Value::Null);
        out.domain_id.clone_from(&self.domain_id);
        out.scanned = false;
        out.tag_type = 0;
        out
    }
}

/// A schema 2 manifest: the config `sha256:{image_id}` and one layer of
/// `size` bytes, both drawn from `digest`. Only hex and numbers go in, so
/// the text needs no escaping. It is not what `digest` hashes.
fn manifest(image_id: &str, digest: &str, size: u64) -> String {
    let seed = fnv1a(digest);
    let config_size = 1_000 + mix(seed, 8) % 9_000;
    let layer = hex_digits(seed, 4, 4);
    format!(
        concat!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","#,
            r#""config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":{},"digest":"sha256:{}"}},"#,
            r#""layers":[{{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":{},"digest":"sha256:{}"}}]}}"#
        ),
        config_size, image_id, size, layer
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_are_well_formed() {
        let id = image_id("sha256:00");
        let text = manifest(&id, "sha256:00", 1234);
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["config"]["digest"], format!("sha256:{id}"));
        assert_eq!(json["layers"][0]["size"], 1234);
        assert_eq!(json["schemaVersion"], 2);
    }
}
