#!/usr/bin/env bash
# Deduplication benchmark: `hmis dedup --truth` over synthetic communities of about 100,000
# and 1,000,000 client records (20 agencies). Prints wall time and peak memory (GNU time),
# the time per phase, pairs compared, and precision / recall / F1 against the truth.
#   benches/dedup.sh [PERSONS ...]     (default: 65000 650000, i.e. ~100k and ~1M records)
# Communities are kept in $HMIS_BENCH_DATA (default /tmp/hmis-bench) between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/hmis-target}"
cargo build --release -q
bin="$CARGO_TARGET_DIR/release/hmis"
data="${HMIS_BENCH_DATA:-/tmp/hmis-bench}"
mkdir -p "$data"
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(65000 650000)
for persons in "${sizes[@]}"; do
  c="$data/dedup-$persons"
  [ -f "$c/truth.csv" ] || "$bin" synth --out "$c" --persons "$persons" --agencies 20 --seed 11 2>/dev/null
  out=$(mktemp -d)
  /usr/bin/time -f "%e %M" -o "$out/time" "$bin" dedup "$c" --out "$out" --truth "$c/truth.csv" -q 2>/dev/null
  read -r wall kb < "$out/time"
  python3 - "$out/summary.json" "$persons" "$wall" "$kb" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); persons, wall, kb = sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
t = s["timings_ms"]; q = s["truth"]
dedup_ms = sum(v for k, v in t.items() if k not in ("load_and_validate", "total"))
print(f"{persons} persons, {s['source_client_records']} records: wall {wall:.1f} s, peak {kb/1024:.0f} MB; "
      f"load+validate {t['load_and_validate']/1000:.1f} s, dedup phases {dedup_ms/1000:.1f} s "
      f"({', '.join(f'{k} {v/1000:.1f}' for k, v in sorted(t.items()) if k not in ('load_and_validate','total'))})")
print(f"  pairs compared {s['pairs_compared']:,} ({s['pairs_compared']/max(t['block_and_compare'],1)*1000:,.0f}/s in block_and_compare); "
      f"persons {s['unduplicated_persons']:,} vs true {q['true_persons']:,} ({q['person_count_error']*100:+.2f} %); "
      f"precision {q['precision']:.4f} recall {q['recall']:.4f} F1 {q['f1']:.4f}")
PY
  rm -rf "$out"
done
