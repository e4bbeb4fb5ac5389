// SPDX-License-Identifier: GPL-2.0
/*
 * sampler.c - read memory.stat of every cgroup of the tree once per
 * interval, time each read, and compute the drift checks.
 *
 * Two halves, so that measuring disturbs what is measured as little as
 * possible:
 *
 *  - capture, during the run (sampler_sample): pread() every file from
 *    descriptors held open, straight into one capture buffer behind a small
 *    record header, timing each read. No parsing, no formatting. The buffer
 *    goes to samples.raw in the result directory every few samples.
 *  - processing, after the measured window (sampler_commit): walk the
 *    records, parse memory.stat and /proc/vmstat, compute the drift checks,
 *    write memstat.tsv, readlat.tsv and drift.tsv, then drop samples.raw.
 *
 * A pread from offset 0 is one seq_file show per read: the same kernel work
 * a "cat memory.stat" does, without forking a process or opening the file.
 */
#include "sampler.h"
#include "drift.h"
#include "insn-marker.h"
#include "memstat.h"
#include "run.h"
#include "tsv.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define RAW_MAGIC 0x31726270u		/* "pbr1" */
#define RAW_BUFSZ (4u << 20)
#define RAW_FLUSH_AT (RAW_BUFSZ / 2)
#define RAW_READ_RESERVE (64u << 10)

enum raw_file {
	RF_STAT,		/* memory.stat of a cgroup */
	RF_CUR,			/* memory.current (v1 usage_in_bytes), before the stat */
	RF_CUR_AFTER,		/* the same, right after the stat */
	RF_KMEM,		/* v1 memory.kmem.usage_in_bytes */
	RF_VMSTAT,		/* /proc/vmstat */
	RF_DELETED,		/* marker: the cgroup's children were deleted */
	RF_END,			/* marker: end of one sample */
};

struct raw_hdr {
	uint32_t magic;
	uint16_t cg;		/* index into sampler.cg[] */
	uint8_t file;		/* enum raw_file */
	uint8_t error;		/* the read failed: errno (0 if fine) */
	uint32_t len;		/* bytes of file content that follow, padded to 8 */
	uint32_t seq;		/* a memory.stat read: its number among the marked reads, from 1 */
	int64_t t_ms;
	int64_t lat_ns;
};

struct scg {
	int node;		/* tree node, -1 for the root cgroup */
	const char *name;	/* relative path, "/" for the root */
	int level;		/* 0 for the root */
	int fd_stat, fd_cur, fd_kmem;
	int64_t bound;
	/* processing state */
	struct kvlist kv;
	int64_t current, current_after, kmem;
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
	/* capture */
	char *buf;
	size_t len, cap;
	int raw_fd;
	char *raw_path;
	int64_t t_ms;
	/* processing */
	struct kvlist vm;
	bool vm_ok;
	const struct kvlist **children;
	struct tsv_writer memstat, readlat, drift;
	unsigned warned;
	bool committed;
	unsigned long nsamples;	/* samples processed (RF_END records) */
	uint32_t nmarked;	/* memory.stat reads between instruction-count markers */
};

static const char *const memstat_cols[] = { "t_ms", "cgroup", "key", "value", NULL };
static const char *const readlat_cols[] = { "t_ms", "cgroup", "level", "file", "latency_ns",
					    "bytes", "read", NULL };
static const char *const drift_cols[] = { "t_ms", "check", "cgroup", "key", "expected_bytes",
					  "observed_bytes", "abs_err_bytes", "rel_err",
					  "bound_bytes", "window_bytes", NULL };

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

/* The cgroup table of @r's tree (and the root), with nothing opened yet. */
static struct sampler *sampler_alloc(struct run *r)
{
	struct sampler *s = xcalloc(1, sizeof(*s));
	const struct cg_layout *l = &r->layout;
	size_t i;
	int nr_memcgs;

	s->r = r;
	s->v = l->version;
	s->fd_vmstat = -1;
	s->raw_fd = -1;
	s->n = r->tree.n + (l->has_root_stat ? 1 : 0);
	s->cg = xcalloc(s->n, sizeof(*s->cg));
	s->children = xcalloc(r->tree.n + 1, sizeof(*s->children));
	for (i = 0; i < s->n; i++)
		s->cg[i].fd_stat = s->cg[i].fd_cur = s->cg[i].fd_kmem = -1;
	for (i = 0; i < r->tree.n; i++) {
		const struct cg_node *nd = &r->tree.nodes[i];
		struct scg *c = &s->cg[i];

		c->node = (int)i;
		c->name = nd->rel;
		c->level = nd->level;
		c->bound = drift_bound(r->o->batch, r->page_size, r->cpus, nd->nr_subtree);
	}
	if (l->has_root_stat) {
		s->root = &s->cg[s->n - 1];
		s->root->node = -1;
		s->root->name = "/";
		s->root->level = 0;
		nr_memcgs = cg_count_memcgs();
		s->root->bound = drift_bound(r->o->batch, r->page_size, r->cpus,
					     nr_memcgs > 0 ? nr_memcgs : 1);
	}
	s->raw_path = run_path(r, "samples.raw");
	return s;
}

