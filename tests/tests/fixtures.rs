//! The generated files under `tests/fixtures/` are what `cargo xtask
//! fixtures` makes today, so `cargo test` fails on a hand edit as `cargo
//! xtask fixtures --check` does; and the check itself names what it finds.

use std::path::{Path, PathBuf};

use wharf_emulator::Dataset;
use wharf_tests::fixtures::{
    self, COMMAND, DATASET_COMMENT, GENERATED_FOLDERS, Maker, Stale, Staleness,
};

#[test]
fn committed_fixtures_are_what_cargo_xtask_fixtures_makes() {
    let stale = fixtures::check_all(&wharf_tests::fixtures_dir()).unwrap();
    let list: Vec<String> = stale.iter().map(ToString::to_string).collect();
    assert!(
        stale.is_empty(),
        "tests/fixtures/ is out of date: run `{COMMAND}`\n{}",
        list.join("\n")
    );
}

#[test]
fn generated_datasets_load_and_say_they_are_generated() {
    for file in fixtures::generated() {
        let Maker::Dataset(make) = file.maker else {
            continue;
        };
        let text = wharf_tests::fixture(&file.path());
        let first = text.lines().nth(1).unwrap_or_default();
        assert_eq!(
            first,
            format!("  \"comment\": \"{DATASET_COMMENT}\","),
            "{}",
            file.path()
        );
        assert_eq!(Dataset::from_json(&text).unwrap(), make().unwrap());
    }
}

#[test]
fn every_generated_file_is_in_a_generated_folder_once() {
    let paths: Vec<String> = fixtures::generated().iter().map(|f| f.path()).collect();
    for (index, file) in fixtures::generated().iter().enumerate() {
        assert!(GENERATED_FOLDERS.contains(&file.folder), "{}", file.path());
        assert!(
            !paths[..index].contains(&paths[index]),
            "{} twice",
            paths[index]
        );
    }
}

/// A folder of its own in the system's temporary folder, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("wharf-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn stale(path: &str, why: Staleness) -> Stale {
    Stale {
        path: path.to_owned(),
        why,
    }
}

fn edit(dir: &Path, path: &str, from: &str, to: &str) {
    let file = dir.join(path);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(from), "{path} holds no {from:?}");
    std::fs::write(&file, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn the_check_names_edited_missing_and_unknown_files_and_writing_mends_them() {
    let scratch = Scratch::new("fixtures-check");
    let dir = &scratch.0;
    let written = fixtures::write_all(dir).unwrap();
    assert_eq!(written.len(), fixtures::generated().len());
    assert_eq!(fixtures::check_all(dir).unwrap(), []);

    edit(
        dir,
        "replay/uhub-get-repo.json",
        "\"status\": 200",
        "\"status\": 201",
    );
    edit(dir, "datasets/demo.json", "\"nginx\"", "\"nginx2\"");
    std::fs::remove_file(dir.join("datasets/interop.json")).unwrap();
    std::fs::write(dir.join("replay/old.json"), "{}\n").unwrap();
    // Windows line ends, as a checkout with `core.autocrlf` writes them: the
    // same file.
    let crlf = dir.join("datasets/replay.json");
    let text = std::fs::read_to_string(&crlf).unwrap();
    std::fs::write(&crlf, text.replace('\n', "\r\n")).unwrap();

    let found = fixtures::check_all(dir).unwrap();
    assert_eq!(
        found,
        [
            stale("datasets/demo.json", Staleness::Differs),
            stale("datasets/interop.json", Staleness::Missing),
            stale("replay/old.json", Staleness::Unknown),
            stale("replay/uhub-get-repo.json", Staleness::Differs),
        ]
    );
    assert_eq!(
        found[0].to_string(),
        "tests/fixtures/datasets/demo.json: differs from what its generator makes (edited by hand?)"
    );

    let mut mended = fixtures::write_all(dir).unwrap();
    mended.sort();
    assert_eq!(
        mended,
        [
            "datasets/demo.json",
            "datasets/interop.json",
            "replay/uhub-get-repo.json"
        ]
    );
    assert_eq!(
        fixtures::check_all(dir).unwrap(),
        [stale("replay/old.json", Staleness::Unknown)]
    );
}

#[test]
fn recorded_fixtures_hold_no_secret_and_no_signature() {
    let secrets = [
        wharf_emulator::DEMO_HUAWEI_SK,
        wharf_emulator::DEMO_UCLOUD_PRIVATE_KEY,
        wharf_emulator::DEMO_TOKEN,
    ];
    let dir = wharf_tests::fixtures_dir().join("replay");
    let (mut checked, mut redacted) = (0, 0);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for secret in secrets {
            assert!(!text.contains(secret), "{secret} in {}", path.display());
        }
        // Every signature and credential header is redacted.
        for (at, _) in text.match_indices("Signature=") {
            let value = &text[at + "Signature=".len()..];
            assert!(
                value.starts_with("REDACTED"),
                "{}: {value:.40}",
                path.display()
            );
        }
        let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue; // the README
        };
        credential_headers(&json, &mut |name, value| {
            assert_eq!(value, "<redacted>", "{name} in {}", path.display());
            redacted += 1;
        });
        checked += 1;
    }
    assert!(checked >= 9, "{checked} fixtures checked");
    assert!(
        redacted > 0,
        "no credential header found: the walk is wrong"
    );
}

/// Calls `found` with every `[name, value]` pair in `json` whose name is a
/// credential header.
fn credential_headers(json: &serde_json::Value, found: &mut dyn FnMut(&str, &str)) {
    use serde_json::Value;
    match json {
        Value::Array(pair) if pair.len() == 2 => {
            if let (Some(name), Some(value)) = (pair[0].as_str(), pair[1].as_str()) {
                let lower = name.to_ascii_lowercase();
                if ["authorization", "x-auth-token", "x-security-token"].contains(&lower.as_str()) {
                    found(name, value);
                }
            }
            pair.iter().for_each(|v| credential_headers(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| credential_headers(v, found)),
        Value::Object(map) => map.values().for_each(|v| credential_headers(v, found)),
        _ => {}
    }
}
