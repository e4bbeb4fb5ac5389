// SPDX-License-Identifier: GPL-2.0
/*
 * t-resultdir.c - unit tests for lib/resultdir.c: the run owner records:
 * the /proc/<pid>/stat starttime parser (on a line captured from this
 * kernel and on command names with spaces and parentheses), the record's
 * format/parse round trip and rejections, and owner_alive() on this process,
 * on a reaped child (dead), on a recycled pid (same pid, other start time)
 * and on another boot; the result directory lock (a second process is
 * refused, the owner may replace its own directory and keeps the lock) and
 * the refusal of the current directory.
 * Pass: every value as computed by hand from the lines below.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "resultdir.h"
#include "tap.h"
#include "util.h"

/* /proc/self/stat of a "cat" captured on the 6.18 host; starttime (field 22) 80090 */
static const char stat_cat[] =
	"26459 (cat) R 26457 26457 14582 0 -1 4194304 101 0 0 0 0 0 0 0 20 0 1 0 80090 3133440 "
	"393 18446744073709551615 94357670207488 94357670227369 140727540321664 0 0 0 0 0 0 0 0 "
	"0 17 1 0 0 0 0 0 94357670243376 94357670244992 94358478331904 140727540329099 "
	"140727540329119 140727540329119 140727540330475 0\n";
/* the same with a hostile comm: spaces and ") R 1 2" inside the parentheses */
static const char stat_evil[] =
	"7 (a) R 1 2 3 (b) S 24990 25012 24990 34816 25012 4194304 110 0 0 0 0 0 0 0 20 0 1 0 "
	"99 5754880 236\n";

static void test_starttime(void)
{
	unsigned long long st = 0;
	int ret;

	ret = proc_stat_starttime(stat_cat, strlen(stat_cat), &st);
	tap_ok(!ret && st == 80090, "starttime of a captured stat line (%llu)", st);
	st = 0;
	ret = proc_stat_starttime(stat_evil, strlen(stat_evil), &st);
	tap_ok(!ret && st == 99, "a comm with spaces and ')' is skipped to its last ')' (%llu)", st);
	tap_ok(proc_stat_starttime("12 (x) S 1 2", 12, &st) == -EINVAL, "a short line is -EINVAL");
	tap_ok(proc_stat_starttime("no paren", 8, &st) == -EINVAL, "no ')' is -EINVAL");
}

static void test_roundtrip(void)
{
	struct run_owner a, b;
	struct strbuf sb = STRBUF_INIT;

	memset(&a, 0, sizeof(a));
	a.pid = 4242;
	a.start = 123456789012ULL;
	a.boot_id = xstrdup("0f6c2b8e-1d7a-4d1c-9a53-6b2f1c9e7d10");
	a.run_id = xstrdup("20261201-220453-28047");
	a.dir = xstrdup("/tmp/r");
	a.mem = xstrdup("/sys/fs/cgroup/memory/x/patchbench-20261201-220453-28047");
	a.work = xstrdup("/root/.cache/patchbench/work/20261201-220453-28047");
	owner_format(&a, &sb);
	tap_ok(!owner_parse(&b, sb.buf, sb.len), "a formatted record parses");
	tap_ok(b.pid == 4242 && b.start == 123456789012ULL && !strcmp(b.run_id, a.run_id) &&
	       !strcmp(b.mem, a.mem) && !b.cpu && !strcmp(b.work, a.work) &&
	       !strcmp(b.boot_id, a.boot_id), "every field survives the round trip");
	owner_release(&b);
	sb_adds(&sb, "future_key\tvalue\n");
	tap_ok(!owner_parse(&b, sb.buf, sb.len), "an unknown key is ignored");
	owner_release(&b);
	tap_ok(owner_parse(&b, "pid\t12\nstart\t5\n", 15) == -EINVAL,
	       "a record without boot_id and run_id is -EINVAL");
	tap_ok(owner_parse(&b, "pid\t-3\nstart\t5\nboot_id\tx\nrun_id\ty\n", 35) == -EINVAL,
	       "a negative pid is -EINVAL");
	tap_ok(owner_parse(&b, "pid 12\n", 7) == -EINVAL, "a line without a tab is -EINVAL");
	owner_release(&a);
	sb_release(&sb);
}

static void test_alive(void)
{
	struct run_owner me, o;
	pid_t pid;

	tap_ok(!owner_self(&me) && me.pid == getpid() && me.start > 0 && me.boot_id,
	       "owner_self: pid, start time and boot id of this process");
	tap_ok(owner_alive(&me), "this process is alive");

	o = me;
	o.start = me.start + 1;
	tap_ok(!owner_alive(&o), "same pid, other start time (a recycled pid): dead");

	o = me;
	o.boot_id = "00000000-0000-0000-0000-000000000000";
	tap_ok(!owner_alive(&o), "same pid and start time, other boot: dead");

	pid = fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	o = me;
	o.pid = pid;
	tap_ok(!owner_alive(&o), "a child that exited and was reaped: dead");
	owner_release(&me);
}

/* resultdir_create() in a child process: its return value as exit code (negated errno). */
static int create_in_child(const char *dir, bool force)
{
	char err[256];
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(-resultdir_create(dir, force, err, sizeof(err)));
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? -WEXITSTATUS(status) : -EINTR;
}

static void test_lock(void)
{
	char tmpl[] = "/tmp/t-resultdir.XXXXXX", err[256];
	char *dir, *meta, *cwd;
	pid_t holder = 0;

	if (!mkdtemp(tmpl)) {
		tap_skip("cannot make a temp directory");
		return;
	}
	dir = xasprintf("%s/r", tmpl);
	meta = xasprintf("%s/meta.json", dir);
	tap_ok(!resultdir_create(dir, false, err, sizeof(err)) && resultdir_locked(dir, &holder) &&
	       holder == getpid(), "a new result directory is locked by its creator");
	write_atomic(meta, "{}\n", 3);
	tap_ok(create_in_child(dir, true) == -EBUSY,
	       "--force from another process: -EBUSY while the creator lives");
	tap_ok(!resultdir_create(dir, true, err, sizeof(err)) && !write_atomic(meta, "{}\n", 3) &&
	       create_in_child(dir, true) == -EBUSY,
	       "the creator replacing it again keeps the lock (no second descriptor closed)");
	cwd = getcwd(NULL, 0);
	tap_ok(chdir(dir) == 0 && resultdir_create(".", true, err, sizeof(err)) == -EBUSY &&
	       strstr(err, "current directory") && chdir(cwd) == 0,
	       "--force onto the current directory is refused (%s)", err);
	remove_tree(tmpl);
	free(dir);
	free(meta);
	free(cwd);
}

int main(void)
{
	tap_plan(19);
	test_starttime();
	test_roundtrip();
	test_alive();
	test_lock();
	return tap_done();
}
