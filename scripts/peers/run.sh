#!/usr/bin/env bash
# Runs the peer systems (RapidOCR 3.10, Tesseract 5.3, pdftotext) over the
# corpus files `parasol-eval` scores, writing target/peers/<peer>.json.
#
#   scripts/peers/run.sh [--quick]
#
# Nothing is vendored: Tesseract and poppler-utils come from Debian
# (installed here with apt-get when missing and running as root, otherwise
# the command to run is printed); RapidOCR lives in a throwaway venv,
# $RAPIDOCR_VENV (default /tmp/rapidocr-venv), reused when it already holds
# rapidocr 3.10.0 and created otherwise.
set -euo pipefail
cd "$(dirname "$0")/../.."

quick=()
if [[ "${1:-}" == "--quick" ]]; then quick=(--quick); fi
venv="${RAPIDOCR_VENV:-/tmp/rapidocr-venv}"

missing=()
command -v tesseract >/dev/null || missing+=(tesseract-ocr)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
if ((${#missing[@]})); then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
    else
        echo "missing peers; install them with: sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
fi

if ! "$venv/bin/python" -c 'import importlib.metadata as m, sys; sys.exit(m.version("rapidocr") != "3.10.0")' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet rapidocr==3.10.0 onnxruntime==1.31.1
fi

python3 scripts/peers/peers.py pdftotext
python3 scripts/peers/peers.py tesseract "${quick[@]}"
"$venv/bin/python" scripts/peers/peers.py rapidocr "${quick[@]}"
