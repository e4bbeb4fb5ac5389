// SPDX-License-Identifier: GPL-2.0
/*
 * insn.c - read what the instruction-count plugin wrote (insn.raw) and the
 * kernel's System.map, and turn them into the run's tables:
 *   insn.tsv          per tick and vCPU: kernel and user instructions since
 *                     the previous tick; then one "window" row per vCPU and
 *                     one "spin" row per vCPU (kernel wait-loop turns taken
 *                     out of the counts; kernel_insns column)
 *   insn-symbols.tsv  kernel instructions per symbol in the window, share
 *   insn-reads.tsv    instructions of each memory.stat read, in read order
 *   insn-ops.tsv      the same for a workload's own operations (readcost's reads)
 *   insn-work.tsv     per vCPU: what ran inside page-fault's marked work, its operations
 * Parsers take a buffer and never a path, so they are tested on captured output.
 */
#include "insn.h"
#include "perfsym.h"
#include "resultdir.h"
#include "tsv.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One line of @buf at a time: [*pos, end of line) as a NUL-terminated copy. */
static char *next_line(const char *buf, size_t len, size_t *pos)
{
	const char *p = buf + *pos, *nl;
	size_t n;

	if (*pos >= len)
		return NULL;
	nl = memchr(p, '\n', len - *pos);
	n = nl ? (size_t)(nl - p) : len - *pos;
	*pos += n + (nl ? 1 : 0);
	return xstrndup(p, n);
}

/* A whole unsigned number in @base, nothing else. */
static int num_u64(const char *s, int base, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, base);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/**
 * ksyms_parse - the text symbols of a System.map ("ffffffff81000000 T _stext")
 * @ks: filled; release with ksyms_release(), also on error
 * @buf: the file's contents
 * @len: their length
 * @err: for a message naming the line
 * @errlen: its size
 *
 * Keeps symbols of types T, t, W and w; aliases at one address keep the
 * first name. Return: 0, or -EINVAL for a malformed line or a map without
 * text symbols.
 */
int ksyms_parse(struct ksyms *ks, const char *buf, size_t len, char *err, size_t errlen)
{
	size_t pos = 0, lineno = 0, alloc = 0, i, j;
	char *line;
	int ret = 0;

	memset(ks, 0, sizeof(*ks));
	while (!ret && (line = next_line(buf, len, &pos))) {
		char *addr = line, *type, *name;
		uint64_t a;

		lineno++;
		type = strchr(addr, ' ');
		name = type ? strchr(type + 1, ' ') : NULL;
		if (!*line) {
			free(line);
			continue;
		}
		if (!type || !name || type[2] != ' ' || !name[1]) {
			snprintf(err, errlen, "line %zu: not 'ADDRESS TYPE NAME'", lineno);
			ret = -EINVAL;
		} else {
			*type = *name = '\0';
			if (num_u64(addr, 16, &a)) {
				snprintf(err, errlen, "line %zu: bad address '%s'", lineno, addr);
				ret = -EINVAL;
			} else if (strchr("TtWw", type[1])) {
				if (ks->n == alloc) {
					alloc = alloc ? 2 * alloc : 1024;
					ks->v = xrealloc(ks->v, alloc * sizeof(*ks->v));
				}
				ks->v[ks->n].addr = a;
				ks->v[ks->n++].name = xstrdup(name + 1);
			}
		}
		free(line);
	}
	if (!ret && !ks->n) {
		snprintf(err, errlen, "no text symbols (types T, t, W, w)");
		ret = -EINVAL;
	}
	if (ret)
		return ret;
	/* System.map is sorted already; a merge of aliases needs it sorted, stably */
	for (i = 1; i < ks->n && ks->v[i - 1].addr <= ks->v[i].addr; i++)
		;
	if (i < ks->n)
		qsort(ks->v, ks->n, sizeof(*ks->v), cmp_ksym);
	for (i = j = 0; i < ks->n; i++) {
		if (j && ks->v[j - 1].addr == ks->v[i].addr) {
			free(ks->v[i].name);
			continue;
		}
		ks->v[j++] = ks->v[i];
	}
	ks->n = j;
	return 0;
}

