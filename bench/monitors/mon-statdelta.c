// SPDX-License-Identifier: GPL-2.0
/*
 * mon-statdelta.c - "what else changed" (statdelta.h): every key of every
 * statistics file below, read when the measured window opens and when it
 * closes, into stat-delta.tsv, so that compare can list the keys a patch
 * moved that no named metric covers (lkp reports every changed stat).
 *
 * The files: memory.stat of every cgroup of the tree and of the root (the
 * cgroups the memstat sampler reads), /proc/vmstat, and per tree cgroup
 * memory.events on v2. v1 has no memory.events: there the same events are
 * memory.oom_control's counters (oom_kill, under_oom) and the
 * memory.failcnt, memory.memsw.failcnt and memory.kmem.failcnt of each
 * cgroup, those that exist (meta.json notes say so).
 */
#include "monitor.h"
#include "resultdir.h"
#include "run.h"
#include "statdelta.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A file read at both ends of the window. */
struct sfile {
	const char *source;	/* "memory.stat" */
	const char *cgroup;	/* the tree node's rel, "/" */
	int level;
	bool kv;		/* "key value" lines; else one number (key: the source's last part) */
	int fd;
	struct strbuf before, after;
	bool have_before, have_after;
};

struct statdelta_mon {
	struct sfile *f;
	size_t n, alloc;
	bool on, off;
	char *note;
};

static const char *const v1_counts[] = { "memory.failcnt", "memory.memsw.failcnt",
					 "memory.kmem.failcnt", NULL };

/* Open @dir/@source, if it exists; a file this kernel lacks is not an error. */
static void add_file(struct statdelta_mon *m, const char *dir, const char *source,
		     const char *cgroup, int level, bool kv)
{
	char *p = xasprintf("%s/%s", dir, source);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	struct sfile *f;

	free(p);
	if (fd < 0)
		return;
	if (m->n == m->alloc) {
		m->alloc = m->alloc ? 2 * m->alloc : 64;
		m->f = xrealloc(m->f, m->alloc * sizeof(*m->f));
	}
	f = &m->f[m->n++];
	memset(f, 0, sizeof(*f));
	f->source = source;
	f->cgroup = cgroup;
	f->level = level;
	f->kv = kv;
	f->fd = fd;
	sb_init(&f->before);
	sb_init(&f->after);
}

static int statdelta_start(struct run *r, void **priv, char *err, size_t errlen)
{
	struct statdelta_mon *m = xcalloc(1, sizeof(*m));
	const struct cg_layout *l = &r->layout;
	const char *const *c;
	size_t i;

	for (i = 0; i < r->tree.n; i++) {
		const struct cg_node *nd = &r->tree.nodes[i];

		add_file(m, nd->mem_path, "memory.stat", nd->rel, nd->level, true);
		if (l->version == CG_V2) {
			add_file(m, nd->mem_path, "memory.events", nd->rel, nd->level, true);
			continue;
		}
		add_file(m, nd->mem_path, "memory.oom_control", nd->rel, nd->level, true);
		for (c = v1_counts; *c; c++)
			add_file(m, nd->mem_path, *c, nd->rel, nd->level, false);
	}
	if (l->has_root_stat)
		add_file(m, l->mem_mount, "memory.stat", "/", 0, true);
	add_file(m, "/proc", "vmstat", "/", 0, true);
	if (!m->n) {
		snprintf(err, errlen, "no statistics file to read (memory.stat, /proc/vmstat)");
		free(m->f);
		free(m);
		return -ENOENT;
	}
	if (l->version == CG_V1)
		m->note = xstrdup("stat-delta: cgroup v1 has no memory.events; its events are "
				  "memory.oom_control's counters and the memory.*failcnt files");
	*priv = m;
	return 0;
}

/*
 * The whole file in one pread() from offset 0: one seq_file show, as the
 * sampler reads it, so that both readings are snapshots of one moment each;
 * a buffer the file fills is doubled and the read done again.
 */
static bool read_all(int fd, struct strbuf *sb)
{
	size_t cap = 64 << 10;
	char *buf = NULL;
	ssize_t got;

	for (;;) {
		buf = xrealloc(buf, cap);
		got = pread(fd, buf, cap, 0);
		if (got < 0 || (size_t)got < cap)
			break;
		cap *= 2;
	}
	sb_reset(sb);
	if (got > 0)
		sb_add(sb, buf, (size_t)got);
	free(buf);
	return got >= 0;
}

static void read_side(struct statdelta_mon *m, bool after)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		struct sfile *f = &m->f[i];

		if (after)
			f->have_after = f->have_before && read_all(f->fd, &f->after);
		else
			f->have_before = read_all(f->fd, &f->before);
	}
}

static void statdelta_event(struct run *r, void *priv, enum mon_event ev, int node)
{
	struct statdelta_mon *m = priv;

	if (ev == MON_WORKLOADS_STARTED && !m->on) {
		read_side(m, false);
		m->on = true;
	} else if (ev == MON_WORKLOADS_DONE && m->on && !m->off) {
		read_side(m, true);
		m->off = true;
	}
}

static int statdelta_stop(struct run *r, void *priv)
{
	struct statdelta_mon *m = priv;
	struct statdelta d;
	char err[256];
	char *p;
	size_t i;
	int ret;

	statdelta_event(r, m, MON_WORKLOADS_DONE, -1);
	if (!m->on)
		return 0;
	statdelta_init(&d);
	for (i = 0; i < m->n; i++) {
		struct sfile *f = &m->f[i];
		const char *key = strrchr(f->source, '.');

		if (!f->have_after)
			continue;
		if (f->kv)
			ret = statdelta_add_kv(&d, f->source, f->cgroup, f->level, f->before.buf,
					       f->before.len, f->after.buf, f->after.len, err,
					       sizeof(err));
		else
			ret = statdelta_add_num(&d, f->source, f->cgroup, f->level,
						key ? key + 1 : f->source, f->before.buf,
						f->before.len, f->after.buf, f->after.len, err,
						sizeof(err));
		if (ret)
			pr_warn("stat-delta: %s", err);
	}
	p = run_path(r, STATDELTA_FILE);
	ret = statdelta_write(&d, p);
	if (ret)
		pr_err("cannot write '%s': %s", p, strerror(-ret));
	free(p);
	statdelta_release(&d);
	return ret;
}

static void statdelta_meta(const struct run *r, void *priv, struct meta *meta)
{
	struct statdelta_mon *m = priv;

	if (m->note)
		meta_add_note(meta, m->note);
}

static void statdelta_free(void *priv)
{
	struct statdelta_mon *m = priv;
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->n; i++) {
		close(m->f[i].fd);
		sb_release(&m->f[i].before);
		sb_release(&m->f[i].after);
	}
	free(m->f);
	free(m->note);
	free(m);
}

const struct monitor mon_statdelta = {
	.name = "statdelta",
	.summary = "every memory.stat, vmstat and memory.events key's change over the window",
	.start = statdelta_start,
	.event = statdelta_event,
	.stop = statdelta_stop,
	.meta = statdelta_meta,
	.free = statdelta_free,
};
