#!/bin/sh
# patchbench build / kernels on Debian's linux-source-6.1, in a fresh cache.
# Method: build the vanilla smoke kernel (the long build, ~7 min with a cold
# ccache on 2 cores) and the noop series kernel (cheap: ccache hits across
# trees), then the failure paths, each of which stops early: a patch that
# does not apply, an unknown series, a fragment option that does not stick,
# a compile error, bad names and sources; then noop --rebuild, and an mbox
# series (noop's message and a README one) interrupted by Ctrl-C once make
# runs, then built.
# Pass: bzImages > 1 MB with complete kernel.json, both listed, the second
# vanilla build is "up to date" within 10 s, the pristine tree untouched by
# the series (hard links broken by patch), and every failure exits with the
# documented code and message and leaves no tree or kernel directory behind;
# kernels --format json carries each kernel.json's fields; --rebuild makes a
# new bzImage under the same key; Ctrl-C exits 1 leaving no make, kernel or
# .tmp; the mbox kernel has its own key and both messages applied.
. "$(dirname "$0")/lib.sh"

TARBALL=/usr/src/linux-source-6.1.tar.xz
[ -e "$TARBALL" ] || skip_all "linux-source-6.1 not installed (make deps)"
for t in gcc make patch flex bison bc cp; do
	command -v $t >/dev/null 2>&1 || skip_all "'$t' not installed (make deps)"
done
[ -x "$PB" ] || skip_all "patchbench binary '$PB' not built"

REPO=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d /var/tmp/pb-build.XXXXXX)
# Everything below $TMP is ours (the cache too).
trap 'rm -rf "$TMP"' EXIT
export PATCHBENCH_CACHE=$TMP/cache
export PATCHBENCH_KERNELS=$REPO/kernels
C=$PATCHBENCH_CACHE
plan 59

# jstr FILE KEY: a string value of a pretty-printed kernel.json; jnum FILE KEY: a number.
jstr() { sed -n "s/^  \"$2\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p" "$1"; }
jnum() { sed -n "s/^  \"$2\": \\([0-9.e+-]*\\),\\{0,1\\}\$/\\1/p" "$1"; }
is() { [ "$@" ] && echo 0 || echo 1; }
elapsed() { echo $(( $(date +%s) - $1 )); }
# no_tmp: nothing named *.tmp anywhere in the cache
no_tmp() { [ -z "$(find "$C" -name '*.tmp' 2>/dev/null)" ]; }

# --- vanilla: the one long build --------------------------------------------
s=$(date +%s)
"$PB" build --name vanilla >"$TMP/out" 2>"$TMP/err"
rc=$?
diag "vanilla: built in $(elapsed $s)s"
ok $rc "build --name vanilla exits 0 (rc $rc)"
[ $rc -eq 0 ] || diag "$(tail -25 "$TMP/err")"
K=$C/kernels/vanilla
size=$(stat -c %s "$K/bzImage" 2>/dev/null || echo 0)
ok $(is "$size" -gt 1048576) "vanilla bzImage exists and is > 1 MB ($size bytes)"
ok $(is -s "$K/config" -a -s "$K/build.log" -a -s "$K/kernel.json") "config, build.log, kernel.json kept"
grep -q "bzImage is ready" "$K/build.log" 2>/dev/null
ok $? "build.log is the full make log"
r=0
for p in unpack config check build; do
	grep -q "^  $p " "$TMP/err" || { diag "no '$p' progress line"; r=1; }
done
ok $r "one progress line per phase (unpack, config, check, build)"
ok $(is "$(grep -c '^  build ' "$TMP/err")" -ge 2) "status lines while building"
J=$K/kernel.json
key=$(jstr "$J" key)
ok $(is "$(jnum "$J" schema)" = 1 -a "$(jstr "$J" name)" = vanilla) "kernel.json: schema 1, name"
ok $(echo "$key" | grep -qE '^[0-9a-f]{64}$' && echo 0 || echo 1) "kernel.json: key is a sha256 ($key)"
grep -q '^  "series": null,$' "$J" && grep -q '^  "series_sha256": null,$' "$J"
ok $? "kernel.json: series and series_sha256 null for vanilla"
ok $(is "$(jstr "$J" config)" = smoke -a "$(jstr "$J" source)" = "$TARBALL") "kernel.json: config smoke, source the tarball"
ok $(is "$(jstr "$J" config_sha256)" = "$(sha256sum <"$K/config" | cut -d' ' -f1)") \
	"kernel.json: config_sha256 is the sha256 of the kept config"
