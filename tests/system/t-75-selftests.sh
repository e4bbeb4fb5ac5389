#!/bin/sh
# The kernel's own oracle on vanilla: the selftests workload runs test_kmem
# in a guest (one boot, smallest settings) below the overlay root that
# guest_local_root() gives it, since the guest's shared 9p root keeps no
# negative dentries and test_kmem_basic counts them.
# Pass: the run completes; selftests.tap says the tests' root was the
# overlay, has test_kmem's own TAP stream nested in it, and every test_kmem
# subtest is ok (or a SKIP the test itself reports), test_kmem_basic ok
# above all; a failure prints the subtest's diagnostics (what it printed
# before "not ok") and patchbench's notes.
. "$(dirname "$0")/lib.sh"
require_root_memcg
command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 missing (make deps)"
command -v gcc >/dev/null || skip_all "gcc missing: the selftests are built on the host (make deps)"
[ -e /usr/src/linux-source-6.1.tar.xz ] || skip_all "linux-source-6.1 not installed (make deps)"

TMP=$(mktemp -d /tmp/pb-st.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
plan 6

# The kernels are shared with t-60/t-70 (same cache); build vanilla if it is missing.
if ! "$PB" kernels 2>/dev/null | grep -q "^vanilla "; then
	"$PB" build --name vanilla --config smoke -q >"$TMP/build.log" 2>&1 ||
		{ diag "$(tail -20 "$TMP/build.log")"; }
fi

R=$TMP/st
"$PB" run --target vm --kernel vanilla -w selftests --selftests-tests test_kmem \
	--selftests-timeout 15m -o "$R" >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $rc "vm run of the selftests workload exits 0 (rc $rc)"
[ $rc -eq 0 ] || diag "$(tail -15 "$TMP/err")"
ok $([ "$(meta_field "$R" status)" = complete ] && echo 0 || echo 1) "status complete"
T=$R/selftests.tap
touch "$T"
# why FAILED: what the test printed before its "not ok" line, and our notes
why() {
	awk -v t="$1" '/^# (ok|not ok) / { if (index($0, " " t) && !/^# ok /) { print d }
		d = ""; next } /^# / { d = d " | " substr($0, 3) }' "$T"
	grep "^# patchbench: " "$T" | tr '\n' ' '
}
ok $(grep -q "^# patchbench: root overlay " "$T"; echo $?) \
	"the tests ran below the overlay root ($(grep "^# patchbench: root " "$T" || echo "no note"))"
n=$(grep -c "^# \(not \)\{0,1\}ok [0-9]* " "$T")
ok $([ "$n" -ge 3 ] && grep -q "^ok 1 selftests: cgroup: test_kmem$" "$T" && echo 0 || echo 1) \
	"test_kmem's own TAP is nested in selftests.tap ($n subtests) and it exited 0"
ok $(grep -q "^# ok [0-9]* test_kmem_basic$" "$T"; echo $?) \
	"test_kmem_basic ok on vanilla$(grep -q "^# ok [0-9]* test_kmem_basic$" "$T" ||
		echo ": $(grep "test_kmem_basic" "$T"); reason: $(why test_kmem_basic)")"
bad=$(grep "^# not ok [0-9]* " "$T" | sed 's/^# not ok [0-9]* //' | tr '\n' ' ')
ok $([ -z "$bad" ] && echo 0 || echo 1) \
	"every test_kmem subtest ok or skipped${bad:+: not ok: $bad}"
for t in $bad; do
	diag "$t printed: $(why "$t")"
done
done_testing
