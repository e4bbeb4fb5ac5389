// SPDX-License-Identifier: GPL-2.0
/*
 * wl-selftests.c - the kernel's own cgroup selftests (test_kmem,
 * test_memcontrol) as an oracle next to patchbench's drift verdicts.
 *
 * Kernel paths: whatever the tests exercise - memcg charging of slab,
 * percpu and page cache, cgroup deletion with pending per-cpu deltas
 * (test_kmem_memcg_deletion compares memory.current with the sum of the
 * memory.stat items, which is what an unflushed rstat tree gets wrong),
 * memory.min/low/high/max reclaim and OOM. memory.stat fields that move:
 * slab, percpu, kernel_stack, anon, file in the cgroups the tests create.
 *
 * The tests create and delete cgroups directly below the cgroup2 root.
 * That is acceptable in a throwaway guest only: on the host (any cgroup
 * version) every test is reported as "# SKIP" and nothing is run. The
 * binaries are built on the host by selftests_build() from the same
 * source tree as the kernel, statically, and the VM target passes their
 * directory as --selftests-dir. The TAP streams go to selftests.tap in the
 * result directory, nested as run_kselftest.sh prints them, with all the
 * tests printed (stdout and stderr: the values a failing test prints
 * before its "not ok") and "# patchbench: " notes of our own (the root the
 * tests saw, how long each program ran).
 *
 * In the guest the tests do not run on the guest's "/" (the host's root
 * over 9p, which keeps no negative dentries: test_kmem_basic would fail on
 * every kernel) but, with --selftests-root overlay (the default), below a
 * private overlay root with a tmpfs upper: guest_local_root(). The other
 * workloads of the run keep the shared root. Their cwd is an ext2 on a
 * zram disk (guest_scratch_disk()): test_memcontrol's page cache
 * (O_TMPFILE in ".", holes read) is charged and reclaimable there as on a
 * disk, not on tmpfs. While they run, cgroup2 is remounted without
 * memory_recursiveprot (6.1's test_memcg_low assumes a plain mount), and
 * they are built with their Makefile's flags, not -O2 (ST_CC_FLAGS).
 */
#include "workload.h"
#include "afile.h"
#include "guest.h"
#include "ksrc.h"
#include "runner.h"
#include "sha256.h"
#include "spawn.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <sys/wait.h>
#include <unistd.h>

#define SELFTESTS_DEFAULT "test_kmem,test_memcontrol"
#define KSFT_SKIP_CODE 4
/*
 * The flags of the selftests' own Makefile (CFLAGS += -Wall -pthread, no -O:
 * cgroup_util.c's alloc_anon() writes a zero to each page of a buffer it then
 * frees, and at -O2 gcc drops those stores, so nothing is allocated and the
 * min/low/max/oom tests of test_memcontrol fail), plus -static (the guest
 * runs them from the host's root) and -w.
 */
#define ST_CC_FLAGS "gcc -w -pthread -static"
#define ST_DISK_DIR "/run/patchbench/selftests-disk"	/* the tests' cwd in the guest */

struct selftests_params {
	char *dir;
	char *tests;
	char *root;
	int64_t timeout;
};

static const char *const st_roots[] = { "overlay", "shared", NULL };

static const struct option selftests_params[] = {
	{ "dir", 0, OPT_STRING, offsetof(struct selftests_params, dir), NULL, "DIR",
	  "directory of the built selftest binaries (set by --target vm)", NULL, 0, 0 },
	{ "tests", 0, OPT_STRING, offsetof(struct selftests_params, tests), SELFTESTS_DEFAULT,
	  "LIST", "comma-separated cgroup selftests to run", NULL, 0, 0 },
	{ "root", 0, OPT_CHOICE, offsetof(struct selftests_params, root), "overlay", "WHICH",
	  "the tests' / in the guest: overlay (a tmpfs upper over the shared root in a "
	  "private mount namespace: keeps negative dentries, as a local disk does) or "
	  "shared (the guest's 9p root as it is)", st_roots, 0, 0 },
	{ "timeout", 0, OPT_DURATION, offsetof(struct selftests_params, timeout), "30m", "TIME",
	  "kill a test that runs longer than this (reported as not ok)", NULL, 0, 0 },
	{ NULL },
};

