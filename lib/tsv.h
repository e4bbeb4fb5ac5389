/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tsv.h - patchbench's raw data format: tab-separated values, the first line
 * names the columns, one record per '\n'-terminated line. There is no quoting
 * and no comment syntax: a line starting with '#' is data like any other.
 * Fields can therefore never contain a tab or a newline; the writer replaces
 * them with spaces.
 */
#ifndef PB_TSV_H
#define PB_TSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "afile.h"

/*
 * A parsed file. @cols[c] and @rows[r][c] are NUL-terminated strings that
 * point into @buf; @path is the file tsv_load() read (NULL after
 * tsv_parse()). All of it is owned by the struct: tsv_release().
 */
struct tsv {
	char *buf;
	size_t nrows;
	size_t ncols;
	char **cols;
	char ***rows;
	char *path;
};

/* the largest file tsv_load() reads: a day of 1 Hz samples of a large tree */
#define TSV_MAX_BYTES (1024u << 20)

int tsv_parse(struct tsv *t, char *buf, size_t len, char *err, size_t errlen);
int tsv_load(struct tsv *t, const char *path, char *err, size_t errlen);
void tsv_release(struct tsv *t);
int tsv_col(const struct tsv *t, const char *name);
const char *tsv_get(const struct tsv *t, size_t row, int col);
double tsv_get_num(const struct tsv *t, size_t row, int col);
/* The number in cell text @s; NaN for an empty cell or one that is not a number ("-"). */
double tsv_str_num(const char *s);
int tsv_num(const struct tsv *t, size_t row, int col, double min, double max, double *v,
	    char *err, size_t errlen);
int tsv_int(const struct tsv *t, size_t row, int col, int64_t min, int64_t max, int64_t *v,
	    char *err, size_t errlen);

/*
 * What a reader expects of one column, for tsv_check(): text, an integer
 * or a finite number, within [@min, @max] if @max > @min.
 */
enum tsv_type { TSV_TEXT, TSV_INT, TSV_NUM };
#define TSV_OPTIONAL	1u	/* the column may be missing */
#define TSV_EMPTY	2u	/* a cell may be empty (the writer puts "" for "none") */
struct tsv_field {
	const char *name;
	enum tsv_type type;
	int64_t min, max;
	unsigned flags;
};
int tsv_check(const struct tsv *t, const struct tsv_field *fields, int *idx, char *err,
	      size_t errlen);

/*
 * A column a reader binds to a member of its row struct, for
 * tsv_bind_rows(): where it goes (@offset, TSV_NOWHERE to only check it) and
 * as what. The cell is checked as tsv_check() checks it: TSV_STR as text,
 * TSV_I64 and TSV_U64 as integers (TSV_U64 within [0, INT64_MAX] unless
 * bounded), TSV_DBL as a finite number, or as an integer with TSV_INTEGER;
 * within [@min, @max] when @max > @min. A missing optional column or an
 * empty cell (TSV_EMPTY) is stored as "", 0 or NaN.
 */
enum tsv_kind { TSV_STR, TSV_I64, TSV_U64, TSV_DBL };
#define TSV_INTEGER	4u	/* TSV_DBL: the cell must be an integer */
#define TSV_NOWHERE	((size_t)-1)
struct tsv_bind {
	const char *col;
	enum tsv_kind kind;
	size_t offset;		/* const char * / int64_t / uint64_t / double member */
	int64_t min, max;
	unsigned flags;		/* TSV_OPTIONAL, TSV_EMPTY, TSV_INTEGER */
};
int tsv_bind_rows(const struct tsv *t, const struct tsv_bind *binds, size_t row_size,
		  void *rows, int *idx, char *err, size_t errlen);

/* stdio buffer size of a tsv_writer: a 1 Hz sampler fills it in minutes */
#define TSV_WRITER_BUFSZ (256 * 1024)

/*
 * Writer: rows go to "<path>.tmp", which tsv_writer_commit() renames to
 * <path>, so a reader never sees a half-written <path>. Not thread-safe
 * (it uses unlocked stdio): one thread per writer.
 *
 * Every row gets exactly ncols fields: a row with too few is padded with
 * empty fields, extra fields are dropped, and either counts in @bad_rows
 * (a programming error the caller may want to report).
 */
struct tsv_writer {
	struct afile af;	/* "<path>.tmp" until the commit */
	char *vbuf;		/* stdio buffer, TSV_WRITER_BUFSZ bytes */
	size_t ncols;
	size_t col;		/* fields written so far in the current row */
	bool row_bad;
	unsigned long bad_rows;	/* still valid after commit/abort */
};

int tsv_writer_open(struct tsv_writer *w, const char *path, const char *const *cols);
void tsv_put_str(struct tsv_writer *w, const char *s);
void tsv_put_i64(struct tsv_writer *w, int64_t v);
void tsv_put_u64(struct tsv_writer *w, uint64_t v);
void tsv_put_double(struct tsv_writer *w, double v, int decimals);
void tsv_end_row(struct tsv_writer *w);
int tsv_writer_flush(struct tsv_writer *w);
int tsv_writer_commit(struct tsv_writer *w);
void tsv_writer_abort(struct tsv_writer *w);

#endif
