// SPDX-License-Identifier: GPL-2.0
/*
 * wl-page-fault.c - will-it-scale's page_fault1 / page_fault2 in a memory
 * cgroup: N processes in the "page-fault" cgroup each map --page-fault-size
 * bytes, write one byte to every page, unmap, and again, for
 * --page-fault-time. One operation is one page touched, that is one page
 * fault (THP is off for the process, PR_SET_THP_DISABLE, and the mapping,
 * MADV_NOHUGEPAGE, so that an operation is one 4K fault whatever the
 * machine's THP setting; the smoke guest has no madvise). This is the
 * workload the 0-day and Phoronix reports against memcg rstat flushing
 * were found with: every fault charges a page and updates memcg stats.
 *
 * Kernel paths: mode 1 (anonymous, page_fault1): do_anonymous_page ->
 * mem_cgroup_charge (try_charge, the charge batch) -> memcg_rstat_updated
 * (NR_ANON_MAPPED, LRU sizes, PGFAULT event), and on munmap zap_pte_range ->
 * folio uncharge (uncharge_batch). Mode 2 (private file mapping,
 * page_fault2): filemap_fault of a sparse file in the run's workdir (page
 * cache charged, NR_FILE_PAGES) then do_cow_fault (an anonymous copy
 * charged), both uncharged on munmap / when the file goes. memory.stat
 * fields that must move in the page-fault cgroup: pgfault (v1 and v2) by
 * about one per operation; while it runs anon, active_anon/inactive_anon
 * (v1: rss), mode 2 also file (v1: cache).
 *
 * Each worker is pinned to one CPU (round robin over the CPUs it may use), as
 * will-it-scale binds its tasks. Under the TCG instruction-count plugin, its
 * mmap, each page touch and its munmap are marked as work (insn-marker.h):
 * instructions per operation are what ran inside them over the pages touched
 * (insn-work.tsv, metric insn:page-fault:kernel_per_op).
 *
 * The controller stays in patchbench's own cgroup; the workers, each in the
 * cgroup, count in a shared page. Result: page-fault.tsv (memcg-wl.h rows):
 * operations per second per process (the mean over the processes, each
 * over its own time), their sum, the pgfault delta of memory.stat.
 * SIGTERM (the run's --duration) ends the measurement early; the rows are
 * written all the same.
 */
#include "workload.h"
#include "insn-marker.h"
#include "memcg-wl.h"
#include "memstat.h"
#include "run-opts.h"
#include "runner.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct option pf_params[] = {
	{ "mode", 0, OPT_INT, offsetof(struct pf_params, mode), "1", "1|2",
	  "1: anonymous memory (page_fault1), 2: private mapping of a file (page_fault2)",
	  NULL, 1, 2 },
	{ "procs", 0, OPT_INT, offsetof(struct pf_params, procs), "0", "N",
	  "processes in the cgroup (0: by scale, smoke 2, small and full one per CPU)", NULL, 0, 1024 },
	{ "size", 0, OPT_SIZE, offsetof(struct pf_params, size), "0", "SIZE",
	  "bytes each process maps and touches (0: by scale, smoke 16M, small 64M, full 128M)" },
	{ "time", 0, OPT_DURATION, offsetof(struct pf_params, time), "0", "TIME",
	  "how long to fault (0: by scale, smoke 3s, small 10s, full 30s)" },
	{ NULL },
};

/* One worker's counts, written by it, read by the controller. */
struct pf_slot {
	volatile uint64_t ops;
	volatile int64_t t0, t1;	/* its first and latest fault, monotonic ns */
	int cpu;			/* pinned to, or -1 */
	int thp_off;			/* mwl_thp_off() held */
};

struct pf_shared {
	volatile int go, stop;
	struct pf_slot w[];
};

struct pf_ctl {
	struct wl_inst *wi;
	struct pf_params p;	/* resolved */
	struct pf_shared *sh;
	size_t shlen;
	char *dir;		/* <workdir>/page-fault: the files of mode 2 */
	int index;		/* of the worker being spawned */
};

