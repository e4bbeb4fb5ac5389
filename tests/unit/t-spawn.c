// SPDX-License-Identifier: GPL-2.0
/*
 * t-spawn.c - unit tests for lib/spawn.c with /bin/sh as the child: exit
 * codes and signals, capture of both streams (more than a pipe holds), log
 * files, one fd for both streams, stdin from /dev/null, dir, env, a function
 * child, and stopping: child_kill() of a group after child_poll(),
 * a timeout kills the whole process group, a poll callback aborts, a child
 * that ignores SIGTERM is SIGKILLed after the grace period.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"
#include "tap.h"
#include "util.h"

static char tmpdir[] = "/tmp/t-spawn.XXXXXX";

/* Run "sh -c @script" with @c's settings; its return. */
static int sh(struct child *c, const char *script)
{
	static char *argv[4];

	argv[0] = "sh";
	argv[1] = "-c";
	argv[2] = (char *)script;
	argv[3] = NULL;
	c->argv = argv;
	return child_run(c);
}

/* Is @pid gone (or a zombie nobody waits for any more)? Waits up to 2 s. */
static bool gone(pid_t pid)
{
	int i;

	for (i = 0; i < 200; i++) {
		char *p = xasprintf("/proc/%d/stat", (int)pid);
		struct strbuf sb = STRBUF_INIT;
		const char *rp;
		bool dead = read_file(p, &sb) < 0;

		rp = dead ? NULL : strrchr(sb.buf, ')');
		if (rp && rp[1] == ' ' && (rp[2] == 'Z' || rp[2] == 'X'))
			dead = true;
		sb_release(&sb);
		free(p);
		if (dead)
			return true;
		usleep(10000);
	}
	return false;
}

/* Method: exit 0, exit 3, kill -9 $$, a missing program. Pass: 0, 3, 137, 127 + message. */
static void test_exit(void)
{
	struct child c = CHILD_INIT;
	struct strbuf err = STRBUF_INIT;
	char *argv[] = { "no-such-program-pb", NULL };
	int ret;

	tap_ok(sh(&c, "exit 0") == 0, "exit 0 is 0");
	child_init(&c);
	ret = sh(&c, "exit 3");
	tap_ok(ret == 3 && WIFEXITED(c.status), "exit 3 is 3 (%d)", ret);
	child_init(&c);
	ret = sh(&c, "kill -9 $$");
	tap_ok(ret == 137 && WIFSIGNALED(c.status), "killed by SIGKILL is 137 (%d)", ret);
	child_init(&c);
	c.argv = argv;
	c.err = CHILD_CAPTURE;
	c.err_sb = &err;
	c.exec_err = "pb: ";
	ret = child_run(&c);
	tap_ok(ret == 127 && err.buf &&
	       !strcmp(err.buf, "pb: cannot run 'no-such-program-pb': No such file or directory\n"),
	       "a missing program exits 127 with the message (%d)", ret);
	sb_release(&err);
}

/*
 * Method: 200000 bytes to stdout and a line to stderr, captured apart;
 * then 2>&1 into one buffer. Pass: every byte, nothing mixed up.
 */
static void test_capture(void)
{
	struct child c = CHILD_INIT;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	int ret;

	c.out = c.err = CHILD_CAPTURE;
	c.out_sb = &out;
	c.err_sb = &err;
	ret = sh(&c, "i=0; while [ $i -lt 2000 ]; do printf '%099d\\n' $i; i=$((i+1)); done; "
		 "echo oops >&2; exit 5");
	tap_ok(ret == 5 && out.len == 200000 && !strncmp(out.buf + 199900, "0000", 4) &&
	       out.buf[199999] == '\n', "stdout captured past a pipe's size (%zu bytes, %d)",
	       out.len, ret);
	tap_ok(err.buf && !strcmp(err.buf, "oops\n"), "stderr captured apart");
	sb_reset(&out);
	child_init(&c);
	c.out = CHILD_CAPTURE;
	c.out_sb = &out;
	c.err = CHILD_TO_STDOUT;
	ret = sh(&c, "echo a; echo b >&2; echo c");
	tap_ok(!ret && out.buf && !strcmp(out.buf, "a\nb\nc\n"), "2>&1 into one buffer");
	sb_release(&out);
	sb_release(&err);
}

