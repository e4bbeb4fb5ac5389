// SPDX-License-Identifier: GPL-2.0
/*
 * compare.c - resolve the two sides, load every run through metrics.c,
 * refuse mismatched inputs, and compute per metric the statistics and the
 * verdict. Printing is not here: report-{text,md,json,html}.c read the
 * result, cmp-format.c chooses among them.
 */
#include "compare.h"
#include "changed.h"
#include "json.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const ci_names[] = {
	[CI_NONE] = "none", [CI_WELCH] = "welch", [CI_BOOTSTRAP] = "bootstrap",
	[CI_PAIRED] = "paired", [CI_STUDENT] = "student",
};

const char *ci_method_name(enum ci_method m)
{
	return (size_t)m < ARRAY_SIZE(ci_names) ? ci_names[m] : "?";
}

int ci_method_parse(const char *s, enum ci_method *m)
{
	int i = name_index(ci_names, ARRAY_SIZE(ci_names), s);

	if (i < 0)
		return -EINVAL;
	*m = (enum ci_method)i;
	return 0;
}

void cmp_side_release(struct cmp_side *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->runs[i]);
		if (s->metas)
			meta_release(&s->metas[i]);
	}
	free(s->runs);
	free(s->metas);
	free(s->label);
	free(s->path);
	memset(s, 0, sizeof(*s));
}

void cmp_row_release(struct cmp_row *r)
{
	free(r->m.key);
	free(r->m.group);
	free(r->m.label);
	dvec_release(&r->a);
	dvec_release(&r->b);
	dvec_release(&r->d);
}

void comparison_init(struct comparison *c)
{
	memset(c, 0, sizeof(*c));
	c->level = COMPARE_LEVEL;
	c->iters = COMPARE_BOOT_ITERS;
	c->seed = COMPARE_SEED;
}

void comparison_release(struct comparison *c)
{
	size_t i;

	if (!c)
		return;
	cmp_side_release(&c->a);
	cmp_side_release(&c->b);
	for (i = 0; i < c->ndiffs; i++)
		free(c->diffs[i]);
	free(c->diffs);
	for (i = 0; i < c->nrows; i++)
		cmp_row_release(&c->rows[i]);
	free(c->rows);
	for (i = 0; i < c->nchanged_rows; i++)
		cmp_row_release(&c->changed[i]);
	free(c->changed);
	envdiff_release(&c->env);
	free(c->noise_src);
	comparison_init(c);
}

static bool has_file(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	bool ret = path_exists(p);

	free(p);
	return ret;
}

static void side_add_run(struct cmp_side *s, char *dir)
{
	s->runs = xrealloc(s->runs, (s->n + 1) * sizeof(*s->runs));
	s->runs[s->n++] = dir;
}

/* Strip trailing slashes into a new string. */
static char *clean_path(const char *p)
{
	size_t n = strlen(p);

	while (n > 1 && p[n - 1] == '/')
		n--;
	return xstrndup(p, n);
}

int compare_resolve_ab(const char *dir, struct cmp_side *a, struct cmp_side *b, char *err,
		       size_t errlen)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = xasprintf("%s/ab.json", dir), *d = clean_path(dir);
	struct json *j = NULL;
	const struct json *runs;
	int ret;
	size_t i;

	ret = read_file(path, &sb);
	if (ret) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(-ret));
		goto out;
	}
	j = json_parse(sb.buf, sb.len, err, errlen);
	ret = -EINVAL;
	if (!j)
		goto out;
	runs = json_get(j, "runs");
	if (j->type != JSON_OBJECT || !runs || runs->type != JSON_ARRAY) {
		snprintf(err, errlen, "'%s': not an A/B description (no \"runs\" array)", path);
		goto out;
	}
	a->label = xstrdup(json_get_str(j, "base") ? json_get_str(j, "base") : "A");
	b->label = xstrdup(json_get_str(j, "patched") ? json_get_str(j, "patched") : "B");
	a->path = xasprintf("%s:A", d);
	b->path = xasprintf("%s:B", d);
	for (i = 0; i < runs->n; i++) {
		const char *side = json_get_str(runs->items[i], "side");
		const char *rd = json_get_str(runs->items[i], "dir");

		if (!side || !rd || strchr(rd, '/') || !strcmp(rd, "..")) {
			snprintf(err, errlen, "'%s': run %zu has no valid \"side\" and \"dir\"", path,
				 i + 1);
			goto out;
		}
		if (!strcmp(side, "A"))
			side_add_run(a, xasprintf("%s/%s", d, rd));
		else if (!strcmp(side, "B"))
			side_add_run(b, xasprintf("%s/%s", d, rd));
	}
	ret = 0;
	if (!a->n || !b->n) {
		snprintf(err, errlen, "'%s' has no %s run yet", dir, a->n ? "B (patched)" : "A (base)");
		ret = -ENOENT;
	}
out:
	json_free(j);
	sb_release(&sb);
	free(path);
	free(d);
	return ret;
}

static int cmp_str(const void *pa, const void *pb)
{
	return strcmp(*(char *const *)pa, *(char *const *)pb);
}

