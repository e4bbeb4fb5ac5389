// SPDX-License-Identifier: GPL-2.0
/*
 * wl-cgroup-churn.c - memory cgroups made and removed at scale, each with a
 * process in it that leaves page cache behind: the percpu memcg accounting
 * (seed 003) and the memcg lifetime / dying-memcg (seed 004) cases. In
 * batches of --cgroup-churn-batch, --cgroup-churn-cgroups children c-N of
 * the "cgchurn" cgroup are created, a process runs in each (it writes
 * --cgroup-churn-pages pages of a file f-N of the run's workdir and
 * touches a few anonymous pages), and the children are removed. Their
 * files keep them alive as dying (offline) memcgs until the end, when the
 * files are unlinked and the dying ones are freed.
 *
 * Kernel paths: cgroup_mkdir -> mem_cgroup_css_alloc (mem_cgroup_alloc:
 * the percpu vmstats and lruvec stats, charged to the parent with
 * __GFP_ACCOUNT -> obj_cgroup_charge_percpu / MEMCG_PERCPU_B) and
 * css_online; fork and exit in the child (kernel stack, task); filemap
 * charging; cgroup_rmdir -> css_offline (mem_cgroup_css_offline,
 * memcg_offline_kmem -> memcg_reparent_objcgs) with the memcg kept by its
 * page cache; unlink -> truncate -> uncharge -> the last css_put ->
 * css_free (mem_cgroup_css_free, the percpu freed). memory.stat fields
 * that must move in cgchurn (v2): percpu (up with every child alive or
 * dying, down when the dying ones are freed), file (the children's page
 * cache, reparented stats), kernel_stack; cgroup.stat nr_dying_descendants
 * (v2). v1 has no percpu in memory.stat and no cgroup.stat: the dying
 * count there is /proc/cgroups' memory num_cgroups against the count
 * before, which counts the rest of the machine too; /proc/meminfo Percpu
 * is system-wide on both.
 *
 * Results: cgroup-churn.tsv (memcg-wl.h rows: created, removed, dying
 * peak and end, percpu) and cgroup-churn-samples.tsv (the same counts over
 * time, after each batch's creation and removal and while the dying ones
 * are freed at the end).
 */
#include "workload.h"
#include "memcg-wl.h"
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

static const struct option churn2_params[] = {
	{ "cgroups", 0, OPT_INT, offsetof(struct churn2_params, cgroups), "0", "N",
	  "cgroups created and removed in all (0: by scale, smoke 200, small 1000, full 10000)", NULL, 0,
	  CHURN2_MAX_CGROUPS },
	{ "batch", 0, OPT_INT, offsetof(struct churn2_params, batch), "10", "N",
	  "cgroups alive at a time (created together, removed together)", NULL, 1,
	  CHURN2_MAX_CGROUPS },
	{ "pages", 0, OPT_INT, offsetof(struct churn2_params, pages), "4", "N",
	  "page-cache pages each cgroup's process leaves behind (0: none, no dying cgroups)",
	  NULL, 0, 65536 },
	{ NULL },
};

/* Written by the controller, read by the progress hook. */
struct ch_status {
	volatile int created, removed;
	volatile long dying;
};

struct ch_ctl {
	struct wl_inst *wi;
	struct churn2_params p;	/* resolved */
	struct ch_status *st;
	char *node;		/* the cgchurn directory */
	char *dir;		/* <workdir>/cgroup-churn: the f-N files */
	bool v2;
	int index;		/* of the child being spawned */
	int memcgs0;		/* /proc/cgroups memory count before (v1) */
	int64_t t0;
	struct strbuf samples;
	long dying_max, dying_end;
	int64_t pc0, pc_max, pc_end;	/* memory.stat percpu (v2), -1 if none */
	int64_t mi0, mi_max, mi_end;	/* /proc/meminfo Percpu */
};

static int ch_check(struct run *r, void *params, char *err, size_t errlen)
{
	struct churn2_params out;

	return mwl_churn_resolve(params, (int)r->scale, mwl_mem_total(), r->page_size, &out,
				 err, errlen);
}

