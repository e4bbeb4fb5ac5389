// SPDX-License-Identifier: GPL-2.0
/*
 * t-drift.c - unit tests for analysis/drift.c: the bound, the formulas of
 * each check on hand-made buffers whose answer is worked out in the
 * comments, and the same formulas on memory.stat and /proc/vmstat captured
 * from a real kernel (tests/fixtures/README), with the expected numbers
 * computed by hand from those files.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "drift.h"
#include "memstat.h"
#include "tap.h"
#include "util.h"

/* Both the v1 host and the v2 guest had 2 CPUs and 4K pages; batch 64 in 6.1+. */
#define FX_CPUS 2
#define FX_PAGE 4096
#define FX_BATCH 64

/* A parsed buffer that owns its text (kv entries point into it). */
struct stat_buf {
	struct strbuf sb;
	struct kvlist kv;
};

static int sb_parse(struct stat_buf *s)
{
	char err[160];
	int ret = memstat_parse(s->sb.buf, s->sb.len, &s->kv, err, sizeof(err));

	if (ret)
		tap_diag("parse error: %s", err);
	return ret;
}

/* Parses the literal @text; 0 or -EINVAL. */
static int stat_str(struct stat_buf *s, const char *text)
{
	sb_init(&s->sb);
	kvlist_init(&s->kv);
	sb_adds(&s->sb, text);
	return sb_parse(s);
}

/* Reads and parses FIXTURES/@rel; 0 or -errno. */
static int stat_load(struct stat_buf *s, const char *rel)
{
	char *path = xasprintf("%s/%s", FIXTURES, rel);
	int ret;

	sb_init(&s->sb);
	kvlist_init(&s->kv);
	ret = read_file(path, &s->sb);
	if (ret)
		tap_diag("cannot read '%s': %s", path, strerror(-ret));
	else
		ret = sb_parse(s);
	free(path);
	return ret;
}

static void stat_release(struct stat_buf *s)
{
	kvlist_release(&s->kv);
	sb_release(&s->sb);
}

/*
 * Method: the bound for known inputs, one of them above 2^32.
 * Pass: 64*4096*2*17 = 8912896, 32*4096*2*17 = 4456448,
 * 64*65536*512*100000 = 214748364800000 (no 32-bit overflow), 0 for 0 CPUs.
 */
static void test_bound(void)
{
	tap_ok(drift_bound(64, 4096, 2, 17) == 8912896,
	       "drift_bound(64, 4096, 2, 17) = 8912896 (got %" PRId64 ")",
	       drift_bound(64, 4096, 2, 17));
	tap_ok(drift_bound(32, 4096, 2, 17) == 4456448,
	       "drift_bound(32, 4096, 2, 17) = 4456448 (got %" PRId64 ")",
	       drift_bound(32, 4096, 2, 17));
	tap_ok(drift_bound(64, 65536, 512, 100000) == 214748364800000LL,
	       "drift_bound(64, 65536, 512, 100000) = 214748364800000 (got %" PRId64 ")",
	       drift_bound(64, 65536, 512, 100000));
	tap_ok(drift_bound(64, 4096, 0, 17) == 0 && drift_bound(64, 4096, 1, 1) == 262144,
	       "drift_bound: 0 CPUs give 0, one CPU and one cgroup one batch of pages");
}

/*
 * Method: v1 total on the captured leaf cgroup:
 *   total_rss 8589312 + total_cache 6467584 + kmem 245760 = 15302656,
 * and against its memory.usage_in_bytes 15577088 (captured with it).
 * Pass: the sum; the formula's description; the 274432-byte gap to usage is
 * within one cgroup's bound on the 2-CPU host (524288).
 */
