// SPDX-License-Identifier: GPL-2.0
/*
 * report-perf.c - report sections for perf-symbols.tsv, cputotal.tsv and
 * rss_stat-summary.tsv (see report-perf.h). A missing file prints nothing;
 * a malformed one prints an error naming it.
 */
#include "report-perf.h"
#include "json.h"
#include "perfsym.h"
#include "tsv.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define TOP_SYMBOLS 10
#define TOP_PROCS 5

static int load_opt(const char *dir, const char *file, struct tsv *t)
{
	char err[512];
	char *p = xasprintf("%s/%s", dir, file);
	int ret = tsv_load(t, p, err, sizeof(err));

	if (ret && ret != -ENOENT)
		pr_err("%s", err);
	free(p);
	return ret;
}

static int load_syms(const char *dir, struct perfsym_list *l)
{
	char err[512];
	char *p = xasprintf("%s/perf-symbols.tsv", dir);
	int ret = -ENOENT;

	perfsym_list_init(l);
	if (path_exists(p)) {
		ret = perfsym_load_tsv(l, p, err, sizeof(err));
		if (ret)
			pr_err("%s", err);
		perfsym_sort(l);
	}
	free(p);
	return ret;
}

static void perf_text(const char *dir, const char *event, FILE *out)
{
	struct perfsym_list l;
	double kernel = 0, total = 0;
	size_t i, shown = 0;

	if (load_syms(dir, &l))
		return;
	for (i = 0; i < l.n; i++) {
		total += l.v[i].overhead_pct;
		if (l.v[i].kind == 'k')
			kernel += l.v[i].overhead_pct;
	}
	fprintf(out, "\nperf profile (%s, perf record -a): kernel %.1f%%, other %.1f%%\n",
		event && *event ? event : "unknown event", kernel, total - kernel);
	fprintf(out, "Top %d kernel symbols\n  overhead  symbol\n", TOP_SYMBOLS);
	for (i = 0; i < l.n && shown < TOP_SYMBOLS; i++) {
		if (l.v[i].kind != 'k')
			continue;
		fprintf(out, "  %7.2f%%  [k] %.58s\n", l.v[i].overhead_pct, l.v[i].symbol);
		shown++;
	}
	if (!shown)
		fprintf(out, "  (no kernel samples)\n");
	perfsym_list_release(&l);
}

/*
 * The cells the perf sections show, bound loosely: run_summary_load() has
 * checked these files already, and what is shown is their text.
 */
struct cputotal_cells {
	const char *event, *value, *unit, *status, *cpus;
	double num, window_ms;
};
#define ROW struct cputotal_cells
#define CELL(col, m) { col, TSV_STR, offsetof(ROW, m), .flags = TSV_OPTIONAL }
#define NUM(col, m) { col, TSV_DBL, offsetof(ROW, m), .flags = TSV_OPTIONAL | TSV_EMPTY }
static const struct tsv_bind cputotal_binds[] = {
	CELL("event", event), CELL("value", value), NUM("value", num), CELL("unit", unit),
	CELL("status", status), CELL("cpus", cpus), NUM("window_ms", window_ms),
	{ NULL },
};
#undef ROW
enum { CT_EVENT, CT_VALUE, CT_N = ARRAY_SIZE(cputotal_binds) - 1 };

struct rss_cells {
	const char *scope, *type, *pid, *comm;
	double events, peak, final;
};
#define ROW struct rss_cells
static const struct tsv_bind rss_binds[] = {
	CELL("scope", scope), CELL("type", type), NUM("events", events),
	NUM("peak_bytes", peak), NUM("final_bytes", final), CELL("pid", pid),
	CELL("comm", comm),
	{ NULL },
};
#undef ROW
#undef CELL
#undef NUM
enum { RS_N = 5 };

/* Load <dir>/<file> bound by @binds into *@rows (the caller frees it, then releases @t). */
static int load_cells(const char *dir, const char *file, const struct tsv_bind *binds,
		      size_t row_size, struct tsv *t, void *rows, int *col)
{
	char err[512];
	int ret = load_opt(dir, file, t);

	*(void **)rows = NULL;
	if (ret)
		return ret;
	ret = tsv_bind_rows(t, binds, row_size, rows, col, err, sizeof(err));
	if (ret) {
		pr_err("%s", err);
		tsv_release(t);
	}
	return ret;
}

static void cputotal_text(const char *dir, FILE *out)
{
	struct cputotal_cells *c;
	struct tsv t = { 0 };
	struct strbuf sb = STRBUF_INIT;
	int col[CT_N];
	char d[32];
	double win;
	size_t r;

	if (load_cells(dir, "cputotal.tsv", cputotal_binds, sizeof(*c), &t, &c, col))
		return;
	if (!t.nrows || col[CT_EVENT] < 0 || col[CT_VALUE] < 0)
		goto out;
	win = c[0].window_ms;
	fprintf(out, "\nSystem-wide counters over the measured window (%s, %s CPUs)\n",
		fmt_duration(d, sizeof(d), isnan(win) ? 0 : (int64_t)(win * 1e6)), c[0].cpus);
	for (r = 0; r < t.nrows; r++) {
		const char *st = c[r].status, *unit = c[r].unit;
		char item[96];

		if (st && *st && strcmp(st, "ok"))
			snprintf(item, sizeof(item), "%s %s", c[r].event, st);
		else
			snprintf(item, sizeof(item), "%s %s%s%s", c[r].event, c[r].value,
				 strcmp(unit, "count") ? " " : "",
				 strcmp(unit, "count") ? unit : "");
		if (sb.len && sb.len + strlen(item) + 2 > 70) {
			fprintf(out, "  %s\n", sb.buf);
			sb_reset(&sb);
		}
		sb_addf(&sb, "%s%s", sb.len ? ", " : "", item);
	}
	if (sb.len)
		fprintf(out, "  %s\n", sb.buf);
	sb_release(&sb);
out:
	free(c);
	tsv_release(&t);
}

