// SPDX-License-Identifier: GPL-2.0
/*
 * sampler.c - read memory.stat of every cgroup of the tree once per
 * interval, time each read, and compute the drift checks.
 *
 * Files are opened once and read with pread() from offset 0: that is one
 * seq_file show per read, the same kernel work a "cat memory.stat" does,
 * without the cost of forking a process or opening the file each time.
 */
#include "sampler.h"
#include "drift.h"
#include "memstat.h"
#include "runner.h"
#include "tsv.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct scg {
	int node;		/* tree node, -1 for the root cgroup */
	const char *name;	/* relative path, "/" for the root */
	int level;		/* 0 for the root */
	int fd_stat, fd_cur, fd_kmem;
	struct strbuf buf;
	struct kvlist kv;
	int64_t current, kmem;
	int64_t bound;
	bool ok;		/* this sample's stat was read and parsed */
	bool deleted;		/* its children were deleted: after-deletion checks */
};

struct sampler {
	struct run *r;
	enum cg_version v;
	struct scg *cg;
	size_t n;
	struct scg *root;	/* NULL when the root has no memory.stat */
	int fd_vmstat;
	struct strbuf vm_buf;
	struct kvlist vm;
	bool vm_ok;
	const struct kvlist **children;	/* scratch for parent-vs-children */
	struct tsv_writer memstat, readlat, drift;
	bool open_memstat, open_readlat, open_drift;
	unsigned warned;
	int64_t t_ms;
};

static const char *const memstat_cols[] = { "t_ms", "cgroup", "key", "value", NULL };
static const char *const readlat_cols[] = { "t_ms", "cgroup", "level", "file", "latency_ns",
					    "bytes", NULL };
static const char *const drift_cols[] = { "t_ms", "check", "cgroup", "key", "expected_bytes",
					  "observed_bytes", "abs_err_bytes", "rel_err",
					  "bound_bytes", NULL };

