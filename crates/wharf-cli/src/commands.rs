//! The listing commands: open the catalog, stream its items to the printer.

use std::io::{IsTerminal, Write};
use std::sync::Arc;

use futures::FutureExt;
use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use wharf::catalog::{CatalogKind, RepoRef};
use wharf::model::RepositoryQuery;
use wharf::model::TagName;
use wharf::{ClientOptions, Error};

use crate::args::{
    Cli, Command, Global, OfficialCommand, Output, RepoArg, ReposArgs, ShowArg, TagsArgs,
};
use crate::connect::{self, Connected, Selection};
use crate::fail::{CliError, Exit};
use crate::output::{Printer, Row};
use crate::progress::Tracker;
use crate::reference::{self, Place};
use crate::select::Select;
use crate::settings::Settings;

/// Runs a listing command; `Ok` means it printed everything.
pub async fn run(cli: &Cli) -> Result<(), CliError> {
    let global = &cli.global;
    let settings = Settings::read(global)?;
    let (tracker, options) = tracker_options(global);
    let result = list(cli, &settings, options, &tracker).await;
    tracker.finish();
    if global.verbose {
        eprintln!("wharf: {}", tracker.summary());
    }
    result
}

async fn list(
    cli: &Cli,
    settings: &Settings,
    options: ClientOptions,
    tracker: &Tracker,
) -> Result<(), CliError> {
    let global = &cli.global;
    let is_official = matches!(cli.command, Command::Official { .. });
    let target = settings.target(global, is_official)?;
    let kind = target.kind();
    let region = target.region().map(str::to_owned);
    let place = Place {
        kind,
        region: region.as_deref(),
    };
    let mut selection = Selection::default();
    match &cli.command {
        Command::Repos(args) if kind == CatalogKind::Swr => {
            selection.repositories = repository_query(args)?;
        }
        Command::Repos(args) => refuse_swr_filters(args)?,
        Command::Official {
            command: OfficialCommand::Images { name, .. },
        } => selection.image_name.clone_from(name),
        _ => {}
    }
    // What the command names and selects, read before anything is opened:
    // a bad reference or pattern is a usage error with nothing started.
    let named = named(&cli.command, place)?;
    let select = match &cli.command {
        Command::Repos(ReposArgs { select, .. }) | Command::Tags(TagsArgs { select, .. }) => {
            Select::new(select)?
        }
        _ => Select::everything(),
    };
    let open = connect::open(target, settings, options, selection, global.quiet).await?;
    tracker.waiting(&waiting_for(&open, settings));
    let format = global.output.unwrap_or_else(default_format);
    let shape = Shape {
        format,
        columns: global.columns.as_deref(),
    };
    match &cli.command {
        Command::Repos(args) => {
            let items = open.catalog.list_repositories(args.namespace.as_deref());
            let items = match (&args.name, kind) {
                // SWR filters by name itself; UHub cannot.
                (Some(name), CatalogKind::Uhub) => contains(items, name.clone()),
                _ => items,
            };
            print_with(select.apply(items), shape, tracker).await
        }
        Command::Tags(_)
        | Command::Official {
            command: OfficialCommand::Tags(_),
        } => {
            let (repository, _) = named.ok_or_else(unnamed)?;
            let items = open.catalog.list_tags(&repository);
            print_with(select.apply(items), shape, tracker).await
        }
        Command::Show(_)
        | Command::Official {
            command: OfficialCommand::Show(_),
        } => {
            let what = named.ok_or_else(unnamed)?;
            crate::show::run(&open, what, format, tracker).await
        }
        Command::Namespaces => print_with(open.catalog.list_namespaces(), shape, tracker).await,
        // The catalog sends the name and checks every image against it.
        Command::Official {
            command: OfficialCommand::Images { namespace, .. },
        } => {
            let items = open.catalog.list_repositories(namespace.as_deref());
            print_with(items, shape, tracker).await
        }
        Command::Diff(_)
        | Command::Prune(_)
        | Command::Apply(_)
        | Command::Du(_)
        | Command::Completions { .. }
        | Command::Man { .. } => Ok(()),
    }
}

/// The repository (or tag) a command names, as people type it.
fn named(command: &Command, place: Place<'_>) -> Result<Option<Named>, CliError> {
    Ok(match command {
        Command::Tags(TagsArgs { repository, .. })
        | Command::Official {
            command: OfficialCommand::Tags(RepoArg { repository }),
        } => Some((reference::repository(repository, place)?, None)),
        Command::Show(ShowArg { repository })
        | Command::Official {
            command: OfficialCommand::Show(ShowArg { repository }),
        } => Some(reference::repository_or_tag(repository, place)?),
        _ => None,
    })
}

/// A repository, and maybe one of its tags.
type Named = (RepoRef, Option<TagName>);

/// `named` has an answer for every command that names a repository.
fn unnamed() -> CliError {
    CliError::new(Exit::Other, "the command names no repository")
}

/// `ENDPOINT (gives up after 120s, --timeout)`: what the spinner waits
/// for, and for how long at most (a request, retries included).
pub fn waiting_for(open: &Connected, settings: &Settings) -> String {
    let limit = settings
        .timeout
        .unwrap_or(wharf::Timeouts::default().operation)
        .as_secs();
    format!(
        "{} (gives up after {limit}s, --timeout)",
        open.catalog.endpoint()
    )
}