static int ch_proc(void *arg)
{
	const struct ch_ctl *c = arg;
	size_t ps = c->wi->run->page_size;
	char *path = xasprintf("%s/f-%d", c->dir, c->index);
	char *page = xcalloc(1, ps), *m;
	int fd, i;

	if (c->p.pages) {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0) {
			fprintf(stderr, "cgroup-churn: cannot create '%s': %s\n", path,
				strerror(errno));
			return 1;
		}
		memset(page, 0x5a, ps);
		for (i = 0; i < c->p.pages; i++) {
			if (write(fd, page, ps) != (ssize_t)ps) {
				fprintf(stderr, "cgroup-churn: cannot write '%s': %s\n", path,
					strerror(errno));
				return 1;
			}
		}
		close(fd);
	}
	/* a few anonymous pages too: charged and uncharged at exit */
	m = mmap(NULL, 16 * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (i = 0; m != MAP_FAILED && i < 16; i++)
		m[i * ps] = 1;
	return 0;
}

static char *child_dir(const struct ch_ctl *c, int i)
{
	return xasprintf("%s/c-%d", c->node, i);
}

/* Dying memcgs now, with @live children alive; -1 if unknown. */
static long dying_now(const struct ch_ctl *c, int live)
{
	if (c->v2) {
		char *p = xasprintf("%s/cgroup.stat", c->node);
		long v = (long)mwl_file_key(p, "nr_dying_descendants");

		free(p);
		return v;
	}
	/* v1: every memcg of the machine counts, dying ones included */
	int n = cg_count_memcgs();

	return n < 0 || c->memcgs0 < 0 ? -1 : n - c->memcgs0 - live;
}

static int64_t percpu_now(const struct ch_ctl *c)
{
	char *p;
	int64_t v;

	if (!c->v2)
		return -1;
	p = xasprintf("%s/memory.stat", c->node);
	v = mwl_file_key(p, "percpu");
	free(p);
	return v;
}

static int64_t meminfo_percpu(void)
{
	struct strbuf sb = STRBUF_INIT;
	int64_t v = -1;

	if (!read_file("/proc/meminfo", &sb))
		v = mwl_meminfo(sb.buf, sb.len, "Percpu");
	sb_release(&sb);
	return v;
}

static void max64(int64_t *m, int64_t v)
{
	if (v > *m)
		*m = v;
}

/* One row of cgroup-churn-samples.tsv, and the peaks. */
static void sample(struct ch_ctl *c, int created, int removed, const char *phase)
{
	int live = created - removed;
	long dying = dying_now(c, live);
	int64_t pc = percpu_now(c), mi = meminfo_percpu();

	c->st->created = created;
	c->st->removed = removed;
	c->st->dying = dying;
	if (dying > c->dying_max)
		c->dying_max = dying;
	c->dying_end = dying;
	max64(&c->pc_max, pc);
	max64(&c->mi_max, mi);
	c->pc_end = pc;
	c->mi_end = mi;
	sb_addf(&c->samples, "%lld\t%s\t%d\t%d\t%d\t%ld\t", (long long)((now_ns() - c->t0) /
		NSEC_PER_MSEC), phase, created, removed, live, dying);
	if (pc >= 0)
		sb_addf(&c->samples, "%lld\t%lld\n", (long long)pc, (long long)mi);
	else
		sb_addf(&c->samples, "-\t%lld\n", (long long)mi);
}

/* Remove the children c-@from..c-(@to - 1); the number removed. */
static int remove_children(const struct ch_ctl *c, int from, int to)
{
	int i, n = 0;

	for (i = from; i < to; i++) {
		char *d = child_dir(c, i);
		int ret = cg_rmdir(d);

		if (ret)
			fprintf(stderr, "cgroup-churn: cannot remove cgroup '%s': %s\n", d,
				strerror(-ret));
		else
			n++;
		free(d);
	}
	return n;
}

