#!/bin/sh
# run.sh - run the libFuzzer harnesses (tests/fuzz/fuzz-*.c) one after the other, as TAP.
#
#   FUZZ_BIN=build/fuzz FUZZ_S=600 tests/fuzz/run.sh [NAME...]      (make fuzz FUZZ_S=600)
#
# Each harness fuzzes for FUZZ_S seconds (or FUZZ_RUNS executions) from its seeds: the
# fixtures of tests/fixtures/ it reads, and tests/fuzz/corpus/<name>/, the inputs of past
# findings, which are replayed first. A crash, sanitizer report, leak, hang (FUZZ_TIMEOUT s
# per input) or allocation over FUZZ_RSS_MB is "not ok", with the input saved under
# $FUZZ_BIN/artifacts/ and the log under $FUZZ_BIN/logs/<name>.log. New inputs go to
# FUZZ_CORPUS/<name>/ (kept between runs) when FUZZ_CORPUS is set, else to a temporary dir.
# One more test line tells whether the sanitizer build of the unit tests (SAN_DIR) exists.
# Without clang or libFuzzer the tests are SKIPs, failures under CI=true (install-deps.sh
# installs them).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
fix=$top/tests/fixtures
: "${FUZZ_BIN:=$top/build/fuzz}"
: "${FUZZ_S:=60}"
: "${FUZZ_RUNS:=-1}"
: "${FUZZ_TIMEOUT:=10}"
: "${FUZZ_RSS_MB:=2048}"
: "${SAN_DIR:=}"
# stacks for UBSan reports too
: "${UBSAN_OPTIONS:=print_stacktrace=1}"
export UBSAN_OPTIONS

if [ $# -gt 0 ]; then
	names=$*
else
	names=$(cd "$top/tests/fuzz" && ls fuzz-*.c | sed 's/^fuzz-//; s/\.c$//')
fi
n=0
for h in $names; do n=$((n + 1)); done
[ -n "$SAN_DIR" ] && n=$((n + 1))
echo "1..$n"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pb-fuzz-run.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# why harnesses cannot be built here, or nothing
missing() {
	command -v "${CLANG:-clang-14}" >/dev/null 2>&1 || {
		echo "${CLANG:-clang-14} is not installed (Debian package clang-14)"
		return
	}
	echo "libFuzzer is missing (Debian package libclang-rt-14-dev)"
}

t=0
fail=0
# result OK DESC: one TAP line; a SKIP under CI=true is a failure
result() {
	t=$((t + 1))
	case $1 in
	ok) echo "ok $t - $2" ;;
	skip)
		if [ "${CI:-}" = true ]; then
			echo "not ok $t - $2 (CI=true: install-deps.sh installs it)"
			fail=1
		else
			echo "ok $t # SKIP $2"
		fi ;;
	*) echo "not ok $t - $2" ;;
	esac
}

# cat each fixture FILE after the line HEADER, into DIR (fuzz-metrics' input format)
with_header() {
	d=$1
	shift
	for f in "$@"; do
		r=$(basename "$(dirname "$f")")
		{ echo "$r/$(basename "$f")"; cat "$f"; } >"$d/$r-$(basename "$f")"
	done
}