static void test_total_v1(void)
{
	struct stat_buf s;
	uint64_t kmem = 0, usage = 0;
	struct drift_row r = { .check = DRIFT_CURRENT_VS_STAT };
	const char *what = NULL;
	char *p;
	int ret;

	ret = stat_load(&s, "v1/leaf-memory.stat");
	p = xasprintf("%s/v1/leaf-memory.kmem.usage_in_bytes", FIXTURES);
	ret = ret ? ret : read_u64_file(p, &kmem);
	free(p);
	p = xasprintf("%s/v1/leaf-memory.usage_in_bytes", FIXTURES);
	ret = ret ? ret : read_u64_file(p, &usage);
	free(p);
	tap_ok(!ret && kmem == 245760 && usage == 15577088,
	       "leaf fixture: kmem 245760, usage 15577088 (ret %d)", ret);
	r.observed = drift_stat_total(CG_V1, &s.kv, (int64_t)kmem, &what);
	tap_ok(r.observed == 15302656,
	       "v1 total = 8589312 + 6467584 + 245760 = 15302656 (got %" PRId64 ")", r.observed);
	tap_ok(what && !strcmp(what, "total_rss + total_cache + memory.kmem.usage_in_bytes"),
	       "v1 formula described as '%s'", what ? what : "(null)");
	r.expected = (int64_t)usage;
	drift_finish(&r);
	r.bound = drift_bound(FX_BATCH, FX_PAGE, FX_CPUS, 1);
	tap_ok(r.abs_err == 274432 && r.abs_err <= r.bound,
	       "leaf usage - stat total = 274432 <= bound %" PRId64 " (got %" PRId64 ")",
	       r.bound, r.abs_err);
	tap_ok(drift_stat_total(CG_V1, &s.kv, 0, NULL) == 15056896,
	       "v1 total without kmem and with what = NULL is 15056896");
	stat_release(&s);
}

/*
 * Method: v2 totals on hand-made memory.stat buffers.
 * Pass: with "kernel": anon + file + kernel + sock (kernel_stack and slab,
 * which "kernel" already contains, are not added twice); without it: the
 * test_kmem formula; v1 looks at none of these keys.
 */
static void test_total_v2(void)
{
	struct stat_buf s;
	const char *what = NULL;
	int64_t t;

	/* 1000 + 200 + 30 + 4 = 1234 */
	stat_str(&s, "anon 1000\nfile 200\nkernel 30\nkernel_stack 99999\npagetables 77777\n"
		 "percpu 55555\nsock 4\nslab 99999\n");
	t = drift_stat_total(CG_V2, &s.kv, 123456, &what);
	tap_ok(t == 1234, "v2 with 'kernel': 1000+200+30+4 = 1234, kmem ignored (got %" PRId64
	       ")", t);
	tap_ok(what && !strcmp(what, "anon + file + kernel + sock"),
	       "v2 with 'kernel' described as '%s'", what ? what : "(null)");
	t = drift_stat_total(CG_V1, &s.kv, 7, NULL);
	tap_ok(t == 7, "v1 on a v2 buffer: only kmem (got %" PRId64 ")", t);
	stat_release(&s);

	/* 1000 + 200 + 10 + 20 + 3 + 40000 + 5 = 41238 */
	stat_str(&s, "anon 1000\nfile 200\nkernel_stack 10\npagetables 20\npercpu 3\n"
		 "sock 5\nslab 40000\nslab_reclaimable 30000\n");
	t = drift_stat_total(CG_V2, &s.kv, 0, &what);
	tap_ok(t == 41238, "v2 without 'kernel': 1000+200+10+20+3+40000+5 = 41238 (got %"
	       PRId64 ")", t);
	tap_ok(what && !strcmp(what, "anon + file + kernel_stack + pagetables + percpu + slab + "
			       "sock"), "v2 fallback described as '%s'", what ? what : "(null)");
	stat_release(&s);

	/* 'kernel' present but 0, no sock: 1 + 2 + 0 = 3 */
	stat_str(&s, "anon 1\nfile 2\nkernel 0\nslab 50\n");
	t = drift_stat_total(CG_V2, &s.kv, 0, &what);
	tap_ok(t == 3 && !strcmp(what, "anon + file + kernel + sock"),
	       "v2 'kernel 0' still selects the 5.18+ formula, missing sock counts 0 (got %"
	       PRId64 ")", t);
	stat_release(&s);
}

