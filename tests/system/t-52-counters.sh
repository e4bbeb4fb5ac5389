#!/bin/sh
# The system-wide counters (counters.h) against perf stat, and libperf's fallback (issue 14).
# Method: "perf stat -a -x, -e task-clock,context-switches -- counters-window 1500" (the
# helper counts the same two events with patchbench's counter code, libperf, around a 1.5 s
# pipe ping-pong that keeps both CPUs switching), then the same with PATCHBENCH_COUNTERS=raw
# (the raw perf_event_open() backend); scripts/libperf.sh on a tarball that does not unpack,
# into a scratch cache; a 1 s host run's meta.json.
# Pass: the helper's task-clock and context-switches are within 2% of perf stat's (perf
# stat's window is the helper's whole life, a few ms longer), with either backend and the
# backend the one asked for; the script exits 0, names the step that failed and its log, and
# writes the PB_LIBPERF_ERROR fallback; the run says "counters": "libperf" when this build
# has libperf (else "raw", with the reason in its notes).
. "$(dirname "$0")/lib.sh"
require_root_memcg
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=$ROOT/build/tests/counters-window
[ -x "$W" ] || skip_all "build/tests/counters-window not built (make build/tests/counters-window)"
command -v perf >/dev/null 2>&1 || skip_all "no perf in PATH (make deps installs linux-perf)"
perf stat -a -x, -e task-clock,context-switches true >/dev/null 2>&1 ||
	skip_all "perf cannot count system-wide here (perf_event_paranoid?)"
TMP=$(mktemp -d /tmp/pb-counters.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
plan 12

# against BACKEND [ENV...]: the helper under perf stat; compares both events, 2 tests + 1
against() {
	be=$1
	shift
	env "$@" perf stat -a -x, -o "$TMP/stat-$be" -e task-clock,context-switches -- \
		"$W" 1500 >"$TMP/ours-$be" 2>"$TMP/err-$be"
	ok $(grep -qx "backend $be" "$TMP/ours-$be"; echo $?) \
		"$be: the helper counted with $be ($(head -1 "$TMP/ours-$be" 2>/dev/null))"
	for ev in task-clock context-switches; do
		p=$(awk -F, -v e="$ev" '$3 == e { print $1 }' "$TMP/stat-$be")
		o=$(awk -v e="$ev" '$1 == e { print $2 }' "$TMP/ours-$be")
		r=$(awk -v p="$p" -v o="$o" 'BEGIN { if (p > 0 && o > 0) printf "%.3f", 100 * (o - p) / p
			else print "none" }')
		ok $(awk -v r="$r" 'BEGIN { exit !(r != "none" && r >= -2 && r <= 2) }'; echo $?) \
			"$be: $ev $o vs perf stat -a $p ($r%)"
	done
}
against libperf
against raw PATCHBENCH_COUNTERS=raw

# a failed libperf build: the step, the log, the fallback header, exit 0
printf 'not a tarball' | xz >"$TMP/bad.tar.xz"
PB_LIBPERF_SRC=$TMP/bad.tar.xz PATCHBENCH_CACHE=$TMP/cache sh "$ROOT/scripts/libperf.sh" \
	"$TMP/out" >"$TMP/lp.out" 2>"$TMP/lp.err"
ok $? "libperf.sh exits 0 when libperf does not build"
ok $(grep -q "^libperf: unpack (tar -xf .*bad.tar.xz) failed: see '.*build.log'; counters fall back to raw" \
	"$TMP/lp.err" && [ -s "$(sed -n "s/.*see '\([^']*\)'.*/\1/p" "$TMP/lp.err")" ]; echo $?) \
	"the message names the step and a log that exists: $(cat "$TMP/lp.err")"
ok $(grep -q '^#define PB_LIBPERF_ERROR "unpack' "$TMP/out/libperf-config.h" &&
	! grep -q PB_HAVE_LIBPERF "$TMP/out/libperf-config.h" && [ ! -e "$TMP/out/lib" ]; echo $?) \
	"libperf-config.h: the fallback, no library linked"

# a run says which backend counted
"$PB" run --target host -w kmem-churn --kmem-churn-children 5 -d 1s -o "$TMP/run" -q \
	>"$TMP/run.out" 2>&1
if grep -q PB_HAVE_LIBPERF "$ROOT/build/libperf/libperf-config.h" 2>/dev/null; then
	want=libperf
else
	want=raw
fi
ok $([ "$(meta_field "$TMP/run" counters)" = $want ]; echo $?) \
	"meta.json counters: $(meta_field "$TMP/run" counters) (this build: $want)"
ok $(if [ $want = raw ]; then meta_field "$TMP/run" notes | grep -q "not libperf"; else
	! meta_field "$TMP/run" notes | grep -q "not libperf"; fi; echo $?) \
	"meta.json notes say why when it is not libperf"
ok_no_leftovers
done_testing
