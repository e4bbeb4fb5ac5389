// SPDX-License-Identifier: GPL-2.0
/*
 * t-tsv.c - unit tests for lib/tsv.c: parsing in place, error messages,
 * and the writer's tmp-file/rename protocol and number formatting, through
 * a private directory under /tmp.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "tsv.h"
#include "util.h"

static char tmpdir[] = "/tmp/t-tsv.XXXXXX";

/* tsv_parse() wants a malloc()ed, NUL-terminated buffer it can keep. */
static int parse_str(struct tsv *t, const char *s, char *err, size_t errlen)
{
	return tsv_parse(t, xstrdup(s), strlen(s), err, errlen);
}

static char *slurp(const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	if (read_file(path, &sb)) {
		sb_release(&sb);
		return NULL;
	}
	return sb_detach(&sb);
}

/*
 * Method: a header and three rows, one starting with '#', one empty cell.
 * Pass: shape, column lookup and every cell as expected.
 */
static void test_parse(void)
{
	static const char text[] =
		"time_ns\tcgroup\tvalue_kb\n"
		"1000\ta/b\t10\n"
		"#2000\t#c\t\n"
		"3000\td e\t-1.5e3\n";
	struct tsv t;
	char err[128];
	int ret, c;

	ret = parse_str(&t, text, err, sizeof(err));
	tap_ok(!ret && t.nrows == 3 && t.ncols == 3, "3 rows x 3 columns (ret %d)", ret);
	tap_ok(tsv_col(&t, "time_ns") == 0 && tsv_col(&t, "value_kb") == 2 &&
	       tsv_col(&t, "nope") == -1 && tsv_col(&t, "value") == -1,
	       "tsv_col finds exact names, -1 otherwise");
	c = tsv_col(&t, "cgroup");
	tap_ok(!strcmp(tsv_get(&t, 0, c), "a/b") && !strcmp(tsv_get(&t, 1, c), "#c") &&
	       !strcmp(tsv_get(&t, 2, c), "d e") && !strcmp(tsv_get(&t, 1, 0), "#2000"),
	       "cells, including '#' lines, are data");
	c = tsv_col(&t, "value_kb");
	tap_ok(tsv_get_num(&t, 0, c) == 10 && tsv_get_num(&t, 2, c) == -1500 &&
	       isnan(tsv_get_num(&t, 1, c)) && isnan(tsv_get_num(&t, 1, 0)) &&
	       isnan(tsv_get_num(&t, 0, 1)), "tsv_get_num: numbers, NaN for empty/invalid");
	tap_ok(!strcmp(tsv_get(&t, 0, -1), "") && isnan(tsv_get_num(&t, 0, -1)) &&
	       !strcmp(tsv_get(&t, 3, 0), "") && !strcmp(tsv_get(&t, 0, 3), ""),
	       "column -1 and out-of-range cells read as empty");
	tsv_release(&t);
	tap_ok(!t.buf && !t.rows && !t.cols && !t.nrows, "tsv_release zeroes the struct");
	tsv_release(&t);

	ret = parse_str(&t, "a\tb\n1\t2\n3\t4", err, sizeof(err));
	tap_ok(!ret && t.nrows == 2 && !strcmp(tsv_get(&t, 1, 1), "4"),
	       "a missing final newline still gives the last row");
	tsv_release(&t);

	ret = parse_str(&t, "a\tb\r\n1\t2\r\n", err, sizeof(err));
	tap_ok(!ret && t.nrows == 1 && tsv_col(&t, "b") == 1 && !strcmp(tsv_get(&t, 0, 1), "2"),
	       "CRLF line ends are tolerated");
	tsv_release(&t);

	ret = parse_str(&t, "only\n\n7\n", err, sizeof(err));
	tap_ok(!ret && t.nrows == 2 && !strcmp(tsv_get(&t, 0, 0), "") &&
	       !strcmp(tsv_get(&t, 1, 0), "7"), "one column: an empty line is an empty cell");
	tsv_release(&t);

	ret = parse_str(&t, "a\tb\n", err, sizeof(err));
	tap_ok(!ret && t.nrows == 0 && t.ncols == 2, "header only: 0 rows");
	tsv_release(&t);
}

