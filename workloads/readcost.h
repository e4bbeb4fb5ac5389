/* SPDX-License-Identifier: GPL-2.0 */
/*
 * readcost.h - the parts of the readcost workload (wl-readcost.c) that are
 * pure functions: hyperfine's --export-json result, the summary of a sample
 * of latencies, and the --readcost-counts list. Unit-tested in
 * tests/unit/t-readcost.c.
 */
#ifndef PB_READCOST_H
#define PB_READCOST_H

#include <stddef.h>

/* results[0] of a hyperfine --export-json file; times in seconds. */
struct readcost_hf {
	char *command;
	double mean, stddev, median, min, max;	/* stddev NaN if hyperfine wrote null */
	double *times;
	size_t ntimes;
};

/*
 * readcost_hyperfine_parse - read results[0] of hyperfine's JSON in @buf
 * (@len bytes) into @out: mean, stddev, median, min, max and times[].
 * Returns 0, or -EINVAL with a one-line reason in @err. On success @out
 * holds allocations: release it with readcost_hf_release().
 */
int readcost_hyperfine_parse(const char *buf, size_t len, struct readcost_hf *out, char *err,
			     size_t errlen);
/* readcost_hyperfine_parse() on the file @path; -errno if it cannot be read. */
int readcost_hyperfine_load(const char *path, struct readcost_hf *out, char *err,
			    size_t errlen);
/* Free what @hf holds and zero it; NULL and a zeroed struct are fine. */
void readcost_hf_release(struct readcost_hf *hf);

/* Order statistics and moments of one sample, in the unit of the input. */
struct readcost_sum {
	size_t n;
	double p50, p99, mean, stddev, min, max;	/* NaN when undefined */
};

/*
 * readcost_summarize - summarize the @n values of @v (sorted in place):
 * percentiles interpolated as stats_percentile(), sample stddev (n - 1,
 * as hyperfine), NaN for stddev when @n < 2 and for everything when @n is 0.
 */
void readcost_summarize(double *v, size_t n, struct readcost_sum *s);

/*
 * readcost_parse_counts - parse the comma-separated --readcost-counts @list
 * of cgroup counts, each 1..@max. Returns how many, with the numbers in
 * *@out (the caller frees it), or -EINVAL with a one-line reason in @err.
 */
int readcost_parse_counts(const char *list, int max, int **out, char *err, size_t errlen);

#endif
