// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-tsv.c - tsv_parse() on any text, then every cell through tsv_get()
 * and tsv_get_num(), and every column name through tsv_col().
 */
#include "fuzz.h"
#include "tsv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tsv t = { 0 };
	char *buf = fuzz_str(data, size), err[256];
	size_t r, c;

	/* tsv_parse() takes ownership of @buf, also on failure */
	if (!tsv_parse(&t, buf, size, err, sizeof(err))) {
		for (c = 0; c < t.ncols; c++)
			if (tsv_col(&t, t.cols[c]) < 0)
				abort();
		tsv_col(&t, "no such column");
		for (r = 0; r < t.nrows; r++)
			for (c = 0; c <= t.ncols; c++) {
				tsv_get(&t, r, (int)c);
				tsv_get_num(&t, r, (int)c);
			}
		tsv_get(&t, t.nrows, 0);
		tsv_get(&t, 0, -1);
	}
	tsv_release(&t);
	return 0;
}