/* What the binaries are built from, relative to tools/testing/selftests/cgroup. */
static const char *const st_sources[] = {
	"test_kmem.c", "test_memcontrol.c", "cgroup_util.c", "cgroup_util.h", "../kselftest.h",
	"../clone3/clone3_selftests.h", NULL,
};

static const char *const st_known[] = { "test_kmem", "test_memcontrol", NULL };

/**
 * selftests_build - build the cgroup selftests of @srcdir, statically, into the cache
 * @srcdir: an unpacked kernel source tree
 * @cache: the cache directory; binaries go to <cache>/selftests/<hash>/
 * @dirp: set to that directory (the caller frees it)
 * @err: why it failed
 *
 * The hash covers the test sources and the compiler command, so a tree
 * with other selftests gets other binaries. An existing complete
 * directory is used as it is. Returns 0 or -errno.
 */
static int selftests_build(const char *srcdir, const char *cache, char **dirp, char *err,
			   size_t errlen)
{
	char *base = xasprintf("%s/tools/testing/selftests/cgroup", srcdir);
	char *dir = NULL, *tmp = NULL, *log = NULL, *path, hex[65], fhex[65];
	struct sha256 h;
	int i, ret = 0;

	*dirp = NULL;
	sha256_init(&h);
	sha256_update(&h, ST_CC_FLAGS, strlen(ST_CC_FLAGS));
	for (i = 0; st_sources[i]; i++) {
		path = xasprintf("%s/%s", base, st_sources[i]);
		ret = sha256_file(path, fhex);
		if (ret) {
			snprintf(err, errlen, "cannot read selftest source '%s': %s", path,
				 strerror(-ret));
			free(path);
			goto out;
		}
		sha256_update(&h, st_sources[i], strlen(st_sources[i]));
		sha256_update(&h, fhex, 64);
		free(path);
	}
	sha256_final_hex(&h, hex);
	dir = xasprintf("%s/selftests/%.16s", cache, hex);
	for (i = 0; st_known[i]; i++) {
		path = xasprintf("%s/%s", dir, st_known[i]);
		if (access(path, X_OK)) {
			free(path);
			break;
		}
		free(path);
	}
	if (!st_known[i])
		goto done;
	tmp = xasprintf("%s.tmp-%d", dir, (int)getpid());
	remove_tree(tmp);
	ret = mkdir_p(tmp, 0755);
	if (ret) {
		snprintf(err, errlen, "cannot create '%s': %s", tmp, strerror(-ret));
		goto out;
	}
	log = xasprintf("%s/build.log", tmp);
	for (i = 0; st_known[i]; i++) {
		char *src = xasprintf("%s/%s.c", base, st_known[i]);
		char *util = xasprintf("%s/cgroup_util.c", base);
		char *out = xasprintf("%s/%s", tmp, st_known[i]);
		char *argv[] = { "gcc", "-w", "-pthread", "-static", "-o", out, src, util,
				 NULL };

		ret = run_logged(argv, log);
		free(src);
		free(util);
		free(out);
		if (ret) {
			snprintf(err, errlen, "cannot build selftest %s (see %s)", st_known[i], log);
			goto out;
		}
	}
	if (rename(tmp, dir)) {
		ret = -errno;
		if (ret != -EEXIST && ret != -ENOTEMPTY) {
			snprintf(err, errlen, "cannot rename '%s' to '%s': %s", tmp, dir,
				 strerror(errno));
			goto out;
		}
		remove_tree(tmp);	/* built concurrently by someone else: theirs is as good */
		ret = 0;
	}
done:
	*dirp = dir;
	dir = NULL;
out:
	free(log);
	free(tmp);
	free(dir);
	free(base);
	return ret;
}

