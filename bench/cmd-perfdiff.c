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
	char *event;
};

static const char *const event_choices[] = { "perf", "insn", NULL };

static const struct option perfdiff_options[] = {
	{ "top", 'n', OPT_INT, offsetof(struct perfdiff_opts, top), "10", "N",
	  "symbols to show, largest |delta| first (0: all)", NULL, 0, 1000000 },
	{ "kernel-only", 'k', OPT_BOOL, offsetof(struct perfdiff_opts, kernel_only), NULL, NULL,
	  "only kernel ([k]) symbols" },
	{ "format", 'F', OPT_CHOICE, offsetof(struct perfdiff_opts, format), "text", "FMT",
	  "output format", out_formats_text_tsv_json },
	{ "event", 'e', OPT_CHOICE, offsetof(struct perfdiff_opts, event), "perf", "SRC",
	  "perf: the runs' perf profiles; insn: their guest instruction counts (insn-symbols.tsv "
	  "of a vm run under TCG), with the change in instructions per symbol", event_choices },
	{ NULL },
};

int cmd_perfdiff(int argc, char **argv)
{
	struct perfdiff_opts o = { 0 };
	struct opt_cmd cmd = {
		.name = "perfdiff",
		.usage = "patchbench perfdiff [--top N] [--kernel-only] [--event perf|insn]\n"
			 "       [--format text|tsv|json] A B",
		.summary = "Per-symbol overhead of B against A (the cover letter's perf diff table).\n"
			   "A and B are result directories of runs made with --perf, or directories\n"
			   "holding several of them (repeats: baseline and delta are means, and a\n"
			   "±σ column appears with 2+ runs per side). Symbols are matched by their\n"
			   "names without compiler clone suffixes (.isra.N, .constprop.N, .part.N,\n"
			   ".cold); a symbol missing on one side counts 0.00 there.\n"
			   "With --event insn the shares are of the guest kernel instructions the\n"
			   "TCG plugin counted in the measured window (exact, not sampled; not\n"
			   "cycles: no cache misses, no stall time), and an insns column gives B's\n"
			   "mean instruction count minus A's; a run without complete counts is an\n"
			   "error (exit 2).",
		.opts = perfdiff_options,
	};
	struct perfdiff_input a, b;
	struct perfdiff d;
	char err[256];
	int i, fmt, ret = 2;
	bool insn;

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
	/* instruction counts are of the kernel only */
	insn = !strcmp(o.event, "insn");
	if (perfdiff_input_load(&a, argv[i], insn) || perfdiff_input_load(&b, argv[i + 1], insn))
		goto out;
	perfdiff_compute(a.runs, a.info.n, b.runs, b.info.n, o.kernel_only || insn, &d);
	if (!perfdiff_print(&d, &a.info, &b.info, (size_t)o.top, o.kernel_only || insn, fmt,
			    stdout))
		ret = 0;
	perfdiff_release(&d);
out:
	perfdiff_input_release(&a);
	perfdiff_input_release(&b);
	opt_release(perfdiff_options, &o);
	return ret;
}
