// SPDX-License-Identifier: GPL-2.0
/*
 * perfdiff.c - per-symbol overhead, side A against side B (see perfdiff.h).
 *
 * Matching: perf diff pairs entries by dso and raw symbol; across two
 * kernels a function may be "foo.isra.0" in one and "foo.constprop.0" in
 * the other, so symbols are paired by their normalised names, and the
 * clones of one function in one run are added up.
 */
#include "perfdiff.h"
#include "json.h"
#include "metrics.h"
#include "stats.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	const struct perfsym *s;
	size_t side;		/* 0 = A, 1 = B */
	size_t run;
};

static int key_cmp(const struct perfsym *x, const struct perfsym *y)
{
	int c;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	c = strcmp(x->norm, y->norm);
	return c ? c : strcmp(x->dso, y->dso);
}

static int entry_cmp(const void *a, const void *b)
{
	return key_cmp(((const struct entry *)a)->s, ((const struct entry *)b)->s);
}

static int row_cmp(const void *a, const void *b)
{
	const struct perfdiff_row *x = a, *y = b;
	double dx = fabs(x->delta), dy = fabs(y->delta);
	int c;

	if (dx != dy)
		return dx < dy ? 1 : -1;
	if (x->base != y->base)
		return x->base < y->base ? 1 : -1;
	c = strcmp(x->symbol, y->symbol);
	return c ? c : strcmp(x->dso, y->dso);
}

void perfdiff_compute(const struct perfsym_list *a, size_t na, const struct perfsym_list *b,
		      size_t nb, bool kernel_only, struct perfdiff *d)
{
	struct entry *e = NULL;
	size_t ne = 0, i, j, s, r;
	double *va = xcalloc(na ? na : 1, sizeof(double));
	double *vb = xcalloc(nb ? nb : 1, sizeof(double));
	double *pa = xcalloc(na ? na : 1, sizeof(double));
	double *pb = xcalloc(nb ? nb : 1, sizeof(double));

	memset(d, 0, sizeof(*d));
	d->na = na;
	d->nb = nb;
	for (s = 0; s < 2; s++) {
		const struct perfsym_list *side = s ? b : a;
		size_t n = s ? nb : na;

		for (r = 0; r < n; r++) {
			for (i = 0; i < side[r].n; i++) {
				if (kernel_only && side[r].v[i].kind != 'k')
					continue;
				e = xrealloc(e, (ne + 1) * sizeof(*e));
				e[ne++] = (struct entry){ &side[r].v[i], s, r };
			}
		}
	}
	if (ne)
		qsort(e, ne, sizeof(*e), entry_cmp);
	for (i = 0; i < ne; i = j) {
		struct perfdiff_row *row;

		memset(va, 0, (na ? na : 1) * sizeof(double));
		memset(vb, 0, (nb ? nb : 1) * sizeof(double));
		memset(pa, 0, (na ? na : 1) * sizeof(double));
		memset(pb, 0, (nb ? nb : 1) * sizeof(double));
		d->rows = xrealloc(d->rows, (d->n + 1) * sizeof(*d->rows));
		row = &d->rows[d->n++];
		memset(row, 0, sizeof(*row));
		row->kind = e[i].s->kind;
		row->dso = xstrdup(e[i].s->dso);
		row->symbol = xstrdup(e[i].s->norm);
		for (j = i; j < ne && !key_cmp(e[j].s, e[i].s); j++) {
			double *v = e[j].side ? vb : va;

			/* a run may have the same key twice (two clones): count it once */
			if (v[e[j].run] == 0)
				e[j].side ? row->in_b++ : row->in_a++;
			v[e[j].run] += e[j].s->overhead_pct;
			(e[j].side ? pb : pa)[e[j].run] += (double)e[j].s->period;
		}
		row->base = na ? stats_mean(va, na) : 0;
		row->newv = nb ? stats_mean(vb, nb) : 0;
		row->delta = row->newv - row->base;
		row->sd_a = na > 1 ? stats_stddev(va, na) : 0;
		row->sd_b = nb > 1 ? stats_stddev(vb, nb) : 0;
		row->base_n = na ? stats_mean(pa, na) : 0;
		row->new_n = nb ? stats_mean(pb, nb) : 0;
	}
	if (d->n)
		qsort(d->rows, d->n, sizeof(*d->rows), row_cmp);
	free(e);
	free(va);
	free(vb);
	free(pa);
	free(pb);
}

void perfdiff_release(struct perfdiff *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->rows[i].dso);
		free(d->rows[i].symbol);
	}
	free(d->rows);
	memset(d, 0, sizeof(*d));
}

