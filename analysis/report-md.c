// SPDX-License-Identifier: GPL-2.0
/*
 * report-md.c - compare as Markdown: the text report's content as tables,
 * with every column (median and mean per side, the interval and its
 * method, the threshold) since width is no concern.
 */
#include "report-compare.h"
#include "compare.h"
#include "changed.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Markdown-escape a table cell: '|' would end it. */
static void md_cell(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", out);
		else
			fputc(*s, out);
	}
}

static void print_row(const struct cmp_row *r, FILE *out)
{
	char a1[32], a2[32], b1[32], b2[32], d[32], lo[32], hi[32], t[32], p[32];

	fputs("| ", out);
	md_cell(out, r->m.label);
	fprintf(out, " | %zu / %zu | %s | %s | %s | %s | %s | %s | ", r->a.n, r->b.n,
		metric_format(a1, sizeof(a1), r->m.unit, r->a_median, false),
		metric_format(a2, sizeof(a2), r->m.unit, r->a_mean, false),
		metric_format(b1, sizeof(b1), r->m.unit, r->b_median, false),
		metric_format(b2, sizeof(b2), r->m.unit, r->b_mean, false),
		metric_format(d, sizeof(d), r->m.unit, r->delta, true),
		isnan(r->delta_pct) ? "-" : (snprintf(p, sizeof(p), "%+.1f%%", r->delta_pct), p));
	if (r->method == CI_NONE)
		fputs("- | ", out);
	else
		fprintf(out, "[%s, %s] %s | ",
			metric_format(lo, sizeof(lo), r->m.unit, r->ci_lo, true),
			metric_format(hi, sizeof(hi), r->m.unit, r->ci_hi, true),
			ci_method_name(r->method));
	fprintf(out, "%s | ", metric_format(t, sizeof(t), r->m.unit, r->threshold, false));
	if (compare_row_one_side(r))
		fprintf(out, "%s, no verdict |\n", compare_row_one_side(r));
	else if (r->verdict == VERDICT_NONE)
		fprintf(out, "n=%zu, no significance |\n", r->a.n < r->b.n ? r->a.n : r->b.n);
	else if (r->verdict == VERDICT_REGRESSION || r->verdict == VERDICT_IMPROVEMENT)
		fprintf(out, "**%s** |\n", verdict_name(r->verdict));
	else
		fprintf(out, "%s |\n", verdict_name(r->verdict));
}

static const char *md_sigma(char *buf, size_t len, const struct dvec *v)
{
	double sd = compare_rel_sd(v);

	if (isnan(sd))
		snprintf(buf, len, "%s", "-");
	else
		snprintf(buf, len, "%.0f%%", sd);
	return buf;
}

/* What else changed: the first --changed N listed keys of stat-delta.tsv (none: nothing). */
static void print_changed(const struct comparison *c, FILE *out)
{
	size_t i, n = c->nchanged < c->changed_top ? c->nchanged : c->changed_top;
	char a[32], b[32], sa[16], sb[16], p[32];

	if (!c->nchanged_all)
		return;
	fprintf(out, "\n## What else changed\n\n");
	if (compare_changed_values_only(c))
		fprintf(out, "_%s, n=%zu/%zu: values only, no significance; %zu of the %zu keys that "
			"moved (of %zu)_\n\n", CHANGED_FILE, c->a.n, c->b.n, n, c->nchanged,
			c->nchanged_all);
	else
		fprintf(out, "_%s, n=%zu/%zu: %zu of %zu keys changed (the 95%% CI excludes 0, "
			"|change| > max(%.0f%% of A, A/A floor)); the first %zu_\n\n", CHANGED_FILE,
			c->a.n, c->b.n, c->nchanged, c->nchanged_all, 100 * CHANGED_THR_REL, n);
	if (!n)
		return;
	fprintf(out, "| %s mean | +- | %%change | %s mean | +- | key |\n", c->a.label, c->b.label);
	fputs("|---:|---:|---:|---:|---:|---|\n", out);
	for (i = 0; i < n; i++) {
		const struct cmp_row *r = &c->changed[i];

		fprintf(out, "| %s | %s | %s | %s | %s | ",
			metric_format(a, sizeof(a), r->m.unit, r->a_mean, false),
			md_sigma(sa, sizeof(sa), &r->a),
			isnan(r->delta_pct) ? metric_format(p, sizeof(p), r->m.unit, r->delta, true) :
			(snprintf(p, sizeof(p), "%+.1f%%", r->delta_pct), p),
			metric_format(b, sizeof(b), r->m.unit, r->b_mean, false),
			md_sigma(sb, sizeof(sb), &r->b));
		md_cell(out, r->m.label);
		fputs(" |\n", out);
	}
}

