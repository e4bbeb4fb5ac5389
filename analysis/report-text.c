// SPDX-License-Identifier: GPL-2.0
/*
 * report-text.c - compare as plain text that fits a 72-column email and
 * pastes into a cover letter: "vanilla: patched:" columns, medians on the
 * first line of a metric, means and the 95% interval of the difference on
 * the second.
 */
#include "report-compare.h"
#include "compare.h"
#include "changed.h"
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WIDTH 72

/*
 * delta column: percent of A's mean, or the absolute change when A is 0
 * and for shares (percentage points).
 */
static const char *fmt_delta(char *buf, size_t len, const struct cmp_row *r)
{
	if (isnan(r->delta))
		snprintf(buf, len, "-");
	else if (r->m.unit == MU_PCT)
		metric_format(buf, len, r->m.unit, r->delta, true);	/* points, as perf diff */
	else if (!isnan(r->delta_pct) && fabs(r->delta_pct) < 1e5)
		snprintf(buf, len, fabs(r->delta_pct) < 100 ? "%+.1f%%" : "%+.0f%%", r->delta_pct);
	else
		metric_format(buf, len, r->m.unit, r->delta, true);
	return buf;
}

/* verdict column; n < 2 on a side says so instead */
static const char *fmt_verdict(char *buf, size_t len, const struct cmp_row *r)
{
	if (compare_row_one_side(r))
		snprintf(buf, len, "%s", compare_row_one_side(r));
	else if (r->verdict == VERDICT_NONE)
		snprintf(buf, len, "n=%zu", r->a.n < r->b.n ? r->a.n : r->b.n);
	else
		snprintf(buf, len, "%s", verdict_name(r->verdict));
	return buf;
}

static void print_header(const struct comparison *c, FILE *out)
{
	const struct meta *m = &c->a.metas[0];
	char *d, a[32];
	size_t i;

	fprintf(out, "patchbench compare: %s (A) vs %s (B)\n", c->a.label, c->b.label);
	d = compare_side_desc(&c->a);
	text_wrap(out, "  A ", 4, d, WIDTH);
	free(d);
	d = compare_side_desc(&c->b);
	text_wrap(out, "  B ", 4, d, WIDTH);
	free(d);
	fprintf(out, "  target %s, perf event %s, cgroup %s, %d CPUs\n",
		compare_target_desc(&c->a), m->perf_event ? m->perf_event : "none",
		m->cgroup_version ? m->cgroup_version : "?", m->cpus);
	if (m->target && !strcmp(m->target, "vm-tcg"))
		fprintf(out, "  TCG-emulated: timings are not comparable with host or KVM runs\n");
	d = xasprintf("workloads %s, scale %s, depth %d, %d builders -j%d, %d idle, samples "
		      "every %s", m->workloads ? m->workloads : "?", m->scale ? m->scale : "?",
		      m->depth, m->builders, m->jobs, m->idle,
		      fmt_duration(a, sizeof(a), m->interval_ns));
	text_wrap(out, "  ", 4, d, WIDTH);
	free(d);
	if (c->pairs)
		d = xasprintf("95%% CI of mean(B - A) over %zu pairs: paired t interval (P), "
			      "both runs of a pair on one machine", c->pairs);
	else if (c->ci == CI_CHOICE_WELCH)
		d = xasprintf("95%% CI of mean(B) - mean(A): Welch t interval (W)");
	else if (c->ci == CI_CHOICE_BOOTSTRAP)
		d = xasprintf("95%% CI of mean(B) - mean(A): percentile bootstrap (B), %u "
			      "resamples, seed %#llx", c->iters, (unsigned long long)c->seed);
	else
		d = xasprintf("95%% CI of mean(B) - mean(A): Welch t interval (W) below %d runs "
			      "per side, else percentile bootstrap (B), %u resamples, seed %#llx",
			      COMPARE_BOOT_MIN_N, c->iters, (unsigned long long)c->seed);
	text_wrap(out, "  ", 4, d, WIDTH);
	free(d);
	d = xasprintf("verdict: CI excludes 0 and |delta| > max(metric default%s)",
		      c->noise_src ? ", A/A noise floor" : "");
	text_wrap(out, "  ", 4, d, WIDTH);
	free(d);
	d = compare_student_desc(c);
	if (d)
		text_wrap(out, "  ", 4, d, WIDTH);
	free(d);
	d = compare_family_desc(c);
	if (d)
		text_wrap(out, "  ", 4, d, WIDTH);
	free(d);
	if (c->noise_src)
		text_wrap(out, "  A/A noise floor from ", 4, c->noise_src, WIDTH);
	if (c->ndiffs) {
		fprintf(out, "\n%s\n", c->forced ? "Inputs differ (compared anyway, --force):" :
			"Inputs differ:");
		for (i = 0; i < c->ndiffs; i++)
			text_wrap(out, "  - ", 4, c->diffs[i], WIDTH);
	}
	if (c->env.n) {
		d = envdiff_refusal(&c->env);
		fprintf(out, "\n");
		if (d)
			text_wrap(out, "Warning (--force): ", 4, d, WIDTH);
		free(d);
		fprintf(out, "Environment differs:\n");
		for (i = 0; i < c->env.n; i++) {
			d = envdiff_line(&c->env.keys[i]);
			text_wrap(out, "  - ", 4, d, WIDTH);
			free(d);
		}
	}
	d = compare_one_side_note(c);
	if (d) {
		fprintf(out, "\n");
		text_wrap(out, "Note: ", 6, d, WIDTH);
	}
	free(d);
}

