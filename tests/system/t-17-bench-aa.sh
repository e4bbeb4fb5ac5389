#!/bin/sh
# patchbench bench aa at its smallest, for real (host runs in real cgroups):
# 4 runs of one kernel, 6 A/A comparisons of 2 vs 2. Not a measurement (make
# bench makes that): the output must give the metric and the per-comparison
# false-positive rates, the method (read latency as one Bonferroni family)
# and the verdict against the issue's target (<= 5% of comparisons), in text
# and JSON; the --repeat auto rule's A/A sequences (ab's rule on pairs of the
# same runs: how many stop "changed"); a bad --aa-per-side is exit 2.
. "$(dirname "$0")/lib.sh"
require_root_memcg
TMP=$(mktemp -d /tmp/pb-aa.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
plan 6

"$PB" bench aa --aa-runs 4 --aa-per-side 3 >"$TMP/o" 2>&1
rc=$?
ok $([ $rc -eq 2 ] && [ "$(wc -l <"$TMP/o")" -eq 1 ] && echo 0 || echo 1) \
	"--aa-per-side 3 of 4 runs (2 x 3 > 4): one-line error, exit 2 (rc $rc: $(cat "$TMP/o"))"
"$PB" bench aa --aa-runs 4 --aa-per-side 2 --aa-comparisons 6 >"$TMP/aa.out" 2>"$TMP/aa.err"
rc=$?
sed 's/^/# /' "$TMP/aa.out"
ok $([ $rc -eq 0 ] && grep -q "^  comparisons with any  *[0-6]  *[0-9.]*%$" "$TMP/aa.out" &&
	grep -q "^  false positives (metric verdicts)  *[0-9]" "$TMP/aa.out" && echo 0 || echo 1) \
	"text: the metric and the per-comparison rates (rc $rc)"
ok $(grep -q "^  method: each metric at 95%; the read latency levels as one family$" "$TMP/aa.out" &&
	grep -q "^  target: <= 5% of comparisons flag anything: \(met\|NOT met\) ([0-9.]*%)$" "$TMP/aa.out" &&
	echo 0 || echo 1) "text: the method and the target, met or not"
ok $(grep -q "^--repeat auto's rule on A/A (cputotal:task-clock, a look per pair from the 2nd,$" "$TMP/aa.out" &&
	grep -q "^  each at level 1 - 0.05/7), 6 sequences of at most 2 pairs:$" "$TMP/aa.out" &&
	grep -q "^  changed (false positives)  *[0-6]  *[0-9.]*%$" "$TMP/aa.out" &&
	grep -q "^  target: <= 5% of sequences stop changed: \(met\|NOT met\)$" "$TMP/aa.out" &&
	echo 0 || echo 1) "text: the --repeat auto rule's A/A sequences (6 of at most 2 pairs)"
"$PB" bench aa --aa-runs 4 --aa-per-side 2 --aa-comparisons 6 --format json >"$TMP/aa.json" 2>&1
j=$(tr -d ' \n' <"$TMP/aa.json")
ok $(echo "$j" | grep -q '"comparison_rate":[0-9.e+-]*,"target_comparison_rate":0.05,"target_met":\(true\|false\),"method":"95%permetric' &&
	echo "$j" | grep -q '"repeat_auto":{"watch":"cputotal:task-clock","max_repeat":8,"max_pairs":2,"sequences":6,' &&
	echo 0 || echo 1) "json: comparison_rate, the target, met, the method"
ok_no_leftovers
done_testing
