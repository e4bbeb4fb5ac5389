// SPDX-License-Identifier: GPL-2.0
/*
 * metrics.c - load a result directory (run_summary) and turn it into named
 * scalars (metric_set) through a table of extractors.
 *
 * Thresholds: every extractor states, per metric, the smallest change worth
 * a verdict. They are deliberately generous defaults (a change under them is
 * "no change" however significant), and "compare --noise" raises them to
 * what an A/A comparison of the same kernel actually shows on the machine.
 */
#include "metrics.h"
#include "perfsym.h"
#include "tsv.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *metrics_last_part(const char *p)
{
	const char *s = strrchr(p, '/');

	return s && s[1] ? s + 1 : p;
}

static struct check_sum *get_check(struct run_summary *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nchecks; i++)
		if (!strcmp(s->checks[i].name, name))
			return &s->checks[i];
	if (s->nchecks == METRICS_MAX_CHECKS)
		return NULL;
	s->checks[s->nchecks].name = xstrdup(name);
	return &s->checks[s->nchecks++];
}

/* Load <dir>/<file>; a missing optional file is -ENOENT without an error. */
static int load(const char *dir, const char *file, struct tsv *t, char *err, size_t errlen)
{
	char *p = xasprintf("%s/%s", dir, file);
	int ret = tsv_load(t, p, err, errlen);

	free(p);
	return ret;
}

/*
 * What the analysis expects of the TSVs of a result directory, column by
 * column, as their writers make them (bench/sampler.c, mon-cpustat.c,
 * runner.c, mon-cputotal.c, rss.c): tsv_check() turns a cell that is not
 * so into an error naming the file, the line and the field. No column
 * legitimately holds nan or inf; -1 is "never" in the workload times; an
 * empty cputotal value is a counter that did not count, an empty rss_stat
 * pid/mm_id a row that is not per process.
 */
#define GE0 0, INT64_MAX
#define AT(type, m) TSV_##type, offsetof(ROW, m)
#define NOWHERE(type) TSV_##type, TSV_NOWHERE
#define INTEGER TSV_INTEGER

struct drift_row {
	const char *check, *cgroup, *key;
	double err, bound;
	int64_t t_ms;		/* 0 when the column is missing (old runs) */
};
#define ROW struct drift_row
static const struct tsv_bind drift_binds[] = {
	{ "check", AT(STR, check) }, { "cgroup", AT(STR, cgroup) }, { "key", AT(STR, key) },
	{ "abs_err_bytes", AT(DBL, err), GE0, INTEGER },
	{ "bound_bytes", AT(DBL, bound), GE0, INTEGER },
	{ "t_ms", AT(I64, t_ms), GE0, TSV_OPTIONAL },
	{ "expected_bytes", NOWHERE(I64), .flags = TSV_OPTIONAL },
	{ "observed_bytes", NOWHERE(I64), .flags = TSV_OPTIONAL },
	{ "rel_err", NOWHERE(DBL), GE0, TSV_OPTIONAL },
	{ "window_bytes", NOWHERE(I64), GE0, TSV_OPTIONAL },
	{ NULL },
};
#undef ROW

struct readlat_row {
	const char *file, *cgroup;
	double level, latency, read;
};
#define ROW struct readlat_row
static const struct tsv_bind readlat_binds[] = {
	{ "file", AT(STR, file) }, { "level", AT(DBL, level), 0, INT_MAX, INTEGER },
	{ "latency_ns", AT(DBL, latency), GE0, INTEGER },
	{ "cgroup", AT(STR, cgroup), .flags = TSV_OPTIONAL },
	{ "t_ms", NOWHERE(I64), GE0, TSV_OPTIONAL },
	{ "bytes", NOWHERE(I64), GE0, TSV_OPTIONAL },
	/* the memory.stat reads, numbered: the join key of insn-reads.tsv */
	{ "read", AT(DBL, read), GE0, TSV_OPTIONAL | INTEGER },
	{ NULL },
};
#undef ROW
enum { L_READ = 6, L_N = ARRAY_SIZE(readlat_binds) - 1 };

struct cpu_row {
	const char *cgroup, *phase;
	double usec[3];		/* usage, user, system */
};
#define ROW struct cpu_row
static const struct tsv_bind cpu_binds[] = {
	{ "cgroup", AT(STR, cgroup) }, { "phase", AT(STR, phase) },
	{ "usage_usec", AT(DBL, usec[0]), GE0, INTEGER },
	{ "user_usec", AT(DBL, usec[1]), GE0, INTEGER },
	{ "system_usec", AT(DBL, usec[2]), GE0, INTEGER },
	{ "t_ms", NOWHERE(I64), GE0, TSV_OPTIONAL },
	{ NULL },
};
#undef ROW

struct workload_row {
	const char *workload, *cgroup, *state;
	double wall_ms;
	int64_t exit, end_ms;
};
#define ROW struct workload_row
static const struct tsv_bind workload_binds[] = {
	{ "workload", AT(STR, workload) }, { "cgroup", AT(STR, cgroup) },
	{ "wall_ms", AT(DBL, wall_ms), -1, INT64_MAX, INTEGER },
	{ "exit", AT(I64, exit), INT_MIN, INT_MAX }, { "state", AT(STR, state) },
	{ "pid", NOWHERE(I64), -1, INT_MAX, TSV_OPTIONAL },
	{ "start_ms", NOWHERE(I64), -1, INT64_MAX, TSV_OPTIONAL },
	{ "end_ms", AT(I64, end_ms), -1, INT64_MAX, TSV_OPTIONAL },
	{ NULL },
};
#undef ROW

struct cputotal_row {
	const char *event, *unit, *status;
	double value;
};
#define ROW struct cputotal_row
static const struct tsv_bind cputotal_binds[] = {
	{ "event", AT(STR, event) }, { "value", AT(DBL, value), GE0, TSV_EMPTY },
	{ "unit", AT(STR, unit), .flags = TSV_OPTIONAL },
	{ "status", AT(STR, status), .flags = TSV_OPTIONAL },
	{ "cpus", NOWHERE(I64), 1, INT_MAX, TSV_OPTIONAL },
	{ "window_ms", NOWHERE(DBL), GE0, TSV_OPTIONAL },
	{ "running_pct", NOWHERE(DBL), 0, 100, TSV_OPTIONAL },
	{ NULL },
};
#undef ROW
enum { T_ST = 3, T_N = ARRAY_SIZE(cputotal_binds) - 1 };

struct rss_row {
	const char *scope, *type;
	double events, peak;
};
#define ROW struct rss_row
static const struct tsv_bind rss_binds[] = {
	{ "scope", AT(STR, scope) }, { "type", AT(STR, type) },
	{ "events", AT(DBL, events), GE0, INTEGER },
	{ "peak_bytes", AT(DBL, peak), .flags = INTEGER },
	{ "final_bytes", NOWHERE(I64), .flags = TSV_OPTIONAL },
	{ "pid", NOWHERE(I64), -1, INT_MAX, TSV_OPTIONAL | TSV_EMPTY },
	{ "mm_id", NOWHERE(I64), GE0, TSV_OPTIONAL | TSV_EMPTY },
	{ NULL },
};
#undef ROW
#undef GE0

/*
 * Load <dir>/<file> into @t and its rows, bound and checked by @binds, into
 * *@rows (the caller frees them, then releases @t); -ENOENT (no error text)
 * for a missing optional file. @col: as tsv_bind_rows(), may be NULL.
 */
static int load_bound(const char *dir, const char *file, const struct tsv_bind *binds,
		      size_t row_size, struct tsv *t, void *rows, int *col, char *err,
		      size_t errlen)
{
	int ret = load(dir, file, t, err, errlen);

	*(void **)rows = NULL;
	if (!ret) {
		ret = tsv_bind_rows(t, binds, row_size, rows, col, err, errlen);
		if (ret)
			tsv_release(t);
	}
	return ret;
}

/* The LRU lists whose root-vs-vmstat rows root-during and root-after show. */
static const char *const root_lru[] = { "inactive_file", "active_file", "inactive_anon",
					"active_anon" };

/* The index in root_lru of "memory.stat:<list>" or v1's "memory.stat:total_<list>", or -1. */
static int root_lru_index(const char *key)
{
	const char *k = strncmp(key, "memory.stat:", 12) ? NULL : key + 12;
	size_t i;

	if (k && !strncmp(k, "total_", 6))
		k += 6;
	for (i = 0; k && i < ARRAY_SIZE(root_lru); i++)
		if (!strcmp(k, root_lru[i]))
			return (int)i;
	return -1;
}

