#!/usr/bin/env bash
# Runs dwdi's fuzz targets: `fuzz/run.sh TARGET|all SECONDS`.
#
# Each target runs for SECONDS with libFuzzer (inputs up to 1 MiB, 10 s per input at most, the
# dictionary fuzz/dwdi.dict), one target at a time on one core. The working corpus grows in
# fuzz/corpus/TARGET (not committed), seeded from fuzz/seeds/TARGET (committed); crashes,
# timeouts and out-of-memory inputs land in fuzz/artifacts/TARGET; the log in
# fuzz/logs/TARGET.log. At the end, one line per target: runs, execs/s, corpus, cov/ft,
# crashes/timeouts. The exit status is 1 when any target found anything.
#
# Needs nightly and cargo-fuzz (`cargo install cargo-fuzz`). Built without a sanitizer (safe
# Rust; it doubles the execs/s) and with debug assertions (overflow checks catch more).
# A found input becomes a regression: see fuzz/regressions/README.md.
set -euo pipefail

usage() { echo "usage: $0 TARGET|all SECONDS (targets: $TARGETS)" >&2; exit 2; }

here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
TARGETS="document spec request response"
[ $# -eq 2 ] || usage
case "$2" in ''|*[!0-9]*) usage ;; esac
seconds="$2"
if [ "$1" = all ]; then
    targets="$TARGETS"
else
    case " $TARGETS " in *" $1 "*) targets="$1" ;; *) usage ;; esac
fi

export CARGO_INCREMENTAL=0
flags=(-O --debug-assertions --sanitizer none --fuzz-dir targets)
# FUZZ_NO_BUILD=1 runs the binaries already built (e.g. while the sources are being edited).
[ -n "${FUZZ_NO_BUILD:-}" ] || cargo +nightly fuzz build "${flags[@]}"
triple="$(rustc +nightly -vV | sed -n 's/^host: //p')"

mkdir -p logs
summary=()
status=0
for t in $targets; do
    mkdir -p "corpus/$t" "artifacts/$t"
    # Findings are counted by what this run wrote (artifacts of earlier runs are kept).
    stamp="logs/$t.started"
    touch "$stamp"
    log="logs/$t.log"
    echo "== $t: ${seconds}s" >&2
    set +e
    # The binary cargo-fuzz built, run directly: editing the sources while a campaign runs
    # does not rebuild it between targets.
    "targets/target/$triple/release/$t" "corpus/$t" "seeds/$t" \
        -max_len=1048576 -timeout=10 -dict=dwdi.dict -max_total_time="$seconds" \
        -artifact_prefix="artifacts/$t/" -print_final_stats=1 >"$log" 2>&1
    rc=$?
    set -e
    new() { find "artifacts/$t" -type f -newer "$stamp" "$@" | wc -l; }
    found=$(new)
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\) .*/\1\/\2/p' <<<"$last")
    corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\) .*/\1/p' <<<"$last")
    crashes=$(new -name 'crash-*')
    timeouts=$(new \( -name 'timeout-*' -o -name 'slow-unit-*' \))
    ooms=$(new -name 'oom-*')
    line="$t: ${seconds}s runs=${runs:-?} execs/s=${eps:-?} corpus=${corp:-?} cov/ft=${cov:-?} peak_rss_mb=${rss:-?} crashes=$crashes timeouts=$timeouts ooms=$ooms exit=$rc"
    summary+=("$line")
    echo "$line" >&2
    if [ "$rc" -ne 0 ] || [ "$found" -gt 0 ]; then
        status=1
        grep -E 'panicked|ERROR: libFuzzer|SUMMARY|Test unit written' "$log" | head -5 >&2 || true
    fi
done
echo "== summary" >&2
printf '%s\n' "${summary[@]}"
exit "$status"
