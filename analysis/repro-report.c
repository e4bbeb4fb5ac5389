// SPDX-License-Identifier: GPL-2.0
/*
 * repro-report.c - the reports of "patchbench reproduce": REPORT.txt,
 * REPORT.md (the same text, its headings marked and its tables fenced) and
 * report.html (REPORT.txt with the read-cost plot), from what repro.c
 * read of the reproduction's runs.
 *
 * Text and markdown differ in a few marks only, so one writer prints both
 * and takes the marks from a struct repro_style.
 */
#include "repro.h"
#include "afile.h"
#include "format.h"
#include "insn.h"
#include "kcache.h"
#include "perfdiff.h"
#include "perfsym.h"
#include "plot.h"
#include "util.h"
#include "wrap.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WIDTH 72
#define NK REPRO_NKERNELS

/* The marks that make the report markdown; all "" (but two) for text. */
struct repro_style {
	const char *title;	/* before the report's title */
	const char *h2;		/* before a section's heading */
	const char *h3;		/* before a comparison's heading */
	const char *list_gap;	/* between a list's title and its items */
	const char *item;	/* before a list item */
	const char *fence;	/* before and after a fixed-width table */
	const char *plot;	/* where the read-cost plot is */
};

static const struct repro_style style_text = {
	.title = "", .h2 = "", .h3 = "-- ", .list_gap = "", .item = "", .fence = "",
	.plot = "readcost.svg (report.html)",
};

static const struct repro_style style_md = {
	.title = "# ", .h2 = "## ", .h3 = "### ", .list_gap = "\n", .item = "-",
	.fence = "```\n", .plot = "![read cost](readcost.svg)",
};

static const char *const expect_text[] = {
	[REPRO_EXPECT_NO_CHANGE] = "no change",
	[REPRO_EXPECT_DRIFT_IMPROVEMENT_READ_COST] = "drift improvement with a read-latency cost",
	[REPRO_EXPECT_DRIFT_REGRESSION] = "drift regression",
};

/* What every section of the report reads. */
struct report_ctx {
	FILE *f;
	const struct repro_style *st;
	const struct repro_params *p;
	const char *out;
	const struct repro_kernel *ks;
	const struct kernel_info *ki;
};

/* @s word-wrapped to WIDTH columns, two spaces in. */
static void wrap(FILE *f, const char *s)
{
	text_wrap(f, "  ", 2, s, WIDTH);
}

static void fmt_bytes(char *buf, size_t len, double b)
{
	if (isnan(b))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.0f", b);
}

static void fmt_share(char *buf, size_t len, double v, double bound)
{
	if (isnan(v) || !(bound > 0))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f%%", 100.0 * v / bound);
}

/* The title, the options, the kernels and where the numbers come from. */
static void report_head(const struct report_ctx *x, int64_t secs)
{
	const struct repro_params *p = x->p;
	const struct kernel_info *ki = x->ki;
	FILE *f = x->f;
	size_t i;

	fprintf(f, "%spatchbench reproduce: the memcg rstat cover letter on %s\n\n", x->st->title,
		ki[0].release ? ki[0].release : "?");
	if (p->rauto)
		fprintf(f, "scale %s, --repeats auto: %d repeat(s) per kernel (2..%d), took "
			"%lldm%02llds\n", p->scale, p->rauto->rounds, p->rauto->max_repeat,
			(long long)secs / 60, (long long)secs % 60);
	else
		fprintf(f, "scale %s, %d repeat(s) per kernel, took %lldm%02llds\n", p->scale,
			p->repeats, (long long)secs / 60, (long long)secs % 60);
	if (p->rauto && p->rauto->stopped)
		text_wrap(f, "  ", 2, p->rauto->stopped, WIDTH);
	fprintf(f, "workloads %s%s\noutput %s\n", p->workloads,
		p->fixed_duration ? " (fixed duration)" : "", x->out);
	fprintf(f, "selftests: %s\n  on %s\nread cost at N = %s, %d run(s) per kernel\n",
		p->no_selftests ? "none" : p->selftests, p->selftests_kernels,
		p->no_readcost ? "-" : p->readcost_counts,
		p->no_readcost ? 0 : p->readcost_repeats);
	fprintf(f, "\nKernels (name, release, series, config sha256):\n%s", x->st->list_gap);
	for (i = 0; i < NK; i++)
		fprintf(f, "%s  %-20s %s %s %.12s\n", x->st->item, ki[i].name,
			ki[i].release ? ki[i].release : "?", ki[i].series ? ki[i].series : "none",
			ki[i].config_sha256 ? ki[i].config_sha256 : "?");
	if (x->ks[1].have_c) {
		char *origin = compare_origin(&x->ks[1].c);

		fprintf(f, "\nWhere the numbers come from:\n");
		wrap(f, origin);
		free(origin);
	}
}