static const char *kind_mark(char kind)
{
	switch (kind) {
	case 'k':
		return "[k]";
	case 'u':
		return "[.]";
	case 'g':
		return "[g]";
	case 'v':
		return "[u]";
	default:
		return "[?]";
	}
}

static void print_side(FILE *out, const char *name, const struct perfdiff_side *s)
{
	/* instruction counts: the table's title names the source */
	fprintf(out, "  %s %s: %zu run%s, %s%skernel %s\n", name, s->label, s->n,
		s->n == 1 ? "" : "s", s->insn ? "" : s->event, s->insn ? "" : ", ", s->kernels);
}

/* What the writers of the table read. */
struct perfdiff_data {
	const struct perfdiff *d;
	const struct perfdiff_side *a, *b;
	size_t top;
	bool kernel_only;
};

/* The one line every table of instruction counts carries once. */
#define PERFDIFF_INSN_NOTE "instructions are not cycles: no cache misses, no stall time"

/*
 * The rows of the text table: baseline and delta, ±σ with 2+ runs per side,
 * and with instruction counts the change in instructions (insns).
 */
static void print_rows(const struct perfdiff_data *p, size_t n, FILE *out)
{
	const struct perfdiff *d = p->d;
	bool sigma = d->na >= 2 && d->nb >= 2, insn = p->a->insn;
	/* columns before the symbol */
	int left = (sigma ? 35 : 20) + (insn ? 9 : 0) + (insn && !sigma ? 1 : 0);
	size_t i;

	/* "±σ" is 4 bytes but 2 columns: the header is spelled out */
	fprintf(out, "  baseline%s   delta%s%s  symbol\n", sigma ? "     ±σ " : "",
		sigma ? "     ±σ" : "", insn ? (sigma ? "    insns" : "     insns") : "");
	for (i = 0; i < n; i++) {
		const struct perfdiff_row *r = &d->rows[i];
		char sym[80], dn[32] = "";
		int width = 72 - left;

		if (insn)
			snprintf(sym, sizeof(sym), "%s", r->symbol);
		else
			snprintf(sym, sizeof(sym), "%s %s", kind_mark(r->kind), r->symbol);
		if ((int)strlen(sym) > width) {
			sym[width - 1] = '+';
			sym[width] = '\0';
		}
		if (insn)
			metric_format(dn, sizeof(dn), MU_COUNT, r->new_n - r->base_n, true);
		if (sigma)
			fprintf(out, "  %7.2f%% %5.2f%% %+7.2f%% %5.2f%%%*s  %s\n", r->base,
				r->sd_a, r->delta, r->sd_b, insn ? 9 : 0, dn, sym);
		else
			fprintf(out, "  %7.2f%% %+6.2f%%%*s  %s\n", r->base, r->delta,
				insn ? 10 : 0, dn, sym);
	}
	if (!n)
		fprintf(out, "  (no symbols)\n");
	if (insn)
		fprintf(out, "\nbaseline: mean share of the window's kernel instructions over A's\n"
			"runs; delta: mean over B's runs minus baseline, in points; insns:\n"
			"B's mean instruction count minus A's. A symbol absent from a run\n"
			"counts 0 there.\n");
	else
		fprintf(out, "\nbaseline: mean overhead over A's runs; delta: mean over B's runs\n"
			"minus baseline; a symbol absent from a run counts 0.00 there.\n");
	if (sigma)
		fprintf(out, "±σ: standard deviation over the runs of that side.\n");
}

static int print_text(const void *data, FILE *out, char *err, size_t errlen)
{
	const struct perfdiff_data *p = data;
	const struct perfdiff *d = p->d;
	const struct perfdiff_side *a = p->a, *b = p->b;
	size_t n = p->top && p->top < d->n ? p->top : d->n;

	if (a->insn) {
		fprintf(out, "perfdiff: guest instructions (TCG plugin), kernel share in %%\n");
		print_side(out, "A", a);
		print_side(out, "B", b);
		if (!a->noted)
			fprintf(out, "  %s\n", PERFDIFF_INSN_NOTE);
		fprintf(out, "\nTop %zu kernel symbols by |delta| of share:\n", n);
	} else {
		fprintf(out, "perfdiff: %s samples, perf record -a, overhead in %%\n",
			strcmp(a->event, b->event) ? "MIXED" : a->event);
		print_side(out, "A", a);
		print_side(out, "B", b);
		if (strcmp(a->event, b->event))
			fprintf(out, "  warning: A and B were sampled with different events\n");
		fprintf(out, "\nTop %zu %s by |delta|:\n", n,
			p->kernel_only ? "kernel symbols" : "symbols");
	}
	print_rows(p, n, out);
	return 0;
}

