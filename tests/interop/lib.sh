# Shared by the interop scripts (sourced, not run): the virtualenv with the
# pinned official SDKs, and the workspace's target directory.

# Creates or reuses tests/interop/.venv and installs the pinned SDKs
# (emulator_requirements.txt) into it, with HOME at $1 (the Huawei SDK
# writes $HOME/.huaweicloud on import). Sets $venv.
interop_venv() {
    local home="$1"
    local interop
    interop="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
    venv="$interop/.venv"
    if [ ! -x "$venv/bin/python" ]; then
        "${PYTHON:-python3}" -m venv "$venv"
    fi
    HOME="$home" "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        -r "$interop/emulator_requirements.txt"
}

# Prints the workspace's target directory (run from the workspace root,
# after interop_venv).
interop_target_dir() {
    cargo metadata --format-version 1 --no-deps \
        | "$venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])'
}
