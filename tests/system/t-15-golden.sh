#!/bin/sh
# Golden outputs: the bytes every command prints on fixed result directories
# must not change (issue 10, "What must not change").
# Method: copy tests/fixtures/golden (real runs: an A/B directory, a
# reproduction directory, a failed run, and a kernel cache of kernel.json
# files; its README has the capture commands) and the vm runs with guest
# instruction counts of tests/fixtures/results (vm-insn-*) and the memcg workloads' run of
# tests/fixtures/memcg-wl to a temporary directory, cd
# there so that every path is the same relative one, run report, compare
# (text, md, json, html), perfdiff (also --event insn), kernels and reproduce
# --report-only, and
# compare stdout, "exit N" with stderr, and the files written with
# tests/fixtures/golden/expected.
# Pass: every output is byte-identical to the expected one (on a failure the
# diff is shown). The one field replaced before comparing: reproduce's
# "took XmYYs", the time of the report itself.
# PB_GOLDEN_UPDATE=1 writes the outputs into expected/ instead, for a change
# that means to change an output (its diff then goes into the commit).
. "$(dirname "$0")/lib.sh"
[ -x "$PB" ] || skip_all "patchbench binary '$PB' not built"
command -v gnuplot >/dev/null || skip_all "gnuplot missing (make deps): the HTML reports plot"

F=$(cd "$(dirname "$0")/../fixtures/golden" && pwd)
E=$F/expected
TMP=$(mktemp -d /tmp/pb-golden.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
plan 67

# nothing of the caller's environment reaches the outputs
LC_ALL=C
TZ=UTC
export LC_ALL TZ
unset PATCHBENCH_CACHE PATCHBENCH_KERNELS XDG_CACHE_HOME

mkdir "$TMP/in" && cp -R "$F/ab" "$F/repro" "$F/host" "$F/cache" "$TMP/in/" || exit 1
cp -R "$F/../results/vm-insn-vanilla-1" "$F/../results/vm-insn-vanilla-2" "$TMP/in/" || exit 1
cp -R "$F/../memcg-wl/host-all" "$TMP/in/memcg-wl" || exit 1
cd "$TMP/in" || exit 1

# same NAME ACTUAL: the file ACTUAL must equal expected/NAME (or becomes it).
same() {
	if [ -n "$PB_GOLDEN_UPDATE" ]; then
		cp "$2" "$E/$1"
		ok 0 "$1 (expected/$1 written)"
	elif [ ! -e "$2" ]; then
		ok 1 "$1: not written"
	elif cmp -s "$E/$1" "$2"; then
		ok 0 "$1"
	else
		ok 1 "$1: differs from expected/$1"
		diff -u --label "expected/$1" --label "now/$1" "$E/$1" "$2" >"$TMP/diff"
		n=$(wc -l <"$TMP/diff")
		head -200 "$TMP/diff" | sed 's/^/# /' >&2
		[ "$n" -le 200 ] || echo "# ... ($((n - 200)) more lines of diff)" >&2
	fi
}

# run NAME CMD...: stdout into $TMP/NAME.out, "exit N" and stderr into $TMP/NAME.err.
run() {
	g=$1
	shift
	"$@" >"$TMP/$g.out" 2>"$TMP/$g.stderr"
	echo "exit $?" >"$TMP/$g.err"
	cat "$TMP/$g.stderr" >>"$TMP/$g.err"
}

# golden NAME CMD...: stdout must equal expected/NAME.out, exit and stderr NAME.err.
golden() {
	run "$@"
	same "$1.out" "$TMP/$1.out"
	same "$1.err" "$TMP/$1.err"
}

AB=ab/ab-vanilla-vs-noop
R=repro/runs

# --- report -------------------------------------------------------------------
golden report "$PB" report $AB/A-1
golden report-json "$PB" report -F json $AB/A-1
golden report-two "$PB" report $R/vanilla/1 $R/memcg-flush-on-read/2
golden report-failed "$PB" report host/failed
# the memcg workloads' own results (page-fault, reclaim, cgroup-churn)
golden report-memcg-wl "$PB" report memcg-wl
golden report-memcg-wl-json "$PB" report -F json memcg-wl

# --- compare: one run a side, repeats in every format, A/B dir, mismatches ----
golden compare-n1 "$PB" compare $AB/A-1 $AB/B-1
golden compare-text "$PB" compare $R/vanilla $R/memcg-flush-on-read
golden compare-md "$PB" compare -F md $R/vanilla $R/memcg-flush-on-read
golden compare-json "$PB" compare -F json $R/vanilla $R/memcg-flush-on-read
golden compare-html "$PB" compare -F html -o "$TMP/compare.html" $R/vanilla \
	$R/memcg-flush-on-read
same compare.html "$TMP/compare.html"
golden compare-ab "$PB" compare $AB
golden compare-ab-md "$PB" compare -F md $AB
golden compare-ab-sides-json "$PB" compare -F json $AB:B $AB:A
golden compare-noise "$PB" compare --noise $AB $AB
golden compare-mismatch "$PB" compare $AB:A $R/vanilla
golden compare-force "$PB" compare --force --ci bootstrap --perf-top 5 $AB:A $R/vanilla
golden compare-failed "$PB" compare host/failed $AB/A-1

# --- perfdiff -----------------------------------------------------------------
golden perfdiff "$PB" perfdiff $R/vanilla $R/memcg-lazy-flush
golden perfdiff-n1-kernel "$PB" perfdiff --kernel-only $AB/A-1 $AB/B-1
golden perfdiff-tsv "$PB" perfdiff -F tsv -n 25 $R/noop $R/vanilla
golden perfdiff-json "$PB" perfdiff -F json $AB/A-1 $AB/B-1

# --- guest instruction counts: perfdiff --event insn, report, a run without them ---
golden perfdiff-insn "$PB" perfdiff --event insn vm-insn-vanilla-1 vm-insn-vanilla-2
golden perfdiff-insn-none "$PB" perfdiff --event insn $AB/A-1 vm-insn-vanilla-1
golden report-insn "$PB" report vm-insn-vanilla-1

# --- kernels ------------------------------------------------------------------
golden kernels "$PB" kernels --cache cache
golden kernels-json "$PB" kernels --cache cache -F json

# --- reproduce: the reports of an existing reproduction -----------------------
# With the options of the reproduction (fixture README); nothing is built or run.
run reproduce "$PB" reproduce --report-only -o repro --cache cache -w idle,stat-probe -d 5s \
	-r 2 --readcost-counts 10,100 --readcost-repeats 2 --selftests test_kmem \
	--selftests-kernels vanilla
for f in "$TMP/reproduce.out" repro/REPORT.txt repro/REPORT.md repro/report.html; do
	[ -e "$f" ] || continue
	sed 's/^\(scale .*, took \)[0-9]*m[0-9][0-9]s$/\1(time)/' "$f" >"$f.t" && mv "$f.t" "$f"
done
same reproduce.out "$TMP/reproduce.out"
same reproduce.err "$TMP/reproduce.err"
for f in REPORT.txt REPORT.md report.html readcost-summary.tsv readcost-plot.tsv; do
	same "reproduce-$f" "repro/$f"
done
# bad input of --report-only: exit 2, nothing made
golden reproduce-no-dir "$PB" reproduce --report-only --cache cache -w idle -d 5s
golden reproduce-missing-dir "$PB" reproduce --report-only -o missing --cache cache -w idle -d 5s
ok $([ ! -e missing ] && [ ! -e results ]; echo $?) "--report-only: no directory made"
done_testing
