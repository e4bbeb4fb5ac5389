/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cmp-print.h - for the unit tests of compare's formats: a comparison
 * printed into a string.
 */
#ifndef PB_TESTS_CMP_PRINT_H
#define PB_TESTS_CMP_PRINT_H

#include <stdio.h>

#include "cmp-format.h"

/* @c in format @fmt (compare_print()); the caller frees the string. */
static inline char *print_to_string(const struct comparison *c, enum out_format fmt)
{
	char *buf = NULL, err[256];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	compare_print(c, fmt, f, err, sizeof(err));
	fclose(f);
	return buf;
}

#endif
