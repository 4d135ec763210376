#!/usr/bin/env bash
# Lighthouse (mobile defaults: emulated phone, simulated slow 4G and CPU) on the Arabic home, policy and
# support-request pages as `mustafid serve` serves them, with Debian's chromium. Prints the performance,
# accessibility and best-practices scores, first contentful paint, largest contentful paint and page weight.
#
#   benchmarks/lighthouse.sh [ASSOCIATION_DIR]        (default: the repository root, Ajaa)
#
# Lighthouse is an npm package pinned below, installed by this script into a cache folder
# ($MUSTAFID_CACHE, default ~/.cache/mustafid) on first use. Goal: performance >= 95, accessibility 100.
# Reports (JSON) are kept in benchmarks/out/ (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
LIGHTHOUSE_VERSION=13.5.0
ASSOC=${1:-.}
CACHE=${MUSTAFID_CACHE:-$HOME/.cache/mustafid}/lighthouse-$LIGHTHOUSE_VERSION
OUT=$ROOT/benchmarks/out
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
FLAGS="--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"

command -v node >/dev/null || { echo "lighthouse.sh: node is needed (apt-get install nodejs npm)" >&2; exit 1; }
[ -x "$CHROME_PATH" ] || { echo "lighthouse.sh: no chromium at $CHROME_PATH (apt-get install chromium)" >&2; exit 1; }
if [ ! -x "$CACHE/node_modules/.bin/lighthouse" ]; then
  echo "lighthouse.sh: installing lighthouse@$LIGHTHOUSE_VERSION into $CACHE" >&2
  mkdir -p "$CACHE"
  npm install --prefix "$CACHE" --no-audit --no-fund --silent "lighthouse@$LIGHTHOUSE_VERSION" >&2
fi

WORK=$(mktemp -d)
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# A throwaway records repository: nothing is submitted, but `mustafid serve` wants its main branch.
git init -q -b main "$WORK/repo"
git -C "$WORK/repo" -c user.name=lighthouse -c user.email=lighthouse@mustafid.invalid commit -q --allow-empty -m start
PORT=${PORT:-$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
.venv/bin/mustafid serve --association "$ASSOC" --repo "$WORK/repo" --out "$WORK/site" --port "$PORT" \
  --rate-limit 0 >"$WORK/serve.log" 2>&1 &
SERVER=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 120); do
  if .venv/bin/python -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)" "$BASE/healthz" 2>/dev/null; then
    break
  fi
  kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
  sleep 0.5
done

mkdir -p "$OUT"
printf '%-26s %5s %5s %5s %8s %8s %9s %9s\n' page perf a11y best "FCP s" "LCP s" "KiB" "requests"
status=0
for path in / /policy/ /forms/support-request/; do
  name=$(echo "$path" | tr -c 'a-z0-9\n' '-' | sed 's/^-*//; s/-*$//'); name=${name:-home}
  report="$OUT/lighthouse-$name.json"
  "$CACHE/node_modules/.bin/lighthouse" "$BASE$path" --quiet --output=json --output-path="$report" \
    --only-categories=performance,accessibility,best-practices --chrome-flags="$FLAGS" >/dev/null 2>"$WORK/lh.log" \
    || { cat "$WORK/lh.log" >&2; status=1; continue; }
  node -e '
    const r = require(process.argv[1]);
    const s = (c) => Math.round(r.categories[c].score * 100);
    const a = r.audits;
    const failed = Object.values(a).filter((x) => x.score !== null && x.score < 1 && x.scoreDisplayMode === "binary")
      .map((x) => x.id);
    console.log([process.argv[2].padEnd(26), String(s("performance")).padStart(5), String(s("accessibility")).padStart(5),
      String(s("best-practices")).padStart(5), (a["first-contentful-paint"].numericValue / 1000).toFixed(2).padStart(8),
      (a["largest-contentful-paint"].numericValue / 1000).toFixed(2).padStart(8),
      (a["total-byte-weight"].numericValue / 1024).toFixed(0).padStart(9),
      String(a["network-requests"].details.items.length).padStart(9)].join(" "));
    if (failed.length) console.log("  failing audits: " + failed.join(", "));
  ' "$report" "$path"
done
exit $status
