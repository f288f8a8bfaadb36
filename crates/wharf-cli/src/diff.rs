//! `wharf diff SOURCE TARGET`: compares two catalogs, such as a UHub repo
//! and the SWR namespace it is being moved to, or two SWR regions.
//!
//! SOURCE and TARGET are catalog specs (`swr://cn-north-4`,
//! `uhub+http://127.0.0.1:8080?region=cn-bj2`, ...) or `demo` / `demo-uhub`
//! for the built-in demo registry through SWR's or UHub's API. Each side's
//! credentials come from the environment or the profile, as for the other
//! commands.
//!
//! Repositories are matched by `namespace/name`, or by name alone within
//! `--namespace` (or `--source-namespace` and `--target-namespace`), so
//! `team/nginx` in UHub meets `team-migrated/nginx` in SWR. Both sides'
//! repositories are listed at once; then the tags of each repository on
//! both sides, `--concurrency` repositories at a time, both sides of one at
//! once. The differences: a repository or a tag only on one side, a tag
//! whose digest differs, and one whose update time differs at the coarser
//! precision of the two catalogs (a UHub time is whole seconds, an SWR time
//! may have a fraction). A digest or time one side did not send is not
//! compared, and a note says how many.
//!
//! Exit status 0 when equal, 1 when different, as `diff(1)`; a failure on
//! either side exits as the other commands do, its message naming the side.

mod compare;
mod report;

use std::process::ExitCode;
use std::sync::Arc;

use futures::stream::{self, StreamExt, TryStreamExt};
use wharf::ClientOptions;
use wharf::catalog::{Catalog, CatalogKind, CatalogSpec, RepoRef, TimeResolution};

use crate::args::{DiffArgs, Global};
use crate::commands;
use crate::connect::{self, Connected};
use crate::fail::{CliError, Exit};
use crate::settings::{Settings, Target};
use compare::{Difference, Pair, Repositories, TagFacts, Tags, Tally};
use report::{Report, SideFacts};

/// Repositories whose tags are listed at once, without `--concurrency`.
const DEFAULT_CONCURRENCY: usize = 4;

/// Compares two catalogs and prints the differences; the exit code says
/// whether there were any.
pub async fn run(global: &Global, args: &DiffArgs) -> Result<ExitCode, CliError> {
    let namespaces = namespaces(args)?;
    let settings = Settings::read(global)?;
    let (tracker, options) = commands::tracker_options(global);
    let result = diff(global, args, namespaces, &settings, options).await;
    tracker.finish();
    if global.verbose {
        eprintln!("wharf: {}", tracker.summary());
    }
    let report = result?;
    let format = global.output.unwrap_or_else(commands::default_format);
    report::print(&report, format, global.quiet)?;
    Ok(if report.summary.equal {
        ExitCode::SUCCESS
    } else {
        Exit::Different.code()
    })
}

/// The source's and the target's namespace, both or neither.
fn namespaces(args: &DiffArgs) -> Result<(Option<String>, Option<String>), CliError> {
    match (
        &args.namespace,
        &args.source_namespace,
        &args.target_namespace,
    ) {
        (Some(both), _, _) => Ok((Some(both.clone()), Some(both.clone()))),
        (None, Some(source), Some(target)) => Ok((Some(source.clone()), Some(target.clone()))),
        (None, None, None) => Ok((None, None)),
        _ => Err(CliError::new(
            Exit::Usage,
            "--source-namespace and --target-namespace go together; \
             for the same namespace on both sides, --namespace",
        )),
    }
}

async fn diff(
    global: &Global,
    args: &DiffArgs,
    (source_ns, target_ns): (Option<String>, Option<String>),
    settings: &Settings,
    options: ClientOptions,
) -> Result<Report, CliError> {
    let (source, target) = futures::try_join!(
        Side::open("source", &args.source, source_ns, settings, options.clone()),
        Side::open("target", &args.target, target_ns, settings, options),
    )?;
    let (source_repos, target_repos) =
        futures::try_join!(source.repositories(), target.repositories())?;
    let (mut differences, pairs) = compare::repositories(&source_repos, &target_repos);
    let tally = if args.no_tags {
        None
    } else {
        let concurrency = global
            .concurrency
            .map_or(DEFAULT_CONCURRENCY, |n| n as usize);
        let times = !args.ignore_times;
        let (found, tally) = compare_tags(&source, &target, &pairs, concurrency, times).await?;
        differences.extend(found);
        Some(tally)
    };
    let source_facts = source.facts(source_repos.len());
    let target_facts = target.facts(target_repos.len());
    let sides = (&source_facts, &target_facts);
    Ok(Report::new(differences, sides, pairs.len(), tally.as_ref()))
}