static void summary_rows(const struct ch_ctl *c, struct strbuf *sb, int created, int removed,
			 double secs)
{
	const char *rel = c->wi->run->tree.nodes[c->wi->node].rel;
	const char *dsrc = c->v2 ? "cgroup.stat:nr_dying_descendants of cgchurn" :
		"/proc/cgroups memory num_cgroups - the count before - live children (v1: no "
		"cgroup.stat; counts the rest of the machine too)";
	char src[256];

	sb_adds(sb, MWL_RESULT_HEADER);
	mwl_row(sb, "cgroups_created", created, "count", "counted by the controller");
	mwl_row(sb, "cgroups_removed", removed, "count", "counted by the controller (rmdir)");
	mwl_row(sb, "cgroups_per_sec", secs > 0 ? created / secs : 0, "cgroups/s",
		"clock: cgroups made, each with a process run in it, and removed / the time");
	mwl_row(sb, "dying_max", c->dying_max >= 0 ? (double)c->dying_max : NAN, "count", dsrc);
	mwl_row(sb, "dying_end", c->dying_end >= 0 ? (double)c->dying_end : NAN, "count", dsrc);
	snprintf(src, sizeof(src), "memory.stat:percpu of %s", rel);
	if (c->v2 && c->pc0 >= 0) {
		mwl_row(sb, "percpu_start", (double)c->pc0, "bytes", src);
		mwl_row(sb, "percpu_peak", (double)c->pc_max, "bytes", src);
		mwl_row(sb, "percpu_end", (double)c->pc_end, "bytes", src);
		if (c->dying_max > 0)
			mwl_row(sb, "percpu_per_cgroup",
				(double)(c->pc_max - c->pc0) / (double)(c->dying_max + c->p.batch),
				"bytes", "(percpu_peak - percpu_start) / (dying_max + batch)");
	} else {
		const char *why = c->v2 ? "not in this kernel's memory.stat" :
			"cgroup v1 memory.stat has no percpu";

		mwl_row_absent(sb, "percpu_start", "bytes", why);
		mwl_row_absent(sb, "percpu_peak", "bytes", why);
		mwl_row_absent(sb, "percpu_end", "bytes", why);
	}
	mwl_row(sb, "meminfo_percpu_start", c->mi0 >= 0 ? (double)c->mi0 : NAN, "bytes",
		"/proc/meminfo Percpu, system-wide");
	mwl_row(sb, "meminfo_percpu_peak", c->mi_max >= 0 ? (double)c->mi_max : NAN, "bytes",
		"/proc/meminfo Percpu, system-wide");
	mwl_row(sb, "meminfo_percpu_end", c->mi_end >= 0 ? (double)c->mi_end : NAN, "bytes",
		"/proc/meminfo Percpu, system-wide");
	mwl_row(sb, "batch", c->p.batch, "count", "--cgroup-churn-batch");
	mwl_row(sb, "pages", c->p.pages, "pages", "--cgroup-churn-pages");
}

static int ch_main(void *arg)
{
	struct ch_ctl *c = arg;
	struct wl_inst *wi = c->wi;
	char *out = run_path(wi->run, "cgroup-churn.tsv");
	char *sout = run_path(wi->run, "cgroup-churn-samples.tsv");
	struct strbuf sb = STRBUF_INIT;
	pid_t *pids = xcalloc(c->p.batch, sizeof(*pids));
	int created = 0, removed = 0, i, j, ret = 0, status, made;
	int64_t t_loop, deadline;
	double secs;

	mwl_catch_term();
	c->t0 = now_ns();
	printf("cgroup-churn: %d cgroups in batches of %d, %d pages each, below %s (cgroup %s)\n",
	       c->p.cgroups, c->p.batch, c->p.pages, c->node, c->v2 ? "v2" : "v1");
	fflush(stdout);
	if (c->v2) {
		char *sc = xasprintf("%s/cgroup.subtree_control", c->node);

		ret = write_file_str(sc, "+memory");
		if (ret)
			fprintf(stderr, "cgroup-churn: cannot write '+memory' to '%s': %s\n", sc,
				strerror(-ret));
		free(sc);
		if (ret)
			goto out;
	}
	sb_adds(&c->samples, "t_ms\tphase\tcreated\tremoved\tlive\tdying\tpercpu_bytes\t"
		"meminfo_percpu_bytes\n");
	c->memcgs0 = cg_count_memcgs();
	c->pc0 = c->pc_max = c->pc_end = percpu_now(c);
	c->mi0 = c->mi_max = c->mi_end = meminfo_percpu();
	c->dying_max = c->dying_end = -1;
	sample(c, 0, 0, "start");
	t_loop = now_ns();
	for (i = 0; !ret && !mwl_stop && i < c->p.cgroups; i += c->p.batch) {
		int n = c->p.cgroups - i < c->p.batch ? c->p.cgroups - i : c->p.batch;

		for (made = 0; made < n; made++) {
			char *d = child_dir(c, i + made);

			ret = cg_mkdir(d);
			if (ret)
				fprintf(stderr, "cgroup-churn: cannot create cgroup '%s': %s\n", d,
					strerror(-ret));
			free(d);
			if (ret)
				break;
		}
		created += made;
		for (j = 0; !ret && j < n; j++) {
			struct cg_node tmp;

			memset(&tmp, 0, sizeof(tmp));
			tmp.mem_path = child_dir(c, i + j);
			c->index = i + j;
			pids[j] = cg_spawn(&wi->run->tree, &tmp, -1, ch_proc, c);
			if (pids[j] < 0) {
				fprintf(stderr, "cgroup-churn: cannot start a process in '%s': %s\n",
					tmp.mem_path, strerror(-pids[j]));
				ret = pids[j];
			}
			free(tmp.mem_path);
		}
		for (j = 0; j < n; j++) {
			if (pids[j] > 0 && (waitpid(pids[j], &status, 0) < 0 ||
					    !WIFEXITED(status) || WEXITSTATUS(status))) {
				fprintf(stderr, "cgroup-churn: the process in c-%d failed\n", i + j);
				ret = -EIO;
			}
			pids[j] = 0;
		}
		sample(c, created, removed, "created");
		removed += remove_children(c, i, i + made);
		sample(c, created, removed, "removed");
		if (removed != created)
			ret = -EBUSY;
	}
	secs = (double)(now_ns() - t_loop) / 1e9;
	/* the files were the dying memcgs' last pages: they go, and so should the memcgs */
	remove_tree(c->dir);
	deadline = now_ns() + 2 * NSEC_PER_SEC;
	do {
		usleep(100000);
		sample(c, created, removed, "freeing");
	} while (c->dying_end > 0 && now_ns() < deadline);
	printf("cgroup-churn: %d created, %d removed in %.2f s; dying peak %ld, end %ld (%s)\n",
	       created, removed, secs, c->dying_max, c->dying_end,
	       c->v2 ? "cgroup.stat nr_dying_descendants" : "/proc/cgroups, whole machine");
	summary_rows(c, &sb, created, removed, secs);
	if (write_atomic(sout, c->samples.buf, c->samples.len) || write_atomic(out, sb.buf, sb.len)) {
		fprintf(stderr, "cgroup-churn: cannot write '%s'\n", out);
		ret = -EIO;
	} else {
		printf("cgroup-churn: wrote %s and %s\n", out, sout);
	}
	fflush(stdout);
out:
	sb_release(&sb);
	free(pids);
	free(out);
	free(sout);
	return ret ? 1 : 0;
}

