// SPDX-License-Identifier: GPL-2.0
/*
 * mon-rss.c - kmem:rss_stat of the workload processes (--trace rss_stat),
 * through libtracefs and libtraceevent: rss_stat.tsv, rss_stat-tasks.tsv,
 * rss_stat-summary.tsv.
 *
 * How it follows only the workloads: a private tracing instance traces
 * patchbench's own pid with options/event-fork, so every process it forks
 * (and their children, at fork time, with no race) is traced by the kernel.
 * sched_process_fork/exec and task_rename are traced with rss_stat; a
 * reader thread merges the per-CPU buffers in timestamp order, rebuilds the
 * process tree from the fork events, and keeps the rss_stat events of the
 * processes that descend from a workload instance (the runner reports each
 * process it spawns for one with MON_WORKLOAD_SPAWNED). Everything else
 * patchbench forks (perf record, perf report) and patchbench itself are
 * dropped.
 *
 * Volume: a kernel build makes tens of thousands of rss_stat events per
 * second per CPU. The per-CPU buffers are enlarged and read every
 * READ_PERIOD by the thread; what the kernel still drops is counted from
 * per_cpu/cpuN/stats and reported in meta.json notes and the summary.
 */
#include "monitor.h"
#include "resultdir.h"
#include "rss.h"
#include "run.h"
#include "tsv.h"
#include "u64map.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tracefs.h>
#include <unistd.h>

#define RSS_BUFFER_KB 8192		/* per CPU: ~4 s of a busy CPU without a read */
#define READ_PERIOD (20 * NSEC_PER_MSEC)
/* Events younger than this may still have older ones uncommitted on another CPU. */
#define MERGE_LAG (20 * NSEC_PER_MSEC)
/* How long a fork by patchbench may wait for the runner to name it a workload. */
#define SPAWN_WAIT (2 * NSEC_PER_SEC)
#define MAX_ROOTS 4096

static const char *const trace_events[][2] = {
	{ "kmem", "rss_stat" },			/* required */
	{ "sched", "sched_process_fork" },	/* the rest: required to attribute events */
	{ "sched", "sched_process_exec" },
	{ "task", "task_rename" },		/* optional: comm changes by prctl */
};

enum task_state { T_OTHER, T_WORKLOAD };

struct task {
	enum task_state state;
	int ppid;
	char comm[RSS_COMM_LEN];
	const char *cgroup;	/* the workload cgroup it descends from (tree node rel) */
};

struct root {
	int pid;
	const char *cgroup;
};

struct cpu_queue {
	struct rss_rec *v;
	size_t head, n, alloc;
};

struct rss_mon {
	struct run *r;
	struct tracefs_instance *inst;
	struct rss_parser *parser;
	struct rss_agg *agg;
	struct tracefs_cpu **tcpu;
	struct cpu_queue *q;
	int ncpu;
	void *page;
	size_t page_size;
	struct tsv_writer events, tasks;
	bool writers_open;
	pthread_t thread;
	bool thread_running;
	volatile int stop;	/* set by the main thread, read by the reader */
	pthread_mutex_t lock;	/* roots */
	struct root roots[MAX_ROOTS];
	int nroots;
	pid_t self;
	/* reader thread only */
	struct u64map task_map;
	struct task *tasks_v;
	size_t ntasks;
	uint64_t missed, unattributed, kept;
	int64_t t0_ns;
	/* after stop */
	uint64_t lost;
	bool stats_read;
	char *error;		/* a write error, for meta notes */
	char *mounted;		/* we mounted tracefs: say so in the notes */
};

static const char *const event_cols[] = { "t_ns", "pid", "comm", "mm_id", "curr", "type",
					  "size_bytes", NULL };
static const char *const task_cols[] = { "t_ns", "event", "pid", "ppid", "comm",
					 "workload_cgroup", NULL };