int compare_resolve(const char *arg, struct cmp_side *s, char *err, size_t errlen)
{
	size_t len = strlen(arg);
	char *dir = NULL;
	DIR *dh;
	struct dirent *de;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	if (len > 2 && arg[len - 2] == ':' && (arg[len - 1] == 'A' || arg[len - 1] == 'B')) {
		struct cmp_side a, b;
		char *ab = xstrndup(arg, len - 2);

		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		ret = compare_resolve_ab(ab, &a, &b, err, errlen);
		free(ab);
		if (!ret) {
			*s = arg[len - 1] == 'A' ? a : b;
			cmp_side_release(arg[len - 1] == 'A' ? &b : &a);
		} else {
			cmp_side_release(&a);
			cmp_side_release(&b);
		}
		return ret;
	}
	dir = clean_path(arg);
	s->path = xstrdup(dir);
	if (!is_dir(dir)) {
		snprintf(err, errlen, "'%s' is not a directory", arg);
		ret = -ENOENT;
		goto out;
	}
	if (has_file(dir, "meta.json")) {
		side_add_run(s, dir);
		dir = NULL;
		goto out;
	}
	if (has_file(dir, "ab.json")) {
		snprintf(err, errlen,
			 "'%s' is an A/B directory: compare it alone, or one side as '%s:A'", arg,
			 dir);
		ret = -EINVAL;
		goto out;
	}
	dh = opendir(dir);
	if (!dh) {
		ret = -errno;
		snprintf(err, errlen, "cannot open '%s': %s", arg, strerror(errno));
		goto out;
	}
	while ((de = readdir(dh))) {
		char *sub;

		if (de->d_name[0] == '.')
			continue;
		sub = xasprintf("%s/%s", dir, de->d_name);
		if (is_dir(sub) && has_file(sub, "meta.json"))
			side_add_run(s, sub);
		else
			free(sub);
	}
	closedir(dh);
	if (!s->n) {
		snprintf(err, errlen, "'%s' is not a result directory (no meta.json) and holds none",
			 arg);
		ret = -ENOENT;
		goto out;
	}
	qsort(s->runs, s->n, sizeof(*s->runs), cmp_str);
out:
	free(dir);
	return ret;
}

static void add_diff(struct comparison *c, char *line)
{
	c->diffs = xrealloc(c->diffs, (c->ndiffs + 1) * sizeof(*c->diffs));
	c->diffs[c->ndiffs++] = line;
}

/* A field of meta.json as text, for comparing runs; the caller frees it. */
static char *meta_value(const struct meta *m, const char *field)
{
#define S(f) if (!strcmp(field, #f)) return xstrdup(m->f ? m->f : "null")
#define I(f) if (!strcmp(field, #f)) return xasprintf("%lld", (long long)m->f)
	S(target);
	S(perf_event);
	S(workloads);
	S(scale);
	I(depth);
	I(builders);
	I(idle);
	I(jobs);
	I(batch);
	I(interval_ns);
	S(cgroup_version);
	I(cpus);
	S(kernel_release);
	S(kernel_name);
	S(series);
	S(config_hash);
#undef S
#undef I
	return xstrdup("?");
}

/* Fields that must agree across both sides, and within a side only. */
static const char *const same_everywhere[] = {
	"target", "perf_event", "workloads", "scale", "depth", "builders", "idle", "jobs",
	"batch", "interval_ns", "cgroup_version", "cpus", NULL,
};
static const char *const same_within_side[] = {
	"kernel_release", "kernel_name", "series", "config_hash", NULL,
};

struct run_ref {
	const struct meta *m;
	char *name;		/* "A:r1" */
};

/*
 * If the values @vals of one field differ among @runs, add one line:
 * "field: 'x' (A:r1, A:r2) vs 'y' (B:r1)", values in order of first
 * appearance.
 */
static void diff_values(struct comparison *c, const char *prefix, const char *field,
			char **vals, const struct run_ref *runs, size_t n)
{
	bool *done = xcalloc(n ? n : 1, sizeof(*done));
	struct strbuf sb = STRBUF_INIT;
	size_t i, k, groups = 0;

	for (i = 0; i < n; i++) {
		bool first = true;

		if (done[i])
			continue;
		if (groups++)
			sb_adds(&sb, " vs ");
		sb_addf(&sb, "'%s' (", vals[i]);
		for (k = i; k < n; k++) {
			if (done[k] || strcmp(vals[k], vals[i]))
				continue;
			done[k] = true;
			sb_addf(&sb, "%s%s", first ? "" : ", ", runs[k].name);
			first = false;
		}
		sb_adds(&sb, ")");
	}
	if (groups > 1)
		add_diff(c, xasprintf("%s%s: %s", prefix, field, sb.buf));
	free(done);
	sb_release(&sb);
}

/* diff_values() of the meta.json field @field. */
static void diff_field(struct comparison *c, const char *prefix, const char *field,
		       const struct run_ref *runs, size_t n)
{
	char **vals = xcalloc(n ? n : 1, sizeof(*vals));
	size_t i;

	for (i = 0; i < n; i++)
		vals[i] = meta_value(runs[i].m, field);
	diff_values(c, prefix, field, vals, runs, n);
	for (i = 0; i < n; i++)
		free(vals[i]);
	free(vals);
}

/* A workload parameter of one run, and where it first appeared among all runs. */
struct param_ref {
	const char *key, *value;
	size_t first;		/* run * max params + index: order of first appearance */
};

static int param_cmp_key(const void *pa, const void *pb)
{
	const struct param_ref *a = pa, *b = pb;
	int d = strcmp(a->key, b->key);

	return d ? d : (a->first > b->first) - (a->first < b->first);
}

static int param_key_only(const void *pa, const void *pb)
{
	return strcmp(((const struct param_ref *)pa)->key, ((const struct param_ref *)pb)->key);
}

static int param_cmp_first(const void *pa, const void *pb)
{
	const struct param_ref *a = pa, *b = pb;

	return (a->first > b->first) - (a->first < b->first);
}

/*
 * Every workload parameter any run has, once, in order of first appearance:
 * sorted, not searched, so 200k parameters take a moment, not minutes.
 */
