//! The replay fixtures in `tests/fixtures/replay/`: recorded from an
//! in-process emulator through the real clients, and replayed by
//! `tests/replay.rs` with no server.
//!
//! Each [`Scenario`] is one fixture file and the calls it holds. The same
//! scenario functions make the recording and, in the tests, the replay, so
//! the two cannot drift apart: a call the recording lacks fails the replay
//! with a mismatch.
//!
//! A recording is the same bytes on every run: a generated dataset
//! ([`DATASET`]), request ids seeded per file, one request at a time, no
//! retries, and a [`RecordingTransport`] that keeps volatile values out.

use std::path::PathBuf;
use std::sync::Arc;

use futures::TryStreamExt;
use wharf::model::{
    GetImageTagRequest, GetRepoImageRequest, GetRepoRequest, ImageRef, ImageSet, NamespaceInfo,
    NamespaceName, NamespacesQuery, OfficialImage, OfficialImageDetail, OfficialImageTag, RepoSet,
    RepoType, RepositoryInfo, RepositoryName, RepositoryQuery, RepositoryTag, RepositoryTagsQuery,
    TagSet,
};
use wharf::test_util::{Fixture, RecordingTransport, ReplayTransport};
use wharf::{
    ClientOptions, HuaweiCredentials, Page, RetryConfig, SwrClient, SwrConfig, Transport,
    UcloudCredentials, UhubClient, UhubConfig,
};
use wharf_emulator::{
    DEMO_HUAWEI_AK, DEMO_HUAWEI_SK, DEMO_UCLOUD_PRIVATE_KEY, DEMO_UCLOUD_PUBLIC_KEY, Dataset,
    Emulator, GenerateError, GenerateOptions,
};
use wharf_transport::{HttpConfig, HttpTransport};

/// Why a recording failed: which scenario, and the cause.
pub type RecordError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The dataset every fixture is recorded from: small, with repositories
/// whose names hold a `/` (`security-ops/jobs/cache`).
pub const DATASET: GenerateOptions = GenerateOptions {
    namespaces: 2,
    repositories: 8,
    tags_per_repository: 5,
    official_images: 5,
    seed: 1,
};

/// Mixed with each file's name into the emulator's request-id seed, so each
/// file is recorded on its own and its ids differ from other files'.
pub const REQUEST_ID_SEED: u64 = 0x5eed_f1d5;

/// The `comment` of every recorded fixture.
pub const COMMENT: &str = "Recorded from wharf-emulator by wharf_tests::replay; do not edit: regenerate with `cargo xtask fixtures`.";

/// The namespace (UHub repo) whose repositories have a `/` in their names.
pub const NAMESPACE: &str = "security-ops";
/// A repository of [`NAMESPACE`] with a `/` in its name.
pub const SLASHED_REPOSITORY: &str = "jobs/cache";
/// The official image whose tags are recorded.
pub const OFFICIAL_IMAGE: &str = "nginx";
/// The namespace of the official images.
pub const OFFICIAL_NAMESPACE: &str = "library";
/// A repository, official image and UHub repo that do not exist.
pub const MISSING: &str = "no-such-thing";

/// Items per page when a scenario lists: small, so every listing takes 2
/// pages or more (UHub's two repos are listed one at a time).
pub const PAGE_SIZE: u32 = 2;

/// The folder of the replay fixtures.
pub fn replay_dir() -> PathBuf {
    crate::fixtures_dir().join("replay")
}

/// The generated dataset of [`DATASET`], to check replayed items against.
pub fn dataset() -> Result<Dataset, GenerateError> {
    Dataset::generate(&DATASET)
}

