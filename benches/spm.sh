#!/usr/bin/env bash
# Benchmark of the System Performance Measures and the project scorecard over a synthetic
# community with seven years of history: `hmis report spm`, `hmis report effectiveness`
# and both together in one process (`hmis report spm,effectiveness`, which like the single
# reports reads only ingest::MEASURE_FILES; and `hmis run` with a config whose `reports` are
# the two, which reads, validates and deduplicates everything and writes its files).
# Prints, per command, hmis's phases line (wall and CPU time of each phase), GNU time's
# wall, CPU and peak memory, and the load average before and after (the machine may be
# shared). Usage:
#   [PERIODS="2024-10-01..2025-09-30 2018-10-01..2025-09-30"] [WHICH="spm effectiveness both run"] \
#     benches/spm.sh [COMMUNITY_DIR] [PERSONS] [AGENCIES]
# COMMUNITY_DIR is reused when it exists, else generated there (and kept) with
# `hmis synth --persons PERSONS --agencies AGENCIES --seed 1 --start 2018-10-01 --end 2025-09-30`
# (1,000,000 persons: 20 exports, 49.8 M rows, 7.6 GB of CSV).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-/work/bench-data/c1m-7y}
persons=${2:-1000000}
agencies=${3:-20}
periods=${PERIODS:-2024-10-01..2025-09-30}
which=${WHICH:-spm effectiveness both run}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/hmis-target}"
cargo build --release -q
bin="$CARGO_TARGET_DIR/release/hmis"
if [ ! -d "$dir" ]; then
  "$bin" synth --out "$dir" --persons "$persons" --agencies "$agencies" --seed 1 \
    --start 2018-10-01 --end 2025-09-30
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
measure() { # label, then the hmis arguments
  local label=$1
  shift
  local before after
  before=$(uptime | sed 's/.*load average: //')
  /usr/bin/time -f "%e s wall, %U s user, %S s system, %M KB peak" \
    "$bin" "$@" 2>"$out/err" >/dev/null || { cat "$out/err"; exit 1; }
  after=$(uptime | sed 's/.*load average: //')
  echo "$label: $(grep -h 'phases:' "$out/err" | sed 's/.*phases: //')"
  echo "$label: $(tail -1 "$out/err"); load before $before, after $after"
}
for p in $periods; do
  start=${p%..*}
  end=${p#*..}
  for w in $which; do
    case $w in
      spm | effectiveness)
        measure "$w $p" report "$w" "$dir" --start "$start" --end "$end" --out "$out/$w" ;;
      both)
        measure "report spm,effectiveness $p" report spm,effectiveness "$dir" \
          --start "$start" --end "$end" --out "$out/$w" ;;
      run)
        printf 'reports = ["spm", "effectiveness"]\n' >"$out/both.toml"
        measure "run spm+effectiveness $p" run "$dir" --config "$out/both.toml" \
          --period "$start..$end" --out "$out/$w" ;;
    esac
    rm -rf "${out:?}/$w"
  done
done
