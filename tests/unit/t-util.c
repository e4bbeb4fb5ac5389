// SPDX-License-Identifier: GPL-2.0
/*
 * t-util.c - unit tests for lib/util.c: the value parsers (sizes,
 * durations, integers) on good, bad and overflowing input, strv_split, the
 * human formats, and the file helpers (write_atomic, mkdir_p, remove_tree)
 * in a private mkdtemp directory.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <limits.h>
#include <unistd.h>

#include "tap.h"
#include "util.h"

static char tmpdir[] = "/tmp/t-util.XXXXXX";

static const char *errname(int ret)
{
	return ret == 0 ? "0" : ret == -EINVAL ? "-EINVAL" : ret == -ERANGE ? "-ERANGE" : "?";
}

/*
 * Method: parse_size on each suffix, spellings of it, the largest values
 * and malformed or overflowing input.
 * Pass: the byte counts; -EINVAL/-ERANGE as listed, *out untouched then.
 */
static void test_parse_size(void)
{
	static const struct {
		const char *s;
		uint64_t v;
	} good[] = {
		{ "4096", 4096 }, { "0", 0 }, { "64K", 65536 }, { "64k", 65536 },
		{ "16M", 16777216 }, { "1G", 1073741824 }, { "1GiB", 1073741824 },
		{ "1gb", 1073741824 }, { "1Gi", 1073741824 }, { "2T", 2199023255552ULL },
		{ "16777215T", 16777215ULL << 40 }, { "18446744073709551615", UINT64_MAX },
	};
	static const struct {
		const char *s;
		int ret;
	} bad[] = {
		{ "", -EINVAL }, { "-1", -EINVAL }, { "12X", -EINVAL }, { "+5", -EINVAL },
		{ " 5", -EINVAL }, { "5 ", -EINVAL }, { "1.5G", -EINVAL }, { "K", -EINVAL },
		{ "1KK", -EINVAL }, { "1iB", -EINVAL }, { "1GBx", -EINVAL }, { "4096B", -EINVAL },
		{ "16777216T", -ERANGE }, { "18446744073709551616", -ERANGE },
		{ "99999999999999999999K", -ERANGE }, { "17179869184G", -ERANGE },
	};
	uint64_t v;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		v = 12345;
		ret = parse_size(good[i].s, &v);
		tap_ok(!ret && v == good[i].v, "parse_size(\"%s\") = %" PRIu64 " (ret %d, got %"
		       PRIu64 ")", good[i].s, good[i].v, ret, v);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		v = 12345;
		ret = parse_size(bad[i].s, &v);
		tap_ok(ret == bad[i].ret && v == 12345, "parse_size(\"%s\") is %s (got %s)",
		       bad[i].s, errname(bad[i].ret), errname(ret));
	}
	tap_ok(parse_size(NULL, &v) == -EINVAL, "parse_size(NULL) is -EINVAL");
}

/*
 * Method: parse_duration on each unit, fractions, and bad input.
 * Pass: nanoseconds, rounded to the nearest one (1.001s is 1001000000, not
 * 1000999999: 1.001 x 1e9 is just below it in binary); -EINVAL/-ERANGE.
 */
