//! How close concurrent paging comes to the latency floor, and what a
//! listed item costs the client in CPU.
//!
//! ```text
//! cargo bench -p wharf --bench paging
//! WHARF_BENCH_ROUNDS=5 cargo bench -p wharf --bench paging
//! ```
//!
//! The emulator serves 20,000 repositories from its own threads, each
//! answer held back 20 ms; the client lists them in pages of 100 on a
//! single-threaded runtime in the main thread, at concurrency 1, 4, 16 and
//! 64, the four taking turns round after round. Each time is reported as a
//! ratio to the floor `latency x (1 + ceil((pages - 1) / concurrency))`:
//! the first page alone tells the total, then `concurrency` pages at a time.
//! The goal (issue 8): within 1.25x of the floor at concurrency 16. Then at
//! latency 0, the CPU time of the client's thread alone (from
//! `/proc/thread-self/stat`), per item listed.

use std::time::{Duration, Instant};

use futures::StreamExt;
use wharf::model::RepositoryQuery;
use wharf::{HuaweiCredentials, SwrClient, SwrConfig};
use wharf_emulator::{DEMO_HUAWEI_AK, DEMO_HUAWEI_SK, Dataset, Emulator, GenerateOptions};

const REPOSITORIES: usize = 20_000;
const PAGE: u32 = 100;
const LATENCY: Duration = Duration::from_millis(20);
const CONCURRENCY: [usize; 4] = [1, 4, 16, 64];

fn main() {
    let rounds: usize = std::env::var("WHARF_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let options = GenerateOptions {
        repositories: REPOSITORIES,
        ..GenerateOptions::default()
    };
    let dataset = Dataset::generate(&options).expect("dataset");
    let emulator = Emulator::builder()
        .dataset(dataset)
        .latency(LATENCY)
        .start_background()
        .expect("emulator");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = client(&emulator);

    println!("# wharf paging benchmark ({rounds} rounds, minimum kept)\n");
    println!("machine: {}\n", machine());
    let pages = REPOSITORIES.div_ceil(PAGE as usize);
    let round_trip = runtime.block_on(round_trip(&client, rounds * 5));
    let mut best = [Duration::MAX; CONCURRENCY.len()];
    for _ in 0..rounds {
        for (i, &concurrency) in CONCURRENCY.iter().enumerate() {
            let (took, _) = runtime.block_on(list(&client, concurrency));
            best[i] = best[i].min(took);
        }
    }
    println!("20,000 repositories, page {PAGE}, latency {LATENCY:?}:\n");
    println!(
        "one page alone takes {:.1} ms (the emulator's timer overshoots the nominal latency)\n",
        ms(round_trip)
    );
    println!(
        "| concurrency | time | floor | time / floor | floor from one page's time | time / that |"
    );
    println!("|---:|---:|---:|---:|---:|---:|");
    for (i, &concurrency) in CONCURRENCY.iter().enumerate() {
        let round_trips = (1 + (pages - 1).div_ceil(concurrency)) as u32;
        let floor = LATENCY * round_trips;
        let measured_floor = round_trip * round_trips;
        let ratio = best[i].as_secs_f64() / floor.as_secs_f64();
        let measured_ratio = best[i].as_secs_f64() / measured_floor.as_secs_f64();
        println!(
            "| {concurrency} | {:.0} ms | {:.0} ms | {ratio:.2}x | {:.0} ms | {measured_ratio:.2}x |",
            ms(best[i]),
            ms(floor),
            ms(measured_floor)
        );
    }

    emulator.set_latency(Duration::ZERO);
    let mut cpu_per_item = f64::MAX;
    let mut wall = Duration::MAX;
    for _ in 0..rounds {
        let before = thread_cpu();
        let (took, items) = runtime.block_on(list(&client, 4));
        let cpu = thread_cpu() - before;
        cpu_per_item = cpu_per_item.min(cpu.as_secs_f64() * 1e6 / items as f64);
        wall = wall.min(took);
    }
    println!(
        "\nlatency 0, concurrency 4: {:.0} ms for {REPOSITORIES} items; client CPU {cpu_per_item:.2} us per item ({:.0} items per CPU second)",
        ms(wall),
        1e6 / cpu_per_item
    );
}

fn client(emulator: &Emulator) -> SwrClient {
    let credentials = HuaweiCredentials::new(DEMO_HUAWEI_AK, DEMO_HUAWEI_SK).expect("credentials");
    let config = SwrConfig::endpoint(&emulator.base_url())
        .expect("endpoint")
        .with_auth(credentials);
    SwrClient::new(config).expect("client")
}

/// The shortest time of one page alone, out of `tries`.
async fn round_trip(client: &SwrClient, tries: usize) -> Duration {
    let mut query = RepositoryQuery::default();
    query.page = Some(wharf::model::PageRequest::new(0, PAGE));
    let mut best = Duration::MAX;
    for _ in 0..tries {
        let started = Instant::now();
        client.list_repositories_page(&query).await.expect("a page");
        best = best.min(started.elapsed());
    }
    best
}

/// Lists every repository; the time and the number of items.
async fn list(client: &SwrClient, concurrency: usize) -> (Duration, usize) {
    let started = Instant::now();
    let mut items = client
        .list_repositories(RepositoryQuery::default())
        .page_size(PAGE)
        .concurrency(concurrency)
        .items();
    let mut count = 0;
    while let Some(item) = items.next().await {
        item.expect("a repository");
        count += 1;
    }
    assert_eq!(count, REPOSITORIES);
    (started.elapsed(), count)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// User plus system CPU time of this thread (fields 14 and 15 of its stat,
/// in clock ticks of 1/100 s on Linux).
fn thread_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    // The command name, in parentheses, may hold spaces: count after it.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<u64> = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse().ok())
        .collect();
    Duration::from_millis(fields.iter().sum::<u64>() * 10)
}

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map_or("unknown CPU", str::trim);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cores} cores, {cpu}, load average {}", load.join(" "))
}
