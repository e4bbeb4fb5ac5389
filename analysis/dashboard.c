// SPDX-License-Identifier: GPL-2.0
/*
 * dashboard.c - find the A/B directories, compare each (or take the cached
 * comparison), and write the index page with trend plots.
 *
 * Cache, per A/B directory, in <out>/<name>/:
 *   key          sha256 of the compare schema, ab.json and every run's meta.json
 *   compare.json the comparison (compare_to_json), read back on a cache hit
 *   report.html  its html report
 *   error.txt    instead of the two above, when it could not be compared
 * key is written last, so an interrupted update recomputes that A/B next time.
 */
#include "dashboard.h"
#include "afile.h"
#include "compare.h"
#include "json.h"
#include "plot.h"
#include "report-compare.h"
#include "sha256.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_DEPTH 3

struct entry {
	char *dir;		/* the A/B directory */
	char *name;		/* its directory below the output */
	char *key;
	char *date;		/* start of its first run (ISO 8601 UTC), "" if unknown */
	char *status, *base, *patched;
	long repeat;
	struct comparison c;
	bool have_cmp;
	char *error;		/* why it could not be compared */
	char *bisect;		/* <dir>/bisect/bisect.json's answer (nightly.sh BISECT=1), or NULL */
};

struct dash {
	const char *results, *out;
	struct entry *e;
	size_t n;
};

static void entry_release(struct entry *e)
{
	free(e->dir);
	free(e->name);
	free(e->key);
	free(e->date);
	free(e->status);
	free(e->base);
	free(e->patched);
	free(e->error);
	free(e->bisect);
	comparison_release(&e->c);
}

static bool has_file(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	bool ret = path_exists(p);

	free(p);
	return ret;
}

/* Every directory with an ab.json below @dir (not below an A/B directory itself). */
static void find_ab(struct dash *d, const char *dir, int depth)
{
	struct dirent *de;
	DIR *dh;

	if (has_file(dir, "ab.json")) {
		d->e = xrealloc(d->e, (d->n + 1) * sizeof(*d->e));
		memset(&d->e[d->n], 0, sizeof(*d->e));
		comparison_init(&d->e[d->n].c);
		d->e[d->n++].dir = xstrdup(dir);
		return;
	}
	if (depth >= MAX_DEPTH || !(dh = opendir(dir)))
		return;
	while ((de = readdir(dh))) {
		char *sub;

		if (de->d_name[0] == '.')
			continue;
		sub = xasprintf("%s/%s", dir, de->d_name);
		if (is_dir(sub) && !path_within(sub, d->out))
			find_ab(d, sub, depth + 1);
		free(sub);
	}
	closedir(dh);
}

/* "results/nightly/ab-x" below "results" -> "nightly_ab-x" */
static char *entry_name(const char *results, const char *dir)
{
	size_t n = strlen(results);
	const char *rel = !strncmp(dir, results, n) && dir[n] == '/' ? dir + n + 1 : dir;
	char *name = xstrdup(*rel ? rel : "ab"), *p;

	for (p = name; *p; p++)
		if (*p == '/' || *p == ' ')
			*p = '_';
	return name;
}

static void hash_file(struct sha256 *h, const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	sha256_update(h, path, strlen(path) + 1);
	if (read_file(path, &sb))
		sha256_update(h, "missing", 8);
	else
		sha256_update(h, sb.buf, sb.len);
	sb_release(&sb);
}

/*
 * What the bisection in @e->dir/bisect (nightly.sh BISECT=1) found: "first bad
 * 0003-x.patch", "ambiguous: 2..3", or its status ("nothing to bisect", ...).
 */
static void entry_bisect(struct entry *e)
{
	struct strbuf sb = STRBUF_INIT;
	struct json *j = NULL;
	char err[256], *p = xasprintf("%s/bisect/bisect.json", e->dir);
	const char *st;

	if (!read_file(p, &sb))
		j = json_parse(sb.buf, sb.len, err, sizeof(err));
	st = json_get_str(j, "status");
	if (st && !strcmp(st, "found") && json_get_str(j, "first_bad_patch"))
		e->bisect = xasprintf("first bad %s", json_get_str(j, "first_bad_patch"));
	else if (st && !strcmp(st, "found") && json_get_str(j, "first_bad_commit"))
		e->bisect = xasprintf("first bad commit %.12s", json_get_str(j, "first_bad_commit"));
	else if (st && !strcmp(st, "ambiguous"))
		e->bisect = xasprintf("ambiguous: %.0f..%.0f", json_get_num(j, "last_good", 0) + 1,
				      json_get_num(j, "first_bad", 0));
	else if (st)
		e->bisect = xstrdup(st);
	json_free(j);
	sb_release(&sb);
	free(p);
}

