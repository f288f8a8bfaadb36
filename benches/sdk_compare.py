"""wharf against the official Python SDKs, side by side in one run.

Run by benches/sdk-compare.sh (`cargo xtask bench`), which builds the release
binaries and the virtualenv with the pinned SDKs, then runs this file with the
venv's python:

    sdk_compare.py run --wharf BIN --emulator BIN --out DIR [--rounds N]

The same file is also the SDK side: `sdk_compare.py swr|uhub ...` pages with
one official SDK in a process of its own, so that its CPU time and start-up
are its own and not the driver's. Every contender is a child process; the
driver reads each child's user + system time from os.wait4, so the emulator
(another process) is never counted.

Interleaving: every round runs every contender once, in an order rotated by
the round, so that a burst of load from the rest of the machine hits them
alike. Wall times are the minimum over rounds.
"""

import argparse
import datetime
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time

AK = "WHARFBENCHACCESSKEY"
SK = "wharf-bench-secret-key"
PROJECT = "wharf-bench-project"
PUBLIC_KEY = "wharf-bench-public-key"
PRIVATE_KEY = "wharf-bench-private-key"
PAGE = 100
REPOS = 20_000
CONCURRENCIES = (1, 4, 16, 64)
LATENCIES = (0, 20)
# One namespace, so that it is also one UHub repo holding all 20,000 images:
# the SWR listing and the UHub listing read the same dataset.
GENERATE = ["--namespaces", "1", "--repos", str(REPOS), "--tags-per-repo", "5",
            "--official-images", "10", "--seed", "1"]


# --- the SDK side: one process per listing ------------------------------------

def sdk_main(argv):
    """Pages with one official SDK and prints one JSON line of figures.

    Times are taken after the imports and the client are ready, so the
    listing time is the SDK's alone; the driver measures the whole process.
    """
    started = time.perf_counter()
    parser = argparse.ArgumentParser()
    parser.add_argument("which", choices=["swr", "uhub"])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--namespace")
    parser.add_argument("--first", action="store_true",
                        help="print the first item of the first page and stop")
    args = parser.parse_args(argv)
    if args.which == "swr":
        pages = swr_pages(args.endpoint)
    else:
        pages = uhub_pages(args.endpoint, args.namespace)
    ready = time.perf_counter()
    cpu0 = os.times()
    items = 0
    for page in pages:
        if args.first:
            # Flushed at once: the driver's clock stops when it reads this.
            print(page[0], flush=True)
            break
        items += len(page)
    cpu1 = os.times()
    done = time.perf_counter()
    print(json.dumps({
        "items": items,
        "import_s": ready - started,
        "list_s": done - ready,
        "list_cpu_s": (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system),
    }), flush=True)


def swr_pages(endpoint):
    """huaweicloudsdkswr list_repos_details paged by hand, one request at a
    time, advancing the offset by the items received, as its docs show."""
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.http.http_config import HttpConfig
    from huaweicloudsdkswr.v2 import ListReposDetailsRequest, SwrClient

    config = HttpConfig.get_default_config()
    config.timeout = (5, 60)
    client = (SwrClient.new_builder()
              .with_http_config(config)
              .with_credentials(BasicCredentials(AK, SK, PROJECT))
              .with_endpoint(endpoint)
              .build())

    def pages():
        offset = 0
        while True:
            response = client.list_repos_details(
                ListReposDetailsRequest(offset=str(offset), limit=str(PAGE)))
            items = response.body or []
            if not items:
                return
            yield [item.name for item in items]
            offset += len(items)
            total = int(response.content_range.rsplit("/", 1)[1])
            if offset >= total:
                return
    return pages()


def uhub_pages(endpoint, namespace):
    """ucloud-sdk-python3 get_repo_image paged by hand (Limit 100)."""
    import logging
    from ucloud.client import Client

    client = Client({"region": "cn-bj2", "public_key": PUBLIC_KEY,
                     "private_key": PRIVATE_KEY, "base_url": endpoint,
                     "timeout": 60, "max_retries": 0}).uhub()
    # The SDK logs every request and response at INFO: that would be the
    # terminal's cost, not the SDK's.
    logging.getLogger("ucloud").setLevel(logging.ERROR)

    def pages():
        offset = 0
        while True:
            response = client.get_repo_image(
                {"RepoName": namespace, "Offset": offset, "Limit": PAGE})
            images = response.get("ImageSet") or []
            if not images:
                return
            yield [image["ImageName"] for image in images]
            offset += len(images)
            if offset >= response.get("TotalCount", 0):
                return
    return pages()


