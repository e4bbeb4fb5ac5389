#!/bin/sh
# bench insn (bench aa's instruction mode) at its smallest, on the vanilla smoke kernel:
# --insn-pool 2 --insn-pairs 1 --insn-comparisons 1 --insn-kernels vanilla,, (11 VM boots, one
# at a time, about 2 minutes), then its skip paths (no VM).
# Method: run the collection; then again with a kernel that is not built, and with a plugin
# file that does not exist.
# Pass: exit 0; one line per target of issue 11 with a value, its target and whether it is
# met (kernel instructions A/A of the fixed-work pools at 1 and 2 vCPUs, their top-20
# symbols, the time-driven pool, the quiet memory.stat read, page-fault's instructions per
# operation, stat-probe's per probe, wall time with counts over without), the two controls as "skipped" lines (no kernel named); a progress line on stderr
# per run (11); no temporary
# directory left. The skips: exit 0 with one "insn: skipped: <why>" line naming the kernel or
# the plugin (JSON: a "skipped" member).
. "$(dirname "$0")/lib.sh"
command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 missing (make deps)"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
[ -e "$TOP/build/pb-insn.so" ] || skip_all "build/pb-insn.so not built (make test builds it)"
CACHE=${PATCHBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/patchbench}
K=$CACHE/kernels/vanilla
[ -e "$K/bzImage" ] || "$PB" build --name vanilla --config smoke -q >/dev/null 2>&1
[ -e "$K/bzImage" ] && [ -e "$K/System.map" ] ||
	skip_all "no vanilla kernel with its System.map in $CACHE (build --rebuild)"

TMP=$(mktemp -d /tmp/pb-insnb.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
plan 7
before=$(ls -d /tmp/patchbench-insn.* 2>/dev/null | wc -l)

"$PB" bench insn --insn-pool 2 --insn-pairs 1 --insn-comparisons 1 \
	--insn-kernels vanilla,, >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $([ $rc -eq 0 ] && grep -q "^Guest instruction counts (TCG plugin)" "$TMP/out" &&
	echo 0 || echo 1) "bench insn exits 0 with its header (rc $rc)"
[ $rc -eq 0 ] || diag "$(tail -5 "$TMP/err")"
n=0
for t in "kernel insns A/A, kmem-churn, 1 vCPU (2) .*%  *<= 1%  *\(yes\|NO\)$" \
	"top-20 symbols A/A, worst, 1 vCPU .*%  *<= 3%  *\(yes\|NO\)$" \
	"kernel insns A/A, kmem-churn, 2 vCPUs (2) .*%  *<= 1%  *\(yes\|NO\)$" \
	"top-20 symbols A/A, worst, 2 vCPUs .*%  *<= 3%  *\(yes\|NO\)$" \
	"kernel insns A/A, idle, 2 vCPUs (2) .*%  *-  *-$" \
	"quiet memory.stat read A/A, idle .*%  *<= 2%  *\(yes\|NO\)$" \
	"page-fault insns per op A/A, 2 vCPUs (2) .*%  *<= 1%  *\(yes\|NO\)$" \
	"probe insns p50 A/A, 2 vCPUs (2) .*%  *-  *-$" \
	"wall, counts on/off (1 pair) .*x  *<= 1.50x  *\(yes\|NO\)$"; do
	if grep -q "^  $t" "$TMP/out"; then n=$((n + 1)); else diag "no line '$t'"; fi
done
ok $([ $n -eq 9 ] && echo 0 || echo 1) "the A/A and overhead target lines ($n of 9)"
ok $([ "$(grep -c "^  .* vs vanilla: .* skipped  *-$" "$TMP/out")" -eq 2 ] &&
	[ "$(grep -c "^    (no kernel named (--insn-kernels))$" "$TMP/out")" -eq 2 ] &&
	echo 0 || echo 1) "the two controls: skipped, and why"
ok $([ "$(grep -c "^patchbench: bench insn: run [0-9]*/11: vanilla" "$TMP/err")" -eq 11 ] &&
	[ "$(ls -d /tmp/patchbench-insn.* 2>/dev/null | wc -l)" -eq "$before" ] &&
	echo 0 || echo 1) "a progress line per run; the temporary runs removed"

"$PB" bench insn --insn-kernels no-such-kernel,, >"$TMP/s1" 2>&1
rc=$?
ok $([ $rc -eq 0 ] && grep -q "^insn: skipped: kernel 'no-such-kernel' is not built" "$TMP/s1" &&
	echo 0 || echo 1) "a base kernel that is not built: a skip line, exit 0 (rc $rc)"
PATCHBENCH_PLUGIN=$TMP/none.so "$PB" bench insn -F json >"$TMP/s2" 2>&1
rc=$?
ok $([ $rc -eq 0 ] && grep -q '"skipped": ".*plugin .*none.so.* not found' "$TMP/s2" &&
	echo 0 || echo 1) "no plugin: skipped in the JSON, exit 0 (rc $rc)"
ok_no_leftovers
done_testing
