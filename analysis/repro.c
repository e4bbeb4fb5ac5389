// SPDX-License-Identifier: GPL-2.0
/*
 * repro.c - the tables and verdicts of "patchbench reproduce", read from
 * the result directories of a reproduction (selftests/<kernel>,
 * runs/<kernel>/<i>, readcost/<kernel>/<i>); the reports are
 * repro-report.c's. Every TSV is read by column name through tsv_bind_rows().
 */
#include "repro.h"
#include "tsv.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

const char *const repro_kernel_names[REPRO_NKERNELS] = {
	"vanilla", "noop", "memcg-flush-on-read", "memcg-lazy-flush",
};

const enum repro_expect repro_expected[REPRO_NKERNELS] = {
	0, REPRO_EXPECT_NO_CHANGE, REPRO_EXPECT_DRIFT_IMPROVEMENT_READ_COST,
	REPRO_EXPECT_DRIFT_REGRESSION,
};

/*
 * Load <@dir>/<@file> and bind its rows through @binds into *@rows (freed
 * by the caller, before it releases @t: the strings point into @t); @col
 * says which optional columns the file has (-1: not). 0, or -errno
 * (missing, unreadable or malformed: the caller skips the run, as compare
 * does not get this far with a malformed one).
 */
static int load_rows(const char *dir, const char *file, const struct tsv_bind *binds,
		     size_t row_size, struct tsv *t, void *rows, int *col)
{
	char *path = xasprintf("%s/%s", dir, file), err[256];
	int ret = tsv_load(t, path, err, sizeof(err));

	*(void **)rows = NULL;
	if (!ret) {
		ret = tsv_bind_rows(t, binds, row_size, rows, col, err, sizeof(err));
		if (ret)
			tsv_release(t);
	}
	free(path);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Table 1: selftests TAP and patchbench's drift checks, per kernel */

void repro_tap_load(struct repro_tap *ts, const char *dir)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = xasprintf("%s/selftests.tap", dir);

	memset(ts, 0, sizeof(*ts));
	if (!read_file(path, &sb)) {
		ts->present = true;
		tap_parse(sb.buf, sb.len, &ts->doc);
	}
	sb_release(&sb);
	free(path);
}

void repro_tap_release(struct repro_tap *ts)
{
	tap_doc_release(&ts->doc);
	ts->present = false;
}

static const struct tap_test *tap_get(const struct repro_tap *ts, const char *row)
{
	size_t i;

	for (i = 0; i < ts->doc.n; i++)
		if (!strcmp(tap_test_row(&ts->doc.t[i]), row))
			return &ts->doc.t[i];
	return NULL;
}

const char *repro_tap_status(const struct repro_tap *ts, const char *row)
{
	const struct tap_test *t = tap_get(ts, row);

	if (!t)
		return "-";
	return t->status == TAP_SKIP ? "skip" : t->status == TAP_OK ? "ok" : "FAIL";
}

const char *repro_drift_state(const char *dir, const char *check, double *max_share)
{
	struct run_summary s;
	char err[512];
	const char *st = "-";
	size_t i;

	*max_share = NAN;
	if (!dir || run_summary_load(&s, dir, err, sizeof(err)))
		return st;
	for (i = 0; i < s.nchecks; i++) {
		if (strcmp(s.checks[i].name, check) || !s.checks[i].err.n)
			continue;
		st = s.checks[i].over ? "OVER" : "within";
		if (s.checks[i].bound > 0)
			*max_share = s.checks[i].max_err / s.checks[i].bound;
	}
	run_summary_release(&s);
	return st;
}

/* ------------------------------------------------------------------ */
/* Table 3: root memory.stat vs /proc/vmstat from drift.tsv */

const char *const repro_t3_keys[REPRO_T3_NKEYS + 1] = {
	"inactive_file", "active_file", "inactive_anon", "active_anon", NULL,
};

#define GE0 0, INT64_MAX
#define AT(type, m) TSV_##type, offsetof(ROW, m)

