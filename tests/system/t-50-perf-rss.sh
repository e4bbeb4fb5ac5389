#!/bin/sh
# The perf and rss_stat monitors on a real host run, perfdiff, and their faults.
# Method: two short runs with --perf --trace rss_stat (an idle sibling and
# kmem-churn, whose children fork) while an unrelated process of this
# shell allocates memory; then perfdiff of the two, checked against
# "perf diff" of the same perf.data files; then the faults: no perf in
# PATH, a truncated perf.data, tracefs unmounted (in a private mount
# namespace, so nothing else on the machine loses its tracefs).
# Pass: perf-symbols.tsv has kernel symbols; every rss_stat event comes
# from a process that descends from a workload instance (rss_stat-tasks.tsv,
# rooted at patchbench's pid), none from patchbench or the unrelated
# process; the tracing instance is gone; perfdiff deltas equal perf diff's
# within rounding; each fault leaves a complete run or a clear error.
. "$(dirname "$0")/lib.sh"
require_root_memcg
command -v perf >/dev/null 2>&1 || skip_all "no perf in PATH (make deps installs linux-perf)"
perf stat -e cpu-clock -a -x, true >/dev/null 2>&1 ||
	skip_all "perf cannot count system-wide here (perf_event_paranoid?)"
T=/sys/kernel/tracing
# MOUNTED: tracefs was not mounted and this file mounted it; it unmounts it when done
MOUNTED=
[ -e $T/events/kmem/rss_stat ] || { mount -t tracefs nodev $T 2>/dev/null && MOUNTED=$T; }
if [ ! -e $T/events/kmem/rss_stat ]; then
	[ -z "$MOUNTED" ] || umount $T
	skip_all "no kmem:rss_stat tracepoint (or no tracefs at $T)"
fi

TMP=$(mktemp -d /tmp/pb-perf.XXXXXX)
BG=
cleanup() {
	[ -n "$BG" ] && kill "$BG" 2>/dev/null
	rm -rf "$TMP"
	# leave tracefs as we found it
	[ -z "$MOUNTED" ] || umount "$MOUNTED" 2>/dev/null
}
trap cleanup EXIT
plan 27
TAB=$(printf '\t')
RUN="-w idle,kmem-churn --idle 1 --kmem-churn-children 10 -d 4s -q"

# An unrelated process that faults memory all along: its pid must not show up.
sh -c 'while :; do head -c 2000000 /dev/zero | od >/dev/null; done' &
BG=$!

# shellcheck disable=SC2086
"$PB" run $RUN --perf --trace rss_stat -o "$TMP/a" >"$TMP/out-a" 2>"$TMP/err-a"
rc=$?
ok $rc "run --perf --trace rss_stat exits 0 (rc $rc)"
[ $rc -eq 0 ] || diag "$(tail -5 "$TMP/err-a")"
A=$TMP/a
pbpid=$(meta_field "$A" run_id | sed 's/.*-//')

# perf: the event is the one this machine supports, detected not assumed
if perf stat -e cycles -x, true 2>&1 | grep -q "not supported"; then want=cpu-clock; else want=cycles; fi
ev=$(meta_field "$A" perf_event)
ok $([ "$ev" = "$want" ] && echo 0 || echo 1) "perf_event in meta.json is $ev (machine: $want)"
nk=$(awk -F'\t' 'NR > 1 && $4 == "k" { n++ } END { print n + 0 }' "$A/perf-symbols.tsv" 2>/dev/null)
ok $([ "${nk:-0}" -gt 10 ] && echo 0 || echo 1) "perf-symbols.tsv has $nk kernel symbols"
ok $([ -s "$A/perf.data" ] && perf report -i "$A/perf.data" --stdio >/dev/null 2>&1 &&
	echo 0 || echo 1) "perf.data kept and readable by perf report"
ok $(grep -q "perf record" "$A/logs/perf-record.log" && echo 0 || echo 1) \
	"perf record's own output is in logs/perf-record.log"

# rss_stat: events, attributed to workload processes only
nev=$(($(wc -l <"$A/rss_stat.tsv") - 1))
ok $([ "$nev" -gt 100 ] && echo 0 || echo 1) "rss_stat.tsv has $nev events"
awk -F'\t' 'NR > 1 { print $3 }' "$A/rss_stat-tasks.tsv" | sort -u >"$TMP/tasks"
awk -F'\t' 'NR > 1 { print $2 }' "$A/rss_stat.tsv" | sort -u >"$TMP/evpids"
stray=$(comm -23 "$TMP/evpids" "$TMP/tasks" | wc -l)
ok $([ "$stray" -eq 0 ] && [ -s "$TMP/evpids" ] && echo 0 || echo 1) \
	"every one of $(wc -l <"$TMP/evpids") pids with events is a traced workload task ($stray are not)"
