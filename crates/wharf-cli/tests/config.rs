//! The config file and the commands about settings: TOML errors with their
//! place, `wharf config init`, `wharf config show`, `wharf check`, and
//! credentials of the wrong provider.

use std::path::{Path, PathBuf};

mod common;

use common::{code, run, text, wharf};
use wharf_emulator::{
    DEMO_HUAWEI_AK, DEMO_HUAWEI_SK, DEMO_UCLOUD_PRIVATE_KEY, DEMO_UCLOUD_PUBLIC_KEY, Emulator,
};

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

/// An emulator of the demo dataset on its own threads, so a test can block
/// on the binary.
fn emulator() -> Emulator {
    Emulator::builder()
        .log_requests(false)
        .start_background()
        .unwrap()
}

/// The mode bits of `path`.
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn config_init_writes_a_private_template_where_the_settings_look() {
    let dir = folder("init");
    // $XDG_CONFIG_HOME, its folder missing: made, private.
    let xdg = dir.join("xdg");
    let path = xdg.join("wharf").join("config.toml");
    let init = |args: &[&str]| {
        let mut command = wharf(args);
        command
            .env("XDG_CONFIG_HOME", &xdg)
            .env("HUAWEICLOUD_SDK_SK", "env-SECRET-1")
            .env("UCLOUD_PRIVATE_KEY", "env-SECRET-2");
        run(&mut command)
    };
    let out = init(&["config", "init"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with(&format!(
            "wrote profile \"default\" to {} (mode 600)",
            path.display()
        )),
        "{stdout}"
    );
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(!written.contains("SECRET"), "no value of the environment");
    let file = wharf_cli::config_file::parse(&written).unwrap();
    assert!(!file.profiles["default"].holds_secrets());
    for key in [
        "provider",
        "region",
        "endpoint",
        "catalog",
        "access_key",
        "secret_key",
        "security_token",
        "project_id",
        "public_key",
        "private_key",
    ] {
        assert!(
            written.contains(&format!("\n# {key} = ")),
            "{key} commented out"
        );
    }
    // The same profile again: refused, the file as it was.
    let out = init(&["config", "init"]);
    assert_eq!(code(&out), 2);
    assert!(
        text(&out.stderr).contains("--force"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), written);

    // Another profile goes at the end; a file others could read is made
    // private, and the output says so.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = init(&["--profile", "prod", "config", "init", "-o", "json"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let said: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(said["action"], "added");
    assert_eq!(said["was_mode"], "644");
    assert_eq!(said["path"], path.display().to_string());
    assert_eq!(mode(&path), 0o600);
    let file = wharf_cli::config_file::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(file.profiles.len(), 2);

    // --force replaces that profile alone: its keys go, the others stay.
    let text_before = std::fs::read_to_string(&path).unwrap().replace(
        "[profiles.prod]\n",
        "[profiles.prod]\nregion = \"cn-east-3\"\n",
    );
    let kept = "\n[profiles.after]\nregion = \"cn-bj2\"\n";
    std::fs::write(&path, format!("{text_before}{kept}")).unwrap();
    let out = init(&["--profile", "prod", "config", "init"]);
    assert_eq!(code(&out), 2, "not without --force");
    let out = init(&["--profile", "prod", "config", "init", "--force"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("replaced profile \"prod\""));
    let after = std::fs::read_to_string(&path).unwrap();
    let file = wharf_cli::config_file::parse(&after).unwrap();
    assert!(file.profiles["prod"].region.is_none(), "{after}");
    assert_eq!(file.profiles["after"].region.as_deref(), Some("cn-bj2"));
    assert!(file.profiles.contains_key("default"));
    assert!(after.ends_with(kept), "{after}");
    assert_eq!(mode(&path), 0o600);

    // $WHARF_CONFIG wins, folders and all.
    let named = dir.join("a").join("b").join("wharf.toml");
    let out = run(wharf(&["config", "init"]).env("WHARF_CONFIG", &named));
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&named.display().to_string()));
    assert_eq!(mode(&named), 0o600);

    // A file that does not read is left alone, with its line and column.
    let broken = dir.join("broken.toml");
    write(&broken, "[profiles.default\n", 0o600);
    let out = run(wharf(&["config", "init", "--force"]).env("WHARF_CONFIG", &broken));
    assert_eq!(code(&out), 2);
    assert!(
        text(&out.stderr).contains(", line 1, column "),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&broken).unwrap(),
        "[profiles.default\n"
    );
}

