// SPDX-License-Identifier: GPL-2.0
/*
 * cmd-dashboard.c - "patchbench dashboard RESULTS_DIR -o OUT_DIR": the
 * command-line layer over analysis/dashboard.c.
 */
#include "builtin.h"
#include "dashboard.h"
#include "options.h"
#include "util.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dashboard_cli {
	char *out;
	bool quiet;
};

#define O(f) offsetof(struct dashboard_cli, f)
static const struct option dashboard_options[] = {
	{ "output", 'o', OPT_STRING, O(out), NULL, "OUT_DIR",
	  "where index.html and the cached comparisons go (required)" },
	{ "quiet", 'q', OPT_BOOL, O(quiet), NULL, NULL, "no summary line" },
	{ NULL },
};
#undef O

static void dashboard_help(void)
{
	printf("\nFinds every A/B directory (with ab.json, made by 'patchbench ab') below\n"
	       "RESULTS_DIR, compares each base with its patched kernel, and writes\n"
	       "OUT_DIR/index.html: newest first, series vs base, date, verdict, a link to\n"
	       "each html report, trend plots of the key metrics per series, regressions\n"
	       "highlighted. A comparison is recomputed only when its ab.json or the\n"
	       "meta.json of one of its runs changed.\n\n"
	       "exit status: 0 no A/B with a regression, 1 at least one, 2 bad input.\n");
}

/**
 * cmd_dashboard - "patchbench dashboard RESULTS_DIR -o OUT_DIR"
 * @argc: argument count, argv[0] being "dashboard"
 * @argv: arguments
 *
 * Return: 0 when no A/B directory has a regression, 1 when one has, 2 for
 * bad input or an output that cannot be written.
 */
int cmd_dashboard(int argc, char **argv)
{
	struct dashboard_cli o;
	struct opt_cmd cmd = {
		.name = "dashboard",
		.usage = "patchbench dashboard RESULTS_DIR -o OUT_DIR",
		.summary = "Write a static HTML dashboard over every A/B directory found.",
		.opts = dashboard_options,
		.extra_help = dashboard_help,
	};
	struct dashboard_stats st;
	char err[1024] = "", **pos = xcalloc(argc + 1, sizeof(*pos));
	int npos, code = 2;

	memset(&o, 0, sizeof(o));
	npos = opt_parse_mixed(&cmd, &o, argc, argv, pos);
	if (npos == -2) {
		code = 0;
		goto out;
	}
	if (npos < 0)
		goto out;
	if (npos != 1 || !o.out) {
		pr_err("dashboard needs RESULTS_DIR and -o OUT_DIR (usage: %s)", cmd.usage);
		goto out;
	}
	if (dashboard_update(pos[0], o.out, &st, err, sizeof(err))) {
		pr_err("%s", err);
		goto out;
	}
	if (!o.quiet)
		printf("dashboard: %zu A/B director%s, %zu recomputed, %zu with a regression, "
		       "%zu not compared: %s/index.html\n", st.found, st.found == 1 ? "y" : "ies",
		       st.recomputed, st.regressions, st.failed, o.out);
	code = st.regressions ? 1 : 0;
out:
	opt_release(dashboard_options, &o);
	free(pos);
	return code;
}