/*
 * Method: malformed inputs.
 * Pass: -EINVAL, the exact message, and a zeroed struct.
 */
static void test_parse_errors(void)
{
	static const struct {
		const char *in;
		const char *msg;
	} cases[] = {
		{ "a\tb\n1\t2\n3\n", "line 3: expected 2 fields, got 1" },
		{ "a\tb\n1\t2\t3\n", "line 2: expected 2 fields, got 3" },
		{ "a\tb\tc\n1\t2\t3\n\n4\t5\t6\n", "line 3: expected 3 fields, got 1" },
		{ "a\tb\n1\t2\n\n", "line 3: expected 2 fields, got 1" },
		{ "a\tb\n1\t2\n3\t4\n5", "line 4: expected 2 fields, got 1" },
		{ "", "line 1: missing header row" },
		{ "\n1\n", "line 1: missing header row" },
	};
	char err[128];
	size_t i;
	int bad = 0;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct tsv t;
		int ret = parse_str(&t, cases[i].in, err, sizeof(err));

		if (ret != -EINVAL || strcmp(err, cases[i].msg) || t.buf || t.rows) {
			tap_diag("case %zu: ret %d, \"%s\", want \"%s\"", i, ret, err,
				 cases[i].msg);
			bad++;
		}
		tsv_release(&t);
	}
	tap_ok(!bad, "%zu ragged/empty inputs give the exact message", ARRAY_SIZE(cases));

	{
		struct tsv t;
		char *buf = xmalloc(12);
		int ret;

		memcpy(buf, "a\tb\n1\0\t2\n", 10);
		buf[10] = '\0';
		ret = tsv_parse(&t, buf, 10, err, sizeof(err));
		tap_ok(ret == -EINVAL && !strcmp(err, "line 2: NUL byte in text"),
		       "a NUL byte is rejected with its line: %s", err);
	}
}

static void test_load(void)
{
	struct tsv t;
	char *path = xasprintf("%s/nope.tsv", tmpdir);
	char *want = xasprintf("cannot read '%s': No such file or directory", path);
	char err[256];
	int ret;

	ret = tsv_load(&t, path, err, sizeof(err));
	tap_ok(ret == -ENOENT && !strcmp(err, want), "missing file: -ENOENT, \"%s\"", err);
	free(path);
	free(want);

	path = xasprintf("%s/ragged.tsv", tmpdir);
	write_atomic(path, "x\ty\n1\n", 6);
	ret = tsv_load(&t, path, err, sizeof(err));
	want = xasprintf("'%s': line 2: expected 2 fields, got 1", path);
	tap_ok(ret == -EINVAL && !strcmp(err, want), "a parse error names the file: %s", err);
	unlink(path);
	free(path);
	free(want);

	path = xasprintf("%s/cut.tsv", tmpdir);
	write_atomic(path, "x\ty\n1\tlogs/a.l", 14);
	ret = tsv_load(&t, path, err, sizeof(err));
	want = xasprintf("'%s': line 2: no newline at its end (truncated?)", path);
	tap_ok(ret == -EINVAL && !strcmp(err, want), "a file cut in its last field: %s", err);
	unlink(path);
	free(path);
	free(want);
}

/*
 * Method: a FIFO (nobody writes it), /dev/zero through a symlink, 2 MB of
 * tabs and newlines (a header of 10^6 fields over 10^6 empty lines), a
 * sparse file over the cap.
 * Pass: each an error naming the file, at once; none of them hangs or runs
 * out of memory.
 */
