// SPDX-License-Identifier: GPL-2.0
/*
 * mon-cputotal.c - "perf stat -a" style totals over the measured window
 * (cputotal.tsv): task-clock, cpu-clock, context switches, migrations, page
 * faults, and cycles/instructions where the machine has a PMU, counted
 * system-wide on every CPU with perf_event_open(), plus the busy and idle
 * time of /proc/stat over the same window.
 *
 * The DESIGN's plan is libperf (tools/lib/perf of the kernel source, built
 * into the cache); until then raw perf_event_open() is all this needs.
 * Counters are opened disabled in .start and enabled when the workloads
 * have started, so the window is the same as the perf profile's.
 */
#include "monitor.h"
#include "perf.h"
#include "run.h"
#include "tsv.h"
#include "util.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct counter_def {
	const char *name;
	uint32_t type;
	uint64_t config;
	const char *unit;
	double scale;		/* raw value x scale = value in unit */
};

static const struct counter_def defs[] = {
	{ "task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, "msec", 1e-6 },
	{ "cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, "msec", 1e-6 },
	{ "context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, "count", 1 },
	{ "cpu-migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS, "count", 1 },
	{ "page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, "count", 1 },
	{ "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, "count", 1 },
	{ "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, "count", 1 },
};
#define NDEFS ARRAY_SIZE(defs)

/* /proc/stat "cpu" line: user nice system idle iowait irq softirq steal */
struct cpu_jiffies {
	uint64_t busy, idle;
	bool ok;
};

struct cputotal {
	int ncpu;
	int *fd;		/* [def * ncpu + cpu], -1 if not opened */
	int err[NDEFS];		/* why a counter could not be opened (-errno), 0 if it could */
	uint64_t value[NDEFS], enabled[NDEFS], running[NDEFS];
	struct cpu_jiffies j0, j1;
	int64_t t_on, t_off;
	bool on, off;
};

static void read_jiffies(struct cpu_jiffies *j)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned long long v[8] = { 0 };

	j->ok = !read_file("/proc/stat", &sb) && sb.buf &&
		sscanf(sb.buf, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
		       &v[3], &v[4], &v[5], &v[6], &v[7]) >= 4;
	j->busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
	j->idle = v[3] + v[4];
	sb_release(&sb);
}

static int cputotal_start(struct run *r, void **priv, char *err, size_t errlen)
{
	struct cputotal *c = xcalloc(1, sizeof(*c));
	size_t d;
	int cpu, opened = 0;

	c->ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	c->fd = xmalloc(NDEFS * (size_t)c->ncpu * sizeof(*c->fd));
	for (d = 0; d < NDEFS; d++) {
		for (cpu = 0; cpu < c->ncpu; cpu++) {
			struct perf_event_attr a;
			int *fd = &c->fd[d * (size_t)c->ncpu + (size_t)cpu];

			memset(&a, 0, sizeof(a));
			a.size = sizeof(a);
			a.type = defs[d].type;
			a.config = defs[d].config;
			a.disabled = 1;
			a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
			*fd = perf_event_open_sys(&a, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
			if (*fd < 0 && !c->err[d])
				c->err[d] = -errno;
			if (*fd >= 0)
				opened++;
		}
	}
	if (!opened) {
		snprintf(err, errlen, "cannot open system-wide perf counters: %s",
			 strerror(-c->err[1]));
		free(c->fd);
		free(c);
		return -EACCES;
	}
	*priv = c;
	return 0;
}

static void toggle(struct cputotal *c, bool on)
{
	size_t i;

	for (i = 0; i < NDEFS * (size_t)c->ncpu; i++)
		if (c->fd[i] >= 0)
			ioctl(c->fd[i], on ? PERF_EVENT_IOC_ENABLE : PERF_EVENT_IOC_DISABLE, 0);
}

static void window_close(struct cputotal *c)
{
	size_t d;
	int cpu;

	if (!c->on || c->off)
		return;
	toggle(c, false);
	c->t_off = now_ns();
	read_jiffies(&c->j1);
	c->off = true;
	for (d = 0; d < NDEFS; d++) {
		for (cpu = 0; cpu < c->ncpu; cpu++) {
			uint64_t v[3];
			int fd = c->fd[d * (size_t)c->ncpu + (size_t)cpu];

			if (fd < 0 || read(fd, v, sizeof(v)) != sizeof(v))
				continue;
			/* scale a multiplexed counter to the whole window, as perf stat does */
			c->value[d] += v[2] && v[2] < v[1] ? (uint64_t)((double)v[0] * v[1] / v[2]) :
							      v[0];
			c->enabled[d] += v[1];
			c->running[d] += v[2];
		}
	}
}

static void cputotal_event(struct run *r, void *priv, enum mon_event ev, int node)
{
	struct cputotal *c = priv;

	if (ev == MON_WORKLOADS_STARTED && !c->on) {
		read_jiffies(&c->j0);
		c->t_on = now_ns();
		toggle(c, true);
		c->on = true;
	} else if (ev == MON_WORKLOADS_DONE) {
		window_close(c);
	}
}

static const char *const cols[] = { "event", "value", "unit", "cpus", "window_ms",
				    "running_pct", "status", NULL };

static void put(struct tsv_writer *w, const char *name, double v, int decimals, const char *unit,
		const struct cputotal *c, double running_pct, const char *status)
{
	tsv_put_str(w, name);
	if (status && strcmp(status, "ok"))
		tsv_put_str(w, "");
	else
		tsv_put_double(w, v, decimals);
	tsv_put_str(w, unit);
	tsv_put_i64(w, c->ncpu);
	tsv_put_double(w, (double)(c->t_off - c->t_on) / 1e6, 1);
	tsv_put_double(w, running_pct, 1);
	tsv_put_str(w, status);
	tsv_end_row(w);
}

static int cputotal_stop(struct run *r, void *priv)
{
	struct cputotal *c = priv;
	struct tsv_writer w;
	double hz = (double)sysconf(_SC_CLK_TCK);
	char *p;
	size_t d;
	int ret;

	window_close(c);
	if (!c->on)
		return 0;
	p = run_path(r, "cputotal.tsv");
	ret = tsv_writer_open(&w, p, cols);
	free(p);
	if (ret)
		return ret;
	for (d = 0; d < NDEFS; d++) {
		const char *st = "ok";

		if (c->err[d] == -ENOENT || c->err[d] == -EOPNOTSUPP || c->err[d] == -ENODEV)
			st = "not-supported";
		else if (c->err[d] == -EACCES || c->err[d] == -EPERM)
			st = "not-permitted";
		else if (c->err[d])
			st = "error";
		put(&w, defs[d].name, (double)c->value[d] * defs[d].scale,
		    defs[d].scale < 1 ? 3 : 0, defs[d].unit, c,
		    c->enabled[d] ? 100.0 * (double)c->running[d] / (double)c->enabled[d] : 0, st);
	}
	if (c->j0.ok && c->j1.ok && hz > 0) {
		put(&w, "proc-stat:busy", (double)(c->j1.busy - c->j0.busy) * 1e3 / hz, 0, "msec",
		    c, 100, "ok");
		put(&w, "proc-stat:idle", (double)(c->j1.idle - c->j0.idle) * 1e3 / hz, 0, "msec",
		    c, 100, "ok");
	}
	return tsv_writer_commit(&w);
}

static void cputotal_free(void *priv)
{
	struct cputotal *c = priv;
	size_t i;

	for (i = 0; i < NDEFS * (size_t)c->ncpu; i++)
		if (c->fd[i] >= 0)
			close(c->fd[i]);
	free(c->fd);
	free(c);
}

const struct monitor mon_cputotal = {
	.name = "cputotal",
	.summary = "system-wide task-clock, cpu-clock, faults, cycles/instructions over the window",
	.start = cputotal_start,
	.event = cputotal_event,
	.stop = cputotal_stop,
	.free = cputotal_free,
};
