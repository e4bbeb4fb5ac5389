// SPDX-License-Identifier: GPL-2.0
/*
 * workloads.c - the table of workloads. To add one: write workloads/wl-foo.c
 * ending in a "const struct workload wl_foo", declare it in workload.h, add
 * it here and to WORKLOAD_SRCS in the Makefile.
 */
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
	NULL,
};

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
