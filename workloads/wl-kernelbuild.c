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
#include "ksrc.h"
#include "runner.h"
#include "sha256.h"
#include "workload.h"
#include "spawn.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct kb_params {
	char *targets;
	char *config;
	char *prepared;
};

static const struct option kb_params[] = {
	{ "targets", 0, OPT_STRING, offsetof(struct kb_params, targets), NULL, "LIST",
	  "make targets, comma-separated [smoke: mm/, small and full: vmlinux]" },
	{ "config", 0, OPT_STRING, offsetof(struct kb_params, config), NULL, "TARGET",
	  "config target [smoke and small: tinyconfig, full: defconfig]" },
	{ "prepared", 0, OPT_STRING, offsetof(struct kb_params, prepared), NULL, "DIR",
	  "copy this configured, 'make prepare'd O= directory instead of the config step "
	  "(what --target vm does at smoke scale)" },
	{ NULL },
};

/* The smoke kernelbuild inside a TCG guest: a few real objects per builder. */
#define VM_SMOKE_TARGETS "mm/vmscan.o,mm/filemap.o"

/* The source tree every builder of this run uses, set by prepare. */
static char *kb_src;

struct kb_inst {
	char *objdir;
	char **argv;		/* argv of the current step */
	int nsteps;
	off_t scanned;		/* how far the log has been scanned for CC lines */
	unsigned cc;
};

static int kb_check(struct run *r, void *params, char *err, size_t errlen)
{
	return ksrc_check(r->o->source, err, errlen);
}

static int kb_prepare(struct run *r, void *params)
{
	char err[512];
	int ret;

	free(kb_src);
	kb_src = NULL;
	ret = ksrc_prepare(r->o->source, r->cache, &kb_src, err, sizeof(err));
	if (ret)
		pr_err("%s", err);
	return ret;
}

/*
 * A tinyconfig object directory with "make prepare" done, so the guest
 * compiles objects only. Cached per source tree; built atomically.
 */
static int prepare_objdir(const char *cache, const char *srcdir, char **out, char *err,
			  size_t errlen)
{
	struct sha256 s;
	char hex[65], d[32];
	char *dir, *tmp, *log;
	int64_t t;
	int ret = 0;

	sha256_init(&s);
	sha256_update(&s, srcdir, strlen(srcdir));
	sha256_update(&s, "\0tinyconfig+prepare", 19);
	sha256_final_hex(&s, hex);
	hex[16] = '\0';
	dir = xasprintf("%s/prepared/%s", cache, hex);
	if (is_dir(dir)) {
		*out = dir;
		return 0;
	}
	tmp = xasprintf("%s.tmp%d", dir, (int)getpid());
	log = xasprintf("%s.log", tmp);
	ret = mkdir_p(tmp, 0755);
	if (ret) {
		snprintf(err, errlen, "cannot create '%s': %s", tmp, strerror(-ret));
		goto out;
	}
	pr_info("preparing a tinyconfig object directory for the guest's builders (once)");
	t = now_ns();
	{
		char *o = xasprintf("O=%s", tmp);
		char *a1[] = { "make", "-C", (char *)srcdir, o, "tinyconfig", NULL };
		char *a2[] = { "make", "-C", (char *)srcdir, o, "-j2", "prepare", NULL };

		ret = run_logged(a1, log);
		if (!ret)
			ret = run_logged(a2, log);
		free(o);
	}
	if (ret) {
		snprintf(err, errlen, "make tinyconfig prepare failed (see '%s')", log);
		goto out;
	}
	if (rename(tmp, dir) < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot rename '%s': %s", tmp, strerror(errno));
		goto out;
	}
	unlink(log);
	pr_info("prepared in %s", fmt_duration(d, sizeof(d), now_ns() - t));
	*out = dir;
	dir = NULL;
out:
	if (ret)
		remove_tree(tmp);
	free(tmp);
	free(log);
	free(dir);
	return ret;
}

/*
 * --target vm: the source unpacked on the host, and at smoke scale a
 * prepared tinyconfig object directory, so that the guest compiles objects
 * only (a few of them, unless --kernelbuild-targets says which).
 */
static int kb_vm_prepare(const struct run_opts *host, struct run_opts *guest, const char *cache,
			 char *err, size_t errlen)
{
	const struct kb_params *p = run_opts_wl(host, &wl_kernelbuild);
	char *srcdir = NULL, *prepared = NULL;
	int ret;

	if (!guest)
		return ksrc_check(host->source, err, errlen);
	ret = ksrc_prepare(host->source, cache, &srcdir, err, errlen);
	if (!ret && !strcmp(host->scale, "smoke"))
		ret = prepare_objdir(cache, srcdir, &prepared, err, errlen);
	if (ret)
		goto out;
	free(guest->source);
	guest->source = srcdir;
	srcdir = NULL;
	if (prepared) {
		run_opts_set_wl_str(guest, &wl_kernelbuild, "prepared", prepared);
		if (!p->targets)
			run_opts_set_wl_str(guest, &wl_kernelbuild, "targets", VM_SMOKE_TARGETS);
	}
out:
	free(srcdir);
	free(prepared);
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
	if (wi->step == 0 && p->prepared) {
		argv[n++] = xstrdup("cp");
		argv[n++] = xstrdup("-a");
		argv[n++] = xasprintf("%s/.", p->prepared);
		argv[n++] = xstrdup(k->objdir);
	} else {
		argv[n++] = xstrdup("make");
		argv[n++] = xstrdup("-C");
		argv[n++] = xstrdup(kb_src);
		argv[n++] = xasprintf("O=%s", k->objdir);
	}
	if (wi->step == 0 && !p->prepared) {
		argv[n++] = xstrdup(config_target(wi));
	} else if (wi->step == 1) {
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
	return run_spawn_argv(wi, false, argv);
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

/* build-a .. build-z, then build-27 ... */
static void kb_node_name(int i, char *buf, size_t len)
{
	if (i < 26)
		snprintf(buf, len, "build-%c", 'a' + i);
	else
		snprintf(buf, len, "build-%d", i + 1);
}

const struct workload wl_kernelbuild = {
	.name = "kernelbuild",
	.summary = "a real Linux kernel build (make -jN O=dir) in each builder cgroup",
	.nodes = "builders",
	.node_name = kb_node_name,
	.frame = 1,
	.needs_nodes = true,
	.cgroups = "build-*",
	.params = kb_params,
	.params_size = sizeof(struct kb_params),
	.check = kb_check,
	.prepare = kb_prepare,
	.start = kb_start,
	.exited = kb_exited,
	.progress = kb_progress,
	.cleanup = kb_cleanup,
	.vm_prepare = kb_vm_prepare,
};