/* Rows of drift.tsv (the sampler) or probe.tsv (the stat-probe workload): same columns. */
static int load_drift(struct run_summary *s, const char *dir, const char *file, char *err,
		      size_t errlen)
{
	struct tsv t = { 0 };
	struct drift_row *d;
	size_t r;
	int ret;

	ret = load_bound(dir, file, drift_binds, sizeof(*d), &t, &d, NULL, err, errlen);
	if (ret)
		return ret == -ENOENT ? 0 : ret;
	s->have_drift = true;
	for (r = 0; r < t.nrows; r++) {
		struct check_sum *cs = get_check(s, d[r].check);
		double e = d[r].err, b = d[r].bound;
		int lru = strcmp(d[r].check, "root-vs-vmstat") ? -1 : root_lru_index(d[r].key);

		if (lru >= 0) {
			s->root = xrealloc(s->root, (s->nroot + 1) * sizeof(*s->root));
			s->root[s->nroot++] = (struct root_row){ lru, d[r].t_ms, e };
		}
		if (!cs)
			continue;
		dvec_push(&cs->err, e);
		if (b > cs->bound)
			cs->bound = b;
		if (e > b)
			cs->over++;
		if (e >= cs->max_err) {
			cs->max_err = e;
			free(cs->max_where);
			cs->max_where = xasprintf("%s %s", metrics_last_part(d[r].cgroup),
						  d[r].key);
		}
	}
	free(d);
	tsv_release(&t);
	return 0;
}

static int load_latency(struct run_summary *s, const char *dir, char *err, size_t errlen)
{
	struct readlat_row *l;
	struct tsv t = { 0 };
	size_t r;
	int ret;

	ret = load_bound(dir, "readlat.tsv", readlat_binds, sizeof(*l), &t, &l, NULL, err,
			 errlen);
	if (ret)
		return ret == -ENOENT ? 0 : ret;
	s->have_lat = true;
	for (r = 0; r < t.nrows; r++) {
		struct level_sum *ls;

		if (strcmp(l[r].file, "memory.stat") || l[r].level >= METRICS_MAX_LEVELS)
			continue;
		ls = &s->levels[(int)l[r].level];
		dvec_push(&ls->lat, l[r].latency);
		if (!ls->example)
			ls->example = xstrdup(l[r].cgroup);
	}
	free(l);
	tsv_release(&t);
	return 0;
}

/* cpu.tsv: end - start per cgroup, in the file's order. */
static void load_cpu(struct run_summary *s, const struct cpu_row *rows, size_t n)
{
	size_t r, k;

	for (r = 0; r < n; r++) {
		const char *cg = rows[r].cgroup, *ph = rows[r].phase;
		bool start = !strcmp(ph, "start");
		double *sum[3];
		struct cpu_sum *x = NULL;

		if (!start && strcmp(ph, "end"))
			continue;
		for (k = 0; k < s->ncpu && !x; k++)
			if (!strcmp(s->cpu[k].cgroup, cg))
				x = &s->cpu[k];
		if (!x) {
			s->cpu = xrealloc(s->cpu, (s->ncpu + 1) * sizeof(*s->cpu));
			x = &s->cpu[s->ncpu++];
			x->cgroup = xstrdup(cg);
			x->usage_us = x->user_us = x->sys_us = NAN;
		}
		sum[0] = &x->usage_us;
		sum[1] = &x->user_us;
		sum[2] = &x->sys_us;
		/* an end row may come first in a hand-made file: keep sums right */
		for (k = 0; k < 3; k++) {
			double v = rows[r].usec[k];

			*sum[k] = (isnan(*sum[k]) ? 0 : *sum[k]) + (start ? -v : v);
		}
	}
}

static const struct cpu_sum *find_cpu(const struct run_summary *s, const char *cg)
{
	size_t k;

	for (k = 0; k < s->ncpu; k++)
		if (!strcmp(s->cpu[k].cgroup, cg))
			return &s->cpu[k];
	return NULL;
}

/* cpu.tsv and workloads.tsv, both optional. */
static int load_workloads(struct run_summary *s, const char *dir, char *err, size_t errlen)
{
	struct tsv w = { 0 }, c = { 0 };
	struct workload_row *wr;
	struct cpu_row *cr;
	size_t r;
	int ret;

	ret = load_bound(dir, "cpu.tsv", cpu_binds, sizeof(*cr), &c, &cr, NULL, err, errlen);
	if (!ret) {
		load_cpu(s, cr, c.nrows);
		free(cr);
		tsv_release(&c);
	}
	if (ret && ret != -ENOENT)
		return ret;
	ret = load_bound(dir, "workloads.tsv", workload_binds, sizeof(*wr), &w, &wr, NULL, err,
			 errlen);
	if (ret)
		return ret == -ENOENT ? 0 : ret;
	for (r = 0; r < w.nrows; r++) {
		const char *cg = wr[r].cgroup;
		const struct cpu_sum *cpu = find_cpu(s, cg);
		struct wl_sum *b;

		s->wl = xrealloc(s->wl, (s->nwl + 1) * sizeof(*s->wl));
		b = &s->wl[s->nwl++];
		memset(b, 0, sizeof(*b));
		b->workload = xstrdup(wr[r].workload);
		b->cgroup = xstrdup(cg);
		b->wall_ms = wr[r].wall_ms;
		b->end_ms = wr[r].end_ms;
		b->exit = (int)wr[r].exit;
		b->state = xstrdup(wr[r].state);
		b->cpu_us = cpu ? cpu->usage_us : NAN;
		b->sys_us = cpu ? cpu->sys_us : NAN;
	}
	free(wr);
	tsv_release(&w);
	return 0;
}

/*
 * The optional files of the perf monitors, checked here so that every
 * reader (report's perf sections, the extractors) sees only valid ones.
 */
static int check_perf_files(const char *dir, char *err, size_t errlen)
{
	static const struct {
		const char *file;
		const struct tsv_bind *binds;
		size_t row_size;
	} files[] = {
		{ "cputotal.tsv", cputotal_binds, sizeof(struct cputotal_row) },
		{ "rss_stat-summary.tsv", rss_binds, sizeof(struct rss_row) },
	};
	char *path = xasprintf("%s/perf-symbols.tsv", dir);
	struct perfsym_list l;
	struct tsv t;
	void *rows;
	int ret = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(files) && !ret; i++) {
		ret = load_bound(dir, files[i].file, files[i].binds, files[i].row_size, &t, &rows,
				 NULL, err, errlen);
		if (!ret) {
			free(rows);
			tsv_release(&t);
		} else if (ret == -ENOENT) {
			ret = 0;
		}
	}
	perfsym_list_init(&l);
	if (!ret && path_exists(path))
		ret = perfsym_load_tsv(&l, path, err, errlen);
	perfsym_list_release(&l);
	free(path);
	return ret;
}

void run_summary_release(struct run_summary *s)
{
	size_t i;

	meta_release(&s->meta);
	free(s->root);
	for (i = 0; i < s->nchecks; i++) {
		free(s->checks[i].name);
		free(s->checks[i].max_where);
		dvec_release(&s->checks[i].err);
	}
	for (i = 0; i < METRICS_MAX_LEVELS; i++) {
		dvec_release(&s->levels[i].lat);
		free(s->levels[i].example);
	}
	for (i = 0; i < s->nwl; i++) {
		free(s->wl[i].workload);
		free(s->wl[i].cgroup);
		free(s->wl[i].state);
	}
	free(s->wl);
	for (i = 0; i < s->ncpu; i++)
		free(s->cpu[i].cgroup);
	free(s->cpu);
	memset(s, 0, sizeof(*s));
}

int run_summary_load(struct run_summary *s, const char *dir, char *err, size_t errlen)
{
	int ret;

	memset(s, 0, sizeof(*s));
	if (!is_dir(dir)) {
		snprintf(err, errlen, "result directory '%s' does not exist", dir);
		return -ENOENT;
	}
	ret = meta_load(&s->meta, dir, err, errlen);
	if (!ret)
		ret = load_drift(s, dir, "drift.tsv", err, errlen);
	if (!ret)
		ret = load_drift(s, dir, "probe.tsv", err, errlen);
	if (!ret)
		ret = load_latency(s, dir, err, errlen);
	if (!ret)
		ret = load_workloads(s, dir, err, errlen);
	if (!ret)
		ret = check_perf_files(dir, err, errlen);
	return ret;
}

/* ---- metric sets ------------------------------------------------------ */

void metric_set_init(struct metric_set *ms)
{
	memset(ms, 0, sizeof(*ms));
}

void metric_set_release(struct metric_set *ms)
{
	size_t i;

	if (!ms)
		return;
	for (i = 0; i < ms->n; i++) {
		free(ms->m[i].key);
		free(ms->m[i].group);
		free(ms->m[i].label);
	}
	free(ms->m);
	for (i = 0; i < ms->ngroups; i++)
		free(ms->groups[i]);
	free(ms->groups);
	metric_set_init(ms);
}

void metric_set_add(struct metric_set *ms, const struct metric *t, double value)
{
	struct metric *m;

	if (isnan(value))
		return;
	ms->m = xrealloc(ms->m, (ms->n + 1) * sizeof(*ms->m));
	m = &ms->m[ms->n++];
	*m = *t;
	m->key = xstrdup(t->key);
	m->group = xstrdup(t->group);
	m->label = xstrdup(t->label);
	m->value = value;
}

const struct metric *metric_set_find(const struct metric_set *ms, const char *key)
{
	size_t i;

	for (i = 0; i < ms->n; i++)
		if (!strcmp(ms->m[i].key, key))
			return &ms->m[i];
	return NULL;
}

bool metric_set_has_group(const struct metric_set *ms, const char *group)
{
	size_t i;

	for (i = 0; i < ms->ngroups; i++)
		if (!strcmp(ms->groups[i], group))
			return true;
	return false;
}

