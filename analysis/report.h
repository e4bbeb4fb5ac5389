/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PB_REPORT_H
#define PB_REPORT_H

#include <stdio.h>

#include "format.h"

/* The old names, for the callers in bench/ (issue 10: to be FMT_TEXT, FMT_JSON) */
#define REPORT_TEXT FMT_TEXT
#define REPORT_JSON FMT_JSON

/*
 * report_print_dir - print the summary of the run in result directory
 * @dir: drift per check (max, p99, bound, share over the bound), memory.stat
 * read latency per tree level, per-builder wall and CPU time, and where the
 * numbers come from, in @fmt (one of out_formats_text_json). Returns 0, or
 * -errno after printing an error naming the file that is missing or
 * malformed.
 */
int report_print_dir(const char *dir, enum out_format fmt, FILE *out);

/*
 * text_wrap - print @text after @lead, folded at spaces to @width columns;
 * continuation lines start with @indent spaces, a word longer than a line is
 * cut. For reports meant to be pasted into email (report-text.c).
 */
void text_wrap(FILE *out, const char *lead, int indent, const char *text, int width);

#endif