static int selftests_check(struct run *r, void *params, char *err, size_t errlen)
{
	struct selftests_params *p = params;
	char **v = strv_split(p->tests ? p->tests : "", ',');
	int i, ret = 0;

	(void)r;
	if (!v[0]) {
		snprintf(err, errlen, "--selftests-tests is empty");
		ret = -EINVAL;
	}
	for (i = 0; v[i] && !ret; i++) {
		if (name_index(st_known, 2, v[i]) < 0) {
			snprintf(err, errlen, "unknown selftest '%s' (known: %s)", v[i],
				 SELFTESTS_DEFAULT);
			ret = -EINVAL;
		}
	}
	strv_free(v);
	return ret;
}

struct st_arg {
	char *dir;		/* binaries; NULL on the host */
	char *skip;		/* why nothing runs, or NULL */
	char *tests;
	char *tap;		/* result directory's selftests.tap */
	char *cwd;		/* scratch: test_memcontrol makes O_TMPFILE files in "." */
	char *disklog;		/* mke2fs's output (left only when it failed) */
	bool local_root;	/* --selftests-root overlay: guest_local_root() first */
	int64_t timeout;
};

static struct child *volatile st_child;

static void st_alarm(int sig)
{
	(void)sig;
	if (st_child)
		child_kill(st_child, SIGKILL);
}

/*
 * The tests' stdout and stderr: the end for the child is returned (or
 * -errno), the parent's read end set in *@rd. A pty, not a pipe: on a pipe
 * the tests' stdout is fully buffered and every fork()ed child that exit()s
 * prints the parent's pending lines again. Without devpts, a pipe (lines
 * may then repeat).
 */
static int st_output(int *rd)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), slave = -1, p[2];
	struct termios tio;

	if (master >= 0 && !grantpt(master) && !unlockpt(master) && ptsname(master))
		slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave >= 0) {
		if (!tcgetattr(slave, &tio)) {
			cfmakeraw(&tio);
			tcsetattr(slave, TCSANOW, &tio);
		}
		*rd = master;
		return slave;
	}
	if (master >= 0)
		close(master);
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	*rd = p[0];
	return p[1];
}

/* In the test's child: into the scratch directory; failing that, the test runs where we are. */
static int st_chdir(struct child *c, void *data)
{
	const char *cwd = data;

	(void)c;
	if (cwd && chdir(cwd))
		fprintf(stderr, "selftests: cannot chdir to '%s': %s\n", cwd, strerror(errno));
	return 0;
}

/* Run one test with its stdout into @out as "# " lines. Exit code, 128+sig, or -errno. */
static int st_run_one(const struct st_arg *a, const char *name, FILE *out, bool *timed_out)
{
	char *bin = xasprintf("%s/%s", a->dir, name), *line = NULL;
	char *argv[] = { (char *)name, NULL };
	struct child c = CHILD_INIT;
	size_t cap = 0;
	int rd = -1, wr, code;
	FILE *in;

	*timed_out = false;
	wr = st_output(&rd);
	if (wr < 0) {
		free(bin);
		return wr;
	}
	c.exe = bin;
	c.argv = argv;
	c.out = c.err = CHILD_FD;	/* perror()s and warnings are diagnostics too */
	c.out_fd = c.err_fd = wr;
	c.kill_group = true;
	c.pdeathsig = SIGKILL;
	c.exec_err = "selftests: ";
	c.setup = st_chdir;
	c.setup_data = a->cwd;
	code = child_start(&c);
	close(wr);
	if (code) {
		close(rd);
		free(bin);
		return code;
	}
	st_child = &c;
	signal(SIGALRM, st_alarm);
	alarm((unsigned)(a->timeout / 1000000000LL > 0 ? a->timeout / 1000000000LL : 1));
	in = fdopen(rd, "r");
	while (in && getline(&line, &cap, in) > 0) {
		fprintf(out, "# %s", line);
		fputs(line, stdout);
		fflush(stdout);
	}
	if (in)
		fclose(in);
	else
		close(rd);
	free(line);
	code = child_finish(&c);
	if (!alarm(0))
		*timed_out = WIFSIGNALED(c.status) && WTERMSIG(c.status) == SIGKILL;
	st_child = NULL;
	free(bin);
	return code;
}

