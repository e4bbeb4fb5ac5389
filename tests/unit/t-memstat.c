// SPDX-License-Identifier: GPL-2.0
/*
 * t-memstat.c - unit tests for bench/memstat.c on memory.stat and /proc/vmstat
 * captured from a real kernel (tests/fixtures/README says how), plus
 * hand-made buffers for what a real kernel never prints: new keys and
 * malformed lines.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "memstat.h"
#include "tap.h"
#include "util.h"

static char *fixture_path(const char *rel)
{
	return xasprintf("%s/%s", FIXTURES, rel);
}

/* Reads FIXTURES/@rel into @sb; 0 or -errno. */
static int load(const char *rel, struct strbuf *sb)
{
	char *path = fixture_path(rel);
	int ret = read_file(path, sb);

	if (ret)
		tap_diag("cannot read '%s': %s", path, strerror(-ret));
	free(path);
	return ret;
}

static size_t count_nonempty_lines(const char *buf, size_t len)
{
	size_t n = 0, i;
	bool in_line = false;

	for (i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			n += in_line;
			in_line = false;
		} else {
			in_line = true;
		}
	}
	return n + in_line;
}

/*
 * Re-reads @buf line by line with strtoll (a different method from the
 * parser's) and compares key and value with entry i of @l. Returns the
 * number of the first line that disagrees, or 0.
 */
static size_t crosscheck(const char *buf, const struct kvlist *l)
{
	char *copy = xstrdup(buf), *save = NULL, *line;
	size_t i = 0, bad = 0;

	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		long long v;

		if (!sp || i >= l->n) {
			bad = i + 1;
			break;
		}
		*sp = '\0';
		v = strtoll(sp + 1, NULL, 10);
		if (l->v[i].keylen != strlen(line) || memcmp(l->v[i].key, line, l->v[i].keylen) ||
		    l->v[i].val != v) {
			bad = i + 1;
			break;
		}
		i++;
	}
	if (!bad && i != l->n)
		bad = i + 1;
	free(copy);
	return bad;
}

/*
 * Method: parse each captured file.
 * Pass: no error; as many entries as the file has lines (the count is
 * hard-coded from `wc -l` on the capture, and also recounted); every entry
 * equals what strtoll reads from the same line.
 */
static void test_fixtures(void)
{
	static const struct {
		const char *file;
		size_t lines;
	} fx[] = {
		{ "v1/leaf-memory.stat", 42 },
		{ "v1/parent-memory.stat", 42 },
		{ "v1/parent-a-memory.stat", 42 },
		{ "v1/parent-b-memory.stat", 42 },
		{ "v1/root-memory.stat", 42 },
		{ "vmstat/proc-vmstat", 192 },
		{ "vmstat/after-v1-root.vmstat", 192 },
		{ "v2/child-memory.stat", 47 },
		{ "v2/root-memory.stat", 47 },
		{ "v2/proc-vmstat", 61 },
		{ "v2/recapture/child-memory.stat", 47 },
		{ "v2/recapture/root-memory.stat", 47 },
		{ "v2/recapture/proc-vmstat", 61 },
	};
	struct strbuf sb = STRBUF_INIT;
	struct kvlist l;
	size_t i;

	kvlist_init(&l);
	for (i = 0; i < ARRAY_SIZE(fx); i++) {
		char err[160] = "";
		int ret = load(fx[i].file, &sb);
		size_t bad;

		if (!ret)
			ret = memstat_parse(sb.buf, sb.len, &l, err, sizeof(err));
		tap_ok(!ret && l.n == fx[i].lines && l.n == count_nonempty_lines(sb.buf, sb.len),
		       "%s: parsed, %zu keys for %zu lines (ret %d, n %zu) %s", fx[i].file,
		       l.n, fx[i].lines, ret, l.n, err);
		bad = ret ? 1 : crosscheck(sb.buf, &l);
		tap_ok(!bad, "%s: every key and value matches its line (first mismatch: line %zu)",
		       fx[i].file, bad);
	}
	kvlist_release(&l);
	sb_release(&sb);
}

