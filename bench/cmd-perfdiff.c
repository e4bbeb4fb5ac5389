// SPDX-License-Identifier: GPL-2.0
/*
 * cmd-perfdiff.c - "patchbench perfdiff A B": the per-symbol overhead table
 * of the cover letter, between two result directories or two groups of
 * repeats.
 */
#include "builtin.h"
#include "format.h"
#include "options.h"
#include "perfdiff.h"
#include "util.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct perfdiff_opts {
	int top;
	bool kernel_only;
	char *format;
};

static const struct option perfdiff_options[] = {
	{ "top", 'n', OPT_INT, offsetof(struct perfdiff_opts, top), "10", "N",
	  "symbols to show, largest |delta| first (0: all)", NULL, 0, 1000000 },
	{ "kernel-only", 'k', OPT_BOOL, offsetof(struct perfdiff_opts, kernel_only), NULL, NULL,
	  "only kernel ([k]) symbols" },
	{ "format", 'F', OPT_CHOICE, offsetof(struct perfdiff_opts, format), "text", "FMT",
	  "output format", out_formats_text_tsv_json },
	{ NULL },
};

int cmd_perfdiff(int argc, char **argv)
{
	struct perfdiff_opts o = { 0 };
	struct opt_cmd cmd = {
		.name = "perfdiff",
		.usage = "patchbench perfdiff [--top N] [--kernel-only] [--format text|tsv|json] A B",
		.summary = "Per-symbol overhead of B against A (the cover letter's perf diff table).\n"
			   "A and B are result directories of runs made with --perf, or directories\n"
			   "holding several of them (repeats: baseline and delta are means, and a\n"
			   "±σ column appears with 2+ runs per side). Symbols are matched by their\n"
			   "names without compiler clone suffixes (.isra.N, .constprop.N, .part.N,\n"
			   ".cold); a symbol missing on one side counts 0.00 there.",
		.opts = perfdiff_options,
	};
	struct perfdiff_input a, b;
	struct perfdiff d;
	char err[256];
	int i, fmt, ret = 2;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	i = opt_parse(&cmd, &o, argc, argv);
	if (i == -2)
		return 0;
	if (i < 0)
		return 2;
	if (argc - i != 2) {
		pr_err("perfdiff needs two result directories (usage: %s)", cmd.usage);
		goto out;
	}
	fmt = out_format_parse(o.format, out_formats_text_tsv_json, err, sizeof(err));
	if (fmt < 0) {
		pr_err("%s", err);
		goto out;
	}
	if (perfdiff_input_load(&a, argv[i]) || perfdiff_input_load(&b, argv[i + 1]))
		goto out;
	perfdiff_compute(a.runs, a.info.n, b.runs, b.info.n, o.kernel_only, &d);
	if (!perfdiff_print(&d, &a.info, &b.info, (size_t)o.top, o.kernel_only, fmt, stdout))
		ret = 0;
	perfdiff_release(&d);
out:
	perfdiff_input_release(&a);
	perfdiff_input_release(&b);
	opt_release(perfdiff_options, &o);
	return ret;
}
