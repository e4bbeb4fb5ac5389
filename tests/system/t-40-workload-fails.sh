#!/bin/sh
# A workload that fails (a build error) marks the run failed and names the
# workload log; the tree is still cleaned up.
. "$(dirname "$0")/lib.sh"
require_root_memcg
[ -e /usr/src/linux-source-6.1.tar.xz ] || skip_all "linux-source-6.1 not installed (make deps)"

TMP=$(mktemp -d /tmp/pb-fail.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
R=$TMP/res
plan 7

before=$(leftover_cgroups)
"$PB" run -w kernelbuild,idle --builders 2 --idle 2 --kernelbuild-config no_such_defconfig \
	-o "$R" -q >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $([ $rc -eq 1 ] && echo 0 || echo 1) "exit 1 (rc $rc)"
ok $([ "$(meta_field "$R" status)" = failed ] && echo 0 || echo 1) "status failed"
log=$(meta_field "$R" failed_log)
ok $([ -n "$log" ] && [ -s "$R/$log" ] && echo 0 || echo 1) "failed_log names a log that exists ($log)"
ok $(grep -q "logs/kernelbuild-build-" "$TMP/err"; echo $?) "the error names the log: $(tail -1 "$TMP/err")"
ok $([ "$(leftover_cgroups)" -eq "$before" ] && echo 0 || echo 1) "no cgroup left"
ok $(grep -q "no_such_defconfig" "$R/$log"; echo $?) "the log holds make's error"
ok_no_leftovers
done_testing
