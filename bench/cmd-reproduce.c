// SPDX-License-Identifier: GPL-2.0
/*
 * cmd-reproduce.c - "patchbench reproduce": the rstat cover letter's three
 * tables regenerated on linux-source-6.1 with the shipped series, plus the
 * kernel's cgroup selftests as an oracle, and a check of the verdicts a
 * correct harness must reach.
 *
 * Layout of the output directory (results/reproduce-<date> by default):
 *	selftests/<kernel>/	one vm run of the selftests workload per kernel
 *	runs/<kernel>/<i>/	the repeats of the overhead workload (--perf)
 *	REPORT.txt, REPORT.md, report.html
 * A run directory that is already complete is reused, so an interrupted
 * reproduction continues where it stopped when given the same -o.
 *
 * Everything runs in this process: the builds through kbuild_run(), the
 * runs through run_main(), the analysis through compare_dirs(),
 * perfdiff_compute() and the drift rows of drift.tsv.
 */
#include "builtin.h"
#include "compare.h"
#include "kbuild.h"
#include "metrics.h"
#include "options.h"
#include "perfdiff.h"
#include "perfsym.h"
#include "plot.h"
#include "resultdir.h"
#include "run-opts.h"
#include "target.h"
#include "workload.h"
#include "stats.h"
#include "tsv.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NKERNELS 4
static const char *const kernels[NKERNELS] = {
	"vanilla", "noop", "memcg-flush-on-read", "memcg-lazy-flush",
};

/* What each patched kernel must show against vanilla. */
enum expect { EXPECT_NO_CHANGE, EXPECT_DRIFT_IMPROVEMENT_READ_COST, EXPECT_DRIFT_REGRESSION };
static const enum expect expected[NKERNELS] = {
	0, EXPECT_NO_CHANGE, EXPECT_DRIFT_IMPROVEMENT_READ_COST, EXPECT_DRIFT_REGRESSION,
};
static const char *const expect_text[] = {
	[EXPECT_NO_CHANGE] = "no change",
	[EXPECT_DRIFT_IMPROVEMENT_READ_COST] = "drift improvement with a read-latency cost",
	[EXPECT_DRIFT_REGRESSION] = "drift regression",
};

/* The kernelbuild objects of a smoke-scale overhead run (per builder). */
#define REPRO_SMOKE_TARGETS "mm/filemap.o"

static const char *const scales[] = { "smoke", "small", "full", NULL };

struct repro_opts {
	char *scale;
	char *out;
	int repeats;
	char *workloads;
	int64_t duration;
	bool no_selftests;
	bool no_readcost;
	char *readcost_counts;
	int readcost_repeats;
	char *selftests;
	char *selftests_kernels;
	char *run_args;
	char *source;
	char *cache;
	bool report_only;
};

static const struct option repro_options[] = {
	{ "scale", 's', OPT_CHOICE, offsetof(struct repro_opts, scale), "smoke", "SCALE",
	  "smoke (TCG-sized kernelbuild), small, full (the cover letter's -j16 builders)",
	  scales, 0, 0 },
	{ "out", 'o', OPT_STRING, offsetof(struct repro_opts, out), NULL, "DIR",
	  "output directory (default results/reproduce-<date>); complete runs in it are reused",
	  NULL, 0, 0 },
	{ "repeats", 'r', OPT_INT, offsetof(struct repro_opts, repeats), "2", "N",
	  "runs per kernel for tables 2 and 3 (2+ for a verdict)", NULL, 1, 100 },
	{ "workloads", 'w', OPT_STRING, offsetof(struct repro_opts, workloads), "idle,kernelbuild,stat-probe",
	  "LIST", "workloads of the overhead runs (reduced: idle,stat-probe)", NULL, 0, 0 },
	{ "duration", 'd', OPT_DURATION, offsetof(struct repro_opts, duration), NULL, "TIME",
	  "length of each overhead run (default: until the builders finish)", NULL,
	  NSEC_PER_SEC, 7 * 24 * 3600 * NSEC_PER_SEC },
	{ "no-selftests", 0, OPT_BOOL, offsetof(struct repro_opts, no_selftests), NULL, NULL,
	  "leave out table 1 (the kernel's cgroup selftests)", NULL, 0, 0 },
	{ "no-readcost", 0, OPT_BOOL, offsetof(struct repro_opts, no_readcost), NULL, NULL,
	  "leave out the read-cost scaling (memory.stat vs N idle and dying cgroups)", NULL, 0, 0 },
	{ "readcost-repeats", 0, OPT_INT, offsetof(struct repro_opts, readcost_repeats), "3", "N",
	  "read-cost runs (boots) per kernel (2+ for a verdict)", NULL, 1, 100 },
	{ "readcost-counts", 0, OPT_STRING, offsetof(struct repro_opts, readcost_counts),
	  "10,100,1000", "LIST", "numbers of child cgroups of the read-cost scaling", NULL, 0, 0 },
	{ "selftests", 0, OPT_STRING, offsetof(struct repro_opts, selftests),
	  NULL, "LIST", "cgroup selftests of table 1 (default: test_kmem at smoke scale, else\n"
	  "test_kmem,test_memcontrol)", NULL, 0, 0 },
	{ "selftests-kernels", 0, OPT_STRING, offsetof(struct repro_opts, selftests_kernels),
	  "vanilla,noop,memcg-flush-on-read,memcg-lazy-flush", "LIST",
	  "kernels table 1 runs the selftests on (they take minutes each under TCG)", NULL, 0, 0 },
	{ "run-args", 0, OPT_STRING, offsetof(struct repro_opts, run_args), NULL, "ARGS",
	  "extra 'run' options of the overhead runs, space-separated (--idle-anon=8M ...)",
	  NULL, 0, 0 },
	{ "source", 0, OPT_STRING, offsetof(struct repro_opts, source), NULL, "PATH",
	  "kernel source dir or tarball (default: Debian's linux-source-6.1)", NULL, 0, 0 },
	{ "cache", 0, OPT_STRING, offsetof(struct repro_opts, cache), NULL, "DIR",
	  "cache directory (kernels, sources)", NULL, 0, 0 },
	{ "report-only", 0, OPT_BOOL, offsetof(struct repro_opts, report_only), NULL, NULL,
	  "build and run nothing: write the report again from the runs in -o DIR "
	  "(kernels from --cache; give the options of the reproduction; 'took' is then the "
	  "time of the report)", NULL, 0, 0 },
	{ NULL },
};

/* Is @dir a complete run already? */
static bool run_complete(const char *dir)
{
	struct meta m;
	char err[256];
	bool ok;

	if (meta_load(&m, dir, err, sizeof(err)))
		return false;
	ok = m.status && !strcmp(m.status, "complete");
	meta_release(&m);
	return ok;
}

