#!/bin/sh
# SIGINT and SIGTERM in the middle of a run.
# Pass: exit 1, every workload process killed, every cgroup removed, status
# "interrupted", and the partial samples kept and readable; an interrupted
# kmem-churn is "stopped", and the error does not call it failed.
. "$(dirname "$0")/lib.sh"
require_root_memcg
[ -e /usr/src/linux-source-6.1.tar.xz ] || skip_all "linux-source-6.1 not installed (make deps)"

TMP=$(mktemp -d /tmp/pb-int.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
plan 16

for sig in INT TERM; do
	R=$TMP/res-$sig
	before=$(leftover_cgroups)
	"$PB" run -w kernelbuild,idle --builders 2 --idle 3 -o "$R" -q >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	# wait until the builders are compiling (the tree exists and make runs)
	i=0
	while [ $i -lt 60 ] && ! grep -qs "step 2/2" "$R"/logs/kernelbuild-build-a.log; do
		sleep 1
		i=$((i + 1))
	done
	sleep 2
	kill -$sig $pid
	wait $pid
	rc=$?
	ok $([ $rc -eq 1 ] && echo 0 || echo 1) "SIG$sig: exit 1 (rc $rc)"
	ok $([ "$(meta_field "$R" status)" = interrupted ] && echo 0 || echo 1) \
		"SIG$sig: status interrupted"
	ok $([ "$(leftover_cgroups)" -eq "$before" ] && echo 0 || echo 1) "SIG$sig: no cgroup left"
	left=$(pgrep -f "O=.*/work/.*build-a" | wc -l)
	ok $([ "$left" -eq 0 ] && echo 0 || echo 1) "SIG$sig: no build process left ($left)"
	rows=$(awk 'END { print NR }' "$R/memstat.tsv" 2>/dev/null)
	ok $([ "${rows:-0}" -gt 10 ] && [ ! -e "$R/memstat.tsv.tmp" ] && echo 0 || echo 1) \
		"SIG$sig: partial samples kept ($rows rows)"
	"$PB" report "$R" >"$TMP/report" 2>&1
	ok $(grep -q interrupted "$TMP/report"; echo $?) "SIG$sig: report reads it and says interrupted"
done

# An interrupted kmem-churn is stopped, not failed: the error does not blame it.
R=$TMP/res-churn
"$PB" run -w idle,kmem-churn --idle 1 --kmem-churn-children 5000 -o "$R" -q \
	>"$TMP/out" 2>"$TMP/err" &
pid=$!
wait_until 100 grep -qs "children done" "$R/logs/kmem-churn-churn.log"
kill -INT $pid
wait $pid
rc=$?
ok $([ $rc -eq 1 ] && [ "$(meta_field "$R" status)" = interrupted ] && echo 0 || echo 1) \
	"kmem-churn run: SIGINT gives exit 1, status interrupted (rc $rc)"
ok $(! grep -q "failed with exit code" "$R/meta.json" "$TMP/err"; echo $?) \
	"the error does not say the interrupted workload failed ($(grep '"error"' "$R/meta.json"))"
ok $(awk -F'\t' '$1 == "kmem-churn" && $8 == "stopped" { n++ } END { exit n != 1 }' \
	"$R/workloads.tsv"; echo $?) "workloads.tsv says kmem-churn was stopped"
ok_no_leftovers
done_testing
