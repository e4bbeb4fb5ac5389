#!/bin/sh
# The result directory: a full disk and --force over a running run (issue 15
# items 3 and 4).
# Pass: on a tmpfs a few pages too small for a run's results, the run is
# either complete with every file in place or failed (exit 1) and says so in
# meta.json, never "complete"/exit 0 with files missing or "running", and no
# temp file is left; --force onto a running run's directory, onto "." and
# onto a parent of the current directory is refused with exit 2, so is
# ab --ab-force over an A/B directory holding the running run, and the
# running run finishes complete with its own files.
. "$(dirname "$0")/lib.sh"
require_root_memcg
command -v mount >/dev/null || skip_all "no mount"

TMP=$(mktemp -d /tmp/pb-rd.XXXXXX)
MNT=$TMP/mnt
mkdir "$MNT"
trap 'umount "$MNT" 2>/dev/null; rm -rf "$TMP"' EXIT
mount -t tmpfs -o size=4m tmpfs "$MNT" 2>/dev/null || skip_all "cannot mount a tmpfs"
plan 9
FILES="meta.json workloads.tsv cputotal.tsv memstat.tsv readlat.tsv drift.tsv"

hostrun() {
	"$PB" run -w idle --idle 1 -d 1s --cache "$TMP/cache" -q "$@"
}

# How much a whole run takes, then the same run on tmpfs mounts 1..8 pages smaller.
hostrun -o "$MNT/r" >/dev/null 2>&1
need=$(df -k "$MNT" | awk 'NR == 2 { print $3 }')
umount "$MNT"
lies=0
fails=0
tmps=0
k=1
while [ $k -le 8 ]; do
	mount -t tmpfs -o size=$((need - 4 * k))k tmpfs "$MNT"
	hostrun -o "$MNT/r" >/dev/null 2>"$TMP/err"
	rc=$?
	st=$(meta_field "$MNT/r" status)
	missing=0
	for f in $FILES; do
		[ -e "$MNT/r/$f" ] || missing=$((missing + 1))
	done
	if [ $rc -eq 0 ] && { [ "$st" != complete ] || [ $missing -gt 0 ]; }; then
		lies=$((lies + 1))
		diag "size $((need - 4 * k))k: exit 0, status '$st', $missing files missing"
	fi
	[ $rc -eq 1 ] && fails=$((fails + 1))
	[ $rc -eq 1 ] && [ -n "$st" ] && [ "$st" != failed ] &&
		diag "size $((need - 4 * k))k: exit 1, status '$st'" && lies=$((lies + 1))
	tmps=$((tmps + $(find "$MNT/r" -name '*.tmp' | wc -l)))
	umount "$MNT"
	k=$((k + 1))
done
ok $([ $lies -eq 0 ] && echo 0 || echo 1) "a full disk is never reported as success ($lies of 8)"
ok $([ $fails -gt 0 ] && echo 0 || echo 1) \
	"... and some of the smaller disks fail the run ($fails of 8)"
ok $([ $tmps -eq 0 ] && echo 0 || echo 1) "no temp file left behind ($tmps)"

# --force onto a running run
# inside an A/B directory, so that ab --ab-force over it can be tried too
mkdir -p "$TMP/ab"
echo "{}" >"$TMP/ab/ab.json"
A=$TMP/ab/A-1
hostrun -o "$A" -d 5s >"$TMP/a.out" 2>&1 &
pa=$!
wait_until 50 test -s "$A/meta.json"
hostrun --force -o "$A" >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $([ $rc -eq 2 ] && grep -q "in use by a running patchbench" "$TMP/err" && echo 0 || echo 1) \
	"--force onto a running run's directory: exit 2 (rc $rc: $(head -c 100 "$TMP/err"))"
(cd "$A" && hostrun --force -o . >"$TMP/out" 2>"$TMP/err")
rc1=$?
(cd "$A/logs" && hostrun --force -o .. >"$TMP/out" 2>"$TMP/err2")
rc2=$?
ok $([ $rc1 -eq 2 ] && [ $rc2 -eq 2 ] && grep -q "current directory" "$TMP/err" &&
	echo 0 || echo 1) "--force onto . or a parent of the current directory: exit 2 ($rc1, $rc2)"
"$PB" ab --base vanilla --patched noop --ab-out "$TMP/ab" --ab-force -w idle >"$TMP/out" \
	2>"$TMP/err3"
rc=$?
ok $([ $rc -eq 2 ] && grep -q "is being written by pid" "$TMP/err3" && [ -s "$A/meta.json" ] &&
	[ -e "$TMP/ab/ab.json" ] && echo 0 || echo 1) \
	"ab --ab-force over an A/B directory with a running run: exit 2, nothing removed (rc $rc)"
wait $pa
rc=$?
ok $([ $rc -eq 0 ] && [ "$(meta_field "$A" status)" = complete ] && [ -s "$A/memstat.tsv" ] &&
	[ -s "$A/logs/idle-idle-1.log" -o -e "$A/logs/idle-idle-1.log" ] && echo 0 || echo 1) \
	"the running run finished complete with its own files (rc $rc)"
hostrun --force -o "$A" >/dev/null 2>&1
rc=$?
ok $([ $rc -eq 0 ] && [ "$(meta_field "$A" status)" = complete ] && echo 0 || echo 1) \
	"--force onto a finished run still replaces it (rc $rc)"
ok_no_leftovers
done_testing
