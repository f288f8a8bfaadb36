//! Planning: which tags of each repository go, and why, repository by
//! repository.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};

use super::Policy;
use crate::Error;
use crate::catalog::{Catalog, RepoRef, Tag};

/// What a plan says to do with a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Action {
    /// Delete it.
    Delete,
    /// Leave it: the policy selected it, but a rule kept it (a tag that
    /// stays shares its digest). The reason says which.
    Keep,
}

/// One line of a plan: a tag, as it was seen when planning, and what to do
/// with it and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlanEntry {
    /// Delete or keep.
    pub action: Action,
    /// The catalog it is in (the plan's [`catalog`](super::PlanHeader::catalog)).
    pub catalog: String,
    /// Its repository, `NAMESPACE/NAME`.
    pub repository: RepoRef,
    /// Its name.
    pub tag: String,
    /// Its digest when planned: apply deletes it only if it is the same.
    pub digest: Option<String>,
    /// Its update time when planned: apply deletes it only if it is the same.
    pub updated: Option<jiff::Timestamp>,
    /// Its size in bytes, when the provider says (UHub does not).
    pub size: Option<u64>,
    /// Why, in words.
    pub reason: String,
}

/// The plan of one repository.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RepositoryPlan {
    /// The repository.
    pub repository: RepoRef,
    /// How many tags it has.
    pub tags: usize,
    /// The tags planned for deletion, and those the policy selected but a
    /// rule kept, newest first.
    pub entries: Vec<PlanEntry>,
    /// The bytes the deletes would free: each digest once, and only when no
    /// tag that stays holds it; `None` when a planned tag's size is unknown.
    pub bytes: Option<u64>,
}

impl RepositoryPlan {
    /// The entries to delete.
    pub fn deletes(&self) -> impl Iterator<Item = &PlanEntry> {
        self.entries.iter().filter(|e| e.action == Action::Delete)
    }
}

/// What to plan over, and when "now" is.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct PlanOptions {
    /// Only these namespaces (with [`repositories`](Self::repositories):
    /// these and those); both empty: the whole catalog.
    pub namespaces: Vec<String>,
    /// Only these repositories.
    pub repositories: Vec<RepoRef>,
    /// The instant ages are measured from (default: now).
    pub now: Option<jiff::Timestamp>,
    /// What the plan calls the catalog (default: the catalog's `Display`,
    /// a spec that reaches it); apply refuses a catalog called otherwise.
    pub catalog: Option<String>,
    /// Repositories whose tags are listed at once (default 4): memory is
    /// bounded by this many repositories' tags.
    pub concurrency: usize,
}

impl PlanOptions {
    /// Only namespace `namespace` (add as many as needed).
    pub fn with_namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespaces.push(namespace.into());
        self
    }

    /// Only repository `repository` (add as many as needed).
    pub fn with_repository(mut self, repository: RepoRef) -> Self {
        self.repositories.push(repository);
        self
    }

    /// Ages measured from `now`.
    pub fn with_now(mut self, now: jiff::Timestamp) -> Self {
        self.now = Some(now);
        self
    }

    /// The catalog called `name` in the plan.
    pub fn with_catalog_name(mut self, name: impl Into<String>) -> Self {
        self.catalog = Some(name.into());
        self
    }
}

/// Plans `catalog` repository by repository: a stream of each repository's
/// plan, in the catalog's order, that deletes nothing.
///
/// Each repository's tags are listed whole, planned, and dropped before the
/// next ones are listed (a few at once, as `options.concurrency` says), so
/// memory is bounded by the largest repositories, not by the catalog. The
/// policy is checked first ([`Policy::check`]).
pub fn plan(
    catalog: Arc<dyn Catalog>,
    policy: Policy,
    options: PlanOptions,
) -> BoxStream<'static, Result<RepositoryPlan, Error>> {
    if let Err(e) = policy.check() {
        return stream::once(async { Err(e) }).boxed();
    }
    let now = options.now.unwrap_or_else(jiff::Timestamp::now);
    let name = options
        .catalog
        .clone()
        .unwrap_or_else(|| catalog.to_string());
    let policy = Arc::new(policy);
    let concurrency = options.concurrency.max(1);
    repositories(catalog.clone(), &options)
        .map_ok(move |repository| {
            let (catalog, policy, name) = (catalog.clone(), policy.clone(), name.clone());
            async move {
                let tags: Vec<Tag> = catalog.list_tags(&repository).try_collect().await?;
                Ok(plan_tags(&policy, &name, repository, tags, now))
            }
        })
        .try_buffered(concurrency)
        .boxed()
}

