//! `wharf diff`: comparing two catalogs. Being written; until then it
//! refuses to run rather than pretend the catalogs are equal.

use std::process::ExitCode;

use crate::args::{DiffArgs, Global};
use crate::fail::{CliError, Exit};

/// Compares two catalogs.
pub async fn run(_global: &Global, _args: &DiffArgs) -> Result<ExitCode, CliError> {
    Err(CliError::new(Exit::Other, "diff is not built yet"))
}
