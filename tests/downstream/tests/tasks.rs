//! The seven first tasks of a user of wharf, each with `?` on `wharf::Error`
//! and nothing but `wharf` (and the emulator, and tokio to run them).

use std::sync::Arc;
use std::time::Duration;

use wharf::catalog::{self, Catalog};
use wharf::futures::TryStreamExt;
use wharf::model::RepositoryQuery;
use wharf::test_util::{RecordingTransport, ReplayTransport};
use wharf::transport::{HttpConfig, HttpTransport};
use wharf::{
    ClientOptions, ErrorKind, HuaweiCredentials, RetryConfig, SwrClient, SwrConfig, TimeoutLimit,
    Timeouts,
};
use wharf_downstream::{count, first_tags, names_in, show};
use wharf_emulator::{Dataset, Emulator, Fault, FaultConfig, GenerateOptions, demo_env};

async fn emulator() -> Result<Emulator, wharf::Error> {
    Ok(Emulator::builder().start().await?)
}

#[tokio::test]
async fn a_namespace_with_concurrency() -> Result<(), wharf::Error> {
    let emulator = emulator().await?;
    let names = names_in(emulator.swr_config()?, "team").await?;
    assert!(!names.is_empty());
    Ok(())
}

#[tokio::test]
async fn a_listed_repositorys_tags() -> Result<(), wharf::Error> {
    let emulator = emulator().await?;
    let tags = first_tags(emulator.swr_config()?, "team").await?;
    assert!(!tags.is_empty());
    Ok(())
}

#[tokio::test]
async fn the_same_through_catalog_for_swr_and_uhub() -> Result<(), wharf::Error> {
    let emulator = emulator().await?;
    for spec in [emulator.swr_spec(), emulator.uhub_spec()] {
        let (repositories, tags) = count(catalog::open(&spec, &demo_env)?).await?;
        assert!(repositories > 0 && tags > 0, "{spec}");
    }
    Ok(())
}

#[tokio::test]
async fn a_wrong_key_is_unauthorized() -> Result<(), wharf::Error> {
    let emulator = emulator().await?;
    let wrong = HuaweiCredentials::new(wharf_emulator::DEMO_HUAWEI_AK, "not-the-secret")?;
    let config = SwrConfig::endpoint(&emulator.base_url())?.with_auth(wrong);
    let e = names_in(config, "team").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized, "{e}");
    assert!(!e.to_string().contains("not-the-secret"), "{e}");
    Ok(())
}

#[tokio::test]
async fn a_missing_repository_is_not_found() -> Result<(), wharf::Error> {
    let emulator = emulator().await?;
    let catalog = catalog::open(&emulator.swr_spec(), &demo_env)?;
    let e = show(catalog.as_ref(), "team/no-such-image")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    Ok(())
}

#[tokio::test]
async fn a_timeout_names_its_limit() -> Result<(), wharf::Error> {
    let emulator = emulator().await?;
    emulator.set_faults(
        FaultConfig::random(1.0, 1)
            .with_kinds(&[Fault::Stall])
            .with_stall(Duration::from_secs(5)),
    )?;
    let options = ClientOptions::default()
        .with_retry(RetryConfig::disabled())
        .with_timeouts(Timeouts::default().with_attempt(Duration::from_millis(50)));
    let config = emulator.swr_config()?.with_options(options);
    let e = names_in(config, "team").await.unwrap_err();
    assert_eq!(e.timeout_limit(), Some(TimeoutLimit::Attempt), "{e}");
    Ok(())
}

#[tokio::test]
async fn the_emulator_as_a_test_double_of_three_repositories() -> Result<(), wharf::Error> {
    let options = GenerateOptions {
        namespaces: 1,
        repositories: 3,
        tags_per_repository: 2,
        official_images: 1,
        seed: 7,
    };
    let double = Emulator::builder()
        .dataset(Dataset::generate(&options)?)
        .start()
        .await?;
    let catalog: Arc<dyn Catalog> = catalog::open(&double.swr_spec(), &demo_env)?;
    assert_eq!(count(catalog).await?, (3, 6));
    Ok(())
}

#[tokio::test]
async fn record_then_replay() -> Result<(), wharf::Error> {
    let emulator = emulator().await?;
    let recorder = Arc::new(RecordingTransport::new(HttpTransport::new(
        HttpConfig::default(),
    )?));
    let live = SwrClient::with_transport(emulator.swr_config()?, recorder.clone());
    let listed: Vec<_> = live
        .list_repositories(RepositoryQuery::default())
        .items()
        .try_collect()
        .await?;
    let path = std::env::temp_dir().join(format!("wharf-downstream-{}.json", std::process::id()));
    recorder.save(&path)?;
    drop(emulator);

    let replay = Arc::new(ReplayTransport::from_file(&path)?);
    let replayed = SwrClient::with_transport(
        // Replay matches path, query and body; the host is not recorded.
        SwrConfig::endpoint("http://127.0.0.1:9")?.with_env_credentials(&demo_env)?,
        replay.clone(),
    );
    let again: Vec<_> = replayed
        .list_repositories(RepositoryQuery::default())
        .items()
        .try_collect()
        .await?;
    assert_eq!(again, listed);
    assert_eq!(replay.unserved(), 0);
    let _ = std::fs::remove_file(&path);
    Ok(())
}
