// SPDX-License-Identifier: GPL-2.0
/*
 * format.c - the one table of output format names, the choice lists made
 * of it, and the dispatch from a format to a command's writer.
 */
#include "format.h"
#include "strbuf.h"

#include <errno.h>
#include <string.h>

/*
 * Rows, not pointers: names[f] is then an address constant, so the choice
 * lists below are made of this table instead of spelling the names again.
 */
static const char names[FMT_NR][5] = {
	[FMT_TEXT] = "text", [FMT_MD] = "md", [FMT_TSV] = "tsv", [FMT_JSON] = "json",
	[FMT_HTML] = "html",
};

const char *const out_formats_text_json[] = { names[FMT_TEXT], names[FMT_JSON], NULL };
const char *const out_formats_text_tsv_json[] = { names[FMT_TEXT], names[FMT_TSV],
						  names[FMT_JSON], NULL };
const char *const out_formats_text_md_json_html[] = { names[FMT_TEXT], names[FMT_MD],
						      names[FMT_JSON], names[FMT_HTML], NULL };

const char *out_format_name(enum out_format f)
{
	return (unsigned)f < FMT_NR ? names[f] : "?";
}

int out_format_parse(const char *s, const char *const *choices, char *err, size_t errlen)
{
	struct strbuf sb = STRBUF_INIT;
	const char *const *c;
	int f;

	for (c = choices; s && *c; c++) {
		if (strcmp(*c, s))
			continue;
		for (f = 0; f < FMT_NR; f++)
			if (!strcmp(names[f], s))
				return f;
	}
	if (err) {
		/* the words of options.c's OPT_CHOICE error, so both read the same */
		sb_adds(&sb, "expected one of");
		for (c = choices; *c; c++)
			sb_addf(&sb, "%s %s", c == choices ? "" : ",", *c);
		snprintf(err, errlen, "invalid value '%s' for --format: %s", s ? s : "", sb.buf);
		sb_release(&sb);
	}
	return -EINVAL;
}

int out_format_write(const struct out_writer *writers, enum out_format f, const void *data,
		     FILE *out, char *err, size_t errlen)
{
	const struct out_writer *w;

	for (w = writers; w->write; w++)
		if (w->fmt == f)
			return w->write(data, out, err, errlen);
	snprintf(err, errlen, "no %s output here", out_format_name(f));
	return -EINVAL;
}
