// SPDX-License-Identifier: GPL-2.0
/*
 * cmd-bisect.c - "patchbench bisect": its own options split from those of
 * "run", then the bisection of bisect-run.c.
 */
#include "bisect-run.h"
#include "builtin.h"
#include "options.h"
#include "run-opts.h"
#include "settle.h"
#include "util.h"
#include "workload.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define O(f) offsetof(struct bisect_opts, f)
static const struct option bisect_options[] = {
	{ "base", 'A', OPT_STRING, O(base), NULL, "NAME",
	  "base kernel: a built kernel, or a series name to build [vanilla: no series]" },
	{ "series", 's', OPT_STRING, O(series), NULL, "NAME|DIR|PATCH",
	  "the series to bisect: a name in kernels/series/, a directory with a 'series' file, "
	  "or one patch / mbox" },
	{ "good", 0, OPT_STRING, O(good), NULL, "REF",
	  "with --bad and --source GITDIR: bisect the commits good..bad of that git tree "
	  "(first parents; the base is --good) instead of a series" },
	{ "bad", 0, OPT_STRING, O(bad), NULL, "REF", "the last commit of the range (see --good)" },
	{ "metric", 'm', OPT_STRING, O(metric), NULL, "KEY[,KEY...]",
	  "metrics to bisect, as compare names them [what regressed between the ends; "
	  "instruction counts first]" },
	{ "repeat", 'r', OPT_STRING, O(repeat_s), NULL, "N|auto",
	  "runs per kernel (2 or more for a verdict); auto: pairs are added until the "
	  "watched metrics settle [2 with instruction counts, else auto]" },
	{ "max-repeat", 0, OPT_INT, O(max_repeat), "8", "N",
	  "the most runs a side of --repeat auto", NULL, 2, 1000 },
	{ "bisect-out", 'o', OPT_STRING, O(out), NULL, "DIR",
	  "bisect directory; an existing one is resumed [results/bisect-<date>-<series>]" },
	{ "build-config", 0, OPT_STRING, O(config), "smoke", "CONFIG",
	  "config of the kernels built (smoke|full|FILE)" },
	{ "build-jobs", 0, OPT_INT, O(build_jobs), NULL, "N", "make -j of the builds [CPUs]", NULL,
	  1, 1024 },
	{ "engine", 0, OPT_CHOICE, O(engine), "local", "ENGINE",
	  "who places the runs: local = one after the other here, slurm = each step's runs "
	  "a Slurm job array, waited for (see below)", slurm_engines },
	SLURM_OPTIONS(struct bisect_opts, slurm, "runs", 0),
	{ "wait", 0, OPT_BOOL, O(slurm.wait), NULL, NULL,
	  "--engine slurm: implied (each step waits for its runs); accepted for the same "
	  "command line as ab" },
	{ NULL },
};
#undef O

static void bisect_help(void)
{
	printf("\nEvery other option is an option of 'patchbench run' (see its --help) and\n"
	       "applies to every run; --target is vm. Prefix kernels <series>-p<k> (the\n"
	       "base with patches 1..k) are built through the build cache. The ends are\n"
	       "measured first; with nothing regressed there, bisect stops: \"nothing to\n"
	       "bisect\". Each step compares a prefix with the base (compare's verdicts):\n"
	       "a regression of a watched metric is bad, no change good; a prefix that\n"
	       "does not build or boot is skipped, one without a verdict is unclear, and\n"
	       "neither is guessed. Writes bisect.json and BISECT.txt.\n\n"
	       "Git ranges: --source GITDIR --good REF --bad REF bisects the commits of\n"
	       "good..bad along bad's first parents (a merge is one step). Each commit is\n"
	       "exported once (git archive) into the cache and built as git-<sha12>, its\n"
	       "cache key holding the commit id; the tree at GITDIR is only read (no\n"
	       "checkout, worktree, ref or index is touched). The base is --good; a\n"
	       "kernelbuild workload builds the --good commit in every step.\n\n"
	       "--repeat auto: each kernel gets 2 runs, then a pair (a base run and one of\n"
	       "the kernel) at a time while a watched metric's interval is open (neither\n"
	       "beyond its threshold from 0 nor inside it), at most --max-repeat runs a\n"
	       "side; each look at level 1 - 0.05 / (max-repeat - 1). Watched: --metric,\n"
	       "else insn:kernel (cputotal:task-clock without counts) at the ends, then\n"
	       "the bisected metrics. A step still open at the most is unclear.\n\n"
	       "--engine slurm: the builds stay here, into --cache, which must be on a\n"
	       "filesystem every node sees, as must the bisect directory. Each step's\n"
	       "runs (a kernel's first runs, or with --repeat auto a base run and one of\n"
	       "the kernel) are one job array, a run per task, and bisect waits for it\n"
	       "(--wait is implied: the next step depends on this one), one line per job\n"
	       "state change; Ctrl-C cancels exactly that array. The answer is the same\n"
	       "as a local bisection of the same runs.\n\n"
	       "exit: 0 found (or nothing to bisect), 1 ambiguous or failed, 2 bad input\n\n"
	       "Under TCG use --cpus 1 for costs of a few percent of the kernel's\n"
	       "instructions (at 2 vCPUs lock spinning moves them by 4-11%% between boots).\n\n"
	       "examples: patchbench bisect --base vanilla --series bisect-demo \\\n"
	       "              -w kmem-churn --kmem-churn-children 20 --cpus 1\n"
	       "          patchbench bisect --source ~/linux --good v6.1 --bad HEAD \\\n"
	       "              -w kmem-churn --kmem-churn-children 20 --cpus 1\n");
}

