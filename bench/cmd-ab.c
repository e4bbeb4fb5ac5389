// SPDX-License-Identifier: GPL-2.0
/*
 * cmd-ab.c - "patchbench ab": build the base and the patched kernel when
 * missing, then run them interleaved (A B A B ...) so that slow drift of
 * the machine affects both sides alike, each repeat in its own result
 * directory below one A/B directory.
 */
#include "builtin.h"
#include "json.h"
#include "kbuild.h"
#include "options.h"
#include "resultdir.h"
#include "run-opts.h"
#include "target.h"
#include "util.h"
#include "workload.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct ab_opts {
	char *base;
	char *patched;
	int repeat;
	char *out;
	char *config;
	int build_jobs;
	bool force;
};

#define O(f) offsetof(struct ab_opts, f)
static const struct option ab_options[] = {
	{ "base", 'A', OPT_STRING, O(base), "vanilla", "NAME",
	  "base kernel: a built kernel, or a series name to build (vanilla = no series)" },
	{ "patched", 'B', OPT_STRING, O(patched), NULL, "NAME",
	  "patched kernel: a built kernel, or a series name to build" },
	{ "repeat", 'r', OPT_INT, O(repeat), "1", "N", "runs per side, interleaved", NULL, 1,
	  1000 },
	{ "ab-out", 0, OPT_STRING, O(out), NULL, "DIR",
	  "A/B directory [results/ab-<date>-<base>-vs-<patched>]" },
	{ "build-config", 0, OPT_STRING, O(config), "smoke", "CONFIG",
	  "config of kernels built on the way (smoke|full|FILE)" },
	{ "build-jobs", 0, OPT_INT, O(build_jobs), NULL, "N",
	  "make -j for kernels built on the way [CPUs]", NULL, 1, 1024 },
	{ "ab-force", 0, OPT_BOOL, O(force), NULL, NULL, "replace an existing A/B directory" },
	{ NULL },
};
#undef O

static bool is_ab_option(const char *arg, const struct option **opt, const char **value)
{
	const struct option *o;
	const char *name = arg + 2;
	size_t len;

	*value = NULL;
	if (strncmp(arg, "--", 2)) {
		for (o = ab_options; o->type != OPT_END; o++) {
			if (arg[0] == '-' && o->short_name && arg[1] == o->short_name) {
				*opt = o;
				*value = arg[2] ? arg + 2 : NULL;
				return true;
			}
		}
		return false;
	}
	len = strcspn(name, "=");
	for (o = ab_options; o->type != OPT_END; o++) {
		if (strlen(o->name) == len && !strncmp(o->name, name, len)) {
			*opt = o;
			*value = name[len] == '=' ? name + len + 1 : NULL;
			return true;
		}
	}
	return false;
}

static void ab_help(void)
{
	printf("\nEvery other option is an option of 'patchbench run' (see its --help) and\n"
	       "applies to every run; --target is vm, --perf is on (--no-perf to drop it).\n"
	       "Kernels that are not built yet are built first ('patchbench build').\n\n"
	       "example: patchbench ab --base vanilla --patched memcg-flush-on-read -r 3 \\\n"
	       "             -w kernelbuild,idle --builders 2 --idle 3\n");
}

static void build_opts(struct kbuild_opts *bo, const char *cache, const char *name,
		       const struct ab_opts *ao, const struct run_opts *ro)
{
	memset(bo, 0, sizeof(*bo));
	bo->name = name;
	bo->series = strcmp(name, "vanilla") ? name : NULL;
	bo->config = ao->config;
	bo->cache = cache;
	bo->source = ro->source;
	bo->jobs = ao->build_jobs ? ao->build_jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
	bo->quiet = ro->quiet;
}

/*
 * Can kernel @name be had: built already, or buildable from the
 * series of that name? Checks only, builds nothing, so that a bad patched
 * name is found before the base kernel is built.
 */
static int check_kernel(const char *cache, const char *name, const struct ab_opts *ao,
			const struct run_opts *ro)
{
	struct kernel_info k;
	struct kbuild_opts bo;
	char err[1024];
	int ret = kernel_load(cache, name, &k, err, sizeof(err));

	kernel_info_release(&k);
	if (ret == -ENOENT) {
		build_opts(&bo, cache, name, ao, ro);
		ret = kbuild_check(&bo, err, sizeof(err));
	}
	if (ret)
		pr_err("%s", err);
	return ret;
}

