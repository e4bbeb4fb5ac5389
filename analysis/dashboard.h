/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dashboard.h - a static HTML page over every A/B directory below a
 * results directory: one row per A/B (newest first) with its verdict and a
 * link to its compare report, and trend plots of the key metrics per series.
 *
 * Incremental: each comparison is cached in the output directory under a
 * key made of its ab.json and the meta.json of every run (and the compare
 * schema), and only recomputed when that key changes.
 */
#ifndef PB_DASHBOARD_H
#define PB_DASHBOARD_H

#include <stdbool.h>
#include <stddef.h>

struct dashboard_stats {
	size_t found;		/* A/B directories */
	size_t recomputed;	/* comparisons made (the others came from the cache) */
	size_t failed;		/* A/B directories that cannot be compared (shown as such) */
	size_t regressions;	/* A/B directories with at least one regression */
};

/*
 * dashboard_update - write @out/index.html (and per A/B directory
 * @out/<name>/report.html, compare.json, key) for every A/B directory
 * (a directory with ab.json) found below @results, down to three levels.
 * Returns 0 with @st filled, or -errno with @err when @out cannot be written
 * or @results read. An A/B directory that cannot be compared is a row that
 * says why, not an error.
 */
int dashboard_update(const char *results, const char *out, struct dashboard_stats *st,
		     char *err, size_t errlen);

#endif
