/* SPDX-License-Identifier: GPL-2.0 */
/*
 * metrics.h - the numbers of one result directory, shared by "report" (one
 * run) and "compare" (two sets of runs).
 *
 * Two layers:
 *  - struct run_summary: what the TSV files say, aggregated per drift check,
 *    per tree level and per workload cgroup (report prints it as it is);
 *  - struct metric_set: one scalar per metric ("drift:current-vs-stat:p99"),
 *    made by a table of extractors, metric_sources[]. An extractor whose file
 *    a run lacks adds nothing, so optional monitors (perf, rss_stat,
 *    selftests) plug in as extra rows of the same table.
 */
#ifndef PB_METRICS_H
#define PB_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "resultdir.h"
#include "stats.h"

#define METRICS_MAX_CHECKS 8
#define METRICS_MAX_LEVELS 32

struct check_sum {
	char *name;		/* "current-vs-stat" */
	struct dvec err;	/* abs error per row, bytes */
	double bound;		/* largest bound seen */
	size_t over;		/* rows over their bound */
	double max_err;
	char *max_where;	/* "cgroup key" of the max */
};

struct level_sum {
	struct dvec lat;	/* memory.stat read latency, ns */
	char *example;		/* one cgroup of that level */
};

/* One row of workloads.tsv with the CPU time of its cgroup from cpu.tsv. */
struct wl_sum {
	char *workload;		/* "kernelbuild" */
	char *cgroup;		/* "kernelbuild/one/two/three/four/build-a" */
	double wall_ms;
	int64_t end_ms;		/* t_ms of its end; -1 never, 0 unknown (old runs) */
	int exit;
	char *state;
	double cpu_us, sys_us;	/* NaN when cpu.tsv lacks the cgroup */
};

/* CPU time of one cgroup of cpu.tsv over the run (end - start). */
struct cpu_sum {
	char *cgroup;
	double usage_us, user_us, sys_us;
};

/* One root-vs-vmstat row of drift.tsv: which LRU list (metrics.c's root_lru), when, how far off. */
struct root_row {
	int lru;
	int64_t t_ms;
	double err;
};

struct run_summary {
	struct meta meta;
	struct check_sum checks[METRICS_MAX_CHECKS];
	size_t nchecks;
	struct level_sum levels[METRICS_MAX_LEVELS];
	struct wl_sum *wl;
	size_t nwl;
	struct cpu_sum *cpu;
	size_t ncpu;
	struct root_row *root;	/* drift.tsv's root-vs-vmstat rows of the LRU lists */
	size_t nroot;
	bool have_drift, have_lat;
};

/*
 * run_summary_load - read meta.json, drift.tsv, readlat.tsv, workloads.tsv
 * and cpu.tsv of result directory @dir into @s (which needs no init).
 * Only meta.json is required. Returns 0, or -errno with @err naming the
 * file that is missing or malformed; release @s with run_summary_release()
 * either way.
 */
int run_summary_load(struct run_summary *s, const char *dir, char *err, size_t errlen);
void run_summary_release(struct run_summary *s);

/* "a/b/c" -> "c" (the name a table shows for a cgroup). */
const char *metrics_last_part(const char *path);

/* What metrics_tap_line() found. */
enum { TAP_OK, TAP_NOT_OK, TAP_SKIP };
/*
 * metrics_tap_line - one TAP line ("ok 2 desc", "not ok 3 - desc # SKIP x",
 * nested "# " prefixes allowed). Cuts the directive off @line in place and
 * points @desc at the description. Returns TAP_OK, TAP_NOT_OK, TAP_SKIP,
 * or -1 for a line that is not a test result.
 */
int metrics_tap_line(char *line, char **desc);

/* One result of a (nested) TAP stream, with what the test printed before it. */
struct tap_test {
	char *name;		/* "test_kmem_basic"; a SKIP without one: its reason */
	int status;		/* TAP_OK, TAP_NOT_OK, TAP_SKIP */
	char *directive;	/* after '#': "SKIP ...", "exit=1", "TIMEOUT 30 seconds"; or NULL */
	int depth;		/* "# " prefixes: 0 the outer stream, 1 a test program's own */
	char **diag;		/* the lines since the previous result, NULL-terminated, or NULL */
	size_t ndiag;
};

struct tap_doc {
	struct tap_test *t;	/* in stream order */
	size_t n;
	char **notes;		/* "# patchbench: X" lines (the harness's own): X; or NULL */
	size_t nnotes;
};

/*
 * tap_parse - the results of TAP text @buf (@len bytes) into @doc
 *
 * Nested streams are read as kselftest's runner nests them: each level
 * prefixes "# ". Every line that is not a result, a plan, a "TAP version"
 * or a runner header ("selftests: cgroup: test_kmem") is a diagnostic of
 * the next result: the values a test printed before its "not ok" (a
 * trailing "Totals" line goes to the enclosing program's result). Lines
 * "patchbench: X" at any depth are notes of the harness, in @doc->notes.
 * Always returns 0; release @doc with tap_doc_release().
 */
