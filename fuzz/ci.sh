#!/usr/bin/env bash
# The short fixed-seed fuzz pass that .ci/run makes: every target, seeded
# from the fixtures (fuzz/seed.py), a fixed -seed and -runs, so each run
# does the same work. Exits non-zero on the first crash, panic, leak or
# input slower than -timeout. Needs cargo-fuzz (see .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
export RUSTC_BOOTSTRAP=1
TARGETS=(parser checks generate kube features stdio)
# runs per target: a pass of about 10 s each on one core
declare -A RUNS=([parser]=100000 [checks]=20000 [generate]=20000 [kube]=40000 [features]=5000 [stdio]=5000)
python3 fuzz/seed.py >/dev/null
cargo fuzz build -s none --debug-assertions
for t in "${TARGETS[@]}"; do
  work="$(mktemp -d)"
  start=$SECONDS
  # a copy of the seeds: the pass must not grow the committed-to corpus
  cp -r "fuzz/corpus/$t/." "$work/"
  if ! cargo fuzz run -s none --debug-assertions "$t" "$work" -- \
      -seed=1 -runs="${RUNS[$t]}" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 >"$work.log" 2>&1; then
    tail -40 "$work.log" >&2
    echo "fuzz $t: failed (the input is under fuzz/artifacts/$t/)" >&2
    exit 1
  fi
  echo "fuzz $t: $(sed -n 's/^stat::number_of_executed_units: *//p' "$work.log") runs, 0 crashes, $((SECONDS - start))s"
  rm -rf "$work" "$work.log"
done
