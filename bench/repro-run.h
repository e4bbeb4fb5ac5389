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

struct kernel_info;
struct repro_auto;
struct repro_kernel;

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

#endif
