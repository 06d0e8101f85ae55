#!/usr/bin/env bash
# Regenerate samples/ (report.pdf, report-scan.png, receipt-photo.jpg, korean-scan.png).
# Usage (from anywhere):  bash scripts/make_samples.sh [--out DIR]
# Creates a throwaway venv (default /tmp/parasol-samples-venv, override with
# SAMPLES_VENV) with pinned packages and, if the Debian fonts are missing and
# we are root, installs fonts-dejavu-core and fonts-ipafont-gothic.
# Needs Python >= 3.11 (numpy 2.4.6). See scripts/make_samples.py for details.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${SAMPLES_VENV:-/tmp/parasol-samples-venv}"
python="${PYTHON:-python3}"

if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ] \
  || [ ! -f /usr/share/fonts/opentype/ipafont-gothic/ipag.ttf ] \
  || [ ! -f /usr/share/fonts/truetype/nanum/NanumMyeongjo.ttf ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core fonts-ipafont-gothic fonts-nanum
  else
    echo "missing fonts: apt-get install fonts-dejavu-core fonts-ipafont-gothic fonts-nanum" >&2
    exit 1
  fi
fi

if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/pip" install -q --disable-pip-version-check \
  reportlab==5.1.0 charset-normalizer==3.5.3 pypdfium2==5.15.2 pillow==13.0.0 numpy==2.4.6

exec "$venv/bin/python" "$here/make_samples.py" "$@"
