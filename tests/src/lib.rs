//! Shared helpers for wharf's cross-crate tests.
//!
//! The tests live in `tests/tests/`; their data in `tests/fixtures/`. What
//! is generated there (datasets, and the replay fixtures recorded from the
//! emulator, see [`replay`]) is listed, written and checked by [`fixtures`],
//! which `cargo xtask fixtures` runs through the `wharf-fixtures` binary.
//!
//! ```
//! let seed = wharf_tests::fixture("seeds/swr-list-repos.json");
//! assert!(seed.contains("nginx"));
//! ```

use std::path::PathBuf;

pub mod fixtures;
pub mod replay;

/// A client config of `emulator`'s SWR side, signed with its demo AK/SK.
///
/// # Panics
/// When the emulator's URL or demo credentials are refused: a test cannot run.
pub fn swr_config(emulator: &wharf_emulator::Emulator) -> wharf::SwrConfig {
    wharf::SwrConfig::endpoint(&emulator.base_url())
        .and_then(|config| config.with_env_credentials(&wharf_emulator::demo_env))
        .expect("a config of the emulator")
}

/// A client config of `emulator`'s UHub side, signed with its demo key pair.
///
/// # Panics
/// When the emulator's URL or demo credentials are refused: a test cannot run.
pub fn uhub_config(emulator: &wharf_emulator::Emulator) -> wharf::UhubConfig {
    wharf::UhubConfig::endpoint(&emulator.base_url())
        .and_then(|config| config.with_env_credentials(&wharf_emulator::demo_env))
        .expect("a config of the emulator")
}

/// The folder that holds the fixtures.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Reads a fixture file, by its path below `tests/fixtures/`.
///
/// # Panics
/// When the file cannot be read: a test without its fixture cannot run.
pub fn fixture(relative: &str) -> String {
    let path = fixtures_dir().join(relative);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read fixture {}: {e}", path.display()))
}