# --- processes ------------------------------------------------------------------

def run_child(argv, env, stdout=subprocess.DEVNULL):
    """Runs argv to the end; returns (wall seconds, cpu seconds, stdout text).

    CPU is user + system of that child alone, from wait4's rusage."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=stdout, stderr=subprocess.PIPE)
    out = proc.stdout.read() if proc.stdout else b""
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"bench: {' '.join(argv)} failed ({proc.returncode}): {err.decode()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, out.decode()


def first_line(argv, env):
    """Seconds from spawning argv to reading its first line of stdout (the
    process start included), then the rest is drained and the process ended,
    as `| head -1` would."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - start
    proc.kill()
    proc.wait()
    if not line:
        sys.exit(f"bench: {' '.join(argv)} printed nothing")
    return elapsed, line.decode().strip()


class Emulator:
    """wharf-emulator in its own process on a free loopback port."""

    def __init__(self, binary, dataset, latency_ms):
        self.proc = subprocess.Popen(
            [binary, "--listen", "127.0.0.1:0", "--quiet", "--dataset", dataset,
             "--latency-ms", str(latency_ms),
             "--huawei-ak", AK, "--huawei-sk", SK,
             "--ucloud-public-key", PUBLIC_KEY, "--ucloud-private-key", PRIVATE_KEY],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.proc.stdout.readline().decode().strip()
        if not line.startswith("listening on "):
            self.stop()
            sys.exit(f"bench: the emulator did not start: {line} {self.proc.stderr.read().decode()}")
        self.endpoint = line[len("listening on "):]

    def stop(self):
        self.proc.kill()
        self.proc.wait()


# --- contenders ------------------------------------------------------------------

class Bench:
    def __init__(self, args):
        self.args = args
        self.work = tempfile.mkdtemp(prefix="wharf-sdk-compare.")
        home = os.path.join(self.work, "home")
        os.makedirs(home)
        # HOME in a temp dir: the Huawei SDK writes $HOME/.huaweicloud on
        # import, and wharf must not read a developer's config file.
        self.env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
                        HUAWEICLOUD_SDK_AK=AK, HUAWEICLOUD_SDK_SK=SK,
                        HUAWEICLOUD_SDK_PROJECT_ID=PROJECT, HUAWEICLOUD_SDK_REGION="cn-north-4",
                        UCLOUD_PUBLIC_KEY=PUBLIC_KEY, UCLOUD_PRIVATE_KEY=PRIVATE_KEY,
                        UCLOUD_REGION="cn-bj2")
        self.env.pop("WHARF_CONFIG", None)
        self.env.pop("WHARF_PROFILE", None)
        self.env.pop("WHARF_CATALOG", None)
        self.env.pop("WHARF_PROVIDER", None)
        self.namespace = None

    def wharf_argv(self, endpoint, provider, concurrency, page=PAGE, extra=()):
        argv = [self.args.wharf, "--quiet", "--endpoint", endpoint, "--provider", provider,
                "--page-size", str(page), "--concurrency", str(concurrency),
                "--output", "ndjson", "repos"]
        if provider == "uhub":
            argv += ["--namespace", self.namespace]
        return argv + list(extra)

    def sdk_argv(self, which, endpoint, first=False):
        argv = [sys.executable, os.path.abspath(__file__), which, "--endpoint", endpoint]
        if which == "uhub":
            argv += ["--namespace", self.namespace]
        return argv + (["--first"] if first else [])

    def crate_argv(self, endpoint, provider, concurrency, page=PAGE, extra=()):
        argv = [self.args.stream, "--endpoint", endpoint, "--provider", provider,
                "--page-size", str(page), "--concurrency", str(concurrency)]
        if provider == "uhub":
            argv += ["--namespace", self.namespace]
        return argv + list(extra)

    def crate_list(self, endpoint, provider, concurrency):
        wall, cpu, out = run_child(self.crate_argv(endpoint, provider, concurrency), self.env,
                                   stdout=subprocess.PIPE)
        if int(out.strip()) != REPOS:
            sys.exit(f"bench: the crate listed {out.strip()} items over {provider}")
        return {"wall": wall, "cpu": cpu}

    def wharf_list(self, endpoint, provider, concurrency):
        wall, cpu, _ = run_child(self.wharf_argv(endpoint, provider, concurrency), self.env)
        return {"wall": wall, "cpu": cpu}

    def wharf_count(self, endpoint, provider):
        """Items the CLI lists, read once: the figures are per item."""
        _, _, out = run_child(self.wharf_argv(endpoint, provider, 4), self.env,
                              stdout=subprocess.PIPE)
        return out.count("\n")

    def sdk_list(self, which, endpoint):
        wall, cpu, out = run_child(self.sdk_argv(which, endpoint), self.env,
                                   stdout=subprocess.PIPE)
        inner = json.loads(out.strip().splitlines()[-1])
        return {"wall": wall, "cpu": cpu, "items": inner["items"],
                "list": inner["list_s"], "list_cpu": inner["list_cpu_s"]}

    def sdk_first(self, which, endpoint):
        """Spawn to first line, and the first page alone inside the process
        (after the interpreter and the imports): measured both ways."""
        start = time.perf_counter()
        proc = subprocess.Popen(self.sdk_argv(which, endpoint, first=True), env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = proc.stdout.readline()
        wall = time.perf_counter() - start
        rest = proc.stdout.read().decode()
        proc.wait()
        if not line or proc.returncode != 0:
            sys.exit(f"bench: the {which} SDK's first page failed")
        return {"wall": wall, "page": json.loads(rest.strip().splitlines()[-1])["list_s"]}

    def wharf_first(self, endpoint, provider):
        wall, _ = first_line(self.wharf_argv(endpoint, provider, 4), self.env)
        return wall


# --- the one place that interleaves -------------------------------------------------

def interleave(rounds, contenders):
    """Runs each (name, fn) once per round, the order rotated by the round;
    returns {name: [result per round]}."""
    results = {name: [] for name, _ in contenders}
    for r in range(rounds):
        shift = r % len(contenders)
        for name, fn in contenders[shift:] + contenders[:shift]:
            results[name].append(fn())
        print(f"  round {r + 1}/{rounds} done (load {os.getloadavg()[0]:.2f})", file=sys.stderr)
    return results


def floor_s(latency_ms, pages, concurrency):
    return latency_ms / 1000 * (1 + math.ceil((pages - 1) / concurrency))


def machine():
    model = "?"
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"nproc": os.cpu_count(), "cpu": model, "kernel": platform.release(),
            "python": platform.python_version()}


