// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-perfsym-tsv.c - perfsym_load_tsv() on any perf-symbols.tsv, then the
 * profile it read against the fixture run's in perfdiff_compute() and every
 * perfdiff_print() format, as `patchbench perfdiff A B` does.
 */
#include "fuzz.h"
#include "perfdiff.h"
#include "perfsym.h"

static struct perfsym_list base;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum out_format fmts[] = { FMT_TEXT, FMT_TSV, FMT_JSON };
	char *path = xasprintf("%s/perf-symbols.tsv", fuzz_tmpdir()), *dirs[] = { path };
	struct perfdiff_side a = { "A", dirs, 1, "cpu-clock", "a" };
	struct perfdiff_side b = { "B", dirs, 1, "cpu-clock", "b" };
	struct perfsym_list l;
	struct perfdiff d;
	char err[512];
	size_t i;

	if (!base.n) {
		struct strbuf sb = STRBUF_INIT;

		/* the fixture's 40 largest symbols: enough to match, and fast */
		if (read_file(FIXTURES "/results/perf-1/perf-symbols.tsv", &sb))
			abort();
		fuzz_write(path, (const uint8_t *)sb.buf, fuzz_head(sb.buf, sb.len, 41));
		sb_release(&sb);
		if (perfsym_load_tsv(&base, path, err, sizeof(err)))
			abort();
	}
	fuzz_write(path, data, size);
	perfsym_list_init(&l);
	if (!perfsym_load_tsv(&l, path, err, sizeof(err))) {
		for (i = 0; i < 2; i++) {
			perfdiff_compute(&base, 1, &l, 1, i, &d);
			perfdiff_print(&d, &a, &b, 20, i, fmts[(size + i) % 3], fuzz_devnull());
			perfdiff_release(&d);
		}
	}
	perfsym_list_release(&l);
	free(path);
	return 0;
}
