// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-hyperfine.c - readcost_hyperfine_parse() on any text (hyperfine's
 * --export-json file of the readcost workload), then readcost_summarize() of
 * the times it read.
 */
#include "fuzz.h"
#include "readcost.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct readcost_hf hf = { 0 };
	struct readcost_sum s;
	char err[256];

	if (!readcost_hyperfine_parse((const char *)data, size, &hf, err, sizeof(err))) {
		readcost_summarize(hf.times, hf.ntimes, &s);
		readcost_hf_release(&hf);
	}
	return 0;
}
