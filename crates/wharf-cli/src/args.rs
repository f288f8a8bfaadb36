//! The command line: global flags, commands and their arguments.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCompleter;
use wharf::Provider;

/// What `--help` ends with: where settings come from and the exit codes.
const AFTER_HELP: &str = "\
Settings: flags beat the environment, which beats the profile in the config file
($WHARF_CONFIG, which must exist, else $XDG_CONFIG_HOME/wharf/config.toml or
~/.config/wharf/config.toml, which need not).
`wharf config init` writes a profile template there (mode 600, which a file with
secrets must keep); `wharf config show` shows what is in effect; `wharf check` tries it.
Credentials: HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_PROJECT_ID,
HUAWEICLOUD_SDK_SECURITY_TOKEN, HUAWEICLOUD_SDK_REGION; UCLOUD_PUBLIC_KEY,
UCLOUD_PRIVATE_KEY, UCLOUD_PROJECT_ID, UCLOUD_REGION. With no credentials and no
endpoint, wharf lists its built-in demo registry.

Exit status:
  0  success; for diff, the catalogs are equal
  1  diff: the catalogs differ
  2  usage: a bad flag, argument, spec or config file
  3  auth: the credentials were refused or lack a permission
  4  not found
  5  throttled, retries ran out
  6  network: connection, TLS or timeout
  7  the catalog changed during the listing, or its pages did not add up
  8  other: a server error or a response that could not be read
  9  apply: done, but some tags changed since the plan and were left
 10  apply: some deletes failed; run the same apply again to retry them";

/// List, export and compare the image catalogs of Huawei Cloud SWR and
/// UCloud UHub.
#[derive(Debug, Parser)]
#[command(name = "wharf", version, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Wharf {
    /// The flags every command takes.
    #[command(flatten)]
    pub global: Global,
    /// The command.
    #[command(subcommand)]
    pub command: TopCommand,
}

/// Every command: one of a catalog, or one about the settings.
#[derive(Debug, Subcommand)]
pub enum TopCommand {
    /// A command of a catalog: listing, diff, prune, apply, completions, man.
    #[command(flatten)]
    Catalog(Command),
    /// Write a profile template, or show the settings in effect.
    Config {
        /// What to do.
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Check the credentials with one cheap signed request to the catalog.
    #[command(after_help = "\
Asks the catalog the settings name (see `wharf config show`) for one small answer:
SWR's namespaces, or one UHub repo (GetRepo, Limit 1). Exit 0 when the credentials
work, 3 when they are refused, 2 when none are set for a provider's public endpoint.")]
    Check,
}

/// `wharf config ...`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Write a profile template (mode 600), every key commented out and explained.
    #[command(after_help = "\
Writes to $WHARF_CONFIG, else $XDG_CONFIG_HOME/wharf/config.toml or
~/.config/wharf/config.toml, creating the folder. The profile is `default`, or the
one --profile names. A new profile goes at the end of an existing file; one already
there is replaced only with --force. It writes no value: fill in the keys yourself.")]
    Init(InitArgs),
    /// Show the settings in effect and where each came from, secrets masked.
    Show,
}

/// `wharf config init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Replace the profile when the file has one of that name (its keys are lost).
    #[arg(long)]
    pub force: bool,
}

/// One command of a catalog with the global flags: what the listing
/// commands, diff, prune and apply read.
#[derive(Debug)]
pub struct Cli {
    /// The flags every command takes.
    pub global: Global,
    /// The command.
    pub command: Command,
}

/// Flags every command takes, under a heading of their own in each
/// command's help, after the command's own.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// The registry API.
    #[arg(long, global = true, env = "WHARF_PROVIDER", value_parser = provider_parser())]
    pub provider: Option<Provider>,
    /// The region, such as cn-north-4 (SWR) or cn-bj2 (UHub).
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,
    /// A custom endpoint, such as http://127.0.0.1:8080 (an emulator).
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint: Option<String>,
    /// The whole catalog as one spec: swr://REGION, swr+https://HOST,
    /// swr-official://REGION, uhub://REGION, uhub+http://HOST?region=R.
    #[arg(long, global = true, value_name = "SPEC", env = "WHARF_CATALOG",
          add = ArgValueCompleter::new(crate::complete::specs))]
    pub catalog: Option<String>,
    /// The profile of the config file to read.
    #[arg(long, global = true, value_name = "NAME", env = "WHARF_PROFILE",
          add = ArgValueCompleter::new(crate::complete::profiles))]
    pub profile: Option<String>,
    /// Output format; a table on a terminal, NDJSON otherwise.
    #[arg(long, short, global = true, value_enum)]
    pub output: Option<Output>,
    /// The table's and CSV's columns, in this order, such as tag,size,updated.
    #[arg(long, global = true, value_name = "NAMES", value_delimiter = ',')]
    pub columns: Option<Vec<String>>,
    /// Items per request (1..=1000).
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub page_size: Option<u32>,
    /// Requests in flight at most.
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: Option<u32>,
    /// Stop after N items (at least 1).
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: Option<u64>,
    /// Longest time for one request, retries included, such as 30s or 2m.
    #[arg(long, global = true, value_name = "DURATION")]
    pub timeout: Option<String>,
    /// Allow plain http to a host that is not loopback: requests, signed,
    /// then cross the network in clear. Refused without it.
    #[arg(long, global = true)]
    pub allow_plain_http: bool,
    /// On stderr, a line per request (method, URL, status, attempt, time)
    /// and a summary at the end; RUST_LOG=wharf=debug for more.
    #[arg(long, short, global = true, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Print nothing on stderr but errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

