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
PIDS=()
cleanup() {
    # Stop the phases still running (interrupt, failure), then always stop
    # the private PostgreSQL cluster.
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [[ -n "$PGDIR" ]]; then
        bash scripts/pgcluster.sh stop "$PGDIR" || true
    fi
    rm -rf "$RESULTS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p tests/artifacts
for backend in $BACKENDS; do
    case "$backend" in
        sqlite) ;;
        postgresql)
            PGDIR="$(bash scripts/pgcluster.sh start)"
            echo "private PostgreSQL cluster in $PGDIR ($(cat "$PGDIR/uri"))"
            ;;
        *) echo "unknown backend $backend" >&2; exit 2 ;;
    esac
done

# The backends run at the same time, each in a process of its own: a
# backend keeps about one core busy, so on two cores both take about the
# time of the longer one. PostgreSQL's is the longer: its PostgreSQL-only
# tests (concurrent transactions, worker processes killed, backups) run in
# a third process on the same cluster, with a database name of its own,
# started when the first of the other two has ended and left a core free
# (by then the cached databases they restore are on the cluster). Each
# writes its output to a file of its own, printed whole at the end;
# meanwhile a line a minute tells how far each has got.
t=$SECONDS
declare -A PID=() SECS=()
RUNS=()
PG_ONLY=(Concurrency BackupTestCase)
export PYTHONUNBUFFERED=1   # the progress lines read the logs
start_run() {
    local name="$1" args=() pattern
    case "$name" in
        sqlite)
            args=(--backend sqlite)
            [[ "$BROWSER" == 1 ]] && args+=(--browser)
            ;;
        postgresql)
            args=(--backend postgresql)
            for pattern in "${PG_ONLY[@]}"; do args+=(--exclude "$pattern"); done
            # the modules' definition checks (views, XML, depends, access,
            # translations: the same on every backend) run once, on SQLite
            [[ " $BACKENDS " == *" sqlite "* ]] && args+=(--no-definition-checks)
            ;;
        postgresql-only)
            args=(--backend postgresql)
            for pattern in "${PG_ONLY[@]}"; do args+=(-k "$pattern"); done
            ;;
    esac
    args+=(--summary "$RESULTS/$name.json")
    case "$name" in
        sqlite)
            "$PY" tests/run.py "${args[@]}" >"$RESULTS/$name.log" 2>&1 &
            ;;
        postgresql)
            DB_NAME=test_property TRYTOND_DATABASE__URI="$(cat "$PGDIR/uri")" \
                "$PY" tests/run.py "${args[@]}" >"$RESULTS/$name.log" 2>&1 &
            ;;
        postgresql-only)
            DB_NAME=test_property_only \
                TRYTOND_DATABASE__URI="$(cat "$PGDIR/uri")" \
                "$PY" tests/run.py "${args[@]}" >"$RESULTS/$name.log" 2>&1 &
            ;;
    esac
    PID[$name]=$!
    PIDS+=($!)
    RUNS+=("$name")
}
for backend in $BACKENDS; do
    start_run "$backend"
done
pending=""
[[ " $BACKENDS " == *" postgresql "* ]] && pending=postgresql-only
done_count() {
    grep -cE '\.\.\. (ok|FAIL|ERROR|skipped.*|expected failure|unexpected success)$' \
        "$RESULTS/$1.log" 2>/dev/null || true
}
while ((${#SECS[@]} < ${#PID[@]})) || [[ -n "$pending" ]]; do
    sleep 5
    line=""
    for run in "${RUNS[@]}"; do
        if [[ -z "${SECS[$run]:-}" ]] && ! kill -0 "${PID[$run]}" 2>/dev/null; then
            SECS[$run]=$((SECONDS - t))
        fi
        line+="  $run: $(done_count "$run") tests done${SECS[$run]:+ in ${SECS[$run]}s}"
    done
    if [[ -n "$pending" ]] && ((${#SECS[@]} > 0)); then
        echo "[$((SECONDS - t))s]  starting $pending"
        start_run "$pending"
        pending=""
    fi
    if (( (SECONDS - t) % 60 < 5 )); then
        echo "[$((SECONDS - t))s]$line"
    fi
done
status=0
for run in "${RUNS[@]}"; do
    wait "${PID[$run]}" || status=1
done
PIDS=()
if [[ -n "$PGDIR" ]]; then
    bash scripts/pgcluster.sh stop "$PGDIR"
    PGDIR=""
fi
for run in "${RUNS[@]}"; do
    echo
    echo "======== $run ========"
    cat "$RESULTS/$run.log"
done
echo
for run in "${RUNS[@]}"; do
    echo "$run tests: ${SECS[$run]}s"
done
echo "all tests: $((SECONDS - t))s"
# keep each backend's counts and per-test seconds for a look afterwards
cp "$RESULTS"/*.json tests/artifacts/ 2>/dev/null || true

# Sum the per-backend results; a backend that wrote none counts as a failure.
"$PY" - "$RESULTS" "${RUNS[@]}" <<'PY' || status=1
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
        # where each run's time went, at the end of the output (CI shows
        # its tail): the slowest tests and the longest set-ups
        print(f"--- {backend}: slowest tests, then longest set-ups")
        for name, seconds in list(counts.get('durations', {}).items())[:8]:
            print(f"    {seconds:7.1f}s {name}")
        for name, seconds in list(counts.get('setups', {}).items())[:4]:
            print(f"    {seconds:7.1f}s set-up {name}")
        print(f"{backend}: {counts['passed']} passed, {counts['failed']} "
            f"failed, {counts['skipped']} skipped in {counts['seconds']}s")
    for key in total:
        total[key] += counts[key]
print(f"{total['passed']} passed, {total['failed']} failed, "
    f"{total['skipped']} skipped")
sys.exit(1 if total['failed'] or not total['passed'] else 0)
PY
exit $status
