#!/usr/bin/env bash
# Installs what Mustafid needs on a fresh Debian machine: a virtualenv with the package and its test tools,
# and Debian's chromium for the browser tests. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python3}

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "mustafid setup: installing Debian chromium for the browser tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "mustafid setup: chromium is missing; install it (apt-get install chromium) to run the browser tests" >&2
  fi
fi

# The printable letters (notices/letter.py): WeasyPrint lays text out with Pango (HarfBuzz shaping, FriBidi),
# and the letter's font is DejaVu Sans (Arabic and Latin in one face).
if ! ldconfig -p 2>/dev/null | grep -q libpango-1.0 || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "mustafid setup: installing Pango and DejaVu fonts for the printable letters"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null
  else
    echo "mustafid setup: install libpango-1.0-0 and fonts-dejavu-core for the printable letters" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[dev]'
# axe-core for the browser tests' accessibility checks (package.json, pinned by package-lock.json)
if command -v npm >/dev/null 2>&1; then
  if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund --silent
  else
    npm install --no-audit --no-fund --silent
  fi
else
  echo "mustafid setup: node/npm is missing; the browser tests' accessibility checks need it (apt-get install nodejs npm)" >&2
fi
echo "mustafid setup: done"
