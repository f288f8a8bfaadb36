//! Secrets stay secret: no `Debug` of a config or client shows one, and the
//! clients are what many tasks can share.

use wharf::{
    Error, HuaweiCredentials, IamToken, SwrClient, SwrConfig, UcloudCredentials, UhubClient,
    UhubConfig,
};

fn shareable<T: Clone + Send + Sync + 'static>() {}

#[test]
fn clients_are_cheap_to_clone_and_shareable_and_errors_travel() {
    shareable::<SwrClient>();
    shareable::<UhubClient>();
    fn error_travels<T: Send + Sync + std::error::Error + 'static>() {}
    error_travels::<Error>();
}

#[test]
fn no_debug_shows_a_secret() {
    let aksk = HuaweiCredentials::new("AKVISIBLE", "sk-SECRET-1")
        .unwrap()
        .with_security_token("token-SECRET-2")
        .unwrap();
    let swr = SwrConfig::region("cn-north-4").unwrap().with_auth(aksk);
    let token = SwrConfig::region("cn-north-4")
        .unwrap()
        .with_auth(IamToken::new("iam-SECRET-3").unwrap());
    let keys = UcloudCredentials::new("public-visible", "private-SECRET-4").unwrap();
    let uhub = UhubConfig::region("cn-bj2").unwrap().with_credentials(keys);
    let shown = format!(
        "{swr:?} {token:?} {uhub:?} {:?} {:?}",
        SwrClient::new(swr.clone()).unwrap(),
        UhubClient::new(uhub.clone()).unwrap()
    );
    assert!(shown.contains("AKVISIBLE"), "{shown}");
    for secret in [
        "sk-SECRET-1",
        "token-SECRET-2",
        "iam-SECRET-3",
        "private-SECRET-4",
    ] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}