static void test_load_hostile(void)
{
	char *fifo = xasprintf("%s/fifo.tsv", tmpdir), *zero = xasprintf("%s/zero.tsv", tmpdir);
	char *tabs = xasprintf("%s/tabs.tsv", tmpdir), *big = xasprintf("%s/big.tsv", tmpdir);
	struct strbuf sb = STRBUF_INIT;
	struct tsv t;
	char err[512];
	int ret, i, fd;

	ret = mkfifo(fifo, 0600) ? -errno : tsv_load(&t, fifo, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, fifo) && strstr(err, "not a regular file"),
	       "a FIFO is refused, not waited on: %s", err);
	ret = symlink("/dev/zero", zero) ? -errno : tsv_load(&t, zero, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, zero) && strstr(err, "not a regular file"),
	       "a link to /dev/zero is refused: %s", err);
	/* 2 MB: a header of 10^6 fields over 10^6 empty lines, 8 TB of cells if allocated first */
	for (i = 0; i < 999999; i++)
		sb_adds(&sb, "\t");
	for (i = 0; i < 1000001; i++)
		sb_adds(&sb, "\n");
	write_atomic(tabs, sb.buf, sb.len);
	ret = tsv_load(&t, tabs, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, tabs) &&
	       strstr(err, "line 2: expected 1000000 fields"),
	       "a file of tabs is a field-count error, not out of memory: %.60s", err);
	fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ret = fd < 0 || ftruncate(fd, (off_t)TSV_MAX_BYTES + 1) ? -errno :
	      tsv_load(&t, big, err, sizeof(err));
	tap_ok(ret == -EFBIG && strstr(err, big) && strstr(err, "MiB"),
	       "a file over TSV_MAX_BYTES is refused before it is read: %s", err);
	if (fd >= 0)
		close(fd);
	unlink(fifo);
	unlink(zero);
	unlink(tabs);
	unlink(big);
	sb_release(&sb);
	free(fifo);
	free(zero);
	free(tabs);
	free(big);
}

/*
 * Method: tsv_check, tsv_num and tsv_int on good cells and on each kind
 * of bad one, in a loaded file.
 * Pass: values as written; columns bound by name; each bad cell an error
 * with file, line and field.
 */
