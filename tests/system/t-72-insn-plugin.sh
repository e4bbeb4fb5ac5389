#!/bin/sh
# The TCG instruction-count plugin (build/pb-insn.so) in a real qemu, on the
# vanilla smoke kernel, with tests/helpers/insn-guest as the guest's init.
# Method: two boots whose only user process runs a loop of exactly
# 2 * LOOPS + 1 instructions inside the marked window, LOOPS = 1000000 and
# 3000000, each with 10 memory.stat-style reads between read markers.
# Pass: qemu loads the plugin; each insn.raw has a complete window, 2 vCPUs,
# 10 valid reads and 10 ticks; the two boots' user instructions differ by
# exactly 4000000 (per-vCPU counters lose no update); kernel segments
# resolve to System.map symbols; a plugin argument it does not know makes
# qemu refuse to start (a load failure is reported, not ignored). Then
# "run --target vm": counts by default under TCG (insn_counts complete,
# symbols, window totals, every memory.stat read numbered in readlat.tsv and
# counted in insn-reads.tsv); --insn-count on without the plugin, or with
# one qemu does not load, is exit 2 before anything is made; auto without it
# runs and says why in meta.json.
. "$(dirname "$0")/lib.sh"
command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 missing (make deps)"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
PLUGIN=$TOP/build/pb-insn.so
GUEST=$TOP/build/tests/insn-guest
[ -x "$GUEST" ] && [ -e "$PLUGIN" ] || skip_all "build/pb-insn.so or insn-guest not built (make test builds them)"
CACHE=${PATCHBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/patchbench}
# built by t-60 earlier in the suite; a kernel installed by an older patchbench has its
# System.map only in its object directory
K=$CACHE/kernels/vanilla
[ -e "$K/bzImage" ] || "$PB" build --name vanilla --config smoke -q >/dev/null 2>&1
MAP=$K/System.map
[ -e "$MAP" ] || MAP=$(sed -n 's/.*"objdir": "\([^"]*\)".*/\1/p' "$K/kernel.json" 2>/dev/null)/System.map
[ -e "$K/bzImage" ] && [ -e "$MAP" ] || skip_all "no vanilla kernel with a System.map in $CACHE"