static void diff_params(struct comparison *c, const struct run_ref *runs, size_t n)
{
	struct param_ref *all = NULL, **by_run = xcalloc(n ? n : 1, sizeof(*by_run));
	size_t total = 0, i, k, u = 0, stride = 1;
	char **vals = xcalloc(n ? n : 1, sizeof(*vals));

	for (i = 0; i < n; i++)
		if (runs[i].m->nparams > stride)
			stride = runs[i].m->nparams;
	for (i = 0; i < n; i++) {
		const struct meta *m = runs[i].m;

		by_run[i] = xcalloc(m->nparams ? m->nparams : 1, sizeof(**by_run));
		all = xrealloc(all, (total + m->nparams + 1) * sizeof(*all));
		for (k = 0; k < m->nparams; k++) {
			struct param_ref p = { m->params[k].key, m->params[k].value,
					       i * stride + k };

			by_run[i][k] = p;
			all[total++] = p;
		}
		/* the first of duplicate keys wins, as in meta_param() */
		qsort(by_run[i], m->nparams, sizeof(**by_run), param_cmp_key);
	}
	qsort(all, total, sizeof(*all), param_cmp_key);
	for (i = 0; i < total; i++)
		if (!u || strcmp(all[u - 1].key, all[i].key))
			all[u++] = all[i];
	qsort(all, u, sizeof(*all), param_cmp_first);
	for (k = 0; k < u; k++) {
		for (i = 0; i < n; i++) {
			const struct param_ref *p = bsearch(&all[k], by_run[i], runs[i].m->nparams,
							    sizeof(**by_run), param_key_only);

			/* bsearch may land on any duplicate: step back to the first */
			while (p && p > by_run[i] && !strcmp(p[-1].key, p->key))
				p--;
			vals[i] = xstrdup(p ? p->value : "(unset)");
		}
		diff_values(c, "", all[k].key, vals, runs, n);
		for (i = 0; i < n; i++)
			free(vals[i]);
	}
	for (i = 0; i < n; i++)
		free(by_run[i]);
	free(by_run);
	free(vals);
	free(all);
}

size_t compare_check_inputs(struct comparison *c)
{
	size_t n = c->a.n + c->b.n, i, before = c->ndiffs;
	struct run_ref *runs = xcalloc(n ? n : 1, sizeof(*runs));
	const char *const *f;

	for (i = 0; i < n; i++) {
		const struct cmp_side *s = i < c->a.n ? &c->a : &c->b;
		size_t j = i < c->a.n ? i : i - c->a.n;

		runs[i].m = &s->metas[j];
		runs[i].name = xasprintf("%s:%s", s == &c->a ? "A" : "B", path_base(s->runs[j]));
		if (!runs[i].m->status || strcmp(runs[i].m->status, "complete"))
			add_diff(c, xasprintf("%s: status '%s', not complete", runs[i].name,
					      runs[i].m->status ? runs[i].m->status : "null"));
	}
	for (f = same_everywhere; *f; f++)
		diff_field(c, "", *f, runs, n);
	diff_params(c, runs, n);
	for (f = same_within_side; *f; f++) {
		diff_field(c, "A ", *f, runs, c->a.n);
		diff_field(c, "B ", *f, runs + c->a.n, c->b.n);
	}
	for (i = 0; i < n; i++)
		free(runs[i].name);
	free(runs);
	return c->ndiffs - before;
}

/*
 * The row of @key, made from @tmpl when new. A floor that depends on the run
 * (drift's share over the bound, in rows) is the largest of the runs'.
 */
/* The row of @tmpl's key in @rows (of *@nrows), added if new. */
static struct cmp_row *row_get(struct cmp_row **rows, size_t *nrows, const struct metric *tmpl)
{
	struct cmp_row *r;
	size_t i;

	for (i = 0; i < *nrows; i++)
		if (!strcmp((*rows)[i].m.key, tmpl->key)) {
			r = &(*rows)[i];
			if (tmpl->thr_abs > r->m.thr_abs)
				r->m.thr_abs = tmpl->thr_abs;
			return r;
		}
	*rows = xrealloc(*rows, (*nrows + 1) * sizeof(**rows));
	r = &(*rows)[(*nrows)++];
	memset(r, 0, sizeof(*r));
	r->m = *tmpl;
	r->m.key = xstrdup(tmpl->key);
	r->m.group = xstrdup(tmpl->group);
	r->m.label = xstrdup(tmpl->label);
	r->m.value = NAN;
	r->noise = NAN;
	return r;
}

static struct cmp_row *get_row(struct comparison *c, const struct metric *tmpl)
{
	return row_get(&c->rows, &c->nrows, tmpl);
}

static size_t group_index(const char *group)
{
	size_t i;

	for (i = 0; metric_sources[i]; i++)
		if (!strcmp(metric_sources[i]->name, group))
			return i;
	return i;
}

/* Stable sort of the rows by their source's place in metric_sources[]. */
static void sort_rows(struct comparison *c)
{
	size_t i, k;

	for (i = 1; i < c->nrows; i++) {
		struct cmp_row r = c->rows[i];
		size_t g = group_index(r.m.group);

		for (k = i; k > 0 && group_index(c->rows[k - 1].m.group) > g; k--)
			c->rows[k] = c->rows[k - 1];
		c->rows[k] = r;
	}
}

static double median_of(const struct dvec *d)
{
	double *v, m;

	if (!d->n)
		return NAN;
	v = xmalloc(d->n * sizeof(*v));
	memcpy(v, d->v, d->n * sizeof(*v));
	m = stats_median(v, d->n);
	free(v);
	return m;
}

void compare_row_compute(struct cmp_row *r, enum ci_choice ci)
{
	compare_row_compute_at(r, ci, COMPARE_LEVEL);
}

double compare_family_level(size_t n)
{
	return 1 - (1 - COMPARE_LEVEL) / (double)(n ? n : 1);
}

char *compare_family_desc(const struct comparison *c)
{
	if (c->family_rows < 2)
		return NULL;
	return xasprintf("read latency: family-wise %.0f%% over its %zu rows (Bonferroni, "
			 "each at %.2f%%); a change also needs the sides' ranges apart",
			 100 * COMPARE_LEVEL, c->family_rows,
			 100 * compare_family_level(c->family_rows));
}

