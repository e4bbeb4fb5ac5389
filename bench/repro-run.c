// SPDX-License-Identifier: GPL-2.0
/*
 * repro-run.c - the builds and runs of a reproduction (repro-run.h):
 * everything runs in this process, the builds through kbuild_run(), the
 * runs through run_main(); the runs of different kernels are interleaved
 * so that slow drift of the machine affects every kernel alike.
 */
#include "repro-run.h"
#include "compare.h"
#include "kbuild.h"
#include "repro.h"
#include "resultdir.h"
#include "run-opts.h"
#include "settle.h"
#include "strbuf.h"
#include "target.h"
#include "util.h"
#include "workload.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NKERNELS REPRO_NKERNELS
/* the kernels and what each must show: analysis/repro.c */
static const char *const *const kernels = repro_kernel_names;

/* The kernelbuild objects of a smoke-scale overhead run (per builder). */
#define REPRO_SMOKE_TARGETS "mm/filemap.o"

/* Replace the string *@field by a copy of @value. */
static void set_str(char **field, const char *value)
{
	free(*field);
	*field = value ? xstrdup(value) : NULL;
}

int repro_run_opts(const struct repro_opts *ro, const char *kernel, const char *out,
		   const char *workloads, bool perf, bool use_duration, struct run_opts *o)
{
	bool kb = wl_in_list(&wl_kernelbuild, workloads);
	int ret;

	run_opts_init(o);
	set_str(&o->target, "vm");
	set_str(&o->kernel, kernel);
	set_str(&o->out, out);
	o->force = true;
	set_str(&o->workload, workloads);
	o->perf = perf;
	if (ro->source)
		set_str(&o->source, ro->source);
	if (ro->cache)
		set_str(&o->cache, ro->cache);
	set_str(&o->scale, ro->scale);
	/* table 3 also looks at the samples after the build */
	if (kb)
		o->settle = 10 * NSEC_PER_SEC;
	/* smoke under TCG: one object per builder keeps 8 runs near 2 min each */
	if (kb && !strcmp(ro->scale, "smoke") &&
	    !(ro->run_args && strstr(ro->run_args, "--kernelbuild-targets")))
		run_opts_set_wl_str(o, &wl_kernelbuild, "targets", REPRO_SMOKE_TARGETS);
	if (use_duration && ro->duration)
		o->duration = ro->duration / NSEC_PER_MSEC * NSEC_PER_MSEC;
	if (wl_in_list(&wl_selftests, workloads))
		run_opts_set_wl_str(o, &wl_selftests, "tests", ro->selftests);
	if (wl_in_list(&wl_readcost, workloads)) {
		run_opts_set_wl_str(o, &wl_readcost, "counts", ro->readcost_counts);
		/* the sampler's reads of the root flush: keep them out of the dirty reads */
		o->interval = 10 * NSEC_PER_SEC;
	}
	if (wl_in_list(&wl_kmem_churn, workloads))
		*(int *)wl_param(&wl_kmem_churn, run_opts_wl(o, &wl_kmem_churn), "children") = 20;
	if (!kb)
		o->idle = 2;
	ret = use_duration && ro->run_args ? run_opts_apply_str(o, ro->run_args) : 0;
	return ret == -2 ? 1 : ret ? 2 : 0;
}

/*
 * One vm run of @workloads on @kernel into @out, with what @ro says of it
 * (repro_run_opts()). A complete run in @out is reused. Returns 0, 1 for a
 * failed run (with --report-only: a missing one), 2 for bad options
 * (--run-args, run_main()).
 */
static int run_one(const struct repro_opts *ro, const char *kernel, const char *out,
		   const char *workloads, bool perf, bool use_duration)
{
	struct run_opts o;
	int ret;

	if (meta_complete(out)) {
		if (!ro->report_only)
			pr_info("reproduce: %s: complete already, reused", out);
		return 0;
	}
	if (ro->report_only)
		return 1;	/* nothing is run: the caller warns, the report says what is missing */
	pr_info("reproduce: run %s: %s -> %s", kernel, workloads, out);
	ret = repro_run_opts(ro, kernel, out, workloads, perf, use_duration, &o);
	if (ret)
		ret = ret == 1 ? 0 : 2;	/* --help among them: printed */
	else
		ret = run_main(&o);
	run_opts_release(&o);
	return ret;
}

/* The four kernels: built unless built already with the same key (loaded with --report-only). */
int repro_get_kernels(const struct repro_opts *o, const char *cache, struct kernel_info *ki)
{
	char err[1024];
	size_t i;
	int ret;

	for (i = 0; i < NKERNELS; i++) {
		struct kbuild_opts bo;

		memset(&bo, 0, sizeof(bo));
		bo.name = kernels[i];
		bo.series = i ? kernels[i] : NULL;
		bo.cache = cache;
		bo.source = o->source;
		bo.jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
		ret = o->report_only ? kernel_load(cache, kernels[i], &ki[i], err, sizeof(err)) :
		      kbuild_run(&bo, &ki[i], err, sizeof(err));
		if (ret) {
			pr_err("reproduce: kernel %s: %s", kernels[i], err);
			return ret == -EINVAL || ret == -ENOENT ? 2 : 1;
		}
	}
	return 0;
}

