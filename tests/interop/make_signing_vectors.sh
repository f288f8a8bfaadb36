#!/usr/bin/env bash
# Regenerate tests/fixtures/signing/{huawei,ucloud}.json with the official
# Python SDKs (versions pinned in tests/interop/requirements.txt).
#
#   tests/interop/make_signing_vectors.sh
#
# Creates tests/interop/.venv on first use (git-ignored). Importing the Huawei
# SDK writes $HOME/.huaweicloud/application_id, so HOME points at a temporary
# folder that is removed afterwards.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi

home="$(mktemp -d "${TMPDIR:-/tmp}/wharf-vectors-home.XXXXXX")"
trap 'rm -rf "$home"' EXIT

HOME="$home" "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$here/requirements.txt"
HOME="$home" WHARF_VECTORS_HOME_OK=1 PYTHONHASHSEED=0 \
    "$venv/bin/python" "$here/make_signing_vectors.py"
