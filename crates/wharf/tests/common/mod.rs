//! An emulator in process with a generated dataset, clients of it whose
//! retries are quick, and the dataset's listings in the orders the emulator
//! serves them.

#![allow(dead_code)]

use std::time::Duration;

use wharf::{
    ClientOptions, HuaweiCredentials, SwrClient, SwrConfig, UcloudCredentials, UhubClient,
    UhubConfig,
};
use wharf_emulator::{
    DEMO_HUAWEI_AK, DEMO_HUAWEI_SK, DEMO_UCLOUD_PRIVATE_KEY, DEMO_UCLOUD_PUBLIC_KEY, Dataset,
    Emulator, GenerateOptions, RepositoryRecord,
};

/// A dataset with `/` in some repository names, several tags each, and
/// enough items for many pages.
pub fn dataset(repositories: usize) -> Dataset {
    let options = GenerateOptions {
        namespaces: 3,
        repositories,
        tags_per_repository: 7,
        official_images: 25,
        seed: 42,
    };
    Dataset::generate(&options).expect("a valid generated dataset")
}

pub async fn emulator(dataset: Dataset) -> Emulator {
    Emulator::builder()
        .dataset(dataset)
        .start()
        .await
        .expect("the emulator starts")
}

/// Retries quick enough for a test: backoff of a few milliseconds.
pub fn quick(mut options: ClientOptions) -> ClientOptions {
    options.retry.max_attempts = 10;
    options.retry.backoff.base = Duration::from_millis(1);
    options.retry.backoff.cap = Duration::from_millis(5);
    options.jitter_seed = Some(7);
    options
}

/// SWR at `emulator`, signed with its demo AK/SK.
pub fn swr_config(emulator: &Emulator) -> SwrConfig {
    let credentials = HuaweiCredentials::new(DEMO_HUAWEI_AK, DEMO_HUAWEI_SK).unwrap();
    let mut config = SwrConfig::endpoint(&emulator.base_url())
        .unwrap()
        .with_auth(credentials);
    config.options = quick(config.options);
    config
}

/// UHub at `emulator`, signed with its demo key pair.
pub fn uhub_config(emulator: &Emulator) -> UhubConfig {
    let keys = UcloudCredentials::new(DEMO_UCLOUD_PUBLIC_KEY, DEMO_UCLOUD_PRIVATE_KEY).unwrap();
    let mut config = UhubConfig::endpoint(&emulator.base_url())
        .unwrap()
        .with_credentials(keys);
    config.region = Some("cn-bj2".to_owned());
    config.options = quick(config.options);
    config
}

pub fn swr(emulator: &Emulator) -> SwrClient {
    SwrClient::new(swr_config(emulator)).unwrap()
}

pub fn uhub(emulator: &Emulator) -> UhubClient {
    UhubClient::new(uhub_config(emulator)).unwrap()
}

/// `namespace/name` of every repository, in the emulator's default order.
pub fn repositories(dataset: &Dataset) -> Vec<String> {
    repositories_where(dataset, |_| true)
}

/// `namespace/name` of the repositories `keep` keeps, in the emulator's
/// default order.
pub fn repositories_where(
    dataset: &Dataset,
    keep: impl Fn(&RepositoryRecord) -> bool,
) -> Vec<String> {
    let mut names: Vec<String> = dataset
        .namespaces
        .iter()
        .flat_map(|ns| {
            ns.repositories
                .iter()
                .filter(|r| keep(r))
                .map(move |r| format!("{}/{}", ns.name, r.name))
        })
        .collect();
    names.sort();
    names
}

/// The dataset's namespaces, by name.
pub fn namespaces(dataset: &Dataset) -> Vec<String> {
    let mut names: Vec<String> = dataset
        .namespaces
        .iter()
        .map(|n| n.name.to_string())
        .collect();
    names.sort();
    names
}
