// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-perfsym-report.c - perfsym_parse_report() on any text (the output of
 * perf report --stdio), then sorting the profile as perfdiff does.
 */
#include "fuzz.h"
#include "perfsym.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perfsym_list l;
	char err[256];

	perfsym_list_init(&l);
	if (!perfsym_parse_report((const char *)data, size, &l, err, sizeof(err)))
		perfsym_sort(&l);
	perfsym_list_release(&l);
	return 0;
}
