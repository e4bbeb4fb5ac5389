// SPDX-License-Identifier: GPL-2.0
/*
 * t-compare.c - unit tests for analysis/compare.c, verdict.c and the
 * report formats: intervals on fixed data with answers known by hand, the
 * verdict rule, the 72-column text layout, the JSON round trip, and the
 * refusal of mismatched inputs.
 *
 * Real data: tests/fixtures/results/host-{1,2} are two host runs of
 * "patchbench run -w idle,kmem-churn --idle 2 --kmem-churn-children 20
 * -d 5s", perf-{1,2} two more with --perf --trace rss_stat, vm-insn-vanilla-{1,2}
 * two vm runs under TCG with the guest instruction counts (the files
 * compare reads; tests/fixtures/README). Result
 * directories that must differ are copies of them with meta.json edited,
 * made in a private mkdtemp directory.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmp-format.h"
#include "cmp-print.h"
#include "compare.h"
#include "json.h"
#include "metrics.h"
#include "report-compare.h"
#include "report.h"
#include "resultdir.h"
#include "verdict.h"
#include "tap.h"
#include "util.h"

static char tmpdir[] = "/tmp/t-compare.XXXXXX";

static int near(double got, double want, double tol)
{
	return fabs(got - want) <= tol;
}

/* A row with values @a and @b of a lower-is-better metric (defaults 10%, 1.0). */
static void mk_row(struct cmp_row *r, const double *a, size_t na, const double *b, size_t nb)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->m.key = xstrdup("test:x");
	r->m.group = xstrdup("drift");
	r->m.label = xstrdup("x");
	r->m.unit = MU_COUNT;
	r->m.better = MB_LOWER;
	r->m.thr_rel = 0.10;
	r->m.thr_abs = 1.0;
	r->noise = NAN;
	for (i = 0; i < na; i++)
		dvec_push(&r->a, a[i]);
	for (i = 0; i < nb; i++)
		dvec_push(&r->b, b[i]);
}

/*
 * Method: percentile bootstrap of mean(B) - mean(A) for A = {0, 2},
 * B = {10, 14}. Resampled means of A are 0, 1, 2 with probabilities 1/4,
 * 1/2, 1/4; of B 10, 12, 14. The smallest difference, 10 - 2 = 8, has
 * probability 1/16 = 6.25% > 2.5%, the largest, 14 - 0, too.
 * Pass: the 95% interval is exactly [8, 14], for any seed; the same call
 * twice gives the same interval (fixed seed); constant samples give a
 * point interval with both methods.
 */
static void test_bootstrap_known(void)
{
	const double a[] = { 0, 2 }, b[] = { 10, 14 };
	const double ca[] = { 5, 5, 5 }, cb[] = { 7, 7, 7 };
	struct cmp_row r, r2;

	mk_row(&r, a, 2, b, 2);
	compare_row_compute(&r, CI_CHOICE_BOOTSTRAP);
	tap_ok(r.method == CI_BOOTSTRAP && r.ci_lo == 8 && r.ci_hi == 14,
	       "bootstrap of {0,2} vs {10,14}: [8, 14] (got [%g, %g])", r.ci_lo, r.ci_hi);
	tap_ok(r.delta == 11 && r.a_median == 1 && r.b_median == 12 && r.a_mean == 1,
	       "delta 11, medians 1 and 12 (got %g, %g, %g)", r.delta, r.a_median, r.b_median);
	mk_row(&r2, a, 2, b, 2);
	compare_row_compute(&r2, CI_CHOICE_BOOTSTRAP);
	tap_ok(r2.ci_lo == r.ci_lo && r2.ci_hi == r.ci_hi, "fixed seed: the same interval twice");
	cmp_row_release(&r);
	cmp_row_release(&r2);

	mk_row(&r, ca, 3, cb, 3);
	compare_row_compute(&r, CI_CHOICE_BOOTSTRAP);
	tap_ok(r.ci_lo == 2 && r.ci_hi == 2, "bootstrap of constants 5 vs 7 is [2, 2]");
	cmp_row_release(&r);
	mk_row(&r, ca, 3, cb, 3);
	compare_row_compute(&r, CI_CHOICE_WELCH);
	tap_ok(r.method == CI_WELCH && r.ci_lo == 2 && r.ci_hi == 2,
	       "Welch of constants 5 vs 7 is [2, 2]");
	tap_ok(r.verdict == VERDICT_REGRESSION,
	       "constant 5 -> 7, lower is better, threshold 1: regression (got %s)",
	       verdict_name(r.verdict));
	cmp_row_release(&r);
}

/*
 * Method: Welch for A = {1,2,3}, B = {4,5,6}: variances 1, se^2 = 2/3,
 * df = (4/9) / ((1/9)/2 + (1/9)/2) = 4, t(0.975, 4) = 2.776445 (tables).
 * Pass: 3 -+ 2.776445 x sqrt(2/3) = [0.733031, 5.266969]; with n = 3 per
 * side, auto picks Welch; with 8 per side it picks the bootstrap; with 1,
 * no interval.
 */
static void test_welch_known(void)
{
	const double a[] = { 1, 2, 3 }, b[] = { 4, 5, 6 };
	const double a8[] = { 1, 2, 3, 4, 5, 6, 7, 8 }, b8[] = { 2, 3, 4, 5, 6, 7, 8, 9 };
	double half = 2.776445 * sqrt(2.0 / 3);
	struct cmp_row r;

	mk_row(&r, a, 3, b, 3);
	compare_row_compute(&r, CI_CHOICE_AUTO);
	tap_ok(r.method == CI_WELCH && near(r.ci_lo, 3 - half, 1e-5) &&
	       near(r.ci_hi, 3 + half, 1e-5),
	       "Welch {1,2,3} vs {4,5,6}: [0.733031, 5.266969] (got [%.6f, %.6f])", r.ci_lo,
	       r.ci_hi);
	tap_ok(near(r.delta_pct, 150, 1e-9), "delta %% is 100 x 3 / 2 = 150 (got %g)", r.delta_pct);
	cmp_row_release(&r);
	mk_row(&r, a8, 8, b8, 8);
	compare_row_compute(&r, CI_CHOICE_AUTO);
	tap_ok(r.method == CI_BOOTSTRAP && r.ci_lo < 1 && r.ci_hi > 1,
	       "8 runs per side: auto picks the bootstrap, interval around 1 ([%g, %g])",
	       r.ci_lo, r.ci_hi);
	cmp_row_release(&r);
	mk_row(&r, a, 1, b, 3);
	compare_row_compute(&r, CI_CHOICE_AUTO);
	tap_ok(r.method == CI_NONE && isnan(r.ci_lo) && r.verdict == VERDICT_NONE,
	       "n=1 on a side: no interval, no verdict (%s)", verdict_name(r.verdict));
	cmp_row_release(&r);
}

/*
 * Method: the paired interval of A = {10, 20, 30}, B = {12, 22.5, 31.5}
 * with pairs (10, 12), (20, 22.5), (30, 31.5): differences {2, 2.5, 1.5},
 * mean 2, sd 0.5, t(0.975, 2) = 4.302653, half = 4.302653 x 0.5 / sqrt(3)
 * = 1.242069 (by hand). Unpaired, the same values' Welch interval holds 0
 * (the runs differ by 10 between pairs, the pairs by 2 within).
 * Pass: paired [0.757931, 3.242069] method paired; unpaired Welch around 0;
 * one difference only: no paired interval, Welch as before.
 */
static void test_paired_known(void)
{
	const double a[] = { 10, 20, 30 }, b[] = { 12, 22.5, 31.5 };
	double half = 4.302653 * 0.5 / sqrt(3);
	struct cmp_row r;
	size_t i;

	mk_row(&r, a, 3, b, 3);
	r.paired = true;
	for (i = 0; i < 3; i++)
		dvec_push(&r.d, b[i] - a[i]);
	compare_row_compute(&r, CI_CHOICE_AUTO);
	tap_ok(r.method == CI_PAIRED && near(r.ci_lo, 2 - half, 1e-5) &&
	       near(r.ci_hi, 2 + half, 1e-5) && near(r.delta, 2, 1e-12),
	       "paired {2, 2.5, 1.5}: [0.757931, 3.242069] (got %s [%.6f, %.6f])",
	       ci_method_name(r.method), r.ci_lo, r.ci_hi);
	cmp_row_release(&r);
	mk_row(&r, a, 3, b, 3);
	compare_row_compute(&r, CI_CHOICE_AUTO);
	tap_ok(r.method == CI_WELCH && r.ci_lo < 0 && r.ci_hi > 0,
	       "the same values unpaired: Welch, interval holds 0 ([%g, %g])", r.ci_lo, r.ci_hi);
	cmp_row_release(&r);
	mk_row(&r, a, 3, b, 3);
	r.paired = true;
	dvec_push(&r.d, 2);
	compare_row_compute(&r, CI_CHOICE_AUTO);
	tap_ok(r.method == CI_WELCH, "one pair with the metric: no paired interval, Welch (%s)",
	       ci_method_name(r.method));
	cmp_row_release(&r);
}

