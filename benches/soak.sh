#!/usr/bin/env bash
# The soak: the `wharf` CLI lists 1,000,000 repositories through 10% faults of
# every kind, exactly (byte for byte the clean listing) and in flat memory.
#
# Run it as `cargo xtask soak` (or `bash benches/soak.sh` from the workspace
# root). It builds the release `wharf` and `wharf-emulator`, then runs
# benches/soak.py (Python's standard library only), which generates the
# dataset in a temp dir, starts a clean and a faulty emulator, and compares.
# Flags go to soak.py: --repos N (1000000), --rate R (0.1), --seed S (7).
# Needs /usr/bin/time (Debian package `time`). Takes 1-3 minutes after the build.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-python3}"
cd "$root"

echo "soak: building wharf and wharf-emulator (release)" >&2
cargo build --quiet --release -p wharf-cli -p wharf-emulator
target_dir="$(cargo metadata --format-version 1 --no-deps \
    | "$python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
exec "$python" "$root/benches/soak.py" \
    --wharf "$target_dir/release/wharf" --emulator "$target_dir/release/wharf-emulator" "$@"
