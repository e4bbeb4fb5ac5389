// SPDX-License-Identifier: GPL-2.0
/*
 * t-insn.c - the instruction-count plugin's marker encoding, and the host side
 * of its output: insn.raw and System.map parsing, symbol resolution, the
 * result tables.
 * Fixtures (tests/fixtures/insn/README says how each was captured): a
 * System.map of the 6.1 smoke kernel and the insn.raw of a real boot of it
 * under the plugin (tests/helpers/insn-guest as init).
 */
#include "insn-marker.h"
#include "insn.h"
#include "tap.h"
#include "tsv.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static char tmpdir[] = "/tmp/t-insn.XXXXXX";

static void marked(void)
{
	PB_MARK(PB_MARK_TICK);
	PB_MARK(PB_MARK_READ_END);
}

/* Method: find the marker bytes the macro emits in a compiled function; decode them. */
static void test_marker(void)
{
	const unsigned char *p = (const unsigned char *)marked;
	int kinds[2] = { 0, 0 }, n = 0;
	size_t i;
	unsigned char other[8] = { 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 };
	unsigned char unknown[8] = { 0x0f, 0x1f, 0x84, 0x00, 0x0d, 0x00, 0x42, 0x50 };

	for (i = 0; i < 64 && n < 2; i++)
		if (pb_mark_decode(p + i, PB_MARK_LEN))
			kinds[n++] = pb_mark_decode(p + i, PB_MARK_LEN);
	tap_ok(n == 2 && kinds[0] == PB_MARK_TICK && kinds[1] == PB_MARK_READ_END,
	       "PB_MARK emits what pb_mark_decode reads (%d, %d)", kinds[0], kinds[1]);
	tap_ok(!pb_mark_decode(other, 8), "the kernel's own 8-byte NOP (disp 0) is no marker");
	tap_ok(!pb_mark_decode(unknown, 8), "an unknown kind with the magic is no marker");
	tap_ok(!pb_mark_decode(p, 7) && !pb_mark_decode(other, 9), "only 8-byte instructions");
}

static int load_fixture(const char *name, struct strbuf *sb)
{
	char *p = xasprintf("%s/insn/%s", FIXTURES, name);
	int ret = read_file(p, sb);

	free(p);
	return ret;
}

/* Method: a captured System.map; known symbols at their addresses, data symbols dropped. */
static void test_ksyms(struct ksyms *ks)
{
	struct strbuf sb = STRBUF_INIT;
	const struct ksym *k;
	char err[256] = "";
	int ret;

	ret = load_fixture("System.map", &sb) ? -1 : ksyms_parse(ks, sb.buf, sb.len, err,
								   sizeof(err));
	tap_ok(!ret && ks->n > 500, "System.map: %zu text symbols (%s)", ks->n, ret ? err : "ok");
	k = ret ? NULL : ksyms_find(ks, ks->v[0].addr);
	tap_ok(k && k == &ks->v[0], "the first symbol's own address finds it");
	k = ret ? NULL : ksyms_find(ks, ks->v[0].addr - 1);
	tap_ok(!ret && !k, "below the first symbol: none");
	{
		size_t i;
		bool sorted = !ret, mid_ok = !ret;

		for (i = 1; !ret && i < ks->n; i++) {
			if (ks->v[i - 1].addr >= ks->v[i].addr)
				sorted = false;
			/* an address inside a symbol finds that symbol */
			if (ks->v[i].addr - ks->v[i - 1].addr > 1 &&
			    ksyms_find(ks, ks->v[i].addr - 1) != &ks->v[i - 1])
				mid_ok = false;
		}
		tap_ok(sorted, "strictly increasing addresses (aliases merged)");
		tap_ok(mid_ok, "every address inside a symbol resolves to it");
	}
	sb_release(&sb);
	ret = ksyms_parse(&(struct ksyms){ 0 }, "ffffffff81000000 T\n", 19, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "line 1"), "a line without a name: '%s'", err);
	ret = ksyms_parse(&(struct ksyms){ 0 }, "ffffffff81000000 D data\n", 24, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "no text symbols"), "data only: '%s'", err);
}

