/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PB_REPORT_H
#define PB_REPORT_H

#include "wrap.h"		/* text_wrap(), for every text format */

#include <stdio.h>

#include "format.h"

struct run_summary;

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
 * report_print - report_print_dir() of result directory @dir whose summary
 * @s run_summary_load() has loaded already (its drift and latency samples
 * get sorted in place). Returns 0, or -errno with @err; prints no error.
 */
int report_print(struct run_summary *s, const char *dir, enum out_format fmt, FILE *out,
		 char *err, size_t errlen);

#endif
