/* SPDX-License-Identifier: GPL-2.0 */
/*
 * repro-run.h - the runs of "patchbench reproduce": the four kernels built
 * (or loaded), then the vm runs of table 1 (selftests), of the read-cost
 * scaling and of tables 2 and 3 (the repeats), each reused when a complete
 * run is in its directory already. What is made of them is analysis/repro.h's.
 */
#ifndef PB_REPRO_RUN_H
#define PB_REPRO_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "slurm.h"

struct kernel_info;
struct repro_auto;
struct repro_kernel;
struct run_opts;

/*
 * The workloads of the overhead runs when --workloads is not given: these at
 * every scale, and at small and full also the memcg workloads that reach
 * charge and reclaim (issue 14; not at smoke, which tests run).
 */
#define REPRO_WORKLOADS "idle,kernelbuild,stat-probe"
#define REPRO_MEMCG_WORKLOADS "page-fault,reclaim,cgroup-churn"

/* The options of a reproduction, as "patchbench reproduce" parses them. */
struct repro_opts {
	char *scale;		/* smoke|small|full */
	char *out;		/* output directory, NULL: results/reproduce-<date> */
	int repeats;		/* runs per kernel of tables 2 and 3; with auto the most */
	char *repeats_s;	/* --repeats as given: N or "auto" */
	bool repeats_auto;	/* add rounds until every kernel's watched metric settles */
	int max_repeat;		/* --max-repeat: the most rounds of auto */
	char *workloads;	/* of those runs */
	int64_t duration;	/* ns of each of them, 0: until the builders finish */
	bool no_selftests;
	bool no_readcost;
	char *readcost_counts;	/* numbers of child cgroups, comma-separated */
	int readcost_repeats;
	char *selftests;	/* cgroup selftests of table 1 */
	char *selftests_kernels;	/* the kernels table 1 runs them on */
	char *run_args;		/* extra "run" options of the overhead runs, space-separated */
	char *source;		/* kernel source, NULL: Debian's linux-source-6.1 */
	char *cache;		/* NULL: pb_cache_dir() */
	bool report_only;	/* build and run nothing; load the kernels and runs there are */
	char *engine;		/* local | slurm: who places the runs */
	struct slurm_opts slurm;	/* --engine slurm */
};

/*
 * repro_run - build (with @o->report_only: load) the REPRO_NKERNELS kernels
 * of repro_kernel_names from cache @cache into @ki, then run the selftests,
 * read-cost and overhead runs of @o below @out, loading each kernel's TAP
 * and read-cost points into @ks and setting its runs_dir. A run that does
 * not complete is warned about and left to the report; with
 * @o->report_only nothing is run. @ki and @ks are zeroed arrays of
 * REPRO_NKERNELS the caller releases (kernel_info_release(),
 * repro_kernel_release()), whatever this returns. With @o->repeats_auto
 * the overhead runs go round by round until every patched kernel's watched
 * metric (settle_default_watch()) has settled against vanilla, at most
 * @o->max_repeat rounds; @ra says how many and why it stopped (the caller
 * frees @ra->stopped). Returns 0 when the runs
 * are done, else the exit code of the reproduction: 2 for a kernel that is
 * not there or cannot be (bad input), 1 for a failed build or a run with
 * bad options; the reason is printed.
 */
int repro_run(const struct repro_opts *o, const char *out, const char *cache,
	      struct kernel_info *ki, struct repro_kernel *ks, struct repro_auto *ra);

/*
 * repro_get_kernels - the REPRO_NKERNELS kernels into @ki: built unless
 * built already with the same key (with @o->report_only: loaded). 0, or the
 * exit code (2 a kernel that is not there or cannot be, 1 a failed build),
 * the reason printed.
 */
int repro_get_kernels(const struct repro_opts *o, const char *cache, struct kernel_info *ki);

/*
 * repro_run_opts - @o (run_opts_init()'d here, the caller releases it) as
 * the vm run of @workloads on @kernel into @out of the reproduction @ro:
 * with @use_duration (the overhead runs) --duration and --run-args too.
 * 0; 1 --help among --run-args (printed); 2 bad --run-args (printed).
 */
int repro_run_opts(const struct repro_opts *ro, const char *kernel, const char *out,
		   const char *workloads, bool perf, bool use_duration, struct run_opts *o);

/* One run of a reproduction under --engine slurm (repro_plan()). */
struct repro_planned {
	int task;		/* its array task: 1, 2, ... */
	int pair;		/* the overhead runs: the round (--pair), else 0 */
	const char *kernel;	/* of repro_kernel_names */
	char *dir;		/* its result directory, where a local reproduce puts it */
	const char *workloads;
	bool perf, use_duration;	/* as run_one() gives them: the overhead runs */
};

/*
 * repro_plan - the runs of the reproduction @o into @out that are not
 * complete yet, in the local order: table 1 (one task per kernel), the
 * read-cost rounds (one task per round, the kernels in order), then the
 * overhead rounds (one task per round with --pair ROUND, its kernels from
 * the (round-1)-th one on, cyclically, so that no kernel always runs
 * first on a node). Tasks without a run to make are left out, the others
 * numbered 1, 2, ... *@runs gets them (repro_plan_free()); returns how many.
 */
size_t repro_plan(const struct repro_opts *o, const char *out, struct repro_planned **runs);
void repro_plan_free(struct repro_planned *runs, size_t n);

/*
 * repro_slurm_task_script - the array's script (slurm_task_script()) of the
 * plan @runs: each run's options from repro_run_opts() (+ --pair), as
 * "@self run ...". NULL after bad --run-args (printed). The caller frees it.
 */
char *repro_slurm_task_script(const struct repro_opts *o, const struct repro_planned *runs,
			      size_t n, const char *self);

/*
 * repro_slurm - reproduce --engine slurm: the kernels built here (into
 * @o->cache, absolute), the runs of repro_plan() as one job array and a
 * final job (afterany) "@report_argv" (reproduce --report-only with the
 * options of the reproduction) whose output goes to @out/slurm/report.out,
 * its status to @out/slurm/report.status. With --wait: one line per job
 * state change, then that output; Ctrl-C cancels exactly those jobs.
 * Returns the exit code (the report's with --wait, 0 submitted, 1 a job
 * not submitted or followed, or interrupted, 2 bad input), or -1 when every
 * run is complete already (nothing submitted: the caller reports locally).
 */
int repro_slurm(const struct repro_opts *o, const char *out, char *const *report_argv);

#endif