ok $(is "$(jnum "$J" bzimage_bytes)" = "$size") "kernel.json: bzimage_bytes"
case $(jstr "$J" kernel_release) in 6.1.*) r=0 ;; *) r=1 ;; esac
ok $r "kernel.json: kernel_release $(jstr "$J" kernel_release)"
jstr "$J" built_at | grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'
ok $? "kernel.json: built_at ISO 8601 UTC ($(jstr "$J" built_at))"
ok $(is -d "$(jstr "$J" objdir)" -a -d "$(jstr "$J" tree)") "kernel.json: objdir and tree kept"
grep -qx "CONFIG_MEMCG=y" "$K/config" && grep -qx "CONFIG_9P_FS=y" "$K/config"
ok $? "the fragment is in the final config (MEMCG, 9P_FS)"
PRISTINE=$C/src/linux-source-6.1
pr_sum=$(sha256sum <"$PRISTINE/mm/memcontrol.c")
pr_ino=$(stat -c %i "$PRISTINE/mm/memcontrol.c")

# --- up to date -----------------------------------------------------------------
mt=$(stat -c %Y "$K/bzImage")
s=$(date +%s)
"$PB" build --name vanilla >"$TMP/out" 2>"$TMP/err"
rc=$?
t=$(elapsed $s)
ok $(is $rc -eq 0 -a "$t" -lt 10) "second build of vanilla: exit 0 in ${t}s (< 10 s)"
grep -q "kernel 'vanilla' is up to date (key ${key%"${key#????????????}"})" "$TMP/err"
ok $? "it says up to date, with the key: $(head -1 "$TMP/err")"
ok $(is "$(stat -c %Y "$K/bzImage")" = "$mt") "and did not rebuild"

# --- noop: a series kernel ---------------------------------------------------------
s=$(date +%s)
"$PB" build --name noop --series noop >"$TMP/out" 2>"$TMP/err"
rc=$?
diag "noop: built in $(elapsed $s)s"
ok $rc "build --name noop --series noop exits 0 (rc $rc)"
[ $rc -eq 0 ] || diag "$(tail -25 "$TMP/err")"
grep -qE '^  patch .* 1 patch applied' "$TMP/err"
ok $? "progress says 1 patch applied"
N=$C/kernels/noop
nsize=$(stat -c %s "$N/bzImage" 2>/dev/null || echo 0)
ok $(is "$nsize" -gt 1048576) "noop bzImage > 1 MB ($nsize bytes)"
NJ=$N/kernel.json
ok $(is "$(jstr "$NJ" series)" = noop -a -n "$(jstr "$NJ" series_sha256)") "kernel.json: series noop, series_sha256 set"
ok $(is "$(jstr "$NJ" key)" != "$key" -a "$(jstr "$NJ" config_sha256)" = "$(jstr "$J" config_sha256)") \
	"noop: another key, the same final config as vanilla (comments only)"
NT=$(jstr "$NJ" tree)
ok $(is "$NT" != "$PRISTINE" -a -d "$NT") "noop has its own tree ($NT)"
ok $(is "$(sha256sum <"$NT/mm/memcontrol.c")" != "$pr_sum") "the noop tree's mm/memcontrol.c is patched"
ok $(is "$(sha256sum <"$PRISTINE/mm/memcontrol.c")" = "$pr_sum" -a \
	"$(stat -c %i "$PRISTINE/mm/memcontrol.c")" = "$pr_ino") "the pristine mm/memcontrol.c is unchanged (content and inode)"
ok $(is "$(stat -c %i "$NT/mm/filemap.c")" = "$(stat -c %i "$PRISTINE/mm/filemap.c")" -a \
	"$(stat -c %i "$NT/mm/memcontrol.c")" != "$pr_ino") \
	"untouched files are hard links, the patched one is not"

# --- patchbench kernels ------------------------------------------------------------
"$PB" kernels >"$TMP/list" 2>"$TMP/err"
rc=$?
ok $(is $rc -eq 0 -a "$(grep -cE '^(noop|vanilla) ' "$TMP/list")" -eq 2) "kernels lists noop and vanilla"
ok $(is "$(awk 'length > 72' "$TMP/list" | wc -l)" -eq 0) "kernels text fits 72 columns"
grep -q "key ${key%"${key#????????????}"}" "$TMP/list"
ok $? "kernels shows the short key"
"$PB" kernels --format json >"$TMP/json" 2>"$TMP/err"
ok $(is "$(grep -c '"name": ' "$TMP/json")" -eq 2) "kernels --format json has both"
# every field of each kernel.json is in its entry, with the same value
tr -d ' \n' <"$TMP/json" | sed 's/},{/}\n{/g' >"$TMP/json.rows"
bad=0
for k in vanilla noop; do
	row=$(grep "\"name\":\"$k\"" "$TMP/json.rows")
	for f in key kernel_release config config_sha256 series series_sha256 source bzimage_bytes \
		built_at; do
		v=$(tr -d ' \n' <"$C/kernels/$k/kernel.json" | grep -o "\"$f\":[^,}]*" | head -1)
		case $row in *"$v"*) [ -n "$v" ] ;; *) false ;; esac ||
			{ bad=$((bad + 1)); diag "kernels --format json, $k: no $f (${v:-absent})"; }
	done