/* Add one metric built from printf-style key and label. */
static void add(struct metric_set *out, const char *group, enum metric_unit unit,
		enum metric_better better, double thr_rel, double thr_abs, bool trend, double v,
		const char *key, const char *label)
{
	struct metric m = {
		.key = (char *)key, .group = (char *)group, .label = (char *)label,
		.unit = unit, .better = better, .thr_rel = thr_rel, .thr_abs = thr_abs,
		.trend = trend,
	};

	metric_set_add(out, &m, v);
}

/*
 * drift: per check the max, p99 and mean absolute error and the share of
 * rows over the bound. Lower is better. A change smaller than one charge
 * batch (batch x PAGE_SIZE, what one CPU may legitimately hold back) is not
 * a verdict, nor one under 25% (mean, share over the bound) or 50% (max and
 * p99: extremes of a few hundred rows, which move with the workload's
 * timing; bench aa flagged them at 25%).
 * stat-lag (the stat-probe workload) knows the true change exactly and has no
 * workload timing in it: its errors are the probe's own pages or 0, so a
 * change of 4 pages is worth a verdict there.
 * The share over the bound counts rows: at smoke scale a run has ~60 of them
 * per check, and a noop kernel once had 2 rows over in each of its 3 runs
 * where vanilla had 1 in all 3 (0.61% vs 4.24%, a Welch interval clear of
 * 0). A change of fewer than DRIFT_OVER_MIN_ROWS rows per run is no verdict.
 */
#define DRIFT_OVER_MIN_ROWS 5
static int extract_drift(const struct run_summary *s, const char *dir, struct metric_set *out,
			 char *err, size_t errlen)
{
	double batch = (double)(s->meta.batch > 0 ? s->meta.batch : 64) *
		       (s->meta.page_size > 0 ? s->meta.page_size : 4096);
	char key[128], label[128];
	size_t i;

	for (i = 0; i < s->nchecks; i++) {
		const struct check_sum *c = &s->checks[i];
		struct dvec tmp = DVEC_INIT;
		double p99, thr = !strcmp(c->name, "stat-lag") ?
			     4.0 * (s->meta.page_size > 0 ? s->meta.page_size : 4096) : batch;

		if (!c->err.n)
			continue;
		tmp.v = xmalloc(c->err.n * sizeof(double));
		memcpy(tmp.v, c->err.v, c->err.n * sizeof(double));
		tmp.n = tmp.alloc = c->err.n;
		p99 = stats_percentile(tmp.v, tmp.n, 99);
		dvec_release(&tmp);
		snprintf(key, sizeof(key), "drift:%s:max", c->name);
		snprintf(label, sizeof(label), "%s max", c->name);
		add(out, "drift", MU_BYTES, MB_LOWER, 0.50, thr, false, c->max_err, key, label);
		snprintf(key, sizeof(key), "drift:%s:p99", c->name);
		snprintf(label, sizeof(label), "%s p99", c->name);
		add(out, "drift", MU_BYTES, MB_LOWER, 0.50, thr, true, p99, key, label);
		snprintf(key, sizeof(key), "drift:%s:mean", c->name);
		snprintf(label, sizeof(label), "%s mean", c->name);
		add(out, "drift", MU_BYTES, MB_LOWER, 0.25, thr, false,
		    stats_mean(c->err.v, c->err.n), key, label);
		snprintf(key, sizeof(key), "drift:%s:over", c->name);
		snprintf(label, sizeof(label), "%s over", c->name);
		add(out, "drift", MU_PCT, MB_LOWER, 0.25,
		    fmax(1.0, 100.0 * DRIFT_OVER_MIN_ROWS / c->err.n), false,
		    100.0 * c->over / c->err.n, key, label);
	}
	return 0;
}

/*
 * root-during, root-after: the root cgroup's memory.stat against /proc/vmstat (drift.tsv's
 * root-vs-vmstat rows) for the four LRU lists, split where the last workload
 * instance that ended by itself (exit 0: the builders, not the idle siblings
 * stopped at the end) ended: "during" the workloads and "after" them, the
 * settle time in which a lazy flush shows (the cover letter's table 3).
 * Shown, not judged (MB_NONE): drift:root-vs-vmstat judges the check as a
 * whole, and these are its rows again.
 */
/* The root-vs-vmstat rows of @s in @phase: 0 during the workloads, 1 after them. */
static int extract_root_phase(const struct run_summary *s, int phase, struct metric_set *out)
{
	const char *group = phase ? "root-after" : "root-during";
	struct dvec v[ARRAY_SIZE(root_lru)];
	int64_t end = 0;
	char key[128], label[128];
	size_t i, r;

	for (i = 0; i < s->nwl; i++)
		if (s->wl[i].exit == 0 && s->wl[i].end_ms > end)
			end = s->wl[i].end_ms;
	memset(v, 0, sizeof(v));
	for (r = 0; r < s->nroot; r++)
		if ((end > 0 && s->root[r].t_ms > end) == phase)
			dvec_push(&v[s->root[r].lru], s->root[r].err);
	for (i = 0; i < ARRAY_SIZE(root_lru); i++) {
		if (!v[i].n)
			continue;
		snprintf(key, sizeof(key), "%s:%s:max", group, root_lru[i]);
		snprintf(label, sizeof(label), "%s max", root_lru[i]);
		add(out, group, MU_BYTES, MB_NONE, 0, 0, false, stats_max(v[i].v, v[i].n), key,
		    label);
		dvec_release(&v[i]);
	}
	return 0;
}

static int extract_root_during(const struct run_summary *s, const char *dir,
			       struct metric_set *out, char *err, size_t errlen)
{
	return extract_root_phase(s, 0, out);
}

static int extract_root_after(const struct run_summary *s, const char *dir,
			      struct metric_set *out, char *err, size_t errlen)
{
	return extract_root_phase(s, 1, out);
}

/*
 * instructions (vm runs under TCG, the plugin's tables): the guest's kernel and
 * user instructions in the measured window, the kernel instructions of the top
 * symbols by share, and of one memory.stat read per tree level (median, p99).
 * Exact counts, but not of a deterministic guest: the thresholds come from
 * "patchbench bench insn" (2026-12-02, vanilla/noop/memcg-stat-cost smoke 6.1.192
 * under TCG on 2 shared cores; 8 runs of it, pools of 4-5 boots; A/A spread =
 * (max - min) / mean of a pool). Window kernel instructions, kmem-churn: 0.3-1.3%
 * A/A at 1 vCPU, 3.9-10.8% at 2 (lock spinning while the other vCPU's thread is off
 * the host CPU); memcg-stat-cost +3.2% (1 vCPU, 5/5 flagged at 2%), noop +0.4%
 * (0/5): 2%, between the two. User instructions: 0.03%. The symbols: 16-19 of the top
 * 20 within 3%, clear_page_erms 11-17.6% (1 vCPU) and to 23% (2); the control's
 * memcg_stat_extra_cost is new: 25%. A memory.stat read: the same read of a quiet
 * cgroup 0.15% apart, but insn:read:L mixes a level's cgroups and, under
 * kmem-churn, dirty reads with flushes: p50 up to 2.7% (idle) and 26% (churn),
 * p99 12-32% (churn) and once 440% (idle, one read with a flush): 35% and 50%. A
 * run whose window did not close (insn_counts "incomplete") has no usable counts:
 * an error, so compare refuses it.
 */
/* in percent of the window's kernel instructions: smaller symbols are not compared */
#define INSN_MIN_SHARE 0.01

struct insn_row {
	const char *row;
	double kernel, user;
};
#define ROW struct insn_row
static const struct tsv_bind insn_binds[] = {
	{ "row", AT(STR, row) }, { "kernel_insns", AT(DBL, kernel), 0, INT64_MAX, INTEGER },
	{ "user_insns", AT(DBL, user), 0, INT64_MAX, INTEGER },
	{ NULL },
};
#undef ROW

struct insn_sym_row {
	const char *symbol;
	double insns, share;
};
#define ROW struct insn_sym_row
static const struct tsv_bind insn_sym_binds[] = {
	{ "symbol", AT(STR, symbol) }, { "insns", AT(DBL, insns), 0, INT64_MAX, INTEGER },
	{ "share_pct", AT(DBL, share), 0, 100 },
	{ NULL },
};
#undef ROW

struct insn_read_row {
	double read, kernel;	/* read: the read's (op's) number */
};
#define ROW struct insn_read_row
static const struct tsv_bind insn_read_binds[] = {
	{ "read", AT(DBL, read), 1, INT32_MAX, INTEGER },
	{ "kernel_insns", AT(DBL, kernel), 0, INT64_MAX, TSV_EMPTY | INTEGER },
	{ NULL },
};
static const struct tsv_bind insn_op_binds[] = {
	{ "op", AT(DBL, read), 1, INT32_MAX, INTEGER },
	{ "kernel_insns", AT(DBL, kernel), 0, INT64_MAX, TSV_EMPTY | INTEGER },
	{ NULL },
};
#undef ROW

