#!/usr/bin/env bash
# Load benchmark of `parasol serve` (figures in docs/BENCHMARKS.md):
#   1. `parasol convert` on the ordinary documents of the mix, once each: the
#      pages/s the server is compared with, measured in the same run;
#   2. `parasol serve` (default workers) and 16 clients sending 200 requests
#      drawn round-robin from the mix (born-digital PDFs, scans, hostile
#      files): lost and unexpected answers, pages/s, latency, RSS of the
#      server and its workers over the run;
#   3. the same with room for only 2 waiting requests: queue-full answers
#      (429 + Retry-After) that the clients retry, none lost.
#
#   scripts/bench/serve_load.sh [OUT_DIR]      (needs target/release/parasol)
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-target/bench/serve}"
mkdir -p "$out"
parasol="target/release/parasol"
[[ -x "$parasol" ]] || { echo "build first: cargo build --release -p parasol" >&2; exit 2; }
corpus="../shared/corpus"

ordinary=(
    samples/report.pdf samples/report-scan.png samples/receipt-photo.jpg
    "$corpus/docling/pdf/sources/2305.03393v1-pg9.pdf"
    "$corpus/docling/pdf/sources/code_and_formula.pdf"
    "$corpus/docling/pdf/sources/multi_page.pdf"
    "$corpus/docling/pdf/sources/normal_4pages.pdf"
    "$corpus/docling/pdf/sources/right_to_left_01.pdf"
    "$corpus/forms/funsd_testing/images/82092117.png"
    "$corpus/forms/funsd_testing/images/82200067_0069.png"
    "$corpus/ocr/tesseract-test/eurotext.tif"
)
hostile=(
    "$corpus/hostile/derived/zero_bytes.pdf"
    "$corpus/hostile/derived/tracemonkey_truncated_1KiB.pdf"
    "$corpus/hostile/derived/leading_garbage_1KiB.pdf"
    "$corpus/hostile/derived/zero_pages_qpdf_empty.pdf"
    "$corpus/hostile/derived/huge_mediabox_200000pt.pdf"
    "$corpus/hostile/pdfjs/encrypted/issue6010_1.pdf"
)

python="$(dirname "$0")/../../target/client-venv/bin/python"
bash tests/clients/setup_venv.sh target/client-venv >&2

echo "== parasol convert, once per ordinary document" >&2
rm -rf "$out/convert"
start=$(date +%s.%N)
"$parasol" convert "${ordinary[@]}" --out "$out/convert" --format json 2> "$out/convert.log"
end=$(date +%s.%N)
tail -1 "$out/convert.log" >&2
python3 - "$out/convert" "$start" "$end" > "$out/convert.json" <<'EOF'
import json, os, sys
d, start, end = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
pages = sum(json.load(open(os.path.join(r, f)))["usage"]["pages"]
            for r, _, fs in os.walk(d) for f in fs if f.endswith(".json"))
print(json.dumps({"pages": pages, "seconds": end - start, "pages_per_s": pages / (end - start)}))
EOF
cat "$out/convert.json" >&2

run_server() { # NAME EXTRA_ARGS... ; sets server_pid and base
    local name="$1"; shift
    rm -rf "$out/data-$name"
    "$parasol" serve --addr 127.0.0.1:0 --data-dir "$out/data-$name" "$@" 2> "$out/server-$name.log" &
    server_pid=$!
    for _ in $(seq 1 600); do
        base=$(grep -o 'listening on http://[0-9.:]*' "$out/server-$name.log" | sed 's/listening on //' || true)
        [[ -n "$base" ]] && return 0
        sleep 0.2
    done
    echo "the server did not start" >&2; exit 1
}

echo "== 16 clients, 200 requests" >&2
run_server load
"$python" scripts/bench/serve_load.py --base-url "$base" --clients 16 --requests 200 \
    --server-pid "$server_pid" --out "$out/load.json" "${ordinary[@]}" --hostile "${hostile[@]}" || status=$?
kill -TERM "$server_pid"; wait "$server_pid" || true

echo "== queue full: 16 clients, 2 waiting places" >&2
run_server queue --max-waiting 2
"$python" scripts/bench/serve_load.py --base-url "$base" --clients 16 --requests 64 \
    --server-pid "$server_pid" --out "$out/queue.json" "${ordinary[@]}" --hostile "${hostile[@]}" || status=$?
kill -TERM "$server_pid"; wait "$server_pid" || true
exit "${status:-0}"
