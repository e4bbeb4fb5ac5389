// SPDX-License-Identifier: GPL-2.0
/*
 * cmd-bench.c - "patchbench bench [COLLECTION]": patchbench's own costs,
 * measured side by side (perf bench style: named collections, no argument
 * runs them all).
 *
 * A benchmark is not a test: it prints its numbers and whether they meet
 * their targets, and exits 0 unless something failed to run.
 */
#include "aa-bench.h"
#include "builtin.h"
#include "json.h"
#include "format.h"
#include "insn-bench.h"
#include "options.h"
#include "rss-bench.h"
#include "sampler-bench.h"
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct bench_opts {
	int samples, shell_samples, warmup, cgroups;
	int aa_runs, aa_per_side, aa_comparisons;
	int insn_pool, insn_pairs, insn_comparisons, insn_per_side;
	char *insn_kernels;
	char *format;
};

#define O(f) offsetof(struct bench_opts, f)
static const struct option bench_options[] = {
	{ "samples", 'n', OPT_INT, O(samples), "200", "N",
	  "measured samples of the sampler and of the pread loop", NULL, 1, 100000000 },
	{ "shell-samples", 0, OPT_INT, O(shell_samples), "50", "N",
	  "measured samples of the shell monitor (0: skip it)", NULL, 0, 1000000 },
	{ "warmup", 0, OPT_INT, O(warmup), "5", "N", "unmeasured samples before each method",
	  NULL, 0, 10000 },
	{ "cgroups", 'c', OPT_INT, O(cgroups), "10", "N", "cgroups in the sampled tree",
	  NULL, 1, 1000 },
	{ "aa-runs", 0, OPT_INT, O(aa_runs), "12", "N", "aa: host runs of one kernel", NULL, 2,
	  1000 },
	{ "aa-per-side", 0, OPT_INT, O(aa_per_side), "3", "N",
	  "aa: runs per side of each A/A comparison", NULL, 1, 500 },
	{ "aa-comparisons", 0, OPT_INT, O(aa_comparisons), "20", "N",
	  "aa: A/A comparisons drawn from the runs", NULL, 1, 100000 },
	{ "insn-pool", 0, OPT_INT, O(insn_pool), "5", "N",
	  "insn: vm runs per kernel and workload", NULL, 2, 100 },
	{ "insn-pairs", 0, OPT_INT, O(insn_pairs), "5", "N",
	  "insn: runs without counts, each right after one with (at most --insn-pool)", NULL,
	  1, 100 },
	{ "insn-comparisons", 0, OPT_INT, O(insn_comparisons), "5", "N",
	  "insn: A/B comparisons per kernel drawn from the pools", NULL, 1, 10000 },
	{ "insn-per-side", 0, OPT_INT, O(insn_per_side), "2", "N",
	  "insn: runs per side of each A/B comparison (at most --insn-pool)", NULL, 1, 100 },
	{ "insn-kernels", 0, OPT_STRING, O(insn_kernels), "vanilla,memcg-stat-cost,noop",
	  "BASE,CTL,NOOP", "insn: the base kernel, the positive control and the A/A control "
	  "(an empty name skips that control)" },
	{ "format", 'F', OPT_CHOICE, O(format), "text", "FMT", "output format",
	  out_formats_text_json },
	{ NULL },
};
#undef O

/* Where a collection puts its result: text on stdout, or one object of the JSON array. */
struct bench_out {
	bool json;
	struct json_writer w;
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
	sampler_bench_interrupt(sig);
	insn_bench_interrupt(sig);
}

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGINT:
		return "SIGINT";
	case SIGTERM:
		return "SIGTERM";
	case SIGHUP:
		return "SIGHUP";
	}
	return "a signal";
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: wait4() must return on a signal */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* ---- collections ---------------------------------------------------- */

struct bench_collection {
	const char *name;
	const char *summary;
	int (*run)(const struct bench_opts *o, struct bench_out *out);
};

