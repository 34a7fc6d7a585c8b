#!/usr/bin/env bash
# Builds the bundler examples (wasm/examples/vite, wasm/examples/esbuild)
# against the npm package in wasm/pkg and opens each in headless Chromium.
# Needs what scripts/test-web.sh needs (chromium, web/node_modules); each
# example's npm ci installs its pinned bundler.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -f wasm/pkg/index.js ] || scripts/build-npm.sh
if [ ! -f web/node_modules/playwright-core/package.json ]; then
  (cd web && npm ci --no-audit --no-fund)
fi
printf '==> %s\n' "node --test wasm/examples/examples.test.mjs" >&2
node --test wasm/examples/examples.test.mjs
