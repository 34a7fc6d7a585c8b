#!/usr/bin/env bash
# The main job on the bundled example: make a throwaway signing key, package
# the multi-model example for every base model, signed, then verify each
# package against that key. Ends with "verified" for every package.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p expert-cli >&2
cli=target/release/expert-cli
out=target/demo
rm -rf "$out"
mkdir -p "$out"
export EXPERT_HOME="$out/home"

"$cli" validate examples/multi-model-expert
"$cli" keygen -o "$out/demo-key.pem" --name demo
"$cli" package examples/multi-model-expert --all-models --out-dir "$out" --sign-key "$out/demo-key.pem"
status=0
for pkg in "$out"/*.expert; do
  "$cli" verify "$pkg" --trusted-key "$out/demo-key.pub" || status=$?
done
(cd "$out" && sha256sum -c ./*.expert.sha256)
if [ "$status" -eq 0 ]; then
  echo "verified: every package in $out is signed by the demo key and intact"
fi
exit "$status"