/* patchbench's sampler vs a bare pread loop vs a shell monitor */
static int bench_sampler(const struct bench_opts *o, struct bench_out *out)
{
	struct sampler_bench_opts so = {
		.samples = o->samples, .shell_samples = o->shell_samples, .warmup = o->warmup,
		.cgroups = o->cgroups,
	};

	return sampler_bench_run(&so, out->json ? &out->w : NULL, stdout);
}

/* compare's verdicts on runs of one kernel: every change it calls is a false positive */
static struct aa_bench_opts aa_opts(const struct bench_opts *o)
{
	struct aa_bench_opts ao = {
		.runs = o->aa_runs, .per_side = o->aa_per_side, .comparisons = o->aa_comparisons,
	};

	return ao;
}

static int bench_aa(const struct bench_opts *o, struct bench_out *out)
{
	struct aa_bench_opts ao = aa_opts(o);

	return aa_bench_run(&ao, out->json ? &out->w : NULL, stdout);
}

static struct insn_bench_opts insn_opts(const struct bench_opts *o)
{
	struct insn_bench_opts io = {
		.pool = o->insn_pool, .pairs = o->insn_pairs, .comparisons = o->insn_comparisons,
		.per_side = o->insn_per_side, .kernels = o->insn_kernels,
	};

	return io;
}

/* the instruction counts' A/A noise, cost and controls, in vm runs */
static int bench_insn(const struct bench_opts *o, struct bench_out *out)
{
	struct insn_bench_opts io = insn_opts(o);
	int ret = insn_bench_run(&io, out->json ? &out->w : NULL, stdout);

	/* 1 = skipped, the reason already printed: not a failure */
	return ret < 0 ? ret : 0;
}

/* rss_stat ingestion speed: the libtraceevent path vs trace-cmd report | awk. */
static int bench_rss(const struct bench_opts *o, struct bench_out *out)
{
	int ret = rss_bench_ingest(out->json ? &out->w : NULL, stdout);

	(void)o;
	/* 1 = skipped, the reason already printed: not a failure */
	return ret < 0 ? ret : 0;
}

static const struct bench_collection collections[] = {
	{ "sampler", "CPU per memory.stat sample: sampler vs pread loop vs shell",
	  bench_sampler },
	{ "rss", "rss_stat ingestion: libtraceevent vs trace-cmd report | awk", bench_rss },
	{ "aa", "A/A false-positive rate of compare's verdicts (host runs)", bench_aa },
	{ "insn", "bench aa's instruction mode: TCG plugin counts (vm runs)", bench_insn },
};

static const struct bench_collection *find_collection(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(collections); i++)
		if (!strcmp(collections[i].name, name))
			return &collections[i];
	return NULL;
}

static void bench_help_extra(void)
{
	size_t i;

	printf("\ncollections:\n");
	for (i = 0; i < ARRAY_SIZE(collections); i++)
		printf("  %-10s %s\n", collections[i].name, collections[i].summary);
	printf("  %-10s %s\n", "all", "every collection (the default)");
	printf("\nThe sampler benchmark samples kernelbuild/one/two/three/four/{build-a,\n"
	       "build-b, idle-1..} (--cgroups counts them all; a process holds %u MiB\n"
	       "in each idle-*), created below this process's own memory cgroup and\n"
	       "removed at the end, so it needs root.\n\n"
	       "The insn benchmark boots the --insn-kernels (patchbench build) under\n"
	       "qemu with the instruction-count plugin, one vm run at a time, 8 runs\n"
	       "per round and --insn-pool rounds (40 runs, about 5 minutes on 2 cores);\n"
	       "without qemu, the plugin or the base kernel it is skipped.\n\n"
	       "A benchmark is not a test: it prints whether each target is met and\n"
	       "exits 0 unless something failed to run; 1 if it failed or was\n"
	       "interrupted, 2 for bad input.\n", SAMPLER_BENCH_HOLD_BYTES >> 20);
}