/* Table 1: the selftests, once per kernel of --selftests-kernels. */
static int run_selftests(const struct repro_opts *o, const char *out, struct repro_kernel ks[])
{
	size_t i;
	int ret;

	for (i = 0; i < NKERNELS && !o->no_selftests; i++) {
		char **sk = strv_split(o->selftests_kernels ? o->selftests_kernels : "", ',');
		bool want = name_index((const char *const *)sk, strv_len(sk), kernels[i]) >= 0;

		strv_free(sk);
		if (!want)
			continue;
		ks[i].st_dir = xasprintf("%s/selftests/%s", out, kernels[i]);
		ret = run_one(o, kernels[i], ks[i].st_dir, "idle,kmem-churn,selftests", false, false);
		if (ret == 2)
			return 1;
		if (ret)
			pr_warn("reproduce: selftests on %s: the run did not complete (see %s)",
				kernels[i], ks[i].st_dir);
		repro_tap_load(&ks[i].tap, ks[i].st_dir);
	}
	return 0;
}

/* Read-cost scaling: --readcost-repeats runs per kernel, interleaved. */
static int run_readcost(const struct repro_opts *o, const char *out, struct repro_kernel ks[])
{
	size_t i;
	int r, ret;

	for (r = 0; r < o->readcost_repeats && !o->no_readcost; r++) {
		for (i = 0; i < NKERNELS; i++) {
			char *dir = xasprintf("%s/readcost/%s/%d", out, kernels[i], r + 1);

			ret = run_one(o, kernels[i], dir, "readcost", false, false);
			if (ret == 2) {
				free(dir);
				return 1;
			}
			if (ret)
				pr_warn("reproduce: read cost run %d on %s did not complete (see %s)",
					r + 1, kernels[i], dir);
			repro_rc_load(&ks[i].rc, dir);
			free(dir);
		}
	}
	if (!o->no_readcost && repro_rc_write_summary(out, ks))
		pr_warn("reproduce: cannot write %s/readcost-summary.tsv", out);
	return 0;
}

/*
 * --repeats auto, after round @rounds: compare each patched kernel's runs with
 * vanilla's and look at the watched metric (settle_look(), at most
 * @o->max_repeat - 1 looks). 1 when every kernel's has settled, else 0;
 * *@why says where each stands (the caller frees it).
 */
static int repro_settled(const struct repro_opts *o, const char *out, int rounds, char **why)
{
	struct compare_opts co = { .force = true };
	struct strbuf sb = STRBUF_INIT;
	char *a = xasprintf("%s/runs/%s", out, kernels[0]), err[1024];
	int all = 1;
	size_t i;

	for (i = 1; i < NKERNELS; i++) {
		char *b = xasprintf("%s/runs/%s", out, kernels[i]), *w = NULL, *keys[2];
		struct comparison c;
		const char *missing;
		int ret;

		comparison_init(&c);
		if (compare_dirs(&c, a, b, &co, err, sizeof(err))) {
			sb_addf(&sb, "%s%s cannot be compared (%s)", i > 1 ? "; " : "", kernels[i],
				err);
			ret = 0;
		} else {
			keys[0] = (char *)settle_default_watch(&c);
			keys[1] = NULL;
			ret = settle_look(&c, keys, o->max_repeat - 1, &w, &missing);
			sb_addf(&sb, "%s%s %s", i > 1 ? "; " : "", kernels[i], w ? w : "?");
		}
		all &= ret == 1;
		free(w);
		free(b);
		comparison_release(&c);
	}
	free(a);
	pr_info("reproduce: after %d round(s): %s", rounds, sb.buf);
	*why = sb_detach(&sb);
	return all;
}

/* Tables 2 and 3: repeats, interleaved across kernels. */
static int run_repeats(const struct repro_opts *o, const char *out, struct repro_auto *ra)
{
	size_t i;
	int r, ret, missing, settled = 0;
	char *why = NULL;

	for (r = 0; r < o->repeats; r++) {
		missing = 0;
		for (i = 0; i < NKERNELS; i++) {
			char *dir = xasprintf("%s/runs/%s/%d", out, kernels[i], r + 1);

			if (o->repeats_auto && o->report_only && !meta_complete(dir)) {
				missing++;	/* the rounds there are: not a warning */
				free(dir);
				continue;
			}
			ret = run_one(o, kernels[i], dir, o->workloads, true, true);
			free(dir);
			if (ret == 2) {
				free(why);
				return 1;
			}
			if (ret)
				pr_warn("reproduce: run %d of %s did not complete", r + 1,
					kernels[i]);
		}
		if (!o->repeats_auto)
			continue;
		if (missing == NKERNELS)
			break;
		ra->rounds = r + 1;
		if (r >= 1) {
			free(why);
			settled = repro_settled(o, out, r + 1, &why);
			if (settled)
				break;
		}
	}
	if (o->repeats_auto) {
		ra->max_repeat = o->max_repeat;
		free(ra->stopped);
		ra->stopped = !why ? xstrdup("no look (fewer than 2 rounds)") :
			      settled ? xasprintf("settled after %d rounds: %s", r + 1, why) :
			      r == o->repeats ? xasprintf("--max-repeat %d reached: %s",
							  o->max_repeat, why) :
			      xasprintf("the rounds there are: %s", why);
		free(why);
	}
	return 0;
}

int repro_run(const struct repro_opts *o, const char *out, const char *cache,
	      struct kernel_info *ki, struct repro_kernel *ks, struct repro_auto *ra)
{
	size_t i;
	int ret;

	ret = repro_get_kernels(o, cache, ki);
	if (!ret)
		ret = run_selftests(o, out, ks);
	if (!ret)
		ret = run_readcost(o, out, ks);
	if (!ret)
		ret = run_repeats(o, out, ra);
	if (ret)
		return ret;
	for (i = 0; i < NKERNELS; i++)
		ks[i].runs_dir = xasprintf("%s/runs/%s", out, kernels[i]);
	return 0;
}
