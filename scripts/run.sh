#!/usr/bin/env bash
# `make run`: install what is missing, create (or reuse) the demo database
# var/db/property.sqlite, activate/update every addon in addons/ (with
# Chinese), load the demo data, then serve the web client on
# http://127.0.0.1:8000 in the foreground (Ctrl-C stops it).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# trytond.conf uses paths relative to the repository root.
cd "$ROOT"

DB=property
# trytond.conf keeps paths relative to the repository, but trytond's SQLite
# backend turns a relative database path into an absolute URI
# (var/db -> file:///var/db/...): every tool gets var/trytond.conf, a copy
# with the relative `path` and `root` made absolute.
CONF=var/trytond.conf
ADMIN_LOGIN=admin
ADMIN_PASSWORD="${ADMIN_PASSWORD:-propertyadmin}"
ADMIN_EMAIL="${ADMIN_EMAIL:-admin@example.com}"
BIN="$ROOT/.venv/bin"

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

bash scripts/setup.sh

# The server and the tools read their configuration file only.
unset TRYTOND_CONFIG TRYTOND_DATABASE__URI TRYTOND_DATABASE__PATH DB_NAME

mkdir -p var/db
sed -E "s#^(path|root)([[:space:]]*=[[:space:]]*)([^/[:space:]].*)\$#\1\2$ROOT/\3#" \
    trytond.conf > "$CONF"

# trytond-admin wants the SQLite file to exist (it may be empty).
if [[ ! -s "var/db/$DB.sqlite" ]]; then
    log "creating database $DB (var/db/$DB.sqlite)"
    touch "var/db/$DB.sqlite"
else
    log "reusing database $DB (var/db/$DB.sqlite)"
fi

# Every addon in addons/.
modules=()
for cfg in addons/*/tryton.cfg; do
    [[ -f $cfg ]] && modules+=("$(basename "$(dirname "$cfg")")")
done

# Activate or update the addons (and their dependencies) with Chinese.
# The admin password is (re)set from a file named by TRYTONPASSFILE.
passfile="$(mktemp)"
trap 'rm -f "$passfile"' EXIT
printf '%s\n' "$ADMIN_PASSWORD" > "$passfile"
log "trytond-admin: activating/updating ${modules[*]:-(no addon)}"
t=$SECONDS
TRYTONPASSFILE="$passfile" "$BIN/trytond-admin" -c "$CONF" -d "$DB" --all \
    -l zh_CN --activate-dependencies --email "$ADMIN_EMAIL" -p \
    ${modules[@]+-u "${modules[@]}"} </dev/null
rm -f "$passfile"
log "trytond-admin done in $((SECONDS - t))s"

# Demo data (idempotent).
if [[ -f scripts/demo.py ]]; then
    log "loading demo data (scripts/demo.py)"
    "$BIN/python" scripts/demo.py -c "$CONF" -d "$DB"
else
    log "scripts/demo.py not found: no demo data loaded"
fi

cat <<MSG

  Property management (Tryton 8.0) is starting.
    URL:      http://127.0.0.1:8000/
    Database: $DB
    Login:    $ADMIN_LOGIN
    Password: $ADMIN_PASSWORD
  Stop the server with Ctrl-C.

MSG
# -d is required: trytond 8.0.12 fails the web login without it.
exec "$BIN/trytond" -c "$CONF" -d "$DB"
