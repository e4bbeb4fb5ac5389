// SPDX-License-Identifier: GPL-2.0
/*
 * wl-reclaim.c - a memory cgroup held below its working set: mmtests'
 * memcg configs and lkp's *-cgroup2 jobs, small. The "reclaim" cgroup gets
 * memory.high (v2) or memory.limit_in_bytes (v1) = --reclaim-limit, and two
 * processes in it: one streams a --reclaim-file file of the run's workdir
 * (sequential reads, over and over), the other writes every page of
 * --reclaim-anon bytes of anonymous memory, over and over. Their sum is
 * above the limit, so every new page-cache page must come from reclaim of
 * the cgroup's own pages.
 *
 * Kernel paths: filemap_read -> page_cache_ra_unbounded -> filemap_add_folio
 * -> mem_cgroup_charge -> try_charge: over memory.high, mem_cgroup_handle_
 * over_high -> reclaim_high -> try_to_free_mem_cgroup_pages (v2); over the
 * v1 limit, try_charge's own try_to_free_mem_cgroup_pages (failcnt +1 per
 * failed charge) -> shrink_lruvec / shrink_inactive_list (or MGLRU's
 * evict_folios), workingset_eviction shadow entries, and on the next pass
 * workingset_refault / workingset_activate. Anonymous memory cannot be
 * reclaimed without swap; with --reclaim-anon above the limit the cgroup
 * OOMs (mem_cgroup_out_of_memory): a counted event, the worker is started
 * again. memory.stat fields that must move in the cgroup (v2): pgscan,
 * pgsteal, workingset_refault_file, workingset_activate_file, file
 * staying near limit - anon; memory.events high (v2) or memory.failcnt
 * (v1). v1's memory.stat has no pgscan/pgsteal: the rows then come from
 * /proc/vmstat pgscan_file/pgsteal_file (system-wide, which memcg reclaim
 * counts there too) and say so; v1 on newer kernels has workingset_refault_*.
 *
 * The controller stays in patchbench's own cgroup, where the cgroup's OOM
 * killer cannot pick it. If it is killed all the same, the run fails with
 * that reason. Result: reclaim.tsv (memcg-wl.h rows).
 */
#include "workload.h"
#include "guest.h"
#include "memcg-wl.h"
#include "run-opts.h"
#include "runner.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct option reclaim_params[] = {
	{ "limit", 0, OPT_SIZE, offsetof(struct reclaim_params, limit), "0", "SIZE",
	  "memory.high (v2) / memory.limit_in_bytes (v1) (0: by scale, smoke 64M, small 256M, full 1G)" },
	{ "file", 0, OPT_SIZE, offsetof(struct reclaim_params, file), "0", "SIZE",
	  "the file streamed through the cgroup (0: twice the limit)" },
	{ "anon", 0, OPT_SIZE, offsetof(struct reclaim_params, anon), "0", "SIZE",
	  "anonymous memory touched over and over (0: half the limit)" },
	{ "time", 0, OPT_DURATION, offsetof(struct reclaim_params, time), "0", "TIME",
	  "how long (0: by scale, smoke 3s, small 10s, full 30s)" },
	{ NULL },
};

#define RECLAIM_CHUNK (256u << 10)
#define RECLAIM_MAX_RESTARTS 1000

struct rc_shared {
	volatile int stop;
	volatile uint64_t bytes;	/* read by the streamer */
	volatile uint64_t pages;	/* touched by the toucher */
};

enum { W_STREAM, W_TOUCH, NR_WORKERS };
static const char *const worker_names[NR_WORKERS] = { "streamer", "toucher" };

struct reclaim_ctl {
	struct wl_inst *wi;
	struct reclaim_params p;	/* resolved */
	struct rc_shared *sh;
	char *dir, *file;
	bool v2;
	bool disk;			/* dir is a guest_scratch_disk() */
};

static int reclaim_check(struct run *r, void *params, char *err, size_t errlen)
{
	struct reclaim_params out;

	return mwl_reclaim_resolve(params, (int)r->scale, mwl_mem_total(), &out, err, errlen);
}

static int reclaim_vm_prepare(const struct run_opts *host, struct run_opts *guest,
			      const char *cache, char *err, size_t errlen)
{
	struct reclaim_params out;

	return mwl_reclaim_resolve(run_opts_wl(host, &wl_reclaim), mwl_scale(host->scale),
				   host->vm_mem, &out, err, errlen);
}

