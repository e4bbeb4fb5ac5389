/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bisect-run.h - "patchbench bisect": the first patch of a series that makes a
 * metric regress. Prefix kernels <series>-p<k> (the base and patches 1..k)
 * are built through the build cache and run under --target vm; the search
 * itself is analysis/bisect.c.
 */
#ifndef PB_BISECT_RUN_H
#define PB_BISECT_RUN_H

#include <stdbool.h>

#include "slurm.h"

struct run_opts;

/* What "patchbench bisect" fills from its own options (the rest is a struct run_opts). */
struct bisect_opts {
	char *base;		/* kernel or series name; "vanilla" = no series; NULL: vanilla */
	char *series;		/* a name in kernels/series/, a directory or a patch file */
	char *good, *bad;	/* git mode: the commits good..bad of the --source git tree */
	char *metric;		/* comma-separated metric keys; NULL: what regressed at the ends */
	int repeat;		/* runs per kernel; with @repeat_auto the most */
	char *repeat_s;		/* --repeat as given: N or "auto"; NULL: 2 with instruction
				 * counts, else auto (decided on the base's first run) */
	bool repeat_auto;	/* add pairs until the watched metrics settle */
	int max_repeat;		/* --max-repeat: the most runs a side of --repeat auto */
	char *out;		/* NULL: results/bisect-<date>-<series> */
	char *config;		/* config of the kernels built (smoke|full|FILE) */
	int build_jobs;		/* make -j; 0: the CPUs */
	char *engine;		/* local | slurm: who places the runs */
	struct slurm_opts slurm;	/* --engine slurm: each step's runs one array, waited for */
};

/*
 * bisect_run - build and run the ends (base, whole series), then bisect the
 * metrics that regressed there (or @o->metric); writes bisect.json and
 * BISECT.txt into the bisect directory, whose complete runs a second call
 * with the same directory reuses (resume). With --engine slurm the runs a
 * step makes (a kernel's, or a base run and one of the kernel's) are one
 * job array of a run per task, waited for (Ctrl-C cancels it); the builds
 * stay here. @ro holds the run options of
 * every run (its out and kernel are set here). Returns the exit code: 0 the
 * first bad patch was found or there is nothing to bisect, 1 a step failed
 * or the answer is ambiguous, 2 bad input.
 */
int bisect_run(const struct bisect_opts *o, struct run_opts *ro);

#endif
