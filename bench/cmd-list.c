// SPDX-License-Identifier: GPL-2.0
/*
 * cmd-list.c - "patchbench list": the workloads and their parameters.
 */
#include "builtin.h"
#include "options.h"
#include "util.h"
#include "workload.h"

#include <stdio.h>

int cmd_list(int argc, char **argv)
{
	static const struct option none[] = { { NULL } };
	struct opt_cmd cmd = {
		.name = "list",
		.usage = "patchbench list",
		.summary = "List the workloads, the cgroups they run in, and their parameters\n"
			   "(set with 'patchbench run --<workload>-<param> VALUE').",
		.opts = none,
	};
	const struct workload *const *w;
	char prefix[64];
	int i;

	i = opt_parse_all(&cmd, NULL, argc, argv);
	if (i)
		return i == -2 ? 0 : 2;
	printf("workloads:\n");
	for (w = workloads; *w; w++)
		printf("  %-12s %-8s %s\n", (*w)->name, (*w)->cgroups, (*w)->summary);
	for (w = workloads; *w; w++) {
		if (!(*w)->params || (*w)->params[0].type == OPT_END)
			continue;
		printf("\n%s parameters:\n", (*w)->name);
		snprintf(prefix, sizeof(prefix), "%s-", (*w)->name);
		opt_print_table((*w)->params, prefix);
	}
	return 0;
}
