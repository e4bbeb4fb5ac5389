#!/bin/sh
# compare and dashboard on real host runs.
# Method: five short host runs (idle + kmem-churn, 5 s): a and b (n = 1),
# a2 and b2 (repeats), c with another tree shape. Compare them in every
# format, render the HTML report in headless Chromium, refuse the mismatch,
# then build three A/B directories BY HAND from these runs (hand-written
# ab.json, as "patchbench ab" would write it: the VM runs it needs are not
# part of this test) and run the dashboard over them twice.
# Pass: exit codes 0/1/2 as documented, n = 1 gives no verdict, text fits
# 72 columns, JSON has its schema, the HTML is self-contained and renders
# its SVG plots (the screenshot is far from a blank page, and the plots alone
# render to more than twice their captions), mismatches are listed, the dashboard shows three
# rows and recomputes nothing the second time.
# PB_TEST_KERNELBUILD=1 adds a comparison of two smoke kernelbuild runs.
. "$(dirname "$0")/lib.sh"
require_root_memcg

TMP=$(mktemp -d /tmp/pb-compare.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

plan 43


hostrun() {
	d=$1
	shift
	"$PB" run -w idle,kmem-churn --idle 2 --kmem-churn-children 20 -d 5s -q -o "$d" "$@" \
		>/dev/null 2>"$d.err"
}
# metric_rows JSON: one line per metric of a compare JSON: key delta ci_lo ci_hi noise_floor threshold
metric_rows() {
	awk '/^      "key": / { k = $2 } /^      "delta": / { d = $2 } /^        "lo": / { lo = $2 }
	     /^        "hi": / { hi = $2 } /^      "noise_floor": / { n = $2 }
	     /^      "threshold": / { print k, d, lo, hi, n, $2 }' "$1" | tr -d '",'
}
width() { awk '{ if (length($0) > w) w = length($0) } END { print w + 0 }' "$1"; }

for r in a b a2 b2; do hostrun "$TMP/$r"; done
hostrun "$TMP/c" --idle 3
ok $([ -s "$TMP/a/meta.json" ] && [ -s "$TMP/b2/meta.json" ] && [ -s "$TMP/c/meta.json" ] &&
	echo 0 || echo 1) "five host runs made"

# --- two runs, every format -------------------------------------------------
"$PB" compare "$TMP/a" "$TMP/b" >"$TMP/t.txt" 2>"$TMP/t.err"
rc=$?
ok $rc "compare A B exits 0 (n=1: no verdict, so no regression) (rc $rc)"
ok $(grep -q "n=1/1, no significance" "$TMP/t.txt" && ! grep -q " regression$" "$TMP/t.txt";
	echo $?) "n=1 per side: values with 'n=1, no significance', no verdict"
ok $(grep -q "target host, perf event none" "$TMP/t.txt" && grep -q "a: .*1 run" "$TMP/t.txt" &&
	grep -q "config unknown" "$TMP/t.txt"; echo $?) \
	"text says target, perf event, kernel, config and run count"
ok $(grep -q "current-vs-stat p99" "$TMP/t.txt" && grep -q "1 kernelbuild p50" "$TMP/t.txt" &&
	grep -q "churn wall" "$TMP/t.txt" && grep -q "kernelbuild system" "$TMP/t.txt"; echo $?) \
	"drift, read latency, wall and CPU metrics are compared"
w=$(width "$TMP/t.txt")
ok $([ "$w" -le 72 ] && echo 0 || echo 1) "text fits 72 columns ($w)"

"$PB" compare --format md "$TMP/a" "$TMP/b" >"$TMP/t.md" 2>&1
ok $(grep -q "^| metric | n A / B |" "$TMP/t.md" && grep -q "^## Stat drift" "$TMP/t.md" &&
	grep -q "n=1, no significance |$" "$TMP/t.md"; echo $?) "md: Markdown tables"
"$PB" compare -F json "$TMP/a" "$TMP/b" -o "$TMP/t.json" 2>&1
ok $(grep -q '"schema": 1,' "$TMP/t.json" && grep -q '"kind": "patchbench-compare"' "$TMP/t.json" &&
	grep -q '"meta": {' "$TMP/t.json" && grep -q '"verdict": "none"' "$TMP/t.json"; echo $?) \
	"json: schema, kind, metas, per-metric verdicts (-o after the operands)"
"$PB" compare -F html -o "$TMP/r.html" "$TMP/a" "$TMP/b" 2>"$TMP/h.err"
rc=$?
nsvg=$(grep -c "<svg" "$TMP/r.html")
ok $([ $rc -eq 0 ] && [ "$nsvg" -ge 6 ] && echo 0 || echo 1) \
	"html written with $nsvg inline SVG plots (drift x4, CDF, CPU)"
ok $(grep -Eqi '<script|<link|src=|href="http|url\(http|class="note"' "$TMP/r.html"; [ $? -ne 0 ];
	echo $?) "html is self-contained: no script, link, src or http reference, no plot note"
ok $([ ! -e "$TMP/r.html.tmp" ] && echo 0 || echo 1) "-o leaves no .tmp file"

# --- the HTML in a real browser -----------------------------------------------
CHROME=$(command -v chromium || command -v chromium-browser || true)
shot() {
	prof=$(mktemp -d "$TMP/prof.XXXXXX")
	timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$prof" --screenshot="$2" --window-size=1200,2000 "file://$1" \
		>/dev/null 2>&1
}
if [ -n "$CHROME" ]; then
	printf '<!DOCTYPE html><html><body></body></html>\n' >"$TMP/blank.html"
	# the plots of the report alone (its <head> and plot <div>), with and without the SVG
	awk 'NR == 1, /<body>/ { print; next } /<div class="plots">/ { p = 1 } p { print }
	     p && /^<\/div>$/ { exit }' "$TMP/r.html" >"$TMP/plots.html"
	awk '/<svg/ { skip = 1 } !skip { print } /<\/svg>/ { skip = 0 }' "$TMP/plots.html" \
		>"$TMP/nosvg.html"
	shot "$TMP/r.html" "$TMP/r.png"
	shot "$TMP/blank.html" "$TMP/blank.png"
	shot "$TMP/plots.html" "$TMP/plots.png"
	shot "$TMP/nosvg.html" "$TMP/nosvg.png"
	sr=$(wc -c <"$TMP/r.png" 2>/dev/null || echo 0)
	sb=$(wc -c <"$TMP/blank.png" 2>/dev/null || echo 0)
	sp=$(wc -c <"$TMP/plots.png" 2>/dev/null || echo 0)
	sn=$(wc -c <"$TMP/nosvg.png" 2>/dev/null || echo 0)
	ok $([ "$sr" -gt 0 ] && [ "$sb" -gt 0 ] && echo 0 || echo 1) \
		"headless Chromium took screenshots ($sr and $sb bytes)"
	ok $([ "$sr" -gt $((sb * 4)) ] && echo 0 || echo 1) \
		"the report is not blank: PNG $sr bytes vs a blank page's $sb"
	ok $([ "$sp" -gt $((sn * 2)) ] && [ "$sn" -gt 0 ] && echo 0 || echo 1) \
		"the SVG plots render: the plots $sp bytes, their captions alone $sn"
else
	for i in 1 2 3; do
		skip "chromium not installed (make deps installs it)"
	done
fi

# --- refusals -------------------------------------------------------------------
"$PB" compare "$TMP/a" "$TMP/c" >"$TMP/m.out" 2>"$TMP/m.err"
rc=$?
ok $([ $rc -eq 2 ] && grep -q "^  - idle: '2' (A:a) vs '3' (B:c)" "$TMP/m.err" &&
	[ "$(grep -c '^patchbench: error:' "$TMP/m.err")" -eq 1 ] && [ ! -s "$TMP/m.out" ] &&
	echo 0 || echo 1) "different tree shape: exit 2, the difference listed, one error line"
"$PB" compare --force "$TMP/a" "$TMP/c" >"$TMP/f.out" 2>&1
rc=$?
ok $([ $rc -le 1 ] && grep -q "Inputs differ (compared anyway, --force):" "$TMP/f.out" &&
	grep -q "idle: '2' (A:a) vs '3' (B:c)" "$TMP/f.out" && echo 0 || echo 1) \
	"--force compares and prints the differences on top (rc $rc)"
"$PB" compare "$TMP/a" "$TMP/nonexistent" >"$TMP/n.out" 2>"$TMP/n.err"
rc=$?
ok $([ $rc -eq 2 ] && [ "$(wc -l <"$TMP/n.err")" -eq 1 ] &&
	grep -q "^patchbench: error: '$TMP/nonexistent' is not a directory$" "$TMP/n.err" &&
	echo 0 || echo 1) "a missing side: exit 2 with one error line"
"$PB" compare --format pdf "$TMP/a" "$TMP/b" >/dev/null 2>&1
ok $([ $? -eq 2 ] && echo 0 || echo 1) "an unknown format is a usage error (exit 2)"
"$PB" compare --help >"$TMP/help" 2>&1
ok $([ $? -eq 0 ] && grep -q -- "--noise AA_DIR" "$TMP/help" && echo 0 || echo 1) "compare --help"

# --- repeats: n = 2 per side ------------------------------------------------------
mkdir -p "$TMP/sideA" "$TMP/sideB"
ln -s "$TMP/a" "$TMP/sideA/r1"; ln -s "$TMP/a2" "$TMP/sideA/r2"
ln -s "$TMP/b" "$TMP/sideB/r1"; ln -s "$TMP/b2" "$TMP/sideB/r2"
"$PB" compare -F json -o "$TMP/rep.json" "$TMP/sideA" "$TMP/sideB" 2>/dev/null
rc=$?
nreg=$(sed -n 's/^    "regressions": \([0-9]*\),$/\1/p' "$TMP/rep.json")
ok $( { [ $rc -eq 0 ] && [ "$nreg" = 0 ]; } || { [ $rc -eq 1 ] && [ "$nreg" -gt 0 ]; }; echo $?) \
	"two runs per side: verdicts made, exit $rc matches $nreg regressions"
ok $(grep -q '"method": "welch"' "$TMP/rep.json" && ! grep -q '"verdict": "none"' "$TMP/rep.json";
	echo $?) "n=2: Welch intervals, every metric has a verdict"
"$PB" compare "$TMP/sideA" "$TMP/sideB" >"$TMP/rep.txt" 2>&1
ok $(grep -q "mean, CI" "$TMP/rep.txt" && grep -q "Welch t interval (W)" "$TMP/rep.txt" &&
	[ "$(width "$TMP/rep.txt")" -le 72 ]; echo $?) "text with repeats: means, CI method, 72 columns"

# --- A/B directories, made by hand from the runs above -----------------------------
# ab_dir NAME PATCHED A1 B1 A2 B2: what "patchbench ab" leaves, without running a VM.
ab_dir() {
	d=$TMP/results/$1
	mkdir -p "$d"
	cp -r "$TMP/$3" "$d/A-1"; cp -r "$TMP/$4" "$d/B-1"
	cp -r "$TMP/$5" "$d/A-2"; cp -r "$TMP/$6" "$d/B-2"
	cat >"$d/ab.json" <<EOF
{
  "schema": 1,
  "status": "complete",
  "base": "vanilla",
  "patched": "$2",
  "base_key": "fabricated",
  "patched_key": "fabricated",
  "base_config_sha256": null,
  "patched_config_sha256": null,
  "repeat": 2,
  "runs": [
    { "side": "A", "dir": "A-1" }, { "side": "B", "dir": "B-1" },
    { "side": "A", "dir": "A-2" }, { "side": "B", "dir": "B-2" }
  ]
}
EOF
}
ab_dir ab-1-noop noop a b a2 b2
ab_dir ab-2-noop noop b a b2 a2
ab_dir ab-3-flush memcg-flush-on-read a2 b2 a b
"$PB" compare "$TMP/results/ab-1-noop" >"$TMP/ab.txt" 2>&1
rc=$?
ok $([ $rc -le 1 ] && grep -q "^patchbench compare: vanilla (A) vs noop (B)" "$TMP/ab.txt" &&
	grep -q "2 runs" "$TMP/ab.txt" && echo 0 || echo 1) \
	"compare ABDIR: sides and names from ab.json (rc $rc)"
# --noise: each floor is the A/A's largest |delta|, |CI bound| of that metric (ab-2-noop, whose
# deltas are ab-1-noop's with the sign flipped), and no threshold is below its floor
"$PB" compare -F json -o "$TMP/aa.json" "$TMP/results/ab-2-noop" 2>/dev/null
"$PB" compare -F json -o "$TMP/n.json" "$TMP/results/ab-3-flush" --noise "$TMP/results/ab-2-noop" \
	2>/dev/null
rc=$?
{ metric_rows "$TMP/aa.json" | sed 's/^/aa /'; metric_rows "$TMP/n.json" | sed 's/^/n /'; } | awk '
	function abs(x) { return x < 0 ? -x : x }
	$1 == "aa" { f = "null"; for (i = 3; i <= 5; i++) if ($i != "null" && (f == "null" || abs($i) > f))
			f = abs($i); want[$2] = f; next }
	$6 != "null" { n++; d = $6 - want[$2]; if (want[$2] == "null" || abs(d) > 1e-6 * (1 + $6) ||
			($7 != "null" && $7 < $6)) { bad++; print "# " $2 ": floor " $6 " want " want[$2] } }
	END { print n + 0, bad + 0 }' >"$TMP/noise.chk"
grep '^#' "$TMP/noise.chk"
cnt=$(tail -1 "$TMP/noise.chk")
ok $([ $rc -le 1 ] && [ "${cnt% *}" -gt 0 ] && [ "${cnt#* }" -eq 0 ] &&
	grep -q '"noise": ".*ab-2-noop"' "$TMP/n.json" && echo 0 || echo 1) \
	"--noise: floors are the A/A's |delta| or CI bound, thresholds above them (rows, bad: $cnt)"
# DIR:B takes the B runs of each A/B directory: b, b2 against a, a2
"$PB" compare -F json -o "$TMP/bb.json" "$TMP/results/ab-1-noop:B" "$TMP/results/ab-2-noop:B" \
	2>/dev/null
rc=$?
ids=$(sed -n 's/^            "run_id": "\(.*\)",$/\1/p' "$TMP/bb.json" | tr '\n' ' ')
want=$(for r in b b2 a a2; do printf '%s ' "$(meta_field "$TMP/$r" run_id)"; done)
ok $([ $rc -le 1 ] && [ "$ids" = "$want" ] && echo 0 || echo 1) \
	"one side of each of two A/B directories (DIR:B): the B runs of each (rc $rc, runs $ids)"

# --- dashboard ---------------------------------------------------------------------
"$PB" dashboard "$TMP/results" -o "$TMP/dash" >"$TMP/d1.out" 2>"$TMP/d1.err"
rc=$?
nred=$(grep -c '^<tr class="regression">' "$TMP/dash/index.html")
ok $({ [ $rc -eq 0 ] && [ "$nred" -eq 0 ]; } || { [ $rc -eq 1 ] && [ "$nred" -gt 0 ]; } &&
	grep -q "^dashboard: 3 A/B directories, 3 recomputed" "$TMP/d1.out" && echo 0 || echo 1) \
	"dashboard over three A/B directories computes three, exit $rc matches $nred red rows"
order=$(grep -o 'href="ab-[0-9]' "$TMP/dash/index.html" | tr -dc '0-9')
ok $([ "$order" = 321 ] && echo 0 || echo 1) \
	"rows newest first by their first run: ab-3 (a2), ab-2 (b), ab-1 (a) ($order)"
rows=$(grep -c '<a href="ab-[123]-[a-z-]*/report.html">report</a>' "$TMP/dash/index.html")
ok $([ "$rows" -eq 3 ] && [ -s "$TMP/dash/ab-1-noop/report.html" ] &&
	[ -s "$TMP/dash/ab-3-flush/compare.json" ] && echo 0 || echo 1) \
	"index.html has three rows linking to their reports ($rows)"
first=$(grep -o '<td>memcg-flush-on-read</td>\|<td>noop</td>' "$TMP/dash/index.html" | head -1)
ok $(grep -q "<svg" "$TMP/dash/index.html" && grep -q "Trends of the key metrics" "$TMP/dash/index.html" &&
	echo 0 || echo 1) "dashboard has inline trend plots"
ok $([ -n "$first" ] && echo 0 || echo 1) "rows name the series ($first first)"
"$PB" dashboard "$TMP/results" -o "$TMP/dash" >"$TMP/d2.out" 2>&1
ok $(grep -q "^dashboard: 3 A/B directories, 0 recomputed" "$TMP/d2.out"; echo $?) \
	"second run: 0 recomputed ($(cat "$TMP/d2.out"))"
sed 's/"status": "complete"/"status": "interrupted"/' "$TMP/results/ab-2-noop/ab.json" >"$TMP/x" &&
	mv "$TMP/x" "$TMP/results/ab-2-noop/ab.json"
"$PB" dashboard "$TMP/results" -o "$TMP/dash" >"$TMP/d3.out" 2>&1
ok $(grep -q "^dashboard: 3 A/B directories, 1 recomputed" "$TMP/d3.out" &&
	grep -q "<td>interrupted</td>" "$TMP/dash/index.html"; echo $?) \
	"a changed ab.json recomputes that A/B only"
# a run's meta.json changes (here: one more line at its end): that A/B only is recomputed
echo >>"$TMP/results/ab-1-noop/A-2/meta.json"
"$PB" dashboard "$TMP/results" -o "$TMP/dash" >"$TMP/d6.out" 2>&1
ok $(grep -q "^dashboard: 3 A/B directories, 1 recomputed" "$TMP/d6.out" &&
	[ "$TMP/dash/ab-1-noop/compare.json" -nt "$TMP/dash/ab-3-flush/compare.json" ]; echo $?) \
	"a changed meta.json of one run recomputes its A/B only ($(cat "$TMP/d6.out"))"
# a series whose B side reads memory.stat 10 ms slower: a regression, a red row, exit 1
ab_dir ab-4-slow memcg-lazy-flush a b a2 b2
for r in B-1 B-2; do
	f=$TMP/results/ab-4-slow/$r/readlat.tsv
	awk -F'\t' -v OFS='\t' 'NR > 1 { $5 += 10000000 } 1' "$f" >"$f.x" && mv "$f.x" "$f"
done
"$PB" dashboard "$TMP/results" -o "$TMP/dash" >"$TMP/d5.out" 2>&1
rc=$?
ok $([ $rc -eq 1 ] && grep -q "^dashboard: 4 A/B directories, 1 recomputed" "$TMP/d5.out" &&
	grep -q '^<tr class="regression"><td>[^<]*</td><td>memcg-lazy-flush</td>' \
		"$TMP/dash/index.html" && echo 0 || echo 1) \
	"a regressing A/B: dashboard exits 1, its row red (rc $rc: $(cat "$TMP/d5.out"))"
# an A/B with a git-range bisection in bisect/ (as nightly.sh BISECT=1 leaves one): the
# row names the first bad commit and links its BISECT.txt (the two keys the dashboard reads
# of bisect.json, written here in t-89's shape)
mkdir -p "$TMP/results/ab-4-slow/bisect"
printf '{ "schema": 1, "status": "found", "first_bad": 3, "first_bad_commit": "%s" }\n' \
	f40173fe7b9ba9ff67acfdf0f615ffab48a5c883 >"$TMP/results/ab-4-slow/bisect/bisect.json"
echo "first bad commit: 3/4" >"$TMP/results/ab-4-slow/bisect/BISECT.txt"
"$PB" dashboard "$TMP/results" -o "$TMP/dash" >"$TMP/d7.out" 2>&1
ok $(grep -q '<a href="[^"]*/BISECT.txt">first bad commit f40173fe7b9b</a>' "$TMP/dash/index.html" &&
	[ -s "$(ls "$TMP"/dash/*/BISECT.txt 2>/dev/null | head -1)" ] && echo 0 || echo 1) \
	"a git-range bisection: the row names the first bad commit, BISECT.txt next to it"
rm -r "$TMP/results/ab-4-slow/bisect"
"$PB" dashboard "$TMP/results" >/dev/null 2>"$TMP/d4.err"
ok $([ $? -eq 2 ] && grep -q "^patchbench: error: dashboard needs RESULTS_DIR and -o OUT_DIR" \
	"$TMP/d4.err" && echo 0 || echo 1) "dashboard without -o: exit 2, one error line"
# an output that overlaps an input is refused before anything is written (issue 15, item 2:
# "-o RESULTS" used to remove every A/B directory's runs and exit 0)
before=$(find "$TMP/results" | sort | md5sum)
"$PB" dashboard "$TMP/results" -o "$TMP/results" >/dev/null 2>"$TMP/d5.err"
rc=$?
ok $([ $rc -eq 2 ] && grep -q "^patchbench: error: output directory '.*' contains the results" \
	"$TMP/d5.err" && [ "$(find "$TMP/results" | sort | md5sum)" = "$before" ] &&
	[ -s "$TMP/results/ab-1-noop/ab.json" ] && echo 0 || echo 1) \
	"dashboard -o RESULTS: exit 2, every A/B directory kept (rc $rc)"
"$PB" dashboard "$TMP/results/ab-1-noop/.." -o "$TMP/results/./ab-3-flush/dash" >/dev/null \
	2>"$TMP/d6.err"
rc=$?
ok $([ $rc -eq 2 ] && grep -q "is inside the A/B directory" "$TMP/d6.err" &&
	[ ! -e "$TMP/results/ab-3-flush/dash" ] &&
	[ "$(find "$TMP/results" | sort | md5sum)" = "$before" ] &&
	echo 0 || echo 1) "dashboard -o inside an A/B directory (spelled otherwise): exit 2 (rc $rc)"
# inf in workloads.tsv crashed compare and the dashboard in metric_format (issue 15, item 1)
cp -r "$TMP/b" "$TMP/binf"
awk -F'\t' 'BEGIN { OFS = "\t" } NR > 1 && $1 == "kmem-churn" { $6 = "inf" } 1' \
	"$TMP/b/workloads.tsv" >"$TMP/binf/workloads.tsv"
"$PB" compare -F html -o "$TMP/inf.html" "$TMP/a" "$TMP/binf" >/dev/null 2>&1
rc=$?
ok $([ $rc -le 2 ] && [ ! -e "$TMP/inf.html.tmp" ] && echo 0 || echo 1) \
	"an inf wall time is no crash, and no temp file is left (rc $rc)"

# --- scripts/nightly.sh: the lock, and the steps it runs (DRY_RUN prints them) -----------
NIGHTLY="$(dirname "$0")/../../scripts/nightly.sh"
(exec 8>"$TMP/nightly.lock"; flock 8; exec sleep 60) &
holder=$!
sleep 0.5
LOCK="$TMP/nightly.lock" RESULTS="$TMP/nres" PB="$PB" sh "$NIGHTLY" >"$TMP/n1.out" 2>&1
rc=$?
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
ok $([ $rc -eq 75 ] && grep -q "another nightly run holds" "$TMP/n1.out" && echo 0 || echo 1) \
	"nightly.sh exits 75 while another run holds the lock (rc $rc)"
DRY_RUN=1 RESULTS="$TMP/nres" SERIES="noop memcg-lazy-flush" REPEAT=2 PB=pb sh "$NIGHTLY" \
	>"$TMP/n2.out" 2>&1
rc=$?
ok $([ $rc -eq 0 ] && grep -q "^+ pb build --name vanilla --config smoke$" "$TMP/n2.out" &&
	grep -q "^+ pb build --name memcg-lazy-flush --series memcg-lazy-flush" "$TMP/n2.out" &&
	grep -q "^+ pb ab --base vanilla --patched noop --repeat 2 --ab-out $TMP/nres/nightly/ab-" \
		"$TMP/n2.out" &&
	[ "$(grep -c "^+ pb compare " "$TMP/n2.out")" -eq 4 ] &&
	grep -q "^+ pb dashboard $TMP/nres -o $TMP/nres/dashboard$" "$TMP/n2.out" && echo 0 || echo 1) \
	"nightly.sh (dry run): builds, ab per series, compare html+text, dashboard"

# --- optional: two smoke kernelbuild runs ---------------------------------------------
if [ "${PB_TEST_KERNELBUILD:-0}" = 1 ] && [ -e /usr/src/linux-source-6.1.tar.xz ]; then
	for r in ka kb; do
		"$PB" run -w kernelbuild,idle --builders 2 --idle 2 -q -o "$TMP/$r" >/dev/null 2>&1
	done
	"$PB" compare "$TMP/ka" "$TMP/kb" >"$TMP/k.txt" 2>&1
	ok $(grep -q "build-a wall" "$TMP/k.txt" && grep -q "build-b cpu" "$TMP/k.txt" &&
		[ "$(width "$TMP/k.txt")" -le 72 ]; echo $?) "kernelbuild runs: builder wall and CPU compared"
else
	skip "kernelbuild comparison: set PB_TEST_KERNELBUILD=1 (two builds, minutes)"
fi
ok_no_leftovers
done_testing
