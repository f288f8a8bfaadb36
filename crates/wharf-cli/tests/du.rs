//! `wharf du` as a user runs it, on the demo registry and on emulators: its
//! numbers against an independent count made from `wharf repos` and `wharf
//! tags` (each digest once per repository), the order, the total, `--by
//! namespace`, UHub's missing sizes, SWR's official images' missing
//! digests, every output format, the refusals, and tags listed several
//! repositories at a time.

use std::collections::{BTreeMap, HashMap};
use std::process::Command;

mod common;

use common::{code, run, text};
use serde_json::Value;
use wharf::jiff::Timestamp;
use wharf::model::{Category, NamespaceName, RepositoryName};
use wharf_emulator::{
    DEMO_HUAWEI_AK, DEMO_HUAWEI_SK, DEMO_UCLOUD_PRIVATE_KEY, DEMO_UCLOUD_PUBLIC_KEY, Dataset,
    Emulator, GenerateOptions, NamespaceRecord, RepositoryRecord, TagRecord,
};

/// Where a test runs `wharf`: the demo registry (through SWR's or UHub's
/// API) or an emulator (SWR, SWR's official images or UHub).
#[derive(Clone, Copy)]
enum At<'a> {
    Demo,
    DemoUhub,
    Swr(&'a Emulator),
    Official(&'a Emulator),
    Uhub(&'a Emulator),
}

impl At<'_> {
    /// `wharf ARGS` there.
    fn wharf(self, args: &[&str]) -> Command {
        let mut command = common::wharf(&[]);
        match self {
            At::Demo => {}
            At::DemoUhub => {
                command.args(["--provider", "uhub"]);
            }
            At::Swr(e) | At::Official(e) => {
                let spec = match self {
                    At::Official(_) => e.swr_official_spec(),
                    _ => e.swr_spec(),
                };
                command
                    .args(["--catalog", &spec])
                    .env("HUAWEICLOUD_SDK_AK", DEMO_HUAWEI_AK)
                    .env("HUAWEICLOUD_SDK_SK", DEMO_HUAWEI_SK);
            }
            At::Uhub(e) => {
                command
                    .args(["--catalog", &e.uhub_spec()])
                    .env("UCLOUD_PUBLIC_KEY", DEMO_UCLOUD_PUBLIC_KEY)
                    .env("UCLOUD_PRIVATE_KEY", DEMO_UCLOUD_PRIVATE_KEY);
            }
        }
        command.args(args);
        command
    }

    /// `wharf ARGS` there, which must succeed: stdout and stderr.
    fn ok(self, args: &[&str]) -> (String, String) {
        let out = run(&mut self.wharf(args));
        let stderr = text(&out.stderr);
        assert_eq!(code(&out), 0, "{args:?}: {stderr}");
        (text(&out.stdout), stderr)
    }

    /// Whether it is UHub's API, which sends no sizes.
    fn is_uhub(self) -> bool {
        matches!(self, At::DemoUhub | At::Uhub(_))
    }

    /// `wharf ARGS -o ndjson` there, each line parsed.
    fn ndjson(self, args: &[&str]) -> Vec<Value> {
        let mut args = args.to_vec();
        args.extend(["--output", "ndjson", "--quiet"]);
        let (stdout, _) = self.ok(&args);
        stdout
            .lines()
            .map(|line| serde_json::from_str(line).expect("one JSON object a line"))
            .collect()
    }
}

/// One repository as counted independently of `wharf du`, from what
/// `wharf repos` and `wharf tags` print.
#[derive(Debug, Clone, PartialEq)]
struct Counted {
    repository: String,
    namespace: String,
    tags: u64,
    images: u64,
    size: Option<u64>,
    oldest: Option<Timestamp>,
    newest: Option<Timestamp>,
    pulls: Option<u64>,
}

/// Every repository of `at` (of `namespaces`, when given), counted from
/// `wharf repos` and one `wharf tags` per repository: a digest once per
/// repository, a tag with no digest on its own; a size unknown when one
/// is.
fn count_independently(at: At<'_>, namespaces: &[&str]) -> Vec<Counted> {
    let repositories: Vec<Value> = if namespaces.is_empty() {
        at.ndjson(&["repos"])
    } else {
        namespaces
            .iter()
            .flat_map(|ns| at.ndjson(&["repos", "--namespace", ns]))
            .collect()
    };
    repositories
        .iter()
        .map(|repository| {
            let name = repository["qualified_name"].as_str().unwrap().to_owned();
            let tags = at.ndjson(&["tags", &name]);
            let mut digests: HashMap<String, Option<u64>> = HashMap::new();
            let mut images = 0;
            let mut size = Some(0u64);
            let mut times: Vec<Timestamp> = Vec::new();
            for tag in &tags {
                let tag_size = tag["size"].as_u64();
                let new = match tag["digest"].as_str() {
                    Some(digest) => digests.insert(digest.to_owned(), tag_size).is_none(),
                    None => true,
                };
                if new {
                    images += 1;
                    size = size.zip(tag_size).map(|(a, b)| a + b);
                }
                if let Some(at) = tag["updated"].as_str() {
                    times.push(at.parse().unwrap());
                }
            }
            Counted {
                repository: name,
                namespace: repository["namespace"].as_str().unwrap().to_owned(),
                tags: tags.len() as u64,
                images,
                // UHub sends no sizes: none, even for no tags.
                size: size.filter(|_| !at.is_uhub()),
                oldest: times.iter().min().copied(),
                newest: times.iter().max().copied(),
                pulls: repository["pull_count"].as_u64(),
            }
        })
        .collect()
}

/// A row of `wharf du -o ndjson`, read back.
fn counted_of(row: &Value) -> Counted {
    let time = |field: &str| row[field].as_str().map(|t| t.parse().unwrap());
    Counted {
        repository: row["repository"].as_str().unwrap().to_owned(),
        namespace: row["namespace"].as_str().unwrap().to_owned(),
        tags: row["tags"].as_u64().unwrap(),
        images: row["images"].as_u64().unwrap(),
        size: row["size"].as_u64(),
        oldest: time("oldest"),
        newest: time("newest"),
        pulls: row["pulls"].as_u64(),
    }
}

/// `counted` in du's order: largest first (an unknown size last), then
/// most tags, then by name.
fn in_du_order(mut counted: Vec<Counted>) -> Vec<Counted> {
    counted.sort_by(|a, b| {
        let size = match (a.size, b.size) {
            (Some(x), Some(y)) => y.cmp(&x),
            (x, y) => y.is_none().cmp(&x.is_none()).reverse(),
        };
        size.then(b.tags.cmp(&a.tags))
            .then(a.repository.cmp(&b.repository))
    });
    counted
}

/// The `wharf: total: ...` line of stderr.
fn total_line(stderr: &str) -> String {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("wharf: total: "))
        .unwrap_or_else(|| panic!("a total line in {stderr}"));
    line.to_owned()
}