static void test_strict(void)
{
	static const char text[] = "b\ta\tn\n1\t2.5\t-1\nnan\tinf\t1e3\n \t0x2\t\n";
	static const struct tsv_field need[] = {
		{ "a", TSV_TEXT }, { "b", TSV_TEXT }, { "zz", TSV_INT, .flags = TSV_OPTIONAL },
		{ NULL }
	}, miss[] = { { "a", TSV_TEXT }, { "z", TSV_TEXT }, { NULL } },
	  bad_b[] = { { "b", TSV_NUM }, { NULL } },
	  empty_n[] = { { "a", TSV_TEXT }, { "n", TSV_NUM, -1, 5000, TSV_EMPTY }, { NULL } };
	char *path = xasprintf("%s/strict.tsv", tmpdir), err[512], *want;
	struct tsv t;
	int idx[3];
	double v = 0;
	int64_t i = 0;

	write_atomic(path, text, strlen(text));
	tap_ok(!tsv_load(&t, path, err, sizeof(err)), "strict.tsv loads");
	tap_ok(!tsv_check(&t, need, idx, err, sizeof(err)) && idx[0] == 1 && idx[1] == 0 &&
	       idx[2] == -1, "tsv_check binds by name, whatever the order; optional missing: -1");
	want = xasprintf("'%s': missing column 'z'", path);
	tap_ok(tsv_check(&t, miss, idx, err, sizeof(err)) == -EINVAL && !strcmp(err, want),
	       "a missing column names the file and the column: %s", err);
	free(want);
	tap_ok(!tsv_num(&t, 0, 1, 0, 10, &v, err, sizeof(err)) && v == 2.5 &&
	       !tsv_int(&t, 0, 2, -1, 5, &i, err, sizeof(err)) && i == -1,
	       "tsv_num 2.5, tsv_int -1");
	want = xasprintf("'%s': line 3: field 'b': 'nan' is not a finite number", path);
	tap_ok(tsv_num(&t, 1, 0, 0, 10, &v, err, sizeof(err)) == -EINVAL && !strcmp(err, want),
	       "nan: %s", err);
	free(want);
	tap_ok(tsv_num(&t, 1, 1, 0, 10, &v, err, sizeof(err)) == -EINVAL &&
	       strstr(err, "'inf' is not a finite number") &&
	       tsv_num(&t, 2, 0, 0, 10, &v, err, sizeof(err)) == -EINVAL &&
	       strstr(err, "line 4: field 'b': ' ' is not") &&
	       tsv_num(&t, 2, 1, 0, 10, &v, err, sizeof(err)) == -EINVAL &&
	       tsv_num(&t, 2, 2, 0, 10, &v, err, sizeof(err)) == -EINVAL && v == 2.5,
	       "inf, blank, hex and empty cells are not numbers");
	tap_ok(tsv_num(&t, 0, 2, 0, 10, &v, err, sizeof(err)) == -EINVAL &&
	       strstr(err, "'-1' is out of range") &&
	       tsv_int(&t, 1, 2, 0, 5000, &i, err, sizeof(err)) == -EINVAL &&
	       strstr(err, "'1e3' is not an integer") &&
	       tsv_int(&t, 0, 1, 0, 5, &i, err, sizeof(err)) == -EINVAL && i == -1,
	       "bounds, and a fraction or exponent in an integer field");
	want = xasprintf("'%s': line 3: field 'b': 'nan' is not a finite number", path);
	tap_ok(tsv_check(&t, bad_b, idx, err, sizeof(err)) == -EINVAL && !strcmp(err, want),
	       "tsv_check finds the first bad cell of a typed column: %s", err);
	free(want);
	tap_ok(!tsv_check(&t, empty_n, idx, err, sizeof(err)) && isnan(tsv_get_num(&t, 2, idx[1])),
	       "TSV_EMPTY lets an empty cell pass, text columns are not checked");
	tsv_release(&t);
	tap_ok(!t.path, "tsv_release frees the path");
	unlink(path);
	free(path);
}

/*
 * Method: tsv_bind_rows on a file whose columns are in another order than
 * the binds, with every kind, a check-only column, a missing optional one
 * and empty cells; then on a bad cell and a missing column.
 * Pass: every member as written ("", 0, NaN where nothing is); the same
 * errors as tsv_check, no rows then.
 */
