// SPDX-License-Identifier: GPL-2.0
/*
 * tsv.c - read and write patchbench's TSV raw data files.
 *
 * The reader splits a file in place: cells are pointers into the one buffer
 * the file was read into, so loading a large samples file costs one read and
 * two pointer arrays.
 *
 * The writer sits in the sampler's 1 Hz hot path (~20 cgroups x ~40 keys per
 * tick): fields go into a large stdio buffer through the unlocked stdio
 * calls, and integers are formatted by hand rather than through printf.
 */
#ifndef _GNU_SOURCE
#endif
#include "tsv.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"
#include "util.h"

static size_t line_of(const char *buf, const char *at)
{
	size_t line = 1;

	while ((buf = memchr(buf, '\n', at - buf))) {
		line++;
		buf++;
	}
	return line;
}

/*
 * Cuts the line [@line, @eol) into tab-separated fields, NUL-terminating
 * each in place, and stores the first @max of them in @out.
 * Returns how many fields the line has, which may be more than @max.
 */
static size_t split_line(char *line, char *eol, char **out, size_t max)
{
	size_t n = 0;
	char *p = line;

	/* tolerate CRLF files */
	if (eol > line && eol[-1] == '\r')
		eol--;
	*eol = '\0';
	for (;;) {
		char *tab = memchr(p, '\t', eol - p);

		if (n < max)
			out[n] = p;
		n++;
		if (!tab)
			break;
		*tab = '\0';
		p = tab + 1;
	}
	return n;
}

/**
 * tsv_parse - parse TSV text with a header row, in place
 * @t: result; on success release it with tsv_release()
 * @buf: the text, malloc()ed, with a NUL at @buf[@len]. @t takes ownership
 *       of it whatever the outcome: on failure it has already been freed.
 * @len: length of the text
 * @err: receives a one-line message on failure, e.g.
 *       "line 4: expected 3 fields, got 2"; may be NULL
 * @errlen: size of @err
 *
 * Every line is data (there are no comments), a final newline does not
 * start an extra empty row, a '\r' before a '\n' is dropped, and every row
 * must have as many fields as the header.
 *
 * Return: 0, or -EINVAL with @t zeroed.
 */
int tsv_parse(struct tsv *t, char *buf, size_t len, char *err, size_t errlen)
{
	char *end, *p, *eol, *rows, **cells;
	size_t nlines = 0, r, nf;
	int ret = 0;

	memset(t, 0, sizeof(*t));
	t->buf = buf;
	if (err && errlen)
		err[0] = '\0';
	if (!buf) {
		if (err)
			snprintf(err, errlen, "line 1: missing header row");
		return -EINVAL;
	}
	end = buf + len;

	p = memchr(buf, '\0', len);
	if (p) {
		if (err)
			snprintf(err, errlen, "line %zu: NUL byte in text", line_of(buf, p));
		ret = -EINVAL;
		goto out_fail;
	}
	for (p = buf; p < end && (p = memchr(p, '\n', end - p)); p++)
		nlines++;
	if (len && end[-1] != '\n')
		nlines++;
	if (!nlines) {
		if (err)
			snprintf(err, errlen, "line 1: missing header row");
		ret = -EINVAL;
		goto out_fail;
	}

	/* header: count the fields, then split for real */
	eol = memchr(buf, '\n', len);
	if (!eol)
		eol = end;
	t->ncols = 1;
	for (p = buf; (p = memchr(p, '\t', eol - p)); p++)
		t->ncols++;
	t->cols = xmalloc(t->ncols * sizeof(*t->cols));
	split_line(buf, eol, t->cols, t->ncols);
	if (t->ncols == 1 && !t->cols[0][0]) {
		if (err)
			snprintf(err, errlen, "line 1: missing header row");
		ret = -EINVAL;
		goto out_fail;
	}

	t->nrows = nlines - 1;
	/*
	 * Every row must have the header's field count: check that before the
	 * cells are allocated, or a header of a million tabs over a million
	 * lines asks for 10^12 of them.
	 */
	rows = eol + 1;
	p = rows;
	for (r = 0; r < t->nrows; r++) {
		char *q = p;

		eol = memchr(p, '\n', end - p);
		if (!eol)
			eol = end;
		for (nf = 1; (q = memchr(q, '\t', eol - q)); q++)
			nf++;
		if (nf != t->ncols) {
			if (err)
				snprintf(err, errlen, "line %zu: expected %zu fields, got %zu",
					 r + 2, t->ncols, nf);
			ret = -EINVAL;
			goto out_fail;
		}
		p = eol + 1;
	}
	/* one block: the row pointers, then the cells they point to */
	t->rows = xmalloc(t->nrows * sizeof(*t->rows) + t->nrows * t->ncols * sizeof(*cells));
	cells = (char **)(t->rows + t->nrows);
	p = rows;
	for (r = 0; r < t->nrows; r++) {
		eol = memchr(p, '\n', end - p);
		if (!eol)
			eol = end;
		t->rows[r] = cells + r * t->ncols;
		split_line(p, eol, t->rows[r], t->ncols);
		p = eol + 1;
	}
	return 0;

out_fail:
	tsv_release(t);
	return ret;
}

