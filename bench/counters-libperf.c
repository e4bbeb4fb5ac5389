// SPDX-License-Identifier: GPL-2.0
/*
 * counters-libperf.c - the libperf backend of counters.h: tools/lib/perf of
 * the kernel source (scripts/libperf.sh builds it into the cache; its
 * config.h says whether that worked). One perf_evsel per counter, opened on
 * perf_cpu_map__new(NULL) (every online CPU) with a dummy thread map (pid
 * -1: system-wide), the opened ones in one perf_evlist that is enabled and
 * disabled as a whole, and per-CPU perf_counts_values scaled by
 * perf_counts_values__scale() as perf stat does.
 */
#include "counters.h"
#include "util.h"

#include "libperf-config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifdef PB_HAVE_LIBPERF
#include <dirent.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <perf/core.h>
#include <perf/cpumap.h>
#include <perf/evlist.h>
#include <perf/evsel.h>
#include <perf/threadmap.h>
#include <stdarg.h>
#include <unistd.h>

struct lp {
	size_t n;
	struct perf_cpu_map *cpus;
	struct perf_thread_map *threads;
	struct perf_evlist *evlist;	/* the evsels that opened */
	struct perf_evsel **evsel;	/* [counter], NULL if it did not open */
};

/* libperf's warnings and debug lines: the errors it returns say enough */
static int lp_print(enum libperf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

/*
 * libperf opens its events without PERF_FLAG_FD_CLOEXEC and does not hand
 * the descriptors out: mark every perf event descriptor of the process
 * close-on-exec, so that no workload or perf record inherits one.
 */
static void cloexec_perf_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	char link[64], path[64];

	if (!d)
		return;
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);
		ssize_t len;

		if (e->d_name[0] == '.' || fd == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		len = readlink(path, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		if (!strcmp(link, "anon_inode:[perf_event]"))
			fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC);
	}
	closedir(d);
}

static void lp_free(void *priv)
{
	struct lp *l = priv;
	size_t i;

	if (!l)
		return;
	if (l->evlist) {
		perf_evlist__close(l->evlist);
		perf_evlist__delete(l->evlist);	/* and the evsels in it */
	}
	for (i = 0; i < l->n; i++)
		if (l->evsel[i] && !l->evlist)
			perf_evsel__delete(l->evsel[i]);
	free(l->evsel);
	perf_thread_map__put(l->threads);
	perf_cpu_map__put(l->cpus);
	free(l);
}

static void *lp_open(const struct counter_spec *specs, size_t n, int *errs, int *ncpu,
		     char *err, size_t errlen)
{
	struct lp *l = xcalloc(1, sizeof(*l));
	int first = 0, ret;
	size_t i, opened = 0;

	libperf_init(lp_print);
	l->n = n;
	l->evsel = xcalloc(n, sizeof(*l->evsel));
	l->cpus = perf_cpu_map__new(NULL);
	l->threads = perf_thread_map__new_dummy();
	l->evlist = perf_evlist__new();
	if (!l->cpus || !l->threads || !l->evlist) {
		snprintf(err, errlen, "libperf: cannot allocate the cpu/thread maps or the evlist");
		lp_free(l);
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		struct perf_event_attr a;

		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.type = specs[i].type;
		a.config = specs[i].config;
		a.disabled = 1;
		a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
		l->evsel[i] = perf_evsel__new(&a);
		if (!l->evsel[i]) {
			errs[i] = -ENOMEM;
			continue;
		}
		/* each on its own, so that a counter the machine lacks leaves the others */
		ret = perf_evsel__open(l->evsel[i], l->cpus, l->threads);
		errs[i] = ret < 0 ? ret : 0;
		if (ret < 0) {
			perf_evsel__delete(l->evsel[i]);
			l->evsel[i] = NULL;
			if (!first)
				first = ret;
			continue;
		}
		perf_evlist__add(l->evlist, l->evsel[i]);
		opened++;
	}
	if (!opened) {
		snprintf(err, errlen, "libperf: cannot open system-wide perf counters: %s",
			 strerror(-first));
		lp_free(l);
		errno = -first;
		return NULL;
	}
	cloexec_perf_fds();
	*ncpu = perf_cpu_map__nr(l->cpus);
	return l;
}

static void lp_enable(void *priv)
{
	perf_evlist__enable(((struct lp *)priv)->evlist);
}

static void lp_disable(void *priv)
{
	perf_evlist__disable(((struct lp *)priv)->evlist);
}

static int lp_read(void *priv, size_t i, struct counter_value *v)
{
	struct lp *l = priv;
	int idx, got = 0;

	memset(v, 0, sizeof(*v));
	if (!l->evsel[i])
		return -ENOENT;
	for (idx = 0; idx < perf_cpu_map__nr(l->cpus); idx++) {
		struct perf_counts_values c;
		__s8 scaled = 0;

		if (perf_evsel__read(l->evsel[i], idx, 0, &c))
			continue;
		v->enabled += c.ena;
		v->running += c.run;
		perf_counts_values__scale(&c, true, &scaled);
		v->value += c.val;
		got++;
	}
	return got ? 0 : -EIO;
}

#else /* !PB_HAVE_LIBPERF */

static void *lp_open(const struct counter_spec *specs, size_t n, int *errs, int *ncpu,
		     char *err, size_t errlen)
{
	snprintf(err, errlen, "libperf not built: %s", PB_LIBPERF_ERROR);
	errno = ENOSYS;
	return NULL;
}

static void lp_enable(void *priv)
{
}

static void lp_disable(void *priv)
{
}

static int lp_read(void *priv, size_t i, struct counter_value *v)
{
	return -ENOSYS;
}

static void lp_free(void *priv)
{
}
#endif

const struct counter_backend counters_libperf = {
	.name = "libperf",
	.open = lp_open,
	.enable = lp_enable,
	.disable = lp_disable,
	.read = lp_read,
	.free = lp_free,
};