/*
 * The title of a table with where its numbers come from: target, perf
 * event and runs per side (the kernels are the A and B lines on top).
 */
static void print_title(const struct comparison *c, const char *group, FILE *out)
{
	const struct meta *a = &c->a.metas[0];
	char *d = xasprintf("%s [%s, perf %s, n=%zu/%zu]", compare_group_title(group),
			    compare_target_desc(&c->a), a->perf_event ? a->perf_event : "none",
			    c->a.n, c->b.n);

	text_wrap(out, "", 4, d, WIDTH);
	free(d);
	if (!strcmp(group, "perf") && c->perf_total > c->perf_top)
		fprintf(out, "  top %zu of %zu kernel symbols (by share), in %s's order\n",
			c->perf_top, c->perf_total, c->a.label);
}

static void print_row(const struct comparison *c, const struct cmp_row *r, FILE *out)
{
	char n[16], va[32], vb[32], dl[32], vd[32], lo[32], hi[32], ci[64];

	snprintf(n, sizeof(n), "%zu/%zu", r->a.n, r->b.n);
	/* a label longer than its column gets a line of its own */
	if (strlen(r->m.label) > 23)
		fprintf(out, "  %.68s\n", r->m.label);
	fprintf(out, "  %-23.23s %5s %9s %9s %8s %s\n", strlen(r->m.label) > 23 ? "" : r->m.label, n,
		metric_format(va, sizeof(va), r->m.unit, r->a_median, false),
		metric_format(vb, sizeof(vb), r->m.unit, r->b_median, false),
		fmt_delta(dl, sizeof(dl), r), fmt_verdict(vd, sizeof(vd), r));
	if (r->a.n < 2 && r->b.n < 2)
		return;
	ci[0] = 0;
	if (r->method != CI_NONE)
		snprintf(ci, sizeof(ci), "%s..%s %c",
			 metric_format(lo, sizeof(lo), r->m.unit, r->ci_lo, true),
			 metric_format(hi, sizeof(hi), r->m.unit, r->ci_hi, true),
			 r->method == CI_WELCH ? 'W' : r->method == CI_PAIRED ? 'P' :
			 r->method == CI_STUDENT ? 'S' : 'B');
	fprintf(out, "  %-29s %9s %9s %s\n", "  mean, CI",
		metric_format(va, sizeof(va), r->m.unit, r->a_mean, false),
		metric_format(vb, sizeof(vb), r->m.unit, r->b_mean, false), ci);
}

/* "3%": lkp's "+-" column (compare_rel_sd()), "" without one */
static const char *fmt_sigma(char *buf, size_t len, const struct dvec *v)
{
	double sd = compare_rel_sd(v);

	if (isnan(sd))
		snprintf(buf, len, "%s", v->n < 2 ? "" : "-");
	else
		snprintf(buf, len, "%.0f%%", sd);
	return buf;
}

