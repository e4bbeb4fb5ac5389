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

static const char *cell(const struct tsv *t, size_t r, const char *col)
{
	return tsv_get(t, r, tsv_col(t, col));
}

static void cputotal_text(const char *dir, FILE *out)
{
	struct tsv t = { 0 };
	struct strbuf sb = STRBUF_INIT;
	char d[32];
	double win;
	size_t r;

	if (load_opt(dir, "cputotal.tsv", &t))
		return;
	if (!t.nrows || tsv_col(&t, "event") < 0 || tsv_col(&t, "value") < 0) {
		tsv_release(&t);
		return;
	}
	win = tsv_get_num(&t, 0, tsv_col(&t, "window_ms"));
	fprintf(out, "\nSystem-wide counters over the measured window (%s, %s CPUs)\n",
		fmt_duration(d, sizeof(d), isnan(win) ? 0 : (int64_t)(win * 1e6)),
		cell(&t, 0, "cpus"));
	for (r = 0; r < t.nrows; r++) {
		const char *st = cell(&t, r, "status"), *unit = cell(&t, r, "unit");
		char item[96];

		if (st && *st && strcmp(st, "ok"))
			snprintf(item, sizeof(item), "%s %s", cell(&t, r, "event"), st);
		else
			snprintf(item, sizeof(item), "%s %s%s%s", cell(&t, r, "event"),
				 cell(&t, r, "value"), strcmp(unit, "count") ? " " : "",
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
	struct tsv t = { 0 };
	struct proc_peak *pp = NULL;
	size_t r, np = 0;
	double lost = 0, total = 0;
	char a[32], b[32];
	int c_scope, c_type, c_ev, c_peak, c_final;

	if (load_opt(dir, "rss_stat-summary.tsv", &t))
		return;
	c_scope = tsv_col(&t, "scope");
	c_type = tsv_col(&t, "type");
	c_ev = tsv_col(&t, "events");
	c_peak = tsv_col(&t, "peak_bytes");
	c_final = tsv_col(&t, "final_bytes");
	if (c_scope < 0 || c_type < 0 || c_ev < 0 || c_peak < 0 || c_final < 0) {
		pr_err("'%s/rss_stat-summary.tsv': missing column scope, type, events, "
		       "peak_bytes or final_bytes", dir);
		tsv_release(&t);
		return;
	}
	for (r = 0; r < t.nrows; r++) {
		const char *sc = tsv_get(&t, r, c_scope);

		if (!strcmp(sc, "lost"))
			lost = tsv_get_num(&t, r, c_ev);
		else if (!strcmp(sc, "total"))
			total = tsv_get_num(&t, r, c_ev);
	}
	fprintf(out, "\nkmem:rss_stat of the workload processes (%.0f events, %.0f lost)\n",
		total, lost);
	if (lost > 0)
		fprintf(out, "  WARNING: the ring buffer lost %.0f events: sizes are incomplete\n",
			lost);
	fprintf(out, "  %-22s %9s %9s %9s\n", "type", "events", "peak", "final");
	for (r = 0; r < t.nrows; r++) {
		const char *sc = tsv_get(&t, r, c_scope);

		if (strcmp(sc, "type") && strcmp(sc, "total"))
			continue;
		fprintf(out, "  %-22s %9.0f %9s %9s\n",
			strcmp(sc, "total") ? tsv_get(&t, r, c_type) : "rss (file+anon+shmem)",
			tsv_get_num(&t, r, c_ev), fmt_size(a, sizeof(a), tsv_get_num(&t, r, c_peak)),
			fmt_size(b, sizeof(b), tsv_get_num(&t, r, c_final)));
	}
	for (r = 0; r < t.nrows; r++) {
		if (strcmp(tsv_get(&t, r, c_scope), "process") ||
		    strcmp(tsv_get(&t, r, c_type), "rss"))
			continue;
		pp = xrealloc(pp, (np + 1) * sizeof(*pp));
		pp[np++] = (struct proc_peak){ cell(&t, r, "pid"), cell(&t, r, "comm"),
					       tsv_get_num(&t, r, c_peak) };
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
	struct perfsym_list l;
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
	if (!load_opt(dir, "cputotal.tsv", &t)) {
		jw_key(w, "cpu_totals");
		jw_arr_begin(w);
		for (r = 0; r < t.nrows; r++) {
			double v = tsv_get_num(&t, r, tsv_col(&t, "value"));

			jw_obj_begin(w);
			jw_kstr(w, "event", cell(&t, r, "event"));
			if (isnan(v))
				jw_key(w, "value"), jw_null(w);
			else
				jw_kdouble(w, "value", v);
			jw_kstr(w, "unit", cell(&t, r, "unit"));
			jw_kstr(w, "status", cell(&t, r, "status"));
			jw_obj_end(w);
		}
		jw_arr_end(w);
		tsv_release(&t);
	}
	if (!load_opt(dir, "rss_stat-summary.tsv", &t)) {
		jw_key(w, "rss_stat");
		jw_arr_begin(w);
		for (r = 0; r < t.nrows; r++) {
			if (!strcmp(cell(&t, r, "scope"), "process"))
				continue;
			jw_obj_begin(w);
			jw_kstr(w, "scope", cell(&t, r, "scope"));
			jw_kstr(w, "type", cell(&t, r, "type"));
			jw_kdouble(w, "events", tsv_get_num(&t, r, tsv_col(&t, "events")));
			jw_kdouble(w, "peak_bytes", tsv_get_num(&t, r, tsv_col(&t, "peak_bytes")));
			jw_kdouble(w, "final_bytes", tsv_get_num(&t, r, tsv_col(&t, "final_bytes")));
			jw_obj_end(w);
		}
		jw_arr_end(w);
		tsv_release(&t);
	}
}