/**
 * ksyms_find - the text symbol that @addr lies in
 * @ks: the symbols
 * @addr: a kernel address
 *
 * Return: the symbol with the highest address not above @addr, or NULL when
 * @addr is below the first one.
 */
const struct ksym *ksyms_find(const struct ksyms *ks, uint64_t addr)
{
	size_t lo = 0, hi = ks->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->v[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &ks->v[lo - 1] : NULL;
}

/**
 * ksyms_release - free what ksyms_parse() allocated; @ks may be NULL
 * @ks: the symbols
 */
void ksyms_release(struct ksyms *ks)
{
	size_t i;

	if (!ks)
		return;
	for (i = 0; i < ks->n; i++)
		free(ks->v[i].name);
	free(ks->v);
	memset(ks, 0, sizeof(*ks));
}

const char *insn_window_name(enum insn_window w)
{
	static const char *const names[] = { "none", "open", "complete" };

	return names[w];
}

/* Split @line at tabs into at most @max fields; the count, or max + 1 when there are more. */
static size_t split_tabs(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;

	for (;;) {
		char *t = strchr(p, '\t');

		if (n == max)
			return max + 1;
		f[n++] = p;
		if (!t)
			return n;
		*t = '\0';
		p = t + 1;
	}
}

static int parse_header(struct insn_raw *r, char **f, size_t nf, size_t lineno, char *err,
			size_t errlen)
{
	uint64_t v;

	if (nf != 2)
		goto bad;
	if (!strcmp(f[0], "window")) {
		for (v = 0; v <= INSN_WIN_COMPLETE; v++)
			if (!strcmp(f[1], insn_window_name(v)))
				break;
		if (v > INSN_WIN_COMPLETE)
			goto bad;
		r->window = v;
		return 0;
	}
	if (num_u64(f[1], 10, &v))
		goto bad;
	if (!strcmp(f[0], "window_ns"))
		r->window_ns = (int64_t)v;
	else if (!strcmp(f[0], "reads_migrated"))
		r->reads_migrated = v;
	else if (!strcmp(f[0], "ops_migrated"))
		r->ops_migrated = v;
	else if (!strcmp(f[0], "probes_migrated"))
		r->probes_migrated = v;
	else if (!strcmp(f[0], "markers_ignored"))
		r->markers_ignored = v;
	else
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "line %zu: bad '%s' line", lineno, f[0]);
	return -EINVAL;
}

/**
 * insn_raw_parse - read the plugin's output file
 * @r: filled; release with insn_raw_release(), also on error
 * @buf: the file's contents
 * @len: their length
 * @err: for a message naming the line and field
 * @errlen: its size
 *
 * Return: 0, or -EINVAL for anything the plugin would not have written (a
 * missing "pb-insn 1" or "vcpus" line first, a bad number, a vCPU out of
 * range, a short row).
 */