/*
 * The cache key of @e, and what ab.json says about it. The key covers
 * ab.json and the meta.json of every run it lists: a run that is redone,
 * finishes or is added changes it.
 */
static void entry_describe(struct entry *e)
{
	struct strbuf sb = STRBUF_INIT;
	struct cmp_side a, b;
	struct sha256 h;
	struct json *j = NULL;
	char hex[65], err[256], *p = xasprintf("%s/ab.json", e->dir);
	size_t i;

	sha256_init(&h);
	sb_addf(&sb, "patchbench compare schema %d\n", COMPARE_SCHEMA);
	sha256_update(&h, sb.buf, sb.len);
	hash_file(&h, p);
	if (!read_file(p, &sb))
		j = json_parse(sb.buf, sb.len, err, sizeof(err));
	e->status = xstrdup(json_get_str(j, "status") ? json_get_str(j, "status") : "?");
	e->base = xstrdup(json_get_str(j, "base") ? json_get_str(j, "base") : "?");
	e->patched = xstrdup(json_get_str(j, "patched") ? json_get_str(j, "patched") : "?");
	e->repeat = (long)json_get_num(j, "repeat", 0);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	compare_resolve_ab(e->dir, &a, &b, err, sizeof(err));
	for (i = 0; i < a.n + b.n; i++) {
		char *m = xasprintf("%s/meta.json", i < a.n ? a.runs[i] : b.runs[i - a.n]);

		hash_file(&h, m);
		free(m);
	}
	if (a.n) {
		struct meta m;

		if (!meta_load(&m, a.runs[0], err, sizeof(err)) && m.start)
			e->date = xstrdup(m.start);
		meta_release(&m);
	}
	if (!e->date)
		e->date = xstrdup("");
	entry_bisect(e);
	sha256_final_hex(&h, hex);
	e->key = xstrdup(hex);
	cmp_side_release(&a);
	cmp_side_release(&b);
	json_free(j);
	sb_release(&sb);
	free(p);
}

/* Read "<out>/<name>/<file>" into @sb; 0 or -errno. */
static int read_cached(const struct dash *d, const struct entry *e, const char *file,
		       struct strbuf *sb)
{
	char *p = xasprintf("%s/%s/%s", d->out, e->name, file);
	int ret = read_file(p, sb);

	free(p);
	return ret;
}

static int write_cached(const struct dash *d, const struct entry *e, const char *file,
			const char *buf, size_t len)
{
	char *p = xasprintf("%s/%s/%s", d->out, e->name, file);
	int ret = write_atomic(p, buf, len);

	free(p);
	return ret;
}

/* The cached comparison of @e, when its key still matches. */
static bool load_cached(const struct dash *d, struct entry *e)
{
	struct strbuf key = STRBUF_INIT, sb = STRBUF_INIT;
	char err[256];
	bool hit = false;

	if (read_cached(d, e, "key", &key) || strcmp(key.buf, e->key))
		goto out;
	if (!read_cached(d, e, "error.txt", &sb)) {
		e->error = sb_detach(&sb);
		hit = true;
	} else if (!read_cached(d, e, "compare.json", &sb) &&
		   !compare_from_json(&e->c, sb.buf, sb.len, err, sizeof(err))) {
		char *r = xasprintf("%s/%s/report.html", d->out, e->name);

		hit = e->have_cmp = path_exists(r);
		free(r);
	}
out:
	sb_release(&key);
	sb_release(&sb);
	return hit;
}

