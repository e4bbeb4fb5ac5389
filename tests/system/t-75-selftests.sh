#!/bin/sh
# The kernel's own oracle on vanilla: the selftests workload runs test_kmem
# and test_memcontrol in a guest (one boot, smallest settings) below the
# overlay root that guest_local_root() gives it, since the guest's shared 9p
# root keeps no negative dentries and test_kmem_basic counts them, with an
# ext2 on zram as their cwd (test_memcontrol's page cache) and cgroup2
# without memory_recursiveprot.
# Pass: the run completes; selftests.tap says the tests' root was the
# overlay, their cwd the ext2 and cgroup2's flags, and has both tests' own
# TAP streams nested in it; test_kmem_basic is ok, and every test_memcontrol
# subtest is ok or SKIP (swap_max: no swap), else the test prints what the
# test printed before its "not ok" and patchbench's notes. Other test_kmem
# subtests that fail are shown with their diagnostics, not asserted:
# test_kmem_memcg_deletion fails now and then on vanilla itself (see README,
# "The selftests' root").
. "$(dirname "$0")/lib.sh"
require_root_memcg
command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 missing (make deps)"
command -v gcc >/dev/null || skip_all "gcc missing: the selftests are built on the host (make deps)"
[ -e /usr/src/linux-source-6.1.tar.xz ] || skip_all "linux-source-6.1 not installed (make deps)"

TMP=$(mktemp -d /tmp/pb-st.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
plan 8

# Shared with t-60/t-70 (same cache). Not only when missing: a vanilla built
# before CONFIG_OVERLAY_FS was in the fragment has another key, and up to date
# this is a no-op.
"$PB" build --name vanilla --config smoke -q >"$TMP/build.log" 2>&1 ||
	diag "$(tail -20 "$TMP/build.log")"

R=$TMP/st
"$PB" run --target vm --kernel vanilla -w selftests --selftests-tests test_kmem,test_memcontrol \
	--selftests-timeout 15m -o "$R" >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $rc "vm run of the selftests workload exits 0 (rc $rc)"
[ $rc -eq 0 ] || diag "$(tail -15 "$TMP/err")"
ok $([ "$(meta_field "$R" status)" = complete ] && echo 0 || echo 1) "status complete"
T=$R/selftests.tap
touch "$T"
# why TEST: what test_kmem printed before TEST's "not ok", then our notes
why() {
	awk -v t="$1" '/^# (ok|not ok) [0-9]+ / { if ($0 ~ ("^# not ok [0-9]+ " t "$")) print d
		d = ""; next }
		/^# (TAP version|1\.\.|selftests: |patchbench: )/ { next }
		/^# / { d = d " | " substr($0, 3) }' "$T"
	grep "^# patchbench: " "$T" | tr '\n' ' '
}
ok $(grep -q "^# patchbench: root overlay " "$T"; echo $?) \
	"the tests ran below the overlay root ($(grep "^# patchbench: root " "$T" || echo "no note"))"
ok $(grep -q "^# patchbench: cwd ext2 on /dev/zram0 " "$T" &&
	grep -q "^# patchbench: cgroup2 without memory_recursiveprot while the tests run" "$T" &&
	echo 0 || echo 1) "cwd an ext2 on zram, cgroup2 without memory_recursiveprot (notes: \
$(grep "^# patchbench: c" "$T" | tr '\n' ' '))"
n=$(grep -c "^# \(not \)\{0,1\}ok [0-9]* " "$T")
ok $([ "$n" -eq 20 ] && grep -q "^\(not \)\{0,1\}ok 1 selftests: cgroup: test_kmem\( #.*\)\{0,1\}$" "$T" &&
	grep -q "^\(not \)\{0,1\}ok 2 selftests: cgroup: test_memcontrol\( #.*\)\{0,1\}$" "$T" &&
	echo 0 || echo 1) "both tests' own TAP (6 + 14 subtests: $n) nested in selftests.tap"
ok $(grep -q "^# ok [0-9]* test_kmem_basic$" "$T"; echo $?) \
	"test_kmem_basic ok on vanilla$(grep -q "^# ok [0-9]* test_kmem_basic$" "$T" ||
		echo ": $(grep "test_kmem_basic" "$T"); printed: $(why test_kmem_basic)")"
# test_memcontrol's subtests: the 14 of 6.1, numbered after test_kmem's six
bad=$(awk '/^# selftests: cgroup: test_memcontrol$/ { m = 1; next } /^# selftests: / { m = 0 }
	m && /^# not ok [0-9]+ / { printf "%s ", $5 }' "$T")
ok $([ -z "$bad" ] && grep -q "^ok 2 selftests: cgroup: test_memcontrol$" "$T" && echo 0 || echo 1) \
	"test_memcontrol ok on vanilla (13 ok, swap_max SKIP without swap)$([ -z "$bad" ] ||
		for t in $bad; do printf '; %s printed: %s' "$t" "$(why "$t")"; done)"
for t in $(sed -n 's/^# not ok [0-9]* \([a-z_0-9]*\)$/\1/p' "$T"); do
	diag "not ok on vanilla: $t; it printed: $(why "$t")"
done
ok_no_leftovers
done_testing
