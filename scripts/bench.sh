#!/usr/bin/env bash
# Benchmarks expert-cli against the plain tools on the same data, in one run,
# alternating, medians of RUNS (default 3):
#   package: expert-cli package | tar -czf (gzip -6) | tar -cf - | pigz -1
#   verify:  expert-cli verify  | tar -xzf + sha256sum | pigz -dc > /dev/null
#   install: expert-cli install (one read: verify, stage, hash) | tar -xzf
#   oci:     expert-cli push to, and install oci:// from, a local CNCF registry
#            (Debian's docker-registry, when installed) over loopback, next to
#            install from the local file
#   wasm:    expert-format verifyPackage under Node, with its inflate worker and on one
#            thread | a pure-JS peer (zlib + @noble/hashes)
# and peak RSS of each. Prints a markdown table; with WRITE_DOCS=1 also
# writes docs/BENCHMARKS.md. Usage: scripts/bench.sh [SIZE_MIB]   (default 1024)
#
# scripts/bench.sh worst-case: instead, times verify and validate of every
# input of tests/worst-case/generate.py natively (release CLI, whole process)
# and in wasm under Node (expert-format on one thread, without Node
# start-up), next to its benign twin of the same byte size. Medians of RUNS.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-1024}
RUNS=${RUNS:-3}
W=target/bench
mkdir -p "$W"

# The wasm rows must measure the code in this tree: rebuild wasm/pkg when
# anything it is built from is newer (as scripts/serve-web.sh does).
if command -v node >/dev/null && command -v wasm-bindgen >/dev/null; then
  if [ ! -f wasm/pkg/index.js ] || [ -n "$(find core wasm/src wasm/js wasm/Cargo.toml core/Cargo.toml Cargo.toml Cargo.lock \
        -type f -newer wasm/pkg/index.js -not -path '*/target/*' -print -quit 2>/dev/null)" ]; then
    scripts/build-npm.sh >&2
  fi
fi

if [ "$SIZE" = worst-case ]; then
  cargo build --release --locked -p expert-cli >&2
  CLI=$PWD/target/release/expert-cli
  G=$W/worst-case
  rm -rf "$G" && python3 tests/worst-case/generate.py "$G" --twins
  KEY=tests/conformance/keys/publisher.pub
  WASM=0
  [ -f wasm/pkg/index.js ] && command -v node >/dev/null && WASM=1
  med() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
  native() { # verify|validate PACKAGE -> median seconds of the whole process
    local ts=""
    for _ in $(seq "$RUNS"); do
      if [ "$1" = verify ]; then set -- verify "$2" --trusted-key "$KEY"; fi
      /usr/bin/time -f %e -o "$W/t.log" "$CLI" "$@" >/dev/null 2>&1 || true
      ts="$ts $(tail -n 1 "$W/t.log")"
      set -- "$1" "$2"
    done
    echo "$ts" | med
  }
  wasm() { # verify|validate PACKAGE -> median seconds inside Node
    local ts=""
    for _ in $(seq "$RUNS"); do
      ts="$ts $(node scripts/bench/worst-case.mjs "$1" "$2" | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["seconds"], 3))')"
    done
    echo "$ts" | med
  }
  echo "| input | bytes | verify s | twin | validate s | twin | wasm verify s | twin | wasm validate s | twin |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for d in "$G"/cases/*/; do
    n=$(basename "$d"); p=$d/package.expert; t=$G/twins/$n/package.expert
    row="| \`$n\` | $(stat -c %s "$p") | $(native verify "$p") | $(native verify "$t") | $(native validate "$p") | $(native validate "$t")"
    if [ "$WASM" = 1 ]; then
      row="$row | $(wasm verify "$p") | $(wasm verify "$t") | $(wasm validate "$p") | $(wasm validate "$t") |"
    else
      row="$row | – | – | – | – |"
    fi
    echo "$row"
  done
  exit 0
fi

