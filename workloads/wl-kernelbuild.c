// SPDX-License-Identifier: GPL-2.0
/*
 * wl-kernelbuild.c - a real Linux kernel build in each builder cgroup.
 *
 * Kernel paths: fork/exec/exit of thousands of short compiler processes
 * (kernel stacks, page tables, mm teardown), anon faults of cc1, page-cache
 * reads of the source and writes of objects, dentry and inode slab churn.
 * memory.stat fields that move all the time: anon, file, active/inactive
 * anon and file, kernel_stack, pagetables, slab_* (v1: rss, cache and the
 * total_* keys), pgfault. This is the reference workload of the memcg rstat
 * series cover letter (two builds in a nested tree with idle siblings).
 *
 * Each builder has its own O= directory below the run's scratch directory;
 * the source tree is shared and never written to.
 */
#include "workload.h"
#include "runner.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEFAULT_TARBALL "/usr/src/linux-source-6.1.tar.xz"

struct kb_params {
	char *targets;
	char *config;
};

static const struct option kb_params[] = {
	{ "targets", 0, OPT_STRING, offsetof(struct kb_params, targets), NULL, "LIST",
	  "make targets, comma-separated [smoke: mm/, small and full: vmlinux]" },
	{ "config", 0, OPT_STRING, offsetof(struct kb_params, config), NULL, "TARGET",
	  "config target [smoke and small: tinyconfig, full: defconfig]" },
	{ NULL },
};

/* Resolved once per run by check/prepare. */
static char *kb_src;		/* source tree used by every builder */
static char *kb_tarball;	/* tarball to unpack into the cache, or NULL */

struct kb_inst {
	char *objdir;
	char **argv;		/* argv of the current step */
	int nsteps;
	off_t scanned;		/* how far the log has been scanned for CC lines */
	unsigned cc;
};

static bool looks_like_tree(const char *dir)
{
	char *mk = xasprintf("%s/Makefile", dir), *mm = xasprintf("%s/mm", dir);
	bool ok = path_exists(mk) && is_dir(mm);

	free(mk);
	free(mm);
	return ok;
}

static bool is_tarball(const char *p)
{
	return strstr(p, ".tar") != NULL;
}

static int kb_check(struct run *r, void *params, char *err, size_t errlen)
{
	const char *src = r->o->source ? r->o->source : DEFAULT_TARBALL;
	(void)params;

	free(kb_src);
	free(kb_tarball);
	kb_src = kb_tarball = NULL;
	if (is_dir(src)) {
		if (!looks_like_tree(src)) {
			snprintf(err, errlen, "kernel source '%s' is not a kernel tree (no Makefile and mm/)",
				 src);
			return -EINVAL;
		}
		kb_src = realpath(src, NULL);
		return kb_src ? 0 : -errno;
	}
	if (!path_exists(src)) {
		snprintf(err, errlen, "kernel source '%s' not found%s", src,
			 r->o->source ? "" : " (install linux-source-6.1 or pass --source DIR)");
		return -ENOENT;
	}
	if (!is_tarball(src)) {
		snprintf(err, errlen, "kernel source '%s' is neither a directory nor a .tar archive",
			 src);
		return -EINVAL;
	}
	kb_tarball = realpath(src, NULL);
	return kb_tarball ? 0 : -errno;
}

static int run_cmd(char *const argv[], const char *log)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -EIO;
}

/* Unpack the tarball once into <cache>/src/<name>; atomic via rename. */
static int kb_prepare(struct run *r, void *params)
{
	char *base, *dot, *srcdir, *tmp = NULL, *top = NULL, *log = NULL;
	int ret = 0;
	int64_t t;
	(void)params;

	if (!kb_tarball)
		return 0;
	base = xstrdup(strrchr(kb_tarball, '/') + 1);
	dot = strstr(base, ".tar");
	*dot = '\0';
	srcdir = xasprintf("%s/src/%s", r->cache, base);
	if (looks_like_tree(srcdir)) {
		kb_src = srcdir;
		free(base);
		return 0;
	}
	tmp = xasprintf("%s/src/.unpack-%d", r->cache, (int)getpid());
	ret = mkdir_p(tmp, 0755);
	if (ret) {
		pr_err("cannot create '%s': %s", tmp, strerror(-ret));
		goto out;
	}
	pr_info("unpacking %s into %s (once)", kb_tarball, srcdir);
	t = now_ns();
	log = xasprintf("%s.log", tmp);
	{
		char *argv[] = { "tar", "-xf", kb_tarball, "-C", tmp, NULL };

		ret = run_cmd(argv, log);
	}
	if (ret) {
		pr_err("cannot unpack '%s' (see '%s')", kb_tarball, log);
		goto out;
	}
	/* The tarball holds one top-level directory. */
	top = xasprintf("%s/%s", tmp, base);
	if (!looks_like_tree(top)) {
		pr_err("'%s' does not unpack to a kernel tree '%s/'", kb_tarball, base);
		ret = -EINVAL;
		goto out;
	}
	if (rename(top, srcdir) < 0) {
		ret = -errno;
		pr_err("cannot rename '%s' to '%s': %s", top, srcdir, strerror(errno));
		goto out;
	}
	{
		char d[32];

		pr_info("unpacked in %s", fmt_duration(d, sizeof(d), now_ns() - t));
	}
	kb_src = srcdir;
	srcdir = NULL;
	unlink(log);
out:
	if (tmp)
		remove_tree(tmp);
	free(tmp);
	free(top);
	free(log);
	free(srcdir);
	free(base);
	return ret;
}