int insn_raw_parse(struct insn_raw *r, const char *buf, size_t len, char *err, size_t errlen)
{
	size_t pos = 0, lineno = 0, at = 0, as = 0, ar = 0, ao = 0, ap = 0;
	char *line, *f[4 + 2 * 256];
	int ret = 0;

	memset(r, 0, sizeof(*r));
	while (!ret && (line = next_line(buf, len, &pos))) {
		size_t nf = split_tabs(line, f, ARRAY_SIZE(f)), i;
		uint64_t a, b, c;

		lineno++;
		if (lineno == 1) {
			if (nf != 2 || strcmp(f[0], "pb-insn") || strcmp(f[1], "1")) {
				snprintf(err, errlen, "line 1: not 'pb-insn 1' (another plugin or "
					 "format version)");
				ret = -EINVAL;
			}
		} else if (lineno == 2) {
			if (nf != 2 || strcmp(f[0], "vcpus") || num_u64(f[1], 10, &a) || !a ||
			    a > 256) {
				snprintf(err, errlen, "line 2: not 'vcpus N' (1 to 256)");
				ret = -EINVAL;
			} else {
				r->nvcpu = (unsigned int)a;
				r->kern = xcalloc(a, sizeof(*r->kern));
				r->user = xcalloc(a, sizeof(*r->user));
				r->spin = xcalloc(a, sizeof(*r->spin));
				r->work = xcalloc(a, sizeof(*r->work));
				r->irq_kern = xcalloc(a, sizeof(*r->irq_kern));
				r->irq_user = xcalloc(a, sizeof(*r->irq_user));
			}
		} else if (!strcmp(f[0], "total")) {
			if (nf != 4 || num_u64(f[1], 10, &a) || a >= r->nvcpu ||
			    num_u64(f[2], 10, &b) || num_u64(f[3], 10, &c)) {
				snprintf(err, errlen, "line %zu: bad 'total' row", lineno);
				ret = -EINVAL;
			} else {
				r->kern[a] = b;
				r->user[a] = c;
			}
		} else if (!strcmp(f[0], "spin")) {
			if (nf != 3 || num_u64(f[1], 10, &a) || a >= r->nvcpu ||
			    num_u64(f[2], 10, &b)) {
				snprintf(err, errlen, "line %zu: bad 'spin' row", lineno);
				ret = -EINVAL;
			} else {
				r->spin[a] = b;
				r->have_spin = true;
			}
		} else if (!strcmp(f[0], "irq")) {
			if (nf != 4 || num_u64(f[1], 10, &a) || a >= r->nvcpu ||
			    num_u64(f[2], 10, &b) || num_u64(f[3], 10, &c)) {
				snprintf(err, errlen, "line %zu: bad 'irq' row", lineno);
				ret = -EINVAL;
			} else {
				r->irq_kern[a] = b;
				r->irq_user[a] = c;
				r->have_irq = true;
			}
		} else if (!strcmp(f[0], "work")) {
			struct insn_work *w = NULL;

			if (nf == 8 && !num_u64(f[1], 10, &a) && a < r->nvcpu)
				w = &r->work[a];
			if (!w || w->seen || num_u64(f[2], 10, &w->kern) ||
			    num_u64(f[3], 10, &w->user) || num_u64(f[4], 10, &w->ops) ||
			    num_u64(f[5], 10, &w->open) || num_u64(f[6], 10, &w->unmatched) ||
			    num_u64(f[7], 10, &w->irq)) {
				snprintf(err, errlen, "line %zu: bad 'work' row", lineno);
				ret = -EINVAL;
			} else {
				w->seen = r->have_work = true;
			}
		} else if (!strcmp(f[0], "tick")) {
			struct insn_tick *t;

			if (nf != 3 + 2 * (size_t)r->nvcpu || num_u64(f[1], 10, &a) ||
			    num_u64(f[2], 10, &b)) {
				snprintf(err, errlen, "line %zu: bad 'tick' row (want %u vCPUs)",
					 lineno, r->nvcpu);
				ret = -EINVAL;
				goto next;
			}
			if (r->nticks == at) {
				at = at ? 2 * at : 64;
				r->ticks = xrealloc(r->ticks, at * sizeof(*r->ticks));
			}
			t = &r->ticks[r->nticks++];
			t->seq = a;
			t->t_ns = (int64_t)b;
			t->kern = xcalloc(r->nvcpu, sizeof(*t->kern));
			t->user = xcalloc(r->nvcpu, sizeof(*t->user));
			for (i = 0; !ret && i < r->nvcpu; i++) {
				if (num_u64(f[3 + 2 * i], 10, &t->kern[i]) ||
				    num_u64(f[4 + 2 * i], 10, &t->user[i])) {
					snprintf(err, errlen, "line %zu: bad count in 'tick' row",
						 lineno);
					ret = -EINVAL;
				}
			}
		} else if (!strcmp(f[0], "read") || !strcmp(f[0], "op") || !strcmp(f[0], "probe")) {
			bool op = f[0][0] == 'o', probe = f[0][0] == 'p';
			struct insn_read rd = { 0 };
			bool ok = false;

			if (nf == 5 && !num_u64(f[1], 10, &rd.seq) && !num_u64(f[2], 10, &a) &&
			    a < r->nvcpu) {
				rd.vcpu = (unsigned int)a;
				if (!strcmp(f[3], "-") && !strcmp(f[4], "-"))
					ok = true;	/* it moved to another vCPU */
				else
					ok = rd.valid = !num_u64(f[3], 10, &rd.kern) &&
							!num_u64(f[4], 10, &rd.user);
			}
			if (!ok) {
				snprintf(err, errlen, "line %zu: bad '%s' row", lineno, f[0]);
				ret = -EINVAL;
			} else if (probe) {
				if (r->nprobes == ap) {
					ap = ap ? 2 * ap : 256;
					r->probes = xrealloc(r->probes, ap * sizeof(*r->probes));
				}
				r->probes[r->nprobes++] = rd;
			} else if (op) {
				if (r->nops == ao) {
					ao = ao ? 2 * ao : 256;
					r->ops = xrealloc(r->ops, ao * sizeof(*r->ops));
				}
				r->ops[r->nops++] = rd;
			} else {
				if (r->nreads == ar) {
					ar = ar ? 2 * ar : 256;
					r->reads = xrealloc(r->reads, ar * sizeof(*r->reads));
				}
				r->reads[r->nreads++] = rd;
			}
		} else if (!strcmp(f[0], "seg")) {
			if (nf != 3 || num_u64(f[1], 16, &a) || num_u64(f[2], 10, &b)) {
				snprintf(err, errlen, "line %zu: bad 'seg' row", lineno);
				ret = -EINVAL;
			} else {
				if (r->nsegs == as) {
					as = as ? 2 * as : 4096;
					r->segs = xrealloc(r->segs, as * sizeof(*r->segs));
				}
				r->segs[r->nsegs].vaddr = a;
				r->segs[r->nsegs++].insns = b;
			}
		} else {
			ret = parse_header(r, f, nf, lineno, err, errlen);
		}
next:
		free(line);
	}
	if (!ret && lineno < 2) {
		snprintf(err, errlen, "no 'pb-insn 1' and 'vcpus' lines (empty or cut short)");
		ret = -EINVAL;
	}
	return ret;
}

