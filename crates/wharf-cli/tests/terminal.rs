//! What a terminal shows at the end of a listing: the binary runs under
//! `script(1)` on a pseudo-terminal of a given size (stdout and stderr
//! both on it, as for a person), and the screen it leaves, modelled by
//! `common::screen`, is snapshotted: a table of many pages at 80 and at
//! 160 columns, and a listing that fails after some pages.
//!
//! The pseudo-terminal `script` makes has no size of its own (0 x 0), and
//! the CLI reads the width from the terminal, not from `COLUMNS`: each run
//! sets its size with `stty` first, as a real terminal has one.

use std::process::Command;

mod common;

use common::{code, screen, text};
use wharf::model::{Category, NamespaceName, RepositoryName, Timestamp};
use wharf_emulator::{
    DEMO_HUAWEI_AK, DEMO_HUAWEI_SK, Dataset, Emulator, Fault, FaultConfig, NamespaceRecord,
    RepositoryRecord, TagRecord,
};

/// The repositories of namespace `team`, in the order SWR lists them (by
/// name), each longer than the one before: the last pages hold the longest
/// cells, which the first pages cannot have sized the columns for. Their
/// sizes and pull counts grow too, so the number columns widen as well.
const NAMES: &[&str] = &[
    "a",
    "b1",
    "c-api",
    "d-worker",
    "e-frontend",
    "f-payments-api",
    "g-gateway/ingress",
    "h-ml/trainer-cuda12",
    "i-platform/observability/agent",
    "j-platform/observability/collector-x",
    "k-data/warehouse/ingest/batch-loader-nightly",
    "l-data/warehouse/ingest/stream-loader-realtime-eu-west",
];

/// A dataset of `names` in namespace `team`, each with one tag.
fn dataset(names: &[&str]) -> Dataset {
    let when = |day: usize| -> Timestamp {
        format!("2024-03-{:02}T{:02}:30:00Z", day % 28 + 1, day % 24)
            .parse()
            .unwrap()
    };
    let mut team = NamespaceRecord::new(NamespaceName::new("team").unwrap(), when(0));
    for (i, name) in names.iter().enumerate() {
        let mut repository = RepositoryRecord::new(
            RepositoryName::new(*name).unwrap(),
            Category::Linux,
            when(i),
        );
        repository.num_download = 7u64.pow((i % 12) as u32);
        let size = 900 * 4u64.pow((i % 12) as u32);
        let digest = format!("sha256:{:064x}", i + 1);
        repository
            .tags
            .push(TagRecord::new("1.0", size, digest, when(i)));
        team.repositories.push(repository);
    }
    let mut dataset = Dataset::empty("terminal-test");
    dataset.namespaces.push(team);
    dataset.validate().unwrap();
    dataset
}

fn emulator(dataset: Dataset, faults: FaultConfig) -> Emulator {
    Emulator::builder()
        .dataset(dataset)
        .faults(faults)
        .log_requests(false)
        .start_background()
        .unwrap()
}

/// The lines of a screen that the CLI fits to the terminal: all but its
/// own messages (`wharf: ...`), which the terminal wraps.
fn fitted(screen: &str) -> impl Iterator<Item = &str> {
    screen.lines().filter(|l| !l.starts_with("wharf: "))
}

/// Runs `wharf ARGS` on a terminal of `columns` x 50 against `emulator`:
/// the exit status and the screen at the end, ports and rates redacted.
fn on_a_terminal(emulator: &Emulator, args: &str, columns: u16) -> (i32, String) {
    let command = format!(
        "stty cols {columns} rows 50; HUAWEICLOUD_SDK_AK={DEMO_HUAWEI_AK} \
         HUAWEICLOUD_SDK_SK={DEMO_HUAWEI_SK} XDG_CONFIG_HOME=/nonexistent \
         exec {} --endpoint {} {args}",
        env!("CARGO_BIN_EXE_wharf"),
        emulator.base_url()
    );
    let mut script = Command::new("script");
    script
        .args(["-qec", &command, "/dev/null"])
        .env("TERM", "xterm")
        .env("COLUMNS", columns.to_string());
    for (name, _) in std::env::vars() {
        if name.starts_with("HUAWEICLOUD_")
            || name.starts_with("UCLOUD_")
            || name.starts_with("WHARF_")
        {
            script.env_remove(name);
        }
    }
    script.env_remove("RUST_LOG");
    let out = script.output().expect("script(1) from util-linux");
    let shown = screen(&text(&out.stdout));
    (code(&out), redact(&shown, emulator))
}