/* Method: two runs appending to a log, then one truncating it. Pass: the contents. */
static void test_log(void)
{
	char *log = xasprintf("%s/log", tmpdir), *bad = xasprintf("%s/no/log", tmpdir);
	struct strbuf sb = STRBUF_INIT;
	struct child c = CHILD_INIT;
	int ret;

	c.out = CHILD_FILE;
	c.out_path = log;
	c.err = CHILD_TO_STDOUT;
	sh(&c, "echo one; echo two >&2");
	child_init(&c);
	c.out = CHILD_FILE;
	c.out_path = log;
	c.err = CHILD_TO_STDOUT;
	sh(&c, "echo three");
	tap_ok(!read_file(log, &sb) && !strcmp(sb.buf, "one\ntwo\nthree\n"),
	       "a log file is appended to, stderr too");
	child_init(&c);
	c.out = CHILD_FILE;
	c.out_path = log;
	c.truncate = true;
	sh(&c, "echo four");
	tap_ok(!read_file(log, &sb) && !strcmp(sb.buf, "four\n"), "truncate starts it afresh");
	child_init(&c);
	c.out = CHILD_FILE;
	c.out_path = bad;
	ret = sh(&c, "exit 0");
	tap_ok(ret == -ENOENT && !c.pid, "a log that cannot be created: -ENOENT, nothing run");
	sb_release(&sb);
	free(log);
	free(bad);
}

static int fn_child(void *arg)
{
	return *(int *)arg + 1;
}

/* Method: stdin /dev/null, dir, env set/unset, clear_make_env, a function. */
static void test_setup(void)
{
	static const char *const env[] = { "PB_T_SET=yes", "PB_T_UNSET", NULL };
	struct strbuf out = STRBUF_INIT;
	struct child c = CHILD_INIT;
	char *want;
	int v = 41, ret;

	c.in = CHILD_NULL;
	c.out = CHILD_CAPTURE;
	c.out_sb = &out;
	ret = sh(&c, "read x; echo $?; cat");
	tap_ok(!ret && out.buf && !strcmp(out.buf, "1\n"), "stdin is /dev/null: EOF at once");
	sb_reset(&out);
	child_init(&c);
	c.dir = tmpdir;
	c.out = CHILD_CAPTURE;
	c.out_sb = &out;
	sh(&c, "pwd -P");
	want = xasprintf("%s\n", tmpdir);
	tap_ok(out.buf && !strcmp(out.buf, want), "dir: runs in %s", tmpdir);
	free(want);
	sb_reset(&out);
	setenv("PB_T_UNSET", "still here", 1);
	setenv("MAKEFLAGS", "-j2 --jobserver-auth=3,4", 1);
	child_init(&c);
	c.env = env;
	c.clear_make_env = true;
	c.out = CHILD_CAPTURE;
	c.out_sb = &out;
	sh(&c, "echo ${PB_T_SET-none} ${PB_T_UNSET-none} ${MAKEFLAGS-none}");
	tap_ok(out.buf && !strcmp(out.buf, "yes none none\n"),
	       "env: set, unset, make's variables cleared");
	tap_ok(getenv("PB_T_UNSET") && getenv("MAKEFLAGS"), "our own environment is unchanged");
	unsetenv("MAKEFLAGS");
	child_init(&c);
	c.fn = fn_child;
	c.fn_arg = &v;
	ret = child_run(&c);
	tap_ok(ret == 42, "a function child's return is its exit code (%d)", ret);
	sb_release(&out);
}

/*
 * Method: a group whose leader waits on a background sleep, with a 300 ms
 * timeout. Pass: -ETIMEDOUT within 2 s, the leader and the background
 * sleep (which never saw a signal of its own) both gone.
 */
static void test_timeout_group(void)
{
	char *pidf = xasprintf("%s/bg.pid", tmpdir);
	char *script = xasprintf("sleep 30 & echo $! > %s; wait", pidf);
	struct strbuf sb = STRBUF_INIT;
	struct child c = CHILD_INIT;
	int64_t t = now_ns();
	pid_t bg = 0;
	int ret;

	c.kill_group = true;
	c.timeout_ns = 300 * NSEC_PER_MSEC;
	ret = sh(&c, script);
	t = now_ns() - t;
	if (!read_file(pidf, &sb))
		bg = (pid_t)atoi(sb.buf);
	tap_ok(ret == -ETIMEDOUT && t < 2 * NSEC_PER_SEC && WIFSIGNALED(c.status),
	       "timeout: -ETIMEDOUT after %lld ms (%d)", (long long)(t / NSEC_PER_MSEC), ret);
	tap_ok(bg > 0 && gone(bg), "timeout killed the whole group (background pid %d)", (int)bg);
	sb_release(&sb);
	free(script);
	free(pidf);
}

