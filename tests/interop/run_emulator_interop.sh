#!/usr/bin/env bash
# Interop check: the official Python SDKs page through the wharf emulator.
#
#   tests/interop/run_emulator_interop.sh
#
# Creates or reuses tests/interop/.venv (git-ignored), installs the pinned SDKs
# (tests/interop/emulator_requirements.txt), builds the emulator, generates a
# dataset with it, starts it on a free loopback port with known credentials,
# and runs emulator_interop.py against it. HOME points at a temporary folder
# while the SDKs run (the Huawei SDK writes $HOME/.huaweicloud on import).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"

ak="WHARFINTEROPACCESSKEY"
sk="wharf-interop-secret-key"
public_key="wharf-interop-public-key"
private_key="wharf-interop-private-key"

work="$(mktemp -d "${TMPDIR:-/tmp}/wharf-emulator-interop.XXXXXX")"
mkdir -p "$work/home"
emulator_pid=""
cleanup() {
    if [ -n "$emulator_pid" ] && kill -0 "$emulator_pid" 2>/dev/null; then
        kill "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
HOME="$work/home" "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$here/emulator_requirements.txt"

cd "$root"
cargo build --quiet -p wharf-emulator --bin wharf-emulator
target_dir="$(cargo metadata --format-version 1 --no-deps \
    | "$venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
emulator="$target_dir/debug/wharf-emulator"

dataset="$work/dataset.json"
"$emulator" generate --namespaces 4 --repos 173 --tags-per-repo 5 --official-images 12 \
    --seed 20240615 --out "$dataset"

"$emulator" --listen 127.0.0.1:0 --dataset "$dataset" \
    --huawei-ak "$ak" --huawei-sk "$sk" \
    --ucloud-public-key "$public_key" --ucloud-private-key "$private_key" \
    >"$work/stdout" 2>"$work/stderr" &
emulator_pid=$!

endpoint=""
for _ in $(seq 1 100); do
    line="$(head -n 1 "$work/stdout" 2>/dev/null || true)"
    if [[ "$line" == "listening on http://"* ]]; then
        endpoint="${line#listening on }"
        break
    fi
    if ! kill -0 "$emulator_pid" 2>/dev/null; then
        break
    fi
    sleep 0.1
done
if [ -z "$endpoint" ]; then
    echo "emulator interop: the emulator did not start" >&2
    cat "$work/stderr" >&2
    exit 1
fi

status=0
HOME="$work/home" "$venv/bin/python" "$here/emulator_interop.py" \
    --endpoint "$endpoint" --dataset "$dataset" \
    --ak "$ak" --sk "$sk" --public-key "$public_key" --private-key "$private_key" \
    || status=$?

# Stop the emulator with SIGTERM and check that it exits cleanly (status 0)
# within 10 seconds; otherwise kill it and fail.
kill -TERM "$emulator_pid"
stopped=""
for _ in $(seq 1 100); do
    if ! kill -0 "$emulator_pid" 2>/dev/null; then
        stopped=yes
        break
    fi
    sleep 0.1
done
if [ -z "$stopped" ]; then
    echo "emulator interop: the emulator did not stop within 10 s of SIGTERM; killing it" >&2
    kill -KILL "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
    emulator_pid=""
    status=1
else
    emulator_status=0
    wait "$emulator_pid" || emulator_status=$?
    emulator_pid=""
    if [ "$emulator_status" -ne 0 ]; then
        echo "emulator interop: the emulator exited with status $emulator_status after SIGTERM" >&2
        status=1
    fi
fi
if [ "$status" -ne 0 ]; then
    echo "emulator interop: emulator log:" >&2
    tail -n 40 "$work/stderr" >&2
fi
exit "$status"