/*
 * Method: drift_parent_key on hand-made v1 and v2 memory.stat.
 * Pass: the sums worked out next to each case.
 */
static void test_parent_hand(void)
{
	struct stat_buf p, a, b;
	const struct kvlist *ch[2] = { &a.kv, &b.kv };
	int64_t exp = -1, obs = -1;
	int ret;

	/* v1: children total_cache 120 + 80, plus the parent's local cache 100 = 300 */
	stat_str(&p, "cache 100\nrss 5\ntotal_cache 300\ntotal_rss 50\ntotal_x 10\nx 5\n");
	stat_str(&a, "cache 120\ntotal_cache 120\ntotal_rss 20\ntotal_x 3\n");
	stat_str(&b, "cache 80\ntotal_cache 80\n");
	ret = drift_parent_key(CG_V1, "total_cache", &p.kv, ch, 2, &exp, &obs);
	tap_ok(!ret && exp == 300 && obs == 300,
	       "v1 total_cache: 120 + 80 + local 100 = 300, observed 300 (ret %d, %" PRId64
	       " vs %" PRId64 ")", ret, exp, obs);
	/* v1: a child without the key counts 0: 20 + 0 + local rss 5 = 25 */
	ret = drift_parent_key(CG_V1, "total_rss", &p.kv, ch, 2, &exp, &obs);
	tap_ok(!ret && exp == 25 && obs == 50,
	       "v1 total_rss: 20 + (missing) + local 5 = 25, observed 50 (%" PRId64 " vs %" PRId64
	       ")", exp, obs);
	/* v1: a local key is not hierarchical, nothing is added: 120 + 80 */
	ret = drift_parent_key(CG_V1, "cache", &p.kv, ch, 2, &exp, &obs);
	tap_ok(!ret && exp == 200 && obs == 100,
	       "v1 non-total key: 120 + 80 = 200, no local added, observed 100 (%" PRId64 ")",
	       exp);
	/* v2 adds no local value even for a total_ name: 3, not 3 + 5 */
	ret = drift_parent_key(CG_V2, "total_x", &p.kv, ch, 2, &exp, &obs);
	tap_ok(!ret && exp == 3 && obs == 10, "v2: 3, no local added (got %" PRId64 ")", exp);
	ret = drift_parent_key(CG_V1, "total_x", &p.kv, ch, 2, &exp, &obs);
	tap_ok(!ret && exp == 8, "v1: the same key is 3 + local x 5 = 8 (got %" PRId64 ")", exp);
	/* no children: only the local value */
	ret = drift_parent_key(CG_V1, "total_cache", &p.kv, NULL, 0, &exp, &obs);
	tap_ok(!ret && exp == 100 && obs == 300, "v1 without children: local 100 (got %" PRId64
	       ")", exp);
	/* the parent lacks the key */
	exp = obs = 4242;
	ret = drift_parent_key(CG_V1, "total_shmem", &p.kv, ch, 2, &exp, &obs);
	tap_ok(ret == -ENOENT && exp == 4242, "a key the parent lacks gives -ENOENT (ret %d)",
	       ret);
	ret = drift_parent_key(CG_V2, "anon", &p.kv, ch, 2, &exp, &obs);
	tap_ok(ret == -ENOENT, "v2 'anon' missing from the parent gives -ENOENT (ret %d)", ret);
	stat_release(&p);
	stat_release(&a);
	stat_release(&b);

	/* v2: anon 200 + 250 = 450 vs parent 500; negative child values are summed as is */
	stat_str(&p, "anon 500\nfile 10\n");
	stat_str(&a, "anon 200\nfile -4\n");
	stat_str(&b, "anon 250\nfile 20\n");
	ret = drift_parent_key(CG_V2, "anon", &p.kv, ch, 2, &exp, &obs);
	tap_ok(!ret && exp == 450 && obs == 500, "v2 anon: 200 + 250 = 450, observed 500");
	ret = drift_parent_key(CG_V2, "file", &p.kv, ch, 2, &exp, &obs);
	tap_ok(!ret && exp == 16 && obs == 10, "v2 file: -4 + 20 = 16 (got %" PRId64 ")", exp);
	stat_release(&p);
	stat_release(&a);
	stat_release(&b);
}

