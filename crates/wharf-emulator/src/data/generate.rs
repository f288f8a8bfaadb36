//! A deterministic dataset generator: the same options give the same dataset,
//! byte for byte, on every machine (nothing reads the clock).

use std::collections::HashMap;

use fastrand::Rng;
use wharf_model::{Category, NamespaceName, RepositoryName, Timestamp, TimestampFormat};

use super::dataset::{
    Dataset, NamespaceRecord, OfficialImageRecord, OfficialTagRecord, RepositoryRecord, TagRecord,
};

/// What to generate: sizes and a seed. Fields are named; start from
/// [`Default`] and set what matters.
///
/// ```
/// use wharf_emulator::{Dataset, GenerateOptions};
///
/// let options = GenerateOptions {
///     namespaces: 3,
///     repositories: 10,
///     tags_per_repository: 2,
///     official_images: 4,
///     seed: 7,
/// };
/// let dataset = Dataset::generate(&options)?;
/// assert_eq!(dataset.namespaces.len(), 3);
/// assert_eq!(dataset.repository_count(), 10);
/// assert_eq!(dataset.official_images.len(), 4);
/// assert_eq!(dataset, Dataset::generate(&options)?);
///
/// let bigger = GenerateOptions { repositories: 1_000, ..GenerateOptions::default() };
/// assert_eq!(Dataset::generate(&bigger)?.repository_count(), 1_000);
/// # Ok::<(), wharf_emulator::GenerateError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GenerateOptions {
    /// Number of namespaces (and so of UHub repos). Default 3.
    pub namespaces: usize,
    /// Number of repositories over all namespaces, spread evenly. Default 100.
    pub repositories: usize,
    /// Number of tags on every repository and official image. Default 5.
    pub tags_per_repository: usize,
    /// Number of official images. Default 10.
    pub official_images: usize,
    /// The seed: the same options give the same dataset. Default 0.
    pub seed: u64,
}

impl Default for GenerateOptions {
    /// 3 namespaces, 100 repositories, 5 tags each, 10 official images, seed 0:
    /// the defaults of `wharf-emulator generate`.
    fn default() -> Self {
        GenerateOptions {
            namespaces: 3,
            repositories: 100,
            tags_per_repository: 5,
            official_images: 10,
            seed: 0,
        }
    }
}

/// The most tags a generated dataset may hold in all, to keep memory sane.
pub const MAX_GENERATED_TAGS: usize = 50_000_000;

/// Why a dataset could not be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GenerateError {
    /// Repositories were asked for, but no namespace to hold them.
    #[error("{0} repositories need at least one namespace")]
    NoNamespace(usize),
    /// The dataset would hold more than [`MAX_GENERATED_TAGS`] tags (namespaces
    /// and tagless items count as one each).
    #[error("{0} tags in all is more than the {MAX_GENERATED_TAGS} allowed")]
    TooLarge(usize),
}

impl Dataset {
    /// Generates a dataset with realistic names, categories, sizes and
    /// timestamps (2019 to 2024), the same for the same options.
    pub fn generate(options: &GenerateOptions) -> Result<Dataset, GenerateError> {
        let mut dataset = shell(options)?;
        // The repositories of each namespace on every core: each namespace
        // draws from a generator seeded by the seed and its position, so the
        // result is the same however the work is shared out.
        let lists = each_namespace(&dataset, |index, ns| {
            generated(options, index, ns).collect::<Vec<_>>()
        });
        for (ns, list) in dataset.namespaces.iter_mut().zip(lists) {
            ns.repositories = list;
        }
        Ok(dataset)
    }
}

/// The dataset `options` generate, without its repositories: its
/// namespaces (drawn one after the other, their names must not collide)
/// and its official images. [`generated`] gives each namespace's
/// repositories.
pub(crate) fn shell(options: &GenerateOptions) -> Result<Dataset, GenerateError> {
    check(options)?;
    let mut rng = Rng::with_seed(options.seed);
    let mut dataset = Dataset::empty("wharf-demo");
    let mut used = Names::default();
    dataset.namespaces = (0..options.namespaces)
        .map(|_| namespace(&mut rng, &mut used))
        .collect();
    dataset.official_images = official_images(&mut rng, options);
    Ok(dataset)
}

