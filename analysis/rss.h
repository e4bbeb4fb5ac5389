/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rss.h - kmem:rss_stat records, parsed with libtraceevent from the event's
 * own format file, and their aggregation into rss_stat-summary.tsv.
 *
 * Two formats of the tracepoint exist (same fields, different print fmt):
 *   5.5 .. 5.12:  "mm_id=%u curr=%d member=%d size=%ldB"
 *   5.13 ..:      "mm_id=%u curr=%d type=%s size=%ldB" with
 *                 __print_symbolic(REC->member, { 0, "MM_FILEPAGES" }, ...)
 * Fields are found by name in the format, so their offsets and sizes come
 * from the kernel that wrote the records; member numbers are named from the
 * __print_symbolic table when the format has one, else from the enum of
 * those kernels (MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS, MM_SHMEMPAGES).
 *
 * The parser also reads sched:sched_process_fork, sched:sched_process_exec
 * and task:task_rename when their formats are given, which the rss_stat
 * monitor needs to follow the workload's process tree and names.
 */
#ifndef PB_RSS_H
#define PB_RSS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Members of struct mm_rss_stat we name; larger numbers print as "member-N". */
#define RSS_MAX_TYPES 8
#define RSS_COMM_LEN 16

enum rss_kind { RSS_EV_RSS, RSS_EV_FORK, RSS_EV_EXEC, RSS_EV_RENAME };

/* One parsed record. */
struct rss_rec {
	enum rss_kind kind;
	uint64_t ts;		/* ring-buffer timestamp (the instance's trace clock), ns */
	int cpu;
	int pid;		/* common_pid: the task that was running */
	/* RSS_EV_RSS */
	uint32_t mm_id;		/* hash of the mm_struct pointer */
	bool curr;		/* the mm is the running task's own */
	int member;		/* MM_FILEPAGES = 0, ... */
	int64_t size;		/* bytes */
	/* RSS_EV_FORK: pid is the parent */
	int child_pid;
	/* FORK: the child's comm, EXEC: basename of the file, RENAME: the new comm */
	char comm[RSS_COMM_LEN];
};

struct rss_parser;

/* A parser with no formats yet; free with rss_parser_free(). NULL on error (errno). */
struct rss_parser *rss_parser_new(void);
void rss_parser_free(struct rss_parser *p);

/*
 * rss_parser_add_format - parse the format file text of one event of
 * system @sys (events/<sys>/<name>/format). Any event may be added; only
 * the ones above are recognised. 0 or -EINVAL with @err.
 */
int rss_parser_add_format(struct rss_parser *p, const char *sys, const char *buf, size_t len,
			  char *err, size_t errlen);

/*
 * rss_parser_ready - look up kmem:rss_stat and its fields (mm_id, curr,
 * member, size: the ones both formats have) and the member names. Call once
 * after the formats were added. 0 or -EINVAL with @err.
 */
int rss_parser_ready(struct rss_parser *p, char *err, size_t errlen);

/* Does the format print "type=" through __print_symbolic (5.13+)? */
bool rss_parser_symbolic(const struct rss_parser *p);
/* Is task:task_rename / sched:sched_process_fork known to the parser? */
bool rss_parser_has(const struct rss_parser *p, enum rss_kind kind);
/* "MM_ANONPAGES" for a member number; "member-N" when unknown. Static storage. */
const char *rss_member_name(const struct rss_parser *p, int member);

/*
 * rss_parse_record - parse one raw record @data of @size bytes (common
 * fields included, as in the ring buffer). Returns 1 with @out filled for a
 * recognised event, 0 for any other event, -EINVAL for a record too short
 * for its format.
 */
int rss_parse_record(const struct rss_parser *p, const void *data, size_t size,
		     struct rss_rec *out);

typedef int (*rss_rec_fn)(const struct rss_rec *rec, void *ctx);

/*
 * rss_parse_page - walk one ring-buffer sub-buffer as read from
 * per_cpu/cpuN/trace_pipe_raw (@len bytes, header included) and call @fn for
 * every recognised record, in order; a non-zero return of @fn stops the walk
 * and is returned. Adds the events the kernel reports as lost before this
 * page to *@missed (when it knows the number; a page that lost an unknown
 * number counts 1). Returns 0, @fn's value, or -EINVAL for a malformed page.
 */
int rss_parse_page(struct rss_parser *p, const void *page, size_t len, int cpu, rss_rec_fn fn,
		   void *ctx, uint64_t *missed);

/*
 * The summary: per member, the number of events and the peak and final sum
 * of the latest size of every mm seen (an exited mm ends at 0, so the sum is
 * over the live ones); the same for the RSS the kernel reports
 * (file + anon + shmem); per process (pid and mm, from the events of a task
 * about its own mm, curr=1), the peak size by member.
 */
struct rss_agg;

struct rss_agg *rss_agg_new(void);
void rss_agg_free(struct rss_agg *a);
/* Account one RSS_EV_RSS record, of a task named @comm. */
void rss_agg_add(struct rss_agg *a, const struct rss_rec *r, const char *comm);
uint64_t rss_agg_events(const struct rss_agg *a);
/*
 * rss_agg_write - write rss_stat-summary.tsv to @path atomically, with
 * @lost events lost by the ring buffer. 0 or -errno.
 */
int rss_agg_write(const struct rss_agg *a, const struct rss_parser *p, uint64_t lost,
		  const char *path);

#endif
