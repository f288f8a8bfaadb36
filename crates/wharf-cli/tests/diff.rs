//! `wharf diff` run as a program against emulators started here: equal and
//! different catalogs, across providers, and a failure on one side.

use std::process::{Command, Output};

use wharf::model::{NamespaceName, Timestamp};
use wharf_emulator::{Dataset, Emulator};

/// A key pair the emulators refuse.
const WRONG_SK: &str = "not-the-demo-secret-key-0123456789";

/// Runs `wharf` with the demo key pairs and nothing of the developer's
/// environment or config file.
fn wharf(args: &[&str]) -> Output {
    wharf_with(args, wharf_emulator::DEMO_HUAWEI_SK)
}

fn wharf_with(args: &[&str], huawei_sk: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args(args)
        .env_clear()
        .env("XDG_CONFIG_HOME", "/nonexistent/wharf-test")
        .env("HUAWEICLOUD_SDK_AK", wharf_emulator::DEMO_HUAWEI_AK)
        .env("HUAWEICLOUD_SDK_SK", huawei_sk)
        .env("UCLOUD_PUBLIC_KEY", wharf_emulator::DEMO_UCLOUD_PUBLIC_KEY)
        .env(
            "UCLOUD_PRIVATE_KEY",
            wharf_emulator::DEMO_UCLOUD_PRIVATE_KEY,
        )
        .output()
        .expect("the wharf binary runs")
}

fn start(dataset: Dataset) -> Emulator {
    Emulator::builder()
        .dataset(dataset)
        .log_requests(false)
        .start_background()
        .expect("the emulator starts")
}

fn swr(emulator: &Emulator) -> String {
    format!("swr+{}", emulator.base_url())
}

fn uhub(emulator: &Emulator) -> String {
    format!("uhub+{}?region=cn-bj2", emulator.base_url())
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 errors")
}

/// The exit status, and stderr when it is not the one expected.
#[track_caller]
fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        stdout(output),
        stderr(output)
    );
}

fn records(output: &Output) -> Vec<serde_json::Value> {
    stdout(output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON record a line"))
        .collect()
}

fn of_kind<'a>(records: &'a [serde_json::Value], kind: &str) -> Vec<&'a serde_json::Value> {
    records.iter().filter(|r| r["kind"] == kind).collect()
}

fn tag_time(text: &str) -> Timestamp {
    Timestamp::parse(text).expect("a valid time")
}

/// The demo with one of each difference: `team/worker` gone, `team/nginx`
/// without `1.24.0`, `team/payments:v2` with another digest,
/// `ml-lab/trainer:cuda11` an hour later, and `public-tools/jq:1.8.0` new.
fn changed_demo() -> Dataset {
    let mut dataset = Dataset::demo();
    for ns in &mut dataset.namespaces {
        for repo in &mut ns.repositories {
            let name = format!("{}/{}", ns.name.as_str(), repo.name.as_str());
            match name.as_str() {
                "team/nginx" => repo.tags.retain(|t| t.name != "1.24.0"),
                "team/payments" => repo.tags[1].digest = format!("sha256:{:064x}", 0xbad),
                "ml-lab/trainer" => {
                    let moved =
                        repo.tags[1].updated_at.instant() + jiff::SignedDuration::from_hours(1);
                    repo.tags[1].updated_at = tag_time(&moved.to_string());
                }
                "public-tools/jq" => {
                    let mut new = repo.tags[0].clone();
                    new.name = "1.8.0".to_owned();
                    repo.tags.insert(0, new);
                }
                _ => {}
            }
        }
        ns.repositories.retain(|r| r.name.as_str() != "worker");
    }
    dataset
}

#[test]
fn the_same_catalog_in_two_swr_registries_is_equal() {
    let (a, b) = (start(Dataset::demo()), start(Dataset::demo()));
    let output = wharf(&["diff", &swr(&a), &swr(&b)]);
    assert_exit(&output, 0);
    let records = records(&output);
    assert!(of_kind(&records, "difference").is_empty());
    assert!(of_kind(&records, "note").is_empty(), "{records:?}");
    let summary = records.last().expect("a summary");
    assert_eq!(summary["kind"], "summary");
    assert_eq!(summary["equal"], true);
    assert_eq!(summary["repositories_on_both_sides"], 10);
    assert_eq!(summary["tags_on_both_sides"], 20);
}

#[test]
fn a_uhub_repo_equals_the_swr_namespace_serving_the_same_dataset() {
    let one = start(Dataset::demo());
    let output = wharf(&["diff", &uhub(&one), &swr(&one), "--namespace", "team"]);
    assert_exit(&output, 0);
    let records = records(&output);
    let notes: Vec<_> = of_kind(&records, "note")
        .iter()
        .map(|n| n["note"].clone())
        .collect();
    assert_eq!(
        notes,
        ["times compared to the second: the source (uhub) has whole seconds"]
    );
    assert_eq!(records.last().unwrap()["repositories_on_both_sides"], 5);
}

#[test]
fn namespaces_of_other_names_are_matched_by_repository_name() {
    let mut moved = Dataset::demo();
    moved.namespaces[0].name = NamespaceName::new("team-migrated").unwrap();
    let (a, b) = (start(Dataset::demo()), start(moved));
    let args = [
        "diff",
        &uhub(&a),
        &swr(&b),
        "--source-namespace",
        "team",
        "--target-namespace",
        "team-migrated",
    ];
    assert_exit(&wharf(&args), 0);
    // Whole catalogs match on namespace/name, so the move shows.
    let output = wharf(&["diff", &swr(&a), &swr(&b), "--no-tags"]);
    assert_exit(&output, 1);
    let records = records(&output);
    let changes = of_kind(&records, "difference");
    let count = |change: &str, prefix: &str| {
        changes
            .iter()
            .filter(|d| d["change"] == change)
            .filter(|d| d["repository"].as_str().unwrap().starts_with(prefix))
            .count()
    };
    assert_eq!(changes.len(), 10);
    assert_eq!(count("repository_only_in_source", "team/"), 5);
    assert_eq!(count("repository_only_in_target", "team-migrated/"), 5);
    let notes = of_kind(&records, "note");
    assert_eq!(
        notes[0]["note"],
        "tags were not compared (--no-tags): repositories by name only"
    );
}