/* Make sure kernel @name exists: load it, or build it from the series of that name. */
static int ensure_kernel(const char *cache, const char *name, const struct ab_opts *ao,
			 const struct run_opts *ro, struct kernel_info *k)
{
	struct kbuild_opts bo;
	char err[1024];
	int ret;

	if (!kernel_load(cache, name, k, err, sizeof(err)))
		return 0;
	build_opts(&bo, cache, name, ao, ro);
	pr_info("kernel '%s' is not built yet: building it", name);
	ret = kbuild_run(&bo, k, err, sizeof(err));
	if (ret)
		pr_err("%s", err);
	return ret;
}

static char *default_dir(const struct ab_opts *o)
{
	time_t t = time(NULL);
	struct tm tm;
	char buf[32];

	localtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y%m%d-%H%M%S", &tm);
	return xasprintf("results/ab-%s-%s-vs-%s", buf, o->base, o->patched);
}

static int write_ab_json(const char *dir, const struct ab_opts *o, const struct kernel_info *a,
			 const struct kernel_info *b, char **runs, const char **sides, size_t n,
			 const char *status)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	char *path = xasprintf("%s/ab.json", dir);
	size_t i;
	int ret;

	jw_init(&w, &sb);
	jw_obj_begin(&w);
	jw_kint(&w, "schema", 1);
	jw_kstr(&w, "status", status);
	jw_kstr(&w, "base", o->base);
	jw_kstr(&w, "patched", o->patched);
	jw_kstr(&w, "base_key", a->key);
	jw_kstr(&w, "patched_key", b->key);
	jw_kstr(&w, "base_config_sha256", a->config_sha256);
	jw_kstr(&w, "patched_config_sha256", b->config_sha256);
	jw_kint(&w, "repeat", o->repeat);
	jw_key(&w, "runs");
	jw_arr_begin(&w);
	for (i = 0; i < n; i++) {
		jw_obj_begin(&w);
		jw_kstr(&w, "side", sides[i]);
		jw_kstr(&w, "dir", strrchr(runs[i], '/') + 1);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	sb_adds(&sb, "\n");
	ret = write_atomic(path, sb.buf, sb.len);
	free(path);
	sb_release(&sb);
	return ret;
}