/**
 * cmd_bench - "patchbench bench [COLLECTION...] [options]"
 * @argc: argument count, argv[0] being "bench"
 * @argv: arguments
 *
 * Runs the named benchmark collections ("all" or none: every one) and
 * prints their results as text or as one JSON document.
 *
 * Return: 0 if every collection ran, 1 if one failed or a signal stopped
 * it, 2 for a usage error or without root.
 */
int cmd_bench(int argc, char **argv)
{
	struct bench_opts o;
	struct opt_cmd cmd = {
		.name = "bench",
		.usage = "patchbench bench [COLLECTION...] [options]",
		.summary = "Measure patchbench's own costs, side by side with the alternatives.",
		.opts = bench_options,
		.extra_help = bench_help_extra,
	};
	const struct bench_collection *run[ARRAY_SIZE(collections)];
	char **names = xcalloc(argc + 1, sizeof(*names));
	struct bench_out out;
	struct strbuf sb = STRBUF_INIT;
	size_t nrun = 0, i, k;
	int nnames, ret, code = 2;

	memset(&o, 0, sizeof(o));
	memset(&out, 0, sizeof(out));
	/* collection names may come before or after the options */
	ret = opt_parse_mixed(&cmd, &o, argc, argv, names);
	nnames = ret > 0 ? ret : 0;
	if (ret == -2) {
		code = 0;
		goto out;
	}
	if (ret < 0)
		goto out;
	for (i = 0; i < (size_t)nnames; i++) {
		bool all = !strcmp(names[i], "all");
		const struct bench_collection *c = all ? NULL : find_collection(names[i]);

		if (!all && !c) {
			pr_err("unknown benchmark collection '%s' (see 'patchbench bench --help')",
			       names[i]);
			goto out;
		}
		for (k = 0; k < ARRAY_SIZE(collections); k++) {
			const struct bench_collection *x = &collections[k];
			size_t j;

			if (!all && x != c)
				continue;
			for (j = 0; j < nrun && run[j] != x; j++)
				;
			if (j == nrun)
				run[nrun++] = x;
		}
	}
	if (!nnames)
		for (k = 0; k < ARRAY_SIZE(collections); k++)
			run[nrun++] = &collections[k];
	for (i = 0; i < nrun; i++) {
		struct insn_bench_opts io = insn_opts(&o);

		struct aa_bench_opts ao = aa_opts(&o);

		if (run[i]->run == bench_insn && insn_bench_check(&io))
			goto out;
		if (run[i]->run == bench_aa && aa_bench_check(&ao))
			goto out;
	}
	if (geteuid() != 0) {
		pr_err("patchbench bench needs root (it creates cgroups)");
		goto out;
	}

	install_signals();
	out.json = out_format_parse(o.format, out_formats_text_json, NULL, 0) == FMT_JSON;
	if (out.json) {
		jw_init(&out.w, &sb);
		jw_obj_begin(&out.w);
		jw_kint(&out.w, "schema", 1);
		jw_kstr(&out.w, "tool_version", PATCHBENCH_VERSION);
		jw_key(&out.w, "benchmarks");
		jw_arr_begin(&out.w);
	}
	code = 0;
	for (i = 0; i < nrun; i++) {
		if (!out.json && i)
			printf("\n");
		fflush(stdout);
		ret = run[i]->run(&o, &out);
		if (ret == -EINTR || stop_signal) {
			pr_err("interrupted by %s", signal_name(stop_signal));
			code = 1;
			break;
		}
		if (ret)
			code = 1;
	}
	if (out.json) {
		jw_arr_end(&out.w);
		jw_obj_end(&out.w);
		if (!stop_signal)
			printf("%s\n", sb.buf);
	}
out:
	sb_release(&sb);
	free(names);
	opt_release(bench_options, &o);
	return code;
}