/// Lists and compares the tags of every pair, `concurrency` pairs at a
/// time; only the pairs in flight are held in memory.
async fn compare_tags(
    source: &Side,
    target: &Side,
    pairs: &[Pair],
    concurrency: usize,
    times: bool,
) -> Result<(Vec<Difference>, Tally), CliError> {
    // No resolution: update times are not compared.
    let resolution = times.then(|| source.resolution().coarser(target.resolution()));
    let mut listed = stream::iter(pairs)
        .map(|pair| async move {
            let (a, b) = futures::try_join!(source.tags(&pair.source), target.tags(&pair.target))?;
            Ok::<_, CliError>((pair, a, b))
        })
        .buffer_unordered(concurrency.max(1));
    let mut tally = Tally {
        times_ignored: !times,
        ..Tally::default()
    };
    let mut differences = Vec::new();
    while let Some(listed) = listed.next().await {
        let (pair, a, b) = listed?;
        differences.extend(compare::tags(pair, &a, &b, resolution, &mut tally));
    }
    Ok((differences, tally))
}

/// One side of the comparison.
struct Side {
    /// `source SPEC` or `target SPEC`, leading its errors.
    label: String,
    connected: Connected,
    namespace: Option<String>,
}

impl Side {
    /// Opens the catalog `text` names, as side `role`.
    async fn open(
        role: &str,
        text: &str,
        namespace: Option<String>,
        settings: &Settings,
        options: ClientOptions,
    ) -> Result<Side, CliError> {
        let (target, name) = side_target(role, text, settings)?;
        let label = format!("{role} {name}");
        // Quiet: a demo side was asked for by name, so it needs no notice.
        let selection = connect::Selection::default();
        let connected = connect::open(target, settings, options, selection, true)
            .await
            .map_err(|e| e.context(&label))?;
        Ok(Side {
            label,
            connected,
            namespace,
        })
    }

    fn catalog(&self) -> &Arc<dyn Catalog> {
        &self.connected.catalog
    }

    fn resolution(&self) -> TimeResolution {
        self.catalog().capabilities().time_resolution
    }

    fn facts(&self, repositories: usize) -> SideFacts {
        SideFacts {
            kind: self.catalog().name().to_owned(),
            resolution: self.resolution(),
            repositories,
        }
    }

    /// Its repositories, by the name they are matched on.
    async fn repositories(&self) -> Result<Repositories, CliError> {
        let within = self.namespace.is_some();
        self.catalog()
            .list_repositories(self.namespace.as_deref())
            .map_ok(|r| {
                let key = if within {
                    r.name.clone()
                } else {
                    r.qualified_name()
                };
                (key, r.repo_ref())
            })
            .try_collect()
            .await
            .map_err(|e| CliError::from(e).context(&self.label))
    }

    /// The tags of `repository`, by name.
    async fn tags(&self, repository: &RepoRef) -> Result<Tags, CliError> {
        self.catalog()
            .list_tags(repository)
            .map_ok(|t| (t.name.clone(), TagFacts::from(t)))
            .try_collect()
            .await
            .map_err(|e| CliError::from(e).context(&self.label))
    }
}

/// What side `role`'s text names, and the name its errors give it.
fn side_target(role: &str, text: &str, settings: &Settings) -> Result<(Target, String), CliError> {
    let demo = match text {
        "demo" => Some(CatalogKind::Swr),
        "demo-uhub" => Some(CatalogKind::Uhub),
        _ => None,
    };
    if let Some(kind) = demo {
        return Ok((Target::Demo(kind), text.to_owned()));
    }
    // The error quotes no more of the text than the spec parser does, in
    // case a secret was pasted into it.
    let spec: CatalogSpec = text.parse().map_err(|e| {
        let what = format!("{role}: {e}; a side is a spec such as swr://cn-north-4, or demo");
        CliError::new(Exit::Usage, what)
    })?;
    let name = spec.to_string();
    Ok((settings.target_for_spec(spec), name))
}
