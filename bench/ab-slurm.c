// SPDX-License-Identifier: GPL-2.0
/*
 * ab-slurm.c - "patchbench ab --engine slurm" (ab.h): the kernels are
 * built here, the runs become a Slurm job array (task N runs pair N on one
 * node, A then B or B then A), a final job compares. Every run's options
 * come from ab_run_set(), as for a local A/B, plus --pair N.
 */
#include "ab.h"
#include "json.h"
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
	struct slurm_signals *sig = NULL;
	struct slurm_jobs jobs = { NULL, NULL };
	struct ab_jobs abj;
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
	/* from the first sbatch on, a Ctrl-C cancels what was submitted */
	sig = slurm_signals_catch();
	name = xasprintf("pb-ab-%s", path_base(dir));
	range = xasprintf("1-%d", o->repeat);
	ret = slurm_submit_jobs(&o->slurm, name, sdir, range, task_path, final_path, &jobs, err,
				sizeof(err));
	if (ret == -1) {
		/* nothing was submitted: no A/B directory either */
		pr_err("%s (nothing submitted, '%s' removed)", err, dir);
		remove_tree(dir);
		goto out;
	}
	if (ret) {
		pr_err("%s (the array %s is cancelled)", err, jobs.array);
		ab_write_json(dir, o, ka, kb, runs, sides, n, "failed", NULL, NULL);
		goto out;
	}
	abj.array = jobs.array;
	abj.final = jobs.final;
	ab_write_json(dir, o, ka, kb, runs, sides, n, "submitted", NULL, &abj);
	printf("ab: submitted job array %s (%d pairs, one per task) and final job %s "
	       "(compare, afterany)\n", jobs.array, o->repeat, jobs.final);
	fflush(stdout);
	free(text);
	text = xasprintf("patchbench compare %s (its report: %s/report.txt)", dir, dir);
	ret = slurm_after_submit("ab", &jobs, o->slurm.wait, text);
	if (ret == 1)
		code = 0;
	if (ret == -EINTR)
		ab_write_json(dir, o, ka, kb, runs, sides, n, "interrupted", NULL, &abj);
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
	free(final_path);
	free(name);
	free(range);
	slurm_jobs_release(&jobs);
	return code;
}

int ab_collect(const char *dir)
{
	struct strbuf sb = STRBUF_INIT, outb = STRBUF_INIT;
	char *path = xasprintf("%s/ab.json", dir), err[256], **runs = NULL;
	const struct json *jr;
	struct json *j = NULL;
	struct json_writer w;
	size_t i, n = 0;
	int failed, code = 2, ret;

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
	failed = slurm_count_failed("ab", dir, runs, n, true);
	jw_init(&w, &outb);
	jw_obj_begin(&w);
	for (i = 0; i < j->n; i++) {
		if (!strcmp(j->keys[i], "status")) {
			jw_kstr(&w, "status", failed ? "failed" : "complete");
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
	       failed ? "failed" : "complete");
	code = failed ? 1 : 0;
out:
	strv_free(runs);
	json_free(j);
	sb_release(&sb);
	sb_release(&outb);
	free(path);
	return code;
}
