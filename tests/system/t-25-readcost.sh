#!/bin/sh
# The readcost workload on the host: populations of 5 and 20 idle and
# deleted (dying) children below the readcost node, memory.stat read
# in-process and with hyperfine around pb-statread.
# Method: bad counts first (no hyperfine needed); then a real run with small
# counts, reading readcost.tsv, the hyperfine JSON files, the workload log
# and the machine afterwards; then a run stopped with SIGTERM while hyperfine
# times a deleted population.
# Pass: bad input is exit 2 with one line and nothing created; the run is
# complete with one row per kind x count x state x method, numbers where
# numbers belong, the eight JSON files, every teardown clean, and no cgroup,
# f-* file or reader process left, also after SIGTERM.
. "$(dirname "$0")/lib.sh"
require_root_memcg

TMP=$(mktemp -d /tmp/pb-readcost.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
plan 31

# expect_usage DESCRIPTION PATTERN PATH ARGS...: with PATH for patchbench only, exit 2, one
# line on stderr matching PATTERN, nothing created.
expect_usage() {
	d=$1
	pat=$2
	path=$3
	shift 3
	before=$(leftover_cgroups)
	env PATH="$path" "$PB" run --target host -w readcost --builders 0 --idle 0 -o "$TMP/bad" "$@" \
		>"$TMP/out" 2>"$TMP/err"
	rc=$?
	ok $([ $rc -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q -- "$pat" "$TMP/err" &&
		echo 0 || echo 1) "$d: exit 2 (got $rc), one line: $(head -c 150 "$TMP/err")"
	ok $([ ! -e "$TMP/bad" ] && [ "$(leftover_cgroups)" -eq "$before" ] && echo 0 || echo 1) \
		"$d: nothing created"
}

expect_usage "--readcost-counts 0" "readcost-counts" "$PATH" --readcost-counts 0
expect_usage "--readcost-counts x" "readcost-counts" "$PATH" --readcost-counts x
expect_usage "pages fewer than the dirty rounds" "readcost-pages 8 .*rounds" "$PATH" \
	--readcost-pages 8
expect_usage "pages fewer than hyperfine's dirty runs" "readcost-pages 8 .*hyperfine" "$PATH" \
	--readcost-pages 8 --readcost-rounds 5
expect_usage "no hyperfine in PATH" "needs hyperfine" /nonexistent --readcost-counts 5

if ! command -v hyperfine >/dev/null 2>&1 || [ ! -x "$(dirname "$PB")/pb-statread" ]; then
	why="pb-statread not built next to $PB (make)"
	command -v hyperfine >/dev/null 2>&1 || why="hyperfine not installed (make deps)"
	while [ "$T_N" -lt "$T_PLANNED" ]; do
		skip "$why"
	done
	done_testing
	exit
fi

R=$TMP/res
W=$TMP/work
before=$(leftover_cgroups)
"$PB" run --target host -w readcost --builders 0 --idle 0 --workdir "$W" \
	--readcost-counts 5,20 --readcost-pages 8 --readcost-reads 30 --readcost-rounds 5 \
	--readcost-hyperfine-runs 4 --readcost-hyperfine-warmup 1 -o "$R" >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $rc "run exits 0 (rc $rc)"
[ $rc -eq 0 ] || diag "$(tail -5 "$TMP/err")"
ok $([ "$(meta_field "$R" status)" = complete ] && echo 0 || echo 1) "meta.json status complete"
T=$R/readcost.tsv
ok $([ "$(head -1 "$T")" = "$(printf 'kind\tcgroups\tdying\tstate\tmethod\tn\tfirst_us\tp50_us\tp99_us\tmean_us\tstddev_us\tmin_us\tmax_us\top_first\top_last')" ] &&
	echo 0 || echo 1) "readcost.tsv header"
# the in-process rows name their reads (ops 1.. in order, the first read of a point
# not among them), hyperfine rows none
ok $(awk -F'\t' 'NR > 1 && $5 == "inproc" { if ($14 != last + 2 - ($4 == "dirty") || $15 - $14 + 1 != $6) bad++;
		last = $15 } NR > 1 && $5 == "hyperfine" && ($14 != "-" || $15 != "-") { bad++ }
	END { exit bad + 0 }' "$T"; echo $?) "op_first..op_last: the in-process reads, in order"
combos=$(awk -F'\t' 'NR > 1 { k[$1 " " $2 " " $4 " " $5]++; n++ }
	END { for (c in k) if (k[c] == 1) u++; print n + 0, u + 0 }' "$T")
ok $([ "$combos" = "16 16" ] && echo 0 || echo 1) "16 rows, each kind x count x state x method once ($combos)"
want=$(for k in idle deleted; do for c in 5 20; do for s in quiet dirty; do
	for m in inproc hyperfine; do echo "$k $c $s $m"; done; done; done; done | sort)
have=$(awk -F'\t' 'NR > 1 { print $1, $2, $4, $5 }' "$T" | sort)
ok $([ "$want" = "$have" ] && echo 0 || echo 1) "rows for idle and deleted, 5 and 20, quiet and dirty, inproc and hyperfine"
bad=$(awk -F'\t' 'NR > 1 { for (i = 8; i <= 13; i++) if ($i !~ /^[0-9]+(\.[0-9]+)?$/ || $i + 0 <= 0 && i != 11) { print NR ": " $i; exit } }' "$T")
ok $([ -z "$bad" ] && echo 0 || echo 1) "p50, p99, mean, stddev, min, max are numbers > 0 ${bad:+(line $bad)}"
bad=$(awk -F'\t' 'NR > 1 && (($4 == "quiet" && $5 == "inproc") != ($7 ~ /^[0-9]+\.[0-9]$/) ||
	!($4 == "quiet" && $5 == "inproc") && $7 != "-") { print NR }' "$T")
ok $([ -z "$bad" ] && echo 0 || echo 1) "first_us for in-process quiet only ${bad:+(lines $bad)}"
bad=$(awk -F'\t' 'NR > 1 && ($5 == "inproc" && $4 == "quiet" && $6 != 30 ||
	$5 == "inproc" && $4 == "dirty" && $6 != 5 || $5 == "hyperfine" && $4 == "dirty" && $6 != 4 ||
	$5 == "hyperfine" && $4 == "quiet" && $6 < 4) { print NR }' "$T")
ok $([ -z "$bad" ] && echo 0 || echo 1) "n: 30 reads, 5 rounds, 4 dirty runs, >= 4 quiet runs ${bad:+(lines $bad)}"
p50=$(awk -F'\t' '$1 == "idle" && $2 == 5 && $4 == "quiet" && $5 == "hyperfine" { print $8 }' "$T")
med=$(sed -n 's/^ *"median": \([0-9.e-]*\),$/\1/p' "$R/readcost/hyperfine-idle-5-quiet.json")
ok $(awk -v a="$p50" -v m="$med" 'BEGIN { exit !(m > 0 && a - m * 1e6 < 0.051 && m * 1e6 - a < 0.051) }'; echo $?) \
	"hyperfine p50 is the JSON's median in us ($p50 us, median $med s)"
if [ "$(meta_field "$R" cgroup_version)" = v2 ]; then
	bad=$(awk -F'\t' 'NR > 1 && ($1 == "deleted" && $3 != $2 || $1 == "idle" && $3 != 0) { print NR }' "$T")
	ok $([ -z "$bad" ] && echo 0 || echo 1) "v2: dying = cgroups for deleted, 0 for idle ${bad:+(lines $bad)}"
else
	bad=$(awk -F'\t' 'NR > 1 && $3 != "-" { print NR }' "$T")
	ok $([ -z "$bad" ] && echo 0 || echo 1) "v1: dying is '-' (no cgroup.stat) ${bad:+(lines $bad)}"
fi
n=0
for k in idle deleted; do for c in 5 20; do for s in quiet dirty; do
	f=$R/readcost/hyperfine-$k-$c-$s.json
	[ -s "$f" ] && grep -q '"times"' "$f" && n=$((n + 1))
done; done; done
ok $([ $n -eq 8 ] && echo 0 || echo 1) "the 8 hyperfine JSON files exist ($n)"
L=$R/logs/readcost-readcost.log
clean=$(grep -c "^readcost: teardown .*: 0 c-\* and 0 f-\* left" "$L")
ok $([ "$clean" -eq 8 ] && echo 0 || echo 1) "8 teardowns, each with no c-* and no f-* left ($clean)"
prog=$(grep -c "^readcost: \(idle\|deleted\) \(5\|20\): quiet p50 [0-9.]* us, dirty p50" "$L")
ok $([ "$prog" -eq 4 ] && echo 0 || echo 1) "one progress line per point ($prog)"
ok $([ "$(leftover_cgroups)" -eq "$before" ] && echo 0 || echo 1) "no cgroup left behind"
left=$(find "$W" -name 'f-*' 2>/dev/null | wc -l)
ok $([ "$left" -eq 0 ] && echo 0 || echo 1) "no f-* file left below --workdir ($left)"

# SIGTERM while hyperfine times a deleted population: everything still goes.
R=$TMP/res-term
before=$(leftover_cgroups)
"$PB" run --target host -w readcost --builders 0 --idle 0 --workdir "$W" -q \
	--readcost-counts 50 --readcost-kinds deleted -o "$R" >"$TMP/out" 2>"$TMP/err" &
pid=$!
i=0
while [ $i -lt 300 ] && ! grep -qs "^readcost: deleted 50 quiet: \\$ " "$R/logs/readcost-readcost.log"; do
	sleep 0.1
	i=$((i + 1))
done
# then the signal goes the moment this run's hyperfine is seen (a quiet point can end
# within a second on an idle machine, and the next one starts after its set-up)
hf=
j=0
while [ $j -lt 100 ] && [ -z "$hf" ] && kill -0 $pid 2>/dev/null; do
	hf=$(pgrep -x hyperfine | while read -r h; do descends "$h" $pid && echo "$h"; done)
	[ -n "$hf" ] || sleep 0.1
	j=$((j + 1))
done
id=$(sed -n 's/^  "run_id": "\(.*\)",$/\1/p' "$R/meta.json")
kill -TERM $pid
wait $pid
rc=$?
ok $([ -n "$hf" ] && echo 0 || echo 1) "SIGTERM sent while this run's hyperfine ran (pid ${hf:-none})"
ok $([ $rc -eq 1 ] && [ "$(meta_field "$R" status)" = interrupted ] && echo 0 || echo 1) \
	"SIGTERM: exit 1, status interrupted (rc $rc, after ${i}00 ms)"
ok $([ "$(leftover_cgroups)" -eq "$before" ] && echo 0 || echo 1) "SIGTERM: no cgroup left"
left=$(find "$W" -name 'f-*' 2>/dev/null | wc -l)
procs=$(pgrep -f "patchbench-$id" | wc -l)
ok $([ -n "$id" ] && [ "$left" -eq 0 ] && [ "$procs" -eq 0 ] && echo 0 || echo 1) \
	"SIGTERM: no f-* file ($left) and no hyperfine or pb-statread ($procs) left"
ok_no_leftovers
done_testing
