// SPDX-License-Identifier: GPL-2.0
/*
 * statdelta.c - the deltas of "what else changed" (statdelta.h) from two
 * readings of each file, and stat-delta.tsv.
 */
#include "statdelta.h"
#include "memstat.h"
#include "tsv.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void statdelta_init(struct statdelta *d)
{
	memset(d, 0, sizeof(*d));
}

void statdelta_release(struct statdelta *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->v[i].source);
		free(d->v[i].cgroup);
		free(d->v[i].key);
	}
	free(d->v);
	statdelta_init(d);
}

static void add_row(struct statdelta *d, const char *source, const char *cgroup, int level,
		    const char *key, size_t keylen, int64_t before, int64_t after)
{
	struct statdelta_row *r;

	if (d->n == d->alloc) {
		d->alloc = d->alloc ? 2 * d->alloc : 256;
		d->v = xrealloc(d->v, d->alloc * sizeof(*d->v));
	}
	r = &d->v[d->n++];
	r->source = xstrdup(source);
	r->cgroup = xstrdup(cgroup);
	r->level = level;
	r->key = xstrndup(key, keylen);
	r->before = before;
	r->after = after;
	r->delta = after - before;
}

/* The value of the key @k of @l (a linear search: files have at most a few hundred keys). */
static const struct kv *find(const struct kvlist *l, const struct kv *k, size_t hint)
{
	size_t i;

	/* the readings of one file list their keys in the same order */
	if (hint < l->n && l->v[hint].keylen == k->keylen &&
	    !memcmp(l->v[hint].key, k->key, k->keylen))
		return &l->v[hint];
	for (i = 0; i < l->n; i++)
		if (l->v[i].keylen == k->keylen && !memcmp(l->v[i].key, k->key, k->keylen))
			return &l->v[i];
	return NULL;
}

int statdelta_add_kv(struct statdelta *d, const char *source, const char *cgroup, int level,
		     const char *before, size_t blen, const char *after, size_t alen, char *err,
		     size_t errlen)
{
	struct kvlist b, a;
	char perr[160];
	size_t i;
	int ret;

	kvlist_init(&b);
	kvlist_init(&a);
	ret = memstat_parse(before, blen, &b, perr, sizeof(perr));
	if (ret) {
		snprintf(err, errlen, "%s of '%s' at the window's start: %s", source, cgroup, perr);
		goto out;
	}
	ret = memstat_parse(after, alen, &a, perr, sizeof(perr));
	if (ret) {
		snprintf(err, errlen, "%s of '%s' at the window's end: %s", source, cgroup, perr);
		goto out;
	}
	for (i = 0; i < a.n; i++) {
		const struct kv *k = find(&b, &a.v[i], i);

		if (k)
			add_row(d, source, cgroup, level, a.v[i].key, a.v[i].keylen, k->val,
				a.v[i].val);
	}
out:
	kvlist_release(&b);
	kvlist_release(&a);
	return ret;
}

/* One decimal integer, with an optional final newline. */
static int one_number(const char *buf, size_t len, int64_t *v)
{
	char tmp[32];
	char *end;

	if (len && buf[len - 1] == '\n')
		len--;
	if (!len || len >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, buf, len);
	tmp[len] = '\0';
	if (tmp[0] != '-' && (tmp[0] < '0' || tmp[0] > '9'))
		return -EINVAL;
	errno = 0;
	*v = strtoll(tmp, &end, 10);
	return errno || *end ? -EINVAL : 0;
}

int statdelta_add_num(struct statdelta *d, const char *source, const char *cgroup, int level,
		      const char *key, const char *before, size_t blen, const char *after,
		      size_t alen, char *err, size_t errlen)
{
	const char *bad = NULL;
	size_t badlen = 0;
	int64_t b, a;

	if (one_number(before, blen, &b)) {
		bad = before;
		badlen = blen;
	} else if (one_number(after, alen, &a)) {
		bad = after;
		badlen = alen;
	}
	if (bad) {
		if (badlen && bad[badlen - 1] == '\n')
			badlen--;
		snprintf(err, errlen, "%s of '%s': '%.*s' is not a number", source, cgroup,
			 (int)(badlen > 20 ? 20 : badlen), bad);
		return -EINVAL;
	}
	add_row(d, source, cgroup, level, key, strlen(key), b, a);
	return 0;
}

static const char *const cols[] = { "source", "cgroup", "level", "key", "before", "after",
				    "delta", NULL };

int statdelta_write(const struct statdelta *d, const char *path)
{
	struct tsv_writer w;
	size_t i;
	int ret = tsv_writer_open(&w, path, cols);

	if (ret)
		return ret;
	for (i = 0; i < d->n; i++) {
		const struct statdelta_row *r = &d->v[i];

		tsv_put_str(&w, r->source);
		tsv_put_str(&w, r->cgroup);
		tsv_put_i64(&w, r->level);
		tsv_put_str(&w, r->key);
		tsv_put_i64(&w, r->before);
		tsv_put_i64(&w, r->after);
		tsv_put_i64(&w, r->delta);
		tsv_end_row(&w);
	}
	return tsv_writer_commit(&w);
}
