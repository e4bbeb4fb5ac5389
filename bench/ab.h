/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ab.h - an A/B series: the base and the patched kernel (built on the way
 * when missing) run interleaved, A B A B ..., each run in its own result
 * directory below one A/B directory with an ab.json index.
 */
#ifndef PB_AB_H
#define PB_AB_H

#include <stdbool.h>

#include "slurm.h"

struct kernel_info;
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
	char *engine;		/* local | slurm: who places the runs */
	struct slurm_opts slurm;	/* --engine slurm */
	bool build_on_node;	/* --engine slurm: the kernels built by a Slurm job, not here */
	char *build_time;	/* --build-time: that job's sbatch --time; NULL: AB_BUILD_TIME */
	char *collect;		/* --collect DIR: the final job's step (ab_collect()) */
};

/* The time limit of the build job of --build-on-node without --build-time. */
#define AB_BUILD_TIME "2:00:00"

/*
 * What ab.json says about the jobs of --engine slurm (NULL for local): with
 * --build-on-node the build job, its log, and the cache it builds into.
 */
struct ab_jobs {
	const char *array, *final;
	const char *build, *build_log, *cache;
};

struct kbuild_opts;

/*
 * ab_build_opts - into @bo, what a build of kernel @name for the A/B of
 * @ao and @ro is (the same for a build here and one on a node): series
 * @name (none for vanilla), --build-config, --build-jobs or the CPUs, the
 * cache @cache, @ro's source. @bo points into the arguments.
 */
void ab_build_opts(struct kbuild_opts *bo, const char *cache, const char *name,
		   const struct ab_opts *ao, const struct run_opts *ro);

/*
 * ab_slurm_build_script - the build job's script (slurm_build_script()) of
 * --build-on-node: "patchbench build" of each of @ka, @kb that is not
 * built yet (no key: ab_build_opts() as options, with @ro->cache, -j only
 * with --build-jobs: else the node's CPUs), a check that the node sees
 * each that is; the status into @status. The caller frees it.
 */
char *ab_slurm_build_script(const struct ab_opts *o, const struct run_opts *ro,
			    const struct kernel_info *ka, const struct kernel_info *kb,
			    const char *self, const char *status);

/*
 * ab_run_set - the options of run @i (1-based) of side @side (0 A, 1 B)
 * of the A/B in @dir: @ro with --out @dir/A-i or B-i and --kernel @k's
 * name. Every engine builds a run's options here, from the options of ab.
 * Returns the run's directory (within @ro->out).
 */
const char *ab_run_set(struct run_opts *ro, const char *dir, int side, int i,
		       const struct kernel_info *k);
/*
 * ab_write_json - @dir/ab.json: both kernels, the @n runs so far (@runs:
 * their directories, @sides "A"/"B"), @status, why --repeat auto stopped
 * (@stopped, or NULL), and with @jobs the engine's jobs. 0 or -errno.
 */
int ab_write_json(const char *dir, const struct ab_opts *o, const struct kernel_info *a,
		  const struct kernel_info *b, char **runs, const char **sides, size_t n,
		  const char *status, const char *stopped, const struct ab_jobs *jobs);
/*
 * ab_slurm - --engine slurm, once both kernels are built and @dir made (with
 * --build-on-node: a kernel not built yet has only its name, and a build job
 * before the array builds it):
 * write the task and final scripts under @dir/slurm, submit the array (task
 * N: pair N, its order by slurm_pair_first()) and the final job, then with
 * --wait follow them (Ctrl-C cancels exactly those jobs) and print the
 * report. Returns the exit code: compare's with --wait, else 0 submitted;
 * 1 a job could not be submitted or followed, or interrupted.
 */
int ab_slurm(const struct ab_opts *o, struct run_opts *ro, const char *dir,
	     const struct kernel_info *ka, const struct kernel_info *kb);
/*
 * ab_slurm_task_script - the array's script (slurm_task_script()) of the
 * A/B in @dir: task N runs pair N, each run's options from ab_run_set() on
 * @ro plus --pair N, in slurm_pair_first(N)'s order, as "@self run ...".
 * @ro's out and kernel are left at the last run's. The caller frees it.
 */
char *ab_slurm_task_script(const struct ab_opts *o, struct run_opts *ro, const char *dir,
			   const struct kernel_info *ka, const struct kernel_info *kb,
			   const char *self);
/*
 * ab_collect - the final job's first step: ab.json's status from the
 * runs' meta.json (complete when every one is, else failed), one line per
 * run that is not complete; with a build job (--build-on-node) failed when
 * it did not write status 0, and the keys of the kernels it built filled in.
 * Returns 0, 1 a run is not complete (or the build failed), 2 no readable
 * ab.json.
 */
int ab_collect(const char *dir);

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