char *compare_student_desc(const struct comparison *c)
{
	size_t i;

	for (i = 0; i < c->nrows && c->rows[i].method != CI_STUDENT; i++)
		;
	if (i == c->nrows)
		return NULL;
	return xstrdup("guest instruction counts, as many runs a side: pooled (Student) t "
		       "interval (S), df = 2n - 2");
}

bool compare_ranges_apart(const struct cmp_row *r)
{
	double amin = HUGE_VAL, amax = -HUGE_VAL, bmin = HUGE_VAL, bmax = -HUGE_VAL;
	size_t i;

	if (!r->a.n || !r->b.n || isnan(r->delta) || r->delta == 0)
		return false;
	for (i = 0; i < r->a.n; i++) {
		amin = fmin(amin, r->a.v[i]);
		amax = fmax(amax, r->a.v[i]);
	}
	for (i = 0; i < r->b.n; i++) {
		bmin = fmin(bmin, r->b.v[i]);
		bmax = fmax(bmax, r->b.v[i]);
	}
	return r->delta > 0 ? bmin > amax : bmax < amin;
}

/*
 * The rows of COMPARE_FAMILY_GROUP with values on both sides, again at the
 * family's level; a change there also needs the ranges apart. Bonferroni
 * alone left 8 of 100 A/A comparisons with a read latency "change" on one
 * pool of host runs (bench aa), nearly all from one odd run drawn into many
 * of them.
 */
static void judge_family(struct comparison *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->nrows; i++)
		n += !strcmp(c->rows[i].m.group, COMPARE_FAMILY_GROUP) && c->rows[i].a.n >= 2 &&
		     c->rows[i].b.n >= 2;
	c->family_rows = n;
	if (n < 2)
		return;
	for (i = 0; i < c->nrows; i++) {
		struct cmp_row *r = &c->rows[i];

		if (strcmp(r->m.group, COMPARE_FAMILY_GROUP))
			continue;
		compare_row_compute_at(r, c->ci, compare_family_level(n));
		if ((r->verdict == VERDICT_REGRESSION || r->verdict == VERDICT_IMPROVEMENT) &&
		    !compare_ranges_apart(r))
			r->verdict = VERDICT_NO_CHANGE;
	}
}

/*
 * Guest instruction counts (the TCG plugin's "instructions" and
 * "insn-symbols" groups): with as many runs a side, below the bootstrap's n,
 * the interval is the pooled-variance (Student) t, df = na + nb - 2, not
 * Welch's. The two sides run one emulator and one workload; their spread is
 * the guest's time-driven work (sampler rounds, ticks), not the kernel under
 * test, and with equal n the pooled t keeps its level when the variances
 * differ. At 2 runs a side Welch's df falls to ~1 whenever one side is
 * quieter (t 12.7 instead of 4.3), and bench insn's positive control
 * (+2.7-3.2% kernel instructions, A/A 0.2-1%) was called a regression in only
 * 3 of 5 comparisons. A verdict still needs |delta| over the metric's
 * threshold (2%), above every A/A spread measured.
 */
bool compare_group_exact(const char *group)
{
	return group && (!strcmp(group, "instructions") || !strcmp(group, "insn-symbols"));
}

void compare_row_compute_at(struct cmp_row *r, enum ci_choice ci, double level)
{
	size_t na = r->a.n, nb = r->b.n;
	int ret = -EINVAL;

	r->a_median = median_of(&r->a);
	r->b_median = median_of(&r->b);
	r->a_mean = na ? stats_mean(r->a.v, na) : NAN;
	r->b_mean = nb ? stats_mean(r->b.v, nb) : NAN;
	r->delta = r->b_mean - r->a_mean;
	if (r->a_mean != 0)
		r->delta_pct = 100.0 * r->delta / fabs(r->a_mean);
	else
		r->delta_pct = r->delta == 0 ? 0 : NAN;
	r->method = CI_NONE;
	r->ci_lo = r->ci_hi = NAN;
	if (r->paired && r->d.n >= 2) {
		/* the pairs' own differences: what differs between machines cancels */
		if (!stats_paired_ci(r->d.v, r->d.n, level, &r->ci_lo, &r->ci_hi))
			r->method = CI_PAIRED;
		else
			r->ci_lo = r->ci_hi = NAN;
	} else if (na >= 2 && nb >= 2) {
		bool boot = ci == CI_CHOICE_BOOTSTRAP ||
			    (ci == CI_CHOICE_AUTO && na >= COMPARE_BOOT_MIN_N &&
			     nb >= COMPARE_BOOT_MIN_N);

		bool student = !boot && ci == CI_CHOICE_AUTO && na == nb &&
			       compare_group_exact(r->m.group);

		if (boot)
			ret = stats_bootstrap_diff_ci(r->a.v, na, r->b.v, nb, COMPARE_BOOT_ITERS,
						      COMPARE_SEED, level, &r->ci_lo,
						      &r->ci_hi);
		else if (student)
			ret = stats_student_ci(r->a.v, na, r->b.v, nb, level, &r->ci_lo,
					       &r->ci_hi);
		else
			ret = stats_welch_ci(r->a.v, na, r->b.v, nb, level, &r->ci_lo,
					     &r->ci_hi, NULL);
		if (!ret)
			r->method = boot ? CI_BOOTSTRAP : student ? CI_STUDENT : CI_WELCH;
		else
			r->ci_lo = r->ci_hi = NAN;
	}
	r->threshold = verdict_threshold(r->m.thr_rel, r->m.thr_abs, r->a_mean, r->noise);
	r->verdict = verdict_decide(r->m.better, na, nb, r->delta, r->ci_lo, r->ci_hi,
				    r->threshold);
}

static double nan_low(double v)
{
	return isnan(v) ? -HUGE_VAL : v;
}

