// SPDX-License-Identifier: GPL-2.0
/*
 * cmd-compare.c - "patchbench compare A B": the command-line layer over
 * analysis/compare.c. Exit 0 without a regression, 1 with one, 2 for bad
 * input (including sides that are not the same experiment).
 */
#include "afile.h"
#include "builtin.h"
#include "cmp-format.h"
#include "compare.h"
#include "options.h"
#include "util.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct compare_cli {
	char *noise;
	char *format;
	char *out;
	char *ci;
	bool force;
	int perf_top;
	int changed;
};

static const char *const ci_choices[] = { "auto", "welch", "bootstrap", NULL };

#define O(f) offsetof(struct compare_cli, f)
static const struct option compare_options[] = {
	{ "noise", 'n', OPT_STRING, O(noise), NULL, "AA_DIR",
	  "A/A directory (ab of one kernel vs itself or noop, or a directory of runs): raise "
	  "each threshold to the difference seen there" },
	{ "format", 'F', OPT_CHOICE, O(format), "text", "FMT", "report format (text fits 72 columns)",
	  out_formats_text_md_json_html },
	{ "output", 'o', OPT_STRING, O(out), NULL, "FILE", "write the report to FILE [stdout]" },
	{ "force", 'f', OPT_BOOL, O(force), NULL, NULL,
	  "compare sides that differ in workload, tree, target or perf event, or that ran on "
	  "different machines (CPU model, qemu version, cpufreq governor); listed on top" },
	{ "ci", 0, OPT_CHOICE, O(ci), "auto", "METHOD",
	  "95% interval of the difference: auto (Welch below 8 runs per side, else bootstrap), "
	  "welch, bootstrap", ci_choices },
	{ "perf-top", 0, OPT_INT, O(perf_top), "10", "N",
	  "perf symbols shown: the N largest shares on either side", NULL, 1, 100000 },
	{ "changed", 0, OPT_INT, O(changed), "10", "N",
	  "what else changed (stat-delta.tsv): the N largest significant key changes shown "
	  "(json has all)", NULL, 1, 1000000 },
	{ NULL },
};
#undef O

static void compare_help(void)
{
	printf("\nA and B are each a result directory, a directory of result directories\n"
	       "(repeats of one kernel), or one side of an A/B directory (DIR:A, DIR:B);\n"
	       "a single A/B directory compares its base (A) with its patched kernel (B).\n\n"
	       "Per metric: n, median and mean per side, delta (mean B - mean A), delta %%,\n"
	       "the 95%% interval of delta, and a verdict: the interval excludes 0 and\n"
	       "|delta| exceeds the larger of the metric's default threshold and the A/A\n"
	       "noise floor. Fewer than two runs on a side: values, no verdict.\n\n"
	       "What else changed: runs with stat-delta.tsv (the change over the window\n"
	       "of every memory.stat, /proc/vmstat and memory.events key) list, after the\n"
	       "metrics, the keys whose change is significant by the same rule (at least\n"
	       "5%% of A's mean, and beyond the A/A floor), by |%%change|, with each side's\n"
	       "mean and relative standard deviation; one run a side: the values only.\n\n"
	       "The runs' environments (meta.json \"env\") that differ are listed after\n"
	       "the header; a different CPU model, qemu version or cpufreq governor between\n"
	       "the sides is refused unless --force.\n\n"
	       "exit status: 0 no regression, 1 at least one regression, 2 bad input.\n");
}

/*
 * Write through "<file>.tmp" renamed into place: a reader never sees half
 * a report. Returns 0 or -errno with @err.
 */
static int write_report(const struct comparison *c, enum out_format fmt, const char *file,
			char *err, size_t errlen)
{
	struct afile af;
	int ret;

	if (!file)
		return compare_print(c, fmt, stdout, err, errlen);
	ret = afile_open(&af, file);
	if (ret) {
		snprintf(err, errlen, "cannot create '%s.tmp': %s", file, strerror(-ret));
		return ret;
	}
	ret = compare_print(c, fmt, af.f, err, errlen);
	if (ret) {
		afile_abort(&af);
		return ret;
	}
	ret = afile_commit(&af);
	if (ret && af.failed_rename)
		snprintf(err, errlen, "cannot rename '%s.tmp' to '%s': %s", file, file,
			 strerror(-ret));
	else if (ret)
		snprintf(err, errlen, "cannot write '%s.tmp': %s", file, strerror(-ret));
	return ret;
}

/**
 * cmd_compare - "patchbench compare A B" / "patchbench compare ABDIR"
 * @argc: argument count, argv[0] being "compare"
 * @argv: arguments
 *
 * Return: 0 no regression, 1 at least one, 2 usage or input error.
 */
int cmd_compare(int argc, char **argv)
{
	struct compare_cli o;
	struct opt_cmd cmd = {
		.name = "compare",
		.usage = "patchbench compare [options] A B | ABDIR",
		.summary = "Compare two sets of runs metric by metric, with a 95% interval of the\n"
			   "difference and a verdict per metric.",
		.opts = compare_options,
		.extra_help = compare_help,
	};
	struct compare_opts co;
	struct comparison c;
	int fmt;
	char err[1024] = "", **pos = xcalloc(argc + 1, sizeof(*pos));
	int npos, ret, code = 2;
	size_t k;

	memset(&o, 0, sizeof(o));
	comparison_init(&c);
	npos = opt_parse_mixed(&cmd, &o, argc, argv, pos);
	if (npos == -2) {
		code = 0;
		goto out;
	}
	if (npos < 0)
		goto out;
	if (npos < 1 || npos > 2) {
		pr_err("compare takes two sides or one A/B directory (usage: %s)", cmd.usage);
		goto out;
	}
	fmt = out_format_parse(o.format, out_formats_text_md_json_html, err, sizeof(err));
	if (fmt < 0) {
		pr_err("%s", err);
		goto out;
	}
	memset(&co, 0, sizeof(co));
	co.noise = o.noise;
	co.force = o.force;
	co.perf_top = (size_t)o.perf_top;
	co.changed_top = (size_t)o.changed;
	co.ci = !strcmp(o.ci, "welch") ? CI_CHOICE_WELCH :
		!strcmp(o.ci, "bootstrap") ? CI_CHOICE_BOOTSTRAP : CI_CHOICE_AUTO;
	ret = compare_dirs(&c, pos[0], npos == 2 ? pos[1] : NULL, &co, err, sizeof(err));
	if (ret) {
		/* a side without a usable run: its one error, not a list of differences */
		if (c.ndiffs && !o.force && c.a.n && c.b.n) {
			fprintf(stderr, "patchbench: inputs differ:\n");
			for (k = 0; k < c.ndiffs; k++)
				fprintf(stderr, "  - %s\n", c.diffs[k]);
			pr_err("the two sides are not the same experiment (%zu difference%s; --force "
			       "compares anyway)", c.ndiffs, c.ndiffs == 1 ? "" : "s");
		} else {
			pr_err("%s", err);
		}
		goto out;
	}
	ret = write_report(&c, fmt, o.out, err, sizeof(err));
	if (ret) {
		pr_err("%s", err);
		goto out;
	}
	code = c.nreg ? 1 : 0;
out:
	comparison_release(&c);
	free(pos);
	opt_release(compare_options, &o);
	return code;
}