/* what table 3 reads of drift.tsv (bench/sampler.c writes it; metrics.c checks all of it) */
struct t3_row {
	const char *check, *key;
	int64_t err, bound, t_ms;
};
#define ROW struct t3_row
static const struct tsv_bind t3_binds[] = {
	{ "check", AT(STR, check) }, { "key", AT(STR, key) },
	{ "abs_err_bytes", AT(I64, err), GE0 },
	{ "bound_bytes", AT(I64, bound), GE0, TSV_OPTIONAL },
	{ "t_ms", AT(I64, t_ms), GE0, TSV_OPTIONAL },
	{ NULL },
};
#undef ROW
enum { T3_CHECK, T3_KEY, T3_ERR, T3_BOUND, T3_T, T3_N = ARRAY_SIZE(t3_binds) - 1 };

/* the kernelbuild instances' end in workloads.tsv */
struct wl_row {
	const char *workload;
	int64_t end_ms;
};
#define ROW struct wl_row
static const struct tsv_bind wl_binds[] = {
	{ "workload", AT(STR, workload) },
	{ "end_ms", AT(I64, end_ms), -1, INT64_MAX, TSV_OPTIONAL },
	{ NULL },
};
#undef ROW
enum { WL_NAME, WL_END, WL_N = ARRAY_SIZE(wl_binds) - 1 };

/* When the last kernelbuild instance of run @dir ended (t_ms), or -1 without one. */
static double build_end_ms(const char *dir)
{
	struct tsv t = { 0 };
	struct wl_row *w;
	double end = -1;
	int c[WL_N];
	size_t r;

	if (load_rows(dir, "workloads.tsv", wl_binds, sizeof(*w), &t, &w, c))
		return end;
	for (r = 0; c[WL_END] >= 0 && r < t.nrows; r++)
		if (!strcmp(w[r].workload, "kernelbuild") && (double)w[r].end_ms > end)
			end = (double)w[r].end_ms;
	free(w);
	tsv_release(&t);
	return end;
}

/* The index in repro_t3_keys of "memory.stat:<key>" (or "<key>"), or REPRO_T3_NKEYS. */
static size_t t3_key(const char *key)
{
	const char *colon = strrchr(key, ':');
	size_t k;

	for (k = 0; k < REPRO_T3_NKEYS; k++)
		if (!strcmp(colon ? colon + 1 : key, repro_t3_keys[k]))
			break;
	return k;
}

/* The root-vs-vmstat rows of run @dir into @v and @out's bounds. */
static void t3_add_run(const char *dir, struct dvec v[REPRO_T3_NKEYS][2], struct repro_t3 *out)
{
	double end = build_end_ms(dir);
	struct tsv t = { 0 };
	struct t3_row *d;
	int c[T3_N];
	size_t r, k, ph;

	if (load_rows(dir, "drift.tsv", t3_binds, sizeof(*d), &t, &d, c))
		return;
	for (r = 0; r < t.nrows; r++) {
		struct repro_t3_cell *cell;

		if (strcmp(d[r].check, "root-vs-vmstat"))
			continue;
		k = t3_key(d[r].key);
		if (k == REPRO_T3_NKEYS)
			continue;
		ph = end >= 0 && c[T3_T] >= 0 && (double)d[r].t_ms > end;
		cell = &out->c[k][ph];
		dvec_push(&v[k][ph], (double)d[r].err);
		if (c[T3_BOUND] >= 0 && (double)d[r].bound > cell->bound)
			cell->bound = (double)d[r].bound;
	}
	free(d);
	tsv_release(&t);
}

void repro_t3_collect(const struct cmp_side *s, struct repro_t3 *out)
{
	struct dvec v[REPRO_T3_NKEYS][2];
	size_t i, k, ph;

	memset(out, 0, sizeof(*out));
	for (k = 0; k < REPRO_T3_NKEYS; k++)
		for (ph = 0; ph < 2; ph++)
			dvec_init(&v[k][ph]);
	for (i = 0; i < s->n; i++)
		t3_add_run(s->runs[i], v, out);
	for (k = 0; k < REPRO_T3_NKEYS; k++)
		for (ph = 0; ph < 2; ph++) {
			struct repro_t3_cell *c = &out->c[k][ph];

			c->n = v[k][ph].n;
			c->max = c->n ? stats_max(v[k][ph].v, c->n) : NAN;
			c->p99 = c->n ? stats_percentile(v[k][ph].v, c->n, 99) : NAN;
			dvec_release(&v[k][ph]);
		}
}