/// `--provider`: the provider's name, with its title as the help.
fn provider_parser() -> impl TypedValueParser<Value = Provider> {
    let values = Provider::ALL.map(|p| PossibleValue::new(p.as_str()).help(p.title()));
    // Only the names above get this far.
    PossibleValuesParser::new(values)
        .map(|name| Provider::from_name(&name).unwrap_or(Provider::Swr))
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// Aligned columns, for people.
    Table,
    /// Aligned columns with every value whole: digests, bytes, instants.
    Wide,
    /// One JSON array, every field the provider sent.
    Json,
    /// One JSON object a line, every field the provider sent.
    Ndjson,
    /// Comma-separated values with a header.
    Csv,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List repositories (UHub: the images of a repo).
    Repos(ReposArgs),
    /// List the tags of a repository.
    Tags(TagsArgs),
    /// Show one repository, or one tag (NAMESPACE/REPOSITORY:TAG).
    Show(ShowArg),
    /// List namespaces (UHub: repos).
    Namespaces,
    /// The official (dockerhub) images of SWR.
    Official {
        #[command(subcommand)]
        command: OfficialCommand,
    },
    /// Compare two catalogs: repositories and tags only in one, tags that differ.
    Diff(DiffArgs),
    /// Plan a cleanup: which tags a policy deletes, and why. Deletes nothing.
    Prune(PruneArgs),
    /// Delete exactly the tags of a plan from `wharf prune`, each re-checked and journaled.
    Apply(ApplyArgs),
    /// Where the storage goes: size, tags and pulls per repository or namespace, largest first.
    Du(DuArgs),
    /// Print the shell's completion script.
    ///
    /// It completes commands, flags, profiles, specs and diff's demo sides
    /// by asking wharf at each <TAB>.
    #[command(after_help = "\
Load it in the shell's startup file, with `wharf` on the PATH:
  bash:        source <(wharf completions bash)       (~/.bashrc)
  zsh:         source <(wharf completions zsh)        (~/.zshrc)
  fish:        wharf completions fish | source        (~/.config/fish/config.fish)
  elvish:      eval (wharf completions elvish | slurp)
  powershell:  wharf completions powershell | Out-String | Invoke-Expression")]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or with --dir write every page
    /// (wharf.1, wharf-repos.1, ...) into a folder.
    Man {
        /// Write wharf.1 and a page per subcommand here.
        #[arg(long, value_name = "DIR")]
        dir: Option<std::path::PathBuf>,
    },
}

/// `wharf repos`.
#[derive(Debug, Args)]
pub struct ReposArgs {
    /// Only this namespace (UHub: the repo whose images to list).
    #[arg(long, value_name = "NS")]
    pub namespace: Option<String>,
    /// Only names containing this text.
    #[arg(long, value_name = "SUBSTR")]
    pub name: Option<String>,
    /// Only this category (SWR).
    #[arg(long, value_name = "C")]
    pub category: Option<String>,
    /// Only public repositories (SWR).
    #[arg(long, conflicts_with = "private")]
    pub public: bool,
    /// Only private repositories (SWR).
    #[arg(long)]
    pub private: bool,
    #[command(flatten)]
    pub select: SelectArgs,
}

/// `wharf tags`.
#[derive(Debug, Args)]
pub struct TagsArgs {
    /// The repository, as NAMESPACE/REPOSITORY (UHub: REPO/IMAGE), or its
    /// pull path (swr.cn-north-4.myhuaweicloud.com/team/nginx).
    #[arg(value_name = "NAMESPACE/REPOSITORY")]
    pub repository: String,
    #[command(flatten)]
    pub select: SelectArgs,
}

