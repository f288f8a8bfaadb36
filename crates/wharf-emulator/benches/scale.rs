//! The emulator at scale: what starting costs for 20,000 and for 1,000,000
//! repositories, what a page costs at offset 0 and at offset 990,000 in
//! every order, and the resident memory of a million repositories.
//!
//! ```text
//! cargo bench -p wharf-emulator --bench scale
//! WHARF_BENCH_ROUNDS=5 cargo bench -p wharf-emulator --bench scale
//! ```
//!
//! `WHARF_EMULATOR_BIN=PATH` times the starts of another `wharf-emulator`
//! binary than the one built with the bench (a copy of an older build, say,
//! to compare two commits in one session). `WHARF_BASELINE_BIN=PATH` adds
//! that binary as a contender: its starts and its process's memory are
//! measured interleaved with the bench's own binary, round after round.
//!
//! Memory is measured three ways, each after serving a page in every order:
//! in this process, given `Dataset::generate`'s records
//! (`EmulatorBuilder::dataset`, what the figures have always been); in a
//! fresh process of this bench generating them into the emulator
//! (`EmulatorBuilder::generate`); and as the resident set of a
//! `wharf-emulator` process started with the generator flags.
//!
//! Every figure is a ratio to a baseline measured in the same run,
//! interleaved with it (the contenders take turns, round after round), and
//! the minimum of the rounds is kept: on a shared machine the minimum is the
//! figure least disturbed by others. The goals (issue 7): start at most 60x
//! 20,000's cost for 50x the repositories; any page at most 2x the first
//! page's cost; under 1 GiB resident for a million repositories.

mod common;

use common::client::Client;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use wharf_emulator::{Dataset, Emulator, GenerateOptions};

const BIG: usize = 1_000_000;
const SMALL: usize = 20_000;