static void test_parse_duration(void)
{
	static const struct {
		const char *s;
		int64_t ns;
	} good[] = {
		{ "1s", 1000000000 }, { "250ms", 250000000 }, { "10m", 600000000000LL },
		{ "1h", 3600000000000LL }, { "5us", 5000 }, { "7ns", 7 }, { "1.5s", 1500000000 },
		{ "2", 2000000000 }, { "0", 0 }, { "0.3s", 300000000 }, { "1.001s", 1001000000 },
		{ "0.1ms", 100000 }, { "2.5h", 9000000000000LL }, { "1e3ms", 1000000000 },
	};
	static const struct {
		const char *s;
		int ret;
	} bad[] = {
		{ "", -EINVAL }, { "-1s", -EINVAL }, { "+1s", -EINVAL }, { "1x", -EINVAL },
		{ "s", -EINVAL }, { "1 s", -EINVAL }, { " 1s", -EINVAL }, { "1s ", -EINVAL },
		{ "1sec", -EINVAL }, { "1S", -EINVAL }, { "1ms5", -EINVAL },
		{ "nan", -ERANGE }, { "inf", -ERANGE }, { "1e30s", -ERANGE },
		{ "3000000h", -ERANGE },
		/* strtod() skips white space, reads hex; the sign check must see it */
		{ "\f-555555555m", -EINVAL }, { "\t-1s", -EINVAL }, { "\v1s", -EINVAL },
		{ "0x2", -EINVAL }, { "0X2s", -EINVAL }, { "0x1p3s", -EINVAL }, { "-0s", -EINVAL },
		{ "99999999999999999999", -ERANGE }, { "1e400", -ERANGE }, { "infinity", -ERANGE },
	};
	int64_t ns;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		ns = -1;
		ret = parse_duration(good[i].s, &ns);
		tap_ok(!ret && ns == good[i].ns, "parse_duration(\"%s\") = %" PRId64 " ns (ret %d, "
		       "got %" PRId64 ")", good[i].s, good[i].ns, ret, ns);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ns = -1;
		ret = parse_duration(bad[i].s, &ns);
		tap_ok(ret == bad[i].ret && ns == -1, "parse_duration(\"%s\") is %s (got %s)",
		       bad[i].s, errname(bad[i].ret), errname(ret));
	}
}

/*
 * Method: parse_u64/parse_i64 at and beyond their limits, and signs, spaces
 * and other bases they must refuse.
 * Pass: exact values; -ERANGE one past a limit; -EINVAL for syntax.
 */
static void test_parse_int(void)
{
	uint64_t u = 7;
	int64_t i = 7;

	tap_ok(!parse_u64("0", &u) && u == 0 && !parse_u64("007", &u) && u == 7,
	       "parse_u64: 0, and 007 is decimal 7");
	tap_ok(!parse_u64("18446744073709551615", &u) && u == UINT64_MAX,
	       "parse_u64: 2^64-1");
	u = 7;
	tap_ok(parse_u64("18446744073709551616", &u) == -ERANGE && u == 7,
	       "parse_u64: 2^64 is -ERANGE");
	tap_ok(parse_u64("-1", &u) == -EINVAL && parse_u64("+1", &u) == -EINVAL &&
	       parse_u64(" 1", &u) == -EINVAL && parse_u64("1 ", &u) == -EINVAL &&
	       parse_u64("", &u) == -EINVAL && parse_u64(NULL, &u) == -EINVAL &&
	       parse_u64("0x10", &u) == -EINVAL && parse_u64("1k", &u) == -EINVAL && u == 7,
	       "parse_u64: signs, spaces, empty, NULL, hex and suffixes are -EINVAL");
	tap_ok(!parse_i64("-9223372036854775808", &i) && i == INT64_MIN &&
	       !parse_i64("9223372036854775807", &i) && i == INT64_MAX,
	       "parse_i64: INT64_MIN and INT64_MAX");
	tap_ok(!parse_i64("-0", &i) && i == 0 && !parse_i64("-42", &i) && i == -42,
	       "parse_i64: -0 and -42");
	i = 7;
	tap_ok(parse_i64("9223372036854775808", &i) == -ERANGE &&
	       parse_i64("-9223372036854775809", &i) == -ERANGE && i == 7,
	       "parse_i64: one past either end is -ERANGE");
	tap_ok(parse_i64("-", &i) == -EINVAL && parse_i64("", &i) == -EINVAL &&
	       parse_i64("+1", &i) == -EINVAL && parse_i64(" 1", &i) == -EINVAL &&
	       parse_i64("1.0", &i) == -EINVAL && parse_i64("--1", &i) == -EINVAL &&
	       parse_i64(NULL, &i) == -EINVAL && i == 7,
	       "parse_i64: '-', empty, '+', space, fraction, '--' and NULL are -EINVAL");
	u = 7;
	i = 7;
	tap_ok(parse_u64("\t-1", &u) == -EINVAL && parse_u64("\f1", &u) == -EINVAL &&
	       parse_i64("\t-1", &i) == -EINVAL && parse_i64("\n1", &i) == -EINVAL &&
	       parse_i64("- 1", &i) == -EINVAL && parse_size("\t-1", &u) == -EINVAL &&
	       parse_size("\v1K", &u) == -EINVAL && u == 7 && i == 7,
	       "parse_u64/i64/size: white space before a sign or digit is -EINVAL");
}

