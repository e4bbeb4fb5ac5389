// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-json.c - json_parse() on any text, then the getters on every object
 * of the tree, and a round trip: what json_parse() read, written back with
 * jw_value(), must parse again.
 */
#include "fuzz.h"
#include "json.h"

/* every getter on every member of every object of the tree */
static void walk(const struct json *j)
{
	size_t i;
	int64_t i64;
	uint64_t u64;
	bool b;

	for (i = 0; (j->type == JSON_ARRAY || j->type == JSON_OBJECT) && i < j->n; i++) {
		if (j->type == JSON_OBJECT) {
			json_get_str(j, j->keys[i]);
			json_get_i64(j, j->keys[i], &i64);
			json_get_u64(j, j->keys[i], &u64);
			json_get_bool(j, j->keys[i], &b);
			json_get_num(j, j->keys[i], 0);
			if (!json_get(j, j->keys[i]))
				abort();	/* a key the parser stored must be found */
		}
		walk(j->items[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	struct json *j, *again;
	char err[256];

	j = json_parse((const char *)data, size, err, sizeof(err));
	if (!j)
		return 0;
	walk(j);
	jw_init(&w, &sb);
	jw_value(&w, j);
	again = json_parse(sb.buf ? sb.buf : "", sb.len, err, sizeof(err));
	if (!again)
		abort();	/* our own output must parse */
	json_free(again);
	json_free(j);
	sb_release(&sb);
	return 0;
}
