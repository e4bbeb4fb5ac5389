# slurm-lib.sh - a one-node Slurm cluster of a test's own (POSIX sh). Source it after lib.sh.
#
#   slurm_start DIR   munged with a key it makes, slurmctld and slurmd, every file in DIR
#                     (the test's temp dir), two ports on 127.0.0.1 only ($SLURM_PORT and
#                     the next; by default from the shell's pid, so that two clusters of
#                     two tests, or of a test and a person, do not meet); exports
#                     SLURM_CONF; waits until the node is idle. Returns 1 with the reason
#                     in SLURM_WHY when a daemon cannot start (the caller SKIPs).
#   slurm_stop        stops exactly the daemons slurm_start started, by their pids, and
#                     removes only DIR/slurm. Call it from the test's EXIT trap.
#
# Settings from /work/shared/VM-NOTES.md ("A one-node Slurm cluster"): root as SlurmUser,
# proctrack/linuxproc, task/none, no accounting (so no sacct: jobs are followed by squeue).

SLURM_PIDS=
SLURM_DIR=

# _slurm_pid FILE: the pid in FILE once it is there (at most 10 s)
_slurm_pid() {
	wait_until 100 test -s "$1"
	cat "$1" 2>/dev/null
}

slurm_start() {
	SLURM_DIR=$1/slurm
	SLURM_WHY=
	for b in munged slurmctld slurmd sbatch squeue scancel scontrol sinfo; do
		command -v $b >/dev/null || { SLURM_WHY="$b missing (slurm-wlm munge: make deps)"; return 1; }
	done
	mkdir -p "$SLURM_DIR/state" "$SLURM_DIR/spool" "$SLURM_DIR/munge" || return 1
	chmod 700 "$SLURM_DIR/munge"
	dd if=/dev/urandom of="$SLURM_DIR/munge/key" bs=1024 count=1 2>/dev/null
	chmod 400 "$SLURM_DIR/munge/key"
	sock=$SLURM_DIR/munge/socket
	: "${SLURM_PORT:=$((17000 + ($$ % 1000) * 2))}"
	munged --key-file="$SLURM_DIR/munge/key" --socket="$sock" \
		--pid-file="$SLURM_DIR/munge/pid" --log-file="$SLURM_DIR/munge/log" \
		--seed-file="$SLURM_DIR/munge/seed" --force 2>"$SLURM_DIR/munge/err" || {
		SLURM_WHY="munged does not start: $(head -c 200 "$SLURM_DIR/munge/err")"; return 1; }
	p=$(_slurm_pid "$SLURM_DIR/munge/pid")
	[ -n "$p" ] && SLURM_PIDS="$p"
	cat >"$SLURM_DIR/slurm.conf" <<-CONF
	ClusterName=pbtest
	SlurmctldHost=localhost
	SlurmctldPort=$SLURM_PORT
	SlurmdPort=$((SLURM_PORT + 1))
	AuthType=auth/munge
	AuthInfo=socket=$sock
	CredType=cred/munge
	SlurmUser=root
	SlurmdUser=root
	ProctrackType=proctrack/linuxproc
	TaskPlugin=task/none
	JobAcctGatherType=jobacct_gather/none
	SelectType=select/cons_tres
	SchedulerType=sched/builtin
	StateSaveLocation=$SLURM_DIR/state
	SlurmdSpoolDir=$SLURM_DIR/spool
	SlurmctldPidFile=$SLURM_DIR/slurmctld.pid
	SlurmdPidFile=$SLURM_DIR/slurmd.pid
	SlurmctldLogFile=$SLURM_DIR/slurmctld.log
	SlurmdLogFile=$SLURM_DIR/slurmd.log
	ReturnToService=2
	NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
	PartitionName=pb Nodes=localhost Default=YES MaxTime=INFINITE State=UP
	CONF
	export SLURM_CONF=$SLURM_DIR/slurm.conf
	slurmctld -f "$SLURM_CONF" 2>"$SLURM_DIR/slurmctld.err" || {
		SLURM_WHY="slurmctld does not start: $(head -c 200 "$SLURM_DIR/slurmctld.err")"
		return 1; }
	p=$(_slurm_pid "$SLURM_DIR/slurmctld.pid")
	[ -n "$p" ] && SLURM_PIDS="$SLURM_PIDS $p"
	slurmd -f "$SLURM_CONF" 2>"$SLURM_DIR/slurmd.err" || {
		SLURM_WHY="slurmd does not start: $(head -c 200 "$SLURM_DIR/slurmd.err")"
		return 1; }
	p=$(_slurm_pid "$SLURM_DIR/slurmd.pid")
	[ -n "$p" ] && SLURM_PIDS="$SLURM_PIDS $p"
	wait_until 300 _slurm_idle
	_slurm_idle || {
		SLURM_WHY="the node is not idle after 30 s: $(sinfo -h -o '%T' 2>&1 | head -c 200)"
		return 1; }
	return 0
}

_slurm_idle() {
	[ "$(sinfo -h -n localhost -o '%T' 2>/dev/null)" = idle ]
}

slurm_stop() {
	for p in $SLURM_PIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $SLURM_PIDS; do
		wait_until 100 sh -c "! kill -0 $p"
	done
	SLURM_PIDS=
	[ -n "$SLURM_DIR" ] && rm -rf "$SLURM_DIR"
	SLURM_DIR=
}