static bool rss_wanted(const struct run *r)
{
	char **v;
	bool yes = false;
	size_t i;

	if (!r->o->trace)
		return false;
	v = strv_split(r->o->trace, ',');
	for (i = 0; v[i]; i++)
		if (!strcmp(v[i], "rss_stat"))
			yes = true;
	strv_free(v);
	return yes;
}

static struct task *task_get(struct rss_mon *m, int pid, bool create)
{
	bool found;
	uint32_t *slot;

	if (!create) {
		slot = u64map_find(&m->task_map, (uint32_t)pid);
		return slot ? &m->tasks_v[*slot] : NULL;
	}
	slot = u64map_slot(&m->task_map, (uint32_t)pid, &found);
	if (!found) {
		m->tasks_v = xrealloc(m->tasks_v, (m->ntasks + 1) * sizeof(*m->tasks_v));
		*slot = (uint32_t)m->ntasks++;
	}
	memset(&m->tasks_v[*slot], 0, sizeof(*m->tasks_v));
	return &m->tasks_v[*slot];
}

/* The cgroup of workload root @pid, or NULL if the runner has not named it (yet). */
static const char *root_cgroup(struct rss_mon *m, int pid, bool *is_root)
{
	const char *cg = NULL;
	int i;

	*is_root = false;
	pthread_mutex_lock(&m->lock);
	for (i = m->nroots - 1; i >= 0; i--) {
		if (m->roots[i].pid == pid) {
			*is_root = true;
			cg = m->roots[i].cgroup;
			break;
		}
	}
	pthread_mutex_unlock(&m->lock);
	return cg;
}

static void add_root(struct rss_mon *m, int pid, const char *cgroup)
{
	int i;

	if (pid <= 0)
		return;
	pthread_mutex_lock(&m->lock);
	for (i = 0; i < m->nroots; i++)
		if (m->roots[i].pid == pid)
			break;
	if (i == m->nroots && m->nroots < MAX_ROOTS)
		m->roots[m->nroots++] = (struct root){ pid, cgroup };
	pthread_mutex_unlock(&m->lock);
}

static void put_task_row(struct rss_mon *m, const struct rss_rec *e, const char *event, int pid,
			 const struct task *t)
{
	tsv_put_i64(&m->tasks, (int64_t)e->ts - m->t0_ns);
	tsv_put_str(&m->tasks, event);
	tsv_put_i64(&m->tasks, pid);
	tsv_put_i64(&m->tasks, t->ppid);
	tsv_put_str(&m->tasks, t->comm);
	tsv_put_str(&m->tasks, t->cgroup ? t->cgroup : "");
	tsv_end_row(&m->tasks);
}

static void on_fork(struct rss_mon *m, const struct rss_rec *e)
{
	struct task *parent = task_get(m, e->pid, false), *t;
	enum task_state st = T_OTHER;
	const char *cg = NULL;

	if (e->pid == m->self) {
		int64_t deadline = now_ns() + SPAWN_WAIT;
		bool is_root;

		/* the runner names its workload processes right after fork() returns */
		for (;;) {
			cg = root_cgroup(m, e->child_pid, &is_root);
			if (is_root || now_ns() > deadline || m->stop)
				break;
			usleep(1000);
		}
		st = is_root ? T_WORKLOAD : T_OTHER;
	} else if (parent && parent->state == T_WORKLOAD) {
		st = T_WORKLOAD;
		cg = parent->cgroup;
	}
	t = task_get(m, e->child_pid, true);
	t->state = st;
	t->ppid = e->pid;
	t->cgroup = cg;
	memcpy(t->comm, e->comm, sizeof(t->comm));
	if (st == T_WORKLOAD)
		put_task_row(m, e, "fork", e->child_pid, t);
}

static void on_rename(struct rss_mon *m, const struct rss_rec *e, const char *event)
{
	struct task *t = task_get(m, e->pid, false);

	if (!t || !e->comm[0])
		return;
	memcpy(t->comm, e->comm, sizeof(t->comm));
	if (t->state == T_WORKLOAD)
		put_task_row(m, e, event, e->pid, t);
}