/// What `repos` and `tags` keep and in which order (the selection of
/// `prune`, without deleting anything).
#[derive(Debug, Args)]
pub struct SelectArgs {
    /// Only entries whose name matches this regular expression (a
    /// repository's NS/NAME, a tag's name).
    #[arg(long = "match", value_name = "REGEX")]
    pub matching: Option<String>,
    /// Only entries updated longer ago than this, such as 30d.
    #[arg(long, value_name = "DURATION")]
    pub older_than: Option<String>,
    /// Only entries updated at most this long ago, such as 12h.
    #[arg(long, value_name = "DURATION")]
    pub newer_than: Option<String>,
    /// Sort by this field (names A-Z; the others largest or newest first);
    /// the listing is then read whole before it is printed.
    #[arg(long, value_enum, value_name = "FIELD")]
    pub sort: Option<SortField>,
    /// The other way round (with --sort).
    #[arg(long)]
    pub reverse: bool,
}

/// What `--sort` sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortField {
    /// The name.
    Name,
    /// The update time.
    Updated,
    /// The creation time.
    Created,
    /// The size.
    Size,
    /// The pull count (repositories).
    Pulls,
    /// The tag count (repositories).
    Tags,
}

/// `wharf prune`.
#[derive(Debug, Args)]
#[command(after_help = "\
Per repository: the tags matching --match (default all) and not --keep (default ^latest$)
are ranked newest first (ties by name); a tag is planned when its rank is at least
--keep-last and, with --older-than, it is older than that. A tag sharing its digest
with a tag that stays is left, and the plan says so. Give --keep-last, --older-than
or both; --keep-last 0 plans every tag in scope.

On a terminal the plan is a table; elsewhere NDJSON, which is also the plan file:
  wharf prune --namespace team --keep-last 10 --out plan.ndjson
  wharf apply plan.ndjson")]
pub struct PruneArgs {
    /// Only this namespace (repeat for more; default: every namespace).
    #[arg(long, value_name = "NS")]
    pub namespace: Vec<String>,
    /// Only this repository (repeat for more).
    #[arg(long, value_name = "NS/REPO")]
    pub repository: Vec<String>,
    /// Only tags whose name matches this regular expression.
    #[arg(long = "match", value_name = "REGEX")]
    pub matching: Option<String>,
    /// Never plan tags whose name matches this (default ^latest$; "" keeps none by name).
    #[arg(long, value_name = "REGEX")]
    pub keep: Option<String>,
    /// Keep the newest N tags in scope of each repository.
    #[arg(long, value_name = "N")]
    pub keep_last: Option<usize>,
    /// Plan only tags updated longer ago than this, such as 30d, 12h, 2w.
    #[arg(long, value_name = "DURATION")]
    pub older_than: Option<String>,
    /// Plan a tag even when a tag that stays has the same digest.
    #[arg(long)]
    pub allow_shared_digest: bool,
    /// Also write the plan to this file (NDJSON), for `wharf apply`.
    #[arg(long, value_name = "PLAN")]
    pub out: Option<std::path::PathBuf>,
}

/// `wharf apply`.
#[derive(Debug, Args)]
#[command(after_help = "\
Deletes only the plan's delete entries, against the catalog the plan names (the same
--catalog, --provider and --region as when planning). Before each delete the tag is read
again and deleted only if its digest and update time are those of the plan. Each outcome
is written to the journal before the next; running apply again continues where it stopped
and never deletes a finished entry twice. Exit 0 when all is done, 9 when some tags had
changed and were left, 10 when some deletes failed (run it again).")]
pub struct ApplyArgs {
    /// The plan file written by `wharf prune --out`.
    #[arg(value_name = "PLAN")]
    pub plan: std::path::PathBuf,
    /// The journal (default: PLAN.journal).
    #[arg(long, value_name = "PATH")]
    pub journal: Option<std::path::PathBuf>,
    /// Delete without asking (needed when stdin is not a terminal).
    #[arg(long)]
    pub yes: bool,
    /// Refuse a plan of more deletes than this.
    #[arg(long, value_name = "N", default_value_t = wharf::prune::DEFAULT_MAX_DELETES)]
    pub max_deletes: usize,
}

/// `wharf du`.
#[derive(Debug, Args)]
#[command(after_help = "\
One row per repository (--by namespace: per namespace), largest first (with no sizes, as
on UHub: most tags first), ties by name. What each column counts:
  TAGS          the tags.
  IMAGES        the distinct digests among them; a tag with no digest is an image of its own.
  SIZE          the sizes the provider reports for those images, each digest once: tags
                sharing a digest are one image. A layer two different images share is in
                both (the providers report whole images, not layers).
  OLDEST/NEWEST the earliest and the latest update time of a tag.
  PULLS         the repository's pull count, as the provider reports it.