/*
 * Method: drift_parent_key on the parent and two children captured
 * together (fixtures v1/parent*-memory.stat). By hand from the files:
 *   total_cache = a 4194304 + b 2097152 + local cache 1081344 = 7372800
 *   total_rss   = a 8593408 + b 4395008 + local rss 2301952   = 15290368
 *   total_shmem = a 0 + b 2097152 + local 0                   = 2097152
 *   total_dirty = a 4194304 + b 0 + local 1048576             = 5242880
 * Pass: those expected values and the parent's observed ones; every v1 size
 * key exists in the real file and is within the bound for 3 cgroups.
 */
static void test_parent_fixture(void)
{
	static const struct {
		const char *key;
		int64_t expected, observed;
	} want[] = {
		{ "total_cache", 7372800, 7372800 },
		{ "total_rss", 15290368, 15290368 },
		{ "total_shmem", 2097152, 2097152 },
		{ "total_dirty", 5242880, 5242880 },
	};
	struct stat_buf p = { 0 }, a = { 0 }, b = { 0 };
	const struct kvlist *ch[2] = { &a.kv, &b.kv };
	const char *const *k;
	int64_t bound = drift_bound(FX_BATCH, FX_PAGE, FX_CPUS, 3), exp, obs, worst = 0;
	const char *bad = NULL;
	size_t i;
	int ret;

	ret = stat_load(&p, "v1/parent-memory.stat");
	ret = ret ? ret : stat_load(&a, "v1/parent-a-memory.stat");
	ret = ret ? ret : stat_load(&b, "v1/parent-b-memory.stat");
	tap_ok(!ret, "parent and children fixtures parse");
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		exp = obs = -1;
		ret = drift_parent_key(CG_V1, want[i].key, &p.kv, ch, 2, &exp, &obs);
		tap_ok(!ret && exp == want[i].expected && obs == want[i].observed,
		       "fixture %s: expected %" PRId64 " observed %" PRId64 " (got %" PRId64 " %"
		       PRId64 ")", want[i].key, want[i].expected, want[i].observed, exp, obs);
	}
	for (k = drift_size_keys(CG_V1); *k; k++) {
		struct drift_row r = { 0 };

		if (drift_parent_key(CG_V1, *k, &p.kv, ch, 2, &r.expected, &r.observed)) {
			bad = *k;
			break;
		}
		drift_finish(&r);
		if (r.abs_err > worst)
			worst = r.abs_err;
	}
	tap_ok(!bad, "every v1 size key is in the real memory.stat (missing: %s)",
	       bad ? bad : "none");
	tap_ok(worst <= bound, "worst parent-vs-children error %" PRId64 " <= bound %" PRId64,
	       worst, bound);
	stat_release(&p);
	stat_release(&a);
	stat_release(&b);
}

/*
 * Method: drift_root_key v1 on the root memory.stat and the /proc/vmstat
 * read right after it. By hand from the files:
 *   nr_inactive_file 11533 x 4096 = 47239168, total_inactive_file 47153152
 *   nr_active_anon     388 x 4096 =  1589248, total_active_anon    1576960
 * Pass: those numbers; every drift_vmstat_keys() key exists in both real
 * files; hand-made cases for page size, v2 naming and -ENOENT.
 */
