// SPDX-License-Identifier: GPL-2.0
/*
 * run-opts.c - the options of a run: the table "patchbench run" parses, the
 * defaults every caller starts from, and the guest-args / guest.info pair
 * through which the VM target hands a run to the guest.
 */
#include "run-opts.h"
#include "options.h"
#include "resultdir.h"
#include "workload.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const targets[] = { "host", "vm", NULL };
static const char *const accels[] = { "auto", "kvm", "tcg", NULL };
static const char *const insn_modes[] = { "auto", "on", "off", NULL };
static const char *const aslr_modes[] = { "auto", "on", "off", NULL };
static const char *const cgroup_modes[] = { "auto", "v1", "v2", NULL };
static const char *const scales[] = { "smoke", "small", "full", NULL };
static const char *const yes_no[] = { "yes", "no", NULL };

#define O(f) offsetof(struct run_opts, f)
const struct option run_options[] = {
	{ "target", 't', OPT_CHOICE, O(target), "host", "TARGET",
	  "where to run: host = the running kernel, vm = a built kernel under qemu",
	  targets, .tags = RUN_HOST },
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
	/* source, cache, workdir: a guest gets the VM target's values, not the user's */
	{ "source", 0, OPT_STRING, O(source), NULL, "DIR|TARBALL|git:DIR@REF",
	  "kernel source for kernelbuild [/usr/src/linux-source-6.1.tar.xz]" },
	{ "cache", 0, OPT_STRING, O(cache), NULL, "DIR",
	  "cache for unpacked sources [$PATCHBENCH_CACHE or ~/.cache/patchbench]" },
	{ "out", 'o', OPT_STRING, O(out), NULL, "DIR", "result directory [results/<run-id>]",
	  .tags = RUN_HOST },
	{ "force", 'f', OPT_BOOL, O(force), NULL, NULL,
	  "replace an existing result directory", .tags = RUN_HOST },
	{ "quiet", 'q', OPT_BOOL, O(quiet), NULL, NULL, "no progress lines" },
	{ "kernel", 'k', OPT_STRING, O(kernel), NULL, "NAME",
	  "--target vm: the built kernel to boot (see 'patchbench kernels')", .tags = RUN_HOST },
	{ "accel", 0, OPT_CHOICE, O(accel), "auto", "ACCEL",
	  "--target vm: KVM when it really works, else TCG (emulated timings)", accels,
	  .tags = RUN_HOST },
	{ "insn-count", 0, OPT_CHOICE, O(insn_count), "auto", "MODE",
	  "--target vm: count guest instructions with the TCG plugin (auto: under TCG)",
	  insn_modes, .tags = RUN_HOST },
	{ "guest-aslr", 0, OPT_CHOICE, O(guest_aslr), "auto", "MODE",
	  "--target vm: address space randomisation in the guest (auto: off, kernel "
	  "parameter norandmaps, while counting instructions: it moves per-symbol counts "
	  "by up to 15% between boots)", aslr_modes, .tags = RUN_HOST },
	{ "cpus", 0, OPT_INT, O(vm_cpus), "2", "N", "--target vm: guest CPUs", NULL, 1, 256,
	  RUN_HOST },
	{ "mem", 0, OPT_SIZE, O(vm_mem), "4G", "SIZE", "--target vm: guest memory", NULL,
	  256LL << 20, 1LL << 40, RUN_HOST },
	{ "boot-timeout", 0, OPT_DURATION, O(boot_timeout), "120s", "TIME",
	  "--target vm: no guest start within TIME is boot-failed", NULL, NSEC_PER_SEC,
	  3600 * NSEC_PER_SEC, RUN_HOST },
	{ "run-timeout", 0, OPT_DURATION, O(run_timeout), "60m", "TIME",
	  "--target vm: the whole guest run must end within TIME", NULL, NSEC_PER_SEC,
	  7 * 24 * 3600 * NSEC_PER_SEC, RUN_HOST },
	{ "append", 0, OPT_STRING, O(append), NULL, "ARGS",
	  "--target vm: extra kernel command line", .tags = RUN_HOST },
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
	{ "pair", 0, OPT_STRING, O(pair), NULL, "ID",
	  "the A/B pair of this run (meta.json \"pair\"; compare pairs the runs): the kernel "
	  "must be in the cache, the Slurm node is noted", .tags = RUN_HOST },
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

static int parse_args(struct run_opts *o, int argc, char **argv, bool keep)
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
		.keep = keep,
	};
	int i = opt_parse_all(&cmd, o, argc, argv);

	if (i)
		return i;
	if (!o->jobs)
		o->jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	return 0;
}

/* The workloads' parameter structs, with their defaults. */
static void wl_params_init(struct run_opts *o)
{
	const struct workload *const *w;

	for (w = workloads; *w; w++) {
		o->wl_params[w - workloads] = xcalloc(1, (*w)->params_size ? (*w)->params_size : 1);
		if ((*w)->params)
			opt_defaults((*w)->params, o->wl_params[w - workloads]);
	}
}

