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

/// What a terminal shows at the end of `raw`: a small model of one, enough
/// for what the CLI and its progress bar write (text, `\r`, `\n`, cursor
/// up `ESC[nA`, erase line `ESC[2K` and to its end `ESC[K`; other escapes
/// are dropped). Empty lines are left out.
pub fn screen(raw: &str) -> String {
    let mut lines: Vec<Vec<char>> = vec![Vec::new()];
    let (mut row, mut col) = (0usize, 0usize);
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' if chars.peek() == Some(&'[') => {
                chars.next();
                let mut arg = String::new();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        last = c;
                        break;
                    }
                    arg.push(c);
                }
                let n = arg.parse::<usize>().unwrap_or(1);
                match (last, arg.as_str()) {
                    ('A', _) => row = row.saturating_sub(n),
                    ('K', "2") => lines[row].clear(),
                    ('K', _) => lines[row].truncate(col),
                    _ => {}
                }
            }
            '\u{1b}' => {}
            '\r' => col = 0,
            '\n' => {
                row += 1;
                col = 0;
                if lines.len() <= row {
                    lines.push(Vec::new());
                }
            }
            c => {
                let line = &mut lines[row];
                if line.len() <= col {
                    line.resize(col, ' ');
                    line.push(c);
                } else {
                    line[col] = c;
                }
                col += 1;
            }
        }
    }
    lines
        .iter()
        .map(|line| line.iter().collect::<String>().trim_end().to_owned())
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}