/* Method: the captured insn.raw of a boot with LOOPS = 1000000 and 10 reads. */
static void test_raw(const struct ksyms *ks)
{
	struct strbuf sb = STRBUF_INIT;
	struct insn_raw r = { 0 };
	struct insn_sym *s = NULL;
	size_t n = 0, i;
	char err[256] = "";
	uint64_t sum = 0;
	double share = 0;
	int ret;

	ret = load_fixture("insn.raw", &sb) ? -1 : insn_raw_parse(&r, sb.buf, sb.len, err,
								    sizeof(err));
	tap_ok(!ret && r.window == INSN_WIN_COMPLETE && r.nvcpu == 2,
	       "insn.raw: complete window, 2 vCPUs (%s)", ret ? err : "ok");
	tap_ok(!ret && r.nreads == 10 && r.nticks == 10, "10 reads and 10 ticks (%zu, %zu)",
	       ret ? 0 : r.nreads, ret ? 0 : r.nticks);
	for (i = 0; !ret && i < r.nreads; i++)
		if (!r.reads[i].valid || r.reads[i].kern < 500 || r.reads[i].seq != i + 1)
			break;
	tap_ok(!ret && i == r.nreads, "every read counted on one vCPU, in order, > 500 kernel "
	       "instructions each");
	tap_ok(!ret && r.user[0] + r.user[1] >= 2000001 && r.user[0] + r.user[1] < 2100000,
	       "user instructions: the 2 * 1000000 + 1 of the loop and little else (%llu)",
	       ret ? 0ULL : (unsigned long long)(r.user[0] + r.user[1]));
	if (!ret)
		for (i = 0; i < r.nsegs; i++)
			sum += r.segs[i].insns;
	tap_ok(!ret && sum == insn_raw_kernel_total(&r),
	       "kernel segments add up to the kernel totals (%llu)", (unsigned long long)sum);
	ret = ret ? ret : insn_symbols(&r, ks, &s, &n);
	for (i = 0; !ret && i < n; i++)
		share += s[i].share;
	tap_ok(!ret && n > 10 && fabs(share - 100) < 1e-6 && s[0].insns >= s[n - 1].insns,
	       "%zu symbols, shares add up to 100%%, most first (%s)", n, n ? s[0].name : "-");
	for (i = 0; !ret && i < n; i++)
		if (strstr(s[i].name, ".isra") || strstr(s[i].name, ".constprop"))
			break;
	tap_ok(!ret && i == n, "clone suffixes are folded into their function");
	if (!ret) {
		struct tsv t;

		/* a readlat.tsv of the run's shape: reads 1..10 of memory.stat, one other file */
		{
			struct strbuf rl = STRBUF_INIT;
			char *p = xasprintf("%s/readlat.tsv", tmpdir);

			sb_adds(&rl, "t_ms\tcgroup\tlevel\tfile\tlatency_ns\tbytes\tread\n");
			for (i = 1; i <= 10; i++)
				sb_addf(&rl, "%zu\tkernelbuild\t1\tmemory.stat\t5000\t900\t%zu\n",
					i * 1000, i);
			sb_adds(&rl, "11000\tkernelbuild\t1\tmemory.current\t900\t8\t0\n");
			write_atomic(p, rl.buf, rl.len);
			free(p);
			sb_release(&rl);
		}
		ret = insn_write_results(tmpdir, &r, s, n);
		tap_ok(!ret, "insn.tsv, insn-symbols.tsv, insn-reads.tsv written");
		{
			char *p = xasprintf("%s/readlat.tsv", tmpdir);
			int c = -1;
			bool same = false;

			if (!tsv_load(&t, p, err, sizeof(err))) {
				c = tsv_col(&t, "insn");
				same = c == 7 && t.nrows == 11 && !*tsv_get(&t, 10, c);
				for (i = 0; same && i < 10; i++)
					same = tsv_get_num(&t, i, c) == (double)r.reads[i].kern;
				tsv_release(&t);
			}
			tap_ok(same, "readlat.tsv gets an insn column: each read's kernel "
			       "instructions, empty for another file");
			free(p);
		}
		{
			char *p = xasprintf("%s/insn-symbols.tsv", tmpdir);

			ret = tsv_load(&t, p, err, sizeof(err));
			free(p);
		}
		tap_ok(!ret && t.nrows == n && tsv_col(&t, "share_pct") == 2,
		       "insn-symbols.tsv: one row per symbol, share_pct column");
		if (!ret)
			tsv_release(&t);
	} else {
		tap_ok(0, "results written");
		tap_ok(0, "insn-symbols.tsv read back");
	}
	insn_syms_free(s, n);
	insn_raw_release(&r);
	sb_release(&sb);
}

