// SPDX-License-Identifier: GPL-2.0
/*
 * memstat.c - parse memory.stat and /proc/vmstat: "key value" per line.
 *
 * This runs once per cgroup per sample, so it parses in place without
 * allocating and without sscanf.
 */
#include "memstat.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void kvlist_init(struct kvlist *l)
{
	l->v = NULL;
	l->n = l->alloc = 0;
}

void kvlist_release(struct kvlist *l)
{
	if (!l)
		return;
	free(l->v);
	kvlist_init(l);
}

static void report(char *err, size_t errlen, unsigned line, const char *s, size_t n)
{
	if (n > 80)
		n = 80;
	snprintf(err, errlen, "malformed line %u: '%.*s'", line, (int)n, s);
}

int memstat_parse(const char *buf, size_t len, struct kvlist *out, char *err, size_t errlen)
{
	const char *p = buf, *end = buf + len;
	unsigned line = 0;

	out->n = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p), *k = p, *s;
		const char *le = nl ? nl : end;
		uint64_t v = 0;
		bool neg = false;
		uint32_t keylen;
		struct kv *e;

		line++;
		if (le == p) {		/* empty line */
			p = le + 1;
			continue;
		}
		for (s = p; s < le && *s != ' '; s++)
			;
		if (s == k || s >= le - 1 || s[1] == ' ') {
			report(err, errlen, line, p, le - p);
			return -EINVAL;
		}
		keylen = (uint32_t)(s - k);
		s++;
		if (*s == '-') {
			neg = true;
			s++;
		}
		if (s == le) {
			report(err, errlen, line, p, le - p);
			return -EINVAL;
		}
		for (; s < le; s++) {
			/* a value that does not fit 64 bits is not one the kernel printed */
			if (*s < '0' || *s > '9' ||
			    v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10) {
				report(err, errlen, line, p, le - p);
				return -EINVAL;
			}
			v = v * 10 + (uint64_t)(*s - '0');
		}
		/* the kernel prints signed values with %ld: none is below INT64_MIN */
		if (neg && v > (uint64_t)INT64_MAX + 1) {
			report(err, errlen, line, p, le - p);
			return -EINVAL;
		}
		if (out->n == out->alloc) {
			out->alloc = out->alloc ? 2 * out->alloc : 64;
			out->v = xrealloc(out->v, out->alloc * sizeof(*out->v));
		}
		e = &out->v[out->n++];
		e->key = k;
		e->keylen = keylen;
		e->val = (int64_t)(neg ? 0 - v : v);	/* unsigned: -2^63 does not overflow */
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int kv_get(const struct kvlist *l, const char *key, int64_t *val)
{
	size_t len = strlen(key), i;

	for (i = 0; i < l->n; i++) {
		if (l->v[i].keylen == len && !memcmp(l->v[i].key, key, len)) {
			*val = l->v[i].val;
			return 0;
		}
	}
	return -ENOENT;
}

int64_t kv_val(const struct kvlist *l, const char *key)
{
	int64_t v = 0;

	kv_get(l, key, &v);
	return v;
}

bool kv_has(const struct kvlist *l, const char *key)
{
	int64_t v;

	return kv_get(l, key, &v) == 0;
}