/* The harness's "root ..." note of a selftests run, or NULL. */
static const char *tap_root(const struct repro_tap *ts)
{
	size_t i;

	for (i = 0; i < ts->doc.nnotes; i++)
		if (!strncmp(ts->doc.notes[i], "root ", 5))
			return ts->doc.notes[i];
	return NULL;
}

/*
 * Below table 1: the root filesystem the tests saw (once when it is the
 * same on every kernel) and every failed test with what it printed.
 */
static void tap_notes(FILE *f, const struct repro_kernel *ks, const struct kernel_info *ki)
{
	const char *root = NULL, *r;
	bool same = true, fail = false;
	char *s;
	size_t i, j;

	for (i = 0; i < NK; i++) {
		r = tap_root(&ks[i].tap);
		if (r && root && strcmp(root, r))
			same = false;
		if (r && !root)
			root = r;
		for (j = 0; j < ks[i].tap.doc.n; j++)
			fail |= ks[i].tap.doc.t[j].status == TAP_NOT_OK;
	}
	for (i = 0; root && i < NK; i++) {
		r = tap_root(&ks[i].tap);
		if (!r || (same && r != root))
			continue;
		s = same ? xasprintf("the tests' %s", r) :
			   xasprintf("%s: the tests' %s", ki[i].name, r);
		fprintf(f, "\n");
		wrap(f, s);
		free(s);
	}
	if (!fail)
		return;
	fprintf(f, "\nwhat each failed test printed before its \"not ok\":\n");
	for (i = 0; i < NK; i++)
		tap_doc_print_failures(f, &ks[i].tap.doc, ki[i].name);
}

/* Table 1's rows: every test of every kernel's TAP, in order of appearance; caller frees. */
static char **tap_rows(const struct repro_kernel *ks, size_t *nrows)
{
	char **rows = NULL;
	size_t i, j, t;

	*nrows = 0;
	for (i = 0; i < NK; i++)
		for (j = 0; j < ks[i].tap.doc.n; j++) {
			const char *row = tap_test_row(&ks[i].tap.doc.t[j]);

			for (t = 0; t < *nrows && strcmp(rows[t], row); t++)
				;
			if (t == *nrows) {
				rows = xrealloc(rows, (*nrows + 1) * sizeof(*rows));
				rows[(*nrows)++] = xstrdup(row);
			}
		}
	return rows;
}

/*
 * Disagreements: test_kmem_memcg_deletion compares a parent's
 * memory.current with the sum of its memory.stat items after its children
 * are gone, which is patchbench's after-deletion check (kmem-churn runs
 * next to the selftests for it). Without it, the nearest is
 * current-vs-stat, which also sees transients.
 */
