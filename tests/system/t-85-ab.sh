#!/bin/sh
# The real "patchbench ab" (what make run does) and scripts/nightly.sh for real, at the
# smallest size that still gives comparable directories: -w idle --idle 1 -d 5s (no perf), vanilla
# vs noop under qemu (TCG here: ~20-40 s a boot; 8 boots in all). The kernels come from
# the shared cache (t-70 builds vanilla; noop is built on the way, ~1 min with ccache).
# Method: ab --repeat 1 and compare its directory; then three nights of nightly.sh on
# SERIES=noop in a results directory of their own: (1) REPEAT=1 with the last good run
# set to the ab directory, (2) REPEAT=2 with the last good run replaced by a copy of
# night 1 whose B runs read memory.stat 1000 times faster, (3) a series that does not
# exist.
# Pass: ab exits 0 with ab.json complete and runs A-1 (vanilla) and B-1 (noop) booted
# under vm-*; compare reads the directory (names, series, target, n=1, exit 0); night 1
# exits 0, writes report.txt/html, vs-last-good.txt (the ab directory's B run against
# its own) and points last-good-noop at itself; night 2 exits 1 naming the last good
# run, keeps last-good-noop; night 3 exits 2 without a new A/B; the dashboard lists the
# nights.
. "$(dirname "$0")/lib.sh"
require_root_memcg
command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 missing (make deps)"
[ -e /usr/src/linux-source-6.1.tar.xz ] || skip_all "linux-source-6.1 not installed (make deps)"

TMP=$(mktemp -d /tmp/pb-ab.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
plan 18
NIGHTLY="$(dirname "$0")/../../scripts/nightly.sh"
SMALL="-w idle --idle 1 -d 5s --no-perf"

# --- patchbench ab ---------------------------------------------------------------------
AB=$TMP/ab
s=$(date +%s)
# shellcheck disable=SC2086
"$PB" ab --base vanilla --patched noop --repeat 1 --ab-out "$AB" $SMALL >"$TMP/ab.out" 2>&1
rc=$?
diag "ab: ${rc}, $(( $(date +%s) - s ))s (noop built on the way if it was missing)"
[ $rc -eq 0 ] || diag "$(tail -15 "$TMP/ab.out")"
ok $([ $rc -eq 0 ] && grep -q "^A/B vanilla vs noop: 2 runs (0 failed) in $AB$" "$TMP/ab.out" &&
	echo 0 || echo 1) "ab vanilla vs noop --repeat 1: exit 0, 2 runs, 0 failed (rc $rc)"
ok $(tr -d ' \n' <"$AB/ab.json" | grep -q '"status":"complete",.*"patched":"noop",.*"runs":\[{"side":"A","dir":"A-1"},{"side":"B","dir":"B-1"}\]'
	echo $?) "ab.json: complete, noop, A-1 then B-1"
t=$(meta_field "$AB/A-1" target)
ok $([ "$(meta_field "$AB/A-1" kernel_name)" = vanilla ] && [ "$(meta_field "$AB/B-1" kernel_name)" = noop ] &&
	[ "$(meta_field "$AB/B-1" series)" = noop ] && [ "$(meta_field "$AB/A-1" status)" = complete ] &&
	[ "$(meta_field "$AB/B-1" status)" = complete ] && case $t in vm-*) true ;; *) false ;; esac &&
	echo 0 || echo 1) "A-1 ran vanilla, B-1 noop (series noop), both complete under $t"
"$PB" compare "$AB" >"$TMP/c.txt" 2>"$TMP/c.err"
rc=$?
ok $([ $rc -eq 0 ] && grep -q "^patchbench compare: vanilla (A) vs noop (B)" "$TMP/c.txt" &&
	grep -q "^  B noop: 6\.1\.[0-9]*, series noop, config [0-9a-f]*, 1 run" "$TMP/c.txt" &&
	grep -q "target vm-[a-z]*" "$TMP/c.txt" && grep -q "n=1/1, no significance" "$TMP/c.txt" &&
	echo 0 || echo 1) "compare ABDIR: vanilla vs noop, series, target, n=1 without verdict (rc $rc)"