/// How a listing is printed: the format, and the columns `--columns` chose.
#[derive(Clone, Copy)]
pub struct Shape<'a> {
    /// The format.
    pub format: Output,
    /// The columns of a table or CSV, when chosen.
    pub columns: Option<&'a [String]>,
}

/// A table when stdout is a terminal, NDJSON otherwise.
pub fn default_format() -> Output {
    if std::io::stdout().is_terminal() {
        Output::Table
    } else {
        Output::Ndjson
    }
}

/// Prints items as they arrive, flushing whenever none is ready, so a
/// reader sees each page at once; the progress bar steps aside for them.
///
/// The items ready at once are gathered in one buffer, reused from batch to
/// batch, and printed together: the stream is not polled while the bar is
/// suspended, since polling reports progress to the bar.
pub async fn print_with<R: Row + Send + 'static>(
    mut items: BoxStream<'static, Result<R, Error>>,
    shape: Shape<'_>,
    tracker: &Tracker,
) -> Result<(), CliError> {
    let stdout = std::io::stdout();
    let columns = shape.columns.map(<[String]>::to_vec);
    let mut printer =
        Printer::new(shape.format, std::io::BufWriter::new(stdout.lock())).with_columns(columns);
    // An unknown column is refused before anything is printed.
    printer
        .header::<R>()
        .map_err(|e| CliError::new(Exit::Usage, e))?;
    let mut ready = Vec::new();
    let mut ended = false;
    while !ended {
        let Some(first) = items.next().await else {
            break;
        };
        ready.push(first);
        while ready.len() < BATCH {
            match items.next().now_or_never() {
                Some(Some(item)) => ready.push(item),
                // The end: a stream is not polled again after it.
                Some(None) => {
                    ended = true;
                    break;
                }
                None => break,
            }
        }
        let mut failed = None;
        tracker.suspend(|| -> Result<(), CliError> {
            for item in ready.drain(..) {
                match item {
                    Ok(item) => printer.row(&item)?,
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
            printer.flush()?;
            Ok(())
        })?;
        if let Some(e) = failed {
            // What arrived before the failure is printed, then the failure.
            tracker.suspend(|| printer.finish_quietly())?;
            return Err(e.into());
        }
    }
    tracker.suspend(|| printer.finish())?;
    Ok(())
}

/// Items printed between two flushes at most.
const BATCH: usize = 1024;

/// Only items whose name contains `text`.
fn contains(
    items: BoxStream<'static, Result<wharf::catalog::Repository, Error>>,
    text: String,
) -> BoxStream<'static, Result<wharf::catalog::Repository, Error>> {
    items
        .try_filter(move |r| std::future::ready(r.name.contains(&text)))
        .boxed()
}

/// SWR's server-side filters of `wharf repos`.
fn repository_query(args: &ReposArgs) -> Result<RepositoryQuery, CliError> {
    let mut query = RepositoryQuery::default();
    query.name.clone_from(&args.name);
    if let Some(category) = &args.category {
        // Unknown categories are kept, not refused: new ones appear.
        let Ok(category) = category.parse();
        query.category = Some(category);
    }
    query.is_public = match (args.public, args.private) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    };
    Ok(query)
}

fn refuse_swr_filters(args: &ReposArgs) -> Result<(), CliError> {
    if args.category.is_some() || args.public || args.private {
        let what = "--category, --public and --private are SWR's filters; UHub has none";
        return Err(CliError::new(Exit::Usage, what));
    }
    Ok(())
}

/// Writes `text` to stdout.
pub fn write_out(text: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(text)?;
    out.flush()?;
    Ok(())
}

/// The tracker of a command, shared with diff; with `--verbose`, a line on
/// stderr for every attempt of every request.
pub fn tracker_options(global: &Global) -> (Arc<Tracker>, ClientOptions) {
    let tracker = Tracker::new(global.quiet);
    let mut options = ClientOptions::default();
    options.progress = Some(tracker.progress_fn());
    options.allow_plain_http = global.allow_plain_http;
    if global.verbose {
        let shown = Arc::clone(&tracker);
        options.observer = Some(Arc::new(move |attempt: &wharf::transport::Attempt| {
            let line = attempt_line(attempt);
            shown.suspend(|| eprintln!("wharf: {line}"));
        }));
    }
    (tracker, options)
}

/// `GET URL -> 200 (attempt 1, 12 ms)`, with the failure and the wait
/// before the next attempt when there is one.
fn attempt_line(attempt: &wharf::transport::Attempt) -> String {
    let status = match (attempt.status, attempt.error) {
        (Some(status), None) => status.as_u16().to_string(),
        (Some(status), Some(kind)) => format!("{} {kind:?}", status.as_u16()),
        (None, Some(kind)) => format!("no response ({kind:?})"),
        (None, None) => "no response".to_owned(),
    };
    let mut line = format!(
        "{} {} -> {status} (attempt {}, {} ms",
        attempt.method,
        attempt.url,
        attempt.number,
        attempt.elapsed.as_millis()
    );
    if let Some(wait) = attempt.next_wait {
        line.push_str(&format!("; next in {} ms", wait.as_millis()));
    }
    line.push(')');
    line
}
