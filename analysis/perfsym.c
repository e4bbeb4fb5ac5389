// SPDX-License-Identifier: GPL-2.0
/*
 * perfsym.c - per-symbol profiles: "perf report" output in, perf-symbols.tsv
 * out, with symbol names normalised so that the same function matches across
 * two kernels whose compilers cloned it differently.
 */
#include "perfsym.h"
#include "tsv.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Suffixes gcc/clang append to clones: ".<name>" optionally followed by ".<digits>". */
static const char *const clone_suffixes[] = {
	"isra", "constprop", "part", "cold", "llvm", "lto_priv", "localalias", NULL,
};

/* Length of @s without one trailing ".<suffix>[.<digits>]", or @len if none. */
static size_t strip_one(const char *s, size_t len)
{
	size_t end = len, i;

	/* optional ".<digits>" */
	while (end > 0 && isdigit((unsigned char)s[end - 1]))
		end--;
	if (end < len && end > 0 && s[end - 1] == '.')
		end--;
	else
		end = len;
	for (i = 0; clone_suffixes[i]; i++) {
		size_t n = strlen(clone_suffixes[i]);

		if (end > n + 1 && s[end - n - 1] == '.' && !memcmp(s + end - n, clone_suffixes[i], n))
			return end - n - 1;
	}
	/* "foo.cold" has no digits; ".isra" always does, but accept both */
	return len;
}

char *perfsym_normalize(const char *sym)
{
	size_t len = strlen(sym), n;
	const char *clone;
	char *out;

	/* C++ demangled clones: "foo(int) [clone .isra.0] [clone .cold]" */
	clone = strstr(sym, " [clone .");
	if (clone)
		len = clone - sym;
	while (len > 0 && sym[len - 1] == ' ')
		len--;
	while ((n = strip_one(sym, len)) != len)
		len = n;
	out = xstrndup(sym, len);
	return out;
}

void perfsym_list_init(struct perfsym_list *l)
{
	memset(l, 0, sizeof(*l));
}

void perfsym_list_release(struct perfsym_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].dso);
		free(l->v[i].symbol);
		free(l->v[i].norm);
	}
	free(l->v);
	free(l->event);
	perfsym_list_init(l);
}

struct perfsym *perfsym_add(struct perfsym_list *l, char kind, const char *dso,
			    const char *symbol)
{
	struct perfsym *s;

	if (l->n == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 256;
		l->v = xrealloc(l->v, l->alloc * sizeof(*l->v));
	}
	s = &l->v[l->n++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->dso = xstrdup(dso);
	s->symbol = xstrdup(symbol);
	s->norm = perfsym_normalize(symbol);
	return s;
}

static int cmp_overhead(const void *a, const void *b)
{
	const struct perfsym *x = a, *y = b;
	int c;

	if (x->overhead_pct != y->overhead_pct)
		return x->overhead_pct < y->overhead_pct ? 1 : -1;
	c = strcmp(x->symbol, y->symbol);
	return c ? c : strcmp(x->dso, y->dso);
}

void perfsym_sort(struct perfsym_list *l)
{
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), cmp_overhead);
}

/* Trim spaces on both sides of [*s, *e) in place. */
static void trim(char **s, char **e)
{
	while (*s < *e && isspace((unsigned char)**s))
		(*s)++;
	while (*e > *s && isspace((unsigned char)(*e)[-1]))
		(*e)--;
}

/* "[k] name" -> kind 'k', name. perf's "[.]" is user space. */
static char kind_of(const char *sym, const char **name)
{
	*name = sym;
	if (strlen(sym) >= 4 && sym[0] == '[' && sym[2] == ']' && sym[3] == ' ') {
		*name = sym + 4;
		switch (sym[1]) {
		case 'k':
			return 'k';
		case '.':
			return 'u';
		case 'g':
			return 'g';
		case 'u':
			return 'v';
		default:
			return '?';
		}
	}
	return '?';
}

enum { COL_OVERHEAD, COL_PERIOD, COL_SAMPLES, COL_DSO, COL_SYM, NCOLS };
static const char *const col_names[NCOLS] = {
	"Overhead", "Period", "Samples", "Shared Object", "Symbol",
};

#define MAX_FIELDS 16

/* Split @line (NUL-terminated copy) at tabs into trimmed fields. */
static size_t split_tabs(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;

	for (;;) {
		char *tab = strchr(p, '\t'), *e = tab ? tab : p + strlen(p), *s = p;

		trim(&s, &e);
		*e = '\0';
		if (n < max)
			f[n++] = s;
		if (!tab)
			break;
		p = tab + 1;
	}
	return n;
}

