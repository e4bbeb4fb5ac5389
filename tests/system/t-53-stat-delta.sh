#!/bin/sh
# What else changed (issue 14): a host run writes stat-delta.tsv, and compare lists from it.
# Method: one 2 s host run of idle (one sibling) and kmem-churn (10 children), then compare
# of the run against itself and --changed validation.
# Pass: stat-delta.tsv has the header and rows for every cgroup of the tree and the root,
# memory.stat and vmstat rows, memory.events on v2 (on v1, which has none, memory.failcnt
# and memory.oom_control rows, and meta.json notes say so); keys that must move did: the
# idle leaf's anon (v1 rss), the churn cgroup's pgfault, vmstat pgfault (the workloads fault
# pages in) - each a positive delta; every delta is after - before; compare of the run with
# itself prints the section as values only with no key moved; --changed 0 is refused (exit 2).
. "$(dirname "$0")/lib.sh"
require_root_memcg
TMP=$(mktemp -d /tmp/pb-statdelta.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
plan 11
R=$TMP/run
"$PB" run --target host -w idle,kmem-churn --idle 1 --kmem-churn-children 10 -d 2s -o "$R" -q \
	>"$TMP/out" 2>&1
ok $? "the run completes ($(meta_field "$R" status))"
D=$R/stat-delta.tsv
ok $([ "$(head -1 "$D")" = "$(printf 'source\tcgroup\tlevel\tkey\tbefore\tafter\tdelta')" ]; echo $?) \
	"stat-delta.tsv: source, cgroup, level, key, before, after, delta"
n=$(awk -F'\t' 'NR > 1 && $1 == "memory.stat" { print $2 }' "$D" | sort -u | wc -l)
ok $([ "$n" -ge 10 ] && awk -F'\t' '$1 == "memory.stat" && $2 == "/"' "$D" | grep -q .; echo $?) \
	"memory.stat rows of every level: $n cgroups, the root among them"
ok $(awk -F'\t' 'NR > 1 && $7 != $6 - $5 { bad++ } END { exit bad > 0 }' "$D"; echo $?) \
	"every delta is after - before"
# delta KEYSOURCE CGROUP-SUFFIX KEY: the delta of the first matching row
delta() {
	awk -F'\t' -v s="$1" -v c="$2" -v k="$3" \
		'$1 == s && (c == "/" ? $2 == "/" : $2 ~ c "$") && $4 == k { print $7; exit }' "$D"
}
v=$(delta vmstat / pgfault)
ok $([ "${v:-0}" -gt 0 ]; echo $?) "vmstat pgfault moved (+$v)"
v=$(delta memory.stat /churn total_pgfault)
[ -n "$v" ] || v=$(delta memory.stat /churn pgfault)
ok $([ "${v:-0}" -gt 0 ]; echo $?) "the churn cgroup's pgfault moved (+$v)"
v=$(delta memory.stat /idle-1 total_rss)
[ -n "$v" ] || v=$(delta memory.stat /idle-1 anon)
ok $([ "${v:-0}" -gt 0 ]; echo $?) "the idle leaf's anon memory moved (+$v)"
if [ "$(meta_field "$R" cgroup_version)" = v2 ]; then
	ok $(awk -F'\t' '$1 == "memory.events" && $4 == "oom_kill"' "$D" | grep -q .; echo $?) \
		"v2: memory.events rows"
else
	ok $(awk -F'\t' '$1 == "memory.failcnt"' "$D" | grep -q . &&
		awk -F'\t' '$1 == "memory.oom_control" && $4 == "oom_kill"' "$D" | grep -q . &&
		meta_field "$R" notes | grep -q "no memory.events"; echo $?) \
		"v1: memory.failcnt and memory.oom_control rows instead of memory.events, said in notes"
fi
"$PB" compare "$R" "$R" >"$TMP/cmp" 2>&1
ok $(grep -q "^What else changed \[stat-delta.tsv, n=1/1\]" "$TMP/cmp" &&
	grep -q "values only, no significance; 0 of the 0 keys that" "$TMP/cmp"; echo $?) \
	"compare of the run with itself: values only, nothing moved"
"$PB" compare "$R" "$R" --changed 0 >"$TMP/bad" 2>&1
ok $([ $? -eq 2 ] && grep -q "changed" "$TMP/bad"; echo $?) "--changed 0: exit 2 ($(cat "$TMP/bad"))"
ok_no_leftovers
done_testing
