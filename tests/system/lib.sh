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
	T_LEFT0=$(leftover_list)
	echo "1..$1"
}

# A SKIP whose reason says "make deps" is one for a package that scripts/install-deps.sh
# installs. Under CI=true (.ci/run) such a package must be there: that SKIP is a failure.
ci_missing_dep() {
	[ "${CI:-}" = true ] && case $* in *"make deps"*) true ;; *) false ;; esac
}

# skip_all REASON: the whole file cannot run on this machine (a failure under CI=true when
# REASON is a package the project installs).
skip_all() {
	if ci_missing_dep "$*"; then
		echo "1..1"
		echo "not ok 1 - CI=true: $* (install-deps.sh installs it; a SKIP would hide it)"
		exit 1
	fi
	echo "1..0 # SKIP $*"
	exit 0
}

# skip REASON: skip one test, the same way.
skip() {
	T_N=$((T_N + 1))
	if ci_missing_dep "$*"; then
		echo "not ok $T_N - CI=true: $* (install-deps.sh installs it; a SKIP would hide it)"
		T_FAIL=$((T_FAIL + 1))
	else
		echo "ok $T_N # SKIP $*"
	fi
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


# meta_field DIR KEY: a string value from DIR/meta.json.
meta_field() {
	sed -n "s/^  \"$2\": \"\\(.*\\)\",\{0,1\}\$/\\1/p" "$1/meta.json"
}

# descends PID ANCESTOR: PID is ANCESTOR or one of its descendants
descends() {
	p=$1
	while [ -n "$p" ] && [ "$p" -gt 1 ]; do
		[ "$p" -eq "$2" ] && return 0
		p=$(ps -o ppid= -p "$p" 2>/dev/null | tr -d ' ')
	done
	return 1
}

# builders DIR: "N FAILED", the kernelbuild rows of DIR/workloads.tsv and how many exited != 0
builders() {
	awk -F'\t' '$1 == "kernelbuild" { n++; if ($7 != 0) bad++ } END { print n + 0, bad + 0 }' \
		"$1/workloads.tsv" 2>/dev/null
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

# The v1 cpuacct directory of this shell, where patchbench mirrors its tree for CPU time
# when the memory controller is v1 (cgroup.c); nothing on v2.
own_cpucg() {
	case $(own_memcg) in /sys/fs/cgroup/memory*) ;; *) return 0 ;; esac
	m=$(awk '$3 == "cgroup" && $4 ~ /(^|,)cpuacct(,|$)/ { print $2; exit }' /proc/mounts)
	p=$(awk -F: '$2 ~ /(^|,)cpuacct(,|$)/ { print $3 }' /proc/self/cgroup)
	[ -n "$m" ] && [ -n "$p" ] && echo "$m${p%/}"
	return 0
}

# leftover_list: the patchbench-* cgroups below our memory and cpuacct cgroups and the
# patchbench-* tracing instances whose owner (the pid in the name: patchbench-DATE-TIME-PID,
# patchbench-bench-PID[-a|-b]) is gone. A live owner is a run still going (maybe another
# user's), not a leftover.
leftover_list() {
	for d in "$(own_memcg)"/patchbench-* ${CPU_CG:=$(own_cpucg)}${CPU_CG:+/patchbench-*} \
		/sys/kernel/tracing/instances/patchbench-*; do
		[ -d "$d" ] || continue
		p=$(echo "${d##*/}" | sed 's/^patchbench-//; s/-[ab]$//; s/.*-//')
		case $p in '' | *[!0-9]*) echo "$d"; continue ;; esac
		kill -0 "$p" 2>/dev/null || echo "$d"
	done
}

# Number of patchbench-* cgroups (memory and cpuacct) and tracing instances left over.
leftover_cgroups() {
	leftover_list | wc -l
}

# ok_no_leftovers: one test, that this file left no cgroup in either hierarchy and no tracing
# instance. Call it last. Not counted: what was there before the file's plan, and in the
# cpuacct root and tracefs, which every user of the machine shares, what no run of this file
# owns (its run ids are in the meta.json files below $TMP).
ok_no_leftovers() {
	ours=$(find "$TMP" -name meta.json -exec sed -n 's/^  "run_id": "\(.*\)",$/\1/p' {} + \
		2>/dev/null)
	new=$(leftover_list | while read -r l; do
		printf '%s\n' "$T_LEFT0" | grep -qxF "$l" && continue
		case $l in
		"$(own_memcg)"/*) ;;
		*/instances/*) printf '%s\n' "$ours" | grep -q -- "-${l##*-}\$" || continue ;;
		*) printf '%s\n' "$ours" | grep -qxF "${l##*/patchbench-}" || continue ;;
		esac
		echo "$l"
	done)
	ok $([ -z "$new" ] && echo 0 || echo 1) \
		"no cgroup (memory, cpuacct) or tracing instance left behind${new:+: $(echo $new)}"
}