/// What the total line must say of `rows`.
fn total_says(rows: &[Counted]) -> Vec<String> {
    let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let tags: u64 = rows.iter().map(|r| r.tags).sum();
    let images: u64 = rows.iter().map(|r| r.images).sum();
    let mut says = vec![
        plural(rows.len() as u64, "repository", "repositories"),
        plural(tags, "tag", "tags"),
        plural(images, "image", "images"),
    ];
    let size: Option<u64> = rows.iter().map(|r| r.size).sum();
    says.push(match size {
        Some(bytes) => format!("({bytes} bytes)"),
        None => "size unknown".to_owned(),
    });
    let pulls: Option<u64> = rows.iter().map(|r| r.pulls).sum();
    says.push(match pulls {
        Some(pulls) => plural(pulls, "pull", "pulls"),
        None => "pulls unknown".to_owned(),
    });
    says
}

/// The demo dataset, with digests shared: `team/nginx:latest` is
/// `team/nginx:1.25.3`, `team/worker:nginx` and `ml-lab/serving:base`
/// hold that image too, `team/web-frontend`'s two tags are one image; and
/// an empty repository `team/bare` and an empty namespace `empty`.
fn shared_digests() -> Dataset {
    let mut dataset = Dataset::demo();
    let when: wharf::model::Timestamp = "2024-06-15T12:00:00Z".parse().unwrap();
    let nginx = find(&mut dataset, "team", "nginx");
    let shared = nginx.tags[1].clone();
    nginx.tags[0].digest = shared.digest.clone();
    nginx.tags[0].size = shared.size;
    let worker = find(&mut dataset, "team", "worker");
    worker.tags.push(TagRecord::new(
        "nginx",
        shared.size,
        shared.digest.clone(),
        when.clone(),
    ));
    let serving = find(&mut dataset, "ml-lab", "serving");
    serving.tags.push(TagRecord::new(
        "base",
        shared.size,
        shared.digest.clone(),
        when.clone(),
    ));
    let web = find(&mut dataset, "team", "web-frontend");
    let first = web.tags[0].clone();
    web.tags[1].digest = first.digest;
    web.tags[1].size = first.size;
    let team = dataset
        .namespaces
        .iter_mut()
        .find(|n| n.name.as_str() == "team")
        .unwrap();
    team.repositories.push(RepositoryRecord::new(
        RepositoryName::new("bare").unwrap(),
        Category::from("other"),
        when.clone(),
    ));
    dataset.namespaces.push(NamespaceRecord::new(
        NamespaceName::new("empty").unwrap(),
        when,
    ));
    dataset.validate().unwrap();
    dataset
}

