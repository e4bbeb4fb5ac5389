#!/bin/sh
# patchbench ab --repeat auto for real, on the guest instruction counts
# (TCG): the positive control memcg-stat-cost against vanilla, and noop
# against vanilla, -w kmem-churn --kmem-churn-children 20 --cpus 1 (a fixed
# amount of work, ~7 s a boot; at 1 vCPU one kernel's instructions repeat
# within ~1%, bench insn). Kernels from the shared cache (built on the way
# when missing, ~1 min each with ccache).
# Pass: the control stops with insn:kernel "changed" within 4 pairs (2 in
# one run here: +2.10%..+4.67%; under load one more) and ab.json's
# repeat_auto says so; noop never says "changed" (stops "same" or
# at --max-repeat 3, which it names); an unknown --watch metric is exit 2
# with ab.json failed; --repeat x is exit 2 with one line.
. "$(dirname "$0")/lib.sh"
require_root_memcg
command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 missing (make deps)"
[ -e /usr/src/linux-source-6.1.tar.xz ] || skip_all "linux-source-6.1 not installed (make deps)"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
[ -e "$TOP/build/pb-insn.so" ] || skip_all "build/pb-insn.so not built (make test builds it)"

TMP=$(mktemp -d /tmp/pb-abauto.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
plan 6
SMALL="-w kmem-churn --kmem-churn-children 20 --cpus 1 --no-perf -q"

"$PB" ab --patched noop --repeat x >"$TMP/o" 2>&1
rc=$?
ok $([ $rc -eq 2 ] && [ "$(wc -l <"$TMP/o")" -eq 1 ] && echo 0 || echo 1) \
	"--repeat x: one-line error, exit 2 (rc $rc)"

# shellcheck disable=SC2086
"$PB" ab --base vanilla --patched memcg-stat-cost --repeat auto --max-repeat 4 \
	--ab-out "$TMP/ctl" $SMALL >"$TMP/ctl.out" 2>"$TMP/ctl.err"
rc=$?
[ $rc -eq 0 ] || diag "$(tail -5 "$TMP/ctl.err")"
grep "^ab: after" "$TMP/ctl.out" | sed 's/^/# /' >&2
# the last look is the one that settled, and it says changed (2 pairs when the boots
# agree closely, more when one look's interval is still wide)
last=$(grep "^ab: after" "$TMP/ctl.out" | tail -1)
n=$(echo "$last" | sed -n 's/^ab: after \([0-9]*\) pairs: .*/\1/p')
ok $([ $rc -eq 0 ] && echo "$last" | grep -q "insn:kernel changed" && [ -n "$n" ] &&
	[ "$n" -le 4 ] && ! grep -q "insn:kernel same" "$TMP/ctl.out" && echo 0 || echo 1) \
	"memcg-stat-cost: insn:kernel changed within --max-repeat 4 ($n pairs), then it stops (rc $rc)"
j=$(tr -d ' \n' <"$TMP/ctl/ab.json")
ok $(echo "$j" | grep -q "\"repeat_auto\":{\"max_repeat\":4,\"pairs\":$n,\"stopped\":\"insn:kernelchanged" &&
	echo "$j" | grep -q '"status":"complete"' && echo 0 || echo 1) \
	"ab.json: complete, repeat_auto pairs $n, why it stopped"

# shellcheck disable=SC2086
"$PB" ab --base vanilla --patched noop --repeat auto --max-repeat 3 --ab-out "$TMP/noop" \
	$SMALL >"$TMP/noop.out" 2>"$TMP/noop.err"
rc=$?
grep "^ab: after" "$TMP/noop.out" | sed 's/^/# /' >&2
ok $([ $rc -eq 0 ] && grep -q "^ab: after 2 pairs: insn:kernel" "$TMP/noop.out" &&
	! grep -q "insn:kernel changed" "$TMP/noop.out" &&
	{ grep -q "^ab: after [23] pairs: insn:kernel same" "$TMP/noop.out" ||
	  tr -d '\n' <"$TMP/noop/ab.json" | grep -q '"stopped": "--max-repeat 3 reached: '; } &&
	echo 0 || echo 1) "noop: never 'changed'; settles 'same' or stops at --max-repeat 3 (rc $rc)"

# shellcheck disable=SC2086
"$PB" ab --base vanilla --patched noop --repeat auto --max-repeat 2 --watch insn:nope \
	--ab-out "$TMP/bad" $SMALL >"$TMP/bad.out" 2>&1
rc=$?
ok $([ $rc -eq 2 ] && grep -q "^patchbench: error: --watch 'insn:nope': the runs have no such metric" \
	"$TMP/bad.out" && tr -d ' \n' <"$TMP/bad/ab.json" | grep -q '"status":"failed"' &&
	echo 0 || echo 1) "unknown --watch: exit 2 after the first look, ab.json failed (rc $rc)"
ok_no_leftovers
done_testing
