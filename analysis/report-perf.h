/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report-perf.h - the report sections of the perf, cputotal and rss_stat
 * monitors, each printed only when its file is in the result directory.
 */
#ifndef PB_REPORT_PERF_H
#define PB_REPORT_PERF_H

#include <stdio.h>

struct json_writer;

/*
 * report_perf_text - print the perf profile (top kernel symbols, from
 * perf-symbols.tsv, sampled with @event), the system-wide counters
 * (cputotal.tsv) and the rss_stat summary (rss_stat-summary.tsv) of @dir,
 * each as a 72-column section preceded by a blank line.
 */
void report_perf_text(const char *dir, const char *event, FILE *out);
/* The same as members "perf_symbols", "cpu_totals", "rss_stat" of the open object @w. */
void report_perf_json(const char *dir, struct json_writer *w);

#endif