static void table1_disagreements(FILE *f, const struct repro_kernel *ks,
				 const struct kernel_info *ki)
{
	size_t i;

	for (i = 0; i < NK; i++) {
		const char *sd = repro_tap_status(&ks[i].tap, "test_kmem_memcg_deletion");
		double s1;
		const char *check = "after-deletion";
		const char *a = repro_drift_state(ks[i].st_dir, check, &s1);
		bool pb_drift;

		if (!strcmp(a, "-")) {
			check = "current-vs-stat";
			a = repro_drift_state(ks[i].st_dir, check, &s1);
		}
		pb_drift = !strcmp(a, "OVER");
		if (!strcmp(sd, "-") || !strcmp(sd, "skip") || !strcmp(a, "-"))
			continue;
		if (!strcmp(sd, "FAIL") != pb_drift)
			fprintf(f, "DISAGREEMENT on %s:\n  test_kmem_memcg_deletion %s,\n"
				"  patchbench %s says %s\n", ki[i].name, sd, check,
				pb_drift ? "drift over the bound" : "within the bound");
	}
}

/* Table 1: the selftests of each kernel beside patchbench's drift checks in the same run. */
static void report_table1(const struct report_ctx *x)
{
	const struct repro_kernel *ks = x->ks;
	FILE *f = x->f;
	char **rows;
	size_t nrows, i, t;

	fprintf(f, "\n%sTable 1: cgroup selftests vs patchbench's drift checks\n\n", x->st->h2);
	if (x->p->no_selftests) {
		fprintf(f, "SKIP: left out (--no-selftests)\n");
		return;
	}
	fprintf(f, "selftests: one vm run per kernel (selftests/<kernel>/selftests.tap);\n"
		"after-deletion (with kmem-churn beside the tests) and current-vs-stat:\n"
		"patchbench in the same run, OVER = an error above the batching bound\n\n");
	fprintf(f, "%s%-30s", x->st->fence, "test");
	for (i = 0; i < NK; i++)
		fprintf(f, " %-9.9s", x->ki[i].name);
	fprintf(f, "\n");
	rows = tap_rows(ks, &nrows);
	for (t = 0; t < nrows; t++) {
		fprintf(f, "%-30.30s", rows[t]);
		for (i = 0; i < NK; i++)
			fprintf(f, i + 1 < NK ? " %-9s" : " %s", ks[i].tap.present ?
				repro_tap_status(&ks[i].tap, rows[t]) : "(not run)");
		fprintf(f, "\n");
	}
	for (t = 0; t < 2; t++) {
		const char *check = t ? "current-vs-stat" : "after-deletion";

		fprintf(f, "patchbench %-19s", check);
		for (i = 0; i < NK; i++) {
			double share;

			fprintf(f, i + 1 < NK ? " %-9s" : " %s",
				repro_drift_state(ks[i].st_dir, check, &share));
		}
		fprintf(f, "\n");
	}
	tap_notes(f, ks, x->ki);
	fprintf(f, "%s", x->st->fence);
	table1_disagreements(f, ks, x->ki);
	for (t = 0; t < nrows; t++)
		free(rows[t]);
	free(rows);
}

/*
 * Whether Table 2 of @c is made of guest instruction counts: every run of
 * both sides has complete counts of the TCG plugin (a vm run under TCG).
 */
static bool table2_insn(const struct comparison *c)
{
	char e[512];
	size_t k;

	for (k = 0; k < c->a.n + c->b.n; k++)
		if (insn_run_check(k < c->a.n ? c->a.runs[k] : c->b.runs[k - c->a.n], e,
				   sizeof(e)))
			return false;
	return c->a.n && c->b.n;
}

/*
 * The kernel symbols of every run of @s (a missing file is an empty list):
 * insn-symbols.tsv with @insn, else perf-symbols.tsv; caller frees.
 */
static struct perfsym_list *load_perf(const struct cmp_side *s, bool insn)
{
	struct perfsym_list *l = xcalloc(s->n + 1, sizeof(*l));
	size_t k;

	for (k = 0; k < s->n; k++) {
		char *p = xasprintf("%s/perf-symbols.tsv", s->runs[k]), e[256];

		perfsym_list_init(&l[k]);
		if (insn)
			insn_symbols_load(&l[k], s->runs[k], e, sizeof(e));
		else
			perfsym_load_tsv(&l[k], p, e, sizeof(e));
		free(p);
	}
	return l;
}