fn main() {
    if std::env::var_os(MEMORY_CHILD).is_some() {
        return memory_child();
    }
    let rounds: usize = std::env::var("WHARF_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    println!("# wharf-emulator scale benchmark ({rounds} rounds, minimum kept)\n");
    println!("machine: {}", machine());

    // The namespace GetRepoImage pages through: namespaces are drawn
    // before repositories, so a dataset without repositories has the same
    // ones. Asked of the emulator, it would be its whole dataset.
    let namespace = Dataset::generate(&GenerateOptions {
        repositories: 0,
        ..options(BIG)
    })
    .expect("generate")
    .namespaces
    .iter()
    .map(|n| n.name.to_string())
    .min()
    .expect("a namespace");
    // Memory first, in a process that has held nothing bigger yet.
    let before = rss_kib();
    let started = Instant::now();
    let emulator = start(BIG);
    let first_start = started.elapsed();
    let indexed = rss_kib();
    let pages = page_costs(&emulator, &namespace, rounds);
    let after = rss_kib();
    println!(
        "\n## Memory\n\n1,000,000 repositories, 10 namespaces, one tag each, after serving a page in every order: \
         resident {} MiB (process before: {} MiB; once started: {} MiB; peak {} MiB)",
        after / 1024,
        before / 1024,
        indexed / 1024,
        peak_kib() / 1024
    );
    println!("first start of 1,000,000 (generate + index + bind): {first_start:.2?}");
    print_pages(&pages);
    drop(emulator);
    println!("\n{}", memory_in_child());
    println!("\n| binary | resident after a page in every order | peak |\n|---|---:|---:|");
    for (label, binary) in binaries() {
        let (rss, peak) = process_memory(&binary, &namespace);
        println!("| {label} | {} MiB | {} MiB |", rss / 1024, peak / 1024);
    }
    if binaries().len() > 1 {
        process_pages(&namespace, rounds);
    }

    println!(
        "\n## Start: a fresh `wharf-emulator` process generating and indexing the dataset, until it answers a first page\n"
    );
    // (whole start, of which generating and indexing in process), the
    // minimum of the rounds. Each start is a new process, as a user starts
    // it: the small one does not run in memory the big one faulted in.
    let binaries = binaries();
    let mut best = vec![[(Duration::MAX, Duration::MAX); 2]; binaries.len()];
    for round in 0..rounds {
        for ((_, binary), best) in binaries.iter().zip(&mut best) {
            start_round(binary, round, best);
        }
    }
    println!(
        "| binary | repositories | start to first page (min) | start to listening (min) |\n|---|---:|---:|---:|"
    );
    for ((label, _), [small, big]) in binaries.iter().zip(&best) {
        println!("| {label} | {SMALL} | {:.2?} | {:.2?} |", small.0, small.1);
        println!("| {label} | {BIG} | {:.2?} | {:.2?} |", big.0, big.1);
    }
    for ((label, _), [small, big]) in binaries.iter().zip(&best) {
        let ratio = big.0.as_secs_f64() / small.0.as_secs_f64();
        println!(
            "\n{label}: 1,000,000 costs **{ratio:.1}x** what 20,000 cost, for 50x the repositories (goal: at most 60x)"
        );
    }
}

/// One round of starts of `binary`, the small one and the big one taking
/// turns; `best` keeps the minimum (whole start, start to listening) of
/// each.
fn start_round(binary: &std::ffi::OsStr, round: usize, best: &mut [(Duration, Duration); 2]) {
    // Alternate which goes first.
    let order = if round % 2 == 0 {
        [SMALL, BIG]
    } else {
        [BIG, SMALL]
    };
    // The small start is timed five times a round: at tens of
    // milliseconds it is the more easily disturbed of the two.
    let runs = order.iter().flat_map(|&size| {
        let times = if size == SMALL { 5 } else { 1 };
        std::iter::repeat_n(size, times)
    });
    for size in runs {
        let (mut child, addr, listening) = spawn(binary, size);
        get(addr, "/v2/manage/repos?offset=0&limit=1").expect("first page");
        let took = listening.1.elapsed();
        let _ = child.kill();
        let _ = child.wait();
        let best = &mut best[usize::from(size != SMALL)];
        best.0 = best.0.min(took);
        best.1 = best.1.min(listening.0);
    }
}

/// The binaries measured: the bench's own (or `WHARF_EMULATOR_BIN`), and
/// `WHARF_BASELINE_BIN` when given.
fn binaries() -> Vec<(&'static str, std::ffi::OsString)> {
    let own = std::env::var_os("WHARF_EMULATOR_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_wharf-emulator").into());
    let mut all = vec![("this build", own)];
    if let Some(baseline) = std::env::var_os("WHARF_BASELINE_BIN") {
        all.insert(0, ("baseline", baseline));
    }
    all
}

/// Far pages of every binary's process side by side: each binary serves
/// 1,000,000 repositories in a process of its own, and each page is asked
/// of one then the other over a keep-alive connection each, the order
/// swapped every round, so that both see the same load; the minimum and
/// the median of `rounds` x 20 requests kept.
fn process_pages(namespace: &str, rounds: usize) {
    let binaries = binaries();
    let children: Vec<_> = binaries.iter().map(|(_, b)| spawn(b, BIG)).collect();
    let mut clients: Vec<Client> = children.iter().map(|c| Client::connect(c.1)).collect();
    let mut targets: Vec<(String, String)> = ORDERS
        .iter()
        .map(|order| {
            let label = match *order {
                "" => "natural (namespace, name)".to_owned(),
                other => other.trim_start_matches('&').replace('&', " "),
            };
            (
                label,
                format!("/v2/manage/repos?offset=990000&limit=100{order}"),
            )
        })
        .collect();
    targets.push((
        "GetRepoImage".to_owned(),
        format!("/?Action=GetRepoImage&RepoName={namespace}&Offset=99900&Limit=100"),
    ));
    let mut samples = vec![vec![Vec::new(); binaries.len()]; targets.len()];
    for round in 0..rounds * 20 {
        for (target, samples) in targets.iter().zip(&mut samples) {
            let mut order: Vec<usize> = (0..clients.len()).collect();
            if round % 2 == 1 {
                order.reverse();
            }
            for b in order {
                let started = Instant::now();
                let body = clients[b].get(&target.1);
                samples[b].push(started.elapsed().as_secs_f64() * 1e6);
                assert!(body.len() > 1_000, "{}: a short page", target.1);
            }
        }
    }
    for (mut child, _, _) in children {
        let _ = child.kill();
        let _ = child.wait();
    }
    println!("\n## The far pages of each binary's process, side by side (us, min / median)\n");
    let labels: Vec<&str> = binaries.iter().map(|(l, _)| *l).collect();
    println!(
        "| page | {} | ratio of medians |\n|---|{}---:|",
        labels.join(" | "),
        "---:|".repeat(labels.len())
    );
    for (target, samples) in targets.iter().zip(&mut samples) {
        let cells: Vec<(f64, f64)> = samples
            .iter_mut()
            .map(|s| {
                s.sort_by(f64::total_cmp);
                (s[0], s[s.len() / 2])
            })
            .collect();
        let text: Vec<String> = cells
            .iter()
            .map(|(min, median)| format!("{min:.0} / {median:.0}"))
            .collect();
        let ratio = cells.last().map_or(0.0, |c| c.1) / cells[0].1;
        println!("| {} | {} | {ratio:.2} |", target.0, text.join(" | "));
    }
}

