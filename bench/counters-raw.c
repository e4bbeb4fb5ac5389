// SPDX-License-Identifier: GPL-2.0
/*
 * counters-raw.c - the raw perf_event_open() backend of counters.h: the
 * fallback when libperf was not built. One descriptor per counter and CPU.
 */
#include "counters.h"
#include "util.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

struct raw {
	size_t n;
	int ncpu;
	int *fd;		/* [counter * ncpu + cpu], -1 if not opened */
};

static void *raw_open(const struct counter_spec *specs, size_t n, int *errs, int *ncpu,
		      char *err, size_t errlen)
{
	struct raw *r = xcalloc(1, sizeof(*r));
	int cpu, opened = 0, first = 0;
	size_t i;

	r->n = n;
	r->ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	r->fd = xmalloc(n * (size_t)r->ncpu * sizeof(*r->fd));
	for (i = 0; i < n; i++) {
		errs[i] = 0;
		for (cpu = 0; cpu < r->ncpu; cpu++) {
			struct perf_event_attr a;
			int *fd = &r->fd[i * (size_t)r->ncpu + (size_t)cpu];

			memset(&a, 0, sizeof(a));
			a.size = sizeof(a);
			a.type = specs[i].type;
			a.config = specs[i].config;
			a.disabled = 1;
			a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
			*fd = (int)syscall(__NR_perf_event_open, &a, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
			if (*fd < 0 && !errs[i])
				errs[i] = -errno;
			if (*fd >= 0)
				opened++;
		}
		if (errs[i] && !first)
			first = errs[i];
	}
	if (!opened) {
		snprintf(err, errlen, "cannot open system-wide perf counters: %s", strerror(-first));
		free(r->fd);
		free(r);
		errno = -first;
		return NULL;
	}
	*ncpu = r->ncpu;
	return r;
}

static void raw_toggle(struct raw *r, unsigned long req)
{
	size_t i;

	for (i = 0; i < r->n * (size_t)r->ncpu; i++)
		if (r->fd[i] >= 0)
			ioctl(r->fd[i], req, 0);
}

static void raw_enable(void *priv)
{
	raw_toggle(priv, PERF_EVENT_IOC_ENABLE);
}

static void raw_disable(void *priv)
{
	raw_toggle(priv, PERF_EVENT_IOC_DISABLE);
}

static int raw_read(void *priv, size_t i, struct counter_value *v)
{
	struct raw *r = priv;
	int cpu, got = 0;

	memset(v, 0, sizeof(*v));
	for (cpu = 0; cpu < r->ncpu; cpu++) {
		uint64_t x[3];
		int fd = r->fd[i * (size_t)r->ncpu + (size_t)cpu];

		if (fd < 0 || read(fd, x, sizeof(x)) != sizeof(x))
			continue;
		/* scale a multiplexed counter to the whole window, as perf stat does */
		v->value += x[2] && x[2] < x[1] ? (uint64_t)((double)x[0] * x[1] / x[2]) : x[0];
		v->enabled += x[1];
		v->running += x[2];
		got++;
	}
	return got ? 0 : -ENOENT;
}

static void raw_free(void *priv)
{
	struct raw *r = priv;
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n * (size_t)r->ncpu; i++)
		if (r->fd[i] >= 0)
			close(r->fd[i]);
	free(r->fd);
	free(r);
}

const struct counter_backend counters_raw = {
	.name = "raw",
	.open = raw_open,
	.enable = raw_enable,
	.disable = raw_disable,
	.read = raw_read,
	.free = raw_free,
};
