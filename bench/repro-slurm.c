// SPDX-License-Identifier: GPL-2.0
/*
 * repro-slurm.c - "patchbench reproduce --engine slurm" (repro-run.h): the
 * kernels are built here, the runs a local reproduce would make become one
 * Slurm job array (a task per table-1 kernel, per read-cost round and per
 * overhead round), and a final job writes the report from those run
 * directories with "reproduce --report-only", as a local reproduce would.
 */
#include "repro-run.h"
#include "kcache.h"
#include "repro.h"
#include "resultdir.h"
#include "run-opts.h"
#include "slurm.h"
#include "strbuf.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NKERNELS REPRO_NKERNELS
static const char *const *const kernels = repro_kernel_names;

static void plan_add(struct repro_planned **runs, size_t *n, int task, int pair,
		     const char *kernel, char *dir, const char *workloads, bool overhead)
{
	struct repro_planned *p;

	if (meta_complete(dir)) {
		free(dir);
		return;
	}
	*runs = xrealloc(*runs, (*n + 1) * sizeof(**runs));
	p = &(*runs)[(*n)++];
	p->task = task;
	p->pair = pair;
	p->kernel = kernel;
	p->dir = dir;
	p->workloads = workloads;
	p->perf = p->use_duration = overhead;
}

size_t repro_plan(const struct repro_opts *o, const char *out, struct repro_planned **runs)
{
	char **sk = strv_split(o->selftests_kernels ? o->selftests_kernels : "", ',');
	size_t n = 0, i, before;
	int task = 1, r;

	*runs = NULL;
	for (i = 0; i < NKERNELS && !o->no_selftests; i++) {
		if (name_index((const char *const *)sk, strv_len(sk), kernels[i]) < 0)
			continue;
		before = n;
		plan_add(runs, &n, task, 0, kernels[i],
			 xasprintf("%s/selftests/%s", out, kernels[i]), "idle,kmem-churn,selftests",
			 false);
		task += n > before;
	}
	for (r = 1; r <= o->readcost_repeats && !o->no_readcost; r++) {
		before = n;
		for (i = 0; i < NKERNELS; i++)
			plan_add(runs, &n, task, 0, kernels[i],
				 xasprintf("%s/readcost/%s/%d", out, kernels[i], r), "readcost",
				 false);
		task += n > before;
	}
	for (r = 1; r <= o->repeats; r++) {
		before = n;
		for (i = 0; i < NKERNELS; i++) {
			size_t k = (i + (size_t)(r - 1)) % NKERNELS;

			plan_add(runs, &n, task, r, kernels[k],
				 xasprintf("%s/runs/%s/%d", out, kernels[k], r), o->workloads, true);
		}
		task += n > before;
	}
	strv_free(sk);
	return n;
}

void repro_plan_free(struct repro_planned *runs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(runs[i].dir);
	free(runs);
}

char *repro_slurm_task_script(const struct repro_opts *o, const struct repro_planned *runs,
			      size_t n, const char *self)
{
	struct slurm_run *sr = xcalloc(n ? n : 1, sizeof(*sr));
	struct strbuf sb = STRBUF_INIT;
	size_t i, made = 0;
	char *text = NULL;

	for (i = 0; i < n; i++, made++) {
		struct run_opts ro;

		if (repro_run_opts(o, runs[i].kernel, runs[i].dir, runs[i].workloads, runs[i].perf,
				   runs[i].use_duration, &ro)) {
			run_opts_release(&ro);
			goto out;
		}
		if (runs[i].pair)
			ro.pair = xasprintf("%d", runs[i].pair);
		sr[i].task = runs[i].task;
		sr[i].argv = run_opts_argv(&ro, 0);
		run_opts_release(&ro);
	}
	slurm_task_script(&sb, self, sr, n);
	text = sb_detach(&sb);
out:
	for (i = 0; i < made; i++)
		strv_free((char **)sr[i].argv);
	free(sr);
	return text;
}

