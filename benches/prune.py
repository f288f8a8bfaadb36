#!/usr/bin/env python3
"""Cleanup benchmarks: `wharf prune` plans in flat memory; `wharf apply`
against a rate-limited emulator, measured against the rate's floor.

Run it as `cargo xtask bench-prune`, which builds the release binaries first
and passes their paths. Python's standard library only.

Plan memory: `wharf --catalog swr+URL prune --keep-last 3 --out PLAN >
/dev/null` over two generated datasets, each served by an emulator of its own
(another process, no latency, no rate limit): --repos repositories (100,000)
and --baseline-repos (10,000), --tags tags each (10: `latest` and 9 versions,
so 6 deletes a repository), interleaved for --rounds rounds (the order
alternating). Peak RSS of the wharf process from /usr/bin/time; the ratio is
the largest large-run peak over the largest baseline peak.

Apply rate: a dataset of --deletes / 5 repositories of 10 tags, planned with
`--keep-last 4` (`latest` and the 4 newest versions kept: exactly 5 deletes a
repository), applied with `wharf --verbose --concurrency C apply PLAN --yes`
against a fresh emulator started with `--rate-limit N` (one per concurrency,
since an apply deletes what it applies). The plan is made against that same
emulator (a plan names its catalog, port included), then the script waits
1.1 s for the token bucket to fill again, so every apply starts on a full
bucket. Each entry costs two requests (ShowRepoTag, then DeleteRepoTag), so
the floor is 2 * deletes / N seconds, or (2 * deletes - N) / N counting the
full bucket's first burst of N. 429s are counted from wharf's --verbose log
(one `response` line per attempt, with its status); the emulator binary does
not count throttled answers, so its request log (at most 20 lines a second,
the rest counted in `not_logged_before`) gives the total it received between
two marker requests, as a cross-check. Controls, unless --no-controls: the
same apply without --verbose (does the log cost?), and without a rate limit
(what apply does when nothing throttles it).

Prints Markdown tables; --json PATH writes every figure.
"""

import argparse
import collections
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

# The emulator's demo keys (crates/wharf-emulator/src/auth.rs:
# DEMO_HUAWEI_AK / DEMO_HUAWEI_SK), which it accepts by default.
DEMO_AK, DEMO_SK = "WHARFDEMOACCESSKEY01", "wharf-demo-secret-key"

ANSI = re.compile(r"\x1b\[[0-9;]*m")
SUMMARY = re.compile(r"(\d+) tags to delete in (\d+) of (\d+) repositories \((\d+) tags seen\)")
APPLIED = re.compile(r"apply: (\d+) deleted, (\d+) already absent, (\d+) changed and left, (\d+) failed")
RESPONSE = re.compile(r'^(\S+)\s+DEBUG wharf\.operation\{[^}]*operation="(\w+)"\}:'
                      r'wharf\.attempt\{[^}]*status=(\d+)[^}]*\}: wharf_transport::retry: response')
THROTTLED = re.compile(r"throttled window=(\d+) pause_ms=(\d+)")
RETRYING = re.compile(r"retrying attempt=(\d+) wait_ms=(\d+)")
EMULATOR_LINE = re.compile(r'wharf_emulator::request: .*path="([^"]*)" status=(\d+)')
NOT_LOGGED = re.compile(r"not_logged_before=(\d+)")


def log(message):
    print(f"bench-prune: {message}", file=sys.stderr, flush=True)


class Load:
    """The one-minute load average, sampled every 5 seconds."""

    def __init__(self):
        self.samples = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while True:
            try:
                with open("/proc/loadavg") as f:
                    self.samples.append(float(f.read().split()[0]))
            except OSError:
                return
            if self.done.wait(5):
                return

    def stop(self):
        self.done.set()
        self.thread.join()
        return (min(self.samples), max(self.samples)) if self.samples else (None, None)


