// SPDX-License-Identifier: GPL-2.0
/*
 * t-tap.c - unit tests for the TAP parser of analysis/metrics.c (tap_parse,
 * metrics_tap_line, tap_doc_print_failures, the selftest metrics) on selftests.tap
 * captured from a 6.1.192 guest (tests/fixtures/results/selftests-vanilla:
 * test_kmem below the overlay root, all ok; test_memcontrol, 12 of its 14
 * subtests not ok, one with a line printed on stderr before it; and
 * results/selftests-vanilla-ext2, the same after the harness fixes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "tap.h"
#include "util.h"

#define RUN FIXTURES "/results/selftests-vanilla"

static int count_status(const struct tap_doc *d, int depth, int status)
{
	size_t i;
	int n = 0;

	for (i = 0; i < d->n; i++)
		n += d->t[i].depth == depth && d->t[i].status == status;
	return n;
}

/*
 * Method: parse the captured file. Pass: every result in order and at its
 * nesting depth (two programs at depth 0, their 6 + 14 subtests at depth
 * 1), the directive of a failed program, a SKIP named by its directive, the
 * stderr line before test_memcg_reclaim's "not ok" as its diagnostic and
 * no diagnostics where the test printed none, patchbench's notes apart.
 */
static void test_parse(const struct strbuf *sb)
{
	const struct tap_test *t, *kmem, *mc, *basic, *reclaim, *skip;
	struct tap_doc d;

	tap_parse(sb->buf, sb->len, &d);
	tap_ok(d.n == 22, "22 results: 2 programs and 6 + 14 subtests (got %zu)", d.n);
	kmem = tap_doc_find(&d, "selftests: cgroup: test_kmem");
	mc = tap_doc_find(&d, "selftests: cgroup: test_memcontrol");
	tap_ok(kmem && kmem->depth == 0 && kmem->status == TAP_OK && !kmem->directive && mc &&
	       mc->depth == 0 && mc->status == TAP_NOT_OK && mc->directive &&
	       !strcmp(mc->directive, "exit=1"),
	       "the programs' own results at depth 0: test_kmem ok, test_memcontrol not ok # %s",
	       mc && mc->directive ? mc->directive : "(none)");
	basic = tap_doc_find(&d, "test_kmem_basic");
	tap_ok(basic && basic->depth == 1 && basic->status == TAP_OK && basic->ndiag == 0 &&
	       basic == &d.t[0], "test_kmem_basic: the first result, ok, depth 1, no diagnostics");
	tap_ok(count_status(&d, 1, TAP_OK) == 7 && count_status(&d, 1, TAP_NOT_OK) == 12 &&
	       count_status(&d, 1, TAP_SKIP) == 1,
	       "subtests: 7 ok (6 of test_kmem), 12 not ok, 1 skip (got %d/%d/%d)",
	       count_status(&d, 1, TAP_OK), count_status(&d, 1, TAP_NOT_OK),
	       count_status(&d, 1, TAP_SKIP));
	skip = tap_doc_find(&d, "test_memcg_swap_max");
	tap_ok(skip && skip->status == TAP_SKIP && skip->directive &&
	       !strcmp(skip->directive, "SKIP test_memcg_swap_max"),
	       "'ok 10 # SKIP test_memcg_swap_max' is test_memcg_swap_max, skipped");
	reclaim = tap_doc_find(&d, "test_memcg_reclaim");
	tap_ok(reclaim && reclaim->status == TAP_NOT_OK && reclaim->ndiag == 1 &&
	       !strcmp(reclaim->diag[0], "failed to allocate 52428800 for memcg reclaim test") &&
	       !reclaim->diag[1], "test_memcg_reclaim's diagnostic: '%s'",
	       reclaim && reclaim->ndiag ? reclaim->diag[0] : "(none)");
	t = tap_doc_find(&d, "test_memcg_max");
	tap_ok(t && t->status == TAP_NOT_OK && t->ndiag == 0 && t->depth == 1,
	       "test_memcg_max: not ok with nothing printed before it");
	tap_ok(d.nnotes == 3 && !strncmp(d.notes[0], "root overlay (", 14) &&
	       !strcmp(d.notes[1], "test_kmem ran 195.4s") &&
	       !strcmp(d.notes[2], "test_memcontrol ran 19.2s") && kmem && kmem->ndiag == 0,
	       "patchbench's notes: the root and each program's time, not diagnostics (%zu)",
	       d.nnotes);
	tap_doc_release(&d);
	tap_ok(d.n == 0 && !d.t && !d.notes, "tap_doc_release empties the doc");
}

