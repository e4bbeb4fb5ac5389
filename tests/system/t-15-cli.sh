#!/bin/sh
# README features that need no VM and no long run: list, bench (its cheapest collection at
# its smallest size), compare --ci and --perf-top on the captured result fixtures.
# Pass: list names every workload of the README with its parameters; bench sampler exits 0
# with its table in text and its numbers in JSON, removes its cgroups, and an unknown
# collection is exit 2; compare --perf-top N shows N symbols of the perf-1/perf-2 runs,
# --ci welch|bootstrap is what the JSON says.
. "$(dirname "$0")/lib.sh"
require_root_memcg

TMP=$(mktemp -d /tmp/pb-cli.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
F=$(cd "$(dirname "$0")/../fixtures/results" && pwd)
plan 14

# --- list ------------------------------------------------------------------------------
"$PB" list >"$TMP/list" 2>&1
rc=$?
n=0
for w in idle kernelbuild kmem-churn selftests readcost stat-probe page-fault reclaim cgroup-churn; do
	grep -q "^  $w  *[a-z/*-]*  *[a-z]" "$TMP/list" && n=$((n + 1))
done
ok $([ $rc -eq 0 ] && [ $n -eq 9 ] && echo 0 || echo 1) "list: exit 0, the 9 workloads ($n)"
ok $(grep -q "^idle parameters:" "$TMP/list" && grep -q -- "--idle-anon SIZE" "$TMP/list" &&
	grep -q -- "--kmem-churn-children N" "$TMP/list"; echo $?) "list: each workload's parameters"

# --- targets: the table of bench/target.c, and what this machine can run -------------------
"$PB" targets >"$TMP/targets" 2>&1
rc=$?
auto=$(sed -n 's/^--target vm --accel auto: //p' "$TMP/targets")
ok $([ $rc -eq 0 ] && grep -q "^host  *--target host  *yes$" "$TMP/targets" &&
	grep -q "^vm-kvm  *--target vm --accel kvm  *\(yes\|no\)" "$TMP/targets" &&
	grep -q "^vm-tcg  *--target vm --accel tcg  *yes" "$TMP/targets" &&
	grep -q "^$auto  *--target vm --accel [a-z]*  *yes" "$TMP/targets" &&
	[ "$(awk '{ if (length($0) > 72) n++ } END { print n + 0 }' "$TMP/targets")" -eq 0 ] &&
	echo 0 || echo 1) "targets: host, vm-kvm, vm-tcg, the auto pick ($auto) usable, 72 columns"
"$PB" targets extra >"$TMP/out" 2>&1
ok $([ $? -eq 2 ] && [ "$(wc -l <"$TMP/out")" -eq 1 ] &&
	grep -q "unexpected argument 'extra' (see 'patchbench targets --help')" "$TMP/out" &&
	echo 0 || echo 1) "targets extra: one line, exit 2"

# --- bench: the sampler collection, 5 samples of a 3-cgroup tree --------------------------
SMALL="-n 5 --shell-samples 2 --warmup 1 -c 3"
# shellcheck disable=SC2086
"$PB" bench sampler $SMALL >"$TMP/b.txt" 2>"$TMP/b.err"
rc=$?
ok $([ $rc -eq 0 ] && grep -q "^  patchbench sampler  *5 " "$TMP/b.txt" &&
	grep -q "^  bare pread loop  *5 " "$TMP/b.txt" &&
	grep -q "^  patchbench vs pread: .* target <= 1.2x: \(met\|NOT met\)$" "$TMP/b.txt" &&
	echo 0 || echo 1) "bench sampler: exit 0, 5 samples per method, the target line (rc $rc)"
# shellcheck disable=SC2086
"$PB" bench sampler $SMALL -F json >"$TMP/b.json" 2>/dev/null
ok $(grep -q '"schema": 1,' "$TMP/b.json" && grep -q '"name": "sampler",' "$TMP/b.json" &&
	grep -q '"cgroups": 3,' "$TMP/b.json" &&
	[ "$(grep -c '"cpu_us_per_sample": [0-9.]*[1-9]' "$TMP/b.json")" -ge 2 ] && echo 0 || echo 1) \
	"bench -F json: schema, 3 cgroups, CPU per sample > 0 for each method"
ok $(ls -d "$(own_memcg)"/patchbench-bench-* >/dev/null 2>&1 && echo 1 || echo 0) \
	"bench removed its patchbench-bench-* cgroups"
"$PB" bench no-such-collection >/dev/null 2>"$TMP/bad.err"
rc=$?
ok $([ $rc -eq 2 ] && [ "$(wc -l <"$TMP/bad.err")" -eq 1 ] &&
	grep -q "^patchbench: error: .*no-such-collection" "$TMP/bad.err" && echo 0 || echo 1) \
	"bench: an unknown collection is exit 2, one error line (rc $rc)"

# --- bench rss: one recorded rss_stat trace, read by libtraceevent and by trace-cmd | awk ---
"$PB" bench rss >"$TMP/rss.txt" 2>"$TMP/rss.err"
rc=$?
if grep -q "^rss: skipped" "$TMP/rss.txt"; then
	T_N=$((T_N + 1))
	echo "ok $T_N # SKIP bench rss: $(sed -n 's/^rss: skipped: //p' "$TMP/rss.txt")"
else
	# both readers count the same trace: within 1% of each other (a parser that drops or
	# double-counts events fails), and the ratio line
	ours=$(sed -n 's/^rss: .*trace: \([0-9]*\) events.*/\1/p' "$TMP/rss.txt")
	theirs=$(sed -n "s/^  note: trace-cmd's side counted \([0-9]*\) events.*/\1/p" "$TMP/rss.txt")
	[ -n "$theirs" ] || theirs=$ours	# the note is printed only when the counts differ
	ok $([ $rc -eq 0 ] && [ "${ours:-0}" -gt 1000 ] &&
		[ $(( (ours - theirs) * 100 / ours )) -eq 0 ] && [ $((theirs - ours)) -lt $((ours / 100)) ] &&
		grep -q "^  ratio: [0-9.]*x (median of" "$TMP/rss.txt" && echo 0 || echo 1) \
		"bench rss: exit 0, both readers count the trace's events alike ($ours vs $theirs, rc $rc)"
fi

# --- compare --perf-top and --ci on the captured perf runs ---------------------------------
"$PB" compare --perf-top 3 "$F/perf-1" "$F/perf-2" >"$TMP/p3.txt" 2>&1
rc=$?
ok $([ $rc -eq 0 ] && grep -q "^  top 3 of [0-9]* kernel symbols" "$TMP/p3.txt" && echo 0 || echo 1) \
	"compare --perf-top 3: says top 3 (rc $rc)"
"$PB" compare -F json --perf-top 3 "$F/perf-1" "$F/perf-2" >"$TMP/p3.json" 2>/dev/null
"$PB" compare -F json "$F/perf-1" "$F/perf-2" >"$TMP/p10.json" 2>/dev/null
n3=$(grep -c '"key": "perf:' "$TMP/p3.json")
n10=$(grep -c '"key": "perf:' "$TMP/p10.json")
ok $([ "$n3" -eq 3 ] && [ "$n10" -eq 10 ] && grep -q '"perf_top": 3,' "$TMP/p3.json" &&
	echo 0 || echo 1) "--perf-top 3: 3 perf rows, 10 by default ($n3, $n10)"
mkdir -p "$TMP/A" "$TMP/B"
ln -s "$F/host-1" "$TMP/A/r1"; ln -s "$F/host-2" "$TMP/A/r2"
ln -s "$F/host-2" "$TMP/B/r1"; ln -s "$F/host-1" "$TMP/B/r2"
for ci in welch bootstrap; do
	"$PB" compare -F json --ci $ci "$TMP/A" "$TMP/B" >"$TMP/ci-$ci.json" 2>/dev/null
done
ok $(grep -q '"choice": "welch",' "$TMP/ci-welch.json" && grep -q '"method": "welch",' "$TMP/ci-welch.json" &&
	! grep -q '"method": "bootstrap",' "$TMP/ci-welch.json"; echo $?) "--ci welch: Welch intervals"
ok $(grep -q '"choice": "bootstrap",' "$TMP/ci-bootstrap.json" &&
	grep -q '"method": "bootstrap",' "$TMP/ci-bootstrap.json" &&
	! grep -q '"method": "welch",' "$TMP/ci-bootstrap.json"; echo $?) \
	"--ci bootstrap: bootstrap intervals even at n=2 (auto would take Welch)"
ok_no_leftovers
done_testing
