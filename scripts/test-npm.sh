#!/usr/bin/env bash
# Tests the npm package expert-format under Node, against the built package
# in wasm/pkg/ and against expert-cli on the same inputs.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/build-npm.sh

# TypeScript for the declarations test: pinned in web/'s devDependencies.
if [ ! -f web/node_modules/typescript/package.json ] \
   || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  printf '==> %s\n' "npm ci (web/)" >&2
  (cd web && npm ci --no-audit --no-fund)
fi

# The CLI the tests compare with; the release build packages the 256 MiB
# test package quickly.
printf '==> %s\n' "cargo build -p expert-cli (debug and release)" >&2
cargo build -p expert-cli --locked
cargo build -p expert-cli --release --locked

printf '==> %s\n' "node --test wasm/tests/" >&2
node --test wasm/tests/*.test.mjs