/* readcost.tsv's rows, for the ops of their in-process reads (older runs have none) */
struct rc_op_row {
	const char *kind, *state, *method, *op0, *op1;
	int64_t cgroups;
};
#define ROW struct rc_op_row
static const struct tsv_bind rc_op_binds[] = {
	{ "kind", AT(STR, kind) }, { "cgroups", AT(I64, cgroups), 0, INT64_MAX },
	{ "state", AT(STR, state) }, { "method", AT(STR, method) },
	{ "op_first", AT(STR, op0), 0, 0, TSV_OPTIONAL },
	{ "op_last", AT(STR, op1), 0, 0, TSV_OPTIONAL },
	{ NULL },
};
#undef ROW
#undef AT
#undef NOWHERE
#undef INTEGER

/*
 * readcost: the kernel instructions of one in-process memory.stat read per point
 * (kind, N, state), from the ops readcost.tsv names and insn-ops.tsv counts: the
 * cover letter's read cost against N idle or dirty children, exactly. Reads that
 * moved vCPU have no count and are left out.
 */
static int insn_readcost(const char *dir, struct metric_set *out, char *err, size_t errlen)
{
	struct tsv ct = { 0 }, ot = { 0 };
	struct rc_op_row *cr;
	struct insn_read_row *orow;
	char key[128], label[128];
	size_t r, k;
	int ret;

	ret = load_bound(dir, "insn-ops.tsv", insn_op_binds, sizeof(*orow), &ot, &orow, NULL,
			 err, errlen);
	if (ret)
		return ret == -ENOENT ? 0 : ret;
	ret = load_bound(dir, "readcost.tsv", rc_op_binds, sizeof(*cr), &ct, &cr, NULL, err,
			 errlen);
	if (ret) {
		free(orow);
		tsv_release(&ot);
		return ret == -ENOENT ? 0 : ret;
	}
	for (r = 0; r < ct.nrows; r++) {
		double a = tsv_str_num(cr[r].op0), b = tsv_str_num(cr[r].op1);
		struct dvec v = DVEC_INIT;

		if (strcmp(cr[r].method, "inproc") || isnan(a) || isnan(b))
			continue;
		for (k = 0; k < ot.nrows; k++)
			if (orow[k].read >= a && orow[k].read <= b && !isnan(orow[k].kernel))
				dvec_push(&v, orow[k].kernel);
		if (!v.n)
			continue;
		snprintf(key, sizeof(key), "insn:readcost:%s:%" PRId64 ":%s:p50", cr[r].kind,
			 cr[r].cgroups, cr[r].state);
		/* "rc dying 1000 dirty p50": the table's label column is 24 wide */
		snprintf(label, sizeof(label), "rc %s %" PRId64 " %s p50",
			 strcmp(cr[r].kind, "deleted") ? cr[r].kind : "dying", cr[r].cgroups,
			 cr[r].state);
		add(out, "instructions", MU_COUNT, MB_LOWER, 0.02, 50, false,
		    stats_percentile(v.v, v.n, 50), key, label);
		dvec_release(&v);
	}
	free(cr);
	free(orow);
	tsv_release(&ct);
	tsv_release(&ot);
	return 0;
}

/* probe.tsv's insn column: the kernel instructions of each probe (vm runs with counts) */
struct probe_insn_row {
	double insn;
};
static const struct tsv_bind probe_insn_binds[] = {
	{ "insn", TSV_DBL, offsetof(struct probe_insn_row, insn), 0, INT64_MAX,
	  TSV_OPTIONAL | TSV_EMPTY | TSV_INTEGER },
	{ NULL },
};

/*
 * stat-probe: the kernel instructions of one probe (a memory.stat read, 16
 * pages faulted in, a read), p50. Two boots of vanilla (2026-12-02, 40
 * probes each, 2 vCPUs): 192375 and 191323, 0.55% apart; 3% is a verdict.
 */
static int insn_probe(const char *dir, struct metric_set *out, char *err, size_t errlen)
{
	struct probe_insn_row *rows;
	struct dvec v = DVEC_INIT;
	struct tsv t = { 0 };
	int col[1], ret;
	size_t r;

	ret = load_bound(dir, "probe.tsv", probe_insn_binds, sizeof(*rows), &t, &rows, col, err,
			 errlen);
	if (ret)
		return ret == -ENOENT ? 0 : ret;
	for (r = 0; col[0] >= 0 && r < t.nrows; r++)
		if (!isnan(rows[r].insn))
			dvec_push(&v, rows[r].insn);
	if (v.n)
		add(out, "instructions", MU_COUNT, MB_LOWER, 0.03, 50, false,
		    stats_percentile(v.v, v.n, 50), "insn:probe:p50", "probe insns p50");
	dvec_release(&v);
	free(rows);
	tsv_release(&t);
	return 0;
}

/* insn-work.tsv's total row: page-fault's marked work (vm runs with counts) */
struct work_row {
	const char *vcpu;
	double kernel, user, ops, open;
};
static const struct tsv_bind work_binds[] = {
	{ "vcpu", TSV_STR, offsetof(struct work_row, vcpu) },
	{ "kernel_insns", TSV_DBL, offsetof(struct work_row, kernel), 0, INT64_MAX, TSV_INTEGER },
	{ "user_insns", TSV_DBL, offsetof(struct work_row, user), 0, INT64_MAX, TSV_INTEGER },
	{ "ops", TSV_DBL, offsetof(struct work_row, ops), 0, INT64_MAX, TSV_INTEGER },
	{ "open", TSV_DBL, offsetof(struct work_row, open), 0, INT64_MAX, TSV_INTEGER },
	{ NULL },
};

/*
 * page-fault: instructions per page touched, from what ran on each vCPU while
 * a worker's mmap, page touch or munmap was open there (the workers are pinned,
 * so a part begins and ends on one vCPU; an interrupt or another task that ran
 * inside a part counts with it). will-it-scale's operation, mmap and munmap
 * included. A run whose work was still open when counting stopped (the window
 * closed inside a part) has no per-op number.
 * Interrupts are kept out (the plugin's entries=, insn-entries). Three boots
 * of vanilla (2026-12-03, smoke, 2 workers on 2 vCPUs, 3 s): 7455.2, 7431.2
 * and 7446.5 kernel instructions per page, 0.32% apart (with interrupts in,
 * seven boots 1.2%); memcg-stat-cost (an extra loop per stat update), two
 * boots: 9825.9 and 9811.9, +31.9%. 2% is a verdict. About 4100 of the 7450
 * are clear_page_erms's rep stosb: TCG counts a rep string instruction once
 * per iteration.
 */
#define PF_INSN_THR 0.02
static int insn_work(const char *dir, struct metric_set *out, char *err, size_t errlen)
{
	struct work_row *rows;
	struct tsv t = { 0 };
	size_t r;
	int ret;

	ret = load_bound(dir, "insn-work.tsv", work_binds, sizeof(*rows), &t, &rows, NULL, err,
			 errlen);
	if (ret)
		return ret == -ENOENT ? 0 : ret;
	for (r = 0; r < t.nrows; r++) {
		if (strcmp(rows[r].vcpu, "total") || rows[r].ops < 1 || rows[r].open > 0)
			continue;
		add(out, "instructions", MU_COUNT, MB_LOWER, PF_INSN_THR, 20, true,
		    rows[r].kernel / rows[r].ops, "insn:page-fault:kernel_per_op",
		    "page-fault kernel insns per op");
		add(out, "instructions", MU_COUNT, MB_NONE, 0, 0, false, rows[r].user / rows[r].ops,
		    "insn:page-fault:user_per_op", "page-fault user insns per op");
	}
	free(rows);
	tsv_release(&t);
	return 0;
}

/* Kernel instructions per memory.stat read, by the level readlat.tsv gives each read. */
static int insn_reads(const char *dir, struct metric_set *out, char *err, size_t errlen)
{
	struct tsv lt = { 0 }, rt = { 0 };
	struct readlat_row *lr = NULL;
	struct insn_read_row *rr;
	int lc[L_N], ret, *level = NULL;
	struct { double *v; size_t n; } per[METRICS_MAX_LEVELS] = { { 0 } };
	size_t r, nlevel = 0, i;
	char key[64], label[64];

	ret = load_bound(dir, "insn-reads.tsv", insn_read_binds, sizeof(*rr), &rt, &rr, NULL,
			 err, errlen);
	if (ret)
		return ret == -ENOENT ? 0 : ret;
	ret = load_bound(dir, "readlat.tsv", readlat_binds, sizeof(*lr), &lt, &lr, lc, err,
			 errlen);
	if (ret || lc[L_READ] < 0) {
		free(lr);
		free(rr);
		tsv_release(&lt);
		tsv_release(&rt);
		return ret == -ENOENT ? 0 : ret;
	}
	for (r = 0; r < lt.nrows; r++) {
		size_t seq = (size_t)lr[r].read;

		if (!seq || strcmp(lr[r].file, "memory.stat"))
			continue;
		if (seq >= nlevel) {
			level = xrealloc(level, (seq + 1) * sizeof(*level));
			for (; nlevel <= seq; nlevel++)
				level[nlevel] = -1;
		}
		level[seq] = (int)lr[r].level;
	}
	for (r = 0; r < rt.nrows; r++) {
		size_t seq = (size_t)rr[r].read;
		double v = rr[r].kernel;
		int l = seq < nlevel ? level[seq] : -1;

		if (isnan(v) || l < 0 || l >= METRICS_MAX_LEVELS)
			continue;	/* it moved vCPU, or is no read of a level we know */
		per[l].v = xrealloc(per[l].v, (per[l].n + 1) * sizeof(double));
		per[l].v[per[l].n++] = v;
	}
	for (i = 0; i < METRICS_MAX_LEVELS; i++) {
		if (!per[i].n)
			continue;
		snprintf(key, sizeof(key), "insn:read:%zu:p50", i);
		snprintf(label, sizeof(label), "%zu read insns p50", i);
		add(out, "instructions", MU_COUNT, MB_LOWER, 0.35, 50, false,
		    stats_percentile(per[i].v, per[i].n, 50), key, label);
		snprintf(key, sizeof(key), "insn:read:%zu:p99", i);
		snprintf(label, sizeof(label), "%zu read insns p99", i);
		add(out, "instructions", MU_COUNT, MB_LOWER, 0.50, 50, false,
		    stats_percentile(per[i].v, per[i].n, 99), key, label);
		free(per[i].v);
	}
	free(level);
	free(lr);
	free(rr);
	tsv_release(&lt);
	tsv_release(&rt);
	return 0;
}