static void free_perf(struct perfsym_list *l, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		perfsym_list_release(&l[k]);
	free(l);
}

/*
 * Table 2's top-10 kernel symbols of kernel @i against vanilla: by perf
 * share, or by share of guest instructions with @insn (whose note that
 * instructions are not cycles the table's heading has said already).
 */
static void table2_perf(FILE *f, const struct repro_kernel *k, const struct kernel_info *ki,
			size_t i, bool insn)
{
	const struct comparison *c = &k->c;
	struct perfsym_list *la = load_perf(&c->a, insn), *lb = load_perf(&c->b, insn);
	struct perfdiff_side sa = { 0 }, sb = { 0 };
	struct perfdiff d;

	sa.label = "vanilla";
	sa.dirs = c->a.runs;
	sa.n = c->a.n;
	sa.event = c->a.n && c->a.metas[0].perf_event ? c->a.metas[0].perf_event : "unknown";
	if (insn)
		sa.event = "guest instructions (TCG plugin)";
	sa.kernels = ki[0].release;
	sa.insn = sa.noted = insn;
	sb.label = ki[i].name;
	sb.dirs = c->b.runs;
	sb.n = c->b.n;
	sb.event = sa.event;
	sb.kernels = ki[i].release;
	sb.insn = sb.noted = insn;
	perfdiff_compute(la, sa.n, lb, sb.n, true, &d);
	perfdiff_print(&d, &sa, &sb, 10, true, FMT_TEXT, f);
	perfdiff_release(&d);
	free_perf(la, sa.n);
	free_perf(lb, sb.n);
}

/* Table 2's wall and system CPU seconds of kernel @k against vanilla. */
static void table2_seconds(FILE *f, const struct repro_kernel *k)
{
	size_t j;

	fprintf(f, "%-18s %8s %8s %8s  %s\n", "seconds", "vanilla", "patched", "delta",
		"95% CI, verdict");
	for (j = 0; j < k->c.nrows; j++) {
		const struct cmp_row *r = &k->c.rows[j];

		if (strcmp(r->m.group, "wall") && !(!strcmp(r->m.group, "cpu") &&
		    strstr(r->m.key, ":system")))
			continue;
		fprintf(f, "%-18.18s %8.2f %8.2f %+8.2f  ", r->m.label, r->a_mean, r->b_mean,
			r->delta);
		if (isnan(r->ci_lo))
			fprintf(f, "-, %s\n", verdict_name(r->verdict));
		else
			fprintf(f, "[%+.2f,%+.2f] %s\n", r->ci_lo, r->ci_hi,
				verdict_name(r->verdict));
	}
}

/*
 * Table 2: overhead, top kernel symbols and seconds, of each patched kernel.
 * Under TCG, where every run has the plugin's instruction counts, the
 * symbols are ranked by share of guest instructions instead of perf samples.
 */
static void report_table2(const struct report_ctx *x)
{
	const struct repro_style *st = x->st;
	FILE *f = x->f;
	bool insn[NK] = { false }, any = false;
	size_t i;

	for (i = 1; i < NK; i++) {
		insn[i] = x->ks[i].have_c && table2_insn(&x->ks[i].c);
		any |= insn[i];
	}
	fprintf(f, "\n%sTable 2: overhead, each patched kernel vs vanilla\n", st->h2);
	if (any)
		wrap(f, "Under TCG the top kernel symbols are ranked by their share of the "
		     "guest instructions the TCG plugin counted in the measured window "
		     "(exact counts, not perf samples), with the change in instructions; "
		     "instructions are not cycles: no cache misses, no stall time.");
	for (i = 1; i < NK; i++) {
		const struct repro_kernel *k = &x->ks[i];

		if (!k->have_c)
			continue;
		fprintf(f, "\n%s%s vs vanilla: %s top-10 kernel symbols (%zu+%zu runs)\n%s",
			st->h3, x->ki[i].name, insn[i] ? "insn" : "perf",
			k->c.a.n, k->c.b.n, st->fence);
		table2_perf(f, k, x->ki, i, insn[i]);
		fprintf(f, "%s\n%s", st->fence, st->fence);
		table2_seconds(f, k);
		fprintf(f, "%s", st->fence);
	}
}