int tap_parse(const char *buf, size_t len, struct tap_doc *doc);
void tap_doc_release(struct tap_doc *doc);

/* The first result named @name in @doc, or NULL. */
const struct tap_test *tap_doc_find(const struct tap_doc *doc, const char *name);

/* A table row's name: "selftests: cgroup: test_kmem" (a program's own result) -> "test_kmem". */
const char *tap_test_row(const struct tap_test *t);

/* The number after "@key = " or "@key " in a diagnostic line of @t, or NAN. */
double tap_diag_value(const struct tap_test *t, const char *key);

/**
 * tap_doc_print_failures - every "not ok" of @doc with what it printed, to @f
 * @f: where to print (lines fit 72 columns)
 * @doc: the parsed TAP
 * @label: what each line starts with (the kernel's name)
 *
 * One line per failed result ("@label: test not ok # directive"), then
 * its diagnostics, indented (the kernel's reason), and where the test
 * printed both, memory.current against the sum of the memory.stat items
 * ("slab + anon + file + kernel_stack = ", test_kmem's label), as the
 * rstat cover letter shows them.
 */
void tap_doc_print_failures(FILE *f, const struct tap_doc *doc, const char *label);

/* What a metric is measured in; decides formatting. */
enum metric_unit {
	MU_BYTES,
	MU_US,
	MU_S,
	MU_PCT,		/* a share, in percent */
	MU_COUNT,
	MU_PASS,	/* a test result: 1 pass, 0 fail */
};

/* Which way is better; MB_NONE is informational (no verdict). */
enum metric_better {
	MB_LOWER,
	MB_HIGHER,
	MB_NONE,
};

/*
 * One scalar of one run, with what compare needs to judge a change: the
 * default threshold is max(@thr_rel x |mean of the base side|, @thr_abs),
 * raised to the A/A noise floor when one is given.
 */
struct metric {
	char *key;		/* unique and stable: "drift:current-vs-stat:p99" */
	char *group;		/* the extractor's name: "drift" */
	char *label;		/* for tables: "current-vs-stat p99" */
	enum metric_unit unit;
	enum metric_better better;
	double thr_rel;
	double thr_abs;		/* in @unit */
	bool trend;		/* a key metric: plotted on the dashboard */
	bool absent_zero;	/* a run with the source but not this metric counts 0 (perf symbols) */
	double value;
};

struct metric_set {
	struct metric *m;
	size_t n;
	char **groups;		/* sources whose file the run has */
	size_t ngroups;
};

void metric_set_init(struct metric_set *ms);
void metric_set_release(struct metric_set *ms);
/* Append a metric; strings are copied. NaN values are not added. */
void metric_set_add(struct metric_set *ms, const struct metric *tmpl, double value);
const struct metric *metric_set_find(const struct metric_set *ms, const char *key);
/* Whether the run of @ms had the file of source @group. */
bool metric_set_has_group(const struct metric_set *ms, const char *group);

/*
 * A source of metrics: one extractor per kind of result file. @file is the
 * file it needs (NULL: always runs); a run without it gets no rows from
 * this source. Sections of reports follow the order of metric_sources[].
 */
struct metric_source {
	const char *name;	/* also struct metric.group */
	const char *title;	/* section title in reports */
	const char *file;
	const char *file2;	/* or this one (NULL: none) */
	int (*extract)(const struct run_summary *s, const char *dir, struct metric_set *out,
		       char *err, size_t errlen);
};

/* NULL-terminated, in report order. */
extern const struct metric_source *const metric_sources[];
const struct metric_source *metric_source_find(const char *name);

/*
 * metrics_extract - every metric of result directory @dir, loaded into @s
 * (run_summary_load()) and then through each source of metric_sources[].
 * Returns 0 or -errno with @err; release @s and @out either way.
 */
int metrics_extract(const char *dir, struct run_summary *s, struct metric_set *out, char *err,
		    size_t errlen);
/*
 * metrics_from_summary - metrics_extract() of result directory @dir whose
 * summary @s run_summary_load() has loaded already: each source of
 * metric_sources[] whose file @dir has. Returns 0 or -errno with @err;
 * release @out either way.
 */
int metrics_from_summary(const struct run_summary *s, const char *dir, struct metric_set *out,
			 char *err, size_t errlen);

/*
 * metric_format - @v in @unit, short enough for a 72-column table
 * ("12.3M", "45.1", "2.50", "12.0%"); NaN gives "-". @sign forces a '+'
 * on positive values (for deltas). Returns @buf.
 */
const char *metric_format(char *buf, size_t len, enum metric_unit unit, double v, bool sign);
/* Unit names for headers and JSON: "bytes", "us", "s", "%", "count", "pass". */
const char *metric_unit_name(enum metric_unit u);
int metric_unit_parse(const char *s, enum metric_unit *u);
const char *metric_better_name(enum metric_better b);
int metric_better_parse(const char *s, enum metric_better *b);

#endif
