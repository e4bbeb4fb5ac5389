/* SPDX-License-Identifier: GPL-2.0 */
/*
 * aa-bench.h - "patchbench bench aa": the false-positive rate of compare's
 * verdicts, measured with A/A comparisons of real host runs of one kernel.
 */
#ifndef PB_AA_BENCH_H
#define PB_AA_BENCH_H

#include <stdio.h>

struct json_writer;

struct aa_bench_opts {
	int runs;		/* host runs of the same workload */
	int per_side;		/* runs per side of each comparison */
	int comparisons;	/* comparisons drawn from the runs */
};

/*
 * aa_bench_run - make @o->runs host runs (patchbench run -w idle,kmem-churn
 * --idle 2 --kmem-churn-children 20 -d 5s) in a temporary directory, then
 * @o->comparisons comparisons of @o->per_side runs against @o->per_side
 * other runs, drawn with a fixed seed, each at the default thresholds. Every
 * regression or improvement is a false positive. Prints the rate as text on
 * @out, or as members of the open JSON object @w when @w is set. The runs
 * are removed at the end. Returns 0, or -errno after printing an error.
 */
int aa_bench_run(const struct aa_bench_opts *o, struct json_writer *w, FILE *out);

#endif
