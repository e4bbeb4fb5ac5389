// SPDX-License-Identifier: GPL-2.0
/*
 * cmd-reproduce.c - "patchbench reproduce": the rstat cover letter's three
 * tables regenerated on linux-source-6.1 with the shipped series, plus the
 * kernel's cgroup selftests as an oracle, and a check of the verdicts a
 * correct harness must reach.
 *
 * Layout of the output directory (results/reproduce-<date> by default):
 *	selftests/<kernel>/	one vm run of the selftests workload per kernel
 *	runs/<kernel>/<i>/	the repeats of the overhead workload (--perf)
 *	REPORT.txt, REPORT.md, report.html
 * A run directory that is already complete is reused, so an interrupted
 * reproduction continues where it stopped when given the same -o.
 *
 * The builds and runs are bench/repro-run.c's (repro-run.h), the tables,
 * verdicts and reports analysis/repro.c's (repro.h); this file holds the
 * options, the checks of their values and the printing.
 */
#include "builtin.h"
#include "kcache.h"
#include "options.h"
#include "repro.h"
#include "repro-run.h"
#include "settle.h"
#include "util.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NKERNELS REPRO_NKERNELS
/* the kernels and what each must show: analysis/repro.c */
static const char *const *const kernels = repro_kernel_names;

static const char *const scales[] = { "smoke", "small", "full", NULL };

/* Tag of the options the final job's "reproduce --report-only" does not get. */
#define NOT_REPORT 1u

static const struct option repro_options[] = {
	{ "scale", 's', OPT_CHOICE, offsetof(struct repro_opts, scale), "smoke", "SCALE",
	  "smoke (TCG-sized kernelbuild), small, full (the cover letter's -j16 builders)",
	  scales, 0, 0 },
	{ "out", 'o', OPT_STRING, offsetof(struct repro_opts, out), NULL, "DIR",
	  "output directory (default results/reproduce-<date>); complete runs in it are reused",
	  NULL, 0, 0, NOT_REPORT },
	{ "repeats", 'r', OPT_STRING, offsetof(struct repro_opts, repeats_s), "2", "N|auto",
	  "runs per kernel for tables 2 and 3 (2+ for a verdict); auto: rounds are added "
	  "until every kernel's insn:kernel (without counts cputotal:task-clock) settles "
	  "against vanilla", NULL, 0, 0 },
	{ "max-repeat", 0, OPT_INT, offsetof(struct repro_opts, max_repeat), "8", "N",
	  "the most rounds of --repeats auto", NULL, 2, 100 },
	{ "workloads", 'w', OPT_STRING, offsetof(struct repro_opts, workloads), NULL, "LIST",
	  "workloads of the overhead runs (reduced: idle,stat-probe) [smoke: " REPRO_WORKLOADS
	  "; small, full: also " REPRO_MEMCG_WORKLOADS "]", NULL, 0, 0 },
	{ "duration", 'd', OPT_DURATION, offsetof(struct repro_opts, duration), NULL, "TIME",
	  "length of each overhead run (default: until the builders finish)", NULL,
	  NSEC_PER_SEC, 7 * 24 * 3600 * NSEC_PER_SEC },
	{ "no-selftests", 0, OPT_BOOL, offsetof(struct repro_opts, no_selftests), NULL, NULL,
	  "leave out table 1 (the kernel's cgroup selftests)", NULL, 0, 0 },
	{ "no-readcost", 0, OPT_BOOL, offsetof(struct repro_opts, no_readcost), NULL, NULL,
	  "leave out the read-cost scaling (memory.stat vs N idle and dying cgroups)", NULL, 0, 0 },
	{ "readcost-repeats", 0, OPT_INT, offsetof(struct repro_opts, readcost_repeats), "3", "N",
	  "read-cost runs (boots) per kernel (2+ for a verdict)", NULL, 1, 100 },
	{ "readcost-counts", 0, OPT_STRING, offsetof(struct repro_opts, readcost_counts),
	  "10,100,1000", "LIST", "numbers of child cgroups of the read-cost scaling", NULL, 0, 0 },
	{ "selftests", 0, OPT_STRING, offsetof(struct repro_opts, selftests),
	  NULL, "LIST", "cgroup selftests of table 1 [test_kmem,test_memcontrol]", NULL, 0, 0 },
	{ "selftests-kernels", 0, OPT_STRING, offsetof(struct repro_opts, selftests_kernels),
	  "vanilla,noop,memcg-flush-on-read,memcg-lazy-flush", "LIST",
	  "kernels table 1 runs the selftests on (they take minutes each under TCG)", NULL, 0, 0 },
	{ "run-args", 0, OPT_STRING, offsetof(struct repro_opts, run_args), NULL, "ARGS",
	  "extra 'run' options of the overhead runs, space-separated (--idle-anon=8M ...)",
	  NULL, 0, 0 },
	{ "source", 0, OPT_STRING, offsetof(struct repro_opts, source), NULL, "PATH",
	  "kernel source dir or tarball (default: Debian's linux-source-6.1)", NULL, 0, 0 },
	{ "cache", 0, OPT_STRING, offsetof(struct repro_opts, cache), NULL, "DIR",
	  "cache directory (kernels, sources)", NULL, 0, 0 },
	{ "report-only", 0, OPT_BOOL, offsetof(struct repro_opts, report_only), NULL, NULL,
	  "build and run nothing: write the report again from the runs in -o DIR "
	  "(kernels from --cache; give the options of the reproduction; 'took' is then the "
	  "time of the report)", NULL, 0, 0, NOT_REPORT },
	{ "engine", 0, OPT_CHOICE, offsetof(struct repro_opts, engine), "local", "ENGINE",
	  "who places the runs: local = one after the other here, slurm = one Slurm job array "
	  "(see below)", slurm_engines, 0, 0, NOT_REPORT },
	SLURM_OPTIONS(struct repro_opts, slurm, "tasks", NOT_REPORT),
	{ "wait", 0, OPT_BOOL, offsetof(struct repro_opts, slurm.wait), NULL, NULL,
	  "--engine slurm: follow the jobs, print the report, exit with its status",
	  NULL, 0, 0, NOT_REPORT },
	{ NULL },
};

