//! `wharf prune` and `wharf apply`: the front of `wharf::prune`. The plan,
//! the checks and the journal are the library's; this reads flags, prints,
//! and asks before deleting.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use futures::TryStreamExt;
use wharf::catalog::CatalogKind;
use wharf::prune::{
    self, ApplyOptions, ApplyReport, Journal, Outcome, Pattern, Plan, PlanHeader, PlanOptions,
    PlanWriter, Policy, RateControl,
};

use crate::args::{ApplyArgs, Global, Output, PruneArgs};
use crate::commands::{default_format, tracker_options};
use crate::connect::{self, Selection};
use crate::fail::{CliError, Exit};
use crate::output::{Printer, human_size};
use crate::reference::{self, Place};
use crate::settings::{Settings, Target, parse_duration};

/// What a plan calls the catalog a target reaches: its spec, or `demo:KIND`
/// for the demo registry (whose address changes from run to run).
fn catalog_name(target: &Target) -> String {
    match target {
        Target::Spec { spec, .. } => spec.to_string(),
        Target::Demo(kind) => format!("demo:{}", kind.as_str()),
    }
}

/// The policy the flags say.
fn policy(args: &PruneArgs) -> Result<Policy, CliError> {
    let pattern = |flag: &str, text: &str| {
        Pattern::new(text).map_err(|e| CliError::new(Exit::Usage, format!("{flag}: {e}")))
    };
    // The library's defaults (keep ^latest$), then what the flags say.
    let mut policy = Policy::keep_last(0);
    policy.keep_last = args.keep_last;
    policy.older_than = match &args.older_than {
        Some(text) => Some(parse_duration("--older-than", text)?),
        None => None,
    };
    policy
        .check()
        .map_err(|e| CliError::new(Exit::Usage, e.to_string()))?;
    if let Some(text) = &args.matching {
        policy = policy.with_match(pattern("--match", text)?);
    }
    if let Some(text) = &args.keep {
        let keep = match text.is_empty() {
            true => None,
            false => Some(pattern("--keep", text)?),
        };
        policy = policy.with_keep(keep);
    }
    Ok(policy.with_shared_digest(args.allow_shared_digest))
}

/// `wharf prune`: plans, prints the plan, writes it with `--out`; deletes nothing.
pub async fn run_prune(global: &Global, args: &PruneArgs) -> Result<(), CliError> {
    let settings = Settings::read(global)?;
    let policy = policy(args)?;
    let target = settings.target(global, false)?;
    let name = catalog_name(&target);
    let mut options = PlanOptions::default().with_catalog_name(name.clone());
    options.namespaces.clone_from(&args.namespace);
    let place = Place {
        kind: target.kind(),
        region: target.region(),
    };
    for text in &args.repository {
        let repository = reference::repository(text, place)
            .map_err(|e| CliError::new(Exit::Usage, format!("--repository: {e}")))?;
        options = options.with_repository(repository);
    }
    options.concurrency = settings.list.concurrency.clamp(1, 16);
    let kind = target.kind();
    let (tracker, client) = tracker_options(global);
    let open = connect::open(
        target,
        &settings,
        client,
        Selection::default(),
        global.quiet,
    )
    .await?;
    let header = PlanHeader::new(name.clone(), &policy);
    let mut file = match &args.out {
        Some(path) => Some(PlanWriter::new(create(path)?, &header)?),
        None => None,
    };
    let format = global.output.unwrap_or_else(default_format);
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if format == Output::Ndjson {
        // On a pipe the output is a plan file too: `wharf prune ... > plan`.
        serde_json::to_writer(&mut out, &header).map_err(std::io::Error::from)?;
        out.write_all(b"\n")?;
    }
    let mut printer = Printer::new(format, out).with_columns(global.columns.clone());
    printer
        .header::<prune::PlanEntry>()
        .map_err(|e| CliError::new(Exit::Usage, e))?;
    let mut totals = Totals::default();
    let mut plans = prune::plan(Arc::clone(&open.catalog), policy, options);
    // Stdout closed (`| head`): the plan file, if any, is still written
    // whole; only the printing stops.
    let mut closed = false;
    let result = loop {
        let repository = match plans.try_next().await {
            Ok(Some(repository)) => repository,
            Ok(None) => break Ok(()),
            Err(e) => break Err(CliError::from(e)),
        };
        totals.add(&repository);
        if let Some(file) = &mut file {
            for entry in &repository.entries {
                file.entry(entry)?;
            }
        }
        if !closed {
            closed = tracker.suspend(|| print(&mut printer, &repository.entries))?;
        }
        if closed && file.is_none() {
            break Ok(());
        }
    };
    tracker.finish();
    if let Some(file) = file {
        file.finish()?;
    }
    if !closed {
        tracker.suspend(|| -> Result<(), CliError> {
            printer.finish()?;
            if format == Output::Ndjson {
                // What makes stdout a whole plan file.
                let mut out = std::io::stdout().lock();
                serde_json::to_writer(&mut out, &prune::PlanEnd::new(totals.entries))
                    .map_err(std::io::Error::from)?;
                out.write_all(b"\n")?;
                out.flush()?;
            }
            Ok(())
        })?;
    }
    result?;
    if !global.quiet {
        eprintln!("wharf: {}", totals.line(&name, kind, args.out.as_deref()));
    }
    Ok(())
}

