//! The CLI's config file parser (`wharf_cli::config_file::parse`) on any
//! text: never panics; a file that reads answers every question about its
//! profiles.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match wharf_cli::config_file::parse(&text) {
        Ok(file) => {
            for (name, profile) in &file.profiles {
                let _ = (name.len(), profile.holds_secrets());
                if let Some(spec) = &profile.catalog {
                    let _ = wharf::catalog::CatalogSpec::parse(spec);
                }
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