/*
 * Method: the v2 files of the first capture against those of capture.sh run again
 * (v2/recapture/, another boot of a 6.1.192 smoke kernel).
 * Pass: the same keys in the same order: the recipe reproduces the fixture's shape.
 */
static void test_v2_recapture(void)
{
	static const char *const files[] = { "child-memory.stat", "root-memory.stat",
					     "proc-vmstat" };
	size_t i, k;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
		struct kvlist la, lb;
		char err[160] = "", *pa = xasprintf("v2/%s", files[i]);
		char *pb = xasprintf("v2/recapture/%s", files[i]);
		int ret;

		kvlist_init(&la);
		kvlist_init(&lb);
		ret = load(pa, &a) || load(pb, &b) ||
		      memstat_parse(a.buf, a.len, &la, err, sizeof(err)) ||
		      memstat_parse(b.buf, b.len, &lb, err, sizeof(err));
		for (k = 0; !ret && k < la.n && k < lb.n; k++)
			if (la.v[k].keylen != lb.v[k].keylen ||
			    memcmp(la.v[k].key, lb.v[k].key, la.v[k].keylen))
				break;
		tap_ok(!ret && la.n == lb.n && k == la.n,
		       "v2/%s: a capture.sh run gives the same %zu keys in order (first differing "
		       "at %zu) %s", files[i], la.n, k, err);
		kvlist_release(&la);
		kvlist_release(&lb);
		sb_release(&a);
		sb_release(&b);
		free(pa);
		free(pb);
	}
}

/*
 * Method: look up keys of the captured v1 leaf memory.stat.
 * Pass: the values `grep '^key ' tests/fixtures/v1/leaf-memory.stat` shows,
 * including the first and last line and a value above 2^62.
 */
static void test_v1_values(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct kvlist l;
	char err[160] = "";
	int64_t v = 0;
	int ret;

	kvlist_init(&l);
	ret = load("v1/leaf-memory.stat", &sb);
	if (!ret)
		ret = memstat_parse(sb.buf, sb.len, &l, err, sizeof(err));
	tap_ok(!ret && l.n && l.v[0].key == sb.buf && l.v[0].keylen == 5 &&
	       !memcmp(l.v[0].key, "cache", 5),
	       "leaf: first entry is 'cache' and points into the buffer");
	tap_ok(kv_val(&l, "cache") == 6467584 && kv_val(&l, "rss") == 8589312 &&
	       kv_val(&l, "shmem") == 2097152 && kv_val(&l, "dirty") == 4198400,
	       "leaf: cache 6467584 rss 8589312 shmem 2097152 dirty 4198400 (got %" PRId64
	       " %" PRId64 " %" PRId64 " %" PRId64 ")", kv_val(&l, "cache"), kv_val(&l, "rss"),
	       kv_val(&l, "shmem"), kv_val(&l, "dirty"));
	tap_ok(kv_val(&l, "pgfault") == 4687 && kv_val(&l, "total_inactive_anon") == 10633216 &&
	       kv_val(&l, "total_active_file") == 8192,
	       "leaf: pgfault 4687 total_inactive_anon 10633216 total_active_file 8192");
	ret = kv_get(&l, "hierarchical_memory_limit", &v);
	tap_ok(!ret && v == 9223372036854771712LL,
	       "leaf: hierarchical_memory_limit 9223372036854771712 (got %" PRId64 ")", v);
	v = -1;
	ret = kv_get(&l, "total_unevictable", &v);
	tap_ok(!ret && v == 0 && l.n &&
	       l.v[l.n - 1].keylen == strlen("total_unevictable"),
	       "leaf: the last line, total_unevictable 0, is found (ret %d, v %" PRId64 ")",
	       ret, v);

	ret = load("vmstat/proc-vmstat", &sb);
	if (!ret)
		ret = memstat_parse(sb.buf, sb.len, &l, err, sizeof(err));
	tap_ok(!ret && kv_val(&l, "nr_free_pages") == 1589318 &&
	       kv_val(&l, "nr_inactive_file") == 11533 && kv_val(&l, "nr_shmem") == 2218 &&
	       kv_val(&l, "pgfault") == 46442535 && kv_val(&l, "workingset_nodes") == 135401,
	       "vmstat: nr_free_pages 1589318 nr_inactive_file 11533 nr_shmem 2218 "
	       "pgfault 46442535 workingset_nodes 135401");
	tap_ok(!ret && kv_has(&l, "nr_unstable") && kv_val(&l, "nr_unstable") == 0 &&
	       !kv_has(&l, "cache") && !kv_has(&l, "total_rss"),
	       "vmstat: has nr_unstable (last line), no memory.stat keys");
	kvlist_release(&l);
	sb_release(&sb);
}

