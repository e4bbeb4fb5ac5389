#!/bin/sh
# Bad input: each case is a one-line error, exit code 2, and nothing created
# (no result directory, no cgroup).
. "$(dirname "$0")/lib.sh"
require_root_memcg

TMP=$(mktemp -d /tmp/pb-bad.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
plan 40

# expect_usage DESCRIPTION ARGS...: exit 2, one line on stderr naming the problem, nothing created.
expect_usage() {
	d=$1
	shift
	before=$(leftover_cgroups)
	"$PB" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	ok $([ $rc -eq 2 ] && echo 0 || echo 1) "$d: exit 2 (got $rc)"
	lines=$(wc -l <"$TMP/err")
	ok $([ "$lines" -eq 1 ] && grep -q "^patchbench: error: " "$TMP/err" && echo 0 || echo 1) \
		"$d: one-line error: $(head -c 150 "$TMP/err")"
	ok $([ ! -e "$TMP/res" ] && [ "$(leftover_cgroups)" -eq "$before" ] && echo 0 || echo 1) \
		"$d: nothing created"
}

expect_usage "unknown workload" run -w no-such-wl -o "$TMP/res"
expect_usage "unknown option" run --no-such-option -o "$TMP/res"
expect_usage "bad size" run --idle-anon 12X -o "$TMP/res"
expect_usage "bad interval" run --interval 0.001ms -o "$TMP/res"
expect_usage "bad count" run --builders -3 -o "$TMP/res"
expect_usage "missing source" run --source /nonexistent/linux -o "$TMP/res"
# forcing v2 is a usage error only where no v2 hierarchy has the memory controller
v2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
if [ -n "$v2" ] && grep -qw memory "$v2/cgroup.controllers" 2>/dev/null; then
	for i in 1 2 3; do
		skip "forced v2: this host has the v2 memory controller ($v2)"
	done
else
	expect_usage "no memory controller in forced v2" run --cgroup v2 -w idle -o "$TMP/res"
fi
expect_usage "stat-probe interval under 1ms" run -w stat-probe --stat-probe-interval 0 -o "$TMP/res"
expect_usage "reproduce: bad read-cost counts" reproduce --readcost-counts 10,x -o "$TMP/res"
expect_usage "reproduce: zero read-cost runs" reproduce --readcost-repeats 0 -o "$TMP/res"
# not root, for real: drop to nobody
setpriv --reuid=65534 --regid=65534 --clear-groups "$PB" run -w idle -o "$TMP/res" \
	>"$TMP/out" 2>"$TMP/err"
rc=$?
ok $([ $rc -eq 2 ] && grep -q "needs root" "$TMP/err" && echo 0 || echo 1) \
	"not root: exit 2 and says it needs root (got $rc: $(cat "$TMP/err"))"
ok $([ ! -e "$TMP/res" ] && echo 0 || echo 1) "not root: no result directory"

# existing result directory
mkdir "$TMP/exists"
"$PB" run -w idle -o "$TMP/exists" >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $([ $rc -eq 2 ] && grep -q "already exists" "$TMP/err" && echo 0 || echo 1) \
	"existing result dir refused without --force (rc $rc)"
"$PB" run -w idle -o "$TMP/exists" --force >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $([ $rc -eq 2 ] && grep -q "not a patchbench result directory" "$TMP/err" && echo 0 || echo 1) \
	"--force refuses a directory that patchbench did not make (rc $rc)"
ok $([ -d "$TMP/exists" ] && echo 0 || echo 1) "that directory is still there"

# report on bad input
"$PB" report "$TMP/nonexistent" >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $([ $rc -eq 2 ] && grep -q "does not exist" "$TMP/err" && echo 0 || echo 1) \
	"report of a missing directory: exit 2 (rc $rc)"
mkdir "$TMP/badmeta" && echo '{"schema": ' >"$TMP/badmeta/meta.json"
"$PB" report "$TMP/badmeta" >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $([ $rc -eq 2 ] && grep -q "meta.json" "$TMP/err" && echo 0 || echo 1) \
	"report of a malformed meta.json names the file (rc $rc: $(cat "$TMP/err"))"
"$PB" no-such-command >"$TMP/out" 2>"$TMP/err"
ok $([ $? -eq 2 ] && echo 0 || echo 1) "unknown command: exit 2"
"$PB" run --help >"$TMP/out" 2>"$TMP/err"
ok $([ $? -eq 0 ] && grep -q -- "--interval" "$TMP/out" && echo 0 || echo 1) "run --help lists options"
"$PB" report --help >"$TMP/out" 2>&1 && "$PB" list --help >/dev/null 2>&1 && "$PB" bench --help >/dev/null 2>&1
ok $? "report, list and bench have --help"
done_testing
