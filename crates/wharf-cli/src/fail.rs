//! Failures: one line on stderr, a hint where one helps, and an exit
//! status per class (listed in `--help`).

use std::fmt;
use std::process::ExitCode;

use wharf::ErrorKind;

/// The exit statuses, one per class of failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// `diff` found differences.
    Different = 1,
    /// A bad flag, argument, spec or config file.
    Usage = 2,
    /// Credentials refused, or lacking a permission.
    Auth = 3,
    /// The thing asked for does not exist.
    NotFound = 4,
    /// Throttled until the retries ran out.
    Throttled = 5,
    /// Connection, TLS or timeout.
    Network = 6,
    /// The catalog changed during the listing, or its pages did not add up.
    CatalogChanged = 7,
    /// Anything else: a server error, a response that could not be read.
    Other = 8,
    /// `apply`: every entry is finished, but some tags changed since
    /// planning and were left.
    Changed = 9,
    /// `apply`: some deletes failed; running it again retries them.
    Incomplete = 10,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> ExitCode {
        ExitCode::from(self as u8)
    }

    fn of(kind: ErrorKind) -> Exit {
        match kind {
            ErrorKind::Unauthorized | ErrorKind::Forbidden => Exit::Auth,
            ErrorKind::NotFound => Exit::NotFound,
            ErrorKind::Throttled => Exit::Throttled,
            ErrorKind::Transport | ErrorKind::Timeout => Exit::Network,
            ErrorKind::CatalogChanged | ErrorKind::Paging => Exit::CatalogChanged,
            ErrorKind::InvalidInput | ErrorKind::Config | ErrorKind::Unsupported => Exit::Usage,
            _ => Exit::Other,
        }
    }
}

/// A failure of the command: what to print and how to exit.
#[derive(Debug)]
pub struct CliError {
    exit: Exit,
    message: String,
    hint: Option<&'static str>,
    closed_pipe: bool,
}

impl CliError {
    /// A failure of class `exit`, said in `message`.
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        CliError {
            exit,
            message: message.into(),
            hint: None,
            closed_pipe: false,
        }
    }

    /// The same failure, its message led by `what` (such as which side of
    /// a diff failed); the class and the hint stay.
    pub fn context(mut self, what: impl fmt::Display) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
    }

    /// Whether the output's reader went away (`| head`): the command then
    /// ends quietly, with success.
    pub fn closed_pipe(&self) -> bool {
        self.closed_pipe
    }

    /// How to exit.
    pub fn exit(&self) -> Exit {
        self.exit
    }

    /// Prints the failure on stderr: one line, and a hint line when one helps.
    pub fn print(&self) {
        eprintln!("wharf: {}", self.message);
        if let Some(hint) = self.hint {
            eprintln!("hint: {hint}");
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<wharf::Error> for CliError {
    fn from(e: wharf::Error) -> Self {
        let hint = match e.kind() {
            // The keys of the provider that refused, when the error says.
            ErrorKind::Unauthorized => Some(match e.provider() {
                Some(wharf::Provider::Swr) => {
                    "check the key pair (HUAWEICLOUD_SDK_AK/SK, or the profile) and the clock"
                }
                Some(wharf::Provider::Uhub) => {
                    "check the key pair (UCLOUD_PUBLIC_KEY/PRIVATE_KEY, or the profile) and the clock"
                }
                _ => {
                    "check the key pair (HUAWEICLOUD_SDK_AK/SK, UCLOUD_PUBLIC_KEY/PRIVATE_KEY, or the profile) and the clock"
                }
            }),
            ErrorKind::Forbidden => Some(
                "the credentials are valid but lack a permission: check the IAM policy or project",
            ),
            ErrorKind::Throttled => {
                Some("the registry is throttling: try again later, or lower --concurrency")
            }
            ErrorKind::CatalogChanged => {
                Some("the catalog changed while it was listed: list it again")
            }
            _ => None,
        };
        CliError {
            exit: Exit::of(e.kind()),
            message: e.to_string(),
            hint,
            closed_pipe: false,
        }
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        let mut error = CliError::new(Exit::Other, format!("cannot write the output: {e}"));
        error.closed_pipe = e.kind() == std::io::ErrorKind::BrokenPipe;
        error
    }
}
