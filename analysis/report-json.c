// SPDX-License-Identifier: GPL-2.0
/*
 * report-json.c - compare as JSON (everything, schema COMPARE_SCHEMA) and
 * back. The dashboard caches comparisons in this form, so what is written
 * must read back to the same comparison: compare_to_json() of the result of
 * compare_from_json() is byte for byte the input.
 */
#include "report-compare.h"
#include "compare.h"
#include "changed.h"
#include "json.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const ci_choices[] = {
	[CI_CHOICE_AUTO] = "auto", [CI_CHOICE_WELCH] = "welch", [CI_CHOICE_BOOTSTRAP] = "bootstrap",
};

static void side_json(struct json_writer *w, const struct cmp_side *s)
{
	size_t i;

	jw_obj_begin(w);
	jw_kstr(w, "label", s->label);
	jw_kstr(w, "path", s->path);
	jw_key(w, "runs");
	jw_arr_begin(w);
	for (i = 0; i < s->n; i++) {
		jw_obj_begin(w);
		jw_kstr(w, "dir", s->runs[i]);
		jw_key(w, "meta");
		meta_jw(&s->metas[i], w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

/* "env": { key: { "A": [values], "B": [values], "between", "refuses" } }, when any differ */
static void env_json(struct json_writer *w, const struct env_diff *d)
{
	size_t i, k;

	if (!d->n)
		return;
	jw_key(w, "env");
	jw_obj_begin(w);
	for (i = 0; i < d->n; i++) {
		const struct env_key_diff *e = &d->keys[i];

		jw_key(w, e->key);
		jw_obj_begin(w);
		jw_key(w, "A");
		jw_arr_begin(w);
		for (k = 0; k < e->na; k++)
			jw_str(w, e->a[k]);
		jw_arr_end(w);
		jw_key(w, "B");
		jw_arr_begin(w);
		for (k = 0; k < e->nb; k++)
			jw_str(w, e->b[k]);
		jw_arr_end(w);
		jw_kbool(w, "between", e->between);
		jw_kbool(w, "refuses", e->refuses);
		jw_obj_end(w);
	}
	jw_obj_end(w);
}

static void values_json(struct json_writer *w, const char *key, const struct dvec *d,
			double median, double mean)
{
	size_t i;

	jw_key(w, key);
	jw_obj_begin(w);
	jw_kuint(w, "n", d->n);
	jw_key(w, "values");
	jw_arr_begin(w);
	for (i = 0; i < d->n; i++)
		jw_double(w, d->v[i]);
	jw_arr_end(w);
	jw_kdouble(w, "median", median);
	jw_kdouble(w, "mean", mean);
	jw_obj_end(w);
}

static void row_json(struct json_writer *w, const struct cmp_row *r)
{
	jw_obj_begin(w);
	jw_kstr(w, "key", r->m.key);
	jw_kstr(w, "group", r->m.group);
	jw_kstr(w, "label", r->m.label);
	jw_kstr(w, "unit", metric_unit_name(r->m.unit));
	jw_kstr(w, "better", metric_better_name(r->m.better));
	jw_kdouble(w, "default_threshold_rel", r->m.thr_rel);
	jw_kdouble(w, "default_threshold_abs", r->m.thr_abs);
	jw_kbool(w, "trend", r->m.trend);
	values_json(w, "a", &r->a, r->a_median, r->a_mean);
	values_json(w, "b", &r->b, r->b_median, r->b_mean);
	jw_kdouble(w, "delta", r->delta);
	jw_kdouble(w, "delta_pct", r->delta_pct);
	jw_key(w, "ci");
	jw_obj_begin(w);
	jw_kstr(w, "method", ci_method_name(r->method));
	jw_kdouble(w, "lo", r->ci_lo);
	jw_kdouble(w, "hi", r->ci_hi);
	jw_obj_end(w);
	jw_kdouble(w, "noise_floor", r->noise);
	jw_kdouble(w, "threshold", r->threshold);
	jw_kstr(w, "verdict", verdict_name(r->verdict));
	jw_obj_end(w);
}

/**
 * compare_to_json - append @c as one JSON document (no final newline) to @sb
 * @c: a computed comparison
 * @sb: appended to; stays the caller's
 */
void compare_to_json(const struct comparison *c, struct strbuf *sb)
{
	struct json_writer w;
	char *line = compare_verdict_line(c);
	size_t i;

	jw_init(&w, sb);
	jw_obj_begin(&w);
	jw_kint(&w, "schema", COMPARE_SCHEMA);
	jw_kstr(&w, "kind", "patchbench-compare");
	jw_kstr(&w, "tool_version", PATCHBENCH_VERSION);
	jw_key(&w, "ci");
	jw_obj_begin(&w);
	jw_kdouble(&w, "level", c->level);
	jw_kstr(&w, "choice", ci_choices[c->ci]);
	jw_kint(&w, "bootstrap_min_n", COMPARE_BOOT_MIN_N);
	jw_kuint(&w, "bootstrap_iters", c->iters);
	jw_kuint(&w, "seed", c->seed);
	if (c->pairs) {
		jw_kstr(&w, "method", "paired");
		jw_kuint(&w, "pairs", c->pairs);
	}
	if (c->family_rows >= 2) {
		jw_key(&w, "family");
		jw_obj_begin(&w);
		jw_kstr(&w, "group", COMPARE_FAMILY_GROUP);
		jw_kuint(&w, "rows", c->family_rows);
		jw_kdouble(&w, "level", compare_family_level(c->family_rows));
		jw_obj_end(&w);
	}
	jw_obj_end(&w);
	jw_kstr(&w, "noise", c->noise_src);
	jw_kbool(&w, "forced", c->forced);
	jw_kuint(&w, "perf_top", c->perf_top);
	jw_kuint(&w, "perf_total", c->perf_total);
	jw_key(&w, "input_differences");
	jw_arr_begin(&w);
	for (i = 0; i < c->ndiffs; i++)
		jw_str(&w, c->diffs[i]);
	jw_arr_end(&w);
	env_json(&w, &c->env);
	jw_key(&w, "sides");
	jw_obj_begin(&w);
	jw_key(&w, "A");
	side_json(&w, &c->a);
	jw_key(&w, "B");
	side_json(&w, &c->b);
	jw_obj_end(&w);
	jw_key(&w, "summary");
	jw_obj_begin(&w);
	jw_kuint(&w, "regressions", c->nreg);
	jw_kuint(&w, "improvements", c->nimp);
	jw_kuint(&w, "no_change", c->nsame);
	jw_kuint(&w, "no_verdict", c->nnone);
	jw_kuint(&w, "one_side_only", compare_one_sided(c));
	jw_kstr(&w, "line", line);
	jw_obj_end(&w);
	jw_key(&w, "metrics");
	jw_arr_begin(&w);
	for (i = 0; i < c->nrows; i++)
		row_json(&w, &c->rows[i]);
	jw_arr_end(&w);
	/* what else changed: only for runs with stat-delta.tsv (older ones print as before) */
	if (c->nchanged_all) {
		jw_key(&w, "changed");
		jw_obj_begin(&w);
		jw_kstr(&w, "file", CHANGED_FILE);
		jw_kbool(&w, "values_only", compare_changed_values_only(c));
		jw_kuint(&w, "keys", c->nchanged_all);
		jw_kuint(&w, "listed", c->nchanged);
		jw_kuint(&w, "text_top", c->changed_top);
		jw_key(&w, "rows");
		jw_arr_begin(&w);
		for (i = 0; i < c->nchanged; i++)
			row_json(&w, &c->changed[i]);
		jw_arr_end(&w);
		jw_obj_end(&w);
	}
	jw_obj_end(&w);
	free(line);
}

static char *dup_str(const struct json *o, const char *key)
{
	const char *s = json_get_str(o, key);

	return s ? xstrdup(s) : NULL;
}

static int side_from_json(struct cmp_side *s, const struct json *j, char *err, size_t errlen)
{
	const struct json *runs = json_get(j, "runs");
	size_t i;
	int ret;

	if (!runs || runs->type != JSON_ARRAY) {
		snprintf(err, errlen, "a side without \"runs\"");
		return -EINVAL;
	}
	s->label = dup_str(j, "label");
	s->path = dup_str(j, "path");
	s->runs = xcalloc(runs->n + 1, sizeof(*s->runs));
	s->metas = xcalloc(runs->n + 1, sizeof(*s->metas));
	for (i = 0; i < runs->n; i++) {
		const struct json *m = json_get(runs->items[i], "meta");

		if (!m || !json_get_str(runs->items[i], "dir")) {
			snprintf(err, errlen, "run %zu without \"dir\" or \"meta\"", i + 1);
			return -EINVAL;
		}
		ret = meta_from_json_obj(&s->metas[i], m, err, errlen);
		s->runs[i] = dup_str(runs->items[i], "dir");
		s->n++;
		if (ret)
			return ret;
	}
	if (!s->label)
		s->label = xstrdup("?");
	return 0;
}

static void values_from_json(const struct json *j, struct dvec *d, double *median, double *mean)
{
	const struct json *v = json_get(j, "values");
	size_t i;

	for (i = 0; v && v->type == JSON_ARRAY && i < v->n; i++)
		dvec_push(d, v->items[i]->type == JSON_NUMBER ? v->items[i]->num : NAN);
	*median = json_get_num(j, "median", NAN);
	*mean = json_get_num(j, "mean", NAN);
}

static int row_from_json(struct cmp_row *r, const struct json *j, char *err, size_t errlen)
{
	const struct json *ci = json_get(j, "ci");
	bool trend = false;

	memset(r, 0, sizeof(*r));
	r->m.key = dup_str(j, "key");
	r->m.group = dup_str(j, "group");
	r->m.label = dup_str(j, "label");
	if (!r->m.key || !r->m.group || !r->m.label ||
	    metric_unit_parse(json_get_str(j, "unit"), &r->m.unit) ||
	    metric_better_parse(json_get_str(j, "better"), &r->m.better) ||
	    verdict_parse(json_get_str(j, "verdict"), &r->verdict) ||
	    ci_method_parse(json_get_str(ci, "method"), &r->method)) {
		snprintf(err, errlen, "metric '%s': missing or unknown key, group, label, unit, "
			 "better, verdict or ci.method", r->m.key ? r->m.key : "?");
		return -EINVAL;
	}
	r->m.thr_rel = json_get_num(j, "default_threshold_rel", NAN);
	r->m.thr_abs = json_get_num(j, "default_threshold_abs", NAN);
	json_get_bool(j, "trend", &trend);
	r->m.trend = trend;
	r->m.value = NAN;
	values_from_json(json_get(j, "a"), &r->a, &r->a_median, &r->a_mean);
	values_from_json(json_get(j, "b"), &r->b, &r->b_median, &r->b_mean);
	r->delta = json_get_num(j, "delta", NAN);
	r->delta_pct = json_get_num(j, "delta_pct", NAN);
	r->ci_lo = json_get_num(ci, "lo", NAN);
	r->ci_hi = json_get_num(ci, "hi", NAN);
	r->noise = json_get_num(j, "noise_floor", NAN);
	r->threshold = json_get_num(j, "threshold", NAN);
	return 0;
}

int compare_from_json(struct comparison *c, const char *buf, size_t len, char *err,
		      size_t errlen)
{
	struct json *j = json_parse(buf, len, err, errlen);
	const struct json *sides, *rows, *diffs, *ci, *sum, *ch;
	int64_t schema;
	uint64_t u;
	size_t i;
	int ret = -EINVAL;

	comparison_init(c);
	if (!j)
		return -EINVAL;
	if (json_get_i64(j, "schema", &schema) || !json_get_str(j, "kind") ||
	    strcmp(json_get_str(j, "kind"), "patchbench-compare")) {
		snprintf(err, errlen, "not a patchbench compare JSON (no \"schema\" and \"kind\")");
		goto out;
	}
	if (schema > COMPARE_SCHEMA) {
		snprintf(err, errlen, "compare JSON schema %lld is newer than this patchbench (%d)",
			 (long long)schema, COMPARE_SCHEMA);
		goto out;
	}
	ci = json_get(j, "ci");
	c->level = json_get_num(ci, "level", COMPARE_LEVEL);
	ret = name_index(ci_choices, ARRAY_SIZE(ci_choices), json_get_str(ci, "choice"));
	c->ci = ret < 0 ? CI_CHOICE_AUTO : (enum ci_choice)ret;
	ret = -EINVAL;
	if (!json_get_u64(ci, "bootstrap_iters", &u))
		c->iters = (unsigned)u;
	json_get_u64(ci, "seed", &c->seed);
	if (!json_get_u64(ci, "pairs", &u))
		c->pairs = u;
	if (!json_get_u64(json_get(ci, "family"), "rows", &u))
		c->family_rows = u;
	c->noise_src = dup_str(j, "noise");
	json_get_bool(j, "forced", &c->forced);
	if (!json_get_u64(j, "perf_top", &u))
		c->perf_top = u;
	if (!json_get_u64(j, "perf_total", &u))
		c->perf_total = u;
	diffs = json_get(j, "input_differences");
	for (i = 0; diffs && diffs->type == JSON_ARRAY && i < diffs->n; i++) {
		if (diffs->items[i]->type != JSON_STRING)
			continue;
		c->diffs = xrealloc(c->diffs, (c->ndiffs + 1) * sizeof(*c->diffs));
		c->diffs[c->ndiffs++] = xstrdup(diffs->items[i]->str);
	}
	sides = json_get(j, "sides");
	if (!json_get(sides, "A") || !json_get(sides, "B")) {
		snprintf(err, errlen, "no \"sides\" A and B");
		goto out;
	}
	ret = side_from_json(&c->a, json_get(sides, "A"), err, errlen);
	if (!ret)
		ret = side_from_json(&c->b, json_get(sides, "B"), err, errlen);
	if (ret)
		goto out;
	ret = -EINVAL;
	if (!c->a.n || !c->b.n) {
		snprintf(err, errlen, "a side has no runs");
		goto out;
	}
	/* "env" is what the runs' metas give: computed again, not read */
	envdiff_compute(&c->env, c->a.metas, c->a.n, c->b.metas, c->b.n);
	sum = json_get(j, "summary");
	if (!json_get_u64(sum, "regressions", &u))
		c->nreg = u;
	if (!json_get_u64(sum, "improvements", &u))
		c->nimp = u;
	if (!json_get_u64(sum, "no_change", &u))
		c->nsame = u;
	if (!json_get_u64(sum, "no_verdict", &u))
		c->nnone = u;
	rows = json_get(j, "metrics");
	if (!rows || rows->type != JSON_ARRAY) {
		snprintf(err, errlen, "no \"metrics\" array");
		goto out;
	}
	c->rows = xcalloc(rows->n + 1, sizeof(*c->rows));
	for (i = 0; i < rows->n; i++) {
		ret = row_from_json(&c->rows[i], rows->items[i], err, errlen);
		c->nrows++;
		if (ret)
			goto out;
	}
	/* what else changed: the listed rows (the others were not written; keys counts them) */
	ch = json_get(j, "changed");
	if (ch && ch->type == JSON_OBJECT) {
		const struct json *cr = json_get(ch, "rows");
		uint64_t keys = 0;

		if (!cr || cr->type != JSON_ARRAY || json_get_u64(ch, "keys", &keys) ||
		    keys < cr->n || keys > SIZE_MAX) {
			snprintf(err, errlen, "\"changed\" without \"rows\" and \"keys\" (at least "
				 "as many as rows)");
			goto out;
		}
		c->changed = xcalloc(cr->n + 1, sizeof(*c->changed));
		c->nchanged_all = (size_t)keys;
		for (i = 0; i < cr->n; i++) {
			ret = row_from_json(&c->changed[i], cr->items[i], err, errlen);
			c->nchanged++;
			c->nchanged_rows++;
			if (ret)
				goto out;
		}
		if (!json_get_u64(ch, "text_top", &u))
			c->changed_top = u;
		ret = -EINVAL;
	}
	ret = 0;
out:
	json_free(j);
	return ret;
}
