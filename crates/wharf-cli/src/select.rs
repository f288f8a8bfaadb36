//! What `repos` and `tags` share with `prune`'s selection: `--match`,
//! `--older-than`, `--newer-than`, and `--sort FIELD` with `--reverse`.
//! One implementation over both kinds of entry.

use std::time::Duration;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use wharf::Error;
use wharf::catalog::{Repository, Tag};
use wharf::prune::Pattern;

use crate::args::{SelectArgs, SortField};
use crate::fail::{CliError, Exit};
use crate::settings::parse_duration;

/// What the selection reads of an entry.
pub trait Entry: Send + 'static {
    /// The name `--match` reads: a repository's `NS/NAME`, a tag's name.
    fn name(&self) -> String;
    /// When it last changed.
    fn updated(&self) -> Option<wharf::jiff::Timestamp>;
    /// When it was created.
    fn created(&self) -> Option<wharf::jiff::Timestamp>;
    /// Its size in bytes.
    fn size(&self) -> Option<u64>;
    /// How often it was pulled.
    fn pulls(&self) -> Option<u64> {
        None
    }
    /// How many tags it has.
    fn tags(&self) -> Option<u64> {
        None
    }
}

impl Entry for Repository {
    fn name(&self) -> String {
        self.qualified_name()
    }
    fn updated(&self) -> Option<wharf::jiff::Timestamp> {
        self.updated
    }
    fn created(&self) -> Option<wharf::jiff::Timestamp> {
        self.created
    }
    fn size(&self) -> Option<u64> {
        self.size
    }
    fn pulls(&self) -> Option<u64> {
        self.pull_count
    }
    fn tags(&self) -> Option<u64> {
        self.tag_count
    }
}

impl Entry for Tag {
    fn name(&self) -> String {
        self.name.clone()
    }
    fn updated(&self) -> Option<wharf::jiff::Timestamp> {
        self.updated
    }
    fn created(&self) -> Option<wharf::jiff::Timestamp> {
        self.created
    }
    fn size(&self) -> Option<u64> {
        self.size
    }
}

/// The selection the flags say, checked before any request.
pub struct Select {
    matching: Option<Pattern>,
    older_than: Option<Duration>,
    newer_than: Option<Duration>,
    sort: Option<SortField>,
    reverse: bool,
}

impl Select {
    /// Keeps every entry, in the order listed.
    pub fn everything() -> Select {
        Select {
            matching: None,
            older_than: None,
            newer_than: None,
            sort: None,
            reverse: false,
        }
    }

    /// Reads the flags; a bad pattern or duration is a usage error.
    pub fn new(args: &SelectArgs) -> Result<Select, CliError> {
        let matching = match &args.matching {
            Some(text) => Some(
                Pattern::new(text)
                    .map_err(|e| CliError::new(Exit::Usage, format!("--match: {e}")))?,
            ),
            None => None,
        };
        let age = |flag, text: &Option<String>| {
            text.as_deref().map(|t| parse_duration(flag, t)).transpose()
        };
        if args.reverse && args.sort.is_none() {
            return Err(CliError::new(Exit::Usage, "--reverse needs --sort FIELD"));
        }
        Ok(Select {
            matching,
            older_than: age("--older-than", &args.older_than)?,
            newer_than: age("--newer-than", &args.newer_than)?,
            sort: args.sort,
            reverse: args.reverse,
        })
    }

    /// `items`, kept as the flags say; sorted (so collected whole first)
    /// only when `--sort` asks for it, streamed otherwise.
    pub fn apply<T: Entry>(
        self,
        items: BoxStream<'static, Result<T, Error>>,
    ) -> BoxStream<'static, Result<T, Error>> {
        if self.matching.is_none()
            && self.older_than.is_none()
            && self.newer_than.is_none()
            && self.sort.is_none()
        {
            return items;
        }
        let now = wharf::jiff::Timestamp::now();
        let age = move |t: &T| t.updated().map(|u| now.duration_since(u));
        let limit = |d: Duration| wharf::jiff::SignedDuration::try_from(d).unwrap_or_default();
        let (older, newer) = (self.older_than.map(limit), self.newer_than.map(limit));
        let matching = self.matching;
        let kept = items.try_filter(move |t| {
            let named = matching.as_ref().is_none_or(|p| p.is_match(&t.name()));
            let old = older.is_none_or(|o| age(t).is_some_and(|a| a > o));
            let new = newer.is_none_or(|n| age(t).is_some_and(|a| a <= n));
            std::future::ready(named && old && new)
        });
        let Some(field) = self.sort else {
            return kept.boxed();
        };
        let reverse = self.reverse;
        stream::once(async move {
            let mut all: Vec<T> = kept.try_collect().await?;
            sort(&mut all, field);
            if reverse {
                all.reverse();
            }
            Ok::<_, Error>(stream::iter(all.into_iter().map(Ok)))
        })
        .try_flatten()
        .boxed()
    }
}

/// Sorts by `field`: names A to Z; times, sizes and counts largest (newest)
/// first, as people look for them; what is unknown last; ties by name.
fn sort<T: Entry>(all: &mut [T], field: SortField) {
    use std::cmp::Reverse;
    match field {
        SortField::Name => all.sort_by_key(|t| t.name()),
        SortField::Updated => {
            all.sort_by_key(|t| (t.updated().is_none(), Reverse(t.updated()), t.name()))
        }
        SortField::Created => {
            all.sort_by_key(|t| (t.created().is_none(), Reverse(t.created()), t.name()))
        }
        SortField::Size => all.sort_by_key(|t| (t.size().is_none(), Reverse(t.size()), t.name())),
        SortField::Pulls => {
            all.sort_by_key(|t| (t.pulls().is_none(), Reverse(t.pulls()), t.name()))
        }
        SortField::Tags => all.sort_by_key(|t| (t.tags().is_none(), Reverse(t.tags()), t.name())),
    }
}
