#!/bin/sh
# The VM target on a real kernel built from linux-source-6.1, booted under
# qemu (TCG on this kind of machine), running the nested kernelbuild tree
# at smoke scale inside.
# Pass: guest memory.stat is cgroup v2, the sampler counts its samples and
# missed intervals, root-vs-vmstat rows exist (the 6.1 root has memory.stat), status
# complete, the target is vm-tcg/vm-kvm with the kernel's name and config
# hash, qemu reaped; a kernel that cannot start init is boot-failed within
# the boot timeout; an init that stalls before the start marker (/bin/cat)
# is boot-failed by --boot-timeout; an OOM with vm.panic_on_oom after the
# marker is status panic, in a guest of --cpus 1 --mem 384M; SIGINT after
# the start is interrupted; a missing kernel is a usage error.
. "$(dirname "$0")/lib.sh"
require_root_memcg
command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 missing (make deps)"
[ -e /usr/src/linux-source-6.1.tar.xz ] || skip_all "linux-source-6.1 not installed (make deps)"

TMP=$(mktemp -d /tmp/pb-vm.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
plan 20

# The kernels are shared with t-60-build (same cache); build vanilla if it is missing.
if ! "$PB" kernels 2>/dev/null | grep -q "^vanilla "; then
	"$PB" build --name vanilla --config smoke -q >"$TMP/build.log" 2>&1 ||
		{ diag "$(tail -20 "$TMP/build.log")"; }
fi

R=$TMP/vm
"$PB" run --target vm --kernel vanilla -w kernelbuild,idle,kmem-churn --builders 2 --idle 3 \
	--kmem-churn-children 20 -o "$R" >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $rc "vm run exits 0 (rc $rc)"
[ $rc -eq 0 ] || diag "$(tail -15 "$TMP/err")"
ok $([ "$(meta_field "$R" status)" = complete ] && echo 0 || echo 1) "status complete"
t=$(meta_field "$R" target)
ok $(case "$t" in vm-tcg|vm-kvm) echo 0;; *) echo 1;; esac) "target is $t"
ok $([ "$(meta_field "$R" kernel_name)" = vanilla ] && [ -n "$(meta_field "$R" config_hash)" ] &&
	echo 0 || echo 1) "meta names the kernel and its config hash"
ok $([ "$(meta_field "$R" cgroup_version)" = v2 ] && echo 0 || echo 1) "guest cgroup layout is v2"
ok $(grep -q "	memory.stat:anon	" "$R/memstat.tsv" && grep -q "	memory.current	" "$R/memstat.tsv" &&
	! grep -q "memory.usage_in_bytes" "$R/memstat.tsv"; echo $?) "guest memory.stat is in v2 format"
case "$(meta_field "$R" kernel_release)" in 6.1.*) r=0;; *) r=1;; esac
ok $r "kernel release inside is 6.1.x ($(meta_field "$R" kernel_release))"
n=$(awk -F'\t' '$2 == "root-vs-vmstat" { n++ } END { print n + 0 }' "$R/drift.tsv")
ok $([ "$n" -gt 0 ] && echo 0 || echo 1) "root-vs-vmstat rows from the v2 root ($n)"
# The sampler accounts for every grid point itself (no wall-clock spacing under
# TCG): meta.json has missed_intervals, its samples are the samples of
# kernelbuild/ in readlat.tsv, and a miss of more than 10% of the grid is in
# the notes.
missed=$(sed -n 's/^  "missed_intervals": \([0-9]*\),$/\1/p' "$R/meta.json")
samples=$(sed -n 's/^  "samples": \([0-9]*\),$/\1/p' "$R/meta.json")
n=$(awk -F'\t' '$2 == "kernelbuild" && $4 == "memory.stat" { n++ } END { print n + 0 }' \
	"$R/readlat.tsv")
warned=0
if [ -n "$missed" ] && [ $((missed * 10)) -gt $((missed + ${samples:-0})) ]; then
	grep -q "sampler missed $missed of" "$R/meta.json" || warned=1
fi
ok $([ -n "$missed" ] && [ "$n" -ge 5 ] && [ "$n" -eq "${samples:-0}" ] && [ $warned -eq 0 ] &&
	echo 0 || echo 1) \
	"the sampler counts its samples ($samples, $n in readlat.tsv) and misses ($missed)"
nb=$(builders "$R")
ok $([ "$nb" = "2 0" ] && echo 0 || echo 1) "the guest's 2 builders compiled and exited 0 (builders, failed: $nb)"
ok $(pgrep -f "qemu-system-x86_64.*$R" >/dev/null && echo 1 || echo 0) "qemu reaped"
ok $([ -s "$R/console.log" ] && echo 0 || echo 1) "console log kept"

