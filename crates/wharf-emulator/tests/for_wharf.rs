//! The `wharf` feature: ready client configs whose retries wait on a fake
//! clock, and `?` from the emulator's errors into `wharf::Error`.

use std::time::Duration;

use wharf::model::RepositoryQuery;
use wharf::{ErrorKind, SwrClient, UhubClient};
use wharf_emulator::{Dataset, Emulator, Fault, FaultConfig, GenerateOptions};

async fn started() -> Result<Emulator, wharf::Error> {
    Ok(Emulator::builder().start().await?)
}

#[tokio::test]
async fn a_503_then_a_429_are_retried_on_the_fake_clock() -> Result<(), wharf::Error> {
    let emulator = started().await?;
    let config = emulator.swr_config()?;
    assert!(
        config.options.time.is_virtual(),
        "backoff waits on a fake clock"
    );
    emulator.set_faults(
        FaultConfig::script([Some(Fault::Unavailable), Some(Fault::TooManyRequests)])
            .with_retry_after(Duration::from_secs(2)),
    )?;
    let client = SwrClient::new(config)?;
    let mut items = client.list_repositories(RepositoryQuery::default()).items();
    let mut count = 0;
    while let Some(item) = futures::StreamExt::next(&mut items).await {
        item?;
        count += 1;
    }
    assert_eq!(count, emulator.dataset().repository_count());
    assert_eq!(items.summary().attempts, items.summary().pages + 2);
    assert_eq!(items.summary().throttles, 1);

    let uhub = UhubClient::new(emulator.uhub_config()?)?;
    assert_eq!(uhub.region(), Some("cn-bj2"));
    Ok(())
}

#[test]
fn the_emulators_errors_convert_with_the_question_mark() {
    fn bad() -> Result<Dataset, wharf::Error> {
        let options = GenerateOptions {
            namespaces: 0,
            ..GenerateOptions::default()
        };
        Ok(Dataset::generate(&options)?)
    }
    let e = bad().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config, "{e}");
    assert!(e.to_string().contains("the emulator:"), "{e}");
}