/// The resident set and the peak, in KiB, of a `binary` process serving
/// 1,000,000 generated repositories, after a page in every order.
fn process_memory(binary: &std::ffi::OsStr, namespace: &str) -> (u64, u64) {
    let (mut child, addr, _) = spawn(binary, BIG);
    let mut client = Client::connect(addr);
    for order in ORDERS {
        client.get(&format!("/v2/manage/repos?offset=990000&limit=100{order}"));
    }
    client.get(&format!(
        "/?Action=GetRepoImage&RepoName={namespace}&Offset=99900&Limit=100"
    ));
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    (field_kib(&status, "VmRSS:"), field_kib(&status, "VmHWM:"))
}

/// Set in the child process [`memory_in_child`] starts.
const MEMORY_CHILD: &str = "WHARF_SCALE_MEMORY_CHILD";

/// Runs this bench again as a child that serves 1,000,000 repositories
/// generated into the emulator ([`memory_child`]); what it printed.
fn memory_in_child() -> String {
    let output = std::process::Command::new(std::env::current_exe().expect("the bench's path"))
        .env(MEMORY_CHILD, "1")
        .output()
        .expect("the bench runs again");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// The child of [`memory_in_child`]: `EmulatorBuilder::generate`, a page in
/// every order, then the resident set.
fn memory_child() {
    let options = options(BIG);
    let namespace = Dataset::generate(&GenerateOptions {
        repositories: 0,
        ..options
    })
    .expect("generate")
    .namespaces
    .iter()
    .map(|n| n.name.to_string())
    .min()
    .expect("a namespace");
    let started = Instant::now();
    let emulator = Emulator::builder()
        .generate(&options)
        .expect("options")
        .no_auth()
        .log_requests(false)
        .start_background()
        .expect("start");
    let took = started.elapsed();
    let indexed = rss_kib();
    let _ = page_costs(&emulator, &namespace, 1);
    println!(
        "1,000,000 repositories generated into the emulator (`EmulatorBuilder::generate`), in a fresh process, \
         after serving a page in every order: resident {} MiB (once started: {} MiB; peak {} MiB); start {took:.2?}",
        rss_kib() / 1024,
        indexed / 1024,
        peak_kib() / 1024
    );
}

/// Starts `binary` on `repositories` generated repositories: the child,
/// its address, and (the time until it said it was listening, when it was
/// started).
fn spawn(
    binary: &std::ffi::OsStr,
    repositories: usize,
) -> (std::process::Child, SocketAddr, (Duration, Instant)) {
    let started = Instant::now();
    let o = options(repositories);
    let mut child = std::process::Command::new(binary)
        .args(["--listen", "127.0.0.1:0", "--no-auth", "--quiet"])
        .args(["--namespaces", &o.namespaces.to_string()])
        .args(["--repos", &o.repositories.to_string()])
        .args(["--tags-per-repo", &o.tags_per_repository.to_string()])
        .args(["--official-images", &o.official_images.to_string()])
        .args(["--seed", &o.seed.to_string()])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the emulator binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("first line");
    let listening = started.elapsed();
    let addr: SocketAddr = line
        .trim()
        .strip_prefix("listening on http://")
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("first line: {line:?}"));
    (child, addr, (listening, started))
}