class Emulator:
    """wharf-emulator in its own process on a free loopback port, its
    stderr (the request log, unless quiet) in a file."""

    def __init__(self, binary, dataset, flags, log_path, quiet):
        argv = [binary, "--listen", "127.0.0.1:0", "--dataset", dataset, *flags]
        if quiet:
            argv.append("--quiet")
        self.log_path = log_path
        self.log = open(log_path, "wb")
        env = dict(os.environ)
        env.pop("RUST_LOG", None)
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.log, env=env)
        line = self.proc.stdout.readline().decode().strip()
        if not line.startswith("listening on "):
            self.stop()
            with open(log_path, errors="replace") as f:
                sys.exit(f"bench-prune: the emulator did not start: {line} {f.read()[-2000:]}")
        self.endpoint = line[len("listening on "):]
        self.spec = "swr+" + self.endpoint

    def mark(self, name):
        """A request the emulator logs under /_bench/NAME (an unknown API:
        404, or 429 when the bucket is empty), sent in a second of its own
        so that it is logged and carries the count of the lines not logged
        before it."""
        time.sleep(1.1)
        try:
            urllib.request.urlopen(f"{self.endpoint}/_bench/{name}", timeout=10).read()
        except urllib.error.HTTPError:
            pass

    def received_between(self, first, second):
        """Requests the emulator received after marker `first` and before
        marker `second`: the lines logged between them, plus the counts of
        lines not logged, which the next logged line carries (up to and
        including the second marker's)."""
        time.sleep(0.2)
        with open(self.log_path, errors="replace") as f:
            lines = [ANSI.sub("", l) for l in f if "wharf_emulator::request" in l]
        paths = [m.group(1) if (m := EMULATOR_LINE.search(l)) else None for l in lines]
        try:
            a = paths.index(f"/_bench/{first}")
            b = paths.index(f"/_bench/{second}")
        except ValueError:
            return None
        logged = b - a - 1
        dropped = sum(int(m.group(1)) for l in lines[a + 1:b + 1] if (m := NOT_LOGGED.search(l)))
        return logged + dropped

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def timed(argv, env):
    """Runs argv under /usr/bin/time; returns (stderr without time's line,
    peak RSS KiB, wall s, user+system s, exit status, start as UNIX time)."""
    argv = ["/usr/bin/time", "-f", "TIME %M %U %S", *argv]
    started_at = time.time()
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    stderr = proc.stderr.decode(errors="replace")
    lines = stderr.splitlines()
    time_line = next(l for l in reversed(lines) if l.startswith("TIME "))
    _, rss, user, system = time_line.split()
    rest = "\n".join(l for l in lines if l is not time_line)
    return rest, int(rss), wall, float(user) + float(system), proc.returncode, started_at


def generate(args, env, path, repos, tags):
    subprocess.run([args.emulator, "generate", "--namespaces", "10", "--repos", str(repos),
                    "--tags-per-repo", str(tags), "--official-images", "0", "--seed", "1",
                    "--out", path], check=True, env=env, stdout=subprocess.DEVNULL)


def prune(args, env, emulator, keep_last, plan, verbose=False):
    argv = [args.wharf, *(["--verbose"] if verbose else []), "--catalog", emulator.spec,
            "prune", "--keep-last", str(keep_last), "--out", plan]
    stderr, rss, wall, cpu, status, _ = timed(argv, env)
    if status != 0:
        sys.exit(f"bench-prune: {' '.join(argv)} exited {status}:\n{stderr[-2000:]}")
    m = SUMMARY.search(stderr)
    if not m:
        sys.exit(f"bench-prune: no plan summary from {' '.join(argv)}:\n{stderr[-2000:]}")
    deletes, repos, _, seen = map(int, m.groups())
    with open(plan, "rb") as f:
        in_file = sum(1 for line in f if line.startswith(b'{"action":"delete"'))
    if in_file != deletes:
        sys.exit(f"bench-prune: the summary says {deletes} deletes, {plan} holds {in_file}")
    throttled = sum(1 for l in stderr.splitlines() if (m := RESPONSE.search(ANSI.sub("", l))) and m.group(3) == "429")
    return dict(rss_kib=rss, wall_s=wall, cpu_s=cpu, deletes=deletes, repositories=repos,
                tags_seen=seen, tags_per_s=seen / wall, throttled=throttled)


def plan_memory(args, env, work, scratch):
    sizes = [("baseline", args.baseline_repos), ("large", args.repos)]
    emulators, results = {}, {name: [] for name, _ in sizes}
    try:
        for name, repos in sizes:
            dataset = os.path.join(scratch, f"plan-{name}.json")
            log(f"generating {repos:,} repositories of {args.tags} tags ({name})")
            generate(args, env, dataset, repos, args.tags)
            start = time.perf_counter()
            emulators[name] = Emulator(args.emulator, dataset, [], os.path.join(work, f"emu-{name}.log"), True)
            log(f"  emulator up in {time.perf_counter() - start:.1f} s at {emulators[name].endpoint}")
            os.remove(dataset)
        want_per_repo = max(args.tags - 1 - 3, 0)
        for r in range(args.rounds):
            order = sizes if r % 2 == 0 else sizes[::-1]
            for name, repos in order:
                plan = os.path.join(scratch, f"plan-{name}.ndjson")
                got = prune(args, env, emulators[name], 3, plan)
                os.remove(plan)
                if got["deletes"] != repos * want_per_repo or got["tags_seen"] != repos * args.tags:
                    sys.exit(f"bench-prune: {name}: planned {got['deletes']} of {got['tags_seen']} tags, "
                             f"want {repos * want_per_repo} of {repos * args.tags}")
                results[name].append(got)
                log(f"  round {r + 1} {name}: {got['rss_kib']:,} KiB, {got['wall_s']:.2f} s, "
                    f"{got['tags_per_s']:,.0f} tags/s")
    finally:
        for emulator in emulators.values():
            emulator.stop()
    return dict(sizes=dict(sizes), tags=args.tags, rounds=results)


