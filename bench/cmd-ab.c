// SPDX-License-Identifier: GPL-2.0
/*
 * cmd-ab.c - "patchbench ab": its own options split from those of "run",
 * then the A/B series of ab.c: the base and the patched kernel built when
 * missing and run interleaved (A B A B ...), each repeat in its own result
 * directory below one A/B directory.
 */
#include "ab.h"
#include "builtin.h"
#include "options.h"
#include "run-opts.h"
#include "settle.h"
#include "util.h"
#include "workload.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define O(f) offsetof(struct ab_opts, f)
static const struct option ab_options[] = {
	{ "base", 'A', OPT_STRING, O(base), "vanilla", "NAME",
	  "base kernel: a built kernel, or a series name to build (vanilla = no series)" },
	{ "patched", 'B', OPT_STRING, O(patched), NULL, "NAME",
	  "patched kernel: a built kernel, or a series name to build" },
	{ "repeat", 'r', OPT_STRING, O(repeat_s), "1", "N|auto",
	  "runs per side, interleaved; auto: pairs are added until the watched metrics settle" },
	{ "max-repeat", 0, OPT_INT, O(max_repeat), "8", "N", "the most pairs of --repeat auto",
	  NULL, 2, 1000 },
	{ "watch", 0, OPT_STRING, O(watch), NULL, "KEY[,KEY...]",
	  "--repeat auto: the metrics that must settle [insn:kernel with instruction counts, "
	  "else cputotal:task-clock]" },
	{ "ab-out", 0, OPT_STRING, O(out), NULL, "DIR",
	  "A/B directory [results/ab-<date>-<base>-vs-<patched>]" },
	{ "build-config", 0, OPT_STRING, O(config), "smoke", "CONFIG",
	  "config of kernels built on the way (smoke|full|FILE)" },
	{ "build-jobs", 0, OPT_INT, O(build_jobs), NULL, "N",
	  "make -j for kernels built on the way [CPUs]", NULL, 1, 1024 },
	{ "ab-force", 0, OPT_BOOL, O(force), NULL, NULL, "replace an existing A/B directory" },
	{ "engine", 0, OPT_CHOICE, O(engine), "local", "ENGINE",
	  "who places the runs: local = one after the other here, slurm = a Slurm job array "
	  "of pairs (see below)", slurm_engines },
	SLURM_OPTIONS(struct ab_opts, slurm, "pairs", 0),
	{ "wait", 0, OPT_BOOL, O(slurm.wait), NULL, NULL,
	  "--engine slurm: follow the jobs, print the report, exit with compare's status" },
	{ "build-on-node", 0, OPT_BOOL, O(build_on_node), NULL, NULL,
	  "--engine slurm: a Slurm build job builds the kernels into --cache, not this host "
	  "(see below)" },
	{ "build-time", 0, OPT_STRING, O(build_time), NULL, "TIME",
	  "--build-on-node: the build job's time limit (sbatch --time) [" AB_BUILD_TIME "]" },
	{ "collect", 0, OPT_STRING, O(collect), NULL, "DIR",
	  "the final job's step: ab.json's status from the runs of A/B directory DIR" },
	{ NULL },
};
#undef O

static void ab_help(void)
{
	printf("\nEvery other option is an option of 'patchbench run' (see its --help) and\n"
	       "applies to every run; --target is vm unless --target host is given, --perf\n"
	       "is on (--no-perf to drop it).\n"
	       "Kernels that are not built yet are built first ('patchbench build'; with\n"
	       "--build-on-node by a Slurm job instead).\n\n"
	       "--repeat auto: after each pair from the second on, the watched metrics'\n"
	       "intervals are looked at, at level 1 - 0.05 / (max-repeat - 1) each\n"
	       "(Bonferroni over the looks, so stopping early keeps the error at 5%%);\n"
	       "a metric settles when compare's rule says changed, or when its interval\n"
	       "lies inside +-threshold. It stops when all have settled, or at\n"
	       "--max-repeat pairs, and says which.\n\n"
	       "--engine slurm: the kernels are built here (unless --build-on-node), into\n"
	       "--cache, which must be on a filesystem every node sees (a node that does\n"
	       "not see a kernel says so in its run's error). Task N of one job array\n"
	       "runs pair N on one node (A then B for odd N, B then A for even N),\n"
	       "each run with --pair N; a final job (afterany) writes ab.json's status\n"
	       "and compare's report.txt.\n"
	       "Without --wait the job ids and the command that shows the result are\n"
	       "printed; with it, one line per job state change, then the report, and\n"
	       "Ctrl-C cancels exactly these jobs. --target host is honoured.\n\n"
	       "--build-on-node: nothing is built here; one build job (same --partition\n"
	       "and --slurm-args, --build-time) runs 'patchbench build' on a node for\n"
	       "each kernel not built yet (series, --build-config, --source as a local\n"
	       "build would; -j the node's CPUs unless --build-jobs), into --cache, and\n"
	       "checks that the node sees each kernel built already. Its log is\n"
	       "build.log in the A/B directory, its id in ab.json. The array runs only\n"
	       "if it exits 0 (afterok); when it fails Slurm cancels the array, --wait\n"
	       "says 'build job N failed: see LOG', cancels the other jobs and exits 1.\n\n"
	       "example: patchbench ab --base vanilla --patched memcg-flush-on-read -r 3 \\\n"
	       "             -w kernelbuild,idle --builders 2 --idle 3\n");
}