static char *print_to_string(const struct comparison *c, enum out_format fmt);
static void copy_run(const char *from, const char *to, void (*edit)(struct meta *));

/* A side of @n runs with pair ids @pairs (NULL entries: no "pair"). */
static void mk_side(struct cmp_side *s, const char *const *pairs, size_t n)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	s->n = n;
	s->metas = xcalloc(n, sizeof(*s->metas));
	s->runs = xcalloc(n, sizeof(*s->runs));
	for (i = 0; i < n; i++) {
		meta_init(&s->metas[i]);
		s->metas[i].pair = pairs[i] ? xstrdup(pairs[i]) : NULL;
		s->runs[i] = xasprintf("run-%zu", i);
	}
}

/*
 * Method: compare_pair_runs() on sides whose runs carry pair ids: in
 * different orders; one run without an id; an id twice on a side; an id
 * only on one side.
 * Pass: 3 pairs with B's indices {1, 0, 2}; 0 in every other case.
 */
static void test_pair_runs(void)
{
	static const char *const a3[] = { "1", "2", "3" }, *const b3[] = { "2", "1", "3" };
	static const char *const hole[] = { "1", NULL, "3" }, *const twice[] = { "1", "1", "3" };
	static const char *const other[] = { "1", "2", "4" };
	struct cmp_side a, b;
	size_t ia[3], ib[3], n;

	mk_side(&a, a3, 3);
	mk_side(&b, b3, 3);
	n = compare_pair_runs(&a, &b, ia, ib);
	tap_ok(n == 3 && ia[0] == 0 && ib[0] == 1 && ib[1] == 0 && ib[2] == 2,
	       "pairs in another order on B: 3 pairs, B's runs 1, 0, 2 (%zu)", n);
	cmp_side_release(&b);
	mk_side(&b, hole, 3);
	tap_ok(!compare_pair_runs(&a, &b, ia, ib), "a run without a pair id: not paired");
	cmp_side_release(&b);
	mk_side(&b, twice, 3);
	tap_ok(!compare_pair_runs(&a, &b, ia, ib), "a pair id twice on a side: not paired");
	cmp_side_release(&b);
	mk_side(&b, other, 3);
	tap_ok(!compare_pair_runs(&a, &b, ia, ib), "a pair id on one side only: not paired");
	cmp_side_release(&b);
	cmp_side_release(&a);
}

static void edit_pair1(struct meta *m)
{
	m->pair = xstrdup("1");
}

static void edit_pair2(struct meta *m)
{
	m->pair = xstrdup("2");
}

/*
 * Method: an A/B directory of fixture copies whose meta.json carry pair
 * ids 1 and 2 (one A and one B each), compared; then printed as text, md,
 * html and JSON, and the JSON read back.
 * Pass: 2 pairs; a row with both values in both pairs has the paired
 * method; every format's method line says "over 2 pairs: paired t" (JSON:
 * ci.method "paired"); the JSON read back keeps the pairs.
 */
static void test_paired_dir(void)
{
	static const char *const runs[] = { "A-1", "host-1", "B-1", "host-2",
					    "A-2", "host-2", "B-2", "host-1" };
	struct compare_opts o = { .ci = CI_CHOICE_AUTO };
	char *ab = xasprintf("%s/ab-paired", tmpdir), *p, err[512] = "";
	const char *j = "{\"schema\": 1, \"status\": \"complete\", \"base\": \"vanilla\", "
			"\"patched\": \"noop\", \"repeat\": 2, \"runs\": ["
			"{\"side\": \"A\", \"dir\": \"A-1\"}, {\"side\": \"B\", \"dir\": \"B-1\"}, "
			"{\"side\": \"A\", \"dir\": \"A-2\"}, {\"side\": \"B\", \"dir\": \"B-2\"}]}\n";
	static const enum out_format fmts[] = { FMT_TEXT, FMT_MD, FMT_HTML, FMT_JSON };
	struct comparison c, back;
	size_t i, paired = 0, said = 0;
	int ret;

	for (i = 0; i < ARRAY_SIZE(runs); i += 2) {
		char *from = xasprintf("%s/results/%s", FIXTURES, runs[i + 1]);

		p = xasprintf("%s/%s", ab, runs[i]);
		copy_run(from, p, runs[i][2] == '1' ? edit_pair1 : edit_pair2);
		free(p);
		free(from);
	}
	p = xasprintf("%s/ab.json", ab);
	write_atomic(p, j, strlen(j));
	free(p);
	ret = compare_dirs(&c, ab, NULL, &o, err, sizeof(err));
	for (i = 0; !ret && i < c.nrows; i++)
		paired += c.rows[i].method == CI_PAIRED;
	tap_ok(!ret && c.pairs == 2 && paired > 0, "paired A/B directory: 2 pairs, %zu rows "
	       "with the paired interval (%s)", paired, ret ? err : "ok");
	for (i = 0; !ret && i < ARRAY_SIZE(fmts); i++) {
		char *s = print_to_string(&c, fmts[i]);

		/* the header's method line, not only the rows' "paired" cells */
		said += s && (fmts[i] == FMT_JSON ? strstr(s, "\"method\": \"paired\"") :
			      strstr(s, "over 2 pairs: paired t")) != NULL;
		if (fmts[i] == FMT_JSON && s) {
			if (!compare_from_json(&back, s, strlen(s), err, sizeof(err)))
				said += back.pairs == 2;
			comparison_release(&back);
		}
		free(s);
	}
	tap_ok(said == 5, "text, md, html and JSON say paired, the JSON read back keeps 2 pairs "
	       "(%zu of 5)", said);
	comparison_release(&c);
	free(ab);
}

/*
 * Method: verdict_decide() and verdict_threshold() on hand-picked cases.
 * Pass: direction decides regression vs improvement; an interval that
 * contains 0 or a delta within the threshold is no change; the A/A noise
 * floor raises the threshold; n < 2 gives no verdict, MB_NONE "info".
 */
static void test_verdict(void)
{
	tap_ok(verdict_decide(MB_LOWER, 3, 3, 5, 2, 8, 1) == VERDICT_REGRESSION,
	       "lower is better, +5 [2, 8], threshold 1: regression");
	tap_ok(verdict_decide(MB_LOWER, 3, 3, -5, -8, -2, 1) == VERDICT_IMPROVEMENT,
	       "lower is better, -5 [-8, -2]: improvement");
	tap_ok(verdict_decide(MB_HIGHER, 3, 3, 5, 2, 8, 1) == VERDICT_IMPROVEMENT &&
	       verdict_decide(MB_HIGHER, 3, 3, -5, -8, -2, 1) == VERDICT_REGRESSION,
	       "higher is better: the same changes the other way round");
	tap_ok(verdict_decide(MB_LOWER, 3, 3, 5, -1, 11, 1) == VERDICT_NO_CHANGE,
	       "an interval containing 0 is no change, however large the delta");
	tap_ok(verdict_decide(MB_LOWER, 3, 3, 0.5, 0.2, 0.8, 1) == VERDICT_NO_CHANGE,
	       "significant but within the threshold: no change");
	tap_ok(verdict_decide(MB_LOWER, 3, 3, 1.0, 0.5, 1.5, 1) == VERDICT_NO_CHANGE,
	       "delta equal to the threshold: no change (must exceed it)");
	tap_ok(verdict_decide(MB_LOWER, 1, 1, 50, NAN, NAN, 1) == VERDICT_NONE &&
	       verdict_decide(MB_LOWER, 1, 5, 50, 40, 60, 1) == VERDICT_NONE,
	       "n=1 on a side: no verdict");
	tap_ok(verdict_decide(MB_NONE, 3, 3, 5, 2, 8, 1) == VERDICT_INFO,
	       "a metric without a direction: info");
	tap_ok(verdict_decide(MB_LOWER, 3, 3, 5, NAN, NAN, 1) == VERDICT_NO_CHANGE,
	       "no interval (NaN): no change");
	tap_ok(verdict_threshold(0.10, 1.0, 200, NAN) == 20 &&
	       verdict_threshold(0.10, 1.0, 5, NAN) == 1 &&
	       verdict_threshold(0.10, 1.0, -200, 30) == 30,
	       "threshold = max(10%% x |mean A|, floor, noise)");
	tap_ok(verdict_decide(MB_LOWER, 3, 3, 25, 22, 28, verdict_threshold(0.1, 1, 200, NAN)) ==
	       VERDICT_REGRESSION &&
	       verdict_decide(MB_LOWER, 3, 3, 25, 22, 28, verdict_threshold(0.1, 1, 200, 30)) ==
	       VERDICT_NO_CHANGE,
	       "+25 on 200 is a regression at the default, not above a noise floor of 30");
	{
		enum verdict v;

		tap_ok(!verdict_parse("regression", &v) && v == VERDICT_REGRESSION &&
		       verdict_parse("worse", &v) == -EINVAL, "verdict names parse back");
	}
}