/*
 * Method: look up keys of the v2 files captured in a 6.1.192 guest.
 * Pass: the values `grep` shows in tests/fixtures/v2; the child has the
 * 5.18+ keys the v2 drift formula needs and no v1 total_* keys.
 */
static void test_v2_values(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct kvlist l;
	char err[160] = "";
	int ret;

	kvlist_init(&l);
	ret = load("v2/child-memory.stat", &sb);
	if (!ret)
		ret = memstat_parse(sb.buf, sb.len, &l, err, sizeof(err));
	tap_ok(!ret && kv_has(&l, "anon") && kv_val(&l, "anon") == 0 &&
	       kv_val(&l, "file") == 16928768 && kv_val(&l, "kernel") == 65536 &&
	       kv_val(&l, "shmem") == 16777216 && kv_val(&l, "slab") == 65624 &&
	       kv_val(&l, "pgfault") == 425,
	       "v2 child: anon 0 file 16928768 kernel 65536 shmem 16777216 slab 65624 "
	       "pgfault 425");
	tap_ok(!ret && kv_has(&l, "sock") && kv_has(&l, "thp_collapse_alloc") &&
	       !kv_has(&l, "total_rss") && !kv_has(&l, "cache"),
	       "v2 child: has sock and the last line, no v1 keys");
	ret = load("v2/root-memory.stat", &sb);
	if (!ret)
		ret = memstat_parse(sb.buf, sb.len, &l, err, sizeof(err));
	tap_ok(!ret && kv_val(&l, "anon") == 114688 && kv_val(&l, "file") == 18915328 &&
	       kv_val(&l, "kernel") == 69632 && kv_val(&l, "inactive_file") == 385024 &&
	       kv_val(&l, "active_anon") == 8192,
	       "v2 root: anon 114688 file 18915328 kernel 69632 inactive_file 385024 "
	       "active_anon 8192");
	ret = load("v2/proc-vmstat", &sb);
	if (!ret)
		ret = memstat_parse(sb.buf, sb.len, &l, err, sizeof(err));
	tap_ok(!ret && kv_val(&l, "nr_free_pages") == 999668 &&
	       kv_val(&l, "nr_inactive_file") == 94 && kv_val(&l, "nr_shmem") == 4096 &&
	       kv_has(&l, "nr_unstable") && !kv_has(&l, "pgfault"),
	       "6.1 guest vmstat: nr_free_pages 999668 nr_inactive_file 94 nr_shmem 4096, "
	       "no event counters in that config");
	kvlist_release(&l);
	sb_release(&sb);
}

/*
 * Method: a key no kernel has printed, between known ones.
 * Pass: kept in order with its value.
 */
static void test_unknown_key(void)
{
	static const char buf[] = "cache 1\nzz_future_key 42\nrss 2\n";
	struct kvlist l;
	char err[160] = "";
	int ret;

	kvlist_init(&l);
	ret = memstat_parse(buf, strlen(buf), &l, err, sizeof(err));
	tap_ok(!ret && l.n == 3 && kv_val(&l, "zz_future_key") == 42 &&
	       l.v[1].keylen == 13 && !memcmp(l.v[1].key, "zz_future_key", 13) &&
	       kv_val(&l, "rss") == 2, "an unknown key is kept, in order (ret %d, n %zu)",
	       ret, l.n);
	kvlist_release(&l);
}

/*
 * Method: buffers with one bad line among good ones.
 * Pass: -EINVAL, and the message names the line number (counting empty
 * lines) and quotes the line's text.
 */