static int selftests_main(void *p)
{
	struct st_arg *a = p;
	char **v = strv_split(a->tests, ',');
	size_t n = strv_len(v), i;
	char why[512] = "", dwhy[512] = "", *cgflags = NULL;
	int ret = 0, lr = -1, disk = -1, rp = 1;
	struct afile af;
	FILE *out;

	/*
	 * Before anything is opened: the TAP file is then written through the
	 * new root's bind of the result share (rename() stays on one mount).
	 */
	if (!a->skip && a->local_root) {
		lr = guest_local_root(why, sizeof(why));
		if (lr) {
			printf("selftests: warning: %s: the tests run on the shared root\n", why);
			fflush(stdout);
		}
	}
	/* the tests' cwd: a disk-like filesystem (guest_scratch_disk() says why) */
	if (!a->skip) {
		disk = guest_scratch_disk(ST_DISK_DIR, 256ULL << 20, a->disklog, dwhy,
					  sizeof(dwhy));
		if (disk) {
			printf("selftests: warning: %s: the tests' cwd is %s (tmpfs)\n", dwhy, a->cwd);
			fflush(stdout);
		} else {
			unlink(a->disklog);
			free(a->cwd);
			a->cwd = xstrdup(ST_DISK_DIR);
		}
	}
	/*
	 * 6.1's test_memcg_low expects no memory.events "low" in a sibling
	 * without protection of its own, which memory_recursiveprot (the guest's
	 * and systemd's default) gives one: the tests run without it, as on the
	 * plain mount they were written for, and it is put back after them.
	 */
	if (!a->skip) {
		rp = guest_cgroup2_without("memory_recursiveprot", &cgflags);
		if (rp < 0) {
			printf("selftests: warning: cannot remount cgroup2 without "
			       "memory_recursiveprot: %s\n", strerror(-rp));
			fflush(stdout);
		}
	}
	ret = afile_open(&af, a->tap);
	if (ret) {
		fprintf(stderr, "selftests: cannot create '%s.tmp': %s\n", a->tap, strerror(-ret));
		if (!disk)
			guest_scratch_disk_release(ST_DISK_DIR);
		if (!rp)
			guest_cgroup2_remount(cgflags);
		free(cgflags);
		strv_free(v);
		return 1;
	}
	out = af.f;
	fprintf(out, "TAP version 13\n1..%zu\n", n);
	if (!a->skip && !lr)
		fprintf(out, "# patchbench: root overlay (a tmpfs upper over the guest's shared "
			     "root, private mount namespace)\n");
	else if (!a->skip)
		fprintf(out, "# patchbench: root shared (%s): 9p keeps no negative dentries, "
			     "test_kmem_basic cannot pass\n",
			a->local_root ? why : "--selftests-root shared");
	if (!rp)
		fprintf(out, "# patchbench: cgroup2 without memory_recursiveprot while the tests "
			     "run (was %s)\n", cgflags);
	else if (rp < 0)
		fprintf(out, "# patchbench: cgroup2 kept memory_recursiveprot (%s): "
			     "test_memcg_low cannot pass\n", strerror(-rp));
	if (!a->skip && !disk)
		fprintf(out, "# patchbench: cwd ext2 on %s (a hole read allocates page cache, "
			     "reclaim can drop it)\n", GUEST_DISK_DEV);
	else if (!a->skip)
		fprintf(out, "# patchbench: cwd tmpfs (%s): test_memcontrol's page cache tests "
			     "cannot pass\n", dwhy);
	for (i = 0; i < n; i++) {
		bool timed_out;
		int64_t t0;
		int code;

		fprintf(out, "# selftests: cgroup: %s\n", v[i]);
		if (a->skip) {
			fprintf(out, "ok %zu selftests: cgroup: %s # SKIP %s\n", i + 1, v[i], a->skip);
			continue;
		}
		printf("selftests: running %s\n", v[i]);
		fflush(stdout);
		t0 = now_ns();
		code = st_run_one(a, v[i], out, &timed_out);
		fprintf(out, "# patchbench: %s ran %.1fs\n", v[i], (double)(now_ns() - t0) / 1e9);
		if (code == 0)
			fprintf(out, "ok %zu selftests: cgroup: %s\n", i + 1, v[i]);
		else if (code == KSFT_SKIP_CODE)
			fprintf(out, "ok %zu selftests: cgroup: %s # SKIP\n", i + 1, v[i]);
		else if (timed_out)
			fprintf(out, "not ok %zu selftests: cgroup: %s # TIMEOUT %lld seconds\n",
				i + 1, v[i], (long long)(a->timeout / 1000000000LL));
		else
			fprintf(out, "not ok %zu selftests: cgroup: %s # exit=%d\n", i + 1, v[i],
				code);
		fflush(out);
	}
	if (!disk)
		guest_scratch_disk_release(ST_DISK_DIR);
	if (!rp && guest_cgroup2_remount(cgflags))
		printf("selftests: warning: cannot remount cgroup2 with %s again\n", cgflags);
	free(cgflags);
	ret = afile_commit(&af);
	if (ret && af.failed_rename)
		fprintf(stderr, "selftests: cannot rename '%s.tmp': %s\n", a->tap, strerror(-ret));
	strv_free(v);
	return ret ? 1 : 0;
}