static int pf_resolve(const struct run *r, const struct pf_params *p, struct pf_params *out,
		      char *err, size_t errlen)
{
	return mwl_pf_resolve(p, (int)r->scale, r->cpus, mwl_mem_total(), out, err, errlen);
}

static int pf_check(struct run *r, void *params, char *err, size_t errlen)
{
	struct pf_params out;

	return pf_resolve(r, params, &out, err, errlen);
}

/* --target vm: the guest's memory and CPUs, not the host's. */
static int pf_vm_prepare(const struct run_opts *host, struct run_opts *guest, const char *cache,
			 char *err, size_t errlen)
{
	struct pf_params out;

	return mwl_pf_resolve(run_opts_wl(host, &wl_page_fault), mwl_scale(host->scale),
			      (unsigned)host->vm_cpus, host->vm_mem, &out, err, errlen);
}

/*
 * Pin the calling worker to the (@index mod n)-th CPU it may run on, as
 * will-it-scale binds its tasks: under the instruction-count plugin a part of
 * the work begins and ends on one vCPU. Return: the CPU, or -1 (not pinned:
 * the counts are then only as good as the scheduler keeps it in place).
 */
static int pf_pin(int index)
{
	cpu_set_t set, one;
	int cpu, k = 0, n = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		return -1;
	n = CPU_COUNT(&set);
	if (n < 1)
		return -1;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &set) || k++ != index % n)
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		return sched_setaffinity(0, sizeof(one), &one) ? -1 : cpu;
	}
	return -1;
}

static int pf_worker(void *arg)
{
	struct pf_ctl *c = arg;
	struct pf_slot *s = &c->sh->w[c->index];
	size_t ps = c->wi->run->page_size, len = c->p.size, off;
	uint64_t ops = 0;
	int fd = -1;

	if (c->p.mode == 2) {
		char *path = xasprintf("%s/f-%d", c->dir, c->index);

		/* page_fault2: a sparse file, unlinked at once so that nothing outlives us */
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0 || unlink(path) < 0 || ftruncate(fd, (off_t)len) < 0) {
			fprintf(stderr, "page-fault: cannot make '%s': %s\n", path, strerror(errno));
			return 1;
		}
		free(path);
	}
	s->cpu = pf_pin(c->index);
	s->thp_off = !mwl_thp_off();
	while (!c->sh->go && !c->sh->stop)
		usleep(1000);
	s->t0 = s->t1 = now_ns();
	while (!c->sh->stop) {
		char *m;

		/* work markers (insn-marker.h): mmap, each touch (one op), munmap */
		PB_MARK(PB_MARK_WORK_BEGIN);
		m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
			 (fd < 0 ? MAP_ANONYMOUS : 0), fd, 0);
		if (m != MAP_FAILED)
			madvise(m, len, MADV_NOHUGEPAGE);
		PB_MARK(PB_MARK_WORK_END);
		if (m == MAP_FAILED) {
			fprintf(stderr, "page-fault: cannot map %zu bytes: %s\n", len,
				strerror(errno));
			return 1;
		}
		for (off = 0; off < len; off += ps) {
			PB_MARK(PB_MARK_WORK_BEGIN);
			m[off] = 0;
			PB_MARK(PB_MARK_WORK_OP);
			ops++;
			/* every 256 faults: publish, and look whether to stop */
			if (!(ops & 255)) {
				s->ops = ops;
				s->t1 = now_ns();
				if (c->sh->stop)
					break;
			}
		}
		PB_MARK(PB_MARK_WORK_BEGIN);
		munmap(m, len);
		PB_MARK(PB_MARK_WORK_END);
		s->ops = ops;
		s->t1 = now_ns();
	}
	return 0;
}

/* pgfault of the cgroup's memory.stat, or -1. */
static int64_t pf_pgfault(const char *stat)
{
	return mwl_file_key(stat, "pgfault");
}

