#!/bin/sh
# A real host run at smoke scale: the nested kernelbuild tree with 2
# builders, 3 idle siblings, kmem-churn and the stat-probe, on real cgroups.
# Method: run it, then read the result directory.
# Pass: status complete, about one sample per second per cgroup, drift rows
# for every check this cgroup layout supports, read latencies > 0, builders
# exited 0, and no cgroup left behind.
. "$(dirname "$0")/lib.sh"
require_root_memcg
[ -e /usr/src/linux-source-6.1.tar.xz ] || skip_all "linux-source-6.1 not installed (make deps)"

TMP=$(mktemp -d /tmp/pb-run.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
R=$TMP/res
plan 19

before=$(leftover_cgroups)
"$PB" run --target host -w kernelbuild,idle,kmem-churn,stat-probe --scale smoke --builders 2 --idle 3 \
	--kmem-churn-children 30 -o "$R" >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $rc "run exits 0 (rc $rc)"
[ $rc -eq 0 ] || { diag "$(tail -5 "$TMP/err")"; }
ok $([ "$(meta_field "$R" status)" = complete ] && echo 0 || echo 1) "meta.json status complete"
for f in meta.json memstat.tsv readlat.tsv drift.tsv cpu.tsv workloads.tsv; do :; done
ok $([ -s "$R/memstat.tsv" ] && [ -s "$R/readlat.tsv" ] && [ -s "$R/drift.tsv" ] && [ -s "$R/cpu.tsv" ] &&
	[ -s "$R/workloads.tsv" ] && echo 0 || echo 1) "all result files written"
ok $(ls "$R"/*.tmp >/dev/null 2>&1 && echo 1 || echo 0) "no .tmp file left"
ok $([ "$(leftover_cgroups)" -eq "$before" ] && echo 0 || echo 1) "no cgroup left behind"

# One memory.stat read per cgroup per second (within one) over the sampling window (the
# first to the last read: meta.json's duration_s also holds the workloads' prepare and the
# teardown, which a loaded machine stretches: once 75 s for a run of ~32 s, every cgroup's
# reads short of it, none missed), less the grid points the sampler reports it missed (a
# loaded machine: meta.json missed_intervals).
dur=$(awk -F'\t' 'NR > 1 && $4 == "memory.stat" { if (f == "") f = $1; l = $1 }
	END { printf "%.1f\n", (l - f) / 1000 }' "$R/readlat.tsv")
missed=$(sed -n 's/^  "missed_intervals": \([0-9]*\).*/\1/p' "$R/meta.json")
awk -F'\t' -v dur="$dur" -v missed="${missed:-0}" 'NR > 1 && $4 == "memory.stat" { n[$2]++ }
	END { for (c in n) if (n[c] < dur - 1 - 3 - missed || n[c] > dur + 2) { print c, n[c]; bad++ }
	      print bad + 0 }' "$R/readlat.tsv" >"$TMP/counts"
bad=$(tail -1 "$TMP/counts")
[ "$bad" -eq 0 ] || diag "reads per cgroup off (cgroup, reads): $(head -n -1 "$TMP/counts" | tr '\n' ' ')"
[ "$bad" -eq 0 ] || diag "first and last memory.stat t_ms: $(awk -F'\t' 'NR > 1 && $4 == "memory.stat" { if (!f) f = $1; l = $1 } END { print f, l }' "$R/readlat.tsv")" 
ncg=$(awk -F'\t' 'NR > 1 && $4 == "memory.stat" { n[$2]++ } END { print length(n) }' "$R/readlat.tsv")
ok $([ "$bad" -eq 0 ] && [ "$ncg" -ge 11 ] && [ $((${missed:-0} * 4)) -lt "${dur%.*}" ] && echo 0 || echo 1) \
	"every one of $ncg cgroups sampled about once per second over ${dur}s, ${missed:-0} missed ($bad off)"
lat0=$(awk -F'\t' 'NR > 1 && $5 <= 0 { n++ } END { print n + 0 }' "$R/readlat.tsv")
ok $([ "$lat0" -eq 0 ] && echo 0 || echo 1) "every read latency is > 0 ns ($lat0 are not)"

for c in current-vs-stat parent-vs-children after-deletion; do
	n=$(awk -F'\t' -v c=$c '$2 == c { n++ } END { print n + 0 }' "$R/drift.tsv")
	ok $([ "$n" -gt 0 ] && echo 0 || echo 1) "drift.tsv has $n $c rows"
done
if [ -e "$(dirname "$(own_memcg)")/memory.stat" ] || [ -e /sys/fs/cgroup/memory/memory.stat ]; then
	n=$(awk -F'\t' '$2 == "root-vs-vmstat" { n++ } END { print n + 0 }' "$R/drift.tsv")
	ok $([ "$n" -gt 0 ] && echo 0 || echo 1) "drift.tsv has $n root-vs-vmstat rows"
else
	skip "no root memory.stat on this layout"
fi
nb=$(builders "$R")
ok $([ "$nb" = "2 0" ] && echo 0 || echo 1) "both builders exited 0 (builders, failed: $nb)"
ok $(grep -c "^kernelbuild" "$R/workloads.tsv" | grep -qx 2; echo $?) "two builders ran"
# stat-probe: a row every 250 ms, each a known change of 16 pages, the error
# between 0 and that change (what memory.stat did not show yet)
n=$(awk -F'\t' 'NR > 1 && $2 == "stat-lag" && $5 == 65536 && $7 >= 0 && $7 <= 65536 { n++ }
	END { print n + 0 }' "$R/probe.tsv" 2>/dev/null)
ok $([ "$n" -ge $(printf '%.0f' "$dur") ] && echo 0 || echo 1) \
	"probe.tsv: $n stat-lag rows of a 65536-byte change over ${dur}s"

"$PB" report "$R" >"$TMP/report" 2>&1
ok $(grep -q "current-vs-stat" "$TMP/report" && grep -q "read latency" "$TMP/report" &&
	grep -q "build-a" "$TMP/report"; echo $?) "report prints drift, latency and builders"
ok $(grep -q "^  stat-lag  " "$TMP/report"; echo $?) "the report has the stat-lag check"
width=$(awk '{ if (length($0) > w) w = length($0) } END { print w }' "$TMP/report")
ok $([ "$width" -le 72 ] && echo 0 || echo 1) "report text fits 72 columns ($width)"
"$PB" report --format json "$R" >"$TMP/json" 2>&1
ok $(grep -q '"drift"' "$TMP/json" && grep -q '"schema": 1' "$TMP/json"; echo $?) "report --format json"
ok_no_leftovers
done_testing