static int ch_start(struct wl_inst *wi)
{
	struct ch_ctl *c = xcalloc(1, sizeof(*c));
	char err[256];
	void *st;
	int ret;

	wi->priv = c;
	c->wi = wi;
	c->v2 = wi->run->layout.version == CG_V2;
	if (mwl_churn_resolve(wi->params, (int)wi->run->scale, 0, wi->run->page_size, &c->p, err,
			      sizeof(err))) {
		pr_err("%s", err);
		return -EINVAL;
	}
	st = mmap(NULL, sizeof(*c->st), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED)
		return -errno;
	c->st = st;
	c->node = xstrdup(wi->run->tree.nodes[wi->node].mem_path);
	c->dir = xasprintf("%s/cgroup-churn", wi->run->workdir);
	ret = mkdir_p(c->dir, 0755);
	if (ret) {
		pr_err("cannot create '%s': %s", c->dir, strerror(-ret));
		return ret;
	}
	return run_spawn(wi, true, ch_main, c);
}

static enum wl_state ch_exited(struct wl_inst *wi, int code)
{
	(void)wi;
	return code ? WL_FAILED : WL_DONE;
}

static void ch_progress(struct wl_inst *wi, char *buf, size_t len)
{
	const struct ch_ctl *c = wi->priv;

	if (!c || !c->st)
		snprintf(buf, len, "starting");
	else
		snprintf(buf, len, "%d/%d removed, %ld dying", c->st->removed, c->p.cgroups,
			 c->st->dying);
}

static void ch_cleanup(struct wl_inst *wi)
{
	struct ch_ctl *c = wi->priv;

	if (!c)
		return;
	if (c->dir)
		remove_tree(c->dir);
	if (c->st)
		munmap(c->st, sizeof(*c->st));
	sb_release(&c->samples);
	free(c->node);
	free(c->dir);
	free(c);
	wi->priv = NULL;
}

const struct workload wl_cgroup_churn = {
	.name = "cgroup-churn",
	.summary = "create and remove many cgroups with a process in each: percpu, dying cgroups",
	.node = "cgchurn",
	.cgroups = "cgchurn",
	.deletes_children = true,
	.params = churn2_params,
	.params_size = sizeof(struct churn2_params),
	.check = ch_check,
	.start = ch_start,
	.exited = ch_exited,
	.progress = ch_progress,
	.cleanup = ch_cleanup,
};
