//! What one delete costs at a million repositories, against a read of the
//! same size over the same connection: SWR's DeleteRepoTag and UHub's
//! DeleteRepoImage over HTTP, and `Emulator::push` in process (onto an
//! existing repository, and creating one). Also a page in tag-count order
//! before and after the deletes, to show that reads stay as fast.
//!
//! ```text
//! cargo bench -p wharf-emulator --bench delete
//! WHARF_BENCH_DELETES=500 cargo bench -p wharf-emulator --bench delete
//! ```
//!
//! Every repository has two tags, so a delete moves its id in the
//! tag-count order from the group of 2 to the group of 1 (the longest
//! moves there are: most ids sit between the two places, in one direction
//! or the other). Figures are per request, the minimum, the median and the
//! maximum of the runs; the machine is shared, so the median is the figure
//! to read.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
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
    let tag_count_page = "/v2/manage/repos?offset=0&limit=100&order_column=tag_count";
    let far_page = "/v2/manage/repos?offset=990000&limit=100&order_column=tag_count";
    let pages_before = [
        best_of(&mut client, "GET", tag_count_page),
        best_of(&mut client, "GET", far_page),
    ];

    let reads = time(read_targets, |(ns, repo, tag)| {
        let target = format!(
            "/?Action=GetImageTag&RepoName={ns}&ImageName={}&TagName={tag}",
            encode(repo)
        );
        let body = client.send("GET", &target);
        assert!(body.windows(9).any(|w| w == b"\"RetCode\""), "{target}");
    });
    let swr = time(swr_targets, |(ns, repo, tag)| {
        let target = format!(
            "/v2/manage/namespaces/{ns}/repos/{}/tags/{tag}",
            repo.replace('/', "$")
        );
        let (status, _) = client.send_status("DELETE", &target);
        assert_eq!(status, 200, "{target}");
    });
    let uhub = time(uhub_targets, |(ns, repo, tag)| {
        let target = format!(
            "/?Action=DeleteRepoImage&RepoName={ns}&ImageName={}&TagName={tag}",
            encode(repo)
        );
        let body = client.send("GET", &target);
        assert!(
            body.windows(11).any(|w| w == b"\"RetCode\":0"),
            "{target}: {}",
            String::from_utf8_lossy(&body)
        );
    });
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
    let pages_after = [
        best_of(&mut client, "GET", tag_count_page),
        best_of(&mut client, "GET", far_page),
    ];
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
    println!(
        "\nA 100-item page in tag_count order (best of 50), before and after the changes: \
         offset 0 {:.2?} then {:.2?}; offset 990,000 {:.2?} then {:.2?}",
        pages_before[0], pages_after[0], pages_before[1], pages_after[1]
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

/// The least of 50 requests.
fn best_of(client: &mut Client, method: &str, target: &str) -> Duration {
    (0..50)
        .map(|_| {
            let started = Instant::now();
            let body = client.send(method, target);
            assert!(body.len() > 1_000, "{target}: a short page");
            started.elapsed()
        })
        .min()
        .unwrap_or_default()
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

/// A minimal keep-alive HTTP/1.1 client: enough to time the server, not the
/// client.
struct Client {
    reader: BufReader<TcpStream>,
}

impl Client {
    fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        Client {
            reader: BufReader::with_capacity(1 << 16, stream),
        }
    }

    fn send(&mut self, method: &str, target: &str) -> Vec<u8> {
        self.send_status(method, target).1
    }

    fn send_status(&mut self, method: &str, target: &str) -> (u16, Vec<u8>) {
        let request = format!("{method} {target} HTTP/1.1\r\nHost: bench\r\n\r\n");
        self.reader
            .get_mut()
            .write_all(request.as_bytes())
            .expect("send");
        let mut length = 0;
        let mut status = 0;
        let mut line = String::new();
        loop {
            line.clear();
            self.reader.read_line(&mut line).expect("head");
            if status == 0 {
                status = line
                    .split(' ')
                    .nth(1)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
            }
            let lower = line.to_ascii_lowercase();
            if let Some(value) = lower.strip_prefix("content-length:") {
                length = value.trim().parse().expect("content-length");
            }
            if line == "\r\n" || line.is_empty() {
                break;
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).expect("body");
        (status, body)
    }
}