/* 0 if @list is a comma-separated list of numbers in 1..100000. */
static int counts_check(const char *list)
{
	char **v = strv_split(list ? list : "", ',');
	size_t i;
	int ret = v[0] ? 0 : -EINVAL;

	for (i = 0; v[i] && !ret; i++) {
		char *end;
		long n = strtol(v[i], &end, 10);

		if (!*v[i] || *end || n < 1 || n > 100000)
			ret = -EINVAL;
	}
	strv_free(v);
	return ret;
}

/* Replace the string *@field by a copy of @value. */
static void set_str(char **field, const char *value)
{
	free(*field);
	*field = value ? xstrdup(value) : NULL;
}

/* The extra run options of --run-args on top of @o. 0, -1 (printed) or -2 (--help). */
static int apply_run_args(struct run_opts *o, const char *run_args)
{
	char **v = strv_split(run_args, ' '), **argv;
	size_t i, n = 0;
	int ret;

	argv = xcalloc(strv_len(v) + 2, sizeof(*argv));
	argv[n++] = "run";
	for (i = 0; v[i]; i++)
		if (*v[i])
			argv[n++] = v[i];
	ret = run_opts_apply(o, (int)n, argv);
	free(argv);
	strv_free(v);
	return ret;
}

/* One "patchbench run --target vm" in this process. 0, or the run's exit code. */
static int vm_run(const struct repro_opts *ro, const char *kernel, const char *out,
		  const char *workloads, bool perf, bool use_duration)
{
	struct run_opts o;
	bool kb = wl_in_list(&wl_kernelbuild, workloads);
	int ret;

	if (run_complete(out)) {
		if (!ro->report_only)
			pr_info("reproduce: %s: complete already, reused", out);
		return 0;
	}
	if (ro->report_only)
		return 1;	/* nothing is run: the caller warns, the report says what is missing */
	run_opts_init(&o);
	set_str(&o.target, "vm");
	set_str(&o.kernel, kernel);
	set_str(&o.out, out);
	o.force = true;
	set_str(&o.workload, workloads);
	o.perf = perf;
	if (ro->source)
		set_str(&o.source, ro->source);
	if (ro->cache)
		set_str(&o.cache, ro->cache);
	set_str(&o.scale, ro->scale);
	/* table 3 also looks at the samples after the build */
	if (kb)
		o.settle = 10 * NSEC_PER_SEC;
	/* smoke under TCG: one object per builder keeps 8 runs near 2 min each */
	if (kb && !strcmp(ro->scale, "smoke") &&
	    !(ro->run_args && strstr(ro->run_args, "--kernelbuild-targets")))
		run_opts_set_wl_str(&o, &wl_kernelbuild, "targets", REPRO_SMOKE_TARGETS);
	if (use_duration && ro->duration)
		o.duration = ro->duration / NSEC_PER_MSEC * NSEC_PER_MSEC;
	if (wl_in_list(&wl_selftests, workloads))
		run_opts_set_wl_str(&o, &wl_selftests, "tests", ro->selftests);
	if (wl_in_list(&wl_readcost, workloads)) {
		run_opts_set_wl_str(&o, &wl_readcost, "counts", ro->readcost_counts);
		/* the sampler's reads of the root flush: keep them out of the dirty reads */
		o.interval = 10 * NSEC_PER_SEC;
	}
	if (wl_in_list(&wl_kmem_churn, workloads))
		*(int *)wl_param(&wl_kmem_churn, run_opts_wl(&o, &wl_kmem_churn), "children") = 20;
	if (!kb)
		o.idle = 2;
	pr_info("reproduce: run %s: %s -> %s", kernel, workloads, out);
	ret = use_duration && ro->run_args ? apply_run_args(&o, ro->run_args) : 0;
	if (ret)
		ret = ret == -2 ? 0 : 2;	/* --help among them: printed */
	else
		ret = run_main(&o);
	run_opts_release(&o);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Table 1: selftests TAP and patchbench's drift checks, per kernel */

struct tap_set {
	struct tap_doc doc;
	bool present;
};

static void tap_load(struct tap_set *ts, const char *dir)
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

static void tap_release(struct tap_set *ts)
{
	tap_doc_release(&ts->doc);
	ts->present = false;
}

static const struct tap_test *tap_get(const struct tap_set *ts, const char *row)
{
	size_t i;

	for (i = 0; i < ts->doc.n; i++)
		if (!strcmp(tap_test_row(&ts->doc.t[i]), row))
			return &ts->doc.t[i];
	return NULL;
}

static const char *tap_status(const struct tap_set *ts, const char *row)
{
	const struct tap_test *t = tap_get(ts, row);

	if (!t)
		return "-";
	return t->status == TAP_SKIP ? "skip" : t->status == TAP_OK ? "ok" : "FAIL";
}

/* patchbench's own view of one drift check in run @dir: "within"/"OVER"/"-" */
static const char *drift_state(const char *dir, const char *check, double *max_share)
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

static const char *const t3_keys[] = {
	"inactive_file", "active_file", "inactive_anon", "active_anon", NULL,
};

struct t3_cell {
	double max, p99, bound;
	size_t n;
};

/* When the last kernelbuild instance of run @dir ended (t_ms), or -1 without one. */
static double build_end_ms(const char *dir)
{
	char *path = xasprintf("%s/workloads.tsv", dir), err[256];
	struct tsv t = { 0 };
	double end = -1;
	int cw, ce;
	size_t r;

	if (!tsv_load(&t, path, err, sizeof(err))) {
		cw = tsv_col(&t, "workload");
		ce = tsv_col(&t, "end_ms");
		for (r = 0; cw >= 0 && ce >= 0 && r < t.nrows; r++)
			if (!strcmp(tsv_get(&t, r, cw), "kernelbuild") &&
			    tsv_get_num(&t, r, ce) > end)
				end = tsv_get_num(&t, r, ce);
		tsv_release(&t);
	}
	free(path);
	return end;
}

#define T3_NKEYS 4

/* Table 3 of one side: [key][0 during, 1 after]. */
struct t3_side {
	struct t3_cell c[T3_NKEYS][2];
};

/*
 * The root-vs-vmstat errors of every key of t3_keys[] over the runs of @s,
 * during the kernel build and after it (the samples of --settle; every
 * sample of a run without a build counts as "during"), each drift.tsv
 * read once.
 */
static void t3_collect(const struct cmp_side *s, struct t3_side *out)
{
	struct dvec v[T3_NKEYS][2];
	size_t i, r, k, ph;

	memset(out, 0, sizeof(*out));
	for (k = 0; k < T3_NKEYS; k++)
		for (ph = 0; ph < 2; ph++)
			dvec_init(&v[k][ph]);
	for (i = 0; i < s->n; i++) {
		char *path = xasprintf("%s/drift.tsv", s->runs[i]), err[256];
		struct tsv t = { 0 };
		int cc, ck, ce, cb, ct;
		double end = build_end_ms(s->runs[i]);

		if (tsv_load(&t, path, err, sizeof(err))) {
			free(path);
			continue;
		}
		cc = tsv_col(&t, "check");
		ck = tsv_col(&t, "key");
		ce = tsv_col(&t, "abs_err_bytes");
		cb = tsv_col(&t, "bound_bytes");
		ct = tsv_col(&t, "t_ms");
		for (r = 0; cc >= 0 && ck >= 0 && ce >= 0 && r < t.nrows; r++) {
			const char *key = tsv_get(&t, r, ck);
			const char *colon = strrchr(key, ':');
			struct t3_cell *c;

			if (strcmp(tsv_get(&t, r, cc), "root-vs-vmstat"))
				continue;
			for (k = 0; k < T3_NKEYS; k++)
				if (!strcmp(colon ? colon + 1 : key, t3_keys[k]))
					break;
			if (k == T3_NKEYS)
				continue;
			ph = end >= 0 && ct >= 0 && tsv_get_num(&t, r, ct) > end;
			c = &out->c[k][ph];
			dvec_push(&v[k][ph], tsv_get_num(&t, r, ce));
			if (cb >= 0 && tsv_get_num(&t, r, cb) > c->bound)
				c->bound = tsv_get_num(&t, r, cb);
		}
		tsv_release(&t);
		free(path);
	}
	for (k = 0; k < T3_NKEYS; k++)
		for (ph = 0; ph < 2; ph++) {
			struct t3_cell *c = &out->c[k][ph];

			c->n = v[k][ph].n;
			c->max = c->n ? stats_max(v[k][ph].v, c->n) : NAN;
			c->p99 = c->n ? stats_percentile(v[k][ph].v, c->n, 99) : NAN;
			dvec_release(&v[k][ph]);
		}
}

/* ------------------------------------------------------------------ */
/* Read-cost scaling: readcost.tsv of the readcost runs of each kernel */

/* One point (kind, N, state, method) with one value per run (boot). */
struct rc_point {
	char *kind, *state, *method, *dying;
	int cgroups;
	struct dvec v;		/* us: p50 (inproc) or mean (hyperfine) of each run */
};

struct rc_set {
	struct rc_point *p;
	size_t n;
	size_t runs;		/* runs with a readcost.tsv */
	bool present;
};

static const struct rc_point *rc_find(const struct rc_set *rs, const char *kind, int cgroups,
				      const char *state, const char *method)
{
	size_t i;

	for (i = 0; rs && i < rs->n; i++)
		if (rs->p[i].cgroups == cgroups && !strcmp(rs->p[i].kind, kind) &&
		    !strcmp(rs->p[i].state, state) && !strcmp(rs->p[i].method, method))
			return &rs->p[i];
	return NULL;
}

/* The point of @rs, added empty when it is not there yet. */
static struct rc_point *rc_get(struct rc_set *rs, const char *kind, int cgroups,
			       const char *state, const char *method)
{
	const struct rc_point *found = rc_find(rs, kind, cgroups, state, method);
	struct rc_point *p;

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

/* Add the points of one run's readcost.tsv in @dir (nothing if it has none). */
static void rc_load(struct rc_set *rs, const char *dir)
{
	char *path = xasprintf("%s/readcost.tsv", dir), err[256];
	struct tsv t = { 0 };
	int ck, cn, cd, cs, cm, cp, cmean;
	size_t r;

	if (tsv_load(&t, path, err, sizeof(err))) {
		free(path);
		return;
	}
	ck = tsv_col(&t, "kind");
	cn = tsv_col(&t, "cgroups");
	cd = tsv_col(&t, "dying");
	cs = tsv_col(&t, "state");
	cm = tsv_col(&t, "method");
	cp = tsv_col(&t, "p50_us");
	cmean = tsv_col(&t, "mean_us");
	if (ck >= 0 && cn >= 0 && cs >= 0 && cm >= 0 && cp >= 0 && cmean >= 0) {
		rs->present = true;
		rs->runs++;
		for (r = 0; r < t.nrows; r++) {
			const char *method = tsv_get(&t, r, cm);
			struct rc_point *p = rc_get(rs, tsv_get(&t, r, ck), (int)tsv_get_num(&t, r, cn),
						    tsv_get(&t, r, cs), method);
			double v = tsv_get_num(&t, r, strcmp(method, "hyperfine") ? cp : cmean);

			if (!p->dying)
				p->dying = xstrdup(cd >= 0 ? tsv_get(&t, r, cd) : "-");
			if (!isnan(v))
				dvec_push(&p->v, v);
		}
	}
	tsv_release(&t);
	free(path);
}

static void rc_release(struct rc_set *rs)
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

/* Median over the runs, NaN if none. */
static double rc_median(const struct rc_point *p)
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
 * Read cost of @b against @a (vanilla). The samples are runs (boots): per
 * in-process "dirty" point (one read right after every child cgroup had a
 * page freed) the p50 of each run. Under TCG one boot's reads can all be
 * 50% slower than another boot's of the same kernel, so the reads of one
 * run are not independent samples of the kernel. Welch's test per point,
 * Holm's correction over the points (family-wise 5%); a point counts when
 * it is significant and the mean changed by more than 25%.
 */
static void rc_verdict(const struct rc_set *a, const struct rc_set *b, int *reg, int *imp,
		       int *points, char *worst, size_t wlen)
{
	double *p = xcalloc(b->n + 1, sizeof(*p)), *rel = xcalloc(b->n + 1, sizeof(*rel));
	bool *sig = xcalloc(b->n + 1, sizeof(*sig));
	double best = 0;
	size_t i;

	*reg = *imp = *points = 0;
	snprintf(worst, wlen, "-");
	for (i = 0; i < b->n; i++) {
		const struct rc_point *pb = &b->p[i], *pa;
		double ma, mb;

		p[i] = rel[i] = NAN;
		if (strcmp(pb->state, "dirty") || strcmp(pb->method, "inproc"))
			continue;
		pa = rc_find(a, pb->kind, pb->cgroups, "dirty", "inproc");
		if (!pa || pa->v.n < 2 || pb->v.n < 2)
			continue;
		ma = stats_mean(pa->v.v, pa->v.n);
		mb = stats_mean(pb->v.v, pb->v.n);
		p[i] = stats_welch_p_summary(ma, stats_stddev(pa->v.v, pa->v.n), pa->v.n, mb,
					     stats_stddev(pb->v.v, pb->v.n), pb->v.n);
		rel[i] = (mb - ma) / ma;
		if (!isnan(p[i]))
			(*points)++;
		if (fabs(rel[i]) > best) {
			best = fabs(rel[i]);
			snprintf(worst, wlen, "%+.0f%% at %d %s (p %.2g)", 100 * rel[i],
				 pb->cgroups, pb->kind, p[i]);
		}
	}
	stats_holm(p, b->n, 0.05, sig);
	for (i = 0; i < b->n; i++) {
		if (sig[i] && rel[i] > 0.25)
			(*reg)++;
		else if (sig[i] && rel[i] < -0.25)
			(*imp)++;
	}
	free(p);
	free(rel);
	free(sig);
}

/*
 * readcost-summary.tsv: the median over the runs of every point of every
 * kernel, what the report's tables and readcost.gp show.
 */
static int rc_write_summary(const char *out, const struct rc_set *rs, const char *const *names,
			    size_t nk)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = xasprintf("%s/readcost-summary.tsv", out);
	size_t k, i;
	int ret;

	sb_adds(&sb, "kernel\tkind\tcgroups\tdying\tstate\tmethod\truns\tmedian_us\tmin_us\tmax_us\n");
	for (k = 0; k < nk; k++)
		for (i = 0; i < rs[k].n; i++) {
			const struct rc_point *p = &rs[k].p[i];

			if (!p->v.n)
				continue;
			sb_addf(&sb, "%s\t%s\t%d\t%s\t%s\t%s\t%zu\t%.1f\t%.1f\t%.1f\n", names[k],
				p->kind, p->cgroups, p->dying ? p->dying : "-", p->state, p->method,
				p->v.n, rc_median(p), stats_min(p->v.v, p->v.n),
				stats_max(p->v.v, p->v.n));
		}
	ret = write_atomic(path, sb.buf, sb.len);
	free(path);
	sb_release(&sb);
	if (ret)
		return ret;

	/* readcost-plot.tsv: one gnuplot data block per kernel and kind (readcost.gp) */
	sb_adds(&sb, "# cgroups\tinproc_dirty_p50_us\thyperfine_dirty_mean_us (medians over runs)\n");
	for (k = 0; k < nk; k++) {
		static const char *const kinds[] = { "idle", "deleted" };
		size_t j;

		for (j = 0; j < 2; j++) {
			sb_addf(&sb, "# %s %s\n", names[k], kinds[j]);
			for (i = 0; i < rs[k].n; i++) {
				const struct rc_point *p = &rs[k].p[i], *h;

				if (strcmp(p->kind, kinds[j]) || strcmp(p->state, "dirty") ||
				    strcmp(p->method, "inproc") || !p->v.n)
					continue;
				h = rc_find(&rs[k], p->kind, p->cgroups, "dirty", "hyperfine");
				sb_addf(&sb, "%d\t%.1f\t%.1f\n", p->cgroups, rc_median(p),
					h && h->v.n ? rc_median(h) : NAN);
			}
			sb_adds(&sb, "\n\n");
		}
	}
	path = xasprintf("%s/readcost-plot.tsv", out);
	ret = write_atomic(path, sb.buf, sb.len);
	free(path);
	sb_release(&sb);
	return ret;
}


/* stat-lag rows (probe.tsv) of every run of @s: probes, lagging ones, mean error. */
struct statlag {
	size_t n, lag;		/* probes, and those that did not show the change in full */
	double mean;		/* mean error, bytes */
};

static void statlag_collect(const struct cmp_side *s, struct statlag *sl)
{
	double sum = 0;
	size_t i, r;

	sl->n = sl->lag = 0;
	for (i = 0; i < s->n; i++) {
		char *path = xasprintf("%s/probe.tsv", s->runs[i]), err[256];
		struct tsv t = { 0 };
		int ce;

		if (tsv_load(&t, path, err, sizeof(err))) {
			free(path);
			continue;
		}
		ce = tsv_col(&t, "abs_err_bytes");
		for (r = 0; ce >= 0 && r < t.nrows; r++) {
			double e = tsv_get_num(&t, r, ce);

			if (isnan(e))
				continue;
			sl->n++;
			sl->lag += e > 0;
			sum += e;
		}
		tsv_release(&t);
		free(path);
	}
	sl->mean = sl->n ? sum / (double)sl->n : NAN;
}

/* ------------------------------------------------------------------ */

struct kside {
	struct comparison c;	/* vanilla (A) vs this kernel (B); unused for vanilla */
	bool have_c;
	char *runs_dir;
	char *st_dir;
	struct tap_set tap;
	struct rc_set rc;
	int rc_reg, rc_imp, rc_points;
	struct t3_side t3a, t3b;	/* table 3: vanilla's runs, this kernel's */
	struct statlag sl;	/* stat-lag of this kernel's runs (vanilla: of its own) */
	char rc_worst[64];
	/* outcome */
	bool drift_reg, drift_imp, read_reg, no_verdict;
	bool as_expected;
	char *why;
};

static void verdicts_of(struct kside *k)
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

static void check_expected(struct kside *k, enum expect e)
{
	if (k->no_verdict) {
		k->as_expected = false;
		k->why = xstrdup("no verdict: fewer than 2 runs on a side");
		return;
	}
	switch (e) {
	case EXPECT_NO_CHANGE:
		k->as_expected = !k->drift_reg && !k->drift_imp;
		break;
	case EXPECT_DRIFT_REGRESSION:
		k->as_expected = k->drift_reg;
		break;
	case EXPECT_DRIFT_IMPROVEMENT_READ_COST:
		k->as_expected = k->drift_imp && (k->read_reg || k->rc_reg > 0);
		break;
	}
	k->why = xasprintf("drift %s%s%s, read latency %s,\n            read cost %s",
			   k->drift_reg ? "regression" : "",
			   k->drift_reg && k->drift_imp ? " and " : "",
			   k->drift_imp ? "improvement" : (k->drift_reg ? "" : "no change"),
			   k->read_reg ? "regression" : "no regression",
			   !k->rc.present ? "not measured" : !k->rc_points ?
			   "untested (fewer than 2 runs per side)" : k->rc_reg ? "higher" :
			   k->rc_imp ? "lower" : "no change");
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

/*  word-wrapped to  columns, two spaces in. */
static void wrap(FILE *f, const char *s, int width)
{
	char **w = strv_split(s, ' ');
	int col = 0;
	size_t i;

	for (i = 0; w[i]; i++) {
		int len = (int)strlen(w[i]);

		if (col && col + 1 + len > width) {
			fputc('\n', f);
			col = 0;
		}
		col += fprintf(f, "%s%s", col ? " " : "  ", w[i]);
	}
	fputc('\n', f);
	strv_free(w);
}

/* The harness's "root ..." note of a selftests run, or NULL. */
static const char *tap_root(const struct tap_set *ts)
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
static void tap_notes(FILE *f, const struct kside *ks, const struct kernel_info *ki)
{
	const char *root = NULL, *r;
	bool same = true, fail = false;
	char *s;
	size_t i, j;

	for (i = 0; i < NKERNELS; i++) {
		r = tap_root(&ks[i].tap);
		if (r && root && strcmp(root, r))
			same = false;
		if (r && !root)
			root = r;
		for (j = 0; j < ks[i].tap.doc.n; j++)
			fail |= ks[i].tap.doc.t[j].status == TAP_NOT_OK;
	}
	for (i = 0; root && i < NKERNELS; i++) {
		r = tap_root(&ks[i].tap);
		if (!r || (same && r != root))
			continue;
		s = same ? xasprintf("the tests' %s", r) :
			   xasprintf("%s: the tests' %s", ki[i].name, r);
		fprintf(f, "\n");
		wrap(f, s, 72);
		free(s);
	}
	if (!fail)
		return;
	fprintf(f, "\nwhat each failed test printed before its \"not ok\":\n");
	for (i = 0; i < NKERNELS; i++)
		tap_doc_print_failures(f, &ks[i].tap.doc, ki[i].name);
}


/* The read-cost section: one table per method, a row per (kind, N, state). */
static void write_readcost(FILE *f, bool md, const char *h, struct kside *ks,
			   const struct kernel_info *ki, const struct repro_opts *ro)
{
	static const char *const methods[] = { "inproc", "hyperfine" };
	static const char *const mtitle[] = { "in-process read, p50 (us)",
					      "hyperfine, pb-statread (exec + 1 read), mean (us)" };
	const struct rc_set *base = NULL;
	size_t i, j, m;

	fprintf(f, "\n%sRead-cost scaling: memory.stat of a cgroup with N children\n\n", h);
	if (ro->no_readcost) {
		fprintf(f, "SKIP: left out (--no-readcost)\n");
		return;
	}
	for (i = 0; i < NKERNELS && !base; i++)
		if (ks[i].rc.present)
			base = &ks[i].rc;
	if (!base) {
		fprintf(f, "NOT MEASURED: no readcost.tsv in readcost/<kernel>/<i> (see the runs' logs)\n");
		return;
	}
	fprintf(f, "readcost/<kernel>/<i>: %zu vm run(s) per kernel (workload readcost), the\n"
		"median over the runs below.\n", base->runs);
	wrap(f, "idle: N live "
		"children of the cgroup read, each holding a few pages of tmpfs; deleted: the same "
		"children removed and kept alive (dying) by their pages. dirty: one page of every "
		"child freed right before the read, so the read finds N cgroups with pending "
		"stat updates; quiet: nothing pending. hyperfine (--warmup, --min-runs, "
		"--export-json readcost/hyperfine-*.json) times a whole pb-statread process.", 72);
	for (m = 0; m < 2; m++) {
		fprintf(f, "\n%s%-22s", md ? "```\n" : "", mtitle[m]);
		fprintf(f, "\n%-8s %5s %6s %5s", "kind", "N", "dying", "state");
		for (i = 0; i < NKERNELS; i++)
			fprintf(f, " %10.10s", ki[i].name);
		fprintf(f, "\n");
		for (j = 0; j < base->n; j++) {
			const struct rc_point *bp = &base->p[j];

			if (strcmp(bp->method, methods[m]))
				continue;
			fprintf(f, "%-8s %5d %6s %5s", bp->kind, bp->cgroups, bp->dying, bp->state);
			for (i = 0; i < NKERNELS; i++) {
				const struct rc_point *p = rc_find(&ks[i].rc, bp->kind, bp->cgroups,
								   bp->state, bp->method);
				double v = rc_median(p);

				if (isnan(v))
					fprintf(f, " %10s", "-");
				else
					fprintf(f, " %10.1f", v);
			}
			fprintf(f, "\n");
		}
		fprintf(f, "%s", md ? "```\n" : "");
	}
	fprintf(f, "\nin-process dirty reads vs vanilla, the runs as samples (Welch per point,\n"
		"Holm over the points, 5%% family-wise; a point counts when significant\n"
		"and the mean changed by over 25%%; 2+ runs per side needed):\n");
	for (i = 1; i < NKERNELS; i++) {
		if (!ks[i].rc.present) {
			fprintf(f, "  %-20s not measured\n", ki[i].name);
			continue;
		}
		fprintf(f, "  %-20s %d of %d points slower, %d faster;\n  %-20s largest change %s\n",
			ki[i].name, ks[i].rc_reg, ks[i].rc_points, ks[i].rc_imp, "", ks[i].rc_worst);
	}
	fprintf(f, "plot: %s\n", md ? "![read cost](readcost.svg)" : "readcost.svg (report.html)");
}

/* perf-symbols.tsv of every run of @s (a missing one is an empty list); caller frees. */
static struct perfsym_list *load_perf(const struct cmp_side *s)
{
	struct perfsym_list *l = xcalloc(s->n + 1, sizeof(*l));
	size_t k;

	for (k = 0; k < s->n; k++) {
		char *p = xasprintf("%s/perf-symbols.tsv", s->runs[k]), e[256];

		perfsym_list_init(&l[k]);
		perfsym_load_tsv(&l[k], p, e, sizeof(e));
		free(p);
	}
	return l;
}

/* The report as text (@md false) or markdown. */
static void write_report(FILE *f, bool md, const struct repro_opts *ro, const char *out,
			 struct kside *ks, const struct kernel_info *ki, int64_t secs)
{
	const char *h = md ? "## " : "";
	const char *pre = md ? "```\n" : "";
	size_t i, j, t;
	int ph;

	fprintf(f, "%spatchbench reproduce: the memcg rstat cover letter on %s\n\n",
		md ? "# " : "", ki[0].release ? ki[0].release : "?");
	fprintf(f, "scale %s, %d repeat(s) per kernel, took %lldm%02llds\nworkloads %s%s\noutput %s\n",
		ro->scale, ro->repeats, (long long)secs / 60, (long long)secs % 60, ro->workloads,
		ro->duration ? " (fixed duration)" : "", out);
	fprintf(f, "selftests: %s\n  on %s\nread cost at N = %s, %d run(s) per kernel\n",
		ro->no_selftests ? "none" : ro->selftests, ro->selftests_kernels,
		ro->no_readcost ? "-" : ro->readcost_counts, ro->no_readcost ? 0 : ro->readcost_repeats);
	fprintf(f, "%s", md ? "\nKernels (name, release, series, config sha256):\n\n" :
			      "\nKernels (name, release, series, config sha256):\n");
	for (i = 0; i < NKERNELS; i++)
		fprintf(f, "%s  %-20s %s %s %.12s\n", md ? "-" : "", ki[i].name,
			ki[i].release ? ki[i].release : "?", ki[i].series ? ki[i].series : "none",
			ki[i].config_sha256 ? ki[i].config_sha256 : "?");
	if (ks[1].have_c) {
		char *origin = compare_origin(&ks[1].c);

		fprintf(f, "\nWhere the numbers come from:\n");
		wrap(f, origin, 72);
		free(origin);
	}

	/* Table 1 */
	fprintf(f, "\n%sTable 1: cgroup selftests vs patchbench's drift checks\n\n", h);
	if (ro->no_selftests) {
		fprintf(f, "SKIP: left out (--no-selftests)\n");
	} else {
		char **rows = NULL;
		size_t nrows = 0;

		fprintf(f, "%sselftests: one vm run per kernel (selftests/<kernel>/selftests.tap);\n"
			"after-deletion (with kmem-churn beside the tests) and current-vs-stat:\n"
			"patchbench in the same run, OVER = an error above the batching bound\n\n", "");
		fprintf(f, "%s%-30s", pre, "test");
		for (i = 0; i < NKERNELS; i++)
			fprintf(f, " %-9.9s", ki[i].name);
		fprintf(f, "\n");
		for (i = 0; i < NKERNELS; i++)
			for (j = 0; j < ks[i].tap.doc.n; j++) {
				const char *row = tap_test_row(&ks[i].tap.doc.t[j]);

				for (t = 0; t < nrows && strcmp(rows[t], row); t++)
					;
				if (t == nrows) {
					rows = xrealloc(rows, (nrows + 1) * sizeof(*rows));
					rows[nrows++] = xstrdup(row);
				}
			}
		for (t = 0; t < nrows; t++) {
			fprintf(f, "%-30.30s", rows[t]);
			for (i = 0; i < NKERNELS; i++)
				fprintf(f, i + 1 < NKERNELS ? " %-9s" : " %s", ks[i].tap.present ?
					tap_status(&ks[i].tap, rows[t]) : "(not run)");
			fprintf(f, "\n");
		}
		for (t = 0; t < 2; t++) {
			const char *check = t ? "current-vs-stat" : "after-deletion";

			fprintf(f, "patchbench %-19s", check);
			for (i = 0; i < NKERNELS; i++) {
				double share;

				fprintf(f, i + 1 < NKERNELS ? " %-9s" : " %s", drift_state(ks[i].st_dir, check, &share));
			}
			fprintf(f, "\n");
		}
		tap_notes(f, ks, ki);
		fprintf(f, "%s", md ? "```\n" : "");
		/*
		 * Disagreements: test_kmem_memcg_deletion compares a parent's
		 * memory.current with the sum of its memory.stat items after its
		 * children are gone, which is patchbench's after-deletion check
		 * (kmem-churn runs next to the selftests for it). Without it, the
		 * nearest is current-vs-stat, which also sees transients.
		 */
		for (i = 0; i < NKERNELS; i++) {
			const char *sd = tap_status(&ks[i].tap, "test_kmem_memcg_deletion");
			double s1;
			const char *check = "after-deletion";
			const char *a = drift_state(ks[i].st_dir, check, &s1);
			bool pb_drift;

			if (!strcmp(a, "-")) {
				check = "current-vs-stat";
				a = drift_state(ks[i].st_dir, check, &s1);
			}
			pb_drift = !strcmp(a, "OVER");
			if (!strcmp(sd, "-") || !strcmp(sd, "skip") || !strcmp(a, "-"))
				continue;
			if (!strcmp(sd, "FAIL") != pb_drift)
				fprintf(f, "DISAGREEMENT on %s:\n  test_kmem_memcg_deletion %s,\n"
					"  patchbench %s says %s\n", ki[i].name, sd, check,
					pb_drift ? "drift over the bound" : "within the bound");
		}
		for (t = 0; t < nrows; t++)
			free(rows[t]);
		free(rows);
	}

	/* Table 2 */
	fprintf(f, "\n%sTable 2: overhead, each patched kernel vs vanilla\n", h);
	for (i = 1; i < NKERNELS; i++) {
		struct perfsym_list *la, *lb;
		struct perfdiff d;
		struct perfdiff_side sa = { 0 }, sb = { 0 };
		size_t k;

		if (!ks[i].have_c)
			continue;
		fprintf(f, "\n%s%s vs vanilla: perf top-10 kernel symbols (%zu+%zu runs)\n%s",
			md ? "### " : "-- ", ki[i].name, ks[i].c.a.n, ks[i].c.b.n, pre);
		la = load_perf(&ks[i].c.a);
		lb = load_perf(&ks[i].c.b);
		sa.label = "vanilla";
		sa.dirs = ks[i].c.a.runs;
		sa.n = ks[i].c.a.n;
		sa.event = ks[i].c.a.n && ks[i].c.a.metas[0].perf_event ?
			   ks[i].c.a.metas[0].perf_event : "unknown";
		sa.kernels = ki[0].release;
		sb.label = ki[i].name;
		sb.dirs = ks[i].c.b.runs;
		sb.n = ks[i].c.b.n;
		sb.event = sa.event;
		sb.kernels = ki[i].release;
		perfdiff_compute(la, sa.n, lb, sb.n, true, &d);
		perfdiff_print(&d, &sa, &sb, 10, true, PERFDIFF_TEXT, f);
		perfdiff_release(&d);
		for (k = 0; k < sa.n; k++)
			perfsym_list_release(&la[k]);
		for (k = 0; k < sb.n; k++)
			perfsym_list_release(&lb[k]);
		free(la);
		free(lb);
		fprintf(f, "%s\n%s%-18s %8s %8s %8s  %s\n", md ? "```\n" : "", pre, "seconds",
			"vanilla", "patched", "delta", "95% CI, verdict");
		for (k = 0; k < ks[i].c.nrows; k++) {
			const struct cmp_row *r = &ks[i].c.rows[k];

			if (strcmp(r->m.group, "wall") && !(!strcmp(r->m.group, "cpu") &&
			    strstr(r->m.key, ":system")))
				continue;
			fprintf(f, "%-18.18s %8.2f %8.2f %+8.2f  ", r->m.label, r->a_mean,
				r->b_mean, r->delta);
			if (isnan(r->ci_lo))
				fprintf(f, "-, %s\n", verdict_name(r->verdict));
			else
				fprintf(f, "[%+.2f,%+.2f] %s\n", r->ci_lo, r->ci_hi,
					verdict_name(r->verdict));
		}
		fprintf(f, "%s", md ? "```\n" : "");
	}

	/* Table 3 */
	fprintf(f, "\n%sTable 3: root memory.stat vs /proc/vmstat (nr_* x page size)\n\n", h);
	fprintf(f, "%sabs error in bytes over every sample of every run; share = of the\n"
		"batching bound (64 x 4096 x CPUs x cgroups)\n", "");
	for (i = 1; i < NKERNELS; i++) {
		if (!ks[i].have_c)
			continue;
		fprintf(f, "\n%svanilla: vs %s:\n%s%-13s %10s %10s %6s %10s %10s %6s\n",
			md ? "" : "", ki[i].name, pre, "key", "van max", "van p99", "share",
			"pat max", "pat p99", "share");
		for (ph = 0; ph < 2; ph++)
		for (t = 0; t3_keys[t]; t++) {
			struct t3_cell a, b;
			char b1[32], b2[32], b3[32], b4[32], s1[16], s2[16];

			a = ks[i].t3a.c[t][ph];
			b = ks[i].t3b.c[t][ph];
			if (ph && !a.n && !b.n)
				break;
			if (!t)
				fprintf(f, "%s\n", ph ? "after the build (--settle):" :
					"during the build (the whole run without one):");
			fmt_bytes(b1, sizeof(b1), a.max);
			fmt_bytes(b2, sizeof(b2), a.p99);
			fmt_bytes(b3, sizeof(b3), b.max);
			fmt_bytes(b4, sizeof(b4), b.p99);
			fmt_share(s1, sizeof(s1), a.max, a.bound);
			fmt_share(s2, sizeof(s2), b.max, b.bound);
			fprintf(f, "%-13s %10s %10s %6s %10s %10s %6s\n", t3_keys[t], b1, b2, s1,
				b3, b4, s2);
		}
		fprintf(f, "%s", md ? "```\n" : "");
	}

	if (ks[1].have_c && ks[0].sl.n) {
		fprintf(f, "\nstat-lag (workload stat-probe: a few anon pages faulted in a quiet\n"
			"cgroup, memory.stat read right before and right after; lagging = the\n"
			"change not shown in full):\n%s%-20s %8s %8s %10s\n", pre, "kernel",
			"probes", "lagging", "mean err");
		for (i = 0; i < NKERNELS; i++) {
			const struct statlag *sl = &ks[i].sl;
			char b[32];

			if (i && !ks[i].have_c)
				continue;
			fmt_bytes(b, sizeof(b), sl->mean);
			fprintf(f, "%-20s %8zu %7.1f%% %10s\n", ki[i].name, sl->n,
				sl->n ? 100.0 * (double)sl->lag / (double)sl->n : 0.0, b);
		}
		fprintf(f, "%s", md ? "```\n" : "");
	}

	write_readcost(f, md, h, ks, ki, ro);

	/* Verdicts */
	fprintf(f, "\n%sVerdicts (vs vanilla: drift and readlat of the runs, read cost)\n\n%s", h, pre);
	for (i = 1; i < NKERNELS; i++)
		fprintf(f, "%-20s %s\n  expected: %s\n  got:      %s\n", ki[i].name,
			ks[i].as_expected ? "OK" : "NOT AS EXPECTED", expect_text[expected[i]],
			ks[i].why ? ks[i].why : "no comparison");
	fprintf(f, "%s", md ? "```\n" : "");
}

/*
 * readcost.svg in @out from readcost-plot.tsv (gnuplot,
 * analysis/plots/readcost.gp). Its path, or NULL with a warning.
 */
static char *plot_readcost(const char *out, struct kside *ks, const struct kernel_info *ki)
{
	struct strbuf labels = STRBUF_INIT;
	char *file = xasprintf("%s/readcost-plot.tsv", out);
	bool any = false;
	char *svg = xasprintf("%s/readcost.svg", out), *tmp = xasprintf("%s.tmp", svg);
	char err[512];
	size_t i;
	int ret = -ENOENT;

	for (i = 0; i < NKERNELS; i++) {
		sb_addf(&labels, "%s%s", labels.len ? " " : "", ki[i].name);
		any |= ks[i].rc.present;
	}
	if (any) {
		const char *vars[] = { "file", file, "kernels", labels.buf, NULL };

		ret = plot_have_gnuplot() ? plot_run("readcost.gp", vars, tmp, err, sizeof(err)) :
					    (snprintf(err, sizeof(err), "gnuplot not installed"), -ENOENT);
		if (!ret && rename(tmp, svg) < 0)
			ret = -errno;
		if (ret) {
			pr_warn("reproduce: no read-cost plot: %s", err);
			unlink(tmp);
		}
	}
	free(file);
	sb_release(&labels);
	free(tmp);
	if (ret) {
		free(svg);
		return NULL;
	}
	return svg;
}

static int write_all(const char *out, const struct repro_opts *ro, struct kside *ks,
		     const struct kernel_info *ki, int64_t secs, struct strbuf *text)
{
	char *buf = NULL, *path;
	size_t len = 0;
	FILE *f;
	char *svg = ro->no_readcost ? NULL : plot_readcost(out, ks, ki);
	int ret;

	f = open_memstream(&buf, &len);
	write_report(f, true, ro, out, ks, ki, secs);
	fclose(f);
	path = xasprintf("%s/REPORT.md", out);
	ret = write_atomic(path, buf, len);
	free(path);
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	write_report(f, false, ro, out, ks, ki, secs);
	fclose(f);
	path = xasprintf("%s/REPORT.txt", out);
	ret = ret ? ret : write_atomic(path, buf, len);
	free(path);
	sb_add(text, buf, len);
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	fprintf(f, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
		"<title>patchbench reproduce</title></head><body>\n<pre>\n");
	{
		struct strbuf e = STRBUF_INIT;

		html_escape(&e, text->buf ? text->buf : "");
		fputs(e.buf ? e.buf : "", f);
		sb_release(&e);
	}
	fprintf(f, "</pre>\n");
	if (svg) {
		struct strbuf s = STRBUF_INIT;

		if (!plot_svg_inline(svg, "rc", &s))
			fprintf(f, "<figure>%s<figcaption>memory.stat read cost vs N children "
				"(readcost.svg)</figcaption></figure>\n", s.buf);
		sb_release(&s);
	}
	fprintf(f, "</body></html>\n");
	fclose(f);
	path = xasprintf("%s/report.html", out);
	ret = ret ? ret : write_atomic(path, buf, len);
	free(path);
	free(buf);
	free(svg);
	return ret;
}

int cmd_reproduce(int argc, char **argv)
{
	struct repro_opts o = { 0 };
	struct opt_cmd cmd = {
		.name = "reproduce",
		.usage = "patchbench reproduce [--scale smoke|small|full] [-o DIR] [-r N] [-w LIST]",
		.summary = "Regenerate the memcg rstat cover letter's tables: builds vanilla, noop,\n"
			   "memcg-flush-on-read and memcg-lazy-flush as needed, runs the kernel's\n"
			   "cgroup selftests and the overhead runs in the vm target, writes\n"
			   "REPORT.txt, REPORT.md and report.html, prints REPORT.txt, and exits 1\n"
			   "when a verdict is not the expected one (noop: no change; lazy-flush:\n"
			   "drift regression; flush-on-read: drift improvement, read-latency cost).",
		.opts = repro_options,
	};
	struct kernel_info ki[NKERNELS];
	struct kside ks[NKERNELS];
	struct strbuf text = STRBUF_INIT;
	char err[1024], date[32], *cache = NULL, *out = NULL;
	int64_t t0 = now_ns();
	size_t i;
	int r, code = 2, ret;
	bool all_ok = true;

	memset(ki, 0, sizeof(ki));
	memset(ks, 0, sizeof(ks));
	r = opt_parse(&cmd, &o, argc, argv);
	if (r == -2)
		return 0;
	if (r < 0)
		return 2;
	if (r < argc) {
		pr_err("unexpected argument '%s' (see 'patchbench reproduce --help')", argv[r]);
		goto out;
	}
	if (!o.workloads || !*o.workloads) {
		pr_err("--workloads is empty");
		goto out;
	}
	if (strstr(o.workloads, "selftests")) {
		pr_err("--workloads: selftests run separately (table 1); leave them out");
		goto out;
	}
	if (!o.selftests)
		o.selftests = xstrdup(strcmp(o.scale, "smoke") ? "test_kmem,test_memcontrol" :
				      "test_kmem");
	if (!o.no_readcost && counts_check(o.readcost_counts)) {
		pr_err("--readcost-counts: '%s' is not a list of numbers of cgroups (1..100000)",
		       o.readcost_counts ? o.readcost_counts : "");
		goto out;
	}
	if (!strstr(o.workloads, "kernelbuild") && !o.duration) {
		pr_err("--workloads without kernelbuild needs --duration");
		goto out;
	}
	{
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(date, sizeof(date), "%Y%m%d-%H%M%S", &tm);
	}
	cache = o.cache ? xstrdup(o.cache) : pb_cache_dir();
	out = o.out ? xstrdup(o.out) : xasprintf("results/reproduce-%s", date);
	if (o.report_only && !o.out) {
		pr_err("--report-only needs -o DIR, the directory of the reproduction");
		goto out;
	}
	if (o.report_only && !is_dir(out)) {
		pr_err("cannot open '%s': %s", out, path_exists(out) ? strerror(ENOTDIR) :
		       strerror(ENOENT));
		goto out;
	}
	ret = mkdir_p(out, 0755);
	if (ret) {
		pr_err("cannot create '%s': %s", out, strerror(-ret));
		goto out;
	}
	code = 1;

	/* The four kernels: built unless built already with the same key. */
	for (i = 0; i < NKERNELS; i++) {
		struct kbuild_opts bo;

		memset(&bo, 0, sizeof(bo));
		bo.name = kernels[i];
		bo.series = i ? kernels[i] : NULL;
		bo.cache = cache;
		bo.source = o.source;
		bo.jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
		ret = o.report_only ? kernel_load(cache, kernels[i], &ki[i], err, sizeof(err)) :
		      kbuild_run(&bo, &ki[i], err, sizeof(err));
		if (ret) {
			pr_err("reproduce: kernel %s: %s", kernels[i], err);
			code = ret == -EINVAL || ret == -ENOENT ? 2 : 1;
			goto out;
		}
	}

	/* Table 1: the selftests, once per kernel. */
	for (i = 0; i < NKERNELS && !o.no_selftests; i++) {
		char **sk = strv_split(o.selftests_kernels ? o.selftests_kernels : "", ',');
		bool want = name_index((const char *const *)sk, strv_len(sk), kernels[i]) >= 0;

		strv_free(sk);
		if (!want)
			continue;
		ks[i].st_dir = xasprintf("%s/selftests/%s", out, kernels[i]);
		ret = vm_run(&o, kernels[i], ks[i].st_dir, "idle,kmem-churn,selftests", false, false);
		if (ret == 2)
			goto out;
		if (ret)
			pr_warn("reproduce: selftests on %s: the run did not complete (see %s)",
				kernels[i], ks[i].st_dir);
		tap_load(&ks[i].tap, ks[i].st_dir);
	}

	/* Read-cost scaling: --readcost-repeats runs per kernel, interleaved. */
	for (r = 0; r < o.readcost_repeats && !o.no_readcost; r++) {
		for (i = 0; i < NKERNELS; i++) {
			char *dir = xasprintf("%s/readcost/%s/%d", out, kernels[i], r + 1);

			ret = vm_run(&o, kernels[i], dir, "readcost", false, false);
			if (ret == 2) {
				free(dir);
				goto out;
			}
			if (ret)
				pr_warn("reproduce: read cost run %d on %s did not complete (see %s)",
					r + 1, kernels[i], dir);
			rc_load(&ks[i].rc, dir);
			free(dir);
		}
	}
	if (!o.no_readcost) {
		struct rc_set sets[NKERNELS];

		for (i = 0; i < NKERNELS; i++)
			sets[i] = ks[i].rc;
		if (rc_write_summary(out, sets, kernels, NKERNELS))
			pr_warn("reproduce: cannot write %s/readcost-summary.tsv", out);
	}

	/* Tables 2 and 3: repeats, interleaved across kernels. */
	for (r = 0; r < o.repeats; r++) {
		for (i = 0; i < NKERNELS; i++) {
			char *dir = xasprintf("%s/runs/%s/%d", out, kernels[i], r + 1);

			ret = vm_run(&o, kernels[i], dir, o.workloads, true, true);
			free(dir);
			if (ret == 2)
				goto out;
			if (ret)
				pr_warn("reproduce: run %d of %s did not complete", r + 1,
					kernels[i]);
		}
	}
	for (i = 0; i < NKERNELS; i++)
		ks[i].runs_dir = xasprintf("%s/runs/%s", out, kernels[i]);
	for (i = 1; i < NKERNELS; i++) {
		struct compare_opts co = { .force = true };

		comparison_init(&ks[i].c);
		ret = compare_dirs(&ks[i].c, ks[0].runs_dir, ks[i].runs_dir, &co, err,
				   sizeof(err));
		if (ret) {
			pr_err("reproduce: compare vanilla %s: %s", kernels[i], err);
			ks[i].why = xasprintf("cannot compare: %s", err);
			all_ok = false;
			continue;
		}
		ks[i].have_c = true;
		verdicts_of(&ks[i]);
		t3_collect(&ks[i].c.a, &ks[i].t3a);
		t3_collect(&ks[i].c.b, &ks[i].t3b);
		statlag_collect(&ks[i].c.b, &ks[i].sl);
		if (i == 1)
			statlag_collect(&ks[i].c.a, &ks[0].sl);
		if (ks[0].rc.present && ks[i].rc.present)
			rc_verdict(&ks[0].rc, &ks[i].rc, &ks[i].rc_reg, &ks[i].rc_imp,
				   &ks[i].rc_points, ks[i].rc_worst, sizeof(ks[i].rc_worst));
		check_expected(&ks[i], expected[i]);
		if (!ks[i].as_expected)
			all_ok = false;
	}
	ret = write_all(out, &o, ks, ki, (now_ns() - t0) / 1000000000LL, &text);
	if (ret) {
		pr_err("cannot write the report into '%s': %s", out, strerror(-ret));
		goto out;
	}
	fputs(text.buf, stdout);
	if (all_ok) {
		printf("\nreproduce: every verdict as expected (%s)\n", out);
		code = 0;
	} else {
		printf("\nreproduce: NOT every verdict came out as expected: see 'Verdicts' in "
		       "%s/REPORT.txt\n", out);
	}
out:
	for (i = 0; i < NKERNELS; i++) {
		if (ks[i].have_c || i)
			comparison_release(&ks[i].c);
		tap_release(&ks[i].tap);
		rc_release(&ks[i].rc);
		free(ks[i].runs_dir);
		free(ks[i].st_dir);
		free(ks[i].why);
		kernel_info_release(&ki[i]);
	}
	sb_release(&text);
	free(cache);
	free(out);
	opt_release(repro_options, &o);
	return code;
}