static void on_rss(struct rss_mon *m, const struct rss_rec *e)
{
	struct task *t = task_get(m, e->pid, false);

	if (!t) {
		/* traced, so a descendant of patchbench whose fork we missed */
		if (e->pid != m->self)
			m->unattributed++;
		return;
	}
	if (t->state != T_WORKLOAD)
		return;
	m->kept++;
	tsv_put_i64(&m->events, (int64_t)e->ts - m->t0_ns);
	tsv_put_i64(&m->events, e->pid);
	tsv_put_str(&m->events, t->comm);
	tsv_put_u64(&m->events, e->mm_id);
	tsv_put_u64(&m->events, e->curr);
	tsv_put_str(&m->events, rss_member_name(m->parser, e->member));
	tsv_put_i64(&m->events, e->size);
	tsv_end_row(&m->events);
	rss_agg_add(m->agg, e, t->comm);
}

static void process(struct rss_mon *m, const struct rss_rec *e)
{
	switch (e->kind) {
	case RSS_EV_RSS:
		on_rss(m, e);
		break;
	case RSS_EV_FORK:
		on_fork(m, e);
		break;
	case RSS_EV_EXEC:
		on_rename(m, e, "exec");
		break;
	case RSS_EV_RENAME:
		on_rename(m, e, "rename");
		break;
	}
}

static int enqueue(const struct rss_rec *rec, void *ctx)
{
	struct cpu_queue *q = ctx;

	if (q->head && q->head == q->n) {
		q->head = q->n = 0;
	} else if (q->n == q->alloc && q->head > q->alloc / 2) {
		memmove(q->v, q->v + q->head, (q->n - q->head) * sizeof(*q->v));
		q->n -= q->head;
		q->head = 0;
	}
	if (q->n == q->alloc) {
		q->alloc = q->alloc ? 2 * q->alloc : 4096;
		q->v = xrealloc(q->v, q->alloc * sizeof(*q->v));
	}
	q->v[q->n++] = *rec;
	return 0;
}

/* Read every CPU buffer until it is empty. Returns the number of pages read. */
static int read_buffers(struct rss_mon *m)
{
	int cpu, pages = 0;

	for (cpu = 0; cpu < m->ncpu; cpu++) {
		int n;

		if (!m->tcpu[cpu])
			continue;
		while ((n = tracefs_cpu_read(m->tcpu[cpu], m->page, true)) > 0) {
			rss_parse_page(m->parser, m->page, (size_t)n, cpu, enqueue, &m->q[cpu],
				       &m->missed);
			pages++;
		}
	}
	return pages;
}

/* Process the queued events older than @upto (all with INT64_MAX) in time order. */
static void merge(struct rss_mon *m, int64_t upto)
{
	for (;;) {
		struct cpu_queue *best = NULL;
		int cpu;

		for (cpu = 0; cpu < m->ncpu; cpu++) {
			struct cpu_queue *q = &m->q[cpu];

			if (q->head < q->n && (int64_t)q->v[q->head].ts <= upto &&
			    (!best || q->v[q->head].ts < best->v[best->head].ts))
				best = q;
		}
		if (!best)
			break;
		process(m, &best->v[best->head++]);
	}
}

static void *reader(void *arg)
{
	struct rss_mon *m = arg;
	sigset_t all;

	/* signals are the main thread's business */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	for (;;) {
		/* the instance's trace_clock is "mono": comparable with now_ns() */
		int64_t t = now_ns();
		bool last = m->stop;

		read_buffers(m);
		merge(m, last ? INT64_MAX : t - MERGE_LAG);
		if (last)
			break;
		usleep(READ_PERIOD / NSEC_PER_USEC);
	}
	return NULL;
}