/* Compare @e now and cache the result. 0, or -errno when the cache cannot be written. */
static int recompute(const struct dash *d, struct entry *e, char *err, size_t errlen)
{
	struct compare_opts o = { .noise = NULL, .force = false, .ci = CI_CHOICE_AUTO };
	char *dir = xasprintf("%s/%s", d->out, e->name), *html = NULL, cerr[1024];
	struct strbuf sb = STRBUF_INIT;
	struct afile af;
	int ret;

	/* the entry is ours to replace, unless something else took its name */
	if (has_file(dir, "ab.json") || has_file(dir, "meta.json")) {
		snprintf(err, errlen, "'%s' holds a result, not a dashboard entry: not replacing it",
			 dir);
		ret = -EEXIST;
		goto out;
	}
	remove_tree(dir);
	ret = mkdir_p(dir, 0755);
	if (ret) {
		snprintf(err, errlen, "cannot create '%s': %s", dir, strerror(-ret));
		goto out;
	}
	comparison_release(&e->c);
	if (compare_dirs(&e->c, e->dir, NULL, &o, cerr, sizeof(cerr))) {
		if (e->c.ndiffs) {
			sb_addf(&sb, "inputs differ: %s", e->c.diffs[0]);
			if (e->c.ndiffs > 1)
				sb_addf(&sb, " (and %zu more)", e->c.ndiffs - 1);
		} else {
			sb_adds(&sb, cerr);
		}
		e->error = xstrdup(sb.buf);
		ret = write_cached(d, e, "error.txt", sb.buf, sb.len);
		goto key;
	}
	e->have_cmp = true;
	html = xasprintf("%s/report.html", dir);
	ret = afile_open(&af, html);
	if (ret) {
		snprintf(err, errlen, "cannot create '%s.tmp': %s", html, strerror(-ret));
		goto out;
	}
	ret = compare_print_html(&e->c, af.f, err, errlen);
	if (ret)
		afile_abort(&af);
	else
		ret = afile_commit(&af);
	if (ret) {
		snprintf(err, errlen, "cannot write '%s'", html);
		goto out;
	}
	compare_to_json(&e->c, &sb);
	sb_adds(&sb, "\n");
	ret = write_cached(d, e, "compare.json", sb.buf, sb.len);
key:
	if (!ret)
		ret = write_cached(d, e, "key", e->key, strlen(e->key));
	if (ret)
		snprintf(err, errlen, "cannot write the cache in '%s': %s", dir, strerror(-ret));
out:
	sb_release(&sb);
	free(html);
	free(dir);
	return ret;
}

/* Newest first; undated last. */
static int cmp_entry(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	int r = strcmp(b->date, a->date);

	return r ? r : strcmp(a->name, b->name);
}

static const char css[] =
	"body{font-family:sans-serif;margin:1.5em auto;max-width:1200px;color:#222;padding:0 1em}\n"
	"h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.5em;border-bottom:1px solid #ccc}\n"
	"table{border-collapse:collapse;font-size:90%}th,td{border:1px solid #ccc;"
	"padding:3px 8px;text-align:left}th{background:#f2f2f2}\n"
	"tr.regression td{background:#fbd5d5}tr.error td{background:#fff6d5}\n"
	".plots{display:flex;flex-wrap:wrap;gap:12px}.plots figure{margin:0;width:560px}\n"
	"figure svg{width:100%;height:auto;border:1px solid #eee}\n"
	"figcaption{font-size:85%;color:#555}.note{color:#a60}\n"
	"footer{margin-top:2em;color:#888;font-size:80%}\n";

/* Trend metrics: every key metric of any comparison, in order of first appearance. */
static char **trend_keys(const struct dash *d, size_t *n)
{
	char **keys = NULL;
	size_t i, r, k;

	*n = 0;
	for (i = 0; i < d->n; i++) {
		for (r = 0; d->e[i].have_cmp && r < d->e[i].c.nrows; r++) {
			const struct cmp_row *row = &d->e[i].c.rows[r];

			if (!row->m.trend)
				continue;
			for (k = 0; k < *n && strcmp(keys[k], row->m.key); k++)
				;
			if (k < *n)
				continue;
			keys = xrealloc(keys, (*n + 1) * sizeof(*keys));
			keys[(*n)++] = row->m.key;
		}
	}
	return keys;
}

static const struct cmp_row *find_row(const struct comparison *c, const char *key)
{
	size_t i;

	for (i = 0; i < c->nrows; i++)
		if (!strcmp(c->rows[i].m.key, key))
			return &c->rows[i];
	return NULL;
}