/**
 * tsv_load - read and parse a TSV file
 * @t: result; on success release it with tsv_release()
 * @path: file to read: a regular file of at most TSV_MAX_BYTES; copied
 *        into @t->path, which tsv_num() and tsv_check() name in errors
 * @err: receives a one-line message on failure that names the file:
 *       "cannot read '<path>': ..." for I/O errors, a FIFO, a device or a
 *       file over the cap, "'<path>': " and tsv_parse()'s message for a
 *       malformed file; may be NULL
 * @errlen: size of @err
 *
 * The file is opened non-blocking and checked before it is read, so a FIFO
 * or a link to /dev/zero is an error instead of a hang or an exhausted memory.
 * Unlike tsv_parse() it wants the final newline every writer puts: a file
 * without one was truncated.
 *
 * Return: 0, -errno on I/O error (-EINVAL for a file that is not regular,
 * -EFBIG over the cap), -EINVAL on a malformed file; on failure @t is zeroed.
 */
int tsv_load(struct tsv *t, const char *path, char *err, size_t errlen)
{
	struct strbuf sb = STRBUF_INIT;
	char rerr[512], perr[256];
	size_t len;
	int ret;

	memset(t, 0, sizeof(*t));
	ret = read_regular_file(path, TSV_MAX_BYTES, &sb, rerr, sizeof(rerr));
	if (ret) {
		if (err)
			snprintf(err, errlen, "%s", rerr);
		sb_release(&sb);
		return ret;
	}
	len = sb.len;
	/* tsv_writer ends every row with a newline: a file without one was cut short */
	if (len && sb.buf[len - 1] != '\n') {
		if (err)
			snprintf(err, errlen, "'%s': line %zu: no newline at its end (truncated?)",
				 path, line_of(sb.buf, sb.buf + len));
		sb_release(&sb);
		return -EINVAL;
	}
	ret = tsv_parse(t, sb_detach(&sb), len, perr, sizeof(perr));
	if (ret) {
		if (err)
			snprintf(err, errlen, "'%s': %s", path, perr);
		return ret;
	}
	t->path = xstrdup(path);
	return 0;
}

/**
 * tsv_release - free everything a parsed TSV owns and zero it
 * @t: parsed file, zeroed struct, or NULL
 */
void tsv_release(struct tsv *t)
{
	if (!t)
		return;
	free(t->rows);
	free(t->cols);
	free(t->buf);
	free(t->path);
	memset(t, 0, sizeof(*t));
}

/**
 * tsv_col - find a column by name
 * @t: parsed file
 * @name: column name; with duplicate names the first one wins
 *
 * Return: the column index, or -1 if there is no such column.
 */
int tsv_col(const struct tsv *t, const char *name)
{
	size_t c;

	for (c = 0; c < t->ncols; c++)
		if (!strcmp(t->cols[c], name))
			return (int)c;
	return -1;
}

/**
 * tsv_get - a cell as text
 * @t: parsed file
 * @row: row index, 0 being the first line after the header
 * @col: column index, e.g. from tsv_col(); may be -1
 *
 * Return: the cell, owned by @t; "" if @col is negative or @row/@col is
 * out of range.
 */
const char *tsv_get(const struct tsv *t, size_t row, int col)
{
	if (col < 0 || (size_t)col >= t->ncols || row >= t->nrows)
		return "";
	return t->rows[row][col];
}

