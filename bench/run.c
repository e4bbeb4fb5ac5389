// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - what every part of a run needs of it: its status names and the
 * paths of its result files.
 */
#include "run.h"

const char *run_status_name(enum run_status s)
{
	switch (s) {
	case RUN_RUNNING:
		return "running";
	case RUN_COMPLETE:
		return "complete";
	case RUN_FAILED:
		return "failed";
	case RUN_INTERRUPTED:
		return "interrupted";
	case RUN_KILLED:
		return "killed";
	}
	return "?";
}

char *run_path(const struct run *r, const char *name)
{
	return xasprintf("%s/%s", r->dir, name);
}
