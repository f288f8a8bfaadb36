//! The built-in demo dataset, served when no dataset or generator flag is given.
//!
//! | namespace | repositories |
//! |---|---|
//! | `team` | `nginx`, `api/gateway`, `payments`, `worker`, `web-frontend` |
//! | `ml-lab` | `trainer`, `serving`, `notebooks` |
//! | `public-tools` | `curl`, `jq` |
//!
//! and six official images in `library`: `nginx`, `redis`, `postgres`,
//! `python`, `node` and `tools/busybox`.

use wharf_model::{Category, NamespaceName, RepositoryName, Timestamp};

use super::dataset::{
    Dataset, NamespaceRecord, OfficialImageRecord, OfficialTagRecord, RepositoryRecord, TagRecord,
};

/// (name, category, public, downloads, tags newest first)
type RepoRow = (
    &'static str,
    &'static str,
    bool,
    u64,
    &'static [&'static str],
);

const TEAM: &[RepoRow] = &[
    (
        "nginx",
        "linux",
        false,
        120,
        &["latest", "1.25.3", "1.25.2", "1.24.0"],
    ),
    ("api/gateway", "app_server", false, 48, &["2.1.0", "2.0.1"]),
    ("payments", "framework_app", false, 7, &["v3", "v2", "v1"]),
    ("worker", "lang", false, 0, &["main"]),
    (
        "web-frontend",
        "app_server",
        true,
        310,
        &["latest", "2024.06.1"],
    ),
];

const ML_LAB: &[RepoRow] = &[
    ("trainer", "lang", false, 12, &["cuda12", "cuda11"]),
    ("serving", "app_server", true, 99, &["1.0.0"]),
    ("notebooks", "other", false, 3, &["latest", "2024-05"]),
];

const PUBLIC_TOOLS: &[RepoRow] = &[
    ("curl", "linux", true, 1_024, &["8.8.0", "8.7.1"]),
    ("jq", "linux", true, 512, &["1.7.1"]),
];

/// (name, description, stars, pulls, tags newest first)
type OfficialRow = (
    &'static str,
    &'static str,
    u64,
    u64,
    &'static [&'static str],
);

const OFFICIAL: &[OfficialRow] = &[
    (
        "nginx",
        "Official build of Nginx.",
        123_123,
        123_123_123,
        &["1.27", "1.26", "1.25"],
    ),
    (
        "redis",
        "Redis is an in-memory data store.",
        12_000,
        9_000_000,
        &["7.2", "7.0"],
    ),
    (
        "postgres",
        "The PostgreSQL object-relational database.",
        13_500,
        8_100_000,
        &["16", "15", "14", "13"],
    ),
    (
        "python",
        "Python is a programming language.",
        9_800,
        7_700_000,
        &["3.12", "3.11"],
    ),
    (
        "node",
        "Node.js is a JavaScript runtime.",
        13_000,
        6_600_000,
        &["22", "20", "18"],
    ),
    (
        "tools/busybox",
        "Busybox base image.",
        3_100,
        5_500_000,
        &["1.36", "1.35"],
    ),
];

impl Dataset {
    /// The small built-in demo dataset: 3 namespaces, 10 repositories, 6
    /// official images (one with a `/` in its name).
    pub fn demo() -> Dataset {
        let mut dataset = Dataset::empty("wharf-demo");
        dataset.namespaces = vec![
            namespace("team", "The demo team", false, 0, TEAM),
            namespace("ml-lab", "Machine learning", false, 1, ML_LAB),
            namespace("public-tools", "Tools for everyone", true, 2, PUBLIC_TOOLS),
        ];
        let mut tag_id = 1;
        dataset.official_images = OFFICIAL
            .iter()
            .zip(1..)
            .map(|(row, id)| {
                let image = official(row, id, tag_id);
                tag_id += image.tags.len() as u64;
                image
            })
            .collect();
        dataset
    }
}

/// Demo timestamps: day `day` of 2024, at `hour`.
fn at(day: u32, hour: u32) -> Timestamp {
    at_minute(day, hour, 0)
}

