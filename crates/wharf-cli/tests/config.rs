//! The config file and the commands about settings: TOML errors with their
//! place, `wharf config init`, `wharf config show`, `wharf check`, and
//! credentials of the wrong provider.

use std::path::{Path, PathBuf};

mod common;

use common::{code, run, text, wharf};

/// A fresh folder of its own for each test, under the system's temporary one.
fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wharf-cli-config-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `contents` written to `path`, with `mode`.
fn write(path: &Path, contents: &str, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, contents).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_toml_error_names_the_file_line_and_column() {
    let dir = folder("toml-error");
    let path = dir.join("config.toml");
    write(
        &path,
        "[profiles.default]\nregion = \"cn-north-4\"\nendpoint x = \"http://127.0.0.1:1\"\n",
        0o600,
    );
    let out = run(wharf(&["repos"]).env("WHARF_CONFIG", &path));
    assert_eq!(code(&out), 2, "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    let first = format!(
        "wharf: config file {}, line 3, column 10: key with no value, expected `=`",
        path.display()
    );
    assert_eq!(
        stderr,
        format!("{first}\n  3 | endpoint x = (value hidden)\n"),
        "one line and the offending line, its value hidden"
    );

    // A plain setting's line shows whole; a secret's value never.
    write(&path, "[profiles.default]\nregion = cn-north-4\n", 0o600);
    let out = run(wharf(&["repos"]).env("WHARF_CONFIG", &path));
    let stderr = text(&out.stderr);
    assert!(stderr.contains(", line 2, column 10: "), "{stderr}");
    assert!(
        stderr.ends_with("\n  2 | region = cn-north-4\n"),
        "{stderr}"
    );
    write(
        &path,
        "[profiles.default]\nsecret_key = \"profile-SECRET-9\nregion = \"x\"\n",
        0o600,
    );
    let out = run(wharf(&["repos"]).env("WHARF_CONFIG", &path));
    let stderr = text(&out.stderr);
    assert_eq!(code(&out), 2, "{stderr}");
    assert!(stderr.contains(", line 2, column "), "{stderr}");
    assert!(!stderr.contains("SECRET-9"), "{stderr}");
}