/// Repository `ns/name` of `dataset`.
fn find<'a>(dataset: &'a mut Dataset, ns: &str, name: &str) -> &'a mut RepositoryRecord {
    dataset
        .namespaces
        .iter_mut()
        .find(|n| n.name.as_str() == ns)
        .unwrap()
        .repositories
        .iter_mut()
        .find(|r| r.name.as_str() == name)
        .unwrap()
}

fn emulator(dataset: Dataset) -> Emulator {
    Emulator::builder()
        .dataset(dataset)
        .log_requests(false)
        .start_background()
        .unwrap()
}

/// du's rows at `at` equal the independent count, in du's order, and the
/// total line says their sums.
fn adds_up(at: At<'_>, namespaces: &[&str]) -> Vec<Counted> {
    let mut args = vec!["du", "--output", "ndjson"];
    for ns in namespaces {
        args.extend(["--namespace", ns]);
    }
    let (stdout, stderr) = at.ok(&args);
    let rows: Vec<Counted> = stdout
        .lines()
        .map(|line| counted_of(&serde_json::from_str(line).unwrap()))
        .collect();
    let want = in_du_order(count_independently(at, namespaces));
    assert_eq!(rows, want);
    let total = total_line(&stderr);
    for part in total_says(&rows) {
        assert!(total.contains(&part), "{part:?} in {total}");
    }
    rows
}

#[test]
fn on_the_demo_registry_du_adds_up_what_tags_lists() {
    let rows = adds_up(At::Demo, &[]);
    assert_eq!(rows.len(), 10);
    assert!(rows.iter().all(|r| r.size.is_some() && r.pulls.is_some()));
    // The demo's digests are all different: an image a tag.
    assert!(rows.iter().all(|r| r.images == r.tags));
    let sizes: Vec<u64> = rows.iter().map(|r| r.size.unwrap()).collect();
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "largest first");
}

#[test]
fn a_digest_counts_once_per_repository() {
    let emulator = emulator(shared_digests());
    let rows = adds_up(At::Swr(&emulator), &[]);
    let row = |name: &str| rows.iter().find(|r| r.repository == name).unwrap();
    let mut dataset = shared_digests();
    let mut sizes = |name: &str| -> Vec<u64> {
        let (ns, name) = name.split_once('/').unwrap();
        find(&mut dataset, ns, name)
            .tags
            .iter()
            .map(|t| t.size)
            .collect()
    };
    // Two tags of one image (the first two): one image, its size once.
    let nginx = row("team/nginx");
    assert_eq!((nginx.tags, nginx.images), (4, 3));
    assert_eq!(nginx.size, Some(sizes("team/nginx")[1..].iter().sum()));
    let web = row("team/web-frontend");
    assert_eq!((web.tags, web.images), (2, 1));
    assert_eq!(web.size, Some(sizes("team/web-frontend")[0]), "once");
    // The same image in another repository is counted there too.
    let worker = row("team/worker");
    assert_eq!((worker.tags, worker.images), (2, 2));
    assert_eq!(worker.size, Some(sizes("team/worker").iter().sum()));
    // A repository with no tags: nothing, and no times.
    let bare = row("team/bare");
    assert_eq!((bare.tags, bare.images, bare.size), (0, 0, Some(0)));
    assert_eq!((bare.oldest, bare.newest), (None, None));
    assert_eq!(rows.last().unwrap().repository, "team/bare", "the smallest");
}