static int extract_insn(const struct run_summary *s, const char *dir, struct metric_set *out,
			char *err, size_t errlen)
{
	struct insn_row *rows;
	struct tsv t = { 0 };
	double kern = 0, user = 0, spin = 0;
	bool have_spin = false;
	size_t r;
	int ret;

	if (s->meta.insn_counts && strcmp(s->meta.insn_counts, "complete")) {
		snprintf(err, errlen, "'%s': instruction counts %s", dir, s->meta.insn_counts);
		return -EINVAL;
	}
	ret = load_bound(dir, "insn.tsv", insn_binds, sizeof(*rows), &t, &rows, NULL, err,
			 errlen);
	if (ret)
		return ret;
	for (r = 0; r < t.nrows; r++) {
		if (!strcmp(rows[r].row, "spin")) {
			spin += rows[r].kernel;
			have_spin = true;
		}
		if (strcmp(rows[r].row, "window"))
			continue;
		kern += rows[r].kernel;
		user += rows[r].user;
	}
	free(rows);
	tsv_release(&t);
	add(out, "instructions", MU_COUNT, MB_LOWER, 0.02, 1e6, true, kern, "insn:kernel",
	    "kernel insns");
	add(out, "instructions", MU_COUNT, MB_LOWER, 0.02, 1e6, false, user, "insn:user",
	    "user insns");
	/*
	 * Kernel wait-loop turns (PAUSE to PAUSE), not in insn:kernel: how long
	 * one vCPU spun for another is the host's scheduling of the vCPU
	 * threads, so no verdict (informational).
	 */
	if (have_spin)
		add(out, "instructions", MU_COUNT, MB_NONE, 0, 0, false, spin, "insn:spin",
		    "kernel wait-loop insns (not in kernel)");
	ret = insn_reads(dir, out, err, errlen);
	if (!ret)
		ret = insn_readcost(dir, out, err, errlen);
	if (!ret)
		ret = insn_work(dir, out, err, errlen);
	return ret ? ret : insn_probe(dir, out, err, errlen);
}

/*
 * insn-symbols: the kernel instructions of every symbol with at least
 * INSN_MIN_SHARE percent of the window; a symbol a run lacks counts 0 there (a
 * new function in a patched kernel is a regression from 0). compare keeps the
 * top ones by either side's count.
 */
static int extract_insn_syms(const struct run_summary *s, const char *dir,
			     struct metric_set *out, char *err, size_t errlen)
{
	struct insn_sym_row *rows;
	struct tsv t = { 0 };
	char key[192];
	size_t r;
	int ret;

	ret = load_bound(dir, "insn-symbols.tsv", insn_sym_binds, sizeof(*rows), &t, &rows,
			 NULL, err, errlen);
	if (ret)
		return ret;
	for (r = 0; r < t.nrows; r++) {
		const char *sym = rows[r].symbol;
		struct metric m = {
			.key = key, .group = "insn-symbols", .label = (char *)sym,
			.unit = MU_COUNT, .better = MB_LOWER, .thr_rel = 0.25, .thr_abs = 1e4,
			.absent_zero = true,
		};

		if (rows[r].share < INSN_MIN_SHARE)
			continue;
		snprintf(key, sizeof(key), "insn:sym:%s", sym);
		metric_set_add(out, &m, rows[r].insns);
	}
	free(rows);
	tsv_release(&t);
	return 0;
}

/*
 * readlat: memory.stat read latency p50 and p99 per tree level. Lower is
 * better. A read takes microseconds and shares the machine with everything
 * else on it: p50 needs 25% and 2 us (bench aa flagged 10% and 1 us in 1
 * of 10 A/A comparisons, 20% in 1 of 40); p99 of a few dozen reads is
 * close to the maximum: 50% and 10 us.
 */
static int extract_readlat(const struct run_summary *s, const char *dir, struct metric_set *out,
			   char *err, size_t errlen)
{
	char key[128], label[128];
	size_t i;

	for (i = 0; i < METRICS_MAX_LEVELS; i++) {
		const struct level_sum *l = &s->levels[i];
		double *v;

		if (!l->lat.n)
			continue;
		v = xmalloc(l->lat.n * sizeof(*v));
		memcpy(v, l->lat.v, l->lat.n * sizeof(*v));
		snprintf(key, sizeof(key), "readlat:%zu:p50", i);
		snprintf(label, sizeof(label), "%zu %.12s p50", i, metrics_last_part(l->example));
		add(out, "readlat", MU_US, MB_LOWER, 0.25, 2.0, i == 1,
		    stats_percentile(v, l->lat.n, 50) / 1e3, key, label);
		snprintf(key, sizeof(key), "readlat:%zu:p99", i);
		snprintf(label, sizeof(label), "%zu %.12s p99", i, metrics_last_part(l->example));
		add(out, "readlat", MU_US, MB_LOWER, 0.50, 10.0, false,
		    stats_percentile(v, l->lat.n, 99) / 1e3, key, label);
		free(v);
	}
	return 0;
}

/*
 * wall: wall time of every workload that ends by itself (kernelbuild
 * builders, kmem-churn); idle workloads last as long as the run. Lower is
 * better; 5% and half a second.
 */
static int extract_wall(const struct run_summary *s, const char *dir, struct metric_set *out,
			char *err, size_t errlen)
{
	char key[128], label[128];
	size_t i;

	for (i = 0; i < s->nwl; i++) {
		const struct wl_sum *w = &s->wl[i];
		const char *name = metrics_last_part(w->cgroup);

		if (strcmp(w->workload, "kernelbuild") && strcmp(w->workload, "kmem-churn"))
			continue;
		snprintf(key, sizeof(key), "wall:%s", name);
		snprintf(label, sizeof(label), "%s wall", name);
		add(out, "wall", MU_S, MB_LOWER, 0.05, 0.5, !strcmp(w->workload, "kernelbuild"),
		    w->wall_ms / 1e3, key, label);
	}
	return 0;
}

/*
 * cpu: CPU time (usage and system) of the whole tree (kernelbuild/) and of
 * every workload cgroup. Lower is better; 10% and 0.1 s (v1 cpuacct splits
 * user/system in ticks, so system time of a short run moves by ticks).
 */
static int extract_cpu(const struct run_summary *s, const char *dir, struct metric_set *out,
		       char *err, size_t errlen)
{
	char key[160], label[160];
	size_t i;

	for (i = 0; i < s->ncpu; i++) {
		const struct cpu_sum *c = &s->cpu[i];
		const char *name = metrics_last_part(c->cgroup);
		bool top = !strchr(c->cgroup, '/'), leaf = false;
		size_t k;

		for (k = 0; k < s->nwl; k++)
			if (!strcmp(s->wl[k].cgroup, c->cgroup))
				leaf = true;
		if (!top && !leaf)
			continue;
		snprintf(key, sizeof(key), "cpu:%s:usage", name);
		snprintf(label, sizeof(label), "%s cpu", name);
		add(out, "cpu", MU_S, MB_LOWER, 0.10, 0.1, top, c->usage_us / 1e6, key, label);
		snprintf(key, sizeof(key), "cpu:%s:system", name);
		snprintf(label, sizeof(label), "%s system", name);
		add(out, "cpu", MU_S, MB_LOWER, 0.10, 0.1, top, c->sys_us / 1e6, key, label);
	}
	return 0;
}

/*
 * cputotal: the system-wide counters of the measured window (cputotal.tsv,
 * status ok only): CPU time, context switches, page faults, cycles and
 * instructions where the machine has a PMU. Lower is better; 10% (25% for
 * context switches, which count everything else on the machine too) and a
 * floor of 0.1 s or 100 events. Migrations and
 * idle time are shown without a verdict.
 */