/// One fixture file and the calls recorded in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scenario {
    /// SWR list repositories, every repository, page by page.
    SwrListRepositories,
    /// SWR list namespaces: all, then one by name.
    SwrListNamespaces,
    /// SWR list repository tags of a repository with a `/` in its name.
    SwrRepositoryTags,
    /// SWR official images, page by page.
    SwrOfficialImages,
    /// SWR tags of one official image, page by page.
    SwrOfficialImageTags,
    /// SWR show official image: one that exists, one that does not (404).
    SwrShowOfficialImage,
    /// UHub `GetRepo`, page by page.
    UhubGetRepo,
    /// UHub `GetRepoImage`, page by page, then an unknown repo (RetCode 232).
    UhubGetRepoImage,
    /// UHub `GetImageTag` of an image with a `/` in its name, page by page.
    UhubGetImageTag,
}

impl Scenario {
    /// Every scenario, in the order they are recorded.
    pub const ALL: [Scenario; 9] = [
        Scenario::SwrListRepositories,
        Scenario::SwrListNamespaces,
        Scenario::SwrRepositoryTags,
        Scenario::SwrOfficialImages,
        Scenario::SwrOfficialImageTags,
        Scenario::SwrShowOfficialImage,
        Scenario::UhubGetRepo,
        Scenario::UhubGetRepoImage,
        Scenario::UhubGetImageTag,
    ];

    /// The fixture's file name.
    pub fn file_name(self) -> &'static str {
        match self {
            Scenario::SwrListRepositories => "swr-list-repositories.json",
            Scenario::SwrListNamespaces => "swr-list-namespaces.json",
            Scenario::SwrRepositoryTags => "swr-list-repository-tags.json",
            Scenario::SwrOfficialImages => "swr-list-official-images.json",
            Scenario::SwrOfficialImageTags => "swr-list-official-image-tags.json",
            Scenario::SwrShowOfficialImage => "swr-show-official-image.json",
            Scenario::UhubGetRepo => "uhub-get-repo.json",
            Scenario::UhubGetRepoImage => "uhub-get-repo-image.json",
            Scenario::UhubGetImageTag => "uhub-get-image-tag.json",
        }
    }

    /// The committed fixture file.
    pub fn path(self) -> PathBuf {
        replay_dir().join(self.file_name())
    }

    /// The emulator's request-id seed for this file: fixed, and its own.
    pub fn request_id_seed(self) -> u64 {
        // FNV-1a: stable across Rust versions, unlike `DefaultHasher`.
        self.file_name()
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325 ^ REQUEST_ID_SEED, |hash, byte| {
                (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
            })
    }

    /// Makes the scenario's calls; only failures the scenario does not
    /// expect are errors.
    pub async fn run(self, clients: &Clients) -> Result<(), RecordError> {
        let (swr, uhub) = (&clients.swr, &clients.uhub);
        match self {
            Scenario::SwrListRepositories => swr_list_repositories(swr).await.map(drop),
            Scenario::SwrListNamespaces => swr_list_namespaces(swr).await.map(drop),
            Scenario::SwrRepositoryTags => swr_repository_tags(swr).await.map(drop),
            Scenario::SwrOfficialImages => swr_official_images(swr).await.map(drop),
            Scenario::SwrOfficialImageTags => swr_official_image_tags(swr).await.map(drop),
            Scenario::SwrShowOfficialImage => swr_show_official_image(swr).await.map(drop),
            Scenario::UhubGetRepo => uhub_get_repo(uhub).await.map(drop),
            Scenario::UhubGetRepoImage => uhub_get_repo_image(uhub).await.map(drop),
            Scenario::UhubGetImageTag => uhub_get_image_tag(uhub).await.map(drop),
        }
    }
}

/// The two clients a scenario drives, over one transport.
#[derive(Debug, Clone)]
pub struct Clients {
    /// SWR, signed with the demo AK/SK.
    pub swr: SwrClient,
    /// UHub, signed with the demo key pair, region `cn-bj2`.
    pub uhub: UhubClient,
}

