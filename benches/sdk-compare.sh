#!/usr/bin/env bash
# wharf against the official Python SDKs, side by side in one run.
#
# Run it as `cargo xtask bench` (or `bash benches/sdk-compare.sh` from the
# workspace root). What it does:
#   1. builds the release `wharf` CLI, `wharf-emulator`, and the crate's
#      `.items()` stream as a process of its own (crates/wharf/benches/stream.rs);
#   2. creates or reuses tests/interop/.venv and installs into it, from PyPI,
#      the SDKs pinned in tests/interop/emulator_requirements.txt
#      (huaweicloudsdkswr with huaweicloudsdkcore, ucloud-sdk-python3), the
#      same virtualenv the interop check uses;
#   3. runs benches/sdk_compare.py with that venv's python: it generates the
#      datasets in a temp dir, starts the emulator in its own process, measures
#      every contender interleaved, and writes TARGET_DIR/bench/sdk-compare.md
#      (and .json).
#
# Environment: WHARF_BENCH_ROUNDS (default 3) rounds per contender;
# WHARF_BENCH_SKIP_MEMORY=1 skips the 1,000,000-repository memory run.
# Needs /usr/bin/time (Debian package `time`) for the memory figures.
set -euo pipefail

if [ $# -gt 0 ]; then
    echo "usage: cargo xtask bench (no flags; WHARF_BENCH_ROUNDS, WHARF_BENCH_SKIP_MEMORY)" >&2
    exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/tests/interop/.venv"
python="${PYTHON:-python3}"
cd "$root"

[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }

echo "bench: building wharf and wharf-emulator (release)" >&2
cargo build --quiet --release -p wharf-cli -p wharf-emulator
echo "bench: building the crate's stream bench (crates/wharf/benches/stream.rs, release)" >&2
stream="$(cargo build --quiet --release -p wharf --bench stream --message-format json \
    | "$python" -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "stream" and m.get("executable"):
        print(m["executable"])')"
[ -x "$stream" ] || { echo "bench: could not find the stream bench binary" >&2; exit 1; }
target_dir="$(cargo metadata --format-version 1 --no-deps \
    | "$python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"

if [ ! -x "$venv/bin/python" ]; then
    echo "bench: creating $venv" >&2
    "$python" -m venv "$venv"
fi
echo "bench: installing the pinned SDKs into $venv (tests/interop/emulator_requirements.txt)" >&2
home="$(mktemp -d "${TMPDIR:-/tmp}/wharf-bench-home.XXXXXX")"
trap 'rm -rf "$home"' EXIT
HOME="$home" "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$root/tests/interop/emulator_requirements.txt"

extra=()
[ "${WHARF_BENCH_SKIP_MEMORY:-0}" = 1 ] && extra+=(--skip-memory)
"$venv/bin/python" "$root/benches/sdk_compare.py" run \
    --wharf "$target_dir/release/wharf" --emulator "$target_dir/release/wharf-emulator" --stream "$stream" \
    --out "$target_dir/bench" --rounds "${WHARF_BENCH_ROUNDS:-3}" \
    --command "${WHARF_BENCH_COMMAND:-bash benches/sdk-compare.sh}" "${extra[@]}"
