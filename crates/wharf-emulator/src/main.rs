//! `wharf-emulator`: serve a dataset over SWR and UHub, or write a generated
//! dataset. See the crate README for every flag.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use wharf_emulator::{
    AuthConfig, ConnectionOptions, ContentRangeShape, Dataset, Emulator, EmulatorBuilder, Fault,
    FaultConfig, GenerateOptions,
};

/// A local Huawei Cloud SWR and UCloud UHub server.
#[derive(Debug, Parser)]
#[command(
    name = "wharf-emulator",
    version,
    about,
    // Serve flags before `generate` would be silently ignored: refuse them.
    args_conflicts_with_subcommands = true,
    after_help = AFTER_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

const AFTER_HELP: &str = "\
Auth is ON by default, with the demo credentials:
  SWR:  sign with AK WHARFDEMOACCESSKEY01 / SK wharf-demo-secret-key,
        or send the header X-Auth-Token: wharf-demo-token
  UHub: sign with public key wharf-demo-public-key / private key wharf-demo-private-key
--huawei-ak/--huawei-sk, --token and --ucloud-public-key/--ucloud-private-key
replace them; --no-auth accepts every request, signed or not.

Without --dataset or a generator flag it serves the built-in demo dataset (10
repositories in 3 namespaces, 6 official images). Any generator flag replaces
it with a generated one; the flags left out take their defaults.