/// `work(index, namespace)` for every namespace of `dataset`, on every
/// core; the results by namespace position.
pub(crate) fn each_namespace<T: Send>(
    dataset: &Dataset,
    work: impl Fn(usize, &NamespaceRecord) -> T + Sync,
) -> Vec<T> {
    let count = dataset.namespaces.len();
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<T>>> =
        (0..count).map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        let run = || {
            loop {
                let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let (Some(slot), Some(ns)) = (slots.get(index), dataset.namespaces.get(index))
                else {
                    break;
                };
                let done = work(index, ns);
                *slot
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(done);
            }
        };
        for _ in 1..workers.min(count) {
            scope.spawn(run);
        }
        run();
    });
    slots
        .into_iter()
        .filter_map(|slot| {
            slot.into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        })
        .collect()
}

/// The repositories `options` generate for `ns`, the namespace at position
/// `index`, one at a time and in name order: what [`Dataset::generate`]
/// collects, and what the emulator packs as they come without holding them
/// all.
pub(crate) fn generated<'a>(
    options: &GenerateOptions,
    index: usize,
    ns: &'a NamespaceRecord,
) -> impl Iterator<Item = RepositoryRecord> + 'a {
    let count = share(options.repositories, options.namespaces, index);
    let rng = Rng::with_seed(crate::hash::mix(options.seed, index as u64));
    repositories(rng, ns, count, options.tags_per_repository)
}

pub(crate) fn check(options: &GenerateOptions) -> Result<(), GenerateError> {
    if options.namespaces == 0 && options.repositories > 0 {
        return Err(GenerateError::NoNamespace(options.repositories));
    }
    let items = options
        .repositories
        .saturating_add(options.official_images)
        .saturating_add(options.namespaces);
    let tags = items.saturating_mul(options.tags_per_repository.max(1));
    if tags > MAX_GENERATED_TAGS {
        return Err(GenerateError::TooLarge(tags));
    }
    Ok(())
}

/// How many of `total` items the `index`-th of `parts` gets: as even as possible,
/// the first ones taking the remainder.
pub(crate) fn share(total: usize, parts: usize, index: usize) -> usize {
    total / parts + usize::from(index < total % parts)
}

/// 2019-01-01 and 2024-12-31, in Unix seconds.
const START: i64 = 1_546_300_800;
const END: i64 = 1_735_603_200;

fn instant(seconds: i64, nanos: i32) -> jiff::Timestamp {
    jiff::Timestamp::new(seconds, nanos).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

fn rfc3339(seconds: i64, nanos: i32) -> Timestamp {
    Timestamp::from_instant(instant(seconds, nanos), TimestampFormat::Rfc3339)
}

/// Two instants in order: created, then updated.
fn lifetime(rng: &mut Rng) -> (i64, i64) {
    let created = rng.i64(START..END - 86_400);
    (created, rng.i64(created + 3_600..END))
}

/// A namespace without its repositories.
fn namespace(rng: &mut Rng, used: &mut Names) -> NamespaceRecord {
    let name = used.unique(words::namespace(rng));
    let (created, updated) = lifetime(rng);
    NamespaceRecord {
        description: format!("Images of the {name} team"),
        name: valid_namespace(name),
        is_public: rng.u8(..10) < 2,
        is_shared: rng.u8(..10) < 1,
        created_at: rfc3339(created, 0),
        updated_at: rfc3339(updated, 0),
        repositories: Vec::new(),
    }
}

/// `count` repositories of `ns`, created after it.
///
/// Names first, then each repository in name order: the order every
/// listing shows them in, and the order they then lie in memory, which
/// keeps indexing a million of them cache-friendly.
fn repositories(
    mut rng: Rng,
    ns: &NamespaceRecord,
    count: usize,
    tags: usize,
) -> impl Iterator<Item = RepositoryRecord> + '_ {
    let created = ns.created_at.instant().as_second();
    let mut taken = Names::default();
    let mut names: Vec<String> = (0..count)
        .map(|_| taken.unique(words::repository(&mut rng)))
        .collect();
    drop(taken);
    let order = super::index::by_name(names.len(), |i| names[i].as_str());
    order.into_iter().map(move |i| {
        let name = std::mem::take(&mut names[i as usize]);
        repository(&mut rng, name, ns.name.as_str(), tags, created)
    })
}

