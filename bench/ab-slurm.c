// SPDX-License-Identifier: GPL-2.0
/*
 * ab-slurm.c - "patchbench ab --engine slurm" (ab.h): the kernels are
 * built here, the runs become a Slurm job array (task N runs pair N on one
 * node, A then B or B then A), a final job compares. Every run's options
 * come from ab_run_set(), as for a local A/B, plus --pair N.
 */
#include "ab.h"
#include "json.h"
#include "kbuild.h"
#include "kcache.h"
#include "resultdir.h"
#include "run-opts.h"
#include "slurm.h"
#include "strbuf.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The runs' directories and sides in the local order A-1 B-1 A-2 B-2 ... (ab.json). */
static void list_runs(const char *dir, int repeat, char **runs, const char **sides)
{
	int i;

	for (i = 0; i < 2 * repeat; i++) {
		sides[i] = i % 2 ? "B" : "A";
		runs[i] = xasprintf("%s/%s-%d", dir, sides[i], i / 2 + 1);
	}
}

char *ab_slurm_task_script(const struct ab_opts *o, struct run_opts *ro, const char *dir,
			   const struct kernel_info *ka, const struct kernel_info *kb,
			   const char *self)
{
	struct slurm_run *runs = xcalloc(2 * o->repeat, sizeof(*runs));
	struct strbuf sb = STRBUF_INIT;
	int task, k, n = 0;

	for (task = 1; task <= o->repeat; task++) {
		for (k = 0; k < 2; k++) {
			int side = k ? !slurm_pair_first(task) : slurm_pair_first(task);

			ab_run_set(ro, dir, side, task, side ? kb : ka);
			free(ro->pair);
			ro->pair = xasprintf("%d", task);
			runs[n].task = task;
			runs[n++].argv = run_opts_argv(ro, 0);
		}
	}
	slurm_task_script(&sb, self, runs, n);
	for (k = 0; k < n; k++)
		strv_free((char **)runs[k].argv);
	free(runs);
	free(ro->pair);
	ro->pair = NULL;
	return sb_detach(&sb);
}

/* The "patchbench build" options (without "build") of @bo. strv_free() them. */
static char **build_argv(const struct kbuild_opts *bo, const struct ab_opts *o, bool quiet)
{
	char **v = xcalloc(16, sizeof(*v));
	size_t n = 0;

	v[n++] = xstrdup("--name");
	v[n++] = xstrdup(bo->name);
	if (bo->series) {
		v[n++] = xstrdup("--series");
		v[n++] = xstrdup(bo->series);
	}
	if (bo->config) {
		v[n++] = xstrdup("--config");
		v[n++] = xstrdup(bo->config);
	}
	v[n++] = xstrdup("--cache");
	v[n++] = xstrdup(bo->cache);
	if (bo->source) {
		v[n++] = xstrdup("--source");
		v[n++] = xstrdup(bo->source);
	}
	/* the node's CPUs, not this host's, unless --build-jobs says */
	if (o->build_jobs)
		v[n++] = xasprintf("--jobs=%d", o->build_jobs);
	if (quiet)
		v[n++] = xstrdup("--quiet");
	return v;
}

char *ab_slurm_build_script(const struct ab_opts *o, const struct run_opts *ro,
			    const struct kernel_info *ka, const struct kernel_info *kb,
			    const char *self, const char *status)
{
	const struct kernel_info *k[2] = { ka, kb };
	struct slurm_build b[2];
	struct strbuf sb = STRBUF_INIT;
	struct kbuild_opts bo;
	char *cache = ro->cache ? xstrdup(ro->cache) : pb_cache_dir();
	int i;

	for (i = 0; i < 2; i++) {
		b[i].kernel = k[i]->name;
		b[i].argv = NULL;
		if (k[i]->key)
			continue;
		ab_build_opts(&bo, cache, k[i]->name, o, ro);
		b[i].argv = build_argv(&bo, o, ro->quiet);
	}
	slurm_build_script(&sb, self, "ab", cache, b, 2, status);
	for (i = 0; i < 2; i++)
		strv_free((char **)b[i].argv);
	free(cache);
	return sb_detach(&sb);
}

