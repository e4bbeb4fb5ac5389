#!/bin/sh
# Bad input: each case is a one-line error, exit code 2, and nothing created
# (no result directory, no cgroup).
. "$(dirname "$0")/lib.sh"
require_root_memcg

TMP=$(mktemp -d /tmp/pb-bad.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
plan 138

# expect_usage DESCRIPTION ARGS...: exit 2, one line on stderr naming the problem, nothing created.
expect_usage() {
	d=$1
	shift
	before=$(leftover_cgroups)
	"$PB" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	ok $([ $rc -eq 2 ] && echo 0 || echo 1) "$d: exit 2 (got $rc)"
	lines=$(wc -l <"$TMP/err")
	ok $([ "$lines" -eq 1 ] && grep -q "^patchbench: error: " "$TMP/err" && echo 0 || echo 1) \
		"$d: one-line error: $(head -c 150 "$TMP/err")"
	ok $([ ! -e "$TMP/res" ] && [ "$(leftover_cgroups)" -eq "$before" ] && echo 0 || echo 1) \
		"$d: nothing created"
}

expect_usage "unknown workload" run -w no-such-wl -o "$TMP/res"
expect_usage "unknown option" run --no-such-option -o "$TMP/res"
expect_usage "bad size" run --idle-anon 12X -o "$TMP/res"
expect_usage "bad interval" run --interval 0.001ms -o "$TMP/res"
expect_usage "bad count" run --builders -3 -o "$TMP/res"
expect_usage "missing source" run --source /nonexistent/linux -o "$TMP/res"
# forcing v2 is a usage error only where no v2 hierarchy has the memory controller
v2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
if [ -n "$v2" ] && grep -qw memory "$v2/cgroup.controllers" 2>/dev/null; then
	for i in 1 2 3; do
		skip "forced v2: this host has the v2 memory controller ($v2)"
	done
else
	expect_usage "no memory controller in forced v2" run --cgroup v2 -w idle -o "$TMP/res"
fi
expect_usage "stat-probe interval under 1ms" run -w stat-probe --stat-probe-interval 0 -o "$TMP/res"
# the memcg workloads (issue 14): a size below its minimum, or more than the machine has
expect_usage "page-fault size below 1M" run -w page-fault --page-fault-size 4K -o "$TMP/res"
expect_usage "page-fault size x procs over RAM" run -w page-fault --page-fault-size 64T \
	--page-fault-procs 4 -o "$TMP/res"
expect_usage "page-fault mode 3" run -w page-fault --page-fault-mode 3 -o "$TMP/res"
expect_usage "reclaim limit below 16M" run -w reclaim --reclaim-limit 1M -o "$TMP/res"
expect_usage "reclaim limit over RAM" run -w reclaim --reclaim-limit 64T -o "$TMP/res"
expect_usage "reclaim limit not below the working set" run -w reclaim --reclaim-limit 64M \
	--reclaim-file 16M --reclaim-anon 16M -o "$TMP/res"
expect_usage "cgroup-churn batch 0" run -w cgroup-churn --cgroup-churn-batch 0 -o "$TMP/res"
expect_usage "cgroup-churn pages over RAM" run -w cgroup-churn --cgroup-churn-cgroups 100000 \
	--cgroup-churn-pages 65536 -o "$TMP/res"
expect_usage "reproduce: bad read-cost counts" reproduce --readcost-counts 10,x -o "$TMP/res"
expect_usage "reproduce: zero read-cost runs" reproduce --readcost-repeats 0 -o "$TMP/res"
# not root, for real: drop to nobody
setpriv --reuid=65534 --regid=65534 --clear-groups "$PB" run -w idle -o "$TMP/res" \
	>"$TMP/out" 2>"$TMP/err"
rc=$?
ok $([ $rc -eq 2 ] && grep -q "needs root" "$TMP/err" && echo 0 || echo 1) \
	"not root: exit 2 and says it needs root (got $rc: $(cat "$TMP/err"))"
ok $([ ! -e "$TMP/res" ] && echo 0 || echo 1) "not root: no result directory"

# existing result directory
mkdir "$TMP/exists"
"$PB" run -w idle -o "$TMP/exists" >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $([ $rc -eq 2 ] && grep -q "already exists" "$TMP/err" && echo 0 || echo 1) \
	"existing result dir refused without --force (rc $rc)"
"$PB" run -w idle -o "$TMP/exists" --force >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $([ $rc -eq 2 ] && grep -q "not a patchbench result directory" "$TMP/err" && echo 0 || echo 1) \
	"--force refuses a directory that patchbench did not make (rc $rc)"
ok $([ -d "$TMP/exists" ] && echo 0 || echo 1) "that directory is still there"

# report on bad input
"$PB" report "$TMP/nonexistent" >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $([ $rc -eq 2 ] && grep -q "does not exist" "$TMP/err" && echo 0 || echo 1) \
	"report of a missing directory: exit 2 (rc $rc)"
mkdir "$TMP/badmeta" && echo '{"schema": ' >"$TMP/badmeta/meta.json"
"$PB" report "$TMP/badmeta" >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $([ $rc -eq 2 ] && grep -q "meta.json" "$TMP/err" && echo 0 || echo 1) \
	"report of a malformed meta.json names the file (rc $rc: $(cat "$TMP/err"))"
"$PB" no-such-command >"$TMP/out" 2>"$TMP/err"
ok $([ $? -eq 2 ] && echo 0 || echo 1) "unknown command: exit 2"
"$PB" run --help >"$TMP/out" 2>"$TMP/err"
ok $([ $? -eq 0 ] && grep -q -- "--interval" "$TMP/out" && echo 0 || echo 1) "run --help lists options"
"$PB" report --help >"$TMP/out" 2>&1 && "$PB" list --help >/dev/null 2>&1 && "$PB" bench --help >/dev/null 2>&1
ok $? "report, list and bench have --help"

# ---- issue 15: hostile input. Each of these failed (or hung) before. ----
FX=$(cd "$(dirname "$0")/../fixtures/results" && pwd)

# expect_bad DESCRIPTION PATTERN CMD...: exit 2, one line on stderr that
# contains PATTERN, and no temp file left anywhere below $TMP.
expect_bad() {
	d=$1
	pat=$2
	shift 2
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	ok $([ $rc -eq 2 ] && echo 0 || echo 1) "$d: exit 2 (got $rc)"
	ok $([ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q "^patchbench: error: " "$TMP/err" &&
	     grep -qF -- "$pat" "$TMP/err" && echo 0 || echo 1) \
		"$d: one line with \"$pat\": $(head -c 200 "$TMP/err")"
	ok $([ -z "$(find "$TMP" -name '*.tmp' 2>/dev/null)" ] && echo 0 || echo 1) \
		"$d: no temp file left behind"
}

# fx NAME SRC: a fresh copy of fixture SRC as $TMP/NAME
fx() {
	rm -rf "${TMP:?}/$1"
	cp -r "$FX/$2" "$TMP/$1"
}

# set_cell FILE COLUMN VALUE: VALUE in COLUMN (by header name) of the first data row
set_cell() {
	awk -F'\t' -v c="$2" -v v="$3" 'BEGIN { OFS = "\t" }
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i }
		NR == 2 { $k = v } { print }' "$1" >"$1.new" && mv "$1.new" "$1"
}

# options after operands, '--' ends them (item 12)
"$PB" report --format json "$FX/host-1" >"$TMP/want" 2>&1
"$PB" report "$FX/host-1" --format json >"$TMP/out" 2>&1
rc=$?
ok $([ $rc -eq 0 ] && cmp -s "$TMP/want" "$TMP/out" && echo 0 || echo 1) \
	"report DIR --format json: the same as report --format json DIR (rc $rc)"
"$PB" perfdiff --top 3 -F tsv "$FX/perf-1" "$FX/perf-2" >"$TMP/want" 2>&1
"$PB" perfdiff "$FX/perf-1" -F tsv "$FX/perf-2" --top 3 >"$TMP/out" 2>&1
rc=$?
ok $([ $rc -eq 0 ] && cmp -s "$TMP/want" "$TMP/out" && echo 0 || echo 1) \
	"perfdiff A -F tsv B --top 3: options between and after the operands (rc $rc)"
expect_bad "report -- --format: an operand after '--'" "'--format' does not exist" \
	"$PB" report -- --format

# numbers in options (item 8); on the old code the first two started a run
expect_usage "hex duration -d 0x2" run -w idle -d 0x2 -o "$TMP/res"
expect_usage "white space before a negative duration" run -w idle -d 1s \
	--selftests-timeout "$(printf '\t-1s')" -o "$TMP/res"
expect_bad "a duration past int64" "out of range" \
	"$PB" run -w idle --interval 99999999999999999999 -o "$TMP/res"
expect_bad "an integer past int64" "out of range" \
	"$PB" run -w idle --builders 99999999999999999999 -o "$TMP/res"

# malformed TSVs: an error naming the file, the line and the field (item 6)
fx r host-1
set_cell "$TMP/r/workloads.tsv" wall_ms inf
expect_bad "inf wall_ms (compare crashed)" "r/workloads.tsv': line 2: field 'wall_ms': 'inf'" \
	"$PB" compare "$FX/host-1" "$TMP/r"
fx r host-1
set_cell "$TMP/r/workloads.tsv" exit nan
expect_bad "nan exit ((int)NaN)" "r/workloads.tsv': line 2: field 'exit': 'nan'" \
	"$PB" report "$TMP/r"
fx r host-1
set_cell "$TMP/r/drift.tsv" abs_err_bytes -1
expect_bad "negative drift error (row dropped)" "field 'abs_err_bytes': '-1' is out of range" \
	"$PB" report "$TMP/r"
fx r host-1
head -c 700 "$FX/host-1/cpu.tsv" >"$TMP/r/cpu.tsv"
expect_bad "truncated cpu.tsv (nan shown)" "r/cpu.tsv': line" "$PB" report "$TMP/r"
fx r perf-1
set_cell "$TMP/r/cputotal.tsv" cpus abc
expect_bad "cputotal cpus abc ('abc CPUs')" "field 'cpus': 'abc' is not an integer" \
	"$PB" report "$TMP/r"
fx r perf-1
set_cell "$TMP/r/rss_stat-summary.tsv" peak_bytes nan
expect_bad "rss_stat peak nan ('nanB')" "field 'peak_bytes': 'nan'" "$PB" report "$TMP/r"
fx r perf-1
printf 't_ns\tpid\tcomm\tmm_id\tcurr\ttype\tsize_bytes\n1000\t5\tsh\t77\t1\tMM_ANONPAGES\tabc\n' \
	>"$TMP/r/rss_stat.tsv"
expect_bad "rss_stat.tsv size abc in the html plot (read as 0)" \
	"r/rss_stat.tsv': line 2: field 'size_bytes': 'abc' is not an integer" \
	"$PB" compare -F html -o "$TMP/r.html" "$FX/perf-1" "$TMP/r"
fx r perf-1
head -1 "$FX/perf-1/perf-symbols.tsv" >"$TMP/r/perf-symbols.tsv"
expect_bad "header-only perf-symbols.tsv" "no symbols" "$PB" perfdiff "$FX/perf-1" "$TMP/r"
fx r perf-1
set_cell "$TMP/r/perf-symbols.tsv" overhead_pct -5
expect_bad "negative overhead" "field 'overhead_pct': '-5' is out of range" \
	"$PB" perfdiff "$FX/perf-1" "$TMP/r"
fx r host-1
sed 's/^  "cpus": 2,/  "cpus": "2",/' "$FX/host-1/meta.json" >"$TMP/r/meta.json"
expect_bad "meta.json cpus as a string (ignored)" "meta.json': field 'cpus': expected an integer" \
	"$PB" report "$TMP/r"

# files that are not TSVs (item 9): no hang, no exhausted memory
fx r host-1
rm "$TMP/r/workloads.tsv" && mkfifo "$TMP/r/workloads.tsv"
expect_bad "a FIFO as workloads.tsv (blocked forever)" "workloads.tsv': not a regular file" \
	timeout 20 "$PB" report "$TMP/r"
fx r host-1
rm "$TMP/r/meta.json" && mkfifo "$TMP/r/meta.json"
expect_bad "a FIFO as meta.json" "meta.json': not a regular file" timeout 20 "$PB" report "$TMP/r"
fx r perf-1
mkfifo "$TMP/r/perf.data"
expect_bad "a FIFO as perf.data" "perf.data' is not a perf.data file" \
	timeout 20 "$PB" perfdiff "$TMP/r" "$FX/perf-2"
fx r host-1
ln -sf /dev/zero "$TMP/r/cpu.tsv"
expect_bad "cpu.tsv linked to /dev/zero" "cpu.tsv': not a regular file" \
	timeout 20 "$PB" report "$TMP/r"
fx r host-1
{ head -c 999999 /dev/zero | tr '\0' '\t'; head -c 1000001 /dev/zero | tr '\0' '\n'; } \
	>"$TMP/r/cpu.tsv"
expect_bad "2 MB of tabs and newlines (out of memory)" "line 2: expected 1000000 fields" \
	timeout 20 "$PB" report "$TMP/r"
fx r host-1
{ sed -n '1,31p' "$FX/host-1/meta.json"; printf '  "notes": "'
  head -c 8000000 /dev/zero | tr '\0' x; printf '",\n'; sed -n '33,$p' "$FX/host-1/meta.json"; } \
	>"$TMP/r/meta.json"
timeout 20 "$PB" report "$TMP/r" >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $([ $rc -eq 0 ] && [ "$(grep -c '^    x\{68\}$' "$TMP/out")" -gt 100000 ] && echo 0 || echo 1) \
	"an 8 MB word in notes is folded in linear time (rc $rc; > 100 s before)"
fx pa host-1
fx pb host-1
for d in pa pb; do
	{ sed -n '1,32p' "$FX/host-1/meta.json"; echo '  "params": {'
	  awk 'BEGIN { for (i = 0; i < 60000; i++) printf "    \"p%d\": \"v\"%s\n", i * 7 % 60000,
		       i < 59999 ? "," : "" }'
	  echo '  }'; echo '}'; } >"$TMP/$d/meta.json"