/// A namespace's repositories, tags, images, size and pulls.
type Sums = (u64, u64, u64, Option<u64>, Option<u64>);

#[test]
fn by_namespace_sums_its_repositories() {
    let emulator = emulator(shared_digests());
    let at = At::Swr(&emulator);
    let repositories = count_independently(at, &[]);
    let rows = at.ndjson(&["du", "--by", "namespace"]);
    let mut want: BTreeMap<&str, Sums> = BTreeMap::new();
    for r in &repositories {
        let sum = want
            .entry(r.namespace.as_str())
            .or_insert((0, 0, 0, Some(0), Some(0)));
        sum.0 += 1;
        sum.1 += r.tags;
        sum.2 += r.images;
        sum.3 = sum.3.zip(r.size).map(|(a, b)| a + b);
        sum.4 = sum.4.zip(r.pulls).map(|(a, b)| a + b);
    }
    let got: BTreeMap<&str, Sums> = rows
        .iter()
        .map(|row| {
            (
                row["namespace"].as_str().unwrap(),
                (
                    row["repositories"].as_u64().unwrap(),
                    row["tags"].as_u64().unwrap(),
                    row["images"].as_u64().unwrap(),
                    row["size"].as_u64(),
                    row["pulls"].as_u64(),
                ),
            )
        })
        .collect();
    assert_eq!(
        got, want,
        "a namespace's row is the sum of its repositories'"
    );
    assert!(
        !got.contains_key("empty"),
        "a namespace with no repository has no row"
    );
    let sizes: Vec<u64> = rows.iter().map(|r| r["size"].as_u64().unwrap()).collect();
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "largest first");
    // The image team/nginx and team/worker share counts in both.
    let team = &rows.iter().find(|r| r["namespace"] == "team").unwrap();
    let mut distinct: HashMap<&str, u64> = HashMap::new();
    let dataset = emulator.dataset();
    for (ns, r) in dataset.repositories() {
        if ns.name.as_str() == "team" {
            for t in &r.tags {
                distinct.insert(&t.digest, t.size);
            }
        }
    }
    let once_per_namespace: u64 = distinct.values().sum();
    assert!(
        team["size"].as_u64().unwrap() > once_per_namespace,
        "a digest two repositories hold counts once in each"
    );
    // The oldest and newest of a namespace are its repositories' extremes.
    let team_times: Vec<Timestamp> = repositories
        .iter()
        .filter(|r| r.namespace == "team")
        .flat_map(|r| [r.oldest, r.newest])
        .flatten()
        .collect();
    let oldest: Timestamp = team["oldest"].as_str().unwrap().parse().unwrap();
    let newest: Timestamp = team["newest"].as_str().unwrap().parse().unwrap();
    assert_eq!(oldest, *team_times.iter().min().unwrap());
    assert_eq!(newest, *team_times.iter().max().unwrap());
    // The total says the namespaces too, and equals the repositories' sum.
    let (_, stderr) = at.ok(&["du", "--by", "namespace", "-o", "json"]);
    let total = total_line(&stderr);
    assert!(
        total.contains(&format!("{} namespaces", want.len())),
        "{total}"
    );
    for part in total_says(&repositories) {
        assert!(total.contains(&part), "{part:?} in {total}");
    }
}

#[test]
fn namespaces_can_be_chosen_each_once() {
    let emulator = emulator(shared_digests());
    let at = At::Swr(&emulator);
    let rows = adds_up(at, &["ml-lab", "public-tools"]);
    assert_eq!(rows.len(), 5);
    let (stdout, _) = at.ok(&[
        "du",
        "--namespace",
        "ml-lab",
        "--namespace",
        "ml-lab",
        "-o",
        "ndjson",
    ]);
    assert_eq!(stdout.lines().count(), 3, "ml-lab once: {stdout}");
}

