//! `cargo xtask cli-tour`: every `wharf` command in every output format, on
//! the built-in demo registry, as a person or a script runs it.
//!
//! It builds the binary once (`cargo build -q -p wharf-cli`, into the
//! shared target folder), then runs each stop of [`stops`] with an
//! environment of its own: no `HUAWEICLOUD_*`, `UCLOUD_*` or `WHARF_*`
//! variable of this machine, and `XDG_CONFIG_HOME` and `WHARF_CONFIG` in a
//! temporary folder, so no profile of the developer's is read. Each stop
//! runs in each of `-o table`, `wide`, `json`, `ndjson` and `csv` (a stop
//! that refuses `--output` says why in its table entry, and must then exit
//! 2), and its listings once more with stdout closed before the first byte
//! is read (as `| head` does to a long listing): exit 0, nothing on stderr.
//!
//! Each run is checked: the exit status is one the stop expects; stdout is
//! valid for its format (JSON one value, NDJSON one object a line, CSV a
//! header and that many fields on every record, a table not empty when it
//! lists); stderr has no panic. The commands of `wharf --help` are walked,
//! so a command the tour does not run is a failure too; `wharf du` is
//! toured when the binary has it. One line per run, then a summary; exit
//! status 1 naming every failure.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// The output formats, in the order they are run.
const FORMATS: [&str; 5] = ["table", "wide", "json", "ndjson", "csv"];

/// The statuses of `wharf --help`'s list: 0 success (diff: equal), 1 diff
/// differs, 2 usage, 9 apply left changed tags.
const OK: &[i32] = &[0];
const DIFF: &[i32] = &[0, 1];
const APPLY: &[i32] = &[0, 9];
const USAGE: i32 = 2;

/// What stdout must hold, beyond its format's own rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    /// Items, one or more: never empty, in any format; also run through a
    /// closed pipe.
    Listing,
    /// One object or a report: not empty; also run through a closed pipe.
    Report,
    /// Text that is not one of the formats (help, completions): not empty.
    Text,
    /// A man page in roff.
    Roff,
    /// A completer's answer to the shell: candidates, split by the shell's
    /// separator, with no line break required at the end.
    Candidates,
    /// Anything, empty included (a command that writes files and says so on
    /// stderr).
    Any,
}

/// How a stop takes `--output`.
#[derive(Debug, Clone, Copy)]
enum Formats {
    /// Every format, each run and checked.
    Every,
    /// Each format is run and must be refused (exit 2, a message naming
    /// `--output`), for this reason; the stop then runs once without it.
    Refused(&'static str),
    /// Not run with `--output` at all (`--help` prints before any flag
    /// counts); run once.
    None,
}

/// A check of what a run left behind (the files it wrote), given the
/// tour's folder and the format run (`None`: no `--output`).
type After = fn(&Path, Option<&str>) -> Result<(), String>;

/// One command of the tour.
struct Stop {
    /// The arguments; `{tmp}` is the tour's folder and `{format}` the format
    /// run (`none` without one).
    args: Vec<String>,
    formats: Formats,
    /// The exit statuses it may end with.
    statuses: &'static [i32],
    body: Body,
    /// Texts stdout must hold.
    wants: Vec<&'static str>,
    /// Texts stderr must hold.
    stderr_wants: Vec<&'static str>,
    /// Variables set for it (`{tmp}` and `{format}` replaced), or removed
    /// when `None`.
    env: Vec<(&'static str, Option<String>)>,
    after: Option<After>,
}

impl Stop {
    fn new(args: &[&str], formats: Formats, statuses: &'static [i32], body: Body) -> Stop {
        Stop {
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            formats,
            statuses,
            body,
            wants: Vec::new(),
            stderr_wants: Vec::new(),
            env: Vec::new(),
            after: None,
        }
    }

    fn listing(args: &[&str]) -> Stop {
        Stop::new(args, Formats::Every, OK, Body::Listing)
    }

    fn report(args: &[&str], statuses: &'static [i32]) -> Stop {
        Stop::new(args, Formats::Every, statuses, Body::Report)
    }

    fn env(mut self, name: &'static str, value: Option<&str>) -> Stop {
        self.env.push((name, value.map(str::to_owned)));
        self
    }

    fn wants(mut self, text: &'static str) -> Stop {
        self.wants.push(text);
        self
    }

    fn wants_on_stderr(mut self, text: &'static str) -> Stop {
        self.stderr_wants.push(text);
        self
    }