impl Clients {
    /// Clients of `base_url` over `transport`, with the emulator's demo
    /// credentials and no retries: a recording must not hide a failure
    /// behind a retry, and a replay must not ask twice.
    pub fn new(base_url: &str, transport: Arc<dyn Transport>) -> Result<Self, RecordError> {
        let mut options = ClientOptions::default();
        options.retry = RetryConfig::disabled();
        let huawei = HuaweiCredentials::new(DEMO_HUAWEI_AK, DEMO_HUAWEI_SK)?;
        let mut swr = SwrConfig::endpoint(base_url)?.with_auth(huawei);
        swr.options = options.clone();
        let ucloud = UcloudCredentials::new(DEMO_UCLOUD_PUBLIC_KEY, DEMO_UCLOUD_PRIVATE_KEY)?;
        let mut uhub = UhubConfig::endpoint(base_url)?.with_credentials(ucloud);
        uhub.region = Some("cn-bj2".to_owned());
        uhub.options = options;
        Ok(Clients {
            swr: SwrClient::with_transport(swr, Arc::clone(&transport)),
            uhub: UhubClient::with_transport(uhub, transport),
        })
    }

    /// Clients that replay `scenario`'s committed fixture, and the replay,
    /// to check every exchange was used.
    pub fn replaying(scenario: Scenario) -> Result<(Self, Arc<ReplayTransport>), RecordError> {
        let replay = Arc::new(ReplayTransport::from_file(&scenario.path())?);
        // The host is never matched: any will do.
        let clients = Clients::new("http://replay.invalid", replay.clone())?;
        Ok((clients, replay))
    }
}

fn image(namespace: &str, repository: &str) -> Result<ImageRef, RecordError> {
    Ok(ImageRef::new(
        NamespaceName::new(namespace)?,
        RepositoryName::new(repository)?,
    ))
}

/// Every repository, [`PAGE_SIZE`] at a time.
pub async fn swr_list_repositories(
    client: &SwrClient,
) -> Result<Vec<Page<RepositoryInfo>>, RecordError> {
    let paginator = client.list_repositories(RepositoryQuery::default());
    paginator
        .page_size(PAGE_SIZE)
        .concurrency(1)
        .pages()
        .try_collect()
        .await
        .map_err(Into::into)
}

/// Every namespace, then [`NAMESPACE`] alone.
pub async fn swr_list_namespaces(
    client: &SwrClient,
) -> Result<(Vec<NamespaceInfo>, Vec<NamespaceInfo>), RecordError> {
    let all = client.list_namespaces(&NamespacesQuery::default()).await?;
    let mut one = NamespacesQuery::default();
    one.namespace = Some(NAMESPACE.to_owned());
    Ok((all, client.list_namespaces(&one).await?))
}

/// The tags of [`SLASHED_REPOSITORY`], [`PAGE_SIZE`] at a time.
pub async fn swr_repository_tags(
    client: &SwrClient,
) -> Result<Vec<Page<RepositoryTag>>, RecordError> {
    let query = RepositoryTagsQuery::new(image(NAMESPACE, SLASHED_REPOSITORY)?);
    let paginator = client.list_repository_tags(query);
    paginator
        .page_size(PAGE_SIZE)
        .concurrency(1)
        .pages()
        .try_collect()
        .await
        .map_err(Into::into)
}

/// Every official image, [`PAGE_SIZE`] at a time.
pub async fn swr_official_images(
    client: &SwrClient,
) -> Result<Vec<Page<OfficialImage>>, RecordError> {
    let paginator = client.list_official_images(Default::default());
    paginator
        .page_size(PAGE_SIZE)
        .concurrency(1)
        .pages()
        .try_collect()
        .await
        .map_err(Into::into)
}

/// The tags of [`OFFICIAL_IMAGE`], [`PAGE_SIZE`] at a time.
pub async fn swr_official_image_tags(
    client: &SwrClient,
) -> Result<Vec<Page<OfficialImageTag>>, RecordError> {
    let paginator = client.list_official_image_tags(image(OFFICIAL_NAMESPACE, OFFICIAL_IMAGE)?);
    paginator
        .page_size(PAGE_SIZE)
        .concurrency(1)
        .pages()
        .try_collect()
        .await
        .map_err(Into::into)
}