/* Table 3's rows of kernel @k, during the build and (with --settle samples) after it. */
static void table3_rows(FILE *f, const struct repro_kernel *k)
{
	size_t t;
	int ph;

	for (ph = 0; ph < 2; ph++)
		for (t = 0; repro_t3_keys[t]; t++) {
			const struct repro_t3_cell *a = &k->t3a.c[t][ph], *b = &k->t3b.c[t][ph];
			char b1[32], b2[32], b3[32], b4[32], s1[16], s2[16];

			if (ph && !a->n && !b->n)
				break;
			if (!t)
				fprintf(f, "%s\n", ph ? "after the build (--settle):" :
					"during the build (the whole run without one):");
			fmt_bytes(b1, sizeof(b1), a->max);
			fmt_bytes(b2, sizeof(b2), a->p99);
			fmt_bytes(b3, sizeof(b3), b->max);
			fmt_bytes(b4, sizeof(b4), b->p99);
			fmt_share(s1, sizeof(s1), a->max, a->bound);
			fmt_share(s2, sizeof(s2), b->max, b->bound);
			fprintf(f, "%-13s %10s %10s %6s %10s %10s %6s\n", repro_t3_keys[t], b1, b2,
				s1, b3, b4, s2);
		}
}

/* Table 3: root memory.stat vs /proc/vmstat, vanilla's runs beside each kernel's. */
static void report_table3(const struct report_ctx *x)
{
	FILE *f = x->f;
	size_t i;

	fprintf(f, "\n%sTable 3: root memory.stat vs /proc/vmstat (nr_* x page size)\n\n",
		x->st->h2);
	fprintf(f, "abs error in bytes over every sample of every run; share = of the\n"
		"batching bound (64 x 4096 x CPUs x cgroups)\n");
	for (i = 1; i < NK; i++) {
		if (!x->ks[i].have_c)
			continue;
		fprintf(f, "\nvanilla: vs %s:\n%s%-13s %10s %10s %6s %10s %10s %6s\n",
			x->ki[i].name, x->st->fence, "key", "van max", "van p99", "share",
			"pat max", "pat p99", "share");
		table3_rows(f, &x->ks[i]);
		fprintf(f, "%s", x->st->fence);
	}
}

/* The stat-lag probes of every kernel, when the runs had the stat-probe workload. */
static void report_statlag(const struct report_ctx *x)
{
	FILE *f = x->f;
	size_t i;

	if (!x->ks[1].have_c || !x->ks[0].sl.n)
		return;
	fprintf(f, "\nstat-lag (workload stat-probe: a few anon pages faulted in a quiet\n"
		"cgroup, memory.stat read right before and right after; lagging = the\n"
		"change not shown in full):\n%s%-20s %8s %8s %10s\n", x->st->fence, "kernel",
		"probes", "lagging", "mean err");
	for (i = 0; i < NK; i++) {
		const struct repro_statlag *sl = &x->ks[i].sl;
		char b[32];

		if (i && !x->ks[i].have_c)
			continue;
		fmt_bytes(b, sizeof(b), sl->mean);
		fprintf(f, "%-20s %8zu %7.1f%% %10s\n", x->ki[i].name, sl->n,
			sl->n ? 100.0 * (double)sl->lag / (double)sl->n : 0.0, b);
	}
	fprintf(f, "%s", x->st->fence);
}

