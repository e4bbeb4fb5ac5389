/* SPDX-License-Identifier: GPL-2.0 */
/*
 * insn-bench.h - "patchbench bench insn", bench aa's instruction mode: the
 * targets of issue 11 for the guest instruction counts of the TCG plugin,
 * measured side by side with real vm runs.
 */
#ifndef PB_INSN_BENCH_H
#define PB_INSN_BENCH_H

#include <stdio.h>

struct json_writer;

struct insn_bench_opts {
	int pool;		/* vm runs per kernel and workload */
	int pairs;		/* runs without counts, each next to one with */
	int comparisons;	/* A/B comparisons drawn from the pools, per kernel */
	int per_side;		/* runs per side of each comparison */
	const char *kernels;	/* "BASE,CONTROL,NOOP"; an empty CONTROL or NOOP skips it */
};

/* The symbol memcg-stat-cost adds (kernels/series/memcg-stat-cost/README). */
#define INSN_BENCH_CONTROL_SYM "memcg_stat_extra_cost"

/*
 * insn_bench_run - the A/A noise of the instruction counts across boots of
 * one kernel (a fixed-work workload, a time-driven one, quiet memory.stat
 * reads), the plugin's wall-time cost and the verdicts on the positive
 * control and on noop, each against its target. Runs "patchbench run
 * --target vm" (this binary) @o->pool times per kernel and workload,
 * interleaved, in a temporary directory removed at the end; a progress
 * line per run on stderr. Prints text on @out, or one object of the open
 * JSON array @w. Returns 0; 1 when skipped (no qemu, no plugin, the base
 * kernel missing: the reason printed); -EINTR after insn_bench_interrupt();
 * -errno after printing an error.
 */
int insn_bench_run(const struct insn_bench_opts *o, struct json_writer *w, FILE *out);

/*
 * insn_bench_check - @o's values that cannot work together, as an error
 * printed (the caller's exit 2). Returns 0 or -EINVAL.
 */
int insn_bench_check(const struct insn_bench_opts *o);

/*
 * insn_bench_interrupt - for the caller's signal handler (async-signal
 * safe): the running vm run is stopped and insn_bench_run() returns -EINTR.
 */
void insn_bench_interrupt(int sig);

#endif
