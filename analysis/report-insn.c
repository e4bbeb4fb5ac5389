// SPDX-License-Identifier: GPL-2.0
/*
 * report-insn.c - the report section of the guest instruction counts (see
 * report-insn.h). The numbers are those compare judges: the metric source
 * "instructions" of metrics.c (window totals, read cost per level), and
 * insn-symbols.tsv for the symbols.
 */
#include "report-insn.h"
#include "insn.h"
#include "json.h"
#include "metrics.h"
#include "perfsym.h"
#include "util.h"
#include "wrap.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define TOP_SYMBOLS 10

/* What the section shows of one run. */
struct insn_report {
	const char *state;		/* NULL: complete; else why there are no numbers */
	struct metric_set ms;		/* of the source "instructions" */
	struct perfsym_list syms;	/* insn-symbols.tsv, by instructions */
	char err[512];
};

/* Fill @r from @dir; false when the run has no instruction counts at all. */
static bool insn_report_load(struct insn_report *r, const struct run_summary *s,
			     const char *dir)
{
	const struct metric_source *src = metric_source_find("instructions");
	char *p = xasprintf("%s/insn.tsv", dir);
	bool have = path_exists(p);

	free(p);
	memset(r, 0, sizeof(*r));
	metric_set_init(&r->ms);
	perfsym_list_init(&r->syms);
	if (!have || !src)
		return false;
	if (s->meta.insn_counts && strcmp(s->meta.insn_counts, "complete")) {
		r->state = s->meta.insn_counts;
		return true;
	}
	if (src->extract(s, dir, &r->ms, r->err, sizeof(r->err)) ||
	    insn_symbols_load(&r->syms, dir, r->err, sizeof(r->err)))
		r->state = r->err;
	return true;
}

static void insn_report_release(struct insn_report *r)
{
	metric_set_release(&r->ms);
	perfsym_list_release(&r->syms);
}

static double value_of(const struct insn_report *r, const char *key)
{
	const struct metric *m = metric_set_find(&r->ms, key);

	return m ? m->value : NAN;
}

/* The p50 and p99 of tree level @l, NaN when the run has no read of it. */
static bool read_cost(const struct insn_report *r, size_t l, double *p50, double *p99)
{
	char key[64];

	snprintf(key, sizeof(key), "insn:read:%zu:p50", l);
	*p50 = value_of(r, key);
	snprintf(key, sizeof(key), "insn:read:%zu:p99", l);
	*p99 = value_of(r, key);
	return !isnan(*p50);
}

void report_insn_text(const struct run_summary *s, const char *dir, FILE *out)
{
	struct insn_report r;
	char a[32], b[32];
	size_t i, any = 0;

	if (!insn_report_load(&r, s, dir))
		goto out;
	fprintf(out, "\nGuest instructions (TCG plugin), the measured window\n");
	fprintf(out, "  %s\n", REPORT_INSN_NOTE);
	if (r.state) {
		text_wrap(out, "  not usable: ", 4, r.state, 72);
		goto out;
	}
	fprintf(out, "  kernel %s, user %s\n",
		metric_format(a, sizeof(a), MU_COUNT, value_of(&r, "insn:kernel"), false),
		metric_format(b, sizeof(b), MU_COUNT, value_of(&r, "insn:user"), false));
	if (!isnan(value_of(&r, "insn:spin")))
		fprintf(out, "  kernel wait-loop turns (PAUSE to PAUSE), not counted above: %s\n",
			metric_format(a, sizeof(a), MU_COUNT, value_of(&r, "insn:spin"), false));
	if (!isnan(value_of(&r, "insn:page-fault:kernel_per_op")))
		fprintf(out, "  page-fault: %s kernel, %s user instructions per page touched\n"
			"    (mmap and munmap included)\n",
			metric_format(a, sizeof(a), MU_COUNT,
				      value_of(&r, "insn:page-fault:kernel_per_op"), false),
			metric_format(b, sizeof(b), MU_COUNT,
				      value_of(&r, "insn:page-fault:user_per_op"), false));
	fprintf(out, "Top %d kernel symbols\n  %9s %8s  symbol\n", TOP_SYMBOLS, "insns", "share");
	for (i = 0; i < r.syms.n && i < TOP_SYMBOLS; i++)
		fprintf(out, "  %9s %7.2f%%  %.50s\n",
			metric_format(a, sizeof(a), MU_COUNT, (double)r.syms.v[i].period, false),
			r.syms.v[i].overhead_pct, r.syms.v[i].symbol);
	for (i = 0; i < METRICS_MAX_LEVELS; i++) {
		double p50, p99;

		if (!read_cost(&r, i, &p50, &p99))
			continue;
		if (!any++)
			fprintf(out, "memory.stat read cost per tree level (kernel instructions)\n"
				"  %-5s %9s %9s\n", "level", "p50", "p99");
		fprintf(out, "  %-5zu %9s %9s\n", i,
			metric_format(a, sizeof(a), MU_COUNT, p50, false),
			metric_format(b, sizeof(b), MU_COUNT, p99, false));
	}
out:
	insn_report_release(&r);
}

void report_insn_json(const struct run_summary *s, const char *dir, struct json_writer *w)
{
	struct insn_report r;
	size_t i;

	if (!insn_report_load(&r, s, dir))
		goto out;
	jw_key(w, "instructions");
	jw_obj_begin(w);
	jw_kstr(w, "source", "guest instructions (TCG plugin)");
	jw_kstr(w, "note", REPORT_INSN_NOTE);
	jw_kstr(w, "state", r.state ? r.state : "complete");
	if (!r.state) {
		jw_kdouble(w, "kernel_insns", value_of(&r, "insn:kernel"));
		jw_kdouble(w, "user_insns", value_of(&r, "insn:user"));
		if (!isnan(value_of(&r, "insn:spin")))
			jw_kdouble(w, "spin_insns", value_of(&r, "insn:spin"));
		if (!isnan(value_of(&r, "insn:page-fault:kernel_per_op"))) {
			jw_kdouble(w, "page_fault_kernel_insns_per_op",
				   value_of(&r, "insn:page-fault:kernel_per_op"));
			jw_kdouble(w, "page_fault_user_insns_per_op",
				   value_of(&r, "insn:page-fault:user_per_op"));
		}
		jw_key(w, "top_symbols");
		jw_arr_begin(w);
		for (i = 0; i < r.syms.n && i < TOP_SYMBOLS; i++) {
			jw_obj_begin(w);
			jw_kstr(w, "symbol", r.syms.v[i].symbol);
			jw_kuint(w, "insns", r.syms.v[i].period);
			jw_kdouble(w, "share_pct", r.syms.v[i].overhead_pct);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		jw_key(w, "read_cost");
		jw_arr_begin(w);
		for (i = 0; i < METRICS_MAX_LEVELS; i++) {
			double p50, p99;

			if (!read_cost(&r, i, &p50, &p99))
				continue;
			jw_obj_begin(w);
			jw_kint(w, "level", (int64_t)i);
			jw_kdouble(w, "p50_kernel_insns", p50);
			jw_kdouble(w, "p99_kernel_insns", p99);
			jw_obj_end(w);
		}
		jw_arr_end(w);
	}
	jw_obj_end(w);
out:
	insn_report_release(&r);
}