/* One read-cost table: the points of @method of @base, a column per kernel. */
static void readcost_table(const struct report_ctx *x, const struct repro_rc_set *base,
			   const char *method, const char *title)
{
	FILE *f = x->f;
	size_t i, j;

	fprintf(f, "\n%s%-22s", x->st->fence, title);
	fprintf(f, "\n%-8s %5s %6s %5s", "kind", "N", "dying", "state");
	for (i = 0; i < NK; i++)
		fprintf(f, " %10.10s", x->ki[i].name);
	fprintf(f, "\n");
	for (j = 0; j < base->n; j++) {
		const struct repro_rc_point *bp = &base->p[j];

		if (strcmp(bp->method, method))
			continue;
		fprintf(f, "%-8s %5d %6s %5s", bp->kind, bp->cgroups, bp->dying, bp->state);
		for (i = 0; i < NK; i++) {
			double v = repro_rc_median(repro_rc_find(&x->ks[i].rc, bp->kind,
								 bp->cgroups, bp->state,
								 bp->method));

			if (isnan(v))
				fprintf(f, " %10s", "-");
			else if (!strcmp(method, "insn"))
				fprintf(f, " %10.0f", v);
			else
				fprintf(f, " %10.1f", v);
		}
		fprintf(f, "\n");
	}
	fprintf(f, "%s", x->st->fence);
}

/* The read-cost section: one table per method, a row per (kind, N, state), the verdicts. */
static void report_readcost(const struct report_ctx *x)
{
	const struct repro_kernel *ks = x->ks;
	const struct repro_rc_set *base = NULL;
	FILE *f = x->f;
	size_t i;

	fprintf(f, "\n%sRead-cost scaling: memory.stat of a cgroup with N children\n\n",
		x->st->h2);
	if (x->p->no_readcost) {
		fprintf(f, "SKIP: left out (--no-readcost)\n");
		return;
	}
	for (i = 0; i < NK && !base; i++)
		if (ks[i].rc.present)
			base = &ks[i].rc;
	if (!base) {
		fprintf(f, "NOT MEASURED: no readcost.tsv in readcost/<kernel>/<i> "
			"(see the runs' logs)\n");
		return;
	}
	fprintf(f, "readcost/<kernel>/<i>: %zu vm run(s) per kernel (workload readcost), the\n"
		"median over the runs below.\n", base->runs);
	wrap(f, "idle: N live "
		"children of the cgroup read, each holding a few pages of tmpfs; deleted: the same "
		"children removed and kept alive (dying) by their pages. dirty: one page of every "
		"child freed right before the read, so the read finds N cgroups with pending "
		"stat updates; quiet: nothing pending. hyperfine (--warmup, --min-runs, "
		"--export-json readcost/hyperfine-*.json) times a whole pb-statread process.");
	if (base->insn) {
		wrap(f, "Under TCG the same reads are also counted: guest instructions (TCG "
		     "plugin), the kernel instructions of one in-process read between op "
		     "markers, exact and repeatable where times are emulated. Instructions are "
		     "not cycles (no cache misses, no stall time). The verdicts below judge "
		     "them.");
		readcost_table(x, base, "insn", "in-process read, p50 (guest kernel insns)");
	}
	readcost_table(x, base, "inproc", "in-process read, p50 (us)");
	readcost_table(x, base, "hyperfine", "hyperfine, pb-statread (exec + 1 read), mean (us)");
	if (base->insn)
		fprintf(f, "\nin-process dirty reads vs vanilla in kernel instructions, the runs\n"
			"as samples (Welch per point, Holm over the points, 5%% family-wise;\n"
			"a point counts when significant and the mean changed by over %.0f%%;\n"
			"2+ runs per side needed):\n", 100 * REPRO_RC_INSN_THRESHOLD);
	else
		fprintf(f, "\nin-process dirty reads vs vanilla, the runs as samples (Welch per "
			"point,\nHolm over the points, 5%% family-wise; a point counts when "
			"significant\nand the mean changed by over 25%%; 2+ runs per side "
			"needed):\n");
	for (i = 1; i < NK; i++) {
		const struct repro_rc_verdict *v = &ks[i].rcv;

		if (!ks[i].rc.present) {
			fprintf(f, "  %-20s not measured\n", x->ki[i].name);
			continue;
		}
		fprintf(f, "  %-20s %d of %d points %s, %d %s;\n"
			"  %-20s largest change %s\n",
			x->ki[i].name, v->reg, v->points, v->insn ? "higher" : "slower", v->imp,
			v->insn ? "lower" : "faster", "", v->worst);
	}
	fprintf(f, "plot: %s\n", x->st->plot);
}