/**
 * insn_raw_release - free what insn_raw_parse() allocated; @r may be NULL
 * @r: the parsed file
 */
void insn_raw_release(struct insn_raw *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nticks; i++) {
		free(r->ticks[i].kern);
		free(r->ticks[i].user);
	}
	free(r->ticks);
	free(r->reads);
	free(r->ops);
	free(r->probes);
	free(r->segs);
	free(r->kern);
	free(r->user);
	free(r->work);
	free(r->irq_kern);
	free(r->irq_user);
	free(r->spin);
	memset(r, 0, sizeof(*r));
}

/**
 * insn_raw_kernel_total - kernel instructions in the window, all vCPUs
 * @r: the parsed file
 *
 * Return: the sum of the "total" rows' kernel column.
 */
uint64_t insn_raw_kernel_total(const struct insn_raw *r)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < r->nvcpu; i++)
		sum += r->kern[i];
	return sum;
}

static int cmp_sym_name(const void *a, const void *b)
{
	return strcmp(((const struct insn_sym *)a)->name, ((const struct insn_sym *)b)->name);
}

static int cmp_sym_insns(const void *a, const void *b)
{
	const struct insn_sym *x = a, *y = b;

	if (x->insns != y->insns)
		return x->insns > y->insns ? -1 : 1;
	return strcmp(x->name, y->name);
}

/**
 * insn_symbols - kernel instructions per symbol
 * @r: the parsed plugin output
 * @ks: the kernel's text symbols
 * @out: set to an array the caller frees with insn_syms_free()
 * @n: set to its length
 *
 * Each segment counts for the symbol its start address lies in; names are
 * normalised as perfdiff does (clone suffixes dropped), so clones add up.
 * Addresses below every symbol count as "[unknown]". Sorted by instructions,
 * most first; @share is percent of the segments' sum.
 *
 * Return: 0.
 */