/*
 * One plot per key metric: per series (patched kernel), delta % against
 * its base over the A/B runs, oldest first (the entries are newest first).
 */
static void trends(const struct dash *d, struct plot_page *p)
{
	size_t nkeys, k, i, s, nser = 0;
	char **keys = trend_keys(d, &nkeys), **series = NULL;

	for (i = 0; i < d->n; i++) {
		if (!d->e[i].have_cmp)
			continue;
		for (s = 0; s < nser && strcmp(series[s], d->e[i].patched); s++)
			;
		if (s == nser) {
			series = xrealloc(series, (nser + 1) * sizeof(*series));
			series[nser++] = d->e[i].patched;
		}
	}
	for (k = 0; k < nkeys && p->tmp; k++) {
		struct strbuf files = STRBUF_INIT, titles = STRBUF_INIT;
		const char *label = NULL;

		for (s = 0; s < nser; s++) {
			struct strbuf t = STRBUF_INIT;
			char *f = xasprintf("%s/trend-%zu-%zu.tsv", p->tmp, k, s);
			size_t points = 0;

			sb_adds(&t, "date\tdelta_pct\n");
			for (i = d->n; i-- > 0;) {
				const struct entry *e = &d->e[i];
				const struct cmp_row *r;

				if (!e->have_cmp || strcmp(e->patched, series[s]) || !*e->date)
					continue;
				r = find_row(&e->c, keys[k]);
				if (!r || isnan(r->delta_pct))
					continue;
				label = r->m.label;
				sb_addf(&t, "%s\t%.6g\n", e->date, r->delta_pct);
				points++;
			}
			if (points && !write_atomic(f, t.buf, t.len)) {
				char *w = xstrdup(series[s]), *c;

				for (c = w; *c; c++)
					if (*c == ' ')
						*c = '_';
				sb_addf(&files, "%s%s", files.len ? " " : "", f);
				sb_addf(&titles, "%s%s", titles.len ? " " : "", w);
				free(w);
			}
			sb_release(&t);
			free(f);
		}
		if (files.len) {
			char *cap = xasprintf("%s (%s): change of the patched kernel against its base "
					      "per A/B run, one line per series", label, keys[k]);
			const char *vars[] = { "files", files.buf, "titles", titles.buf, "metric",
					       label, NULL };

			plot_figure(p, "trend.gp", vars, cap);
			free(cap);
		}
		sb_release(&files);
		sb_release(&titles);
	}
	free(keys);
	free(series);
}

static void index_row(struct plot_page *p, const struct entry *e)
{
	char *v = e->have_cmp ? compare_verdict_line(&e->c) : NULL;

	sb_addf(&p->sb, "<tr class=\"%s\"><td>", e->error ? "error" :
		e->have_cmp && e->c.nreg ? "regression" : "");
	html_escape(&p->sb, *e->date ? e->date : "-");
	sb_adds(&p->sb, "</td><td>");
	html_escape(&p->sb, e->patched);
	sb_adds(&p->sb, "</td><td>");
	html_escape(&p->sb, e->base);
	sb_addf(&p->sb, "</td><td>%ld</td><td>", e->repeat);
	html_escape(&p->sb, e->status);
	sb_adds(&p->sb, "</td><td>");
	if (e->error) {
		sb_adds(&p->sb, "not compared: ");
		html_escape(&p->sb, e->error);
	} else {
		html_escape(&p->sb, v);
	}
	sb_adds(&p->sb, "</td><td>");
	if (e->have_cmp) {
		sb_adds(&p->sb, "<a href=\"");
		html_escape(&p->sb, e->name);
		sb_adds(&p->sb, "/report.html\">report</a>");
	}
	sb_adds(&p->sb, "</td><td>");
	if (e->bisect) {
		sb_adds(&p->sb, "<a href=\"");
		html_escape(&p->sb, e->name);
		sb_adds(&p->sb, "/BISECT.txt\">");
		html_escape(&p->sb, e->bisect);
		sb_adds(&p->sb, "</a>");
	}
	sb_adds(&p->sb, "</td><td>");
	html_escape(&p->sb, e->dir);
	sb_adds(&p->sb, "</td></tr>\n");
	free(v);
}

