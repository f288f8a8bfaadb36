//! `wharf-emulator`: serve a dataset over SWR and UHub, or write a generated
//! dataset. See the crate README for every flag.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use wharf_emulator::{AuthConfig, Dataset, Emulator, Fault, FaultConfig, GenerateOptions};

/// A local Huawei Cloud SWR and UCloud UHub server.
#[derive(Debug, Parser)]
#[command(name = "wharf-emulator", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

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

/// The generator's sizes and seed.
#[derive(Debug, Args)]
struct SizeArgs {
    /// Number of namespaces (UHub repos).
    #[arg(long, value_name = "K")]
    namespaces: Option<usize>,
    /// Number of repositories (UHub images), spread over the namespaces.
    #[arg(long, value_name = "N")]
    repos: Option<usize>,
    /// Number of tags on every repository and official image.
    #[arg(long, value_name = "T")]
    tags_per_repo: Option<usize>,
    /// Number of official (dockerhub) images.
    #[arg(long, value_name = "M")]
    official_images: Option<usize>,
    /// The seed: the same seed gives the same dataset.
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
        GenerateOptions::new(
            self.namespaces.unwrap_or(3),
            self.repos.unwrap_or(100),
            self.tags_per_repo.unwrap_or(5),
            self.official_images.unwrap_or(10),
            self.seed.unwrap_or(0),
        )
    }
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Serve the dataset in this dataset file.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["namespaces", "repos", "tags_per_repo", "official_images", "seed"])]
    dataset: Option<PathBuf>,
    #[command(flatten)]
    sizes: SizeArgs,
    #[command(flatten)]
    auth: AuthArgs,
    #[command(flatten)]
    faults: FaultArgs,
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
    /// Chance (0 to 1) that a request gets a fault.
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
        Err(message) => {
            eprintln!("wharf-emulator: {message}");
            ExitCode::FAILURE
        }
    }
}

fn generate(sizes: &SizeArgs, out: Option<&std::path::Path>) -> Result<(), String> {
    let dataset = Dataset::generate(&sizes.options()).map_err(|e| e.to_string())?;
    match out {
        Some(path) => dataset.save(path).map_err(|e| e.to_string()),
        None => match writeln!(std::io::stdout(), "{}", dataset.to_json()) {
            // A reader that stopped early (`| head`) is not a failure.
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
            _ => Ok(()),
        },
    }
}

fn dataset(args: &ServeArgs) -> Result<Dataset, String> {
    if let Some(path) = &args.dataset {
        return Dataset::load(path).map_err(|e| e.to_string());
    }
    if args.sizes.any() {
        return Dataset::generate(&args.sizes.options()).map_err(|e| e.to_string());
    }
    Ok(Dataset::demo())
}

fn serve(args: &ServeArgs) -> Result<(), String> {
    init_logging();
    let dataset = dataset(args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async {
        let emulator = Emulator::builder()
            .dataset(dataset)
            .auth(args.auth.config())
            .faults(args.faults.config())
            .latency(Duration::from_millis(args.faults.latency_ms))
            .listen(args.listen)
            .start()
            .await
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::InvalidInput => e.to_string(),
                _ => format!("cannot listen on {}: {e}", args.listen),
            })?;
        // Listen for Ctrl-C and SIGTERM before saying "listening": a signal
        // sent as soon as the line is read must stop the server cleanly.
        let shutdown = Shutdown::listen().map_err(|e| format!("cannot listen for signals: {e}"))?;
        let mut stdout = std::io::stdout();
        let _ = writeln!(stdout, "listening on {}", emulator.base_url());
        let _ = stdout.flush();
        shutdown.wait().await;
        tracing::info!("wharf-emulator: shutting down");
        emulator.stop().await;
        Ok(())
    })
}

/// Logs to stderr; `RUST_LOG` picks what (default `info`).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
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
