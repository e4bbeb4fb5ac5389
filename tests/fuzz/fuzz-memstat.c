// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-memstat.c - memstat_parse() on memory.stat and /proc/vmstat text, then
 * kv_get() of every key it returned and of a few absent ones.
 */
#include "fuzz.h"
#include "memstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kvlist l;
	char err[256];
	int64_t v;
	size_t i;

	kvlist_init(&l);
	if (!memstat_parse((const char *)data, size, &l, err, sizeof(err))) {
		for (i = 0; i < l.n; i++) {
			char *key = xstrndup(l.v[i].key, l.v[i].keylen);

			/* a key the parser returned must be found (unless a NUL cuts it) */
			if (strlen(key) == l.v[i].keylen && kv_get(&l, key, &v))
				abort();
			free(key);
		}
		kv_val(&l, "anon");
		kv_has(&l, "");
	}
	kvlist_release(&l);
	return 0;
}
