// SPDX-License-Identifier: GPL-2.0
/* wl-stat_probe.c - stub, being written */
#include "workload.h"
#include "runner.h"

#include <errno.h>

static int stat_probe_start(struct wl_inst *wi) { (void)wi; return -ENOSYS; }
static enum wl_state stat_probe_exited(struct wl_inst *wi, int code) { (void)wi; return code ? WL_FAILED : WL_DONE; }

const struct workload wl_stat_probe = {
	.name = "stat-probe",
	.summary = "memory.stat read cost vs 10/100/1000 idle and deleted cgroups (stub)",
	.role = CG_PROBE,
	.start = stat_probe_start,
	.exited = stat_probe_exited,
};