static void test_root(void)
{
	struct stat_buf root = { 0 }, vm = { 0 };
	const char *const *k;
	int64_t exp = -1, obs = -1;
	const char *bad = NULL;
	struct drift_row r = { .check = DRIFT_ROOT_VS_VMSTAT };
	int ret;

	ret = stat_load(&root, "v1/root-memory.stat");
	ret = ret ? ret : stat_load(&vm, "vmstat/after-v1-root.vmstat");
	tap_ok(!ret, "root memory.stat and vmstat fixtures parse");
	ret = drift_root_key(CG_V1, "inactive_file", &root.kv, &vm.kv, 4096, &exp, &obs);
	tap_ok(!ret && exp == 47239168 && obs == 47153152,
	       "v1 root inactive_file: expected 11533 x 4096 = 47239168, observed 47153152 "
	       "(got %" PRId64 " %" PRId64 ")", exp, obs);
	r.expected = exp;
	r.observed = obs;
	drift_finish(&r);
	tap_ok(r.abs_err == 86016 && fabs(r.rel_err - 86016.0 / 47239168.0) < 1e-15,
	       "its error: 86016 bytes, %.6f relative", r.rel_err);
	ret = drift_root_key(CG_V1, "active_anon", &root.kv, &vm.kv, 4096, &exp, &obs);
	tap_ok(!ret && exp == 1589248 && obs == 1576960,
	       "v1 root active_anon: 388 x 4096 = 1589248 vs 1576960 (got %" PRId64 " %" PRId64
	       ")", exp, obs);
	for (k = drift_vmstat_keys(); *k; k++) {
		if (drift_root_key(CG_V1, *k, &root.kv, &vm.kv, 4096, &exp, &obs)) {
			bad = *k;
			break;
		}
	}
	tap_ok(!bad, "every vmstat key exists as nr_<key> and total_<key> (missing: %s)",
	       bad ? bad : "none");
	/* v2 spelling has no total_ prefix: on a v1 root it reads the local value */
	ret = drift_root_key(CG_V2, "inactive_file", &root.kv, &vm.kv, 4096, &exp, &obs);
	tap_ok(!ret && obs == 53248,
	       "v2 naming on the v1 root reads local inactive_file 53248 (got %" PRId64 ")", obs);
	stat_release(&root);
	stat_release(&vm);

	stat_str(&root, "inactive_file 131072\nactive_file 5\n");
	stat_str(&vm, "nr_inactive_file 2\n");
	ret = drift_root_key(CG_V2, "inactive_file", &root.kv, &vm.kv, 65536, &exp, &obs);
	tap_ok(!ret && exp == 131072 && obs == 131072, "v2, 64K pages: 2 x 65536 = 131072");
	ret = drift_root_key(CG_V2, "active_file", &root.kv, &vm.kv, 4096, &exp, &obs);
	tap_ok(ret == -ENOENT, "missing nr_active_file in vmstat gives -ENOENT (ret %d)", ret);
	stat_release(&root);
	stat_release(&vm);
}

/*
 * Method: drift_finish on worked examples.
 * Pass: abs_err = |observed - expected|, rel_err = abs_err / |expected|,
 * rel_err 0 when expected is 0.
 */
