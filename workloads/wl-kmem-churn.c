// SPDX-License-Identifier: GPL-2.0
/*
 * wl-kmem-churn.c - create child cgroups that allocate kernel memory, then
 * delete them: the shape of the kernel's test_kmem_memcg_deletion.
 *
 * Kernel paths: memcg_alloc/css_online and css_offline/memcg reparenting
 * (memcg_reparent_objcgs, the rstat flush on offline), slab allocation of
 * dentries (d_alloc for negative lookups) and of task structs and kernel
 * stacks (fork). memory.stat fields that move in the "churn" parent:
 * kernel, kernel_stack, slab_reclaimable (dentries), slab_unreclaimable,
 * percpu (v1: the kmem counter only). After the children are gone, the
 * parent's memory.current must still equal the sum of its stat items: that
 * is the "after-deletion" drift check, done by the sampler.
 *
 * The controller process stays in patchbench's own cgroup, outside the
 * tree, so the "churn" cgroup holds only what its children left behind.
 */
#include "workload.h"
#include "runner.h"
#include "spawn.h"
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct churn_params {
	int children;
	int dentries;
	int forks;
};

static const struct option churn_params[] = {
	{ "children", 0, OPT_INT, offsetof(struct churn_params, children), "100", "N",
	  "child cgroups to create and delete", NULL, 1, 100000 },
	{ "dentries", 0, OPT_INT, offsetof(struct churn_params, dentries), "2000", "N",
	  "negative dentries each child creates", NULL, 0, 10000000 },
	{ "forks", 0, OPT_INT, offsetof(struct churn_params, forks), "4", "N",
	  "short-lived processes each child forks (kernel stacks)", NULL, 0, 1000 },
	{ NULL },
};

struct churn_ctl {
	struct wl_inst *wi;
	char *dir;		/* scratch directory for the negative lookups */
	int index;
};

static int churn_child(void *arg)
{
	struct churn_ctl *c = arg;
	const struct churn_params *p = c->wi->params;
	struct stat st;
	char path[4096];
	int i;

	for (i = 0; i < p->dentries; i++) {
		snprintf(path, sizeof(path), "%s/c%d-%d", c->dir, c->index, i);
		stat(path, &st);
	}
	/*
	 * A raw fork(), not lib/spawn: the fork itself is what this workload
	 * measures (a kernel stack and task charged to the child cgroup), and
	 * all of them sleep together before one wait() reaps them.
	 */
	for (i = 0; i < p->forks; i++) {
		pid_t self = getpid(), pid = fork();

		if (pid == 0) {
			child_pdeathsig(self, SIGKILL);
			usleep(10000);
			_exit(0);
		}
	}
	while (wait(NULL) > 0)
		;
	return 0;
}

static int churn_main(void *arg)
{
	struct churn_ctl *c = arg;
	struct wl_inst *wi = c->wi;
	const struct churn_params *p = wi->params;
	const struct cg_node *parent = &wi->run->tree.nodes[wi->node];
	struct cg_node tmp;
	int i, ret, status;

	for (i = 0; i < p->children; i++) {
		char *dir = xasprintf("%s/c-%d", parent->mem_path, i);
		pid_t pid;

		ret = cg_mkdir(dir);
		if (ret) {
			fprintf(stderr, "kmem-churn: cannot create cgroup '%s': %s\n", dir,
				strerror(-ret));
			return 1;
		}
		memset(&tmp, 0, sizeof(tmp));
		tmp.mem_path = dir;
		c->index = i;
		pid = cg_spawn(&wi->run->tree, &tmp, -1, churn_child, c);
		if (pid < 0) {
			fprintf(stderr, "kmem-churn: cannot start a process in '%s': %s\n", dir,
				strerror(-pid));
			return 1;
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "kmem-churn: child in '%s' failed\n", dir);
			return 1;
		}
		free(dir);
		if ((i + 1) % 25 == 0 || i + 1 == p->children)
			printf("kmem-churn: %d/%d children done\n", i + 1, p->children);
		fflush(stdout);
	}
	for (i = 0; i < p->children; i++) {
		char *dir = xasprintf("%s/c-%d", parent->mem_path, i);

		ret = cg_rmdir(dir);
		if (ret) {
			fprintf(stderr, "kmem-churn: cannot remove cgroup '%s': %s\n", dir,
				strerror(-ret));
			return 1;
		}
		free(dir);
	}
	printf("kmem-churn: deleted %d child cgroups\n", p->children);
	return 0;
}

static int churn_start(struct wl_inst *wi)
{
	struct churn_ctl *c = xcalloc(1, sizeof(*c));
	int ret;

	c->wi = wi;
	c->dir = xasprintf("%s/churn-%d", wi->run->workdir, wi->index);
	wi->priv = c;
	ret = mkdir_p(c->dir, 0755);
	if (ret) {
		pr_err("cannot create '%s': %s", c->dir, strerror(-ret));
		return ret;
	}
	return run_spawn(wi, true, churn_main, c);
}

static enum wl_state churn_exited(struct wl_inst *wi, int code)
{
	(void)wi;
	return code ? WL_FAILED : WL_DONE;
}

static void churn_progress(struct wl_inst *wi, char *buf, size_t len)
{
	snprintf(buf, len, "%s", wi->state == WL_DONE ? "deleted" : "churning");
}

static void churn_cleanup(struct wl_inst *wi)
{
	struct churn_ctl *c = wi->priv;

	if (!c)
		return;
	remove_tree(c->dir);
	free(c->dir);
	free(c);
	wi->priv = NULL;
}

const struct workload wl_kmem_churn = {
	.name = "kmem-churn",
	.summary = "create N child cgroups that allocate dentries and kernel stacks, then delete them",
	.node = "churn",
	.cgroups = "churn",
	.deletes_children = true,
	.params = churn_params,
	.params_size = sizeof(struct churn_params),
	.start = churn_start,
	.exited = churn_exited,
	.progress = churn_progress,
	.cleanup = churn_cleanup,
};