/* By the larger mean of the two sides, largest first; ties by key (a stable order). */
static int cmp_share(const void *pa, const void *pb)
{
	const struct cmp_row *a = pa, *b = pb;
	double x = fmax(nan_low(a->a_mean), nan_low(a->b_mean));
	double y = fmax(nan_low(b->a_mean), nan_low(b->b_mean));

	return x != y ? (x < y) - (x > y) : strcmp(a->m.key, b->m.key);
}

/* By A's mean (the baseline), largest first, as perf diff lists symbols. */
static int cmp_base(const void *pa, const void *pb)
{
	const struct cmp_row *a = pa, *b = pb;
	double x = nan_low(a->a_mean), y = nan_low(b->a_mean);

	return x != y ? (x < y) - (x > y) : strcmp(a->m.key, b->m.key);
}

/*
 * keep_top - of the rows of @group (contiguous after sort_rows()), keep the
 * @top with the largest share on either side, ordered by the baseline, and
 * drop the others; @total gets how many there were.
 */
static void keep_top(struct comparison *c, const char *group, size_t top, size_t *total)
{
	size_t i, first = c->nrows, n = 0;
	struct cmp_row *g;

	for (i = 0; i < c->nrows; i++) {
		if (strcmp(c->rows[i].m.group, group))
			continue;
		if (first == c->nrows)
			first = i;
		n++;
	}
	*total = n;
	if (!n)
		return;
	g = &c->rows[first];
	qsort(g, n, sizeof(*g), cmp_share);
	if (n > top) {
		for (i = top; i < n; i++)
			cmp_row_release(&g[i]);
		memmove(&g[top], &g[n], (c->nrows - first - n) * sizeof(*g));
		c->nrows -= n - top;
		n = top;
	}
	qsort(g, n, sizeof(*g), cmp_base);
}

/*
 * Load every run of @s (metas and metrics); a run that cannot be read is
 * dropped with a line in @c->diffs. @sets gets one metric set per kept run.
 */
static void load_side(struct comparison *c, struct cmp_side *s, const char *name,
		      struct metric_set **sets)
{
	size_t i, kept = 0;
	char err[512];

	s->metas = xcalloc(s->n ? s->n : 1, sizeof(*s->metas));
	*sets = xcalloc(s->n ? s->n : 1, sizeof(**sets));
	for (i = 0; i < s->n; i++) {
		struct run_summary sum;
		int ret = metrics_extract(s->runs[i], &sum, &(*sets)[kept], err, sizeof(err));

		if (ret) {
			add_diff(c, xasprintf("%s:%s: no usable result: %s", name,
					      path_base(s->runs[i]), err));
			run_summary_release(&sum);
			metric_set_release(&(*sets)[kept]);
			free(s->runs[i]);
			continue;
		}
		s->metas[kept] = sum.meta;
		meta_init(&sum.meta);
		run_summary_release(&sum);
		s->runs[kept++] = s->runs[i];
	}
	s->n = kept;
}

/* A side's label when none came from ab.json: the kernel's name, else the path. */
static void set_label(struct cmp_side *s)
{
	const struct meta *m = s->n ? &s->metas[0] : NULL;

	if (s->label)
		return;
	if (m && m->kernel_name && *m->kernel_name)
		s->label = xstrdup(m->kernel_name);
	else if (m && m->series && *m->series)
		s->label = xstrdup(m->series);
	else
		s->label = xstrdup(path_base(s->path ? s->path : "?"));
}

/* Resolve the A/A input of --noise: an A/B directory, or a directory of runs split in two. */
static int resolve_noise(const char *dir, struct cmp_side *a, struct cmp_side *b, char *err,
			 size_t errlen)
{
	struct cmp_side all;
	size_t i;
	int ret;

	if (has_file(dir, "ab.json"))
		return compare_resolve_ab(dir, a, b, err, errlen);
	ret = compare_resolve(dir, &all, err, errlen);
	if (ret)
		return ret;
	if (all.n < 2) {
		snprintf(err, errlen, "--noise '%s': an A/A needs an A/B directory or at least two runs",
			 dir);
		cmp_side_release(&all);
		return -EINVAL;
	}
	/* alternate runs, as "ab" interleaves them */
	for (i = 0; i < all.n; i++) {
		side_add_run(i % 2 ? b : a, all.runs[i]);
		all.runs[i] = NULL;
	}
	a->path = xasprintf("%s (odd runs)", all.path);
	b->path = xasprintf("%s (even runs)", all.path);
	a->label = xstrdup("A/A-1");
	b->label = xstrdup("A/A-2");
	all.n = 0;
	cmp_side_release(&all);
	return 0;
}

static int compare_sides(struct comparison *c, const struct compare_opts *o,
			 const struct comparison *noise, char *err, size_t errlen);

/* The A/A comparison of --noise, checked against the inputs of @c. */
static int load_noise(struct comparison *c, const struct compare_opts *o,
		      struct comparison *nc, char *err, size_t errlen)
{
	struct compare_opts no = { .noise = NULL, .force = o->force, .ci = o->ci,
				   .perf_top = (size_t)-1 };	/* every symbol has a floor */

	size_t i;
	int ret;

	ret = resolve_noise(o->noise, &nc->a, &nc->b, err, errlen);
	if (!ret)
		ret = compare_sides(nc, &no, NULL, err, errlen);
	if (ret == -EINVAL && nc->ndiffs && !o->force) {
		for (i = 0; i < nc->ndiffs; i++)
			add_diff(c, xasprintf("noise: %s", nc->diffs[i]));
		return 0;
	}
	return ret;
}