/* Load the two fixture runs into @c (each side one run). */
static int fixture_compare(struct comparison *c, const char *a, const char *b, bool force,
			   char *err, size_t errlen)
{
	struct compare_opts o = { .noise = NULL, .force = force, .ci = CI_CHOICE_AUTO };

	return compare_dirs(c, a, b, &o, err, errlen);
}

/* The longest line of @s; one longer than 72 is shown as a diagnostic. */
static size_t widest_line(const char *s)
{
	size_t w = 0, n;

	while (*s) {
		n = strcspn(s, "\n");
		if (n > 72)
			tap_diag("%zu columns: %.*s", n, (int)n, s);
		if (n > w)
			w = n;
		s += n;
		if (*s)
			s++;
	}
	return w;
}

/*
 * Method: compare the two fixture runs (n = 1 per side), print text.
 * Then a synthetic 3-vs-3 comparison with the longest labels, huge values,
 * negative deltas and input differences.
 * Pass: every line <= 72 columns; the n = 1 report says "no significance"
 * and gives no verdict; the header names target, perf event, kernels,
 * configs and run counts; exit-relevant counts are 0 regressions.
 */
static void test_text_layout(void)
{
	struct comparison c;
	char err[512] = "", *t;
	int ret;

	ret = fixture_compare(&c, FIXTURES "/results/host-1", FIXTURES "/results/host-2", false,
			      err, sizeof(err));
	tap_ok(!ret, "compare of the two fixture runs works (%s)", err);
	if (ret) {
		comparison_release(&c);
		return;
	}
	t = print_to_string(&c, FMT_TEXT);
	tap_ok(widest_line(t) <= 72, "n=1 text report fits 72 columns (%zu)", widest_line(t));
	tap_ok(strstr(t, "n=1/1, no significance") && !strstr(t, "regression ") &&
	       c.nreg == 0 && c.nnone == c.nrows,
	       "n=1: values, \"no significance\", no verdict (%zu rows)", c.nrows);
	tap_ok(strstr(t, "target host") && strstr(t, "perf event none") &&
	       strstr(t, "6.18.44-fc-v669") && strstr(t, "config unknown") &&
	       strstr(t, "1 run"), "text header says where the numbers come from");
	tap_ok(strstr(t, "host-1:") && strstr(t, "host-2:"), "cover-letter columns 'A: B:'");
	free(t);

	/* stretch every column: 3 runs per side, long labels, big numbers */
	{
		const double a[] = { 1e12, 2e12, 3e12 }, b[] = { -9e12, -8e12, -7e12 };
		size_t i;

		for (i = 0; i < c.nrows; i++) {
			struct cmp_row *r = &c.rows[i];

			free(r->m.label);
			r->m.label = xstrdup("a-very-long-metric-label-that-goes-on");
			dvec_release(&r->a);
			dvec_release(&r->b);
			dvec_push(&r->a, a[0]);
			dvec_push(&r->a, a[1]);
			dvec_push(&r->a, a[2]);
			dvec_push(&r->b, b[0]);
			dvec_push(&r->b, b[1]);
			dvec_push(&r->b, b[2]);
			compare_row_compute(r, CI_CHOICE_AUTO);
		}
		free(c.a.label);
		c.a.label = xstrdup("vanilla-with-a-long-name");
		c.diffs = xcalloc(1, sizeof(*c.diffs));
		c.diffs[0] = xstrdup("param kernelbuild-targets: 'a-very-long-value-that-does-not-"
				     "fit-in-one-line-at-all-and-goes-on' (A:r1) vs 'b' (B:r1)");
		c.ndiffs = 1;
		c.forced = true;
		t = print_to_string(&c, FMT_TEXT);
		tap_ok(widest_line(t) <= 72, "3-vs-3 text with long labels and 1e12 values fits 72 "
		       "columns (%zu)", widest_line(t));
		tap_ok(strstr(t, "Inputs differ (compared anyway, --force)") != NULL,
		       "forced differences are printed on top");
		free(t);
	}
	comparison_release(&c);
}

/*
 * Method: compare the fixture runs, serialise to JSON, read it back,
 * serialise again; then the same after a 3-vs-3 recompute (intervals,
 * verdicts, NaN values in it).
 * Pass: both serialisations are byte for byte equal; the read-back has the
 * same rows, labels and metas.
 */
static void test_json_round_trip(void)
{
	struct strbuf s1 = STRBUF_INIT, s2 = STRBUF_INIT;
	struct comparison c, d;
	char err[512] = "";
	int ret;

	if (fixture_compare(&c, FIXTURES "/results/host-1", FIXTURES "/results/host-2", false,
			    err, sizeof(err))) {
		tap_skip("fixture compare failed");
		tap_skip("fixture compare failed");
		tap_skip("fixture compare failed");
		comparison_release(&c);
		return;
	}
	/* make one row 3 vs 3 with a verdict and one row with a NaN delta % */
	dvec_push(&c.rows[0].a, 1);
	dvec_push(&c.rows[0].a, 2);
	dvec_push(&c.rows[0].b, 900e3);
	dvec_push(&c.rows[0].b, 950e3);
	compare_row_compute(&c.rows[0], CI_CHOICE_AUTO);
	compare_to_json(&c, &s1);
	ret = compare_from_json(&d, s1.buf, s1.len, err, sizeof(err));
	tap_ok(!ret, "compare JSON reads back (%s)", ret ? err : "ok");
	compare_to_json(&d, &s2);
	tap_ok(s1.len == s2.len && !strcmp(s1.buf, s2.buf),
	       "JSON round trip is byte for byte (%zu vs %zu bytes)", s1.len, s2.len);
	tap_ok(d.nrows == c.nrows && d.a.n == 1 && !strcmp(d.a.label, c.a.label) &&
	       d.rows[0].a.n == 3 && d.rows[0].method == c.rows[0].method &&
	       d.rows[0].ci_lo == c.rows[0].ci_lo && d.rows[0].verdict == c.rows[0].verdict &&
	       !strcmp(d.a.metas[0].run_id, c.a.metas[0].run_id),
	       "read-back rows, labels, intervals, verdicts and metas match");
	comparison_release(&c);
	comparison_release(&d);
	sb_release(&s1);
	sb_release(&s2);
	ret = compare_from_json(&d, "{\"schema\": 1}", 13, err, sizeof(err));
	tap_ok(ret == -EINVAL, "a JSON without \"kind\" is refused (%s)", err);
	comparison_release(&d);
}

/* What @print writes of @c, as a string; the caller frees it. */
static char *direct(const struct comparison *c, void (*print)(const struct comparison *, FILE *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	print(c, f);
	fclose(f);
	return buf;
}

/*
 * Method: compare the fixture runs and print them through compare_print()
 * in each format, and through each formatter directly.
 * Pass: text, md and json are the formatter's bytes (json with its final
 * newline), html is a whole page, and a format compare has not (tsv) is
 * -EINVAL with nothing written.
 */
static void test_dispatch(void)
{
	struct strbuf js = STRBUF_INIT;
	struct comparison c;
	char err[512] = "", *t, *want, *buf = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	if (fixture_compare(&c, FIXTURES "/results/host-1", FIXTURES "/results/host-2", false,
			    err, sizeof(err))) {
		for (ret = 0; ret < 5; ret++)
			tap_skip("fixture compare failed");
		comparison_release(&c);
		return;
	}
	t = print_to_string(&c, FMT_TEXT);
	want = direct(&c, compare_print_text);
	tap_ok(!strcmp(t, want), "text: compare_print_text()'s bytes");
	free(t);
	free(want);
	t = print_to_string(&c, FMT_MD);
	want = direct(&c, compare_print_md);
	tap_ok(!strcmp(t, want) && t[0] == '#', "md: compare_print_md()'s bytes");
	free(t);
	free(want);
	t = print_to_string(&c, FMT_JSON);
	compare_to_json(&c, &js);
	sb_adds(&js, "\n");
	tap_ok(!strcmp(t, js.buf), "json: compare_to_json() and a newline");
	free(t);
	sb_release(&js);
	t = print_to_string(&c, FMT_HTML);
	tap_ok(!strncmp(t, "<!DOCTYPE html>", 15) && strstr(t, "</html>\n"), "html: a whole page");
	free(t);
	f = open_memstream(&buf, &len);
	ret = compare_print(&c, FMT_TSV, f, err, sizeof(err));
	fclose(f);
	tap_ok(ret == -EINVAL && !len, "tsv: -EINVAL, nothing written (%s)", err);
	free(buf);
	comparison_release(&c);
}

/* Copy those of @files (NULL-terminated) that fixture run @from has to @to (made). */
static void copy_files(const char *from, const char *to, const char *const *files)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	mkdir_p(to, 0755);
	for (i = 0; files[i]; i++) {
		char *src = xasprintf("%s/%s", from, files[i]);
		char *dst = xasprintf("%s/%s", to, files[i]);

		if (!read_file(src, &sb))
			write_atomic(dst, sb.buf, sb.len);
		free(src);
		free(dst);
	}
	sb_release(&sb);
}

