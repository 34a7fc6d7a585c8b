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

# The OCI tests (cli/tests/oci.rs) run against a real CNCF distribution
# registry, Debian's docker-registry, once anonymous and once with htpasswd
# basic auth (bcrypt, apache2-utils), on free loopback ports; skopeo checks
# the index and copies the artifact into an OCI layout. CI runs them all.
need=()
command -v docker-registry >/dev/null || need+=(docker-registry)
command -v htpasswd >/dev/null || need+=(apache2-utils)
command -v skopeo >/dev/null || need+=(skopeo)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "the OCI tests need: ${need[*]}; install them with: sudo apt-get install -y ${need[*]}" >&2
    exit 3
  fi
  if ! apt-cache policy docker-registry 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    apt-get update -qq
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
registries=$(mktemp -d)
stop_registries() {
  scripts/oci-registry.sh stop "$registries/anon" || true
  scripts/oci-registry.sh stop "$registries/auth" || true
  rm -rf "$registries"
}
trap stop_registries EXIT
EXPERT_TEST_REGISTRY=$(scripts/oci-registry.sh start "$registries/anon")
EXPERT_TEST_REGISTRY_STORAGE="$registries/anon/storage"
EXPERT_TEST_REGISTRY_USER=expert-ci
EXPERT_TEST_REGISTRY_PASS=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
EXPERT_TEST_REGISTRY_AUTH=$(scripts/oci-registry.sh start "$registries/auth" "$EXPERT_TEST_REGISTRY_USER" "$EXPERT_TEST_REGISTRY_PASS")
export EXPERT_TEST_REGISTRY EXPERT_TEST_REGISTRY_STORAGE EXPERT_TEST_REGISTRY_AUTH \
  EXPERT_TEST_REGISTRY_USER EXPERT_TEST_REGISTRY_PASS
# Registry and TLS-server tests fail instead of skipping.
export EXPERT_REQUIRE_SERVERS=1
echo "test registries: $EXPERT_TEST_REGISTRY (anonymous), $EXPERT_TEST_REGISTRY_AUTH (basic auth)"

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "no function over 80 lines in core, cli, wasm, the page and the npm JavaScript (scripts/check-fn-length.py)"
python3 scripts/check-fn-length.py 80 core cli wasm/src
python3 scripts/check-fn-length.py 80 web/src wasm/js

step "core's API docs (every public item documented, links resolve)"
RUSTDOCFLAGS="-D warnings" cargo doc -p expert-core --no-deps --locked -q

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

step "type-check the JavaScript (tsc, checkJs)"
scripts/typecheck.sh

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
