//! `wharf du`: where the storage goes. A row per repository (or, with
//! `--by namespace`, per namespace): its tags, the distinct images they
//! hold, their size, the oldest and newest tag update time and the pulls,
//! largest first, and a total.
//!
//! What is counted, precisely:
//!
//! - A repository's size is the sum of the sizes of its distinct digests:
//!   tags that share a digest are one image, counted once. A tag with no
//!   digest (SWR's official images send none) is an image of its own. The
//!   providers report whole image sizes, so a layer that two different
//!   images share is in both.
//! - A namespace's row is the sum of its repositories' rows: a digest two
//!   repositories hold counts once in each. A repository is what one
//!   deletes or prunes, and it keeps its images whatever other
//!   repositories hold, so each repository's row says what it holds, and
//!   the namespace's adds them up; counting a digest once per namespace
//!   would also need a set of every digest of the namespace, which grows
//!   with the namespace rather than with one repository.
//! - The total is the sum of the rows, each digest once per repository.
//! - A sum is unknown (`-`, JSON `null`, CSV empty) when one of its parts
//!   is: UHub sends no sizes, so every size is unknown there.
//!
//! Memory: the repositories stream in, `--concurrency` of them (default 4,
//! at most 16) have their tags listed at once, and each tag is folded into
//! its repository's summary as it arrives and dropped; only the digests of
//! the repositories in flight are held. What stays is one small row per
//! repository (for the sort by size), or one per namespace.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::io::{BufWriter, Write};
use std::sync::Arc;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde::ser::{Serialize, SerializeStruct, Serializer};
use wharf::catalog::{Capabilities, Catalog, CatalogKind, Repository, Tag};
use wharf::{Error, ErrorKind};

use crate::args::{DuArgs, DuBy, Global, Output};
use crate::commands::{default_format, tracker_options, waiting_for};
use crate::connect::{self, Selection};
use crate::fail::{CliError, Exit};
use crate::output::{Printer, Row, human_size};
use crate::settings::Settings;

/// Repositories whose tags are listed at once, at most.
const MOST_IN_FLIGHT: usize = 16;

/// `wharf du`: measures, then prints the rows, the total and the notes.
pub async fn run(global: &Global, args: &DuArgs) -> Result<(), CliError> {
    let namespaces = namespaces(&args.namespace)?;
    let format = global.output.unwrap_or_else(default_format);
    // An unknown column is refused before anything is sent.
    let columns = global.columns.clone();
    let mut check = Printer::new(format, std::io::sink()).with_columns(columns.clone());
    match args.by {
        DuBy::Repository => check.header::<ByRepository<'_>>(),
        DuBy::Namespace => check.header::<ByNamespace<'_>>(),
    }
    .map_err(|e| CliError::new(Exit::Usage, e))?;

    let settings = Settings::read(global)?;
    let target = settings.target(global, false)?;
    let kind = target.kind();
    let (tracker, options) = tracker_options(global);
    let open = connect::open(
        target,
        &settings,
        options,
        Selection::default(),
        global.quiet,
    )
    .await?;
    tracker.waiting(&waiting_for(&open, &settings));
    let capabilities = open.catalog.capabilities();
    let concurrency = settings.list.concurrency.clamp(1, MOST_IN_FLIGHT);
    let measured = measure(&open.catalog, &namespaces, args.by, args.top, concurrency).await;
    tracker.finish();
    let tally = measured?;
    let report = Report::new(tally, args.by);
    tracker.suspend(|| report.print(format, columns, global.quiet))?;
    if !global.quiet {
        for note in notes(kind, &capabilities, &report.gaps) {
            eprintln!("wharf: note: {note}");
        }
    }
    if global.verbose {
        eprintln!("wharf: {}", tracker.summary());
    }
    Ok(())
}