/* The guest instruction tables of a vm run, which copy_run() leaves out. */
static const char *const insn_files[] = { "insn.tsv", "insn-symbols.tsv", "insn-reads.tsv",
					  NULL };

/* Copy fixture run @from to @to with meta.json edited by @edit. */
static void copy_run(const char *from, const char *to, void (*edit)(struct meta *))
{
	static const char *const files[] = { "drift.tsv", "readlat.tsv", "cpu.tsv",
					     "workloads.tsv", NULL };
	char err[256];
	struct meta m;

	copy_files(from, to, files);
	if (!meta_load(&m, from, err, sizeof(err))) {
		if (edit)
			edit(&m);
		meta_write(&m, to);
		meta_release(&m);
	}
}

static void edit_target(struct meta *m)
{
	free(m->target);
	m->target = xstrdup("vm-kvm");
	free(m->perf_event);
	m->perf_event = xstrdup("cycles");
}

static void edit_param(struct meta *m)
{
	size_t i;

	for (i = 0; i < m->nparams; i++)
		if (!strcmp(m->params[i].key, "kmem-churn-children")) {
			free(m->params[i].value);
			m->params[i].value = xstrdup("50");
		}
	m->depth = 2;
}

static void edit_failed(struct meta *m)
{
	free(m->status);
	m->status = xstrdup("failed");
}

static int has_diff(const struct comparison *c, const char *what)
{
	size_t i;

	for (i = 0; i < c->ndiffs; i++)
		if (strstr(c->diffs[i], what))
			return 1;
	return 0;
}

/*
 * Method: copies of a fixture run with meta.json edited (target and perf
 * event; a workload parameter and the tree depth; a failed status),
 * compared with the unedited run, with and without force.
 * Pass: refused (-EINVAL) with every difference listed; with force the
 * comparison is made and marked forced; identical inputs give no
 * difference; an A/B directory (ab.json) resolves both sides with the
 * labels of ab.json.
 */
static void test_mismatch(void)
{
	char *ok = xasprintf("%s/ok", tmpdir), *tg = xasprintf("%s/target", tmpdir);
	char *pa = xasprintf("%s/param", tmpdir), *fl = xasprintf("%s/failed", tmpdir);
	char *ab = xasprintf("%s/ab", tmpdir), *sub, err[512] = "";
	struct comparison c;
	int ret;

	copy_run(FIXTURES "/results/host-1", ok, NULL);
	copy_run(FIXTURES "/results/host-2", tg, edit_target);
	copy_run(FIXTURES "/results/host-2", pa, edit_param);
	copy_run(FIXTURES "/results/host-2", fl, edit_failed);

	ret = fixture_compare(&c, ok, tg, false, err, sizeof(err));
	tap_ok(ret == -EINVAL && has_diff(&c, "target: 'host' (A:ok) vs 'vm-kvm' (B:target)") &&
	       has_diff(&c, "perf_event: 'none' (A:ok) vs 'cycles' (B:target)") && !c.nrows,
	       "different target and perf event: refused, both listed (%zu)", c.ndiffs);
	comparison_release(&c);
	ret = fixture_compare(&c, ok, pa, false, err, sizeof(err));
	tap_ok(ret == -EINVAL && has_diff(&c, "kmem-churn-children: '20' (A:ok) vs '50'") &&
	       has_diff(&c, "depth: '4' (A:ok) vs '2' (B:param)") && c.ndiffs == 2,
	       "different workload parameter and tree depth: refused, exactly those two listed "
	       "(%zu)", c.ndiffs);
	comparison_release(&c);
	ret = fixture_compare(&c, ok, pa, true, err, sizeof(err));
	tap_ok(!ret && c.forced && c.ndiffs == 2 && c.nrows > 0,
	       "with force: compared, differences kept for the report");
	comparison_release(&c);
	ret = fixture_compare(&c, ok, fl, false, err, sizeof(err));
	tap_ok(ret == -EINVAL && has_diff(&c, "B:failed: status 'failed', not complete"),
	       "a failed run is refused");
	comparison_release(&c);
	ret = fixture_compare(&c, ok, FIXTURES "/results/host-2", false, err, sizeof(err));
	tap_ok(!ret && c.ndiffs == 0, "same experiment: no difference");
	comparison_release(&c);

	/* a hand-made A/B directory: two runs per side, the fixtures crosswise */
	{
		static const char *const runs[] = { "A-1", "host-1", "B-1", "host-2",
						     "A-2", "host-2", "B-2", "host-1" };
		size_t i;

		for (i = 0; i < ARRAY_SIZE(runs); i += 2) {
			char *from = xasprintf("%s/results/%s", FIXTURES, runs[i + 1]);

			sub = xasprintf("%s/%s", ab, runs[i]);
			copy_run(from, sub, NULL);
			free(sub);
			free(from);
		}
	}
	sub = xasprintf("%s/ab.json", ab);
	{
		const char *j = "{\"schema\": 1, \"status\": \"complete\", \"base\": \"vanilla\", "
				"\"patched\": \"noop\", \"repeat\": 2, \"runs\": ["
				"{\"side\": \"A\", \"dir\": \"A-1\"}, {\"side\": \"B\", \"dir\": \"B-1\"}, "
				"{\"side\": \"A\", \"dir\": \"A-2\"}, {\"side\": \"B\", \"dir\": \"B-2\"}]}\n";

		write_atomic(sub, j, strlen(j));
	}
	free(sub);
	{
		struct compare_opts o = { .noise = NULL, .force = false, .ci = CI_CHOICE_AUTO };

		ret = compare_dirs(&c, ab, NULL, &o, err, sizeof(err));
		tap_ok(!ret && c.a.n == 2 && c.b.n == 2 && !strcmp(c.a.label, "vanilla") &&
		       !strcmp(c.b.label, "noop") && c.nreg + c.nimp + c.nsame > 0,
		       "an A/B directory gives both sides from ab.json, 2 runs each, with "
		       "verdicts (%s)", ret ? err : "ok");
		comparison_release(&c);
		/* the same A/B as its own A/A noise: every threshold >= its noise floor */
		o.noise = ab;
		ret = compare_dirs(&c, ab, NULL, &o, err, sizeof(err));
		tap_ok(!ret && c.nrows && !isnan(c.rows[0].noise) &&
		       c.rows[0].threshold >= c.rows[0].noise && c.nreg == 0 && c.nimp == 0,
		       "--noise with itself: thresholds at least the noise floor, no verdict "
		       "flips (%s)", ret ? err : "ok");
		comparison_release(&c);
		ret = compare_dirs(&c, ab, tg, &o, err, sizeof(err));
		tap_ok(ret == -EINVAL && strstr(err, "not an A/B") == NULL &&
		       strstr(err, "A/B directory") != NULL,
		       "an A/B directory as one of two sides is refused (%s)", err);
		comparison_release(&c);
	}
	free(ok);
	free(tg);
	free(pa);
	free(fl);
	free(ab);
}

/*
 * Method: metrics_extract() on fixture run perf-1 (a host run with --perf
 * --trace rss_stat), then compare perf-1 with perf-2 keeping every symbol.
 * Numbers hard-coded from the fixture files.
 * Pass: perf shares of clones are summed under the normalised name
 * (getname_flags 0.040241 + getname_flags.part.0 0.020121); user symbols
 * are left out; rss_stat peaks and cputotal task-clock are read; a symbol
 * one run lacks counts 0 there; the default report keeps the top 10,
 * ordered by A's share.
 */