/// The repositories in scope, each once, in the catalog's order.
fn repositories(
    catalog: Arc<dyn Catalog>,
    options: &PlanOptions,
) -> BoxStream<'static, Result<RepoRef, Error>> {
    if options.namespaces.is_empty() && options.repositories.is_empty() {
        return catalog
            .list_repositories(None)
            .map_ok(|r| r.repo_ref())
            .boxed();
    }
    let named = stream::iter(options.repositories.clone().into_iter().map(Ok));
    let listed = stream::iter(options.namespaces.clone())
        .map(move |namespace| catalog.list_repositories(Some(&namespace)))
        .flatten()
        .map_ok(|r| r.repo_ref());
    let mut seen = HashSet::new();
    named
        .chain(listed)
        .try_filter(move |r| std::future::ready(seen.insert(r.clone())))
        .boxed()
}

/// The plan of one repository whose tags are `tags`, at `now`.
pub fn plan_tags(
    policy: &Policy,
    catalog: &str,
    repository: RepoRef,
    tags: Vec<Tag>,
    now: jiff::Timestamp,
) -> RepositoryPlan {
    let total = tags.len();
    let (mut scope, others): (Vec<Tag>, Vec<Tag>) =
        tags.into_iter().partition(|t| policy.in_scope(&t.name));
    // Newest first; no update time ranks last; ties by name.
    scope.sort_by(|a, b| match (a.updated, b.updated) {
        (Some(x), Some(y)) => y.cmp(&x).then_with(|| a.name.cmp(&b.name)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.name.cmp(&b.name),
    });
    let in_scope = scope.len();
    let mut planned = Vec::new();
    let mut staying: HashMap<String, String> = HashMap::new();
    let stay = |t: &Tag, staying: &mut HashMap<String, String>| {
        if let Some(digest) = &t.digest {
            staying
                .entry(digest.clone())
                .or_insert_with(|| t.name.clone());
        }
    };
    for t in &others {
        stay(t, &mut staying);
    }
    for (rank, t) in scope.into_iter().enumerate() {
        match selected(policy, rank, in_scope, &t, now) {
            Some(reason) => planned.push((t, reason)),
            None => stay(&t, &mut staying),
        }
    }
    let mut entries = Vec::with_capacity(planned.len());
    let mut freed: HashSet<String> = HashSet::new();
    let mut bytes = Some(0u64);
    for (t, reason) in planned {
        let shared = t.digest.as_ref().and_then(|d| staying.get(d));
        let (action, reason) = match shared {
            Some(kept) if !policy.allow_shared_digest => (
                Action::Keep,
                format!(
                    "{reason}; but left: tag {kept}, which stays, has the same digest \
                     (--allow-shared-digest plans it)"
                ),
            ),
            _ => (Action::Delete, reason),
        };
        if action == Action::Delete {
            // A digest two planned tags share is one image: counted once.
            bytes = match (bytes, t.size) {
                (Some(sum), Some(size)) => {
                    let counted = t.digest.as_ref().is_some_and(|d| !freed.insert(d.clone()));
                    Some(if counted { sum } else { sum + size })
                }
                _ => None,
            };
        }
        entries.push(PlanEntry {
            action,
            catalog: catalog.to_owned(),
            repository: repository.clone(),
            tag: t.name,
            digest: t.digest,
            updated: t.updated,
            size: t.size,
            reason,
        });
    }
    RepositoryPlan {
        repository,
        tags: total,
        entries,
        bytes,
    }
}

/// `1st`, `2nd`, `3rd`, `4th`, ..., `11th`, `21st`.
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Why the tag at `rank` (from 0) of `in_scope` goes, or `None` if it stays.
fn selected(
    policy: &Policy,
    rank: usize,
    in_scope: usize,
    tag: &Tag,
    now: jiff::Timestamp,
) -> Option<String> {
    let mut reason = format!("{} newest of {in_scope}", ordinal(rank + 1));
    if let Some(keep) = policy.keep_last {
        if rank < keep {
            return None;
        }
        match keep {
            0 => reason.push_str("; keep-last 0 keeps none"),
            1 => reason.push_str("; keep-last 1 keeps the newest"),
            _ => reason.push_str(&format!("; keep-last {keep} keeps the {keep} newest")),
        }
    }
    if let Some(age) = policy.older_than {
        let updated = tag.updated?;
        let elapsed = now.duration_since(updated);
        let limit = jiff::SignedDuration::try_from(age).unwrap_or(jiff::SignedDuration::MAX);
        if elapsed <= limit {
            return None;
        }
        reason.push_str(&format!(
            "; updated {} ago, more than {}",
            days(elapsed),
            days(limit)
        ));
    }
    Some(reason)
}

/// A duration in the largest whole unit, for reasons: `40d`, `5h`, `90s`.
fn days(d: jiff::SignedDuration) -> String {
    let secs = d.as_secs();
    match secs {
        s if s >= 86_400 && s % 86_400 == 0 || s >= 10 * 86_400 => format!("{}d", s / 86_400),
        s if s >= 3_600 => format!("{}h", s / 3_600),
        s if s >= 60 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}
