#!/bin/sh
# patchbench bisect for real: the shipped demo series kernels/series/bisect-demo
# (four patches; only 0003 adds a cost, a loop on every memcg stat update) on
# vanilla, under qemu (TCG here) with the instruction counts, -w kmem-churn
# --kmem-churn-children 20 (a fixed amount of work: ~6 s a boot), 2 runs per
# kernel. The prefix kernels are built on the way (~1 min each with ccache;
# 3 of them). Then the same directory again (a resume: nothing built or run),
# bad input, --repeat auto (runs added while the watched counts are open, at
# most 4 a side), and noop (one patch that changes no code): nothing to bisect.
# Measured alone with vanilla built: demo 3m17s, resume 1.5 s.
# Pass: exit 0, "first bad patch: 3/4 0003-..." on stdout and in BISECT.txt
# (72 columns, the parent-vs-first-bad table with the watched instruction
# metrics), bisect.json found with first_bad 3 and p1 untested or good, p2
# good, p3 bad; the resume gives the same answer without a run; an unknown
# --metric is exit 2 with the metric names; base == series, no --series and
# an unknown series are exit 2 with one line; the dashboard row of an A/B
# directory holding the bisection (as nightly.sh BISECT=1 leaves it) names
# the patch and links BISECT.txt; noop: exit 0, nothing to bisect.
. "$(dirname "$0")/lib.sh"
require_root_memcg
command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 missing (make deps)"
[ -e /usr/src/linux-source-6.1.tar.xz ] || skip_all "linux-source-6.1 not installed (make deps)"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
[ -e "$TOP/build/pb-insn.so" ] || skip_all "build/pb-insn.so not built (make test builds it)"