def parse_apply_log(stderr, started_at):
    """Counts and timeline of an apply's --verbose log."""
    statuses = collections.Counter()
    by_operation = collections.Counter()
    per_second = collections.defaultdict(collections.Counter)
    times = []
    windows, pauses, waits = [], [], []
    for raw in stderr.splitlines():
        line = ANSI.sub("", raw)
        if m := RESPONSE.search(line):
            ts = datetime.datetime.fromisoformat(m.group(1).replace("Z", "+00:00")).timestamp()
            times.append(ts)
            statuses[m.group(3)] += 1
            by_operation[(m.group(2), m.group(3))] += 1
            per_second[int(ts - started_at)][m.group(3)] += 1
        elif m := THROTTLED.search(line):
            windows.append(int(m.group(1)))
            pauses.append(int(m.group(2)))
        elif m := RETRYING.search(line):
            waits.append(int(m.group(2)))
    seconds = sorted(per_second)
    return dict(
        responses=sum(statuses.values()),
        statuses=dict(statuses),
        by_operation={f"{op} {status}": n for (op, status), n in sorted(by_operation.items())},
        first_response_s=(times[0] - started_at) if times else None,
        span_s=(times[-1] - times[0]) if times else None,
        throttle_events=len(windows),
        lowest_window=min(windows) if windows else None,
        pause_ms_total=sum(pauses),
        pause_ms_max=max(pauses) if pauses else 0,
        retries=len(waits),
        retry_wait_ms_total=sum(waits),
        per_second=[[s, per_second[s].get("200", 0), per_second[s].get("429", 0)] for s in seconds],
    )


def apply_once(args, env, work, dataset, rate_limit, concurrency, verbose, label):
    """A fresh emulator, a plan of it, the apply; its figures."""
    flags = ["--rate-limit", str(rate_limit)] if rate_limit else []
    emulator = Emulator(args.emulator, dataset, flags, os.path.join(work, f"emu-{label}.log"), False)
    try:
        plan = os.path.join(work, f"plan-{label}.ndjson")
        planned = prune(args, env, emulator, 4, plan, verbose=True)
        if planned["deletes"] != args.deletes:
            sys.exit(f"bench-prune: the apply plan holds {planned['deletes']} deletes, want {args.deletes}")
        emulator.mark(f"{label}-before")  # also lets the bucket fill again
        argv = [args.wharf, *(["--verbose"] if verbose else []), "--concurrency", str(concurrency),
                "--catalog", emulator.spec, "apply", plan, "--yes", "--max-deletes", str(args.deletes)]
        log(f"  apply, rate limit {rate_limit or 'none'}, concurrency {concurrency}"
            f"{', --verbose' if verbose else ''}")
        stderr, rss, wall, cpu, status, started_at = timed(argv, env)
        emulator.mark(f"{label}-after")
        received = emulator.received_between(f"{label}-before", f"{label}-after")
    finally:
        emulator.stop()
    m = APPLIED.search(stderr)
    if status != 0 or not m:
        sys.exit(f"bench-prune: {' '.join(argv)} exited {status}:\n{stderr[-3000:]}")
    deleted, absent, changed, failed = map(int, m.groups())
    if (deleted, absent, changed, failed) != (args.deletes, 0, 0, 0):
        sys.exit(f"bench-prune: apply did not delete exactly the plan: {m.group(0)}")
    got = dict(rate_limit=rate_limit, concurrency=concurrency, verbose=verbose, wall_s=wall, cpu_s=cpu,
               rss_kib=rss, deleted=deleted, emulator_received=received,
               plan_wall_s=planned["wall_s"], plan_throttled=planned["throttled"])
    if verbose:
        got.update(parse_apply_log(stderr, started_at))
    return got