/* ------------------------------------------------------------------ */
/* stat-lag: probe.tsv of the stat-probe workload, drift.tsv's columns */

struct probe_row {
	int64_t err;
};
#define ROW struct probe_row
static const struct tsv_bind probe_binds[] = {
	{ "abs_err_bytes", AT(I64, err), GE0 },
	{ NULL },
};
#undef ROW

void repro_statlag_collect(const struct cmp_side *s, struct repro_statlag *sl)
{
	double sum = 0;
	size_t i, r;

	sl->n = sl->lag = 0;
	for (i = 0; i < s->n; i++) {
		struct tsv t = { 0 };
		struct probe_row *p;

		if (load_rows(s->runs[i], "probe.tsv", probe_binds, sizeof(*p), &t, &p, NULL))
			continue;
		for (r = 0; r < t.nrows; r++) {
			sl->n++;
			sl->lag += p[r].err > 0;
			sum += (double)p[r].err;
		}
		free(p);
		tsv_release(&t);
	}
	sl->mean = sl->n ? sum / (double)sl->n : NAN;
}

/* ------------------------------------------------------------------ */
/* Read-cost scaling: readcost.tsv of the readcost runs of each kernel */

/* the values may be "-" (a point with no reads of that kind): text, read as NaN */
struct rc_row {
	const char *kind, *dying, *state, *method, *p50, *mean, *op0, *op1;
	int64_t cgroups;
};
#define ROW struct rc_row
static const struct tsv_bind rc_binds[] = {
	{ "kind", AT(STR, kind) }, { "cgroups", AT(I64, cgroups), GE0 },
	{ "dying", AT(STR, dying), .flags = TSV_OPTIONAL }, { "state", AT(STR, state) },
	{ "method", AT(STR, method) }, { "p50_us", AT(STR, p50) }, { "mean_us", AT(STR, mean) },
	{ "op_first", AT(STR, op0), .flags = TSV_OPTIONAL },
	{ "op_last", AT(STR, op1), .flags = TSV_OPTIONAL },
	{ NULL },
};
#undef ROW
enum { RC_KIND, RC_N, RC_DYING, RC_STATE, RC_METHOD, RC_P50, RC_MEAN, RC_OP0, RC_OP1,
       RC_NF = ARRAY_SIZE(rc_binds) - 1 };

/* insn-ops.tsv: the kernel instructions of each of readcost's in-process reads */
struct op_row {
	int64_t op;
	double kernel;		/* NaN: the read moved vCPU */
};
#define ROW struct op_row
static const struct tsv_bind op_binds[] = {
	{ "op", AT(I64, op), 1, INT64_MAX },
	{ "kernel_insns", AT(DBL, kernel), 0, INT64_MAX, TSV_EMPTY | TSV_INTEGER },
	{ NULL },
};
#undef ROW
#undef GE0
#undef AT

const struct repro_rc_point *repro_rc_find(const struct repro_rc_set *rs, const char *kind,
					   int cgroups, const char *state, const char *method)
{
	size_t i;

	for (i = 0; rs && i < rs->n; i++)
		if (rs->p[i].cgroups == cgroups && !strcmp(rs->p[i].kind, kind) &&
		    !strcmp(rs->p[i].state, state) && !strcmp(rs->p[i].method, method))
			return &rs->p[i];
	return NULL;
}