Try it:
  wharf-emulator --no-auth &
  curl 'http://127.0.0.1:8080/v2/manage/repos?namespace=team&offset=0&limit=2'";

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a generated dataset (JSON) to a file or stdout.
    Generate {
        #[command(flatten)]
        sizes: SizeArgs,
        /// Where to write it; stdout when missing.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// The generator's sizes and seed. The defaults in the help are
/// `GenerateOptions::default()`'s (a test checks they agree).
#[derive(Debug, Args)]
struct SizeArgs {
    /// Generate: number of namespaces (UHub repos) [default: 3]
    #[arg(long, value_name = "K")]
    namespaces: Option<usize>,
    /// Generate: number of repositories (UHub images), spread over the namespaces [default: 100]
    #[arg(long, value_name = "N")]
    repos: Option<usize>,
    /// Generate: number of tags on every repository and official image [default: 5]
    #[arg(long, value_name = "T")]
    tags_per_repo: Option<usize>,
    /// Generate: number of official (dockerhub) images [default: 10]
    #[arg(long, value_name = "M")]
    official_images: Option<usize>,
    /// Generate: the seed; the same flags give the same dataset [default: 0]
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
}

impl SizeArgs {
    fn any(&self) -> bool {
        self.namespaces.is_some()
            || self.repos.is_some()
            || self.tags_per_repo.is_some()
            || self.official_images.is_some()
            || self.seed.is_some()
    }

    /// The options, with defaults 3 namespaces, 100 repositories, 5 tags,
    /// 10 official images, seed 0.
    fn options(&self) -> GenerateOptions {
        let defaults = GenerateOptions::default();
        GenerateOptions {
            namespaces: self.namespaces.unwrap_or(defaults.namespaces),
            repositories: self.repos.unwrap_or(defaults.repositories),
            tags_per_repository: self.tags_per_repo.unwrap_or(defaults.tags_per_repository),
            official_images: self.official_images.unwrap_or(defaults.official_images),
            seed: self.seed.unwrap_or(defaults.seed),
        }
    }
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on, HOST:PORT (`localhost:8080` works); port 0 picks a free port.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080", value_parser = parse_listen)]
    listen: SocketAddr,
    /// Log no request, only warnings and errors (the request log is otherwise one line per request, at most 20 a second).
    #[arg(long, short)]
    quiet: bool,
    /// Serve the dataset in this dataset file.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["namespaces", "repos", "tags_per_repo", "official_images", "seed"])]
    dataset: Option<PathBuf>,
    #[command(flatten)]
    sizes: SizeArgs,
    /// Derive request ids from this seed and each request's arrival number instead of drawing them at random, so recordings repeat byte for byte.
    #[arg(long, value_name = "N")]
    request_id_seed: Option<u64>,
    /// Shape of the Content-Range header on SWR's paged answers: documented (0-10/32, offset-count/total), total (32), star-total (*/32), unit (items 0-10/32), none (no header), bogus (bogus: unreadable text). Bodies and their total_range never change.
    #[arg(long, value_name = "SHAPE", default_value = "documented", value_parser = content_range_shapes())]
    content_range: ContentRangeShape,
    /// List repositories ignores the is_public filter term (seed 002 does not document it), listing every repository whatever its visibility, as a server that does not know the term would.
    #[arg(long)]
    ignore_is_public: bool,
    /// Throttle each provider to N requests a second (a token bucket of N for SWR and one for UHub, full at start): over it, SWR answers HTTP 429 (APIGW.0308) and UHub RetCode 153, without Retry-After. Leave it out for no limit.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    rate_limit: Option<u32>,
    /// Serve the control route POST /_emulator/push (JSON {"namespace","repository","tag","digest","updated"}), which creates or replaces a tag, so a test can change the catalog between two calls. Off by default: the path is then unknown.
    #[arg(long)]
    control: bool,
    #[command(flatten)]
    auth: AuthArgs,
    #[command(flatten)]
    faults: FaultArgs,
    #[command(flatten)]
    connections: ConnectionArgs,
}

#[derive(Debug, Args)]
struct ConnectionArgs {
    /// Serve at most this many connections at once; over it, a client gets a 503 and is closed.
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    max_connections: u64,
    /// Close a connection whose request head is not complete this long after its first byte.
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    header_timeout_secs: u64,
    /// Close a connection with no request in flight and nothing arriving for this long.
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    idle_timeout_secs: u64,
}

impl ConnectionArgs {
    fn options(&self) -> ConnectionOptions {
        let mut options = ConnectionOptions::default();
        options.max_connections = usize::try_from(self.max_connections).unwrap_or(usize::MAX);
        options.header_timeout = Duration::from_secs(self.header_timeout_secs);
        options.idle_timeout = Duration::from_secs(self.idle_timeout_secs);
        options
    }
}

#[derive(Debug, Args)]
struct AuthArgs {
    /// Huawei access key to accept (replaces the demo pair).
    #[arg(long, value_name = "AK", requires = "huawei_sk")]
    huawei_ak: Option<String>,
    /// Huawei secret key of --huawei-ak.
    #[arg(long, value_name = "SK", requires = "huawei_ak")]
    huawei_sk: Option<String>,
    /// UCloud public key to accept (replaces the demo pair).
    #[arg(long, value_name = "KEY", requires = "ucloud_private_key")]
    ucloud_public_key: Option<String>,
    /// UCloud private key of --ucloud-public-key.
    #[arg(long, value_name = "KEY", requires = "ucloud_public_key")]
    ucloud_private_key: Option<String>,
    /// IAM token to accept in X-Auth-Token; repeatable (replaces the demo token).
    #[arg(long, value_name = "TOKEN")]
    token: Vec<String>,
    /// Accept every request, signed or not.
    #[arg(long, conflicts_with_all = ["huawei_ak", "ucloud_public_key", "token"])]
    no_auth: bool,
    /// How far X-Sdk-Date may be from this clock, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 900)]
    max_skew_secs: u64,
}

impl AuthArgs {
    fn config(&self) -> AuthConfig {
        if self.no_auth {
            return AuthConfig::disabled();
        }
        let demo = AuthConfig::demo();
        let mut auth = AuthConfig::empty().with_max_skew(Duration::from_secs(self.max_skew_secs));
        auth.huawei_keys = match (&self.huawei_ak, &self.huawei_sk) {
            (Some(ak), Some(sk)) => [(ak.clone(), sk.clone())].into(),
            _ => demo.huawei_keys,
        };
        auth.ucloud_keys = match (&self.ucloud_public_key, &self.ucloud_private_key) {
            (Some(public), Some(private)) => [(public.clone(), private.clone())].into(),
            _ => demo.ucloud_keys,
        };
        auth.tokens = match self.token.is_empty() {
            true => demo.tokens,
            false => self.token.clone(),
        };
        auth
    }
}

#[derive(Debug, Args)]
struct FaultArgs {
    /// Delay every response by this many milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    latency_ms: u64,
    /// Chance (0 to 1) that a request gets a fault; --faults alone injects nothing without it.
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = parse_rate)]
    fault_rate: f64,
    /// Seed deciding which requests get which fault.
    #[arg(long, value_name = "SEED", default_value_t = 0)]
    fault_seed: u64,
    /// Faults to draw from, comma-separated: 500,502,503,429,153,reset,truncate,stall (default all).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    faults: Vec<Fault>,
    /// Retry-After sent with 429, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 1)]
    retry_after_secs: u64,
    /// How long a stall lasts, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 30_000)]
    stall_ms: u64,
}

/// `HOST:PORT`: an address, or a name resolved now (IPv4 preferred, as
/// clients asking for `localhost` mostly try it first).
fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    if !text.contains(':') {
        return Err(format!(
            "{text:?} is not HOST:PORT (such as 127.0.0.1:8080)"
        ));
    }
    let addrs: Vec<SocketAddr> = std::net::ToSocketAddrs::to_socket_addrs(text)
        .map_err(|e| format!("cannot resolve {text:?}: {e}"))?
        .collect();
    addrs
        .iter()
        .find(|a| a.is_ipv4())
        .or_else(|| addrs.first())
        .copied()
        .ok_or_else(|| format!("{text:?} resolves to no address"))
}

/// The `--content-range` values: every [`ContentRangeShape`] by name (the
/// flag's help gives each one's example; a test checks they agree).
fn content_range_shapes() -> impl TypedValueParser<Value = ContentRangeShape> {
    PossibleValuesParser::new(ContentRangeShape::ALL.map(ContentRangeShape::name))
        .try_map(|name| name.parse::<ContentRangeShape>())
}