int cmd_bisect(int argc, char **argv)
{
	struct bisect_opts bo;
	struct opt_cmd cmd = {
		.name = "bisect",
		.usage = "patchbench bisect --series NAME|DIR|PATCH [--base NAME] [--metric KEY]\n"
			 "                        [--repeat N|auto] [-o DIR] [run options]\n"
			 "       patchbench bisect --source GITDIR --good REF --bad REF [...]",
		.summary = "Find the first patch of a series (or commit of a git range) that makes\n"
			   "a metric regress: build and run its kernels under --target vm, binary\n"
			   "search.",
		.opts = bisect_options,
		.extra_help = bisect_help,
	};
	char **own = xcalloc(argc + 1, sizeof(*own)), **rest = xcalloc(argc + 2, sizeof(*rest));
	struct run_opts ro;
	int nown, nrest, ret, code = 2;
	bool ro_parsed = false;

	memset(&bo, 0, sizeof(bo));
	nown = opt_split(bisect_options, argc, argv, own, rest, "run", &nrest);
	if (nown == -2) {
		opt_usage(&cmd);
		code = 0;
		goto out;
	}
	ret = opt_parse(&cmd, &bo, nown, own);
	if (ret < 0) {
		code = ret == -2 ? 0 : 2;
		goto out;
	}
	if (ret < nown) {
		pr_err("unexpected argument '%s' (see 'patchbench bisect --help')", own[ret]);
		goto out;
	}
	if (!bo.repeat_s)
		bo.repeat = 2;	/* bisect_run() goes auto when the runs have no instruction counts */
	else if (repeat_parse("repeat", bo.repeat_s, bo.max_repeat, &bo.repeat, &bo.repeat_auto))
		goto out;
	if (!bo.series && !bo.good && !bo.bad) {
		pr_err("bisect needs --series NAME|DIR|PATCH, or --source GITDIR --good REF --bad "
		       "REF (what to bisect)");
		goto out;
	}
	if (slurm_check(bo.engine, &bo.slurm, true))
		goto out;
	ret = run_opts_parse(&ro, nrest, rest);
	ro_parsed = true;
	if (ret < 0) {
		code = ret == -2 ? 0 : 2;
		goto out;
	}
	if (ro.out || ro.kernel) {
		pr_err("bisect chooses --out and --kernel itself (use -o/--bisect-out, --base, "
		       "--series)");
		goto out;
	}
	free(ro.target);
	ro.target = xstrdup("vm");
	if (wl_check_list(ro.workload))
		goto out;
	if (!strcmp(bo.engine, "slurm")) {
		/* every node finds the kernels by this path */
		char *c = slurm_cache(ro.cache);

		free(ro.cache);
		ro.cache = c;
	}
	code = bisect_run(&bo, &ro);
out:
	if (ro_parsed)
		run_opts_release(&ro);
	opt_release(bisect_options, &bo);
	free(own);
	free(rest);
	return code;
}
