#!/usr/bin/env bash
# How a scrub's cost grows with the lead file and with the store: scrubs of
# 10k, 100k, 1M and 10M generated rows against a store of 1M opt-outs, then
# of 100k rows against stores of 10k and 100k opt-outs. Prints one line a
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
V=$(sed -n 's/^const Version = \([0-9]*\)$/\1/p' bench/leadgen/files.go) # the generator's file names carry it
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
for n in 10000 100000; do
  [ -f "$D/leads-v$V-$n.csv" ] || go run ./bench/genleads -rows "$n" -optouts "$n" -out "$D" >/dev/null
done
run() { # label store input
  rm -rf "$W/out" && mkdir -p "$W/out"
  /usr/bin/time -f "$1|%e|%U|%S|%M" "$BIN" --db "$2" scrub "$3" --region-col country --out-dir "$W/out" >/dev/null 2>"$W/err" || { cat "$W/err"; exit 1; }
  tail -1 "$W/err"
}
echo "what|wall s|user s|sys s|peak RSS KB"
# The store with the index snapshot its last scrub left beside it: every
# scrub here is one after the first since the lists changed.
cp "$D/stores/optouts.db" "$W/o1m.db"
[ ! -f "$D/stores/optouts.db-index" ] || cp "$D/stores/optouts.db-index" "$W/o1m.db-index"
for n in 10000 100000 1000000 10000000; do
  f="$D/leads-v$V-$n.csv"
  if [ -f "$f" ]; then run "$n rows, 1M opt-outs" "$W/o1m.db" "$f"; else echo "$n rows: no $f (make bench with -big-rows $n)"; fi
done
for n in 10000 100000; do
  "$BIN" --db "$W/o$n.db" optout import "$D/optouts-v$V-$n-$n.txt" --reason bench --refused "$W/refused.csv" >/dev/null 2>&1
  run "100000 rows, $n opt-outs, first after the import" "$W/o$n.db" "$D/leads-v$V-100000.csv"
  run "100000 rows, $n opt-outs" "$W/o$n.db" "$D/leads-v$V-100000.csv"
done