int perfsym_parse_report(const char *buf, size_t len, struct perfsym_list *l, char *err,
			 size_t errlen)
{
	int col[NCOLS] = { -1, -1, -1, -1, -1 };
	const char *p = buf, *end = buf + len;
	bool have_header = false, seen_samples = false, seen_count = false;
	size_t first = l->n, lineno = 0, i;
	double total = 0, event_count = 0;
	int ret = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p), *eol = nl ? nl : end;
		char *line = xstrndup(p, eol - p), *f[MAX_FIELDS];
		size_t nf;

		lineno++;
		p = nl ? nl + 1 : end;
		if (line[0] == '#') {
			const char *ev = strstr(line, " of event '");

			if (!strncmp(line, "# Samples:", 10) && ev) {
				if (seen_samples) {	/* a second event: stop here */
					free(line);
					break;
				}
				seen_samples = true;
				ev += 11;
				free(l->event);
				l->event = xstrndup(ev, strcspn(ev, "'"));
			} else if (!strncmp(line, "# Event count (approx.):", 24) && !seen_count) {
				event_count = strtod(line + 24, NULL);
				seen_count = true;
			} else if (strchr(line, '\t') && strstr(line, "Overhead")) {
				nf = split_tabs(line + 1, f, MAX_FIELDS);
				for (i = 0; i < nf; i++)
					for (int c = 0; c < NCOLS; c++)
						if (!strcmp(f[i], col_names[c]))
							col[c] = (int)i;
				have_header = true;
			}
			free(line);
			continue;
		}
		if (!line[strspn(line, " \t\r")]) {
			free(line);
			continue;
		}
		if (!have_header || col[COL_OVERHEAD] < 0 || col[COL_DSO] < 0 || col[COL_SYM] < 0) {
			snprintf(err, errlen,
				 "line %zu: a profile row before a header naming the Overhead, "
				 "Shared Object and Symbol columns (run perf report with -t)", lineno);
			free(line);
			ret = -EINVAL;
			break;
		}
		nf = split_tabs(line, f, MAX_FIELDS);
		{
			int need = col[COL_SYM];
			const char *name;
			char kind, *pe;
			struct perfsym *s;
			double pct;

			for (int c = 0; c < NCOLS; c++)
				if (col[c] > need)
					need = col[c];
			if ((int)nf <= need) {
				snprintf(err, errlen, "line %zu: %zu fields, expected %d", lineno, nf,
					 need + 1);
				free(line);
				ret = -EINVAL;
				break;
			}
			pct = strtod(f[col[COL_OVERHEAD]], &pe);
			if (pe == f[col[COL_OVERHEAD]] || *pe != '%' || !isfinite(pct)) {
				snprintf(err, errlen, "line %zu: overhead '%s' is not a percentage",
					 lineno, f[col[COL_OVERHEAD]]);
				free(line);
				ret = -EINVAL;
				break;
			}
			kind = kind_of(f[col[COL_SYM]], &name);
			s = perfsym_add(l, kind, f[col[COL_DSO]], name);
			s->overhead_pct = pct;
			if (col[COL_PERIOD] >= 0)
				s->period = strtoull(f[col[COL_PERIOD]], NULL, 10);
			if (col[COL_SAMPLES] >= 0)
				s->samples = strtoull(f[col[COL_SAMPLES]], NULL, 10);
			total += (double)s->period;
		}
		free(line);
	}
	/* perf's percentages are of the whole event count, not of the rows shown */
	if (event_count > 0)
		total = event_count;
	if (!ret && col[COL_PERIOD] >= 0 && total > 0)
		for (i = first; i < l->n; i++)
			l->v[i].overhead_pct = 100.0 * (double)l->v[i].period / total;
	if (!ret && !have_header) {
		snprintf(err, errlen, "no profile header (is this 'perf report --stdio -t' output?)");
		ret = -EINVAL;
	}
	return ret;
}

static const char *const sym_cols[] = { "overhead_pct", "period", "samples", "kind", "dso",
					"symbol", "symbol_norm", NULL };

int perfsym_write_tsv(const struct perfsym_list *l, const char *path)
{
	struct tsv_writer w;
	char kind[2] = "?";
	size_t i;
	int ret = tsv_writer_open(&w, path, sym_cols);

	if (ret)
		return ret;
	for (i = 0; i < l->n; i++) {
		const struct perfsym *s = &l->v[i];

		kind[0] = s->kind;
		tsv_put_double(&w, s->overhead_pct, 6);
		tsv_put_u64(&w, s->period);
		tsv_put_u64(&w, s->samples);
		tsv_put_str(&w, kind);
		tsv_put_str(&w, s->dso);
		tsv_put_str(&w, s->symbol);
		tsv_put_str(&w, s->norm);
		tsv_end_row(&w);
	}
	return tsv_writer_commit(&w);
}