#[test]
fn uhub_sends_no_sizes_and_du_says_so() {
    let rows = adds_up(At::DemoUhub, &[]);
    assert!(rows.iter().all(|r| r.size.is_none()), "{rows:?}");
    let tags: Vec<u64> = rows.iter().map(|r| r.tags).collect();
    assert!(tags.windows(2).all(|w| w[0] >= w[1]), "most tags first");
    let (stdout, stderr) = At::DemoUhub.ok(&["du", "--output", "table"]);
    let notes: Vec<&str> = stderr.lines().filter(|l| l.contains("note:")).collect();
    assert_eq!(notes.len(), 1, "{stderr}");
    assert!(notes[0].contains("UHub sends no image sizes"), "{stderr}");
    let size = stdout.lines().next().unwrap().find("SIZE").unwrap() + 3;
    for line in stdout.lines().skip(1).filter(|l| !l.starts_with("total:")) {
        assert_eq!(&line[size..=size], "-", "{line}");
    }
    assert!(stdout.contains("size unknown"), "{stdout}");
    let (_, stderr) = At::DemoUhub.ok(&["du", "--quiet"]);
    assert_eq!(stderr, "", "--quiet says nothing");
    // UHub does send digests: a shared one counts once.
    let emulator = emulator(shared_digests());
    let rows = adds_up(At::Uhub(&emulator), &["team"]);
    let nginx = rows.iter().find(|r| r.repository == "team/nginx").unwrap();
    assert_eq!((nginx.tags, nginx.images, nginx.size), (4, 3, None));
}

#[test]
fn the_official_images_send_no_digests_and_du_says_so() {
    let emulator = emulator(Dataset::demo());
    let at = At::Official(&emulator);
    let (stdout, stderr) = at.ok(&["du", "--output", "ndjson"]);
    let rows: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 6, "{stdout}");
    for row in &rows {
        assert_eq!(row["images"], row["tags"], "each tag an image: {row}");
        assert!(row["size"].is_u64(), "{row}");
        let name = row["repository"].as_str().unwrap();
        let tags = at.ndjson(&["tags", name]);
        let size: u64 = tags.iter().map(|t| t["size"].as_u64().unwrap()).sum();
        assert_eq!(row["size"].as_u64(), Some(size), "{name}");
    }
    assert!(
        stderr.contains("note: SWR's official images send no digests"),
        "{stderr}"
    );
}

#[test]
fn every_format_parses_even_when_empty() {
    let emulator = emulator(shared_digests());
    let at = At::Swr(&emulator);
    for by in ["repository", "namespace"] {
        let (json, _) = at.ok(&["du", "--by", by, "-o", "json"]);
        let array: Vec<Value> = serde_json::from_str(&json).expect("one JSON array");
        let (ndjson, _) = at.ok(&["du", "--by", by, "-o", "ndjson"]);
        let lines: Vec<Value> = ndjson
            .lines()
            .map(|l| serde_json::from_str(l).expect("one object a line"))
            .collect();
        assert_eq!(array, lines, "{by}");
        let (csv, _) = at.ok(&["du", "--by", by, "-o", "csv"]);
        let mut csv = csv.lines();
        let header = csv.next().unwrap();
        let first = if by == "repository" {
            "REPOSITORY,TAGS,IMAGES,SIZE,OLDEST,NEWEST,PULLS"
        } else {
            "NAMESPACE,REPOSITORIES,TAGS,IMAGES,SIZE,OLDEST,NEWEST,PULLS"
        };
        assert_eq!(header, first);
        let records: Vec<Vec<&str>> = csv.map(|l| l.split(',').collect()).collect();
        assert_eq!(records.len(), array.len());
        for (record, row) in records.iter().zip(&array) {
            assert_eq!(record[0], row[by].as_str().unwrap());
            assert_eq!(record.len(), header.split(',').count());
        }
    }
    // An empty namespace: no rows, but every format still parses.
    let empty = ["du", "--namespace", "empty"];
    let (json, stderr) = at.ok(&[&empty[..], &["-o", "json"]].concat());
    assert_eq!(json, "[]\n");
    assert!(
        total_line(&stderr).contains("total: 0 repositories, 0 tags"),
        "{stderr}"
    );
    let (ndjson, _) = at.ok(&[&empty[..], &["-o", "ndjson"]].concat());
    assert_eq!(ndjson, "");
    let (csv, _) = at.ok(&[&empty[..], &["-o", "csv"]].concat());
    assert_eq!(csv, "REPOSITORY,TAGS,IMAGES,SIZE,OLDEST,NEWEST,PULLS\n");
    let (table, _) = at.ok(&[&empty[..], &["-o", "table"]].concat());
    assert_eq!(table, "nothing matched\n");
    // --columns chooses, as for every listing.
    let (csv, _) = at.ok(&["du", "-o", "csv", "--columns", "size,repository"]);
    assert!(csv.starts_with("SIZE,REPOSITORY\n"), "{csv}");
}