/* Remove instances left by a patchbench that was killed (its pid is gone). */
static int stale_instance(const char *name, void *ctx)
{
	int pid;
	struct tracefs_instance *inst;

	if (sscanf(name, "patchbench-%d", &pid) != 1 || pid == (int)getpid() ||
	    !(kill(pid, 0) && errno == ESRCH))
		return 0;
	inst = tracefs_instance_alloc(NULL, name);
	if (inst) {
		tracefs_instance_destroy(inst);
		tracefs_instance_free(inst);
	}
	return 0;
}

static int load_formats(struct rss_mon *m, char *err, size_t errlen)
{
	size_t i;
	int ret;

	m->parser = rss_parser_new();
	if (!m->parser) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < ARRAY_SIZE(trace_events); i++) {
		int size = 0;
		char *fmt = tracefs_event_file_read(NULL, trace_events[i][0], trace_events[i][1],
						    "format", &size);

		if (!fmt) {
			if (i == 0) {
				snprintf(err, errlen, "this kernel has no %s:%s tracepoint",
					 trace_events[i][0], trace_events[i][1]);
				return -ENOENT;
			}
			continue;
		}
		ret = rss_parser_add_format(m->parser, trace_events[i][0], fmt, (size_t)size, err,
					    errlen);
		free(fmt);
		if (ret)
			return ret;
	}
	ret = rss_parser_ready(m->parser, err, errlen);
	if (ret)
		return ret;
	if (!rss_parser_has(m->parser, RSS_EV_FORK) || !rss_parser_has(m->parser, RSS_EV_EXEC)) {
		snprintf(err, errlen, "sched:sched_process_fork/exec are missing: cannot tell "
			 "the workload's processes apart");
		return -ENOENT;
	}
	return 0;
}

static int setup_instance(struct rss_mon *m, char *err, size_t errlen)
{
	char name[64], buf[32];
	size_t i;

	snprintf(name, sizeof(name), "patchbench-%d", (int)m->self);
	tracefs_instances_walk(stale_instance, NULL);
	m->inst = tracefs_instance_create(name);
	if (!m->inst) {
		snprintf(err, errlen, "cannot create tracing instance '%s': %s", name,
			 strerror(errno));
		return -errno;
	}
	/* mono: timestamps comparable with CLOCK_MONOTONIC, i.e. with the run's t0 */
	if (tracefs_instance_file_write(m->inst, "trace_clock", "mono") < 0) {
		snprintf(err, errlen, "cannot set trace_clock to mono in instance '%s'", name);
		return -EIO;
	}
	if (tracefs_instance_set_buffer_size(m->inst, RSS_BUFFER_KB, -1) < 0)
		pr_warn("rss_stat: cannot set buffer_size_kb to %d", RSS_BUFFER_KB);
	/* a full buffer drops new events (counted) instead of overwriting unread ones */
	tracefs_option_disable(m->inst, TRACEFS_OPTION_OVERWRITE);
	if (tracefs_option_enable(m->inst, TRACEFS_OPTION_EVENT_FORK)) {
		snprintf(err, errlen, "cannot enable options/event-fork in instance '%s'", name);
		return -EIO;
	}
	snprintf(buf, sizeof(buf), "%d", (int)m->self);
	if (tracefs_instance_file_write(m->inst, "set_event_pid", buf) < 0) {
		snprintf(err, errlen, "cannot write set_event_pid in instance '%s'", name);
		return -EIO;
	}
	for (i = 0; i < ARRAY_SIZE(trace_events); i++) {
		if (tracefs_event_enable(m->inst, trace_events[i][0], trace_events[i][1]) &&
		    i < 3) {
			snprintf(err, errlen, "cannot enable %s:%s in instance '%s'",
				 trace_events[i][0], trace_events[i][1], name);
			return -EIO;
		}
	}
	return 0;
}

static void rss_free(void *priv);

