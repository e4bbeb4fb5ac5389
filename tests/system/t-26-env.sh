#!/bin/sh
# The environment in meta.json "env" (issue 13, item 3), on real host runs.
# Method: two short host runs (idle, 3 s); read their env fields and the files of this
# machine they come from; compare the two runs; then edit one run's CPU model (as if
# it ran on another machine) and compare again, without and with --force.
# Pass: the env says what this machine's /proc and /sys say (CPU count = nproc, cmdline =
# /proc/cmdline, CPU model, NUMA nodes, governor or "none", THP, vm.swappiness; no 0600
# sysctl such as stat_refresh, which acts when read), the source commit is git describe
# of this tree; identical machines add nothing to the report; another CPU model is
# refused with exit 2 and one line naming the key and both values; --force compares,
# with a warning line and the key listed in text, json and html.
. "$(dirname "$0")/lib.sh"
require_root_memcg

TMP=$(mktemp -d /tmp/pb-env.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

plan 17

# env_field DIR KEY: a value of DIR/meta.json's env (4 spaces in), quotes and comma removed
env_field() {
	sed -n "s/^    \"$2\": \"\\{0,1\\}\\(.*\\)\$/\\1/p" "$1/meta.json" | sed 's/,$//; s/"$//'
}
# vm_sysctl DIR NAME
vm_sysctl() {
	sed -n "s/^      \"$2\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p" "$1/meta.json"
}

for r in a b; do
	"$PB" run -w idle --idle 2 -d 3s -q -o "$TMP/$r" >/dev/null 2>"$TMP/$r.err"
	ok $? "host run $r completes"
done
A=$TMP/a

got=$(env_field "$A" cpus)
ok $([ "$got" = "$(nproc)" ] && [ "$got" = "$(getconf _NPROCESSORS_ONLN)" ] && echo 0 ||
	echo 1) "env cpus is nproc ($got, nproc $(nproc))"

cmdline=$(cat /proc/cmdline)
case $cmdline in
*'"'* | *'\'*) skip "/proc/cmdline holds quotes or backslashes (JSON-escaped in meta.json)" ;;
*)
	got=$(env_field "$A" cmdline)
	ok $([ "$got" = "$cmdline" ] && echo 0 || echo 1) "env cmdline is /proc/cmdline"
	;;
esac

want=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -1 | sed 's/[[:space:]]*$//')
got=$(env_field "$A" cpu_model)
ok $([ "$got" = "$want" ] && echo 0 || echo 1) "env cpu_model is /proc/cpuinfo's ('$got')"

want=$(ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | wc -l)
[ "$want" -gt 0 ] || want=1
got=$(env_field "$A" numa_nodes)
ok $([ "$got" = "$want" ] && echo 0 || echo 1) "env numa_nodes is $want ($got)"

g=/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor
if [ -r $g ]; then want=$(cat $g); else want=none; fi
got=$(env_field "$A" cpufreq_governor)
case ,$got, in
*,"$want",*) ok 0 "env cpufreq_governor '$got' (cpu0: $want)" ;;
*) ok 1 "env cpufreq_governor '$got' (cpu0: $want)" ;;
esac

t=/sys/kernel/mm/transparent_hugepage
if [ -r $t/enabled ]; then
	want="$(sed 's/.*\[\(.*\)\].*/\1/' $t/enabled) $(sed 's/.*\[\(.*\)\].*/\1/' $t/defrag)"
else
	want="none none"
fi
got="$(env_field "$A" thp_enabled) $(env_field "$A" thp_defrag)"
ok $([ "$got" = "$want" ] && echo 0 || echo 1) "env thp enabled, defrag: $got ($want)"

got=$(vm_sysctl "$A" swappiness)
ok $([ "$got" = "$(cat /proc/sys/vm/swappiness)" ] && [ -z "$(vm_sysctl "$A" stat_refresh)" ] &&
	[ -z "$(vm_sysctl "$A" drop_caches)" ] && echo 0 || echo 1) \
	"env vm_sysctls: swappiness $got as in /proc, no stat_refresh or drop_caches"

if [ "$(git -C "$ROOT" rev-parse --show-toplevel 2>/dev/null)" = "$ROOT" ]; then
	want=$(cat "$ROOT/build/commit.txt" 2>/dev/null)
else
	want=unknown
fi
got=$(env_field "$A" source_commit)
ok $([ -n "$got" ] && [ "$got" = "$want" ] && [ "$(env_field "$A" host)" = "$(hostname)" ] &&
	[ -n "$(env_field "$A" cc)" ] && [ -z "$(env_field "$A" qemu)" ] && echo 0 || echo 1) \
	"env source_commit '$got', host, cc; no qemu in a host run"

"$PB" compare "$TMP/a" "$TMP/b" >"$TMP/same.out" 2>"$TMP/same.err"
rc=$?
ok $([ $rc -le 1 ] && ! grep -q "Environment differs" "$TMP/same.out" && echo 0 || echo 1) \
	"two runs of this machine: compared (exit $rc), no environment section"

sed 's/^    "cpu_model": ".*",$/    "cpu_model": "Test CPU 9000",/' "$TMP/b/meta.json" \
	>"$TMP/meta.json" && mv "$TMP/meta.json" "$TMP/b/meta.json"
model=$(env_field "$A" cpu_model)
"$PB" compare "$TMP/a" "$TMP/b" >"$TMP/diff.out" 2>"$TMP/diff.err"
rc=$?
ok $([ $rc -eq 2 ] && echo 0 || echo 1) "another CPU model: exit 2 (got $rc)"
ok $([ "$(wc -l <"$TMP/diff.err")" -eq 1 ] && [ ! -s "$TMP/diff.out" ] &&
	grep -qF "cpu_model '$model' (A) vs 'Test CPU 9000' (B)" "$TMP/diff.err" && echo 0 ||
	echo 1) "one line names the key and both values: $(cat "$TMP/diff.err")"

"$PB" compare --force "$TMP/a" "$TMP/b" >"$TMP/force.out" 2>"$TMP/force.err"
rc=$?
ok $([ $rc -le 1 ] && grep -q "^Warning (--force): the sides ran on different machines" \
	"$TMP/force.out" && grep -q "^  - cpu_model: '$model' (A) vs 'Test CPU 9000'" \
	"$TMP/force.out" && echo 0 || echo 1) "--force: compared (exit $rc), warning and list"

"$PB" compare --force -F json "$TMP/a" "$TMP/b" >"$TMP/force.json" 2>/dev/null
ok $(grep -A3 '^  "env": {' "$TMP/force.json" | grep -q '^      "A": \[' &&
	grep -q '"refuses": true' "$TMP/force.json" && echo 0 || echo 1) \
	"json: an env object with the key's A and B values"

if command -v gnuplot >/dev/null; then
	"$PB" compare --force -F html -o "$TMP/force.html" "$TMP/a" "$TMP/b" >/dev/null 2>&1
	ok $(grep -q '<b>Warning (--force):</b> the sides ran on different machines' "$TMP/force.html" &&
		grep -q '<b>Environment differs:</b>' "$TMP/force.html" && echo 0 || echo 1) \
		"html: the warning and the list"
else
	skip "gnuplot missing (make deps): the HTML report plots"
fi

ok_no_leftovers
done_testing
