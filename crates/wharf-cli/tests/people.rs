//! What a demanding new user tripped on, each pinned by a test: the words
//! of errors, the flags refused, what `--verbose` shows and where colour
//! goes.

mod common;

use common::{code, run, text, wharf};

#[test]
fn a_misspelt_command_gets_a_suggestion() {
    let out = run(&mut wharf(&["repo"]));
    assert_eq!(code(&out), 2);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("similar subcommand exists: 'repos'"),
        "{stderr}"
    );
    // One prefix for every error, the flag parser's included.
    assert!(
        stderr.starts_with("wharf: unrecognized subcommand"),
        "{stderr}"
    );
}

#[test]
fn man_writes_every_page_its_see_also_names() {
    let dir = std::env::temp_dir().join(format!("wharf-man-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = run(&mut wharf(&["man", "--dir", dir.to_str().unwrap()]));
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let main = std::fs::read_to_string(dir.join("wharf.1")).unwrap();
    for page in [
        "wharf-repos",
        "wharf-prune",
        "wharf-apply",
        "wharf-config-init",
    ] {
        assert!(dir.join(format!("{page}.1")).exists(), "{page}.1");
    }
    assert!(
        main.contains("wharf\\-repos(1)"),
        "the main page names the others"
    );
    assert!(
        !dir.join("wharf-help.1").exists(),
        "no page for clap's help command"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `wharf COMMAND --help`'s text.
fn help_of(command: &[&str]) -> String {
    let mut args = command.to_vec();
    args.push("--help");
    let out = run(&mut wharf(&args));
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn a_command_neither_lists_nor_ignores_a_global_flag_it_has_no_use_for() {
    // (command, a flag it refuses, a flag it takes)
    let cases: &[(&[&str], &str, &str)] = &[
        (&["diff"], "--limit", "--concurrency"),
        (&["diff"], "--region", "--output"),
        (&["prune"], "--limit", "--columns"),
        (&["apply"], "--page-size", "--concurrency"),
        (&["show"], "--limit", "--output"),
        (&["official", "show"], "--limit", "--region"),
        (&["check"], "--columns", "--timeout"),
        (&["config", "init"], "--region", "--profile"),
        (&["completions"], "--provider", "--quiet"),
        (&["man"], "--catalog", "--verbose"),
    ];
    for (command, refused, taken) in cases {
        let help = help_of(command);
        assert!(
            !help.contains(&format!("{refused} ")),
            "{command:?}: {help}"
        );
        assert!(help.contains(taken), "{command:?}: {help}");
    }
    // A listing takes them all.
    let help = help_of(&["repos"]);
    for flag in [
        "--limit",
        "--columns",
        "--page-size",
        "--region",
        "--catalog",
    ] {
        assert!(help.contains(flag), "{flag}: {help}");
    }
    // Given anyway, before or after the command, it is refused with the
    // reason, before anything is listed.
    for args in [
        &["--limit", "5", "prune", "--keep-last", "1"][..],
        &["prune", "--keep-last", "1", "--limit", "5"],
    ] {
        let out = run(&mut wharf(args));
        assert_eq!(code(&out), 2);
        let stderr = text(&out.stderr);
        assert!(
            stderr.starts_with("wharf: prune takes no --limit: a plan needs every tag"),
            "{stderr}"
        );
        assert!(out.stdout.is_empty());
    }
    let out = run(&mut wharf(&[
        "diff",
        "demo",
        "demo-uhub",
        "--region",
        "cn-bj2",
    ]));
    assert_eq!(code(&out), 2);
    assert!(
        text(&out.stderr).contains("diff takes no --region: SOURCE and TARGET say where"),
        "{}",
        text(&out.stderr)
    );
    // From the environment it is meant for every command, and left alone.
    let out = run(wharf(&["completions", "bash"]).env("WHARF_CATALOG", "swr://cn-north-4"));
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
}

#[test]
fn a_limit_of_zero_is_refused() {
    let out = run(&mut wharf(&["repos", "--limit", "0"]));
    assert_eq!(code(&out), 2);
    assert!(
        text(&out.stderr).contains("--limit"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_zero_duration_says_zero() {
    let out = run(&mut wharf(&["repos", "--timeout", "0s"]));
    assert_eq!(code(&out), 2);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("is zero"), "{stderr}");
    assert!(!stderr.contains("not a duration"), "{stderr}");
}

#[test]
fn a_refused_connection_names_host_and_port() {
    let mut command = wharf(&["--endpoint", "http://127.0.0.1:1", "repos"]);
    command
        .env("HUAWEICLOUD_SDK_AK", "AKAKAKAKAKAKAKAKAKAK")
        .env("HUAWEICLOUD_SDK_SK", "secret");
    let out = run(&mut command);
    assert_eq!(code(&out), 6, "network");
    assert!(
        text(&out.stderr).contains("127.0.0.1:1"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn verbose_shows_each_request_without_colour_in_a_pipe() {
    let out = run(&mut wharf(&["--verbose", "repos", "--limit", "3"]));
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    let line = stderr
        .lines()
        .find(|l| l.contains("/v2/manage/repos"))
        .unwrap_or_else(|| panic!("a request line in {stderr}"));
    assert!(line.starts_with("wharf: GET http://127.0.0.1:"), "{line}");
    assert!(line.contains("-> 200 (attempt 1, "), "{line}");
    assert!(
        !stderr.contains('\u{1b}'),
        "no ANSI escapes in a pipe: {stderr:?}"
    );
}

/// `wharf ARGS` on a terminal of `columns` columns (script(1) gives it one),
/// with the demo SWR keys and `env`; what the screen shows at the end.
fn on_a_terminal(args: &str, columns: u16, env: &str) -> (i32, String) {
    let command = format!(
        "XDG_CONFIG_HOME=/nonexistent {env} {} {args}",
        env!("CARGO_BIN_EXE_wharf")
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("TERM", "xterm")
        .env("COLUMNS", columns.to_string())
        .output()
        .expect("script(1) from util-linux");
    (code(&out), common::screen(&text(&out.stdout)))
}

#[test]
fn on_a_terminal_the_demo_notice_comes_first_and_no_bar_is_left() {
    let (status, shown) = on_a_terminal("repos --output table", 120, "");
    assert_eq!(status, 0, "{shown}");
    let first = shown.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("wharf: no registry configured"),
        "{shown}"
    );
    assert!(
        !shown.contains("items/s"),
        "no progress line is left: {shown}"
    );
    assert!(!shown.contains('✔'), "{shown}");
}

#[test]
fn on_a_terminal_a_failed_listing_leaves_its_error_not_a_success_mark() {
    let (status, shown) = on_a_terminal(
        "--endpoint http://127.0.0.1:1 --timeout 2s repos",
        120,
        "HUAWEICLOUD_SDK_AK=AKAKAKAKAKAKAKAKAKAK HUAWEICLOUD_SDK_SK=secret",
    );
    assert_eq!(status, 6, "{shown}");
    assert!(shown.contains("could not connect"), "{shown}");
    assert!(!shown.contains('✔'), "{shown}");
    assert!(!shown.contains("items/s"), "{shown}");
}

#[test]
fn show_prints_one_object_and_on_a_terminal_every_field() {
    let out = run(&mut wharf(&[
        "-q",
        "show",
        "team/nginx",
        "--output",
        "json",
    ]));
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let one: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        one["qualified_name"], "team/nginx",
        "one object, not an array"
    );

    let (status, shown) = on_a_terminal("-q show team/nginx", 120, "");
    assert_eq!(status, 0, "{shown}");
    for wanted in [
        "repository  team/nginx",
        "as the provider sent it:",
        "is_public",
        "path",
        "1.25.3",
    ] {
        assert!(shown.contains(wanted), "{wanted:?} in {shown}");
    }
    let (status, shown) = on_a_terminal("-q show team/nginx:1.25.3", 120, "");
    assert_eq!(status, 0, "{shown}");
    assert!(shown.contains("tag      team/nginx:1.25.3"), "{shown}");
}

#[test]
fn an_empty_listing_keeps_its_csv_header_and_says_so_on_a_terminal() {
    let out = run(&mut wharf(&[
        "-q", "repos", "--name", "zzz", "--output", "csv",
    ]));
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "REPOSITORY,TAGS,SIZE,PULLS,UPDATED\n");
    let (status, shown) = on_a_terminal("-q repos --name zzz", 120, "");
    assert_eq!(status, 0, "{shown}");
    assert_eq!(shown, "nothing matched");
}

#[test]
fn tables_right_align_numbers_and_mark_what_is_missing() {
    let out = run(&mut wharf(&[
        "-q",
        "--provider",
        "uhub",
        "tags",
        "team/nginx",
        "-o",
        "table",
    ]));
    let table = text(&out.stdout);
    let header = table.lines().next().unwrap();
    let first = table.lines().nth(1).unwrap();
    // SIZE is right-aligned, and UHub sends none: one mark, under its end.
    assert_eq!(
        header.find("SIZE").map(|i| i + 3),
        first.find(" - ").map(|i| i + 1),
        "{table}"
    );
    let time = first.rsplit("  ").next().unwrap_or_default();
    let shape: String = time
        .chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { c })
        .collect();
    assert_eq!(shape, "9999-99-99 99:99", "minutes, for people: {first}");
}

#[test]
fn diff_after_a_migration_can_ignore_the_new_times() {
    let start = || {
        wharf_emulator::Emulator::builder()
            .log_requests(false)
            .start_background()
            .unwrap()
    };
    let (source, target) = (start(), start());
    // The migration pushed team/nginx:latest again: same image, new time.
    let dataset = source.dataset();
    let nginx = dataset.namespaces.iter().flat_map(|n| &n.repositories);
    let latest = nginx
        .filter(|r| r.name.as_str() == "nginx")
        .flat_map(|r| &r.tags)
        .find(|t| t.name == "latest")
        .unwrap();
    let again = wharf_emulator::TagRecord::new(
        "latest",
        latest.size,
        latest.digest.clone(),
        "2030-01-01T00:00:00Z".parse().unwrap(),
    );
    target.push(&"team/nginx".parse().unwrap(), again).unwrap();
    let diff = |more: &[&str]| {
        let (a, b) = (source.swr_spec(), target.swr_spec());
        let mut args = vec!["-q", "diff", a.as_str(), b.as_str(), "-o", "ndjson"];
        args.extend_from_slice(more);
        let mut command = wharf(&args);
        command
            .env("HUAWEICLOUD_SDK_AK", wharf_emulator::DEMO_HUAWEI_AK)
            .env("HUAWEICLOUD_SDK_SK", wharf_emulator::DEMO_HUAWEI_SK);
        run(&mut command)
    };
    let out = diff(&[]);
    assert_eq!(code(&out), 1, "the new time differs: {}", text(&out.stdout));
    assert!(text(&out.stdout).contains("tag_updated_differs"));
    for flag in ["--ignore-times", "--digest-only"] {
        let out = diff(&[flag]);
        assert_eq!(
            code(&out),
            0,
            "{flag}: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
    }
}

/// The first column of each NDJSON line's `field`, in order.
fn listed(args: &[&str], field: &str) -> Vec<String> {
    let mut all = vec!["-q"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-o", "ndjson"]);
    let out = run(&mut wharf(&all));
    assert_eq!(code(&out), 0, "{args:?}: {}", text(&out.stderr));
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()[field].to_string())
        .collect()
}

#[test]
fn repos_and_tags_select_and_sort_as_prune_selects() {
    let sizes: Vec<u64> = listed(&["repos", "--sort", "size"], "size")
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    assert!(
        sizes.len() > 3 && sizes.windows(2).all(|w| w[0] >= w[1]),
        "{sizes:?}"
    );
    let names = listed(
        &[
            "tags",
            "team/nginx",
            "--match",
            "^1\\.",
            "--sort",
            "name",
            "--reverse",
        ],
        "name",
    );
    assert_eq!(names, ["\"1.25.3\"", "\"1.25.2\"", "\"1.24.0\""]);
    // The demo's tags are from 2024: all older than 30 days, none newer.
    assert_eq!(
        listed(&["tags", "team/nginx", "--older-than", "30d"], "name").len(),
        4
    );
    assert!(listed(&["tags", "team/nginx", "--newer-than", "30d"], "name").is_empty());
    let out = run(&mut wharf(&["repos", "--reverse"]));
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains("--reverse needs --sort"));
}

#[test]
fn columns_choose_and_wide_shows_every_value_whole() {
    let out = run(&mut wharf(&[
        "-q",
        "tags",
        "team/nginx",
        "--columns",
        "tag,size",
        "-o",
        "csv",
    ]));
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    assert_eq!(csv.lines().next(), Some("TAG,SIZE"));
    assert!(csv.lines().nth(1).unwrap().starts_with("latest,"), "{csv}");
    let out = run(&mut wharf(&["-q", "tags", "team/nginx", "-o", "wide"]));
    let wide = text(&out.stdout);
    let row = wide.lines().nth(1).unwrap();
    assert!(
        row.split_whitespace().any(|c| c.len() == 71),
        "a whole digest: {row}"
    );
    assert!(row.ends_with('Z'), "an RFC 3339 instant: {row}");
    let out = run(&mut wharf(&[
        "-q",
        "tags",
        "team/nginx",
        "--columns",
        "bogus",
    ]));
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains("there are repository, tag, digest, size, updated"));
    assert!(out.stdout.is_empty(), "refused before anything is printed");
}

#[test]
fn references_as_people_type_them() {
    let first = |args: &[&str], field: &str| {
        let out = run(&mut wharf(args));
        assert_eq!(code(&out), 0, "{args:?}: {}", text(&out.stderr));
        let line = text(&out.stdout);
        let line = line.lines().next().unwrap_or_default().to_owned();
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        value[field].as_str().unwrap_or_default().to_owned()
    };
    // An official image by its Docker Hub name.
    assert_eq!(
        first(&["official", "tags", "nginx", "-o", "ndjson"], "repository"),
        "library/nginx"
    );
    assert_eq!(
        first(
            &["official", "show", "docker.io/nginx", "-o", "ndjson"],
            "qualified_name"
        ),
        "library/nginx"
    );
    // A pull path copied from the console, and the internal one, with a tag.
    let path = "swr.cn-north-4.myhuaweicloud.com/ml-lab/notebooks";
    assert_eq!(
        first(&["tags", path, "-o", "ndjson"], "repository"),
        "ml-lab/notebooks"
    );
    assert_eq!(
        first(
            &[
                "show",
                "10.125.0.198:20202/ml-lab/notebooks:latest",
                "-o",
                "ndjson"
            ],
            "name"
        ),
        "latest"
    );
    // A reference or pattern that cannot be read is refused before the
    // catalog is opened (here: before the demo registry starts).
    for args in [
        &["show", "team"][..],
        &["tags", "team/nginx", "--match", "("],
    ] {
        let out = run(&mut wharf(args));
        assert_eq!(code(&out), 2);
        let stderr = text(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(!stderr.contains("demo registry"), "{stderr}");
    }
    // The host of another registry is refused, naming it; nothing is asked.
    let out = run(&mut wharf(&[
        "tags",
        "uhub.service.ucloud.cn/ml-lab/notebooks",
    ]));
    assert_eq!(code(&out), 2);
    assert!(
        text(&out.stderr).contains("is a path of UCloud UHub's registry, but the catalog is SWR"),
        "{}",
        text(&out.stderr)
    );
}

/// What wharf answers the shell at a <TAB> after `words` (fish's protocol:
/// a candidate a line, its help after a tab), with `config` as the file.
fn candidates(words: &[&str], config: &std::path::Path) -> Vec<String> {
    let mut args = vec!["--", "wharf"];
    args.extend_from_slice(words);
    let out = run(wharf(&args)
        .env("COMPLETE", "fish")
        .env("WHARF_CONFIG", config));
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    text(&out.stdout)
        .lines()
        .map(|line| line.split('\t').next().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn completion_knows_profiles_demo_sides_and_spec_schemes() {
    let dir = std::env::temp_dir().join(format!("wharf-complete-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        "[profiles.prod]\nregion = \"cn-east-3\"\n[profiles.lab]\ncatalog = \"uhub://cn-sh2\"\n",
    )
    .unwrap();
    assert_eq!(candidates(&["--profile", ""], &config), ["lab", "prod"]);
    assert_eq!(candidates(&["repos", "--profile", "p"], &config), ["prod"]);
    assert_eq!(
        candidates(&["diff", "demo"], &config),
        ["demo", "demo-uhub"]
    );
    let schemes = candidates(&["diff", "demo", "sw"], &config);
    assert!(schemes.contains(&"swr://".to_owned()), "{schemes:?}");
    assert!(
        schemes.contains(&"swr-official+https://".to_owned()),
        "{schemes:?}"
    );
    // After a scheme, the regions the profiles name.
    assert_eq!(
        candidates(&["--catalog", "uhub://"], &config),
        ["uhub://cn-east-3", "uhub://cn-sh2"]
    );
    assert_eq!(candidates(&["re"], &config), ["repos"]);
    // A config file that does not parse gives no candidates, and no error
    // in the middle of a command line.
    std::fs::write(&config, "[[ not toml").unwrap();
    assert!(candidates(&["--profile", ""], &config).is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn show_wide_shows_every_value_whole_and_one_record_commands_write_csv() {
    let shown = |args: &[&str]| {
        let out = run(&mut wharf(args));
        assert_eq!(code(&out), 0, "{args:?}: {}", text(&out.stderr));
        text(&out.stdout)
    };
    let table = shown(&["show", "ml-lab/notebooks", "-o", "table"]);
    let wide = shown(&["show", "ml-lab/notebooks", "-o", "wide"]);
    assert_ne!(table, wide);
    assert!(wide.contains("(849753316 bytes)"), "{wide}");
    // The tags' digests whole, as `tags -o wide` prints them.
    let digest = "sha256:b09811fcfeff0c6209b6eafc6f5c715267c4ae50d0a84f633c9c35b0c0f5659e";
    assert!(wide.contains(digest), "{wide}");
    assert!(!table.contains(digest), "{table}");
    // `check` and `config init` answer one record: as CSV, a header and a line.
    let csv = shown(&["check", "-o", "csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].split(',').any(|h| h == "ok"), "{csv}");
    let dir = std::env::temp_dir().join(format!("wharf-init-csv-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = run(wharf(&["config", "init", "-o", "csv"]).env("WHARF_CONFIG", dir.join("c.toml")));
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("action,mode,path,profile,was_mode\ncreated,600,"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn refused_keys_get_a_hint_naming_that_providers_keys() {
    let emulator = wharf_emulator::Emulator::builder()
        .log_requests(false)
        .start_background()
        .unwrap();
    let out = run(wharf(&["--catalog", &emulator.uhub_spec(), "repos"])
        .env("UCLOUD_PUBLIC_KEY", "wrong")
        .env("UCLOUD_PRIVATE_KEY", "wrong"));
    assert_eq!(code(&out), 3);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("RetCode 172"), "{stderr}");
    assert!(
        stderr.contains("hint: check the key pair (UCLOUD_PUBLIC_KEY/PRIVATE_KEY"),
        "{stderr}"
    );
    assert!(!stderr.contains("HUAWEICLOUD_SDK_AK/SK"), "{stderr}");
}
