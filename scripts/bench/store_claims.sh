#!/usr/bin/env bash
# The job store's claim/complete throughput with a trivial converter (the
# queue's overhead alone), figures in docs/BENCHMARKS.md: JOBS jobs drained
# by WORKERS concurrent workers, each job one claim (FOR UPDATE SKIP
# LOCKED), one page count, one batch completion and one finish; on a fresh
# PostgreSQL 15 cluster (default settings, fsync on) and on SQLite.
#
#   scripts/bench/store_claims.sh [JOBS] [WORKERS]     (default 2000 16)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/bench/pg_cluster.sh
jobs="${1:-2000}"; workers="${2:-16}"
cargo build -q -p parasol-server --example store_bench
bench="${CARGO_TARGET_DIR:-target}/debug/examples/store_bench"
dir="$(mktemp -d /tmp/parasol-bench-pg.XXXXXX)"
trap 'pg_down "$dir"' EXIT
pg_up "$dir"
"$bench" "$PG_URL" "$jobs" "$workers"
sqlite="$(mktemp -d /tmp/parasol-bench-sqlite.XXXXXX)"
"$bench" "sqlite:$sqlite" "$jobs" "$workers"
rm -rf "$sqlite"