static void test_malformed(void)
{
	static const struct {
		const char *buf, *want, *why;
	} bad[] = {
		{ "cache 1\ncache abc\n", "line 2: 'cache abc'", "a non-numeric value" },
		{ "nospace\n", "line 1: 'nospace'", "no separator" },
		{ "cache 1\nrss 2\nkey  5\n", "line 3: 'key  5'", "two spaces" },
		{ " 5\n", "line 1: ' 5'", "an empty key" },
		{ "key -\n", "line 1: 'key -'", "a lone minus" },
		{ "key 12 garbage\n", "line 1: 'key 12 garbage'", "trailing words" },
		{ "key 12x\n", "line 1: 'key 12x'", "a trailing letter" },
		{ "key \n", "line 1: 'key '", "an empty value" },
		{ "key +5\n", "line 1: 'key +5'", "a plus sign" },
		{ "key 5\t\n", "line 1: 'key 5\t'", "a trailing tab" },
		{ "a 1\n\nb x", "line 3: 'b x'", "empty lines counted, no final newline" },
		{ "key 99999999999999999999\n", "line 1: 'key 99999999999999999999'",
		  "a value above 2^64" },
		{ "key 18446744073709551616\n", "line 1: 'key 18446744073709551616'",
		  "2^64 exactly" },
	};
	struct kvlist l;
	size_t i;

	kvlist_init(&l);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		char err[160] = "";
		int ret = memstat_parse(bad[i].buf, strlen(bad[i].buf), &l, err, sizeof(err));

		tap_ok(ret == -EINVAL && strstr(err, bad[i].want),
		       "rejects %s with \"%s\" (ret %d, err \"%s\")", bad[i].why, bad[i].want,
		       ret, err);
	}
	kvlist_release(&l);
}

/* Method: a 200-character bad line. Pass: the quote is cut to 80 characters. */
static void test_long_line(void)
{
	struct kvlist l;
	char line[202], err[200] = "", want[100];
	int ret;

	memset(line, 'k', 200);
	line[200] = '\n';
	line[201] = '\0';
	snprintf(want, sizeof(want), "line 1: '%.80s'", line);
	kvlist_init(&l);
	ret = memstat_parse(line, 201, &l, err, sizeof(err));
	tap_ok(ret == -EINVAL && !strcmp(err + strlen(err) - strlen(want), want),
	       "a long bad line is quoted to 80 characters (err \"%s\")", err);
	kvlist_release(&l);
}

/*
 * Method: negative values and the int64 extremes; 2^64-1 is how the kernel
 * prints an unsigned long counter that went one below zero.
 * Pass: the values, with 2^64-1 read back as -1.
 */
static void test_numbers(void)
{
	static const char buf[] = "workingset_nodes -3\nneg_max -9223372036854775807\n"
				  "pos_max 9223372036854775807\nzero 0\nminus_zero -0\n"
				  "wrapped 18446744073709551615\n";
	struct kvlist l;
	char err[160] = "";
	int ret;

	kvlist_init(&l);
	ret = memstat_parse(buf, strlen(buf), &l, err, sizeof(err));
	tap_ok(!ret && l.n == 6 && kv_val(&l, "workingset_nodes") == -3 &&
	       kv_val(&l, "neg_max") == -INT64_MAX, "negative values parse (ret %d) %s", ret, err);
	tap_ok(kv_val(&l, "pos_max") == INT64_MAX && kv_has(&l, "zero") && !kv_val(&l, "zero") &&
	       kv_has(&l, "minus_zero") && !kv_val(&l, "minus_zero"),
	       "INT64_MAX, 0 and -0 parse");
	tap_ok(kv_val(&l, "wrapped") == -1, "2^64-1 reads as -1 (got %" PRId64 ")",
	       kv_val(&l, "wrapped"));
	kvlist_release(&l);
}

/*
 * Method: INT64_MIN, and one below it (found by fuzz-memstat: negating
 * INT64_MIN as int64_t is undefined, and what lies below it wrapped into a
 * positive number).
 * Pass: INT64_MIN reads as itself, one below is an error naming the line.
 */