static int extract_cputotal(const struct run_summary *s, const char *dir,
			    struct metric_set *out, char *err, size_t errlen)
{
	struct cputotal_row *rows;
	struct tsv t = { 0 };
	int c[T_N], ret;
	char key[160];
	size_t r;

	/* checked by run_summary_load() already */
	ret = load_bound(dir, "cputotal.tsv", cputotal_binds, sizeof(*rows), &t, &rows, c, err,
			 errlen);
	if (ret)
		return ret;
	for (r = 0; r < t.nrows; r++) {
		const char *ev = rows[r].event;
		bool ms = !strcmp(rows[r].unit, "msec");
		bool info = !strcmp(ev, "cpu-migrations") || !strcmp(ev, "proc-stat:idle");
		double v = rows[r].value;
		struct metric m = {
			.key = key, .group = "cputotal", .label = (char *)ev,
			.unit = ms ? MU_S : MU_COUNT, .better = info ? MB_NONE : MB_LOWER,
			.thr_rel = !strcmp(ev, "context-switches") ? 0.25 : 0.10,
			.thr_abs = ms ? 0.1 : 100, .trend = !strcmp(ev, "task-clock"),
		};

		if (c[T_ST] >= 0 && strcmp(rows[r].status, "ok"))
			continue;
		snprintf(key, sizeof(key), "cputotal:%s", ev);
		metric_set_add(out, &m, ms ? v / 1e3 : v);
	}
	free(rows);
	tsv_release(&t);
	return 0;
}

/* Smallest share a perf symbol needs in a run to be a metric (a run without it counts 0). */
#define PERF_MIN_PCT 0.01

/*
 * perf: the share of every kernel symbol in the run's profile
 * (perf-symbols.tsv), the rows of one normalised name summed (clones of
 * one function). A run that has a profile without the symbol counts 0 for
 * it, as perf diff does; compare keeps the top symbols. Lower is better:
 * a growing share is where the kernel spends more of the event; 25% and
 * half a percentage point.
 */
static int extract_perf(const struct run_summary *s, const char *dir, struct metric_set *out,
			char *err, size_t errlen)
{
	struct perfsym_list l;
	char *path = xasprintf("%s/perf-symbols.tsv", dir), key[600];
	size_t i, k, first = out->n;
	int ret;

	perfsym_list_init(&l);
	ret = perfsym_load_tsv(&l, path, err, errlen);
	for (i = 0; !ret && i < l.n; i++) {
		const struct perfsym *p = &l.v[i];
		struct metric m = {
			.key = key, .group = "perf", .label = p->norm, .unit = MU_PCT,
			.better = MB_LOWER, .thr_rel = 0.25, .thr_abs = 0.5, .absent_zero = true,
		};

		if (p->kind != 'k' || !(p->overhead_pct >= PERF_MIN_PCT))
			continue;
		snprintf(key, sizeof(key), "perf:%s", p->norm);
		for (k = first; k < out->n && strcmp(out->m[k].key, key); k++)
			;
		if (k < out->n)
			out->m[k].value += p->overhead_pct;
		else
			metric_set_add(out, &m, p->overhead_pct);
	}
	perfsym_list_release(&l);
	free(path);
	return ret;
}

/*
 * rss_stat: per member type and for the kernel's RSS (file + anon + shmem)
 * of the workload processes, the peak of the sum over live mms and the
 * number of events (rss_stat-summary.tsv, scopes "type" and "total").
 * Peaks: lower is better, 10% and 1 MiB; event counts and lost events are
 * shown without a verdict (more updates are not worse in themselves).
 */
static int extract_rss(const struct run_summary *s, const char *dir, struct metric_set *out,
		       char *err, size_t errlen)
{
	struct rss_row *rows;
	struct tsv t = { 0 };
	char key[160], label[160];
	size_t r;
	int ret;

	/* checked by run_summary_load() already */
	ret = load_bound(dir, "rss_stat-summary.tsv", rss_binds, sizeof(*rows), &t, &rows, NULL,
			 err, errlen);
	if (ret)
		return ret;
	for (r = 0; r < t.nrows; r++) {
		const char *scope = rows[r].scope, *type = rows[r].type;
		double ev = rows[r].events;

		if (!strcmp(scope, "lost")) {
			add(out, "rss_stat", MU_COUNT, MB_NONE, 0, 0, false, ev, "rss_stat:lost",
			    "lost events");
			continue;
		}
		if ((strcmp(scope, "type") && strcmp(scope, "total")) || !(ev > 0))
			continue;
		snprintf(key, sizeof(key), "rss_stat:%s:peak", type);
		snprintf(label, sizeof(label), "%s peak", type);
		add(out, "rss_stat", MU_BYTES, MB_LOWER, 0.10, 1 << 20, !strcmp(scope, "total"),
		    rows[r].peak, key, label);
		snprintf(key, sizeof(key), "rss_stat:%s:events", type);
		snprintf(label, sizeof(label), "%s events", type);
		add(out, "rss_stat", MU_COUNT, MB_NONE, 0, 0, false, ev, key, label);
	}
	free(rows);
	tsv_release(&t);
	return 0;
}

/*
 * The memcg workloads (issue 14): page-fault.tsv, reclaim.tsv and
 * cgroup-churn.tsv, rows of "metric value unit source" (workloads/memcg-wl.h).
 * The rows named here are metrics; the others (per-process rates, the
 * parameters, system-wide vmstat) stay in the file. A "-" value (percpu on
 * cgroup v1) is no metric. Thresholds: host runs at smoke size on the
 * shared 2-CPU machine (2026-12-02) moved ops/s per process by up to 25%
 * between back-to-back runs of one kernel, reclaim's read rate by up to 30%
 * and cgroups/s by up to 40%: 30%, 35% and 50% are verdicts. The reclaim
 * and dying counts are shown without a verdict (more scanning is not worse
 * in itself), except OOM kills and the dying cgroups left at the end.
 */
struct wl_row {
	const char *metric, *value, *unit, *source;
};
#define ROW struct wl_row
static const struct tsv_bind wl_row_binds[] = {
	{ "metric", TSV_STR, offsetof(ROW, metric) }, { "value", TSV_STR, offsetof(ROW, value) },
	{ "unit", TSV_STR, offsetof(ROW, unit) }, { "source", TSV_STR, offsetof(ROW, source) },
	{ NULL },
};
#undef ROW

struct wl_metric_def {
	const char *metric, *label;
	enum metric_unit unit;
	enum metric_better better;
	double thr_rel, thr_abs;
	bool trend;
};

static const struct wl_metric_def pf_defs[] = {
	{ "ops_per_sec_per_proc", "ops/s per proc", MU_COUNT, MB_HIGHER, 0.30, 1000, true },
	{ "ops_per_sec", "ops/s", MU_COUNT, MB_HIGHER, 0.30, 1000, false },
	{ "faults", "pgfault", MU_COUNT, MB_NONE, 0, 0, false },
	{ "faults_per_op", "pgfault per op", MU_COUNT, MB_NONE, 0, 0, false },
	{ NULL },
};

static const struct wl_metric_def reclaim_defs[] = {
	{ "read_mib_per_sec", "read MiB/s", MU_COUNT, MB_HIGHER, 0.35, 10, true },
	{ "touch_pages_per_sec", "anon pages/s", MU_COUNT, MB_HIGHER, 0.35, 1000, false },
	{ "pgscan", "pgscan", MU_COUNT, MB_NONE, 0, 0, false },
	{ "pgsteal", "pgsteal", MU_COUNT, MB_NONE, 0, 0, false },
	{ "workingset_refault_file", "refault file", MU_COUNT, MB_NONE, 0, 0, false },
	{ "workingset_refault_anon", "refault anon", MU_COUNT, MB_NONE, 0, 0, false },
	{ "workingset_activate_file", "activate file", MU_COUNT, MB_NONE, 0, 0, false },
	{ "workingset_restore_file", "restore file", MU_COUNT, MB_NONE, 0, 0, false },
	{ "failcnt", "failcnt", MU_COUNT, MB_NONE, 0, 0, false },
	{ "events:high", "events high", MU_COUNT, MB_NONE, 0, 0, false },
	{ "events:max", "events max", MU_COUNT, MB_NONE, 0, 0, false },
	{ "events:oom", "events oom", MU_COUNT, MB_LOWER, 0, 0.5, false },
	{ "events:oom_kill", "oom kills", MU_COUNT, MB_LOWER, 0, 0.5, false },
	{ NULL },
};

static const struct wl_metric_def churn_defs[] = {
	{ "cgroups_per_sec", "cgroups/s", MU_COUNT, MB_HIGHER, 0.50, 10, true },
	{ "dying_max", "dying peak", MU_COUNT, MB_NONE, 0, 0, false },
	{ "dying_end", "dying at end", MU_COUNT, MB_LOWER, 0.50, 5, false },
	{ "percpu_peak", "percpu peak", MU_BYTES, MB_LOWER, 0.10, 64 << 10, false },
	{ "percpu_end", "percpu at end", MU_BYTES, MB_LOWER, 0.10, 64 << 10, false },
	{ "percpu_per_cgroup", "percpu per cgroup", MU_BYTES, MB_LOWER, 0.10, 1024, false },
	{ "meminfo_percpu_peak", "Percpu peak", MU_BYTES, MB_NONE, 0, 0, false },
	{ NULL },
};

