# Sourced by the benchmarks that need PostgreSQL: `pg_up DIR` starts a
# fresh PostgreSQL 15 cluster in DIR on a free port (as the `postgres` user
# when run as root) and sets PG_URL; `pg_down DIR` stops and removes it.
# Default settings (fsync on), unlike the tests' cluster.
PG_BIN=/usr/lib/postgresql/15/bin
[[ -x "$PG_BIN/initdb" ]] || { echo "PostgreSQL 15 is missing: apt-get install postgresql" >&2; exit 2; }

pg_as() {
    if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_up() {
    local dir="$1"
    rm -rf "$dir"; mkdir -p "$dir"
    [[ "$(id -u)" == 0 ]] && chown postgres: "$dir"
    PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    pg_as "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    pg_as "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
        -o "-p $PG_PORT -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
    PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
}

pg_down() {
    [[ -d "$1/data" ]] || { rm -rf "$1"; return 0; }
    pg_as "$PG_BIN/pg_ctl" -D "$1/data" -m fast -w stop >/dev/null || true
    rm -rf "$1"
}
