//! `wharf_parse::ContentRange::parse` on any text: never panics, and what it
//! reads prints back (`Display`) to text that reads to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wharf_parse::ContentRange;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match ContentRange::parse(&text) {
        Ok(range) => {
            let printed = range.to_string();
            let again = ContentRange::parse(&printed)
                .unwrap_or_else(|e| panic!("{printed:?} (from {text:?}) does not read back: {e}"));
            assert_eq!(again, range, "{text:?} -> {printed:?}");
            let _ = range.end();
        }
        Err(e) => {
            assert!(!e.to_string().is_empty());
            assert!(e.at() <= text.len(), "{text:?}: at {} past the end", e.at());
        }
    }
});