static int streamer(void *arg)
{
	struct reclaim_ctl *c = arg;
	static char buf[RECLAIM_CHUNK];
	int fd = open(c->file, O_RDONLY | O_CLOEXEC);
	off_t off = 0;

	if (fd < 0) {
		fprintf(stderr, "reclaim: cannot open '%s': %s\n", c->file, strerror(errno));
		return 1;
	}
	while (!c->sh->stop) {
		ssize_t n = pread(fd, buf, sizeof(buf), off);

		if (n < 0) {
			fprintf(stderr, "reclaim: cannot read '%s': %s\n", c->file, strerror(errno));
			return 1;
		}
		off = n ? off + n : 0;
		__atomic_add_fetch(&c->sh->bytes, (uint64_t)n, __ATOMIC_RELAXED);
	}
	return 0;
}

static int toucher(void *arg)
{
	struct reclaim_ctl *c = arg;
	size_t ps = c->wi->run->page_size, len = c->p.anon, off;
	char *m;
	uint64_t n = 0;

	mwl_thp_off();	/* 4K pages, as the limit counts them; the guest has no madvise */
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		fprintf(stderr, "reclaim: cannot map %zu bytes: %s\n", len, strerror(errno));
		return 1;
	}
	madvise(m, len, MADV_NOHUGEPAGE);
	while (!c->sh->stop) {
		for (off = 0; off < len && !c->sh->stop; off += ps) {
			m[off]++;
			if (!(++n & 255))
				__atomic_add_fetch(&c->sh->pages, 256, __ATOMIC_RELAXED);
		}
	}
	return 0;
}

/*
 * The file, written from outside the cgroup and kept out of the page cache:
 * with O_DIRECT where the filesystem has it (the guest's ext2 on zram, most
 * disks), else written and then dropped with fadvise (a kernel without
 * CONFIG_ADVISE_SYSCALLS, as the smoke guest's tinyconfig, cannot).
 */
static int make_file(const struct reclaim_ctl *c)
{
	static char buf[1 << 20] __attribute__((aligned(4096)));
	uint64_t left = c->p.file;
	bool direct = true;
	int fd, ret = 0;

	memset(buf, 0x5a, sizeof(buf));
	fd = open(c->file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_DIRECT, 0600);
	if (fd < 0 && errno == EINVAL) {	/* tmpfs: no O_DIRECT */
		direct = false;
		fd = open(c->file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	}
	if (fd < 0)
		return -errno;
	while (left && !ret) {
		size_t n = left < sizeof(buf) ? (size_t)left : sizeof(buf);

		if (direct && n % 4096) {	/* a tail O_DIRECT cannot write */
			direct = false;
			if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_DIRECT) < 0)
				ret = -errno;
		}
		if (!ret && write(fd, buf, n) != (ssize_t)n)
			ret = errno ? -errno : -EIO;
		left -= n;
	}
	/* clean pages can be dropped: the cgroup's reads then charge them to it */
	if (!ret && fdatasync(fd) < 0)
		ret = -errno;
	/*
	 * Best effort: tmpfs (the guest's workdir without its scratch disk) has
	 * no such thing, and there the file is shmem, charged to the writer,
	 * not the cgroup: said in the log.
	 */
	if (!ret && !direct && posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED))
		printf("reclaim: cannot drop '%s' from the page cache (a tmpfs?): its reads "
		       "charge nothing to the cgroup, only the anonymous memory presses it\n",
		       c->file);
	close(fd);
	return ret;
}

/* What one snapshot of the kernel's counters holds. */
struct rc_snap {
	struct strbuf stat, vmstat, events;	/* memory.stat, /proc/vmstat, memory.events */
	int64_t failcnt, oom_kill;		/* v1 */
};

static void snap_take(const struct reclaim_ctl *c, const char *node, struct rc_snap *s)
{
	char *p = xasprintf("%s/memory.stat", node);

	memset(s, 0, sizeof(*s));
	read_file(p, &s->stat);
	free(p);
	read_file("/proc/vmstat", &s->vmstat);
	if (c->v2) {
		p = xasprintf("%s/memory.events", node);
		read_file(p, &s->events);
	} else {
		p = xasprintf("%s/memory.failcnt", node);
		s->failcnt = mwl_file_num(p);
		free(p);
		p = xasprintf("%s/memory.oom_control", node);
		s->oom_kill = mwl_file_key(p, "oom_kill");
	}
	free(p);
}

static void snap_release(struct rc_snap *s)
{
	sb_release(&s->stat);
	sb_release(&s->vmstat);
	sb_release(&s->events);
}