void run_opts_init(struct run_opts *o)
{
	memset(o, 0, sizeof(*o));
	wl_params_init(o);
	opt_defaults(run_options, o);
	o->jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
}

int run_opts_parse(struct run_opts *o, int argc, char **argv)
{
	memset(o, 0, sizeof(*o));
	wl_params_init(o);
	return parse_args(o, argc, argv, false);
}

int run_opts_apply(struct run_opts *o, int argc, char **argv)
{
	return parse_args(o, argc, argv, true);
}

int run_opts_apply_str(struct run_opts *o, const char *run_args)
{
	char **v = strv_split(run_args, ' '), **argv;
	size_t i, n = 0;
	int ret;

	argv = xcalloc(strv_len(v) + 2, sizeof(*argv));
	argv[n++] = "run";
	for (i = 0; v[i]; i++)
		if (*v[i])
			argv[n++] = v[i];
	ret = run_opts_apply(o, (int)n, argv);
	free(argv);
	strv_free(v);
	return ret;
}


void run_opts_release(struct run_opts *o)
{
	const struct workload *const *w;

	if (!o)
		return;
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
	memset(o, 0, sizeof(*o));
}

/* Replace every string field of @opts in @base by a copy of its own. */
static void dup_strings(const struct option *opts, void *base)
{
	const struct option *op;

	for (op = opts; op && op->type != OPT_END; op++) {
		char **f = (char **)((char *)base + op->offset);

		if ((op->type == OPT_STRING || op->type == OPT_CHOICE) && *f)
			*f = xstrdup(*f);
	}
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void run_opts_copy(struct run_opts *dst, const struct run_opts *src)
{
	const struct workload *const *w;

	*dst = *src;
	dup_strings(run_options, dst);
	dst->target_label = dup_or_null(src->target_label);
	dst->kernel_name = dup_or_null(src->kernel_name);
	dst->series = dup_or_null(src->series);
	dst->config_hash = dup_or_null(src->config_hash);
	dst->notes = dup_or_null(src->notes);
	for (w = workloads; *w; w++) {
		size_t i = w - workloads, size = (*w)->params_size ? (*w)->params_size : 1;

		if (!src->wl_params[i])
			continue;
		dst->wl_params[i] = xmalloc(size);
		memcpy(dst->wl_params[i], src->wl_params[i], size);
		dup_strings((*w)->params, dst->wl_params[i]);
	}
}

void *run_opts_wl(const struct run_opts *o, const struct workload *wl)
{
	int i = wl_index(wl);

	return i < 0 ? NULL : o->wl_params[i];
}

int run_opts_int(const struct run_opts *o, const char *name)
{
	const struct option *op;

	for (op = run_options; op->type != OPT_END; op++)
		if (op->type == OPT_INT && !strcmp(op->name, name))
			return *(const int *)((const char *)o + op->offset);
	return 0;
}

void run_opts_set_wl_str(struct run_opts *o, const struct workload *wl, const char *name,
			 const char *value)
{
	char **f = wl_param(wl, run_opts_wl(o, wl), name);

	if (!f)
		return;
	free(*f);
	*f = dup_or_null(value);
}

void run_opts_to_meta(const struct run_opts *o, struct meta *m)
{
	m->workloads = xstrdup(o->workload);
	m->scale = xstrdup(o->scale);
	m->depth = o->depth;
	m->builders = o->builders;
	m->idle = o->idle;
	m->jobs = o->jobs;
	m->batch = o->batch;
	m->interval_ns = o->interval;
}

void run_opts_params_to_meta(const struct run_opts *o, struct meta *m)
{
	const struct workload *const *w;

	for (w = workloads; *w; w++) {
		const struct option *op;
		void *p = o->wl_params[w - workloads];

		for (op = (*w)->params; op && op->type != OPT_END; op++) {
			char *k = xasprintf("%s-%s", (*w)->name, op->name);
			char *v = opt_format(op, p);

			meta_add_param(m, k, v);
			free(k);
			free(v);
		}
	}
}

void run_opts_from_meta(struct run_opts *o, const struct meta *m)
{
	free(o->workload);
	o->workload = xstrdup(m->workloads ? m->workloads : "");
	o->depth = m->depth;
	o->builders = m->builders;
	o->idle = m->idle;
	o->batch = m->batch;
}

/* An option that is not set (no default, zero or NULL): nothing to hand over. */
static bool unset(const struct option *op, const void *base)
{
	const char *f = (const char *)base + op->offset;

	switch (op->type) {
	case OPT_BOOL:
		return !op->def && !*(const bool *)f;
	case OPT_INT:
		return !op->def && !*(const int *)f;
	case OPT_SIZE:
		return !op->def && !*(const uint64_t *)f;
	case OPT_DURATION:
		return !op->def && !*(const int64_t *)f;
	case OPT_STRING:
	case OPT_CHOICE:
		return !*(char *const *)f;
	case OPT_END:
		break;
	}
	return true;
}

char **run_opts_argv(const struct run_opts *g, unsigned skip_tags)
{
	const struct workload *const *w;
	const struct option *op;
	char **argv = NULL;
	size_t n = 0;

	for (op = run_options; op->type != OPT_END; op++) {
		char *v;

		if ((op->tags & skip_tags) || unset(op, g))
			continue;
		v = opt_format(op, g);
		argv = xrealloc(argv, (n + 2) * sizeof(*argv));
		argv[n++] = xasprintf("--%s=%s", op->name, v);
		free(v);
	}
	for (w = workloads; *w; w++) {
		for (op = (*w)->params; op && op->type != OPT_END; op++) {
			const void *p = g->wl_params[w - workloads];
			char *v;

			if (unset(op, p))
				continue;
			v = opt_format(op, p);
			argv = xrealloc(argv, (n + 2) * sizeof(*argv));
			argv[n++] = xasprintf("--%s-%s=%s", (*w)->name, op->name, v);
			free(v);
		}
	}
	argv = xrealloc(argv, (n + 1) * sizeof(*argv));
	argv[n] = NULL;
	return argv;
}

void run_opts_guest_format(const struct run_opts *g, struct strbuf *args, struct strbuf *info)
{
	char **argv = run_opts_argv(g, RUN_HOST);
	size_t i;

	for (i = 0; argv[i]; i++)
		sb_addf(args, "%s\n", argv[i]);
	strv_free(argv);
#define S(x) ((x) ? (x) : "")
	sb_addf(info, "target=%s\nkernel=%s\nseries=%s\nconfig_hash=%s\nnotes=%s\n",
		S(g->target_label), S(g->kernel_name), S(g->series), S(g->config_hash),
		S(g->notes));
#undef S
}

/* key=value lines of guest.info into the fields of @o. */
static void info_parse(struct run_opts *o, char *buf)
{
	char *line, *save = NULL;

	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');
		char **field = NULL;

		if (!eq || !eq[1])
			continue;
		*eq = '\0';
		if (!strcmp(line, "target"))
			field = &o->target_label;
		else if (!strcmp(line, "kernel"))
			field = &o->kernel_name;
		else if (!strcmp(line, "series"))
			field = &o->series;
		else if (!strcmp(line, "config_hash"))
			field = &o->config_hash;
		else if (!strcmp(line, "notes"))
			field = &o->notes;
		if (field) {
			free(*field);
			*field = xstrdup(eq + 1);
		}
	}
}