/// Hands out names unique within one scope: `base`, then `base-2`,
/// `base-3`, ... In linear time and without hashing every name: each base
/// remembers its next suffix. No word ends in `-DIGITS` (a test checks), so
/// `base-N` can only be made from `base`, and a base is never reused.
#[derive(Default)]
struct Names {
    next_suffix: HashMap<String, u64>,
}

impl Names {
    fn unique(&mut self, base: String) -> String {
        match self.next_suffix.get_mut(&base) {
            None => {
                self.next_suffix.insert(base.clone(), 2);
                base
            }
            Some(next) => {
                let name = format!("{base}-{next}");
                *next += 1;
                name
            }
        }
    }
}

/// Generated names are built from valid parts only (checked by a test over
/// every word), so these never fail.
fn valid_namespace(name: String) -> NamespaceName {
    NamespaceName::new(name).expect("generated namespace names are valid")
}

fn valid_repository(name: String) -> RepositoryName {
    RepositoryName::new(name).expect("generated repository names are valid")
}

fn repository(
    rng: &mut Rng,
    name: String,
    namespace: &str,
    tags: usize,
    not_before: i64,
) -> RepositoryRecord {
    let created = rng.i64(not_before..END - 86_400);
    let updated = rng.i64(created + 3_600..END);
    let base_size = rng.u64(5_000_000..1_200_000_000);
    RepositoryRecord {
        category: Category::KNOWN[rng.usize(..Category::KNOWN.len())].clone(),
        description: format!("{} of {namespace}", words::describe(&name)),
        is_public: rng.u8(..4) == 0,
        num_download: rng.u64(..1_000) * rng.u64(1..200),
        created_at: rfc3339(created, 0),
        updated_at: rfc3339(updated, rng.i32(0..1_000_000_000)),
        tags: repository_tags(rng, tags, base_size, created, updated),
        name: valid_repository(name),
    }
}

fn repository_tags(rng: &mut Rng, count: usize, size: u64, from: i64, to: i64) -> Vec<TagRecord> {
    let versions = words::versions(rng, count);
    let times = descending_times(rng, count, from, to);
    versions
        .into_iter()
        .zip(times)
        .map(|(name, when)| TagRecord {
            name,
            size: size - size / 10 + rng.u64(..=size / 5),
            digest: digest(rng),
            updated_at: rfc3339(when, 0),
        })
        .collect()
}

/// `count` instants from `to` back towards `from`, newest first.
fn descending_times(rng: &mut Rng, count: usize, from: i64, to: i64) -> Vec<i64> {
    let step = ((to - from) / (count as i64 + 1)).max(1);
    let mut when = to;
    (0..count)
        .map(|_| {
            let now = when;
            when = (when - rng.i64(1..=step)).max(from);
            now
        })
        .collect()
}

fn digest(rng: &mut Rng) -> String {
    let mut text = String::with_capacity(71);
    text.push_str("sha256:");
    for _ in 0..4 {
        crate::hash::push_u64(&mut text, rng.u64(..));
    }
    text
}

fn official_images(rng: &mut Rng, options: &GenerateOptions) -> Vec<OfficialImageRecord> {
    let mut used = Names::default();
    let mut tag_id = 1;
    (0..options.official_images)
        .map(|index| {
            let name = used.unique(words::official(index));
            let image = official_image(
                rng,
                index as u64 + 1,
                name,
                options.tags_per_repository,
                tag_id,
            );
            tag_id += image.tags.len() as u64;
            image
        })
        .collect()
}

fn official_image(
    rng: &mut Rng,
    id: u64,
    name: String,
    tags: usize,
    first_tag_id: u64,
) -> OfficialImageRecord {
    let (created, updated) = lifetime(rng);
    let size = rng.u64(2_000_000..900_000_000);
    let naive = |s| Timestamp::from_instant(instant(s, 0), TimestampFormat::Naive);
    let times = descending_times(rng, tags, created, updated);
    let tags = words::versions(rng, tags)
        .into_iter()
        .zip(times)
        .zip(first_tag_id..)
        .map(|((tag, when), tag_id)| OfficialTagRecord {
            id: tag_id,
            name: tag,
            size: size - size / 10 + rng.u64(..=size / 5),
            last_updated: naive(when),
        })
        .collect();
    OfficialImageRecord {
        id,
        namespace: valid_namespace("library".to_owned()),
        user: "official".to_owned(),
        description: format!("Official build of {name}."),
        full_description: format!(
            "# {name}\n\nThe official {name} image, rebuilt on every upstream release."
        ),
        star_count: rng.u64(..20_000),
        pull_count: rng.u64(..1_000_000) * rng.u64(1..1_000),
        last_updated: naive(updated),
        tags,
        name: valid_repository(name),
    }
}

