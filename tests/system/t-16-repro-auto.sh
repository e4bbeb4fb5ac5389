#!/bin/sh
# reproduce --repeats auto on the rounds there are: the golden fixture's
# reproduction (tests/fixtures/golden/repro, host runs laid out as reproduce
# lays them, 2 rounds) reported again with --report-only. Without instruction
# counts the watched metric is cputotal:task-clock; the header must say how
# many rounds were used, the most allowed, and where each patched kernel's
# watched metric stood at the last look (here all three settle "same" at 2
# rounds against task-clock's 10% threshold). The rounds themselves being added
# while a metric is open is the code ab and bisect share (t-86, t-88 for real).
# Also: --repeats 0 and --repeats x are exit 2 with one line.
. "$(dirname "$0")/lib.sh"

F=$(cd "$(dirname "$0")/../fixtures/golden" && pwd)
TMP=$(mktemp -d /tmp/pb-repro-auto.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
plan 5
LC_ALL=C
TZ=UTC
export LC_ALL TZ
unset PATCHBENCH_CACHE PATCHBENCH_KERNELS XDG_CACHE_HOME
cp -R "$F/repro" "$F/cache" "$TMP/" || exit 1
cd "$TMP" || exit 1

for bad in 0 x; do
	"$PB" reproduce --report-only -o repro --cache cache -w idle -d 5s --repeats $bad \
		>"$TMP/o" 2>&1
	rc=$?
	ok $([ $rc -eq 2 ] && [ "$(wc -l <"$TMP/o")" -eq 1 ] &&
		grep -q "invalid value '$bad' for --repeats" "$TMP/o" && echo 0 || echo 1) \
		"--repeats $bad: one-line error, exit 2 (rc $rc)"
done

"$PB" reproduce --report-only -o repro --cache cache -w idle,stat-probe -d 5s \
	--repeats auto --max-repeat 4 --readcost-counts 10,100 --readcost-repeats 2 \
	--selftests test_kmem --selftests-kernels vanilla >"$TMP/out" 2>"$TMP/err"
rc=$?
R=repro/REPORT.txt
sed -n '1,8p' "$R" | sed 's/^/# /'
ok $([ $rc -le 1 ] && grep -q "^scale smoke, --repeats auto: 2 repeat(s) per kernel (2\.\.4), took " "$R" &&
	echo 0 || echo 1) "REPORT.txt: the rounds used (2, the rounds there are) and the most (rc $rc)"
ok $(sed -n '/^scale smoke, --repeats auto/,/^workloads/p' "$R" | tr '\n' ' ' | tr -s ' ' |
	grep -q "\(settled after 2 rounds\|the rounds there are\): noop cputotal:task-clock \(open\|same\|changed\) (.*; memcg-flush-on-read cputotal:task-clock .*; memcg-lazy-flush cputotal:task-clock " &&
	echo 0 || echo 1) "REPORT.txt: each patched kernel's watched metric at the last look"
ok $(grep -q "^patchbench: reproduce: after 2 round(s): noop cputotal:task-clock" "$TMP/err" &&
	! grep -q "did not complete" "$TMP/err" && echo 0 || echo 1) \
	"the look is printed; the rounds that are not there are no warning"
done_testing