/**
 * tsv_str_num, tsv_get_num - cell text, or the cell of @t at @row, @col, as a number
 * @t: parsed file (tsv_get_num)
 * @row: row index
 * @col: column index; may be -1
 *
 * Return: the cell parsed with strtod(), or NaN if it is empty, does not
 * hold a number, or has anything after the number.
 */
double tsv_str_num(const char *s)
{
	char *end;
	double v;

	if (!*s)
		return NAN;
	v = strtod(s, &end);
	if (end == s || *end)
		return NAN;
	return v;
}

double tsv_get_num(const struct tsv *t, size_t row, int col)
{
	return tsv_str_num(tsv_get(t, row, col));
}

/* "'<path>': line N" of a data row, or "line N" for a tsv_parse()d text. */
static void row_where(const struct tsv *t, size_t row, char *buf, size_t len)
{
	if (t->path)
		snprintf(buf, len, "'%s': line %zu", t->path, row + 2);
	else
		snprintf(buf, len, "line %zu", row + 2);
}


static int bad_cell(const struct tsv *t, size_t row, int col, const char *why, char *err,
		    size_t errlen)
{
	char where[300];

	row_where(t, row, where, sizeof(where));
	snprintf(err, errlen, "%s: field '%s': '%s' %s", where,
		 col >= 0 && (size_t)col < t->ncols ? t->cols[col] : "?", tsv_get(t, row, col),
		 why);
	return -EINVAL;
}

/**
 * tsv_num - a cell as a finite number within bounds
 * @t: parsed file
 * @row: row index
 * @col: column index (from tsv_col() or tsv_check())
 * @min: smallest value allowed
 * @max: largest value allowed
 * @v: receives the value
 * @err: on failure, names the file, the line, the field and the cell:
 *       "'<path>': line 3: field 'wall_ms': 'nan' is not a finite number"
 * @errlen: size of @err
 *
 * Unlike tsv_get_num(), empty cells, "nan", "inf", hex and leading white
 * space are errors: use it for every column whose writer never puts them.
 *
 * Return: 0, or -EINVAL.
 */
int tsv_num(const struct tsv *t, size_t row, int col, double min, double max, double *v,
	    char *err, size_t errlen)
{
	const char *s = tsv_get(t, row, col);
	const char *d = s + (*s == '-');
	char *end;
	double x;

	if (!isdigit((unsigned char)*d) || (d[0] == '0' && (d[1] == 'x' || d[1] == 'X')))
		return bad_cell(t, row, col, "is not a finite number", err, errlen);
	x = strtod(s, &end);
	if (*end || !isfinite(x))
		return bad_cell(t, row, col, "is not a finite number", err, errlen);
	if (x < min || x > max)
		return bad_cell(t, row, col, "is out of range", err, errlen);
	*v = x;
	return 0;
}

/**
 * tsv_int - a cell as a decimal integer within bounds
 * @t: parsed file
 * @row: row index
 * @col: column index
 * @min: smallest value allowed
 * @max: largest value allowed
 * @v: receives the value
 * @err: on failure, names the file, the line, the field and the cell
 * @errlen: size of @err
 *
 * Return: 0, or -EINVAL.
 */
int tsv_int(const struct tsv *t, size_t row, int col, int64_t min, int64_t max, int64_t *v,
	    char *err, size_t errlen)
{
	int64_t x;
	int ret = parse_i64(tsv_get(t, row, col), &x);

	if (ret)
		return bad_cell(t, row, col, ret == -ERANGE ? "is out of range" :
				"is not an integer", err, errlen);
	if (x < min || x > max)
		return bad_cell(t, row, col, "is out of range", err, errlen);
	*v = x;
	return 0;
}

/**
 * tsv_check - bind the columns of a file by name and check every typed cell
 * @t: parsed file
 * @fields: the columns the caller reads, ended by a { NULL } entry
 * @idx: receives the column index of each field, -1 for a missing
 *       optional one, in the order of @fields
 * @err: on failure, names the file and the missing column, or the line,
 *       the field and the bad cell (see tsv_num())
 * @errlen: size of @err
 *
 * After it, tsv_get_num() on a TSV_INT or TSV_NUM column returns a finite
 * number in bounds for every row (NaN only where TSV_EMPTY let a cell be
 * empty). Columns are bound by their header names, never by position, so
 * a file with its columns in another order reads the same.
 *
 * Return: 0, or -EINVAL.
 */
