#!/usr/bin/env bash
# Regenerates the benchmark tables: every `parasol-eval` suite, Parasol beside
# its peers (RapidOCR, Tesseract, pdftotext) measured in the same run, on
# this machine.
#
#   scripts/peers/benchmarks.sh [OUT.md]      (default: docs/BENCHMARKS.md)
#
# Builds the release binary, runs the peers (scripts/peers/run.sh), then
# `parasol-eval all`, and writes OUT.md plus target/eval/all.json. Takes
# about 20 minutes on 2 cores. Only the block between the GENERATED
# markers of OUT.md is replaced. Exits non-zero if a suite recorded a failure
# (the tables are written anyway).
set -euo pipefail
cd "$(dirname "$0")/../.."

out="${1:-docs/BENCHMARKS.md}"
mkdir -p target/eval "$(dirname "$out")"

cargo build --release -p parasol -p parasol-eval
scripts/peers/run.sh

status=0
target/release/parasol-eval all --json target/eval/all.json --markdown target/eval/all.md || status=$?

# The generated tables replace what lies between the markers in OUT.md;
# the hand-written sections around them (model-level benchmarks) stay.
python3 - "$out" target/eval/all.md <<'PY'
import sys
out, tables = sys.argv[1], open(sys.argv[2]).read()
begin, end = "<!-- BEGIN GENERATED: scripts/peers/benchmarks.sh -->", "<!-- END GENERATED -->"
try:
    doc = open(out).read()
except FileNotFoundError:
    doc = "# Benchmarks\n\n" + begin + "\n" + end + "\n"
head, rest = doc.split(begin, 1)
_, tail = rest.split(end, 1)
open(out + ".partial", "w").write(head + begin + "\n\n" + tables.strip() + "\n\n" + end + tail)
PY
mv "$out.partial" "$out"
echo "wrote $out (exit status of parasol-eval: $status)"
exit "$status"