int perfsym_load_tsv(struct perfsym_list *l, const char *path, char *err, size_t errlen)
{
	struct row {
		const char *kind, *dso, *symbol;
		double pct;
		uint64_t period, samples;
	} *rows = NULL;
	/* as perfsym_write_tsv() writes them */
	static const struct tsv_bind binds[] = {
		{ "overhead_pct", TSV_DBL, offsetof(struct row, pct), 0, 100 },
		{ "kind", TSV_STR, offsetof(struct row, kind) },
		{ "dso", TSV_STR, offsetof(struct row, dso) },
		{ "symbol", TSV_STR, offsetof(struct row, symbol) },
		{ "period", TSV_U64, offsetof(struct row, period), 0, INT64_MAX, TSV_OPTIONAL },
		{ "samples", TSV_U64, offsetof(struct row, samples), 0, INT64_MAX, TSV_OPTIONAL },
		{ NULL },
	};
	enum { C_PER = 4, C_SMP, C_N = ARRAY_SIZE(binds) - 1 };
	struct tsv t = { 0 };
	int c[C_N];
	size_t r;
	int ret = tsv_load(&t, path, err, errlen);

	if (ret)
		return ret;
	ret = tsv_bind_rows(&t, binds, sizeof(*rows), &rows, c, err, errlen);
	if (!ret && !t.nrows) {
		/* perf report of a profile without samples: nothing to compare */
		snprintf(err, errlen, "'%s': no symbols (a header without rows)", path);
		ret = -EINVAL;
	}
	for (r = 0; !ret && r < t.nrows; r++) {
		const char *k = rows[r].kind;
		struct perfsym *s = perfsym_add(l, k[0] ? k[0] : '?', rows[r].dso, rows[r].symbol);

		s->overhead_pct = rows[r].pct;
		if (c[C_PER] >= 0)
			s->period = rows[r].period;
		if (c[C_SMP] >= 0)
			s->samples = rows[r].samples;
	}
	free(rows);
	tsv_release(&t);
	return ret;
}

/* tools/perf/util/header.h: struct perf_file_header, 104 bytes, little-endian here. */
#define PERF_MAGIC2 0x32454c4946524550ULL	/* "PERFILE2" */
#define PERF_HEADER_SIZE 104
#define PERF_FEAT_BITS 256

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

int perfsym_check_data(const char *path, char *err, size_t errlen)
{
	unsigned char h[PERF_HEADER_SIZE];
	uint64_t size, data_off, data_size, attrs_off, attrs_size, feat_off;
	unsigned nfeat = 0, i;
	struct stat st;
	ssize_t n;
	int fd, ret = 0;

	/* non-blocking: a FIFO must not wait for a writer */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		snprintf(err, errlen, "cannot stat '%s': %s", path, strerror(errno));
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "'%s' is not a perf.data file (not a regular file)", path);
		ret = -EINVAL;
		goto out_close;
	}
	size = (uint64_t)st.st_size;
	n = pread(fd, h, sizeof(h), 0);
	if (n < 8 || get_u64(h) != PERF_MAGIC2) {
		snprintf(err, errlen, "'%s' is not a perf.data file (no PERFILE2 header)", path);
		ret = -EINVAL;
		goto out_close;
	}
	if (get_u64(h + 8) == 16) {	/* pipe mode: a stream with no sections to check */
		goto out_close;
	}
	if (n < PERF_HEADER_SIZE) {
		snprintf(err, errlen, "'%s' is truncated: %zd bytes, shorter than its header",
			 path, n);
		ret = -EINVAL;
		goto out_close;
	}
	attrs_off = get_u64(h + 24);
	attrs_size = get_u64(h + 32);
	data_off = get_u64(h + 40);
	data_size = get_u64(h + 48);
	if (data_size == 0) {
		snprintf(err, errlen,
			 "'%s' is unfinished: its data section size is 0 (perf record did not "
			 "exit cleanly)", path);
		ret = -EINVAL;
		goto out_close;
	}
	if (attrs_off + attrs_size > size || data_off + data_size > size) {
		snprintf(err, errlen,
			 "'%s' is truncated: %llu bytes, but its data section ends at %llu", path,
			 (unsigned long long)size, (unsigned long long)(data_off + data_size));
		ret = -EINVAL;
		goto out_close;
	}
	for (i = 0; i < PERF_FEAT_BITS / 8; i++)
		nfeat += (unsigned)__builtin_popcount(h[72 + i]);
	feat_off = data_off + data_size;
	if (feat_off + 16ULL * nfeat > size) {
		snprintf(err, errlen,
			 "'%s' is truncated: %llu bytes, but its %u feature sections start at %llu",
			 path, (unsigned long long)size, nfeat, (unsigned long long)feat_off);
		ret = -EINVAL;
		goto out_close;
	}
	for (i = 0; i < nfeat; i++) {
		unsigned char sec[16];

		if (pread(fd, sec, sizeof(sec), (off_t)(feat_off + 16ULL * i)) != sizeof(sec) ||
		    get_u64(sec) + get_u64(sec + 8) > size) {
			snprintf(err, errlen, "'%s' is truncated: feature section %u lies past "
				 "its end (%llu bytes)", path, i, (unsigned long long)size);
			ret = -EINVAL;
			goto out_close;
		}
	}
out_close:
	close(fd);
	return ret;
}