static int write_index(const struct dash *d, const struct dashboard_stats *st, char *err,
		       size_t errlen)
{
	struct plot_page p;
	char now[64], *path = xasprintf("%s/index.html", d->out);
	size_t i;
	int ret;

	plot_page_init(&p);
	iso8601(now, sizeof(now), wall_ns());
	sb_addf(&p.sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<title>patchbench dashboard</title>\n<style>\n%s</style>\n</head>\n<body>\n"
		"<h1>patchbench dashboard</h1>\n<p>", css);
	sb_addf(&p.sb, "%zu A/B director%s below <code>", st->found, st->found == 1 ? "y" : "ies");
	html_escape(&p.sb, d->results);
	sb_addf(&p.sb, "</code>, %zu with a regression, %zu not compared; updated ",
		st->regressions, st->failed);
	html_escape(&p.sb, now);
	sb_adds(&p.sb, ".</p>\n<h2>A/B runs, newest first</h2>\n<table>\n<tr><th>date (UTC)</th>"
		"<th>series</th><th>base</th><th>repeat</th><th>status</th><th>verdict</th>"
		"<th>report</th><th>bisect</th><th>directory</th></tr>\n");
	for (i = 0; i < d->n; i++) {
		const struct entry *e = &d->e[i];

		/* the bisection's text next to the entry's report, for the link */
		if (e->bisect) {
			struct strbuf t = STRBUF_INIT;
			char *src = xasprintf("%s/bisect/BISECT.txt", e->dir);
			char *dir = xasprintf("%s/%s", d->out, e->name);
			char *dst = xasprintf("%s/BISECT.txt", dir);

			if (!read_file(src, &t) && !mkdir_p(dir, 0755))
				write_atomic(dst, t.buf ? t.buf : "", t.len);
			sb_release(&t);
			free(src);
			free(dir);
			free(dst);
		}
		index_row(&p, e);
	}
	sb_adds(&p.sb, "</table>\n<h2>Trends of the key metrics</h2>\n<div class=\"plots\">\n");
	trends(d, &p);
	sb_addf(&p.sb, "</div>\n<footer>patchbench %s dashboard</footer>\n</body>\n</html>\n",
		PATCHBENCH_VERSION);
	ret = write_atomic(path, p.sb.buf, p.sb.len);
	if (ret)
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(-ret));
	plot_page_release(&p);
	free(path);
	return ret;
}

int dashboard_update(const char *results, const char *out, struct dashboard_stats *st,
		     char *err, size_t errlen)
{
	struct dash d;
	size_t i;
	int ret;

	memset(st, 0, sizeof(*st));
	memset(&d, 0, sizeof(d));
	d.results = results;
	d.out = out;
	if (!is_dir(results)) {
		snprintf(err, errlen, "results directory '%s' does not exist", results);
		return -ENOENT;
	}
	/* the cache below @out is replaced entry by entry: it must not hold an input */
	if (path_within(results, out)) {
		snprintf(err, errlen, "output directory '%s' contains the results directory "
			 "'%s' (its A/B directories would be overwritten)", out, results);
		return -EINVAL;
	}
	find_ab(&d, results, 0);
	st->found = d.n;
	for (i = 0; i < d.n; i++) {
		if (path_within(out, d.e[i].dir)) {
			snprintf(err, errlen, "output directory '%s' is inside the A/B directory "
				 "'%s'", out, d.e[i].dir);
			ret = -EINVAL;
			goto out;
		}
	}
	ret = mkdir_p(out, 0755);
	if (ret) {
		snprintf(err, errlen, "cannot create '%s': %s", out, strerror(-ret));
		goto out;
	}
	for (i = 0; i < d.n && !ret; i++) {
		struct entry *e = &d.e[i];

		e->name = entry_name(results, e->dir);
		entry_describe(e);
		if (!load_cached(&d, e)) {
			ret = recompute(&d, e, err, errlen);
			st->recomputed++;
		}
		st->failed += e->error != NULL;
		st->regressions += e->have_cmp && e->c.nreg;
	}
	qsort(d.e, d.n, sizeof(*d.e), cmp_entry);
	if (!ret)
		ret = write_index(&d, st, err, errlen);
out:
	for (i = 0; i < d.n; i++)
		entry_release(&d.e[i]);
	free(d.e);
	return ret;
}