/// Prints a repository's entries; `Ok(true)` when stdout was closed.
fn print<W: Write>(
    printer: &mut Printer<W>,
    entries: &[prune::PlanEntry],
) -> Result<bool, CliError> {
    let printed = entries
        .iter()
        .try_for_each(|entry| printer.row(entry))
        .and_then(|()| printer.flush());
    match printed {
        Ok(()) => Ok(false),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(true),
        Err(e) => Err(e.into()),
    }
}

fn create(path: &Path) -> Result<BufWriter<File>, CliError> {
    File::create(path).map(BufWriter::new).map_err(|e| {
        CliError::new(
            Exit::Usage,
            format!("cannot write the plan {}: {e}", path.display()),
        )
    })
}

/// The counts of a plan, for its summary line.
#[derive(Default)]
struct Totals {
    /// Every entry printed, deletes and those left.
    entries: u64,
    repositories: u64,
    tags: u64,
    deletes: u64,
    repositories_touched: u64,
    left: u64,
    bytes: Option<u64>,
    sizes_unknown: bool,
}

impl Totals {
    fn add(&mut self, plan: &prune::RepositoryPlan) {
        let deletes = plan.deletes().count() as u64;
        self.entries += plan.entries.len() as u64;
        self.repositories += 1;
        self.tags += plan.tags as u64;
        self.deletes += deletes;
        self.left += plan.entries.len() as u64 - deletes;
        if deletes > 0 {
            self.repositories_touched += 1;
            match plan.bytes {
                Some(b) => self.bytes = Some(self.bytes.unwrap_or(0) + b),
                None => self.sizes_unknown = true,
            }
        }
    }

    fn line(&self, name: &str, kind: CatalogKind, out: Option<&Path>) -> String {
        let mut line = format!(
            "plan of {name}: {} tags to delete in {} of {} repositories ({} tags seen)",
            self.deletes, self.repositories_touched, self.repositories, self.tags
        );
        if self.left > 0 {
            line.push_str(&format!(
                "; {} more left because a tag that stays has the same digest",
                self.left
            ));
        }
        match (self.sizes_unknown, self.bytes) {
            (true, _) if kind == CatalogKind::Uhub => {
                line.push_str("; bytes freed unknown: UHub sends no sizes")
            }
            (true, _) => line.push_str("; bytes freed unknown: some tags have no size"),
            (false, Some(b)) => line.push_str(&format!("; frees {}", human_size(b))),
            (false, None) => {}
        }
        match out {
            Some(path) => line.push_str(&format!(
                "; written to {} (apply it with: wharf apply {})",
                path.display(),
                path.display()
            )),
            None => line.push_str("; nothing deleted (write it with --out, then wharf apply)"),
        }
        line
    }
}