static void test_bind(void)
{
	static const char text[] = "u\tname\td\ti\tskip\n18446744073\tx y\t2.5\t-7\t1\n"
				   "0\t\t\t3\tz\n";
	struct row {
		const char *name, *none;
		double d, i_as_d, none_d;
		int64_t i;
		uint64_t u;
	} *rows = NULL, *bad_rows = (struct row *)1;
	static const struct tsv_bind binds[] = {
		{ "name", TSV_STR, offsetof(struct row, name) },
		{ "d", TSV_DBL, offsetof(struct row, d), 0, 10, TSV_EMPTY },
		{ "i", TSV_I64, offsetof(struct row, i), -10, 10 },
		{ "i", TSV_DBL, offsetof(struct row, i_as_d), .flags = TSV_INTEGER },
		{ "u", TSV_U64, offsetof(struct row, u) },
		{ "skip", TSV_STR, TSV_NOWHERE },
		{ "gone", TSV_STR, offsetof(struct row, none), .flags = TSV_OPTIONAL },
		{ "gone", TSV_DBL, offsetof(struct row, none_d), .flags = TSV_OPTIONAL },
		{ NULL },
	}, tight[] = {
		{ "i", TSV_I64, offsetof(struct row, i), 0, 10 }, { NULL },
	}, frac[] = {
		{ "d", TSV_DBL, offsetof(struct row, d), .flags = TSV_INTEGER | TSV_EMPTY },
		{ NULL },
	}, missing[] = {
		{ "name", TSV_STR, offsetof(struct row, name) },
		{ "nope", TSV_U64, offsetof(struct row, u) }, { NULL },
	};
	char *path = xasprintf("%s/bind.tsv", tmpdir), err[512], *want;
	struct tsv t;
	int idx[8];

	write_atomic(path, text, strlen(text));
	tap_ok(!tsv_load(&t, path, err, sizeof(err)), "bind.tsv loads");
	tap_ok(!tsv_bind_rows(&t, binds, sizeof(*rows), &rows, idx, err, sizeof(err)) && rows &&
	       idx[0] == 1 && idx[4] == 0 && idx[6] == -1, "tsv_bind_rows binds by name (%s)",
	       err);
	tap_ok(rows && !strcmp(rows[0].name, "x y") && rows[0].d == 2.5 && rows[0].i == -7 &&
	       rows[0].i_as_d == -7.0 && rows[0].u == 18446744073ULL,
	       "row 1: text, double, integer, integer as double, unsigned");
	tap_ok(rows && !strcmp(rows[1].name, "") && isnan(rows[1].d) && rows[1].i == 3 &&
	       rows[1].u == 0, "row 2: an empty text and an empty TSV_EMPTY number (NaN)");
	tap_ok(rows && !strcmp(rows[0].none, "") && isnan(rows[0].none_d) &&
	       !strcmp(rows[1].none, ""), "a missing optional column: \"\" and NaN");
	free(rows);
	want = xasprintf("'%s': line 2: field 'i': '-7' is out of range", path);
	tap_ok(tsv_bind_rows(&t, tight, sizeof(*rows), &bad_rows, NULL, err, sizeof(err)) ==
	       -EINVAL && !bad_rows && !strcmp(err, want), "a bad cell: tsv_check's error (%s)",
	       err);
	free(want);
	want = xasprintf("'%s': line 2: field 'd': '2.5' is not an integer", path);
	tap_ok(tsv_bind_rows(&t, frac, sizeof(*rows), &rows, NULL, err, sizeof(err)) == -EINVAL &&
	       !rows && !strcmp(err, want), "TSV_INTEGER refuses a fraction (%s)", err);
	free(want);
	want = xasprintf("'%s': missing column 'nope'", path);
	tap_ok(tsv_bind_rows(&t, missing, sizeof(*rows), &rows, NULL, err, sizeof(err)) ==
	       -EINVAL && !rows && !strcmp(err, want), "a missing column (%s)", err);
	free(want);
	tsv_release(&t);
	free(path);
}

/*
 * Method: write a file with every field type and awkward values, checking
 * the filesystem at each step of the tmp/rename protocol.
 * Pass: header on disk right after open, rows on disk after flush, final
 * name only after commit, byte-exact content, and it loads back.
 */