/* The rows of <dir>/<wl>.tsv that @defs names, as metrics "<wl>:<metric>". */
static int extract_wl_rows(const char *dir, const char *wl, const struct wl_metric_def *defs,
			   struct metric_set *out, char *err, size_t errlen)
{
	char *file = xasprintf("%s.tsv", wl), key[160];
	const struct wl_metric_def *d;
	struct wl_row *rows;
	struct tsv t = { 0 };
	size_t r;
	int ret;

	ret = load_bound(dir, file, wl_row_binds, sizeof(*rows), &t, &rows, NULL, err, errlen);
	free(file);
	if (ret)
		return ret;
	for (r = 0; r < t.nrows; r++) {
		double v = tsv_str_num(rows[r].value);

		for (d = defs; d->metric && strcmp(d->metric, rows[r].metric); d++)
			;
		if (!d->metric)
			continue;
		if (!strcmp(rows[r].value, "-"))
			continue;	/* not on this machine: the source says why */
		if (isnan(v) || isinf(v)) {
			snprintf(err, errlen, "'%s/%s.tsv' line %zu: the value of '%s' is not a "
				 "number: '%s'", dir, wl, r + 2, rows[r].metric, rows[r].value);
			ret = -EINVAL;
			break;
		}
		snprintf(key, sizeof(key), "%s:%s", wl, d->metric);
		add(out, wl, d->unit, d->better, d->thr_rel, d->thr_abs, d->trend, v, key,
		    d->label);
	}
	free(rows);
	tsv_release(&t);
	return ret;
}

static int extract_page_fault(const struct run_summary *s, const char *dir,
			      struct metric_set *out, char *err, size_t errlen)
{
	return extract_wl_rows(dir, "page-fault", pf_defs, out, err, errlen);
}

static int extract_reclaim(const struct run_summary *s, const char *dir, struct metric_set *out,
			   char *err, size_t errlen)
{
	return extract_wl_rows(dir, "reclaim", reclaim_defs, out, err, errlen);
}

static int extract_cgroup_churn(const struct run_summary *s, const char *dir,
				struct metric_set *out, char *err, size_t errlen)
{
	return extract_wl_rows(dir, "cgroup-churn", churn_defs, out, err, errlen);
}

/* Cut trailing white space (and a pty's '\r') off @s in place. */
static void trim_right(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
}

/*
 * selftest: the TAP results of kernel selftests run as a workload, from
 * selftests.tap in the result directory (the TAP streams of the tests, as
 * run_kselftest.sh prints them, nested "# " lines included). Per test: 1
 * for "ok", 0 for "not ok"; skipped tests are left out. Higher is better:
 * a test that passes on A and fails on B is a regression.
 */

/* Strip the "# " nesting prefixes of @line; returns the content, sets @depth. */
static char *tap_unnest(char *line, int *depth)
{
	*depth = 0;
	while (*line == '#') {
		line++;
		if (*line == ' ')
			line++;
		(*depth)++;
	}
	return line;
}

/*
 * The result in @c (no nesting prefix): the status, @desc and @directive
 * (NULL when none) cut in place. A SKIP without a description ("ok 3 #
 * SKIP test_x", as kselftest.h prints it) is named by its directive.
 */
static int tap_result(char *c, char **desc, char **directive)
{
	char *d, *hash;
	bool pass, skip;

	pass = !strncmp(c, "ok ", 3) || !strcmp(c, "ok");
	if (!pass && strncmp(c, "not ok ", 7) && strcmp(c, "not ok"))
		return -1;
	d = c + (pass ? 2 : 6);
	d += strspn(d, "0123456789 ");
	if (*d == '-')
		d += 1 + strspn(d + 1, " ");
	hash = strchr(d, '#');
	*directive = NULL;
	if (hash) {
		*hash = 0;
		*directive = hash + 1 + strspn(hash + 1, " ");
		trim_right(*directive);
	}
	trim_right(d);
	skip = *directive && !strncasecmp(*directive, "skip", 4);
	if (!*d && skip) {
		d = *directive + 4;
		d += strspn(d, " :");
	}
	if (!*d)
		return -1;
	*desc = d;
	return skip ? TAP_SKIP : pass ? TAP_OK : TAP_NOT_OK;
}

int metrics_tap_line(char *line, char **desc)
{
	char *directive;
	int depth;

	while (*line == ' ' || *line == '\t')
		line++;
	return tap_result(tap_unnest(line, &depth), desc, &directive);
}

static void strv_push(char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 2) * sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
	(*v)[*n] = NULL;
}

int tap_parse(const char *buf, size_t len, struct tap_doc *doc)
{
	char *copy = xstrndup(buf, len), *line, *save = NULL;
	char **pending = NULL;
	size_t npending = 0, i;

	memset(doc, 0, sizeof(*doc));
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c, *desc, *directive;
		struct tap_test *t;
		int depth, st;

		trim_right(line);
		c = tap_unnest(line, &depth);
		st = tap_result(c, &desc, &directive);
		if (st >= 0) {
			doc->t = xrealloc(doc->t, (doc->n + 1) * sizeof(*doc->t));
			t = &doc->t[doc->n++];
			t->name = xstrdup(desc);
			t->status = st;
			t->directive = directive && *directive ? xstrdup(directive) : NULL;
			t->depth = depth;
			t->diag = pending;
			t->ndiag = npending;
			pending = NULL;
			npending = 0;
			continue;
		}
		if (!*c || !strncmp(c, "TAP version", 11) || !strncmp(c, "selftests: ", 11) ||
		    (!strncmp(c, "1..", 3) && isdigit((unsigned char)c[3])))
			continue;
		if (!strncmp(c, "patchbench: ", 12))
			strv_push(&doc->notes, &doc->nnotes, c + 12);
		else
			strv_push(&pending, &npending, c);
	}
	for (i = 0; i < npending; i++)
		free(pending[i]);
	free(pending);
	free(copy);
	return 0;
}

void tap_doc_release(struct tap_doc *doc)
{
	size_t i, j;

	if (!doc)
		return;
	for (i = 0; i < doc->n; i++) {
		for (j = 0; j < doc->t[i].ndiag; j++)
			free(doc->t[i].diag[j]);
		free(doc->t[i].diag);
		free(doc->t[i].name);
		free(doc->t[i].directive);
	}
	free(doc->t);
	for (i = 0; i < doc->nnotes; i++)
		free(doc->notes[i]);
	free(doc->notes);
	memset(doc, 0, sizeof(*doc));
}

const struct tap_test *tap_doc_find(const struct tap_doc *doc, const char *name)
{
	size_t i;

	for (i = 0; i < doc->n; i++)
		if (!strcmp(doc->t[i].name, name))
			return &doc->t[i];
	return NULL;
}

const char *tap_test_row(const struct tap_test *t)
{
	return strncmp(t->name, "selftests: cgroup: ", 19) ? t->name : t->name + 19;
}

double tap_diag_value(const struct tap_test *t, const char *key)
{
	size_t i, kl = strlen(key);

	for (i = 0; i < t->ndiag; i++) {
		const char *p = t->diag[i];
		char *end;
		double v;

		if (strncmp(p, key, kl) || (p[kl] != ' ' && p[kl] != '='))
			continue;
		p += kl + strspn(p + kl, " =");
		v = strtod(p, &end);
		if (end != p)
			return v;
	}
	return NAN;
}

void tap_doc_print_failures(FILE *f, const struct tap_doc *doc, const char *label)
{
	size_t i, j;
	char *head;

	for (i = 0; i < doc->n; i++) {
		const struct tap_test *t = &doc->t[i];
		double cur, sum;
		char b1[32], b2[32], b3[32];

		if (t->status != TAP_NOT_OK)
			continue;
		head = xasprintf("%s not ok%s%s", tap_test_row(t), t->directive ? " # " : "",
				 t->directive ? t->directive : "");
		/* within a 72-column report: the kernel on a line of its own when it must */
		if (strlen(label) + 2 + strlen(head) <= 72)
			fprintf(f, "%s: %s\n", label, head);
		else
			fprintf(f, "%s:\n  %.70s\n", label, head);
		free(head);
		for (j = 0; j < t->ndiag; j++)
			fprintf(f, "    %.66s\n", t->diag[j]);
		if (!t->ndiag && t->depth > 0)
			fprintf(f, "    (the test printed nothing before it)\n");
		cur = tap_diag_value(t, "memory.current");
		sum = tap_diag_value(t, "slab + anon + file + kernel_stack");
		if (!isnan(cur) && !isnan(sum))
			fprintf(f, "    memory.current %s, the stat items' sum %s (%s apart)\n",
				fmt_size(b1, sizeof(b1), cur), fmt_size(b2, sizeof(b2), sum),
				fmt_size(b3, sizeof(b3), fabs(cur - sum)));
	}
}

