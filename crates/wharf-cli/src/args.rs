//! The command line: global flags, commands and their arguments.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use wharf::Provider;

/// What `--help` ends with: where settings come from and the exit codes.
const AFTER_HELP: &str = "\
Settings: flags beat the environment, which beats the profile in the config file
($WHARF_CONFIG, else $XDG_CONFIG_HOME/wharf/config.toml or ~/.config/wharf/config.toml).
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
  8  other: a server error or a response that could not be read";

/// List, export and compare the image catalogs of Huawei Cloud SWR and
/// UCloud UHub.
#[derive(Debug, Parser)]
#[command(name = "wharf", version, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command takes.
#[derive(Debug, Args)]
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
    #[arg(long, global = true, value_name = "SPEC", env = "WHARF_CATALOG")]
    pub catalog: Option<String>,
    /// The profile of the config file to read.
    #[arg(long, global = true, value_name = "NAME", env = "WHARF_PROFILE")]
    pub profile: Option<String>,
    /// Output format; a table on a terminal, NDJSON otherwise.
    #[arg(long, short, global = true, value_enum)]
    pub output: Option<Output>,
    /// Items per request (1..=1000).
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub page_size: Option<u32>,
    /// Requests in flight at most.
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: Option<u32>,
    /// Stop after N items.
    #[arg(long, global = true, value_name = "N")]
    pub limit: Option<u64>,
    /// Longest time for one request, retries included, such as 30s or 2m.
    #[arg(long, global = true, value_name = "DURATION")]
    pub timeout: Option<String>,
    /// Allow plain http to a host that is not loopback: requests, signed,
    /// then cross the network in clear. Refused without it.
    #[arg(long, global = true)]
    pub allow_plain_http: bool,
    /// Log what is sent and received, and a summary at the end, on stderr.
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
    Tags(RepoArg),
    /// Show one repository.
    Show(RepoArg),
    /// List namespaces (UHub: repos).
    Namespaces,
    /// The official (dockerhub) images of SWR.
    Official {
        #[command(subcommand)]
        command: OfficialCommand,
    },
    /// Compare two catalogs: repositories and tags only in one, tags that differ.
    Diff(DiffArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
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
}

/// A repository, as `NAMESPACE/REPOSITORY`.
#[derive(Debug, Args)]
pub struct RepoArg {
    /// The repository, as NAMESPACE/REPOSITORY (UHub: REPO/IMAGE).
    #[arg(value_name = "NAMESPACE/REPOSITORY")]
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
    /// Show an official image.
    Show(RepoArg),
}

/// `wharf diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The catalog to compare from, as a spec (see --catalog), or demo or
    /// demo-uhub for the built-in demo registry through SWR's or UHub's API.
    #[arg(value_name = "SOURCE")]
    pub source: String,
    /// The catalog to compare with, as SOURCE.
    #[arg(value_name = "TARGET")]
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
}
