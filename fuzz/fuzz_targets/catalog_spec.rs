//! `wharf::CatalogSpec::parse` on any text: never panics, and a spec that
//! reads prints (`Display`, the canonical form) to text that reads to the
//! same spec, as its docs claim.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wharf::catalog::CatalogSpec;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match CatalogSpec::parse(&text) {
        Ok(spec) => {
            let printed = spec.to_string();
            let again = CatalogSpec::parse(&printed)
                .unwrap_or_else(|e| panic!("{printed:?} (from {text:?}) does not read back: {e}"));
            assert_eq!(again, spec, "{text:?} -> {printed:?}");
            let _ = (spec.base_url(), spec.region(), spec.project(), spec.kind());
        }
        Err(e) => {
            assert!(!e.to_string().is_empty());
            assert!(
                e.position() <= text.len(),
                "{text:?}: position {}",
                e.position()
            );
        }
    }
});