/* after - before of @key in the text of one file, NAN if either lacks it */
static double delta(const struct strbuf *a, const struct strbuf *b, const char *key)
{
	int64_t x = a->buf ? mwl_flat_key(a->buf, a->len, key) : -1;
	int64_t y = b->buf ? mwl_flat_key(b->buf, b->len, key) : -1;

	return x < 0 || y < 0 ? NAN : (double)(y - x);
}

static void rows_stat(struct strbuf *sb, const struct rc_snap *a, const struct rc_snap *b,
		      const char *rel, const char *const *keys)
{
	char src[256];

	for (; *keys; keys++) {
		double d = delta(&a->stat, &b->stat, *keys);

		snprintf(src, sizeof(src), "memory.stat:%s of %s, after - before", *keys, rel);
		if (isnan(d))
			mwl_row_absent(sb, *keys, "pages", "not in this kernel's memory.stat");
		else
			mwl_row(sb, *keys, d, "pages", src);
	}
}

static void write_rows(const struct reclaim_ctl *c, struct strbuf *sb, const struct rc_snap *a,
		       const struct rc_snap *b, double secs, int restarts[])
{
	static const char *const v2_keys[] = { "pgscan", "pgsteal", "workingset_refault_file",
		"workingset_refault_anon", "workingset_activate_file", "workingset_restore_file",
		"pgmajfault", NULL };
	static const char *const v1_keys[] = { "workingset_refault_file",
		"workingset_refault_anon", "pgmajfault", "pgpgin", "pgpgout", NULL };
	static const char *const vm_keys[] = { "pgscan_file", "pgscan_anon", "pgsteal_file",
		"pgsteal_anon", "workingset_refault_file", NULL };
	const char *rel = c->wi->run->tree.nodes[c->wi->node].rel;
	const char *const *k;
	char name[64], src[256];

	sb_adds(sb, MWL_RESULT_HEADER);
	mwl_row(sb, "read_mib_per_sec", secs > 0 ? (double)c->sh->bytes / secs / 1048576.0 : 0,
		"MiB/s", "clock: bytes the streamer read / the measured time");
	mwl_row(sb, "touch_pages_per_sec", secs > 0 ? (double)c->sh->pages / secs : 0,
		"pages/s", "clock: anonymous pages the toucher wrote / the measured time");
	mwl_row(sb, "read_bytes", (double)c->sh->bytes, "bytes", "counted by the streamer");
	mwl_row(sb, "seconds", secs, "s", "clock: the measured time");
	rows_stat(sb, a, b, rel, c->v2 ? v2_keys : v1_keys);
	if (!c->v2) {
		/* v1 memory.stat has no pgscan/pgsteal: the system-wide counts stand in */
		double scan = delta(&a->vmstat, &b->vmstat, "pgscan_file") +
			      delta(&a->vmstat, &b->vmstat, "pgscan_anon");
		double steal = delta(&a->vmstat, &b->vmstat, "pgsteal_file") +
			       delta(&a->vmstat, &b->vmstat, "pgsteal_anon");

		mwl_row(sb, "pgscan", scan, "pages", "vmstat:pgscan_file + pgscan_anon, "
			"system-wide (v1 memory.stat has no pgscan)");
		mwl_row(sb, "pgsteal", steal, "pages", "vmstat:pgsteal_file + pgsteal_anon, "
			"system-wide (v1 memory.stat has no pgsteal)");
	}
	for (k = vm_keys; *k; k++) {
		snprintf(name, sizeof(name), "vmstat:%s", *k);
		mwl_row(sb, name, delta(&a->vmstat, &b->vmstat, *k), "pages",
			"/proc/vmstat, system-wide, after - before");
	}
	if (c->v2) {
		static const char *const ev[] = { "low", "high", "max", "oom", "oom_kill", NULL };

		for (k = ev; *k; k++) {
			snprintf(name, sizeof(name), "events:%s", *k);
			snprintf(src, sizeof(src), "memory.events:%s of %s, after - before", *k,
				 rel);
			mwl_row(sb, name, delta(&a->events, &b->events, *k), "events", src);
		}
		mwl_row_absent(sb, "failcnt", "events", "cgroup v2 has no memory.failcnt");
	} else {
		snprintf(src, sizeof(src), "memory.failcnt of %s, after - before", rel);
		mwl_row(sb, "failcnt", a->failcnt >= 0 && b->failcnt >= 0 ?
			(double)(b->failcnt - a->failcnt) : NAN, "events", src);
		snprintf(src, sizeof(src), "memory.oom_control:oom_kill of %s, after - before", rel);
		mwl_row(sb, "events:oom_kill", a->oom_kill >= 0 && b->oom_kill >= 0 ?
			(double)(b->oom_kill - a->oom_kill) : NAN, "events", src);
		mwl_row_absent(sb, "events:high", "events", "cgroup v1 has no memory.events");
	}
	for (int w = 0; w < NR_WORKERS; w++) {
		snprintf(name, sizeof(name), "restarts:%s", worker_names[w]);
		mwl_row(sb, name, restarts[w], "count",
			"workers killed by SIGKILL (the cgroup's OOM killer) and started again");
	}
	mwl_row(sb, "limit", (double)c->p.limit, "bytes", c->v2 ? "memory.high" :
		"memory.limit_in_bytes");
	mwl_row(sb, "file", (double)c->p.file, "bytes", "--reclaim-file");
	mwl_row(sb, "anon", (double)c->p.anon, "bytes", "--reclaim-anon");
}