static void test_writer(void)
{
	static const char *const cols[] = { "name", "i64", "u64", "dbl", NULL };
	static const char want_head[] = "name\ti64\tu64\tdbl\n";
	static const char want[] =
		"name\ti64\tu64\tdbl\n"
		"zero\t0\t0\t0.000\n"
		"neg\t-1\t1\t-2.50\n"
		"min\t-9223372036854775808\t18446744073709551615\t2\n"
		"max\t9223372036854775807\t10000000000000000000\t1234567.9\n"
		"a b c\t-1234567890\t42\tnan\n"
		"\t7\t7\tinf\n"
		"#x\t100\t1000\t-inf\n";
	struct tsv_writer w;
	char *path = xasprintf("%s/samples.tsv", tmpdir);
	char *tmp = xasprintf("%s.tmp", path);
	char *got;
	struct tsv t;
	char err[128];
	int ret;

	ret = tsv_writer_open(&w, path, cols);
	got = slurp(tmp);
	tap_ok(!ret && got && !strcmp(got, want_head) && !path_exists(path),
	       "open writes and flushes the header to <path>.tmp only");
	free(got);

	tsv_put_str(&w, "zero");
	tsv_put_i64(&w, 0);
	tsv_put_u64(&w, 0);
	tsv_put_double(&w, 0, 3);
	tsv_end_row(&w);
	tsv_put_str(&w, "neg");
	tsv_put_i64(&w, -1);
	tsv_put_u64(&w, 1);
	tsv_put_double(&w, -2.5, 2);
	tsv_end_row(&w);
	tsv_put_str(&w, "min");
	tsv_put_i64(&w, INT64_MIN);
	tsv_put_u64(&w, UINT64_MAX);
	tsv_put_double(&w, 2.5, 0);	/* round half to even, like printf */
	tsv_end_row(&w);

	got = slurp(tmp);
	tap_ok(got && !strcmp(got, want_head), "rows stay buffered until a flush");
	free(got);
	ret = tsv_writer_flush(&w);
	got = slurp(tmp);
	tap_ok(!ret && got && strlen(got) > strlen(want_head) && !strncmp(got, want, strlen(got)),
	       "after tsv_writer_flush the rows are in the temp file");
	free(got);

	tsv_put_str(&w, "max");
	tsv_put_i64(&w, INT64_MAX);
	tsv_put_u64(&w, 10000000000000000000ULL);
	tsv_put_double(&w, 1234567.89, 1);
	tsv_end_row(&w);
	tsv_put_str(&w, "a\tb\nc");
	tsv_put_i64(&w, -1234567890);
	tsv_put_u64(&w, 42);
	tsv_put_double(&w, NAN, 2);
	tsv_end_row(&w);
	tsv_put_str(&w, NULL);
	tsv_put_i64(&w, 7);
	tsv_put_u64(&w, 7);
	tsv_put_double(&w, INFINITY, 2);
	tsv_end_row(&w);
	tsv_put_str(&w, "#x");
	tsv_put_i64(&w, 100);
	tsv_put_u64(&w, 1000);
	tsv_put_double(&w, -INFINITY, 2);
	tsv_end_row(&w);

	ret = tsv_writer_commit(&w);
	got = slurp(path);
	tap_ok(!ret && !path_exists(tmp) && got, "commit renames <path>.tmp to <path>");
	if (!tap_ok(got && !strcmp(got, want), "file content is byte-exact"))
		tap_diag("got:\n%s", got ? got : "(null)");
	free(got);
	tap_ok(w.bad_rows == 0 && !w.af.f && !w.af.path && !w.af.tmp, "commit releases the writer");

	ret = tsv_load(&t, path, err, sizeof(err));
	tap_ok(!ret && t.nrows == 7 && t.ncols == 4, "the written file loads back");
	if (!ret) {
		int64_t i = 0;
		uint64_t u = 0;

		tap_ok(!parse_i64(tsv_get(&t, 2, 1), &i) && i == INT64_MIN &&
		       !parse_u64(tsv_get(&t, 2, 2), &u) && u == UINT64_MAX &&
		       !strcmp(tsv_get(&t, 4, 0), "a b c") && isnan(tsv_get_num(&t, 4, 3)) &&
		       isinf(tsv_get_num(&t, 6, 3)) && tsv_get_num(&t, 6, 3) < 0,
		       "extremes, sanitized text, nan and -inf read back");
	} else {
		tap_ok(0, "extremes read back (load failed: %s)", err);
	}
	tsv_release(&t);
	tap_ok(tsv_writer_commit(&w) == -EBADF && tsv_writer_flush(&w) == -EBADF,
	       "commit/flush on a finished writer: -EBADF");
	tsv_writer_abort(&w);
	tap_ok(path_exists(path), "abort after commit does not touch the committed file");
	unlink(path);
	free(path);
	free(tmp);
}

