#!/usr/bin/env bash
# Wire-level differential test: the official SDKs and wharf make the same
# logical calls against one capture server, and what each sent is compared
# field by field (tests/interop/wire/README.md).
#
#   tests/interop/wire/run.sh
#
# Creates or reuses tests/interop/.venv (git-ignored) and installs the pinned
# SDKs into it (tests/interop/emulator_requirements.txt), as
# run_emulator_interop.sh does; builds wharf-wire; starts capture.py on a free
# loopback port; runs sdk_calls.py (the SDK side) and wharf-wire (the wharf
# side) against it; then compare.py, with its self-test of deliberate
# mismatches. HOME points at a temporary folder while the SDKs run (the
# Huawei SDK writes $HOME/.huaweicloud on import). Exits non-zero on any
# difference not listed as harmless (or as a known bug) in compare.py.
#
# WHARF_SEEDS_DIR names the seed pages' folder, to check seed_requests.json
# against them (default: shared/spec/seeds beside the repository, when there).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
interop="$(cd "$here/.." && pwd)"
# shellcheck source=../lib.sh
source "$interop/lib.sh"
root="$(cd "$here/../../.." && pwd)"

ak="WHARFWIREACCESSKEY"
sk="wharf-wire-secret-key"
project_id="wharf-wire-project"
public_key="wharf-wire-public-key"
private_key="wharf-wire-private-key"
region="cn-bj2"
uhub_project="org-wharf-wire"

work="$(mktemp -d "${TMPDIR:-/tmp}/wharf-wire.XXXXXX")"
mkdir -p "$work/home"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

interop_venv "$work/home"

cd "$root"
cargo build --quiet -p wharf-tests --bin wharf-wire
target_dir="$(interop_target_dir)"
wharf_wire="$target_dir/debug/wharf-wire"

capture="$work/capture.jsonl"
"$venv/bin/python" "$here/capture.py" --out "$capture" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!

endpoint=""
for _ in $(seq 1 100); do
    line="$(head -n 1 "$work/server.out" 2>/dev/null || true)"
    if [[ "$line" == "listening on http://"* ]]; then
        endpoint="${line#listening on }"
        break
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
        break
    fi
    sleep 0.1
done
if [ -z "$endpoint" ]; then
    echo "wire: the capture server did not start" >&2
    cat "$work/server.err" >&2
    exit 1
fi

calls="$here/calls.json"
common=(--endpoint "$endpoint" --calls "$calls" --ak "$ak" --sk "$sk"
    --project-id "$project_id" --public-key "$public_key" --private-key "$private_key"
    --region "$region" --uhub-project "$uhub_project")

status=0
HOME="$work/home" "$venv/bin/python" "$here/sdk_calls.py" "${common[@]}" || status=$?
"$wharf_wire" "${common[@]}" || status=$?

seeds="${WHARF_SEEDS_DIR:-$(cd "$root/.." && pwd)/shared/spec/seeds}"
HOME="$work/home" "$venv/bin/python" "$here/compare.py" --capture "$capture" --calls "$calls" \
    --ak "$ak" --sk "$sk" --project-id "$project_id" \
    --public-key "$public_key" --private-key "$private_key" \
    --seeds "$seeds" --self-test || status=$?

if [ "$status" -ne 0 ]; then
    echo "wire: FAILED (status $status)" >&2
    if [ -s "$work/server.err" ]; then
        echo "wire: capture server log:" >&2
        tail -n 40 "$work/server.err" >&2
    fi
fi
exit "$status"
