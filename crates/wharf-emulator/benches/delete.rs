//! What one delete costs at a million repositories: SWR's DeleteRepoTag
//! and UHub's DeleteRepoImage over HTTP, each right after a read of the
//! same image over the same keep-alive connection (so that the machine's
//! noise falls on both alike), and `Emulator::push` in process (onto an
//! existing repository, and creating one). Also a page of changed
//! repositories against a page of unchanged ones, before and after, to
//! show that reads stay as fast, and what `Emulator::dataset()` costs once
//! the dataset has changed.
//!
//! ```text
//! cargo bench -p wharf-emulator --bench delete
//! WHARF_BENCH_DELETES=500 cargo bench -p wharf-emulator --bench delete
//! ```
//!
//! Every repository has two tags, so a delete moves its id in the
//! tag-count order from the group of 2 to the group of 1: in one direction
//! or the other most ids sit between the two places, the longest move
//! there is (a `memmove` of about 4 MB in all). Figures are per request,
//! the minimum, the median and the maximum of the runs; the machine is
//! shared, so the median is the figure to read. No figure is checked: this
//! prints.

mod common;

use common::client::Client;
use std::time::{Duration, Instant};

use wharf_emulator::{Dataset, Emulator, GenerateOptions, TagRecord};
use wharf_model::ImageRef;

const REPOSITORIES: usize = 1_000_000;

