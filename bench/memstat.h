/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PB_MEMSTAT_H
#define PB_MEMSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * One "key value" line of memory.stat (v1 or v2) or /proc/vmstat.
 * @key points into the buffer that was parsed and is not NUL-terminated.
 */
struct kv {
	const char *key;
	uint32_t keylen;
	int64_t val;
};

struct kvlist {
	struct kv *v;
	size_t n, alloc;
};

void kvlist_init(struct kvlist *l);
void kvlist_release(struct kvlist *l);

/*
 * memstat_parse - parse memory.stat or /proc/vmstat text.
 * Keys the parser has never heard of are kept (newer kernels add keys).
 * The entries point into @buf, which must outlive @out's use.
 * Returns 0, or -EINVAL for a malformed line, with "line N: 'text'" in @err.
 */
int memstat_parse(const char *buf, size_t len, struct kvlist *out, char *err, size_t errlen);

/* Value of @key, or -ENOENT. */
int kv_get(const struct kvlist *l, const char *key, int64_t *val);
/* Value of @key or 0 if absent. */
int64_t kv_val(const struct kvlist *l, const char *key);
bool kv_has(const struct kvlist *l, const char *key);

#endif
