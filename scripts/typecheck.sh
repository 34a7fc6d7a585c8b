#!/usr/bin/env bash
# Type-checks the hand-written JavaScript (// @ts-check in wasm/js/*.js and
# web/src/*.js) with web/'s pinned TypeScript, against the built package in
# wasm/pkg/ (its wasm-bindgen declarations and index.d.ts). Installs nothing:
# run scripts/build-npm.sh and `npm ci` in web/ first (scripts/test-npm.sh
# does both).
set -euo pipefail
cd "$(dirname "$0")/.."

TSC=web/node_modules/typescript/bin/tsc
if [ ! -f "$TSC" ] || [ ! -f wasm/pkg/expert_wasm.d.ts ]; then
  echo "needs $TSC and wasm/pkg/: run scripts/test-npm.sh (or build-npm.sh and npm ci in web/) first" >&2
  exit 1
fi
for project in wasm/tsconfig.json web/tsconfig.json web/tsconfig.workers.json; do
  printf '==> tsc -p %s\n' "$project" >&2
  node "$TSC" -p "$project"
done
