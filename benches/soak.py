#!/usr/bin/env python3
"""The soak: the `wharf` CLI lists 1,000,000 repositories through 10% faults,
exactly and in flat memory.

Run it as `cargo xtask soak`, which builds the release binaries first and
passes their paths. Python's standard library only.

Two emulators serve one generated dataset (10 namespaces, 1,000,000
repositories, 1 tag each): one clean, one failing 10% of requests with every
kind of fault (500, 502, 503, 429 with Retry-After 1 s, RetCode 153, reset,
truncated body, a 500 ms stall). The CLI lists both, `--limit 100000` and
whole, as NDJSON; the listing through faults must be byte for byte the clean
one (same SHA-256, same line count, the expected count). Peak RSS comes from
/usr/bin/time; the whole listing must stay within 10% of the 100,000 one and
under 64 MiB. Exits 1 if any of that fails; prints a Markdown table either way.
"""

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

AK, SK = "SOAKACCESSKEY0000001", "soak-secret-key"
PUBLIC_KEY, PRIVATE_KEY = "soak-public-key", "soak-private-key"


class Emulator:
    """wharf-emulator in its own process on a free loopback port."""

    def __init__(self, binary, dataset, faults):
        argv = [binary, "--listen", "127.0.0.1:0", "--quiet", "--dataset", dataset,
                "--huawei-ak", AK, "--huawei-sk", SK,
                "--ucloud-public-key", PUBLIC_KEY, "--ucloud-private-key", PRIVATE_KEY, *faults]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.proc.stdout.readline().decode().strip()
        if not line.startswith("listening on "):
            self.stop()
            sys.exit(f"soak: the emulator did not start: {line} {self.proc.stderr.read().decode()}")
        self.endpoint = line[len("listening on "):]

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def listing(args, env, endpoint, limit):
    """Runs the CLI under /usr/bin/time; returns its output's digest and
    line count, peak RSS (KiB), wall seconds and --verbose summary line."""
    argv = ["/usr/bin/time", "-f", "%M", args.wharf, "--verbose", "--endpoint", endpoint,
            "--page-size", "1000", "--concurrency", "4", "--timeout", "10m",
            "--output", "ndjson", "repos"]
    if limit:
        argv += ["--limit", str(limit)]
    env = dict(env, RUST_LOG="warn")
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    digest, lines = hashlib.sha256(), 0
    while chunk := proc.stdout.read(1 << 20):
        digest.update(chunk)
        lines += chunk.count(b"\n")
    stderr = proc.stderr.read().decode(errors="replace")
    status = proc.wait()
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit(f"soak: {' '.join(argv)} exited {status}:\n{stderr[-2000:]}")
    tail = [l for l in stderr.splitlines() if l.strip()]
    rss = int(tail[-1])
    summary = next((l for l in reversed(tail) if l.startswith("wharf: ")), "")
    return digest.hexdigest(), lines, rss, wall, summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wharf", required=True)
    parser.add_argument("--emulator", required=True)
    parser.add_argument("--repos", type=int, default=1_000_000)
    parser.add_argument("--rate", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not os.access("/usr/bin/time", os.X_OK):
        sys.exit("soak: /usr/bin/time is missing (apt-get install time)")

    work = tempfile.mkdtemp(prefix="wharf-soak.")
    home = os.path.join(work, "home")
    os.makedirs(home)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WHARF_", "HUAWEICLOUD_", "UCLOUD_"))}
    env.update(HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
               HUAWEICLOUD_SDK_AK=AK, HUAWEICLOUD_SDK_SK=SK)
    emulators = []
    try:
        dataset = os.path.join(work, "dataset.json")
        print(f"soak: generating {args.repos:,} repositories", file=sys.stderr)
        subprocess.run([args.emulator, "generate", "--namespaces", "10", "--repos", str(args.repos),
                        "--tags-per-repo", "1", "--official-images", "10", "--seed", "1",
                        "--out", dataset], check=True, env=env, stdout=subprocess.DEVNULL)
        clean = Emulator(args.emulator, dataset, [])
        emulators.append(clean)
        faults = ["--fault-rate", str(args.rate), "--fault-seed", str(args.seed),
                  "--retry-after-secs", "1", "--stall-ms", "500"]
        faulty = Emulator(args.emulator, dataset, faults)
        emulators.append(faulty)
        rows, ok = [], True
        for limit in (100_000, None):
            expected = limit or args.repos
            print(f"soak: listing {expected:,} clean, then through faults", file=sys.stderr)
            want = listing(args, env, clean.endpoint, limit)
            got = listing(args, env, faulty.endpoint, limit)
            exact = got[0] == want[0] and got[1] == want[1] == expected
            ok &= exact
            rows.append((expected, exact, want, got))
    finally:
        for emulator in emulators:
            emulator.stop()
        shutil.rmtree(work, ignore_errors=True)

    print(f"| items | exact through faults | clean: peak RSS | faults: peak RSS | faults: wall | faults: --verbose summary |")
    print("|---:|---|---:|---:|---:|---|")
    for expected, exact, want, got in rows:
        summary = re.sub(r"^wharf: ", "", got[4])
        print(f"| {expected:,} | {'yes' if exact else 'NO'} ({got[1]:,} lines) | {want[2] / 1024:.1f} MiB "
              f"| {got[2] / 1024:.1f} MiB | {got[3]:.1f} s | {summary} |")
    small, large = rows[0][3][2], rows[1][3][2]
    ratio = large / small
    flat = ratio < 1.10 and large < 64 * 1024
    print(f"\npeak RSS through faults, 1M / 100k: {ratio:.3f} ({'flat' if flat else 'NOT flat'}: "
          f"goal under 1.10 and 64 MiB)")
    if not ok:
        sys.exit("soak: a listing through faults differs from the clean one")
    if not flat:
        sys.exit("soak: memory is not flat")


if __name__ == "__main__":
    main()