static void test_monitor_sources(void)
{
	struct run_summary s;
	struct metric_set ms;
	const struct metric *m;
	struct comparison c;
	struct compare_opts o = { .noise = NULL, .force = false, .ci = CI_CHOICE_AUTO };
	char err[512] = "";
	size_t i, zero_b = 0, bad_zero = 0, sorted = 1;
	int ret;

	ret = metrics_extract(FIXTURES "/results/perf-1", &s, &ms, err, sizeof(err));
	tap_ok(!ret && metric_set_has_group(&ms, "perf") && metric_set_has_group(&ms, "rss_stat") &&
	       metric_set_has_group(&ms, "cputotal") && !metric_set_has_group(&ms, "drift"),
	       "perf-1 has the perf, rss_stat and cputotal sources, not drift (%s)",
	       ret ? err : "ok");
	m = metric_set_find(&ms, "perf:getname_flags");
	tap_ok(m && near(m->value, 0.040241 + 0.020121, 1e-9) && m->absent_zero,
	       "clones summed: getname_flags = 0.060362%% (got %g)", m ? m->value : NAN);
	tap_ok(!metric_set_find(&ms, "perf:ht_lookup_with_hash"),
	       "user symbols (cc1's ht_lookup_with_hash, the top row) are not metrics");
	m = metric_set_find(&ms, "rss_stat:MM_ANONPAGES:peak");
	tap_ok(m && m->value == 70164480 && m->better == MB_LOWER,
	       "rss_stat MM_ANONPAGES peak 70164480 bytes, lower is better");
	m = metric_set_find(&ms, "cputotal:task-clock");
	tap_ok(m && near(m->value, 5.698697, 1e-9) && m->unit == MU_S,
	       "cputotal task-clock 5698.697 msec -> 5.698697 s");
	tap_ok(!metric_set_find(&ms, "cputotal:cycles"), "a counter the machine lacks is no metric");
	run_summary_release(&s);
	metric_set_release(&ms);

	o.perf_top = 100000;
	ret = compare_dirs(&c, FIXTURES "/results/perf-1", FIXTURES "/results/perf-2", &o, err,
			   sizeof(err));
	for (i = 0; !ret && i < c.nrows; i++) {
		const struct cmp_row *r = &c.rows[i];

		if (strcmp(r->m.group, "perf"))
			continue;
		if (r->a.n != 1 || r->b.n != 1)
			bad_zero++;
		if (r->a_mean == 0 || r->b_mean == 0)
			zero_b++;
	}
	tap_ok(!ret && c.perf_total > 100 && zero_b > 0 && !bad_zero,
	       "all %zu symbols: every row has a value per run, %zu of them 0 on one side",
	       c.perf_total, zero_b);
	comparison_release(&c);
	o.perf_top = 0;
	ret = compare_dirs(&c, FIXTURES "/results/perf-1", FIXTURES "/results/perf-2", &o, err,
			   sizeof(err));
	zero_b = 0;
	for (i = 0; !ret && i < c.nrows; i++) {
		const struct cmp_row *r = &c.rows[i];

		if (strcmp(r->m.group, "perf"))
			continue;
		if (zero_b && c.rows[i - 1].a_mean < r->a_mean)
			sorted = 0;
		zero_b++;
	}
	tap_ok(!ret && zero_b == COMPARE_PERF_TOP && c.perf_top == COMPARE_PERF_TOP && sorted,
	       "default: the top %d symbols, by A's share (%zu kept)", COMPARE_PERF_TOP, zero_b);
	comparison_release(&c);
}

/* Write selftests.tap into a copy of fixture run @from at @to. */
static void tap_run(const char *from, const char *to, const char *tap)
{
	char *p = xasprintf("%s/selftests.tap", to);

	copy_run(from, to, NULL);
	write_atomic(p, tap, strlen(tap));
	free(p);
}

/*
 * Method: selftests.tap written by hand in the shape run_kselftest.sh
 * prints (nested "# " lines, a SKIP), in two copies of a fixture run per
 * side: test_kmem_memcg_deletion passes on A and fails on B.
 * Pass: per test 1/0, the skipped test left out, and the failing test is a
 * regression (higher is better), the others no change.
 */
static void test_selftest_tap(void)
{
	static const char *const tap_a =
		"TAP version 13\n1..1\n# selftests: cgroup: test_kmem\n# ok 1 test_kmem_basic\n"
		"# ok 2 test_kmem_memcg_deletion\n# ok 3 # SKIP test_kmem_proc_kpagecgroup\n"
		"ok 1 selftests: cgroup: test_kmem\n";
	static const char *const tap_b =
		"TAP version 13\n1..1\n# selftests: cgroup: test_kmem\n# ok 1 test_kmem_basic\n"
		"# not ok 2 test_kmem_memcg_deletion\n# ok 3 # SKIP test_kmem_proc_kpagecgroup\n"
		"not ok 1 selftests: cgroup: test_kmem # exit=1\n";
	const char *names[] = { "A1", "A2", "B1", "B2" };
	char *d[4], *ta = xasprintf("%s/tapA", tmpdir), *tb = xasprintf("%s/tapB", tmpdir);
	struct compare_opts o = { .noise = NULL, .force = false, .ci = CI_CHOICE_AUTO };
	struct comparison c;
	const struct cmp_row *del = NULL, *basic = NULL;
	char err[512] = "";
	size_t i, skip = 0;
	int ret;

	for (i = 0; i < 4; i++) {
		d[i] = xasprintf("%s/%s", i < 2 ? ta : tb, names[i]);
		tap_run(FIXTURES "/results/host-1", d[i], i < 2 ? tap_a : tap_b);
	}
	ret = compare_dirs(&c, ta, tb, &o, err, sizeof(err));
	for (i = 0; !ret && i < c.nrows; i++) {
		if (!strcmp(c.rows[i].m.key, "selftest:test_kmem_memcg_deletion"))
			del = &c.rows[i];
		if (!strcmp(c.rows[i].m.key, "selftest:test_kmem_basic"))
			basic = &c.rows[i];
		if (strstr(c.rows[i].m.key, "kpagecgroup"))
			skip++;
	}
	tap_ok(!ret && del && basic && !skip && del->a_mean == 1 && del->b_mean == 0,
	       "TAP lines become pass (1) / fail (0) per test, SKIP left out (%s)",
	       ret ? err : "ok");
	tap_ok(del && del->verdict == VERDICT_REGRESSION && basic &&
	       basic->verdict == VERDICT_NO_CHANGE && c.nreg >= 1,
	       "ok -> not ok in both runs: regression; ok -> ok: no change");
	comparison_release(&c);
	for (i = 0; i < 4; i++)
		free(d[i]);
	free(ta);
	free(tb);
}

static const struct check_sum *find_check(const struct run_summary *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nchecks; i++)
		if (!strcmp(s->checks[i].name, name))
			return &s->checks[i];
	return NULL;
}

/*
 * readcost under TCG: each in-process point in kernel instructions, from the
 * ops readcost.tsv names and insn-ops.tsv counts (fixture readcost-insn, a
 * 6.1 guest run of vanilla): the dirty read at 100 children flushes.
 */
static void test_insn_readcost(void)
{
	struct run_summary s;
	struct metric_set ms;
	const struct metric *q, *d;
	char err[512] = "";
	int ret;

	ret = metrics_extract(FIXTURES "/results/readcost-insn", &s, &ms, err, sizeof(err));
	q = ret ? NULL : metric_set_find(&ms, "insn:readcost:idle:100:quiet:p50");
	d = ret ? NULL : metric_set_find(&ms, "insn:readcost:idle:100:dirty:p50");
	tap_ok(q && d && q->value == 38640 && d->value == 199898 && d->better == MB_LOWER &&
	       !strcmp(d->group, "instructions"),
	       "readcost at 100 idle children: quiet 38640, dirty 199898 kernel insns (%g, %g; %s)",
	       q ? q->value : NAN, d ? d->value : NAN, ret ? err : "ok");
	d = ret ? NULL : metric_set_find(&ms, "insn:readcost:deleted:10:dirty:p50");
	tap_ok(!metric_set_find(&ms, "insn:probe:p50"), "no stat-probe, no probe metric");
	tap_ok(d && !strcmp(d->label, "rc dying 10 dirty p50") &&
	       !metric_set_find(&ms, "insn:readcost:idle:10:quiet:p99"),
	       "a point per kind, N and state, p50 only ('%s')", d ? d->label : "-");
	if (!ret) {
		run_summary_release(&s);
		metric_set_release(&ms);
	}
}

/*
 * --repeat auto's rule (verdict_settled): exact counts that repeat settle at
 * once either way; a spread wider than the threshold stays open; a clear
 * change settles; 7 looks make each interval wider than compare's 95% one.
 */
static void test_settled(void)
{
	const double c100[] = { 100, 100 }, c110[] = { 110, 110 };
	const double a[] = { 100, 104, 96 }, b[] = { 101, 97, 103 };
	const double x[] = { 100.0, 100.2, 99.9, 100.1 }, y[] = { 105.1, 104.9, 105.0, 105.2 };
	double lo, hi, l1, h1;

	tap_ok(verdict_settled(c100, 2, c110, 2, 2, 7, &lo, &hi) == SETTLE_CHANGED && lo == 10 &&
	       hi == 10, "constant 100 vs 110, threshold 2: changed, interval [10, 10]");
	tap_ok(verdict_settled(c100, 2, c100, 2, 2, 7, NULL, NULL) == SETTLE_SAME,
	       "constant and equal: same");
	tap_ok(verdict_settled(a, 3, b, 3, 2, 7, NULL, NULL) == SETTLE_OPEN &&
	       verdict_settled(a, 1, b, 3, 2, 7, NULL, NULL) == SETTLE_OPEN,
	       "a spread of +-4 against a threshold of 2: open; one value: open");
	tap_ok(verdict_settled(x, 4, y, 4, 2, 7, &lo, &hi) == SETTLE_CHANGED && lo > 4 && hi < 6,
	       "+5 with a spread of 0.3: changed ([%.2f, %.2f])", lo, hi);
	verdict_settled(x, 4, y, 4, 2, 1, &l1, &h1);
	tap_ok(l1 > lo && h1 < hi, "7 looks: a wider interval than 1 look's ([%.2f, %.2f] in "
	       "[%.2f, %.2f])", l1, h1, lo, hi);
	tap_ok(!strcmp(verdict_settle_name(SETTLE_OPEN), "open"), "names");
}

