// SPDX-License-Identifier: GPL-2.0
/*
 * t-format.c - unit tests for lib/format.c: every choice list parses to
 * its formats in the names table's order, a value outside a list is
 * refused with the option parser's own message (so a command that checks
 * twice says the same thing), and out_format_write() calls the writer of
 * the format and no other.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "options.h"
#include "tap.h"

static const struct {
	const char *const *list;
	const char *want;	/* the names, in order */
} lists[] = {
	{ out_formats_text_json, "text json" },
	{ out_formats_text_tsv_json, "text tsv json" },
	{ out_formats_text_md_json_html, "text md json html" },
};

/*
 * Method: join each list's names, and parse each one back.
 * Pass: the names are the ones the commands printed before the table
 * (their --help and error messages show them), every one parses to the
 * format of that name, and the formats rise (the names table's order).
 */
static void test_lists(void)
{
	size_t i, k;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		char got[64] = "";
		int prev = -1;
		bool ok = true;

		for (k = 0; lists[i].list[k]; k++) {
			int f = out_format_parse(lists[i].list[k], lists[i].list, NULL, 0);

			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", k ? " " : "",
				 lists[i].list[k]);
			ok = ok && f > prev && !strcmp(out_format_name(f), lists[i].list[k]);
			prev = f;
		}
		tap_ok(!strcmp(got, lists[i].want) && ok, "list '%s': each name parses, in order",
		       got);
	}
	tap_ok(!strcmp(out_format_name(FMT_NR), "?"), "no name past the table");
}

/* opt_set()'s message for @value of an OPT_CHOICE --format over @list, without its prefix. */
static char *opt_message(const char *const *list, const char *value)
{
	struct option o = { "format", 'F', OPT_CHOICE, 0, NULL, "FMT", "", list };
	char *field = NULL, *buf = NULL, *msg;
	const char *p;
	size_t len = 0;
	FILE *saved = stderr;

	stderr = open_memstream(&buf, &len);
	opt_set(&o, &field, value);
	fclose(stderr);
	stderr = saved;
	free(field);
	p = buf ? strstr(buf, "error: ") : NULL;
	msg = strdup(p ? p + strlen("error: ") : "");
	if (strchr(msg, '\n'))
		*strchr(msg, '\n') = '\0';
	free(buf);
	return msg;
}

/*
 * Method: a name outside the list ("md" for text|json, "xml", "", NULL).
 * Pass: -EINVAL, and the message is what opt_set() prints for the same
 * value of an OPT_CHOICE over the same list.
 */
static void test_refused(void)
{
	const char *bad[] = { "md", "xml", "" };
	char err[256];
	size_t i, k;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
			char *want;
			int f = out_format_parse(bad[k], lists[i].list, err, sizeof(err));

			if (f >= 0 && !strcmp(bad[k], "md"))
				continue;	/* compare has md */
			want = opt_message(lists[i].list, bad[k]);
			tap_ok(f == -EINVAL && !strcmp(err, want), "'%s' for %s: '%s' (want '%s')",
			       bad[k], lists[i].want, err, want);
			free(want);
		}
	}
	tap_ok(out_format_parse(NULL, out_formats_text_json, err, sizeof(err)) == -EINVAL,
	       "NULL is no format: %s", err);
}

static int calls[FMT_NR];

static int count_call(const void *data, FILE *out, char *err, size_t errlen)
{
	calls[*(const enum out_format *)data]++;
	return 0;
}

static int fail(const void *data, FILE *out, char *err, size_t errlen)
{
	snprintf(err, errlen, "writer failed");
	return -EIO;
}

/*
 * Method: a table of two writers and one that fails.
 * Pass: each format calls its own writer once, a writer's error comes
 * back as it is, and a format without a writer is -EINVAL with a reason.
 */
static void test_write(void)
{
	static const struct out_writer w[] = {
		{ FMT_TEXT, count_call }, { FMT_TSV, count_call }, { FMT_HTML, fail }, { 0 },
	};
	enum out_format f;
	char err[128] = "";
	int r1, r2, r3;

	f = FMT_TEXT;
	r1 = out_format_write(w, f, &f, stdout, err, sizeof(err));
	f = FMT_TSV;
	r2 = out_format_write(w, f, &f, stdout, err, sizeof(err));
	tap_ok(!r1 && !r2 && calls[FMT_TEXT] == 1 && calls[FMT_TSV] == 1 && !calls[FMT_JSON],
	       "text and tsv: their own writer, once each");
	r3 = out_format_write(w, FMT_HTML, &f, stdout, err, sizeof(err));
	tap_ok(r3 == -EIO && !strcmp(err, "writer failed"), "a writer's error comes back: %s",
	       err);
	f = FMT_JSON;
	r3 = out_format_write(w, f, &f, stdout, err, sizeof(err));
	tap_ok(r3 == -EINVAL && *err && !calls[FMT_JSON], "json without a writer: -EINVAL (%s)",
	       err);
}

int main(void)
{
	tap_plan(4 + 8 + 1 + 3);
	test_lists();
	test_refused();
	test_write();
	return tap_done();
}
