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
struct run_opts;

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
 * A workload (stress-ng style registration). It describes its own cgroups:
 * one instance runs in each. A workload with @background runs until the
 * run ends and is then killed, the others are waited for.
 */
struct workload {
	const char *name;
	const char *summary;
	/*
	 * Its cgroups, below the innermost inner level of the tree: one named
	 * @node; or as many as the int run option @nodes ("builders") says,
	 * the i-th (from 0) named by @node_name.
	 */
	const char *node;
	const char *nodes;
	void (*node_name)(int i, char *buf, size_t len);
	/* > 0: its cgroups are in every run's tree, run or not, in this order */
	int frame;
	bool needs_nodes;	/* to run it with none of its cgroups is bad input */
	const char *cgroups;	/* its cgroups as 'patchbench list' shows them: "build-*" */
	bool deletes_children;	/* when done, it has deleted the cgroups it made below its own */
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
	/*
	 * Host-side preparation before a guest boots (--target vm), for what
	 * is slow or impossible inside it: @host is the run as asked, @guest
	 * the run the guest is handed (set its options and parameters), @cache
	 * the cache directory. With @guest NULL only check @host's input, make
	 * nothing. Optional. 0, or -errno with @err.
	 */
	int (*vm_prepare)(const struct run_opts *host, struct run_opts *guest, const char *cache,
			  char *err, size_t errlen);
};

/* NULL-terminated table of every workload, in workloads.c. */
extern const struct workload *const workloads[];
const struct workload *wl_find(const char *name);
/* Position of @wl in workloads[], or -1. */
int wl_index(const struct workload *wl);
/* Is @wl one of the comma-separated workload names of @list? */
bool wl_in_list(const struct workload *wl, const char *list);
/* The role of @wl's cgroups in a run's tree (see wl_tree_build()). */
int wl_role(const struct workload *wl);
/*
 * wl_tree_build - the run's cgroup tree into @t: the cover letter's top
 * node with --depth inner levels below it, below the innermost one the
 * cgroups of the frame workloads (in every run: the builders, the idle
 * siblings), then those of each other workload of @o that runs, in table
 * order. A workload's cgroups get wl_role() as their role.
 */
void wl_tree_build(struct cg_tree *t, const struct run_opts *o);
/*
 * wl_param - the field of parameter @name of @wl in its parameter struct
 * @params (an int *, char ** ... as the table's type says), or NULL if @wl
 * has no such parameter.
 */
void *wl_param(const struct workload *wl, void *params, const char *name);
/* Every name of the comma-separated @list is a workload? 0, or -EINVAL after a one-line error. */
int wl_check_list(const char *list);

extern const struct workload wl_idle;
extern const struct workload wl_kernelbuild;
extern const struct workload wl_kmem_churn;
extern const struct workload wl_selftests;
extern const struct workload wl_readcost;
extern const struct workload wl_stat_probe;
extern const struct workload wl_page_fault;
extern const struct workload wl_reclaim;
extern const struct workload wl_cgroup_churn;

#endif
