#!/usr/bin/env bash
# Tests the web page (web/) in a real headless Chromium: Debian's chromium
# driven by playwright-core (never a downloaded browser), against the page
# built from the npm package in wasm/pkg/ and compared with expert-cli.
#
#   scripts/test-web.sh              all of web/tests/*.test.mjs
#   scripts/test-web.sh FILE...      only those test files
#
# Installs what is missing: chromium (apt), playwright-core (npm ci in web/),
# the npm package (scripts/build-npm.sh when stale), expert-cli (release).
# Screenshots go to target/web-screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '==> %s\n' "$*" >&2; }

if [ ! -x /usr/bin/chromium ]; then
  step "apt-get install chromium"
  if [ "$(id -u)" -ne 0 ]; then
    echo "/usr/bin/chromium is missing; install it with: sudo apt-get update && sudo apt-get install -y chromium" >&2
    exit 3
  fi
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

if [ ! -f web/node_modules/playwright-core/package.json ] \
   || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  step "npm ci (web/)"
  # The browser is Debian's: playwright-core downloads none (there is no
  # 'npx playwright install' anywhere here).
  (cd web && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi)
fi

# Builds wasm/pkg when missing or stale, then web/dist (the tests build
# their own copy too, in a temporary directory).
scripts/serve-web.sh --build-only

step "cargo build -p expert-cli --release --locked"
cargo build -p expert-cli --release --locked

mkdir -p target/web-screenshots
if [ "$#" -gt 0 ]; then
  files=("$@")
else
  files=(web/tests/*.test.mjs)
fi
step "node --test ${files[*]}"
start=$(date +%s)
node --test "${files[@]}"
echo "web tests took $(( $(date +%s) - start )) s; screenshots in target/web-screenshots/" >&2