/// The namespaces `--namespace` gave, each once, in order.
fn namespaces(given: &[String]) -> Result<Vec<String>, CliError> {
    let mut out: Vec<String> = Vec::with_capacity(given.len());
    for namespace in given {
        if namespace.is_empty() {
            return Err(CliError::new(
                Exit::Usage,
                "--namespace: empty; give a namespace's name (or no --namespace for all)",
            ));
        }
        if !out.contains(namespace) {
            out.push(namespace.clone());
        }
    }
    Ok(out)
}

/// The repositories in scope: those of `namespaces`, or of the whole
/// catalog. Each namespace is listed once, so no repository comes twice.
fn repositories(
    catalog: &Arc<dyn Catalog>,
    namespaces: &[String],
) -> BoxStream<'static, Result<Repository, Error>> {
    if namespaces.is_empty() {
        return catalog.list_repositories(None);
    }
    let catalog = Arc::clone(catalog);
    stream::iter(namespaces.to_vec())
        .map(move |namespace| catalog.list_repositories(Some(&namespace)))
        .flatten()
        .boxed()
}

/// Lists the tags of every repository in scope, `concurrency` repositories
/// at a time, and folds each into the tally as it is measured.
async fn measure(
    catalog: &Arc<dyn Catalog>,
    namespaces: &[String],
    by: DuBy,
    top: Option<usize>,
    concurrency: usize,
) -> Result<Tally, CliError> {
    let sizes = catalog.capabilities().tag.size.is_possible();
    let lister = Arc::clone(catalog);
    let mut measured = repositories(catalog, namespaces)
        .map_ok(move |repository| measure_repository(Arc::clone(&lister), repository, sizes))
        .try_buffer_unordered(concurrency);
    let mut tally = Tally::new(by, top);
    while let Some(repository) = measured.try_next().await? {
        tally.add(repository);
    }
    Ok(tally)
}

/// One repository, measured: its names, its summary, and what its tags
/// lacked. Only `usage` and a name are kept once it is tallied.
struct Measured {
    /// `namespace/name`.
    name: String,
    /// Its namespace.
    namespace: String,
    /// Its summary; `None` when it was deleted while being listed.
    usage: Option<Usage>,
    /// What its entries lacked, for the notes.
    gaps: Gaps,
}

/// Lists the tags of `repository`, folding each into its summary as it
/// arrives (no tag is kept); `sizes` is whether the catalog sends sizes.
async fn measure_repository(
    catalog: Arc<dyn Catalog>,
    repository: Repository,
    sizes: bool,
) -> Result<Measured, Error> {
    let reference = repository.repo_ref();
    let name = repository.qualified_name();
    let pulls = repository.pull_count;
    let namespace = repository.namespace;
    let mut gaps = Gaps {
        no_pulls: u64::from(pulls.is_none()),
        ..Gaps::default()
    };
    let mut fold = Fold::default();
    let mut tags = catalog.list_tags(&reference);
    let usage = loop {
        match tags.try_next().await {
            Ok(Some(tag)) => fold.add(tag),
            Ok(None) => break Some(fold.finish(pulls, sizes, &mut gaps)),
            // Deleted since the repositories were listed: left out, and said.
            Err(e) if e.kind() == ErrorKind::NotFound && fold.usage.tags == 0 => {
                gaps = Gaps {
                    vanished: 1,
                    ..Gaps::default()
                };
                break None;
            }
            Err(e) => return Err(e),
        }
    };
    Ok(Measured {
        name,
        namespace,
        usage,
        gaps,
    })
}

/// What a repository's (or a group's) tags add up to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Usage {
    /// Tags.
    tags: u64,
    /// Distinct digests among them, and tags with no digest.
    images: u64,
    /// Bytes of those images; `None` when a size is unknown.
    size: Option<u64>,
    /// Pulls; `None` when a pull count is unknown.
    pulls: Option<u64>,
    /// The earliest and the latest update time of a tag: both or, when
    /// no tag has one, neither (one field, so a held row is smaller).
    updated: Option<(jiff::Timestamp, jiff::Timestamp)>,
}

impl Usage {
    /// Nothing: what a sum starts from.
    const ZERO: Usage = Usage {
        tags: 0,
        images: 0,
        size: Some(0),
        pulls: Some(0),
        updated: None,
    };

