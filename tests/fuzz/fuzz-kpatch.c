// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-kpatch.c - kpatch_failure(), the summary of GNU patch's output, and
 * kpatch_hunk_header(): the input is patch's output, a NUL byte, then the
 * patch file.
 */
#include "fuzz.h"
#include "kbuild.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *out, *patch;
	size_t outlen, patchlen;
	unsigned n;

	fuzz_split(data, size, &out, &outlen, &patch, &patchlen);
	free(kpatch_failure(out, outlen, patch, patchlen));
	for (n = 0; n < 3; n++)
		free(kpatch_hunk_header(patch, patchlen, "mm/memcontrol.c", n));
	return 0;
}