static int reclaim_main(void *arg)
{
	static int (*const fns[NR_WORKERS])(void *) = { streamer, toucher };
	struct reclaim_ctl *c = arg;
	struct wl_inst *wi = c->wi;
	const struct cg_node *node = &wi->run->tree.nodes[wi->node];
	char *limit = xasprintf("%s/%s", node->mem_path, c->v2 ? "memory.high" :
				"memory.limit_in_bytes");
	char *out = run_path(wi->run, "reclaim.tsv");
	struct strbuf sb = STRBUF_INIT;
	pid_t pids[NR_WORKERS] = { 0 };
	int restarts[NR_WORKERS] = { 0 };
	struct rc_snap a, b;
	int64_t t0, end, t1;
	char val[32];
	int i, ret = 0, status;

	mwl_catch_term();
	printf("reclaim: %s = %llu, file %llu bytes, anon %llu bytes, %lld ms, in %s\n",
	       path_base(limit), (unsigned long long)c->p.limit, (unsigned long long)c->p.file,
	       (unsigned long long)c->p.anon, (long long)(c->p.time / NSEC_PER_MSEC),
	       node->mem_path);
	fflush(stdout);
	ret = make_file(c);
	if (ret) {
		fprintf(stderr, "reclaim: cannot write '%s': %s\n", c->file, strerror(-ret));
		goto out;
	}
	snprintf(val, sizeof(val), "%llu", (unsigned long long)c->p.limit);
	ret = write_file_str(limit, val);
	if (ret) {
		fprintf(stderr, "reclaim: cannot write '%s' to '%s': %s\n", val, limit,
			strerror(-ret));
		goto out;
	}
	snap_take(c, node->mem_path, &a);
	t0 = now_ns();
	end = t0 + c->p.time;
	for (i = 0; i < NR_WORKERS && !ret; i++) {
		pids[i] = cg_spawn(&wi->run->tree, node, -1, fns[i], c);
		if (pids[i] < 0) {
			fprintf(stderr, "reclaim: cannot start the %s in '%s': %s\n",
				worker_names[i], node->mem_path, strerror(-pids[i]));
			pids[i] = 0;
			ret = -EIO;
		}
	}
	while (!ret && !mwl_stop && now_ns() < end) {
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid <= 0) {
			usleep(20000);
			continue;
		}
		for (i = 0; i < NR_WORKERS && pids[i] != pid; i++)
			;
		if (i == NR_WORKERS)
			continue;
		pids[i] = 0;
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
			fprintf(stderr, "reclaim: the %s ended (%s %d) before its time\n",
				worker_names[i], WIFEXITED(status) ? "exit" : "signal",
				WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
			ret = -EIO;
			break;
		}
		/* the cgroup's OOM killer: counted, and the worker goes on */
		if (++restarts[i] > RECLAIM_MAX_RESTARTS) {
			fprintf(stderr, "reclaim: the %s was killed %d times: giving up\n",
				worker_names[i], restarts[i] - 1);
			ret = -EIO;
			break;
		}
		printf("reclaim: the %s was killed (SIGKILL, the OOM killer?): started again\n",
		       worker_names[i]);
		fflush(stdout);
		pids[i] = cg_spawn(&wi->run->tree, node, -1, fns[i], c);
		if (pids[i] < 0) {
			pids[i] = 0;
			ret = -EIO;
		}
	}
	c->sh->stop = 1;
	for (i = 0; i < NR_WORKERS; i++)
		if (pids[i] > 0)
			waitpid(pids[i], &status, 0);
	t1 = now_ns();
	snap_take(c, node->mem_path, &b);
	write_rows(c, &sb, &a, &b, (double)(t1 - t0) / 1e9, restarts);
	snap_release(&a);
	snap_release(&b);
	if (write_atomic(out, sb.buf, sb.len)) {
		fprintf(stderr, "reclaim: cannot write '%s'\n", out);
		ret = -EIO;
	} else {
		printf("reclaim: %.1f MiB read, %llu anonymous pages written; wrote %s\n",
		       (double)c->sh->bytes / 1048576.0, (unsigned long long)c->sh->pages, out);
	}
	fflush(stdout);