/// `wharf apply PLAN`: exactly the plan's deletes, after asking.
pub async fn run_apply(global: &Global, args: &ApplyArgs) -> Result<ExitCode, CliError> {
    let plan = read(&args.plan)?;
    let settings = Settings::read(global)?;
    let target = settings.target(global, false)?;
    let name = catalog_name(&target);
    if plan.header.catalog != name {
        let what = format!(
            "{} is a plan of {}, but these settings reach {name}: give the same --catalog \
             (or --provider and --region) as when planning",
            args.plan.display(),
            plan.header.catalog
        );
        return Err(CliError::new(Exit::Usage, what));
    }
    let journal_path = args
        .journal
        .clone()
        .unwrap_or_else(|| journal_of(&args.plan));
    let mut journal = Journal::open(&journal_path, &plan)?;
    let todo: Vec<_> = plan
        .deletes()
        .filter(|(line, _)| !journal.is_finished(*line))
        .collect();
    let total = plan.deletes().count();
    if total > args.max_deletes {
        let what = format!(
            "the plan deletes {total} tags, more than --max-deletes {}: raise it to apply this plan",
            args.max_deletes
        );
        return Err(CliError::new(Exit::Usage, what));
    }
    if !todo.is_empty() {
        let repositories: std::collections::HashSet<_> =
            todo.iter().map(|(_, e)| &e.repository).collect();
        let question = format!(
            "delete {} tags in {} repositories of {name}{}?",
            todo.len(),
            repositories.len(),
            match total - todo.len() {
                0 => String::new(),
                done => format!(
                    " ({done} more are finished already, per {})",
                    journal_path.display()
                ),
            }
        );
        confirm(&question, args.yes)?;
    }
    let rate = RateControl::new(settings.list.concurrency.max(1));
    let (tracker, client) = tracker_options(global);
    let client = client.with_observer(rate.observer());
    let open = connect::open(
        target,
        &settings,
        client,
        Selection::default(),
        global.quiet,
    )
    .await?;
    let bar = Bar::new(todo.len() as u64, global.quiet);
    let step = bar.clone();
    let options = ApplyOptions::default()
        .with_catalog_name(name)
        .with_max_deletes(args.max_deletes)
        .with_concurrency(settings.list.concurrency.max(1))
        .with_rate(rate)
        .with_on_outcome(move |_, outcome| step.step(outcome));
    let report = prune::apply(open.catalog.as_ref(), &plan, &mut journal, &options).await;
    bar.finish();
    tracker.finish();
    let report = report?;
    if !global.quiet {
        print_report(&report, &journal_path);
    }
    Ok(
        match (report.failed.is_empty(), report.changed.is_empty()) {
            (false, _) => Exit::Incomplete.code(),
            (true, false) => Exit::Changed.code(),
            (true, true) => ExitCode::SUCCESS,
        },
    )
}

fn read(path: &Path) -> Result<Plan, CliError> {
    let file = File::open(path).map_err(|e| {
        CliError::new(
            Exit::Usage,
            format!("cannot read the plan {}: {e}", path.display()),
        )
    })?;
    prune::read_plan(BufReader::new(file))
        .map_err(|e| CliError::new(Exit::Usage, format!("{}: {e}", path.display())))
}

/// `PLAN.journal`, beside the plan.
fn journal_of(plan: &Path) -> PathBuf {
    let mut name = plan.as_os_str().to_owned();
    name.push(".journal");
    PathBuf::from(name)
}

/// Asks on a terminal; elsewhere only `--yes` goes ahead.
fn confirm(question: &str, yes: bool) -> Result<(), CliError> {
    if yes {
        return Ok(());
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let what = format!("{question} Not without --yes: stdin is not a terminal to ask on");
        return Err(CliError::new(Exit::Usage, what));
    }
    eprint!("wharf: {question} Type yes to delete: ");
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    if answer.trim() != "yes" {
        return Err(CliError::new(Exit::Usage, "not confirmed: nothing deleted"));
    }
    Ok(())
}

fn print_report(report: &ApplyReport, journal: &Path) {
    for (entry, what) in &report.changed {
        eprintln!(
            "wharf: left {}:{}: changed since the plan ({what})",
            entry.repository, entry.tag
        );
    }
    for (entry, what) in &report.failed {
        eprintln!("wharf: failed {}:{}: {what}", entry.repository, entry.tag);
    }
    let mut line = format!(
        "apply: {} deleted, {} already absent, {} changed and left, {} failed",
        report.deleted,
        report.already_absent,
        report.changed.len(),
        report.failed.len()
    );
    if report.finished_before > 0 {
        line.push_str(&format!(", {} finished before", report.finished_before));
    }
    line.push_str(&format!(" (journal {})", journal.display()));
    if !report.failed.is_empty() {
        line.push_str("; run the same apply again to retry the failures");
    }
    eprintln!("wharf: {line}");
}

/// The apply's progress bar on stderr, when it is a terminal.
#[derive(Clone)]
struct Bar(Option<indicatif::ProgressBar>);

impl Bar {
    fn new(total: u64, quiet: bool) -> Self {
        let draw = !quiet && std::io::stderr().is_terminal() && total > 0;
        Bar(draw.then(|| {
            let bar = indicatif::ProgressBar::new(total);
            let style = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        }))
    }

    fn step(&self, outcome: Outcome) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
            bar.set_message(format!("last: {outcome:?}"));
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