static int print_tsv(const void *data, FILE *out, char *err, size_t errlen)
{
	const struct perfdiff_data *p = data;
	const struct perfdiff *d = p->d;
	size_t i, n = p->top && p->top < d->n ? p->top : d->n;

	fprintf(out, "kind\tdso\tsymbol\tbaseline_pct\tdelta_pct\tnew_pct\tsd_baseline_pct\t"
		"sd_new_pct\truns_a\truns_b\tin_a\tin_b%s\n",
		p->a->insn ? "\tbaseline_insns\tnew_insns\tdelta_insns" : "");
	for (i = 0; i < n; i++) {
		const struct perfdiff_row *r = &d->rows[i];

		fprintf(out, "%c\t%s\t%s\t%.6f\t%.6f\t%.6f\t%.6f\t%.6f\t%zu\t%zu\t%zu\t%zu",
			r->kind, r->dso, r->symbol, r->base, r->delta, r->newv, r->sd_a, r->sd_b,
			d->na, d->nb, r->in_a, r->in_b);
		if (p->a->insn)
			fprintf(out, "\t%.1f\t%.1f\t%.1f", r->base_n, r->new_n,
				r->new_n - r->base_n);
		fprintf(out, "\n");
	}
	return 0;
}

static void jw_side(struct json_writer *w, const char *key, const struct perfdiff_side *s)
{
	size_t i;

	jw_key(w, key);
	jw_obj_begin(w);
	jw_kstr(w, "path", s->label);
	jw_kstr(w, "event", s->event);
	jw_kstr(w, "kernels", s->kernels);
	jw_key(w, "runs");
	jw_arr_begin(w);
	for (i = 0; i < s->n; i++)
		jw_str(w, s->dirs[i]);
	jw_arr_end(w);
	jw_obj_end(w);
}

static int print_json(const void *data, FILE *out, char *err, size_t errlen)
{
	const struct perfdiff_data *p = data;
	const struct perfdiff *d = p->d;
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	size_t i, n = p->top && p->top < d->n ? p->top : d->n;
	char kind[2] = "?";

	jw_init(&w, &sb);
	jw_obj_begin(&w);
	jw_kint(&w, "schema", 1);
	jw_side(&w, "a", p->a);
	jw_side(&w, "b", p->b);
	jw_kbool(&w, "kernel_only", p->kernel_only);
	if (p->a->insn) {
		jw_kstr(&w, "event", "insn");
		jw_kstr(&w, "source", "guest instructions (TCG plugin)");
		jw_kstr(&w, "note", PERFDIFF_INSN_NOTE);
	}
	jw_key(&w, "symbols");
	jw_arr_begin(&w);
	for (i = 0; i < n; i++) {
		const struct perfdiff_row *r = &d->rows[i];

		kind[0] = r->kind;
		jw_obj_begin(&w);
		jw_kstr(&w, "kind", kind);
		jw_kstr(&w, "dso", r->dso);
		jw_kstr(&w, "symbol", r->symbol);
		jw_kdouble(&w, "baseline_pct", r->base);
		jw_kdouble(&w, "delta_pct", r->delta);
		jw_kdouble(&w, "new_pct", r->newv);
		if (d->na >= 2 && d->nb >= 2) {
			jw_kdouble(&w, "sd_baseline_pct", r->sd_a);
			jw_kdouble(&w, "sd_new_pct", r->sd_b);
		}
		jw_kuint(&w, "runs_with_symbol_a", r->in_a);
		jw_kuint(&w, "runs_with_symbol_b", r->in_b);
		if (p->a->insn) {
			jw_kdouble(&w, "baseline_insns", r->base_n);
			jw_kdouble(&w, "new_insns", r->new_n);
			jw_kdouble(&w, "delta_insns", r->new_n - r->base_n);
		}
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	fprintf(out, "%s\n", sb.buf);
	sb_release(&sb);
	return 0;
}

static const struct out_writer perfdiff_writers[] = {
	{ FMT_TEXT, print_text }, { FMT_TSV, print_tsv }, { FMT_JSON, print_json }, { 0 },
};

int perfdiff_print(const struct perfdiff *d, const struct perfdiff_side *a,
		   const struct perfdiff_side *b, size_t top, bool kernel_only,
		   enum out_format fmt, FILE *out)
{
	struct perfdiff_data p = { d, a, b, top, kernel_only };
	char err[64];

	return out_format_write(perfdiff_writers, fmt, &p, out, err, sizeof(err));
}