/// Word lists and the names made from them.
mod words {
    use fastrand::Rng;

    pub(super) const TEAMS: &[&str] = &[
        "platform",
        "payments",
        "data",
        "ml",
        "web",
        "mobile",
        "infra",
        "search",
        "identity",
        "billing",
        "analytics",
        "media",
        "devops",
        "security",
        "edge",
        "checkout",
        "dataset",
        "growth",
        "support",
        "logistics",
    ];
    pub(super) const TEAM_SUFFIXES: &[&str] = &["team", "core", "lab", "ops", "svc", "eng"];
    pub(super) const SERVICES: &[&str] = &[
        "api",
        "web",
        "worker",
        "gateway",
        "auth",
        "frontend",
        "backend",
        "scheduler",
        "indexer",
        "cache",
        "proxy",
        "db-migrate",
        "notifier",
        "reporter",
        "exporter",
        "agent",
        "cli",
        "ingest",
        "etl",
        "trainer",
        "serving",
        "console",
        "uploader",
        "resizer",
        "mailer",
    ];
    pub(super) const GROUPS: &[&str] = &["tools", "base", "jobs", "services"];
    pub(super) const OFFICIAL: &[&str] = &[
        "nginx",
        "redis",
        "postgres",
        "mysql",
        "python",
        "node",
        "golang",
        "ubuntu",
        "debian",
        "alpine",
        "busybox",
        "httpd",
        "mongo",
        "rabbitmq",
        "memcached",
        "traefik",
        "openjdk",
        "ruby",
        "php",
        "rust",
        "elasticsearch",
        "kibana",
        "consul",
        "vault",
        "registry",
        "haproxy",
        "mariadb",
        "influxdb",
        "grafana",
        "tomcat",
    ];

