#!/bin/sh
# ab --engine slurm on a real one-node Slurm cluster of the test's own (slurm-lib.sh:
# munged with its own key, slurmctld and slurmd on private ports of 127.0.0.1), host
# runs at the smallest size (-w idle --idle 1 -d 3s --no-perf), two kernels that only
# exist as cache entries of a private --cache (host runs do not boot them).
# Method: a local ab (1 pair) for the shape; ab --engine slurm --wait with 2 pairs; bad
# input; a partition sbatch refuses; the failed-task case: the jobs submitted held (--slurm-args --hold), the patched
# kernel removed from the cache, the jobs released: the nodes cannot see it; a held
# submission without --wait; Ctrl-C on ab --wait.
# --build-on-node: bad input (without --engine slurm, --build-time alone); a build job
# that only checks the node sees the two cache entries, then the pair; a build job whose
# 'patchbench build' fails for real on the node (vanilla from --source, a directory with
# a Makefile and mm/ that passes build's input checks but whose make fails at the config
# step: the honest failure that input validation cannot catch), with --wait and without.
# (A vm-target case with a real cache hit is not here: it needs built kernels and boots.)
# Pass: slurm ab exits 0 with one state line per change, 4 complete runs under the A/B
# directory with the files and metrics of a local ab, pair and node in meta.json, task 2
# ran B before A, and the report's method says paired; the failed case exits 2 with B-1
# and B-2 failed ("cannot see kernel" in their error, named by ab and by compare's
# report) and ab.json failed; without --wait the ids and the command are printed;
# Ctrl-C cancels exactly the two jobs; the daemons stop by pid.
# --build-on-node: exit 2 with one line each; the build job named, followed, its log
# build.log in the A/B directory, its id in ab.json; its failure: --wait exits 1 with
# "build job N failed: see .../build.log", the array and final job cancelled, ab.json
# failed and no run directory; without --wait Slurm cancels the array and the final job
# marks ab.json failed, naming the build job.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/slurm-lib.sh"
require_root_memcg
HERE=$(cd "$(dirname "$0")" && pwd)

TMP=$(mktemp -d /tmp/pb-slurm.XXXXXX)
trap 'slurm_stop; rm -rf "$TMP"' EXIT
slurm_start "$TMP" || skip_all "$SLURM_WHY"
plan 26
cd "$TMP" || exit 1
C=$TMP/cache
for k in kbase kpatched; do
	mkdir -p "$C/kernels/$k"
	printf '{"schema": 1, "name": "%s", "key": "%s-key"}\n' $k $k >"$C/kernels/$k/kernel.json"
	: >"$C/kernels/$k/bzImage"
done
SMALL="-w idle --idle 1 -d 3s --no-perf --target host --cache $C --base kbase --patched kpatched"

# --- the shape of a local A/B, and the same with slurm -----------------------------------
# shellcheck disable=SC2086
"$PB" ab -r 1 --ab-out "$TMP/local" $SMALL >"$TMP/local.out" 2>&1
rc=$?
ok $rc "local ab --target host, 1 pair: exit 0 (rc $rc)"

s=$(date +%s)
# shellcheck disable=SC2086
"$PB" ab --engine slurm --wait -r 2 --ab-out "$TMP/sl" $SMALL >"$TMP/sl.out" 2>&1
rc=$?
diag "ab --engine slurm --wait, 2 pairs: $(($(date +%s) - s)) s"
# exit 1 is compare's "a regression": 2 paired host runs of one kernel can show one by chance
ok $([ $rc -le 1 ] && grep -q "^ab: submitted job array [0-9]* (2 pairs" "$TMP/sl.out" &&
	grep -q "^slurm: [0-9]*_2 RUNNING on localhost" "$TMP/sl.out" &&
	grep -q "^slurm: [0-9]* ended" "$TMP/sl.out" &&
	[ "$(grep -c '^slurm: [0-9]*_1 RUNNING' "$TMP/sl.out")" -eq 1 ] &&
	grep -q "^A/B kbase vs kpatched: 4 runs (0 failed)" "$TMP/sl.out" && echo 0 || echo 1) \
	"slurm ab --wait: exit 0 or 1 (compare's), one line per state change, 4 runs, 0 failed (rc $rc)"