static int abort_after(struct child *c, void *data)
{
	int *ticks = data;

	(void)c;
	return ++*ticks >= 3 ? -EINTR : 0;
}

/*
 * Method: a poll callback that aborts on its third call; a child ignoring
 * SIGTERM with a 200 ms grace. Pass: -EINTR; SIGKILL after the grace.
 */
static void test_stop(void)
{
	struct child c = CHILD_INIT;
	int64_t t = now_ns();
	int ticks = 0, ret;

	c.poll = abort_after;
	c.poll_data = &ticks;
	c.kill_grace_ns = 5 * NSEC_PER_SEC;
	ret = sh(&c, "sleep 30");
	tap_ok(ret == -EINTR && ticks == 3 && WIFSIGNALED(c.status) &&
	       WTERMSIG(c.status) == SIGTERM, "poll aborts with its value, SIGTERM first (%d)",
	       ret);
	child_init(&c);
	c.timeout_ns = 200 * NSEC_PER_MSEC;
	c.kill_grace_ns = 200 * NSEC_PER_MSEC;
	t = now_ns();
	ret = sh(&c, "trap '' TERM; while :; do sleep 0.05; done");
	t = now_ns() - t;
	tap_ok(ret == -ETIMEDOUT && WIFSIGNALED(c.status) && WTERMSIG(c.status) == SIGKILL &&
	       t >= 400 * NSEC_PER_MSEC && t < 3 * NSEC_PER_SEC,
	       "SIGTERM ignored: SIGKILL after the grace (%lld ms)",
	       (long long)(t / NSEC_PER_MSEC));
}

/* Method: start, poll while it runs, then finish. Pass: 0 running, 1 exited, code kept. */
static void test_poll(void)
{
	char *argv[] = { "sh", "-c", "sleep 0.3; exit 7", NULL };
	struct child c = CHILD_INIT;
	int first, r = 0, i;

	c.argv = argv;
	tap_ok(!child_start(&c) && c.pid > 0, "start");
	first = child_poll(&c);
	for (i = 0; i < 300 && (r = child_poll(&c)) == 0; i++)
		usleep(10000);
	tap_ok(first == 0 && r == 1 && child_finish(&c) == 7,
	       "child_poll: running, then exited; finish gives its code");
}

/*
 * Method: stdout and stderr to one fd of ours (CHILD_FD, as qemu's console
 * log and a workload's log get them); then a group whose leader runs on
 * after child_poll(), stopped by child_kill() and reaped by child_finish()
 * (qemu's end). Pass: both lines in order in the file, the fd still open
 * here; 0 then 137, the group gone.
 */
static void test_fd_kill(void)
{
	char *log = xasprintf("%s/fd.log", tmpdir), *pidf = xasprintf("%s/fd.pid", tmpdir);
	char *script = xasprintf("sleep 30 & echo $! > %s; wait", pidf);
	char *argv[] = { "sh", "-c", script, NULL };
	struct strbuf sb = STRBUF_INIT;
	struct child c = CHILD_INIT;
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), first, ret, i;
	pid_t bg = 0;

	c.out = c.err = CHILD_FD;
	c.out_fd = c.err_fd = fd;
	ret = sh(&c, "echo out; echo err >&2");
	tap_ok(!ret && !read_file(log, &sb) && !strcmp(sb.buf, "out\nerr\n") &&
	       fcntl(fd, F_GETFD) >= 0, "CHILD_FD: stdout and stderr into our fd, which stays ours");
	close(fd);
	child_init(&c);
	c.argv = argv;
	c.kill_group = true;
	child_start(&c);
	for (i = 0; i < 200 && (read_file(pidf, &sb) || !sb.len || sb.buf[sb.len - 1] != '\n');
	     i++)
		usleep(10000);
	bg = sb.len ? (pid_t)atoi(sb.buf) : 0;
	first = child_poll(&c);
	child_kill(&c, SIGKILL);
	ret = child_finish(&c);
	tap_ok(first == 0 && ret == 137 && bg > 0 && gone(bg),
	       "child_kill after child_poll: the group is killed, child_finish reaps (%d)", ret);
	sb_release(&sb);
	free(script);
	free(pidf);
	free(log);
}

