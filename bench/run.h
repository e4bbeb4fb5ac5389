/* SPDX-License-Identifier: GPL-2.0 */
/*
 * run.h - one run while it runs: its options, cgroup tree, workload
 * instances, monitor state and status. The runner (runner.c) drives it;
 * the sampler, the monitors and the workloads read it and write their
 * files into its result directory.
 */
#ifndef PB_RUN_H
#define PB_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "cgroup.h"
#include "run-opts.h"
#include "util.h"
#include "workload.h"

struct meta_env;

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
	struct meta_env *env;	/* the machine, captured as the run starts (envcap.h) */
};

/* Absolute path of @name in the run's result directory; caller frees. */
char *run_path(const struct run *r, const char *name);

#endif
