// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-meta.c - meta_from_json() on any text (meta.json of a result
 * directory), and a round trip of what it accepted through meta_to_json().
 */
#include "fuzz.h"
#include "resultdir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf sb = STRBUF_INIT;
	struct meta m, again;
	char err[256];

	meta_init(&m);
	meta_init(&again);
	if (!meta_from_json(&m, (const char *)data, size, err, sizeof(err))) {
		meta_to_json(&m, &sb);
		if (meta_from_json(&again, sb.buf, sb.len, err, sizeof(err)))
			abort();	/* our own meta.json must load */
	}
	meta_release(&again);
	meta_release(&m);
	sb_release(&sb);
	return 0;
}
