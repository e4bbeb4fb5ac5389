// SPDX-License-Identifier: GPL-2.0
/*
 * ab.c - an A/B series (ab.h): the base and the patched kernel are built
 * when missing, then run interleaved (A B A B ...) so that slow drift of
 * the machine affects both sides alike.
 */
#include "ab.h"
#include "compare.h"
#include "kbuild.h"
#include "resultdir.h"
#include "run-opts.h"
#include "settle.h"
#include "target.h"
#include "strbuf.h"
#include "util.h"
#include "verdict.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
		ab_build_opts(&bo, cache, name, ao, ro);
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
	ab_build_opts(&bo, cache, name, ao, ro);
	pr_info("kernel '%s' is not built yet: building it", name);
	ret = kbuild_run(&bo, k, err, sizeof(err));
	if (ret)
		pr_err("%s", err);
	return ret;
}

/*
 * --build-on-node: kernel @name as it is in the cache, or, not built yet,
 * only its name (no key): the build job builds it. check_kernel() said
 * which it can be.
 */
static void kernel_or_name(const char *cache, const char *name, struct kernel_info *k)
{
	char err[1024];

	if (!kernel_load(cache, name, k, err, sizeof(err)))
		return;
	kernel_info_release(k);
	k->name = xstrdup(name);
}

static char *default_dir(const struct ab_opts *o)
{
	char *d = pb_date_stamp(), *dir = xasprintf("results/ab-%s-%s-vs-%s", d, o->base,
						     o->patched);

	free(d);
	return dir;
}

/*
 * May the A/B directory @dir be made? With --ab-force an existing one is
 * replaced (*@replace) only if it is an A/B directory no run is writing.
 */
static int check_dir(const char *dir, const struct ab_opts *o, bool *replace)
{
	char *j, *locked;
	pid_t holder = 0;
	bool ours;

	*replace = false;
	if (!path_exists(dir))
		return 0;
	if (!o->force) {
		pr_err("A/B directory '%s' already exists (use --ab-force to replace it)", dir);
		return -EEXIST;
	}
	*replace = true;
	j = xasprintf("%s/ab.json", dir);
	ours = path_exists(j);
	free(j);
	if (!ours) {
		pr_err("refusing to replace '%s': not an A/B directory (no ab.json)", dir);
		return -EEXIST;
	}
	locked = resultdir_find_locked(dir, &holder);
	if (locked) {
		pr_err("refusing to replace '%s': '%s' is being written by pid %d",
		       dir, locked, (int)holder);
		free(locked);
		return -EBUSY;
	}
	return 0;
}

/*
 * --repeat auto: compare the A/B directory @dir as it stands and look at the
 * watched metrics (verdict_settled(), at most @o->max_repeat - 1 looks).
 * Return: 1 when every one has settled, 0 when one is open, -1 for a watched
 * metric the runs do not have (printed); *@why says which, the caller frees it.
 */
static int ab_settled(const char *dir, const struct ab_opts *o, char **why)
{
	struct compare_opts co = { .force = true };
	struct comparison c;
	const char *missing;
	char err[1024], **keys;
	int ret;

	comparison_init(&c);
	if (compare_dirs(&c, dir, NULL, &co, err, sizeof(err))) {
		*why = xasprintf("cannot compare: %s", err);
		comparison_release(&c);
		return 0;
	}
	keys = strv_split(o->watch ? o->watch : settle_default_watch(&c), ',');
	ret = settle_look(&c, keys, o->max_repeat - 1, why, &missing);
	if (ret < 0)
		pr_err("--watch '%s': the runs have no such metric ('patchbench compare %s' "
		       "lists them)", missing, dir);
	strv_free(keys);
	comparison_release(&c);
	return ret;
}

/*
 * Why the series stops after a run that returned @rc into @dir: SIGINT
 * when the run was interrupted (its own SIGINT handling), SIGTERM when it
 * could not start (bad input: every further run would fail the same way),
 * else 0. Counts a failed run in *@failed.
 */
static int run_stop(int rc, const char *dir, int *failed)
{
	char e[256];
	struct meta m;
	int stop = 0;

	if (!rc)
		return 0;
	(*failed)++;
	if (rc != 1)
		return SIGTERM;
	if (!meta_load(&m, dir, e, sizeof(e))) {
		if (m.status && !strcmp(m.status, "interrupted"))
			stop = SIGINT;
		meta_release(&m);
	}
	return stop;
}