int cmd_ab(int argc, char **argv)
{
	struct ab_opts ao;
	struct opt_cmd cmd = {
		.name = "ab",
		.usage = "patchbench ab --base NAME --patched NAME [--repeat N] [run options]",
		.summary = "Build what is missing, then run the base and the patched kernel\n"
			   "interleaved (A B A B ...) under --target vm, one result directory per\n"
			   "run below one A/B directory.",
		.opts = ab_options,
		.extra_help = ab_help,
	};
	struct kernel_info ka, kb;
	struct run_opts ro;
	char **run_argv, **runs = NULL;
	const char **sides = NULL;
	char *cache = NULL, *dir = NULL;
	int run_argc = 0, ab_argc = 1, i, ret, code = 2, failed = 0;
	char **ab_argv;
	bool no_perf = false, ro_parsed = false, replace;
	char *locked;
	pid_t holder = 0;
	int stop = 0;		/* SIGINT: a run was interrupted; SIGTERM: a run could not start */
	size_t nruns = 0;

	memset(&ao, 0, sizeof(ao));
	memset(&ka, 0, sizeof(ka));
	memset(&kb, 0, sizeof(kb));
	/* Split argv: ab's own options here, everything else is for "run". */
	ab_argv = xcalloc(argc + 1, sizeof(*ab_argv));
	run_argv = xcalloc(argc + 1, sizeof(*run_argv));
	ab_argv[0] = argv[0];
	run_argv[run_argc++] = "run";
	for (i = 1; i < argc; i++) {
		const struct option *op;
		const char *val;

		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			opt_usage(&cmd);
			code = 0;
			goto out_argv;
		}
		if (is_ab_option(argv[i], &op, &val)) {
			ab_argv[ab_argc++] = argv[i];
			if (op->type != OPT_BOOL && !val && i + 1 < argc)
				ab_argv[ab_argc++] = argv[++i];
			continue;
		}
		if (!strcmp(argv[i], "--no-perf"))
			no_perf = true;
		run_argv[run_argc++] = argv[i];
	}
	ret = opt_parse(&cmd, &ao, ab_argc, ab_argv);
	if (ret < 0) {
		code = ret == -2 ? 0 : 2;
		goto out_argv;
	}
	if (ret < ab_argc) {
		pr_err("unexpected argument '%s' (see 'patchbench ab --help')", ab_argv[ret]);
		goto out_argv;
	}
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
	free(ro.target);
	ro.target = xstrdup("vm");
	/* bad input is found before any kernel is built or directory made */
	if (wl_check_list(ro.workload))
		goto out_argv;
	if (!no_perf)
		ro.perf = true;
	cache = ro.cache ? xstrdup(ro.cache) : pb_cache_dir();
	/* both kernels and the A/B directory, before the first build */
	if (check_kernel(cache, ao.base, &ao, &ro) ||
	    check_kernel(cache, ao.patched, &ao, &ro))
		goto out;
	dir = ao.out ? xstrdup(ao.out) : default_dir(&ao);
	if (path_exists(dir) && !ao.force) {
		pr_err("A/B directory '%s' already exists (use --ab-force to replace it)", dir);
		goto out;
	}
	replace = path_exists(dir);
	if (replace) {
		char *j = xasprintf("%s/ab.json", dir);
		bool ours = path_exists(j);

		free(j);
		if (!ours) {
			pr_err("refusing to replace '%s': not an A/B directory (no ab.json)", dir);
			goto out;
		}
		locked = resultdir_find_locked(dir, &holder);
		if (locked) {
			pr_err("refusing to replace '%s': '%s' is being written by pid %d",
			       dir, locked, (int)holder);
			free(locked);
			goto out;
		}
	}
	if (ensure_kernel(cache, ao.base, &ao, &ro, &ka) ||
	    ensure_kernel(cache, ao.patched, &ao, &ro, &kb))
		goto out;
	if (replace)
		remove_tree(dir);
	ret = mkdir_p(dir, 0755);
	if (ret) {
		pr_err("cannot create '%s': %s", dir, strerror(-ret));
		goto out;
	}
	code = 0;
	runs = xcalloc(2 * ao.repeat, sizeof(*runs));
	sides = xcalloc(2 * ao.repeat, sizeof(*sides));
	write_ab_json(dir, &ao, &ka, &kb, runs, sides, 0, "running");
	for (i = 0; i < ao.repeat && !stop; i++) {
		int side;

		for (side = 0; side < 2 && !stop; side++) {
			const struct kernel_info *k = side ? &kb : &ka;
			int rc;

			runs[nruns] = xasprintf("%s/%s-%d", dir, side ? "B" : "A", i + 1);
			sides[nruns] = side ? "B" : "A";
			pr_info("ab: run %zu/%d: %s (%s)", nruns + 1, 2 * ao.repeat,
				side ? "patched" : "base", k->name);
			free(ro.out);
			ro.out = xstrdup(runs[nruns]);
			free(ro.kernel);
			ro.kernel = xstrdup(k->name);
			rc = run_main(&ro);
			nruns++;
			write_ab_json(dir, &ao, &ka, &kb, runs, sides, nruns, "running");
			/* an interrupted run (its own SIGINT handling) ends the series too */
			if (rc == 1) {
				char e[256];
				struct meta m;

				failed++;
				if (!meta_load(&m, runs[nruns - 1], e, sizeof(e))) {
					if (m.status && !strcmp(m.status, "interrupted"))
						stop = SIGINT;
					meta_release(&m);
				}
			} else if (rc) {
				/* bad input: every further run would fail the same way */
				failed++;
				stop = SIGTERM;
			}
		}
	}
	write_ab_json(dir, &ao, &ka, &kb, runs, sides, nruns,
		      stop == SIGINT ? "interrupted" : stop || failed ? "failed" : "complete");
	printf("\nA/B %s vs %s: %zu runs (%d failed) in %s\n", ao.base, ao.patched, nruns, failed,
	       dir);
	code = stop || failed ? 1 : 0;
out:
	for (size_t j = 0; j < nruns; j++)
		free(runs[j]);
	free(runs);
	free(sides);
	kernel_info_release(&ka);
	kernel_info_release(&kb);
	free(dir);
	free(cache);
out_argv:
	if (ro_parsed)
		run_opts_release(&ro);
	opt_release(ab_options, &ao);
	free(ab_argv);
	free(run_argv);
	return code;
}
