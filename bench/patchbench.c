// SPDX-License-Identifier: GPL-2.0
/*
 * patchbench - benchmark and regression measurement for Linux memory
 * management patches. One binary, one sorted table of commands (perf/git style).
 */
#include "builtin.h"
#include "guest.h"
#include "runner.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct cmd_struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

/* Sorted by name. */
static const struct cmd_struct commands[] = {
	{ "ab", cmd_ab, "build what is missing, run base and patched kernels interleaved (vm)" },
	{ "bench", cmd_bench, "measure patchbench's own costs (sampler vs pread loop vs shell)" },
	{ "bisect", cmd_bisect, "find the first patch of a series that makes a metric regress (vm)" },
	{ "build", cmd_build, "build a kernel (source + patch series + config) into the cache" },
	{ "clean", cmd_clean, "clean up after runs whose patchbench was killed, mark them killed" },
	{ "compare", cmd_compare, "compare two sets of runs: per metric CI and verdict" },
	{ "dashboard", cmd_dashboard, "static HTML over every A/B directory: verdicts, trends" },
	{ "help", NULL, "show this list, or a command's help" },
	{ "kernels", cmd_kernels, "list the kernels built with 'build'" },
	{ "list", cmd_list, "list workloads and their parameters" },
	{ "perfdiff", cmd_perfdiff, "per-symbol perf overhead of two runs or groups of repeats" },
	{ "report", cmd_report, "print the summary of a result directory" },
	{ "reproduce", cmd_reproduce, "the memcg rstat cover letter's tables, checked verdicts" },
	{ "run", cmd_run, "run workloads in a cgroup tree, sample memory.stat, check drift" },
	{ "targets", cmd_targets, "where runs can run (host, vm-kvm, vm-tcg) and which work here" },
	{ "version", NULL, "print the version" },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: patchbench <command> [options]\n\ncommands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'patchbench <command> --help' shows a command's options.\n");
}

static const struct cmd_struct *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct cmd_struct *c;

	/* Booted as a guest's init by "run --target vm". */
	if (getpid() == 1)
		guest_init_main();
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("patchbench %s\n", PATCHBENCH_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "help")) {
		if (argc > 2 && (c = find_cmd(argv[2])) && c->fn) {
			char *args[] = { argv[2], "--help", NULL };

			return c->fn(2, args);
		}
		usage(stdout);
		return 0;
	}
	c = find_cmd(argv[1]);
	if (!c || !c->fn) {
		pr_err("unknown command '%s' (see 'patchbench --help')", argv[1]);
		return 2;
	}
	return c->fn(argc - 1, argv + 1);
}