    fn after(mut self, after: After) -> Stop {
        self.after = Some(after);
        self
    }
}

/// Why `completions` and `man` refuse `--output` (the CLI's own words, in
/// `globals.rs`): they print a script or a page, and read no catalog.
const NO_SETTINGS: &str = "it reads no catalog settings: a script or a page has one format";
/// Why `apply` refuses `--output`.
const APPLY_REPORT: &str = "it prints a report for people; the journal is the record";

/// Names the tour found in the demo registry, so the stops name what is there.
struct Demo {
    /// `NS/REPO` with tags.
    repository: String,
    /// One of its tags.
    tag: String,
    /// An official image, `NS/NAME`.
    official: String,
    /// Whether `wharf du --help` exits 0: the command is there.
    du: bool,
}

/// The tour: every command, with the formats it takes and what it must do.
fn stops(demo: &Demo) -> Vec<Stop> {
    let repository = demo.repository.as_str();
    let tagged = format!("{}:{}", demo.repository, demo.tag);
    let official = demo.official.as_str();
    let mut stops = vec![
        Stop::listing(&["repos"]),
        Stop::listing(&["repos", "--namespace", "team"]),
        Stop::listing(&["tags", repository]),
        Stop::report(&["show", repository], OK),
        Stop::report(&["show", &tagged], OK),
        Stop::listing(&["namespaces"]),
        Stop::listing(&["--provider", "uhub", "repos", "--namespace", "team"]),
        Stop::listing(&["--provider", "uhub", "tags", repository]),
        Stop::listing(&["--provider", "uhub", "namespaces"]),
        Stop::listing(&["official", "images"]),
        Stop::listing(&["official", "tags", official]),
        Stop::report(&["official", "show", official], OK),
        Stop::report(&["diff", "demo", "demo-uhub"], DIFF),
        Stop::report(&["diff", "demo", "demo-uhub", "--ignore-times"], DIFF),
        Stop::report(&["diff", "demo-uhub", "demo", "--no-tags"], DIFF),
        Stop::listing(&["prune", "--keep-last", "1"]),
        // The plan file is NDJSON whatever stdout's format.
        Stop::listing(&[
            "prune",
            "--keep-last",
            "1",
            "--out",
            "{tmp}/plan-{format}.ndjson",
        ])
        .after(plan_written),
        Stop::new(
            &["apply", "{tmp}/plan-ndjson.ndjson", "--yes"],
            Formats::Refused(APPLY_REPORT),
            APPLY,
            Body::Any,
        )
        .after(journal_written),
        // Without --yes, and stdin not a terminal to ask on: refused, exit 2
        // (the plan of the csv run, which nothing applied).
        Stop::new(
            &["apply", "{tmp}/plan-csv.ndjson"],
            Formats::None,
            &[USAGE],
            Body::Any,
        )
        .wants_on_stderr("--yes"),
        Stop::report(&["config", "show"], OK),
        // Into a folder that does not exist yet: one per format, since a
        // second init of one profile is refused without --force.
        Stop::report(&["config", "init"], OK)
            .env(
                "WHARF_CONFIG",
                Some("{tmp}/init-{format}/wharf/config.toml"),
            )
            .after(config_written),
        Stop::report(&["config", "init", "--profile", "prod"], OK)
            .env(
                "WHARF_CONFIG",
                Some("{tmp}/init-{format}/wharf/config.toml"),
            )
            .after(config_written),
        Stop::report(&["config", "init", "--force"], OK)
            .env(
                "WHARF_CONFIG",
                Some("{tmp}/init-{format}/wharf/config.toml"),
            )
            .after(config_written),
        // Once more into the same file, without --force: refused.
        Stop::new(&["config", "init"], Formats::None, &[USAGE], Body::Any)
            .env("WHARF_CONFIG", Some("{tmp}/init-json/wharf/config.toml")),
        // And where XDG_CONFIG_HOME puts it when WHARF_CONFIG is not set.
        Stop::new(&["config", "init"], Formats::None, OK, Body::Text)
            .env("WHARF_CONFIG", None)
            .after(xdg_config_written),
        Stop::report(&["check"], OK),
        Stop::new(&["man"], Formats::Refused(NO_SETTINGS), OK, Body::Roff)
            .wants("wharf\\-repos(1)"),
        Stop::new(
            &["man", "--dir", "{tmp}/man-{format}"],
            Formats::Refused(NO_SETTINGS),
            OK,
            Body::Any,
        )
        .after(man_written),
        Stop::new(&["--version"], Formats::None, OK, Body::Text).wants("wharf "),
        Stop::new(&["--help"], Formats::None, OK, Body::Text).wants("Exit status:"),
        Stop::new(&["help"], Formats::None, OK, Body::Text).wants("Exit status:"),
        Stop::new(&["help", "repos"], Formats::None, OK, Body::Text).wants("Usage: wharf repos"),
    ];
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        // The script that registers the completer: it asks `wharf` at each TAB.
        stops.push(
            Stop::new(
                &["completions", shell],
                Formats::Refused(NO_SETTINGS),
                OK,
                Body::Text,
            )
            .wants("COMPLETE"),
        );
        // And `wharf` answering as the script asks it (`COMPLETE=SHELL wharf
        // -- WORDS`; bash, zsh and elvish also say which word is completed).
        let completer = |words: &[&str]| {
            let mut args = vec!["--", "wharf"];
            args.extend(words);
            let index = words.len().to_string();
            Stop::new(&args, Formats::None, OK, Body::Candidates)
                .env("COMPLETE", Some(shell))
                .env("_CLAP_IFS", Some("\n"))
                .env("_CLAP_COMPLETE_INDEX", Some(&index))
        };
        stops.push(completer(&[""]).wants("repos").wants("official"));
        stops.push(completer(&["diff", ""]).wants("demo-uhub"));
    }
    if demo.du {
        stops.push(Stop::listing(&["du"]));
        stops.push(Stop::listing(&["du", "--by", "namespace"]));
        stops.push(Stop::listing(&["du", "--by", "repository"]));
    }
    stops
}

/// `cargo xtask cli-tour`.
pub fn run(flags: &[String]) -> ExitCode {
    if !flags.is_empty() {
        eprintln!("usage: cargo xtask cli-tour");
        return ExitCode::FAILURE;
    }
    let started = Instant::now();
    let status = Command::new("cargo")
        .args(["build", "-q", "-p", "wharf-cli"])
        .current_dir(crate::workspace_root())
        .status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => {
            eprintln!("xtask cli-tour: cargo build -p wharf-cli {s}");
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("xtask cli-tour: could not start cargo: {e}");
            return ExitCode::FAILURE;
        }
    }
    let built = started.elapsed();
    let bin = crate::target_dir()
        .join("debug")
        .join(format!("wharf{}", std::env::consts::EXE_SUFFIX));
    let tmp = std::env::temp_dir().join(format!("wharf-cli-tour-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    if let Err(e) = std::fs::create_dir_all(tmp.join("xdg")) {
        eprintln!("xtask cli-tour: cannot make {}: {e}", tmp.display());
        return ExitCode::FAILURE;
    }
    let mut tour = Tour {
        bin,
        tmp: tmp.clone(),
        runs: 0,
        pipes: 0,
        failures: Vec::new(),
    };
    let toured = Instant::now();
    tour.all();
    let _ = std::fs::remove_dir_all(&tmp);
    println!(
        "xtask cli-tour: {} runs ({} through a closed pipe), {} failed, in {:.1}s (build {:.1}s)",
        tour.runs,
        tour.pipes,
        tour.failures.len(),
        toured.elapsed().as_secs_f64(),
        built.as_secs_f64(),
    );
    if tour.failures.is_empty() {
        return ExitCode::SUCCESS;
    }
    println!("xtask cli-tour: FAILED:");
    for failure in &tour.failures {
        println!("  {failure}");
    }
    ExitCode::FAILURE
}

/// The binary, the folder the runs share, and what went wrong so far.
struct Tour {
    bin: PathBuf,
    tmp: PathBuf,
    runs: usize,
    pipes: usize,
    failures: Vec<String>,
}

/// What one run gave.
struct Ran {
    status: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
    took: Duration,
}

impl Tour {
    fn all(&mut self) {
        // A missing config file that WHARF_CONFIG names is refused, so the
        // runs get an empty one; XDG_CONFIG_HOME names a folder with none.
        let empty = self.tmp.join("empty.toml");
        if let Err(e) = std::fs::write(&empty, "") {
            self.failures
                .push(format!("cannot write {}: {e}", empty.display()));
            return;
        }
        let Some(demo) = self.discover() else {
            return;
        };
        let stops = stops(&demo);
        self.coverage(&stops);
        for stop in &stops {
            self.stop(stop);
        }
        self.plan_through_a_closed_pipe();
    }