/* --target vm: the selftests of the same source, built here, static, run there. */
static int selftests_vm_prepare(const struct run_opts *host, struct run_opts *guest,
				const char *cache, char *err, size_t errlen)
{
	const struct selftests_params *p = run_opts_wl(host, &wl_selftests);
	char *srcdir = NULL, *dir = NULL;
	int ret;

	if (!guest)
		return 0;
	ret = ksrc_prepare(host->source, cache, &srcdir, err, errlen);
	if (!ret && !p->dir)
		ret = selftests_build(srcdir, cache, &dir, err, errlen);
	if (!ret && dir)
		run_opts_set_wl_str(guest, &wl_selftests, "dir", dir);
	free(dir);
	free(srcdir);
	return ret;
}

static int selftests_start(struct wl_inst *wi)
{
	const struct selftests_params *p = wi->params;
	const struct run *r = wi->run;
	struct st_arg *a = xcalloc(1, sizeof(*a));

	a->tests = xstrdup(p->tests);
	a->tap = run_path(r, "selftests.tap");
	a->cwd = xstrdup(r->workdir);
	a->disklog = run_path(r, "selftests-disk.log");
	a->timeout = p->timeout;
	a->local_root = p->root && !strcmp(p->root, "overlay");
	if (!r->o->target_label)
		a->skip = xstrdup("the cgroup selftests create cgroups below the root: "
				  "run them in a guest (--target vm)");
	else if (r->layout.version != CG_V2)
		a->skip = xstrdup("no cgroup v2 in the guest");
	else if (!p->dir)
		a->skip = xstrdup("no --selftests-dir (the VM target builds and sets it)");
	else
		a->dir = xstrdup(p->dir);
	wi->priv = a;
	/* outside: the tests make their own cgroups below the root and move children there */
	return run_spawn(wi, true, selftests_main, a);
}

static enum wl_state selftests_exited(struct wl_inst *wi, int code)
{
	(void)wi;
	/* A failing test is a result (in selftests.tap), not a failed workload. */
	return code == 0 ? WL_DONE : WL_FAILED;
}

static void selftests_cleanup(struct wl_inst *wi)
{
	struct st_arg *a = wi->priv;

	if (!a)
		return;
	free(a->dir);
	free(a->skip);
	free(a->tests);
	free(a->tap);
	free(a->cwd);
	free(a->disklog);
	free(a);
	wi->priv = NULL;
}

const struct workload wl_selftests = {
	.name = "selftests",
	.summary = "the kernel's cgroup selftests (test_kmem, test_memcontrol) as TAP; guest only",
	.node = "selftests",
	.cgroups = "root/*",
	.background = false,
	.params = selftests_params,
	.params_size = sizeof(struct selftests_params),
	.check = selftests_check,
	.start = selftests_start,
	.exited = selftests_exited,
	.cleanup = selftests_cleanup,
	.vm_prepare = selftests_vm_prepare,
};