static const char *config_target(struct wl_inst *wi)
{
	const struct kb_params *p = wi->params;

	if (p->config)
		return p->config;
	return wi->run->scale == SCALE_FULL ? "defconfig" : "tinyconfig";
}

static void free_argv(char **argv)
{
	strv_free(argv);
}

/* Steps: 0 = config, 1 = build. */
static int kb_spawn_step(struct wl_inst *wi)
{
	struct kb_inst *k = wi->priv;
	const struct kb_params *p = wi->params;
	struct strbuf sb = STRBUF_INIT;
	char **argv;
	size_t n = 0;

	free_argv(k->argv);
	argv = xcalloc(64, sizeof(*argv));
	argv[n++] = xstrdup("make");
	argv[n++] = xstrdup("-C");
	argv[n++] = xstrdup(kb_src);
	argv[n++] = xasprintf("O=%s", k->objdir);
	if (wi->step == 0) {
		argv[n++] = xstrdup(config_target(wi));
	} else {
		char **t;
		size_t i;
		const char *targets = p->targets ? p->targets :
				      wi->run->scale == SCALE_SMOKE ? "mm/" : "vmlinux";

		argv[n++] = xasprintf("-j%d", wi->run->o->jobs);
		t = strv_split(targets, ',');
		for (i = 0; t[i] && n < 62; i++)
			if (*t[i])
				argv[n++] = xstrdup(t[i]);
		strv_free(t);
	}
	argv[n] = NULL;
	k->argv = argv;
	for (n = 0; argv[n]; n++)
		sb_addf(&sb, "%s%s", n ? " " : "", argv[n]);
	dprintf(wi->logfd, "patchbench: step %d/%d: %s\n", wi->step + 1, k->nsteps, sb.buf);
	sb_release(&sb);
	return run_spawn(wi, false, run_exec_argv, argv);
}

static int kb_start(struct wl_inst *wi)
{
	struct kb_inst *k = xcalloc(1, sizeof(*k));
	int ret;

	k->nsteps = 2;
	k->objdir = xasprintf("%s/%s", wi->run->workdir, wi->run->tree.nodes[wi->node].name);
	wi->priv = k;
	ret = mkdir_p(k->objdir, 0755);
	if (ret) {
		pr_err("cannot create '%s': %s", k->objdir, strerror(-ret));
		return ret;
	}
	wi->step = 0;
	return kb_spawn_step(wi);
}

static enum wl_state kb_exited(struct wl_inst *wi, int code)
{
	struct kb_inst *k = wi->priv;

	if (code)
		return WL_FAILED;
	if (++wi->step >= k->nsteps)
		return WL_DONE;
	return kb_spawn_step(wi) ? WL_FAILED : WL_RUNNING;
}

/* Count "  CC " lines appended to the log since the last call. */
static void kb_progress(struct wl_inst *wi, char *buf, size_t len)
{
	struct kb_inst *k = wi->priv;
	char chunk[8192];
	ssize_t n;

	if (!k)
		return;
	while (wi->logfd >= 0 && (n = pread(wi->logfd, chunk, sizeof(chunk) - 1, k->scanned)) > 0) {
		char *p;
		ssize_t used = n;

		chunk[n] = '\0';
		/* only scan whole lines; keep a partial last line for next time */
		p = memrchr(chunk, '\n', n);
		if (p && n == (ssize_t)sizeof(chunk) - 1)
			used = p - chunk + 1;
		chunk[used] = '\0';
		for (p = chunk; (p = strstr(p, "  CC ")); p += 5)
			k->cc++;
		k->scanned += used;
		if (n < (ssize_t)sizeof(chunk) - 1)
			break;
	}
	snprintf(buf, len, "%s CC %u", wi->step == 0 ? "config" : "build", k->cc);
}

static void kb_cleanup(struct wl_inst *wi)
{
	struct kb_inst *k = wi->priv;

	if (!k)
		return;
	/* The object directory lives below the run's scratch directory, created by us. */
	remove_tree(k->objdir);
	free(k->objdir);
	free_argv(k->argv);
	free(k);
	wi->priv = NULL;
}

const struct workload wl_kernelbuild = {
	.name = "kernelbuild",
	.summary = "a real Linux kernel build (make -jN O=dir) in each builder cgroup",
	.role = CG_BUILDER,
	.params = kb_params,
	.params_size = sizeof(struct kb_params),
	.check = kb_check,
	.prepare = kb_prepare,
	.start = kb_start,
	.exited = kb_exited,
	.progress = kb_progress,
	.cleanup = kb_cleanup,
};
