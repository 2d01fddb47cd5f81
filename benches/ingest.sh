#!/usr/bin/env bash
# End-to-end ingest benchmark: `hmis validate` over HUD's FY2026 sample export and over a
# synthetic community of PERSONS persons in AGENCIES agencies. Prints wall time, CPU time and
# peak memory (GNU time), plus rows and MB read. Usage:
#   benches/ingest.sh [PERSONS] [AGENCIES]      (defaults 1000000 20)
set -euo pipefail
cd "$(dirname "$0")/.."
persons=${1:-1000000}
agencies=${2:-20}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/hmis-target}"
cargo build --release -q
bin="$CARGO_TARGET_DIR/release/hmis"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() { # label, then the command
  local label=$1; shift
  /usr/bin/time -f "%e s wall, %U s user, %S s system, %M KB peak" "$@" 2>"$work/time" >/dev/null || true
  echo "$label: $(tail -1 "$work/time")"
}

sample="../shared/data/lsa-sample-fy2026/Sample HMIS Data.zip"
if [ -f "$sample" ]; then
  for i in 1 2 3; do measure "HUD sample (zip, 255,214 rows, 36.2 MB unzipped) run $i" "$bin" validate "$sample" --out "$work/v0" -q; done
else
  echo "skipped HUD sample: $sample is absent"
fi

measure "synth $persons persons / $agencies agencies" "$bin" synth --out "$work/c" --persons "$persons" --agencies "$agencies" --seed 1
rows=$(awk -F, 'NR>1 {s+=$4} END {print s}' < <("$bin" validate "$work/c" --out "$work/v" -q; cat "$work/v/ingest.csv"))
mb=$(du -sm "$work/c" | cut -f1)
echo "community: $rows rows, $mb MB of CSV"
measure "validate $persons persons / $agencies agencies" "$bin" validate "$work/c" --out "$work/v" -q
