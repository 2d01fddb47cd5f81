#!/usr/bin/env bash
# Compares hmis binaries on the same input, runs alternating so that a busy machine slows
# them alike: one thread, `hmis validate EXPORT...`, N rounds; prints the least, median and
# most CPU time (user + system) per binary. Usage:
#   benches/ab.sh N BIN1 BIN2 [...] -- EXPORT...
# e.g. benches/ab.sh 5 /tmp/hmis-old /tmp/hmis-new -- /work/bench-data/c1m/agency-0{1,2}
set -euo pipefail
n=$1; shift
bins=()
while [ "$1" != "--" ]; do bins+=("$1"); shift; done
shift
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
declare -A res
for _ in $(seq "$n"); do
  for b in "${bins[@]}"; do
    t=$( { RAYON_NUM_THREADS=1 /usr/bin/time -f "%U %S" "$b" validate "$@" --out "$out/v" -q; } 2>&1 | tail -1 | awk '{print $1 + $2}')
    res[$b]="${res[$b]:-} $t"
  done
done
for b in "${bins[@]}"; do
  echo "$b: $(echo ${res[$b]} | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {printf "least %.2f s, median %.2f s, most %.2f s CPU (%d runs)", a[1], a[int((NR+1)/2)], a[NR], NR}')"
done
