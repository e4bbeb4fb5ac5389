// SPDX-License-Identifier: GPL-2.0
/*
 * t-slurm.c - unit tests for bench/slurm.c and the array plan of
 * bench/ab-slurm.c: which side each task runs first, the generated task
 * script (run as POSIX sh with a stand-in for patchbench that prints its
 * arguments), the final job's script, the sbatch command lines. No Slurm
 * is needed: tests/system/t-87-slurm.sh runs the real thing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ab.h"
#include "kcache.h"
#include "run-opts.h"
#include "slurm.h"
#include "strbuf.h"
#include "tap.h"
#include "util.h"

static char tmpdir[] = "/tmp/t-slurm.XXXXXX";

/* A stand-in for patchbench: one line per call, its arguments joined by spaces. */
static char *fake_pb(void)
{
	char *p = xasprintf("%s/pb", tmpdir);
	const char *s = "#!/bin/sh\necho \"$*\"\n";

	write_atomic(p, s, strlen(s));
	chmod(p, 0755);
	return p;
}

/* Run @script with $SLURM_ARRAY_TASK_ID @task under /bin/sh; its stdout; *@rc its status. */
static char *run_script(const char *script, int task, int *rc)
{
	char *path = xasprintf("%s/script.sh", tmpdir);
	char *cmd = xasprintf("SLURM_ARRAY_TASK_ID=%d /bin/sh %s 2>/dev/null", task, path);
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	FILE *f;

	write_atomic(path, script, strlen(script));
	f = popen(cmd, "r");
	while (f && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_add(&sb, buf, n);
	*rc = f ? WEXITSTATUS(pclose(f)) : -1;
	free(cmd);
	free(path);
	path = sb_detach(&sb);
	return path ? path : xstrdup("");
}

/*
 * Method: slurm_pair_first() for tasks 1-4.
 * Pass: A (0) for odd tasks, B (1) for even ones.
 */
static void test_pair_first(void)
{
	tap_ok(slurm_pair_first(1) == 0 && slurm_pair_first(2) == 1 && slurm_pair_first(3) == 0 &&
	       slurm_pair_first(4) == 1, "task 1 and 3 run A first, 2 and 4 B first");
}

/* The word after "--@name=" in @line (a copy), or NULL. */
static char *arg_of(const char *line, const char *name)
{
	char *key = xasprintf("--%s=", name);
	const char *p = strstr(line, key);
	char *v = NULL;

	if (p) {
		p += strlen(key);
		v = xstrndup(p, strcspn(p, " \n"));
	}
	free(key);
	return v;
}

/* Does line @line of the output run side @side of pair @pair, with its kernel? */
static bool is_run(const char *line, const char *dir, char side, int pair)
{
	char *out = arg_of(line, "out"), *k = arg_of(line, "kernel"), *p = arg_of(line, "pair");
	char *want = xasprintf("%s/%c-%d", dir, side, pair), *wp = xasprintf("%d", pair);
	bool ok = line && !strncmp(line, "run ", 4) && out && !strcmp(out, want) && k &&
		  !strcmp(k, side == 'A' ? "kbase" : "kpatched") && p && !strcmp(p, wp);

	free(out);
	free(k);
	free(p);
	free(want);
	free(wp);
	return ok;
}

/*
 * Method: the task script of an A/B of 3 pairs (ab_slurm_task_script() on
 * run options of -w idle -d 3s --target host), run under /bin/sh for
 * tasks 1, 2, 3 and 4 with a patchbench that prints its arguments; each
 * printed line is parsed back with run_opts_parse().
 * Pass: task 1 runs A-1 then B-1, task 2 B-2 then A-2, task 3 A-3 then
 * B-3, each with its kernel and --pair N, exit 0; parsed back, the options
 * are those ab_run_set() gave the run (target, workload, duration, out,
 * kernel); task 4 (no such pair) exits 2 and runs nothing.
 */
static void test_task_script(void)
{
	struct kernel_info ka = { .name = "kbase" }, kb = { .name = "kpatched" };
	struct ab_opts ao = { .repeat = 3 };
	char *pb = fake_pb(), *dir = xasprintf("%s/ab", tmpdir), *script, *out;
	char *argv[] = { "run", "-w", "idle", "-d", "3s", "--target", "host", NULL };
	struct run_opts ro, back;
	int rc, task;

	run_opts_parse(&ro, 7, argv);
	script = ab_slurm_task_script(&ao, &ro, dir, &ka, &kb, pb);
	tap_ok(!strncmp(script, "#!/bin/sh\n", 10) && strstr(script, "case \"$SLURM_ARRAY_TASK_ID\""),
	       "the task script is sh, a case on the array index");
	for (task = 1; task <= 3; task++) {
		char first = task % 2 ? 'A' : 'B', second = task % 2 ? 'B' : 'A';
		char *nl;

		out = run_script(script, task, &rc);
		nl = strchr(out, '\n');
		tap_ok(!rc && nl && is_run(out, dir, first, task) && is_run(nl + 1, dir, second, task) &&
		       !strchr(nl + 1, '\n')[1],
		       "task %d: %c-%d then %c-%d, kernels and --pair %d, exit 0 (rc %d)", task, first,
		       task, second, task, task, rc);
		if (task == 2) {
			char **words;
			int n;

			*nl = '\0';
			words = strv_split(out, ' ');
			n = (int)strv_len(words);
			rc = run_opts_parse(&back, n, words);
			tap_ok(!rc && !strcmp(back.target, "host") && !strcmp(back.workload, "idle") &&
			       back.duration == 3 * NSEC_PER_SEC && back.pair && !strcmp(back.pair, "2") &&
			       !strcmp(back.kernel, "kpatched") && strstr(back.out, "/ab/B-2") &&
			       back.idle == ro.idle && back.jobs == ro.jobs,
			       "task 2's first run parses back to ab's own options for B-2");
			run_opts_release(&back);
			strv_free(words);
		}
		free(out);
	}
	out = run_script(script, 4, &rc);
	tap_ok(rc == 2 && !*out, "task 4 (no such pair): exit 2, nothing run (rc %d)", rc);
	free(out);
	free(script);
	run_opts_release(&ro);
	free(dir);
	free(pb);
}

/*
 * Method: the task script of one run whose argument holds a quote, a
 * space and a $, under /bin/sh; a stand-in patchbench that fails.
 * Pass: the argument arrives as it was; the task exits 1 when a run fails.
 */
static void test_quoting(void)
{
	char *const args[] = { "--append=it's a $HOME", NULL };
	struct slurm_run r = { .task = 1, .argv = args };
	struct strbuf sb = STRBUF_INIT;
	char *out;
	int rc;

	slurm_task_script(&sb, "/bin/echo", &r, 1);
	out = run_script(sb.buf, 1, &rc);
	tap_ok(!rc && !strcmp(out, "run --append=it's a $HOME\n"), "quote, space and $ arrive "
	       "as they were");
	free(out);
	sb_release(&sb);
	slurm_task_script(&sb, "/bin/false", &r, 1);
	out = run_script(sb.buf, 1, &rc);
	tap_ok(rc == 1, "a run that fails: the task exits 1 (rc %d)", rc);
	free(out);
	sb_release(&sb);
}

/*
 * Method: the final job's script with a stand-in patchbench, run in a
 * directory with a slurm/ subdirectory.
 * Pass: it calls "ab --collect DIR" and "compare DIR", the latter's output
 * in DIR/report.txt, its status in DIR/slurm/compare.status, and exits 0.
 */
static void test_final_script(void)
{
	char *pb = fake_pb(), *dir = xasprintf("%s/fin", tmpdir), *sub, *out, *p;
	struct strbuf sb = STRBUF_INIT, f = STRBUF_INIT;
	int rc;

	sub = xasprintf("%s/slurm", dir);
	mkdir_p(sub, 0755);
	slurm_final_script(&sb, pb, dir);
	out = run_script(sb.buf, 0, &rc);
	p = xasprintf("ab --collect %s\n", dir);
	tap_ok(!rc && !strcmp(out, p), "final job: 'ab --collect DIR' first, exit 0 (rc %d)", rc);
	free(p);
	p = xasprintf("%s/report.txt", dir);
	read_file(p, &f);
	free(p);
	p = xasprintf("compare %s\n", dir);
	tap_ok(f.buf && !strcmp(f.buf, p), "compare's output in report.txt");
	free(p);
	p = xasprintf("%s/compare.status", sub);
	read_file(p, &f);
	tap_ok(f.buf && !strcmp(f.buf, "0\n"), "its status in slurm/compare.status");
	free(p);
	sb_release(&f);
	sb_release(&sb);
	free(out);
	free(sub);
	free(dir);
	free(pb);
}

/*
 * Method: slurm_sbatch_argv() of the array (with --max-parallel 2,
 * partition, time and two extra options) and of the final job (no array).
 * Pass: the options in that order, the array as 1-3%2, the dependency of
 * the final job, the script last.
 */
static void test_sbatch_argv(void)
{
	struct slurm_opts o = { .partition = "big", .time = "10:00", .args = "--hold  --nice=5",
				.max_parallel = 2 };
	char **v = slurm_sbatch_argv(&o, "pb-ab-x", "1-3", NULL, "/d/task-%a.out", "/d/task.sh");
	char **w;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; v[i]; i++)
		sb_addf(&sb, "%s%s", i ? " " : "", v[i]);
	tap_ok(!strcmp(sb.buf, "sbatch --parsable --job-name=pb-ab-x --output=/d/task-%a.out "
		       "--array=1-3%2 --partition=big --time=10:00 --hold --nice=5 /d/task.sh"),
	       "array: %s", sb.buf);
	sb_reset(&sb);
	o.max_parallel = 0;
	o.partition = o.time = o.args = NULL;
	w = slurm_sbatch_argv(&o, "pb-ab-x", NULL, "afterany:41", "/d/final.out", "/d/final.sh");
	for (i = 0; w[i]; i++)
		sb_addf(&sb, "%s%s", i ? " " : "", w[i]);
	tap_ok(!strcmp(sb.buf, "sbatch --parsable --job-name=pb-ab-x --output=/d/final.out "
		       "--dependency=afterany:41 /d/final.sh"), "final: %s", sb.buf);
	sb_release(&sb);
	strv_free(v);
	strv_free(w);
}

int main(void)
{
	tap_plan(14);
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_pair_first();
	test_task_script();
	test_quoting();
	test_final_script();
	test_sbatch_argv();
	remove_tree(tmpdir);
	return tap_done();
}
