#!/bin/sh
# The sampler counts the intervals it missed (issue 15 item 10).
# Method: a 100 ms sampler is SIGSTOPped for 1.5 s in the middle of a run,
# so at least 14 grid points pass without a sample.
# Pass: meta.json "missed_intervals" >= 10, samples + missed_intervals is the
# grid of the window (4 s / 100 ms, within a quarter), the samples in meta.json
# are the samples in readlat.tsv, and the run warns on stderr, in meta.json
# "notes" and in "report" (more than 10% of the grid was missed).
. "$(dirname "$0")/lib.sh"
require_root_memcg

TMP=$(mktemp -d /tmp/pb-miss.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
plan 6
R=$TMP/r

# meta_num DIR KEY: a number from DIR/meta.json
meta_num() {
	sed -n "s/^  \"$2\": \\([0-9]*\\),\{0,1\}\$/\\1/p" "$1/meta.json"
}

"$PB" run -w idle --idle 1 --interval 100ms -d 4s --cache "$TMP/cache" -o "$R" -q \
	>"$TMP/out" 2>"$TMP/err" &
pid=$!
wait_until 100 test -s "$R/samples.raw"
kill -STOP $pid
sleep 1.5
kill -CONT $pid
wait $pid
rc=$?
missed=$(meta_num "$R" missed_intervals)
samples=$(meta_num "$R" samples)
ok $([ $rc -eq 0 ] && [ "${missed:-0}" -ge 10 ] && echo 0 || echo 1) \
	"missed_intervals counts the stopped 1.5 s (rc $rc, missed '$missed')"
grid=$((${samples:-0} + ${missed:-0}))
ok $([ $grid -ge 30 ] && [ $grid -le 50 ] && echo 0 || echo 1) \
	"samples + missed = the 4 s grid at 100 ms ($samples + $missed = $grid)"
n=$(awk -F'\t' '$2 == "kernelbuild" && $4 == "memory.stat" { n++ } END { print n + 0 }' \
	"$R/readlat.tsv")
ok $([ "$n" -eq "${samples:-0}" ] && echo 0 || echo 1) \
	"meta.json samples are the samples in readlat.tsv ($samples, $n)"
ok $(grep -q "sampler missed $missed of $grid intervals" "$TMP/err" &&
	grep -q "sampler missed $missed of $grid intervals" "$R/meta.json"; echo $?) \
	"the run warns on stderr and in notes"
"$PB" report "$R" >"$TMP/report" 2>&1
ok $(grep -q "$missed intervals missed by the sampler" "$TMP/report"; echo $?) \
	"report shows the count"
ok_no_leftovers
done_testing