def run_main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("run")
    parser.add_argument("--wharf", required=True)
    parser.add_argument("--emulator", required=True)
    parser.add_argument("--stream", required=True,
                        help="the crate's .items() stream (crates/wharf/benches/stream.rs)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("WHARF_BENCH_ROUNDS", "3")))
    parser.add_argument("--command", default="cargo xtask bench")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args(argv)
    bench = Bench(args)
    loads = []
    started = datetime.datetime.now(datetime.timezone.utc)

    dataset = os.path.join(bench.work, "repos-20000.json")
    run_child([args.emulator, "generate", *GENERATE, "--out", dataset], bench.env)
    with open(dataset, encoding="utf-8") as f:
        data = json.load(f)
    bench.namespace = data["namespaces"][0]["name"]
    del data

    listing = {}
    first = {}
    for latency in LATENCIES:
        print(f"bench: latency {latency} ms, {args.rounds} rounds", file=sys.stderr)
        emulator = Emulator(args.emulator, dataset, latency)
        ep = emulator.endpoint
        try:
            for provider in ("swr", "uhub"):
                n = bench.wharf_count(ep, provider)
                if n != REPOS:
                    sys.exit(f"bench: wharf listed {n} items over {provider}, expected {REPOS}")
            contenders = [("sdk swr", lambda: bench.sdk_list("swr", ep)),
                          ("sdk uhub", lambda: bench.sdk_list("uhub", ep))]
            for c in CONCURRENCIES:
                contenders.append((f"wharf swr c{c}", lambda c=c: bench.wharf_list(ep, "swr", c)))
                contenders.append((f"wharf uhub c{c}", lambda c=c: bench.wharf_list(ep, "uhub", c)))
                contenders.append((f"crate swr c{c}", lambda c=c: bench.crate_list(ep, "swr", c)))
                contenders.append((f"crate uhub c{c}", lambda c=c: bench.crate_list(ep, "uhub", c)))
            if latency == LATENCIES[-1]:
                contenders += [("first sdk swr", lambda: bench.sdk_first("swr", ep)),
                               ("first sdk uhub", lambda: bench.sdk_first("uhub", ep)),
                               ("first wharf swr", lambda: bench.wharf_first(ep, "swr")),
                               ("first wharf uhub", lambda: bench.wharf_first(ep, "uhub"))]
            loads.append(os.getloadavg()[0])
            res = interleave(args.rounds, contenders)
            loads.append(os.getloadavg()[0])
        finally:
            emulator.stop()
        for name, rows in res.items():
            if name.startswith("first"):
                first[name] = rows
            else:
                listing[(latency, name)] = rows
        for name in ("sdk swr", "sdk uhub"):
            for row in res[name]:
                if row["items"] != REPOS:
                    sys.exit(f"bench: {name} listed {row['items']} items, expected {REPOS}")

    memory = None if args.skip_memory else measure_memory(bench, args)
    loads.append(os.getloadavg()[0])
    report = render(args, listing, first, memory, loads, started)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "sdk-compare.md"), "w", encoding="utf-8") as f:
        f.write(report)
    with open(os.path.join(args.out, "sdk-compare.json"), "w", encoding="utf-8") as f:
        json.dump({"listing": {f"{k[0]}ms {k[1]}": v for k, v in listing.items()},
                   "first": first, "memory": memory, "loads": loads}, f, indent=1)
    print(report)


