// SPDX-License-Identifier: GPL-2.0
/*
 * cmp-format.c - compare's table of writers: the one place that knows both
 * the comparison and its four formatters.
 */
#include "cmp-format.h"
#include "report-compare.h"

static int write_text(const void *c, FILE *out, char *err, size_t errlen)
{
	compare_print_text(c, out);
	return 0;
}

static int write_md(const void *c, FILE *out, char *err, size_t errlen)
{
	compare_print_md(c, out);
	return 0;
}

static int write_json(const void *c, FILE *out, char *err, size_t errlen)
{
	struct strbuf sb = STRBUF_INIT;

	compare_to_json(c, &sb);
	fprintf(out, "%s\n", sb.buf);
	sb_release(&sb);
	return 0;
}

static int write_html(const void *c, FILE *out, char *err, size_t errlen)
{
	return compare_print_html(c, out, err, errlen);
}

static const struct out_writer compare_writers[] = {
	{ FMT_TEXT, write_text }, { FMT_MD, write_md }, { FMT_JSON, write_json },
	{ FMT_HTML, write_html }, { 0 },
};

int compare_print(const struct comparison *c, enum out_format fmt, FILE *out, char *err,
		  size_t errlen)
{
	return out_format_write(compare_writers, fmt, c, out, err, errlen);
}
