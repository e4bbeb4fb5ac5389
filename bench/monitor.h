/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PB_MONITOR_H
#define PB_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct run;
struct meta;

enum mon_event {
	MON_WORKLOADS_STARTED,	/* every workload instance is running: the measured window opens */
	MON_WORKLOADS_DONE,	/* the foreground workloads finished (or the run is stopping) */
	MON_CHILDREN_DELETED,	/* kmem-churn deleted the children of tree node @node */
	MON_WORKLOAD_SPAWNED,	/* run_spawn() started a process for the instance in tree node @node */
};

/*
 * A monitor collects one kind of evidence during a run (STYLE: .start /
 * .sample / .stop / .free). The runner calls, in order: wanted, start
 * (after the tree exists, before workloads start), event and sample during
 * the run, stop (before the cgroups are removed: last reads, commit the
 * files), meta (add to meta.json), free.
 *
 * A @required monitor that fails to start fails the run; any other is
 * dropped with a warning, and its reason goes to meta.json "notes".
 */
struct monitor {
	const char *name;
	const char *summary;
	bool required;
	/* Is this monitor on for this run (options, target)? NULL = always. */
	bool (*wanted)(const struct run *r);
	/* 0, or -errno with the reason in @err. */
	int (*start)(struct run *r, void **priv, char *err, size_t errlen);
	/* Once per interval, at monotonic time @t. Optional. */
	void (*sample)(struct run *r, void *priv, int64_t t);
	void (*event)(struct run *r, void *priv, enum mon_event ev, int node);
	/* Finish: 0 or -errno (the run is then marked failed if @required). */
	int (*stop)(struct run *r, void *priv);
	void (*meta)(const struct run *r, void *priv, struct meta *m);
	void (*free)(void *priv);
};

/* NULL-terminated, in start order; in bench/monitors/monitors.c. */
extern const struct monitor *const monitors[];

extern const struct monitor mon_memstat;
extern const struct monitor mon_cpustat;
extern const struct monitor mon_cputotal;
extern const struct monitor mon_perf;
extern const struct monitor mon_rss;
extern const struct monitor mon_statdelta;

#endif