struct proc_peak {
	const char *pid, *comm;
	double peak;
};

static int cmp_peak(const void *a, const void *b)
{
	const struct proc_peak *x = a, *y = b;

	return x->peak < y->peak ? 1 : x->peak > y->peak ? -1 : 0;
}

static void rss_text(const char *dir, FILE *out)
{
	struct rss_cells *c;
	struct tsv t = { 0 };
	struct proc_peak *pp = NULL;
	size_t r, np = 0;
	double lost = 0, total = 0;
	char a[32], b[32];
	int col[RS_N + 2];

	if (load_cells(dir, "rss_stat-summary.tsv", rss_binds, sizeof(*c), &t, &c, col))
		return;
	for (r = 0; r < RS_N && col[r] >= 0; r++)
		;
	if (r < RS_N) {
		pr_err("'%s/rss_stat-summary.tsv': missing column scope, type, events, "
		       "peak_bytes or final_bytes", dir);
		goto out;
	}
	for (r = 0; r < t.nrows; r++) {
		if (!strcmp(c[r].scope, "lost"))
			lost = c[r].events;
		else if (!strcmp(c[r].scope, "total"))
			total = c[r].events;
	}
	fprintf(out, "\nkmem:rss_stat of the workload processes (%.0f events, %.0f lost)\n",
		total, lost);
	if (lost > 0)
		fprintf(out, "  WARNING: the ring buffer lost %.0f events: sizes are incomplete\n",
			lost);
	fprintf(out, "  %-22s %9s %9s %9s\n", "type", "events", "peak", "final");
	for (r = 0; r < t.nrows; r++) {
		const char *sc = c[r].scope;

		if (strcmp(sc, "type") && strcmp(sc, "total"))
			continue;
		fprintf(out, "  %-22s %9.0f %9s %9s\n",
			strcmp(sc, "total") ? c[r].type : "rss (file+anon+shmem)", c[r].events,
			fmt_size(a, sizeof(a), c[r].peak), fmt_size(b, sizeof(b), c[r].final));
	}
	for (r = 0; r < t.nrows; r++) {
		if (strcmp(c[r].scope, "process") || strcmp(c[r].type, "rss"))
			continue;
		pp = xrealloc(pp, (np + 1) * sizeof(*pp));
		pp[np++] = (struct proc_peak){ c[r].pid, c[r].comm, c[r].peak };
	}
	if (np) {
		qsort(pp, np, sizeof(*pp), cmp_peak);
		fprintf(out, "  largest of %zu processes by peak RSS:", np);
		for (r = 0; r < np && r < TOP_PROCS; r++)
			fprintf(out, "%s%s %.15s %s", r % 2 ? ", " : "\n    ", pp[r].pid,
				pp[r].comm, fmt_size(a, sizeof(a), pp[r].peak));
		fprintf(out, "\n");
	}
	free(pp);
out:
	free(c);
	tsv_release(&t);
}

void report_perf_text(const char *dir, const char *event, FILE *out)
{
	perf_text(dir, event, out);
	cputotal_text(dir, out);
	rss_text(dir, out);
}

void report_perf_json(const char *dir, struct json_writer *w)
{
	struct cputotal_cells *ct;
	struct perfsym_list l;
	struct rss_cells *rs;
	struct tsv t = { 0 };
	size_t i, r, shown = 0;
	char kind[2] = "?";

	if (!load_syms(dir, &l)) {
		jw_key(w, "perf_symbols");
		jw_arr_begin(w);
		for (i = 0; i < l.n && shown < 50; i++, shown++) {
			kind[0] = l.v[i].kind;
			jw_obj_begin(w);
			jw_kdouble(w, "overhead_pct", l.v[i].overhead_pct);
			jw_kstr(w, "kind", kind);
			jw_kstr(w, "dso", l.v[i].dso);
			jw_kstr(w, "symbol", l.v[i].symbol);
			jw_kstr(w, "symbol_norm", l.v[i].norm);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		perfsym_list_release(&l);
	}
	if (!load_cells(dir, "cputotal.tsv", cputotal_binds, sizeof(*ct), &t, &ct, NULL)) {
		jw_key(w, "cpu_totals");
		jw_arr_begin(w);
		for (r = 0; r < t.nrows; r++) {
			double v = ct[r].num;

			jw_obj_begin(w);
			jw_kstr(w, "event", ct[r].event);
			if (isnan(v))
				jw_key(w, "value"), jw_null(w);
			else
				jw_kdouble(w, "value", v);
			jw_kstr(w, "unit", ct[r].unit);
			jw_kstr(w, "status", ct[r].status);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		free(ct);
		tsv_release(&t);
	}
	if (!load_cells(dir, "rss_stat-summary.tsv", rss_binds, sizeof(*rs), &t, &rs, NULL)) {
		jw_key(w, "rss_stat");
		jw_arr_begin(w);
		for (r = 0; r < t.nrows; r++) {
			if (!strcmp(rs[r].scope, "process"))
				continue;
			jw_obj_begin(w);
			jw_kstr(w, "scope", rs[r].scope);
			jw_kstr(w, "type", rs[r].type);
			jw_kdouble(w, "events", rs[r].events);
			jw_kdouble(w, "peak_bytes", rs[r].peak);
			jw_kdouble(w, "final_bytes", rs[r].final);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		free(rs);
		tsv_release(&t);
	}
}