/// [`OFFICIAL_IMAGE`] in full, then [`MISSING`], which is not found.
pub async fn swr_show_official_image(
    client: &SwrClient,
) -> Result<
    (
        OfficialImageDetail,
        Result<OfficialImageDetail, wharf::Error>,
    ),
    RecordError,
> {
    let found = client
        .show_official_image(&image(OFFICIAL_NAMESPACE, OFFICIAL_IMAGE)?)
        .await?;
    let missing = client
        .show_official_image(&image(OFFICIAL_NAMESPACE, MISSING)?)
        .await;
    Ok((found, missing))
}

/// Every UHub repo, one at a time: the private ones, then the public ones
/// (`GetRepo` without a `Type` lists only public ones).
pub async fn uhub_get_repo(client: &UhubClient) -> Result<Vec<Page<RepoSet>>, RecordError> {
    let mut pages = Vec::new();
    for repo_type in [RepoType::Private, RepoType::Public] {
        let listing: Vec<Page<RepoSet>> = client
            .list_repos(GetRepoRequest::new(repo_type))
            .page_size(1)
            .concurrency(1)
            .pages()
            .try_collect()
            .await?;
        pages.extend(listing);
    }
    Ok(pages)
}

/// The images of [`NAMESPACE`], [`PAGE_SIZE`] at a time, then one page of
/// [`MISSING`], which is not found.
pub async fn uhub_get_repo_image(
    client: &UhubClient,
) -> Result<(Vec<Page<ImageSet>>, Result<Page<ImageSet>, wharf::Error>), RecordError> {
    let paginator = client.list_repo_images(GetRepoImageRequest::new(NAMESPACE));
    let pages = paginator
        .page_size(PAGE_SIZE)
        .concurrency(1)
        .pages()
        .try_collect()
        .await?;
    let missing = client
        .list_repo_images_page(&GetRepoImageRequest::new(MISSING))
        .await;
    Ok((pages, missing))
}

/// The tags of [`SLASHED_REPOSITORY`], [`PAGE_SIZE`] at a time.
pub async fn uhub_get_image_tag(client: &UhubClient) -> Result<Vec<Page<TagSet>>, RecordError> {
    let paginator = client.list_image_tags(GetImageTagRequest::new(NAMESPACE, SLASHED_REPOSITORY));
    paginator
        .page_size(PAGE_SIZE)
        .concurrency(1)
        .pages()
        .try_collect()
        .await
        .map_err(Into::into)
}

/// Records `scenario` from a fresh emulator serving [`DATASET`] with the
/// file's own request-id seed.
pub async fn record(scenario: Scenario) -> Result<Fixture, RecordError> {
    let context = |e: &dyn std::fmt::Display| -> RecordError {
        format!("recording {}: {e}", scenario.file_name()).into()
    };
    let emulator = Emulator::builder()
        .dataset(dataset().map_err(|e| context(&e))?)
        .request_id_seed(scenario.request_id_seed())
        .log_requests(false)
        .start()
        .await
        .map_err(|e| context(&e))?;
    let http = HttpTransport::new(HttpConfig::default()).map_err(|e| context(&e))?;
    let recorder = Arc::new(RecordingTransport::new(http));
    let clients = Clients::new(&emulator.base_url(), recorder.clone()).map_err(|e| context(&e))?;
    let outcome = scenario.run(&clients).await;
    emulator.stop().await;
    outcome.map_err(|e| context(&e))?;
    Ok(recorder.fixture().with_comment(COMMENT))
}

/// Records `scenario` as the text its file must hold.
pub async fn record_text(scenario: Scenario) -> Result<String, RecordError> {
    Ok(record(scenario).await?.to_text()?)
}

/// Records every scenario, one after the other: the file name and the text
/// its file must hold. `cargo xtask fixtures` writes them
/// ([`crate::fixtures`]).
pub async fn record_all() -> Result<Vec<(&'static str, String)>, RecordError> {
    let mut files = Vec::new();
    for scenario in Scenario::ALL {
        files.push((scenario.file_name(), record_text(scenario).await?));
    }
    Ok(files)
}
