#!/usr/bin/env bash
# A private, throwaway PostgreSQL cluster for the tests.
#   scripts/pgcluster.sh start      prints the cluster folder on stdout (last
#                                   line) and writes DIR/uri with the
#                                   TRYTOND_DATABASE__URI to use
#   scripts/pgcluster.sh stop DIR   stops the cluster and removes DIR
# initdb refuses to run as root, so as root the cluster belongs to the
# non-root user $PGUSER_OS (default: postgres, created by the Debian package).
set -euo pipefail

PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
PGUSER_OS="${PGUSER_OS:-postgres}"

# Run a command as the cluster's owner (as ourselves when not root).
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u "$PGUSER_OS" -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 - <<'PY'
import socket
s = socket.socket()
s.bind(('127.0.0.1', 0))
print(s.getsockname()[1])
s.close()
PY
}

start() {
    local dir port sock
    dir="$(mktemp -d /tmp/property-pg.XXXXXX)"
    chmod 755 "$dir"
    [[ $(id -u) -eq 0 ]] && chown "$PGUSER_OS" "$dir"
    sock="$dir/socket"
    as_owner mkdir -p "$sock"
    port="$(free_port)"
    echo "$port" > "$dir/port"
    # Trust authentication is fine: loopback only, gone after the tests.
    as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
        --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; stop "$dir"; exit 1; }
    # Durability is pointless for a throwaway cluster: turn it off for speed.
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $sock -c listen_addresses=127.0.0.1 -c fsync=off \
            -c synchronous_commit=off -c full_page_writes=off \
            -c max_connections=200" start >/dev/null \
        || { cat "$dir/server.log" >&2; stop "$dir"; exit 1; }
    echo "postgresql://postgres@127.0.0.1:$port/" > "$dir/uri"
    echo "$dir"
}

stop() {
    local dir="$1"
    [[ -n "$dir" && -d "$dir" ]] || return 0
    if [[ -f "$dir/data/postmaster.pid" ]]; then
        as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w -t 60 stop \
            >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
