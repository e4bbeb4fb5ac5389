// SPDX-License-Identifier: GPL-2.0
/*
 * envdiff.c - the environment differences of two sides of runs (envdiff.h).
 * A handful of runs with some 60 keys each: plain linear searches suffice.
 */
#include "envdiff.h"
#include "strbuf.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

const char *const envdiff_refusing[] = { "cpu_model", "qemu", "cpufreq_governor", NULL };

/* The flattened env of one run (meta_env_pairs()); @recorded false: the run has none. */
struct run_pairs {
	bool recorded;
	struct meta_param *p;
	size_t n;
};

static const char *pairs_get(const struct run_pairs *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (!strcmp(r->p[i].key, key))
			return r->p[i].value;
	return NULL;
}

static bool in_list(char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

/* Add @s to the values @v (@n) unless it is there. */
static void add_value(char ***v, size_t *n, const char *s)
{
	if (in_list(*v, *n, s))
		return;
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
}

/* Every value of @x is in @y (with @recorded, not counting the unrecorded). */
static bool subset(char *const *x, size_t nx, char *const *y, size_t ny, bool recorded)
{
	size_t i;

	for (i = 0; i < nx; i++)
		if ((!recorded || strcmp(x[i], ENVDIFF_UNRECORDED)) && !in_list(y, ny, x[i]))
			return false;
	return true;
}

static bool has_recorded(char *const *v, size_t n)
{
	return n > 1 || (n == 1 && strcmp(v[0], ENVDIFF_UNRECORDED));
}

static bool is_refusing(const char *key)
{
	const char *const *r;

	for (r = envdiff_refusing; *r; r++)
		if (!strcmp(*r, key))
			return true;
	return false;
}

static void key_release(struct env_key_diff *k)
{
	strv_free(k->a);
	strv_free(k->b);
	free(k->key);
}

/* The values of @key in @runs (@n of them, @na of side A) into @k. */
static void key_values(struct env_key_diff *k, const char *key, const struct run_pairs *runs,
		       size_t n, size_t na)
{
	size_t i;

	memset(k, 0, sizeof(*k));
	k->key = xstrdup(key);
	for (i = 0; i < n; i++) {
		const char *v = pairs_get(&runs[i], key);

		if (!runs[i].recorded)
			continue;	/* older than env: left out */
		if (i < na)
			add_value(&k->a, &k->na, v ? v : ENVDIFF_UNRECORDED);
		else
			add_value(&k->b, &k->nb, v ? v : ENVDIFF_UNRECORDED);
	}
	/* strv_free() wants a NULL at the end */
	k->a = xrealloc(k->a, (k->na + 1) * sizeof(*k->a));
	k->a[k->na] = NULL;
	k->b = xrealloc(k->b, (k->nb + 1) * sizeof(*k->b));
	k->b[k->nb] = NULL;
	k->between = k->na && k->nb &&
		     (k->na != k->nb || !subset(k->a, k->na, k->b, k->nb, false));
	k->refuses = is_refusing(key) && has_recorded(k->a, k->na) && has_recorded(k->b, k->nb) &&
		     !(subset(k->a, k->na, k->b, k->nb, true) && subset(k->b, k->nb, k->a, k->na, true));
}

void envdiff_compute(struct env_diff *d, const struct meta *a, size_t na, const struct meta *b,
		     size_t nb)
{
	struct run_pairs *runs = xcalloc(na + nb + 1, sizeof(*runs));
	char **keys = NULL;
	size_t nkeys = 0, i, k;

	envdiff_release(d);
	for (i = 0; i < na + nb; i++) {
		const struct meta *m = i < na ? &a[i] : &b[i - na];

		if (!m->env)
			continue;
		runs[i].recorded = true;
		runs[i].n = meta_env_pairs(m->env, &runs[i].p);
		for (k = 0; k < runs[i].n; k++)
			add_value(&keys, &nkeys, runs[i].p[k].key);
	}
	for (k = 0; k < nkeys; k++) {
		struct env_key_diff kd;

		key_values(&kd, keys[k], runs, na + nb, na);
		if (kd.na <= 1 && kd.nb <= 1 && !kd.between) {
			key_release(&kd);	/* one value wherever recorded */
			continue;
		}
		d->keys = xrealloc(d->keys, (d->n + 1) * sizeof(*d->keys));
		d->keys[d->n++] = kd;
	}
	for (i = 0; i < na + nb; i++) {
		for (k = 0; k < runs[i].n; k++) {
			free(runs[i].p[k].key);
			free(runs[i].p[k].value);
		}
		free(runs[i].p);
	}
	for (k = 0; k < nkeys; k++)
		free(keys[k]);
	free(keys);
	free(runs);
}

void envdiff_release(struct env_diff *d)
{
	size_t i;

	for (i = 0; d && i < d->n; i++)
		key_release(&d->keys[i]);
	if (d) {
		free(d->keys);
		memset(d, 0, sizeof(*d));
	}
}

const struct env_key_diff *envdiff_refused(const struct env_diff *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->keys[i].refuses)
			return &d->keys[i];
	return NULL;
}

/* "'x', 'y'" */
static void add_quoted(struct strbuf *sb, char *const *v, size_t n)
{
	size_t i;

	if (!n)
		sb_adds(sb, ENVDIFF_UNRECORDED);
	for (i = 0; i < n; i++) {
		bool plain = !strcmp(v[i], ENVDIFF_UNRECORDED);

		sb_addf(sb, "%s%s%s%s", i ? ", " : "", plain ? "" : "'", v[i], plain ? "" : "'");
	}
}

/* "cpu_model 'x' (A) vs 'y' (B)" with @sep between the key and its values */
static void add_key(struct strbuf *sb, const struct env_key_diff *k, const char *sep)
{
	sb_addf(sb, "%s%s", k->key, sep);
	add_quoted(sb, k->a, k->na);
	sb_adds(sb, " (A) vs ");
	add_quoted(sb, k->b, k->nb);
	sb_adds(sb, " (B)");
}

char *envdiff_line(const struct env_key_diff *k)
{
	struct strbuf sb = STRBUF_INIT;

	add_key(&sb, k, ": ");
	if (!k->between)
		sb_adds(&sb, ", within a side");
	if (k->refuses)
		sb_adds(&sb, ": refuses without --force");
	return sb_detach(&sb);
}

char *envdiff_refusal(const struct env_diff *d)
{
	const struct env_key_diff *k = envdiff_refused(d);
	struct strbuf sb = STRBUF_INIT;
	size_t i, more = 0;

	if (!k)
		return NULL;
	for (i = 0; i < d->n; i++)
		more += d->keys[i].refuses && &d->keys[i] != k;
	sb_adds(&sb, "the sides ran on different machines: ");
	add_key(&sb, k, " ");
	if (more)
		sb_addf(&sb, ", and %zu more key%s", more, more == 1 ? "" : "s");
	return sb_detach(&sb);
}
