#!/usr/bin/env bash
# Times the real binary: opt-out import and scrub of generated leads at
# several sizes, with wall time, rows/s and peak RSS (from GNU time, or
# /proc when it is missing). Usage: bench/scrub.sh BIN [ROWS...]
set -euo pipefail
bin=$(realpath "${1:?usage: bench/scrub.sh BIN [ROWS...]}")
shift
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1048575)
cd "$(dirname "$0")/.."
data=bench/data
mkdir -p "$data"

# measure CMD...: prints "wall_seconds peak_rss_kb"
measure() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%e %M" -o "$data/time.out" "$@" >/dev/null 2>"$data/cmd.err" || { cat "$data/cmd.err" >&2; return 1; }
    cat "$data/time.out"
  else
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>"$data/cmd.err" || { cat "$data/cmd.err" >&2; return 1; }
    end=$(date +%s.%N)
    echo "$(echo "$end - $start" | bc) ?"
  fi
}

# rate N WALL: rows per second, with a floor on WALL for runs too fast to time
rate() { echo "$1 / ($2 + 0.005)" | bc -l; }

printf '%-22s %10s %9s %12s %10s\n' "what" "rows" "wall_s" "rows_per_s" "rss_MB"
for n in "${sizes[@]}"; do
  [ -f "$data/leads-$n.xlsx" ] || go run ./bench/genleads -rows "$n" -out "$data" -xlsx
  db="$data/bench-$n.db"
  rm -f "$db" "$db-wal" "$db-shm"
  optouts=$(wc -l <"$data/optouts-$n.txt")
  read -r wall rss < <(measure "$bin" --db "$db" optout import "$data/optouts-$n.txt" --refused "$data/refused-$n.csv")
  printf '%-22s %10d %9.2f %12.0f %10s\n' "optout import" "$optouts" "$wall" "$(rate "$optouts" "$wall")" "$((rss / 1024))"
  read -r wall rss < <(measure "$bin" --db "$db" scrub "$data/leads-$n.csv" --region ES --out-dir "$data/out-$n")
  printf '%-22s %10d %9.2f %12.0f %10s\n' "scrub csv" "$n" "$wall" "$(rate "$n" "$wall")" "$((rss / 1024))"
  read -r wall rss < <(measure "$bin" --db "$db" scrub "$data/leads-$n.xlsx" --region ES --out-dir "$data/out-$n")
  printf '%-22s %10d %9.2f %12.0f %10s\n' "scrub xlsx" "$n" "$wall" "$(rate "$n" "$wall")" "$((rss / 1024))"
done