need() { command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need pigz pigz
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

cargo build --release --locked -p expert-cli >&2
CLI=$PWD/target/release/expert-cli

# The expert: the multi-model example with a SIZE MiB bf16-like adapter.
E=$W/expert-$SIZE
if [ ! -f "$E/.done" ]; then
  rm -rf "$E" && mkdir -p "$E" && cp -r examples/multi-model-expert/. "$E/"
  python3 scripts/gen-bench-weights.py "$SIZE" "$E/weights/qwen3-06b/final/adapter_model.safetensors"
  touch "$E/.done"
fi
# What tar packs: the same files expert-cli packages.
T=$W/tar-input-$SIZE
rm -rf "$T" && mkdir -p "$T"
"$CLI" package "$E" --model qwen3-0.6b --dry-run --json >"$W/plan.json"
python3 - "$E" "$T" "$W/plan.json" <<'PY'
import json, os, shutil, sys
e, t, plan = sys.argv[1:]
for f in json.load(open(plan))["packages"][0]["files"]:
    dst = os.path.join(t, f["path"]); os.makedirs(os.path.dirname(dst), exist_ok=True)
    os.link(os.path.join(e, f["source"]), dst)
PY
BYTES=$(du -sb --apparent-size "$T" | cut -f1)

# JS peers for the wasm comparison, installed into target/.
WASM=0
if [ -f wasm/pkg/index.js ] && command -v node >/dev/null; then
  if [ ! -d "$W/js/node_modules/@noble/hashes" ]; then
    mkdir -p "$W/js" && (cd "$W/js" && npm init -y >/dev/null && npm install --silent @noble/hashes@1 >/dev/null)
  fi
  WASM=1
fi

# A local registry for the push / install oci:// rows (skipped without one).
OCI=0
if command -v docker-registry >/dev/null; then
  rm -rf "$W/registry"
  REG=$(scripts/oci-registry.sh start "$PWD/$W/registry")
  trap 'scripts/oci-registry.sh stop "$PWD/$W/registry"; rm -rf "$W/registry"' EXIT
  OCI=1
fi

declare -A T_ RSS SIZE_OUT
sample() { # name, command...
  local name=$1; shift
  local log=$W/time.log
  /usr/bin/time -f "%e %M" -o "$log" "$@" >"$W/out-$name.log" 2>"$W/err.log" || { [ "$name" = ours-verify ] || { cat "$W/err.log" >&2; exit 1; }; }
  read -r secs kb < <(tail -n 1 "$log")
  T_[$name]="${T_[$name]:-} $secs"
  RSS[$name]=$(( ${RSS[$name]:-0} > kb ? ${RSS[$name]:-0} : kb ))
}
for _ in $(seq "$RUNS"); do
  sample ours-package "$CLI" package "$E" --model qwen3-0.6b -o "$W/ours.expert"
  sample tar-gzip6 sh -c "tar -C '$T' -czf '$W/tar.tgz' ."
  sample tar-pigz1 sh -c "tar -C '$T' -cf - . | pigz -1 > '$W/pigz.tgz'"
  sample ours-verify "$CLI" verify "$W/ours.expert"
  sample tar-x-sha256sum sh -c "rm -rf '$W/x' && mkdir '$W/x' && tar -xzf '$W/ours.expert' -C '$W/x' && find '$W/x' -type f -exec sha256sum {} + >/dev/null"
  sample pigz-dc sh -c "pigz -dc '$W/ours.expert' >/dev/null"
  sample ours-install sh -c "rm -rf '$W/home' && EXPERT_HOME='$W/home' HF_HUB_CACHE='$W/no-hf' '$CLI' install '$W/ours.expert' --allow-unsigned"
  sample tar-xzf sh -c "rm -rf '$W/x' && mkdir '$W/x' && tar -xzf '$W/ours.expert' -C '$W/x'"
  if [ "$OCI" = 1 ]; then
    # A new repository each run, so the blob is really sent.
    RUN=$(( ${RUN:-0} + 1 ))
    sample ours-push sh -c "EXPERT_HOME='$W/home-push' '$CLI' push '$W/ours.expert' oci://$REG/bench/run-$RUN:1"
    sample ours-install-oci sh -c "rm -rf '$W/home' && EXPERT_HOME='$W/home' HF_HUB_CACHE='$W/no-hf' '$CLI' install oci://$REG/bench/run-$RUN:1 --allow-unsigned"
  fi
  if [ "$WASM" = 1 ]; then
    sample wasm-verify node scripts/bench/js-verify.mjs wasm "$W/ours.expert"
    sample wasm-verify-1thread node scripts/bench/js-verify.mjs wasm-1thread "$W/ours.expert"
    sample js-peer-verify node scripts/bench/js-verify.mjs peer "$W/ours.expert" "$PWD/$W/js"
  fi
done
SIZE_OUT[ours-package]=$(stat -c %s "$W/ours.expert")
SIZE_OUT[tar-gzip6]=$(stat -c %s "$W/tar.tgz")
SIZE_OUT[tar-pigz1]=$(stat -c %s "$W/pigz.tgz")

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
declare -A MED
for k in "${!T_[@]}"; do MED[$k]=$(echo "${T_[$k]}" | median); done
ratio() { awk -v a="${MED[$1]}" -v b="${MED[$2]}" 'BEGIN {printf "%.2f", a/b}'; }
mbps() { awk -v s="${MED[$1]}" -v b="$BYTES" 'BEGIN {printf "%.0f", b/1e6/s}'; }

table() {
  echo "| job | tool | median s | MB/s | peak RSS MiB | output bytes |"
  echo "| --- | --- | ---: | ---: | ---: | ---: |"
  for k in ours-package tar-gzip6 tar-pigz1 ours-verify tar-x-sha256sum pigz-dc wasm-verify wasm-verify-1thread js-peer-verify ours-install tar-xzf ours-push ours-install-oci; do
    [ -n "${MED[$k]:-}" ] || continue
    case $k in *package|tar-gzip6|tar-pigz1) job=package;; *install|tar-xzf|ours-install-oci) job=install;; ours-push) job=push;; *) job=verify;; esac
    printf '| %s | %s | %s | %s | %s | %s |\n' "$job" "$k" "${MED[$k]}" "$(mbps "$k")" "$(( RSS[$k] / 1024 ))" "${SIZE_OUT[$k]:-}"
  done
  echo
  echo "Ratios (targets in parentheses):"
  echo "- P1 package / tar -czf: $(ratio ours-package tar-gzip6) (≤ 0.10); / tar|pigz -1: $(ratio ours-package tar-pigz1) (≤ 0.6); size / gzip -6: $(awk -v a="${SIZE_OUT[ours-package]}" -v b="${SIZE_OUT[tar-gzip6]}" 'BEGIN {printf "%.3f", a/b}') (≤ 1.01)"
  echo "- P2 verify / (tar -xzf + sha256sum): $(ratio ours-verify tar-x-sha256sum) (≤ 0.35); / pigz -dc: $(ratio ours-verify pigz-dc) (≤ 1.2)"
  echo "- P5 install / verify: $(ratio ours-install ours-verify) (≤ 1.3); install / tar -xzf: $(ratio ours-install tar-xzf) (≤ 0.6); install peak RSS $(( RSS[ours-install] / 1024 )) MiB (≤ 64)"
  if [ "$OCI" = 1 ]; then
    echo "- OCI install oci:// (loopback registry) / install from the local file: $(ratio ours-install-oci ours-install) (≤ 1.25); push: $(mbps ours-push) MB/s of payload"
  fi
  echo "- P3 peak RSS: package $(( RSS[ours-package] / 1024 )) MiB, verify $(( RSS[ours-verify] / 1024 )) MiB$( [ "$WASM" = 1 ] && echo ", wasm verify (whole node process) $(( RSS[wasm-verify] / 1024 )) MiB") (≤ 64)"
  if [ "$WASM" = 1 ]; then
    inner() { python3 -c "import json,sys; print(json.loads(open(sys.argv[1]).read().splitlines()[-1])[sys.argv[2]])" "$W/out-$1.log" "$2"; }
    echo "- P3 wasm linear memory after streaming: $(( $(inner wasm-verify wasmMemory) / 1024 / 1024 )) MiB on the main thread (the rest of the Node process is Node itself and the worker's isolate); one thread: whole process $(( RSS[wasm-verify-1thread] / 1024 )) MiB"
    echo "- P4 wasm verify / native verify: $(ratio wasm-verify ours-verify) (≤ 2.5); wasm / pure-JS peer: $(ratio wasm-verify js-peer-verify) (< 1); one thread: $(ratio wasm-verify-1thread ours-verify); streaming only, without Node start-up: wasm $(inner wasm-verify seconds | cut -c1-5) s, one thread $(inner wasm-verify-1thread seconds | cut -c1-5) s, peer $(inner js-peer-verify seconds | cut -c1-5) s"
  fi
}
OUT=$(table)
echo "Payload: $BYTES bytes (${SIZE} MiB adapter + example files), $RUNS runs each, alternating."
echo "$OUT"
if [ "${WRITE_DOCS:-0}" = 1 ]; then
  {
    echo "# Benchmarks"
    echo
    echo "Produced by \`WRITE_DOCS=1 scripts/bench.sh $SIZE\` on $(date -u +%Y-%m-%d)."
    echo "Machine: $(nproc) vCPU $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr)."
    echo "Tools: $(tar --version | head -1), $(gzip --version | head -1), $(pigz --version 2>&1), $(sha256sum --version | head -1), node $(node --version 2>/dev/null || echo none)."
    echo
    echo "Data: a deterministic bf16-like adapter (\`scripts/gen-bench-weights.py\`, N(0, 0.02) rounded to bf16) of $SIZE MiB in the multi-model example; every tool packs the same files ($BYTES bytes). Times are medians of $RUNS alternating runs; RSS is the peak of \`/usr/bin/time\`."
    echo
    echo "$OUT"
  } > docs/BENCHMARKS.md
  echo "wrote docs/BENCHMARKS.md"
fi