struct sampler *sampler_new(struct run *r, char *err, size_t errlen)
{
	struct sampler *s = sampler_alloc(r);
	const struct cg_layout *l = &r->layout;
	size_t i;
	int ret;

	errno = ENOENT;
	for (i = 0; i < r->tree.n; i++) {
		const struct cg_node *nd = &r->tree.nodes[i];
		struct scg *c = &s->cg[i];

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
	if (s->root) {
		s->root->fd_stat = open_ro(l->mem_mount, "memory.stat", err, errlen);
		if (s->root->fd_stat < 0)
			goto fail;
	}
	s->fd_vmstat = open_ro("/proc", "vmstat", err, errlen);
	if (s->fd_vmstat < 0)
		goto fail;
	s->raw_fd = open(s->raw_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (s->raw_fd < 0) {
		snprintf(err, errlen, "cannot create '%s': %s", s->raw_path, strerror(errno));
		goto fail;
	}
	s->cap = RAW_BUFSZ;
	s->buf = xmalloc(s->cap);
	return s;
fail:
	ret = errno;
	sampler_free(s);
	errno = ret;
	return NULL;
}

/* ---- capture: the hot path ---- */

static struct raw_hdr *raw_begin(struct sampler *s, size_t reserve)
{
	struct raw_hdr *h;

	if (s->cap - s->len < sizeof(*h) + reserve) {
		while (s->cap - s->len < sizeof(*h) + reserve)
			s->cap *= 2;
		s->buf = xrealloc(s->buf, s->cap);
	}
	h = (struct raw_hdr *)(s->buf + s->len);
	memset(h, 0, sizeof(*h));
	h->magic = RAW_MAGIC;
	h->t_ms = s->t_ms;
	return h;
}

static void raw_end(struct sampler *s, struct raw_hdr *h)
{
	size_t padded = (h->len + 7) & ~7u, at = (char *)h - s->buf;

	/* a read that filled the buffer to within 7 bytes of its end: room for the padding */
	if (at + sizeof(*h) + padded > s->cap) {
		s->cap *= 2;
		s->buf = xrealloc(s->buf, s->cap);
		h = (struct raw_hdr *)(s->buf + at);
	}
	/* the padding goes to samples.raw too: no uninitialised bytes in a file */
	memset((char *)(h + 1) + h->len, 0, padded - h->len);
	s->len += sizeof(*h) + padded;
}

static void raw_mark(struct sampler *s, uint16_t cg, enum raw_file f)
{
	struct raw_hdr *h = raw_begin(s, 0);

	h->cg = cg;
	h->file = f;
	raw_end(s, h);
}

/*
 * pread a file into a new record, timed: until EOF, or with @once a single
 * pread (a one-number file such as memory.current fits in one).
 */
static int raw_read(struct sampler *s, uint16_t cg, enum raw_file f, int fd, bool once)
{
	struct raw_hdr *h = raw_begin(s, RAW_READ_RESERVE);
	size_t off = 0;
	int64_t t = now_ns();
	int err;

	h->cg = cg;
	h->file = f;
	/*
	 * Under TCG the instruction-count plugin counts what this vCPU runs between the
	 * two markers: the cost of one memory.stat read, row h->seq of insn-reads.tsv.
	 * Elsewhere they are NOPs.
	 */
	if (f == RF_STAT) {
		h->seq = ++s->nmarked;
		PB_MARK(PB_MARK_READ_BEGIN);
	}
	for (;;) {
		size_t room = s->cap - s->len - sizeof(*h) - off;
		ssize_t n = pread(fd, (char *)(h + 1) + off, room, off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			h->error = (uint8_t)errno;
			break;
		}
		if (n == 0)
			break;
		off += n;
		if (once)
			break;
		if ((size_t)n == room) {
			/* a larger file than reserved: grow, keep reading */
			size_t at = s->len;

			s->cap *= 2;
			s->buf = xrealloc(s->buf, s->cap);
			h = (struct raw_hdr *)(s->buf + at);
		}
	}
	if (f == RF_STAT)
		PB_MARK(PB_MARK_READ_END);
	h->lat_ns = now_ns() - t;
	h->len = (uint32_t)off;
	err = h->error;
	raw_end(s, h);	/* may move the buffer */
	return err ? -err : 0;
}

int sampler_sample(struct sampler *s, int64_t t)
{
	size_t i;
	int ret = 0, r;

	s->t_ms = (t - s->r->t0) / NSEC_PER_MSEC;
	for (i = 0; i < s->n; i++) {
		struct scg *c = &s->cg[i];

		/*
		 * memory.current is read right before and right after memory.stat:
		 * the two bracket the moment the stat was taken, so a workload that
		 * changes memory during the read is not mistaken for drift.
		 */
		r = 0;
		if (c->fd_cur >= 0)
			r = raw_read(s, (uint16_t)i, RF_CUR, c->fd_cur, true);
		if (c->fd_kmem >= 0)
			r = r ? r : raw_read(s, (uint16_t)i, RF_KMEM, c->fd_kmem, true);
		r = r ? r : raw_read(s, (uint16_t)i, RF_STAT, c->fd_stat, false);
		if (c->fd_cur >= 0)
			r = r ? r : raw_read(s, (uint16_t)i, RF_CUR_AFTER, c->fd_cur, true);
		if (r && !ret)
			ret = r;
	}
	r = raw_read(s, 0, RF_VMSTAT, s->fd_vmstat, false);
	if (r && !ret)
		ret = r;
	raw_mark(s, 0, RF_END);
	PB_MARK(PB_MARK_TICK);
	if (s->len >= RAW_FLUSH_AT) {
		r = sampler_flush(s);
		if (r && !ret)
			ret = r;
	}
	return ret;
}

void sampler_mark_deleted(struct sampler *s, int node)
{
	if (s && node >= 0 && (size_t)node < s->r->tree.n)
		raw_mark(s, (uint16_t)node, RF_DELETED);
}

int sampler_flush(struct sampler *s)
{
	const char *p = s->buf;
	size_t left = s->len;

	while (left) {
		ssize_t n = write(s->raw_fd, p, left);

		if (n < 0) {
			int ret = -errno;

			if (errno == EINTR)
				continue;
			/* keep only what is not in the file yet, so a retry does not repeat it */
			memmove(s->buf, p, left);
			s->len = left;
			return ret;
		}
		p += n;
		left -= n;
	}
	s->len = 0;
	return 0;
}

/* ---- processing, after the measured window ---- */

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

static void put_lat(struct sampler *s, const struct scg *c, const char *file,
		    const struct raw_hdr *h)
{
	tsv_put_i64(&s->readlat, s->t_ms);
	tsv_put_str(&s->readlat, c->name);
	tsv_put_i64(&s->readlat, c->level);
	tsv_put_str(&s->readlat, file);
	tsv_put_i64(&s->readlat, h->lat_ns);
	tsv_put_i64(&s->readlat, h->len);
	tsv_put_i64(&s->readlat, h->seq);
	tsv_end_row(&s->readlat);
}

static void warn_once(struct sampler *s, const char *what, const char *detail)
{
	if (s->warned++ < 5)
		pr_warn("%s: %s", what, detail);
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
	tsv_put_i64(w, d->window);
	tsv_end_row(w);
}

static void check_current(struct sampler *s, struct scg *c, enum drift_check check)
{
	struct drift_row d = { .check = check, .cgroup = c->name, .bound = c->bound };

	d.key = current_file(s->v);
	d.observed = drift_stat_total(s->v, &c->kv, c->kmem, NULL);
	d.expected = drift_window_expected(d.observed, c->current, c->current_after, &d.window);
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

/* Every drift check of one sample, once all its files are in. */
static void end_sample(struct sampler *s)
{
	const struct cg_tree *tree = &s->r->tree;
	size_t i;

	s->nsamples++;
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
	for (i = 0; i < s->n; i++)
		s->cg[i].ok = false;
	s->vm_ok = false;
}

static void process_stat(struct sampler *s, struct scg *c, const struct raw_hdr *h,
			 const char *text)
{
	char err[160];
	size_t i;

	put_lat(s, c, "memory.stat", h);
	if (memstat_parse(text, h->len, &c->kv, err, sizeof(err))) {
		char *what = xasprintf("memory.stat of '%s'", c->name);

		warn_once(s, what, err);
		free(what);
		return;
	}
	for (i = 0; i < c->kv.n; i++) {
		tsv_put_i64(&s->memstat, s->t_ms);
		tsv_put_str(&s->memstat, c->name);
		put_key(&s->memstat, "memory.stat:", c->kv.v[i].key, c->kv.v[i].keylen);
		tsv_put_i64(&s->memstat, c->kv.v[i].val);
		tsv_end_row(&s->memstat);
	}
	c->ok = true;
}

static void process_vmstat(struct sampler *s, const struct raw_hdr *h, const char *text)
{
	char err[160];
	size_t i;

	if (memstat_parse(text, h->len, &s->vm, err, sizeof(err))) {
		warn_once(s, "/proc/vmstat", err);
		return;
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
}

static int64_t number(const char *text, size_t len)
{
	char buf[32];

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	return strtoll(buf, NULL, 10);
}

static void process_record(struct sampler *s, const struct raw_hdr *h, const char *text)
{
	struct scg *c = h->cg < s->n ? &s->cg[h->cg] : NULL;

	s->t_ms = h->t_ms;
	if (h->file == RF_END) {
		end_sample(s);
		return;
	}
	if (h->file == RF_VMSTAT) {
		if (!h->error)
			process_vmstat(s, h, text);
		return;
	}
	if (!c)
		return;
	if (h->file == RF_DELETED) {
		c->deleted = true;
		return;
	}
	if (h->error) {
		c->ok = false;
		return;
	}
	switch (h->file) {
	case RF_STAT:
		process_stat(s, c, h, text);
		break;
	case RF_CUR:
		put_lat(s, c, current_file(s->v), h);
		c->current = number(text, h->len);
		put_value(s, c->name, current_file(s->v), c->current);
		break;
	case RF_CUR_AFTER:
		put_lat(s, c, current_file(s->v), h);
		c->current_after = number(text, h->len);
		break;
	case RF_KMEM:
		put_lat(s, c, "memory.kmem.usage_in_bytes", h);
		c->kmem = number(text, h->len);
		put_value(s, c->name, "memory.kmem.usage_in_bytes", c->kmem);
		break;
	}
}

static int open_writer(struct sampler *s, struct tsv_writer *w, const char *name,
		       const char *const *cols)
{
	char *p = run_path(s->r, name);
	int ret = tsv_writer_open(w, p, cols);

	free(p);
	return ret;
}

/* Turn samples.raw into the TSV files. */
static int process(struct sampler *s)
{
	struct stat st;
	const char *p, *end;
	void *map = NULL;
	int fd, ret;

	fd = open(s->raw_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		ret = -errno;
		goto out;
	}
	if (st.st_size) {
		map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			map = NULL;
			ret = -errno;
			goto out;
		}
	}
	ret = open_writer(s, &s->memstat, "memstat.tsv", memstat_cols);
	if (ret)
		goto out;
	ret = open_writer(s, &s->readlat, "readlat.tsv", readlat_cols);
	if (ret) {
		tsv_writer_abort(&s->memstat);
		goto out;
	}
	ret = open_writer(s, &s->drift, "drift.tsv", drift_cols);
	if (ret) {
		tsv_writer_abort(&s->memstat);
		tsv_writer_abort(&s->readlat);
		goto out;
	}
	p = map;
	end = p + st.st_size;
	while (p && p + sizeof(struct raw_hdr) <= end) {
		const struct raw_hdr *h = (const struct raw_hdr *)p;
		const char *text = p + sizeof(*h);

		if (h->magic != RAW_MAGIC || text + h->len > end) {
			warn_once(s, s->raw_path, "truncated or corrupt record; the rest is dropped");
			break;
		}
		process_record(s, h, text);
		p = text + ((h->len + 7) & ~7u);
	}
	ret = tsv_writer_commit(&s->memstat);
	if (!ret)
		ret = tsv_writer_commit(&s->readlat);
	else
		tsv_writer_abort(&s->readlat);
	if (!ret)
		ret = tsv_writer_commit(&s->drift);
	else
		tsv_writer_abort(&s->drift);
out:
	if (map)
		munmap(map, st.st_size);
	if (fd >= 0)
		close(fd);
	return ret;
}

int sampler_commit(struct sampler *s)
{
	int ret;

	if (s->committed)
		return 0;
	ret = sampler_flush(s);
	if (!ret)
		ret = process(s);
	if (!ret) {
		/* everything it held is in the TSV files now */
		unlink(s->raw_path);
		s->committed = true;
	}
	return ret;
}

void sampler_free(struct sampler *s)
{
	size_t i;

	if (!s)
		return;
	if (s->raw_fd >= 0) {
		if (!s->committed && s->len)
			sampler_flush(s);
		close(s->raw_fd);
	}
	for (i = 0; i < s->n; i++) {
		struct scg *c = &s->cg[i];

		if (c->fd_stat >= 0)
			close(c->fd_stat);
		if (c->fd_cur >= 0)
			close(c->fd_cur);
		if (c->fd_kmem >= 0)
			close(c->fd_kmem);
		kvlist_release(&c->kv);
	}
	if (s->fd_vmstat >= 0)
		close(s->fd_vmstat);
	kvlist_release(&s->vm);
	free(s->raw_path);
	free(s->buf);
	free(s->children);
	free(s->cg);
	free(s);
}

int sampler_recover(struct run *r, unsigned long *samples)
{
	struct sampler *s = sampler_alloc(r);
	int ret;

	ret = process(s);
	if (!ret) {
		unlink(s->raw_path);
		*samples = s->nsamples;
	}
	sampler_free(s);
	return ret;
}