/* "builds K, checks the node sees K": what the build job does, into @sb. */
static void build_what(struct strbuf *sb, const struct kernel_info *ka,
		       const struct kernel_info *kb)
{
	const struct kernel_info *k[2] = { ka, kb };
	int i;

	for (i = 0; i < 2; i++)
		sb_addf(sb, "%s%s %s", i ? ", " : "", k[i]->key ? "checks the node sees" : "builds",
			k[i]->name);
}

/* After the jobs: the report the final job wrote, and compare's status. */
static int show_result(const struct ab_opts *o, const char *dir, char **runs, size_t n,
		       const char *final)
{
	struct strbuf sb = STRBUF_INIT;
	char *p = xasprintf("%s/slurm/compare.status", dir);
	int code, failed;

	code = slurm_read_status(p);
	failed = slurm_count_failed("ab", dir, runs, n, true);
	if (code < 0) {
		pr_err("the final job %s wrote no compare status (see '%s/slurm/final.out')",
		       final, dir);
		code = 1;
	} else {
		free(p);
		p = xasprintf("%s/report.txt", dir);
		if (!read_file(p, &sb))
			fwrite(sb.buf, 1, sb.len, stdout);
	}
	printf("\nA/B %s vs %s: %zu runs (%d failed) in %s\n", o->base, o->patched, n, failed,
	       dir);
	free(p);
	sb_release(&sb);
	return code;
}

