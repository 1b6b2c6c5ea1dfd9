#!/usr/bin/env bash
# `make test`: install what the tests need, then run every addon's tests on
# SQLite (plus the browser end-to-end test) and on a private, throwaway
# PostgreSQL cluster. Ends with one line "N passed, N failed, N skipped"
# summing both backends; exits non-zero if anything failed.
# Options (environment): BACKENDS="sqlite postgresql" (default both),
# BROWSER=0 to leave out the browser test.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BACKENDS="${BACKENDS:-sqlite postgresql}"
BROWSER="${BROWSER:-1}"
PY="$ROOT/.venv/bin/python"

t0=$SECONDS
bash scripts/setup.sh --test
# Under make test the browser test must run: fail rather than skip it.
export REQUIRE_BROWSER=1
echo "setup: $((SECONDS - t0))s"

RESULTS="$(mktemp -d /tmp/property-results.XXXXXX)"
PGDIR=""
cleanup() {
    # Always stop the private PostgreSQL cluster, also on failure/interrupt.
    if [[ -n "$PGDIR" ]]; then
        bash scripts/pgcluster.sh stop "$PGDIR" || true
    fi
    rm -rf "$RESULTS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p tests/artifacts
status=0
for backend in $BACKENDS; do
    t=$SECONDS
    args=(--backend "$backend" --summary "$RESULTS/$backend.json")
    case "$backend" in
        sqlite)
            [[ "$BROWSER" == 1 ]] && args+=(--browser)
            "$PY" tests/run.py "${args[@]}" || status=1
            ;;
        postgresql)
            PGDIR="$(bash scripts/pgcluster.sh start)"
            echo "private PostgreSQL cluster in $PGDIR ($(cat "$PGDIR/uri"))"
            TRYTOND_DATABASE__URI="$(cat "$PGDIR/uri")" \
                "$PY" tests/run.py "${args[@]}" || status=1
            bash scripts/pgcluster.sh stop "$PGDIR"
            PGDIR=""
            ;;
        *) echo "unknown backend $backend" >&2; exit 2 ;;
    esac
    echo "$backend tests: $((SECONDS - t))s"
done

# Sum the per-backend results; a backend that wrote none counts as a failure.
"$PY" - "$RESULTS" $BACKENDS <<'PY' || status=1
import json, os, sys
folder, backends = sys.argv[1], sys.argv[2:]
total = {'passed': 0, 'failed': 0, 'skipped': 0}
for backend in backends:
    try:
        with open(os.path.join(folder, backend + '.json')) as fp:
            counts = json.load(fp)
    except OSError:
        counts = {'passed': 0, 'failed': 1, 'skipped': 0}
        print(f"{backend}: no results (the test runner crashed)")
    else:
        print(f"{backend}: {counts['passed']} passed, {counts['failed']} "
            f"failed, {counts['skipped']} skipped in {counts['seconds']}s")
    for key in total:
        total[key] += counts[key]
print(f"{total['passed']} passed, {total['failed']} failed, "
    f"{total['skipped']} skipped")
sys.exit(1 if total['failed'] or not total['passed'] else 0)
PY
exit $status
