// SPDX-License-Identifier: GPL-2.0
/*
 * cmd-run.c - "patchbench run": the command-line layer over runner.c.
 */
#include "builtin.h"
#include "options.h"
#include "runner.h"
#include "util.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const targets[] = { "host", "vm", NULL };
static const char *const accels[] = { "auto", "kvm", "tcg", NULL };
static const char *const insn_modes[] = { "auto", "on", "off", NULL };
static const char *const cgroup_modes[] = { "auto", "v1", "v2", NULL };
static const char *const scales[] = { "smoke", "small", "full", NULL };
static const char *const yes_no[] = { "yes", "no", NULL };

#define O(f) offsetof(struct run_opts, f)
static const struct option run_options[] = {
	{ "target", 't', OPT_CHOICE, O(target), "host", "TARGET",
	  "where to run: host = the running kernel, vm = a built kernel under qemu",
	  targets },
	{ "cgroup", 0, OPT_CHOICE, O(cgroup), "auto", "MODE",
	  "memory cgroup layout (auto: v2 if it has memory, else v1)", cgroup_modes },
	{ "workload", 'w', OPT_STRING, O(workload), "kernelbuild,idle", "LIST",
	  "workloads to run, comma-separated (see 'patchbench list')" },
	{ "scale", 's', OPT_CHOICE, O(scale), "smoke", "SCALE",
	  "workload size: smoke (minutes), small (tinyconfig vmlinux), full (defconfig)",
	  scales },
	{ "depth", 0, OPT_INT, O(depth), "4", "N",
	  "inner levels between kernelbuild/ and the leaves", NULL, 0, 32 },
	{ "builders", 'b', OPT_INT, O(builders), "2", "N", "builder cgroups (build-a, build-b, ...)",
	  NULL, 0, 64 },
	{ "idle", 'i', OPT_INT, O(idle), "9", "N", "idle sibling cgroups", NULL, 0, 1000 },
	{ "jobs", 'j', OPT_INT, O(jobs), NULL, "N", "make -j per builder [number of CPUs]",
	  NULL, 1, 1024 },
	{ "interval", 0, OPT_DURATION, O(interval), "1s", "TIME",
	  "memory.stat sampling interval", NULL, 10 * NSEC_PER_MSEC, 3600 * NSEC_PER_SEC },
	{ "duration", 'd', OPT_DURATION, O(duration), NULL, "TIME",
	  "stop after TIME (default: when the builders finish; 10s with idle only)", NULL,
	  NSEC_PER_SEC, 7 * 24 * 3600 * NSEC_PER_SEC },
	{ "settle", 0, OPT_DURATION, O(settle), "2s", "TIME",
	  "keep sampling this long after the workloads finish", NULL, 0, 3600 * NSEC_PER_SEC },
	{ "batch", 0, OPT_INT, O(batch), NULL, "PAGES",
	  "memcg charge batch (MEMCG_CHARGE_BATCH) for the drift bound [from the running "
	  "kernel: 64 on 6.0 and later, 32 before]", NULL, 1, 4096 },
	{ "source", 0, OPT_STRING, O(source), NULL, "DIR|TARBALL",
	  "kernel source for kernelbuild [/usr/src/linux-source-6.1.tar.xz]" },
	{ "cache", 0, OPT_STRING, O(cache), NULL, "DIR",
	  "cache for unpacked sources [$PATCHBENCH_CACHE or ~/.cache/patchbench]" },
	{ "out", 'o', OPT_STRING, O(out), NULL, "DIR", "result directory [results/<run-id>]" },
	{ "force", 'f', OPT_BOOL, O(force), NULL, NULL,
	  "replace an existing result directory" },
	{ "quiet", 'q', OPT_BOOL, O(quiet), NULL, NULL, "no progress lines" },
	{ "kernel", 'k', OPT_STRING, O(kernel), NULL, "NAME",
	  "--target vm: the built kernel to boot (see 'patchbench kernels')" },
	{ "accel", 0, OPT_CHOICE, O(accel), "auto", "ACCEL",
	  "--target vm: KVM when it really works, else TCG (emulated timings)", accels },
	{ "insn-count", 0, OPT_CHOICE, O(insn_count), "auto", "MODE",
	  "--target vm: count guest instructions with the TCG plugin (auto: under TCG)",
	  insn_modes },
	{ "cpus", 0, OPT_INT, O(vm_cpus), "2", "N", "--target vm: guest CPUs", NULL, 1, 256 },
	{ "mem", 0, OPT_SIZE, O(vm_mem), "4G", "SIZE", "--target vm: guest memory", NULL,
	  256LL << 20, 1LL << 40 },
	{ "boot-timeout", 0, OPT_DURATION, O(boot_timeout), "120s", "TIME",
	  "--target vm: no guest start within TIME is boot-failed", NULL, NSEC_PER_SEC,
	  3600 * NSEC_PER_SEC },
	{ "run-timeout", 0, OPT_DURATION, O(run_timeout), "60m", "TIME",
	  "--target vm: the whole guest run must end within TIME", NULL, NSEC_PER_SEC,
	  7 * 24 * 3600 * NSEC_PER_SEC },
	{ "append", 0, OPT_STRING, O(append), NULL, "ARGS",
	  "--target vm: extra kernel command line" },
	{ "workdir", 0, OPT_STRING, O(workdir), NULL, "DIR",
	  "scratch space for build directories [<cache>/work]" },
	{ "perf", 0, OPT_BOOL, O(perf), NULL, NULL,
	  "perf record -a over the measured window (cycles, or cpu-clock without a PMU)" },
	{ "perf-freq", 0, OPT_INT, O(perf_freq), "999", "HZ", "perf record sampling frequency",
	  NULL, 1, 100000 },
	{ "perf-keep", 0, OPT_CHOICE, O(perf_keep), "yes", "yes|no",
	  "keep perf.data in the result directory", yes_no },
	{ "trace", 0, OPT_STRING, O(trace), NULL, "LIST",
	  "tracepoint monitors, comma-separated: rss_stat" },
	{ NULL },
};
#undef O