/* stat-probe under TCG: the kernel instructions of one probe (fixture probe-insn). */
static void test_insn_probe(void)
{
	struct run_summary s;
	struct metric_set ms;
	const struct metric *m;
	char err[512] = "";
	int ret;

	ret = metrics_extract(FIXTURES "/results/probe-insn", &s, &ms, err, sizeof(err));
	m = ret ? NULL : metric_set_find(&ms, "insn:probe:p50");
	tap_ok(m && near(m->value, 192380, 1) && m->thr_rel == 0.03,
	       "probe insns p50 of 40 probes: 192380 (got %g; %s)", m ? m->value : NAN,
	       ret ? err : "ok");
	if (!ret) {
		run_summary_release(&s);
		metric_set_release(&ms);
	}
}

/*
 * The share of rows over the bound counts rows, and a run at smoke scale has
 * few: fixture host-1 (a host run, 50 current-vs-stat rows) needs 5 rows, 10
 * points, for a verdict; a noop kernel's 2 rows were one (CI, t-90).
 */
static void test_over_floor(void)
{
	struct run_summary s;
	struct metric_set ms;
	const struct check_sum *c;
	const struct metric *m;
	char err[512] = "";
	int ret;

	ret = metrics_extract(FIXTURES "/results/host-1", &s, &ms, err, sizeof(err));
	c = ret ? NULL : find_check(&s, "current-vs-stat");
	m = ret ? NULL : metric_set_find(&ms, "drift:current-vs-stat:over");
	tap_ok(m && c && c->err.n == 50 && near(m->thr_abs, 10.0, 1e-9),
	       "current-vs-stat over needs 5 of its %zu rows for a verdict (floor %g%%; %s)",
	       c ? c->err.n : 0, m ? m->thr_abs : NAN, ret ? err : "ok");
	m = ret ? NULL : metric_set_find(&ms, "drift:parent-vs-children:over");
	tap_ok(m && near(m->thr_abs, 100.0 * 5 / 300, 1e-9),
	       "parent-vs-children over: 5 of 300 rows (floor %g%%)", m ? m->thr_abs : NAN);
	if (!ret) {
		run_summary_release(&s);
		metric_set_release(&ms);
	}
}

/*
 * The stat-probe rows (probe.tsv) are one more drift check, "stat-lag",
 * read from real 6.1 guest runs: vanilla lags, flush-on-read does not.
 */
static void test_stat_lag(void)
{
	struct run_summary s;
	struct metric_set ms;
	const struct metric *m;
	char err[512] = "";
	int ret;

	ret = metrics_extract(FIXTURES "/results/probe-vanilla", &s, &ms, err, sizeof(err));
	m = ret ? NULL : metric_set_find(&ms, "drift:stat-lag:mean");
	tap_ok(m && near(m->value, 65536.0 * 65 / 79, 1e-6) && m->better == MB_LOWER,
	       "vanilla stat-lag mean: 65 of 79 probes lag 65536 bytes (got %g; %s)",
	       m ? m->value : NAN, ret ? err : "ok");
	m = ret ? NULL : metric_set_find(&ms, "drift:stat-lag:mean");
	tap_ok(m && m->thr_abs == 4 * 4096, "stat-lag needs a 4-page change for a verdict (got %g)",
	       m ? m->thr_abs : NAN);
	if (!ret) {
		run_summary_release(&s);
		metric_set_release(&ms);
	}
	ret = metrics_extract(FIXTURES "/results/probe-memcg-flush-on-read", &s, &ms, err,
			      sizeof(err));
	m = ret ? NULL : metric_set_find(&ms, "drift:stat-lag:max");
	tap_ok(m && m->value == 0, "memcg-flush-on-read stat-lag max 0 bytes (got %g; %s)",
	       m ? m->value : NAN, ret ? err : "ok");
	if (!ret) {
		run_summary_release(&s);
		metric_set_release(&ms);
	}
}

/*
 * metric_format on values that have no exponent to shorten (issue 15, item 1): an inf
 * in workloads.tsv crashed compare and dashboard in the "1.2e13" branch.
 */
static void test_format_nonfinite(void)
{
	char b[32];

	tap_ok(!strcmp(metric_format(b, sizeof(b), MU_S, INFINITY, true), "+inf"),
	       "+inf seconds as a delta (got '%s')", b);
	tap_ok(!strcmp(metric_format(b, sizeof(b), MU_COUNT, -INFINITY, false), "-inf"),
	       "-inf count (got '%s')", b);
	tap_ok(!strcmp(metric_format(b, sizeof(b), MU_PCT, INFINITY, false), "inf"),
	       "inf percent, no sign asked (got '%s')", b);
	tap_ok(!strcmp(metric_format(b, sizeof(b), MU_US, 1.25e13, false), "1.2e13"),
	       "a large finite value still shortens its exponent (got '%s')", b);
}

/*
 * Method: metrics_extract() on run A-1 of the golden A/B (a 6.1 guest run of
 * idle,kmem-churn: kmem-churn ended by itself at t_ms 2896, the idle
 * siblings were stopped at 5694), values read off its drift.tsv by hand.
 * Pass: the root-vs-vmstat rows up to 2896 ms are "during" (max per list),
 * the two after it "after"; neither is judged (MB_NONE).
 */
static void test_root_phases(void)
{
	struct run_summary s;
	struct metric_set ms;
	const struct metric *m, *a;
	char err[512] = "";
	int ret;

	ret = metrics_extract(FIXTURES "/golden/ab/ab-vanilla-vs-noop/A-1", &s, &ms, err,
			      sizeof(err));
	m = ret ? NULL : metric_set_find(&ms, "root-during:inactive_anon:max");
	a = ret ? NULL : metric_set_find(&ms, "root-after:inactive_anon:max");
	tap_ok(m && m->value == 2121728 && a && a->value == 61440 && m->better == MB_NONE,
	       "root inactive_anon: 2121728 during the workloads, 61440 after (got %g, %g; %s)",
	       m ? m->value : NAN, a ? a->value : NAN, ret ? err : "ok");
	m = ret ? NULL : metric_set_find(&ms, "root-during:active_anon:max");
	a = ret ? NULL : metric_set_find(&ms, "root-after:active_anon:max");
	tap_ok(m && m->value == 172032 && a && a->value == 0,
	       "root active_anon: 172032 during (the row at 1882 ms), 0 after (got %g, %g)",
	       m ? m->value : NAN, a ? a->value : NAN);
	if (!ret) {
		run_summary_release(&s);
		metric_set_release(&ms);
	}
}

#define VM1 FIXTURES "/results/vm-insn-vanilla-1"
#define VM2 FIXTURES "/results/vm-insn-vanilla-2"

/*
 * Method: metrics_extract() on fixture run vm-insn-vanilla-1 (a vm run of
 * the vanilla 6.1 smoke kernel under TCG with the instruction-count plugin,
 * idle and kmem-churn for 5 s). Numbers hard-coded from its files: the sum
 * of insn.tsv's "window" rows, insn-symbols.tsv's first row, and the
 * insn-reads.tsv rows of the reads readlat.tsv puts at levels 0 and 1
 * (level 1: 68489 64996 64543 39834 39834, the first ones during the churn).
 * Pass: both instruction sources are there; the window's kernel and user
 * instructions, clear_page_erms's count (a symbol other runs may lack
 * counts 0 there) and the median read cost per level are exact.
 */
static void test_insn_sources(void)
{
	struct run_summary s;
	struct metric_set ms;
	const struct metric *m;
	char err[512] = "";
	int ret;

	ret = metrics_extract(VM1, &s, &ms, err, sizeof(err));
	tap_ok(!ret && metric_set_has_group(&ms, "instructions") &&
	       metric_set_has_group(&ms, "insn-symbols"),
	       "vm-insn-vanilla-1 has the instructions and insn-symbols sources (%s)",
	       ret ? err : "ok");
	m = metric_set_find(&ms, "insn:kernel");
	tap_ok(m && m->value == 473739536 && m->unit == MU_COUNT && m->better == MB_LOWER &&
	       m->trend, "window kernel instructions 179956339 + 293783197 = 473739536 (got %.0f)",
	       m ? m->value : NAN);
	m = metric_set_find(&ms, "insn:user");
	tap_ok(m && m->value == 53955239, "window user instructions 11608276 + 42346963 (got %.0f)",
	       m ? m->value : NAN);
	m = metric_set_find(&ms, "insn:sym:clear_page_erms");
	tap_ok(m && m->value == 74685600 && m->absent_zero && !strcmp(m->group, "insn-symbols"),
	       "top symbol clear_page_erms: 74685600 instructions, 0 where absent (got %.0f)",
	       m ? m->value : NAN);
	m = metric_set_find(&ms, "insn:read:1:p50");
	tap_ok(m && m->value == 64543 && metric_set_find(&ms, "insn:read:0:p50") &&
	       metric_set_find(&ms, "insn:read:0:p50")->value == 40245,
	       "memory.stat read cost p50: level 1 64543, level 0 40245 kernel instructions");
	run_summary_release(&s);
	metric_set_release(&ms);
}

