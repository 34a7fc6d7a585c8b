#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what it needs, then checks
# formatting, lints, the Rust workspace, the wasm32 build of the core, the
# npm package under Node, the web page and the bundler examples in Chromium,
# and a small benchmark smoke run.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
if command -v rustup >/dev/null; then
  rustup target add wasm32-unknown-unknown >/dev/null
  rustup component add rustfmt clippy >/dev/null 2>&1 || true
fi

# FORMAT.md's by-hand verification (cli/tests/format_by_hand.rs) runs in
# Python with the `cryptography` package; CI must run it, not skip it, and
# with the system interpreter a fresh Debian 12 machine has.
EXPERT_TEST_PYTHON=python3
[ -x /usr/bin/python3 ] && EXPERT_TEST_PYTHON=/usr/bin/python3
export EXPERT_TEST_PYTHON
if ! "$EXPERT_TEST_PYTHON" -c 'import cryptography' 2>/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "python3 cannot import cryptography; install it with: sudo apt-get install -y python3-cryptography" >&2
    exit 3
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-cryptography >/dev/null
fi
export EXPERT_REQUIRE_PYTHON_CRYPTO=1

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test"
cargo test --workspace --locked

# Committed generated files must be exactly what their generators write
# (with Debian 12's python3, cryptography and zlib, as on a fresh machine).
step "generated fixtures equal their generators' output"
"$EXPERT_TEST_PYTHON" scripts/gen-examples.py >/dev/null
EXPERT_CLI=target/debug/expert-cli "$EXPERT_TEST_PYTHON" tests/conformance/generate.py >/dev/null
if git rev-parse --git-dir >/dev/null 2>&1 && [ -n "$(git status --porcelain -- examples tests/conformance)" ]; then
  git status --short -- examples tests/conformance >&2
  echo "the committed fixtures differ from what their generators write: regenerate and commit them" >&2
  exit 1
fi

step "expert-core builds for wasm32-unknown-unknown (no I/O in the core)"
cargo build -p expert-core --target wasm32-unknown-unknown --locked

if [ -x scripts/test-npm.sh ]; then
  step "npm package expert-format under Node"
  scripts/test-npm.sh
fi

if [ -x scripts/test-web.sh ]; then
  step "web page in headless Chromium"
  scripts/test-web.sh
fi

if [ -x scripts/test-examples.sh ]; then
  step "bundler examples (Vite, esbuild) in headless Chromium"
  scripts/test-examples.sh
fi

step "README quick start (main job)"
scripts/demo.sh >/dev/null

step "benchmark smoke run (16 MiB, one run)"
RUNS=1 scripts/bench.sh 16

printf '\nall tests passed\n'