A namespace's row is the sum of its repositories' rows: a digest two repositories hold is
counted once in each. A repository is what you delete or prune, and keeps its images
whatever other repositories hold, so each row says what that repository holds; counting a
shared digest once per namespace would also need every digest of the namespace in memory.
The total is the sum of the rows (each digest once per repository).

What the provider does not send is - (JSON null, CSV empty), and a note on stderr says
so: UHub sends no sizes; SWR's official images (--catalog swr-official://...) send no
digests, so each of their tags counts as an image.

A table ends with the total line; JSON, NDJSON and CSV hold only the rows (the total is
their sum) and the total line goes to stderr. --limit is refused: a size needs every tag.

Tags are listed --concurrency repositories at a time (default 4, at most 16), each
repository folded into one row as its tags arrive, so memory holds one small row per
repository (about 210 bytes, for the sort), per namespace with --by namespace, or
--top N rows at most; never the tags.")]
pub struct DuArgs {
    /// Only this namespace (UHub: this repo); repeat for more (default: every namespace).
    #[arg(long, value_name = "NS")]
    pub namespace: Vec<String>,
    /// One row per repository or per namespace.
    #[arg(long, value_enum, value_name = "GROUP", default_value_t = DuBy::Repository)]
    pub by: DuBy,
    /// Only the N largest rows (the total still counts every repository);
    /// memory then holds N rows, whatever the catalog's size.
    #[arg(long, value_name = "N", value_parser = parse_top)]
    pub top: Option<usize>,
}

/// `--top`: a count of at least 1.
fn parse_top(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("0 would show no row; give at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(format!("not a count: {e}")),
    }
}

/// What `wharf du` has a row for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DuBy {
    /// A row per repository.
    Repository,
    /// A row per namespace (UHub: repo), the sum of its repositories.
    Namespace,
}

/// A repository, as `NAMESPACE/REPOSITORY`.
#[derive(Debug, Args)]
pub struct RepoArg {
    /// The repository, as NAMESPACE/REPOSITORY (UHub: REPO/IMAGE), or its
    /// pull path (swr.cn-north-4.myhuaweicloud.com/team/nginx); an official
    /// image also by its name alone (nginx for library/nginx).
    #[arg(value_name = "NAMESPACE/REPOSITORY")]
    pub repository: String,
}

/// What `show` shows: a repository, or one of its tags.
#[derive(Debug, Args)]
pub struct ShowArg {
    /// The repository, as for `tags`, or one tag of it as REPOSITORY:TAG
    /// (team/nginx:1.2, or a pull path with its tag).
    #[arg(value_name = "NAMESPACE/REPOSITORY[:TAG]")]
    pub repository: String,
}

/// `wharf official ...`.
#[derive(Debug, Subcommand)]
pub enum OfficialCommand {
    /// List official images.
    Images {
        /// Only this namespace.
        #[arg(long, value_name = "NS")]
        namespace: Option<String>,
        /// Only names containing this text.
        #[arg(long, value_name = "SUBSTR")]
        name: Option<String>,
    },
    /// List the tags of an official image.
    Tags(RepoArg),
    /// Show an official image, or one of its tags (nginx:1.27).
    Show(ShowArg),
}

/// `wharf diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The catalog to compare from, as a spec (see --catalog), or demo or
    /// demo-uhub for the built-in demo registry through SWR's or UHub's API.
    #[arg(value_name = "SOURCE", add = ArgValueCompleter::new(crate::complete::sides))]
    pub source: String,
    /// The catalog to compare with, as SOURCE.
    #[arg(value_name = "TARGET", add = ArgValueCompleter::new(crate::complete::sides))]
    pub target: String,
    /// Compare this namespace on both sides (UHub: this repo).
    #[arg(long, value_name = "NS")]
    pub namespace: Option<String>,
    /// The source's namespace, when it differs from the target's.
    #[arg(long, value_name = "NS", conflicts_with = "namespace")]
    pub source_namespace: Option<String>,
    /// The target's namespace, when it differs from the source's.
    #[arg(long, value_name = "NS", conflicts_with = "namespace")]
    pub target_namespace: Option<String>,
    /// Compare repositories only, not their tags.
    #[arg(long)]
    pub no_tags: bool,
    /// Do not compare update times: after a migration every pushed tag has
    /// a new one, so only digests tell a changed image. A tag is then
    /// compared by its digest alone (hence --digest-only), since names,
    /// digests and update times are all diff compares.
    #[arg(long, visible_alias = "digest-only", conflicts_with = "no_tags")]
    pub ignore_times: bool,
}