#[test]
fn config_show_says_what_is_in_effect_and_where_it_came_from() {
    let dir = folder("show");
    let path = dir.join("config.toml");
    let profile = format!(
        "[profiles.default]\nendpoint = \"http://127.0.0.1:9\"\naccess_key = \"{DEMO_HUAWEI_AK}\"\n\
         secret_key = \"profile-SECRET-3\"\nsecurity_token = \"profile-SECRET-4\"\n\
         [profiles.uh]\nprovider = \"uhub\"\nregion = \"cn-bj2\"\n"
    );
    write(&path, &profile, 0o600);
    let label = format!("profile \"default\" in {}", path.display());
    let out = run(wharf(&["--page-size", "7", "config", "show", "-o", "json"])
        .env("WHARF_CONFIG", &path)
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "project-1"));
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(!shown.contains("SECRET"), "{shown}");
    let said: serde_json::Value = serde_json::from_str(&shown).unwrap();
    let is = |key: &str, value: serde_json::Value, source: &str| {
        assert_eq!(said[key]["value"], value, "{key}: {shown}");
        assert_eq!(said[key]["source"], source, "{key}: {shown}");
    };
    is("provider", "swr".into(), "default");
    is(
        "catalog",
        "swr+http://127.0.0.1:9".into(),
        "made of the provider, region and endpoint",
    );
    is(
        "endpoint",
        "http://127.0.0.1:9".into(),
        &format!("{label} (endpoint)"),
    );
    is("page_size", 7.into(), "--page-size");
    is("concurrency", 4.into(), "default");
    is("timeout", "2m".into(), "default");
    is(
        "config_file",
        path.display().to_string().into(),
        "WHARF_CONFIG",
    );
    assert_eq!(said["profile"]["value"], "default");
    let credentials = &said["credentials"];
    assert_eq!(credentials["access_key"]["value"], "WHAR****");
    assert_eq!(
        credentials["access_key"]["source"],
        format!("{label} (access_key)")
    );
    assert_eq!(credentials["secret_key"]["value"], "****");
    assert_eq!(credentials["security_token"]["value"], "****");
    assert_eq!(credentials["project_id"]["value"], "project-1");
    assert_eq!(
        credentials["project_id"]["source"],
        "HUAWEICLOUD_SDK_PROJECT_ID"
    );

    // The table: flags and variables named; the environment beats the profile.
    let out = run(wharf(&["--profile", "uh", "config", "show"])
        .env("WHARF_CONFIG", &path)
        .env("UCLOUD_PUBLIC_KEY", DEMO_UCLOUD_PUBLIC_KEY)
        .env("UCLOUD_PRIVATE_KEY", "env-SECRET-5")
        .env("UCLOUD_REGION", "cn-sh2"));
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(!table.contains("SECRET"), "{table}");
    let row = |name: &str| {
        let line = table
            .lines()
            .find(|l| l.starts_with(&format!("{name}  ")))
            .unwrap_or_else(|| panic!("{name} in {table}"));
        line.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let uh = format!("profile \"uh\" in {}", path.display());
    assert!(table.starts_with("SETTING"), "{table}");
    assert_eq!(row("provider"), format!("provider uhub {uh} (provider)"));
    assert_eq!(row("region"), "region cn-sh2 UCLOUD_REGION");
    assert_eq!(
        row("catalog"),
        "catalog uhub://cn-sh2 made of the provider, region and endpoint"
    );
    assert_eq!(
        row("profile"),
        format!("profile uh --profile, in {}", path.display())
    );
    assert_eq!(row("public key"), "public key whar**** UCLOUD_PUBLIC_KEY");
    assert_eq!(row("private key"), "private key **** UCLOUD_PRIVATE_KEY");

    // Nothing configured: the demo registry, said so.
    let out = run(&mut wharf(&["config", "show", "-o", "json"]));
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let said: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(said["catalog"]["value"], "demo");
    assert_eq!(said["profile"]["value"], serde_json::Value::Null);

    // Settings that name two places: shown, then refused as any command would.
    let out = run(wharf(&[
        "--catalog",
        "swr://cn-north-4",
        "--region",
        "cn-east-3",
        "config",
        "show",
    ])
    .env("WHARF_CONFIG", &path));
    assert_eq!(code(&out), 2, "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("SETTING"));
    assert!(
        text(&out.stderr).contains("both say where requests go"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn check_says_whether_the_credentials_work() {
    let emulator = emulator();
    let base = emulator.base_url();
    let swr = |sk: &str| {
        let mut command = wharf(&["--endpoint", &base, "check"]);
        command
            .env("HUAWEICLOUD_SDK_AK", DEMO_HUAWEI_AK)
            .env("HUAWEICLOUD_SDK_SK", sk);
        run(&mut command)
    };
    let before = emulator.requests();
    let out = swr(DEMO_HUAWEI_SK);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(emulator.requests() - before, 1, "one request");
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with(&format!("ok: the credentials work for swr+{base}\n")),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("endpoint     {base}")), "{stdout}");
    assert!(
        stdout
            .contains("HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK from the environment (key WHAR****)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("3 namespaces visible (ml-lab, public-tools, team), created by wharf-demo"),
        "{stdout}"
    );
    assert!(!stdout.contains(DEMO_HUAWEI_SK));

    let out = swr("not-the-demo-secret");
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "");
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(&format!(
            "wharf: the credentials do not work for swr+{base}: "
        )),
        "{stderr}"
    );
    assert!(stderr.contains("hint:"), "{stderr}");
    assert!(!stderr.contains("not-the-demo-secret"), "{stderr}");

    // UHub: GetRepo, Limit 1.
    let uhub = |private: &str, json: bool| {
        let mut args = vec!["--provider", "uhub", "--endpoint", &base, "check"];
        if json {
            args.extend(["-o", "json"]);
        }
        let mut command = wharf(&args);
        command
            .env("UCLOUD_PUBLIC_KEY", DEMO_UCLOUD_PUBLIC_KEY)
            .env("UCLOUD_PRIVATE_KEY", private);
        run(&mut command)
    };
    let before = emulator.requests();
    let out = uhub(DEMO_UCLOUD_PRIVATE_KEY, true);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(emulator.requests() - before, 1, "one request");
    let said: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(said["ok"], true);
    assert_eq!(said["demo"], false);
    assert_eq!(said["provider"], "uhub");
    assert_eq!(said["endpoint"], base.as_str());
    assert_eq!(said["key_id"], "whar****");
    assert_eq!(said["answer"]["action"], "GetRepo");
    assert_eq!(said["answer"]["first"], "ml-lab");
    let out = uhub("not-the-demo-key", false);
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("RetCode 171: "), "{stderr}");
    assert!(!stderr.contains("not-the-demo-key"), "{stderr}");

    // Nothing configured: the demo registry answers, and it says so.
    let out = run(&mut wharf(&["check"]));
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("ok: the built-in demo registry answered"),
        "{}",
        text(&out.stdout)
    );
    assert!(text(&out.stdout).contains("no real registry was checked"));
}

