/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memcg-wl.h - the pure parts of the memcg workloads page-fault
 * (wl-page-fault.c), reclaim (wl-reclaim.c) and cgroup-churn
 * (wl-cgroup-churn.c): their parameters, the sizes each scale gives a
 * parameter left at 0, the checks of a run's input against the machine, the
 * kernel files they read (/proc/meminfo, memory.events, cgroup.stat) and the
 * result rows they write. Unit-tested in tests/unit/t-memcg-wl.c.
 */
#ifndef PB_MEMCG_WL_H
#define PB_MEMCG_WL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>

struct strbuf;

/* The index of a scale, as run.h's enum scale: smoke 0, small 1, full 2. */
#define MWL_SMOKE 0
#define MWL_SMALL 1
#define MWL_FULL 2
/* The index of the --scale name @name ("smoke" for anything unknown). */
int mwl_scale(const char *name);

/*
 * A workload controller ends its measurement early on SIGTERM (the run's
 * --duration, an interrupted run) and still writes its rows: after
 * mwl_catch_term(), mwl_stop is set by the first SIGTERM.
 */
extern volatile sig_atomic_t mwl_stop;
void mwl_catch_term(void);

/* page-fault: 0 in procs, size, time means "by scale" */
struct pf_params {
	int mode;		/* 1: anonymous (page_fault1), 2: private file mapping (page_fault2) */
	int procs;
	uint64_t size;		/* bytes mapped by each process */
	int64_t time;		/* ns */
};
#define PF_MIN_SIZE (1ull << 20)

/* reclaim: 0 in every field means "by scale" */
struct reclaim_params {
	uint64_t limit;		/* memory.high (v2) / memory.limit_in_bytes (v1) */
	uint64_t file;		/* the file streamed through */
	uint64_t anon;		/* anonymous memory touched over and over */
	int64_t time;		/* ns */
};
#define RECLAIM_MIN_LIMIT (16ull << 20)
#define RECLAIM_MIN_FILE (1ull << 20)

/* cgroup-churn: 0 in cgroups means "by scale" */
struct churn2_params {
	int cgroups;		/* created and removed in all */
	int batch;		/* alive at a time */
	int pages;		/* page-cache pages each cgroup's process leaves behind */
};
#define CHURN2_MAX_CGROUPS 100000

/*
 * mwl_pf_resolve - @p with every 0 replaced by the size of @scale (MWL_*)
 * on a machine of @cpus CPUs and @ram bytes, into @out; then checked: a
 * mapping under PF_MIN_SIZE, or procs x size over @ram, is bad input.
 * Returns 0, or -EINVAL with a one-line reason naming the parameter in @err.
 */
int mwl_pf_resolve(const struct pf_params *p, int scale, unsigned cpus, uint64_t ram,
		   struct pf_params *out, char *err, size_t errlen);
/* The same for reclaim: limit >= RECLAIM_MIN_LIMIT and <= @ram, file + anon above it. */
int mwl_reclaim_resolve(const struct reclaim_params *p, int scale, uint64_t ram,
			struct reclaim_params *out, char *err, size_t errlen);
/* The same for cgroup-churn: batch <= cgroups, their pages within @ram at @page_size. */
int mwl_churn_resolve(const struct churn2_params *p, int scale, uint64_t ram, unsigned page_size,
		      struct churn2_params *out, char *err, size_t errlen);

/*
 * mwl_meminfo - the field @key ("MemTotal", "Percpu") of /proc/meminfo text
 * @buf (@len bytes) in bytes (the file says kB), or -1 if it is not there.
 */
int64_t mwl_meminfo(const char *buf, size_t len, const char *key);
/* MemTotal of this machine's /proc/meminfo in bytes, or 0 if unknown. */
uint64_t mwl_mem_total(void);
/*
 * mwl_flat_key - the value of @key in "key value" lines (memory.events,
 * cgroup.stat, memory.oom_control, memory.stat, /proc/vmstat) in @buf,
 * or -1 if no line has it.
 */
int64_t mwl_flat_key(const char *buf, size_t len, const char *key);
/* mwl_flat_key() of the file @path; -1 if it cannot be read or has no @key. */
int64_t mwl_file_key(const char *path, const char *key);
/* The number in the file @path (memory.failcnt), or -1. */
int64_t mwl_file_num(const char *path);
/*
 * mwl_thp_off - no transparent huge pages for the calling process (and what it
 * forks): prctl(PR_SET_THP_DISABLE), which every kernel since 3.15 has.
 * madvise(MADV_NOHUGEPAGE) alone is not enough: the smoke guest kernel
 * (tinyconfig) has no CONFIG_ADVISE_SYSCALLS, and there its 2 MiB faults
 * made one page-fault "operation" 1/512 of a fault. Return: 0 or -errno.
 */
int mwl_thp_off(void);

/*
 * The result file of a memcg workload, <workload>.tsv in the result
 * directory: long format, one metric a row, where the number came from in
 * "source". A value that does not exist on this machine (percpu on cgroup
 * v1) is "-" with the reason as its source.
 */
#define MWL_RESULT_HEADER "metric\tvalue\tunit\tsource\n"
void mwl_row(struct strbuf *sb, const char *metric, double value, const char *unit,
	     const char *source);
/* A row whose value is absent here ("-"), @why in its source column. */
void mwl_row_absent(struct strbuf *sb, const char *metric, const char *unit, const char *why);

#endif
