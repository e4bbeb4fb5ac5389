/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PB_RUNNER_H
#define PB_RUNNER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cgroup.h"
#include "run-opts.h"
#include "util.h"
#include "workload.h"

/* Room for the monitors of monitors[] (asserted there). */
#define RUN_MAX_MONITORS 8

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
	void *mon_priv[RUN_MAX_MONITORS];	/* per monitor, as in monitors[]; NULL = off */
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
 * run_main - the whole of "patchbench run" on the target @o asks for
 * (target.c): validate, create, run, sample, clean up, write the result
 * directory, print the summary.
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

/* guest.c: patchbench as the guest's init (PID 1). Never returns. */
void guest_init_main(void);

#endif
