// SPDX-License-Identifier: GPL-2.0
/*
 * cmd-clean.c - "patchbench clean": remove what runs whose patchbench was
 * killed (SIGKILL, a crash, a lost machine session) left behind. The work is
 * run_clean() in runner.c, which every "patchbench run" also calls first.
 */
#include "builtin.h"
#include "options.h"
#include "runner.h"
#include "util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct clean_opts {
	char *cache;
	bool dry_run;
};

static const struct option clean_options[] = {
	{ "cache", 0, OPT_STRING, offsetof(struct clean_opts, cache), NULL, "DIR",
	  "cache holding the runs' owner records [$PATCHBENCH_CACHE or ~/.cache/patchbench]" },
	{ "dry-run", 'n', OPT_BOOL, offsetof(struct clean_opts, dry_run), NULL, NULL,
	  "only list what would be removed and marked" },
	{ NULL },
};

int cmd_clean(int argc, char **argv)
{
	struct clean_opts o = { NULL };
	struct opt_cmd cmd = {
		.name = "clean",
		.usage = "patchbench clean [--dry-run] [--cache DIR]",
		.summary = "Find the runs whose patchbench process died without cleaning up (by\n"
			   "the owner record each run keeps in <cache>/runs: pid and start time,\n"
			   "so a recycled pid is not taken for the owner), kill their leftover\n"
			   "processes, remove their cgroup trees (only patchbench-<run-id> right\n"
			   "below our own memory and cpuacct cgroups) and scratch directories,\n"
			   "and mark their result directories 'killed', with what samples.raw\n"
			   "held turned into memstat.tsv, readlat.tsv and drift.tsv. Runs that\n"
			   "are still alive are left alone. 'patchbench run' does the same first.",
		.opts = clean_options,
	};
	char *cache;
	int i, n;

	i = opt_parse_all(&cmd, &o, argc, argv);
	if (i)
		return i == -2 ? 0 : 2;
	if (geteuid() != 0 && !o.dry_run) {
		pr_err("patchbench clean needs root (it removes cgroups)");
		opt_release(clean_options, &o);
		return 2;
	}
	cache = o.cache ? xstrdup(o.cache) : pb_cache_dir();
	n = run_clean(cache, o.dry_run, stdout);
	if (n < 0)
		pr_err("cannot read '%s/runs': %s", cache, strerror(-n));
	else if (!n)
		printf("no dead runs\n");
	else if (o.dry_run)
		printf("%d dead run%s (dry run: nothing done)\n", n, n == 1 ? "" : "s");
	else
		printf("%d dead run%s cleaned up\n", n, n == 1 ? "" : "s");
	free(cache);
	opt_release(clean_options, &o);
	return n < 0 ? 1 : 0;
}