static int extract_selftest(const struct run_summary *s, const char *dir,
			    struct metric_set *out, char *err, size_t errlen)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = xasprintf("%s/selftests.tap", dir), key[600];
	struct tap_doc doc;
	int ret = read_file(path, &sb);
	size_t i;

	if (ret) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(-ret));
		free(path);
		return ret;
	}
	tap_parse(sb.buf, sb.len, &doc);
	for (i = 0; i < doc.n; i++) {
		const struct tap_test *t = &doc.t[i];

		if (t->status == TAP_SKIP)
			continue;
		snprintf(key, sizeof(key), "selftest:%s", t->name);
		add(out, "selftest", MU_PASS, MB_HIGHER, 0, 0.5, false, t->status == TAP_OK, key,
		    t->name);
	}
	tap_doc_release(&doc);
	sb_release(&sb);
	free(path);
	return 0;
}

static const struct metric_source src_drift = {
	.name = "drift",
	.title = "Stat drift, absolute error",
	.file = "drift.tsv",
	.file2 = "probe.tsv",
	.extract = extract_drift,
};

static const struct metric_source src_root_during = {
	.name = "root-during",
	.title = "Root memory.stat vs /proc/vmstat while the workloads run",
	.file = "drift.tsv",
	.extract = extract_root_during,
};

static const struct metric_source src_root_after = {
	.name = "root-after",
	.title = "Root memory.stat vs /proc/vmstat after the workloads ended",
	.file = "drift.tsv",
	.extract = extract_root_after,
};

static const struct metric_source src_insn = {
	.name = "instructions",
	.title = "Guest instructions (TCG plugin; instructions, not cycles)",
	.file = "insn.tsv",
	.extract = extract_insn,
};

static const struct metric_source src_insn_syms = {
	.name = "insn-symbols",
	.title = "Guest kernel instructions per symbol (TCG plugin)",
	.file = "insn-symbols.tsv",
	.extract = extract_insn_syms,
};

static const struct metric_source src_readlat = {
	.name = "readlat",
	.title = "memory.stat read latency per tree level (us)",
	.file = "readlat.tsv",
	.extract = extract_readlat,
};

static const struct metric_source src_wall = {
	.name = "wall",
	.title = "Workload wall time (s)",
	.file = "workloads.tsv",
	.extract = extract_wall,
};

static const struct metric_source src_page_fault = {
	.name = "page-fault",
	.title = "page-fault workload: faults per second (page_fault1/2)",
	.file = "page-fault.tsv",
	.extract = extract_page_fault,
};

static const struct metric_source src_reclaim = {
	.name = "reclaim",
	.title = "reclaim workload: a cgroup below its working set",
	.file = "reclaim.tsv",
	.extract = extract_reclaim,
};

static const struct metric_source src_cgroup_churn = {
	.name = "cgroup-churn",
	.title = "cgroup-churn workload: cgroups made and removed, percpu, dying",
	.file = "cgroup-churn.tsv",
	.extract = extract_cgroup_churn,
};

static const struct metric_source src_cpu = {
	.name = "cpu",
	.title = "CPU time per cgroup (s)",
	.file = "cpu.tsv",
	.extract = extract_cpu,
};

static const struct metric_source src_cputotal = {
	.name = "cputotal",
	.title = "System-wide counters over the measured window",
	.file = "cputotal.tsv",
	.extract = extract_cputotal,
};

static const struct metric_source src_perf = {
	.name = "perf",
	.title = "perf: top kernel symbols, share of the event (%)",
	.file = "perf-symbols.tsv",
	.extract = extract_perf,
};

static const struct metric_source src_rss = {
	.name = "rss_stat",
	.title = "rss_stat of the workload processes",
	.file = "rss_stat-summary.tsv",
	.extract = extract_rss,
};

static const struct metric_source src_selftest = {
	.name = "selftest",
	.title = "Kernel selftests (TAP)",
	.file = "selftests.tap",
	.extract = extract_selftest,
};

/*
 * Order is report order. A monitor that writes a file of its own adds a
 * source here: name, title, the file, and an extractor that turns the file
 * into metrics; a run without the file gets no rows from it.
 */
const struct metric_source *const metric_sources[] = {
	&src_insn, &src_insn_syms, &src_drift, &src_root_during, &src_root_after, &src_readlat,
	&src_wall, &src_page_fault, &src_reclaim, &src_cgroup_churn, &src_cpu, &src_cputotal,
	&src_perf, &src_rss,
	&src_selftest, NULL,
};

const struct metric_source *metric_source_find(const char *name)
{
	const struct metric_source *const *s;

	for (s = metric_sources; *s; s++)
		if (!strcmp((*s)->name, name))
			return *s;
	return NULL;
}

int metrics_from_summary(const struct run_summary *s, const char *dir, struct metric_set *out,
			 char *err, size_t errlen)
{
	const struct metric_source *const *src;
	int ret = 0;

	metric_set_init(out);
	for (src = metric_sources; !ret && *src; src++) {
		if ((*src)->file) {
			char *p = xasprintf("%s/%s", dir, (*src)->file);
			bool have = path_exists(p);

			free(p);
			if (!have && (*src)->file2) {
				p = xasprintf("%s/%s", dir, (*src)->file2);
				have = path_exists(p);
				free(p);
			}
			if (!have)
				continue;
		}
		out->groups = xrealloc(out->groups, (out->ngroups + 1) * sizeof(*out->groups));
		out->groups[out->ngroups++] = xstrdup((*src)->name);
		ret = (*src)->extract(s, dir, out, err, errlen);
	}
	return ret;
}

int metrics_extract(const char *dir, struct run_summary *s, struct metric_set *out, char *err,
		    size_t errlen)
{
	int ret = run_summary_load(s, dir, err, errlen);

	if (ret) {
		metric_set_init(out);
		return ret;
	}
	return metrics_from_summary(s, dir, out, err, errlen);
}

/* ---- formatting ------------------------------------------------------- */

const char *metric_format(char *buf, size_t len, enum metric_unit unit, double v, bool sign)
{
	const char *plus = sign && v > 0 ? "+" : "";
	double a = fabs(v);

	if (isnan(v)) {
		snprintf(buf, len, "-");
		return buf;
	}
	/* no exponent to shorten below; a loader lets it through only where it means something */
	if (isinf(v)) {
		snprintf(buf, len, "%s%s", v < 0 ? "-" : plus, "inf");
		return buf;
	}
	/* keep any number within a 9-column table cell */
	if (unit == MU_COUNT && a >= 1e6 && a < 1e12) {
		bool g = a >= 1e9;

		snprintf(buf, len, "%s%.2f%c", plus, v / (g ? 1e9 : 1e6), g ? 'G' : 'M');
		return buf;
	}
	if (unit != MU_BYTES && a >= 1e6) {
		char m[32], *e;
		int x;

		/* "1.2e13", not "1.20e+13" */
		snprintf(m, sizeof(m), "%.1e", v);
		e = strchr(m, 'e');
		if (e) {
			x = atoi(e + 1);
			snprintf(e, sizeof(m) - (e - m), "e%d", x);
		}
		snprintf(buf, len, "%s%s%s", plus, m, unit == MU_PCT ? "%" : "");
		return buf;
	}
	switch (unit) {
	case MU_BYTES: {
		char t[32];

		fmt_size(t, sizeof(t), v);
		snprintf(buf, len, "%s%s", plus, t);
		break;
	}
	case MU_US:
	case MU_S:
		snprintf(buf, len, a >= 1000 ? "%s%.0f" : a >= 100 ? "%s%.1f" :
			 a >= 1 || a == 0 ? "%s%.2f" : "%s%.3f", plus, v);
		break;
	case MU_PCT:
		/* perf shares move by hundredths of a point */
		snprintf(buf, len, a < 10 ? "%s%.2f%%" : "%s%.1f%%", plus, v);
		break;
	case MU_PASS:
		if (!sign) {
			snprintf(buf, len, "%s", v >= 1 ? "ok" : v <= 0 ? "not ok" : "mixed");
			break;
		}
		/* a delta of pass rates is a number */
		__attribute__((fallthrough));
	case MU_COUNT:
		snprintf(buf, len, a >= 100 || v == floor(v) ? "%s%.0f" : "%s%.2f", plus, v);
		break;
	}
	return buf;
}

static const char *const unit_names[] = {
	[MU_BYTES] = "bytes", [MU_US] = "us", [MU_S] = "s", [MU_PCT] = "%",
	[MU_COUNT] = "count", [MU_PASS] = "pass",
};

static const char *const better_names[] = {
	[MB_LOWER] = "lower", [MB_HIGHER] = "higher", [MB_NONE] = "none",
};

const char *metric_unit_name(enum metric_unit u)
{
	return (size_t)u < ARRAY_SIZE(unit_names) ? unit_names[u] : "?";
}

int metric_unit_parse(const char *s, enum metric_unit *u)
{
	int i = name_index(unit_names, ARRAY_SIZE(unit_names), s);

	if (i < 0)
		return -EINVAL;
	*u = (enum metric_unit)i;
	return 0;
}

const char *metric_better_name(enum metric_better b)
{
	return (size_t)b < ARRAY_SIZE(better_names) ? better_names[b] : "?";
}

int metric_better_parse(const char *s, enum metric_better *b)
{
	int i = name_index(better_names, ARRAY_SIZE(better_names), s);

	if (i < 0)
		return -EINVAL;
	*b = (enum metric_better)i;
	return 0;
}