/* After the jobs: the runs that did not complete, the final job's output, its status. */
static int show_result(const char *out, const struct repro_planned *runs, size_t n,
		       const char *final)
{
	struct strbuf sb = STRBUF_INIT;
	char **dirs = xcalloc(n + 1, sizeof(*dirs));
	char *p = xasprintf("%s/slurm/report.status", out);
	int code = slurm_read_status(p), failed;
	size_t i;

	for (i = 0; i < n; i++)
		dirs[i] = runs[i].dir;
	failed = slurm_count_failed("reproduce", out, dirs, n, true);
	free(dirs);
	free(p);
	p = xasprintf("%s/slurm/report.out", out);
	if (code < 0) {
		pr_err("the final job %s wrote no report status (see '%s/slurm/final.out')",
		       final, out);
		code = 1;
	} else if (!read_file(p, &sb)) {
		fwrite(sb.buf, 1, sb.len, stdout);
	}
	printf("reproduce: %zu runs on Slurm (%d not complete) in %s\n", n, failed, out);
	free(p);
	sb_release(&sb);
	return code;
}

int repro_slurm(const struct repro_opts *o, const char *out_in, char *const *report_argv)
{
	struct kernel_info ki[NKERNELS];
	struct repro_planned *runs = NULL;
	struct slurm_signals *sig = NULL;
	struct slurm_jobs jobs = { NULL, NULL };
	struct strbuf sb = STRBUF_INIT;
	char *out = path_canon(out_in), *self = pb_self_exe(), *sdir = NULL, *text = NULL;
	char *task_path = NULL, *final_path = NULL, *name = NULL, *range = NULL, err[1024];
	size_t n = 0, i;
	int code = 1, ret;

	memset(ki, 0, sizeof(ki));
	if (!out || !self) {
		pr_err("cannot resolve '%s' or this program's path", out_in);
		goto out;
	}
	ret = repro_get_kernels(o, o->cache, ki);
	if (ret) {
		code = ret;
		goto out;
	}
	n = repro_plan(o, out, &runs);
	if (!n) {
		pr_info("reproduce: every run is complete already: nothing submitted");
		code = -1;
		goto out;
	}
	sdir = xasprintf("%s/slurm", out);
	ret = mkdir_p(sdir, 0755);
	if (ret) {
		pr_err("cannot create '%s': %s", sdir, strerror(-ret));
		goto out;
	}
	text = repro_slurm_task_script(o, runs, n, self);
	if (!text) {
		code = 2;
		goto out;
	}
	task_path = xasprintf("%s/task.sh", sdir);
	final_path = xasprintf("%s/final.sh", sdir);
	if (slurm_write_script(task_path, text))
		goto out;
	slurm_report_script(&sb, self, out, "reproduce", NULL, report_argv, "slurm/report.out",
			    "slurm/report.status");
	if (slurm_write_script(final_path, sb.buf))
		goto out;
	/* a status of an earlier submission is not this one's */
	free(text);
	text = xasprintf("%s/report.status", sdir);
	unlink(text);
	sig = slurm_signals_catch();
	name = xasprintf("pb-reproduce-%s", path_base(out));
	range = xasprintf("1-%d", runs[n - 1].task);
	ret = slurm_submit_jobs(&o->slurm, name, sdir, range, task_path, final_path, NULL, &jobs,
				err, sizeof(err));
	if (ret) {
		pr_err("%s (%s)", err, ret == -1 ? "nothing submitted" : "the array is cancelled");
		goto out;
	}
	printf("reproduce: submitted job array %s (%d tasks, %zu runs) and final job %s "
	       "(the report, afterany)\n", jobs.array, runs[n - 1].task, n, jobs.final);
	fflush(stdout);
	free(text);
	text = xasprintf("cat %s/REPORT.txt (the exit status in %s/slurm/report.status)", out,
			 out);
	ret = slurm_after_submit("reproduce", &jobs, o->slurm.wait, text);
	if (ret == 1)
		code = 0;
	if (ret)
		goto out;
	code = show_result(out, runs, n, jobs.final);
out:
	slurm_signals_restore(sig);
	for (i = 0; i < NKERNELS; i++)
		kernel_info_release(&ki[i]);
	repro_plan_free(runs, n);
	slurm_jobs_release(&jobs);
	sb_release(&sb);
	free(out);
	free(self);
	free(sdir);
	free(text);
	free(task_path);
	free(final_path);
	free(name);
	free(range);
	return code;
}
