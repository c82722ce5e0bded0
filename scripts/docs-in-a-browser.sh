#!/usr/bin/env bash
# Proves /docs works in a real browser: starts the demo server, drives Debian's Chromium
# (headless, through playwright-core) to sign in as the demo admin in the Swagger UI,
# authorize, and list clients, and keeps a screenshot in docs/docs-in-a-browser.png.
# Installs Chromium (apt) and playwright-core (npm, into scripts/browser/) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "installing Chromium"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ ! -d scripts/browser/node_modules/playwright-core ]; then
  echo "installing playwright-core"
  npm install --silent --no-audit --no-fund --prefix scripts/browser >/dev/null
fi

port=${DOCS_CHECK_PORT:-18080}
# On a shared server, the demo gets a database of its own (created on first use).
if [ -n "${DATABASE_URL:-}" ]; then
  export DATABASE_URL
  DATABASE_URL=$(printf '%s' "$DATABASE_URL" | sed -E 's#^([a-z]+://[^/]*)/?[^?]*#\1/fotostudio_docs_check#')
fi
cargo build --quiet --bin fotostudio
log=$(mktemp)
FOTOSTUDIO__SERVER__PORT=$port ./target/debug/fotostudio demo >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  if ! kill -0 $server 2>/dev/null; then cat "$log"; exit 1; fi
  sleep 0.5
done
node scripts/browser/docs-check.mjs "http://127.0.0.1:$port" docs/docs-in-a-browser.png