#[test]
fn tables_in_snapshots() {
    let (table, _) = At::Demo.ok(&["du", "--output", "table"]);
    insta::assert_snapshot!("demo_table", table);
    let (table, _) = At::Demo.ok(&["du", "--by", "namespace", "--output", "table"]);
    insta::assert_snapshot!("demo_namespace_table", table);
    let (wide, _) = At::Demo.ok(&["du", "--by", "namespace", "--output", "wide"]);
    insta::assert_snapshot!("demo_namespace_wide", wide);
    let (table, _) = At::DemoUhub.ok(&["du", "--output", "table"]);
    insta::assert_snapshot!("demo_uhub_table", table);
    let emulator = emulator(shared_digests());
    let (table, _) = At::Swr(&emulator).ok(&["du", "--namespace", "team", "--output", "table"]);
    insta::assert_snapshot!("shared_digests_table", table);
}

#[test]
fn bad_flags_are_refused_before_anything_is_sent() {
    let emulator = emulator(Dataset::demo());
    let at = At::Swr(&emulator);
    let cases: &[(&[&str], &str)] = &[
        (&["du", "--limit", "3"], "du takes no --limit"),
        (&["du", "--by", "owner"], "--by"),
        (&["du", "--namespace", ""], "--namespace: empty"),
        (&["du", "--columns", "tag"], "no column \"tag\""),
    ];
    for (args, needle) in cases {
        let out = run(&mut at.wharf(args));
        let stderr = text(&out.stderr);
        assert_eq!(code(&out), 2, "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{needle:?} in {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    assert_eq!(emulator.requests(), 0, "nothing was sent");
    // A namespace that does not exist is not found, as for `repos`.
    let out = run(&mut at.wharf(&["du", "--namespace", "nope"]));
    assert_eq!(code(&out), 4, "{}", text(&out.stderr));
}

#[test]
fn the_help_says_what_is_counted() {
    let (help, _) = At::Demo.ok(&["du", "--help"]);
    for needle in [
        "each digest once",
        "counted once in each",
        "UHub sends no sizes",
        "the total line goes to stderr",
    ] {
        assert!(help.contains(needle), "{needle:?} in {help}");
    }
}

#[test]
fn the_rows_are_the_same_whatever_the_concurrency() {
    let options = GenerateOptions {
        namespaces: 2,
        repositories: 12,
        tags_per_repository: 3,
        official_images: 0,
        seed: 7,
    };
    let emulator = Emulator::builder()
        .dataset(Dataset::generate(&options).unwrap())
        .log_requests(false)
        .start_background()
        .unwrap();
    let at = At::Swr(&emulator);
    let rows = |concurrency: &str| {
        at.ok(&["du", "--concurrency", concurrency, "-o", "ndjson"])
            .0
    };
    let one_by_one = rows("1");
    assert_eq!(one_by_one.lines().count(), 12);
    for concurrency in ["4", "16"] {
        assert_eq!(one_by_one, rows(concurrency), "--concurrency {concurrency}");
    }
}

#[test]
fn top_keeps_the_largest_rows_and_the_total_counts_them_all() {
    for by in ["repository", "namespace"] {
        let (all, all_total) = At::Demo.ok(&["du", "--by", by, "-o", "ndjson"]);
        let (top, top_total) = At::Demo.ok(&["du", "--by", by, "--top", "2", "-o", "ndjson"]);
        let first: Vec<&str> = all.lines().take(2).collect();
        assert_eq!(top.lines().collect::<Vec<_>>(), first, "--by {by}");
        // The same total, and it says only some rows are shown.
        let total = |stderr: &str| {
            stderr
                .lines()
                .find(|l| l.starts_with("wharf: total:"))
                .unwrap_or_default()
                .to_owned()
        };
        let (all_total, top_total) = (total(&all_total), total(&top_total));
        assert!(
            top_total.starts_with(&all_total),
            "{top_total} / {all_total}"
        );
        assert!(
            top_total.ends_with("largest repositories shown")
                || top_total.ends_with("largest namespaces shown"),
            "{top_total}"
        );
    }
    let out = run(&mut At::Demo.wharf(&["du", "--top", "0"]));
    assert_eq!(code(&out), 2);
}