    /// Adds `other`: counts summed (unknown when either is), times widened.
    fn add(&mut self, other: &Usage) {
        self.tags = self.tags.saturating_add(other.tags);
        self.images = self.images.saturating_add(other.images);
        self.size = sum(self.size, other.size);
        self.pulls = sum(self.pulls, other.pulls);
        self.updated = widen(self.updated, other.updated);
    }
}

/// `a + b`, unknown when either is.
fn sum(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    Some(a?.saturating_add(b?))
}

/// The span from the earlier start to the later end of `a` and `b`.
fn widen(
    a: Option<(jiff::Timestamp, jiff::Timestamp)>,
    b: Option<(jiff::Timestamp, jiff::Timestamp)>,
) -> Option<(jiff::Timestamp, jiff::Timestamp)> {
    match (a, b) {
        (Some((a0, a1)), Some((b0, b1))) => Some((a0.min(b0), a1.max(b1))),
        (a, b) => a.or(b),
    }
}

/// One repository's tags as they are folded: the summary so far and the
/// digests seen (the one set of digests, and only for the repositories in
/// flight).
struct Fold {
    usage: Usage,
    digests: HashSet<Box<str>>,
    no_digest: u64,
    no_size: u64,
    no_time: u64,
}

impl Default for Fold {
    fn default() -> Self {
        Fold {
            usage: Usage::ZERO,
            digests: HashSet::new(),
            no_digest: 0,
            no_size: 0,
            no_time: 0,
        }
    }
}

impl Fold {
    /// Counts one tag, and drops it.
    fn add(&mut self, tag: Tag) {
        let usage = &mut self.usage;
        usage.tags += 1;
        let new_image = match tag.digest {
            Some(digest) => self.digests.insert(digest.into_boxed_str()),
            None => {
                self.no_digest += 1;
                true
            }
        };
        if tag.size.is_none() {
            self.no_size += 1;
        }
        if new_image {
            usage.images += 1;
            usage.size = sum(usage.size, tag.size);
        }
        match tag.updated {
            Some(at) => {
                usage.updated = widen(usage.updated, Some((at, at)));
            }
            None => self.no_time += 1,
        }
    }

    /// The summary, with the repository's `pulls`; its size unknown when
    /// the catalog sends none (`sizes` false), even with no tags.
    fn finish(self, pulls: Option<u64>, sizes: bool, gaps: &mut Gaps) -> Usage {
        gaps.no_digest += self.no_digest;
        gaps.no_size += self.no_size;
        gaps.no_time += self.no_time;
        Usage {
            size: self.usage.size.filter(|_| sizes),
            pulls,
            ..self.usage
        }
    }
}

/// What the entries lacked, counted for the notes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Gaps {
    /// Tags with no digest.
    no_digest: u64,
    /// Tags with no size.
    no_size: u64,
    /// Tags with no update time.
    no_time: u64,
    /// Repositories with no pull count.
    no_pulls: u64,
    /// Repositories deleted between being listed and their tags listed.
    vanished: u64,
}

impl Gaps {
    fn add(&mut self, other: &Gaps) {
        self.no_digest += other.no_digest;
        self.no_size += other.no_size;
        self.no_time += other.no_time;
        self.no_pulls += other.no_pulls;
        self.vanished += other.vanished;
    }
}

/// A row held until the end: a repository's or a namespace's name, how
/// many repositories it sums (1 for a repository) and what they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Group {
    name: Box<str>,
    repositories: u64,
    usage: Usage,
}

/// The rows so far, the total of every repository measured, and what the
/// entries lacked.
struct Tally {
    rows: Rows,
    total: Group,
    /// `--top`: the rows kept, at most.
    top: Option<usize>,
    gaps: Gaps,
}

/// A row per repository (with `--top N`, the N first in [`order`] so
/// far), or one per namespace.
enum Rows {
    Repositories(BinaryHeap<Ranked>),
    Namespaces(HashMap<Box<str>, (u64, Usage)>),
}