static bool strv_is(char **v, const char *const *want, size_t n)
{
	size_t i;

	if (strv_len(v) != n)
		return false;
	for (i = 0; i < n; i++)
		if (strcmp(v[i], want[i]))
			return false;
	return !v[n];
}

/* Method: splits with and without empty fields. Pass: every field kept, in order. */
static void test_strv(void)
{
	static const char *const abc[] = { "a", "b", "c" };
	static const char *const empty[] = { "" };
	static const char *const gaps[] = { "", "a", "", "b", "" };
	static const char *const one[] = { "kernelbuild idle" };
	char **v;

	v = strv_split("a,b,c", ',');
	tap_ok(strv_is(v, abc, 3), "strv_split(\"a,b,c\") is a, b, c");
	strv_free(v);
	v = strv_split("", ',');
	tap_ok(strv_is(v, empty, 1), "strv_split(\"\") is one empty field");
	strv_free(v);
	v = strv_split(",a,,b,", ',');
	tap_ok(strv_is(v, gaps, 5), "strv_split(\",a,,b,\") keeps the 3 empty fields");
	strv_free(v);
	v = strv_split("kernelbuild idle", ',');
	tap_ok(strv_is(v, one, 1), "no separator: one field");
	strv_free(v);
	v = strv_split("a:b:c", ':');
	tap_ok(strv_is(v, abc, 3), "another separator");
	strv_free(v);
	tap_ok(strv_len(NULL) == 0, "strv_len(NULL) is 0");
	strv_free(NULL);
}