/* The point of @rs, added empty when it is not there yet. */
static struct repro_rc_point *rc_get(struct repro_rc_set *rs, const char *kind, int cgroups,
				     const char *state, const char *method)
{
	const struct repro_rc_point *found = repro_rc_find(rs, kind, cgroups, state, method);
	struct repro_rc_point *p;

	if (found)
		return &rs->p[found - rs->p];
	rs->p = xrealloc(rs->p, (rs->n + 1) * sizeof(*rs->p));
	p = &rs->p[rs->n++];
	memset(p, 0, sizeof(*p));
	p->kind = xstrdup(kind);
	p->state = xstrdup(state);
	p->method = xstrdup(method);
	p->cgroups = cgroups;
	dvec_init(&p->v);
	return p;
}

/* The median kernel instructions of ops @a..@b of @ops (@n rows), NaN without one. */
static double ops_p50(const struct op_row *ops, size_t n, double a, double b)
{
	struct dvec v = DVEC_INIT;
	double m;
	size_t i;

	for (i = 0; i < n && !isnan(a) && !isnan(b); i++)
		if (ops[i].op >= a && ops[i].op <= b && !isnan(ops[i].kernel))
			dvec_push(&v, ops[i].kernel);
	m = v.n ? stats_median(v.v, v.n) : NAN;
	dvec_release(&v);
	return m;
}

void repro_rc_load(struct repro_rc_set *rs, const char *dir)
{
	struct tsv t = { 0 }, ot = { 0 };
	struct rc_row *row;
	struct op_row *ops = NULL;
	int c[RC_NF];
	size_t r;

	if (load_rows(dir, "readcost.tsv", rc_binds, sizeof(*row), &t, &row, c))
		return;
	/* under TCG with counts: each in-process point in kernel instructions, too */
	if (c[RC_OP0] >= 0 && c[RC_OP1] >= 0 &&
	    load_rows(dir, "insn-ops.tsv", op_binds, sizeof(*ops), &ot, &ops, NULL))
		ops = NULL;
	rs->present = true;
	rs->runs++;
	for (r = 0; r < t.nrows; r++) {
		const struct rc_row *w = &row[r];
		struct repro_rc_point *p = rc_get(rs, w->kind, (int)w->cgroups, w->state, w->method);
		double v = tsv_str_num(strcmp(w->method, "hyperfine") ? w->p50 : w->mean);

		if (!p->dying)
			p->dying = xstrdup(c[RC_DYING] >= 0 ? w->dying : "-");
		if (!isnan(v))
			dvec_push(&p->v, v);
		v = ops && !strcmp(w->method, "inproc") ?
		    ops_p50(ops, ot.nrows, tsv_str_num(w->op0), tsv_str_num(w->op1)) : NAN;
		if (!isnan(v)) {
			p = rc_get(rs, w->kind, (int)w->cgroups, w->state, "insn");
			if (!p->dying)
				p->dying = xstrdup(c[RC_DYING] >= 0 ? w->dying : "-");
			dvec_push(&p->v, v);
			rs->insn = true;
		}
	}
	free(ops);
	tsv_release(&ot);
	free(row);
	tsv_release(&t);
}

void repro_rc_release(struct repro_rc_set *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++) {
		free(rs->p[i].kind);
		free(rs->p[i].state);
		free(rs->p[i].method);
		free(rs->p[i].dying);
		dvec_release(&rs->p[i].v);
	}
	free(rs->p);
	memset(rs, 0, sizeof(*rs));
}

double repro_rc_median(const struct repro_rc_point *p)
{
	double *tmp, m;

	if (!p || !p->v.n)
		return NAN;
	tmp = xmalloc(p->v.n * sizeof(*tmp));
	memcpy(tmp, p->v.v, p->v.n * sizeof(*tmp));
	m = stats_median(tmp, p->v.n);
	free(tmp);
	return m;
}

/*
 * Under TCG one boot's reads can all be 50% slower than another boot's of
 * the same kernel, so the reads of one run are not independent samples of
 * the kernel: the samples are the runs.
 */