    /// The command, with an environment of its own.
    fn command(&self, args: &[String], env: &[(&'static str, Option<String>)]) -> Command {
        let mut command = Command::new(&self.bin);
        command.args(args);
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy();
            if ["HUAWEICLOUD_", "UCLOUD_", "WHARF_"]
                .iter()
                .any(|p| name.starts_with(p))
                || name == "RUST_LOG"
            {
                command.env_remove(&*name);
            }
        }
        command
            .env("XDG_CONFIG_HOME", self.tmp.join("xdg"))
            .env("WHARF_CONFIG", self.tmp.join("empty.toml"))
            .current_dir(&self.tmp)
            .stdin(Stdio::null());
        for (name, value) in env {
            match value {
                Some(value) => command.env(name, value),
                None => command.env_remove(name),
            };
        }
        command
    }

    fn exec(&mut self, mut command: Command) -> Result<Ran, String> {
        self.runs += 1;
        let started = Instant::now();
        let out = command
            .output()
            .map_err(|e| format!("could not start {}: {e}", self.bin.display()))?;
        Ok(Ran {
            status: out.status.code(),
            stdout: out.stdout,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            took: started.elapsed(),
        })
    }

    /// Runs `wharf ARGS` quietly, for a fact the tour needs.
    fn ask(&mut self, args: &[&str]) -> Result<Ran, String> {
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        let command = self.command(&args, &[]);
        self.exec(command)
    }

    /// The names the stops use, read from the demo registry itself, and
    /// whether `wharf du` is there.
    fn discover(&mut self) -> Option<Demo> {
        let found = (|| -> Result<Demo, String> {
            let repos = ndjson_values(&self.ask(&["-q", "repos", "-o", "ndjson"])?.stdout)?;
            let names: Vec<String> = repos
                .iter()
                .filter(|r| r["tag_count"].as_u64().unwrap_or(0) > 1)
                .filter_map(|r| r["qualified_name"].as_str().map(str::to_owned))
                .collect();
            // team/nginx, as the README's examples; else any with tags.
            let repository = names
                .iter()
                .find(|n| *n == "team/nginx")
                .or(names.first())
                .cloned()
                .ok_or("the demo's repos -o ndjson lists no repository with tags")?;
            let tags = ndjson_values(
                &self
                    .ask(&["-q", "tags", &repository, "-o", "ndjson"])?
                    .stdout,
            )?;
            let tag = tags
                .iter()
                .filter_map(|t| t["name"].as_str())
                .find(|t| *t != "latest")
                .ok_or(format!("no tag but latest in {repository}"))?
                .to_owned();
            let images = ndjson_values(
                &self
                    .ask(&["-q", "official", "images", "-o", "ndjson"])?
                    .stdout,
            )?;
            let official = images
                .iter()
                .find_map(|i| i["qualified_name"].as_str())
                .ok_or("the demo has no official image")?
                .to_owned();
            let du = self.ask(&["du", "--help"])?.status == Some(0);
            Ok(Demo {
                repository,
                tag,
                official,
                du,
            })
        })();
        match found {
            Ok(demo) => {
                println!(
                    "xtask cli-tour: the demo has {} (tag {}) and official {}; wharf du {}",
                    demo.repository,
                    demo.tag,
                    demo.official,
                    if demo.du {
                        "is there"
                    } else {
                        "is not there yet"
                    }
                );
                Some(demo)
            }
            Err(e) => {
                self.failures
                    .push(format!("reading the demo registry: {e}"));
                None
            }
        }
    }

    /// Every command `wharf --help` lists (and its subcommands') is run by a
    /// stop, and its `--help` works.
    fn coverage(&mut self, stops: &[Stop]) {
        let mut commands = Vec::new();
        let mut queue = vec![Vec::<String>::new()];
        while let Some(path) = queue.pop() {
            let mut args = path.clone();
            args.push("--help".to_owned());
            let label = format!("wharf {}", args.join(" "));
            let ran = match self.exec(self.command(&args, &[])) {
                Ok(ran) => ran,
                Err(e) => {
                    self.failures.push(format!("{label}: {e}"));
                    continue;
                }
            };
            let mut problems = Vec::new();
            check_status(&ran, OK, &mut problems);
            check_stderr(&ran, &mut problems);
            let help = String::from_utf8_lossy(&ran.stdout).into_owned();
            if !help.contains("Usage: wharf") {
                problems.push("no `Usage: wharf` line".to_owned());
            }
            self.report(&label, None, &ran, problems);
            for name in help_commands(&help) {
                let mut sub = path.clone();
                sub.push(name);
                commands.push(sub.clone());
                queue.push(sub);
            }
        }
        let toured: BTreeSet<Vec<&str>> = stops
            .iter()
            .map(|s| command_path(&s.args))
            .flat_map(|p| (1..=p.len()).map(move |n| p[..n].to_vec()))
            .collect();
        for command in &commands {
            let command: Vec<&str> = command.iter().map(String::as_str).collect();
            if !toured.contains(&command) {
                self.failures.push(format!(
                    "wharf {}: listed by --help, run by no stop of the tour (xtask/src/tour.rs)",
                    command.join(" ")
                ));
            }
        }
    }

    /// Runs one stop in each of its formats.
    fn stop(&mut self, stop: &Stop) {
        match stop.formats {
            Formats::Every => {
                for format in FORMATS {
                    self.once(stop, Some(format), None);
                }
            }
            Formats::Refused(why) => {
                for format in FORMATS {
                    self.once(stop, Some(format), Some(why));
                }
                self.once(stop, None, None);
            }
            Formats::None => self.once(stop, None, None),
        }
    }

    /// Runs `stop` once, with `-o format` when given; `refused` says why
    /// that format must be refused.
    fn once(&mut self, stop: &Stop, format: Option<&str>, refused: Option<&str>) {
        let fill = |text: &str| {
            text.replace("{tmp}", &self.tmp.display().to_string())
                .replace("{format}", format.unwrap_or("none"))
        };
        let mut args: Vec<String> = stop.args.iter().map(|a| fill(a)).collect();
        let label = format!("wharf {}", shown(&self.tmp, &args));
        if let Some(format) = format {
            args.extend(["-o".to_owned(), format.to_owned()]);
        }
        let env: Vec<(&'static str, Option<String>)> = stop
            .env
            .iter()
            .map(|(name, value)| (*name, value.as_deref().map(fill)))
            .collect();
        let ran = match self.exec(self.command(&args, &env)) {
            Ok(ran) => ran,
            Err(e) => {
                self.failures.push(format!("{label}: {e}"));
                return;
            }
        };
        let mut problems = Vec::new();
        let statuses = if refused.is_some() {
            &[USAGE]
        } else {
            stop.statuses
        };
        check_status(&ran, statuses, &mut problems);
        check_stderr(&ran, &mut problems);
        for wanted in &stop.stderr_wants {
            if !ran.stderr.contains(wanted) {
                problems.push(format!(
                    "stderr has no {wanted:?}: {}",
                    first_line(&ran.stderr)
                ));
            }
        }
        if let Some(why) = refused {
            if ran.status != Some(USAGE) {
                problems.push(format!("the tour expects this -o refused: {why}"));
            }
            if !ran.stdout.is_empty() {
                problems.push("a refused --output still printed on stdout".to_owned());
            }
            if !ran.stderr.contains("--output") {
                problems.push(format!(
                    "the refusal does not name --output: {}",
                    first_line(&ran.stderr)
                ));
            }
        } else if ran
            .status
            .is_some_and(|s| statuses.contains(&s) && s != USAGE)
        {
            check_body(&ran.stdout, format, stop.body, &mut problems);
            let text = String::from_utf8_lossy(&ran.stdout);
            for wanted in &stop.wants {
                if !text.contains(wanted) {
                    problems.push(format!("stdout has no {wanted:?}"));
                }
            }
            if let Some(after) = stop.after
                && let Err(e) = after(&self.tmp, format)
            {
                problems.push(e);
            }
        }
        self.report(&label, format, &ran, problems);
        // Through a closed pipe, as `| head` leaves a long listing: in every
        // format, what a person or a script would pipe.
        if matches!(stop.body, Body::Listing | Body::Report)
            && format.is_some()
            && stop.after.is_none()
            && refused.is_none()
        {
            self.closed_pipe(&label, args, &env, stop.statuses, format);
        }
    }

    /// Runs `args` with stdout closed before anything is read, and `-q`, so
    /// stderr must stay empty: exit as usual, no error, no panic.
    fn closed_pipe(
        &mut self,
        label: &str,
        mut args: Vec<String>,
        env: &[(&'static str, Option<String>)],
        statuses: &[i32],
        format: Option<&str>,
    ) {
        args.insert(0, "-q".to_owned());
        let label = format!("{label} | (closed)");
        self.pipes += 1;
        let ran = match self.piped(args, env) {
            Ok(ran) => ran,
            Err(e) => {
                self.failures.push(format!("{label}: {e}"));
                return;
            }
        };
        let mut problems = Vec::new();
        check_status(&ran, statuses, &mut problems);
        check_stderr(&ran, &mut problems);
        if !ran.stderr.trim().is_empty() {
            problems.push(format!("stderr: {}", first_line(&ran.stderr)));
        }
        self.report(&label, format, &ran, problems);
    }

    fn piped(
        &mut self,
        args: Vec<String>,
        env: &[(&'static str, Option<String>)],
    ) -> Result<Ran, String> {
        self.runs += 1;
        let mut command = self.command(&args, env);
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        let started = Instant::now();
        let mut child = command
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", self.bin.display()))?;
        // Closed before the first write: the first write fails (EPIPE).
        drop(child.stdout.take());
        let mut stderr = String::new();
        if let Some(mut err) = child.stderr.take() {
            let _ = err.read_to_string(&mut stderr);
        }
        let status = child.wait().map_err(|e| format!("wait: {e}"))?;
        Ok(Ran {
            status: status.code(),
            stdout: Vec::new(),
            stderr,
            took: started.elapsed(),
        })
    }

    /// `wharf prune --out PLAN | head`: the plan file is the whole plan
    /// even when stdout's reader went away, as it is without a pipe.
    fn plan_through_a_closed_pipe(&mut self) {
        let whole = self.tmp.join("plan-ndjson.ndjson");
        let cut = self.tmp.join("plan-closed.ndjson");
        let args: Vec<String> = ["-q", "prune", "--keep-last", "1", "--out"]
            .iter()
            .map(|a| (*a).to_owned())
            .chain([
                cut.display().to_string(),
                "-o".to_owned(),
                "ndjson".to_owned(),
            ])
            .collect();
        let label = "wharf prune --keep-last 1 --out PLAN | (closed)".to_owned();
        self.pipes += 1;
        let ran = match self.piped(args, &[]) {
            Ok(ran) => ran,
            Err(e) => {
                self.failures.push(format!("{label}: {e}"));
                return;
            }
        };
        let mut problems = Vec::new();
        check_status(&ran, OK, &mut problems);
        check_stderr(&ran, &mut problems);
        let lines = |path: &Path| std::fs::read_to_string(path).map(|t| t.lines().count());
        match (lines(&whole), lines(&cut)) {
            (Ok(want), Ok(got)) if want == got => {}
            (Ok(want), Ok(got)) => problems.push(format!(
                "the plan file has {got} lines, {want} without a pipe: cut short, \
                 and exit {} says nothing of it",
                ran.status.map_or("-".to_owned(), |s| s.to_string())
            )),
            (Err(e), _) => problems.push(format!("no plan without a pipe to compare with: {e}")),
            (_, Err(e)) => problems.push(format!("no plan file {}: {e}", cut.display())),
        }
        self.report(&label, Some("ndjson"), &ran, problems);
    }

    /// One line for the run, and its problems remembered.
    fn report(&mut self, label: &str, format: Option<&str>, ran: &Ran, problems: Vec<String>) {
        let status = ran
            .status
            .map_or("killed".to_owned(), |s| format!("exit {s}"));
        let format = format.map_or("-".to_owned(), |f| format!("-o {f}"));
        let mark = if problems.is_empty() { "ok  " } else { "FAIL" };
        println!(
            "{mark} {label:<58} {format:<9} {status:<7} {:>7} B {:>5} ms",
            ran.stdout.len(),
            ran.took.as_millis()
        );
        for problem in problems {
            println!("       {problem}");
            self.failures.push(format!("{label} {format}: {problem}"));
        }
    }
}

/// The arguments as the report shows them: the tour's folder as `$TMP`,
/// an empty argument as `''`.
fn shown(tmp: &Path, args: &[String]) -> String {
    args.iter()
        .map(|a| if a.is_empty() { "''" } else { a.as_str() })
        .collect::<Vec<_>>()
        .join(" ")
        .replace(&tmp.display().to_string(), "$TMP")
}

/// The command names of `args`, flags and their values left out:
/// `["official", "tags"]` of `official tags library/nginx`.
fn command_path(args: &[String]) -> Vec<&str> {
    let mut path = Vec::new();
    let mut words = args.iter().map(String::as_str);
    while let Some(word) = words.next() {
        if word == "--provider" {
            words.next();
        } else if word.starts_with('-') {
            continue;
        } else if path.is_empty() || matches!(path.as_slice(), ["official"] | ["config"]) {
            path.push(word);
        } else {
            break;
        }
    }
    path
}

/// The commands of a `--help`'s `Commands:` section, but `help`.
fn help_commands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| l.trim_end() != "Commands:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("      "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

fn first_line(text: &str) -> &str {
    text.lines().find(|l| !l.trim().is_empty()).unwrap_or("")
}

fn check_status(ran: &Ran, statuses: &[i32], problems: &mut Vec<String>) {
    match ran.status {
        Some(s) if statuses.contains(&s) => {}
        Some(s) => problems.push(format!(
            "exit {s}, expected {statuses:?}; stderr: {}",
            first_line(&ran.stderr)
        )),
        None => problems.push("killed by a signal".to_owned()),
    }
}

fn check_stderr(ran: &Ran, problems: &mut Vec<String>) {
    for mark in ["panicked", "RUST_BACKTRACE"] {
        if ran.stderr.contains(mark) {
            problems.push(format!("stderr has {mark:?}: {}", ran.stderr.trim()));
        }
    }
}

/// Whether `stdout` is what `format` promises, and `body` wants.
fn check_body(stdout: &[u8], format: Option<&str>, body: Body, problems: &mut Vec<String>) {
    let Ok(text) = std::str::from_utf8(stdout) else {
        problems.push("stdout is not UTF-8".to_owned());
        return;
    };
    if body != Body::Any && text.trim().is_empty() {
        problems.push(match format {
            Some("csv") => "stdout is empty: a CSV without its header line".to_owned(),
            _ => "stdout is empty".to_owned(),
        });
        return;
    }
    if body != Body::Candidates && !text.is_empty() && !text.ends_with('\n') {
        problems.push("stdout does not end with a line break".to_owned());
    }
    let result = match (format, body) {
        (_, Body::Roff) => roff(text),
        (None, _) | (_, Body::Text | Body::Any | Body::Candidates) => Ok(()),
        (Some("json"), _) => json(text, body),
        (Some("ndjson"), _) => ndjson_values(stdout).map(|_| ()),
        (Some("csv"), _) => csv(text, body),
        // Table and wide: text for people; not empty was checked above.
        (Some(_), _) => Ok(()),
    };
    if let Err(e) = result {
        problems.push(e);
    }
}

fn roff(text: &str) -> Result<(), String> {
    if text.contains(".TH") {
        Ok(())
    } else {
        Err("no .TH line: not a man page".to_owned())
    }
}

/// One JSON value; a listing's is a non-empty array.
fn json(text: &str, body: Body) -> Result<(), String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not one JSON value: {e}"))?;
    if body == Body::Listing && value.as_array().is_none_or(Vec::is_empty) {
        return Err("a listing's JSON is not a non-empty array".to_owned());
    }
    Ok(())
}

/// Every line one JSON object.
fn ndjson_values(stdout: &[u8]) -> Result<Vec<serde_json::Value>, String> {
    let text = std::str::from_utf8(stdout).map_err(|_| "NDJSON is not UTF-8".to_owned())?;
    text.lines()
        .enumerate()
        .map(
            |(i, line)| match serde_json::from_str::<serde_json::Value>(line) {
                Ok(value) if value.is_object() => Ok(value),
                Ok(_) => Err(format!(
                    "NDJSON line {} is not an object: {line:.80}",
                    i + 1
                )),
                Err(e) => Err(format!(
                    "NDJSON line {} is not JSON ({e}): {line:.80}",
                    i + 1
                )),
            },
        )
        .collect()
}

/// A header, and on every record as many fields as it has; a listing has
/// a record under it.
fn csv(text: &str, body: Body) -> Result<(), String> {
    let records = csv_fields(text)?;
    let Some((&header, rows)) = records.split_first() else {
        return Err("CSV without a header line".to_owned());
    };
    if body == Body::Listing && rows.is_empty() {
        return Err("a listing's CSV has no record under its header".to_owned());
    }
    if let Some((i, n)) = rows.iter().enumerate().find(|(_, n)| **n != header) {
        let line = text.lines().nth(i + 1).unwrap_or("");
        return Err(format!(
            "CSV record {} has {n} fields, the header {header}: {line:.80}",
            i + 2
        ));
    }
    Ok(())
}

/// The number of fields of each record of `text`, as RFC 4180 reads it: a
/// field in quotes may hold commas, line breaks and doubled quotes; a quote
/// elsewhere, text after a closing quote, an open quote at the end, or a
/// last record without its line break is an error.
fn csv_fields(text: &str) -> Result<Vec<usize>, String> {
    #[derive(PartialEq)]
    enum At {
        /// The start of a field.
        Start,
        /// Inside an unquoted field.
        Plain,
        /// Inside quotes.
        Quoted,
        /// Just after a field's closing quote.
        Closed,
    }
    let mut records = Vec::new();
    let (mut fields, mut at, mut line) = (1usize, At::Start, 1usize);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (&at, c) {
            (At::Quoted, '"') if chars.peek() == Some(&'"') => {
                chars.next();
            }
            (At::Quoted, '"') => at = At::Closed,
            (At::Quoted, '\n') => line += 1,
            (At::Quoted, _) => {}
            (_, ',') => {
                fields += 1;
                at = At::Start;
            }
            (_, '\r') if chars.peek() == Some(&'\n') => {}
            (_, '\n') => {
                records.push(fields);
                (fields, at) = (1, At::Start);
                line += 1;
            }
            (At::Start, '"') => at = At::Quoted,
            (At::Plain, '"') => return Err(format!("CSV line {line}: a quote inside a field")),
            (At::Closed, _) => return Err(format!("CSV line {line}: text after a closing quote")),
            (_, _) => at = At::Plain,
        }
    }
    if at == At::Quoted {
        return Err(format!("CSV line {line}: a quote never closed"));
    }
    if at != At::Start || fields > 1 {
        return Err("the last CSV record has no line break".to_owned());
    }
    Ok(records)
}

/// The plan file `--out` wrote: a header line, then entries, every line a
/// JSON object.
fn plan_written(tmp: &Path, format: Option<&str>) -> Result<(), String> {
    let path = tmp.join(format!("plan-{}.ndjson", format.unwrap_or("none")));
    let text = std::fs::read(&path).map_err(|e| format!("no plan {}: {e}", path.display()))?;
    let lines = ndjson_values(&text).map_err(|e| format!("plan {}: {e}", path.display()))?;
    match lines.split_first() {
        Some((header, entries)) if header.get("wharf_plan").is_some() && !entries.is_empty() => {
            Ok(())
        }
        _ => Err(format!(
            "plan {} is not a header and entries",
            path.display()
        )),
    }
}

/// `apply` wrote its journal beside the plan.
fn journal_written(tmp: &Path, _format: Option<&str>) -> Result<(), String> {
    let path = tmp.join("plan-ndjson.ndjson.journal");
    match std::fs::metadata(&path) {
        Ok(m) if m.len() > 0 => Ok(()),
        Ok(_) => Err(format!("the journal {} is empty", path.display())),
        Err(e) => Err(format!("no journal {}: {e}", path.display())),
    }
}

/// `config init` wrote a private file with the profile's table.
fn config_written(tmp: &Path, format: Option<&str>) -> Result<(), String> {
    let path = tmp
        .join(format!("init-{}", format.unwrap_or("none")))
        .join("wharf/config.toml");
    private_profile(&path)
}

/// `config init` with only XDG_CONFIG_HOME set wrote under it.
fn xdg_config_written(tmp: &Path, _format: Option<&str>) -> Result<(), String> {
    private_profile(&tmp.join("xdg/wharf/config.toml"))
}

fn private_profile(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("no config file {}: {e}", path.display()))?;
    if !text.contains("[profiles.") {
        return Err(format!("{} has no [profiles.NAME] table", path.display()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|e| e.to_string())?
            .permissions()
            .mode()
            & 0o777;
        if mode != 0o600 {
            return Err(format!("{} has mode {mode:o}, not 600", path.display()));
        }
    }
    Ok(())
}

/// `man --dir` wrote wharf.1 and a page per command.
fn man_written(tmp: &Path, format: Option<&str>) -> Result<(), String> {
    let dir = tmp.join(format!("man-{}", format.unwrap_or("none")));
    let pages: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| format!("no folder {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|name| name.ends_with(".1"))
        .collect();
    if !pages.iter().any(|p| p == "wharf.1") || !pages.iter().any(|p| p == "wharf-repos.1") {
        return Err(format!(
            "{} holds {pages:?}, not wharf.1 and a page per command",
            dir.display()
        ));
    }
    for page in &pages {
        let text = std::fs::read_to_string(dir.join(page)).map_err(|e| e.to_string())?;
        roff(&text).map_err(|e| format!("{page}: {e}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_read_quotes_as_rfc_4180() {
        assert_eq!(csv_fields("a,b\n1,2\n"), Ok(vec![2, 2]));
        assert_eq!(csv_fields("a,b\n\"1,2\",3\n"), Ok(vec![2, 2]));
        assert_eq!(
            csv_fields("a,b\n\"say \"\"hi\"\"\",\"x\ny\"\n"),
            Ok(vec![2, 2])
        );
        assert_eq!(csv_fields("a,b\r\n,\r\n"), Ok(vec![2, 2]));
        assert_eq!(csv_fields(""), Ok(vec![]));
        assert!(csv_fields("a,b\n\"open\n").is_err());
        assert!(csv_fields("a,b\nx\"y,2\n").is_err());
        assert!(csv_fields("a,b\n\"x\"y,2\n").is_err());
        assert!(csv_fields("a,b\n1,2").is_err());
        assert_eq!(
            csv("a,b\n1,2,3\n", Body::Listing).map_err(|e| e.contains("record 2")),
            Err(true)
        );
    }

    #[test]
    fn command_paths_leave_flags_and_arguments_out() {
        let path = |args: &[&str]| {
            let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
            command_path(&args)
                .iter()
                .map(|s| (*s).to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            path(&["official", "tags", "library/nginx"]),
            ["official", "tags"]
        );
        assert_eq!(
            path(&["--provider", "uhub", "repos", "--namespace", "team"]),
            ["repos"]
        );
        assert_eq!(path(&["config", "init", "--force"]), ["config", "init"]);
        assert_eq!(path(&["tags", "team/nginx"]), ["tags"]);
    }

    #[test]
    fn help_lists_its_commands() {
        let help = "Usage: wharf [OPTIONS] <COMMAND>\n\nCommands:\n  repos   List\n  \
                    official  The\n  help  Print\n\nOptions:\n  -h\n";
        assert_eq!(help_commands(help), ["repos", "official"]);
    }
}
