//! `wharf prune` and `wharf apply` as a user runs them, against emulators:
//! a tag pushed between plan and apply is left and reported; an apply killed
//! with SIGKILL halfway and run again finishes the plan with no delete sent
//! twice; the refusals that keep a plan from deleting what it should not.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::{run, text};
use wharf_emulator::{
    DEMO_HUAWEI_AK, DEMO_HUAWEI_SK, Dataset, Emulator, GenerateOptions, TagRecord,
};

/// The binary as the shared harness makes it, with the demo SWR keys and
/// no stdin (so `apply` cannot ask).
fn wharf(args: &[&str]) -> Command {
    let mut command = common::wharf(args);
    command
        .env("HUAWEICLOUD_SDK_AK", DEMO_HUAWEI_AK)
        .env("HUAWEICLOUD_SDK_SK", DEMO_HUAWEI_SK)
        .stdin(Stdio::null());
    command
}

fn emulator(latency: Duration) -> Emulator {
    let options = GenerateOptions {
        namespaces: 2,
        repositories: 8,
        tags_per_repository: 8,
        official_images: 0,
        seed: 5,
    };
    Emulator::builder()
        .dataset(Dataset::generate(&options).unwrap())
        .latency(latency)
        .log_requests(false)
        .start_background()
        .unwrap()
}