int insn_symbols(const struct insn_raw *r, const struct ksyms *ks, struct insn_sym **out,
		 size_t *n)
{
	struct insn_sym *v = NULL;
	size_t nv = 0, i, j;
	uint64_t sum = 0;

	if (r->nsegs)
		v = xcalloc(r->nsegs, sizeof(*v));
	for (i = 0; i < r->nsegs; i++) {
		const struct ksym *k = ksyms_find(ks, r->segs[i].vaddr);

		v[nv].name = k ? perfsym_normalize(k->name) : xstrdup("[unknown]");
		v[nv++].insns = r->segs[i].insns;
		sum += r->segs[i].insns;
	}
	if (nv)
		qsort(v, nv, sizeof(*v), cmp_sym_name);
	for (i = j = 0; i < nv; i++) {
		if (j && !strcmp(v[j - 1].name, v[i].name)) {
			v[j - 1].insns += v[i].insns;
			free(v[i].name);
			continue;
		}
		v[j++] = v[i];
	}
	nv = j;
	for (i = 0; i < nv; i++)
		v[i].share = sum ? 100.0 * (double)v[i].insns / (double)sum : 0;
	if (nv)
		qsort(v, nv, sizeof(*v), cmp_sym_insns);
	*out = v;
	*n = nv;
	return 0;
}

/**
 * insn_syms_free - free an array from insn_symbols(); @s may be NULL
 * @s: the array
 * @n: its length
 */
void insn_syms_free(struct insn_sym *s, size_t n)
{
	size_t i;

	for (i = 0; s && i < n; i++)
		free(s[i].name);
	free(s);
}

/* A tsv_writer for @dir/@name; 0 or -errno. */
static int open_in(struct tsv_writer *w, const char *dir, const char *name,
		   const char *const *cols)
{
	char *path = xasprintf("%s/%s", dir, name);
	int ret = tsv_writer_open(w, path, cols);

	free(path);
	return ret;
}

static int write_ticks(const char *dir, const struct insn_raw *r)
{
	static const char *const cols[] = { "row", "t_ms", "vcpu", "kernel_insns", "user_insns",
					    NULL };
	struct tsv_writer w;
	size_t i;
	unsigned int c;
	int ret = open_in(&w, dir, "insn.tsv", cols);

	if (ret)
		return ret;
	for (i = 0; i < r->nticks; i++) {
		for (c = 0; c < r->nvcpu; c++) {
			const struct insn_tick *p = i ? &r->ticks[i - 1] : NULL;

			tsv_put_u64(&w, r->ticks[i].seq);
			tsv_put_double(&w, (double)r->ticks[i].t_ns / 1e6, 1);
			tsv_put_u64(&w, c);
			tsv_put_u64(&w, r->ticks[i].kern[c] - (p ? p->kern[c] : 0));
			tsv_put_u64(&w, r->ticks[i].user[c] - (p ? p->user[c] : 0));
			tsv_end_row(&w);
		}
	}
	for (c = 0; c < r->nvcpu; c++) {
		tsv_put_str(&w, "window");
		tsv_put_double(&w, (double)r->window_ns / 1e6, 1);
		tsv_put_u64(&w, c);
		tsv_put_u64(&w, r->kern[c]);
		tsv_put_u64(&w, r->user[c]);
		tsv_end_row(&w);
	}
	/* the wait-loop turns the plugin took out of the window's kernel counts */
	for (c = 0; r->have_spin && c < r->nvcpu; c++) {
		tsv_put_str(&w, "spin");
		tsv_put_double(&w, (double)r->window_ns / 1e6, 1);
		tsv_put_u64(&w, c);
		tsv_put_u64(&w, r->spin[c]);
		tsv_put_u64(&w, 0);
		tsv_end_row(&w);
	}
	/* the instructions inside interrupts, part of the window's (with entries=) */
	for (c = 0; r->have_irq && c < r->nvcpu; c++) {
		tsv_put_str(&w, "irq");
		tsv_put_double(&w, (double)r->window_ns / 1e6, 1);
		tsv_put_u64(&w, c);
		tsv_put_u64(&w, r->irq_kern[c]);
		tsv_put_u64(&w, r->irq_user[c]);
		tsv_end_row(&w);
	}
	return tsv_writer_commit(&w);
}