# A kernel that cannot start init: boot-failed, quickly, not hung.
start=$(date +%s)
"$PB" run --target vm --kernel vanilla -w idle --append "init=/nonexistent/init" \
	--boot-timeout 60s -o "$TMP/bootfail" >"$TMP/out" 2>"$TMP/err"
rc=$?
el=$(( $(date +%s) - start ))
ok $([ $rc -eq 1 ] && [ "$(meta_field "$TMP/bootfail" status)" = boot-failed ] && [ $el -le 90 ] &&
	echo 0 || echo 1) "unbootable init: boot-failed in ${el}s (rc $rc, $(meta_field "$TMP/bootfail" status))"

# An init that stalls before the start marker (cat on the silent console): not a panic, so
# only the --boot-timeout watchdog ends it.
start=$(date +%s)
"$PB" run --target vm --kernel vanilla -w idle --append "init=/bin/cat" --boot-timeout 8s \
	-o "$TMP/stall" >"$TMP/out" 2>"$TMP/err"
rc=$?
el=$(( $(date +%s) - start ))
ok $([ $rc -eq 1 ] && [ "$(meta_field "$TMP/stall" status)" = boot-failed ] &&
	grep -q "no guest start within 8" "$TMP/err" && [ $el -ge 8 ] && [ $el -le 60 ] &&
	! pgrep -f "qemu-system-x86_64.*$TMP/stall" >/dev/null && echo 0 || echo 1) \
	"stalled init: boot-failed by --boot-timeout 8s after ${el}s (rc $rc: $(tail -1 "$TMP/err"))"

# A panic after the start marker: an idle sibling faults in 1 GiB in a 384 MiB guest whose
# command line sets vm.panic_on_oom (and vm.overcommit_memory=1: the default heuristic
# refuses the 1 GiB mmap instead). The same run checks --cpus and --mem.
"$PB" run --target vm --kernel vanilla -w idle --idle 1 --idle-anon 1G --mem 384M --cpus 1 \
	--append "sysctl.vm.overcommit_memory=1 sysctl.vm.panic_on_oom=2" -d 30s -o "$TMP/panic" >"$TMP/out" 2>"$TMP/err"
rc=$?
C=$TMP/panic/console.log
ok $([ $rc -eq 1 ] && [ "$(meta_field "$TMP/panic" status)" = panic ] &&
	grep -q "kernel panic during the run" "$TMP/err" && grep -q "Kernel panic - not syncing" "$C" &&
	echo 0 || echo 1) "panic during the run: status panic (rc $rc: $(tail -1 "$TMP/err"))"
memk=$(sed -n 's/.*Memory: [0-9]*K\/\([0-9]*\)K available.*/\1/p' "$C" | head -1)
ok $(grep -q "smp: Brought up 1 node, 1 CPU" "$C" && [ "${memk:-0}" -gt 300000 ] &&
	[ "$memk" -le 393216 ] && echo 0 || echo 1) "--cpus 1 --mem 384M reach the guest (1 CPU, ${memk}K)"

# Ctrl-C (SIGINT) once the guest has started: interrupted, qemu reaped.
"$PB" run --target vm --kernel vanilla -w idle --idle 1 -d 60s -o "$TMP/int" >"$TMP/out" 2>"$TMP/err" &
pid=$!
i=0
while [ $i -lt 600 ] && ! grep -qs "patchbench-guest: started" "$TMP/int/console.log" "$TMP/err"; do
	sleep 0.1
	i=$((i + 1))
done
sleep 2
kill -INT $pid
wait $pid
rc=$?
ok $([ $i -lt 600 ] && [ $rc -eq 1 ] && [ "$(meta_field "$TMP/int" status)" = interrupted ] &&
	! pgrep -f "qemu-system-x86_64.*$TMP/int" >/dev/null && echo 0 || echo 1) \
	"SIGINT after the guest started (${i}00 ms): status interrupted, qemu reaped (rc $rc)"

# A run longer than --run-timeout: timeout, qemu killed and reaped.
"$PB" run --target vm --kernel vanilla -w idle --idle 1 -d 60s --run-timeout 15s \
	-o "$TMP/timeout" >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $([ $rc -eq 1 ] && [ "$(meta_field "$TMP/timeout" status)" = timeout ] &&
	! pgrep -f "qemu-system-x86_64.*$TMP/timeout" >/dev/null && echo 0 || echo 1) \
	"--run-timeout: status timeout, qemu reaped (rc $rc)"

"$PB" run --target vm --kernel no-such-kernel -w idle -o "$TMP/nokernel" >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $([ $rc -eq 2 ] && grep -q "not built" "$TMP/err" && [ ! -e "$TMP/nokernel" ] && echo 0 || echo 1) \
	"missing kernel: exit 2, nothing created ($(cat "$TMP/err"))"
ok_no_leftovers
done_testing