/* --<workload>-<param> VALUE sets a workload parameter. */
static int wl_option(void *ctx, const char *name, const char *value)
{
	struct run_opts *o = ctx;
	const struct workload *const *w;

	for (w = workloads; *w; w++) {
		size_t n = strlen((*w)->name);
		const struct option *op;

		if (strncmp(name, (*w)->name, n) || name[n] != '-')
			continue;
		for (op = (*w)->params; op && op->type != OPT_END; op++) {
			struct option full;

			if (strcmp(name + n + 1, op->name))
				continue;
			/* errors name the option as the user spelled it */
			full = *op;
			full.name = name;
			op = &full;
			if (op->type == OPT_BOOL)
				return opt_set(op, o->wl_params[w - workloads], NULL) ? -EINVAL : 0;
			if (!value) {
				pr_err("option '--%s' needs a value", name);
				return -EINVAL;
			}
			return opt_set(op, o->wl_params[w - workloads], value) ? -EINVAL : 1;
		}
	}
	return -ENOENT;
}

static void run_help_extra(void)
{
	const struct workload *const *w;
	char prefix[64];

	printf("\nworkload parameters:\n");
	for (w = workloads; *w; w++) {
		if (!(*w)->params || (*w)->params[0].type == OPT_END)
			continue;
		snprintf(prefix, sizeof(prefix), "%s-", (*w)->name);
		opt_print_table((*w)->params, prefix);
	}
	printf("\nThe tree is kernelbuild/one/two/three/four/{build-a, build-b, idle-1..idle-9}\n"
	       "(plus churn/ with kmem-churn), created below this process's own cgroup.\n"
	       "Results: meta.json, memstat.tsv, readlat.tsv, drift.tsv, cpu.tsv,\n"
	       "workloads.tsv and logs/ (see results/README.md). Exit: 0 complete,\n"
	       "1 failed or interrupted, 2 bad input.\n\n"
	       "example: patchbench run -w kernelbuild,idle,kmem-churn --builders 2 --idle 3\n");
}