static int rss_start(struct run *r, void **priv, char *err, size_t errlen)
{
	struct rss_mon *m;
	const char *tdir = NULL;
	char *p;
	int ret, cpu, mounted;

	/* libtracefs mounts tracefs at /sys/kernel/tracing when it is not mounted */
	mounted = tracefs_tracing_dir_is_mounted(true, &tdir);
	if (mounted < 0) {
		snprintf(err, errlen, "tracefs is not mounted and cannot be mounted at "
			 "/sys/kernel/tracing (%s)", strerror(errno));
		return -ENODEV;
	}
	if (!tracefs_tracing_dir()) {
		snprintf(err, errlen, "cannot find or mount tracefs");
		return -ENODEV;
	}
	m = xcalloc(1, sizeof(*m));
	m->r = r;
	m->self = getpid();
	m->t0_ns = r->t0;
	if (mounted == 0)
		m->mounted = xasprintf("rss_stat: mounted tracefs at %s", tdir ? tdir : "?");
	pthread_mutex_init(&m->lock, NULL);
	*priv = m;
	ret = load_formats(m, err, errlen);
	if (ret)
		goto out_fail;
	m->agg = rss_agg_new();
	p = run_path(r, "rss_stat.tsv");
	ret = tsv_writer_open(&m->events, p, event_cols);
	free(p);
	if (!ret) {
		p = run_path(r, "rss_stat-tasks.tsv");
		ret = tsv_writer_open(&m->tasks, p, task_cols);
		free(p);
		if (ret)
			tsv_writer_abort(&m->events);
	}
	if (ret) {
		snprintf(err, errlen, "cannot create the rss_stat files in '%s': %s", r->dir,
			 strerror(-ret));
		goto out_fail;
	}
	m->writers_open = true;
	ret = setup_instance(m, err, errlen);
	if (ret)
		goto out_fail;
	m->ncpu = (int)sysconf(_SC_NPROCESSORS_CONF);
	m->tcpu = xcalloc((size_t)m->ncpu, sizeof(*m->tcpu));
	m->q = xcalloc((size_t)m->ncpu, sizeof(*m->q));
	for (cpu = 0; cpu < m->ncpu; cpu++) {
		m->tcpu[cpu] = tracefs_cpu_open(m->inst, cpu, true);
		if (m->tcpu[cpu] && (size_t)tracefs_cpu_read_size(m->tcpu[cpu]) > m->page_size)
			m->page_size = (size_t)tracefs_cpu_read_size(m->tcpu[cpu]);
	}
	if (!m->page_size) {
		snprintf(err, errlen, "cannot open the per-CPU trace_pipe_raw files");
		ret = -EIO;
		goto out_fail;
	}
	m->page = xmalloc(m->page_size);
	ret = pthread_create(&m->thread, NULL, reader, m);
	if (ret) {
		snprintf(err, errlen, "cannot start the reader thread: %s", strerror(ret));
		ret = -ret;
		goto out_fail;
	}
	m->thread_running = true;
	return 0;

out_fail:
	rss_free(m);
	*priv = NULL;
	return ret;
}

static void rss_event(struct run *r, void *priv, enum mon_event ev, int node)
{
	struct rss_mon *m = priv;
	size_t i;

	switch (ev) {
	case MON_WORKLOAD_SPAWNED:
	case MON_WORKLOADS_STARTED:
		for (i = 0; i < r->ninst; i++)
			if ((ev == MON_WORKLOADS_STARTED || r->inst[i].node == node) &&
			    r->inst[i].pid > 0)
				add_root(m, r->inst[i].pid, r->tree.nodes[r->inst[i].node].rel);
		break;
	case MON_WORKLOADS_DONE:
		/* the measured window is over: stop recording, keep draining */
		tracefs_trace_off(m->inst);
		break;
	default:
		break;
	}
}