# each task descends from a root that patchbench forked for a workload cgroup
bad=$(awk -F'\t' -v pb="$pbpid" 'NR > 1 && $2 == "fork" {
		if ($6 == "") bad++
		if ($4 == pb) roots++; else if (!($4 in seen)) bad++
		seen[$3] = 1 }
	END { print (roots > 0 ? 0 : 1) + bad }' "$A/rss_stat-tasks.tsv")
ok $([ "$bad" -eq 0 ] && echo 0 || echo 1) \
	"every task descends from a workload root forked by patchbench ($pbpid) ($bad bad)"
ok $(grep -qx "$pbpid" "$TMP/evpids" && echo 1 || echo 0) "no event from patchbench's own pid"
ok $(grep -qx "$BG" "$TMP/evpids" && echo 1 || echo 0) "no event from the unrelated process $BG"
ok $(awk -F'\t' '$1 == "type" && $5 == "MM_ANONPAGES" && $6 > 0 && $7 > 0 { f = 1 }
	END { exit !f }' "$A/rss_stat-summary.tsv"; echo $?) \
	"rss_stat-summary.tsv: MM_ANONPAGES events and a peak"
ok $([ ! -e "$T/instances/patchbench-$pbpid" ] && echo 0 || echo 1) \
	"the tracing instance patchbench-$pbpid was destroyed"
ok $(awk -F'\t' '$1 == "cpu-clock" && $2 > 0 { f = 1 } END { exit !f }' "$A/cputotal.tsv"; echo $?) \
	"cputotal.tsv counts cpu-clock over the window"

"$PB" report "$A" >"$TMP/report" 2>&1
ok $(grep -q "perf profile ($ev" "$TMP/report" && grep -q "kmem:rss_stat" "$TMP/report" &&
	grep -q "System-wide counters" "$TMP/report"; echo $?) \
	"report shows the perf, counters and rss_stat sections"
width=$(awk '{ if (length($0) > w) w = length($0) } END { print w }' "$TMP/report")
ok $([ "$width" -le 72 ] && echo 0 || echo 1) "report fits 72 columns ($width)"

# A second run, then the cover-letter table
# shellcheck disable=SC2086
"$PB" run $RUN --perf --perf-keep yes -o "$TMP/b" >/dev/null 2>"$TMP/err-b"
ok $? "second run exits 0"
B=$TMP/b
"$PB" perfdiff --kernel-only "$A" "$B" >"$TMP/diff" 2>&1
rc=$?
ok $([ $rc -eq 0 ] && grep -q "Top 10 kernel symbols by |delta|" "$TMP/diff" &&
	[ "$(grep -c '\[k\]' "$TMP/diff")" -eq 10 ] && echo 0 || echo 1) "perfdiff prints the table (rc $rc)"
cat "$TMP/diff" | sed 's/^/# /'
width=$(awk '{ if (length($0) > w) w = length($0) } END { print w }' "$TMP/diff")
ok $([ "$width" -le 72 ] && grep -q "$ev" "$TMP/diff" && echo 0 || echo 1) \
	"perfdiff text fits 72 columns ($width) and names the event"
"$PB" perfdiff --format json "$A" "$B" >"$TMP/json" 2>&1
ok $(grep -q '"delta_pct"' "$TMP/json" && grep -q '"schema": 1' "$TMP/json"; echo $?) "perfdiff --format json"

# Cross-check with perf diff on the same pair: same symbols, same deltas within rounding
# Kernel symbols only; names with clones are left out (perf diff keeps foo and
# foo.part.0 apart, perfdiff adds them up).
"$PB" perfdiff --format tsv --top 0 "$A" "$B" >"$TMP/ours.tsv"
perf diff -t "$TAB" "$A/perf.data" "$B/perf.data" 2>/dev/null >"$TMP/perfdiff.txt"
res=$(awk -F'\t' '
	function trim(s) { gsub(/^ +| +$/, "", s); return s }
	# perf-symbols.tsv of both runs: names whose clones perfdiff adds up
	FILENAME ~ /perf-symbols.tsv$/ { if (FNR > 1 && $6 != $7) cloned[$4 "|" $5 "|" $7] = 1; next }
	FILENAME ~ /ours.tsv$/ { k = $1 "|" $2 "|" $3
		if (FNR > 1 && $1 == "k" && $11 == 1 && $12 == 1 && !(k in cloned)) ours[k] = $5; next }
	/^#/ || NF < 4 { next }
	{ b = trim($1); d = trim($2); dso = trim($3); sym = trim($4)
	  if (b == "" || d == "") next
	  k = (substr(sym, 2, 1) == "k" ? "k" : "u") "|" dso "|" substr(sym, 5)
	  if (!(k in ours)) next
	  n++; x = ours[k] - d; if (x < 0) x = -x; if (x > 0.0101) { bad++; print "# differs: " k " ours " ours[k] " perf diff " d > "/dev/stderr" } }
	END { print n + 0, bad + 0 }' "$A/perf-symbols.tsv" "$B/perf-symbols.tsv" "$TMP/ours.tsv" \
	"$TMP/perfdiff.txt")
n=${res% *}
bad=${res#* }
ok $([ "$n" -ge 20 ] && [ "$bad" -eq 0 ] && echo 0 || echo 1) \
	"kernel deltas equal perf diff's on $n symbols within 0.01 ($bad differ)"

# Repeats: a directory of result directories; with 2+ per side a ±σ column appears
mkdir "$TMP/g1" "$TMP/g2"
ln -s "$A" "$TMP/g1/r1"; ln -s "$B" "$TMP/g1/r2"
ln -s "$B" "$TMP/g2/r1"; ln -s "$A" "$TMP/g2/r2"
"$PB" perfdiff "$TMP/g1" "$TMP/g2" >"$TMP/rep" 2>&1
ok $(grep -q "2 runs" "$TMP/rep" && grep -q "±σ" "$TMP/rep"; echo $?) "repeats: 2 runs per side, ±σ column"

# Fault: no perf in PATH -> the run completes without the monitor and says why
mkdir "$TMP/nobin"
PATH=$TMP/nobin "$PB" run -w idle --idle 1 -d 2s -q --perf -o "$TMP/noperf" >"$TMP/out-np" 2>"$TMP/err-np"
rc=$?
notes=$(meta_field "$TMP/noperf" notes)
ok $([ $rc -eq 0 ] && [ "$(meta_field "$TMP/noperf" status)" = complete ] &&
	echo "$notes" | grep -q "perf: no 'perf' in PATH" && echo 0 || echo 1) \
	"no perf in PATH: run completes, meta notes: $notes"
ok $(grep -q "notes: perf: no 'perf' in PATH" "$TMP/out-np"; echo $?) "the summary shows the note"

# Fault: a truncated perf.data -> perfdiff fails naming the file
cp -r "$A" "$TMP/trunc"
truncate -s $(($(stat -c %s "$A/perf.data") / 2)) "$TMP/trunc/perf.data"
"$PB" perfdiff "$TMP/trunc" "$B" >/dev/null 2>"$TMP/err-tr"
rc=$?
ok $([ $rc -eq 2 ] && grep -q "$TMP/trunc/perf.data' is truncated" "$TMP/err-tr" && echo 0 || echo 1) \
	"truncated perf.data: perfdiff exits 2 naming it ($(cat "$TMP/err-tr"))"

# Fault: tracefs not mounted (private mount namespace) -> mounted again, or the reason
if command -v unshare >/dev/null 2>&1 && unshare -m true 2>/dev/null; then
	unshare -m sh -c "umount $T 2>/dev/null; umount /sys/kernel/debug 2>/dev/null;
		grep -q ' $T tracefs' /proc/mounts && exit 3
		exec '$PB' run -w idle --idle 1 -d 2s -q --trace rss_stat -o '$TMP/notrace'" \
		>/dev/null 2>"$TMP/err-nt"
	rc=$?
	notes=$(meta_field "$TMP/notrace" notes)
	ok $([ $rc -eq 0 ] && { [ -s "$TMP/notrace/rss_stat.tsv" ] ||
		echo "$notes" | grep -q "rss_stat:"; } && echo 0 || echo 1) \
		"tracefs unmounted: run completes (rc $rc), notes: ${notes:-none}"
	ok $(echo "$notes" | grep -q "mounted tracefs" || { [ ! -s "$TMP/notrace/rss_stat.tsv" ] &&
		echo "$notes" | grep -q tracefs; }; echo $?) "and says it mounted tracefs, or why not"
else
	skip "unshare -m is not available: cannot unmount tracefs privately"
	skip "unshare -m is not available"
fi
ok_no_leftovers
done_testing
