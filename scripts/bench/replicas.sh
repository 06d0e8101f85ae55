#!/usr/bin/env bash
# End-to-end pages/s of one `parasol serve` with 2 workers against two
# replicas with 1 worker each on one PostgreSQL (figures in
# docs/BENCHMARKS.md): the same cores and the same number of workers, so
# the ratio is the cost of the shared store and the replicas, not more
# hardware. DOCS async jobs (samples/report.pdf, report-scan.png,
# receipt-photo.jpg in turn) are submitted round-robin to the replicas up
# front; the time runs from the first submission to the last completion.
#
#   scripts/bench/replicas.sh [DOCS]    (default 24; PARASOL=path/to/parasol)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/bench/pg_cluster.sh
docs="${1:-24}"
parasol="${PARASOL:-${CARGO_TARGET_DIR:-target}/release/parasol}"
[[ -x "$parasol" ]] || { echo "build first, or set PARASOL: $parasol" >&2; exit 2; }
samples=(samples/report.pdf samples/report-scan.png samples/receipt-photo.jpg)
work="$(mktemp -d /tmp/parasol-bench-replicas.XXXXXX)"
# The cluster inside runs as `postgres` when we are root: it must get in.
chmod 755 "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait || true; pg_down "$work/pg"; rm -rf "$work"; }
trap cleanup EXIT

start_replica() { # NAME WORKERS; appends to bases
    "$parasol" serve --addr 127.0.0.1:0 --data-dir "$work/data-$1" --store "$PG_URL" \
        --signing-secret bench --workers "$2" 2> "$work/$1.log" &
    pids+=($!)
    for _ in $(seq 1 900); do
        local base
        base=$(grep -o 'listening on http://[0-9.:]*' "$work/$1.log" | sed 's/listening on //' || true)
        if [[ -n "$base" ]]; then bases+=("$base"); return 0; fi
        sleep 0.2
    done
    echo "replica $1 did not start" >&2; exit 1
}

run() { # LABEL REPLICAS WORKERS_EACH
    pg_up "$work/pg"
    bases=()
    for r in $(seq 1 "$2"); do start_replica "$1-$r" "$3"; done
    local ids=() start end pages=0
    start=$(date +%s.%N)
    for i in $(seq 0 $((docs - 1))); do
        local base="${bases[$((i % ${#bases[@]}))]}"
        ids+=("$(curl -sf "$base/v1/document-digitization/async" -F "document=@${samples[$((i % 3))]}" | jq -r .request_id)")
    done
    for i in "${!ids[@]}"; do
        local base="${bases[$(((i + 1) % ${#bases[@]}))]}" status
        while :; do
            status=$(curl -sf "$base/v1/document-digitization/requests/${ids[$i]}" | jq -r .status || echo error)
            [[ "$status" == completed || "$status" == failed ]] && break
            sleep 0.2
        done
        [[ "$status" == completed ]] || { echo "job ${ids[$i]} failed" >&2; exit 1; }
    done
    end=$(date +%s.%N)
    pages=$(psql_count "SELECT coalesce(sum(total_pages), 0) FROM jobs")
    local once result_bytes image_bytes
    once=$(psql_count "SELECT count(*) FROM batches WHERE conversions <> 1")
    result_bytes=$(psql_count "SELECT coalesce(sum(octet_length(result)), 0) FROM batches")
    image_bytes=$(psql_count "SELECT coalesce(sum(octet_length(png)), 0) FROM page_images")
    python3 -c "import json,sys; p,s,e=int(sys.argv[2]),float(sys.argv[3]),float(sys.argv[4]); print(json.dumps({'setup': sys.argv[1], 'jobs': int(sys.argv[5]), 'pages': p, 'seconds': round(e-s,2), 'pages_per_s': round(p/(e-s),3), 'batches_not_converted_once': int(sys.argv[6]), 'result_bytes_per_page': int(sys.argv[7])//p, 'page_image_bytes_per_page': int(sys.argv[8])//p}))" \
        "$1" "$pages" "$start" "$end" "$docs" "$once" "$result_bytes" "$image_bytes"
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    wait || true
    pids=()
    pg_down "$work/pg"
}

psql_count() {
    "$PG_BIN/psql" -X -At -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "$1"
}

run "1 replica x 2 workers" 1 2
run "2 replicas x 1 worker" 2 1