/// Day `day` of 2024 (28-day months), at `hour:minute`.
fn at_minute(day: u32, hour: u32, minute: u32) -> Timestamp {
    let text = format!(
        "2024-{:02}-{:02}T{hour:02}:{minute:02}:00Z",
        1 + day / 28,
        1 + day % 28
    );
    Timestamp::parse(&text).unwrap_or_default()
}

/// A draw from the demo's fixed hash, below `below`.
fn draw(n: u64, what: u64, below: u64) -> u64 {
    crate::hash::mix(n, what) % below.max(1)
}

fn naive(day: u32, hour: u32) -> Timestamp {
    let text = format!(
        "2024-{:02}-{:02} {hour:02}:00:00",
        1 + day / 28,
        1 + day % 28
    );
    Timestamp::parse(&text).unwrap_or_default()
}

fn namespace(
    name: &str,
    description: &str,
    public: bool,
    index: u32,
    rows: &[RepoRow],
) -> NamespaceRecord {
    NamespaceRecord {
        name: NamespaceName::new(name).expect("demo namespace names are valid"),
        description: description.to_owned(),
        is_public: public,
        is_shared: false,
        created_at: at(index, 8),
        updated_at: at(100 + index, 9),
        repositories: rows
            .iter()
            .zip(0..)
            .map(|(row, i)| repository(row, index * 10 + i))
            .collect(),
    }
}

/// A repository as a registry holds one: its own image size (from a few
/// MB to about a GB, each tag a little different), tags pushed days apart
/// at any hour, newest first, the repository updated with its newest tag.
fn repository(row: &RepoRow, day: u32) -> RepositoryRecord {
    let (name, category, public, downloads, tags) = *row;
    let seed = u64::from(day);
    let base = 4_000_000 + draw(seed, 1, 900_000_000);
    let tags: Vec<TagRecord> = tags
        .iter()
        .zip(0..)
        .map(|(tag, i)| {
            let n = seed * 100 + u64::from(i);
            // Two to four days apart, so the order stays newest first.
            let back = 3 * i + draw(n, 2, 2) as u32;
            TagRecord {
                name: (*tag).to_owned(),
                size: base + draw(n, 3, base / 8),
                digest: digest(n),
                updated_at: at_minute(
                    day + 60 - back,
                    7 + draw(n, 4, 14) as u32,
                    draw(n, 5, 60) as u32,
                ),
            }
        })
        .collect();
    let updated_at = tags
        .first()
        .map_or_else(|| at(day + 60, 11), |t| t.updated_at.clone());
    RepositoryRecord {
        name: RepositoryName::new(name).expect("demo repository names are valid"),
        category: Category::from(category),
        description: format!("Demo repository {name}"),
        is_public: public,
        num_download: downloads,
        created_at: at(day, 10),
        updated_at,
        tags,
    }
}

/// A digest that looks like one (64 hex digits, all different), the same
/// on every run: a plan made of the demo registry applies to the next one.
fn digest(n: u64) -> String {
    let mut text = String::from("sha256:");
    for part in 0..4 {
        crate::hash::push_u64(&mut text, crate::hash::mix(n, part));
    }
    text
}

fn official(row: &OfficialRow, id: u64, first_tag_id: u64) -> OfficialImageRecord {
    let (name, description, stars, pulls, tags) = *row;
    let day = id as u32 * 5;
    OfficialImageRecord {
        id,
        namespace: NamespaceName::new("library").expect("demo namespace names are valid"),
        name: RepositoryName::new(name).expect("demo repository names are valid"),
        user: "official".to_owned(),
        description: description.to_owned(),
        full_description: format!("# {name}\n\n{description}"),
        star_count: stars,
        pull_count: pulls,
        last_updated: naive(day + 30, 21),
        tags: tags
            .iter()
            .zip(0..)
            .map(|(tag, i)| OfficialTagRecord {
                id: first_tag_id + i,
                name: (*tag).to_owned(),
                size: 50_000_000 + id * 1_000_000 + i * 1_000,
                last_updated: naive(day + 30 - i as u32, 21),
            })
            .collect(),
    }
}