static void test_finish(void)
{
	static const struct {
		int64_t expected, observed, abs;
		double rel;
	} c[] = {
		{ 100, 110, 10, 0.1 },
		{ 100, 90, 10, 0.1 },		/* observed below expected */
		{ 0, 5, 5, 0 },			/* expected 0: no relative error */
		{ 0, 0, 0, 0 },
		{ 0, -7, 7, 0 },
		{ -200, 100, 300, 1.5 },	/* negative expected: relative to |expected| */
		{ 1LL << 40, 0, 1LL << 40, 1.0 },
		{ 4096, 4096, 0, 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct drift_row r = { .expected = c[i].expected, .observed = c[i].observed,
				       .abs_err = -1, .rel_err = -1 };

		drift_finish(&r);
		tap_ok(r.abs_err == c[i].abs && fabs(r.rel_err - c[i].rel) < 1e-12,
		       "drift_finish(expected %" PRId64 ", observed %" PRId64 "): abs %" PRId64
		       " rel %g (got %" PRId64 " %g)", c[i].expected, c[i].observed, c[i].abs,
		       c[i].rel, r.abs_err, r.rel_err);
	}
}

/* Method: every check and an out-of-range one. Pass: the names the TSV uses, "?". */
static void test_names(void)
{
	tap_ok(!strcmp(drift_check_name(DRIFT_CURRENT_VS_STAT), "current-vs-stat") &&
	       !strcmp(drift_check_name(DRIFT_PARENT_VS_CHILDREN), "parent-vs-children") &&
	       !strcmp(drift_check_name(DRIFT_ROOT_VS_VMSTAT), "root-vs-vmstat") &&
	       !strcmp(drift_check_name(DRIFT_AFTER_DELETION), "after-deletion"),
	       "drift_check_name spells every check");
	tap_ok(!strcmp(drift_check_name(DRIFT_NR_CHECKS), "?") &&
	       !strcmp(drift_check_name((enum drift_check)99), "?"),
	       "drift_check_name of an unknown check is \"?\"");
}

/*
 * Method: the key tables. Pass: v1 keys are all hierarchical total_* keys,
 * v2 keys never are, both NULL-terminated with no duplicates.
 */
static void test_key_tables(void)
{
	const char *const *k, *const *j;
	bool ok1 = true, ok2 = true, dup = false;
	size_t n1 = 0, n2 = 0;

	for (k = drift_size_keys(CG_V1); *k; k++, n1++)
		ok1 &= !strncmp(*k, "total_", 6);
	for (k = drift_size_keys(CG_V2); *k; k++, n2++)
		ok2 &= !!strncmp(*k, "total_", 6);
	for (k = drift_size_keys(CG_V2); *k; k++)
		for (j = k + 1; *j; j++)
			dup |= !strcmp(*k, *j);
	tap_ok(ok1 && ok2 && n1 >= 10 && n2 >= 10 && !dup,
	       "v1 size keys (%zu) are total_*, v2 keys (%zu) are not, no duplicates", n1, n2);
}

/*
 * Method: the v2 files captured in a 6.1.192 guest with 2 CPUs. By hand:
 *   child total = anon 0 + file 16928768 + kernel 65536 + sock 0 = 16994304,
 *     its memory.current 17113088 is 118784 above: within 64 x 4096 x 2 x 1;
 *   without the "kernel" line (the pre-5.18 formula) the same file gives
 *     0 + 16928768 + kernel_stack 0 + pagetables 0 + percpu 0 + slab 65624
 *     + 0 = 16994392;
 *   root inactive_file 385024 = nr_inactive_file 94 x 4096;
 *   root active_anon 8192 vs nr_active_anon 1 x 4096 = 4096.
 * Pass: those numbers; every v2 size key and vmstat key is in the real files.
 */
static void test_v2_fixture(void)
{
	struct stat_buf c = { 0 }, nok = { 0 }, root = { 0 }, vm = { 0 };
	struct drift_row r = { .check = DRIFT_CURRENT_VS_STAT };
	const char *const *k, *bad = NULL, *what = NULL, *line, *nl;
	uint64_t current = 0;
	int64_t exp = -1, obs = -1;
	char *p;
	int ret;

	ret = stat_load(&c, "v2/child-memory.stat");
	p = xasprintf("%s/v2/child-memory.current", FIXTURES);
	ret = ret ? ret : read_u64_file(p, &current);
	free(p);
	tap_ok(!ret && current == 17113088, "v2 child fixture parses, memory.current 17113088");
	r.observed = drift_stat_total(CG_V2, &c.kv, 0, &what);
	tap_ok(r.observed == 16994304 && what && !strcmp(what, "anon + file + kernel + sock"),
	       "v2 child total: 0 + 16928768 + 65536 + 0 = 16994304 (got %" PRId64 ", %s)",
	       r.observed, what ? what : "(null)");
	r.expected = (int64_t)current;
	r.bound = drift_bound(FX_BATCH, FX_PAGE, FX_CPUS, 1);
	drift_finish(&r);
	tap_ok(r.abs_err == 118784 && r.abs_err <= r.bound,
	       "memory.current - total = 118784 <= bound %" PRId64 " (got %" PRId64 ")",
	       r.bound, r.abs_err);

	/* the same real file as a pre-5.18 kernel would print it: no "kernel" line */
	sb_init(&nok.sb);
	kvlist_init(&nok.kv);
	for (line = c.sb.buf; !ret && *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		if (strncmp(line, "kernel ", 7))
			sb_add(&nok.sb, line, nl + 1 - line);
	}
	ret = ret ? ret : sb_parse(&nok);
	exp = drift_stat_total(CG_V2, &nok.kv, 0, &what);
	tap_ok(!ret && nok.kv.n + 1 == c.kv.n && exp == 16994392 &&
	       !strcmp(what, "anon + file + kernel_stack + pagetables + percpu + slab + sock"),
	       "without 'kernel': the fallback gives 16994392 (got %" PRId64 ")", exp);
	for (k = drift_size_keys(CG_V2); !ret && *k; k++)
		if (!kv_has(&c.kv, *k)) {
			bad = *k;
			break;
		}
	tap_ok(!ret && !bad, "every v2 size key is in the 6.1 memory.stat (missing: %s)",
	       bad ? bad : "none");

	ret = stat_load(&root, "v2/root-memory.stat");
	ret = ret ? ret : stat_load(&vm, "v2/proc-vmstat");
	ret = ret ? ret : drift_root_key(CG_V2, "inactive_file", &root.kv, &vm.kv, 4096,
					 &exp, &obs);
	tap_ok(!ret && exp == 385024 && obs == 385024,
	       "v2 root inactive_file: 94 x 4096 = 385024, observed 385024 (got %" PRId64 " %"
	       PRId64 ")", exp, obs);
	ret = ret ? ret : drift_root_key(CG_V2, "active_anon", &root.kv, &vm.kv, 4096,
					 &exp, &obs);
	tap_ok(!ret && exp == 4096 && obs == 8192,
	       "v2 root active_anon: 1 x 4096 = 4096, observed 8192 (got %" PRId64 " %" PRId64
	       ")", exp, obs);
	bad = NULL;
	for (k = drift_vmstat_keys(); !ret && *k; k++)
		if (drift_root_key(CG_V2, *k, &root.kv, &vm.kv, 4096, &exp, &obs)) {
			bad = *k;
			break;
		}
	tap_ok(!ret && !bad, "v2 root-vs-vmstat finds every key (missing: %s)",
	       bad ? bad : "none");
	stat_release(&c);
	stat_release(&nok);
	stat_release(&root);
	stat_release(&vm);
}

/*
 * drift_window_expected: memory.current read before and after the stat.
 * Method: hand cases. Pass: inside the window the error is 0; outside it
 * is the distance to the nearer end; the window is |after - before|.
 */
static void test_window(void)
{
	int64_t w, e;

	tap_ok(drift_default_batch("6.1.192") == 64 && drift_default_batch("6.18.44-fc") == 64 &&
	       drift_default_batch("5.15.0-91-generic") == 32 && drift_default_batch("7.0") == 64 &&
	       drift_default_batch("4.19.0") == 32 && drift_default_batch("x") == 64,
	       "MEMCG_CHARGE_BATCH by release: 64 from 6.0, 32 before");
	e = drift_window_expected(150, 100, 200, &w);
	tap_ok(e == 150 && w == 100, "inside the window: expected = observed (%lld, w %lld)",
	       (long long)e, (long long)w);
	e = drift_window_expected(250, 200, 100, &w);
	tap_ok(e == 200 && w == 100, "above a falling window: the upper end (%lld)", (long long)e);
	e = drift_window_expected(40, 100, 200, &w);
	tap_ok(e == 100, "below the window: the lower end (%lld)", (long long)e);
	e = drift_window_expected(40, 100, 100, &w);
	tap_ok(e == 100 && w == 0, "no movement: plain expected (%lld, w %lld)", (long long)e,
	       (long long)w);
}

int main(void)
{
	tap_plan(4 + 5 + 6 + 10 + 7 + 8 + 8 + 2 + 1 + 8 + 5);
	test_window();
	test_bound();
	test_total_v1();
	test_total_v2();
	test_parent_hand();
	test_parent_fixture();
	test_root();
	test_finish();
	test_names();
	test_key_tables();
	test_v2_fixture();
	return tap_done();
}
