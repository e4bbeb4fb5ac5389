// SPDX-License-Identifier: GPL-2.0
/*
 * monitors.c - the table of monitors. To add one: write
 * bench/monitors/mon-foo.c ending in a "const struct monitor mon_foo",
 * declare it in monitor.h, add it here and to MONITOR_SRCS in the Makefile.
 */
#include "monitor.h"
#include "run.h"

#include <stddef.h>

const struct monitor *const monitors[] = {
	&mon_memstat,
	&mon_cpustat,
	&mon_cputotal,
	&mon_perf,
	&mon_rss,
	&mon_statdelta,
	NULL,
};
_Static_assert(ARRAY_SIZE(monitors) - 1 <= RUN_MAX_MONITORS,
	       "struct run has no room for every monitor");