done
timeout 20 "$PB" compare "$TMP/pa" "$TMP/pb" >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $([ $rc -le 1 ] && echo 0 || echo 1) \
	"compare of runs with 60000 params each within 20 s (rc $rc; quadratic before)"
rm -rf "$TMP/pa" "$TMP/pb" "$TMP/r"

# kernels, ab and perfdiff (items 6, 7, 11)
mkdir -p "$TMP/cache/kernels/bad"
echo '{"schema": 1, "name": ' >"$TMP/cache/kernels/bad/kernel.json"
expect_bad "kernels with a corrupt kernel.json ('no kernels built')" "kernels/bad/kernel.json" \
	"$PB" kernels --cache "$TMP/cache"
rm -rf "$TMP/cache"
expect_bad "ab --patched ../x (built the base first)" "bad kernel name '../x'" \
	timeout 60 "$PB" ab --cache "$TMP/res" --base vanilla --patched ../x --ab-out "$TMP/res/ab"
ok $([ ! -e "$TMP/res" ] && echo 0 || echo 1) "ab --patched ../x: nothing unpacked, built or made"
mkdir -m 755 "$TMP/pd" && chmod 755 "$TMP" && cp -r "$FX/perf-1" "$FX/perf-2" "$TMP/pd/" &&
	printf 'not perf data' >"$TMP/pd/perf-1/perf.data" && chmod 600 "$TMP/pd/perf-1/perf.data"
setpriv --reuid=65534 --regid=65534 --clear-groups "$PB" perfdiff "$TMP/pd/perf-1" \
	"$TMP/pd/perf-2" >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $([ $rc -eq 0 ] && grep -q "^Top 3\|^Top 10 symbols" "$TMP/out" && echo 0 || echo 1) \
	"non-root perfdiff: an unreadable perf.data is not needed (rc $rc: $(head -c 120 "$TMP/err"))"
chmod 700 "$TMP"
# the project's flags survive a user's CFLAGS (item 11)
make -s -n -B -C "$(dirname "$0")/../.." CFLAGS=-Oz BUILD="$TMP/b" "$TMP/b/lib/tsv.o" \
	>"$TMP/out" 2>&1
ok $(grep -q -- "-Ilib.* -Oz " "$TMP/out" && echo 0 || echo 1) \
	"make CFLAGS=-Oz keeps -I/-D/-std and adds -Oz"
ok_no_leftovers
done_testing