/* The A/A must be the same experiment as A vs B: compare A with A/A's first side. */
static void check_noise(struct comparison *c, const struct comparison *nc)
{
	struct comparison x;
	size_t i;

	if (!nc->a.n)
		return;
	comparison_init(&x);
	x.a = c->a;
	x.b = nc->a;
	compare_check_inputs(&x);
	for (i = 0; i < x.ndiffs; i++) {
		if (!strncmp(x.diffs[i], "A ", 2) || !strncmp(x.diffs[i], "B ", 2) ||
		    strstr(x.diffs[i], ": status '")) {
			free(x.diffs[i]);
			continue;	/* kernels may differ: that is the point */
		}
		add_diff(c, xasprintf("noise: %s", x.diffs[i]));
		free(x.diffs[i]);
	}
	free(x.diffs);
}

/* The noise floor of a row from the A/A row of the same key among @rows. */
static double noise_in(const struct cmp_row *rows, size_t nrows, const char *key)
{
	double n = NAN;
	size_t i;

	for (i = 0; i < nrows; i++) {
		const struct cmp_row *r = &rows[i];

		if (strcmp(r->m.key, key))
			continue;
		if (!isnan(r->delta))
			n = fabs(r->delta);
		if (!isnan(r->ci_lo) && !(fabs(r->ci_lo) <= n))
			n = fabs(r->ci_lo);
		if (!isnan(r->ci_hi) && !(fabs(r->ci_hi) <= n))
			n = fabs(r->ci_hi);
	}
	return n;
}