static void edit_insn_off(struct meta *m)
{
	free(m->insn_counts);
	m->insn_counts = xstrdup("off: plugin 'build/pb-insn.so' not found");
}

static void edit_insn_incomplete(struct meta *m)
{
	free(m->insn_counts);
	m->insn_counts = xstrdup("incomplete: the window is open (the guest ended inside it, "
				 "or never opened it)");
}

/*
 * Method: A = vm-insn-vanilla-1 and -2 (with counts), B = copies of the same
 * two runs without the instruction tables (insn_counts "off", as a run
 * without the plugin), 2 runs per side so the other metrics get verdicts.
 * Pass: compared; every instructions and insn-symbols row has A's 2 values,
 * none of B, no verdict and is "A only"; every other row has both sides;
 * the note, once, counts exactly those rows and names the groups; the
 * other rows still get verdicts, and none of them is a regression (the
 * same runs on both sides).
 */
static void test_insn_one_side(void)
{
	char *a = xasprintf("%s/insn-a", tmpdir), *b = xasprintf("%s/insn-b", tmpdir), *p;
	char err[512] = "", *note;
	struct comparison c;
	size_t i, insn = 0, bad = 0;
	int ret;

	p = xasprintf("%s/1", a);
	copy_run(VM1, p, NULL);
	copy_files(VM1, p, insn_files);
	free(p);
	p = xasprintf("%s/2", a);
	copy_run(VM2, p, NULL);
	copy_files(VM2, p, insn_files);
	free(p);
	p = xasprintf("%s/1", b);
	copy_run(VM1, p, edit_insn_off);
	free(p);
	p = xasprintf("%s/2", b);
	copy_run(VM2, p, edit_insn_off);
	free(p);
	ret = fixture_compare(&c, a, b, false, err, sizeof(err));
	for (i = 0; !ret && i < c.nrows; i++) {
		const struct cmp_row *r = &c.rows[i];
		bool is_insn = !strcmp(r->m.group, "instructions") ||
			       !strcmp(r->m.group, "insn-symbols");

		insn += is_insn;
		const char *side = compare_row_one_side(r);

		if (is_insn ? r->a.n != 2 || r->b.n || r->verdict != VERDICT_NONE || !side ||
			      strcmp(side, "A only") : !r->a.n || !r->b.n || side)
			bad++;
	}
	tap_ok(!ret && insn > 10 && !bad,
	       "instruction rows only on A: no verdict, 'A only'; the others on both (%zu rows, "
	       "%zu wrong; %s)", insn, bad, ret ? err : "ok");
	note = ret ? NULL : compare_one_side_note(&c);
	tap_ok(note && compare_one_sided(&c) == insn && strstr(note, "only A (") &&
	       strstr(note, "instructions (") && strstr(note, "insn-symbols (") &&
	       strstr(note, "no verdict"), "one note: %s", note ? note : "(none)");
	free(note);
	tap_ok(!ret && c.nsame > 0 && c.nreg == 0 && c.nimp == 0,
	       "the metrics both sides have are judged: %zu no change, 0 regressions", c.nsame);
	comparison_release(&c);
	free(a);
	free(b);
}

/*
 * Method: B = a copy of vm-insn-vanilla-2 with its instruction tables and
 * meta.json's insn_counts edited to what a guest killed inside the window
 * leaves ("incomplete: ..."), compared with vm-insn-vanilla-1, with and
 * without force.
 * Pass: refused (-EINVAL) with one difference naming B's run and the
 * incomplete counts; with force, that run is dropped and there is no
 * usable run on side B (still an error, not a comparison without counts).
 */
static void test_insn_incomplete(void)
{
	char *b = xasprintf("%s/incomplete", tmpdir), err[512] = "";
	struct comparison c;
	int ret;

	copy_run(VM2, b, edit_insn_incomplete);
	copy_files(VM2, b, insn_files);
	ret = fixture_compare(&c, VM1, b, false, err, sizeof(err));
	tap_ok(ret == -EINVAL && c.ndiffs == 1 &&
	       has_diff(&c, "B:incomplete: no usable result: ") &&
	       has_diff(&c, "instruction counts incomplete: the window is open"),
	       "an incomplete instruction window is refused, naming the run (%s)",
	       c.ndiffs ? c.diffs[0] : err);
	comparison_release(&c);
	ret = fixture_compare(&c, VM1, b, true, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "no usable run on side B"),
	       "with --force too: the run is not used (%s)", err);
	comparison_release(&c);
	free(b);
}

/*
 * page-fault under TCG: kernel instructions per page touched, from
 * insn-work.tsv's total row (fixture pf-insn: 782500741 over 104960 pages);
 * a run whose work was still open at the end has no per-op number.
 */
static void test_insn_page_fault(void)
{
	static const char open_work[] = "vcpu\tkernel_insns\tuser_insns\tops\topen\tunmatched\tirq_insns\n"
					"0\t900\t4\t3\t1\t0\t0\ntotal\t900\t4\t3\t1\t0\t0\n";
	char *dir = xasprintf("%s/pf-open", tmpdir), *p = xasprintf("%s/insn-work.tsv", dir);
	struct run_summary s;
	struct metric_set ms;
	const struct metric *k, *u;
	char err[512] = "";
	int ret;

	ret = metrics_extract(FIXTURES "/results/pf-insn", &s, &ms, err, sizeof(err));
	k = ret ? NULL : metric_set_find(&ms, "insn:page-fault:kernel_per_op");
	u = ret ? NULL : metric_set_find(&ms, "insn:page-fault:user_per_op");
	tap_ok(k && near(k->value, 782500741.0 / 104960, 0.01) && k->better == MB_LOWER &&
	       k->thr_rel == 0.02 && !strcmp(k->group, "instructions") && u &&
	       u->better == MB_NONE,
	       "page-fault: 7455.23 kernel insns per page touched, a verdict at 2%% (%g; %s)",
	       k ? k->value : NAN, ret ? err : "ok");
	if (!ret) {
		run_summary_release(&s);
		metric_set_release(&ms);
	}
	/* the same run with a part still open when counting stopped */
	copy_run(FIXTURES "/results/pf-insn", dir, NULL);
	copy_files(FIXTURES "/results/pf-insn", dir, insn_files);
	ret = write_atomic(p, open_work, strlen(open_work));
	if (!ret)
		ret = metrics_extract(dir, &s, &ms, err, sizeof(err));
	tap_ok(!ret && !metric_set_find(&ms, "insn:page-fault:kernel_per_op") &&
	       metric_set_find(&ms, "insn:kernel"),
	       "work open at the end: no per-op number, the window's counts stay (%s)",
	       ret ? err : "ok");
	if (!ret) {
		run_summary_release(&s);
		metric_set_release(&ms);
	}
	free(p);
	free(dir);
}

/*
 * Guest instruction counts at equal n below the bootstrap's: the pooled
 * (Student) t interval; unequal n, another group or --ci welch: Welch's.
 * bench insn's control at 2 a side (values of its pools, 1 vCPU).
 */
static void test_student_exact(void)
{
	static const double a[] = { 2.815e8, 2.843e8 }, b[] = { 2.905e8, 2.906e8 };
	struct cmp_row r;
	size_t i;

	memset(&r, 0, sizeof(r));
	r.m.group = "instructions";
	r.m.better = MB_LOWER;
	r.m.thr_rel = 0.02;
	r.m.thr_abs = 1e6;
	for (i = 0; i < 2; i++) {
		dvec_push(&r.a, a[i]);
		dvec_push(&r.b, b[i]);
	}
	compare_row_compute(&r, CI_CHOICE_AUTO);
	tap_ok(r.method == CI_STUDENT && r.verdict == VERDICT_REGRESSION && r.ci_lo > 0,
	       "instructions, 2 vs 2: Student t, +%.1f%% a regression ([%.3g, %.3g])", r.delta_pct,
	       r.ci_lo, r.ci_hi);
	compare_row_compute(&r, CI_CHOICE_WELCH);
	tap_ok(r.method == CI_WELCH && r.verdict == VERDICT_NO_CHANGE,
	       "the same with --ci welch: Welch, df ~1, no change ([%.3g, %.3g])", r.ci_lo, r.ci_hi);
	r.m.group = "cpu";
	compare_row_compute(&r, CI_CHOICE_AUTO);
	tap_ok(r.method == CI_WELCH, "another group: Welch");
	r.m.group = "insn-symbols";
	dvec_push(&r.b, 2.9e8);
	compare_row_compute(&r, CI_CHOICE_AUTO);
	tap_ok(r.method == CI_WELCH, "2 vs 3: Welch");
	r.m.group = NULL;
	dvec_release(&r.a);
	dvec_release(&r.b);
}