/* Sum "overrun", "commit overrun" and "dropped events" of every CPU of the instance. */
static uint64_t read_lost(struct rss_mon *m)
{
	static const char *const keys[] = { "overrun:", "commit overrun:", "dropped events:" };
	uint64_t lost = 0;
	int cpu;

	for (cpu = 0; cpu < m->ncpu; cpu++) {
		char file[64];
		int size = 0;
		char *s;

		snprintf(file, sizeof(file), "per_cpu/cpu%d/stats", cpu);
		s = tracefs_instance_file_read(m->inst, file, &size);
		if (!s)
			continue;
		m->stats_read = true;
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
			char *at = strstr(s, keys[k]);

			/* "overrun:" also matches inside "commit overrun:" */
			if (k == 0)
				at = !strncmp(s, keys[0], strlen(keys[0])) ? s : strstr(s, "\noverrun:");
			if (at)
				lost += strtoull(at + strcspn(at, ":") + 1, NULL, 10);
		}
		free(s);
	}
	return lost;
}

static void destroy_instance(struct rss_mon *m)
{
	int cpu;

	if (m->tcpu) {
		for (cpu = 0; cpu < m->ncpu; cpu++)
			if (m->tcpu[cpu])
				tracefs_cpu_close(m->tcpu[cpu]);
		free(m->tcpu);
		m->tcpu = NULL;
	}
	if (m->inst) {
		tracefs_trace_off(m->inst);
		tracefs_instance_destroy(m->inst);
		tracefs_instance_free(m->inst);
		m->inst = NULL;
	}
}

static void stop_thread(struct rss_mon *m)
{
	if (!m->thread_running)
		return;
	m->stop = 1;
	pthread_join(m->thread, NULL);
	m->thread_running = false;
}

static int rss_stop(struct run *r, void *priv)
{
	struct rss_mon *m = priv;
	char *p;
	int ret, ret2;

	if (m->inst)
		tracefs_trace_off(m->inst);
	/* the reader drains what is left and processes it all before it exits */
	stop_thread(m);
	m->lost = read_lost(m);
	if (!m->stats_read)
		m->lost = m->missed;
	destroy_instance(m);
	ret = tsv_writer_commit(&m->events);
	ret2 = tsv_writer_commit(&m->tasks);
	m->writers_open = false;
	p = run_path(r, "rss_stat-summary.tsv");
	if (!ret)
		ret = ret2;
	if (!ret)
		ret = rss_agg_write(m->agg, m->parser, m->lost, p);
	if (ret)
		m->error = xasprintf("cannot write the rss_stat files in '%s': %s", r->dir,
				     strerror(-ret));
	free(p);
	return ret;
}

static void rss_meta(const struct run *r, void *priv, struct meta *mt)
{
	struct rss_mon *m = priv;
	char buf[256];

	if (m->lost) {
		snprintf(buf, sizeof(buf), "rss_stat: lost %llu events (ring buffer full)",
			 (unsigned long long)m->lost);
		meta_add_note(mt, buf);
	}
	if (m->unattributed) {
		snprintf(buf, sizeof(buf), "rss_stat: %llu events of processes whose fork "
			 "was not seen were dropped", (unsigned long long)m->unattributed);
		meta_add_note(mt, buf);
	}
	if (m->mounted)
		meta_add_note(mt, m->mounted);
	if (m->error)
		meta_add_note(mt, m->error);
}

static void rss_free(void *priv)
{
	struct rss_mon *m = priv;
	int cpu;

	if (!m)
		return;
	stop_thread(m);
	destroy_instance(m);
	if (m->writers_open) {
		tsv_writer_abort(&m->events);
		tsv_writer_abort(&m->tasks);
	}
	if (m->q) {
		for (cpu = 0; cpu < m->ncpu; cpu++)
			free(m->q[cpu].v);
		free(m->q);
	}
	rss_parser_free(m->parser);
	rss_agg_free(m->agg);
	u64map_release(&m->task_map);
	free(m->tasks_v);
	free(m->page);
	free(m->error);
	free(m->mounted);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

const struct monitor mon_rss = {
	.name = "rss_stat",
	.summary = "kmem:rss_stat of the workload processes (libtracefs + libtraceevent)",
	.wanted = rss_wanted,
	.start = rss_start,
	.event = rss_event,
	.stop = rss_stop,
	.meta = rss_meta,
	.free = rss_free,
};
