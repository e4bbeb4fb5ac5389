// SPDX-License-Identifier: GPL-2.0
/*
 * counters.c - pick the backend of counters.h: libperf when it was built
 * and opens the events, else raw perf_event_open(), with the reason kept
 * for meta.json's notes.
 */
#include "counters.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct counters {
	const struct counter_backend *be;
	void *priv;
	size_t n;
	int *errs;
	int ncpu;
	char *note;
};

struct counters *counters_open(const struct counter_spec *specs, size_t n, char *err,
			       size_t errlen)
{
	struct counters *c = xcalloc(1, sizeof(*c));
	const char *force = getenv("PATCHBENCH_COUNTERS");
	char why[256] = "";

	c->n = n;
	c->errs = xcalloc(n ? n : 1, sizeof(*c->errs));
	if (force && !strcmp(force, "raw"))
		snprintf(why, sizeof(why), "PATCHBENCH_COUNTERS=raw");
	else
		c->priv = counters_libperf.open(specs, n, c->errs, &c->ncpu, why, sizeof(why));
	c->be = &counters_libperf;
	if (!c->priv) {
		c->be = &counters_raw;
		c->note = xasprintf("counters by raw perf_event_open(), not libperf (%s)", why);
		c->priv = counters_raw.open(specs, n, c->errs, &c->ncpu, err, errlen);
	}
	if (!c->priv) {
		int e = errno;

		free(c->note);
		free(c->errs);
		free(c);
		errno = e;
		return NULL;
	}
	return c;
}

void counters_enable(struct counters *c)
{
	c->be->enable(c->priv);
}

void counters_disable(struct counters *c)
{
	c->be->disable(c->priv);
}

int counters_read(struct counters *c, size_t i, struct counter_value *v)
{
	if (c->errs[i]) {
		memset(v, 0, sizeof(*v));
		return c->errs[i];
	}
	return c->be->read(c->priv, i, v);
}

int counters_error(const struct counters *c, size_t i)
{
	return c->errs[i];
}

int counters_ncpu(const struct counters *c)
{
	return c->ncpu;
}

const char *counters_backend(const struct counters *c)
{
	return c->be->name;
}

const char *counters_note(const struct counters *c)
{
	return c->note;
}

void counters_free(struct counters *c)
{
	if (!c)
		return;
	c->be->free(c->priv);
	free(c->errs);
	free(c->note);
	free(c);
}

int counters_try(uint32_t type, uint64_t config)
{
	const struct counter_spec s = { "probe", type, config };
	char err[256];
	struct counters *c = counters_open(&s, 1, err, sizeof(err));
	int ret;

	if (!c)
		return -errno;
	ret = c->errs[0];
	counters_free(c);
	return ret;
}