int tsv_check(const struct tsv *t, const struct tsv_field *fields, int *idx, char *err,
	      size_t errlen)
{
	const struct tsv_field *f;
	size_t r, i;
	int ret = 0;

	for (f = fields, i = 0; f->name; f++, i++) {
		idx[i] = tsv_col(t, f->name);
		if (idx[i] < 0 && !(f->flags & TSV_OPTIONAL)) {
			snprintf(err, errlen, "'%s': missing column '%s'",
				 t->path ? t->path : "TSV", f->name);
			return -EINVAL;
		}
	}
	for (r = 0; r < t->nrows; r++) {
		for (f = fields, i = 0; f->name && !ret; f++, i++) {
			bool bounded = f->max > f->min;
			int64_t iv;
			double v;

			if (idx[i] < 0 || f->type == TSV_TEXT ||
			    (!*tsv_get(t, r, idx[i]) && (f->flags & TSV_EMPTY)))
				continue;
			if (f->type == TSV_INT)
				ret = tsv_int(t, r, idx[i], bounded ? f->min : INT64_MIN,
					      bounded ? f->max : INT64_MAX, &iv, err, errlen);
			else
				ret = tsv_num(t, r, idx[i], bounded ? (double)f->min : -INFINITY,
					      bounded ? (double)f->max : INFINITY, &v, err, errlen);
		}
		if (ret)
			break;
	}
	return ret;
}

/* The tsv_check() view of @b: what its cells must be. */
static void bind_field(const struct tsv_bind *b, struct tsv_field *f)
{
	f->name = b->col;
	f->min = b->min;
	f->max = b->max;
	f->flags = b->flags & (TSV_OPTIONAL | TSV_EMPTY);
	switch (b->kind) {
	case TSV_STR:
		f->type = TSV_TEXT;
		break;
	case TSV_I64:
		f->type = TSV_INT;
		break;
	case TSV_U64:
		f->type = TSV_INT;
		if (f->max <= f->min) {
			f->min = 0;
			f->max = INT64_MAX;
		}
		break;
	case TSV_DBL:
		f->type = b->flags & TSV_INTEGER ? TSV_INT : TSV_NUM;
		break;
	}
}

/* Store cell @s (checked) into the member @b names in @row. */
static void bind_store(const struct tsv_bind *b, const char *s, void *row)
{
	char *m = (char *)row + b->offset;
	int64_t i = 0;
	uint64_t u = 0;
	double d;

	switch (b->kind) {
	case TSV_STR:
		*(const char **)m = s;
		break;
	case TSV_I64:
		if (*s)
			parse_i64(s, &i);
		memcpy(m, &i, sizeof(i));
		break;
	case TSV_U64:
		if (*s)
			parse_u64(s, &u);
		memcpy(m, &u, sizeof(u));
		break;
	case TSV_DBL:
		d = *s ? strtod(s, NULL) : NAN;
		memcpy(m, &d, sizeof(d));
		break;
	}
}

/**
 * tsv_bind_rows - check a file's columns by name and copy every row into structs
 * @t: parsed file; the TSV_STR members point into it, so it must outlive the rows
 * @binds: the columns the caller reads, ended by a { NULL } entry
 * @row_size: size of the caller's row struct
 * @rows: a pointer to the caller's row pointer (struct x **); receives
 *	  @t->nrows zero-initialised structs, filled in, which the caller frees
 *	  (NULL on failure)
 * @idx: receives the column index of each bind, -1 for a missing optional
 *	 one; may be NULL
 * @err: on failure, tsv_check()'s message: the file and the missing column,
 *	 or the line, the field and the bad cell
 * @errlen: size of @err
 *
 * Return: 0, or -EINVAL.
 */