size_t compare_pair_runs(const struct cmp_side *a, const struct cmp_side *b, size_t *ia,
			 size_t *ib)
{
	size_t i, j, k;

	if (!a->n || a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (!a->metas[i].pair || !b->metas[i].pair)
			return 0;
	for (i = 0; i < a->n; i++) {
		const char *p = a->metas[i].pair;
		size_t found = 0;

		/* one A per pair id ... */
		for (k = 0; k < i; k++)
			if (!strcmp(a->metas[k].pair, p))
				return 0;
		/* ... and one B */
		for (j = 0; j < b->n; j++) {
			if (strcmp(b->metas[j].pair, p))
				continue;
			ib[i] = j;
			found++;
		}
		if (found != 1)
			return 0;
		ia[i] = i;
	}
	return a->n;
}

/* The value of row @r in run @ms: the metric, or 0 where the metric says so. */
static bool run_value(const struct metric_set *ms, const struct cmp_row *r, double *v)
{
	const struct metric *m = metric_set_find(ms, r->m.key);

	if (m)
		*v = m->value;
	else if (r->m.absent_zero && metric_set_has_group(ms, r->m.group))
		*v = 0;
	else
		return false;
	return true;
}

static double noise_of(const struct comparison *nc, const char *key)
{
	return nc ? noise_in(nc->rows, nc->nrows, key) : NAN;
}

bool compare_changed_values_only(const struct comparison *c)
{
	return c->a.n < 2 || c->b.n < 2;
}

double compare_rel_sd(const struct dvec *v)
{
	double mean, sd;

	if (v->n < 2)
		return NAN;
	mean = stats_mean(v->v, v->n);
	sd = stats_stddev(v->v, v->n);
	if (mean == 0)
		return sd == 0 ? 0 : NAN;
	return 100 * sd / fabs(mean);
}

/* Is changed row @r listed: significant, or with one run a side, moved at all? */
static bool changed_listed(const struct comparison *c, const struct cmp_row *r)
{
	if (compare_changed_values_only(c))
		return r->a.n && r->b.n && !isnan(r->delta) && r->delta != 0;
	return r->verdict == VERDICT_REGRESSION || r->verdict == VERDICT_IMPROVEMENT;
}

/* Listed rows by |%change|, then those from zero (no %change) by |delta|, then by key. */
static int changed_order(const void *pa, const void *pb)
{
	const struct cmp_row *a = pa, *b = pb;
	bool za = isnan(a->delta_pct), zb = isnan(b->delta_pct);

	if (za != zb)
		return za ? 1 : -1;
	if (!za && fabs(a->delta_pct) != fabs(b->delta_pct))
		return fabs(a->delta_pct) > fabs(b->delta_pct) ? -1 : 1;
	if (fabs(a->delta) != fabs(b->delta))
		return fabs(a->delta) > fabs(b->delta) ? -1 : 1;
	return strcmp(a->m.key, b->m.key);
}

/*
 * What else changed: every key of the runs' stat-delta.tsv (runs without
 * one add nothing), judged as a row is, with the A/A floor of the same key
 * of @noise; the listed ones first. 0, or -EINVAL with @err for a bad file.
 */
static int compute_changed(struct comparison *c, const struct compare_opts *o,
			   const struct comparison *noise, const size_t *ia, const size_t *ib,
			   char *err, size_t errlen)
{
	size_t na = c->a.n, nb = c->b.n, i, k, nl = 0;
	struct metric_set *ms = xcalloc(na + nb, sizeof(*ms));
	bool *got = xcalloc(na + nb, sizeof(*got));
	struct cmp_row *sorted;
	int ret = 0;

	c->changed_top = o->changed_top ? o->changed_top : CHANGED_TOP;
	for (i = 0; i < na + nb; i++) {
		metric_set_init(&ms[i]);
		ret = changed_load(i < na ? c->a.runs[i] : c->b.runs[i - na], &ms[i], err, errlen);
		if (ret == -ENOENT)
			ret = 0;
		else if (ret)
			goto out;
		else
			got[i] = true;
	}
	for (i = 0; i < na + nb; i++)
		for (k = 0; k < ms[i].n; k++)
			row_get(&c->changed, &c->nchanged_all, &ms[i].m[k]);
	for (k = 0; k < c->nchanged_all; k++) {
		struct cmp_row *r = &c->changed[k];

		for (i = 0; i < na + nb; i++) {
			const struct metric *m = got[i] ? metric_set_find(&ms[i], r->m.key) : NULL;

			if (m)
				dvec_push(i < na ? &r->a : &r->b, m->value);
		}
		/* paired runs: the interval of the paired differences, as for the metrics */
		r->paired = c->pairs > 0;
		for (i = 0; i < c->pairs; i++) {
			double va, vb;

			if (run_value(&ms[ia[i]], r, &va) && run_value(&ms[na + ib[i]], r, &vb))
				dvec_push(&r->d, vb - va);
		}
		r->noise = noise ? noise_in(noise->changed, noise->nchanged_rows, r->m.key) : NAN;
		compare_row_compute(r, c->ci);
	}
	/* the listed rows first, in their order; the others after them, in first-seen order */
	sorted = xcalloc(c->nchanged_all ? c->nchanged_all : 1, sizeof(*sorted));
	for (k = 0; k < c->nchanged_all; k++)
		if (changed_listed(c, &c->changed[k]))
			sorted[nl++] = c->changed[k];
	c->nchanged = nl;
	for (k = 0; k < c->nchanged_all; k++)
		if (!changed_listed(c, &c->changed[k]))
			sorted[nl++] = c->changed[k];
	qsort(sorted, c->nchanged, sizeof(*sorted), changed_order);
	free(c->changed);
	c->changed = sorted;
	c->nchanged_rows = c->nchanged_all;
out:
	for (i = 0; i < na + nb; i++)
		metric_set_release(&ms[i]);
	free(ms);
	free(got);
	return ret;
}

/* Load both (resolved) sides of @c, check them, compute every row. */
static int compare_sides(struct comparison *c, const struct compare_opts *o,
			 const struct comparison *noise, char *err, size_t errlen)
{
	struct metric_set *sa = NULL, *sb = NULL;
	size_t i, k, na, nb, *ia = NULL, *ib = NULL;
	int ret;

	c->ci = o->ci;
	c->forced = o->force;
	load_side(c, &c->a, "A", &sa);
	load_side(c, &c->b, "B", &sb);
	na = c->a.n;
	nb = c->b.n;
	set_label(&c->a);
	set_label(&c->b);
	if (!strcmp(c->a.label, c->b.label)) {
		char *l = c->a.label;

		c->a.label = xasprintf("%s-A", l);
		free(l);
		l = c->b.label;
		c->b.label = xasprintf("%s-B", l);
		free(l);
	}
	if (!na || !nb) {
		snprintf(err, errlen, "no usable run on side %s (%s)", na ? "B" : "A",
			 c->ndiffs ? c->diffs[c->ndiffs - 1] : "none given");
		goto fail;
	}
	compare_check_inputs(c);
	ia = xcalloc(na, sizeof(*ia));
	ib = xcalloc(na, sizeof(*ib));
	if (c->ci == CI_CHOICE_AUTO)
		c->pairs = compare_pair_runs(&c->a, &c->b, ia, ib);
	if (noise)
		check_noise(c, noise);
	if (c->ndiffs && !o->force)
		goto mismatch;
	/* different machines (CPU model, qemu, governor): one line that names the key */
	envdiff_compute(&c->env, c->a.metas, na, c->b.metas, nb);
	if (envdiff_refused(&c->env) && !o->force) {
		char *why = envdiff_refusal(&c->env);

		snprintf(err, errlen, "%s (--force compares anyway)", why);
		free(why);
		goto fail;
	}
	/* rows: every metric of any run, in order of first appearance */
	for (i = 0; i < na + nb; i++) {
		const struct metric_set *ms = i < na ? &sa[i] : &sb[i - na];

		for (k = 0; k < ms->n; k++)
			get_row(c, &ms->m[k]);
	}
	/* values: a run without the metric adds nothing, or 0 where the metric says so */
	for (k = 0; k < c->nrows; k++) {
		struct cmp_row *r = &c->rows[k];

		for (i = 0; i < na + nb; i++) {
			const struct metric_set *ms = i < na ? &sa[i] : &sb[i - na];
			double v;

			if (run_value(ms, r, &v))
				dvec_push(i < na ? &r->a : &r->b, v);
		}
		r->paired = c->pairs > 0;
		for (i = 0; i < c->pairs; i++) {
			double va, vb;

			if (run_value(&sa[ia[i]], r, &va) && run_value(&sb[ib[i]], r, &vb))
				dvec_push(&r->d, vb - va);
		}
		r->noise = noise_of(noise, r->m.key);
		compare_row_compute(r, c->ci);
	}
	judge_family(c);
	sort_rows(c);
	c->perf_top = o->perf_top ? o->perf_top : COMPARE_PERF_TOP;
	keep_top(c, "perf", c->perf_top, &c->perf_total);
	keep_top(c, "insn-symbols", c->perf_top, &c->insn_sym_total);
	if (compute_changed(c, o, noise, ia, ib, err, errlen))
		goto fail;
	for (i = 0; i < c->nrows; i++) {
		struct cmp_row *r = &c->rows[i];

		switch (r->verdict) {
		case VERDICT_REGRESSION:
			c->nreg++;
			break;
		case VERDICT_IMPROVEMENT:
			c->nimp++;
			break;
		case VERDICT_NO_CHANGE:
			c->nsame++;
			break;
		default:
			c->nnone++;
			break;
		}
	}
	ret = 0;
	goto out;
mismatch:
	snprintf(err, errlen, "the two sides are not the same experiment (--force compares anyway)");
fail:
	ret = -EINVAL;
out:
	for (i = 0; i < na; i++)
		metric_set_release(&sa[i]);
	for (i = 0; i < nb; i++)
		metric_set_release(&sb[i]);
	free(sa);
	free(sb);
	free(ia);
	free(ib);
	return ret;
}

int compare_dirs(struct comparison *c, const char *arg_a, const char *arg_b,
		 const struct compare_opts *o, char *err, size_t errlen)
{
	struct comparison nc;
	int ret;

	comparison_init(c);
	comparison_init(&nc);
	if (arg_b) {
		ret = compare_resolve(arg_a, &c->a, err, errlen);
		if (!ret)
			ret = compare_resolve(arg_b, &c->b, err, errlen);
	} else if (has_file(arg_a, "ab.json")) {
		ret = compare_resolve_ab(arg_a, &c->a, &c->b, err, errlen);
	} else {
		snprintf(err, errlen, "'%s' is not an A/B directory (no ab.json): give two sides",
			 arg_a);
		ret = -EINVAL;
	}
	if (ret)
		goto out;
	if (o->noise) {
		c->noise_src = xstrdup(o->noise);
		ret = load_noise(c, o, &nc, err, errlen);
		if (ret)
			goto out;
	}
	ret = compare_sides(c, o, o->noise ? &nc : NULL, err, errlen);
out:
	comparison_release(&nc);
	return ret;
}

const char *compare_target_desc(const struct cmp_side *s)
{
	const char *t = s->n && s->metas[0].target ? s->metas[0].target : "unknown";

	return !strcmp(t, "vm-tcg") ? "vm-tcg (emulated)" : t;
}

char *compare_side_desc(const struct cmp_side *s)
{
	const struct meta *m = s->n ? &s->metas[0] : NULL;

	return xasprintf("%s: %s, series %s, config %.12s, %zu run%s", s->label,
			 m && m->kernel_release ? m->kernel_release : "unknown",
			 m && m->series && *m->series ? m->series : "none",
			 m && m->config_hash ? m->config_hash : "unknown", s->n,
			 s->n == 1 ? "" : "s");
}

char *compare_origin(const struct comparison *c)
{
	const struct meta *m = c->a.n ? &c->a.metas[0] : NULL;
	char *a = compare_side_desc(&c->a), *b = compare_side_desc(&c->b);
	char *ret = xasprintf("target %s, perf event %s, cgroup %s, %d CPUs; %s; %s",
			      compare_target_desc(&c->a),
			      m && m->perf_event ? m->perf_event : "none",
			      m && m->cgroup_version ? m->cgroup_version : "?", m ? m->cpus : 0,
			      a, b);

	free(a);
	free(b);
	return ret;
}

const char *compare_group_title(const char *group)
{
	const struct metric_source *s = metric_source_find(group);

	return s ? s->title : group;
}

char *compare_verdict_line(const struct comparison *c)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, shown = 0;

	if (!c->nreg && !c->nimp && !c->nsame) {
		sb_addf(&sb, "n=%zu/%zu, no significance: values only, no verdict", c->a.n,
			c->b.n);
		return sb_detach(&sb);
	}
	sb_addf(&sb, "%zu regression%s", c->nreg, c->nreg == 1 ? "" : "s");
	for (i = 0; i < c->nrows && c->nreg; i++) {
		const struct cmp_row *r = &c->rows[i];
		char d[32];

		if (r->verdict != VERDICT_REGRESSION)
			continue;
		if (shown == 3) {
			sb_adds(&sb, ", ...");
			break;
		}
		if (isnan(r->delta_pct))
			metric_format(d, sizeof(d), r->m.unit, r->delta, true);
		else
			snprintf(d, sizeof(d), "%+.0f%%", r->delta_pct);
		sb_addf(&sb, "%s%s %s", shown ? ", " : " (", r->m.label, d);
		shown++;
	}
	if (shown)
		sb_adds(&sb, ")");
	sb_addf(&sb, ", %zu improvement%s, %zu no change", c->nimp, c->nimp == 1 ? "" : "s",
		c->nsame);
	if (c->nnone)
		sb_addf(&sb, ", %zu without verdict", c->nnone);
	if (compare_one_sided(c))
		sb_addf(&sb, " (%zu on one side only)", compare_one_sided(c));
	return sb_detach(&sb);
}