n=0
for r in A-1 B-1 A-2 B-2; do
	[ "$(meta_field "$TMP/sl/$r" status)" = complete ] && n=$((n + 1))
done
ok $([ $n -eq 4 ] && grep -q '"status": "complete"' "$TMP/sl/ab.json" &&
	grep -q '"engine": "slurm"' "$TMP/sl/ab.json" &&
	[ "$(grep -c '"side": "B"' "$TMP/sl/ab.json")" -eq 2 ] && echo 0 || echo 1) \
	"the A/B directory: A-1 B-1 A-2 B-2 complete, ab.json complete ($n complete)"
ok $([ "$(cd "$TMP/local/A-1" && ls)" = "$(cd "$TMP/sl/A-1" && ls)" ] &&
	[ "$(cd "$TMP/local/B-1" && ls)" = "$(cd "$TMP/sl/B-2" && ls)" ] && echo 0 || echo 1) \
	"the runs have the files of a local ab's runs"
"$PB" compare -F json "$TMP/local" 2>/dev/null | grep '^      "key"' | sort >"$TMP/k.local"
"$PB" compare -F json "$TMP/sl" >"$TMP/sl.json" 2>/dev/null
grep '^      "key"' "$TMP/sl.json" | sort >"$TMP/k.sl"
ok $([ -s "$TMP/k.sl" ] && cmp -s "$TMP/k.local" "$TMP/k.sl" && echo 0 || echo 1) \
	"compare has the metrics of a local ab ($(wc -l <"$TMP/k.sl") keys)"
ok $([ "$(meta_field "$TMP/sl/A-2" pair)" = 2 ] && [ "$(meta_field "$TMP/sl/B-1" pair)" = 1 ] &&
	[ "$(meta_field "$TMP/sl/B-2" node)" = localhost ] && echo 0 || echo 1) \
	"meta.json: pair 1 / 2, node localhost"
a2=$(meta_field "$TMP/sl/A-2" start)
b2=$(meta_field "$TMP/sl/B-2" start)
a1=$(meta_field "$TMP/sl/A-1" start)
b1=$(meta_field "$TMP/sl/B-1" start)
ok $([ "$b2" \< "$a2" ] && [ "$a1" \< "$b1" ] && echo 0 || echo 1) \
	"task 1 ran A-1 then B-1, task 2 B-2 then A-2 ($a1 $b1, $b2 $a2)"
ok $(grep -q "over 2 pairs: paired t interval (P)" "$TMP/sl/report.txt" &&
	grep -q '"method": "paired"' "$TMP/sl.json" &&
	! grep -q "paired" "$TMP/local.out" && echo 0 || echo 1) \
	"report.txt and compare.json: the paired method"

# --- bad input --------------------------------------------------------------------------
# shellcheck disable=SC2086
"$PB" ab --wait -r 1 --ab-out "$TMP/bad" $SMALL >"$TMP/bad.out" 2>&1
rc1=$?
# shellcheck disable=SC2086
"$PB" ab --engine slurm -r auto --ab-out "$TMP/bad" $SMALL >>"$TMP/bad.out" 2>&1
rc2=$?
ok $([ $rc1 -eq 2 ] && [ $rc2 -eq 2 ] && [ ! -e "$TMP/bad" ] &&
	grep -q "need --engine slurm" "$TMP/bad.out" && grep -q "repeat auto needs --engine local" \
	"$TMP/bad.out" && echo 0 || echo 1) \
	"--wait without slurm, slurm with --repeat auto: exit 2, nothing made ($rc1 $rc2)"