# seeds NAME DIR: the fixtures harness NAME reads, copied into DIR
seeds() {
	d=$2
	case $1 in
	memstat) cp "$fix"/v1/*memory.stat "$fix"/v2/*memory.stat "$fix"/v2/proc-vmstat \
		"$fix"/vmstat/* "$d/" 2>/dev/null
		# copies with the same name: number them
		i=0; for f in "$fix"/v1/* "$fix"/v2/* "$fix"/v2/recapture/* "$fix"/vmstat/*; do
			case $f in *.sh) continue ;; esac
			[ -f "$f" ] || continue
			i=$((i + 1)); cp "$f" "$d/$i"; done ;;
	tsv) i=0; for f in "$fix"/results/*/*.tsv; do i=$((i + 1)); cp "$f" "$d/$i.tsv"; done ;;
	json) cp "$fix"/hyperfine-*.json "$d/"
		i=0; for f in "$fix"/results/*/meta.json; do i=$((i + 1)); cp "$f" "$d/m$i"; done ;;
	meta) i=0; for f in "$fix"/results/*/meta.json "$fix"/env/*/meta.json; do
			i=$((i + 1)); cp "$f" "$d/m$i"; done ;;
	hyperfine) cp "$fix"/hyperfine-*.json "$d/" ;;
	perfsym-report) cp "$fix"/perf/report-*.txt "$d/" ;;
	perfsym-tsv) cp "$fix"/results/perf-1/perf-symbols.tsv "$d/1"
		cp "$fix"/results/perf-2/perf-symbols.tsv "$d/2" ;;
	options) printf '\000\002250ms' >"$d/1"; printf '\000\0031.5h' >"$d/2"
		printf '\000\00364K' >"$d/3"; printf '\000\001-42' >"$d/4"
		printf '\001--repeat=3\000-d\00010m\000--format\000md\000DIR\000--no-flag' >"$d/5"
		printf '\001-j4\000--mem=1G\000--\000--out\000x' >"$d/6"
		printf '\000\000kernelbuild,idle,kmem-churn' >"$d/7" ;;
	kseries) i=0; for f in "$top"/kernels/series/*/series "$fix"/kbuild/series-*; do
			i=$((i + 1)); [ -f "$f" ] && cp "$f" "$d/$i"; done ;;
	kconfig) for f in "$fix"/kbuild/*.config; do
			for g in frag-small patchbench; do
				{ cat "$fix/kbuild/$g.config"; printf '\000'; cat "$f"; } \
					>"$d/$g-$(basename "$f")"
			done
		done ;;
	kpatch) p=$fix/kbuild/hunk2-context-changed.patch
		for f in "$fix"/kbuild/patch-*.out; do
			{ cat "$f"; printf '\000'; cat "$p"; } >"$d/$(basename "$f")"
		done ;;
	metrics) with_header "$d" "$fix"/results/host-1/* "$fix"/results/perf-1/* \
		"$fix"/results/probe-vanilla/* "$fix"/results/pf-insn/* ;;
	esac
	return 0
}

if ! ls "$FUZZ_BIN"/fuzz-* >/dev/null 2>&1; then
	why=$(missing)
	for h in $names; do result skip "fuzz-$h: $why"; done
else
	mkdir -p "$FUZZ_BIN/logs" "$FUZZ_BIN/artifacts"
	for h in $names; do
		bin=$FUZZ_BIN/fuzz-$h
		log=$FUZZ_BIN/logs/$h.log
		if [ ! -x "$bin" ]; then
			result not "fuzz-$h: $bin was not built"
			fail=1
			continue
		fi
		if [ -n "${FUZZ_CORPUS:-}" ]; then
			corpus=$FUZZ_CORPUS/$h
		else
			corpus=$tmp/corpus-$h
		fi
		mkdir -p "$corpus" "$tmp/seed-$h"
		seeds "$h" "$tmp/seed-$h"
		# a whole result directory, a .config: short inputs keep them fast
		case $h in
		metrics|perfsym-tsv|kconfig) maxlen=-max_len=8192 ;;
		*) maxlen= ;;
		esac
		regress=
		[ -d "$top/tests/fuzz/corpus/$h" ] && regress=$top/tests/fuzz/corpus/$h
		# shellcheck disable=SC2086
		"$bin" -max_total_time="$FUZZ_S" -runs="$FUZZ_RUNS" -timeout="$FUZZ_TIMEOUT" \
			-rss_limit_mb="$FUZZ_RSS_MB" -close_fd_mask=3 -print_final_stats=1 \
			-artifact_prefix="$FUZZ_BIN/artifacts/$h-" $maxlen \
			"$corpus" "$tmp/seed-$h" $regress >"$log" 2>&1
		rc=$?
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
		secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
		if [ $rc -eq 0 ]; then
			result ok "fuzz-$h: ${execs:-?} executions in ${secs:-$FUZZ_S} s, no finding"
		else
			result not "fuzz-$h: exit $rc after ${execs:-?} executions (log: $log)"
			# the report and the frames in patchbench's own code
			grep -E "ERROR|SUMMARY|runtime error|Test unit written|#[0-9]+ .* $top/" \
				"$log" | grep -v 'fuzzer::' | head -n 12 |
				sed "s|$top/||g; s/ (BuildId: [0-9a-f]*)//; s/^/# /"
			fail=1
		fi
	done
fi

if [ -n "$SAN_DIR" ]; then
	if ls "$SAN_DIR"/t-* >/dev/null 2>&1; then
		result ok "unit tests built with clang sanitizers in $SAN_DIR"
	else
		result skip "unit tests under clang sanitizers: $(missing)"
	fi
fi
exit $fail
