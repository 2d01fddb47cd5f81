#!/usr/bin/env bash
# End-to-end benchmark of the monthly job: `hmis run` (validate -> dedup -> facts -> reports
# -> files) over a synthetic community. Prints the time of each phase (from hmis's own
# stderr line), wall and CPU time and peak memory (GNU time). Usage:
#   [RUNS=n] benches/run.sh [COMMUNITY_DIR] [PERSONS] [AGENCIES]
# COMMUNITY_DIR is reused when it exists (e.g. one made earlier by
# `hmis synth --persons 1000000 --agencies 20 --seed 1`), else generated there (and kept).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-/tmp/hmis-c1m}
persons=${2:-1000000}
agencies=${3:-20}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/hmis-target}"
cargo build --release -q
bin="$CARGO_TARGET_DIR/release/hmis"
if [ ! -d "$dir" ]; then
  "$bin" synth --out "$dir" --persons "$persons" --agencies "$agencies" --seed 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for run in $(seq 1 "${RUNS:-1}"); do
  /usr/bin/time -f "%e s wall, %U s user, %S s system, %M KB peak" \
    "$bin" run "$dir" --out "$out/r" 2>"$out/err" >/dev/null || { cat "$out/err"; exit 1; }
  echo "run $run: $(grep 'phases:' "$out/err" | sed 's/.*phases: //')"
  echo "run $run: $(tail -1 "$out/err")"
done
grep 'run ok:' "$out/err" | head -1
