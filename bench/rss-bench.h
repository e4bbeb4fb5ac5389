/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rss-bench.h - the "rss" benchmark collection: kmem:rss_stat ingestion
 * speed of patchbench's libtraceevent path against "trace-cmd report" text
 * piped into a minimal awk aggregation, on one recorded trace.
 */
#ifndef PB_RSS_BENCH_H
#define PB_RSS_BENCH_H

#include <stdio.h>

struct json_writer;

/*
 * rss_bench_ingest - record one rss_stat trace of a fork-and-fault
 * workload (needs root and tracefs; trace-cmd in PATH), then ingest it both
 * ways, several times each, and report events per second of each and their
 * ratio: as text on @out, or, when @w is not NULL, as one JSON object value
 * written into @w. Returns 0, 1 when the machine lacks something (the
 * reason is printed, or is the object's "skipped"), or -errno.
 */
int rss_bench_ingest(struct json_writer *w, FILE *out);

#endif
