/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PB_RUNNER_H
#define PB_RUNNER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cgroup.h"
#include "util.h"
#include "workload.h"

/* Options of "patchbench run" (table in cmd-run.c). */
struct run_opts {
	char *target;		/* host */
	char *cgroup;		/* auto | v1 | v2 */
	char *workload;		/* comma-separated workload names */
	char *scale;		/* smoke | small | full */
	char *out;		/* result directory; NULL = results/<run-id> */
	char *source;		/* kernel source dir or tarball */
	char *cache;		/* cache directory; NULL = default */
	int depth, builders, idle, jobs, batch;
	int64_t interval, duration, settle;
	bool force, quiet;
	bool perf;		/* --perf: perf record -a over the measured window */
	char *perf_keep;	/* --perf-keep yes|no: keep perf.data */
	int perf_freq;		/* --perf-freq HZ */
	char *trace;		/* --trace LIST: tracepoint monitors, e.g. "rss_stat" */
	/* --target vm */
	char *kernel;		/* built kernel name */
	char *accel;		/* auto | kvm | tcg */
	char *insn_count;	/* auto | on | off: guest instructions, TCG plugin */
	int vm_cpus;
	uint64_t vm_mem;
	int64_t boot_timeout, run_timeout;
	char *append;		/* extra kernel command line */
	char *workdir;		/* scratch directory; NULL = <cache>/work */
	/* Set by the VM target for the run inside the guest, not options: */
	char *target_label;	/* "vm-tcg" / "vm-kvm"; NULL = "host" */
	char *kernel_name, *series, *config_hash;
	char *notes;		/* for meta.json "notes" */
	bool out_exists;	/* --out is the guest's share: use it as it is */
	void *wl_params[8];	/* per workload, index as in workloads[] */
};

enum run_status { RUN_RUNNING, RUN_COMPLETE, RUN_FAILED, RUN_INTERRUPTED, RUN_KILLED };
const char *run_status_name(enum run_status s);

enum scale { SCALE_SMOKE, SCALE_SMALL, SCALE_FULL };

struct run {
	const struct run_opts *o;
	struct cg_layout layout;
	struct cg_tree tree;
	char *id;		/* "20261122-031500" */
	char *dir;		/* result directory */
	char *cache;		/* cache directory (sources) */
	char *workdir;		/* scratch directory of this run, removed at the end */
	enum scale scale;
	unsigned cpus, page_size;
	int64_t t0;		/* monotonic start of the measured window */
	int64_t wall_start, wall_end;
	struct wl_inst *inst;
	size_t ninst;
	void *mon_priv[8];	/* per monitor, index as in monitors[]; NULL = off */
	struct strbuf notes;	/* why optional monitors are off, for meta.json */
	enum run_status status;
	char *error;		/* why the run failed, for meta.json */
	unsigned long samples;
	bool stopping;		/* stop_all() has signalled the workloads */
	unsigned long missed;	/* grid points of the sampling interval passed with no sample */
	char *owner_path;	/* <cache>/runs/<id>.owner while the run exists, or NULL */
};

/*
 * run_spawn - start @fn(@arg) as a process of @wi: inside @wi's cgroup
 * (or, with @outside, in patchbench's own cgroup, for controllers that
 * manage cgroups of their own), logging to @wi's log. Sets wi->pid.
 * Returns 0 or -errno.
 */
int run_spawn(struct wl_inst *wi, bool outside, int (*fn)(void *), void *arg);
/* A run_spawn() @fn that execs the NULL-terminated argv @arg. */
int run_exec_argv(void *arg);
/* Absolute path of @name in the run's result directory; caller frees. */
char *run_path(const struct run *r, const char *name);

/*
 * run_main - the whole of "patchbench run": validate, create, run, sample,
 * clean up, write the result directory, print the summary.
 * Returns the exit code: 0 complete, 1 failed or interrupted, 2 bad input.
 */
int run_main(struct run_opts *o);

/*
 * run_clean - find the runs whose owner process died (SIGKILL, a crash) by
 * their owner records in @cache/runs, and remove what they left: their
 * cgroup trees (only a patchbench-<run-id> directory right below this
 * process's own memory or cpuacct cgroup, processes killed first), their
 * scratch directories, and their records; their result directories, if
 * still "running", become "killed", with what samples.raw held turned into
 * the usual TSV files. Runs whose owner lives are left alone. With
 * @dry_run, only prints (to @out) what it would do.
 * Returns the number of dead runs found, or -errno.
 */
int run_clean(const char *cache, bool dry_run, FILE *out);

/* cmd-run.c: parse "run" options into @o (0, -1 usage error, -2 --help). */
int run_opts_parse(struct run_opts *o, int argc, char **argv);
void run_opts_release(struct run_opts *o);
/* Every option of @o that matters inside a guest, one "--name=value" per line. */
void run_opts_to_args(const struct run_opts *o, struct strbuf *sb);
/* vm.c: "patchbench run --target vm". Same exit codes as run_main(). */
int vm_run_main(struct run_opts *o);
/* guest.c: patchbench as the guest's init (PID 1). Never returns. */
void guest_init_main(void);

#endif
