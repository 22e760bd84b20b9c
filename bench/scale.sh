#!/usr/bin/env bash
# How a scrub's cost grows with the lead file and with the store: scrubs of
# 10k, 100k, 1M and 10M generated rows against a store of 1M opt-outs, then
# of 100k rows against stores of 10k, 100k and 1M opt-outs. Prints one line a
# run: what, wall seconds, user and system CPU seconds, peak RSS in KB.
#
#   bash bench/scale.sh [bin/dncctl]      (after make build; see docs/performance.md)
#
# Data comes from the committed generator (bench/genleads) into bench/data,
# as bench/run makes it; the 1M and 10M files and the 1M store are bench/run's
# (run make bench first, with -big-rows 10000000 for the 10M row).
set -euo pipefail
BIN=${1:-bin/dncctl}
D=bench/data
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
for n in 10000 100000; do
  [ -f "$D/leads-v2-$n.csv" ] || go run ./bench/genleads -rows "$n" -optouts "$n" -out "$D" >/dev/null
done
run() { # label store input
  rm -rf "$W/out" && mkdir -p "$W/out"
  /usr/bin/time -f "$1|%e|%U|%S|%M" "$BIN" --db "$2" scrub "$3" --region-col country --out-dir "$W/out" >/dev/null 2>"$W/err" || { cat "$W/err"; exit 1; }
  tail -1 "$W/err"
}
echo "what|wall s|user s|sys s|peak RSS KB"
cp "$D/stores/optouts.db" "$W/o1m.db"
for n in 10000 100000 1000000 10000000; do
  f="$D/leads-v2-$n.csv"
  if [ -f "$f" ]; then run "$n rows, 1M opt-outs" "$W/o1m.db" "$f"; else echo "$n rows: no $f (make bench with -big-rows $n)"; fi
done
for n in 10000 100000; do
  "$BIN" --db "$W/o$n.db" optout import "$D/optouts-v2-$n-$n.txt" --reason bench --refused "$W/refused.csv" >/dev/null 2>&1
  run "100000 rows, $n opt-outs" "$W/o$n.db" "$D/leads-v2-100000.csv"
done
run "100000 rows, 1000000 opt-outs" "$W/o1m.db" "$D/leads-v2-100000.csv"