int cmd_ab(int argc, char **argv)
{
	struct ab_opts ao;
	struct opt_cmd cmd = {
		.name = "ab",
		.usage = "patchbench ab --base NAME --patched NAME [--repeat N|auto] [run options]",
		.summary = "Build what is missing, then run the base and the patched kernel\n"
			   "interleaved (A B A B ...) under --target vm, one result directory per\n"
			   "run below one A/B directory.",
		.opts = ab_options,
		.extra_help = ab_help,
	};
	struct run_opts ro;
	char **run_argv;
	int run_argc = 0, ab_argc, i, ret, code = 2;
	char **ab_argv;
	bool no_perf = false, ro_parsed = false, slurm, host = false;

	memset(&ao, 0, sizeof(ao));
	/* Split argv: ab's own options here, everything else is for "run". */
	ab_argv = xcalloc(argc + 1, sizeof(*ab_argv));
	run_argv = xcalloc(argc + 2, sizeof(*run_argv));
	ab_argc = opt_split(ab_options, argc, argv, ab_argv, run_argv, "run", &run_argc);
	if (ab_argc == -2) {
		opt_usage(&cmd);
		code = 0;
		goto out_argv;
	}
	for (i = 1; i < run_argc; i++)
		if (!strcmp(run_argv[i], "--no-perf"))
			no_perf = true;
	ret = opt_parse(&cmd, &ao, ab_argc, ab_argv);
	if (ret < 0) {
		code = ret == -2 ? 0 : 2;
		goto out_argv;
	}
	if (ret < ab_argc) {
		pr_err("unexpected argument '%s' (see 'patchbench ab --help')", ab_argv[ret]);
		goto out_argv;
	}
	if (ao.collect) {
		if (run_argc > 1) {
			pr_err("--collect takes no run options ('%s')", run_argv[1]);
			goto out_argv;
		}
		code = ab_collect(ao.collect);
		goto out_argv;
	}
	slurm = !strcmp(ao.engine, "slurm");
	if (!slurm && (ao.build_on_node || ao.build_time)) {
		pr_err("--build-on-node%s needs --engine slurm", ao.build_time ? " and --build-time" : "");
		goto out_argv;
	}
	if (ao.build_time && !ao.build_on_node) {
		pr_err("--build-time is the time limit of the build job of --build-on-node");
		goto out_argv;
	}
	if (!slurm && slurm_check(ao.engine, &ao.slurm, true))
		goto out_argv;
	if (repeat_parse("repeat", ao.repeat_s, ao.max_repeat, &ao.repeat, &ao.repeat_auto))
		goto out_argv;
	if (slurm && ao.repeat_auto) {
		pr_err("--repeat auto needs --engine local (it decides after each pair)");
		goto out_argv;
	}
	if (slurm && slurm_check(ao.engine, &ao.slurm, true))
		goto out_argv;
	if (!ao.patched) {
		pr_err("ab needs --patched NAME (a built kernel or a series)");
		goto out_argv;
	}
	ret = run_opts_parse(&ro, run_argc, run_argv);
	ro_parsed = true;
	if (ret < 0) {
		code = ret == -2 ? 0 : 2;
		goto out_argv;
	}
	if (ro.out || ro.kernel) {
		pr_err("ab chooses --out and --kernel itself (use --ab-out, --base, --patched)");
		goto out_argv;
	}
	/* vm unless --target host was asked for */
	for (i = 1; i < run_argc; i++)
		if (!strcmp(run_argv[i], "--target") || !strncmp(run_argv[i], "--target=", 9) ||
		    !strncmp(run_argv[i], "-t", 2))
			host = !strcmp(ro.target, "host");
	if (!host) {
		free(ro.target);
		ro.target = xstrdup("vm");
	}
	/* bad input is found before any kernel is built or directory made */
	if (wl_check_list(ro.workload))
		goto out_argv;
	if (!no_perf)
		ro.perf = true;
	code = ab_run(&ao, &ro);
out_argv:
	if (ro_parsed)
		run_opts_release(&ro);
	opt_release(ab_options, &ao);
	free(ab_argv);
	free(run_argv);
	return code;
}