# shellcheck disable=SC2086
"$PB" ab --engine slurm --partition no-such-partition -r 1 --ab-out "$TMP/nopart" $SMALL \
	>"$TMP/nopart.out" 2>&1
rc=$?
ok $([ $rc -eq 1 ] && [ ! -e "$TMP/nopart" ] &&
	[ "$(grep -c "sbatch failed.*nothing submitted" "$TMP/nopart.out")" -eq 1 ] && echo 0 || echo 1) \
	"sbatch refuses (no such partition): exit 1, sbatch's reason on one line, no A/B directory (rc $rc)"

# --- the failed task: a node that cannot see the patched kernel ---------------------------
# shellcheck disable=SC2086
"$PB" ab --engine slurm --wait -r 2 --max-parallel 1 --slurm-args '--hold' \
	--ab-out "$TMP/fail" $SMALL >"$TMP/fail.out" 2>&1 &
abpid=$!
wait_until 300 grep -q "^ab: submitted" "$TMP/fail.out"
ids=$(sed -n 's/^ab: submitted job array \([0-9]*\) .* final job \([0-9]*\) .*/\1 \2/p' \
	"$TMP/fail.out")
mv "$C/kernels/kpatched" "$C/kpatched.gone"
# shellcheck disable=SC2086
[ -n "$ids" ] && scontrol release $ids
wait $abpid
rc=$?
mv "$C/kpatched.gone" "$C/kernels/kpatched"
ok $([ $rc -eq 2 ] && [ "$(meta_field "$TMP/fail/B-1" status)" = failed ] &&
	[ "$(meta_field "$TMP/fail/B-2" status)" = failed ] &&
	[ "$(meta_field "$TMP/fail/A-2" status)" = complete ] &&
	grep -q "node 'localhost' cannot see kernel 'kpatched'" "$TMP/fail/B-1/meta.json" &&
	echo 0 || echo 1) \
	"held, kernel removed, released: exit 2 (compare's), B-1 and B-2 failed: cannot see the kernel (rc $rc)"
ok $(grep -q "^ab: B-1: failed on node localhost: node 'localhost' cannot see kernel" \
	"$TMP/fail.out" && grep -q "^ab: B-2: failed" "$TMP/fail.out" &&
	grep -q "B:B-1: status 'failed'" "$TMP/fail/report.txt" &&
	grep -q "B:B-2: status 'failed'" "$TMP/fail/report.txt" &&
	grep -q '"status": "failed"' "$TMP/fail/ab.json" && echo 0 || echo 1) \
	"ab and compare's report name both failed runs, ab.json failed"
n=$(grep -c '^  - ' "$TMP/fail/report.txt")
ok $([ "$n" -le 4 ] && echo 0 || echo 1) \
	"a run that could not start records the experiment: the report lists its status, not every field ($n lines)"

# --- --build-on-node: a build job before the array ----------------------------------------
# shellcheck disable=SC2086
"$PB" ab --build-on-node -r 1 --ab-out "$TMP/bnbad" $SMALL >"$TMP/bnbad.out" 2>&1
rc1=$?
# shellcheck disable=SC2086
"$PB" ab --engine slurm --build-time 1:00 -r 1 --ab-out "$TMP/bnbad" $SMALL >>"$TMP/bnbad.out" 2>&1
rc2=$?
ok $([ $rc1 -eq 2 ] && [ $rc2 -eq 2 ] && [ ! -e "$TMP/bnbad" ] &&
	[ "$(grep -c . "$TMP/bnbad.out")" -eq 2 ] &&
	grep -q "^patchbench: error: --build-on-node needs --engine slurm$" "$TMP/bnbad.out" &&
	grep -q "build-time is the time limit of the build job" "$TMP/bnbad.out" && echo 0 || echo 1) \
	"--build-on-node without slurm, --build-time without it: exit 2, one line each, nothing made ($rc1 $rc2)"