int tsv_bind_rows(const struct tsv *t, const struct tsv_bind *binds, size_t row_size,
		  void *rows, int *idx, char *err, size_t errlen)
{
	struct tsv_field *fields;
	int *col, ret;
	size_t n, i, r;
	char *v = NULL;

	for (n = 0; binds[n].col; n++)
		;
	fields = xcalloc(n + 1, sizeof(*fields));
	col = xcalloc(n + 1, sizeof(*col));
	for (i = 0; i < n; i++)
		bind_field(&binds[i], &fields[i]);
	ret = tsv_check(t, fields, col, err, errlen);
	if (!ret) {
		v = xcalloc(t->nrows ? t->nrows : 1, row_size);
		for (r = 0; r < t->nrows; r++)
			for (i = 0; i < n; i++)
				if (binds[i].offset != TSV_NOWHERE)
					bind_store(&binds[i], tsv_get(t, r, col[i]),
						   v + r * row_size);
	}
	if (idx)
		memcpy(idx, col, n * sizeof(*col));
	*(void **)rows = v;
	free(col);
	free(fields);
	return ret;
}

/* ---- writer ---------------------------------------------------------- */

static void tsv_writer_release(struct tsv_writer *w)
{
	free(w->vbuf);
	w->vbuf = NULL;
	w->ncols = 0;
	w->col = 0;
	w->row_bad = false;
}

/* Starts the next field: false if the row is already full (field dropped). */
static inline bool tsv_field(struct tsv_writer *w)
{
	if (!w->af.f)
		return false;
	if (w->col >= w->ncols) {
		w->row_bad = true;
		return false;
	}
	if (w->col)
		putc_unlocked('\t', w->af.f);
	w->col++;
	return true;
}

/**
 * tsv_writer_open - create "<path>.tmp" and write the header row
 * @w: writer; on success finish with tsv_writer_commit() or
 *     tsv_writer_abort(), which free what it holds
 * @path: final file name; copied
 * @cols: NULL-terminated column names; each non-empty and free of tabs and
 *        newlines. Not retained.
 *
 * The header is flushed at once, so even an interrupted run leaves a
 * readable (header-only) temp file.
 *
 * Return: 0, -EINVAL for bad column names, or -errno if the file cannot be
 * created or written; on failure nothing is left behind and @w is zeroed.
 */
int tsv_writer_open(struct tsv_writer *w, const char *path, const char *const *cols)
{
	size_t i;
	int ret;

	memset(w, 0, sizeof(*w));
	if (!cols || !cols[0])
		return -EINVAL;
	for (i = 0; cols[i]; i++)
		if (!cols[i][0] || strpbrk(cols[i], "\t\n\r"))
			return -EINVAL;

	w->ncols = i;
	ret = afile_open(&w->af, path);
	if (ret)
		goto out_free;
	/* glibc ignores the size argument unless we supply the buffer */
	w->vbuf = xmalloc(TSV_WRITER_BUFSZ);
	setvbuf(w->af.f, w->vbuf, _IOFBF, TSV_WRITER_BUFSZ);

	for (i = 0; cols[i]; i++)
		tsv_put_str(w, cols[i]);
	tsv_end_row(w);
	ret = tsv_writer_flush(w);
	if (ret)
		goto out_close;
	return 0;

out_close:
	afile_abort(&w->af);
out_free:
	tsv_writer_release(w);
	return ret;
}

/**
 * tsv_put_str - append a text field to the current row
 * @w: open writer
 * @s: text; tabs, newlines and carriage returns are written as spaces.
 *     NULL writes an empty field. Not retained.
 */
void tsv_put_str(struct tsv_writer *w, const char *s)
{
	if (!tsv_field(w) || !s)
		return;
	for (;;) {
		size_t n = strcspn(s, "\t\n\r");

		fwrite_unlocked(s, 1, n, w->af.f);
		if (!s[n])
			break;
		putc_unlocked(' ', w->af.f);
		s += n + 1;
	}
}

/* Writes the decimal digits of @v ending at @end; returns their count. */
static inline size_t u64_digits(char *end, uint64_t v)
{
	char *p = end;

	do {
		*--p = '0' + v % 10;
		v /= 10;
	} while (v);
	return end - p;
}

/**
 * tsv_put_i64 - append a signed integer field to the current row
 * @w: open writer
 * @v: value
 */
