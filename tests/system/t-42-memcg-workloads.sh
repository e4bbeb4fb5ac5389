#!/bin/sh
# The memcg workloads (issue 14) on the host, at smoke size: page-fault (modes 1 and 2),
# reclaim (also with its anon above the limit: OOM), cgroup-churn, and a page-fault run
# stopped by SIGTERM.
# Method: each a short run (--builders 0 --idle 0 --settle 0, its own --workdir), then its
# result rows (<workload>.tsv, memcg-wl.h), compare of a run against itself, the workdir,
# the processes and the cgroups afterwards.
# Pass: every run complete (the SIGTERM one interrupted, its rows written all the same);
# page-fault: faults > 0, ops/s per process > 0, about one pgfault per op; reclaim: pgscan or
# pgsteal delta > 0, failcnt > 0 (v1) or memory.events high > 0 (v2), an OOM kill counted
# without failing the run (v1; v2's memory.high throttles instead); cgroup-churn: created =
# removed = 200, dying cgroups sampled (and seen), percpu a number on v2 and "-" on v1;
# compare shows the workloads' sections; no workdir file, process or cgroup left.
. "$(dirname "$0")/lib.sh"
require_root_memcg

TMP=$(mktemp -d /tmp/pb-memcg-wl.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
plan 27

# val DIR WORKLOAD METRIC: the value column of that row of DIR/WORKLOAD.tsv
val() {
	awk -F'\t' -v m="$3" '$1 == m { print $2; exit }' "$1/$2.tsv" 2>/dev/null
}
# gt0 VALUE: a number above 0
gt0() {
	awk -v v="$1" 'BEGIN { exit !(v + 0 > 0 && v ~ /^[0-9.]+$/) }'
}
# run NAME ARGS...: a host run into $TMP/NAME; its exit code in $rc
run() {
	n=$1
	shift
	"$PB" run --target host --scale smoke --builders 0 --idle 0 --settle 0s \
		--workdir "$TMP/work" -o "$TMP/$n" "$@" >"$TMP/$n.out" 2>&1
	rc=$?
	[ $rc -eq 0 ] || diag "$n: $(tail -3 "$TMP/$n.out")"
}
complete() {
	[ "$(meta_field "$TMP/$1" status)" = complete ]
}
mkdir "$TMP/work"

# --- page-fault ---------------------------------------------------------------------------
run pf1 -w page-fault -d 3s
# the layout the runs use (auto: v2 if it has the memory controller, else v1)
v=$(meta_field "$TMP/pf1" cgroup_version)
f=$(val "$TMP/pf1" page-fault faults)
o=$(val "$TMP/pf1" page-fault ops)
r=$(val "$TMP/pf1" page-fault ops_per_sec_per_proc)
ok $([ $rc -eq 0 ] && complete pf1 && echo 0 || echo 1) "page-fault mode 1: complete (rc $rc)"
ok $(gt0 "$f" && gt0 "$r" && echo 0 || echo 1) \
	"page-fault mode 1: memory.stat pgfault +$f > 0, $r ops/s per process > 0"
ok $(awk -v f="$f" -v o="$o" 'BEGIN { exit !(o > 0 && f / o > 0.9 && f / o < 1.2) }' && echo 0 ||
	echo 1) "page-fault mode 1: one pgfault per op ($f faults, $o ops)"
ok $([ "$(awk -F'\t' '$1 ~ /^proc-[0-9]+:ops_per_sec$/ && $2 > 0' "$TMP/pf1/page-fault.tsv" |
	wc -l)" -eq 2 ] && echo 0 || echo 1) "page-fault: a rate for each of the 2 processes"
run pf2 -w page-fault --page-fault-mode 2 -d 3s
f=$(val "$TMP/pf2" page-fault faults)
r=$(val "$TMP/pf2" page-fault ops_per_sec_per_proc)
ok $([ $rc -eq 0 ] && complete pf2 && gt0 "$f" && gt0 "$r" && echo 0 || echo 1) \
	"page-fault mode 2 (file): complete, pgfault +$f, $r ops/s per process"
"$PB" compare "$TMP/pf1" "$TMP/pf1" >"$TMP/cmp" 2>&1
rc=$?
ok $([ $rc -eq 0 ] && grep -q "^page-fault workload" "$TMP/cmp" &&
	grep -q "ops/s per proc" "$TMP/cmp" && echo 0 || echo 1) \
	"compare shows the page-fault section (rc $rc)"

# --- reclaim ------------------------------------------------------------------------------
run rc1 -w reclaim -d 3s
scan=$(val "$TMP/rc1" reclaim pgscan)
steal=$(val "$TMP/rc1" reclaim pgsteal)
ok $([ $rc -eq 0 ] && complete rc1 && echo 0 || echo 1) "reclaim: complete (rc $rc)"
ok $({ gt0 "$scan" || gt0 "$steal"; } && echo 0 || echo 1) \
	"reclaim: pgscan +$scan or pgsteal +$steal > 0"
if [ "$v" = v1 ]; then
	fc=$(val "$TMP/rc1" reclaim failcnt)
	ok $(gt0 "$fc" && echo 0 || echo 1) "reclaim v1: memory.failcnt +$fc > 0"
	ok $([ "$(val "$TMP/rc1" reclaim events:high)" = - ] && echo 0 || echo 1) \
		"reclaim v1: memory.events high is '-' (v1 has none)"
else
	hi=$(val "$TMP/rc1" reclaim events:high)
	ok $(gt0 "$hi" && echo 0 || echo 1) "reclaim v2: memory.events high +$hi > 0"
	ok $([ "$(val "$TMP/rc1" reclaim failcnt)" = - ] && echo 0 || echo 1) \
		"reclaim v2: failcnt is '-' (v2 has none)"
fi
mb=$(val "$TMP/rc1" reclaim read_mib_per_sec)
ok $(gt0 "$mb" && grep -q "limit_in_bytes = 67108864\|memory.high = 67108864" \
	"$TMP/rc1/logs/reclaim-reclaim.log" && echo 0 || echo 1) \
	"reclaim: the 64M limit was set, $mb MiB/s read through it"
if [ "$v" = v1 ]; then
	run rc2 -w reclaim --reclaim-anon 80M -d 3s
	k=$(val "$TMP/rc2" reclaim events:oom_kill)
	re=$(val "$TMP/rc2" reclaim restarts:toucher)
	ok $([ $rc -eq 0 ] && complete rc2 && echo 0 || echo 1) \
		"reclaim, anon 80M over a 64M limit: the run is complete all the same (rc $rc)"
	ok $(gt0 "$k" && gt0 "$re" && echo 0 || echo 1) \
		"reclaim OOM: oom_kill +$k counted, the toucher started again $re times"
else
	skip "reclaim OOM: memory.high (v2) throttles instead of OOM-killing"
	skip "reclaim OOM: memory.high (v2) throttles instead of OOM-killing"
fi

# --- cgroup-churn -------------------------------------------------------------------------
run cc -w cgroup-churn -d 30s
c=$(val "$TMP/cc" cgroup-churn cgroups_created)
d=$(val "$TMP/cc" cgroup-churn cgroups_removed)
dm=$(val "$TMP/cc" cgroup-churn dying_max)
ok $([ $rc -eq 0 ] && complete cc && echo 0 || echo 1) "cgroup-churn: complete (rc $rc)"
ok $([ "$c" = 200 ] && [ "$d" = 200 ] && echo 0 || echo 1) \
	"cgroup-churn: 200 created = 200 removed ($c, $d)"
S=$TMP/cc/cgroup-churn-samples.tsv
ok $([ "$(awk -F'\t' 'NR > 1 && $6 ~ /^-?[0-9]+$/' "$S" | wc -l)" -ge 40 ] &&
	[ "$(awk -F'\t' 'NR > 1 && $2 == "freeing"' "$S" | wc -l)" -ge 1 ] && echo 0 || echo 1) \
	"cgroup-churn: the dying count sampled after every batch and while freeing"
ok $(gt0 "$dm" && echo 0 || echo 1) "cgroup-churn: dying cgroups seen (peak $dm)"
pc=$(val "$TMP/cc" cgroup-churn percpu_peak)
mi=$(val "$TMP/cc" cgroup-churn meminfo_percpu_peak)
if [ "$v" = v1 ]; then
	ok $([ "$pc" = - ] && grep -q "percpu_peak.*v1 memory.stat has no percpu" \
		"$TMP/cc/cgroup-churn.tsv" && echo 0 || echo 1) "cgroup-churn v1: percpu is '-', said why"
else
	ok $(gt0 "$pc" && echo 0 || echo 1) "cgroup-churn v2: memory.stat percpu peak $pc > 0"
fi
ok $(gt0 "$mi" && echo 0 || echo 1) "cgroup-churn: /proc/meminfo Percpu peak $mi > 0"

# --- SIGTERM in the middle of a page-fault run --------------------------------------------
"$PB" run --target host --scale smoke --builders 0 --idle 0 --workdir "$TMP/work" \
	-o "$TMP/term" -w page-fault --page-fault-time 60s >"$TMP/term.out" 2>&1 &
pid=$!
wait_until 100 grep -q "^page-fault: mode" "$TMP/term/logs/page-fault-page-fault.log"
sleep 1
kill -TERM $pid
wait $pid
rc=$?
ok $([ $rc -eq 1 ] && [ "$(meta_field "$TMP/term" status)" = interrupted ] && echo 0 || echo 1) \
	"SIGTERM: exit 1, status interrupted (rc $rc)"
r=$(val "$TMP/term" page-fault ops_per_sec_per_proc)
ok $(gt0 "$r" && echo 0 || echo 1) "SIGTERM: page-fault.tsv written all the same ($r ops/s)"
ok $([ "$(pgrep -f -- "-o $TMP/" | wc -l)" -eq 0 ] && echo 0 || echo 1) \
	"no process of these runs left"

# --- reclaim in a guest: its file on an ext2 on zram (the guest's workdir is a tmpfs) -------
CACHE=${PATCHBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/patchbench}
if command -v qemu-system-x86_64 >/dev/null && [ -e "$CACHE/kernels/vanilla/bzImage" ]; then
	"$PB" run --target vm --kernel vanilla -w reclaim -q -o "$TMP/vmrc" >"$TMP/vmrc.out" 2>&1
	rc=$?
	scan=$(awk -F'\t' '$1 == "pgscan" { print $2 }' "$TMP/vmrc/reclaim.tsv" 2>/dev/null)
	high=$(awk -F'\t' '$1 == "events:high" { print $2 }' "$TMP/vmrc/reclaim.tsv" 2>/dev/null)
	ok $([ $rc -eq 0 ] && [ "${scan:-0}" -gt 0 ] && [ "${high:-0}" -gt 0 ] &&
		grep -q "ext2 filesystem being mounted at .*/reclaim " "$TMP/vmrc/console.log" &&
		echo 0 || echo 1) \
		"reclaim in a v2 guest: memory.high events and pgscan move (rc $rc, high $high, pgscan $scan)"
else
	T_N=$((T_N + 1))
	echo "ok $T_N # SKIP reclaim in a guest: no qemu or no vanilla kernel in $CACHE"
fi

# --- what is left -------------------------------------------------------------------------
ok $([ -z "$(ls -A "$TMP/work")" ] && echo 0 || echo 1) \
	"the workdir is empty: no stream file, f-* or scratch directory ($(ls "$TMP/work" | head -3))"
ok $(ls "$TMP"/*/*.tmp >/dev/null 2>&1 && echo 1 || echo 0) "no .tmp result file left"
bad=0
for n in pf1 pf2 rc1 cc term; do
	[ -s "$TMP/$n/workloads.tsv" ] || bad=$((bad + 1))
done
ok $([ $bad -eq 0 ] && echo 0 || echo 1) "every run wrote workloads.tsv ($bad missing)"
ok_no_leftovers
done_testing
