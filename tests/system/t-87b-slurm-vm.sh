#!/bin/sh
# reproduce and bisect --engine slurm on a one-node Slurm cluster of the test's own
# (slurm-lib.sh). Both make vm runs only (reproduce and bisect force --target vm), so
# this is the smallest of each: reproduce -r 1 --no-selftests --no-readcost -w idle
# -d 3s (4 boots, one per kernel, in one task), and bisect of the one-patch series noop
# (the ends: 2 boots of vanilla, 2 of noop-p1: "nothing to bisect"), --max-parallel 1
# (one qemu at a time). The kernels must be built already (~/.cache/patchbench).
# Pass: bad input is exit 2 before anything is made or submitted; reproduce --wait exits
# 0 or 1 (the report's verdicts) with state lines, the 4 runs complete with pair 1 and
# node localhost, REPORT.txt written by the final job equals a local
# 'reproduce --report-only' of the same directory but for its 'took' line; bisect
# exits 0 with "nothing to bisect" and its runs were placed by Slurm (slurm/1, slurm/2).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/slurm-lib.sh"
require_root_memcg
command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 missing (make deps)"
C=${PB_CACHE:-$HOME/.cache/patchbench}
for k in vanilla noop memcg-flush-on-read memcg-lazy-flush noop-p1; do
	[ -e "$C/kernels/$k/bzImage" ] || skip_all "kernel $k not built in $C (make reproduce builds them)"
done
TMP=$(mktemp -d /tmp/pb-slurm-vm.XXXXXX)
trap 'slurm_stop; rm -rf "$TMP"' EXIT
slurm_start "$TMP" || skip_all "$SLURM_WHY"
plan 7
cd "$TMP" || exit 1

"$PB" reproduce --engine slurm -r auto -w idle -d 3s -o "$TMP/bad" >"$TMP/bad.out" 2>&1
rc1=$?
"$PB" reproduce --wait -w idle -d 3s -o "$TMP/bad" >>"$TMP/bad.out" 2>&1
rc2=$?
"$PB" bisect --max-parallel 2 --series noop -o "$TMP/bad" >>"$TMP/bad.out" 2>&1
rc3=$?
ok $([ $rc1 -eq 2 ] && [ $rc2 -eq 2 ] && [ $rc3 -eq 2 ] && [ ! -e "$TMP/bad" ] &&
	[ "$(wc -l <"$TMP/bad.out")" -eq 3 ] && echo 0 || echo 1) \
	"reproduce -r auto with slurm, --wait without it, bisect --max-parallel without it: exit 2, one line, nothing made ($rc1 $rc2 $rc3)"

O=$TMP/repro
s=$(date +%s)
"$PB" reproduce --engine slurm --wait --max-parallel 1 -r 1 --no-selftests --no-readcost \
	-w idle -d 3s -o "$O" >"$TMP/repro.out" 2>"$TMP/repro.err"
rc=$?
diag "reproduce --engine slurm --wait (4 vm runs): $(($(date +%s) - s)) s, rc $rc"
[ $rc -le 1 ] || diag "$(tail -5 "$TMP/repro.err")"
ok $([ $rc -le 1 ] && grep -q "^reproduce: submitted job array [0-9]* (1 tasks, 4 runs)" "$TMP/repro.out" &&
	grep -q "^slurm: [0-9]*_1 RUNNING on localhost" "$TMP/repro.out" &&
	grep -q "^reproduce: 4 runs on Slurm (0 not complete)" "$TMP/repro.out" && echo 0 || echo 1) \
	"reproduce --engine slurm --wait: the report's status, state lines, 4 runs complete (rc $rc)"
n=0
for k in vanilla noop memcg-flush-on-read memcg-lazy-flush; do
	[ "$(meta_field "$O/runs/$k/1" status)" = complete ] &&
		[ "$(meta_field "$O/runs/$k/1" pair)" = 1 ] &&
		[ "$(meta_field "$O/runs/$k/1" node)" = localhost ] && n=$((n + 1))
done
ok $([ $n -eq 4 ] && echo 0 || echo 1) "runs/K/1 of the 4 kernels: complete, pair 1, node localhost ($n)"
cp "$O/REPORT.txt" "$TMP/REPORT.slurm"
"$PB" reproduce --report-only -r 1 --no-selftests --no-readcost -w idle -d 3s -o "$O" \
	>"$TMP/local.out" 2>&1
grep -v "took" "$TMP/REPORT.slurm" >"$TMP/a"
grep -v "took" "$O/REPORT.txt" >"$TMP/b"
ok $([ -s "$TMP/a" ] && cmp -s "$TMP/a" "$TMP/b" && echo 0 || echo 1) \
	"the final job's REPORT.txt is a local --report-only's of the same runs (but 'took')"
ok $(grep -q "^Verdicts" "$O/REPORT.txt" && echo 0 || echo 1) "REPORT.txt has its verdicts"

s=$(date +%s)
"$PB" bisect --engine slurm --max-parallel 1 --series noop -o "$TMP/bis" -w kmem-churn --kmem-churn-children 20 --cpus 1 -q \
	>"$TMP/bis.out" 2>"$TMP/bis.err"
rc=$?
diag "bisect --engine slurm, series noop (4 vm runs): $(($(date +%s) - s)) s, rc $rc"
[ $rc -eq 0 ] || diag "$(tail -5 "$TMP/bis.err")"
ok $([ $rc -eq 0 ] && grep -q "nothing to bisect" "$TMP/bis.out" "$TMP/bis.err" &&
	[ -s "$TMP/bis/slurm/1/task.sh" ] && [ -s "$TMP/bis/slurm/2/task.sh" ] &&
	grep -q "job array [0-9]* (2 runs), waiting" "$TMP/bis.err" && echo 0 || echo 1) \
	"bisect --engine slurm: exit 0, nothing to bisect, each end's runs one array (rc $rc)"
ok_no_leftovers
done_testing
