/* SPDX-License-Identifier: GPL-2.0 */
/*
 * format.h - the output formats of every command (--format), behind one
 * dispatcher (fio's output formats): one names table, the --format choice
 * list of each command drawn from it, one parser, and per command a table
 * of writers { format, write } from which out_format_write() picks.
 *
 *	static const struct out_writer writers[] = {
 *		{ FMT_TEXT, write_text }, { FMT_JSON, write_json }, { 0 },
 *	};
 *	int f = out_format_parse(o.format, out_formats_text_json, err, sizeof(err));
 *	if (f >= 0)
 *		ret = out_format_write(writers, f, &data, stdout, err, sizeof(err));
 */
#ifndef PB_FORMAT_H
#define PB_FORMAT_H

#include <stddef.h>
#include <stdio.h>

/* In the order every choice list and message shows them. */
enum out_format { FMT_TEXT, FMT_MD, FMT_TSV, FMT_JSON, FMT_HTML, FMT_NR };

/*
 * The --format choices (OPT_CHOICE lists, NULL-terminated) of the
 * commands: report, kernels and bench write text or json, perfdiff text,
 * tsv or json, compare text, md, json or html.
 */
extern const char *const out_formats_text_json[];
extern const char *const out_formats_text_tsv_json[];
extern const char *const out_formats_text_md_json_html[];

/* "text", "md", "tsv", "json", "html"; "?" for anything else. */
const char *out_format_name(enum out_format f);

/*
 * out_format_parse - the format named @s, if it is one of @choices
 * Return: the enum out_format, or -EINVAL with "invalid value '%s' for
 * --format: expected one of text, json" (the option parser's message) in
 * @err, when @err is not NULL.
 */
int out_format_parse(const char *s, const char *const *choices, char *err, size_t errlen);

/*
 * One format of a command: @write puts @data (the command's own type) to
 * @out. Returns 0, or -errno with the reason in @err.
 */
struct out_writer {
	enum out_format fmt;
	int (*write)(const void *data, FILE *out, char *err, size_t errlen);
};

/*
 * out_format_write - write @data in format @f with its writer from @writers
 * (ended by an entry whose write is NULL)
 * Return: what the writer returns, or -EINVAL with @err when @writers has
 * none for @f.
 */
int out_format_write(const struct out_writer *writers, enum out_format f, const void *data,
		     FILE *out, char *err, size_t errlen);

#endif
