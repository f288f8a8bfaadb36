#!/usr/bin/env bash
# Regenerate tests/fixtures/signing/{huawei,ucloud}.json with the official
# Python SDKs (versions pinned in tests/interop/requirements.txt); run as
# `cargo xtask vectors`.
#
#   tests/interop/make_signing_vectors.sh                         write them
#   tests/interop/make_signing_vectors.sh --check                 compare, write nothing
#   tests/interop/make_signing_vectors.sh --check --if-installed  the same, but only
#       when the pinned SDKs are installed already; otherwise say so and succeed
#       (`cargo xtask fixtures --check` runs this: it must not need the network)
#
# Exit status: 0 up to date (or written, or skipped), 1 out of date, other: error.
#
# Creates tests/interop/.venv on first use (git-ignored). Importing the Huawei
# SDK writes $HOME/.huaweicloud/application_id, so HOME points at a temporary
# folder that is removed afterwards.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"

check=()
if_installed=""
for arg in "$@"; do
    case "$arg" in
        --check) check=(--check) ;;
        --if-installed) if_installed=yes ;;
        *)
            echo "usage: $0 [--check [--if-installed]]" >&2
            exit 2
            ;;
    esac
done
if [ -n "$if_installed" ] && [ ${#check[@]} -eq 0 ]; then
    echo "make_signing_vectors.sh: --if-installed goes with --check" >&2
    exit 2
fi

home="$(mktemp -d "${TMPDIR:-/tmp}/wharf-vectors-home.XXXXXX")"
trap 'rm -rf "$home"' EXIT

pip=(-m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt")
if [ -n "$if_installed" ]; then
    # With no index pip can install nothing: it succeeds only when every pinned
    # SDK, and what it needs, is installed at its pinned version.
    if [ ! -x "$venv/bin/python" ] \
        || ! HOME="$home" "$venv/bin/python" "${pip[@]}" --no-index >/dev/null 2>&1; then
        echo "signing vectors: skipped, the official Python SDKs pinned in" \
            "tests/interop/requirements.txt are not installed in tests/interop/.venv" \
            "(\`cargo xtask vectors --check\` installs them and checks)"
        exit 0
    fi
else
    if [ ! -x "$venv/bin/python" ]; then
        "$python" -m venv "$venv"
    fi
    HOME="$home" "$venv/bin/python" "${pip[@]}"
fi
HOME="$home" WHARF_VECTORS_HOME_OK=1 PYTHONHASHSEED=0 \
    "$venv/bin/python" "$here/make_signing_vectors.py" ${check[@]+"${check[@]}"}