/* Method: samples across each unit boundary. Pass: the strings shown. */
static void test_fmt(void)
{
	static const struct {
		int64_t ns;
		const char *s;
	} d[] = {
		{ 0, "0ns" }, { 999, "999ns" }, { 1000, "1.0us" }, { 12500, "12.5us" },
		{ 340000000, "340.0ms" }, { 1200000000, "1.2s" }, { 60000000000LL, "1m00s" },
		{ 3661000000000LL, "61m01s" }, { -5, "-5ns" },
	};
	static const struct {
		double b;
		const char *s;
	} z[] = {
		{ 0, "0B" }, { 1023, "1023B" }, { 1024, "1.0K" }, { 1536, "1.5K" },
		{ 16777216, "16.0M" }, { 1073741824, "1.0G" }, { 1099511627776.0, "1.0T" },
		{ 1125899906842624.0, "1024.0T" }, { -2048, "-2.0K" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(d); i++)
		tap_ok(!strcmp(fmt_duration(buf, sizeof(buf), d[i].ns), d[i].s),
		       "fmt_duration(%" PRId64 ") = \"%s\" (got \"%s\")", d[i].ns, d[i].s, buf);
	for (i = 0; i < ARRAY_SIZE(z); i++)
		tap_ok(!strcmp(fmt_size(buf, sizeof(buf), z[i].b), z[i].s),
		       "fmt_size(%.0f) = \"%s\" (got \"%s\")", z[i].b, z[i].s, buf);
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
 * Method: write_atomic a new file, replace it with shorter content, over a
 * stale .tmp, into a missing directory.
 * Pass: content exact each time, no .tmp left, -ENOENT for the missing dir.
 */
static void test_write_atomic(void)
{
	char *path = xasprintf("%s/f", tmpdir), *tmp = xasprintf("%s/f.tmp", tmpdir);
	char *missing = xasprintf("%s/nodir/f", tmpdir), *s;
	int ret;

	ret = write_atomic(path, "hello world\n", 12);
	s = slurp(path);
	tap_ok(!ret && s && !strcmp(s, "hello world\n") && !path_exists(tmp),
	       "write_atomic creates the file, no .tmp left (ret %d)", ret);
	free(s);
	write_atomic(tmp, "stale", 5);
	ret = write_atomic(path, "bye", 3);
	s = slurp(path);
	tap_ok(!ret && s && !strcmp(s, "bye") && !path_exists(tmp),
	       "write_atomic replaces the content, over a stale .tmp (ret %d)", ret);
	free(s);
	ret = write_atomic(path, "", 0);
	s = slurp(path);
	tap_ok(!ret && s && !*s, "write_atomic of 0 bytes leaves an empty file");
	free(s);
	ret = write_atomic(missing, "x", 1);
	tap_ok(ret == -ENOENT && !path_exists(missing), "into a missing directory: -ENOENT (%d)",
	       ret);
	tap_ok(read_file(missing, &(struct strbuf)STRBUF_INIT) == -ENOENT,
	       "read_file of a missing file: -ENOENT");
	write_atomic(path, "123\n", 4);
	{
		uint64_t v = 0;

		ret = read_u64_file(path, &v);
		tap_ok(!ret && v == 123, "read_u64_file reads \"123\\n\" (ret %d, %" PRIu64 ")",
		       ret, v);
		write_atomic(path, "12a\n", 4);
		tap_ok(read_u64_file(path, &v) == -EINVAL && v == 123,
		       "read_u64_file of \"12a\" is -EINVAL");
	}
	unlink(path);
	free(missing);
	free(tmp);
	free(path);
}

/*
 * Method: mkdir_p on nested, existing, trailing-slash, through-a-file and
 * empty paths.
 * Pass: 0 and a directory; -ENOTDIR where a file is in the way; -ENOENT
 * for "" (like mkdir("")).
 */
static void test_mkdir_p(void)
{
	char *deep = xasprintf("%s/a/b/c", tmpdir), *slash = xasprintf("%s/x/y/", tmpdir);
	char *file = xasprintf("%s/file", tmpdir), *under = xasprintf("%s/file/sub", tmpdir);
	mode_t mask = umask(0);
	struct stat st;
	int ret;

	umask(mask);
	ret = mkdir_p(deep, 0750);
	tap_ok(!ret && is_dir(deep) && !stat(deep, &st) && (st.st_mode & 0777) == (0750 & ~mask),
	       "mkdir_p creates a/b/c (ret %d)", ret);
	tap_ok(!mkdir_p(deep, 0755), "mkdir_p of an existing directory is 0");
	ret = mkdir_p(slash, 0755);
	tap_ok(!ret && is_dir(slash), "a trailing slash is fine (ret %d)", ret);
	write_atomic(file, "x", 1);
	ret = mkdir_p(under, 0755);
	tap_ok(ret == -ENOTDIR, "through a file: -ENOTDIR (%d)", ret);
	ret = mkdir_p(file, 0755);
	tap_ok(ret == -ENOTDIR && !is_dir(file), "an existing file: -ENOTDIR (%d)", ret);
	ret = mkdir_p("", 0755);
	tap_ok(ret == -ENOENT, "mkdir_p(\"\") is -ENOENT (%d)", ret);
	unlink(file);
	free(under);
	free(file);
	free(slash);
	free(deep);
}

/*
 * Method: remove_tree on a tree of directories, files and a symlink to a
 * directory outside it; on a single file; on a missing path.
 * Pass: all gone, the symlink's target and its content untouched; 0 each time.
 */
static void test_remove_tree(void)
{
	char *root = xasprintf("%s/tree", tmpdir), *outside = xasprintf("%s/outside", tmpdir);
	char *kept = xasprintf("%s/outside/kept", tmpdir), *p;
	int ret;

	mkdir_p(outside, 0755);
	write_atomic(kept, "keep", 4);
	p = xasprintf("%s/d1/d2/d3", root);
	mkdir_p(p, 0755);
	free(p);
	p = xasprintf("%s/d1/d2/d3/f", root);
	write_atomic(p, "1", 1);
	free(p);
	p = xasprintf("%s/d1/g", root);
	write_atomic(p, "2", 1);
	free(p);
	p = xasprintf("%s/d1/link", root);
	ret = symlink(outside, p);
	free(p);
	ret = ret ? -errno : remove_tree(root);
	tap_ok(!ret && !path_exists(root), "remove_tree removes a nested tree (ret %d)", ret);
	tap_ok(path_exists(kept), "a symlink in the tree is removed, not followed");
	ret = remove_tree(kept);
	tap_ok(!ret && !path_exists(kept) && is_dir(outside), "remove_tree of a file (ret %d)",
	       ret);
	tap_ok(remove_tree(root) == 0, "remove_tree of a missing path is 0");
	remove_tree(outside);
	free(kept);
	free(outside);
	free(root);
}

/* Method: strbuf growth past its first allocation. Pass: exact content and length. */
static void test_strbuf(void)
{
	struct strbuf sb = STRBUF_INIT;
	char big[300];
	char *s;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sb_adds(&sb, "a");
	sb_addf(&sb, "%s-%d", big, 42);
	tap_ok(sb.len == 1 + 299 + 3 && sb.buf[0] == 'a' && !strcmp(sb.buf + 300, "-42"),
	       "sb_addf past the first 64 bytes (len %zu)", sb.len);
	s = sb_detach(&sb);
	tap_ok(s && strlen(s) == 303 && !sb.buf && !sb.len, "sb_detach hands over the buffer");
	free(s);
	sb_release(&sb);
}

/* path_canon/path_within: the dashboard's overlap check rests on them (issue 15, item 2) */
static void test_path_canon(void)
{
	char *top = path_canon(tmpdir), *a = xasprintf("%s/canon", tmpdir), *l, *p, *want;
	char cwd[PATH_MAX];

	mkdir_p(a, 0755);
	l = xasprintf("%s/link", tmpdir);
	tap_ok(!symlink(a, l), "symlink to canon");
	p = xasprintf("%s/link/new/./x/../y", tmpdir);
	want = xasprintf("%s/canon/new/y", top);
	free(l);
	l = path_canon(p);
	tap_ok(!strcmp(l, want), "a link resolved, the missing rest folded (got '%s')", l);
	tap_ok(path_within(p, a), "below a directory through a link");
	tap_ok(!path_within(a, p), "a directory is not below its own child");
	free(l);
	l = xasprintf("%s/canonical", tmpdir);
	tap_ok(!path_within(l, a), "'canonical' is not below 'canon'");
	tap_ok(path_within(a, a) && path_within(a, "/"), "a directory is within itself and /");
	if (getcwd(cwd, sizeof(cwd)) && !chdir(a)) {
		tap_ok(path_within(".", a) && path_within("../canon/z", a),
		       "relative paths are taken from the working directory");
		tap_ok(!chdir(cwd), "back to the working directory");
	} else {
		tap_ok(0, "chdir to '%s'", a);
		tap_ok(0, "chdir back");
	}
	free(l);
	free(p);
	free(want);
	free(a);
	free(top);
}

/* pb_self_exe: this binary; a copy of it run after its file was replaced still finds the path */
static void test_self_exe(void)
{
	char *exe = pb_self_exe(), *copy = xasprintf("%s/self", tmpdir);
	char *cmd = xasprintf("cp '%s' '%s' && ('%s' --self-exe-probe & sleep 0.3; "
			      "rm -f '%s'; cp '%s' '%s'; wait)", exe ? exe : "", copy, copy, copy,
			      exe ? exe : "", copy);
	struct strbuf out = STRBUF_INIT;
	char *probe = xasprintf("%s/self.out", tmpdir);

	tap_ok(exe && !strcmp(path_base(exe), "t-util") && path_exists(exe),
	       "pb_self_exe: this binary (%s)", exe ? exe : "NULL");
	tap_ok(system(cmd) == 0 && !read_file(probe, &out) && out.buf &&
	       !strcmp(out.buf, copy), "replaced while it runs: the path, not \"(deleted)\" (%s)",
	       out.buf ? out.buf : "nothing");
	sb_release(&out);
	free(probe);
	free(cmd);
	free(copy);
	free(exe);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--self-exe-probe")) {
		/* the copy, run by test_self_exe(): wait for the file to be replaced */
		char *exe, *out;

		usleep(600 * 1000);
		exe = pb_self_exe();
		out = xasprintf("%s.out", exe ? exe : "/nonexistent");
		write_atomic(out, exe ? exe : "", exe ? strlen(exe) : 0);
		free(out);
		free(exe);
		return 0;
	}
	if (!mkdtemp(tmpdir))
		return tap_skip_all("cannot create a temporary directory");
	tap_plan((12 + 16 + 1) + (14 + 25) + 9 + 6 + (9 + 9) + 7 + 6 + 4 + 2 + 8 + 2 + 1);
	test_parse_size();
	test_parse_duration();
	test_parse_int();
	test_strv();
	test_fmt();
	test_write_atomic();
	test_mkdir_p();
	test_remove_tree();
	test_strbuf();
	test_path_canon();
	test_self_exe();
	tap_ok(!remove_tree(tmpdir) && !path_exists(tmpdir), "temporary directory removed");
	return tap_done();
}
