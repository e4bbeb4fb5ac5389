/* SPDX-License-Identifier: GPL-2.0 */
/*
 * aa-bench.h - "patchbench bench aa": the false-positive rate of compare's
 * verdicts, measured with A/A comparisons of real host runs of one kernel.
 */
#ifndef PB_AA_BENCH_H
#define PB_AA_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct comparison;
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

/* aa_bench_check - @o's values that cannot work together, as an error line; 0 or -EINVAL. */
int aa_bench_check(const struct aa_bench_opts *o);

/**
 * aa_compare_draw - one comparison of runs drawn from pools, at compare's defaults
 * @c: the comparison, filled by compare_dirs(); release it either way
 * @cmp: a directory to create (emptied first) for the two sides' links
 * @pool_a: the runs of side A are "@pool_a-00" .. "@pool_a-<n_a - 1>"
 * @n_a: runs in @pool_a
 * @pool_b: likewise for side B; NULL: B too comes from @pool_a, disjoint from A
 * @n_b: runs in @pool_b
 * @k: runs per side, drawn without replacement (@k <= @n_a, @n_b; 2 @k <= @n_a
 *     without @pool_b)
 * @seed: state of the draw (splitmix64), advanced
 * @err: compare's error
 * @errlen: its size
 *
 * Links the drawn runs into @cmp/A and @cmp/B (a directory of result
 * directories is one side of compare) and compares them; the caller removes
 * @cmp. Return: as compare_dirs().
 */
int aa_compare_draw(struct comparison *c, const char *cmp, const char *pool_a, int n_a,
		    const char *pool_b, int n_b, int k, uint64_t *seed, char *err, size_t errlen);

#endif