/* 0 if @list is a comma-separated list of numbers in 1..100000. */
static int counts_check(const char *list)
{
	char **v = strv_split(list ? list : "", ',');
	size_t i;
	int ret = v[0] ? 0 : -EINVAL;

	for (i = 0; v[i] && !ret; i++) {
		char *end;
		long n = strtol(v[i], &end, 10);

		if (!*v[i] || *end || n < 1 || n > 100000)
			ret = -EINVAL;
	}
	strv_free(v);
	return ret;
}

/*
 * The final job's command of --engine slurm: "reproduce --report-only
 * --out=@out" and every option of @o the report depends on, as
 * --name=value (opt_format(): exact).
 */
static char **report_argv(const struct repro_opts *o, const char *out)
{
	const struct option *op;
	char **v = xcalloc(4, sizeof(*v));
	size_t n = 0;

	v[n++] = xstrdup("reproduce");
	v[n++] = xstrdup("--report-only");
	v[n++] = xasprintf("--out=%s", out);
	for (op = repro_options; op->name; op++) {
		const void *f = (const char *)o + op->offset;
		char *val;

		if ((op->tags & NOT_REPORT) ||
		    (op->type == OPT_BOOL && !*(const bool *)f) ||
		    (op->type == OPT_DURATION && !*(const int64_t *)f) ||
		    ((op->type == OPT_STRING || op->type == OPT_CHOICE) && !*(char *const *)f))
			continue;
		val = opt_format(op, o);
		v = xrealloc(v, (n + 2) * sizeof(*v));
		v[n++] = xasprintf("--%s=%s", op->name, val);
		v[n] = NULL;
		free(val);
	}
	return v;
}

static void repro_help(void)
{
	printf("\n--engine slurm: the kernels are built here, into --cache, which must be on\n"
	       "a filesystem every node sees, as must -o DIR. The runs a local reproduce\n"
	       "would make (complete ones are reused) become one job array: a task per\n"
	       "table-1 kernel, per read-cost round and per overhead round (the round's\n"
	       "four runs with --pair ROUND, the first kernel rotating by round), each run\n"
	       "in the directory a local reproduce uses. A final job (afterany) runs\n"
	       "'reproduce --report-only' with the same options: the report a local\n"
	       "reproduce writes from those directories ('took' is the report's time).\n"
	       "Without --wait the job ids and the command that shows the result are\n"
	       "printed; with it, one line per job state change, then the report, and\n"
	       "the exit status is the report's; Ctrl-C cancels exactly these jobs.\n"
	       "--repeats auto needs --engine local.\n");
}

/* The reports of @ks (analysis/repro-report.c) with what they say of @ro. */
static int write_reports(const char *out, const struct repro_opts *ro,
			 const struct repro_auto *ra, const struct repro_kernel *ks,
			 const struct kernel_info *ki, int64_t secs, struct strbuf *text)
{
	const struct repro_params p = {
		.scale = ro->scale, .repeats = ro->repeats, .workloads = ro->workloads,
		.rauto = ro->repeats_auto ? ra : NULL,
		.fixed_duration = ro->duration != 0, .no_selftests = ro->no_selftests,
		.selftests = ro->selftests, .selftests_kernels = ro->selftests_kernels,
		.no_readcost = ro->no_readcost, .readcost_counts = ro->readcost_counts,
		.readcost_repeats = ro->readcost_repeats,
	};

	return repro_write_reports(out, &p, ks, ki, secs, text);
}

