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
