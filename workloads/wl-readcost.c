// SPDX-License-Identifier: GPL-2.0
/* wl-readcost.c - stub, being written */
#include "workload.h"
#include "runner.h"

#include <errno.h>

static int readcost_start(struct wl_inst *wi) { (void)wi; return -ENOSYS; }
static enum wl_state readcost_exited(struct wl_inst *wi, int code) { (void)wi; return code ? WL_FAILED : WL_DONE; }

const struct workload wl_readcost = {
	.name = "readcost",
	.summary = "memory.stat read cost vs 10/100/1000 idle and deleted cgroups (stub)",
	.role = CG_READCOST,
	.start = readcost_start,
	.exited = readcost_exited,
};