/**
 * compare_print_md - the comparison as Markdown tables
 * @c: a computed comparison
 * @out: where to
 */
void compare_print_md(const struct comparison *c, FILE *out)
{
	const struct meta *m = &c->a.metas[0];
	const char *group = NULL;
	char *d, dur[32];
	size_t i;

	fprintf(out, "# patchbench compare: %s (A) vs %s (B)\n\n", c->a.label, c->b.label);
	d = compare_side_desc(&c->a);
	fprintf(out, "- A %s\n", d);
	free(d);
	d = compare_side_desc(&c->b);
	fprintf(out, "- B %s\n", d);
	free(d);
	fprintf(out, "- target %s, perf event %s, cgroup %s, %d CPUs\n", compare_target_desc(&c->a),
		m->perf_event ? m->perf_event : "none", m->cgroup_version ? m->cgroup_version : "?",
		m->cpus);
	fprintf(out, "- workloads %s, scale %s, depth %d, %d builders -j%d, %d idle, samples every "
		"%s\n", m->workloads ? m->workloads : "?", m->scale ? m->scale : "?", m->depth,
		m->builders, m->jobs, m->idle, fmt_duration(dur, sizeof(dur), m->interval_ns));
	if (c->pairs)
		fprintf(out, "- 95%% CI of mean(B - A) over %zu pairs: paired t, both runs of a pair "
			"on one machine\n", c->pairs);
	else
		fprintf(out, "- 95%% CI of mean(B) - mean(A): %s; bootstrap: %u resamples, seed "
			"%#llx\n", c->ci == CI_CHOICE_WELCH ? "Welch t" :
			c->ci == CI_CHOICE_BOOTSTRAP ? "percentile bootstrap" :
			"Welch t below 8 runs per side, else percentile bootstrap", c->iters,
			(unsigned long long)c->seed);
	fprintf(out, "- verdict: the CI excludes 0 and |delta| > threshold = max(metric default%s)\n",
		c->noise_src ? ", A/A noise floor" : "");
	{
		char *st = compare_student_desc(c);

		if (st)
			fprintf(out, "- %s\n", st);
		free(st);
	}
	{
		char *fam = compare_family_desc(c);

		if (fam)
			fprintf(out, "- %s\n", fam);
		free(fam);
	}
	if (c->noise_src)
		fprintf(out, "- A/A noise floor from `%s`\n", c->noise_src);
	if (c->ndiffs) {
		fprintf(out, "\n**Inputs differ%s:**\n\n", c->forced ? " (compared anyway, --force)" :
			"");
		for (i = 0; i < c->ndiffs; i++)
			fprintf(out, "- %s\n", c->diffs[i]);
	}
	if (c->env.n) {
		d = envdiff_refusal(&c->env);
		if (d)
			fprintf(out, "\n**Warning (--force):** %s\n", d);
		free(d);
		fprintf(out, "\n**Environment differs:**\n\n");
		for (i = 0; i < c->env.n; i++) {
			d = envdiff_line(&c->env.keys[i]);
			fprintf(out, "- %s\n", d);
			free(d);
		}
	}
	d = compare_one_side_note(c);
	if (d)
		fprintf(out, "\n**Note:** %s\n", d);
	free(d);
	for (i = 0; i < c->nrows; i++) {
		const struct cmp_row *r = &c->rows[i];

		if (!group || strcmp(group, r->m.group)) {
			group = r->m.group;
			d = compare_origin(c);
			fprintf(out, "\n## %s\n\n_%s_\n\n", compare_group_title(group), d);
			free(d);
			fprintf(out, "| metric | n A / B | %s median | %s mean | %s median | %s mean "
				"| delta | delta %% | 95%% CI | threshold | verdict |\n", c->a.label,
				c->a.label, c->b.label, c->b.label);
			fputs("|---|---|---:|---:|---:|---:|---:|---:|---|---:|---|\n", out);
		}
		print_row(r, out);
	}
	print_changed(c, out);
	d = compare_verdict_line(c);
	fprintf(out, "\n**Verdict:** %s\n", d);
	free(d);
}