static int write_symbols(const char *dir, const struct insn_sym *s, size_t n)
{
	static const char *const cols[] = { "symbol", "insns", "share_pct", NULL };
	struct tsv_writer w;
	size_t i;
	int ret = open_in(&w, dir, "insn-symbols.tsv", cols);

	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		tsv_put_str(&w, s[i].name);
		tsv_put_u64(&w, s[i].insns);
		tsv_put_double(&w, s[i].share, 4);
		tsv_end_row(&w);
	}
	return tsv_writer_commit(&w);
}

/* insn-reads.tsv (@col "read") or insn-ops.tsv ("op"): @n rows of @v. */
static int write_reads(const char *dir, const char *file, const char *col,
		       const struct insn_read *v, size_t n)
{
	const char *const cols[] = { col, "vcpu", "kernel_insns", "user_insns", NULL };
	struct tsv_writer w;
	size_t i;
	int ret = open_in(&w, dir, file, cols);

	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		const struct insn_read *rd = &v[i];

		tsv_put_u64(&w, rd->seq);
		tsv_put_u64(&w, rd->vcpu);
		if (rd->valid) {
			tsv_put_u64(&w, rd->kern);
			tsv_put_u64(&w, rd->user);
		} else {
			/* it moved to another vCPU: no count of its own (empty cells) */
			tsv_put_str(&w, "");
			tsv_put_str(&w, "");
		}
		tsv_end_row(&w);
	}
	return tsv_writer_commit(&w);
}

/* insn-work.tsv: one row per vCPU with work, then their total. */
static int write_work(const char *dir, const struct insn_raw *r)
{
	static const char *const cols[] = { "vcpu", "kernel_insns", "user_insns", "ops", "open",
					    "unmatched", "irq_insns", NULL };
	struct insn_work sum = { 0 };
	struct tsv_writer w;
	unsigned int c;
	int ret = open_in(&w, dir, "insn-work.tsv", cols);

	if (ret)
		return ret;
	for (c = 0; c < r->nvcpu; c++) {
		const struct insn_work *x = &r->work[c];

		if (!x->seen)
			continue;
		tsv_put_u64(&w, c);
		tsv_put_u64(&w, x->kern);
		tsv_put_u64(&w, x->user);
		tsv_put_u64(&w, x->ops);
		tsv_put_u64(&w, x->open);
		tsv_put_u64(&w, x->unmatched);
		tsv_put_u64(&w, x->irq);
		tsv_end_row(&w);
		sum.kern += x->kern;
		sum.user += x->user;
		sum.ops += x->ops;
		sum.open += x->open;
		sum.unmatched += x->unmatched;
		sum.irq += x->irq;
	}
	tsv_put_str(&w, "total");
	tsv_put_u64(&w, sum.kern);
	tsv_put_u64(&w, sum.user);
	tsv_put_u64(&w, sum.ops);
	tsv_put_u64(&w, sum.open);
	tsv_put_u64(&w, sum.unmatched);
	tsv_put_u64(&w, sum.irq);
	tsv_end_row(&w);
	return tsv_writer_commit(&w);
}

/* One cell of the column annotate() adds: row @row of @t, text into @buf. */
typedef void (*annotate_fn)(const struct tsv *t, size_t row, const struct insn_raw *r,
			    char *buf, size_t len);

/*
 * Rewrite @dir/@file (through a temp file and a rename) with one more column
 * @col, filled by @fn. A file that is missing, or has @col already, is left as
 * it is. Return: 0 or -errno.
 */
