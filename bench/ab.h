/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ab.h - an A/B series: the base and the patched kernel (built on the way
 * when missing) run interleaved, A B A B ..., each run in its own result
 * directory below one A/B directory with an ab.json index.
 */
#ifndef PB_AB_H
#define PB_AB_H

#include <stdbool.h>

struct run_opts;

/* What "patchbench ab" fills from its own options (the rest is a struct run_opts). */
struct ab_opts {
	char *base;		/* kernel or series name; "vanilla" = no series */
	char *patched;
	int repeat;		/* runs per side; with @repeat_auto the most */
	char *repeat_s;		/* --repeat as given: N or "auto" */
	bool repeat_auto;	/* add pairs until the watched metrics settle */
	int max_repeat;		/* --max-repeat: the most pairs of --repeat auto */
	char *watch;		/* --watch KEY,...: NULL: insn:kernel, else cputotal:task-clock */
	char *out;		/* A/B directory; NULL: results/ab-<date>-<base>-vs-<patched> */
	char *config;		/* config of kernels built on the way (smoke|full|FILE) */
	int build_jobs;		/* make -j of those builds; 0: the CPUs */
	bool force;		/* replace an existing A/B directory */
};

/*
 * ab_run - check both kernels and the A/B directory before building
 * anything, build what is missing, then run @ro (target, workloads, ...)
 * 2 * @o->repeat times through run_main(), alternating the kernels; prints
 * the reasons of failures and a closing line. @ro->out and @ro->kernel are
 * the caller's (NULL on entry) and replaced on each run; the caller still
 * releases @ro. Returns the exit code: 0 every run complete, 1 a run
 * failed or was interrupted (the series stops at an interrupt or bad
 * input), 2 bad input before the first run.
 */
int ab_run(const struct ab_opts *o, struct run_opts *ro);

#endif