void tsv_put_i64(struct tsv_writer *w, int64_t v)
{
	char buf[24];
	char *end = buf + sizeof(buf);
	size_t n;

	if (!tsv_field(w))
		return;
	/* 0 - (uint64_t)v is well defined for INT64_MIN */
	n = u64_digits(end, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
	if (v < 0) {
		n++;
		end[-(ptrdiff_t)n] = '-';
	}
	fwrite_unlocked(end - n, 1, n, w->af.f);
}

/**
 * tsv_put_u64 - append an unsigned integer field to the current row
 * @w: open writer
 * @v: value
 */
void tsv_put_u64(struct tsv_writer *w, uint64_t v)
{
	char buf[24];
	char *end = buf + sizeof(buf);
	size_t n;

	if (!tsv_field(w))
		return;
	n = u64_digits(end, v);
	fwrite_unlocked(end - n, 1, n, w->af.f);
}

/**
 * tsv_put_double - append a fixed-point field to the current row
 * @w: open writer
 * @v: value; NaN is written "nan", infinities "inf" and "-inf" (all of
 *     which strtod() reads back)
 * @decimals: digits after the decimal point, clamped to 0..30; formatted
 *            like printf("%.*f") (round to nearest even on exact ties)
 */
void tsv_put_double(struct tsv_writer *w, double v, int decimals)
{
	char buf[352];	/* DBL_MAX has 309 integer digits */
	int n;

	if (!tsv_field(w))
		return;
	if (isnan(v)) {
		fwrite_unlocked("nan", 1, 3, w->af.f);
		return;
	}
	if (isinf(v)) {
		if (v < 0)
			fwrite_unlocked("-inf", 1, 4, w->af.f);
		else
			fwrite_unlocked("inf", 1, 3, w->af.f);
		return;
	}
	if (decimals < 0)
		decimals = 0;
	if (decimals > 30)
		decimals = 30;
	n = snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	if (n > 0 && (size_t)n < sizeof(buf))
		fwrite_unlocked(buf, 1, n, w->af.f);
}

/**
 * tsv_end_row - terminate the current row
 * @w: open writer
 *
 * A row with fewer fields than columns is padded with empty fields; a row
 * that was too short or too long counts in @w->bad_rows.
 */
void tsv_end_row(struct tsv_writer *w)
{
	if (!w->af.f)
		return;
	if (w->col < w->ncols) {
		w->row_bad = true;
		while (w->col < w->ncols)
			tsv_field(w);
	}
	if (w->row_bad)
		w->bad_rows++;
	putc_unlocked('\n', w->af.f);
	w->col = 0;
	w->row_bad = false;
}

/**
 * tsv_writer_flush - push buffered rows to the temp file
 * @w: open writer
 *
 * Call it after tsv_end_row() now and then, so that an interrupted run
 * leaves its data so far in "<path>.tmp" (if the process is killed between
 * flushes, the last line there may be incomplete).
 *
 * Return: 0, -EBADF if @w is not open, or -errno (-EIO for an earlier
 * write error).
 */
int tsv_writer_flush(struct tsv_writer *w)
{
	if (!w->af.f)
		return -EBADF;
	if (fflush(w->af.f))
		return -errno;
	if (ferror(w->af.f))
		return -EIO;
	return 0;
}

/**
 * tsv_writer_commit - finish the file and move it into place
 * @w: open writer; closed and its memory freed whatever the outcome
 *     (@w->bad_rows stays readable)
 *
 * An unterminated last row is ended first. Then the temp file is flushed,
 * fsync()ed, closed and renamed to the final path.
 *
 * Return: 0, -EBADF if @w is not open, or -errno. On failure the final
 * path is untouched and "<path>.tmp" is left for salvage; the caller
 * decides whether to unlink it.
 */
int tsv_writer_commit(struct tsv_writer *w)
{
	int ret;

	if (!w->af.f)
		return -EBADF;
	if (w->col)
		tsv_end_row(w);
	w->af.keep_tmp = true;
	ret = afile_commit(&w->af);
	tsv_writer_release(w);
	return ret;
}

/**
 * tsv_writer_abort - throw the file away
 * @w: open writer, or one already committed/aborted/zeroed (then a no-op);
 *     closed and its memory freed
 *
 * Closes and unlinks "<path>.tmp"; the final path is never touched.
 */
void tsv_writer_abort(struct tsv_writer *w)
{
	afile_abort(&w->af);
	tsv_writer_release(w);
}