/*
 * "spin" rows (kernel wait-loop turns the plugin took out of the counts): kept
 * per vCPU, out of the kernel total, and written as insn.tsv "spin" rows.
 */
static void test_raw_spin(void)
{
	static const char in[] = "pb-insn\t1\nvcpus\t2\nwindow\tcomplete\nwindow_ns\t2000000\n"
				 "total\t0\t100\t5\ntotal\t1\t200\t6\nspin\t0\t0\nspin\t1\t4000\n"
				 "seg\tffffffff81000000\t300\n";
	char *dir = xasprintf("%s/spin", tmpdir), *p = xasprintf("%s/insn.tsv", dir), err[256] = "";
	struct insn_raw r;
	struct tsv t;
	size_t i, n = 0;
	double spin = 0;
	int ret = insn_raw_parse(&r, in, strlen(in), err, sizeof(err));

	tap_ok(!ret && r.have_spin && r.spin[0] == 0 && r.spin[1] == 4000 &&
	       insn_raw_kernel_total(&r) == 300, "spin rows: per vCPU, not in the kernel total (%s)",
	       ret ? err : "ok");
	mkdir_p(dir, 0755);
	if (!ret)
		ret = insn_write_results(dir, &r, NULL, 0);
	if (!ret)
		ret = tsv_load(&t, p, err, sizeof(err));
	if (!ret) {
		for (i = 0; i < t.nrows; i++)
			if (!strcmp(tsv_get(&t, i, 0), "spin")) {
				n++;
				spin += tsv_get_num(&t, i, tsv_col(&t, "kernel_insns"));
			}
		tsv_release(&t);
	}
	tap_ok(!ret && n == 2 && spin == 4000, "insn.tsv: a 'spin' row per vCPU (%zu, %.0f)", n,
	       spin);
	insn_raw_release(&r);
	free(p);
	free(dir);
}

/*
 * "work" rows (page-fault's marked work, per vCPU): parsed, and written as
 * insn-work.tsv with a total row; a vCPU without a row has none there.
 */
