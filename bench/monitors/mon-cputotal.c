// SPDX-License-Identifier: GPL-2.0
/*
 * mon-cputotal.c - "perf stat -a" style totals over the measured window
 * (cputotal.tsv): task-clock, cpu-clock, context switches, migrations, page
 * faults, and cycles/instructions where the machine has a PMU, counted
 * system-wide on every CPU (counters.h: libperf, or raw perf_event_open()
 * when libperf was not built, said in meta.json "counters" and "notes"),
 * plus the busy and idle time of /proc/stat over the same window.
 *
 * Counters are opened disabled in .start and enabled when the workloads
 * have started, so the window is the same as the perf profile's.
 */
#include "counters.h"
#include "monitor.h"
#include "resultdir.h"
#include "run.h"
#include "tsv.h"
#include "util.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
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
	struct counters *ctr;
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
	struct counter_spec specs[NDEFS];
	struct cputotal *c;
	struct counters *ctr;
	size_t d;

	for (d = 0; d < NDEFS; d++)
		specs[d] = (struct counter_spec){ defs[d].name, defs[d].type, defs[d].config };
	ctr = counters_open(specs, NDEFS, err, errlen);
	if (!ctr)
		return -errno;
	c = xcalloc(1, sizeof(*c));
	c->ctr = ctr;
	c->ncpu = counters_ncpu(ctr);
	*priv = c;
	return 0;
}

static void window_close(struct cputotal *c)
{
	size_t d;

	if (!c->on || c->off)
		return;
	counters_disable(c->ctr);
	c->t_off = now_ns();
	read_jiffies(&c->j1);
	c->off = true;
	for (d = 0; d < NDEFS; d++) {
		struct counter_value v;

		if (counters_read(c->ctr, d, &v))
			continue;
		c->value[d] = v.value;
		c->enabled[d] = v.enabled;
		c->running[d] = v.running;
	}
}

static void cputotal_event(struct run *r, void *priv, enum mon_event ev, int node)
{
	struct cputotal *c = priv;

	if (ev == MON_WORKLOADS_STARTED && !c->on) {
		read_jiffies(&c->j0);
		c->t_on = now_ns();
		counters_enable(c->ctr);
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
		int e = counters_error(c->ctr, d);

		if (e == -ENOENT || e == -EOPNOTSUPP || e == -ENODEV)
			st = "not-supported";
		else if (e == -EACCES || e == -EPERM)
			st = "not-permitted";
		else if (e)
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

/* which backend counted, and why it is not libperf */
static void cputotal_meta(const struct run *r, void *priv, struct meta *m)
{
	struct cputotal *c = priv;

	free(m->counters);
	m->counters = xstrdup(counters_backend(c->ctr));
	if (counters_note(c->ctr))
		meta_add_note(m, counters_note(c->ctr));
}

static void cputotal_free(void *priv)
{
	struct cputotal *c = priv;

	counters_free(c->ctr);
	free(c);
}

const struct monitor mon_cputotal = {
	.name = "cputotal",
	.summary = "system-wide task-clock, cpu-clock, faults, cycles/instructions over the window",
	.start = cputotal_start,
	.event = cputotal_event,
	.stop = cputotal_stop,
	.meta = cputotal_meta,
	.free = cputotal_free,
};