/// A fault rate: a number from 0 to 1 (NaN and infinities are refused).
fn parse_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!("{text:?} is not a number from 0 to 1")),
    }
}

impl FaultArgs {
    fn config(&self) -> FaultConfig {
        FaultConfig::random(self.fault_rate, self.fault_seed)
            .with_kinds(&self.faults)
            .with_retry_after(Duration::from_secs(self.retry_after_secs))
            .with_stall(Duration::from_millis(self.stall_ms))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Some(Command::Generate { sizes, out }) => generate(sizes, out.as_deref()),
        None => serve(&cli.serve),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("wharf-emulator: {}", failure.message);
            // As the flag parser's own errors: 2 for what was asked, 1 for
            // what went wrong while doing it.
            ExitCode::from(if failure.usage { 2 } else { 1 })
        }
    }
}

/// Why the command stopped: a usage error (a flag, a dataset file that
/// is not one) or a failure while running (the port taken, stdout gone).
struct Failure {
    usage: bool,
    message: String,
}

impl Failure {
    fn usage(message: impl ToString) -> Self {
        Failure {
            usage: true,
            message: message.to_string(),
        }
    }

    fn other(message: impl ToString) -> Self {
        Failure {
            usage: false,
            message: message.to_string(),
        }
    }
}

fn generate(sizes: &SizeArgs, out: Option<&std::path::Path>) -> Result<(), Failure> {
    let dataset = Dataset::generate(&sizes.options()).map_err(Failure::usage)?;
    match out {
        Some(path) => dataset.save(path).map_err(Failure::other),
        None => match writeln!(std::io::stdout(), "{}", dataset.to_json()) {
            // A reader that stopped early (`| head`) is not a failure.
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::other(e)),
            _ => Ok(()),
        },
    }
}

/// The builder serving what `args` name: a dataset file, a generated
/// dataset (packed as it is generated, never held whole) or the demo.
fn with_dataset(builder: EmulatorBuilder, args: &ServeArgs) -> Result<EmulatorBuilder, Failure> {
    if let Some(path) = &args.dataset {
        return Ok(builder.dataset(Dataset::load(path).map_err(Failure::usage)?));
    }
    if args.sizes.any() {
        return builder
            .generate(&args.sizes.options())
            .map_err(Failure::usage);
    }
    Ok(builder.dataset(Dataset::demo()))
}

fn serve(args: &ServeArgs) -> Result<(), Failure> {
    init_logging(args.quiet);
    if !args.faults.faults.is_empty() && args.faults.fault_rate == 0.0 {
        return Err(Failure::usage(
            "--faults picks which faults to inject, but --fault-rate is 0, so none would be: add --fault-rate (a number from 0 to 1)",
        ));
    }
    let builder = with_dataset(Emulator::builder(), args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::other(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async {
        let mut builder = builder;
        if let Some(seed) = args.request_id_seed {
            builder = builder.request_id_seed(seed);
        }
        let emulator = builder
            .auth(args.auth.config())
            .faults(args.faults.config())
            .latency(Duration::from_millis(args.faults.latency_ms))
            .listen(args.listen)
            .log_requests(!args.quiet)
            .connections(args.connections.options())
            .content_range(args.content_range)
            .ignore_is_public(args.ignore_is_public)
            .rate_limit(args.rate_limit.unwrap_or(0))
            .control(args.control)
            .start()
            .await
            .map_err(Failure::other)?;
        // Listen for Ctrl-C and SIGTERM before saying "listening": a signal
        // sent as soon as the line is read must stop the server cleanly.
        let shutdown = Shutdown::listen()
            .map_err(|e| Failure::other(format!("cannot listen for signals: {e}")))?;
        let mut stdout = std::io::stdout();
        let _ = writeln!(stdout, "listening on {}", emulator.base_url());
        let _ = stdout.flush();
        shutdown.wait().await;
        tracing::info!("wharf-emulator: shutting down");
        emulator.stop().await;
        Ok(())
    })
}

/// Logs to stderr; `RUST_LOG` picks what (default `info`, or `warn` with
/// `--quiet`).
fn init_logging(quiet: bool) {
    let default = if quiet { "warn" } else { "info" };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

/// The signals that stop the server, registered when created: Ctrl-C
/// (SIGINT) and, on Unix, SIGTERM.
struct Shutdown {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(windows)]
    ctrl_c: tokio::signal::windows::CtrlC,
}

impl Shutdown {
    /// Registers the handlers now, so that no signal is missed from here on.
    fn listen() -> std::io::Result<Shutdown> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Shutdown {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(windows)]
        {
            Ok(Shutdown {
                ctrl_c: tokio::signal::windows::ctrl_c()?,
            })
        }
    }

    /// Waits for the first of the signals.
    async fn wait(mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
        #[cfg(windows)]
        self.ctrl_c.recv().await;
    }
}