def measure_memory(bench, args):
    """Peak RSS of the CLI streaming 1,000,000 repositories (page 1000) to
    /dev/null, and the first 100,000 of the same listing (--limit), from
    /usr/bin/time -f %M, against the emulator at latency 0. One tag per
    repository keeps the dataset file smaller; the CLI's memory should not
    depend on it."""
    print("bench: memory, generating 1,000,000 repositories", file=sys.stderr)
    big = os.path.join(bench.work, "repos-1000000.json")
    run_child([args.emulator, "generate", "--namespaces", "10", "--repos", "1000000",
               "--tags-per-repo", "1", "--official-images", "10", "--seed", "1",
               "--out", big], bench.env)
    emulator = Emulator(args.emulator, big, 0)
    rows = {}
    try:
        def peak(limit, who):
            extra = ["--limit", str(limit)] if limit else []
            make = bench.wharf_argv if who == "cli" else bench.crate_argv
            argv = ["/usr/bin/time", "-f", "%M %e %U %S",
                    *make(emulator.endpoint, "swr", 4, page=1000, extra=extra)]
            proc = subprocess.run(argv, env=bench.env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, check=True)
            kib, wall, user, sys_ = proc.stderr.decode().strip().splitlines()[-1].split()
            return {"rss_kib": int(kib), "wall": float(wall), "cpu": float(user) + float(sys_)}
        rows = interleave(args.rounds, [("cli 100000", lambda: peak(100_000, "cli")),
                                        ("cli 1000000", lambda: peak(None, "cli")),
                                        ("crate 100000", lambda: peak(100_000, "crate")),
                                        ("crate 1000000", lambda: peak(None, "crate"))])
    finally:
        emulator.stop()
        os.remove(big)
    return rows


# --- the report ------------------------------------------------------------------