/// A row ordered by [`order`]: the heap's greatest is the one printed last,
/// the first to leave when `--top` is reached.
#[derive(Debug, PartialEq, Eq)]
struct Ranked(Group);

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        order(&self.0, &other.0)
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Tally {
    fn new(by: DuBy, top: Option<usize>) -> Self {
        let rows = match by {
            DuBy::Repository => Rows::Repositories(BinaryHeap::new()),
            DuBy::Namespace => Rows::Namespaces(HashMap::new()),
        };
        Tally {
            rows,
            total: Group {
                name: "total".into(),
                repositories: 0,
                usage: Usage::ZERO,
            },
            top,
            gaps: Gaps::default(),
        }
    }

    /// Keeps `measured` as a row, or adds it to its namespace's.
    fn add(&mut self, measured: Measured) {
        self.gaps.add(&measured.gaps);
        let Some(usage) = measured.usage else { return };
        self.total.repositories += 1;
        self.total.usage.add(&usage);
        match &mut self.rows {
            Rows::Repositories(rows) => {
                rows.push(Ranked(Group {
                    name: measured.name.into_boxed_str(),
                    repositories: 1,
                    usage,
                }));
                if self.top.is_some_and(|top| rows.len() > top) {
                    rows.pop();
                }
            }
            Rows::Namespaces(rows) => {
                let (repositories, sum) = rows
                    .entry(measured.namespace.into_boxed_str())
                    .or_insert((0, Usage::ZERO));
                *repositories += 1;
                sum.add(&usage);
            }
        }
    }
}

/// Everything measured, ready to print: the rows in order and the total.
struct Report {
    by: DuBy,
    rows: Vec<Group>,
    /// The rows there were before `--top` kept the first.
    groups: u64,
    total: Group,
    gaps: Gaps,
}

impl Report {
    fn new(tally: Tally, by: DuBy) -> Report {
        let mut rows: Vec<Group> = match tally.rows {
            Rows::Repositories(rows) => rows.into_iter().map(|Ranked(row)| row).collect(),
            Rows::Namespaces(rows) => rows
                .into_iter()
                .map(|(name, (repositories, usage))| Group {
                    name,
                    repositories,
                    usage,
                })
                .collect(),
        };
        rows.sort_by(order);
        let groups = match by {
            DuBy::Repository => tally.total.repositories,
            DuBy::Namespace => rows.len() as u64,
        };
        if let Some(top) = tally.top {
            rows.truncate(top);
        }
        Report {
            by,
            rows,
            groups,
            total: tally.total,
            gaps: tally.gaps,
        }
    }

    /// Prints the rows in `format` on stdout, and the total line: after a
    /// table, or on stderr (unless `quiet`) after the rows of a program's
    /// format.
    fn print(
        &self,
        format: Output,
        columns: Option<Vec<String>>,
        quiet: bool,
    ) -> Result<(), CliError> {
        let stdout = std::io::stdout();
        let mut out = BufWriter::new(stdout.lock());
        let printer = Printer::new(format, &mut out).with_columns(columns);
        match self.by {
            DuBy::Repository => rows(printer, self.rows.iter().map(ByRepository))?,
            DuBy::Namespace => rows(printer, self.rows.iter().map(ByNamespace))?,
        }
        let line = self.total_line(format == Output::Table);
        match format {
            Output::Table | Output::Wide => {
                if !self.rows.is_empty() {
                    writeln!(out, "{line}")?;
                }
            }
            Output::Json | Output::Ndjson | Output::Csv => {
                out.flush()?;
                if !quiet {
                    eprintln!("wharf: {line}");
                }
            }
        }
        out.flush()?;
        Ok(())
    }