#[test]
fn different_catalogs_exit_1_with_exactly_their_differences() {
    let (a, b) = (start(Dataset::demo()), start(changed_demo()));
    let output = wharf(&["diff", &swr(&a), &swr(&b), "--output", "ndjson"]);
    assert_exit(&output, 1);
    let records = records(&output);
    let changes: Vec<_> = of_kind(&records, "difference")
        .iter()
        .map(|d| {
            let text = |key: &str| d[key].as_str().unwrap_or("").to_owned();
            [text("change"), text("repository"), text("tag")]
        })
        .collect();
    let expected = [
        ["tag_updated_differs", "ml-lab/trainer", "cuda11"],
        ["tag_only_in_target", "public-tools/jq", "1.8.0"],
        ["tag_only_in_source", "team/nginx", "1.24.0"],
        ["tag_digest_differs", "team/payments", "v2"],
        ["repository_only_in_source", "team/worker", ""],
    ];
    assert_eq!(changes, expected.map(|row| row.map(str::to_owned)));
    insta::assert_snapshot!("different_ndjson", stdout(&output));
}

#[test]
fn different_catalogs_as_a_table() {
    let (a, b) = (start(Dataset::demo()), start(changed_demo()));
    let output = wharf(&["diff", &uhub(&a), &swr(&b), "--output", "table"]);
    assert_exit(&output, 1);
    insta::assert_snapshot!("different_table", stdout(&output));
}

#[test]
fn a_fraction_of_a_second_counts_only_where_both_sides_have_fractions() {
    let mut fine = Dataset::demo();
    let tag = &mut fine.namespaces[0].repositories[0].tags[0];
    let whole = tag.updated_at.instant();
    let with_fraction = whole + jiff::SignedDuration::from_millis(750);
    tag.updated_at = tag_time(&with_fraction.to_string());
    let (fine, demo) = (start(fine), start(Dataset::demo()));
    // SWR's fraction against UHub's whole second of one dataset: equal.
    assert_exit(&wharf(&["diff", &swr(&fine), &uhub(&fine)]), 0);
    // Both SWR, both with nanoseconds: the fraction is a difference.
    let output = wharf(&["diff", &swr(&fine), &swr(&demo)]);
    assert_exit(&output, 1);
    let records = records(&output);
    let changes = of_kind(&records, "difference");
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["change"], "tag_updated_differs");
    assert_eq!(changes[0]["source"], with_fraction.to_string());
    assert_eq!(changes[0]["target"], whole.to_string());
    assert!(with_fraction.to_string().ends_with(":00.75Z"));
}

#[test]
fn the_demo_registry_through_both_apis_is_equal() {
    let output = wharf(&["diff", "demo", "demo-uhub", "--output", "json"]);
    assert_exit(&output, 0);
    let all: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("one JSON array");
    let last = all.as_array().and_then(|a| a.last()).expect("records");
    assert_eq!(last["equal"], true);
    assert_eq!(last["tags_on_both_sides"], 20);
}

#[test]
fn a_refused_key_exits_3_naming_the_side() {
    let one = start(Dataset::demo());
    let output = wharf_with(&["diff", &uhub(&one), &swr(&one)], WRONG_SK);
    assert_exit(&output, 3);
    let errors = stderr(&output);
    let side = format!("wharf: target swr+{}", one.base_url());
    assert!(errors.starts_with(&side), "{errors}");
    assert!(!errors.contains(WRONG_SK), "{errors}");
    assert!(stdout(&output).is_empty());
}

#[test]
fn usage_errors_exit_2_and_say_what_was_wrong() {
    let output = wharf(&["diff", "swr://cn_north_4", "demo"]);
    assert_exit(&output, 2);
    assert!(stderr(&output).starts_with("wharf: source: invalid catalog spec at position 8"));
    let output = wharf(&["diff", "demo", "demo", "--source-namespace", "team"]);
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("--target-namespace"));
    let output = wharf(&["diff", "demo", "demo", "--limit", "3"]);
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("--limit"));
}

#[test]
fn a_missing_namespace_exits_4_naming_the_side() {
    let args = ["diff", "demo", "demo-uhub", "--source-namespace", "nobody"];
    let output = wharf(&[&args[..], &["--target-namespace", "team"]].concat());
    assert_exit(&output, 4);
    assert!(
        stderr(&output).starts_with("wharf: source demo: "),
        "{}",
        stderr(&output)
    );
}

#[test]
fn csv_holds_the_differences_and_stderr_the_rest() {
    let (a, b) = (start(Dataset::demo()), start(changed_demo()));
    let output = wharf(&["diff", &swr(&a), &swr(&b), "--output", "csv", "--no-tags"]);
    assert_exit(&output, 1);
    assert_eq!(
        stdout(&output),
        "CHANGE,REPOSITORY,TAG,SOURCE,TARGET\nrepository_only_in_source,team/worker,,team/worker,\n"
    );
    assert!(stderr(&output).contains("wharf: different: 1 difference;"));
    // Equal catalogs: the header alone, as an empty listing has.
    let output = wharf(&["diff", &swr(&a), &swr(&a), "--output", "csv"]);
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "CHANGE,REPOSITORY,TAG,SOURCE,TARGET\n");
}
