/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report-compare.h - the formatters of a comparison, one file a format:
 * report-text.c, report-md.c, report-json.c (and its reader), report-html.c.
 * They depend on compare.h's types; compare.c knows none of them, and
 * cmp-format.c picks one by --format.
 */
#ifndef PB_REPORT_COMPARE_H
#define PB_REPORT_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#include "compare.h"
#include "strbuf.h"

/* The comparison as 72-column text (report-text.c). */
void compare_print_text(const struct comparison *c, FILE *out);
/* The comparison as Markdown tables (report-md.c). */
void compare_print_md(const struct comparison *c, FILE *out);
/* Append @c as one JSON document, COMPARE_SCHEMA, no final newline (report-json.c). */
void compare_to_json(const struct comparison *c, struct strbuf *sb);
/*
 * compare_print_html - one self-contained HTML file with gnuplot SVG
 * (report-html.c). 0, or -errno with @err.
 */
int compare_print_html(const struct comparison *c, FILE *out, char *err, size_t errlen);

/*
 * compare_from_json - read back what compare_to_json() wrote, into @c
 * (release with comparison_release()). 0 or -EINVAL with @err.
 */
int compare_from_json(struct comparison *c, const char *buf, size_t len, char *err,
		      size_t errlen);

#endif