    /// `total: 3 namespaces, 10 repositories, 20 tags, 20 images, 4.1 GiB
    /// (4402341234 bytes), 2135 pulls, updated 2024-01-20 09:14 to ...`;
    /// instants to the minute for people (`human`), else whole.
    fn total_line(&self, human: bool) -> String {
        let total = &self.total;
        let usage = &total.usage;
        let mut parts = Vec::new();
        if self.by == DuBy::Namespace {
            parts.push(counted(self.groups, "namespace", "namespaces"));
        }
        parts.push(counted(total.repositories, "repository", "repositories"));
        parts.push(counted(usage.tags, "tag", "tags"));
        parts.push(counted(usage.images, "image", "images"));
        parts.push(match usage.size {
            Some(bytes) if bytes >= 1024 => format!("{} ({bytes} bytes)", human_size(bytes)),
            Some(bytes) => counted(bytes, "byte", "bytes"),
            None => "size unknown".to_owned(),
        });
        parts.push(match usage.pulls {
            Some(pulls) => counted(pulls, "pull", "pulls"),
            None => "pulls unknown".to_owned(),
        });
        if let Some((oldest, newest)) = usage.updated {
            parts.push(format!(
                "tags updated {} to {}",
                instant(Some(oldest), human),
                instant(Some(newest), human)
            ));
        }
        let shown = self.rows.len() as u64;
        if shown < self.groups {
            let what = match self.by {
                DuBy::Repository => "repositories",
                DuBy::Namespace => "namespaces",
            };
            parts.push(format!("the {shown} largest {what} shown"));
        }
        format!("total: {}", parts.join(", "))
    }
}

/// Prints `rows` through `printer`, and ends it.
fn rows<W: Write, R: Row>(
    mut printer: Printer<W>,
    rows: impl Iterator<Item = R>,
) -> Result<(), CliError> {
    printer
        .header::<R>()
        .map_err(|e| CliError::new(Exit::Usage, e))?;
    for row in rows {
        printer.row(&row)?;
    }
    printer.finish()?;
    Ok(())
}

/// Largest first, an unknown size last; then most tags first (the order
/// on UHub, which sends no sizes); then by name.
fn order(a: &Group, b: &Group) -> Ordering {
    let size = match (a.usage.size, b.usage.size) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    size.then_with(|| b.usage.tags.cmp(&a.usage.tags))
        .then_with(|| a.name.cmp(&b.name))
}

/// `1 tag`, `2 tags`.
fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What the catalog is, as the subject of a note about what it sends.
fn who_sends(kind: CatalogKind) -> &'static str {
    match kind {
        CatalogKind::Uhub => "UHub sends",
        CatalogKind::SwrOfficial => "SWR's official images send",
        _ => "SWR sends",
    }
}

/// One sentence for each thing the provider did not report.
fn notes(kind: CatalogKind, capabilities: &Capabilities, gaps: &Gaps) -> Vec<String> {
    let who = who_sends(kind);
    let tag = &capabilities.tag;
    let mut notes = Vec::new();
    if !tag.size.is_possible() {
        notes.push(format!(
            "{who} no image sizes, so SIZE is unknown (-); rows are sorted by tag count"
        ));
    } else if gaps.no_size > 0 {
        notes.push(format!(
            "{} came with no size: their repositories' sizes are unknown (-)",
            counted(gaps.no_size, "tag", "tags")
        ));
    }
    if !tag.digest.is_possible() {
        notes.push(format!(
            "{who} no digests, so each tag counts as an image of its own \
             (tags sharing an image are counted more than once)"
        ));
    } else if gaps.no_digest > 0 {
        notes.push(format!(
            "{} came with no digest: each counts as an image of its own",
            counted(gaps.no_digest, "tag", "tags")
        ));
    }
    if !tag.updated.is_possible() {
        notes.push(format!(
            "{who} no update times, so OLDEST and NEWEST are unknown (-)"
        ));
    } else if gaps.no_time > 0 {
        notes.push(format!(
            "{} came with no update time: OLDEST and NEWEST leave them out",
            counted(gaps.no_time, "tag", "tags")
        ));
    }
    if !capabilities.repository.pull_count.is_possible() {
        notes.push(format!("{who} no pull counts, so PULLS is unknown (-)"));
    } else if gaps.no_pulls > 0 {
        notes.push(format!(
            "{} came with no pull count: PULLS is unknown (-) for them and their sums",
            counted(gaps.no_pulls, "repository", "repositories")
        ));
    }
    if gaps.vanished > 0 {
        notes.push(format!(
            "{} deleted while being measured, and left out",
            counted(gaps.vanished, "repository was", "repositories were")
        ));
    }
    notes
}