void repro_rc_verdict(const struct repro_rc_set *a, const struct repro_rc_set *b,
		      struct repro_rc_verdict *v)
{
	double *p = xcalloc(b->n + 1, sizeof(*p)), *rel = xcalloc(b->n + 1, sizeof(*rel));
	bool *sig = xcalloc(b->n + 1, sizeof(*sig));
	const char *method = a->insn && b->insn ? "insn" : "inproc";
	double best = 0, thr = a->insn && b->insn ? REPRO_RC_INSN_THRESHOLD : 0.25;
	size_t i;

	v->reg = v->imp = v->points = 0;
	v->insn = a->insn && b->insn;
	snprintf(v->worst, sizeof(v->worst), "-");
	for (i = 0; i < b->n; i++) {
		const struct repro_rc_point *pb = &b->p[i], *pa;
		double ma, mb;

		p[i] = rel[i] = NAN;
		if (strcmp(pb->state, "dirty") || strcmp(pb->method, method))
			continue;
		pa = repro_rc_find(a, pb->kind, pb->cgroups, "dirty", method);
		if (!pa || pa->v.n < 2 || pb->v.n < 2)
			continue;
		ma = stats_mean(pa->v.v, pa->v.n);
		mb = stats_mean(pb->v.v, pb->v.n);
		p[i] = stats_welch_p_summary(ma, stats_stddev(pa->v.v, pa->v.n), pa->v.n, mb,
					     stats_stddev(pb->v.v, pb->v.n), pb->v.n);
		rel[i] = (mb - ma) / ma;
		if (!isnan(p[i]))
			v->points++;
		if (fabs(rel[i]) > best) {
			best = fabs(rel[i]);
			snprintf(v->worst, sizeof(v->worst), "%+.0f%% at %d %s (p %.2g)",
				 100 * rel[i], pb->cgroups, pb->kind, p[i]);
		}
	}
	stats_holm(p, b->n, 0.05, sig);
	for (i = 0; i < b->n; i++) {
		if (sig[i] && rel[i] > thr)
			v->reg++;
		else if (sig[i] && rel[i] < -thr)
			v->imp++;
	}
	free(p);
	free(rel);
	free(sig);
}

/* readcost-plot.tsv: one gnuplot data block per kernel and kind (readcost.gp) */
static void rc_plot_data(struct strbuf *sb, const struct repro_kernel *ks)
{
	static const char *const kinds[] = { "idle", "deleted" };
	size_t k, i, j;

	sb_adds(sb, "# cgroups\tinproc_dirty_p50_us\thyperfine_dirty_mean_us"
		" (medians over runs)\n");
	for (k = 0; k < REPRO_NKERNELS; k++) {
		const struct repro_rc_set *rs = &ks[k].rc;

		for (j = 0; j < 2; j++) {
			sb_addf(sb, "# %s %s\n", repro_kernel_names[k], kinds[j]);
			for (i = 0; i < rs->n; i++) {
				const struct repro_rc_point *p = &rs->p[i], *h;

				if (strcmp(p->kind, kinds[j]) || strcmp(p->state, "dirty") ||
				    strcmp(p->method, "inproc") || !p->v.n)
					continue;
				h = repro_rc_find(rs, p->kind, p->cgroups, "dirty", "hyperfine");
				sb_addf(sb, "%d\t%.1f\t%.1f\n", p->cgroups, repro_rc_median(p),
					h && h->v.n ? repro_rc_median(h) : NAN);
			}
			sb_adds(sb, "\n\n");
		}
	}
}

int repro_rc_write_summary(const char *out, const struct repro_kernel *ks)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = xasprintf("%s/readcost-summary.tsv", out);
	size_t k, i;
	int ret;

	sb_adds(&sb, "kernel\tkind\tcgroups\tdying\tstate\tmethod\truns"
		"\tmedian_us\tmin_us\tmax_us\n");
	for (k = 0; k < REPRO_NKERNELS; k++)
		for (i = 0; i < ks[k].rc.n; i++) {
			const struct repro_rc_point *p = &ks[k].rc.p[i];

			if (!p->v.n)
				continue;
			sb_addf(&sb, "%s\t%s\t%d\t%s\t%s\t%s\t%zu\t%.1f\t%.1f\t%.1f\n",
				repro_kernel_names[k], p->kind, p->cgroups,
				p->dying ? p->dying : "-", p->state, p->method, p->v.n,
				repro_rc_median(p), stats_min(p->v.v, p->v.n),
				stats_max(p->v.v, p->v.n));
		}
	ret = write_atomic(path, sb.buf, sb.len);
	free(path);
	sb_release(&sb);
	if (ret)
		return ret;
	rc_plot_data(&sb, ks);
	path = xasprintf("%s/readcost-plot.tsv", out);
	ret = write_atomic(path, sb.buf, sb.len);
	free(path);
	sb_release(&sb);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Verdicts */

