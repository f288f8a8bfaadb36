//! The UCloud signature verifier (`wharf_auth::ucloud::verify`, what the
//! emulator runs on every UHub call) on parameters decoded from the input as
//! a form body (`Action=GetRepo&PublicKey=...&Signature=...`), the way the
//! emulator decodes them.
//!
//! The key store holds the keys of `tests/fixtures/signing/ucloud.json`, so
//! the seeds (its form bodies) verify and their mutations run the whole
//! verifier. Parameters without `Signature` are also signed with a fuzz
//! key pair and verified: signed parameters sent unchanged must verify.
//!
//! Never panics; every error has a message and the `RetCode` 170, 171 or 172.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wharf_auth::ucloud::{self, Credentials, Value};

/// The key pairs of the signing vectors, and the fuzz pair.
const KEYS: &[(&str, &str)] = &[
    (
        "ucloudsomeone@example.com1296235120854146120",
        "46f09bb9fab4f12dfc160dae12273d5332b5debe",
    ),
    ("my_public_key", "my_private_key"),
    ("fuzz-public-key", "fuzz-private-key"),
];

fn verify(pairs: &[(String, String)]) -> bool {
    let keys: Vec<Credentials> = KEYS
        .iter()
        .map(|(public, private)| Credentials::new(*public, *private).expect("valid"))
        .collect();
    match ucloud::verify(pairs, &keys) {
        Ok(verified) => {
            assert!(
                KEYS.iter()
                    .any(|(public, _)| *public == verified.public_key)
            );
            true
        }
        Err(e) => {
            assert!(!e.to_string().is_empty());
            assert!(matches!(e.ret_code(), 170..=172), "{e}: {}", e.ret_code());
            false
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let pairs = wharf_emulator::fuzzing::uhub_form(data);
    verify(&pairs);
    if pairs.iter().any(|(k, _)| k == ucloud::SIGNATURE) {
        return;
    }
    let (public, private) = KEYS[2];
    let credentials = Credentials::new(public, private).expect("valid");
    let params: Vec<(&str, Value)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), Value::from(v.as_str())))
        .collect();
    let signed = ucloud::sign(&credentials, &params);
    let sent: Vec<(String, String)> = signed
        .pairs()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    assert!(verify(&sent), "signed parameters do not verify: {sent:?}");
});