/// A row of `--by repository`.
struct ByRepository<'a>(&'a Group);

/// A row of `--by namespace`.
struct ByNamespace<'a>(&'a Group);

impl Serialize for ByRepository<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let group = self.0;
        let mut s = serializer.serialize_struct("RepositoryUsage", 8)?;
        s.serialize_field("repository", &*group.name)?;
        let namespace = group.name.split_once('/').map_or("", |(ns, _)| ns);
        s.serialize_field("namespace", namespace)?;
        usage_fields(&mut s, &group.usage)?;
        s.end()
    }
}

impl Serialize for ByNamespace<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let group = self.0;
        let mut s = serializer.serialize_struct("NamespaceUsage", 8)?;
        s.serialize_field("namespace", &*group.name)?;
        s.serialize_field("repositories", &group.repositories)?;
        usage_fields(&mut s, &group.usage)?;
        s.end()
    }
}

/// The fields both rows have: counts, the size in bytes, the instants in
/// RFC 3339 (`null` when unknown).
fn usage_fields<S: SerializeStruct>(s: &mut S, usage: &Usage) -> Result<(), S::Error> {
    s.serialize_field("tags", &usage.tags)?;
    s.serialize_field("images", &usage.images)?;
    s.serialize_field("size", &usage.size)?;
    s.serialize_field("oldest", &usage.updated.map(|(t, _)| Rfc3339(t)))?;
    s.serialize_field("newest", &usage.updated.map(|(_, t)| Rfc3339(t)))?;
    s.serialize_field("pulls", &usage.pulls)?;
    Ok(())
}

/// An instant serialized as RFC 3339, as the listings' JSON has them.
struct Rfc3339(jiff::Timestamp);

impl Serialize for Rfc3339 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl Row for ByRepository<'_> {
    const COLUMNS: &'static [&'static str] = &[
        "REPOSITORY",
        "TAGS",
        "IMAGES",
        "SIZE",
        "OLDEST",
        "NEWEST",
        "PULLS",
    ];
    const NUMBERS: &'static [&'static str] = &["TAGS", "IMAGES", "SIZE", "PULLS"];

    fn cells(&self, human: bool) -> Vec<String> {
        let mut cells = vec![self.0.name.to_string()];
        cells.extend(usage_cells(&self.0.usage, human));
        cells
    }
}

impl Row for ByNamespace<'_> {
    const COLUMNS: &'static [&'static str] = &[
        "NAMESPACE",
        "REPOSITORIES",
        "TAGS",
        "IMAGES",
        "SIZE",
        "OLDEST",
        "NEWEST",
        "PULLS",
    ];
    const NUMBERS: &'static [&'static str] = &["REPOSITORIES", "TAGS", "IMAGES", "SIZE", "PULLS"];

    fn cells(&self, human: bool) -> Vec<String> {
        let mut cells = vec![self.0.name.to_string(), self.0.repositories.to_string()];
        cells.extend(usage_cells(&self.0.usage, human));
        cells
    }
}

/// TAGS, IMAGES, SIZE, OLDEST, NEWEST, PULLS: as the listings' cells are
/// (sizes and instants for people when `human`, `-` or empty when unknown).
fn usage_cells(usage: &Usage, human: bool) -> [String; 6] {
    let missing = || if human { "-" } else { "" }.to_owned();
    let size = match usage.size {
        Some(bytes) if human => human_size(bytes),
        Some(bytes) => bytes.to_string(),
        None => missing(),
    };
    [
        usage.tags.to_string(),
        usage.images.to_string(),
        size,
        instant(usage.updated.map(|(t, _)| t), human),
        instant(usage.updated.map(|(_, t)| t), human),
        usage.pulls.map_or_else(missing, |n| n.to_string()),
    ]
}

