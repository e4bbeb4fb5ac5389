# lib.sh - TAP helpers for the system tests (POSIX sh). Source it.
#
#   plan 3; ok "$cond_exit_status" "description"; check CMD... ; done_testing
# PB is the patchbench binary (set by the Makefile).

: "${PB:=$(cd "$(dirname "$0")/../.." && pwd)/bench/patchbench}"
T_N=0
T_FAIL=0
T_PLANNED=0

plan() {
	T_PLANNED=$1
	echo "1..$1"
}

# skip_all REASON: the whole file cannot run on this machine.
skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

# ok STATUS DESCRIPTION: STATUS 0 passes.
ok() {
	T_N=$((T_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $T_N - $2"
	else
		echo "not ok $T_N - $2"
		T_FAIL=$((T_FAIL + 1))
	fi
}

# check DESCRIPTION CMD...: runs CMD, passes if it exits 0.
check() {
	d=$1
	shift
	if "$@" >/dev/null 2>&1; then ok 0 "$d"; else ok 1 "$d"; fi
}

diag() {
	echo "# $*"
}

done_testing() {
	[ "$T_N" -eq "$T_PLANNED" ] || { echo "# planned $T_PLANNED, ran $T_N"; exit 1; }
	[ "$T_FAIL" -eq 0 ]
}

# The memory cgroup directory of this shell (v1 or v2), for leftover checks.
own_memcg() {
	v1=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' /proc/self/cgroup)
	if [ -n "$v1" ] && [ -d /sys/fs/cgroup/memory ]; then
		echo "/sys/fs/cgroup/memory${v1%/}"
		return
	fi
	v2=$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)
	echo "/sys/fs/cgroup${v2%/}"
}

# Number of patchbench-* cgroups below our own memory cgroup.
leftover_cgroups() {
	ls -d "$(own_memcg)"/patchbench-* 2>/dev/null | wc -l
}

# meta_field DIR KEY: a string value from DIR/meta.json.
meta_field() {
	sed -n "s/^  \"$2\": \"\\(.*\\)\",\{0,1\}\$/\\1/p" "$1/meta.json"
}

require_root_memcg() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root (creates cgroups)"
	grep -qw memory /proc/cgroups || skip_all "no memory cgroup controller in this kernel"
	[ -x "$PB" ] || skip_all "patchbench binary '$PB' not built"
}

# wait_until TENTHS CMD...: run CMD every 0.1 s until it succeeds, at most TENTHS times.
wait_until() {
	_wu_n=$1
	shift
	while [ "$_wu_n" -gt 0 ] && ! "$@" 2>/dev/null; do
		sleep 0.1
		_wu_n=$((_wu_n - 1))
	done
}