static void test_raw_work(void)
{
	static const char in[] = "pb-insn\t1\nvcpus\t3\nwindow\tcomplete\nwindow_ns\t2000000\n"
				 "total\t0\t100\t5\ntotal\t1\t200\t6\ntotal\t2\t7\t0\n"
				 "work\t0\t90\t4\t30\t0\t0\t11\nwork\t2\t7\t1\t1\t1\t2\t0\n"
				 "irq\t0\t40\t2\nirq\t1\t0\t0\nirq\t2\t3\t0\n";
	char *dir = xasprintf("%s/work", tmpdir), *p = xasprintf("%s/insn-work.tsv", dir);
	char err[256] = "";
	struct insn_raw r;
	struct tsv t;
	int ret = insn_raw_parse(&r, in, strlen(in), err, sizeof(err));

	tap_ok(!ret && r.have_work && r.work[0].seen && !r.work[1].seen && r.work[0].kern == 90 &&
	       r.work[0].ops == 30 && r.work[2].open == 1 && r.work[2].unmatched == 2 &&
	       r.work[0].irq == 11 && r.have_irq && r.irq_kern[0] == 40 && r.irq_user[0] == 2,
	       "work rows: per vCPU, kernel, user, ops, open, unmatched, irq (%s)", ret ? err : "ok");
	mkdir_p(dir, 0755);
	if (!ret)
		ret = insn_write_results(dir, &r, NULL, 0);
	if (!ret)
		ret = tsv_load(&t, p, err, sizeof(err));
	tap_ok(!ret && t.nrows == 3 && !strcmp(tsv_get(&t, 0, 0), "0") &&
	       !strcmp(tsv_get(&t, 1, 0), "2") && !strcmp(tsv_get(&t, 2, 0), "total") &&
	       tsv_get_num(&t, 2, tsv_col(&t, "kernel_insns")) == 97 &&
	       tsv_get_num(&t, 2, tsv_col(&t, "ops")) == 31 &&
	       tsv_get_num(&t, 2, tsv_col(&t, "open")) == 1 &&
	       tsv_get_num(&t, 2, tsv_col(&t, "irq_insns")) == 11,
	       "insn-work.tsv: vCPUs 0 and 2, then a total (97 insns, 31 ops, 1 open, 11 irq) (%s)",
	       ret ? err : "ok");
	if (!ret)
		tsv_release(&t);
	insn_raw_release(&r);
	free(p);
	free(dir);
}

/* Method: what the plugin would not write is refused with the line named. */
static void test_raw_bad(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "", "cut short" },
		{ "pb-insn\t2\nvcpus\t1\n", "line 1" },
		{ "pb-insn\t1\nvcpus\t0\n", "line 2" },
		{ "pb-insn\t1\nvcpus\t1\ntotal\t1\t5\t5\n", "line 3: bad 'total'" },
		{ "pb-insn\t1\nvcpus\t2\ntick\t0\t10\t1\t1\n", "line 3: bad 'tick' row" },
		{ "pb-insn\t1\nvcpus\t1\nread\t1\t0\t-5\t3\n", "line 3: bad 'read'" },
		{ "pb-insn\t1\nvcpus\t1\nseg\tzz\t3\n", "line 3: bad 'seg'" },
		{ "pb-insn\t1\nvcpus\t1\nspin\t1\t5\n", "line 3: bad 'spin'" },
		{ "pb-insn\t1\nvcpus\t1\nwindow\thalf\n", "line 3: bad 'window'" },
		{ "pb-insn\t1\nvcpus\t1\nwork\t1\t5\t0\t1\t0\t0\t0\n", "line 3: bad 'work'" },
		{ "pb-insn\t1\nvcpus\t1\nirq\t0\t5\n", "line 3: bad 'irq'" },
		{ "pb-insn\t1\nvcpus\t1\nwork\t0\t5\t0\t1\t0\t0\n", "line 3: bad 'work'" },
		{ "pb-insn\t1\nvcpus\t1\nwork\t0\t5\t0\t1\t0\t0\t0\nwork\t0\t5\t0\t1\t0\t0\t0\n",
		  "line 4: bad 'work'" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct insn_raw r;
		char err[256] = "";
		int ret = insn_raw_parse(&r, cases[i].in, strlen(cases[i].in), err, sizeof(err));

		tap_ok(ret == -EINVAL && strstr(err, cases[i].want), "bad insn.raw %zu: '%s'", i, err);
		insn_raw_release(&r);
	}
}

int main(void)
{
	struct ksyms ks = { 0 };

	if (!mkdtemp(tmpdir))
		return tap_skip_all("cannot create a temporary directory");
	tap_plan(4 + 7 + 10 + 13 + 2 + 2);
	test_marker();
	test_ksyms(&ks);
	test_raw(&ks);
	test_raw_bad();
	test_raw_spin();
	test_raw_work();
	ksyms_release(&ks);
	remove_tree(tmpdir);
	return tap_done();
}