/*
 * Method: metrics_tap_line on lines of the captured file; then the
 * selftest metrics of the captured run. Pass: nested lines parse, a SKIP
 * without a description is named, plan and comment lines are not results;
 * per test 1/0 with the skipped one left out.
 */
static void test_line_and_metrics(void)
{
	char l1[] = "# ok 10 # SKIP test_memcg_swap_max", l2[] = "# not ok 2 test_memcg_current",
	     l3[] = "# 1..14", l4[] = "# selftests: cgroup: test_kmem", *desc = NULL;
	const struct metric *m1, *m2, *m3;
	struct run_summary s;
	struct metric_set ms;
	char err[512] = "";
	int st1, ret;

	st1 = metrics_tap_line(l1, &desc);
	tap_ok(st1 == TAP_SKIP && desc && !strcmp(desc, "test_memcg_swap_max"),
	       "metrics_tap_line: '# ok 10 # SKIP test_memcg_swap_max' is a named skip");
	tap_ok(metrics_tap_line(l2, &desc) == TAP_NOT_OK && !strcmp(desc, "test_memcg_current") &&
	       metrics_tap_line(l3, &desc) < 0 && metrics_tap_line(l4, &desc) < 0,
	       "metrics_tap_line: a nested not ok; a plan and a header are no results");
	ret = metrics_extract(RUN, &s, &ms, err, sizeof(err));
	m1 = ret ? NULL : metric_set_find(&ms, "selftest:test_kmem_basic");
	m2 = ret ? NULL : metric_set_find(&ms, "selftest:test_memcg_current");
	m3 = ret ? NULL : metric_set_find(&ms, "selftest:test_memcg_swap_max");
	tap_ok(!ret && m1 && m1->value == 1 && m2 && m2->value == 0 && !m3 &&
	       m1->better == MB_HIGHER, "selftest metrics: basic 1, memcg_current 0, the skip left "
	       "out (%s)", ret ? err : "ok");
	run_summary_release(&s);
	metric_set_release(&ms);
}

/*
 * Method: tap_doc_print_failures on the captured file, then on TAP put
 * together by hand from the values test_kmem_memcg_deletion printed in a
 * real vanilla guest (t-75's output, 2026-12-01; its selftests.tap was not
 * kept). Pass: each "not ok" with its diagnostics or "(the test printed
 * nothing before it)", the program's directive, the ok tests left out,
 * and memory.current against the sum of the stat items, 72 columns.
 */
static void test_failures(const struct strbuf *sb)
{
	static const char kmem[] =
		"TAP version 13\n1..1\n# selftests: cgroup: test_kmem\n# TAP version 13\n# 1..6\n"
		"# ok 1 test_kmem_basic\n# memory.current = 4083712\n"
		"# slab + anon + file + kernel_stack = 3415888\n# slab = 3409136\n# anon = 0\n"
		"# not ok 2 test_kmem_memcg_deletion\n"
		"not ok 1 selftests: cgroup: test_kmem # exit=1\n";
	struct tap_doc d;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	tap_parse(sb->buf, sb->len, &d);
	f = open_memstream(&buf, &len);
	tap_doc_print_failures(f, &d, "vanilla");
	fclose(f);
	tap_ok(strstr(buf, "vanilla: test_memcg_reclaim not ok\n"
			   "    failed to allocate 52428800 for memcg reclaim test\n") &&
	       strstr(buf, "vanilla: test_memcg_max not ok\n"
			   "    (the test printed nothing before it)\n") &&
	       strstr(buf, "vanilla: test_memcontrol not ok # exit=1\n") &&
	       !strstr(buf, "test_kmem") && !strstr(buf, "swap_max"),
	       "failures of the captured run, each with what it printed");
	free(buf);
	tap_doc_release(&d);
	tap_parse(kmem, strlen(kmem), &d);
	tap_ok(tap_diag_value(tap_doc_find(&d, "test_kmem_memcg_deletion"), "memory.current") ==
	       4083712, "tap_diag_value: memory.current = 4083712");
	buf = NULL;
	f = open_memstream(&buf, &len);
	tap_doc_print_failures(f, &d, "vanilla");
	fclose(f);
	tap_ok(strstr(buf, "vanilla: test_kmem_memcg_deletion not ok\n"
			   "    memory.current = 4083712\n") &&
	       strstr(buf, "    memory.current 3.9M, the stat items' sum 3.3M (652.2K apart)\n"),
	       "memory.current against the sum of the stat items, 652.2K apart");
	free(buf);
	tap_doc_release(&d);
}

