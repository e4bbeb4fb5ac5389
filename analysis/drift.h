/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PB_DRIFT_H
#define PB_DRIFT_H

#include <stddef.h>
#include <stdint.h>

#include "cgroup.h"
#include "memstat.h"

/*
 * Stat drift: how far memory.stat is from what it should add up to.
 *
 * Every check compares an "expected" number (a counter the kernel keeps
 * exactly, or a sum) with an "observed" one (what memory.stat says) and
 * states the theoretical bound of the per-CPU batching error:
 *
 *	bound = charge batch x PAGE_SIZE x CPUs x cgroups in the subtree
 *
 * (MEMCG_CHARGE_BATCH is 64 in 6.1, 32 in older kernels.)
 */
enum drift_check {
	DRIFT_CURRENT_VS_STAT,
	DRIFT_PARENT_VS_CHILDREN,
	DRIFT_ROOT_VS_VMSTAT,
	DRIFT_AFTER_DELETION,
	DRIFT_NR_CHECKS,
};

/* "current-vs-stat", ... */
const char *drift_check_name(enum drift_check c);

struct drift_row {
	enum drift_check check;
	const char *cgroup;	/* relative path, "/" for the root */
	const char *key;	/* as the kernel spells it: "memory.stat:total_rss" */
	int64_t expected;	/* bytes */
	int64_t observed;	/* bytes */
	int64_t abs_err;	/* |observed - expected| */
	double rel_err;		/* abs_err / expected (0 when expected is 0) */
	int64_t bound;		/* bytes */
	int64_t window;		/* how much the expected value moved while it was read, or 0 */
};

/* The theoretical batching error bound, in bytes. */
int64_t drift_bound(unsigned batch, unsigned page_size, unsigned cpus, unsigned nr_cgroups);

/*
 * drift_window_expected - the expected value for @observed when the counter
 * read @before and @after the stat: @observed itself when it lies between
 * the two (no drift can be told apart from the workload moving), else the
 * nearer of the two. So the error is a lower bound of the real drift, never
 * an artefact of reading while memory changes. @window gets |after - before|.
 */
int64_t drift_window_expected(int64_t observed, int64_t before, int64_t after, int64_t *window);

/*
 * drift_default_batch - MEMCG_CHARGE_BATCH of a kernel release ("6.1.192"):
 * 64 since 6.0 ("memcg: increase MEMCG_CHARGE_BATCH to 64"), 32 before.
 * An unparsable release gets 64.
 */
unsigned drift_default_batch(const char *release);

/* Fill abs_err and rel_err of @r from expected and observed. */
void drift_finish(struct drift_row *r);

/*
 * drift_stat_total - what memory.stat says the cgroup uses, in bytes.
 *   v2: anon + file + kernel + sock, where 'kernel' exists (5.18+); else
 *       anon + file + kernel_stack + pagetables + percpu + slab + sock
 *       (the formula of the kernel's test_kmem).
 *   v1: total_rss + total_cache + memory.kmem.usage_in_bytes (@kmem).
 * @what gets a static description of the formula used.
 */
int64_t drift_stat_total(enum cg_version v, const struct kvlist *stat, int64_t kmem,
			 const char **what);

/*
 * Size keys compared between a parent and the sum of its children.
 * NULL-terminated. On v1 these are the hierarchical total_* keys; the
 * parent's own local value (the key without "total_") is added to the
 * children's sum, because v1 keeps reparented pages local to the parent.
 */
const char *const *drift_size_keys(enum cg_version v);

/* Keys compared between the root memory.stat and /proc/vmstat (nr_<key> pages). */
const char *const *drift_vmstat_keys(void);

/*
 * drift_parent_key - expected and observed for one size key of a parent.
 * @children: the children's memory.stat. Returns 0, or -ENOENT when the
 * parent's memory.stat lacks the key (then no row should be written).
 */
int drift_parent_key(enum cg_version v, const char *key, const struct kvlist *parent,
		     const struct kvlist *const *children, size_t nr_children,
		     int64_t *expected, int64_t *observed);

/*
 * drift_root_key - root memory.stat @key (v1: total_@key) vs /proc/vmstat
 * nr_@key x @page_size. 0 or -ENOENT.
 */
int drift_root_key(enum cg_version v, const char *key, const struct kvlist *root,
		   const struct kvlist *vmstat, unsigned page_size,
		   int64_t *expected, int64_t *observed);

#endif