/* What report_print_dir() prints for @dir in @fmt; the caller frees it. */
static char *report_to_string(const char *dir, enum out_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	report_print_dir(dir, fmt, f);
	fclose(f);
	return buf;
}

/*
 * Method: report of vm-insn-vanilla-1 (text and json), and of a copy of
 * vm-insn-vanilla-2 whose meta.json says the window is incomplete.
 * Pass: the text has the section labelled "guest instructions (TCG
 * plugin)", the note that instructions are not cycles exactly once, the
 * window totals and the level-1 read cost, within 72 columns; json has the
 * same kernel total; the incomplete run gets one line saying why and no
 * numbers.
 */
static void test_insn_report(void)
{
	char *t = report_to_string(VM1, FMT_TEXT), *j = report_to_string(VM1, FMT_JSON);
	char *b = xasprintf("%s/report-incomplete", tmpdir), *inc, *p;
	size_t notes = 0, wide = 0;

	for (p = t; p && (p = strstr(p, "instructions are not cycles")); p++)
		notes++;
	tap_ok(t && strstr(t, "\nGuest instructions (TCG plugin), the measured window\n") &&
	       notes == 1 && strstr(t, "  kernel 473.74M, user 53.96M\n") &&
	       strstr(t, "\n  1         64543     68349\n"),
	       "report: the instruction section, the note once (%zu), totals, read cost", notes);
	for (p = t ? strtok(t, "\n") : NULL; p; p = strtok(NULL, "\n"))
		wide += strlen(p) > 72 && !strstr(p, "config ");	/* the run's own header */
	tap_ok(t && !wide, "report text within 72 columns (%zu lines wider)", wide);
	tap_ok(j && strstr(j, "\"kernel_insns\": 473739536") &&
	       strstr(j, "\"source\": \"guest instructions (TCG plugin)\""),
	       "report json: instructions.kernel_insns 473739536");
	copy_run(VM2, b, edit_insn_incomplete);
	copy_files(VM2, b, insn_files);
	inc = report_to_string(b, FMT_TEXT);
	tap_ok(inc && strstr(inc, "  not usable: incomplete: the window is open") &&
	       !strstr(inc, "  kernel 468"), "an incomplete window: one line why, no numbers");
	free(inc);
	free(b);
	free(t);
	free(j);
}

/*
 * Method: compare vm-insn-vanilla-1 with vm-insn-memcg-stat-cost (the
 * positive-control series: memcg_stat_extra_cost() on every memcg stat
 * update), one run a side, every symbol kept. Numbers from the fixtures.
 * Pass: the control's added symbol is a row from 0 (vanilla lacks it and
 * counts 0) to its 33737548 instructions; kernel instructions of the window
 * 473739536 -> 510916158.
 */
static void test_insn_control(void)
{
	struct compare_opts o = { .noise = NULL, .force = false, .ci = CI_CHOICE_AUTO,
				  .perf_top = 100000 };
	const char *ctl = FIXTURES "/results/vm-insn-memcg-stat-cost";
	char err[512] = "";
	struct comparison c;
	size_t i;
	const struct cmp_row *sym = NULL, *kern = NULL;
	int ret = compare_dirs(&c, VM1, ctl, &o, err, sizeof(err));

	for (i = 0; !ret && i < c.nrows; i++) {
		if (!strcmp(c.rows[i].m.key, "insn:sym:memcg_stat_extra_cost"))
			sym = &c.rows[i];
		if (!strcmp(c.rows[i].m.key, "insn:kernel"))
			kern = &c.rows[i];
	}
	tap_ok(sym && sym->a.n == 1 && sym->a.v[0] == 0 && sym->b.n == 1 &&
	       sym->b.v[0] == 33737548 && !compare_row_one_side(sym),
	       "memcg_stat_extra_cost: 0 on vanilla, 33737548 on the control (%s)",
	       ret ? err : "ok");
	tap_ok(kern && kern->a_mean == 473739536 && kern->b_mean == 510916158,
	       "kernel instructions 473739536 -> 510916158 (+7.8%%)");
	comparison_release(&c);
}
/* @dir's report in @fmt by report_print_dir() (@split false) or report_print() */
static void report_to(struct strbuf *sb, const char *dir, enum out_format fmt, bool split)
{
	char *path = xasprintf("%s/report.out", tmpdir), err[512];
	struct run_summary s;
	FILE *f = fopen(path, "w");

	if (!f)
		abort();
	if (!split) {
		report_print_dir(dir, fmt, f);
	} else {
		if (!run_summary_load(&s, dir, err, sizeof(err)))
			report_print(&s, dir, fmt, f, err, sizeof(err));
		run_summary_release(&s);
	}
	fclose(f);
	sb_release(sb);
	if (read_file(path, sb))
		abort();
	unlink(path);
	free(path);
}

/*
 * Method: the fixture runs host-1 (drift, read latency), perf-1 (perf,
 * rss_stat, cputotal) and probe-vanilla (probe drift) loaded once with
 * run_summary_load(), then metrics_from_summary() and report_print() in text
 * and json, as fuzz-metrics does; against metrics_extract() and
 * report_print_dir(), which load the directory themselves.
 * Pass: the same metrics (key, value, group) in the same order, and reports
 * identical to the byte.
 */
static void test_loaded_once(void)
{
	static const char *const runs[] = { "host-1", "perf-1", "probe-vanilla" };
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	size_t r, i, same_reports = 0, same_sets = 0, metrics = 0;
	char err[512] = "";

	for (r = 0; r < ARRAY_SIZE(runs); r++) {
		char *dir = xasprintf("%s/results/%s", FIXTURES, runs[r]);
		struct run_summary s1, s2;
		struct metric_set m1, m2;
		int ret1, ret2 = -1;

		ret1 = metrics_extract(dir, &s1, &m1, err, sizeof(err));
		if (!run_summary_load(&s2, dir, err, sizeof(err)))
			ret2 = metrics_from_summary(&s2, dir, &m2, err, sizeof(err));
		else
			metric_set_init(&m2);
		if (!ret1 && !ret2 && m1.n == m2.n && m1.n && m1.ngroups == m2.ngroups) {
			for (i = 0; i < m1.n; i++)
				if (strcmp(m1.m[i].key, m2.m[i].key) ||
				    strcmp(m1.m[i].group, m2.m[i].group) ||
				    m1.m[i].value != m2.m[i].value)
					break;
			same_sets += i == m1.n;
			metrics += m1.n;
		}
		metric_set_release(&m1);
		metric_set_release(&m2);
		run_summary_release(&s1);
		run_summary_release(&s2);
		report_to(&a, dir, FMT_TEXT, false);
		report_to(&b, dir, FMT_TEXT, true);
		same_reports += a.len > 100 && a.len == b.len && !memcmp(a.buf, b.buf, a.len);
		report_to(&a, dir, FMT_JSON, false);
		report_to(&b, dir, FMT_JSON, true);
		same_reports += a.len > 100 && a.len == b.len && !memcmp(a.buf, b.buf, a.len);
		free(dir);
	}
	tap_ok(same_sets == ARRAY_SIZE(runs),
	       "loaded once, metrics_from_summary = metrics_extract: %zu of 3 runs, %zu metrics",
	       same_sets, metrics);
	tap_ok(same_reports == 2 * ARRAY_SIZE(runs),
	       "loaded once, report_print = report_print_dir: %zu of 6 (text, json)",
	       same_reports);
	sb_release(&a);
	sb_release(&b);
}


int main(void)
{
	tap_plan(110);
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_bootstrap_known();
	test_welch_known();
	test_verdict();
	test_text_layout();
	test_json_round_trip();
	test_dispatch();
	test_mismatch();
	test_monitor_sources();
	test_selftest_tap();
	test_stat_lag();
	test_over_floor();
	test_insn_readcost();
	test_insn_probe();
	test_settled();
	test_root_phases();
	test_format_nonfinite();
	test_insn_sources();
	test_paired_known();
	test_pair_runs();
	test_paired_dir();
	test_insn_one_side();
	test_insn_incomplete();
	test_insn_report();
	test_insn_control();
	test_insn_page_fault();
	test_student_exact();
	test_loaded_once();
	remove_tree(tmpdir);
	return tap_done();
}