static int raise_term(void *arg)
{
	(void)arg;
	raise(SIGTERM);
	return 0;
}

static int setup_say(struct child *c, void *data)
{
	(void)c;
	printf("%s", (const char *)data);
	fflush(stdout);
	return !strcmp(data, "fail\n");
}

/*
 * Method: SIGTERM ignored here; an exec child and a fn child raise it, the
 * fn child once with default_signals. Then a setup hook that prints, and
 * one that fails. Pass: 143, 0, 143; the hook's output before the exec's;
 * 127 without the exec.
 */
static void test_signals_setup(void)
{
	struct strbuf out = STRBUF_INIT;
	struct child c = CHILD_INIT;
	int ret;

	signal(SIGTERM, SIG_IGN);
	ret = sh(&c, "kill -TERM $$; exit 0");
	tap_ok(ret == 143, "an exec child starts with SIGTERM at its default (%d)", ret);
	child_init(&c);
	c.fn = raise_term;
	ret = child_run(&c);
	tap_ok(ret == 0, "a fn child keeps our dispositions (%d)", ret);
	child_init(&c);
	c.fn = raise_term;
	c.default_signals = true;
	ret = child_run(&c);
	tap_ok(ret == 143, "unless default_signals (%d)", ret);
	signal(SIGTERM, SIG_DFL);
	child_init(&c);
	c.setup = setup_say;
	c.setup_data = "setup\n";
	c.out = CHILD_CAPTURE;
	c.out_sb = &out;
	ret = sh(&c, "echo exec");
	tap_ok(!ret && out.buf && !strcmp(out.buf, "setup\nexec\n"),
	       "the setup hook runs in the child, before the exec");
	sb_reset(&out);
	child_init(&c);
	c.setup = setup_say;
	c.setup_data = "fail\n";
	c.out = CHILD_CAPTURE;
	c.out_sb = &out;
	ret = sh(&c, "echo exec");
	tap_ok(ret == 127 && out.buf && !strcmp(out.buf, "fail\n"),
	       "a failing setup hook: exit 127, no exec (%d)", ret);
	sb_release(&out);
}

/* The mount point of cgroup v2, or NULL. Caller frees. */
static char *cgroup2_mount(void)
{
	struct strbuf sb = STRBUF_INIT;
	char *found = NULL, *line, *save = NULL;

	if (read_file("/proc/mounts", &sb))
		return NULL;
	for (line = strtok_r(sb.buf, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		char dev[256], dir[4096], type[64];

		if (sscanf(line, "%255s %4095s %63s", dev, dir, type) == 3 &&
		    !strcmp(type, "cgroup2"))
			found = xstrdup(dir);
	}
	sb_release(&sb);
	return found;
}

/*
 * Method: clone3 into the root of the cgroup v2 mount (SKIP without one,
 * or without root). Pass: in_cgroup, and the child's /proc/self/cgroup
 * says "0::/".
 */
static void test_cgroup(void)
{
	char *mnt = geteuid() ? NULL : cgroup2_mount();
	struct strbuf out = STRBUF_INIT;
	struct child c = CHILD_INIT;
	int ret;

	if (!mnt) {
		tap_skip("no cgroup v2 mount, or not root: clone3 into a cgroup untested");
		return;
	}
	c.cgroup_fd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	c.out = CHILD_CAPTURE;
	c.out_sb = &out;
	ret = sh(&c, "grep '^0::' /proc/self/cgroup");
	tap_ok(!ret && out.buf && !strcmp(out.buf, "0::/\n") && c.in_cgroup,
	       "clone3 starts the child in the cgroup (%d)", ret);
	close(c.cgroup_fd);
	sb_release(&out);
	free(mnt);
}

int main(void)
{
	int ret;

	tap_plan(29);
	if (!mkdtemp(tmpdir)) {
		tap_diag("mkdtemp failed");
		return 1;
	}
	test_exit();
	test_capture();
	test_log();
	test_setup();
	test_timeout_group();
	test_stop();
	test_poll();
	test_fd_kill();
	test_signals_setup();
	test_cgroup();
	ret = tap_done();
	remove_tree(tmpdir);
	return ret;
}
