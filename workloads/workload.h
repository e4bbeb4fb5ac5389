/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PB_WORKLOAD_H
#define PB_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"
#include "options.h"

struct run;

enum wl_state { WL_PENDING, WL_RUNNING, WL_DONE, WL_FAILED, WL_STOPPED };

/* One running copy of a workload, in one cgroup of the tree. */
struct wl_inst {
	const struct workload *wl;
	void *params;		/* the workload's parameter struct (shared by its instances) */
	struct run *run;
	int node;		/* index into run->tree.nodes */
	int index;		/* 0-based among the instances of this workload */
	pid_t pid;		/* the process running now, 0 if none */
	int logfd;		/* -1 if none */
	char *log;		/* log file, relative to the result directory */
	int64_t start_ns, end_ns;	/* monotonic */
	int exit_code;		/* of the last process: exit status, or 128 + signal */
	enum wl_state state;
	int step;		/* workload-defined progress */
	void *priv;
};

/*
 * A workload (stress-ng style registration). Instances run in the cgroups
 * of @role; a workload with @background runs until the run ends and is then
 * killed, the others are waited for.
 */
struct workload {
	const char *name;
	const char *summary;
	enum cg_role role;
	bool background;
	const struct option *params;	/* offsets into a struct of @params_size */
	size_t params_size;
	/* Validate parameters and inputs before anything is created. 0 or -errno + @err. */
	int (*check)(struct run *r, void *params, char *err, size_t errlen);
	/* One-time preparation before the cgroup tree exists (unpack a source...). 0 or -errno. */
	int (*prepare)(struct run *r, void *params);
	/* Start the first process of @wi (with run_spawn). 0 or -errno. */
	int (*start)(struct wl_inst *wi);
	/*
	 * The process of @wi ended with @code (exit status, or 128 + signal).
	 * Start the next step and return WL_RUNNING, or return WL_DONE / WL_FAILED.
	 */
	enum wl_state (*exited)(struct wl_inst *wi, int code);
	/* A short progress word for the status line ("2/2 CC 41"). Optional. */
	void (*progress)(struct wl_inst *wi, char *buf, size_t len);
	/* Remove what start created outside the cgroups (build dirs). Optional. */
	void (*cleanup)(struct wl_inst *wi);
};

/* NULL-terminated table of every workload, in workloads.c. */
extern const struct workload *const workloads[];
const struct workload *wl_find(const char *name);
/* Position of @wl in workloads[], or -1. */
int wl_index(const struct workload *wl);
/* Every name of the comma-separated @list is a workload? 0, or -EINVAL after a one-line error. */
int wl_check_list(const char *list);

extern const struct workload wl_idle;
extern const struct workload wl_kernelbuild;
extern const struct workload wl_kmem_churn;
extern const struct workload wl_selftests;
extern const struct workload wl_readcost;
extern const struct workload wl_stat_probe;

/*
 * selftests_build - build the cgroup selftests of the source tree @srcdir
 * statically into <@cache>/selftests/<hash>/ (wl-selftests.c); *@dirp is the
 * caller's. 0 or -errno, @err says why.
 */
int selftests_build(const char *srcdir, const char *cache, char **dirp, char *err, size_t errlen);

#endif
