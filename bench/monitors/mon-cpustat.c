// SPDX-License-Identifier: GPL-2.0
/*
 * mon-cpustat.c - CPU time of every cgroup of the tree at the start and at
 * the end of the run (cpu.tsv): v2 cpu.stat, v1 cpuacct.usage{,_user,_sys}.
 * The end is read in .stop, before the cgroups are removed.
 */
#include "monitor.h"
#include "run.h"
#include "tsv.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const cpu_cols[] = { "cgroup", "phase", "t_ms", "usage_usec", "user_usec",
					"system_usec", NULL };

static void snapshot(struct run *r, struct tsv_writer *w, const char *phase)
{
	size_t i;

	for (i = 0; i < r->tree.n; i++) {
		struct cg_cpu c;

		if (cg_read_cpu(&r->tree, &r->tree.nodes[i], &c))
			continue;
		tsv_put_str(w, r->tree.nodes[i].rel);
		tsv_put_str(w, phase);
		tsv_put_i64(w, (now_ns() - r->t0) / NSEC_PER_MSEC);
		tsv_put_u64(w, c.usage_us);
		tsv_put_u64(w, c.user_us);
		tsv_put_u64(w, c.system_us);
		tsv_end_row(w);
	}
}

static bool cpustat_wanted(const struct run *r)
{
	return r->tree.run_cpu != NULL;
}

static int cpustat_start(struct run *r, void **priv, char *err, size_t errlen)
{
	struct tsv_writer *w = xcalloc(1, sizeof(*w));
	char *p = run_path(r, "cpu.tsv");
	int ret = tsv_writer_open(w, p, cpu_cols);

	if (ret) {
		snprintf(err, errlen, "cannot create '%s': %s", p, strerror(-ret));
		free(w);
		free(p);
		return ret;
	}
	free(p);
	snapshot(r, w, "start");
	*priv = w;
	return 0;
}

static int cpustat_stop(struct run *r, void *priv)
{
	struct tsv_writer *w = priv;

	snapshot(r, w, "end");
	return tsv_writer_commit(w);
}

const struct monitor mon_cpustat = {
	.name = "cpustat",
	.summary = "per-cgroup CPU time (usage, user, system) at start and end",
	.wanted = cpustat_wanted,
	.start = cpustat_start,
	.stop = cpustat_stop,
	.free = free,
};