def apply_rate(args, env, work, scratch):
    repos = args.deletes // 5
    dataset = os.path.join(scratch, "apply.json")
    log(f"generating {repos:,} repositories of 10 tags for a plan of {args.deletes:,} deletes")
    generate(args, env, dataset, repos, 10)
    runs = []
    for c in args.concurrency:
        runs.append(apply_once(args, env, work, dataset, args.rate_limit, c, True, f"rl-c{c}"))
        show_run(runs[-1], args)
    controls = []
    if not args.no_controls:
        c = args.concurrency[0]
        controls.append(apply_once(args, env, work, dataset, args.rate_limit, c, False, f"rl-c{c}-quiet"))
        show_run(controls[-1], args)
        for c in args.concurrency:
            controls.append(apply_once(args, env, work, dataset, 0, c, False, f"free-c{c}"))
            show_run(controls[-1], args)
    return dict(deletes=args.deletes, repositories=repos, rate_limit=args.rate_limit, runs=runs,
                controls=controls)


def show_run(run, args):
    log(f"    {run['wall_s']:.2f} s wall, {run['cpu_s']:.2f} s CPU"
        + (f", {run['statuses'].get('429', 0)} x 429, lowest window {run['lowest_window']}"
           if run.get("statuses") else "")
        + f", emulator received {run['emulator_received']}")