static int pf_main(void *arg)
{
	struct pf_ctl *c = arg;
	struct wl_inst *wi = c->wi;
	const struct cg_node *node = &wi->run->tree.nodes[wi->node];
	char *stat = xasprintf("%s/memory.stat", node->mem_path);
	char *out = run_path(wi->run, "page-fault.tsv");
	struct strbuf sb = STRBUF_INIT;
	pid_t *pids = xcalloc(c->p.procs, sizeof(*pids));
	int64_t f0, f1, h0, h1, t0, end;
	double sum = 0, mean;
	uint64_t ops = 0;
	int i, ret = 0, status, failed = 0, pinned = 0, thp_off = 0;
	char src[256];

	mwl_catch_term();
	printf("page-fault: mode %d (%s), %d processes x %llu bytes, %lld ms, in %s\n", c->p.mode,
	       c->p.mode == 1 ? "anonymous" : "private file mapping", c->p.procs,
	       (unsigned long long)c->p.size, (long long)(c->p.time / NSEC_PER_MSEC),
	       node->mem_path);
	fflush(stdout);
	f0 = pf_pgfault(stat);
	h0 = mwl_file_key(stat, "thp_fault_alloc");
	for (i = 0; i < c->p.procs; i++) {
		c->index = i;
		pids[i] = cg_spawn(&wi->run->tree, node, -1, pf_worker, c);
		if (pids[i] < 0) {
			fprintf(stderr, "page-fault: cannot start a process in '%s': %s\n",
				node->mem_path, strerror(-pids[i]));
			pids[i] = 0;
			ret = 1;
			break;
		}
	}
	t0 = now_ns();
	end = t0 + c->p.time;
	c->sh->go = 1;
	while (!ret && !mwl_stop && now_ns() < end)
		usleep(50000);
	c->sh->stop = 1;
	for (i = 0; i < c->p.procs; i++) {
		if (pids[i] > 0 && (waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) ||
				    WEXITSTATUS(status)))
			failed++;
	}
	f1 = pf_pgfault(stat);
	h1 = mwl_file_key(stat, "thp_fault_alloc");
	if (failed) {
		fprintf(stderr, "page-fault: %d of %d processes failed\n", failed, c->p.procs);
		ret = 1;
	}
	sb_adds(&sb, MWL_RESULT_HEADER);
	for (i = 0; i < c->p.procs; i++) {
		const struct pf_slot *s = &c->sh->w[i];
		double secs = (double)(s->t1 - s->t0) / 1e9;
		double rate = secs > 0 ? (double)s->ops / secs : 0;
		char name[64];

		pinned += s->cpu >= 0;
		thp_off += s->thp_off;
		snprintf(name, sizeof(name), "proc-%d:ops_per_sec", i);
		mwl_row(&sb, name, rate, "ops/s", "clock: pages touched / the process's own time");
		sum += rate;
		ops += s->ops;
	}
	mean = c->p.procs ? sum / c->p.procs : 0;
	snprintf(src, sizeof(src), "clock: mean over %d processes of pages touched / own time",
		 c->p.procs);
	mwl_row(&sb, "ops_per_sec_per_proc", mean, "ops/s", src);
	mwl_row(&sb, "ops_per_sec", sum, "ops/s", "clock: the sum over the processes");
	mwl_row(&sb, "ops", (double)ops, "pages", "pages touched, counted by the processes");
	snprintf(src, sizeof(src), "memory.stat:pgfault of %s, after - before", node->rel);
	if (f0 >= 0 && f1 >= f0)
		mwl_row(&sb, "faults", (double)(f1 - f0), "faults", src);
	else
		mwl_row_absent(&sb, "faults", "faults", "memory.stat has no pgfault");
	if (f0 >= 0 && f1 >= f0 && ops)
		mwl_row(&sb, "faults_per_op", (double)(f1 - f0) / (double)ops, "ratio",
			"faults / ops: 1 with one 4K fault a page (thp_faults 0)");
	mwl_row(&sb, "procs", c->p.procs, "count", "--page-fault-procs");
	mwl_row(&sb, "pinned", pinned, "count", "processes pinned to one CPU each, round robin");
	mwl_row(&sb, "thp_off", thp_off, "count", "processes with PR_SET_THP_DISABLE (one fault a page)");
	snprintf(src, sizeof(src), "memory.stat:thp_fault_alloc of %s, after - before", node->rel);
	if (h0 >= 0 && h1 >= h0)
		mwl_row(&sb, "thp_faults", (double)(h1 - h0), "faults", src);
	else
		mwl_row_absent(&sb, "thp_faults", "faults", "memory.stat has no thp_fault_alloc");
	mwl_row(&sb, "mode", c->p.mode, "mode", "--page-fault-mode");
	mwl_row(&sb, "size", (double)c->p.size, "bytes", "--page-fault-size");
	if (write_atomic(out, sb.buf, sb.len)) {
		fprintf(stderr, "page-fault: cannot write '%s'\n", out);
		ret = 1;
	} else {
		printf("page-fault: %llu faults, %.0f ops/s per process (%d processes), "
		       "memory.stat pgfault +%lld; wrote %s\n", (unsigned long long)ops, mean,
		       c->p.procs, (long long)(f1 - f0), out);
	}
	fflush(stdout);
	sb_release(&sb);
	free(pids);
	free(stat);
	free(out);
	return ret;
}