# both kernels are in the cache: the build job checks that the node sees them
s=$(date +%s)
# shellcheck disable=SC2086
"$PB" ab --engine slurm --build-on-node --wait -r 1 --ab-out "$TMP/bn" $SMALL >"$TMP/bn.out" 2>&1
rc=$?
diag "ab --build-on-node --wait, 1 pair: $(($(date +%s) - s)) s"
bj=$(sed -n 's/^ab: submitted build job \([0-9]*\) .*/\1/p' "$TMP/bn.out")
ok $([ $rc -eq 0 ] && [ -n "$bj" ] &&
	grep -q "^ab: submitted build job $bj (checks the node sees kbase, checks the node sees kpatched; its log $TMP/bn/build.log), job array [0-9]* (1 pair, one per task, afterok:$bj) and final job" "$TMP/bn.out" &&
	grep -q "^slurm: $bj ended" "$TMP/bn.out" &&
	grep -q "^A/B kbase vs kpatched: 2 runs (0 failed)" "$TMP/bn.out" && echo 0 || echo 1) \
	"--build-on-node --wait: exit 0, the build job $bj named and followed, 2 runs (rc $rc)"
ok $(grep -q "kernel 'kpatched' is built already: node localhost sees it" "$TMP/bn/build.log" &&
	grep -q "\"build\": \"$bj\"" "$TMP/bn/ab.json" && grep -q '"status": "complete"' "$TMP/bn/ab.json" &&
	[ "$(meta_field "$TMP/bn/B-1" status)" = complete ] && echo 0 || echo 1) \
	"build.log in the A/B directory says what the node saw, ab.json has the build job, complete"