/*
 * Method: the capture of the same boot after the harness fixes
 * (results/selftests-vanilla-ext2: the selftests built with their Makefile's
 * flags, an ext2 on zram as their cwd, cgroup2 without memory_recursiveprot,
 * lo up). Pass: test_memcontrol and its 13 subtests ok and swap_max SKIP;
 * test_kmem not ok on test_kmem_memcg_deletion alone, with the values it
 * printed as diagnostics and the memory.current vs stat sum line; the three
 * notes of patchbench (root, cgroup2 flags, cwd) before the programs' times.
 */
static void test_ext2_capture(void)
{
	struct strbuf sb = STRBUF_INIT;
	const struct tap_test *mc, *del;
	struct tap_doc d;
	char *buf = NULL;
	size_t len = 0, i;
	int sub_ok = 0, sub_skip = 0, sub_bad = 0;
	FILE *f;

	if (read_file(FIXTURES "/results/selftests-vanilla-ext2/selftests.tap", &sb)) {
		tap_ok(0, "selftests-vanilla-ext2/selftests.tap read");
		tap_ok(0, "test_kmem_memcg_deletion's diagnostics");
		tap_ok(0, "notes");
		return;
	}
	tap_parse(sb.buf, sb.len, &d);
	mc = tap_doc_find(&d, "selftests: cgroup: test_memcontrol");
	for (i = 0; i < d.n; i++)
		if (d.t[i].depth == 1 && strncmp(d.t[i].name, "test_memcg_", 11) == 0) {
			sub_ok += d.t[i].status == TAP_OK;
			sub_skip += d.t[i].status == TAP_SKIP;
			sub_bad += d.t[i].status == TAP_NOT_OK;
		}
	tap_ok(d.n == 22 && mc && mc->status == TAP_OK && sub_ok == 13 && sub_skip == 1 &&
	       sub_bad == 0, "test_memcontrol ok: 13 subtests ok, swap_max SKIP (%d/%d/%d)",
	       sub_ok, sub_skip, sub_bad);
	del = tap_doc_find(&d, "test_kmem_memcg_deletion");
	f = open_memstream(&buf, &len);
	tap_doc_print_failures(f, &d, "vanilla");
	fclose(f);
	tap_ok(del && del->status == TAP_NOT_OK && del->ndiag == 9 &&
	       !strcmp(del->diag[0], "memory.current = 4182016") &&
	       count_status(&d, 1, TAP_NOT_OK) == 1 &&
	       strstr(buf, "    memory.current 4.0M, the stat items' sum 3.3M (753.6K apart)\n"),
	       "test_kmem_memcg_deletion alone not ok, its 9 printed lines and the sum line");
	tap_ok(d.nnotes == 5 && !strncmp(d.notes[0], "root overlay (", 14) &&
	       !strncmp(d.notes[1], "cgroup2 without memory_recursiveprot", 36) &&
	       !strncmp(d.notes[2], "cwd ext2 on /dev/zram0", 22) &&
	       !strcmp(d.notes[3], "test_kmem ran 93.5s") &&
	       !strcmp(d.notes[4], "test_memcontrol ran 13.8s"),
	       "patchbench's notes: root, cgroup2 flags, cwd, the times (%zu)", d.nnotes);
	free(buf);
	tap_doc_release(&d);
	sb_release(&sb);
}

int main(void)
{
	struct strbuf sb = STRBUF_INIT;
	int ret;

	ret = read_file(RUN "/selftests.tap", &sb);
	if (ret)
		return tap_skip_all("no captured selftests.tap fixture");
	tap_plan(15 + 3);
	test_parse(&sb);
	test_line_and_metrics();
	test_failures(&sb);
	test_ext2_capture();
	sb_release(&sb);
	return tap_done();
}
