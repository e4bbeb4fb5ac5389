/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PB_CGROUP_H
#define PB_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct child;

enum cg_version { CG_V1 = 1, CG_V2 = 2 };

/*
 * Where the memory controller lives and where this process sits in it.
 * v1: the memory hierarchy, plus the cpuacct hierarchy (if mounted) for CPU
 * time. v2: one hierarchy for both.
 */
struct cg_layout {
	enum cg_version version;
	char *mem_mount;	/* e.g. /sys/fs/cgroup/memory or /sys/fs/cgroup */
	char *mem_self;		/* own cgroup, absolute directory */
	char *cpu_mount;	/* v1 cpuacct mount; NULL if none */
	char *cpu_self;		/* own cpuacct cgroup, absolute directory; NULL if none */
	bool has_root_stat;	/* <mem_mount>/memory.stat exists */
	bool has_kmem_usage;	/* v1 memory.kmem.usage_in_bytes exists */
};

/*
 * cg_layout_detect - find the memory cgroup layout of this machine.
 * @want: "auto", "v1" or "v2". auto prefers v2 when its hierarchy has the
 * memory controller, else a v1 memory hierarchy.
 * Returns 0, or -errno with a one-line reason in @err.
 * Release with cg_layout_release().
 */
int cg_layout_detect(struct cg_layout *l, const char *want, char *err, size_t errlen);
void cg_layout_release(struct cg_layout *l);
/* "v1" or "v2" */
const char *cg_version_name(enum cg_version v);

/*
 * A node's role: CG_INNER for one that only holds other nodes; a leaf's
 * role (CG_LEAF and up) is what the tree's builder gives it. The runner
 * gives the cgroups of the i-th workload of its table CG_LEAF + i.
 */
enum { CG_INNER = 0, CG_LEAF = 1 };

struct cg_node {
	char *name;		/* "build-a" */
	char *rel;		/* path below the run directory: "<top>/one/build-a" */
	int parent;		/* index into cg_tree.nodes, -1 for the top */
	int level;		/* 1 for the top node, +1 per level down */
	int role;		/* CG_INNER or a leaf's */
	char *mem_path;		/* absolute directory in the memory hierarchy */
	char *cpu_path;		/* absolute directory for CPU time; NULL if no cpuacct */
	int nr_subtree;		/* cgroups in the subtree, including this one */
	int nr_children;
	bool created;
};

/*
 * The tree one run creates, all of it below <own cgroup>/<run dir name>.
 * Nodes are in creation order, so a parent always comes before its children.
 */
struct cg_tree {
	const struct cg_layout *layout;
	char *run_name;		/* directory name for the run, e.g. "patchbench-20261122-031500" */
	char *run_mem;		/* <mem_self>/<run_name> */
	char *run_cpu;		/* <cpu_self>/<run_name> or NULL */
	struct cg_node *nodes;
	size_t n, alloc;
	bool run_created;
};

void cg_tree_init(struct cg_tree *t, const struct cg_layout *l, const char *run_name);
/* Add a node below @parent (-1 for the top). Returns its index. */
int cg_tree_add(struct cg_tree *t, int parent, const char *name, int role);
/* Index of the node with relative path @rel, or -1. */
int cg_tree_find(const struct cg_tree *t, const char *rel);
/*
 * cg_tree_create - mkdir the run directory and every node, enabling the
 * memory (and cpu, pids where available) controllers on v2.
 * On failure everything created so far is removed again. 0 or -errno, @err says why.
 */
int cg_tree_create(struct cg_tree *t, char *err, size_t errlen);
/*
 * cg_tree_destroy - kill every process left in the run directory's cgroups
 * (including sub-cgroups the workloads made), then remove them bottom-up.
 * Touches nothing outside the run directory. Returns 0 or the first -errno.
 */
int cg_tree_destroy(struct cg_tree *t);
void cg_tree_release(struct cg_tree *t);

/*
 * cg_enter - move the calling process into @n (memory and cpuacct).
 * For a freshly forked child before it execs; writes "0", so it can never
 * move the wrong process. 0 or -errno.
 */
int cg_enter(const struct cg_tree *t, const struct cg_node *n);

/*
 * cg_child_start - start @c inside @n: clone3(CLONE_INTO_CGROUP) on v2
 * where the kernel supports it, else fork + cg_enter before anything runs.
 * @c: what to run (its @fn or @argv, and what else the caller sets); its
 *     stdin, stdout and stderr, group, death signal, cgroup and setup hook
 *     are set here
 * @logfd: stdout and stderr of the child if >= 0
 *
 * The child gets its own process group, stdin from /dev/null, stdout and
 * stderr to @logfd (if >= 0), default signal handling, SIGTERM when the
 * calling thread dies, and exits 127 if it could not enter the cgroup.
 * With @n NULL the child stays in the caller's cgroups (for controllers that
 * manage cgroups of their own). The caller reaps the child (waitpid(), or
 * child_finish() on @c).
 * Returns the pid, or -errno.
 */
pid_t cg_child_start(const struct cg_tree *t, const struct cg_node *n, int logfd,
		     struct child *c);

/*
 * cg_spawn - cg_child_start() of a function: the child runs @fn(@arg) and
 * exits with its return value. Returns the pid, or -errno.
 */
pid_t cg_spawn(const struct cg_tree *t, const struct cg_node *n, int logfd,
	       int (*fn)(void *arg), void *arg);

/* Create / remove a plain sub-cgroup below @parent_dir (memory hierarchy only). */
int cg_mkdir(const char *dir);
int cg_rmdir(const char *dir);

/* Number of processes in the cgroup directory @dir (not recursive), or -errno. */
int cg_nr_procs(const char *dir);
/* Kill every process in @dir and its sub-cgroups with SIGKILL. */
void cg_kill_all(const char *dir, enum cg_version v);

/*
 * cg_remove_tree - kill every process in @dir and below, then remove @dir and
 * every cgroup below it, deepest first (for the tree of a dead run).
 * A missing @dir is not an error. 0 or the first -errno.
 */
int cg_remove_tree(const char *dir, enum cg_version v);


/* CPU time of a cgroup, in microseconds. 0 or -errno. */
struct cg_cpu {
	uint64_t usage_us, user_us, system_us;
};
int cg_read_cpu(const struct cg_tree *t, const struct cg_node *n, struct cg_cpu *out);

/* Memory cgroups of the whole system (/proc/cgroups num_cgroups), or -errno. */
int cg_count_memcgs(void);

#endif