int ab_slurm(const struct ab_opts *o, struct run_opts *ro, const char *dir_in,
	     const struct kernel_info *ka, const struct kernel_info *kb)
{
	size_t n = 2 * (size_t)o->repeat, i;
	char **runs = xcalloc(n, sizeof(*runs)), err[1024];
	const char **sides = xcalloc(n, sizeof(*sides));
	char *dir = path_canon(dir_in), *self = pb_self_exe(), *sdir = NULL, *text = NULL;
	char *task_path = NULL, *final_path = NULL, *name = NULL, *range = NULL;
	char *build_path = NULL, *build_log = NULL, *build_status = NULL;
	struct slurm_build_job bj;
	struct slurm_signals *sig = NULL;
	struct slurm_jobs jobs = { NULL, NULL };
	struct ab_jobs abj = { NULL, NULL, NULL, NULL, NULL };
	int code = 1, ret;

	if (!dir || !self) {
		pr_err("cannot resolve '%s' or this program's path", dir_in);
		goto out;
	}
	/* every node must find the same cache, by the same path */
	text = slurm_cache(ro->cache);
	free(ro->cache);
	ro->cache = text;
	text = NULL;
	sdir = xasprintf("%s/slurm", dir);
	ret = mkdir_p(sdir, 0755);
	if (ret) {
		pr_err("cannot create '%s': %s", sdir, strerror(-ret));
		goto out;
	}
	list_runs(dir, o->repeat, runs, sides);
	ab_write_json(dir, o, ka, kb, runs, sides, n, "submitted", NULL, NULL);
	task_path = xasprintf("%s/task.sh", sdir);
	final_path = xasprintf("%s/final.sh", sdir);
	text = ab_slurm_task_script(o, ro, dir, ka, kb, self);
	if (slurm_write_script(task_path, text))
		goto out;
	free(text);
	text = NULL;
	{
		struct strbuf sb = STRBUF_INIT;

		slurm_final_script(&sb, self, dir);
		text = sb_detach(&sb);
	}
	if (slurm_write_script(final_path, text))
		goto out;
	if (o->build_on_node) {
		build_path = xasprintf("%s/build.sh", sdir);
		build_log = xasprintf("%s/build.log", dir);
		build_status = xasprintf("%s/build.status", sdir);
		free(text);
		text = ab_slurm_build_script(o, ro, ka, kb, self, build_status);
		if (slurm_write_script(build_path, text))
			goto out;
		bj.script = build_path;
		bj.log = build_log;
		bj.status = build_status;
		bj.time = o->build_time ? o->build_time : AB_BUILD_TIME;
	}
	/* from the first sbatch on, a Ctrl-C cancels what was submitted */
	sig = slurm_signals_catch();
	name = xasprintf("pb-ab-%s", path_base(dir));
	range = xasprintf("1-%d", o->repeat);
	ret = slurm_submit_jobs(&o->slurm, name, sdir, range, task_path, final_path,
				o->build_on_node ? &bj : NULL, &jobs, err, sizeof(err));
	if (ret == -1) {
		/* nothing was submitted: no A/B directory either */
		pr_err("%s (nothing submitted, '%s' removed)", err, dir);
		remove_tree(dir);
		goto out;
	}
	if (ret) {
		if (jobs.build)
			pr_err("%s (cancelled: the build job %s%s%s)", err, jobs.build,
			       jobs.array ? " and the array " : "", jobs.array ? jobs.array : "");
		else
			pr_err("%s (the array %s is cancelled)", err, jobs.array);
		ab_write_json(dir, o, ka, kb, runs, sides, n, "failed", NULL, NULL);
		goto out;
	}
	abj.array = jobs.array;
	abj.final = jobs.final;
	abj.build = jobs.build;
	abj.build_log = build_log;
	abj.cache = ro->cache;
	ab_write_json(dir, o, ka, kb, runs, sides, n, "submitted", NULL, &abj);
	if (jobs.build) {
		struct strbuf what = STRBUF_INIT;

		build_what(&what, ka, kb);
		printf("ab: submitted build job %s (%s; its log %s), job array %s (%d pair%s, "
		       "one per task, afterok:%s) and final job %s (compare, afterany)\n",
		       jobs.build, what.buf, build_log, jobs.array, o->repeat,
		       o->repeat == 1 ? "" : "s", jobs.build, jobs.final);
		sb_release(&what);
	} else {
		printf("ab: submitted job array %s (%d pair%s, one per task) and final job %s "
		       "(compare, afterany)\n", jobs.array, o->repeat, o->repeat == 1 ? "" : "s",
		       jobs.final);
	}
	fflush(stdout);
	free(text);
	text = xasprintf("patchbench compare %s (its report: %s/report.txt)", dir, dir);
	ret = slurm_after_submit("ab", &jobs, o->slurm.wait, text);
	if (ret == 1)
		code = 0;
	if (ret == -EINTR)
		ab_write_json(dir, o, ka, kb, runs, sides, n, "interrupted", NULL, &abj);
	if (ret == -ECANCELED)
		ab_write_json(dir, o, ka, kb, runs, sides, n, "failed", NULL, &abj);
	if (ret)
		goto out;
	code = show_result(o, dir, runs, n, jobs.final);
out:
	slurm_signals_restore(sig);
	for (i = 0; i < n; i++)
		free(runs[i]);
	free(runs);
	free(sides);
	free(dir);
	free(self);
	free(sdir);
	free(text);
	free(task_path);
	free(build_path);
	free(build_log);
	free(build_status);
	free(final_path);
	free(name);
	free(range);
	slurm_jobs_release(&jobs);
	return code;
}

/*
 * --build-on-node, in the final job: the build job's status (printed when
 * not 0: the runs never ran), and the keys of the kernels it built, which
 * ab.json could not have at submission. Returns 1 when the build failed.
 */