TMP=$(mktemp -d /tmp/pb-bisect.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
plan 17
# 1 vCPU: at 2 a guest spinning on a lock while the other vCPU is off the host CPU moves
# the kernel instructions of one kernel by 4-11% between boots (bench insn)
SMALL="-w kmem-churn --kmem-churn-children 20 --cpus 1 -q"

# --- bad input: exit 2, one line, before anything is built ------------------------------
"$PB" bisect --series noop --base noop >"$TMP/o" 2>&1
rc=$?
ok $([ $rc -eq 2 ] && [ "$(wc -l <"$TMP/o")" -eq 1 ] && grep -q "is the series itself" "$TMP/o" &&
	echo 0 || echo 1) "base == series: one-line error, exit 2 (rc $rc)"
"$PB" bisect >"$TMP/o" 2>&1
rc=$?
ok $([ $rc -eq 2 ] && [ "$(wc -l <"$TMP/o")" -eq 1 ] && echo 0 || echo 1) \
	"no --series: one-line error, exit 2 (rc $rc)"
"$PB" bisect --series no-such-series -o "$TMP/none" >"$TMP/o" 2>&1
rc=$?
ok $([ $rc -eq 2 ] && grep -q "unknown series 'no-such-series'" "$TMP/o" && [ ! -e "$TMP/none" ] &&
	echo 0 || echo 1) "unknown series: exit 2, nothing made (rc $rc)"

# --- the demo series -------------------------------------------------------------------
B=$TMP/demo
s=$(date +%s)
# shellcheck disable=SC2086
"$PB" bisect --series bisect-demo -o "$B" $SMALL >"$TMP/demo.out" 2>"$TMP/demo.err"
rc=$?
diag "bisect-demo: rc $rc, $(( $(date +%s) - s ))s"
[ $rc -eq 0 ] || diag "$(tail -15 "$TMP/demo.err")"
ok $([ $rc -eq 0 ] && grep -q "^bisect: first bad patch: 3/4 0003-memcg-audit-every-stat-update.patch$" \
	"$TMP/demo.out" && echo 0 || echo 1) "bisect-demo: exit 0, first bad patch 3/4 (rc $rc)"
R=$B/BISECT.txt
ok $(grep -q "^first bad patch: 3/4$" "$R" && grep -q "^  0003-memcg-audit-every-stat-update.patch$" "$R" &&
	grep -q "^  mm: memcg: audit every stat update$" "$R" &&
	grep -q "^bisect-demo-p2 (parent) vs bisect-demo-p3 (first bad):$" "$R" &&
	grep -q "^memcg_stat_audit .* new  regression \*$" "$R" &&
	grep -q "^measure: guest instructions (TCG plugin" "$R" && grep -q "^target vm-tcg" "$R"
	echo $?) "BISECT.txt: the patch, its subject, parent vs first bad, the new symbol"
width=$(awk '{ if (length($0) > w) w = length($0) } END { print w + 0 }' "$R")
ok $([ "$width" -le 72 ] && echo 0 || echo 1) "BISECT.txt fits 72 columns ($width)"
[ "$width" -le 72 ] || awk 'length($0) > 72 { print "# over 72: " $0 }' "$R" >&2
j=$(tr -d ' \n' <"$B/bisect.json")
ok $(echo "$j" | grep -q '"status":"found",' && echo "$j" | grep -q '"first_bad":3,' &&
	echo "$j" | grep -q '"prefix":2,[^}]*"mark":"good"' &&
	echo "$j" | grep -q '"prefix":3,[^}]*"mark":"bad"' &&
	echo "$j" | grep -q '"prefix":4,[^}]*"mark":"bad"' && echo 0 || echo 1) \
	"bisect.json: found, first_bad 3; p2 good, p3 and p4 bad"
[ -s "$R" ] && sed 's/^/# /' "$R"

# --- resume: the same directory, nothing run again -------------------------------------
t_before=$(awk '$2 == "p4" { sub("s$", "", $NF); print $NF }' "$R")
s=$(date +%s)
# shellcheck disable=SC2086
"$PB" bisect --series bisect-demo -o "$B" $SMALL >"$TMP/again.out" 2>"$TMP/again.err"
rc=$?
el=$(( $(date +%s) - s ))
t_after=$(awk '$2 == "p4" { sub("s$", "", $NF); print $NF }' "$R")
ok $([ $rc -eq 0 ] && grep -q "^bisect: first bad patch: 3/4 " "$TMP/again.out" &&
	! grep -q ": run [0-9]" "$TMP/again.err" && [ "${t_before:-0}" -gt 0 ] &&
	[ "${t_after:-0}" -ge "${t_before:-0}" ] && echo 0 || echo 1) \
	"resume: the same answer, no run made, the step times kept (rc $rc, ${el}s; p4 ${t_before}s, then ${t_after}s)"
# shellcheck disable=SC2086
"$PB" bisect --series bisect-demo -o "$B" --metric insn:nope $SMALL >"$TMP/o" 2>&1
rc=$?
ok $([ $rc -eq 2 ] && grep -q "unknown --metric 'insn:nope' (the runs have [0-9]*: .*insn:kernel" "$TMP/o" &&
	tr -d ' \n' <"$B/bisect.json" | grep -q '"status":"found",' && echo 0 || echo 1) \
	"unknown --metric: exit 2, the metric names listed, bisect.json kept (rc $rc)"
"$PB" bisect --series bisect-demo -o "$TMP" >"$TMP/o" 2>&1
rc=$?
ok $([ $rc -eq 2 ] && grep -q "is no bisect directory" "$TMP/o" && echo 0 || echo 1) \
	"-o an existing directory that is no bisect directory: exit 2 (rc $rc)"

# --- the dashboard row of an A/B directory with a bisection (nightly.sh BISECT=1) --------
AB=$TMP/res/nightly/ab-demo
# shellcheck disable=SC2086
"$PB" ab --base vanilla --patched bisect-demo-p4 --repeat 1 --no-perf --ab-out "$AB" $SMALL \
	>"$TMP/ab.out" 2>&1
rc=$?
cp -r "$B" "$AB/bisect"
"$PB" dashboard "$TMP/res" -o "$TMP/dash" >"$TMP/dash.out" 2>&1
drc=$?
ok $([ $rc -eq 0 ] && [ $drc -le 1 ] &&
	grep -q '<a href="[^"]*/BISECT.txt">first bad 0003-memcg-audit-every-stat-update.patch</a>' \
	"$TMP/dash/index.html" && [ -s "$(ls "$TMP"/dash/*/BISECT.txt 2>/dev/null | head -1)" ] &&
	echo 0 || echo 1) "dashboard: the A/B row names the first bad patch, BISECT.txt next to it (ab $rc, dashboard $drc)"

# --- --repeat auto: pairs added while insn:kernel (then the bisected metrics) is open ------
"$PB" bisect --series bisect-demo --repeat x >"$TMP/o" 2>&1
rc=$?
ok $([ $rc -eq 2 ] && [ "$(wc -l <"$TMP/o")" -eq 1 ] && grep -q "invalid value 'x' for --repeat" "$TMP/o" &&
	echo 0 || echo 1) "--repeat x: one-line error, exit 2 (rc $rc)"
s=$(date +%s)
# shellcheck disable=SC2086
"$PB" bisect --series bisect-demo --repeat auto --max-repeat 4 -o "$TMP/auto" $SMALL \
	>"$TMP/auto.out" 2>"$TMP/auto.err"
rc=$?
diag "bisect-demo --repeat auto: rc $rc, $(( $(date +%s) - s ))s"
grep "after [0-9]* run(s) a side" "$TMP/auto.err" | sed 's/^/# /' >&2
R=$TMP/auto/BISECT.txt
ok $([ $rc -eq 0 ] && grep -q "^bisect: first bad patch: 3/4 0003-" "$TMP/auto.out" &&
	grep -q "^target vm-tcg, kernel .*, --repeat auto (2\.\.4 runs a side), 4 patches$" "$R" &&
	grep -q "^at level 1 - 0.05/3 (Bonferroni over the looks)$" "$R" &&
	grep -q "^          settled after [2-4] run(s) a side: insn:kernel " "$R" &&
	echo 0 || echo 1) "--repeat auto: first bad 3/4; BISECT.txt states the rule and why each step stopped"
[ -s "$R" ] && sed 's/^/# /' "$R"
j=$(tr -d ' \n' <"$TMP/auto/bisect.json")
ok $(echo "$j" | grep -q '"repeat_auto":{"max_repeat":4,' &&
	echo "$j" | grep -q '"prefix":3,[^}]*"mark":"bad"[^}]*"runs":[234],"stopped":"settledafter' &&
	echo 0 || echo 1) "bisect.json: repeat_auto, each step's runs and why it stopped"

# without instruction counts the default --repeat is auto (on the watched task-clock)
# shellcheck disable=SC2086
"$PB" bisect --series bisect-demo --insn-count off --metric cputotal:task-clock --max-repeat 3 \
	-o "$TMP/nocounts" $SMALL >"$TMP/nc.out" 2>"$TMP/nc.err"
rc=$?
grep "^bisect: " "$TMP/nc.err" | sed 's/^/# /' >&2
ok $([ $rc -le 1 ] && grep -q "^bisect: no instruction counts (off: .*): --repeat auto, at most 3 runs a side$" "$TMP/nc.err" &&
	tr -d ' \n' <"$TMP/nocounts/bisect.json" | grep -q '"repeat_auto":{"max_repeat":3,' &&
	grep -q "^bisect: prefix 4/4: after 2 run(s) a side: cputotal:task-clock " "$TMP/nc.err" &&
	echo 0 || echo 1) "no instruction counts: --repeat auto by default, looks at task-clock (rc $rc)"

# --- nothing to bisect -----------------------------------------------------------------
# shellcheck disable=SC2086
"$PB" bisect --series noop -o "$TMP/noop" $SMALL >"$TMP/noop.out" 2>"$TMP/noop.err"
rc=$?
[ $rc -eq 0 ] || diag "$(tail -5 "$TMP/noop.err")"
grep -q "^bisect: nothing to bisect" "$TMP/noop.out" || sed 's/^/# /' "$TMP/noop/BISECT.txt" >&2
ok $([ $rc -eq 0 ] && grep -q "^bisect: nothing to bisect" "$TMP/noop.out" &&
	grep -q "nothing to bisect" "$TMP/noop/BISECT.txt" && echo 0 || echo 1) \
	"noop (1 patch, no code change): exit 0, nothing to bisect (rc $rc)"
ok_no_leftovers
done_testing