/* Each patched kernel's verdict against what it must show. */
static void report_verdicts(const struct report_ctx *x)
{
	FILE *f = x->f;
	size_t i;

	fprintf(f, "\n%sVerdicts (vs vanilla: drift and readlat of the runs, read cost)\n\n%s",
		x->st->h2, x->st->fence);
	for (i = 1; i < NK; i++)
		fprintf(f, "%-20s %s\n  expected: %s\n  got:      %s\n", x->ki[i].name,
			x->ks[i].as_expected ? "OK" : "NOT AS EXPECTED",
			expect_text[repro_expected[i]],
			x->ks[i].why ? x->ks[i].why : "no comparison");
	fprintf(f, "%s", x->st->fence);
}

/* The report in style @st, *@len bytes (the caller frees them), or NULL: out of memory. */
static char *report_render(const struct repro_style *st, const struct repro_params *p,
			   const char *out, const struct repro_kernel *ks,
			   const struct kernel_info *ki, int64_t secs, size_t *len)
{
	char *buf = NULL;
	struct report_ctx x = { .st = st, .p = p, .out = out, .ks = ks, .ki = ki };

	x.f = open_memstream(&buf, len);
	if (!x.f)
		return NULL;
	report_head(&x, secs);
	report_table1(&x);
	report_table2(&x);
	report_table3(&x);
	report_statlag(&x);
	report_readcost(&x);
	report_verdicts(&x);
	fclose(x.f);
	return buf;
}

/*
 * readcost.svg in @out from readcost-plot.tsv (gnuplot,
 * analysis/plots/readcost.gp). Its path (the caller frees it), or NULL
 * with a warning.
 */
static char *plot_readcost(const char *out, const struct repro_kernel *ks,
			   const struct kernel_info *ki)
{
	struct strbuf labels = STRBUF_INIT;
	char *file = xasprintf("%s/readcost-plot.tsv", out);
	bool any = false;
	char *svg = xasprintf("%s/readcost.svg", out);
	char err[512];
	size_t i;
	int ret = -ENOENT;

	for (i = 0; i < NK; i++) {
		sb_addf(&labels, "%s%s", labels.len ? " " : "", ki[i].name);
		any |= ks[i].rc.present;
	}
	if (any) {
		const char *vars[] = { "file", file, "kernels", labels.buf, NULL };
		struct afile af;

		if (!plot_have_gnuplot()) {
			snprintf(err, sizeof(err), "gnuplot not installed");
			ret = -ENOENT;
		} else if ((ret = afile_open(&af, svg))) {
			snprintf(err, sizeof(err), "cannot create '%s.tmp': %s", svg, strerror(-ret));
		} else {
			/* gnuplot writes af.tmp by name; the commit renames it into place */
			ret = plot_run("readcost.gp", vars, af.tmp, err, sizeof(err));
			if (ret)
				afile_abort(&af);
			else if ((ret = afile_commit(&af)))
				snprintf(err, sizeof(err), "cannot write '%s': %s", svg, strerror(-ret));
		}
		if (ret)
			pr_warn("reproduce: no read-cost plot: %s", err);
	}
	free(file);
	sb_release(&labels);
	if (ret) {
		free(svg);
		return NULL;
	}
	return svg;
}