static int annotate(const char *dir, const char *file, const char *col, annotate_fn fn,
		    const struct insn_raw *r)
{
	char *path = xasprintf("%s/%s", dir, file), err[256], cell[64];
	const char **cols = NULL;
	struct tsv_writer w;
	struct tsv t;
	size_t i, c;
	int ret = tsv_load(&t, path, err, sizeof(err));

	if (ret) {
		free(path);
		return ret == -ENOENT ? 0 : ret;
	}
	if (tsv_col(&t, col) >= 0)
		goto out;
	cols = xcalloc(t.ncols + 2, sizeof(*cols));
	for (c = 0; c < t.ncols; c++)
		cols[c] = t.cols[c];
	cols[c] = col;
	ret = tsv_writer_open(&w, path, cols);
	if (ret)
		goto out;
	for (i = 0; i < t.nrows; i++) {
		for (c = 0; c < t.ncols; c++)
			tsv_put_str(&w, t.rows[i][c]);
		fn(&t, i, r, cell, sizeof(cell));
		tsv_put_str(&w, cell);
		tsv_end_row(&w);
	}
	ret = tsv_writer_commit(&w);
out:
	free(cols);
	free(path);
	tsv_release(&t);
	return ret;
}

/* The valid count of read (or op) @seq in @v, sorted by seq as the plugin writes them. */
static const struct insn_read *find_seq(const struct insn_read *v, size_t n, uint64_t seq)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].seq == seq && v[lo].valid ? &v[lo] : NULL;
}

/* readlat.tsv's insn: the kernel instructions of memory.stat read `read`, or empty. */
static void readlat_insn(const struct tsv *t, size_t row, const struct insn_raw *r, char *buf,
			 size_t len)
{
	double seq = tsv_get_num(t, row, tsv_col(t, "read"));
	const struct insn_read *rd = seq >= 1 ? find_seq(r->reads, r->nreads, (uint64_t)seq) :
				      NULL;

	if (rd)
		snprintf(buf, len, "%" PRIu64, rd->kern);
	else
		buf[0] = 0;
}

