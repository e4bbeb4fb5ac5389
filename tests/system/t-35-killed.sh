#!/bin/sh
# SIGKILL of a host run, then "patchbench clean" and the next run's own
# clean-up (issue 15 item 5).
# Pass: right after the SIGKILL no process is left in the run's cgroups and
# kmem-churn makes no more of them (PDEATHSIG); "clean --dry-run" lists the
# run and changes nothing; "clean" removes its memory and cpuacct trees and
# its scratch directory and marks it "killed", with samples.raw turned into
# memstat.tsv; a live run is left alone; the next "run" cleans up after a
# second killed run by itself.
. "$(dirname "$0")/lib.sh"
require_root_memcg

TMP=$(mktemp -d /tmp/pb-kill.XXXXXX)
# If the code under test leaves processes behind, kill them (only those
# started with our temporary directory on their command line).
cleanup() {
	for f in /proc/[0-9]*/cmdline; do
		grep -qs "$TMP" "$f" && kill -KILL "$(basename "$(dirname "$f")")" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
plan 16
C=$TMP/cache
MEMCG=$(own_memcg)

# start_and_kill DIR: a run with kmem-churn busy making cgroups, SIGKILLed
# once it has flushed samples; prints its cgroup directory.
start_and_kill() {
	"$PB" run -w idle,kmem-churn --idle 2 --kmem-churn-children 5000 -d 60s --cache "$C" \
		-o "$1" -q >"$1.out" 2>&1 &
	p=$!
	wait_until 100 test -s "$1/samples.raw"
	sleep 1
	kill -KILL $p
	wait $p 2>/dev/null
	echo "$MEMCG/patchbench-$(meta_field "$1" run_id)"
}

# procs_in DIR: processes in DIR's cgroup tree
procs_in() {
	find "$1" -name cgroup.procs -exec cat {} + 2>/dev/null | wc -l
}

A=$TMP/a
CG=$(start_and_kill "$A")
ID=$(meta_field "$A" run_id)
ok $([ -n "$CG" ] && [ -d "$CG" ] && echo 0 || echo 1) "the killed run left its cgroup ($CG)"
sleep 1
n1=$(find "$CG" -type d 2>/dev/null | wc -l)
left=$(procs_in "$CG")
sleep 1
n2=$(find "$CG" -type d 2>/dev/null | wc -l)
ok $([ "$left" -eq 0 ] && echo 0 || echo 1) \
	"no process left in its cgroups after the SIGKILL ($left)"
ok $([ "$n1" -eq "$n2" ] && echo 0 || echo 1) "kmem-churn stopped making cgroups ($n1, $n2)"

# a process that escaped PDEATHSIG (a grandchild) is still in our cgroups
sleep 300 &
esc=$!
echo $esc >"$CG/kernelbuild/cgroup.procs"

"$PB" clean --dry-run --cache "$C" >"$TMP/dry" 2>&1
rc=$?
ok $([ $rc -eq 0 ] && grep -q "would mark '$A' killed" "$TMP/dry" && [ -d "$CG" ] &&
	[ "$(meta_field "$A" status)" = running ] && echo 0 || echo 1) \
	"clean --dry-run lists the run and changes nothing (rc $rc)"

# a live run that clean must leave alone
L=$TMP/live
"$PB" run -w idle --idle 1 -d 4s --cache "$C" -o "$L" -q >"$TMP/live.out" 2>&1 &
lp=$!
wait_until 50 test -s "$L/meta.json"
"$PB" clean --cache "$C" >"$TMP/clean" 2>&1
rc=$?
LCG=$MEMCG/patchbench-$(meta_field "$L" run_id)
ok $([ -d "$LCG" ] && echo 0 || echo 1) "clean left the live run's cgroup alone"
wait $lp
lrc=$?
ok $([ $lrc -eq 0 ] && [ "$(meta_field "$L" status)" = complete ] && echo 0 || echo 1) \
	"the live run completed (rc $lrc)"

ok $([ $rc -eq 0 ] && [ ! -d "$CG" ] && echo 0 || echo 1) \
	"clean removed the memory cgroup tree (rc $rc)"
st=$(awk '{ print $3 }' /proc/$esc/stat 2>/dev/null)
ok $([ -z "$st" ] || [ "$st" = Z ] && echo 0 || echo 1) \
	"... after killing a process left in it (state '$st')"
wait $esc 2>/dev/null
cpu=$(awk -F: '$2 ~ /(^|,)cpuacct(,|$)/ { print $3 }' /proc/self/cgroup)
ok $([ ! -d "/sys/fs/cgroup/cpuacct${cpu%/}/patchbench-$ID" ] && echo 0 || echo 1) \
	"... and its cpuacct mirror"
ok $([ ! -e "$C/work/$ID" ] && [ -z "$(ls "$C/runs" 2>/dev/null)" ] && echo 0 || echo 1) \
	"... and its scratch directory and owner record"
ok $([ "$(meta_field "$A" status)" = killed ] && echo 0 || echo 1) "status killed"
rows=$(awk 'END { print NR }' "$A/memstat.tsv" 2>/dev/null)
ok $([ "${rows:-0}" -gt 1 ] && [ ! -e "$A/samples.raw" ] && echo 0 || echo 1) \
	"samples.raw became memstat.tsv ($rows rows)"
"$PB" report "$A" >"$TMP/report" 2>&1
ok $(grep -q "killed" "$TMP/report"; echo $?) "report reads it and says killed"

# the next run cleans up by itself
B=$TMP/b
CGB=$(start_and_kill "$B")
"$PB" run -w idle --idle 1 -d 1s --cache "$C" -o "$TMP/next" -q >"$TMP/next.out" 2>&1
rc=$?
ok $([ $rc -eq 0 ] && [ -n "$CGB" ] && [ ! -d "$CGB" ] &&
	[ "$(meta_field "$B" status)" = killed ] && echo 0 || echo 1) \
	"the next run removed the killed run's tree and marked it killed (rc $rc)"
IDB=$(meta_field "$B" run_id)
left=$(ls -d "$MEMCG"/patchbench-* 2>/dev/null | grep -c -e "$ID" -e "$IDB")
ok $([ "$left" -eq 0 ] && echo 0 || echo 1) "no cgroup of either killed run is left"
ok_no_leftovers
done_testing
