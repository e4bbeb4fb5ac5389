// SPDX-License-Identifier: GPL-2.0
/*
 * drift.c - the formulas of the stat drift checks. Pure functions over
 * parsed memory.stat and /proc/vmstat, so they are unit-tested on real
 * captured files.
 */
#include "drift.h"
#include "util.h"

#include <errno.h>
#include <string.h>

static const char *const check_names[DRIFT_NR_CHECKS] = {
	[DRIFT_CURRENT_VS_STAT] = "current-vs-stat",
	[DRIFT_PARENT_VS_CHILDREN] = "parent-vs-children",
	[DRIFT_ROOT_VS_VMSTAT] = "root-vs-vmstat",
	[DRIFT_AFTER_DELETION] = "after-deletion",
};

const char *drift_check_name(enum drift_check c)
{
	return c < DRIFT_NR_CHECKS ? check_names[c] : "?";
}

int64_t drift_bound(unsigned batch, unsigned page_size, unsigned cpus, unsigned nr_cgroups)
{
	return (int64_t)batch * page_size * cpus * nr_cgroups;
}

void drift_finish(struct drift_row *r)
{
	int64_t d = r->observed - r->expected;

	r->abs_err = d < 0 ? -d : d;
	r->rel_err = r->expected ? (double)r->abs_err / (double)(r->expected < 0 ?
								   -r->expected : r->expected) : 0;
}

int64_t drift_stat_total(enum cg_version v, const struct kvlist *s, int64_t kmem,
			 const char **what)
{
	const char *dummy;

	if (!what)
		what = &dummy;
	if (v == CG_V1) {
		*what = "total_rss + total_cache + memory.kmem.usage_in_bytes";
		return kv_val(s, "total_rss") + kv_val(s, "total_cache") + kmem;
	}
	if (kv_has(s, "kernel")) {
		*what = "anon + file + kernel + sock";
		return kv_val(s, "anon") + kv_val(s, "file") + kv_val(s, "kernel") +
		       kv_val(s, "sock");
	}
	*what = "anon + file + kernel_stack + pagetables + percpu + slab + sock";
	return kv_val(s, "anon") + kv_val(s, "file") + kv_val(s, "kernel_stack") +
	       kv_val(s, "pagetables") + kv_val(s, "percpu") + kv_val(s, "slab") +
	       kv_val(s, "sock");
}

static const char *const v1_size_keys[] = {
	"total_cache", "total_rss", "total_rss_huge", "total_shmem", "total_mapped_file",
	"total_dirty", "total_writeback", "total_inactive_anon", "total_active_anon",
	"total_inactive_file", "total_active_file", "total_unevictable", NULL,
};

static const char *const v2_size_keys[] = {
	"anon", "file", "kernel", "kernel_stack", "pagetables", "percpu", "sock", "shmem",
	"file_mapped", "file_dirty", "file_writeback", "anon_thp", "inactive_anon",
	"active_anon", "inactive_file", "active_file", "unevictable", "slab_reclaimable",
	"slab_unreclaimable", "slab", NULL,
};

const char *const *drift_size_keys(enum cg_version v)
{
	return v == CG_V1 ? v1_size_keys : v2_size_keys;
}

static const char *const vmstat_keys[] = {
	"inactive_file", "active_file", "inactive_anon", "active_anon", NULL,
};

const char *const *drift_vmstat_keys(void)
{
	return vmstat_keys;
}

int drift_parent_key(enum cg_version v, const char *key, const struct kvlist *parent,
		     const struct kvlist *const *children, size_t nr_children,
		     int64_t *expected, int64_t *observed)
{
	int64_t sum = 0, val;
	size_t i;

	if (kv_get(parent, key, observed))
		return -ENOENT;
	for (i = 0; i < nr_children; i++)
		if (!kv_get(children[i], key, &val))
			sum += val;
	if (v == CG_V1 && !strncmp(key, "total_", 6) && !kv_get(parent, key + 6, &val))
		sum += val;
	*expected = sum;
	return 0;
}

int drift_root_key(enum cg_version v, const char *key, const struct kvlist *root,
		   const struct kvlist *vmstat, unsigned page_size,
		   int64_t *expected, int64_t *observed)
{
	char name[64];
	int64_t pages;

	snprintf(name, sizeof(name), "nr_%s", key);
	if (kv_get(vmstat, name, &pages))
		return -ENOENT;
	snprintf(name, sizeof(name), "%s%s", v == CG_V1 ? "total_" : "", key);
	if (kv_get(root, name, observed))
		return -ENOENT;
	*expected = pages * (int64_t)page_size;
	return 0;
}

int64_t drift_window_expected(int64_t observed, int64_t before, int64_t after, int64_t *window)
{
	int64_t lo = before < after ? before : after, hi = before < after ? after : before;

	*window = hi - lo;
	if (observed < lo)
		return lo;
	if (observed > hi)
		return hi;
	return observed;
}

unsigned drift_default_batch(const char *release)
{
	unsigned major = 0, minor = 0;

	if (!release || sscanf(release, "%u.%u", &major, &minor) < 1)
		return 64;
	return major > 6 || major == 6 ? 64 : 32;
}