/// The screen with what depends on the machine replaced: the emulator's
/// port, and a rate (`1234 items/s`) if a progress line were left.
fn redact(screen: &str, emulator: &Emulator) -> String {
    let port = format!(":{}", emulator.addr().port());
    screen
        .lines()
        .map(|line| regex_free_rate(&line.replace(&port, ":PORT")))
        .map(|line| request_id_free(&line))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `[request id 0123abcd...]` with the id replaced by `ID`: the emulator
/// makes a new one for each response.
fn request_id_free(line: &str) -> String {
    const MARK: &str = "request id ";
    match line.find(MARK) {
        Some(at) => {
            let start = at + MARK.len();
            let id = line[start..]
                .chars()
                .take_while(char::is_ascii_hexdigit)
                .count();
            format!("{}ID{}", &line[..start], &line[start + id..])
        }
        None => line.to_owned(),
    }
}

/// `... 1234 items/s ...` with the number replaced by `N`, as in cli.rs.
fn regex_free_rate(line: &str) -> String {
    match line.find(" items/s") {
        Some(end) => {
            let start = line[..end].rfind(' ').map_or(0, |i| i + 1);
            format!("{}N{}", &line[..start], &line[end..])
        }
        None => line.to_owned(),
    }
}

/// The columns a line takes on a terminal (a CJK character takes two).
fn width(line: &str) -> usize {
    console::measure_text_width(line)
}

/// Every row of `table` (header first) has each column where the header
/// has it: a left-aligned cell starts under its header's start, after a
/// space; a right-aligned one (the numbers) ends under its header's end,
/// before a space or the line's end.
fn assert_aligned(table: &str, right: &[&str]) {
    let lines: Vec<Vec<char>> = table.lines().map(|l| l.chars().collect()).collect();
    let header = &lines[0];
    let mut columns = Vec::new();
    let mut i = 0;
    while i < header.len() {
        if header[i] == ' ' {
            i += 1;
            continue;
        }
        let start = i;
        while i < header.len() && header[i] != ' ' {
            i += 1;
        }
        let name: String = header[start..i].iter().collect();
        columns.push((name, start, i));
    }
    for (n, line) in lines.iter().enumerate().skip(1) {
        let at = |i: usize| line.get(i).copied().unwrap_or(' ');
        for (name, start, end) in &columns {
            let shown: String = line.iter().collect();
            if right.contains(&name.as_str()) {
                assert!(
                    at(end - 1) != ' ' && at(*end) == ' ',
                    "line {n}, column {name} does not end at {end}:\n{shown}\n{table}"
                );
            } else {
                assert!(
                    at(*start) != ' ' && (*start == 0 || at(start - 1) == ' '),
                    "line {n}, column {name} does not start at {start}:\n{shown}\n{table}"
                );
            }
        }
    }
}

/// Only the table of a screen: its lines from the header on.
fn table_of(screen: &str) -> String {
    screen
        .lines()
        .skip_while(|l| !l.starts_with("REPOSITORY"))
        .take_while(|l| !l.starts_with("wharf:"))
        .collect::<Vec<_>>()
        .join("\n")
}

const NUMBERS: &[&str] = &["TAGS", "SIZE", "PULLS"];

/// Six pages of two, one at a time, so each arrives after the one before.
const PAGED: &str = "repos --namespace team --page-size 2 --concurrency 1 --output table";

#[test]
fn a_table_of_many_pages_fits_80_columns_and_stays_aligned() {
    let emulator = emulator(dataset(NAMES), FaultConfig::none());
    let (status, shown) = on_a_terminal(&emulator, PAGED, 80);
    assert_eq!(status, 0, "{shown}");
    for line in shown.lines() {
        assert!(
            width(line) <= 80,
            "{} columns: {line:?}\n{shown}",
            width(line)
        );
    }
    let table = table_of(&shown);
    assert_eq!(table.lines().count(), 1 + NAMES.len(), "{shown}");
    assert_aligned(&table, NUMBERS);
    // The longest names do not fit: cut, with a mark.
    assert!(table.contains('…'), "{shown}");
    assert!(
        !shown.contains("items/s"),
        "no progress line is left: {shown}"
    );
    assert!(!shown.contains('✔'), "{shown}");
    insta::assert_snapshot!("terminal_many_pages_80_columns", shown);
}

#[test]
fn a_table_of_many_pages_at_160_columns_shows_every_name_whole() {
    let emulator = emulator(dataset(NAMES), FaultConfig::none());
    let (status, shown) = on_a_terminal(&emulator, PAGED, 160);
    assert_eq!(status, 0, "{shown}");
    for line in fitted(&shown) {
        assert!(width(line) <= 160, "{} columns: {line:?}", width(line));
    }
    let table = table_of(&shown);
    assert_aligned(&table, NUMBERS);
    for name in NAMES {
        assert!(
            table.contains(&format!("team/{name} ")),
            "{name} whole:\n{shown}"
        );
    }
    assert!(!table.contains('…'), "{shown}");
    assert!(
        !shown.contains("items/s"),
        "no progress line is left: {shown}"
    );
    insta::assert_snapshot!("terminal_many_pages_160_columns", shown);
}

/// Past the rows a table sizes its columns on (100), a longer name than
/// any before is cut to its column, and the columns stay where they were.
#[test]
fn rows_past_the_sizing_window_keep_the_columns_and_the_width() {
    let mut names: Vec<String> = (0..100).map(|i| format!("r{i:03}")).collect();
    names.extend(NAMES.iter().map(|n| format!("s-{n}")));
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let emulator = emulator(dataset(&names), FaultConfig::none());
    let args = "repos --namespace team --page-size 25 --concurrency 1 --output table";
    let (status, shown) = on_a_terminal(&emulator, args, 80);
    assert_eq!(status, 0, "{shown}");
    for line in fitted(&shown) {
        assert!(width(line) <= 80, "{} columns: {line:?}", width(line));
    }
    let table = table_of(&shown);
    assert_eq!(table.lines().count(), 1 + names.len(), "{shown}");
    assert_aligned(&table, NUMBERS);
    let last = table.lines().last().unwrap_or_default();
    assert!(last.contains('…'), "the longest name is cut: {last}");
    assert!(!shown.contains("items/s"), "{shown}");
}

/// `wharf repos` (the pages of [`PAGED`]) on a terminal of 80 columns,
/// its first three requests answered and every later one failing with
/// `fault`. The retries (4 attempts, waits of at most 0.3 s, 0.9 s and
/// 2.7 s) all fit in `--timeout 10s`, so the error says the same every run.
fn failing_after_three_pages(fault: Fault) -> (i32, String) {
    let mut faults = FaultConfig::random(1.0, 7).with_kinds(&[fault]);
    faults.script = vec![None; 3];
    let emulator = emulator(dataset(NAMES), faults);
    let args = format!("{PAGED} --timeout 10s");
    on_a_terminal(&emulator, &args, 80)
}

/// What a failed listing leaves: the rows that arrived, the error last,
/// and no success mark, progress line or spinner.
fn assert_failed_cleanly(shown: &str) {
    let last = shown.lines().last().unwrap_or_default();
    assert!(last.starts_with("wharf: "), "the error is last: {shown}");
    assert_eq!(
        shown.lines().filter(|l| l.starts_with("wharf: ")).count(),
        1,
        "one error line: {shown}"
    );
    assert!(!shown.contains('✔'), "no success mark: {shown}");
    assert!(
        !shown.contains("items/s"),
        "no progress line is left: {shown}"
    );
    assert!(
        !shown.contains("waiting for"),
        "no spinner is left: {shown}"
    );
    assert!(!shown.contains("nothing matched"), "{shown}");
    let table = table_of(shown);
    assert_eq!(table.lines().count(), 1 + 6, "the rows of 3 pages: {shown}");
    assert_aligned(&table, NUMBERS);
    for line in fitted(shown) {
        assert!(width(line) <= 80, "{} columns: {line:?}", width(line));
    }
}

#[test]
fn a_listing_whose_connection_is_reset_after_some_pages_leaves_its_error() {
    let (status, shown) = failing_after_three_pages(Fault::ConnectionReset);
    assert_eq!(status, 6, "a network failure: {shown}");
    assert_failed_cleanly(&shown);
}

#[test]
fn a_listing_that_fails_after_some_pages_leaves_its_rows_and_its_error() {
    let (status, shown) = failing_after_three_pages(Fault::InternalError);
    assert_eq!(status, 8, "a server error: {shown}");
    assert_failed_cleanly(&shown);
    insta::assert_snapshot!("terminal_failed_listing", shown);
}
