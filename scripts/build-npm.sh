#!/usr/bin/env bash
# Builds the npm package `expert-format` into wasm/pkg/: expert-wasm compiled
# for wasm32-unknown-unknown, the pinned wasm-bindgen CLI (--target web), the
# ES-module wrapper and its TypeScript declarations, and package.json.
# No wasm-pack and no wasm-opt (see shared notes: Debian's binaryen breaks
# wasm-bindgen output).
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130
TARGET=wasm32-unknown-unknown
TARGET_DIR=${CARGO_TARGET_DIR:-target}
OUT=wasm/pkg

step() { printf '==> %s\n' "$*" >&2; }

if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx "$TARGET"; then
  step "rustup target add $TARGET"
  rustup target add "$TARGET"
fi

# The crate pins wasm-bindgen exactly; the CLI must be the same version.
locked=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print }' Cargo.lock)
if [ "$locked" != "$WASM_BINDGEN_VERSION" ]; then
  echo "Cargo.lock has wasm-bindgen ${locked:-none}, expected $WASM_BINDGEN_VERSION" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  step "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 5 minutes on 2 cores)"
  if ! cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --locked; then
    # The crate's own lock file can name a dependency release that the
    # registry no longer serves (webpki-roots 1.0.11 here); resolve afresh.
    # The output format depends only on wasm-bindgen's own crates, which
    # the CLI pins to exactly this version.
    step "the locked install failed; installing with a fresh resolution"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
fi

step "cargo build -p expert-wasm --target $TARGET --release"
cargo build -p expert-wasm --target "$TARGET" --release --locked

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
step "wasm-bindgen --target web"
wasm-bindgen --target web --out-dir "$stage/pkg" "$TARGET_DIR/$TARGET/release/expert_wasm.wasm"
cp wasm/js/index.js wasm/js/codes.js wasm/js/verify-in-worker.js wasm/js/inflate-worker.js wasm/js/index.d.ts wasm/js/README.md "$stage/pkg/"

version=$(cargo pkgid -p expert-wasm --offline 2>/dev/null || cargo pkgid -p expert-wasm)
version=${version##*@}
version=${version##*#}
STAGE="$stage/pkg" VERSION="$version" node --input-type=module -e '
import { readdirSync, writeFileSync } from "node:fs";
const dir = process.env.STAGE;
const files = readdirSync(dir).sort();
const pkg = {
  name: "expert-format",
  version: process.env.VERSION,
  description: "Validate, inspect, verify, build and sign .expert LLM adapter packages in Node and browsers (expert-core in WebAssembly).",
  license: "MIT OR Apache-2.0",
  type: "module",
  main: "./index.js",
  types: "./index.d.ts",
  exports: {
    ".": { types: "./index.d.ts", default: "./index.js" },
    "./package.json": "./package.json",
  },
  files,
  engines: { node: ">=20" },
  keywords: ["expert", "lora", "adapter", "package", "ed25519", "wasm"],
};
writeFileSync(`${dir}/package.json`, JSON.stringify(pkg, null, 2) + "\n");
'

rm -rf "$OUT"
mkdir -p "$(dirname "$OUT")"
mv "$stage/pkg" "$OUT"
wasm_size=$(wc -c <"$OUT/expert_wasm_bg.wasm")
step "built $OUT ($(ls "$OUT" | tr '\n' ' '))"
echo "expert_wasm_bg.wasm: $wasm_size bytes ($(( (wasm_size + 1023) / 1024 )) KiB)"