/// An instant as the listings' cells show one: to the minute for people
/// (UTC), else to the second in RFC 3339; `-` or empty when unknown.
fn instant(at: Option<jiff::Timestamp>, human: bool) -> String {
    match (at, human) {
        (Some(t), true) => t.strftime("%Y-%m-%d %H:%M").to_string(),
        (Some(t), false) => t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        (None, true) => "-".to_owned(),
        (None, false) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf::catalog::{Original, RepoRef};

    fn tag(name: &str, digest: Option<&str>, size: Option<u64>, updated: &str) -> Tag {
        let repository: RepoRef = "team/app".parse().unwrap();
        let mut tag = Tag::new(repository, name, Original::Derived);
        tag.digest = digest.map(str::to_owned);
        tag.size = size;
        tag.updated = Some(updated.parse().unwrap());
        tag
    }

    #[test]
    fn a_shared_digest_is_counted_once_and_a_missing_one_on_its_own() {
        let mut fold = Fold::default();
        fold.add(tag(
            "latest",
            Some("sha256:a"),
            Some(100),
            "2024-03-01T00:00:00Z",
        ));
        fold.add(tag(
            "1.0",
            Some("sha256:a"),
            Some(100),
            "2024-01-01T00:00:00Z",
        ));
        fold.add(tag(
            "0.9",
            Some("sha256:b"),
            Some(10),
            "2024-02-01T00:00:00Z",
        ));
        fold.add(tag("old", None, Some(1), "2023-12-31T00:00:00Z"));
        let mut gaps = Gaps::default();
        let usage = fold.finish(Some(7), true, &mut gaps);
        assert_eq!(usage.tags, 4);
        assert_eq!(usage.images, 3);
        assert_eq!(usage.size, Some(111));
        assert_eq!(usage.pulls, Some(7));
        let span = (
            "2023-12-31T00:00:00Z".parse().unwrap(),
            "2024-03-01T00:00:00Z".parse().unwrap(),
        );
        assert_eq!(usage.updated, Some(span));
        assert_eq!(gaps.no_digest, 1);
    }

    #[test]
    fn an_unknown_part_makes_the_sum_unknown() {
        let mut fold = Fold::default();
        fold.add(tag("a", Some("sha256:a"), None, "2024-03-01T00:00:00Z"));
        let mut gaps = Gaps::default();
        let usage = fold.finish(None, true, &mut gaps);
        assert_eq!(usage.size, None);
        let mut total = Usage::ZERO;
        total.add(&Usage {
            size: Some(5),
            ..usage
        });
        assert_eq!(total.size, Some(5));
        assert_eq!(total.pulls, None, "one unknown pull count");
        total.add(&usage);
        assert_eq!(total.size, None);
        // A catalog with no sizes: unknown even with no tags.
        let empty = Fold::default().finish(Some(0), false, &mut gaps);
        assert_eq!(empty.size, None);
    }

    #[test]
    fn largest_first_then_most_tags_then_by_name() {
        let row = |name: &str, size: Option<u64>, tags: u64| Group {
            name: name.into(),
            repositories: 1,
            usage: Usage {
                size,
                tags,
                ..Usage::ZERO
            },
        };
        let mut rows = [
            row("a/unknown", None, 9),
            row("a/small", Some(1), 1),
            row("b/big", Some(9), 1),
            row("a/big", Some(9), 1),
            row("a/more", Some(1), 5),
        ];
        rows.sort_by(order);
        let names: Vec<&str> = rows.iter().map(|r| &*r.name).collect();
        assert_eq!(names, ["a/big", "b/big", "a/more", "a/small", "a/unknown"]);
    }

    #[test]
    fn a_held_row_is_small() {
        // What --by repository keeps per repository until the sort: the
        // name's bytes on the heap and this.
        let size = std::mem::size_of::<Group>();
        assert!(size <= 112, "a row is {size} bytes");
    }
}
