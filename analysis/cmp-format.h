/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cmp-format.h - a comparison (compare.h) in the format the user chose:
 * the dispatch above compare.c and its formatters (report-compare.h).
 */
#ifndef PB_CMP_FORMAT_H
#define PB_CMP_FORMAT_H

#include <stddef.h>
#include <stdio.h>

#include "compare.h"
#include "format.h"

/*
 * compare_print - write @c in @fmt (one of out_formats_text_md_json_html:
 * text fits 72 columns) to @out. html runs gnuplot (plots are
 * left out, with a note, when it is missing). 0 or -errno with @err.
 */
int compare_print(const struct comparison *c, enum out_format fmt, FILE *out, char *err,
		  size_t errlen);

#endif