static int open_ro(const char *dir, const char *file, char *err, size_t errlen)
{
	char *p = xasprintf("%s/%s", dir, file);
	int fd = open(p, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		snprintf(err, errlen, "cannot open '%s': %s", p, strerror(errno));
	free(p);
	return fd;
}

static const char *current_file(enum cg_version v)
{
	return v == CG_V2 ? "memory.current" : "memory.usage_in_bytes";
}

struct sampler *sampler_new(struct run *r, char *err, size_t errlen)
{
	struct sampler *s = xcalloc(1, sizeof(*s));
	const struct cg_layout *l = &r->layout;
	size_t i;
	int ret, nr_memcgs;
	char *p;

	s->r = r;
	s->v = l->version;
	s->fd_vmstat = -1;
	s->n = r->tree.n + (l->has_root_stat ? 1 : 0);
	s->cg = xcalloc(s->n, sizeof(*s->cg));
	s->children = xcalloc(r->tree.n + 1, sizeof(*s->children));
	sb_init(&s->vm_buf);
	for (i = 0; i < s->n; i++) {
		s->cg[i].fd_stat = s->cg[i].fd_cur = s->cg[i].fd_kmem = -1;
		sb_init(&s->cg[i].buf);
	}
	for (i = 0; i < r->tree.n; i++) {
		const struct cg_node *nd = &r->tree.nodes[i];
		struct scg *c = &s->cg[i];

		c->node = (int)i;
		c->name = nd->rel;
		c->level = nd->level;
		c->bound = drift_bound(r->o->batch, r->page_size, r->cpus, nd->nr_subtree);
		c->fd_stat = open_ro(nd->mem_path, "memory.stat", err, errlen);
		if (c->fd_stat < 0)
			goto fail;
		c->fd_cur = open_ro(nd->mem_path, current_file(s->v), err, errlen);
		if (c->fd_cur < 0)
			goto fail;
		if (s->v == CG_V1 && l->has_kmem_usage) {
			c->fd_kmem = open_ro(nd->mem_path, "memory.kmem.usage_in_bytes", err, errlen);
			if (c->fd_kmem < 0)
				goto fail;
		}
	}
	if (l->has_root_stat) {
		s->root = &s->cg[s->n - 1];
		s->root->node = -1;
		s->root->name = "/";
		s->root->level = 0;
		nr_memcgs = cg_count_memcgs();
		s->root->bound = drift_bound(r->o->batch, r->page_size, r->cpus,
					     nr_memcgs > 0 ? nr_memcgs : 1);
		s->root->fd_stat = open_ro(l->mem_mount, "memory.stat", err, errlen);
		if (s->root->fd_stat < 0)
			goto fail;
	}
	s->fd_vmstat = open_ro("/proc", "vmstat", err, errlen);
	if (s->fd_vmstat < 0)
		goto fail;

	p = run_path(r, "memstat.tsv");
	ret = tsv_writer_open(&s->memstat, p, memstat_cols);
	s->open_memstat = !ret;
	free(p);
	if (!ret) {
		p = run_path(r, "readlat.tsv");
		ret = tsv_writer_open(&s->readlat, p, readlat_cols);
		s->open_readlat = !ret;
		free(p);
	}
	if (!ret) {
		p = run_path(r, "drift.tsv");
		ret = tsv_writer_open(&s->drift, p, drift_cols);
		s->open_drift = !ret;
		free(p);
	}
	if (ret) {
		snprintf(err, errlen, "cannot create the sampler's output in '%s': %s", r->dir,
			 strerror(-ret));
		errno = -ret;
		goto fail_keep_errno;
	}
	return s;
fail:
	errno = ENOENT;
fail_keep_errno:
	ret = errno;
	sampler_free(s);
	errno = ret;
	return NULL;
}

static void put_key(struct tsv_writer *w, const char *prefix, const char *key, size_t len)
{
	char buf[256];
	size_t pl = strlen(prefix);

	if (pl + len >= sizeof(buf))
		len = sizeof(buf) - pl - 1;
	memcpy(buf, prefix, pl);
	memcpy(buf + pl, key, len);
	buf[pl + len] = '\0';
	tsv_put_str(w, buf);
}

static void put_value(struct sampler *s, const char *cg, const char *key, int64_t v)
{
	tsv_put_i64(&s->memstat, s->t_ms);
	tsv_put_str(&s->memstat, cg);
	tsv_put_str(&s->memstat, key);
	tsv_put_i64(&s->memstat, v);
	tsv_end_row(&s->memstat);
}

static void put_lat(struct sampler *s, const struct scg *c, const char *file, int64_t ns,
		    ssize_t bytes)
{
	tsv_put_i64(&s->readlat, s->t_ms);
	tsv_put_str(&s->readlat, c->name);
	tsv_put_i64(&s->readlat, c->level);
	tsv_put_str(&s->readlat, file);
	tsv_put_i64(&s->readlat, ns);
	tsv_put_i64(&s->readlat, bytes);
	tsv_end_row(&s->readlat);
}

/* pread one single-number file, timed. */
static int read_number(struct sampler *s, struct scg *c, int fd, const char *file, int64_t *out)
{
	char buf[64];
	int64_t t = now_ns();
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	t = now_ns() - t;
	if (n <= 0)
		return n < 0 ? -errno : -ENODATA;
	buf[n] = '\0';
	put_lat(s, c, file, t, n);
	*out = strtoll(buf, NULL, 10);
	put_value(s, c->name, file, *out);
	return 0;
}

static void warn_once(struct sampler *s, const char *what, const char *detail)
{
	if (s->warned++ < 5)
		pr_warn("%s: %s", what, detail);
}

static int read_stat(struct sampler *s, struct scg *c)
{
	char err[160];
	int64_t t = now_ns();
	ssize_t n = pread_all(c->fd_stat, &c->buf);
	size_t i;

	t = now_ns() - t;
	c->ok = false;
	if (n < 0)
		return (int)n;
	put_lat(s, c, "memory.stat", t, n);
	if (memstat_parse(c->buf.buf, c->buf.len, &c->kv, err, sizeof(err))) {
		char *what = xasprintf("memory.stat of '%s'", c->name);

		warn_once(s, what, err);
		free(what);
		return -EINVAL;
	}
	for (i = 0; i < c->kv.n; i++) {
		tsv_put_i64(&s->memstat, s->t_ms);
		tsv_put_str(&s->memstat, c->name);
		put_key(&s->memstat, "memory.stat:", c->kv.v[i].key, c->kv.v[i].keylen);
		tsv_put_i64(&s->memstat, c->kv.v[i].val);
		tsv_end_row(&s->memstat);
	}
	c->ok = true;
	return 0;
}

static int read_vmstat(struct sampler *s)
{
	char err[160];
	ssize_t n = pread_all(s->fd_vmstat, &s->vm_buf);
	size_t i;

	s->vm_ok = false;
	if (n < 0)
		return (int)n;
	if (memstat_parse(s->vm_buf.buf, s->vm_buf.len, &s->vm, err, sizeof(err))) {
		warn_once(s, "/proc/vmstat", err);
		return -EINVAL;
	}
	for (i = 0; i < s->vm.n; i++) {
		if (s->vm.v[i].keylen < 3 || memcmp(s->vm.v[i].key, "nr_", 3))
			continue;
		tsv_put_i64(&s->memstat, s->t_ms);
		tsv_put_str(&s->memstat, "/");
		put_key(&s->memstat, "vmstat:", s->vm.v[i].key, s->vm.v[i].keylen);
		tsv_put_i64(&s->memstat, s->vm.v[i].val);
		tsv_end_row(&s->memstat);
	}
	s->vm_ok = true;
	return 0;
}

static void emit(struct sampler *s, struct drift_row *d)
{
	struct tsv_writer *w = &s->drift;

	drift_finish(d);
	tsv_put_i64(w, s->t_ms);
	tsv_put_str(w, drift_check_name(d->check));
	tsv_put_str(w, d->cgroup);
	tsv_put_str(w, d->key);
	tsv_put_i64(w, d->expected);
	tsv_put_i64(w, d->observed);
	tsv_put_i64(w, d->abs_err);
	tsv_put_double(w, d->rel_err, 6);
	tsv_put_i64(w, d->bound);
	tsv_end_row(w);
}

static void check_current(struct sampler *s, struct scg *c, enum drift_check check)
{
	struct drift_row d = { .check = check, .cgroup = c->name, .bound = c->bound };

	d.key = s->v == CG_V2 ? "memory.current" : "memory.usage_in_bytes";
	d.expected = c->current;
	d.observed = drift_stat_total(s->v, &c->kv, c->kmem, NULL);
	emit(s, &d);
}

static void check_parent(struct sampler *s, struct scg *c)
{
	const struct cg_tree *t = &s->r->tree;
	const char *const *k;
	char key[96];
	size_t i, nc = 0;

	for (i = 0; i < t->n; i++) {
		if (t->nodes[i].parent != c->node)
			continue;
		if (!s->cg[i].ok)
			return;
		s->children[nc++] = &s->cg[i].kv;
	}
	for (k = drift_size_keys(s->v); *k; k++) {
		struct drift_row d = { .check = DRIFT_PARENT_VS_CHILDREN, .cgroup = c->name,
				       .bound = c->bound };

		if (drift_parent_key(s->v, *k, &c->kv, s->children, nc, &d.expected, &d.observed))
			continue;
		snprintf(key, sizeof(key), "memory.stat:%s", *k);
		d.key = key;
		emit(s, &d);
	}
}

static void check_root(struct sampler *s)
{
	const char *const *k;
	char key[96];

	for (k = drift_vmstat_keys(); *k; k++) {
		struct drift_row d = { .check = DRIFT_ROOT_VS_VMSTAT, .cgroup = "/",
				       .bound = s->root->bound };

		if (drift_root_key(s->v, *k, &s->root->kv, &s->vm, s->r->page_size,
				   &d.expected, &d.observed))
			continue;
		snprintf(key, sizeof(key), "memory.stat:%s%s", s->v == CG_V1 ? "total_" : "", *k);
		d.key = key;
		emit(s, &d);
	}
}

int sampler_sample(struct sampler *s, int64_t t)
{
	const struct cg_tree *tree = &s->r->tree;
	size_t i;
	int ret = 0, r;

	s->t_ms = (t - s->r->t0) / NSEC_PER_MSEC;
	for (i = 0; i < s->n; i++) {
		struct scg *c = &s->cg[i];

		r = read_stat(s, c);
		if (!r && c->fd_cur >= 0)
			r = read_number(s, c, c->fd_cur, current_file(s->v), &c->current);
		if (!r && c->fd_kmem >= 0)
			r = read_number(s, c, c->fd_kmem, "memory.kmem.usage_in_bytes", &c->kmem);
		if (r) {
			c->ok = false;
			if (!ret)
				ret = r;
		}
	}
	r = read_vmstat(s);
	if (r && !ret)
		ret = r;

	for (i = 0; i < tree->n; i++) {
		struct scg *c = &s->cg[i];
		const struct cg_node *nd = &tree->nodes[i];

		if (!c->ok)
			continue;
		check_current(s, c, DRIFT_CURRENT_VS_STAT);
		if (nd->role == CG_INNER && nd->nr_children)
			check_parent(s, c);
		if (c->deleted)
			check_current(s, c, DRIFT_AFTER_DELETION);
	}
	if (s->root && s->root->ok && s->vm_ok)
		check_root(s);
	return ret;
}

void sampler_mark_deleted(struct sampler *s, int node)
{
	if (s && node >= 0 && (size_t)node < s->r->tree.n)
		s->cg[node].deleted = true;
}

int sampler_flush(struct sampler *s)
{
	int ret = tsv_writer_flush(&s->memstat);

	if (!ret)
		ret = tsv_writer_flush(&s->readlat);
	if (!ret)
		ret = tsv_writer_flush(&s->drift);
	return ret;
}

int sampler_commit(struct sampler *s)
{
	int ret = 0, r;

	if (s->open_memstat) {
		ret = tsv_writer_commit(&s->memstat);
		s->open_memstat = false;
	}
	if (s->open_readlat) {
		r = tsv_writer_commit(&s->readlat);
		s->open_readlat = false;
		if (r && !ret)
			ret = r;
	}
	if (s->open_drift) {
		r = tsv_writer_commit(&s->drift);
		s->open_drift = false;
		if (r && !ret)
			ret = r;
	}
	return ret;
}

void sampler_free(struct sampler *s)
{
	size_t i;

	if (!s)
		return;
	if (s->open_memstat)
		tsv_writer_flush(&s->memstat);
	if (s->open_readlat)
		tsv_writer_flush(&s->readlat);
	if (s->open_drift)
		tsv_writer_flush(&s->drift);
	for (i = 0; i < s->n; i++) {
		struct scg *c = &s->cg[i];

		if (c->fd_stat >= 0)
			close(c->fd_stat);
		if (c->fd_cur >= 0)
			close(c->fd_cur);
		if (c->fd_kmem >= 0)
			close(c->fd_kmem);
		sb_release(&c->buf);
		kvlist_release(&c->kv);
	}
	if (s->fd_vmstat >= 0)
		close(s->fd_vmstat);
	sb_release(&s->vm_buf);
	kvlist_release(&s->vm);
	free(s->children);
	free(s->cg);
	free(s);
}