/* report.html: @text (REPORT.txt) and the read-cost plot @svg (may be NULL). */
static void report_html(struct strbuf *html, const char *text, const char *svg)
{
	struct strbuf e = STRBUF_INIT;

	sb_adds(html, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
		"<title>patchbench reproduce</title></head><body>\n<pre>\n");
	html_escape(&e, text ? text : "");
	sb_adds(html, e.buf ? e.buf : "");
	sb_release(&e);
	sb_adds(html, "</pre>\n");
	if (svg) {
		struct strbuf s = STRBUF_INIT;

		if (!plot_svg_inline(svg, "rc", &s))
			sb_addf(html, "<figure>%s<figcaption>memory.stat read cost vs N children "
				"(readcost.svg)</figcaption></figure>\n", s.buf);
		sb_release(&s);
	}
	sb_adds(html, "</body></html>\n");
}

/* What the writers of the three reports share. */
struct repro_doc {
	const struct repro_params *p;
	const char *out;
	const struct repro_kernel *ks;
	const struct kernel_info *ki;
	int64_t secs;
	const char *text;	/* REPORT.txt, rendered first: stdout and the HTML page have it */
	const char *svg;	/* the read-cost plot, or NULL */
};

static int put(FILE *f, const char *buf, size_t len)
{
	return fwrite(buf, 1, len, f) == len ? 0 : -EIO;
}

static int write_md(const void *data, FILE *f, char *err, size_t errlen)
{
	const struct repro_doc *d = data;
	size_t len;
	char *buf = report_render(&style_md, d->p, d->out, d->ks, d->ki, d->secs, &len);
	int ret = buf ? put(f, buf, len) : -ENOMEM;

	free(buf);
	return ret;
}

static int write_text(const void *data, FILE *f, char *err, size_t errlen)
{
	const struct repro_doc *d = data;

	return put(f, d->text, strlen(d->text));
}

static int write_html(const void *data, FILE *f, char *err, size_t errlen)
{
	const struct repro_doc *d = data;
	struct strbuf html = STRBUF_INIT;
	int ret;

	report_html(&html, d->text, d->svg);
	ret = put(f, html.buf, html.len);
	sb_release(&html);
	return ret;
}

/* the reproduction's formats: every one is written, each to its own file */
static const struct out_writer repro_writers[] = {
	{ FMT_MD, write_md }, { FMT_TEXT, write_text }, { FMT_HTML, write_html }, { 0 },
};

/* <@out>/<@name> in format @f, through a temp file renamed into place. 0 or -errno. */
static int write_in(const char *out, const char *name, enum out_format f,
		    const struct repro_doc *d)
{
	char *path = xasprintf("%s/%s", out, name), err[256];
	struct afile af;
	int ret = afile_open(&af, path);

	free(path);
	if (ret)
		return ret;
	ret = out_format_write(repro_writers, f, d, af.f, err, sizeof(err));
	if (ret) {
		afile_abort(&af);
		return ret;
	}
	return afile_commit(&af);
}

int repro_write_reports(const char *out, const struct repro_params *p,
			const struct repro_kernel *ks, const struct kernel_info *ki, int64_t secs,
			struct strbuf *text)
{
	struct repro_doc d = { .p = p, .out = out, .ks = ks, .ki = ki, .secs = secs };
	char *svg = p->no_readcost ? NULL : plot_readcost(out, ks, ki);
	char *buf;
	size_t len;
	int ret;

	buf = report_render(&style_text, p, out, ks, ki, secs, &len);
	if (!buf) {
		free(svg);
		return -ENOMEM;
	}
	sb_add(text, buf, len);
	free(buf);
	d.text = text->buf;
	d.svg = svg;
	ret = write_in(out, "REPORT.md", FMT_MD, &d);
	if (!ret)
		ret = write_in(out, "REPORT.txt", FMT_TEXT, &d);
	if (!ret)
		ret = write_in(out, "report.html", FMT_HTML, &d);
	free(svg);
	return ret;
}