fn main() {
    let deletes: usize = std::env::var("WHARF_BENCH_DELETES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    println!("# wharf-emulator: one delete at {REPOSITORIES} repositories ({deletes} of each)\n");
    let started = Instant::now();
    let dataset = Dataset::generate(&GenerateOptions {
        namespaces: 10,
        repositories: REPOSITORIES,
        tags_per_repository: 2,
        official_images: 0,
        seed: 11,
    })
    .expect("generate");
    let emulator = Emulator::builder()
        .dataset(dataset)
        .no_auth()
        .log_requests(false)
        .start_background()
        .expect("start");
    println!(
        "generated, indexed and started in {:.2?}\n",
        started.elapsed()
    );

    // Repositories spread over the dataset: the first `deletes` for SWR,
    // the next for UHub, the next for the reads.
    let loaded = emulator.dataset();
    let step = REPOSITORIES / (3 * deletes + 3);
    let targets: Vec<(String, String, String)> = loaded
        .repositories()
        .step_by(step.max(1))
        .take(3 * deletes)
        .map(|(ns, repo)| {
            (
                ns.name.to_string(),
                repo.name.to_string(),
                repo.tags[0].name.clone(),
            )
        })
        .collect();
    drop(loaded);
    let (swr_targets, rest) = targets.split_at(deletes);
    let (uhub_targets, read_targets) = rest.split_at(deletes);

    let mut client = Client::connect(emulator.addr());
    // A page of changed repositories (tag-count order, first page: after
    // the deletes, the repositories with one tag) and one of unchanged
    // ones (the natural order's first), measured in turns.
    let pages = [
        "/v2/manage/repos?offset=0&limit=100&order_column=tag_count",
        "/v2/manage/repos?offset=0&limit=100",
    ];
    let pages_before = best_pages(&mut client, &pages);

    // Each delete right after a read of the same image over the same
    // connection, so that the machine's noise falls on both alike.
    let mut reads = Vec::new();
    let read = |client: &mut Client, ns: &str, repo: &str, tag: &str| {
        let target = format!(
            "/?Action=GetImageTag&RepoName={ns}&ImageName={}&TagName={tag}",
            encode(repo)
        );
        let started = Instant::now();
        let body = client.send("GET", &target);
        let took = started.elapsed();
        assert!(body.windows(11).any(|w| w == b"\"RetCode\":0"), "{target}");
        took
    };
    let mut swr = Vec::new();
    for (ns, repo, tag) in swr_targets {
        reads.push(read(&mut client, ns, repo, tag));
        let target = format!(
            "/v2/manage/namespaces/{ns}/repos/{}/tags/{tag}",
            repo.replace('/', "$")
        );
        let started = Instant::now();
        let (status, _) = client.send_status("DELETE", &target);
        swr.push(started.elapsed());
        assert_eq!(status, 200, "{target}");
    }
    let mut uhub = Vec::new();
    for (ns, repo, tag) in uhub_targets {
        reads.push(read(&mut client, ns, repo, tag));
        let target = format!(
            "/?Action=DeleteRepoImage&RepoName={ns}&ImageName={}&TagName={tag}",
            encode(repo)
        );
        let started = Instant::now();
        let body = client.send("GET", &target);
        uhub.push(started.elapsed());
        assert!(
            body.windows(11).any(|w| w == b"\"RetCode\":0"),
            "{target}: {}",
            String::from_utf8_lossy(&body)
        );
    }
    let digest = format!("sha256:{}", "cd".repeat(32));
    let when: wharf_model::Timestamp = "2030-01-01T00:00:00Z".parse().expect("a time");
    let push_existing = time(read_targets, |(ns, repo, _)| {
        let image: ImageRef = format!("{ns}/{repo}").parse().expect("a name");
        let tag = TagRecord::new("pushed", 1_000, digest.clone(), when.clone());
        emulator.push(&image, tag).expect("push");
    });
    let created: Vec<(String, String, String)> = read_targets
        .iter()
        .enumerate()
        .map(|(i, (ns, repo, _))| (ns.clone(), format!("{repo}-new-{i}"), String::new()))
        .collect();
    let push_new = time(&created, |(ns, repo, _)| {
        let image: ImageRef = format!("{ns}/{repo}").parse().expect("a name");
        let tag = TagRecord::new("v1", 1_000, digest.clone(), when.clone());
        emulator.push(&image, tag).expect("push");
    });
    let pages_after = best_pages(&mut client, &pages);
    let copy = Instant::now();
    let current = emulator.dataset();
    let copied = copy.elapsed();
    assert_eq!(current.repository_count(), REPOSITORIES + created.len());

    println!("| request | min | median | max |\n|---|---:|---:|---:|");
    for (label, runs) in [
        ("GetImageTag with TagName (a read, the baseline)", &reads),
        ("SWR DELETE .../tags/{tag}", &swr),
        ("UHub DeleteRepoImage with TagName", &uhub),
        (
            "Emulator::push onto an existing repository (in process)",
            &push_existing,
        ),
        (
            "Emulator::push creating a repository (in process)",
            &push_new,
        ),
    ] {
        let (min, median, max) = summary(runs);
        println!("| {label} | {min:.2?} | {median:.2?} | {max:.2?} |");
    }
    let (_, read_median, _) = summary(&reads);
    let (_, delete_median, _) = summary(&swr);
    println!(
        "\nOne delete costs about {:.2?} more than a read over the same connection (SWR's median less the reads')",
        delete_median.saturating_sub(read_median)
    );
    println!(
        "\nA 100-item page (best of 100, in turns), before and after the changes: \
         tag_count order, offset 0 (after: {} changed repositories) {:.2?} then {:.2?}; \
         natural order, offset 0 (unchanged) {:.2?} then {:.2?}",
        2 * deletes,
        pages_before[0],
        pages_after[0],
        pages_before[1],
        pages_after[1]
    );
    println!("Emulator::dataset() after the changes (a copy with them put back): {copied:.2?}");
}

/// Runs `each` on every target, timing each run.
fn time<T>(targets: &[T], mut each: impl FnMut(&T)) -> Vec<Duration> {
    targets
        .iter()
        .map(|target| {
            let started = Instant::now();
            each(target);
            started.elapsed()
        })
        .collect()
}

/// The least of 100 requests of each page, the pages in turns.
fn best_pages(client: &mut Client, pages: &[&str; 2]) -> [Duration; 2] {
    let mut best = [Duration::MAX; 2];
    for _ in 0..100 {
        for (slot, target) in best.iter_mut().zip(pages) {
            let started = Instant::now();
            let body = client.send("GET", target);
            *slot = (*slot).min(started.elapsed());
            assert!(body.len() > 1_000, "{target}: a short page");
        }
    }
    best
}

/// Minimum, median and maximum.
fn summary(runs: &[Duration]) -> (Duration, Duration, Duration) {
    let mut sorted = runs.to_vec();
    sorted.sort();
    let at = |i: usize| sorted.get(i).copied().unwrap_or_default();
    (
        at(0),
        at(sorted.len() / 2),
        at(sorted.len().saturating_sub(1)),
    )
}

/// A query value, percent-encoded enough for repository names.
fn encode(text: &str) -> String {
    text.replace('/', "%2F")
}