static void test_int64_min(void)
{
	static const char min[] = "neg_min -9223372036854775808\n";
	static const char below[] = "a 1\nneg_below -9223372036854775809\n";
	struct kvlist l;
	char err[160] = "";
	int ret;

	kvlist_init(&l);
	ret = memstat_parse(min, strlen(min), &l, err, sizeof(err));
	tap_ok(!ret && kv_val(&l, "neg_min") == INT64_MIN, "INT64_MIN parses (ret %d) %s", ret,
	       err);
	ret = memstat_parse(below, strlen(below), &l, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "line 2"), "below INT64_MIN is an error (ret %d) %s",
	       ret, err);
	kvlist_release(&l);
}

/*
 * Method: empty input, only empty lines, no final newline, a list reused for
 * a second parse.
 * Pass: 0 entries, 0 entries, the last line kept, only the second buffer's
 * entries.
 */
static void test_shapes(void)
{
	struct kvlist l;
	char err[160] = "";
	int ret;

	kvlist_init(&l);
	ret = memstat_parse("", 0, &l, err, sizeof(err));
	tap_ok(!ret && l.n == 0, "empty input gives 0 entries (ret %d)", ret);
	ret = memstat_parse("\n\n", 2, &l, err, sizeof(err));
	tap_ok(!ret && l.n == 0, "empty lines give 0 entries (ret %d)", ret);
	ret = memstat_parse("a 1\nb 2", 7, &l, err, sizeof(err));
	tap_ok(!ret && l.n == 2 && kv_val(&l, "b") == 2,
	       "a buffer without final newline keeps its last line (ret %d, n %zu)", ret, l.n);
	/* @len, not the NUL, ends the buffer */
	ret = memstat_parse("a 1\nb 23", 7, &l, err, sizeof(err));
	tap_ok(!ret && l.n == 2 && kv_val(&l, "b") == 2, "parsing stops at len");
	ret = memstat_parse("c 3\n", 4, &l, err, sizeof(err));
	tap_ok(!ret && l.n == 1 && !kv_has(&l, "a") && kv_val(&l, "c") == 3,
	       "a reused list holds only the new entries (n %zu)", l.n);
	kvlist_release(&l);
	tap_ok(l.n == 0 && l.alloc == 0 && !l.v, "kvlist_release empties the list");
	kvlist_release(&l);
	kvlist_release(NULL);
}

/*
 * Method: kv_get/kv_val/kv_has on present, absent, prefix and extended keys.
 * Pass: exact-match only; absent gives -ENOENT, leaves *val alone, kv_val 0.
 */
static void test_lookup(void)
{
	static const char buf[] = "cache 7\ncache_x 8\ntotal_cache 9\nzero 0\n";
	struct kvlist l;
	char err[160];
	int64_t v;
	int ret;

	kvlist_init(&l);
	memstat_parse(buf, strlen(buf), &l, err, sizeof(err));
	v = 0;
	ret = kv_get(&l, "cache", &v);
	tap_ok(!ret && v == 7, "kv_get finds cache = 7 (ret %d, v %" PRId64 ")", ret, v);
	v = 1234;
	ret = kv_get(&l, "cach", &v);
	tap_ok(ret == -ENOENT && v == 1234, "kv_get of a prefix is -ENOENT and keeps *val");
	ret = kv_get(&l, "cache_xy", &v);
	tap_ok(ret == -ENOENT && kv_get(&l, "", &v) == -ENOENT,
	       "kv_get of a longer key and of \"\" is -ENOENT");
	tap_ok(kv_val(&l, "cache_x") == 8 && kv_val(&l, "total_cache") == 9 &&
	       kv_val(&l, "missing") == 0, "kv_val: values, 0 when absent");
	tap_ok(kv_has(&l, "zero") && !kv_has(&l, "missing") && !kv_has(&l, "total_"),
	       "kv_has tells a 0 value from a missing key");
	kvlist_release(&l);
}

int main(void)
{
	tap_plan(26 + 3 + 7 + 4 + 1 + 13 + 1 + 3 + 2 + 6 + 5);
	test_fixtures();
	test_v1_values();
	test_v2_values();
	test_v2_recapture();
	test_unknown_key();
	test_malformed();
	test_long_line();
	test_numbers();
	test_int64_min();
	test_shapes();
	test_lookup();
	return tap_done();
}