static int pf_start(struct wl_inst *wi)
{
	struct pf_ctl *c = xcalloc(1, sizeof(*c));
	char err[256];
	void *sh;
	int ret;

	wi->priv = c;
	c->wi = wi;
	if (pf_resolve(wi->run, wi->params, &c->p, err, sizeof(err))) {
		pr_err("%s", err);
		return -EINVAL;
	}
	c->shlen = sizeof(*c->sh) + (size_t)c->p.procs * sizeof(c->sh->w[0]);
	sh = mmap(NULL, c->shlen, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return -errno;
	c->sh = sh;
	for (int i = 0; i < c->p.procs; i++)
		c->sh->w[i].cpu = -1;
	c->dir = xasprintf("%s/page-fault", wi->run->workdir);
	ret = mkdir_p(c->dir, 0755);
	if (ret) {
		pr_err("cannot create '%s': %s", c->dir, strerror(-ret));
		return ret;
	}
	return run_spawn(wi, true, pf_main, c);
}

static enum wl_state pf_exited(struct wl_inst *wi, int code)
{
	(void)wi;
	return code ? WL_FAILED : WL_DONE;
}

static void pf_progress(struct wl_inst *wi, char *buf, size_t len)
{
	const struct pf_ctl *c = wi->priv;
	uint64_t ops = 0;
	int i;

	for (i = 0; c && c->sh && i < c->p.procs; i++)
		ops += c->sh->w[i].ops;
	snprintf(buf, len, "%llu faults", (unsigned long long)ops);
}

static void pf_cleanup(struct wl_inst *wi)
{
	struct pf_ctl *c = wi->priv;

	if (!c)
		return;
	if (c->dir)
		remove_tree(c->dir);
	if (c->sh)
		munmap(c->sh, c->shlen);
	free(c->dir);
	free(c);
	wi->priv = NULL;
}

const struct workload wl_page_fault = {
	.name = "page-fault",
	.summary = "fault in and unmap anonymous or file memory in N processes (will-it-scale "
		   "page_fault1/2)",
	.node = "page-fault",
	.cgroups = "page-fault",
	.params = pf_params,
	.params_size = sizeof(struct pf_params),
	.check = pf_check,
	.start = pf_start,
	.exited = pf_exited,
	.progress = pf_progress,
	.cleanup = pf_cleanup,
	.vm_prepare = pf_vm_prepare,
};