/* A row only one side has: no run of the other side has the metric. */
static bool one_sided(const struct cmp_row *r)
{
	return !r->a.n != !r->b.n;
}

const char *compare_row_one_side(const struct cmp_row *r)
{
	if (!one_sided(r))
		return NULL;
	return r->a.n ? "A only" : "B only";
}

size_t compare_one_sided(const struct comparison *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->nrows; i++)
		n += one_sided(&c->rows[i]);
	return n;
}

/* ", group (N)" for each group of the rows only side @a (or B) has, in row order. */
static void one_side_groups(const struct comparison *c, bool a, struct strbuf *sb)
{
	size_t i, k, n;

	for (i = 0; i < c->nrows; i++) {
		const struct cmp_row *r = &c->rows[i];

		if (!one_sided(r) || !r->a.n != !a)
			continue;
		for (k = 0; k < i; k++)
			if (one_sided(&c->rows[k]) && !c->rows[k].a.n == !a &&
			    !strcmp(c->rows[k].m.group, r->m.group))
				break;
		if (k < i)
			continue;	/* group listed already */
		for (n = 0, k = i; k < c->nrows; k++)
			if (one_sided(&c->rows[k]) && !c->rows[k].a.n == !a &&
			    !strcmp(c->rows[k].m.group, r->m.group))
				n++;
		sb_addf(sb, "%s%s (%zu)", sb->len ? ", " : "", r->m.group, n);
	}
}

char *compare_one_side_note(const struct comparison *c)
{
	struct strbuf out = STRBUF_INIT, g = STRBUF_INIT;
	size_t n = compare_one_sided(c), s;

	if (!n)
		return NULL;
	sb_addf(&out, "%zu metric%s only one side has: no verdict (neither a regression nor an "
		"improvement)", n, n == 1 ? "" : "s");
	for (s = 0; s < 2; s++) {
		sb_release(&g);
		one_side_groups(c, !s, &g);
		if (g.len)
			sb_addf(&out, "; only %s (%s) has %s", s ? "B" : "A",
				s ? c->b.label : c->a.label, g.buf);
	}
	sb_release(&g);
	return sb_detach(&out);
}
