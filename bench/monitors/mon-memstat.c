// SPDX-License-Identifier: GPL-2.0
/*
 * mon-memstat.c - the memory.stat sampler and drift checks as a monitor
 * (memstat.tsv, readlat.tsv, drift.tsv). The work is in sampler.c.
 */
#include "monitor.h"
#include "run.h"
#include "sampler.h"
#include "util.h"

#include <errno.h>
#include <string.h>

static int memstat_start(struct run *r, void **priv, char *err, size_t errlen)
{
	struct sampler *s = sampler_new(r, err, errlen);

	if (!s)
		return -errno;
	*priv = s;
	return 0;
}

static void memstat_sample(struct run *r, void *priv, int64_t t)
{
	sampler_sample(priv, t);
	if (r->samples % 10 == 0)
		sampler_flush(priv);
}

static void memstat_event(struct run *r, void *priv, enum mon_event ev, int node)
{
	if (ev == MON_CHILDREN_DELETED)
		sampler_mark_deleted(priv, node);
}

static int memstat_stop(struct run *r, void *priv)
{
	int ret = sampler_commit(priv);

	if (ret)
		pr_err("cannot write the samples to '%s': %s", r->dir, strerror(-ret));
	return ret;
}

static void memstat_free(void *priv)
{
	sampler_free(priv);
}

const struct monitor mon_memstat = {
	.name = "memstat",
	.summary = "memory.stat/current of every cgroup each interval, read latency, drift checks",
	.required = true,
	.start = memstat_start,
	.sample = memstat_sample,
	.event = memstat_event,
	.stop = memstat_stop,
	.free = memstat_free,
};
