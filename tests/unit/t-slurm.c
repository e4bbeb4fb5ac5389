// SPDX-License-Identifier: GPL-2.0
/*
 * t-slurm.c - unit tests for bench/slurm.c and the array plans of
 * bench/ab-slurm.c and bench/repro-slurm.c: which side each task runs
 * first, the generated task scripts (run as POSIX sh with a stand-in for
 * patchbench that prints its arguments), the final jobs' scripts, the
 * sbatch command lines, the build job of --build-on-node and the array's
 * dependency on it, the reproduction's tasks. No Slurm is needed:
 * tests/system/t-87-slurm.sh and t-87b-slurm-vm.sh run the real thing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ab.h"
#include "kcache.h"
#include "repro-run.h"
#include "repro.h"
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

/* Run @script as "@env /bin/sh SCRIPT @redir"; its output; *@rc its status. */
static char *run_sh(const char *script, const char *env, const char *redir, int *rc)
{
	char *path = xasprintf("%s/script.sh", tmpdir);
	char *cmd = xasprintf("%s /bin/sh %s %s", env, path, redir);
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

/* Run @script with $SLURM_ARRAY_TASK_ID @task under /bin/sh; its stdout; *@rc its status. */
static char *run_script(const char *script, int task, int *rc)
{
	char *env = xasprintf("SLURM_ARRAY_TASK_ID=%d", task), *out;

	out = run_sh(script, env, "2>/dev/null", rc);
	free(env);
	return out;
}

/* Run @script under /bin/sh; its stdout and stderr; *@rc its status. */
static char *run_script_err(const char *script, int *rc)
{
	return run_sh(script, "", "2>&1", rc);
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

/*
 * Method: slurm_report_script() of a reproduction's final job (no first
 * step) with a stand-in patchbench that prints its arguments and one that
 * fails, in a directory with a slurm/ subdirectory.
 * Pass: the command's output in slurm/report.out, its status (0, then 1)
 * in slurm/report.status, the script exits with it.
 */
static void test_report_script(void)
{
	char *pb = fake_pb(), *dir = xasprintf("%s/rep", tmpdir), *sub, *out, *p;
	char *main_argv[] = { "reproduce", "--report-only", "--out=x y", NULL };
	struct strbuf sb = STRBUF_INIT, f = STRBUF_INIT;
	int rc;

	sub = xasprintf("%s/slurm", dir);
	mkdir_p(sub, 0755);
	slurm_report_script(&sb, pb, dir, "reproduce", NULL, main_argv, "slurm/report.out",
			    "slurm/report.status");
	out = run_script(sb.buf, 0, &rc);
	p = xasprintf("%s/report.out", sub);
	read_file(p, &f);
	tap_ok(!rc && !*out && f.buf && !strcmp(f.buf, "reproduce --report-only --out=x y\n"),
	       "report script: the command's output in slurm/report.out, exit 0 (rc %d)", rc);
	free(p);
	free(out);
	sb_reset(&sb);
	slurm_report_script(&sb, "/bin/false", dir, "reproduce", NULL, main_argv,
			    "slurm/report.out", "slurm/report.status");
	out = run_script(sb.buf, 0, &rc);
	p = xasprintf("%s/report.status", sub);
	read_file(p, &f);
	tap_ok(rc == 1 && f.buf && !strcmp(f.buf, "1\n"),
	       "a failing report: status 1 in slurm/report.status, exit 1 (rc %d)", rc);
	free(p);
	free(out);
	sb_release(&f);
	sb_release(&sb);
	free(sub);
	free(dir);
	free(pb);
}

/*
 * Method: the build job's script of --build-on-node (ab_slurm_build_script())
 * for a base 'vanilla' not built yet (no key) and a patched 'kp' that is
 * (its kernel.json and bzImage in the --cache), --build-config full,
 * --build-jobs 3, --source S; run with a stand-in patchbench that prints
 * its arguments; then with kp's bzImage gone; then with a patchbench that
 * fails.
 * Pass: one "build" call with the options a local build of vanilla would
 * have (no series, config full, the cache, the source, -j 3), kp checked,
 * status 0 in the status file, exit 0; kp gone: "cannot see kernel 'kp'"
 * on stderr, status 1, exit 1; a failing build: status 1, exit 1, and kp's
 * check not reached.
 */
static void test_build_script(void)
{
	struct kernel_info ka = { .name = "vanilla" }, kb = { .name = "kp", .key = "kp-key" };
	struct ab_opts ao = { .repeat = 1, .config = "full", .build_jobs = 3 };
	char *pb = fake_pb(), *cache = xasprintf("%s/bcache", tmpdir), *st, *kd, *p, *script;
	char *out, *argv[] = { "run", "--target", "host", "--source", "/src/linux", NULL };
	struct strbuf f = STRBUF_INIT;
	struct run_opts ro;
	int rc;

	run_opts_parse(&ro, 5, argv);
	ro.cache = xstrdup(cache);
	st = xasprintf("%s/build.status", tmpdir);
	kd = xasprintf("%s/kernels/kp", cache);
	mkdir_p(kd, 0755);
	p = xasprintf("%s/kernel.json", kd);
	write_atomic(p, "{}\n", 3);
	free(p);
	p = xasprintf("%s/bzImage", kd);
	write_atomic(p, "", 0);
	script = ab_slurm_build_script(&ao, &ro, &ka, &kb, pb, st);
	out = run_script_err(script, &rc);
	read_file(st, &f);
	tap_ok(!rc && strstr(out, "build --name vanilla --config full --cache ") &&
	       strstr(out, " --source /src/linux --jobs=3\n") && !strstr(out, "--series") &&
	       strstr(out, "kernel 'kp' is built already: node ") && f.buf && !strcmp(f.buf, "0\n"),
	       "build job: builds vanilla as a local build would, checks kp, status 0 (rc %d)", rc);
	free(out);
	unlink(p);
	out = run_script_err(script, &rc);
	read_file(st, &f);
	tap_ok(rc == 1 && strstr(out, "cannot see kernel 'kp' in the cache '") && f.buf &&
	       !strcmp(f.buf, "1\n"), "kp's bzImage gone: 'cannot see kernel', status 1 (rc %d)", rc);
	free(out);
	free(script);
	script = ab_slurm_build_script(&ao, &ro, &ka, &kb, "/bin/false", st);
	out = run_script_err(script, &rc);
	read_file(st, &f);
	tap_ok(rc == 1 && !strstr(out, "kp") && f.buf && !strcmp(f.buf, "1\n"),
	       "a failing build: status 1, exit 1, nothing after it (rc %d)", rc);
	free(out);
	free(script);
	free(p);
	free(kd);
	free(st);
	free(cache);
	free(pb);
	sb_release(&f);
	run_opts_release(&ro);
}

/*
 * Method: slurm_array_dependency() with and without a build job, and the
 * array's sbatch command line with it.
 * Pass: "afterok:41" / NULL; the array waits for the build job and is
 * cancelled by Slurm if that fails (--kill-on-invalid-dep=yes).
 */
static void test_dependency(void)
{
	struct slurm_opts o = { .max_parallel = 0 };
	char *dep = slurm_array_dependency("41"), **v;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	tap_ok(dep && !strcmp(dep, "afterok:41") && !slurm_array_dependency(NULL),
	       "array dependency: afterok:41 with build job 41, none without");
	v = slurm_sbatch_argv(&o, "pb-ab-x", "1-2", dep, "/d/task-%a.out", "/d/task.sh");
	for (i = 0; v[i]; i++)
		sb_addf(&sb, "%s%s", i ? " " : "", v[i]);
	tap_ok(!strcmp(sb.buf, "sbatch --parsable --job-name=pb-ab-x --output=/d/task-%a.out "
		       "--array=1-2 --dependency=afterok:41 --kill-on-invalid-dep=yes /d/task.sh"),
	       "array after a build job: %s", sb.buf);
	strv_free(v);
	sb_release(&sb);
	free(dep);
}

/* A run directory @dir whose meta.json says complete. */
static void fake_complete(const char *dir)
{
	char *p = xasprintf("%s/meta.json", dir);
	const char *j = "{\"schema\": 1, \"status\": \"complete\"}\n";

	mkdir_p(dir, 0755);
	write_atomic(p, j, strlen(j));
	free(p);
}

/* ab_collect() of @dir with ab.json @abj and build.status @status; ab.json after it into @f. */
static int collect_with(const char *dir, const struct strbuf *abj, const char *status,
			struct strbuf *f)
{
	char *p = xasprintf("%s/ab.json", dir), *s = xasprintf("%s/slurm/build.status", dir);
	int rc;

	write_atomic(p, abj->buf, abj->len);
	write_atomic(s, status, strlen(status));
	rc = ab_collect(dir);
	read_file(p, f);
	free(p);
	free(s);
	return rc;
}

/*
 * Method: ab_collect() on an A/B directory of --build-on-node as the final
 * job finds it: ab.json with base_key null (vanilla was built by the build
 * job, into the cache ab.json names), A-1 and B-1 complete, build.status 0;
 * again with build.status 1.
 * Pass: status 0, ab.json complete with vanilla's key from the cache and
 * kp's key kept; then exit 1, ab.json failed.
 */
static void test_collect_build(void)
{
	char *dir = xasprintf("%s/coll", tmpdir), *cache = xasprintf("%s/ccache", tmpdir), *p;
	struct strbuf sb = STRBUF_INIT, f = STRBUF_INIT;
	int rc;

	p = xasprintf("%s/kernels/vanilla", cache);
	mkdir_p(p, 0755);
	free(p);
	p = xasprintf("%s/kernels/vanilla/kernel.json", cache);
	sb_adds(&sb, "{\"schema\": 1, \"name\": \"vanilla\", \"key\": \"vkey\"}\n");
	write_atomic(p, sb.buf, sb.len);
	free(p);
	p = xasprintf("%s/kernels/vanilla/bzImage", cache);
	write_atomic(p, "", 0);
	free(p);
	p = xasprintf("%s/A-1", dir);
	fake_complete(p);
	free(p);
	p = xasprintf("%s/B-1", dir);
	fake_complete(p);
	free(p);
	p = xasprintf("%s/slurm", dir);
	mkdir_p(p, 0755);
	free(p);
	sb_reset(&sb);
	sb_addf(&sb, "{\"schema\": 1, \"status\": \"submitted\", \"base\": \"vanilla\", "
		"\"patched\": \"kp\", \"base_key\": null, \"patched_key\": \"kpkey\", "
		"\"slurm_jobs\": {\"array\": \"8\", \"final\": \"9\", \"build\": \"7\", "
		"\"build_log\": \"%s/build.log\", \"cache\": \"%s\"}, \"runs\": "
		"[{\"side\": \"A\", \"dir\": \"A-1\"}, {\"side\": \"B\", \"dir\": \"B-1\"}]}\n",
		dir, cache);
	rc = collect_with(dir, &sb, "0\n", &f);
	tap_ok(!rc && f.buf && strstr(f.buf, "\"base_key\": \"vkey\"") &&
	       strstr(f.buf, "\"patched_key\": \"kpkey\"") && strstr(f.buf, "\"status\": \"complete\""),
	       "collect after a build job: the built kernel's key filled in, complete (rc %d)", rc);
	rc = collect_with(dir, &sb, "1\n", &f);
	tap_ok(rc == 1 && f.buf && strstr(f.buf, "\"status\": \"failed\""),
	       "collect after a failed build job: exit 1, ab.json failed (rc %d)", rc);
	sb_release(&sb);
	sb_release(&f);
	free(cache);
	free(dir);
}

/*
 * Method: repro_plan() of a reproduction with table 1 on vanilla, one
 * read-cost round and 2 overhead rounds (-w idle,stat-probe -d 3s), into
 * an empty directory; again with runs/noop/1 complete, and with the whole
 * read-cost round complete; the task script of the first plan run under
 * /bin/sh for task 4 with a stand-in patchbench, its first line parsed
 * back with run_opts_parse().
 * Pass: 13 runs in 4 tasks: selftests/vanilla (task 1), the 4 read-cost
 * runs (task 2), round 1 from vanilla on with pair 1 (task 3), round 2 from
 * noop on with pair 2 (task 4); a complete run is left out (12 runs); a
 * complete round leaves no task: 8 runs in 3 tasks, numbered 1..3; task 4
 * runs the 4 runs of round 2, noop first, and its options parse back to
 * the vm run reproduce makes (kernel, out, pair 2, perf, duration 3s,
 * workloads, idle 2).
 */
static void test_repro_plan(void)
{
	struct repro_opts o = {
		.scale = "smoke", .repeats = 2, .workloads = "idle,stat-probe",
		.duration = 3 * NSEC_PER_SEC, .readcost_repeats = 1, .readcost_counts = "10",
		.selftests = "test_kmem", .selftests_kernels = "vanilla", .cache = "/c",
	};
	char *dir = xasprintf("%s/repro", tmpdir), *pb = fake_pb(), *p, *script, *out, *nl;
	struct repro_planned *r;
	struct run_opts back;
	size_t n, i;
	int rc, ntask[5] = { 0 };
	bool pairs = true;

	n = repro_plan(&o, dir, &r);
	for (i = 0; i < n; i++) {
		if (r[i].task >= 1 && r[i].task <= 4)
			ntask[r[i].task]++;
		pairs &= r[i].pair == (r[i].task >= 3 ? r[i].task - 2 : 0);
	}
	tap_ok(n == 13 && ntask[1] == 1 && ntask[2] == 4 && ntask[3] == 4 && ntask[4] == 4 &&
	       pairs && strstr(r[0].dir, "/selftests/vanilla") && strstr(r[1].dir, "/readcost/") &&
	       !strcmp(r[5].kernel, "vanilla") && strstr(r[5].dir, "/runs/vanilla/1") &&
	       !strcmp(r[9].kernel, "noop") && strstr(r[9].dir, "/runs/noop/2") &&
	       r[9].perf && !r[1].perf,
	       "plan: 13 runs in 4 tasks, round 1 from vanilla, round 2 from noop, pairs (%zu)", n);
	script = repro_slurm_task_script(&o, r, n, pb);
	out = run_script(script ? script : "", 4, &rc);
	nl = strchr(out, '\n');
	if (nl)
		*nl = '\0';
	{
		char **words = strv_split(out, ' ');
		int nw = (int)strv_len(words);

		rc = nw ? run_opts_parse(&back, nw, words) : -1;
		tap_ok(!rc && nl && !strcmp(back.kernel, "noop") && strstr(back.out, "/runs/noop/2") &&
		       back.pair && !strcmp(back.pair, "2") && back.perf &&
		       back.duration == 3 * NSEC_PER_SEC && !strcmp(back.workload, "idle,stat-probe") &&
		       back.idle == 2 && !strcmp(back.target, "vm") && !strcmp(back.cache, "/c"),
		       "task 4's first run parses back to reproduce's vm run of noop, round 2");
		run_opts_release(&back);
		strv_free(words);
	}
	free(out);
	free(script);
	repro_plan_free(r, 13);

	p = xasprintf("%s/runs/noop/1", dir);
	fake_complete(p);
	free(p);
	n = repro_plan(&o, dir, &r);
	tap_ok(n == 12, "a complete run is left out (%zu runs)", n);
	repro_plan_free(r, n);
	for (i = 0; i < 4; i++) {
		p = xasprintf("%s/readcost/%s/1", dir, repro_kernel_names[i]);
		fake_complete(p);
		free(p);
	}
	n = repro_plan(&o, dir, &r);
	tap_ok(n == 8 && r[0].task == 1 && r[1].task == 2 && r[n - 1].task == 3,
	       "a complete round leaves no task: %zu runs, tasks 1..%d", n, n ? r[n - 1].task : 0);
	repro_plan_free(r, n);
	free(dir);
	free(pb);
}

int main(void)
{
	tap_plan(27);
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_pair_first();
	test_task_script();
	test_quoting();
	test_final_script();
	test_sbatch_argv();
	test_report_script();
	test_build_script();
	test_dependency();
	test_collect_build();
	test_repro_plan();
	remove_tree(tmpdir);
	return tap_done();
}
