//! Benchmarks: `Content-Range` and filter text per operation, and decoding a
//! 1,000-item SWR repository page into the model, into `serde_json::Value`,
//! and into two `#[derive(Deserialize)]` baselines.
//!
//! Run with `cargo bench -p wharf-parse --bench parse`; results are in
//! `docs/benchmarks.md`. With `WHARF_BENCH_ONLY=<decoder>` set, the binary
//! only decodes, for a profiler (see [`decode_only`]).

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, Throughput};
use serde::Deserialize;
use serde_json::{Map, Value};
use wharf_model::{Category, Center, PageRequest, RepositoryInfo, RepositoryQuery, Timestamp};
use wharf_parse::{ContentRange, Total, parse_filter, to_filter};

/// The baseline `wharf_model::RepositoryInfo` avoids: derived, with
/// `#[serde(flatten)]` to keep unknown fields.
#[derive(Deserialize)]
#[allow(dead_code)] // Only decoded, never read.
struct FlattenRepository {
    name: String,
    category: Category,
    description: String,
    size: u64,
    is_public: bool,
    num_images: u64,
    num_download: u64,
    created_at: Timestamp,
    updated_at: Timestamp,
    url: Option<String>,
    path: String,
    internal_path: String,
    domain_name: String,
    namespace: String,
    tags: Vec<String>,
    logo: Option<String>,
    status: Option<bool>,
    total_range: Option<u64>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

/// The same, derived without `flatten`: unknown fields are dropped. Shows the
/// cost of the field types alone.
#[derive(Deserialize)]
#[allow(dead_code)] // Only decoded, never read.
struct PlainRepository {
    name: String,
    category: Category,
    description: String,
    size: u64,
    is_public: bool,
    num_images: u64,
    num_download: u64,
    created_at: Timestamp,
    updated_at: Timestamp,
    url: Option<String>,
    path: String,
    internal_path: String,
    domain_name: String,
    namespace: String,
    tags: Vec<String>,
    logo: Option<String>,
    status: Option<bool>,
    total_range: Option<u64>,
}

/// A small deterministic generator (xorshift64), so every run decodes the
/// same page.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let i = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        items.get(i).copied().unwrap_or("")
    }
}

const WORDS: &[&str] = &[
    "nginx", "redis", "postgres", "api", "gateway", "worker", "ml", "train", "web", "cache",
    "auth", "billing", "edge", "proxy", "search", "batch",
];
const CATEGORIES: &[&str] = &[
    "app_server",
    "linux",
    "framework_app",
    "database",
    "lang",
    "other",
    "windows",
    "arm",
    "gpu",
];
const DESCRIPTIONS: &[&str] = &[
    "",
    "Official build",
    "Nightly images for the \\\"edge\\\" cluster\\nDo not use in production.",
    "镜像仓库：生产环境使用",
    "Caf\\u00e9 menu service, rebuilt every night from main",
];