# a build that fails on the node: vanilla from a "kernel tree" whose make fails
mkdir -p "$TMP/fakesrc/mm"
printf '%%:\n\t@echo "not a real kernel tree: no $@" >&2; exit 1\n' >"$TMP/fakesrc/Makefile"
BN="-w idle --idle 1 -d 3s --no-perf --target host --cache $C --base vanilla --patched kpatched --source $TMP/fakesrc"
# shellcheck disable=SC2086
"$PB" ab --engine slurm --build-on-node --wait -r 2 --ab-out "$TMP/bnf" $BN >"$TMP/bnf.out" 2>&1
rc=$?
set -- $(sed -n 's/^ab: submitted build job \([0-9]*\) .* job array \([0-9]*\) .* final job \([0-9]*\) .*/\1 \2 \3/p' "$TMP/bnf.out")
ok $([ $rc -eq 1 ] && [ $# -eq 3 ] &&
	grep -q "^ab: build job $1 failed: see $TMP/bnf/build.log (cancelled jobs $2 and $3)" "$TMP/bnf.out" &&
	grep -q "configuring kernel 'vanilla' failed" "$TMP/bnf/build.log" &&
	[ -z "$(squeue -h -r -j "$1,$2,$3" -o %i 2>/dev/null)" ] && echo 0 || echo 1) \
	"a failed build job: exit 1, 'build job $1 failed: see build.log', the array and final job cancelled (rc $rc)"
ok $(grep -q '"status": "failed"' "$TMP/bnf/ab.json" && [ ! -e "$TMP/bnf/A-1" ] &&
	! grep -rqs '"status": "running"' "$TMP/bnf" && echo 0 || echo 1) \
	"ab.json failed, no run directory made, nothing says running"

# without --wait: Slurm cancels the array (--kill-on-invalid-dep), the final job says why
# shellcheck disable=SC2086
"$PB" ab --engine slurm --build-on-node -r 1 --ab-out "$TMP/bnn" $BN >"$TMP/bnn.out" 2>&1
rc=$?
set -- $(sed -n 's/^ab: submitted build job \([0-9]*\) .* job array \([0-9]*\) .* final job \([0-9]*\) .*/\1 \2 \3/p' "$TMP/bnn.out")
[ $# -eq 3 ] && wait_until 600 sh -c "[ -z \"\$(squeue -h -r -j $1,$2,$3 -o %i 2>/dev/null)\" ]"
ok $([ $rc -eq 0 ] && [ $# -eq 3 ] && grep -q '"status": "failed"' "$TMP/bnn/ab.json" &&
	grep -q "^ab: the build job $1 failed (status 1): see $TMP/bnn/build.log" "$TMP/bnn/slurm/final.out" &&
	[ ! -e "$TMP/bnn/A-1" ] && echo 0 || echo 1) \
	"without --wait a failed build: the array never runs, the final job marks ab.json failed and names the build job (rc $rc)"

# --- without --wait; Ctrl-C while waiting --------------------------------------------------
# shellcheck disable=SC2086
"$PB" ab --engine slurm -r 1 --slurm-args '--hold' --ab-out "$TMP/nw" $SMALL >"$TMP/nw.out" 2>&1
rc=$?
ids=$(sed -n 's/^ab: submitted job array \([0-9]*\) .* final job \([0-9]*\) .*/\1 \2/p' \
	"$TMP/nw.out")
ok $([ $rc -eq 0 ] && [ -n "$ids" ] &&
	grep -q "^ab: once job [0-9]* has ended: patchbench compare $TMP/nw " "$TMP/nw.out" &&
	echo 0 || echo 1) "without --wait: exit 0, the job ids and the command to see the result"
# shellcheck disable=SC2086
ok $([ "$(squeue -h -r -j "$(echo $ids | tr ' ' ,)" -o %i | wc -l)" -eq 2 ] && echo 0 || echo 1) \
	"both jobs are queued (held)"
# shellcheck disable=SC2086
scancel $ids

# shellcheck disable=SC2086
"$PB" ab --engine slurm --wait -r 1 --slurm-args '--hold' --ab-out "$TMP/int" $SMALL \
	>"$TMP/int.out" 2>&1 &
abpid=$!
wait_until 300 grep -q "^slurm: .* PENDING" "$TMP/int.out"
ids=$(sed -n 's/^ab: submitted job array \([0-9]*\) .* final job \([0-9]*\) .*/\1 \2/p' \
	"$TMP/int.out")
kill -INT $abpid
wait $abpid
rc=$?
set -- $ids
ok $([ $rc -eq 1 ] && grep -q "^ab: interrupted: cancelled jobs $1 and $2" "$TMP/int.out" &&
	grep -q '"status": "interrupted"' "$TMP/int/ab.json" && echo 0 || echo 1) \
	"Ctrl-C on --wait: exit 1, 'cancelled jobs $1 and $2', ab.json interrupted (rc $rc)"
wait_until 50 sh -c "[ -z \"\$(squeue -h -j $1,$2 -o %i 2>/dev/null)\" ]"
ok $([ -z "$(squeue -h -j "$1,$2" -o %i 2>/dev/null)" ] && echo 0 || echo 1) \
	"those jobs are gone from the queue"
# scripts/nightly.sh ENGINE=slurm hands the engine to ab
out=$(DRY_RUN=1 ENGINE=slurm ENGINE_ARGS="--max-parallel 2" RESULTS="$TMP/night" BASE=kbase \
	SERIES=kpatched sh "$HERE/../../scripts/nightly.sh" 2>&1)
echo "$out" | grep -q "^+ .* ab --base kbase --patched kpatched .* --engine slurm --wait --max-parallel 2 "
ok $? "nightly.sh ENGINE=slurm: ab gets --engine slurm --wait and ENGINE_ARGS (DRY_RUN)"
pids=$SLURM_PIDS
slurm_stop
alive=0
for p in $pids; do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
ok $([ -n "$pids" ] && [ $alive -eq 0 ] && echo 0 || echo 1) \
	"munged, slurmctld and slurmd stopped by their pids ($pids)"
ok_no_leftovers
done_testing