fn options(repositories: usize) -> GenerateOptions {
    GenerateOptions {
        namespaces: 10,
        repositories,
        tags_per_repository: 1,
        official_images: 10,
        seed: 1,
    }
}

fn start(repositories: usize) -> Emulator {
    serve(Dataset::generate(&options(repositories)).expect("generate"))
}

/// Indexes `dataset` and serves it, without auth or a request log.
fn serve(dataset: Dataset) -> Emulator {
    Emulator::builder()
        .dataset(dataset)
        .no_auth()
        .log_requests(false)
        .start_background()
        .expect("start")
}

/// (order label, offset) -> minimum microseconds for a 100-item page.
type Costs = Vec<(String, u64, f64)>;

const ORDERS: [&str; 11] = [
    "",
    "&order_column=name",
    "&order_column=name&order_type=desc",
    "&order_column=updated_time",
    "&order_column=updated_time&order_type=desc",
    "&order_column=tag_count",
    "&order_column=tag_count&order_type=desc",
    "&order_column=namespace",
    "&order_column=namespace&order_type=desc",
    "&order_column=is_public",
    "&order_column=is_public&order_type=desc",
];

/// Each page fetched `rounds` x 20 times over one keep-alive connection,
/// offsets and orders interleaved; the minimum kept.
/// `namespace` is the one GetRepoImage pages through.
fn page_costs(emulator: &Emulator, namespace: &str, rounds: usize) -> Costs {
    let addr = emulator.addr();
    let mut best: Vec<(String, u64, f64)> = Vec::new();
    for order in ORDERS {
        for offset in [0, 990_000] {
            best.push((order.to_owned(), offset, f64::MAX));
        }
    }
    let mut client = Client::connect(addr);
    for _ in 0..rounds * 20 {
        for slot in &mut best {
            let target = format!("/v2/manage/repos?offset={}&limit=100{}", slot.1, slot.0);
            let started = Instant::now();
            let body = client.get(&target);
            let micros = started.elapsed().as_secs_f64() * 1e6;
            assert!(body.len() > 1_000, "{target}: a short page");
            slot.2 = slot.2.min(micros);
        }
    }
    // UHub's GetRepoImage over one namespace, first and last pages.
    for offset in [0, 99_900] {
        let mut least = f64::MAX;
        for _ in 0..rounds * 20 {
            let target =
                format!("/?Action=GetRepoImage&RepoName={namespace}&Offset={offset}&Limit=100");
            let started = Instant::now();
            let body = client.get(&target);
            least = least.min(started.elapsed().as_secs_f64() * 1e6);
            assert!(body.len() > 1_000, "{target}: a short page");
        }
        best.push(("GetRepoImage".to_owned(), offset, least));
    }
    best
}

fn print_pages(costs: &Costs) {
    println!("\n## A 100-item page, offset 0 against offset 990,000 (99,900 for GetRepoImage)\n");
    println!(
        "| order | offset 0 (us) | far offset (us) | ratio (goal <= 2) |\n|---|---:|---:|---:|"
    );
    for pair in costs.chunks(2) {
        let label = match pair[0].0.as_str() {
            "" => "natural (namespace, name)".to_owned(),
            other => other.trim_start_matches('&').replace('&', " "),
        };
        println!(
            "| {label} | {:.0} | {:.0} | {:.2} |",
            pair[0].2,
            pair[1].2,
            pair[1].2 / pair[0].2
        );
    }
}

fn get(addr: SocketAddr, target: &str) -> Option<Vec<u8>> {
    Some(Client::connect(addr).get(target))
}

fn status_kib(field: &str) -> u64 {
    field_kib(
        &std::fs::read_to_string("/proc/self/status").unwrap_or_default(),
        field,
    )
}

/// A `/proc/PID/status` field in KiB.
fn field_kib(status: &str, field: &str) -> u64 {
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn rss_kib() -> u64 {
    status_kib("VmRSS:")
}

fn peak_kib() -> u64 {
    status_kib("VmHWM:")
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!(
        "{cores} cores, {cpu}, load average {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    )
}