/*
 * What else changed: the listed keys of stat-delta.tsv, lkp style (each
 * side's mean and relative standard deviation, %change), after the metrics.
 * Nothing for runs without the file.
 */
static void print_changed(const struct comparison *c, FILE *out)
{
	char la[16], lb[16], va[32], vb[32], sa[16], sb[16], dl[32], first[48] = "", *d;
	size_t i, len, n = c->nchanged < c->changed_top ? c->nchanged : c->changed_top;
	bool vo = compare_changed_values_only(c);

	if (!c->nchanged_all)
		return;
	fprintf(out, "\n");
	d = xasprintf("What else changed [%s, n=%zu/%zu]", CHANGED_FILE, c->a.n, c->b.n);
	text_wrap(out, "", 4, d, WIDTH);
	free(d);
	if (n < c->nchanged)
		snprintf(first, sizeof(first), "; the first %zu", n);
	if (vo)
		d = xasprintf("n=%zu/%zu: values only, no significance; %zu of the %zu keys that "
			      "moved (of %zu memory.stat, vmstat and memory.events keys), by "
			      "|%%change|, then from zero by |change|", c->a.n, c->b.n, n, c->nchanged,
			      c->nchanged_all);
	else
		d = xasprintf("%zu of %zu memory.stat, vmstat and memory.events keys changed (95%% "
			      "interval excludes 0, |change| over %.0f%% of A and the A/A floor)%s, "
			      "by |%%change|, then from zero by |change|", c->nchanged,
			      c->nchanged_all, 100 * CHANGED_THR_REL, first);
	text_wrap(out, "  ", 4, d, WIDTH);
	free(d);
	if (!n)
		return;
	snprintf(la, sizeof(la), "%.8s:", c->a.label);
	snprintf(lb, sizeof(lb), "%.8s:", c->b.label);
	fprintf(out, "  %9s %5s %8s %9s %5s  %s\n", la, "+-", "%change", lb, "+-", "key");
	for (i = 0; i < n; i++) {
		const struct cmp_row *r = &c->changed[i];

		/* a key too long for the line gets a line of its own, above its numbers */
		if (strlen(r->m.label) > WIDTH - 46)
			fprintf(out, "  %.70s\n", r->m.label);
		d = xasprintf("  %9s %5s %8s %9s %5s  %s",
			      metric_format(va, sizeof(va), r->m.unit, r->a_mean, false),
			      fmt_sigma(sa, sizeof(sa), &r->a), fmt_delta(dl, sizeof(dl), r),
			      metric_format(vb, sizeof(vb), r->m.unit, r->b_mean, false),
			      fmt_sigma(sb, sizeof(sb), &r->b),
			      strlen(r->m.label) > WIDTH - 46 ? "" : r->m.label);
		len = strlen(d);
		while (len && d[len - 1] == ' ')
			len--;
		fprintf(out, "%.*s\n", (int)len, d);
		free(d);
	}
}

/**
 * compare_print_text - the comparison as 72-column text
 * @c: a computed comparison
 * @out: where to
 */
void compare_print_text(const struct comparison *c, FILE *out)
{
	char la[16], lb[16], *v;
	const char *group = NULL;
	size_t i;

	print_header(c, out);
	snprintf(la, sizeof(la), "%.8s:", c->a.label);
	snprintf(lb, sizeof(lb), "%.8s:", c->b.label);
	for (i = 0; i < c->nrows; i++) {
		const struct cmp_row *r = &c->rows[i];

		if (!group || strcmp(group, r->m.group)) {
			group = r->m.group;
			fprintf(out, "\n");
			print_title(c, group, out);
			fprintf(out, "  %-23s %5s %9s %9s %8s %s\n", "metric (median)", "n", la,
				lb, "delta", "verdict");
		}
		print_row(c, r, out);
	}
	print_changed(c, out);
	fprintf(out, "\n");
	v = compare_verdict_line(c);
	text_wrap(out, "Verdict: ", 4, v, WIDTH);
	free(v);
}
