// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-kseries.c - kseries_parse() on any text (the "series" file of a patch
 * series), and kbuild_name_ok() on the input as a kernel name.
 */
#include "fuzz.h"
#include "kbuild.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char **names = NULL, err[512], *s;
	int n = kseries_parse((const char *)data, size, &names, err, sizeof(err));

	if (n >= 0) {
		if (!names || (size_t)n != strv_len(names))
			abort();	/* the count returned is the list's */
		strv_free(names);
	}
	s = fuzz_str(data, size);
	kbuild_name_ok(s);
	free(s);
	return 0;
}
