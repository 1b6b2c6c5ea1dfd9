#!/usr/bin/env bash
# Install everything the suite needs, idempotently (quick on re-run).
#   scripts/setup.sh          what `make run` needs: Debian packages, .venv with
#                             the pinned Tryton 8.0 packages + every addon, sao
#   scripts/setup.sh --test   additionally PostgreSQL, Chromium, Chinese fonts,
#                             and the Python playwright driver
# Each finished step leaves a stamp under var/stamps/; a stamp depends on its
# inputs (package lists, addons' pyproject.toml), so changes are picked up.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

MODE=run
[[ "${1:-}" == "--test" ]] && MODE=test

VENV="$ROOT/.venv"
STAMPS="$ROOT/var/stamps"
SAO_VERSION=8.0.11
SAO_DIR="$ROOT/var/sao"

# Python packages, all of the Tryton 8.0 series.
PY_PACKAGES=(
    'trytond>=8.0,<8.1'
    'trytond-party>=8.0,<8.1'
    'trytond-company>=8.0,<8.1'
    'trytond-country>=8.0,<8.1'
    'trytond-currency>=8.0,<8.1'
    'trytond-web-user>=8.0,<8.1'
    'proteus>=8.0,<8.1'
    'psycopg[binary,pool]>=3.1'
)
# aiosmtpd: a real SMTP server on loopback for the mail tests;
# gunicorn: the production WSGI server the benchmarks serve trytond with
PY_TEST_PACKAGES=('playwright>=1.40' 'hypothesis>=6.100' 'pyzbar>=0.1.9'
                  'aiosmtpd>=1.4' 'gunicorn>=21.2')

# Debian packages: for the run, and for the tests on top.
# Printed documents: WeasyPrint (a pip package, see property_base) draws
# with Pango; Noto CJK gives the Chinese glyphs of the PDFs; poppler-utils'
# pdfunite joins the batches of a billing run's fee notices into one PDF.
DEBS=(python3 python3-venv ca-certificates
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk
      poppler-utils)
# poppler-utils (pdftotext, pdffonts, pdftoppm, above) and libzbar0 (the QR
# decoder under pyzbar) let the tests read the printed PDFs back.
DEBS_TEST=(postgresql chromium fonts-wqy-zenhei fonts-liberation
           libzbar0)

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

mkdir -p "$STAMPS" var/db

# --- Debian packages: install only the missing ones ------------------------
deb_missing() {
    local p
    for p in "$@"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' \
            || echo "$p"
    done
}
wanted=("${DEBS[@]}")
command -v npm >/dev/null || wanted+=(npm)
[[ $MODE == test ]] && wanted+=("${DEBS_TEST[@]}")
mapfile -t missing < <(deb_missing "${wanted[@]}")
if ((${#missing[@]})); then
    log "apt-get install ${missing[*]}"
    SUDO=(); [[ $(id -u) -ne 0 ]] && SUDO=(sudo)
    APT_OPTS=(-y -q -o DPkg::Lock::Timeout=900)
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get "${APT_OPTS[@]}" update
    "${SUDO[@]}" apt-get "${APT_OPTS[@]}" install --no-install-recommends "${missing[@]}"
fi

# --- virtualenv --------------------------------------------------------------
if [[ ! -x "$VENV/bin/python" ]]; then
    log "creating $VENV"
    python3 -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check -q)

# --- Python packages + every addon (editable) --------------------------------
addons=()
for f in addons/*/pyproject.toml; do
    [[ -f $f ]] && addons+=("$(dirname "$f")")
done
want_py=("${PY_PACKAGES[@]}")
[[ $MODE == test ]] && want_py+=("${PY_TEST_PACKAGES[@]}")
# Constraints keep whatever an addon asks for within the 8.0 series.
printf '%s\n' 'trytond>=8.0,<8.1' 'proteus>=8.0,<8.1' > var/constraints.txt
hash=$( { printf '%s\n' "${want_py[@]}" "${addons[@]}"; cat var/constraints.txt;
          for a in "${addons[@]}"; do cat "$a/pyproject.toml"; done; } \
        | sha256sum | cut -c1-16)
if [[ ! -f "$STAMPS/pip-$MODE-$hash" ]]; then
    log "pip install ${want_py[*]} ${addons[*]}"
    editable=()
    for a in "${addons[@]}"; do editable+=(-e "$a"); done
    "${PIP[@]}" install -c var/constraints.txt "${want_py[@]}" "${editable[@]}"
    rm -f "$STAMPS"/pip-"$MODE"-*
    touch "$STAMPS/pip-$MODE-$hash"
fi

# --- sao web client ------------------------------------------------------------
if [[ ! -f "$SAO_DIR/package/.installed-$SAO_VERSION" ]]; then
    log "installing sao $SAO_VERSION into var/sao/package"
    rm -rf "$SAO_DIR"
    mkdir -p "$SAO_DIR"
    (
        cd "$SAO_DIR"
        npm pack --silent "tryton-sao@$SAO_VERSION" >/dev/null
        tar xzf "tryton-sao-$SAO_VERSION.tgz"
        rm -f "tryton-sao-$SAO_VERSION.tgz"
        cd package
        # No dev dependencies: they pull puppeteer, which downloads a browser.
        npm install --omit=dev --legacy-peer-deps --no-audit --no-fund --loglevel=error
        touch custom.js custom.css ".installed-$SAO_VERSION"
    )
fi

# The product's name on the login page and in the browser's title: sao
# loads custom.js/custom.css (scripts/sao/) after itself; the page's own
# <title> is set too, so that the name shows before the scripts run.
cp scripts/sao/custom.js scripts/sao/custom.css "$SAO_DIR/package/"
sed -i 's|<title>[^<]*</title>|<title>物业管理系统 · Property Management</title>|' \
    "$SAO_DIR/package/index.html"

log "setup done ($MODE)"