/* probe.tsv's insn: the kernel instructions of its row's probe (row k is probe k), or empty. */
static void probe_insn(const struct tsv *t, size_t row, const struct insn_raw *r, char *buf,
		       size_t len)
{
	const struct insn_read *p = find_seq(r->probes, r->nprobes, row + 1);

	if (p)
		snprintf(buf, len, "%" PRIu64, p->kern);
	else
		buf[0] = 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* readcost.tsv's insn_p50: the median kernel instructions of ops op_first..op_last, or "-". */
static void readcost_insn(const struct tsv *t, size_t row, const struct insn_raw *r, char *buf,
			  size_t len)
{
	double a = tsv_get_num(t, row, tsv_col(t, "op_first"));
	double b = tsv_get_num(t, row, tsv_col(t, "op_last"));
	uint64_t *v = NULL, s;
	size_t n = 0;

	snprintf(buf, len, "-");
	if (!(a >= 1 && b >= a && b - a < 1e7))
		return;
	v = xcalloc((size_t)(b - a) + 1, sizeof(*v));
	for (s = (uint64_t)a; s <= (uint64_t)b; s++) {
		const struct insn_read *op = find_seq(r->ops, r->nops, s);

		if (op)
			v[n++] = op->kern;
	}
	if (n) {
		qsort(v, n, sizeof(*v), cmp_u64);
		/* the lower median of an even count: a count that happened */
		snprintf(buf, len, "%" PRIu64, v[(n - 1) / 2]);
	}
	free(v);
}

/**
 * insn_write_results - write insn.tsv, insn-symbols.tsv, insn-reads.tsv (and insn-ops.tsv,
 * insn-work.tsv when the run has them)
 * @dir: the result directory
 * @r: the parsed plugin output
 * @s: its symbols (insn_symbols())
 * @n: how many
 *
 * Each file goes through a temp file and a rename. readlat.tsv gets an `insn`
 * column (each memory.stat read's kernel instructions) and readcost.tsv an
 * `insn_p50` one (the median of its in-process reads'), when the run has them.
 * Return: 0 or -errno of the first file that could not be written.
 */
int insn_write_results(const char *dir, const struct insn_raw *r, const struct insn_sym *s,
		       size_t n)
{
	int ret = write_ticks(dir, r);

	if (!ret)
		ret = write_symbols(dir, s, n);
	if (!ret)
		ret = write_reads(dir, "insn-reads.tsv", "read", r->reads, r->nreads);
	/* only a run whose workload marks its operations has them */
	if (!ret && r->nops)
		ret = write_reads(dir, "insn-ops.tsv", "op", r->ops, r->nops);
	if (!ret && r->have_work)
		ret = write_work(dir, r);
	/* and the counts beside the times, for the reader of the tables */
	if (!ret)
		ret = annotate(dir, "readlat.tsv", "insn", readlat_insn, r);
	if (!ret && r->nops)
		ret = annotate(dir, "readcost.tsv", "insn_p50", readcost_insn, r);
	if (!ret && r->nprobes)
		ret = annotate(dir, "probe.tsv", "insn", probe_insn, r);
	return ret;
}

/**
 * insn_run_check - whether result directory @dir has whole instruction counts
 * @dir: the result directory
 * @err: for a one-line message naming @dir and the reason
 * @errlen: its size
 *
 * Whole means meta.json's insn_counts is "complete" (the plugin's window
 * opened and closed) and insn-symbols.tsv is there.
 * Return: 0, -ENOENT without meta.json or insn-symbols.tsv, -EINVAL for
 * counts that are off, missing or incomplete.
 */
int insn_run_check(const char *dir, char *err, size_t errlen)
{
	char *p = xasprintf("%s/insn-symbols.tsv", dir), e[256];
	struct meta m;
	int ret = meta_load(&m, dir, e, sizeof(e));

	if (ret) {
		snprintf(err, errlen, "%s", e);
	} else if (!m.insn_counts) {
		snprintf(err, errlen, "'%s' has no instruction counts (no insn_counts in meta.json: "
			 "not a vm run under TCG)", dir);
		ret = -EINVAL;
	} else if (strcmp(m.insn_counts, "complete")) {
		snprintf(err, errlen, "'%s': instruction counts not complete (insn_counts '%s')",
			 dir, m.insn_counts);
		ret = -EINVAL;
	} else if (!path_exists(p)) {
		snprintf(err, errlen, "'%s' has no insn-symbols.tsv", dir);
		ret = -ENOENT;
	}
	meta_release(&m);
	free(p);
	return ret;
}

/**
 * insn_symbols_load - insn-symbols.tsv of @dir as a profile
 * @l: appended to; kind 'k', dso "[kernel.kallsyms]", overhead_pct the
 *     share of the window's kernel instructions, period the instructions
 * @dir: the result directory
 * @err: for a message naming the file
 * @errlen: its size
 *
 * So that perfdiff's matching and table work on exact counts as on samples.
 * Return: 0 or -errno.
 */
int insn_symbols_load(struct perfsym_list *l, const char *dir, char *err, size_t errlen)
{
	struct row {
		const char *symbol;
		uint64_t insns;
		double share;
	} *rows = NULL;
	static const struct tsv_bind binds[] = {
		{ "symbol", TSV_STR, offsetof(struct row, symbol) },
		{ "insns", TSV_U64, offsetof(struct row, insns) },
		{ "share_pct", TSV_DBL, offsetof(struct row, share), 0, 100 },
		{ NULL },
	};
	char *path = xasprintf("%s/insn-symbols.tsv", dir);
	struct tsv t = { 0 };
	size_t r;
	int ret = tsv_load(&t, path, err, errlen);

	if (!ret)
		ret = tsv_bind_rows(&t, binds, sizeof(*rows), &rows, NULL, err, errlen);
	if (!ret && !t.nrows) {
		snprintf(err, errlen, "'%s': no symbols (a header without rows)", path);
		ret = -EINVAL;
	}
	for (r = 0; !ret && r < t.nrows; r++) {
		struct perfsym *s = perfsym_add(l, 'k', "[kernel.kallsyms]", rows[r].symbol);

		s->overhead_pct = rows[r].share;
		s->period = rows[r].insns;
	}
	free(rows);
	tsv_release(&t);
	free(path);
	return ret;
}
