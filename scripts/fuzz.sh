#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for SECONDS_PER_TARGET seconds
# (default 900), one target after another, at the lowest CPU priority and
# with one libFuzzer worker. Not part of CI; see fuzz/README.md.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]
#   scripts/fuzz.sh replay     # run each input in fuzz/regressions/ once
#
# Environment:
#   FUZZ_TARGETS    targets to run, space-separated (default: all five)
#   FUZZ_SANITIZER  address (default) or none
#   EXPERT_FUZZ_TOLERATE_KNOWN=1  tolerate the three chunking divergences
#                   fixed after the first run (fuzz/README.md), for old trees
#
# New inputs go to fuzz/work/<target>/ (ignored by git); the committed
# seeds in fuzz/corpus/<target>/ are only read. Logs: fuzz/work/logs/.
# Crashing inputs land in fuzz/artifacts/<target>/.
set -euo pipefail

SECS=${1:-900}
case $SECS in
    replay) ;;
    '' | *[!0-9]*) echo "usage: $0 [SECONDS_PER_TARGET | replay]" >&2; exit 2 ;;
esac
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FUZZ=$ROOT/fuzz
TARGETS=${FUZZ_TARGETS:-manifest archive_reader verifier safetensors_header registry}
SANITIZER=${FUZZ_SANITIZER:-address}
# cargo-fuzz passes nightly-only flags (-Z sanitizer, sancov passes); this
# lets the stable toolchain accept them.
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    nice -n 19 cargo install cargo-fuzz --locked
fi

max_len() {
    case $1 in
        manifest | safetensors_header | registry) echo 65536 ;;        # 64 KiB
        archive_reader | verifier) echo $((2 * 1024 * 1024 + 2)) ;; # 2 MiB + 2 control bytes
        *) echo 65536 ;;
    esac
}

echo "== building ($SANITIZER sanitizer, release + debug assertions)"
nice -n 19 cargo fuzz build --fuzz-dir "$FUZZ" --sanitizer "$SANITIZER"

if [ "$SECS" = replay ]; then
    BIN=$FUZZ/target/x86_64-unknown-linux-gnu/release
    failed=0
    for t in $TARGETS; do
        [ -d "$FUZZ/regressions/$t" ] || continue
        for f in "$FUZZ/regressions/$t"/*; do
            if out=$(nice -n 19 "$BIN/$t" -runs=1 "$f" 2>&1); then
                echo "pass  $t/$(basename "$f")"
            else
                failed=1
                echo "FAIL  $t/$(basename "$f")"
                grep -A3 -m1 'panicked at' <<<"$out" | cut -c1-300 | sed 's/^/      /'
            fi
        done
    done
    exit $failed
fi

LOGS=$FUZZ/work/logs
mkdir -p "$LOGS"
SUMMARY=()
status=0
for t in $TARGETS; do
    mkdir -p "$FUZZ/work/$t" "$LOGS/$t" "$FUZZ/artifacts/$t"
    rm -f "$LOGS/$t"/fuzz-*.log
    before=$(find "$FUZZ/artifacts/$t" -type f | wc -l)
    echo "== $t: ${SECS}s, -max_len=$(max_len "$t")"
    rc=0
    # -jobs=1 -workers=1: one fuzzing process; libFuzzer writes its log to
    # fuzz-0.log in the current directory.
    # The package seeds serve both package targets; a target's own folder
    # adds to them.
    seeds=()
    case $t in archive_reader | verifier) seeds+=("$FUZZ/corpus/packages") ;; esac
    [ -d "$FUZZ/corpus/$t" ] && seeds+=("$FUZZ/corpus/$t")
    (cd "$LOGS/$t" && nice -n 19 cargo fuzz run --fuzz-dir "$FUZZ" --sanitizer "$SANITIZER" \
        "$t" "$FUZZ/work/$t" "${seeds[@]}" -- \
        -jobs=1 -workers=1 -max_len="$(max_len "$t")" -max_total_time="$SECS" \
        -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
        >"$LOGS/$t.out" 2>&1) || rc=$?
    log=$LOGS/$t/fuzz-0.log
    [ -f "$log" ] || log=$LOGS/$t.out
    final=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1 || true)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$final")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$final")
    after=$(find "$FUZZ/artifacts/$t" -type f | wc -l)
    crashes=$((after - before))
    echo "   final: ${final:-<none>}"
    echo "   execs: ${execs:-?}  exec/s: ${rate:-?}  new artifacts: $crashes  (exit $rc)"
    if [ "$crashes" -gt 0 ] || grep -qE 'ERROR: libFuzzer|==ERROR|panicked at' "$log"; then
        status=1
        grep -E 'panicked at|==ERROR|SUMMARY|Test unit written to' "$log" | head -n 8 | sed 's/^/   /'
    fi
    SUMMARY+=("$(printf '%-20s %6s %12s %8s %6s %7s %7s' "$t" "$SECS" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$crashes")")
done

echo
printf '%-20s %6s %12s %8s %6s %7s %7s\n' target seconds execs exec/s cov ft crashes
printf '%s\n' "${SUMMARY[@]}"
exit $status