static int collect_build(const char *dir, const struct json *j, struct kernel_info *k)
{
	const struct json *sj = json_get(j, "slurm_jobs");
	const char *build = sj ? json_get_str(sj, "build") : NULL;
	const char *cache = sj ? json_get_str(sj, "cache") : NULL;
	const char *names[2] = { json_get_str(j, "base"), json_get_str(j, "patched") };
	char *p, e[1024];
	int rc, i;

	if (!build)
		return 0;
	for (i = 0; i < 2 && cache; i++)
		if (!names[i] || kernel_load(cache, names[i], &k[i], e, sizeof(e)))
			kernel_info_release(&k[i]);
	p = xasprintf("%s/slurm/build.status", dir);
	rc = slurm_read_status(p);
	free(p);
	if (!rc)
		return 0;
	printf("ab: the build job %s failed (%s): see %s\n", build,
	       rc < 0 ? "no status" : "status 1", json_get_str(sj, "build_log"));
	return 1;
}

/* The value of ab.json's @key (base_key, ...) from the kernels @k, or NULL. */
static const char *collected_key(const char *key, const struct kernel_info *k)
{
	int side = !strncmp(key, "patched_", 8);

	if (strncmp(key, side ? "patched_" : "base_", side ? 8 : 5))
		return NULL;
	key += side ? 8 : 5;
	if (!strcmp(key, "key"))
		return k[side].key;
	if (!strcmp(key, "config_sha256"))
		return k[side].config_sha256;
	return NULL;
}

int ab_collect(const char *dir)
{
	struct strbuf sb = STRBUF_INIT, outb = STRBUF_INIT;
	char *path = xasprintf("%s/ab.json", dir), err[256], **runs = NULL;
	const struct json *jr;
	struct json *j = NULL;
	struct json_writer w;
	struct kernel_info k[2];
	const char *s;
	size_t i, n = 0;
	int failed, build_failed, code = 2, ret;

	memset(k, 0, sizeof(k));
	ret = read_file(path, &sb);
	if (ret) {
		pr_err("cannot read '%s': %s", path, strerror(-ret));
		goto out;
	}
	j = json_parse(sb.buf, sb.len, err, sizeof(err));
	jr = j ? json_get(j, "runs") : NULL;
	if (!j || j->type != JSON_OBJECT || !jr || jr->type != JSON_ARRAY) {
		pr_err("'%s': not an A/B description (%s)", path, j ? "no \"runs\" array" : err);
		goto out;
	}
	runs = xcalloc(jr->n + 1, sizeof(*runs));
	for (i = 0; i < jr->n; i++) {
		const char *d = json_get_str(jr->items[i], "dir");

		if (d && !strchr(d, '/'))
			runs[n++] = xasprintf("%s/%s", dir, d);
	}
	build_failed = collect_build(dir, j, k);
	failed = slurm_count_failed("ab", dir, runs, n, !build_failed);
	jw_init(&w, &outb);
	jw_obj_begin(&w);
	for (i = 0; i < j->n; i++) {
		if (!strcmp(j->keys[i], "status")) {
			jw_kstr(&w, "status", failed || build_failed ? "failed" : "complete");
			continue;
		}
		/* a key null at submission, of a kernel the build job built */
		s = j->items[i]->type == JSON_NULL ? collected_key(j->keys[i], k) : NULL;
		if (s) {
			jw_kstr(&w, j->keys[i], s);
			continue;
		}
		jw_key(&w, j->keys[i]);
		jw_value(&w, j->items[i]);
	}
	jw_obj_end(&w);
	sb_adds(&outb, "\n");
	ret = write_atomic(path, outb.buf, outb.len);
	if (ret) {
		pr_err("cannot write '%s': %s", path, strerror(-ret));
		goto out;
	}
	printf("ab: %zu runs, %d not complete: ab.json says %s\n", n, failed,
	       failed || build_failed ? "failed" : "complete");
	code = failed || build_failed ? 1 : 0;
out:
	kernel_info_release(&k[0]);
	kernel_info_release(&k[1]);
	strv_free(runs);
	json_free(j);
	sb_release(&sb);
	sb_release(&outb);
	free(path);
	return code;
}