int ab_run(const struct ab_opts *o, struct run_opts *ro)
{
	struct kernel_info ka, kb;
	char **runs = NULL, *cache, *dir = NULL;
	const char **sides = NULL;
	int i, ret, code = 2, failed = 0;
	int stop = 0;		/* SIGINT: a run was interrupted; SIGTERM: a run could not start */
	char *stopped = NULL;	/* --repeat auto: why it stopped */
	size_t nruns = 0;
	bool replace;

	memset(&ka, 0, sizeof(ka));
	memset(&kb, 0, sizeof(kb));
	cache = ro->cache ? xstrdup(ro->cache) : pb_cache_dir();
	/* both kernels and the A/B directory, before the first build */
	if (check_kernel(cache, o->base, o, ro) || check_kernel(cache, o->patched, o, ro))
		goto out;
	dir = o->out ? xstrdup(o->out) : default_dir(o);
	if (check_dir(dir, o, &replace))
		goto out;
	if (o->build_on_node) {
		kernel_or_name(cache, o->base, &ka);
		kernel_or_name(cache, o->patched, &kb);
	} else if (ensure_kernel(cache, o->base, o, ro, &ka) ||
		   ensure_kernel(cache, o->patched, o, ro, &kb)) {
		goto out;
	}
	if (replace)
		remove_tree(dir);
	ret = mkdir_p(dir, 0755);
	if (ret) {
		pr_err("cannot create '%s': %s", dir, strerror(-ret));
		goto out;
	}
	if (!strcmp(o->engine, "slurm")) {
		code = ab_slurm(o, ro, dir, &ka, &kb);
		goto out;
	}
	runs = xcalloc(2 * o->repeat, sizeof(*runs));
	sides = xcalloc(2 * o->repeat, sizeof(*sides));
	ab_write_json(dir, o, &ka, &kb, runs, sides, 0, "running", NULL, NULL);
	for (i = 0; i < o->repeat && !stop; i++) {
		int side;

		for (side = 0; side < 2 && !stop; side++) {
			const struct kernel_info *k = side ? &kb : &ka;
			int rc;

			runs[nruns] = xstrdup(ab_run_set(ro, dir, side, i + 1, k));
			sides[nruns] = side ? "B" : "A";
			pr_info("ab: run %zu/%d: %s (%s)", nruns + 1, 2 * o->repeat,
				side ? "patched" : "base", k->name);
			rc = run_main(ro);
			nruns++;
			ab_write_json(dir, o, &ka, &kb, runs, sides, nruns, "running", NULL, NULL);
			stop = run_stop(rc, runs[nruns - 1], &failed);
		}
		if (o->repeat_auto && !stop && !failed && i >= 1) {
			free(stopped);
			stopped = NULL;
			ret = ab_settled(dir, o, &stopped);
			if (ret < 0) {
				ab_write_json(dir, o, &ka, &kb, runs, sides, nruns, "failed",
					      "a --watch metric the runs do not have", NULL);
				code = 2;
				goto out;
			}
			printf("ab: after %d pairs: %s\n", i + 1, stopped);
			fflush(stdout);
			if (ret)
				break;
		}
	}
	if (o->repeat_auto && !stopped)
		stopped = xstrdup("no look (a run failed)");
	else if (o->repeat_auto && i == o->repeat) {
		char *s = xasprintf("--max-repeat %d reached: %s", o->max_repeat, stopped);

		free(stopped);
		stopped = s;
	}
	ab_write_json(dir, o, &ka, &kb, runs, sides, nruns,
		      stop == SIGINT ? "interrupted" : stop || failed ? "failed" : "complete",
		      stopped, NULL);
	printf("\nA/B %s vs %s: %zu runs (%d failed) in %s\n", o->base, o->patched, nruns, failed,
	       dir);
	code = stop || failed ? 1 : 0;
out:
	for (size_t j = 0; j < nruns; j++)
		free(runs[j]);
	free(runs);
	free(sides);
	kernel_info_release(&ka);
	kernel_info_release(&kb);
	free(stopped);
	free(dir);
	free(cache);
	return code;
}
