// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-kconfig.c - kconfig_check() of a config fragment against a .config:
 * the input is the fragment, a NUL byte, then the .config.
 */
#include "fuzz.h"
#include "kbuild.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf missing = STRBUF_INIT;
	const char *frag, *cfg;
	size_t fraglen, cfglen;
	unsigned checked = 0, miss;

	fuzz_split(data, size, &frag, &fraglen, &cfg, &cfglen);
	miss = kconfig_check(frag, fraglen, cfg, cfglen, &missing, &checked);
	if (miss > checked)
		abort();	/* more options missing than were checked */
	sb_release(&missing);
	/* a config always has what it asks for itself */
	miss = kconfig_check(frag, fraglen, frag, fraglen, &missing, &checked);
	sb_release(&missing);
	return 0;
}