def render(args, listing, first, memory, loads, started):
    pages = math.ceil(REPOS / PAGE)
    m = machine()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    out = []
    w = out.append
    w("# wharf against the official SDKs\n")
    w(f"Run {started:%Y-%m-%d %H:%M} UTC, commit {commit}, `{args.command}`, "
      f"{args.rounds} rounds interleaved; wall times are the minimum over rounds.\n")
    w(f"Machine: nproc {m['nproc']}, {m['cpu']}, Linux {m['kernel']}, Python {m['python']}; "
      f"one-minute load average {min(loads):.2f} to {max(loads):.2f} during the run.\n")
    w(f"Dataset: {REPOS} repositories in one namespace (so one UHub repo of {REPOS} images), "
      f"page {PAGE} ({pages} pages). SDK listing time is taken inside its process after "
      "the imports (favours the SDK); wharf's is the whole CLI process, start-up included.\n")

    for latency in LATENCIES:
        w(f"\n## Listing at {latency} ms latency\n")
        w("| contender | wall (s) | floor (s) | wall / floor | SDK / wharf |")
        w("|---|---|---|---|---|")
        for provider in ("swr", "uhub"):
            sdk = min(r["list"] for r in listing[(latency, f"sdk {provider}")])
            sdk_floor = floor_s(latency, pages, 1)
            w(f"| {sdk_name(provider)} (in-process) | {sdk:.3f} | {sdk_floor:.2f} | "
              f"{ratio(sdk, sdk_floor)} | 1 |")
            for who, label in (("wharf", "wharf CLI"), ("crate", "wharf crate .items()")):
                for c in CONCURRENCIES:
                    t = min(r["wall"] for r in listing[(latency, f"{who} {provider} c{c}")])
                    fl = floor_s(latency, pages, c)
                    w(f"| {label} {provider} -c {c} | {t:.3f} | {fl:.2f} | "
                      f"{ratio(t, fl)} | {sdk / t:.1f}x |")

    w("\n## CPU per item at 0 ms latency (client process alone)\n")
    w("Items per CPU second (user + system). SDK: the paging loop alone (os.times in its "
      "process), and its whole process (interpreter start and imports included). wharf: "
      "the whole process (CLI, or the crate's stream on a single-threaded runtime). "
      "Ratio column: SDK rows, the CLI at -c 4 over that row; wharf rows, the SDK's "
      "loop over that row (how many times the SDK's CPU per item).\n")
    w("| contender | CPU (ms) | items / CPU s | ratio |")
    w("|---|---|---|---|")
    for provider in ("swr", "uhub"):
        wh = min(r["cpu"] for r in listing[(0, f"wharf {provider} c4")])
        sdk_rows = listing[(0, f"sdk {provider}")]
        loop = min(r["list_cpu"] for r in sdk_rows)
        whole = min(r["cpu"] for r in sdk_rows)
        w(f"| {sdk_name(provider)}, paging loop | {loop * 1000:.0f} | {REPOS / loop:,.0f} | "
          f"{loop / wh:.1f}x |")
        w(f"| {sdk_name(provider)}, whole process | {whole * 1000:.0f} | {REPOS / whole:,.0f} | "
          f"{whole / wh:.1f}x |")
        for who, label in (("wharf", "wharf CLI"), ("crate", "wharf crate .items()")):
            for c in CONCURRENCIES:
                cpu = min(r["cpu"] for r in listing[(0, f"{who} {provider} c{c}")])
                w(f"| {label} {provider} -c {c} | {cpu * 1000:.0f} | {REPOS / cpu:,.0f} | "
                  f"{loop / cpu:.1f}x |")

    if first:
        w(f"\n## Time to first item at {LATENCIES[-1]} ms latency\n")
        w("Whole process: from spawning it to reading its first line on stdout (process "
          "start, imports and one round trip included), both sides alike. SDK page only: "
          "the first page inside the SDK's process, after the interpreter and the imports "
          "(the strictest baseline; wharf's figure still includes its process start).\n")
        w("| provider | SDK whole process (s) | SDK page only (s) | wharf whole process (s) "
          "| wharf / SDK whole | wharf / SDK page only |")
        w("|---|---|---|---|---|---|")
        for provider in ("swr", "uhub"):
            s = min(r["wall"] for r in first[f"first sdk {provider}"])
            page = min(r["page"] for r in first[f"first sdk {provider}"])
            t = min(first[f"first wharf {provider}"])
            w(f"| {provider} | {s:.3f} | {page:.3f} | {t:.3f} | {t / s:.2f} | {t / page:.2f} |")

    if memory:
        w("\n## Peak RSS streaming repositories (page 1000, -c 4, to /dev/null)\n")
        w("| contender | items | peak RSS (MiB, max over rounds) | wall (s, min) | CPU (s, min) |")
        w("|---|---|---|---|---|")
        for who in ("cli", "crate"):
            for items in ("100000", "1000000"):
                rows = memory[f"{who} {items}"]
                w(f"| {who} | {int(items):,} | {max(r['rss_kib'] for r in rows) / 1024:.1f} | "
                  f"{min(r['wall'] for r in rows):.2f} | {min(r['cpu'] for r in rows):.2f} |")
        for who in ("cli", "crate"):
            a = max(r["rss_kib"] for r in memory[f"{who} 100000"])
            b = max(r["rss_kib"] for r in memory[f"{who} 1000000"])
            w(f"\n{who}: 1,000,000 over 100,000: {b / a:.3f}.")
    return "\n".join(out) + "\n"


def sdk_name(provider):
    return "huaweicloudsdkswr" if provider == "swr" else "ucloud-sdk-python3"


def ratio(a, b):
    return f"{a / b:.3f}" if b else "-"


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("swr", "uhub"):
        sdk_main(sys.argv[1:])
    else:
        run_main(sys.argv[1:])
