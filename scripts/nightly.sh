#!/bin/sh
# nightly.sh - the nightly A/B: build the configured kernels, run base and
# each patched series interleaved ("patchbench ab"), compare each against
# the base and against the last good run of that series, update the
# dashboard. Thin glue over patchbench; cron-able:
#
#   15 2 * * *  cd /srv/patchbench && sh scripts/nightly.sh >>results/nightly.log 2>&1
#
# Configuration: environment variables, or a file of NAME=value lines given
# as the only argument (sourced).
#   PB         patchbench binary [bench/patchbench of this checkout]
#   RESULTS    results directory; A/B directories go to $RESULTS/nightly [results]
#   DASHBOARD  where the dashboard goes [$RESULTS/dashboard]
#   BASE       base kernel: vanilla or a series name [vanilla]
#   SERIES     patched series, space-separated [memcg-flush-on-read]
#   CONFIG     kernel config: smoke, full or a file [smoke]
#   REPEAT     runs per side [3]
#   RUN_ARGS   workload options for every run [-w kernelbuild,idle --builders 2 --idle 3]
#   NOISE      an A/A directory for "compare --noise" [none]
#   BISECT     1: a series that regresses against the base is bisected
#              ("patchbench bisect" into the A/B directory's bisect/; the
#              dashboard row links its BISECT.txt) [0]
#   ENGINE     local, or slurm: ab places the runs as a Slurm job array and
#              waits for it ("ab --engine slurm --wait"; the kernels are built
#              here, into a cache every node sees: README, "Many machines") [local]
#   ENGINE_ARGS more ab options for the engine, e.g. "--partition big
#              --max-parallel 4 --time 2:00:00" [none]
#   LOCK       lock file [$RESULTS/.nightly.lock]
#   DRY_RUN    1: print the commands instead of running them
#
# Exit status: 0 no regression, 1 a regression (against the base or the
# last good run), 2 a step failed, 75 another nightly run holds the lock.
set -u

if [ $# -gt 1 ] || { [ $# -eq 1 ] && [ ! -r "$1" ]; }; then
	echo "usage: nightly.sh [CONFIG_FILE]" >&2
	exit 2
fi
if [ $# -eq 1 ]; then
	# shellcheck disable=SC1090
	. "$1"
fi
TOP=$(cd "$(dirname "$0")/.." && pwd)
PB=${PB:-$TOP/bench/patchbench}
RESULTS=${RESULTS:-results}
DASHBOARD=${DASHBOARD:-$RESULTS/dashboard}
BASE=${BASE:-vanilla}
SERIES=${SERIES:-memcg-flush-on-read}
CONFIG=${CONFIG:-smoke}
REPEAT=${REPEAT:-3}
RUN_ARGS=${RUN_ARGS:--w kernelbuild,idle --builders 2 --idle 3}
NOISE=${NOISE:-}
LOCK=${LOCK:-$RESULTS/.nightly.lock}
DRY_RUN=${DRY_RUN:-0}
BISECT=${BISECT:-0}
ENGINE=${ENGINE:-local}
ENGINE_ARGS=${ENGINE_ARGS:-}
case $ENGINE in
local) engine_opt= ;;
slurm) engine_opt="--engine slurm --wait $ENGINE_ARGS" ;;
*)
	echo "nightly: ENGINE '$ENGINE': local or slurm" >&2
	exit 2
	;;
esac

say() { echo "nightly: $*"; }

# run CMD...: run it (or print it with DRY_RUN=1); its exit status.
run() {
	if [ "$DRY_RUN" = 1 ]; then
		echo "+ $*"
		return 0
	fi
	"$@"
}

mkdir -p "$RESULTS/nightly" || exit 2
command -v flock >/dev/null 2>&1 || { say "flock(1) is missing (util-linux)"; exit 2; }
exec 9>"$LOCK" || exit 2
if ! flock -n 9; then
	say "another nightly run holds $LOCK"
	exit 75
