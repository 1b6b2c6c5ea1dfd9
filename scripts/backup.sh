#!/usr/bin/env bash
# Back up a PostgreSQL database of the suite, or restore a backup into a
# new database.
#
#   scripts/backup.sh dump    DATABASE FILE      # pg_dump, custom format
#   scripts/backup.sh restore FILE DATABASE      # into a new database
#
# The server is the one of TRYTOND_DATABASE__URI (postgresql://user@host:
# port/), else the [database] uri of the file named by TRYTOND_CONFIG,
# else the local default. The restored database is ready for trytond:
# start it with `trytond -c <conf> -d DATABASE`.
set -euo pipefail

PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
[[ -x "$PGBIN/pg_dump" ]] || PGBIN="$(dirname "$(command -v pg_dump)")"

uri="${TRYTOND_DATABASE__URI:-}"
if [[ -z "$uri" && -n "${TRYTOND_CONFIG:-}" ]]; then
    uri="$(sed -n 's/^uri *= *//p' "$TRYTOND_CONFIG" | head -1)"
fi
# libpq connection string of a database on that server
conn() {
    if [[ "$uri" == postgresql://* ]]; then echo "${uri%/}/$1"; else echo "$1"; fi
}

case "${1:-}" in
    dump)
        [[ $# -eq 3 ]] || { echo "usage: $0 dump DATABASE FILE" >&2; exit 2; }
        "$PGBIN/pg_dump" --format=custom --no-owner --dbname="$(conn "$2")" \
            --file="$3"
        echo "dumped $2 to $3"
        ;;
    restore)
        [[ $# -eq 3 ]] || { echo "usage: $0 restore FILE DATABASE" >&2; exit 2; }
        "$PGBIN/psql" -q -v ON_ERROR_STOP=1 --dbname="$(conn postgres)" \
            -c "CREATE DATABASE \"$3\" ENCODING 'UTF8' TEMPLATE template0"
        "$PGBIN/pg_restore" --no-owner --exit-on-error --dbname="$(conn "$3")" "$2"
        echo "restored $2 into $3"
        ;;
    *)
        sed -n '2,10p' "$0" >&2
        exit 2
        ;;
esac