#[test]
fn a_uhub_failure_shows_its_ret_code_and_message() {
    let emulator = emulator();
    let out = run(wharf(&[
        "--provider",
        "uhub",
        "--endpoint",
        &emulator.base_url(),
        "repos",
    ])
    .env("UCLOUD_PUBLIC_KEY", DEMO_UCLOUD_PUBLIC_KEY)
    .env("UCLOUD_PRIVATE_KEY", "not-the-demo-key"));
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(
            "wharf: uhub GetRepo: unauthorized: RetCode 171: the signature does not match the parameters [request id "
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("HTTP 200"), "{stderr}");
}

#[test]
fn the_keys_of_the_other_provider_are_named_not_sent_unsigned() {
    let huawei = |command: &mut std::process::Command| {
        command
            .env("HUAWEICLOUD_SDK_AK", DEMO_HUAWEI_AK)
            .env("HUAWEICLOUD_SDK_SK", DEMO_HUAWEI_SK);
        run(command)
    };
    let ucloud = |command: &mut std::process::Command| {
        command
            .env("UCLOUD_PUBLIC_KEY", DEMO_UCLOUD_PUBLIC_KEY)
            .env("UCLOUD_PRIVATE_KEY", DEMO_UCLOUD_PRIVATE_KEY);
        run(command)
    };
    let refused = |out: std::process::Output, missing: &str, set: &str| {
        let stderr = text(&out.stderr);
        assert_eq!(code(&out), 2, "{stderr}");
        assert!(
            stderr.contains(&format!("{missing} are not set")),
            "{stderr}"
        );
        assert!(stderr.contains(&format!("{set} are set")), "{stderr}");
        assert!(stderr.contains("nothing was sent"), "{stderr}");
        assert!(!stderr.contains("demo"), "{stderr}");
        assert_eq!(text(&out.stdout), "");
    };
    let uhub_keys = "UCLOUD_PUBLIC_KEY and UCLOUD_PRIVATE_KEY";
    let swr_keys = "HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK";
    // A real region, with the other provider's keys: it could only be refused.
    for args in [
        &["--provider", "uhub", "--region", "cn-bj2", "repos"][..],
        &["--catalog", "uhub://cn-bj2", "namespaces"],
        &["--provider", "uhub", "--region", "cn-bj2", "check"],
    ] {
        let out = huawei(&mut wharf(args));
        refused(out, uhub_keys, swr_keys);
    }
    for args in [
        &["--region", "cn-north-4", "repos"][..],
        &["diff", "swr://cn-north-4", "demo"],
    ] {
        let out = ucloud(&mut wharf(args));
        refused(out, swr_keys, uhub_keys);
    }
    // No place at all: not the demo registry either.
    refused(
        huawei(&mut wharf(&["--provider", "uhub", "repos"])),
        uhub_keys,
        swr_keys,
    );
    refused(ucloud(&mut wharf(&["repos"])), swr_keys, uhub_keys);
    // No keys at all, a real region: refused the same, naming them.
    let out = run(&mut wharf(&[
        "--provider",
        "uhub",
        "--region",
        "cn-bj2",
        "repos",
    ]));
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains(&format!("{uhub_keys} are not set")));

    // An endpoint of one's own may take unsigned requests (an emulator with
    // --no-auth): sent, with a note naming the keys that are not set.
    let emulator = Emulator::builder()
        .no_auth()
        .log_requests(false)
        .start_background()
        .unwrap();
    let out = huawei(&mut wharf(&[
        "--provider",
        "uhub",
        "--endpoint",
        &emulator.base_url(),
        "namespaces",
    ]));
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(&format!("{uhub_keys} are not set, so requests to uhub+")),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(text(&out.stdout).lines().count(), 3);
}

/// The README's example of the format reads, and shows every key.
#[test]
fn the_readme_example_file_reads_and_has_every_key() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let section = &readme[readme.find("### Profiles").expect("a Profiles section")..];
    let start = section.find("```toml\n").unwrap() + "```toml\n".len();
    let example = &section[start..start + section[start..].find("```").unwrap()];
    let file = wharf_cli::config_file::parse(example).unwrap();
    let has = |f: &dyn Fn(&wharf_cli::config_file::Profile) -> bool| file.profiles.values().any(f);
    assert!(has(&|p| p.provider.is_some() && p.region.is_some()));
    assert!(has(&|p| p.endpoint.is_some()));
    assert!(has(&|p| p.catalog.is_some()));
    assert!(has(&|p| p.access_key.is_some() && p.secret_key.is_some()));
    assert!(has(
        &|p| p.security_token.is_some() && p.project_id.is_some()
    ));
    assert!(has(&|p| p.public_key.is_some() && p.private_key.is_some()));
    assert!(readme.contains("chmod 600"));
}