/*
 * Method: rows with too few and too many fields.
 * Pass: padded/truncated so the file stays rectangular, counted in bad_rows.
 */
static void test_writer_bad_rows(void)
{
	static const char *const cols[] = { "a", "b", "c", NULL };
	struct tsv_writer w;
	char *path = xasprintf("%s/bad.tsv", tmpdir);
	char *got;
	int ret;

	ret = tsv_writer_open(&w, path, cols);
	tsv_put_i64(&w, 1);
	tsv_end_row(&w);
	tsv_put_i64(&w, 1);
	tsv_put_i64(&w, 2);
	tsv_put_i64(&w, 3);
	tsv_put_i64(&w, 4);
	tsv_end_row(&w);
	tsv_put_i64(&w, 5);
	tsv_put_i64(&w, 6);
	tsv_put_i64(&w, 7);
	tsv_end_row(&w);
	tsv_put_str(&w, "unterminated");
	ret = ret ?: tsv_writer_commit(&w);
	got = slurp(path);
	tap_ok(!ret && got && !strcmp(got, "a\tb\tc\n1\t\t\n1\t2\t3\n5\t6\t7\nunterminated\t\t\n"),
	       "short rows are padded, long rows truncated, the last row ended");
	tap_ok(w.bad_rows == 3, "bad_rows counts them (%lu)", w.bad_rows);
	free(got);
	unlink(path);
	free(path);
}

static void test_writer_abort(void)
{
	static const char *const cols[] = { "x", NULL };
	static const char *const tab[] = { "a", "b\tc", NULL };
	static const char *const none[] = { NULL };
	struct tsv_writer w;
	char *path = xasprintf("%s/aborted.tsv", tmpdir);
	char *tmp = xasprintf("%s.tmp", path);
	char *nodir = xasprintf("%s/no/such/dir.tsv", tmpdir);
	int ret;

	ret = tsv_writer_open(&w, path, cols);
	tsv_put_i64(&w, 1);
	tsv_end_row(&w);
	tsv_writer_flush(&w);
	tap_ok(!ret && path_exists(tmp), "temp file exists before abort");
	tsv_writer_abort(&w);
	tap_ok(!path_exists(tmp) && !path_exists(path) && !w.af.f, "abort removes the temp file");
	tsv_writer_abort(&w);

	tap_ok(tsv_writer_open(&w, path, tab) == -EINVAL &&
	       tsv_writer_open(&w, path, none) == -EINVAL && !path_exists(tmp),
	       "column names with tabs, or no columns: -EINVAL, nothing created");
	tap_ok(tsv_writer_open(&w, nodir, cols) == -ENOENT && !w.af.f && !w.af.path,
	       "open in a missing directory: -ENOENT, writer zeroed");

	/* writes past the stdio buffer must all arrive */
	ret = tsv_writer_open(&w, path, cols);
	for (int i = 0; i < 100000 && !ret; i++) {
		tsv_put_u64(&w, (uint64_t)i * 1000003);
		tsv_end_row(&w);
	}
	ret = ret ?: tsv_writer_commit(&w);
	{
		struct tsv t;
		char err[128];
		int r2 = tsv_load(&t, path, err, sizeof(err));

		tap_ok(!ret && !r2 && t.nrows == 100000 &&
		       tsv_get_num(&t, 99999, 0) == 99999.0 * 1000003,
		       "100000 rows (> buffer size) all reach the file");
		tsv_release(&t);
	}
	unlink(path);
	free(path);
	free(tmp);
	free(nodir);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		printf("1..0 # SKIP cannot create a temp dir\n");
		return 0;
	}
	tap_plan(31 + 1 + 4 + 10 + 8);
	test_parse();
	test_parse_errors();
	test_load();
	test_load_hostile();
	test_strict();
	test_bind();
	test_writer();
	test_writer_bad_rows();
	test_writer_abort();
	remove_tree(tmpdir);
	return tap_done();
}