int run_opts_parse(struct run_opts *o, int argc, char **argv)
{
	struct opt_cmd cmd = {
		.name = "run",
		.usage = "patchbench run [options]",
		.summary = "Run workloads in a nested cgroup tree on the running kernel (--target host)\n"
			   "or on a built kernel under qemu (--target vm --kernel NAME), sample\n"
			   "memory.stat of every cgroup each interval, and check stat drift.",
		.opts = run_options,
		.unknown = wl_option,
		.unknown_ctx = o,
		.extra_help = run_help_extra,
	};
	const struct workload *const *w;
	int i;

	memset(o, 0, sizeof(*o));
	for (w = workloads; *w; w++) {
		o->wl_params[w - workloads] = xcalloc(1, (*w)->params_size ? (*w)->params_size : 1);
		if ((*w)->params)
			opt_defaults((*w)->params, o->wl_params[w - workloads]);
	}
	i = opt_parse(&cmd, o, argc, argv);
	if (i < 0)
		return i;
	if (i < argc) {
		pr_err("unexpected argument '%s' (see 'patchbench run --help')", argv[i]);
		return -1;
	}
	if (!o->jobs)
		o->jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	return 0;
}

void run_opts_release(struct run_opts *o)
{
	const struct workload *const *w;

	for (w = workloads; *w; w++) {
		if ((*w)->params && o->wl_params[w - workloads])
			opt_release((*w)->params, o->wl_params[w - workloads]);
		free(o->wl_params[w - workloads]);
		o->wl_params[w - workloads] = NULL;
	}
	opt_release(run_options, o);
	free(o->target_label);
	free(o->kernel_name);
	free(o->series);
	free(o->config_hash);
	free(o->notes);
}

/* Options that concern the VM itself, not the run inside it. */
static bool vm_only(const char *name)
{
	static const char *const names[] = { "target", "kernel", "accel", "insn-count", "cpus",
					     "mem", "boot-timeout", "run-timeout", "append", "out",
					     "force", "cache", "workdir", "source", NULL };
	size_t i;

	for (i = 0; names[i]; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

/* An option without a default that was not given: nothing to pass on. */
static bool unset(const struct option *op, const void *base)
{
	const char *f = (const char *)base + op->offset;

	if (op->def)
		return false;
	switch (op->type) {
	case OPT_BOOL:
		return !*(const bool *)f;
	case OPT_INT:
		return !*(const int *)f;
	case OPT_SIZE:
		return !*(const uint64_t *)f;
	case OPT_DURATION:
		return !*(const int64_t *)f;
	case OPT_STRING:
	case OPT_CHOICE:
		return !*(char *const *)f;
	case OPT_END:
		break;
	}
	return true;
}

void run_opts_to_args(const struct run_opts *o, struct strbuf *sb)
{
	const struct workload *const *w;
	const struct option *op;

	for (op = run_options; op->type != OPT_END; op++) {
		char *v;

		if (vm_only(op->name) || unset(op, o))
			continue;
		v = opt_format(op, o);
		sb_addf(sb, "--%s=%s\n", op->name, v);
		free(v);
	}
	for (w = workloads; *w; w++) {
		for (op = (*w)->params; op && op->type != OPT_END; op++) {
			const void *p = o->wl_params[w - workloads];
			char *v;

			if (unset(op, p))
				continue;
			v = opt_format(op, p);
			sb_addf(sb, "--%s-%s=%s\n", (*w)->name, op->name, v);
			free(v);
		}
	}
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	int ret;

	ret = run_opts_parse(&o, argc, argv);
	if (ret == -2)
		ret = 0;
	else if (ret < 0)
		ret = 2;
	else
		ret = run_main(&o);
	run_opts_release(&o);
	return ret;
}
