// SPDX-License-Identifier: GPL-2.0
/*
 * workloads.c - the table of workloads. To add one: write workloads/wl-foo.c
 * ending in a "const struct workload wl_foo", declare it in workload.h, add
 * it here and to WORKLOAD_SRCS in the Makefile.
 */
#include "run-opts.h"
#include "util.h"
#include "workload.h"

#include <errno.h>
#include <string.h>

const struct workload *const workloads[] = {
	&wl_idle,
	&wl_kernelbuild,
	&wl_kmem_churn,
	&wl_selftests,
	&wl_readcost,
	&wl_stat_probe,
	&wl_page_fault,
	&wl_reclaim,
	&wl_cgroup_churn,
	NULL,
};
_Static_assert(ARRAY_SIZE(workloads) - 1 <= RUN_MAX_WORKLOADS,
	       "struct run_opts has no room for the parameters of every workload");

const struct workload *wl_find(const char *name)
{
	const struct workload *const *w;

	for (w = workloads; *w; w++)
		if (!strcmp((*w)->name, name))
			return *w;
	return NULL;
}

int wl_index(const struct workload *wl)
{
	int i;

	for (i = 0; workloads[i]; i++)
		if (workloads[i] == wl)
			return i;
	return -1;
}

void *wl_param(const struct workload *wl, void *params, const char *name)
{
	const struct option *op;

	for (op = wl->params; params && op && op->type != OPT_END; op++)
		if (!strcmp(op->name, name))
			return (char *)params + op->offset;
	return NULL;
}

bool wl_in_list(const struct workload *wl, const char *list)
{
	char **v = strv_split(list ? list : "", ',');
	bool yes = name_index((const char *const *)v, strv_len(v), wl->name) >= 0;

	strv_free(v);
	return yes;
}

int wl_role(const struct workload *wl)
{
	return CG_LEAF + wl_index(wl);
}

static const char *const depth_names[] = {
	"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
};

/* The cgroups of @wl below @parent. */
static void add_nodes(struct cg_tree *t, int parent, const struct workload *wl,
		      const struct run_opts *o)
{
	char name[32];
	int i, n;

	if (wl->node) {
		cg_tree_add(t, parent, wl->node, wl_role(wl));
		return;
	}
	n = wl->nodes ? run_opts_int(o, wl->nodes) : 0;
	for (i = 0; i < n; i++) {
		wl->node_name(i, name, sizeof(name));
		cg_tree_add(t, parent, name, wl_role(wl));
	}
}

void wl_tree_build(struct cg_tree *t, const struct run_opts *o)
{
	const struct workload *const *w;
	int parent, i, frame, last = 0;
	char name[32];

	parent = cg_tree_add(t, -1, "kernelbuild", CG_INNER);
	for (i = 0; i < o->depth; i++) {
		if (i < (int)ARRAY_SIZE(depth_names))
			snprintf(name, sizeof(name), "%s", depth_names[i]);
		else
			snprintf(name, sizeof(name), "level-%d", i + 1);
		parent = cg_tree_add(t, parent, name, CG_INNER);
	}
	for (w = workloads; *w; w++)
		if ((*w)->frame > last)
			last = (*w)->frame;
	for (frame = 1; frame <= last; frame++)
		for (w = workloads; *w; w++)
			if ((*w)->frame == frame)
				add_nodes(t, parent, *w, o);
	for (w = workloads; *w; w++)
		if (!(*w)->frame && wl_in_list(*w, o->workload))
			add_nodes(t, parent, *w, o);
}

int wl_check_list(const char *list)
{
	char **v = strv_split(list, ',');
	size_t i;
	int ret = 0;

	for (i = 0; v[i]; i++) {
		if (!wl_find(v[i])) {
			pr_err("unknown workload '%s' (see 'patchbench list')", v[i]);
			ret = -EINVAL;
			break;
		}
	}
	strv_free(v);
	return ret;
}
