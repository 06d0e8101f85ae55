#!/usr/bin/env bash
# Creates (or reuses) a Python venv at DIR with the pinned Upstage clients
# from requirements.txt beside this script, and prints DIR's python.
#
#   tests/clients/setup_venv.sh DIR
#
# Idempotent: DIR/.stamp holds the sha256 of requirements.txt; when it
# matches, nothing is installed. On Debian, `python3 -m venv` needs the
# `python3-venv` package (apt-get install python3-venv); PYTHON=... picks
# another interpreter (3.11 or newer).
set -euo pipefail

if [[ $# -ne 1 || "$1" == -* ]]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
req="$here/requirements.txt"
dir="$1"
python="${PYTHON:-python3}"

want="$(sha256sum "$req" | cut -d' ' -f1)"
if [[ -x "$dir/bin/python" && -f "$dir/.stamp" && "$(cat "$dir/.stamp")" == "$want" ]]; then
    echo "client venv up to date: $dir (python: $dir/bin/python)"
    exit 0
fi

if [[ ! -x "$dir/bin/python" ]]; then
    if ! "$python" -m venv "$dir"; then
        echo "error: '$python -m venv' failed; on Debian install python3-venv (apt-get install python3-venv)" >&2
        exit 1
    fi
fi

rm -f "$dir/.stamp"
# --only-binary: every pinned package ships a wheel for CPython 3.11+ on
# Linux x86_64; refusing sdists keeps the install from compiling anything.
"$dir/bin/python" -m pip install --disable-pip-version-check --no-input \
    --only-binary=:all: -r "$req"
"$dir/bin/python" -c 'import langchain_upstage, requests, pypdf' \
    || { echo "error: the client venv at $dir does not import langchain_upstage" >&2; exit 1; }
echo "$want" > "$dir/.stamp"
echo "client venv ready: $dir (python: $dir/bin/python)"
