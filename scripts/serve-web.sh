#!/usr/bin/env bash
# Builds the web page (web/dist/) and serves it on 127.0.0.1 in the
# foreground. The npm package expert-format (wasm/pkg/) is rebuilt first
# when it is missing or older than the Rust or JS sources it comes from.
#
#   scripts/serve-web.sh [PORT]        serve on 127.0.0.1:PORT (default 8080)
#   scripts/serve-web.sh --build-only  build web/dist/ and exit
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '==> %s\n' "$*" >&2; }

build_only=0
port=8080
case "${1:-}" in
  --build-only) build_only=1 ;;
  -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  '') ;;
  *)
    if [[ ! "$1" =~ ^[0-9]+$ ]] || (( $1 > 65535 )); then
      echo "usage: scripts/serve-web.sh [PORT] | --build-only" >&2
      exit 2
    fi
    port=$1 ;;
esac

command -v node >/dev/null || { echo "node (>= 20) is needed to build and serve the page" >&2; exit 3; }

# Is wasm/pkg/ missing or older than anything it is built from?
stale=""
if [ ! -f wasm/pkg/index.js ] || [ ! -f wasm/pkg/expert_wasm_bg.wasm ]; then
  stale="wasm/pkg is missing"
else
  newer=$(find core wasm/src wasm/js wasm/Cargo.toml core/Cargo.toml Cargo.toml Cargo.lock \
            -type f -newer wasm/pkg/index.js -not -path '*/target/*' -print -quit 2>/dev/null || true)
  [ -n "$newer" ] && stale="$newer is newer than wasm/pkg"
fi
if [ -n "$stale" ]; then
  step "building the npm package ($stale)"
  scripts/build-npm.sh
fi

step "node web/build.mjs"
node web/build.mjs

if (( build_only )); then exit 0; fi
step "serving on http://127.0.0.1:$port/"
exec node web/server.mjs --root web/dist --port "$port"
