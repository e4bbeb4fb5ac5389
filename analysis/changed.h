/* SPDX-License-Identifier: GPL-2.0 */
/*
 * changed.h - "what else changed" for compare: a run's stat-delta.tsv (the
 * change over the measured window of every memory.stat key of every cgroup
 * it read, every /proc/vmstat key and every memory.events counter, written
 * by bench/monitors/mon-statdelta.c) as one metric per key, apart from the
 * named metrics of metrics.h: compare lists the keys that changed beyond
 * the A/A floor after its tables.
 */
#ifndef PB_CHANGED_H
#define PB_CHANGED_H

#include <stddef.h>

#include "metrics.h"

#define CHANGED_FILE "stat-delta.tsv"
#define CHANGED_GROUP "changed"
/* rows the text and md reports list (--changed N); json has every one */
#define CHANGED_TOP 10
/*
 * The smallest change listed, relative to the base side's mean, besides the
 * interval and the A/A floor: 5%, so that a counter that grows with the
 * window's length is not listed for a change of a few tenths of a percent.
 */
#define CHANGED_THR_REL 0.05

/*
 * changed_load - the rows of @dir/stat-delta.tsv appended to @ms as metrics
 * of group CHANGED_GROUP: key "changed:SOURCE:CGROUP:KEY", label "CGROUP
 * SOURCE:KEY" ("vmstat:KEY" for /proc/vmstat), a count (MB_LOWER, so that
 * compare's verdict marks a change either way), value the delta.
 * 0; -ENOENT when the run has no such file (older runs); -EINVAL with @err
 * naming the file, line and field of a bad one.
 */
int changed_load(const char *dir, struct metric_set *ms, char *err, size_t errlen);

#endif
