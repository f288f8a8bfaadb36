#!/usr/bin/env bash
# Cleanup benchmarks: `wharf prune` plans in flat memory, and `wharf apply`
# against a rate-limited emulator, measured against the rate's floor.
#
# Run it as `cargo xtask bench-prune` (or `bash benches/prune.sh` from the
# workspace root). It builds the release `wharf` and `wharf-emulator`, then
# runs benches/prune.py (Python's standard library only), which generates
# the datasets in a temp dir, starts the emulators as processes on loopback
# ports and prints Markdown tables; the figures also go to
# target/bench/prune.json. Flags go to prune.py (`--help` lists them): the
# main ones are --repos N (100000), --baseline-repos N (10000), --rounds R
# (3), --deletes N (5000), --rate-limit N (500), --concurrency 4,16,
# --skip-plan, --skip-apply, --no-controls, --scratch DIR (where the datasets
# and the large plans go, about 500 MB at the peak: /dev/shm when the disk
# is short; the apply's plan and journal stay in the temp dir).
# Needs /usr/bin/time (Debian package `time`). Takes about 3-4 minutes after
# the build on 2 cores.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-python3}"
cd "$root"

for arg in "$@"; do
    if [[ "$arg" == "-h" || "$arg" == "--help" ]]; then
        exec "$python" "$root/benches/prune.py" --help
    fi
done

echo "bench-prune: building wharf and wharf-emulator (release)" >&2
cargo build --quiet --release -p wharf-cli -p wharf-emulator
target_dir="$(cargo metadata --format-version 1 --no-deps \
    | "$python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
mkdir -p "$target_dir/bench"
exec "$python" "$root/benches/prune.py" \
    --wharf "$target_dir/release/wharf" --emulator "$target_dir/release/wharf-emulator" \
    --json "$target_dir/bench/prune.json" "$@"