/// A folder of its own for a test's plan and journal.
fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wharf-cli-prune-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Plans `emulator` with `--keep-last 3` into `dir/plan.ndjson`; the
/// `repository:tag` of every delete.
fn plan(emulator: &Emulator, dir: &Path) -> Vec<String> {
    let spec = emulator.swr_spec();
    let plan = dir.join("plan.ndjson");
    let out = run(&mut wharf(&[
        "--catalog",
        &spec,
        "prune",
        "--keep-last",
        "3",
        "--out",
        plan.to_str().unwrap(),
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // The NDJSON on stdout is the same plan as the file.
    assert_eq!(
        out.stdout.len(),
        std::fs::metadata(&plan).unwrap().len() as usize
    );
    std::fs::read_to_string(&plan)
        .unwrap()
        .lines()
        .skip(1)
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .filter(|e| e["action"] == "delete")
        .map(|e| {
            format!(
                "{}:{}",
                e["repository"].as_str().unwrap(),
                e["tag"].as_str().unwrap()
            )
        })
        .collect()
}

fn apply(emulator: &Emulator, dir: &Path, more: &[&str]) -> Command {
    let spec = emulator.swr_spec();
    let plan = dir.join("plan.ndjson");
    let mut args = vec!["--catalog", &spec, "apply", plan.to_str().unwrap()];
    args.extend_from_slice(more);
    wharf(&args)
}

/// Every `repository:tag` the emulator holds.
fn tags(emulator: &Emulator) -> Vec<String> {
    let dataset = emulator.dataset();
    let mut all = Vec::new();
    for ns in &dataset.namespaces {
        for repo in &ns.repositories {
            for tag in &repo.tags {
                all.push(format!("{}/{}:{}", ns.name, repo.name, tag.name));
            }
        }
    }
    all.sort();
    all
}

#[test]
fn a_tag_pushed_after_planning_is_left_and_reported() {
    let emulator = emulator(Duration::ZERO);
    let dir = folder("pushed");
    let planned = plan(&emulator, &dir);
    let (repository, tag) = planned[0].split_once(':').unwrap();
    // CI pushes a new image under a planned tag.
    let digest = format!("sha256:{}", "ab".repeat(32));
    let pushed = TagRecord::new(tag, 1, digest, "2030-01-01T00:00:00Z".parse().unwrap());
    emulator.push(&repository.parse().unwrap(), pushed).unwrap();

    let out = run(&mut apply(&emulator, &dir, &["--yes"]));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(9), "changed and left: {stderr}");
    assert!(stderr.contains(&format!("left {}", planned[0])), "{stderr}");
    assert!(stderr.contains("changed since the plan"), "{stderr}");
    let left = tags(&emulator);
    assert!(left.contains(&planned[0]), "the pushed tag stays");
    for gone in &planned[1..] {
        assert!(!left.contains(gone), "{gone} is deleted");
    }
    assert_eq!(emulator.delete_requests() as usize, planned.len() - 1);
}

#[test]
fn killed_halfway_then_run_again_deletes_each_entry_once() {
    // 40 ms a request, one delete at a time: slow enough to kill halfway.
    let emulator = emulator(Duration::from_millis(40));
    let dir = folder("killed");
    let before = tags(&emulator);
    let planned = plan(&emulator, &dir);
    assert!(
        planned.len() >= 10,
        "a plan worth killing: {}",
        planned.len()
    );
    let mut child = apply(&emulator, &dir, &["--yes", "--concurrency", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while (emulator.delete_requests() as usize) < planned.len() / 2 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "apply did not get halfway"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL: no cleanup, no flush
    child.wait().unwrap();
    let sent_before = emulator.delete_requests() as usize;
    assert!(sent_before < planned.len(), "killed before the end");

    let out = run(&mut apply(&emulator, &dir, &["--yes"]));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("finished before"), "{stderr}");
    assert_eq!(
        emulator.delete_requests() as usize,
        planned.len(),
        "each planned tag got one delete request, across both runs"
    );
    let want: Vec<String> = before
        .into_iter()
        .filter(|t| !planned.contains(t))
        .collect();
    assert_eq!(tags(&emulator), want);
}

#[test]
fn apply_refuses_what_it_should_not_do() {
    let emulator = emulator(Duration::ZERO);
    let dir = folder("refusals");
    let planned = plan(&emulator, &dir);
    let refused = |out: Output, needle: &str| {
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(needle), "{needle:?} in {stderr}");
    };
    // No terminal to ask on, and no --yes.
    refused(run(&mut apply(&emulator, &dir, &[])), "--yes");
    // More deletes than allowed.
    refused(
        run(&mut apply(
            &emulator,
            &dir,
            &["--yes", "--max-deletes", "1"],
        )),
        "--max-deletes",
    );
    // Another catalog than the plan's.
    let other = wharf_emulator::Emulator::builder()
        .start_background()
        .unwrap();
    refused(run(&mut apply(&other, &dir, &["--yes"])), "is a plan of");
    // A plan that is not one.
    std::fs::write(dir.join("plan.ndjson"), "{\"hello\":1}\n").unwrap();
    refused(run(&mut apply(&emulator, &dir, &["--yes"])), "line 1");
    assert_eq!(emulator.delete_requests(), 0, "nothing was deleted");
    assert_eq!(other.delete_requests(), 0);
    assert!(!planned.is_empty());
    // A policy that says nothing about which tags go.
    let out = run(&mut wharf(&["--catalog", &emulator.swr_spec(), "prune"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--keep-last"));
}

/// `wharf apply` on a terminal (script(1) gives it one), answering `answer`.
fn apply_on_a_terminal(emulator: &Emulator, dir: &Path, answer: &str) -> Output {
    use std::io::Write;
    let command = format!(
        "HUAWEICLOUD_SDK_AK={DEMO_HUAWEI_AK} HUAWEICLOUD_SDK_SK={DEMO_HUAWEI_SK} \
         XDG_CONFIG_HOME=/nonexistent {} --catalog {} apply {}",
        env!("CARGO_BIN_EXE_wharf"),
        emulator.swr_spec(),
        dir.join("plan.ndjson").display()
    );
    let mut child = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("TERM", "xterm")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script(1) from util-linux");
    // Give the question time to be asked before the answer comes.
    std::thread::sleep(Duration::from_millis(500));
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(answer.as_bytes()).unwrap();
    drop(stdin);
    child.wait_with_output().unwrap()
}

#[test]
fn on_a_terminal_apply_asks_and_only_yes_deletes() {
    let emulator = emulator(Duration::ZERO);
    let dir = folder("terminal");
    let planned = plan(&emulator, &dir);
    let out = apply_on_a_terminal(&emulator, &dir, "no\n");
    let shown = text(&out.stdout);
    assert!(
        shown.contains(&format!("delete {} tags", planned.len())),
        "{shown}"
    );
    assert!(shown.contains("nothing deleted"), "{shown}");
    assert_eq!(emulator.delete_requests(), 0);

    let out = apply_on_a_terminal(&emulator, &dir, "yes\n");
    let shown = text(&out.stdout);
    assert!(
        shown.contains(&format!("{} deleted", planned.len())),
        "{shown}"
    );
    assert_eq!(emulator.delete_requests() as usize, planned.len());
}

#[test]
fn a_closed_stdout_still_writes_the_whole_plan_and_a_plan_cut_short_deletes_nothing() {
    let emulator = emulator(Duration::ZERO);
    let dir = folder("closed");
    let whole = plan(&emulator, &dir);
    let planned = std::fs::read_to_string(dir.join("plan.ndjson")).unwrap();
    // `wharf prune --out PLAN | true`: the reader is gone before a byte.
    let piped = dir.join("piped.ndjson");
    let spec = emulator.swr_spec();
    let mut child = wharf(&[
        "--catalog",
        &spec,
        "prune",
        "--keep-last",
        "3",
        "--out",
        piped.to_str().unwrap(),
    ])
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(&piped).unwrap();
    // The same entries as the plan made with stdout open (ids and times differ).
    let entries = |text: &str| text.lines().skip(1).map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(entries(&written), entries(&planned));
    assert!(written.ends_with(&format!(
        "{{\"wharf_plan_end\":{{\"entries\":{}}}}}\n",
        entries(&planned).len() - 1
    )));
    assert!(!whole.is_empty());

    // A plan cut at a line's end reads as a plan, but has no closing line.
    let cut: String = planned.lines().take(3).map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.join("plan.ndjson"), cut).unwrap();
    let out = run(&mut apply(&emulator, &dir, &["--yes"]));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("cut short"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(emulator.delete_requests(), 0);
    let _ = std::fs::remove_dir_all(&dir);
}