TMP=$(mktemp -d /tmp/pb-insn.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
plan 19

# boot OUT LOOPS [PLUGIN_ARGS]: one guest run; qemu's exit status
boot() {
	timeout 120 qemu-system-x86_64 -accel tcg,thread=multi -cpu max -smp 2 -m 512M \
		-nographic -no-reboot -kernel "$K/bzImage" \
		-plugin "$PLUGIN,out=$1${3:+,$3}" \
		-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=root,mount_tag=/dev/root \
		-append "console=ttyS0 root=/dev/root rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose ro init=$GUEST panic=-1 -- $2 10" \
		</dev/null >"$1.console" 2>&1
}
field() { awk -F'\t' -v k="$2" '$1 == k { print $2; exit }' "$1"; }
user_total() { awk -F'\t' '$1 == "total" { s += $4 } END { printf "%.0f\n", s }' "$1"; }

boot "$TMP/a.raw" 1000000
rc=$?
ok $([ $rc -eq 0 ] && grep -q "insn-guest: done loops=1000000 reads=10" "$TMP/a.raw.console" &&
	[ -s "$TMP/a.raw" ] && echo 0 || echo 1) "boot with the plugin: guest done, insn.raw written (rc $rc)"
[ -s "$TMP/a.raw" ] || diag "$(tail -5 "$TMP/a.raw.console")"
ok $([ "$(field "$TMP/a.raw" window)" = complete ] && [ "$(field "$TMP/a.raw" vcpus)" = 2 ] &&
	echo 0 || echo 1) "window complete, 2 vCPUs"
nreads=$(awk -F'\t' '$1 == "read" && $4 != "-"' "$TMP/a.raw" | wc -l)
nticks=$(grep -c "^tick	" "$TMP/a.raw")
ok $([ "$nreads" -eq 10 ] && [ "$nticks" -eq 10 ] && echo 0 || echo 1) \
	"10 reads counted on their vCPU, 10 ticks ($nreads, $nticks)"

boot "$TMP/b.raw" 3000000
ua=$(user_total "$TMP/a.raw")
ub=$(user_total "$TMP/b.raw")
ok $([ -n "$ua" ] && [ -n "$ub" ] && [ $((ub - ua)) -eq 20000000 ] && echo 0 || echo 1) \
	"user instructions differ by exactly 2 * 5 * 2000000 loops ($ua vs $ub)"
# the marked work: 4 loops, 4 operations, all on vCPU 0 (the guest pins itself), one stray end
work() { awk -F'\t' -v c="$2" '$1 == "work" { print $c }' "$1" | paste -sd, -; }
ok $([ "$(work "$TMP/a.raw" 2)" = 0 ] && [ "$(work "$TMP/a.raw" 5)" = 4 ] &&
	[ "$(work "$TMP/a.raw" 6)" = 0 ] && [ "$(work "$TMP/a.raw" 7)" = 1 ] && echo 0 || echo 1) \
	"work row: vCPU 0 only, 4 ops, none open, 1 unmatched end ($(grep "^work" "$TMP/a.raw" | tr "\t\n" " ;"))"
wa=$(work "$TMP/a.raw" 4)
wb=$(work "$TMP/b.raw" 4)
ok $([ -n "$wa" ] && [ -n "$wb" ] && [ $((wb - wa)) -eq 16000000 ] && echo 0 || echo 1) \
	"work user instructions differ by exactly 2 * 4 * 2000000 loops ($wa vs $wb)"
# with the kernel's entry points (entries=FILE, as patchbench writes them from System.map):
# the timer interrupts inside the marked loops leave the work's kernel count, which is then
# (almost) nothing; its user count stays exact
awk '$3 == "asm_common_interrupt" || $3 == "asm_spurious_interrupt" || $3 ~ /^asm_sysvec_/ ||
	$3 == "asm_exc_nmi" || $3 == "asm_exc_machine_check" { print $1 " i"; next }
	$3 ~ /^asm_exc_/ { print $1 " e"; next } $3 == "entry_SYSCALL_64" { print $1 " s" }' \
	"$MAP" >"$TMP/entries"
boot "$TMP/e.raw" 1000000 "entries=$TMP/entries"
ka_w=$(work "$TMP/a.raw" 3)
ke_w=$(work "$TMP/e.raw" 3)
ok $([ -n "$ke_w" ] && [ "$(work "$TMP/e.raw" 4)" = "$wa" ] && [ "$(work "$TMP/e.raw" 8)" -gt 0 ] &&
	[ "$ke_w" -lt $((ka_w / 4 + 1)) ] && echo 0 || echo 1) \
	"entries: interrupts out of the work (kernel $ke_w, was $ka_w; irq $(work "$TMP/e.raw" 8)), user still $wa"
ka=$(awk -F'\t' '$1 == "total" { s += $3 } END { printf "%.0f\n", s }' "$TMP/a.raw")
kseg=$(awk -F'\t' '$1 == "seg" { s += $3 } END { printf "%.0f\n", s }' "$TMP/a.raw")
ok $([ "$ka" -gt 0 ] && [ "$ka" = "$kseg" ] && echo 0 || echo 1) \
	"kernel segments add up to the kernel total ($kseg of $ka)"
# every kernel segment lies in the kernel's text as System.map has it
lo=$(awk '$3 == "_stext" { print $1 }' "$MAP")
hi=$(awk '$3 == "_etext" { print $1 }' "$MAP")
out=$(awk -F'\t' -v lo="$lo" -v hi="$hi" '$1 == "seg" && ($2 < lo || $2 >= hi) { n++ }
	$1 == "seg" { t++ } END { printf "%d %d\n", n, t }' "$TMP/a.raw")
ok $(set -- $out; [ "$2" -gt 100 ] && [ "$1" -lt $(($2 / 10)) ] && echo 0 || echo 1) \
	"kernel segments lie in _stext.._etext (outside/all: $out)"

boot "$TMP/c.raw" 1000 bogus=1
rc=$?
ok $([ $rc -ne 0 ] && grep -q "pb-insn: unknown argument 'bogus=1'" "$TMP/c.raw.console" &&
	[ ! -e "$TMP/c.raw" ] && echo 0 || echo 1) \
	"an argument the plugin does not know: qemu refuses to start, and says why (rc $rc)"
timeout 20 qemu-system-x86_64 -plugin "$TMP/none.so" -nographic -display none </dev/null \
	>"$TMP/d.console" 2>&1
rc=$?
ok $([ $rc -ne 0 ] && grep -qi "plugin" "$TMP/d.console" && echo 0 || echo 1) \
	"a plugin file that does not exist: qemu refuses with a message (rc $rc)"
ok $([ ! -e "$TMP/a.raw.tmp" ] && [ ! -e "$TMP/b.raw.tmp" ] && echo 0 || echo 1) \
	"no temp file left behind"

# --- patchbench run --target vm: counts by default under TCG ------------------------------
if [ -e "$K/System.map" ]; then
	R=$TMP/vm
	"$PB" run --target vm --kernel vanilla -w idle --idle 2 -d 5s -q -o "$R" >"$TMP/vm.out" 2>&1
	rc=$?
	ok $([ $rc -eq 0 ] && [ "$(meta_field "$R" insn_counts)" = complete ] &&
		[ "$(sed -n 2p "$R/insn-symbols.tsv" | cut -f3 | cut -d. -f1)" -gt 0 ] &&
		grep -q "^window	" "$R/insn.tsv" && grep -q " i$" "$R/insn-entries" && echo 0 || echo 1) \
		"vm run: insn_counts complete, insn-symbols.tsv and window totals (rc $rc)"
	nspin=$(grep -c '^spin	' "$R/insn.tsv")
	ok $([ "$nspin" -eq 2 ] && echo 0 || echo 1) \
		"insn.tsv: a 'spin' row per vCPU, the wait-loop turns kept out of the counts ($nspin)"
	# every memory.stat read of readlat.tsv has its row in insn-reads.tsv, by number
	nst=$(awk -F'\t' 'NR > 1 && $4 == "memory.stat"' "$R/readlat.tsv" | wc -l)
	nrd=$(awk -F'\t' 'NR > 1 && $3 != ""' "$R/insn-reads.tsv" | wc -l)
	last=$(awk -F'\t' 'NR > 1 && $4 == "memory.stat" { n = $7 } END { print n + 0 }' \
		"$R/readlat.tsv")
	ok $([ "$nst" -gt 10 ] && [ "$nrd" -ge $((nst - 2)) ] && [ "$last" -eq "$nst" ] &&
		echo 0 || echo 1) "each memory.stat read is numbered and counted ($nrd of $nst)"
	PATCHBENCH_PLUGIN=$TMP/none.so "$PB" run --target vm --kernel vanilla -w idle --idle 1 \
		-d 2s -q --insn-count on -o "$TMP/on" >/dev/null 2>"$TMP/on.err"
	rc=$?
	ok $([ $rc -eq 2 ] && grep -q "^patchbench: error: --insn-count on: plugin '.*' not found" \
		"$TMP/on.err" && [ ! -e "$TMP/on" ] && echo 0 || echo 1) \
		"--insn-count on without the plugin: exit 2 before anything is made (rc $rc)"
	# a plugin file qemu cannot load (not an ELF object): found by a probe before booting
	echo "not a shared object" >"$TMP/bad.so"
	PATCHBENCH_PLUGIN=$TMP/bad.so "$PB" run --target vm --kernel vanilla -w idle --idle 1 \
		-d 2s -q --insn-count on -o "$TMP/onbad" >/dev/null 2>"$TMP/onbad.err"
	rc=$?
	ok $([ $rc -eq 2 ] && [ "$(wc -l <"$TMP/onbad.err")" -eq 1 ] &&
		grep -q "^patchbench: error: --insn-count on: plugin '.*bad.so' does not load in .*file too short" \
		"$TMP/onbad.err" && [ ! -e "$TMP/onbad" ] && echo 0 || echo 1) \
		"--insn-count on with a plugin qemu cannot load: one-line error, exit 2, nothing made (rc $rc)"
	[ $rc -eq 2 ] || diag "$(cat "$TMP/onbad.err")"
	PATCHBENCH_PLUGIN=$TMP/none.so "$PB" run --target vm --kernel vanilla -w idle --idle 1 \
		-d 2s -q -o "$TMP/auto" >/dev/null 2>&1
	rc=$?
	ok $([ $rc -eq 0 ] && meta_field "$TMP/auto" insn_counts | grep -q "^off: plugin" &&
		grep -q '"notes": ".*plugin .* not found' "$TMP/auto/meta.json" && echo 0 || echo 1) \
		"auto without the plugin: the run goes on and meta.json says why (rc $rc)"
else
	for i in 1 2 3 4 5 6; do
		T_N=$((T_N + 1))
		echo "ok $T_N # SKIP the vanilla kernel has no System.map of its own (build --rebuild)"
	done
fi
ok_no_leftovers
done_testing