void repro_verdicts_of(struct repro_kernel *k)
{
	size_t i;

	k->no_verdict = true;
	for (i = 0; i < k->c.nrows; i++) {
		const struct cmp_row *r = &k->c.rows[i];
		bool drift = !strcmp(r->m.group, "drift");
		bool rl = !strcmp(r->m.group, "readlat");

		if (!drift && !rl)
			continue;
		if (r->verdict != VERDICT_NONE)
			k->no_verdict = false;
		if (drift && r->verdict == VERDICT_REGRESSION)
			k->drift_reg = true;
		if (drift && r->verdict == VERDICT_IMPROVEMENT)
			k->drift_imp = true;
		if (rl && r->verdict == VERDICT_REGRESSION)
			k->read_reg = true;
	}
}

void repro_check_expected(struct repro_kernel *k, enum repro_expect e)
{
	free(k->why);
	if (k->no_verdict) {
		k->as_expected = false;
		k->why = xstrdup("no verdict: fewer than 2 runs on a side");
		return;
	}
	switch (e) {
	case REPRO_EXPECT_NO_CHANGE:
		k->as_expected = !k->drift_reg && !k->drift_imp;
		break;
	case REPRO_EXPECT_DRIFT_REGRESSION:
		k->as_expected = k->drift_reg;
		break;
	case REPRO_EXPECT_DRIFT_IMPROVEMENT_READ_COST:
		k->as_expected = k->drift_imp && (k->read_reg || k->rcv.reg > 0);
		break;
	}
	k->why = xasprintf("drift %s%s%s, read latency %s,\n            read cost %s",
			   k->drift_reg ? "regression" : "",
			   k->drift_reg && k->drift_imp ? " and " : "",
			   k->drift_imp ? "improvement" : (k->drift_reg ? "" : "no change"),
			   k->read_reg ? "regression" : "no regression",
			   !k->rc.present ? "not measured" : !k->rcv.points ?
			   "untested (fewer than 2 runs per side)" : k->rcv.reg ? "higher" :
			   k->rcv.imp ? "lower" : "no change");
}

int repro_kernel_analyse(struct repro_kernel *ks, size_t i, char *err, size_t errlen)
{
	struct repro_kernel *k = &ks[i];
	struct compare_opts co = { .force = true };
	int ret;

	comparison_init(&k->c);
	ret = compare_dirs(&k->c, ks[0].runs_dir, k->runs_dir, &co, err, errlen);
	if (ret) {
		k->why = xasprintf("cannot compare: %s", err);
		return ret;
	}
	k->have_c = true;
	repro_verdicts_of(k);
	repro_t3_collect(&k->c.a, &k->t3a);
	repro_t3_collect(&k->c.b, &k->t3b);
	repro_statlag_collect(&k->c.b, &k->sl);
	if (i == 1)
		repro_statlag_collect(&k->c.a, &ks[0].sl);
	if (ks[0].rc.present && k->rc.present)
		repro_rc_verdict(&ks[0].rc, &k->rc, &k->rcv);
	repro_check_expected(k, repro_expected[i]);
	return 0;
}

void repro_kernel_release(struct repro_kernel *k)
{
	comparison_release(&k->c);
	repro_tap_release(&k->tap);
	repro_rc_release(&k->rc);
	free(k->runs_dir);
	free(k->st_dir);
	free(k->why);
	memset(k, 0, sizeof(*k));
}