[ $rc -eq 0 ] || diag "$(head -5 "$TMP/c.txt") $(cat "$TMP/c.err")"
n=$(grep -c "^  current-vs-stat \|^  1 kernelbuild p50\|^  idle-1 wall" "$TMP/c.txt")
ok $([ "$n" -ge 2 ] && echo 0 || echo 1) "drift, read latency and wall rows compared ($n)"

# --- scripts/nightly.sh, for real --------------------------------------------------------
R=$TMP/res
mkdir -p "$R/nightly"
echo "$AB" >"$R/nightly/last-good-noop"
night() {
	RESULTS="$R" PB="$PB" SERIES="$1" REPEAT="$2" RUN_ARGS="$SMALL" sh "$NIGHTLY" \
		>"$TMP/night.out" 2>&1
}
s=$(date +%s)
night noop 1
rc=$?
diag "night 1: exit $rc, $(( $(date +%s) - s ))s"
N1=$(ls -d "$R"/nightly/ab-*-vanilla-vs-noop 2>/dev/null | head -1)
[ $rc -eq 0 ] || diag "$(tail -15 "$TMP/night.out")"
ok $([ $rc -eq 0 ] && grep -q "^nightly: done: exit 0$" "$TMP/night.out" && echo 0 || echo 1) \
	"night 1 (REPEAT=1): exit 0 (rc $rc)"
ok $([ -n "$N1" ] && [ -s "$N1/report.txt" ] && grep -q "<svg" "$N1/report.html" &&
	grep -q '"status": "complete"' "$N1/ab.json" && echo 0 || echo 1) \
	"night 1: an A/B directory with report.txt and report.html (${N1##*/})"
ok $(grep -q "^patchbench compare: noop-A (A) vs noop-B (B)$" "$N1/vs-last-good.txt" 2>/dev/null &&
	[ "$(grep -c "^  [AB] noop-[AB]: 6\.1\.[0-9]*, series noop, .*, 1 run$" "$N1/vs-last-good.txt")" -eq 2 ] &&
	echo 0 || echo 1) "night 1: vs-last-good.txt compares noop (B side, 1 run) with noop (B side, 1 run)"
ok $([ "$(cat "$R/nightly/last-good-noop")" = "$N1" ] && echo 0 || echo 1) \
	"night 1: last-good-noop now names night 1"
ok $([ -s "$R/dashboard/index.html" ] && grep -q '<a href="nightly_ab-[0-9-]*-vanilla-vs-noop/report.html">' \
	"$R/dashboard/index.html" && echo 0 || echo 1) "night 1: dashboard written, it lists the night"