/// A timestamp in one of the two shapes SWR sends.
fn timestamp(rng: &mut Rng, naive: bool) -> String {
    let (mo, d) = (1 + rng.below(12), 1 + rng.below(28));
    let (h, mi, s) = (rng.below(24), rng.below(60), rng.below(60));
    let year = 2017 + rng.below(8);
    if naive {
        format!("{year}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
    } else {
        let nanos = rng.below(1_000_000_000);
        format!("{year}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{nanos:09}Z")
    }
}

/// Fields no version of the model knows, one of them nested: they go to `extra`.
const UNKNOWN_FIELDS: &str =
    r#","tag_count":3,"creator_name":"alice","repo_type":"image","scan":{"critical":0,"high":2}"#;

/// One repository object, in the documented field order, plus the undocumented
/// `logo`, `status` and `total_range`, and with `unknown`, [`UNKNOWN_FIELDS`].
/// With `null_logo`, `logo` is `null` (the page is otherwise the same).
fn repository(rng: &mut Rng, i: usize, total: usize, unknown: bool, null_logo: bool) -> String {
    let namespace = format!("team-{}", rng.pick(WORDS));
    let name = match rng.below(3) {
        0 => format!("{}-{i}", rng.pick(WORDS)),
        1 => format!("{}/{}-{i}", rng.pick(WORDS), rng.pick(WORDS)),
        _ => format!("{}_{}.{i}", rng.pick(WORDS), rng.pick(WORDS)),
    };
    let tags: Vec<String> = (0..1 + rng.below(5))
        .map(|t| format!("\"v1.{t}.{}\"", rng.below(30)))
        .collect();
    let created = timestamp(rng, i % 2 == 0);
    let updated = timestamp(rng, i % 2 == 1);
    let mut o = String::new();
    let _ = write!(
        o,
        r#"{{"name":"{name}","category":"{}","description":"{}","size":{},"is_public":{},"num_images":{},"num_download":{},"created_at":"{created}","updated_at":"{updated}","url":"","path":"swr.cn-north-4.myhuaweicloud.com/{namespace}/{name}","internal_path":"10.125.0.198:20202/{namespace}/{name}","domain_name":"tenant-{}","namespace":"{namespace}","tags":[{}],"logo":{},"status":{},"total_range":{total}"#,
        rng.pick(CATEGORIES),
        rng.pick(DESCRIPTIONS),
        rng.below(5_000_000_000),
        rng.below(2) == 0,
        rng.below(200),
        rng.below(100_000),
        rng.below(1000),
        tags.join(","),
        logo(rng.below(1_000_000), null_logo),
        rng.below(2) == 0,
    );
    if unknown {
        o.push_str(UNKNOWN_FIELDS);
    }
    o.push('}');
    o
}

/// The `logo` value: a URL, or `null`. The number is drawn either way, so the
/// rest of the page does not depend on `null_logo`.
fn logo(n: u64, null_logo: bool) -> String {
    if null_logo {
        "null".to_owned()
    } else {
        format!("\"https://swr.example.com/logo/{n}.png\"")
    }
}

/// A 1,000-item page, as `GET /v2/manage/repos` returns it.
fn repository_page(unknown: bool, null_logo: bool) -> String {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let objects: Vec<String> = (0..PAGE_ITEMS)
        .map(|i| repository(&mut rng, i, PAGE_ITEMS, unknown, null_logo))
        .collect();
    format!("[{}]", objects.join(","))
}

/// Items on the decoded page.
const PAGE_ITEMS: usize = 1000;

fn content_range(c: &mut Criterion) {
    let mut group = c.benchmark_group("content_range");
    group.bench_function("parse", |b| {
        b.iter(|| ContentRange::parse(black_box("items 1000-100/123456")))
    });
    let range = ContentRange::new(1000, 100, Total::Known(123_456));
    group.bench_function("format", |b| b.iter(|| black_box(&range).to_string()));
    group.finish();
}

fn filter(c: &mut Criterion) {
    let mut query = RepositoryQuery::default();
    query.center = Some(Center::Mine);
    query.namespace = Some("library".into());
    query.name = Some("nginx".into());
    query.category = Some(Category::Linux);
    query.page = Some(PageRequest::new(1000, 100));
    let text = to_filter(&query).unwrap_or_default();
    let mut group = c.benchmark_group("filter");
    group.bench_function("parse", |b| b.iter(|| parse_filter(black_box(&text))));
    group.bench_function("format", |b| b.iter(|| to_filter(black_box(&query))));
    group.finish();
}

fn decode(c: &mut Criterion) {
    decode_page(
        c,
        "decode_1000_repositories",
        &repository_page(false, false),
    );
    let name = "decode_1000_repositories_unknown_fields";
    decode_page(c, name, &repository_page(true, false));
}

fn decode_page(c: &mut Criterion, name: &str, json: &str) {
    check_page(name, json);
    interleaved_minimums(json);
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function("typed", |b| {
        b.iter(|| serde_json::from_str::<Vec<RepositoryInfo>>(black_box(json)))
    });
    group.bench_function("value", |b| {
        b.iter(|| serde_json::from_str::<Value>(black_box(json)))
    });
    group.bench_function("derive_flatten", |b| {
        b.iter(|| serde_json::from_str::<Vec<FlattenRepository>>(black_box(json)))
    });
    group.bench_function("derive_plain", |b| {
        b.iter(|| serde_json::from_str::<Vec<PlainRepository>>(black_box(json)))
    });
    group.finish();
}

/// Makes sure every decoder accepts the page, so no benchmark times an error.
fn check_page(name: &str, json: &str) {
    let typed = serde_json::from_str::<Vec<RepositoryInfo>>(json);
    let flatten = serde_json::from_str::<Vec<FlattenRepository>>(json);
    let plain = serde_json::from_str::<Vec<PlainRepository>>(json);
    let value = serde_json::from_str::<Value>(json);
    match (typed, flatten, plain, value) {
        (Ok(t), Ok(f), Ok(p), Ok(_)) if [t.len(), f.len(), p.len()] == [PAGE_ITEMS; 3] => {
            eprintln!("{name}: {} bytes, {PAGE_ITEMS} items", json.len());
        }
        (t, f, p, v) => {
            eprintln!(
                "page does not decode: {:?} {:?} {:?} {:?}",
                t.err(),
                f.err(),
                p.err(),
                v.err()
            );
            std::process::exit(1);
        }
    }
}

/// Holds the generated group function, which has no documentation.
mod group {
    criterion::criterion_group!(benches, super::content_range, super::filter, super::decode);
}

/// Prints the fastest of 30 interleaved decodes with each decoder.
///
/// On a shared machine the load changes between criterion's groups, which
/// skews ratios between them; interleaving and keeping the minimum makes the
/// ratios robust to that.
fn interleaved_minimums(json: &str) {
    let mut best = [std::time::Duration::MAX; 4];
    for _ in 0..30 {
        best[0] = best[0].min(time(|| {
            serde_json::from_str::<Vec<RepositoryInfo>>(json).is_ok()
        }));
        best[1] = best[1].min(time(|| serde_json::from_str::<Value>(json).is_ok()));
        best[2] = best[2].min(time(|| {
            serde_json::from_str::<Vec<FlattenRepository>>(json).is_ok()
        }));
        best[3] = best[3].min(time(|| {
            serde_json::from_str::<Vec<PlainRepository>>(json).is_ok()
        }));
    }
    let mb_s = |d: std::time::Duration| json.len() as f64 / d.as_secs_f64() / 1_048_576.0;
    let names = ["typed", "value", "derive_flatten", "derive_plain"];
    for (name, d) in names.iter().zip(best) {
        eprintln!(
            "interleaved minimum {name:>15}: {d:>10.3?} {:>7.1} MiB/s",
            mb_s(d)
        );
    }
    let ratio = |a: usize, b: usize| mb_s(best[a]) / mb_s(best[b]);
    eprintln!(
        "interleaved throughput ratios: typed/value {:.2}, derive_flatten/value {:.2}, typed/derive_flatten {:.2}",
        ratio(0, 1),
        ratio(2, 1),
        ratio(0, 2),
    );
}

/// How long `f` takes, once; `f`'s result is kept from the optimizer.
fn time(f: impl FnOnce() -> bool) -> std::time::Duration {
    let start = std::time::Instant::now();
    black_box(f());
    start.elapsed()
}

/// Decodes the page `WHARF_BENCH_N` times (default 10) with one decoder,
/// without criterion, for a profiler such as cachegrind. `none` only builds
/// the page, to subtract. With `WHARF_BENCH_UNKNOWN` set, the page has
/// unknown fields; with `WHARF_BENCH_NULL_LOGO` set, every `logo` is `null`
/// (an undocumented, `loose` field: see `docs/benchmarks.md`). Exits with an
/// error if the decoder refuses the page, so a profile never measures an error.
fn decode_only(decoder: &str) {
    let json = repository_page(
        std::env::var_os("WHARF_BENCH_UNKNOWN").is_some(),
        std::env::var_os("WHARF_BENCH_NULL_LOGO").is_some(),
    );
    let n: usize = std::env::var("WHARF_BENCH_N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10);
    for _ in 0..n {
        let json = black_box(json.as_str());
        let ok = match decoder {
            "typed" => serde_json::from_str::<Vec<RepositoryInfo>>(json).is_ok(),
            "value" => serde_json::from_str::<Value>(json).is_ok(),
            "derive_flatten" => serde_json::from_str::<Vec<FlattenRepository>>(json).is_ok(),
            "derive_plain" => serde_json::from_str::<Vec<PlainRepository>>(json).is_ok(),
            _ => true,
        };
        if !black_box(ok) {
            eprintln!("{decoder}: the page does not decode");
            std::process::exit(1);
        }
    }
}

/// Runs criterion, or with `WHARF_BENCH_ONLY=<decoder>` only [`decode_only`].
fn main() {
    match std::env::var("WHARF_BENCH_ONLY") {
        Ok(decoder) => decode_only(&decoder),
        Err(_) => {
            group::benches();
            Criterion::default().configure_from_args().final_summary();
        }
    }
}
