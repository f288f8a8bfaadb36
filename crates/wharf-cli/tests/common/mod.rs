//! What the CLI's test files share: the binary, run with nothing of this
//! machine's credentials, config or profile, and its output as text.

#![allow(dead_code)] // each test file uses its own part

use std::process::{Command, Output};

/// The binary, with an environment of its own: no credentials, no config
/// file, no profile from the developer's machine.
pub fn wharf(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wharf"));
    command.args(args);
    for (name, _) in std::env::vars() {
        if name.starts_with("HUAWEICLOUD_")
            || name.starts_with("UCLOUD_")
            || name.starts_with("WHARF_")
        {
            command.env_remove(name);
        }
    }
    // No config file: the default place, under a folder that does not exist.
    command.env("XDG_CONFIG_HOME", "/nonexistent/wharf-test");
    command.env_remove("RUST_LOG");
    command
}

/// Runs it to the end.
pub fn run(command: &mut Command) -> Output {
    command.output().expect("the binary runs")
}

/// Output as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The exit status.
pub fn code(output: &Output) -> i32 {
    output.status.code().expect("exited, not killed")
}