# night 2: the last good run is night 1 with memory.stat reads 1000 times faster on its
# B side (two runs, so that there is a verdict) and, under TCG, a tenth of its kernel
# instructions: tonight regresses against it. The instruction row decides the exit code
# (boots of one kernel differ by 4-11% there, far inside Welch's interval at 2 runs for a
# tenfold change); the read latency levels, one family at 99.64% a row, may not (night 2
# exited 0 on them alone in two runs of 2026-12-02)
G=$TMP/good
mkdir -p "$G"
cp -r "$N1/A-1" "$G/A-1"; cp -r "$N1/A-1" "$G/A-2"
for r in B-1 B-2; do
	cp -r "$N1/B-1" "$G/$r"
	awk -F'\t' -v OFS='\t' -v d=${r#B-} 'NR > 1 { $5 = int($5 / (1000 + d)) + 1 } 1' \
		"$N1/B-1/readlat.tsv" >"$G/$r/readlat.tsv"
	[ -f "$N1/B-1/insn.tsv" ] &&
		awk -F'\t' -v OFS='\t' -v d=${r#B-} '$1 == "window" { $4 = int($4 / (9 + d)) } 1' \
			"$N1/B-1/insn.tsv" >"$G/$r/insn.tsv"
done
cat >"$G/ab.json" <<EOF
{
  "schema": 1,
  "status": "complete",
  "base": "vanilla",
  "patched": "noop",
  "repeat": 2,
  "runs": [
    { "side": "A", "dir": "A-1" }, { "side": "B", "dir": "B-1" },
    { "side": "A", "dir": "A-2" }, { "side": "B", "dir": "B-2" }
  ]
}
EOF
echo "$G" >"$R/nightly/last-good-noop"
sleep 1	# a new stamp: not the directory of night 1
s=$(date +%s)
night noop 2
rc=$?
diag "night 2: exit $rc, $(( $(date +%s) - s ))s"
N2=$(ls -d "$R"/nightly/ab-*-vanilla-vs-noop 2>/dev/null | grep -vxF "$N1" | head -1)
ok $([ $rc -eq 1 ] && grep -q "^nightly: noop regresses against its last good run $G: " \
	"$TMP/night.out" && echo 0 || echo 1) "night 2 (REPEAT=2): exit 1, regression against the last good run (rc $rc)"
[ $rc -eq 1 ] || diag "$(tail -15 "$TMP/night.out")"
# the read-latency rows themselves (the verdict line names the first regressions, which may be
# guest instruction rows: the copied runs have counts too). In the report, every level's p50
# is at least 10 times the last good one; the verdict of such a row at 2 runs per side under
# Welch's t (df ~ 1) still depends on how much tonight's two boots differ, so it is checked
# with the percentile bootstrap, whose interval of 2 values is their range: a regression
# whenever both runs are slower than both of the last good ones.
big=$(awk 'function us(s, m) { m = s ~ /K$/ ? 1e3 : s ~ /M$/ ? 1e6 : 1; sub(/[KM]$/, "", s)
		return s * m }
	$3 == "p50" && $4 == "2/2" { n++; if (us($6) >= 10 * us($5)) b++ }
	END { print (n && b == n) ? n : 0 }' "$N2/vs-last-good.txt" 2>/dev/null)
"$PB" compare --ci bootstrap "$G:B" "$N2:B" >"$TMP/boot.txt" 2>&1
ok $(grep -q "^Verdict: [1-9][0-9]* regression" "$N2/vs-last-good.txt" 2>/dev/null &&
	[ "${big:-0}" -gt 0 ] && grep -Eq "^  [0-9]+ [^ ]+ p50 .* regression$" "$TMP/boot.txt" &&
	echo 0 || echo 1) \
	"night 2: vs-last-good.txt: read-latency p50 of all ${big:-0} levels 10x the last good or more, a regression"
[ "${big:-0}" -gt 0 ] || diag "$(grep ' p50 ' "$N2/vs-last-good.txt" 2>/dev/null | head -8)"
grep -Eq "^  [0-9]+ [^ ]+ p50 .* regression$" "$TMP/boot.txt" ||
	diag "$(grep -A1 ' p50 ' "$TMP/boot.txt" | head -8)"
ok $([ "$(cat "$R/nightly/last-good-noop")" = "$G" ] && echo 0 || echo 1) \
	"night 2: last-good-noop unchanged by a regressing night"
ok $([ "$(grep -c '"side": "B"' "$N2/ab.json" 2>/dev/null)" -eq 2 ] && echo 0 || echo 1) \
	"night 2: REPEAT=2 ran two runs per side"

# night 3: a series that does not exist: a step failed
before=$(ls -d "$R"/nightly/ab-* | wc -l)
night no-such-series 1
rc=$?
ok $([ $rc -eq 2 ] && grep -q "^nightly: building no-such-series failed" "$TMP/night.out" &&
	[ "$(ls -d "$R"/nightly/ab-* | wc -l)" -eq "$before" ] && echo 0 || echo 1) \
	"night 3 (no such series): exit 2, no new A/B directory (rc $rc)"
ok $([ "$(grep -c '<a href="nightly_ab-[0-9-]*-vanilla-vs-noop/report.html">' "$R/dashboard/index.html")" -eq 2 ] &&
	echo 0 || echo 1) "the dashboard lists both nights"
ok $(pgrep -f "qemu-system-x86_64.*$TMP" >/dev/null && echo 1 || echo 0) "no qemu left"
ok_no_leftovers
done_testing