int cmd_reproduce(int argc, char **argv)
{
	struct repro_opts o = { 0 };
	struct opt_cmd cmd = {
		.name = "reproduce",
		.usage = "patchbench reproduce [--scale smoke|small|full] [-o DIR] [-r N] [-w LIST]",
		.summary = "Regenerate the memcg rstat cover letter's tables: builds vanilla, noop,\n"
			   "memcg-flush-on-read and memcg-lazy-flush as needed, runs the kernel's\n"
			   "cgroup selftests and the overhead runs in the vm target, writes\n"
			   "REPORT.txt, REPORT.md and report.html, prints REPORT.txt, and exits 1\n"
			   "when a verdict is not the expected one (noop: no change; lazy-flush:\n"
			   "drift regression; flush-on-read: drift improvement, read-latency cost).",
		.opts = repro_options,
		.extra_help = repro_help,
	};
	struct kernel_info ki[NKERNELS];
	struct repro_kernel ks[NKERNELS];
	struct strbuf text = STRBUF_INIT;
	struct repro_auto ra = { 0 };
	char err[1024], date[32], *cache = NULL, *out = NULL;
	int64_t t0 = now_ns();
	size_t i;
	int r, code = 2, ret;
	bool all_ok = true, slurm;

	memset(ki, 0, sizeof(ki));
	memset(ks, 0, sizeof(ks));
	r = opt_parse(&cmd, &o, argc, argv);
	if (r == -2)
		return 0;
	if (r < 0)
		return 2;
	if (r < argc) {
		pr_err("unexpected argument '%s' (see 'patchbench reproduce --help')", argv[r]);
		goto out;
	}
	if (repeat_parse("repeats", o.repeats_s, o.max_repeat, &o.repeats, &o.repeats_auto))
		goto out;
	/* the memcg workloads reach charge and reclaim; not at smoke scale, to keep it short */
	if (!o.workloads)
		o.workloads = xstrdup(strcmp(o.scale, "smoke") ?
				     REPRO_WORKLOADS "," REPRO_MEMCG_WORKLOADS : REPRO_WORKLOADS);
	if (!o.workloads || !*o.workloads) {
		pr_err("--workloads is empty");
		goto out;
	}
	if (strstr(o.workloads, "selftests")) {
		pr_err("--workloads: selftests run separately (table 1); leave them out");
		goto out;
	}
	if (!o.selftests)
		o.selftests = xstrdup("test_kmem,test_memcontrol");
	if (!o.no_readcost && counts_check(o.readcost_counts)) {
		pr_err("--readcost-counts: '%s' is not a list of numbers of cgroups (1..100000)",
		       o.readcost_counts ? o.readcost_counts : "");
		goto out;
	}
	if (!strstr(o.workloads, "kernelbuild") && !o.duration) {
		pr_err("--workloads without kernelbuild needs --duration");
		goto out;
	}
	if (slurm_check(o.engine, &o.slurm, true))
		goto out;
	slurm = !strcmp(o.engine, "slurm");
	if (slurm && o.repeats_auto) {
		pr_err("--repeats auto needs --engine local (it decides after each round)");
		goto out;
	}
	if (slurm && o.report_only) {
		pr_err("--report-only builds and runs nothing: it needs --engine local");
		goto out;
	}
	{
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(date, sizeof(date), "%Y%m%d-%H%M%S", &tm);
	}
	cache = o.cache ? xstrdup(o.cache) : pb_cache_dir();
	out = o.out ? xstrdup(o.out) : xasprintf("results/reproduce-%s", date);
	if (o.report_only && !o.out) {
		pr_err("--report-only needs -o DIR, the directory of the reproduction");
		goto out;
	}
	if (o.report_only && !is_dir(out)) {
		pr_err("cannot open '%s': %s", out, path_exists(out) ? strerror(ENOTDIR) :
		       strerror(ENOENT));
		goto out;
	}
	ret = mkdir_p(out, 0755);
	if (ret) {
		pr_err("cannot create '%s': %s", out, strerror(-ret));
		goto out;
	}
	if (slurm) {
		char *abs = path_canon(out), **rargv;

		free(o.cache);
		o.cache = slurm_cache(cache);	/* every node finds the kernels by this path */
		rargv = report_argv(&o, abs ? abs : out);
		ret = repro_slurm(&o, out, rargv);
		strv_free(rargv);
		free(abs);
		if (ret >= 0) {
			code = ret;
			goto out;
		}
	}
	ret = repro_run(&o, out, cache, ki, ks, &ra);
	if (ret) {
		code = ret;
		goto out;
	}
	code = 1;
	for (i = 1; i < NKERNELS; i++) {
		if (repro_kernel_analyse(ks, i, err, sizeof(err)))
			pr_err("reproduce: compare vanilla %s: %s", kernels[i], err);
		if (!ks[i].as_expected)
			all_ok = false;
	}
	ret = write_reports(out, &o, &ra, ks, ki, (now_ns() - t0) / 1000000000LL, &text);
	if (ret) {
		pr_err("cannot write the report into '%s': %s", out, strerror(-ret));
		goto out;
	}
	fputs(text.buf, stdout);
	if (all_ok) {
		printf("\nreproduce: every verdict as expected (%s)\n", out);
		code = 0;
	} else {
		printf("\nreproduce: NOT every verdict came out as expected: see 'Verdicts' in "
		       "%s/REPORT.txt\n", out);
	}
out:
	for (i = 0; i < NKERNELS; i++) {
		repro_kernel_release(&ks[i]);
		kernel_info_release(&ki[i]);
	}
	sb_release(&text);
	free(ra.stopped);
	free(cache);
	free(out);
	opt_release(repro_options, &o);
	return code;
}