done
ok $bad "kernels --format json: each kernel's key, release, config, series, source, size, date"

# --- a patch that does not apply -------------------------------------------------
ntrees=$(ls "$C/trees" | wc -l)
mkdir "$TMP/bad"
cp "$REPO"/kernels/series/noop/* "$TMP/bad/"
P=$(ls "$TMP"/bad/0001-*.patch)
# change a context line of hunk 2: patch runs with --fuzz=0, so the hunk fails
sed -i 's/^ static void memcg_stats_lock(void)$/ static void memcg_stats_lock_x(void)/' "$P"
"$PB" build --name bad --series "$TMP/bad" >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $(is $rc -eq 2) "series that does not apply: exit 2 (rc $rc)"
ok $(is "$(wc -l <"$TMP/err")" -ge 1) "error: $(tail -1 "$TMP/err" | cut -c1-200)"
grep -q "^patchbench: error: patch '$P' does not apply: mm/memcontrol.c: Hunk #2 FAILED at 585" "$TMP/err"
ok $? "the error names the patch file and the failing hunk"
ok $(is ! -e "$C/kernels/bad" -a ! -e "$C/kernels/bad.tmp") "no kernel directory left"
ok $(is "$(ls "$C/trees" | wc -l)" -eq "$ntrees") "no tree left ($(ls "$C/trees" | wc -l) trees, as before)"
no_tmp
ok $? "no .tmp left anywhere in the cache"

# --- unknown series, bad input ----------------------------------------------------
"$PB" build --name x --series no-such-series >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $(is $rc -eq 2 -a "$(wc -l <"$TMP/err")" -eq 1) "unknown series: exit 2, one line (rc $rc)"
grep -q "unknown series 'no-such-series' (available: .*noop.*vanilla" "$TMP/err"
ok $? "it lists the available series: $(cut -c1-160 "$TMP/err")"
"$PB" build --name 'a/b' >"$TMP/out" 2>"$TMP/err"
ok $(is $? -eq 2) "bad name: exit 2"
"$PB" build --name x --source /nonexistent/linux >"$TMP/out" 2>"$TMP/err"
ok $(is $? -eq 2) "missing source: exit 2"
"$PB" build --name x --config "$TMP/out" >"$TMP/out2" 2>"$TMP/err"
ok $(is $? -eq 2) "bad --config FILE: exit 2 ($(cut -c1-100 "$TMP/err"))"

# --- a fragment option that does not stick -----------------------------------------
printf 'CONFIG_MEMCG=y\nCONFIG_PATCHBENCH_NO_SUCH_OPTION=y\n# CONFIG_TRACING is not set\n' >"$TMP/frag"
"$PB" build --name fragcheck --config "$K/config" --fragment "$TMP/frag" >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $(is $rc -eq 1) "fragment check failure: exit 1 (rc $rc)"
grep -q "^patchbench: error: 2 options of '$TMP/frag' did not stick.*CONFIG_PATCHBENCH_NO_SUCH_OPTION=y (got: absent), CONFIG_TRACING not set (got: =y)" "$TMP/err"
ok $? "it names the options that did not stick: $(tail -1 "$TMP/err" | cut -c1-200)"
ok $(is ! -e "$C/kernels/fragcheck") "no kernel directory for it"

# --- a compile error ----------------------------------------------------------------
# scripts/mod/ is compiled at the start of the bzImage build, not by the config step.
mkdir -p "$TMP/broken/a/scripts/mod" "$TMP/broken/b/scripts/mod"
cp "$PRISTINE/scripts/mod/empty.c" "$TMP/broken/a/scripts/mod/empty.c"
{ cat "$PRISTINE/scripts/mod/empty.c"; echo '#error patchbench: this build must fail'; } \
	>"$TMP/broken/b/scripts/mod/empty.c"
(cd "$TMP/broken" && diff -u a/scripts/mod/empty.c b/scripts/mod/empty.c >"$TMP/break.patch")
s=$(date +%s)
"$PB" build --name broken --series "$TMP/break.patch" >"$TMP/out" 2>"$TMP/err"
rc=$?
diag "broken: failed after $(elapsed $s)s"
ok $(is $rc -eq 1) "compile error: exit 1 (rc $rc)"
grep -q "^patchbench: last 20 lines of $C/logs/broken.log:$" "$TMP/err"
ok $? "the last 20 lines of the log are shown"
grep -q "^patchbench: error: build of kernel 'broken' failed (make exit 2): scripts/mod/empty.c:2:2: error: #error patchbench: this build must fail; log: $C/logs/broken.log$" "$TMP/err" &&
	[ -s "$C/logs/broken.log" ]
ok $? "the error names the first compiler error and the log, which is kept"
ok $(is ! -e "$C/kernels/broken") "no kernel directory for it"

"$PB" kernels >"$TMP/list" 2>"$TMP/err"
ok $(is "$(grep -cE '^[a-z]' "$TMP/list")" -eq 3) "still two kernels listed (and the header)"

# --- --rebuild: the same key, built again (tree re-made, incremental make) -----------------
nkey=$(jstr "$NJ" key)
nmt=$(stat -c %Y "$N/bzImage")
sleep 1
s=$(date +%s)
"$PB" build --name noop --series noop --rebuild >"$TMP/out" 2>"$TMP/err"
rc=$?
diag "noop --rebuild: $(elapsed $s)s"
ok $(is $rc -eq 0 -a "$(stat -c %Y "$N/bzImage")" -gt "$nmt" -a "$(jstr "$NJ" key)" = "$nkey") \
	"--rebuild: exit 0, a new bzImage, the same key (rc $rc)"
grep -qE '^  patch .* 1 patch applied' "$TMP/err" && grep -q '^  build ' "$TMP/err"
ok $? "--rebuild re-made the tree (1 patch applied) and ran make"

# --- an mbox series: noop's message and a second one (a README line): a new key -----------
mkdir -p "$TMP/mb/a" "$TMP/mb/b"
cp "$PRISTINE/README" "$TMP/mb/a/README"
{ cat "$PRISTINE/README"; echo "patchbench t-60: a second message"; } >"$TMP/mb/b/README"
{
	cat "$REPO"/kernels/series/noop/0001-*.patch
	echo
	echo "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001"
	echo "From: t-60 <t-60@localhost>"
	echo "Subject: [PATCH 2/2] README: one more line"
	echo
	echo "---"
	(cd "$TMP/mb" && diff -u a/README b/README)
	echo "-- "
	echo "2.39.5"
} >"$TMP/two.mbox"
# Ctrl-C once make runs: exit 1, no kernel, no .tmp left, make gone
"$PB" build --name mbox --series "$TMP/two.mbox" >"$TMP/out" 2>"$TMP/err-int" &
pid=$!
i=0
while [ $i -lt 1200 ] && ! grep -qs '^  build ' "$TMP/err-int"; do
	sleep 0.1
	i=$((i + 1))
done
kill -INT $pid
wait $pid
rc=$?
sleep 1
left=$(pgrep -f "make .*O=$C/obj" | wc -l)
ok $(is $i -lt 1200 -a $rc -eq 1 -a ! -e "$C/kernels/mbox" -a "$left" -eq 0) \
	"Ctrl-C during make: exit 1, no kernel, no make left (rc $rc, $left make, after ${i}00 ms)"
no_tmp
ok $? "Ctrl-C: no .tmp left in the cache"
s=$(date +%s)
"$PB" build --name mbox --series "$TMP/two.mbox" >"$TMP/out" 2>"$TMP/err"
rc=$?
diag "mbox: built in $(elapsed $s)s"
MJ=$C/kernels/mbox/kernel.json
MT=$(jstr "$MJ" tree)
ok $(is $rc -eq 0 -a "$(jstr "$MJ" key)" != "$nkey" -a "$(jstr "$MJ" series)" = "$TMP/two.mbox") \
	"mbox series: built (rc $rc), its own key, series is the mbox path"
ok $(is "$(sha256sum <"$MT/mm/memcontrol.c")" = "$(sha256sum <"$NT/mm/memcontrol.c")" -a \
	"$(tail -1 "$MT/README")" = "patchbench t-60: a second message") \
	"both messages of the mbox applied (memcontrol.c as noop's, README line)"
ok_no_leftovers
done_testing