out:
	unlink(c->file);
	sb_release(&sb);
	free(limit);
	free(out);
	return ret ? 1 : 0;
}

static int reclaim_start(struct wl_inst *wi)
{
	struct reclaim_ctl *c = xcalloc(1, sizeof(*c));
	char err[256];
	void *sh;
	int ret;

	wi->priv = c;
	c->wi = wi;
	c->v2 = wi->run->layout.version == CG_V2;
	if (mwl_reclaim_resolve(wi->params, (int)wi->run->scale, 0, &c->p, err, sizeof(err))) {
		pr_err("%s", err);
		return -EINVAL;
	}
	sh = mmap(NULL, sizeof(*c->sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		  0);
	if (sh == MAP_FAILED)
		return -errno;
	c->sh = sh;
	c->dir = xasprintf("%s/reclaim", wi->run->workdir);
	c->file = xasprintf("%s/stream", c->dir);
	ret = mkdir_p(c->dir, 0755);
	if (ret) {
		pr_err("cannot create '%s': %s", c->dir, strerror(-ret));
		return ret;
	}
	/*
	 * In a guest the workdir is a tmpfs, where the file would be shmem:
	 * charged to its writer and, without swap, not reclaimable. An ext2 on
	 * zram behaves like a disk: the cgroup's reads charge clean page cache
	 * to it that reclaim can drop.
	 */
	if (wi->run->o->target_label) {
		char *log = run_path(wi->run, "reclaim-disk.log");

		ret = guest_scratch_disk(c->dir, c->p.file + (64ULL << 20), log, err,
					 sizeof(err));
		if (ret) {
			printf("reclaim: warning: %s: the file stays on the tmpfs\n", err);
		} else {
			c->disk = true;
			unlink(log);
		}
		free(log);
	}
	return run_spawn(wi, true, reclaim_main, c);
}

static enum wl_state reclaim_exited(struct wl_inst *wi, int code)
{
	struct run *r = wi->run;

	if (code == 128 + SIGKILL && !r->stopping && !r->error) {
		/* not a worker: the controller itself, outside the limited cgroup */
		r->error = xasprintf("workload reclaim: its controller was killed by SIGKILL "
				     "(the OOM killer of the machine, not of the cgroup?); see "
				     "%s/%s", r->dir, wi->log);
		r->status = RUN_FAILED;
	}
	return code ? WL_FAILED : WL_DONE;
}

static void reclaim_progress(struct wl_inst *wi, char *buf, size_t len)
{
	const struct reclaim_ctl *c = wi->priv;

	if (!c || !c->sh)
		snprintf(buf, len, "starting");
	else
		snprintf(buf, len, "%.0f MiB read", (double)c->sh->bytes / 1048576.0);
}

static void reclaim_cleanup(struct wl_inst *wi)
{
	struct reclaim_ctl *c = wi->priv;

	if (!c)
		return;
	if (c->disk)
		guest_scratch_disk_release(c->dir);
	if (c->dir)
		remove_tree(c->dir);
	if (c->sh)
		munmap(c->sh, sizeof(*c->sh));
	free(c->dir);
	free(c->file);
	free(c);
	wi->priv = NULL;
}

const struct workload wl_reclaim = {
	.name = "reclaim",
	.summary = "stream a file and touch anonymous memory in a cgroup limited below its "
		   "working set",
	.node = "reclaim",
	.cgroups = "reclaim",
	.params = reclaim_params,
	.params_size = sizeof(struct reclaim_params),
	.check = reclaim_check,
	.start = reclaim_start,
	.exited = reclaim_exited,
	.progress = reclaim_progress,
	.cleanup = reclaim_cleanup,
	.vm_prepare = reclaim_vm_prepare,
};
