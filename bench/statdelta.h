/* SPDX-License-Identifier: GPL-2.0 */
/*
 * statdelta.h - "what else changed": the change over the measured window of
 * every key of the kernel's key-value statistics files a run can read
 * (memory.stat of every cgroup the sampler reads, /proc/vmstat, and per
 * cgroup memory.events on v2; on v1, which has no memory.events,
 * memory.oom_control's counters and the memory.failcnt files), written to
 * stat-delta.tsv: source, cgroup, level, key, before, after, delta.
 */
#ifndef PB_STATDELTA_H
#define PB_STATDELTA_H

#include <stddef.h>
#include <stdint.h>

#define STATDELTA_FILE "stat-delta.tsv"

struct statdelta_row {
	char *source;		/* "memory.stat", "vmstat", "memory.events", "memory.failcnt" */
	char *cgroup;		/* path below the run's directory as memstat.tsv has it; "/" */
	int level;		/* 0 for the root (and /proc/vmstat) */
	char *key;		/* "pgscan"; a one-number file: its own name ("failcnt") */
	int64_t before, after, delta;
};

struct statdelta {
	struct statdelta_row *v;
	size_t n, alloc;
};

void statdelta_init(struct statdelta *d);
void statdelta_release(struct statdelta *d);

/*
 * statdelta_add_kv - the rows of one "key value" file (memory.stat,
 * /proc/vmstat, memory.events, memory.oom_control) read at the window's
 * start (@before, @blen bytes) and end (@after): every key of @after that
 * @before has too, in @after's order, delta = after - before. Keys in only
 * one reading (a kernel adds none during a run) are left out.
 * 0, or -EINVAL with @err naming the line that is not "key value".
 */
int statdelta_add_kv(struct statdelta *d, const char *source, const char *cgroup, int level,
		     const char *before, size_t blen, const char *after, size_t alen, char *err,
		     size_t errlen);
/*
 * statdelta_add_num - one row for a file that holds one number
 * (memory.failcnt): key @key. 0, or -EINVAL with @err when either reading
 * is not a number.
 */
int statdelta_add_num(struct statdelta *d, const char *source, const char *cgroup, int level,
		      const char *key, const char *before, size_t blen, const char *after,
		      size_t alen, char *err, size_t errlen);

/* Write @d to @path (temp + rename). 0 or -errno. */
int statdelta_write(const struct statdelta *d, const char *path);

#endif
