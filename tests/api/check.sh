#!/usr/bin/env bash
# The public API of each published crate, as text (tests/api/CRATE.txt),
# from rustdoc's JSON (an unstable output of the stable toolchain), rendered
# by render.py.
#
#   tests/api/check.sh          fail, with a diff, when a surface changed
#   tests/api/check.sh --bless  write the new surfaces
#
# Every change to what a user can name shows in review as a diff of these
# files. Run by `cargo xtask ci` (step `public api`).
set -euo pipefail
cd "$(dirname "$0")/../.."

bless=false
[[ "${1:-}" == "--bless" ]] && bless=true

# rustdoc's JSON is unstable: the machine's one toolchain is allowed it for
# this command alone (RUSTC_BOOTSTRAP), so no nightly toolchain is needed.
# A target directory of its own, inside the shared one: the bootstrap flag
# would otherwise make cargo rebuild the workspace's artifacts for it.
target="${CARGO_TARGET_DIR:-$PWD/target}/public-api"
status=0
for crate in wharf-model wharf-parse wharf-auth wharf-transport wharf wharf-emulator; do
    json="$target/doc/${crate//-/_}.json"
    RUSTC_BOOTSTRAP=1 cargo rustdoc -q -p "$crate" --lib --all-features --target-dir "$target" \
        -- -Z unstable-options --output-format json
    rendered="$(python3 tests/api/render.py "$json")"
    file="tests/api/$crate.txt"
    if $bless; then
        printf '%s\n' "$rendered" > "$file"
        echo "public api: wrote $file ($(wc -l < "$file") items)"
    elif ! diff -u "$file" <(printf '%s\n' "$rendered") > "$target/api-$crate.diff"; then
        echo "public api: $crate changed; review the diff, then run tests/api/check.sh --bless:" >&2
        cat "$target/api-$crate.diff" >&2
        status=1
    fi
done
exit $status