int run_opts_guest_parse(struct run_opts *o, char *args, char *info)
{
	char **argv, *p, *save = NULL;
	size_t n = 0;
	int ret;

	argv = xcalloc(strlen(args) / 2 + 3, sizeof(*argv));
	argv[n++] = "run";
	for (p = strtok_r(args, "\n", &save); p; p = strtok_r(NULL, "\n", &save))
		argv[n++] = p;
	argv[n] = NULL;
	ret = run_opts_parse(o, (int)n, argv);
	free(argv);
	if (ret)
		return -1;
	info_parse(o, info);
	return 0;
}

int run_opts_guest_write(const struct run_opts *g, const char *dir)
{
	struct strbuf args = STRBUF_INIT, info = STRBUF_INIT;
	char *path = xasprintf("%s/%s", dir, GUEST_ARGS_FILE);
	int ret;

	run_opts_guest_format(g, &args, &info);
	ret = write_atomic(path, args.buf, args.len);
	free(path);
	path = xasprintf("%s/%s", dir, GUEST_INFO_FILE);
	if (!ret)
		ret = write_atomic(path, info.buf, info.len);
	free(path);
	sb_release(&args);
	sb_release(&info);
	return ret;
}

int run_opts_guest_read(struct run_opts *o, const char *dir)
{
	static char empty[1];
	struct strbuf args = STRBUF_INIT, info = STRBUF_INIT;
	char *path = xasprintf("%s/%s", dir, GUEST_ARGS_FILE);
	int ret;

	memset(o, 0, sizeof(*o));
	ret = read_file(path, &args);
	free(path);
	path = xasprintf("%s/%s", dir, GUEST_INFO_FILE);
	if (!ret)
		ret = read_file(path, &info);
	free(path);
	if (ret) {
		pr_err("cannot read the run's options from the result share: %s", strerror(-ret));
		ret = -1;
	} else
		ret = run_opts_guest_parse(o, args.buf ? args.buf : empty,
					   info.buf ? info.buf : empty);
	sb_release(&args);
	sb_release(&info);
	return ret;
}