def report(args, results, load):
    command = os.environ.get("WHARF_BENCH_COMMAND", "cargo xtask bench-prune")
    print(f"`{command}`, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
          f"nproc {os.cpu_count()}, one-minute load average {load[0]} to {load[1]}\n")
    if "plan" in results:
        p = results["plan"]
        base, large = p["rounds"]["baseline"], p["rounds"]["large"]
        print(f"Plan memory: `wharf prune --keep-last 3 --out PLAN > /dev/null`, {p['tags']} tags a "
              f"repository, {args.rounds} rounds interleaved (peak RSS: largest of the rounds; wall, "
              f"CPU: smallest; tags/s: from the smallest wall)\n")
        print("| repositories | tags seen | deletes planned | peak RSS | every round, KiB | wall | CPU | tags/s |")
        print("|---:|---:|---:|---:|---|---:|---:|---:|")
        for name in ("baseline", "large"):
            rows = p["rounds"][name]
            best = min(rows, key=lambda r: r["wall_s"])
            print(f"| {p['sizes'][name]:,} | {best['tags_seen']:,} | {best['deletes']:,} "
                  f"| {max(r['rss_kib'] for r in rows) / 1024:.1f} MiB "
                  f"| {' / '.join(format(r['rss_kib'], ',') for r in rows)} "
                  f"| {best['wall_s']:.2f} s | {min(r['cpu_s'] for r in rows):.2f} s "
                  f"| {best['tags_per_s']:,.0f} |")
        ratio = max(r["rss_kib"] for r in large) / max(r["rss_kib"] for r in base)
        means = (sum(r["rss_kib"] for r in large) / len(large)) / (sum(r["rss_kib"] for r in base) / len(base))
        print(f"\npeak RSS, {p['sizes']['large']:,} / {p['sizes']['baseline']:,} repositories: "
              f"{ratio:.3f} (largest over largest; means {means:.3f}): "
              f"{'flat' if ratio < 1.10 else 'NOT flat'} (flat: under 1.10)\n")
    if "apply" in results:
        a = results["apply"]
        requests = 2 * a["deletes"]
        floor = requests / a["rate_limit"]
        burst_floor = (requests - a["rate_limit"]) / a["rate_limit"]
        print(f"Apply rate: {a['deletes']:,} deletes ({a['repositories']:,} repositories of 10 tags, "
              f"`--keep-last 4`), `wharf apply PLAN --yes` against `--rate-limit {a['rate_limit']}`: "
              f"{requests:,} requests (a re-read and a delete each), floor {floor:.1f} s "
              f"({requests:,} / {a['rate_limit']}), {burst_floor:.1f} s counting the full bucket's first "
              f"burst of {a['rate_limit']}; {a['deletes'] / a['rate_limit']:.1f} s would be one request an "
              f"entry, which apply does not send\n")
        print(f"| concurrency | wall | {burst_floor:.1f} s / wall | 200s | 429s | emulator received "
              "| admitted/s | / rate | throttle events | lowest window | retry waits | CPU |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for run in a["runs"]:
            ok = run["statuses"].get("200", 0)
            print(f"| {run['concurrency']} | {run['wall_s']:.2f} s | {burst_floor / run['wall_s']:.3f} "
                  f"| {ok:,} | {run['statuses'].get('429', 0):,} | {run['emulator_received']:,} "
                  f"| {ok / run['wall_s']:.0f} | {ok / run['wall_s'] / a['rate_limit']:.3f} "
                  f"| {run['throttle_events']} | {run['lowest_window']} "
                  f"| {run['retries']} ({run['retry_wait_ms_total'] / 1000:.1f} s) | {run['cpu_s']:.2f} s |")
        for run in a["runs"]:
            steady = [s for s in run["per_second"][1:-1]]
            if steady:
                print(f"\nconcurrency {run['concurrency']}: first response {run['first_response_s']:.2f} s after "
                      f"start, responses over {run['span_s']:.2f} s; 200s a second after the first: "
                      f"{min(s[1] for s in steady)} to {max(s[1] for s in steady)}; by operation "
                      f"{run['by_operation']}; the prune before it: {run['plan_wall_s']:.2f} s, "
                      f"{run['plan_throttled']} x 429")
        if a["controls"]:
            print("\n| control | wall | requests/s | CPU | emulator received |")
            print("|---|---:|---:|---:|---:|")
            for run in a["controls"]:
                what = (f"rate limit {run['rate_limit']}, no --verbose" if run["rate_limit"]
                        else "no rate limit, no --verbose")
                print(f"| {what}, concurrency {run['concurrency']} | {run['wall_s']:.2f} s "
                      f"| {run['emulator_received'] / run['wall_s']:.0f} | {run['cpu_s']:.2f} s "
                      f"| {run['emulator_received']:,} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wharf", required=True)
    parser.add_argument("--emulator", required=True)
    parser.add_argument("--repos", type=int, default=100_000, help="plan memory: repositories (100000)")
    parser.add_argument("--baseline-repos", type=int, default=10_000, help="plan memory: baseline (10000)")
    parser.add_argument("--tags", type=int, default=10, help="plan memory: tags a repository (10)")
    parser.add_argument("--rounds", type=int, default=3, help="plan memory: rounds (3)")
    parser.add_argument("--deletes", type=int, default=5_000, help="apply: deletes, a multiple of 5 (5000)")
    parser.add_argument("--rate-limit", type=int, default=500, help="apply: the emulator's --rate-limit (500)")
    parser.add_argument("--concurrency", default="4,16", help="apply: concurrencies, comma-separated (4,16)")
    parser.add_argument("--skip-plan", action="store_true", help="skip the plan-memory part")
    parser.add_argument("--skip-apply", action="store_true", help="skip the apply-rate part")
    parser.add_argument("--no-controls", action="store_true",
                        help="apply: skip the runs without --verbose and without a rate limit")
    parser.add_argument("--scratch", metavar="DIR",
                        help="where the datasets and the large plans go (a few hundred MB; /dev/shm "
                             "when the disk is short); default the temp dir, where the apply's plan "
                             "and journal always go")
    parser.add_argument("--json", help="write every figure here")
    args = parser.parse_args()
    args.concurrency = [int(c) for c in args.concurrency.split(",") if c]
    if args.deletes <= 0 or args.deletes % 5:
        parser.error("--deletes must be a positive multiple of 5 (5 deletes a repository)")
    if args.tags < 3:
        parser.error("--tags must be at least 3 (`latest` and versions)")
    if not os.access("/usr/bin/time", os.X_OK):
        sys.exit("bench-prune: /usr/bin/time is missing (apt-get install time)")

    work = tempfile.mkdtemp(prefix="wharf-bench-prune.")
    scratch = tempfile.mkdtemp(prefix="wharf-bench-prune.", dir=args.scratch) if args.scratch else work
    home = os.path.join(work, "home")
    os.makedirs(home)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WHARF_", "HUAWEICLOUD_", "UCLOUD_"))}
    # --verbose prints a line per attempt; the debug log beside it has the
    # timestamps and the AIMD's throttle and retry events this script counts.
    env["RUST_LOG"] = "wharf=debug,wharf_transport=debug"
    env.update(HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
               HUAWEICLOUD_SDK_AK=DEMO_AK, HUAWEICLOUD_SDK_SK=DEMO_SK)
    load = Load()
    started = time.perf_counter()
    results = {}
    try:
        if not args.skip_plan:
            results["plan"] = plan_memory(args, env, work, scratch)
        if not args.skip_apply:
            results["apply"] = apply_rate(args, env, work, scratch)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)
    load = load.stop()
    log(f"done in {time.perf_counter() - started:.0f} s")
    report(args, results, load)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(results, load=load, command=os.environ.get("WHARF_BENCH_COMMAND")), f, indent=1)
        print(f"\nfigures: {args.json}")


if __name__ == "__main__":
    main()