    fn pick(rng: &mut Rng, words: &'static [&'static str]) -> &'static str {
        words[rng.usize(..words.len())]
    }

    pub(super) fn namespace(rng: &mut Rng) -> String {
        format!("{}-{}", pick(rng, TEAMS), pick(rng, TEAM_SUFFIXES))
    }

    /// A service name; about one in seven is grouped with a `/`.
    pub(super) fn repository(rng: &mut Rng) -> String {
        let service = pick(rng, SERVICES);
        if rng.u8(..7) == 0 {
            format!("{}/{service}", pick(rng, GROUPS))
        } else {
            service.to_owned()
        }
    }

    /// The `index`-th official image name; every tenth is grouped with a `/`.
    pub(super) fn official(index: usize) -> String {
        let base = OFFICIAL[index % OFFICIAL.len()];
        if index % 10 == 9 {
            format!("tools/{base}")
        } else {
            base.to_owned()
        }
    }

    pub(super) fn describe(name: &str) -> String {
        let mut text = name.replace(['/', '-'], " ");
        if let Some(first) = text.get(..1) {
            text.replace_range(..1, &first.to_ascii_uppercase());
        }
        text
    }

    /// `count` distinct version tags, newest first; `latest` leads when there
    /// are three or more.
    pub(super) fn versions(rng: &mut Rng, count: usize) -> Vec<String> {
        let major = rng.u32(0..5);
        let minor = rng.u32(0..20);
        let with_latest = count >= 3;
        let numbered = count - usize::from(with_latest);
        let mut tags = Vec::with_capacity(count);
        if with_latest {
            tags.push("latest".to_owned());
        }
        for k in (0..numbered).rev() {
            tags.push(format!("{major}.{}.{}", minor as usize + k / 10, k % 10));
        }
        tags
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_counts_and_determinism() {
        let options = GenerateOptions {
            namespaces: 4,
            repositories: 25,
            tags_per_repository: 3,
            official_images: 12,
            seed: 42,
        };
        let a = Dataset::generate(&options).unwrap();
        assert_eq!(a.namespaces.len(), 4);
        assert_eq!(a.repository_count(), 25);
        let per_ns: Vec<usize> = a.namespaces.iter().map(|n| n.repositories.len()).collect();
        assert_eq!(per_ns, [7, 6, 6, 6]);
        assert!(a.repositories().all(|(_, r)| r.tags.len() == 3));
        assert_eq!(a.official_images.len(), 12);
        assert!(a.official_images.iter().all(|i| i.tags.len() == 3));
        assert!(
            a.official_images
                .iter()
                .any(|i| i.name.as_str().contains('/'))
        );
        a.validate().unwrap();
        assert_eq!(a, Dataset::generate(&options).unwrap());
        let b = Dataset::generate(&GenerateOptions {
            namespaces: 4,
            repositories: 25,
            tags_per_repository: 3,
            official_images: 12,
            seed: 43,
        })
        .unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn many_repositories_stay_unique_and_valid() {
        let options = GenerateOptions {
            namespaces: 2,
            repositories: 2_000,
            tags_per_repository: 12,
            official_images: 100,
            seed: 1,
        };
        let dataset = Dataset::generate(&options).unwrap();
        dataset.validate().unwrap();
        let text = dataset.to_json();
        assert_eq!(Dataset::from_json(&text).unwrap(), dataset);
    }

    /// One namespace of many repositories drawn from 25 words: quadratic
    /// before (each name tried `base-2`, `base-3`, ... in turn; 200,000 took
    /// 110 s), linear now. The names are unique and in name order.
    #[test]
    fn one_big_namespace_is_generated_in_name_order() {
        let options = GenerateOptions {
            namespaces: 1,
            repositories: 30_000,
            tags_per_repository: 0,
            official_images: 0,
            seed: 5,
        };
        let dataset = Dataset::generate(&options).unwrap();
        let names: Vec<&str> = dataset.namespaces[0]
            .repositories
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(names.len(), 30_000);
        assert!(names.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(names.iter().any(|n| n.ends_with("-1000")));
    }

    #[test]
    fn impossible_options_are_refused() {
        let err = Dataset::generate(&GenerateOptions {
            namespaces: 0,
            repositories: 5,
            tags_per_repository: 1,
            official_images: 0,
            seed: 1,
        })
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "5 repositories need at least one namespace"
        );
        let huge = GenerateOptions {
            namespaces: 1,
            repositories: usize::MAX,
            tags_per_repository: 10,
            official_images: 0,
            seed: 1,
        };
        assert!(matches!(
            Dataset::generate(&huge),
            Err(GenerateError::TooLarge(_))
        ));
        let empty = Dataset::generate(&GenerateOptions {
            namespaces: 0,
            repositories: 0,
            tags_per_repository: 0,
            official_images: 0,
            seed: 1,
        })
        .unwrap();
        assert_eq!(empty.repository_count(), 0);
    }

    #[test]
    fn every_word_makes_valid_names() {
        for team in words::TEAMS {
            for suffix in words::TEAM_SUFFIXES {
                NamespaceName::new(format!("{team}-{suffix}-2")).unwrap();
            }
        }
        for service in words::SERVICES.iter().chain(words::OFFICIAL) {
            RepositoryName::new(format!("{service}-2")).unwrap();
            for group in words::GROUPS.iter().chain(&["tools"]) {
                RepositoryName::new(format!("{group}/{service}-2")).unwrap();
            }
        }
    }

    /// What makes [`Names`] safe without a set of every name handed out.
    #[test]
    fn no_word_ends_in_a_number_suffix() {
        let words = words::TEAMS
            .iter()
            .chain(words::TEAM_SUFFIXES)
            .chain(words::SERVICES)
            .chain(words::OFFICIAL);
        for word in words {
            let tail = word.rsplit('-').next().unwrap_or("");
            assert!(!tail.bytes().all(|b| b.is_ascii_digit()), "{word}");
        }
    }

    #[test]
    fn digests_are_sha256_and_64_hex_digits() {
        let (mut a, mut b) = (Rng::with_seed(9), Rng::with_seed(9));
        for _ in 0..100 {
            let want: String = (0..4).map(|_| format!("{:016x}", b.u64(..))).collect();
            assert_eq!(digest(&mut a), format!("sha256:{want}"));
        }
    }

    #[test]
    fn versions_are_distinct() {
        let mut rng = Rng::with_seed(3);
        let tags = words::versions(&mut rng, 25);
        let set: std::collections::HashSet<_> = tags.iter().collect();
        assert_eq!(set.len(), 25);
        assert_eq!(tags[0], "latest");
    }
}