fi

stamp=$(date -u +%Y%m%d-%H%M%S)
status=0
fail() {
	say "$*"
	status=2
}
regression() {
	say "$*"
	[ $status -eq 2 ] || status=1
}
noise_opt=
[ -n "$NOISE" ] && noise_opt="--noise=$NOISE"

say "$stamp: $BASE vs $SERIES, $REPEAT runs per side, config $CONFIG"
if [ "$BASE" = vanilla ]; then
	run "$PB" build --name vanilla --config "$CONFIG" || fail "building $BASE failed"
else
	run "$PB" build --name "$BASE" --series "$BASE" --config "$CONFIG" ||
		fail "building $BASE failed"
fi
for s in $SERIES; do
	[ $status -eq 2 ] && break
	if ! run "$PB" build --name "$s" --series "$s" --config "$CONFIG"; then
		fail "building $s failed"
		continue
	fi
	dir=$RESULTS/nightly/ab-$stamp-$BASE-vs-$s
	# shellcheck disable=SC2086
	run "$PB" ab --base "$BASE" --patched "$s" --repeat "$REPEAT" --ab-out "$dir" $engine_opt \
		$RUN_ARGS
	rc=$?
	# slurm --wait exits with compare's status: 1 is a regression, judged below
	if [ $rc -ne 0 ] && { [ "$ENGINE" = local ] || [ $rc -ne 1 ]; }; then
		fail "ab $BASE vs $s: a run failed (see $dir)"
	fi

	# against the base; the text report is the mail, the html the archive
	# shellcheck disable=SC2086
	run "$PB" compare $noise_opt -F html -o "$dir/report.html" "$dir"
	# shellcheck disable=SC2086
	run "$PB" compare $noise_opt -o "$dir/report.txt" "$dir"
	rc=$?
	case $rc in
	0) ;;
	1) regression "$s regresses against $BASE: $dir/report.txt" ;;
	*) fail "compare of $dir failed (exit $rc)" ;;
	esac
	good=$rc
	if [ "$rc" -eq 1 ] && [ "$BISECT" = 1 ]; then
		# which patch: the answer goes into the dashboard row; its failure is no failure here
		# shellcheck disable=SC2086
		run "$PB" bisect --base "$BASE" --series "$s" --repeat "$REPEAT" \
			--build-config "$CONFIG" -o "$dir/bisect" $RUN_ARGS >"$dir/bisect.log" 2>&1
		case $? in
		0) say "bisect $s: $(grep '^bisect: \(first bad\|nothing\)' "$dir/bisect.log" | tail -1)" ;;
		*) say "bisect $s: no answer (see $dir/bisect.log)" ;;
		esac
	fi

	# against the last good run of this series (its patched side)
	last=$(cat "$RESULTS/nightly/last-good-$s" 2>/dev/null || true)
	if [ -n "$last" ] && [ -d "$last" ]; then
		# shellcheck disable=SC2086
		run "$PB" compare $noise_opt -o "$dir/vs-last-good.txt" "$last:B" "$dir:B"
		rc=$?
		case $rc in
		0) ;;
		1) regression "$s regresses against its last good run $last: $dir/vs-last-good.txt"
		   good=1 ;;
		*) say "compare with the last good run $last failed (exit $rc)" ;;
		esac
	fi
	if [ "$good" -eq 0 ] && [ "$DRY_RUN" != 1 ]; then
		echo "$dir" >"$RESULTS/nightly/last-good-$s.tmp" &&
			mv "$RESULTS/nightly/last-good-$s.tmp" "$RESULTS/nightly/last-good-$s"
	fi
done

# exit 1 of the dashboard means "some A/B has a regression": not a failure here
run "$PB" dashboard "$RESULTS" -o "$DASHBOARD"
[ $? -le 1 ] || fail "dashboard update failed"
say "done: exit $status"
exit $status
