// SPDX-License-Identifier: GPL-2.0
/*
 * t-reproduce.c - unit tests for analysis/repro.c, the analysis of
 * "patchbench reproduce": table 1's TAP cells and drift states, table 3's
 * root-vs-vmstat errors during and after the build, the read-cost points
 * and verdicts, each kernel's verdict against what it must show.
 *
 * Real data: tests/fixtures/golden/repro is a reproduction directory
 * (readcost/<kernel>/<i>, runs/<kernel>/<i>, selftests/vanilla; its README
 * in tests/fixtures/golden), tests/fixtures/golden/ab the vm runs of an A/B
 * whose drift.tsv has v2 root-vs-vmstat rows, and
 * tests/fixtures/results/selftests-vanilla a guest's selftests.tap with
 * failures. The numbers asserted are read off those files by hand (awk):
 * the comments say which.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "repro.h"
#include "tap.h"
#include "util.h"

#define REPRO FIXTURES "/golden/repro"
#define AB FIXTURES "/golden/ab/ab-vanilla-vs-noop"

static char tmpdir[] = "/tmp/t-reproduce.XXXXXX";

static int near(double got, double want, double tol)
{
	return fabs(got - want) <= tol;
}

/*
 * Method: load the selftests.tap of a guest run (test_kmem passed, most of
 * test_memcontrol failed, test_memcg_swap_max skipped) and of a host run
 * (test_kmem skipped as a whole), and of a directory without one.
 * Pass: the cells table 1 shows for each, "-" for a test not in the TAP,
 * present false and no tests without the file.
 */
static void test_tap(void)
{
	struct repro_tap ts;

	repro_tap_load(&ts, FIXTURES "/results/selftests-vanilla");
	tap_ok(ts.present && ts.doc.n == 22, "selftests-vanilla: 22 tests (got %zu)", ts.doc.n);
	tap_ok(!strcmp(repro_tap_status(&ts, "test_kmem_memcg_deletion"), "ok"),
	       "test_kmem_memcg_deletion ok");
	tap_ok(!strcmp(repro_tap_status(&ts, "test_memcg_current"), "FAIL"),
	       "test_memcg_current FAIL");
	tap_ok(!strcmp(repro_tap_status(&ts, "test_memcg_swap_max"), "skip"),
	       "test_memcg_swap_max skip");
	tap_ok(!strcmp(repro_tap_status(&ts, "test_memcontrol"), "FAIL"),
	       "the test_memcontrol binary FAIL (its row without 'selftests: cgroup: ')");
	tap_ok(!strcmp(repro_tap_status(&ts, "test_kmem"), "ok"), "the test_kmem binary ok");
	tap_ok(!strcmp(repro_tap_status(&ts, "test_nothing"), "-"), "a test not run: -");
	repro_tap_release(&ts);

	repro_tap_load(&ts, REPRO "/selftests/vanilla");
	tap_ok(ts.present && !strcmp(repro_tap_status(&ts, "test_kmem"), "skip"),
	       "host run: test_kmem skip");
	repro_tap_release(&ts);

	repro_tap_load(&ts, REPRO "/runs/vanilla/1");
	tap_ok(!ts.present && !ts.doc.n && !strcmp(repro_tap_status(&ts, "test_kmem"), "-"),
	       "no selftests.tap: not present, every cell -");
	repro_tap_release(&ts);
}

/*
 * Method: patchbench's drift checks in the selftests run of the golden
 * reproduction. Its drift.tsv has 55 current-vs-stat rows, one over its
 * bound (724992 > 524288; the largest error 724992, the largest bound
 * 5767168), and 2 after-deletion rows within theirs.
 * Pass: OVER, within, "-" for a check without rows and for no directory.
 */
static void test_drift_state(void)
{
	double share;
	const char *st = repro_drift_state(REPRO "/selftests/vanilla", "current-vs-stat", &share);

	tap_ok(!strcmp(st, "OVER") && near(share, 724992.0 / 5767168.0, 1e-9),
	       "current-vs-stat %s, share %.4f", st, share);
	tap_ok(!strcmp(repro_drift_state(REPRO "/selftests/vanilla", "after-deletion", &share),
		       "within"), "after-deletion within");
	tap_ok(!strcmp(repro_drift_state(REPRO "/selftests/vanilla", "no-such-check", &share),
		       "-") && isnan(share), "a check without rows: -, share NaN");
	tap_ok(!strcmp(repro_drift_state(NULL, "after-deletion", &share), "-"),
	       "no selftests run: -");
}

/*
 * Method: table 3 of the A side of the golden A/B (A-1, A-2: no
 * kernelbuild, so every sample is "during"): 12 root-vs-vmstat rows per
 * key, bound 6291456. inactive_anon sorted: 0 x5, 4096, 4096, 24576,
 * 53248, 61440, 147456, 2121728; active_anon's largest 172032.
 * Then a copy of A-1 whose workloads.tsv has a kernelbuild instance
 * ending at 2000 ms: its samples at 882 and 1882 ms are "during", those at
 * 2888, 3882, 4884 ms "after" (inactive_anon 2121728, 24576 during; 4096,
 * 0, 61440 after).
 * Pass: those counts, maxima and bounds; p99 by linear interpolation
 * (147456 + 0.89 x (2121728 - 147456)); the v1 rows of the golden
 * reproduction (memory.stat:total_*) are not table 3's keys: no rows.
 */
static void test_table3(void)
{
	char *runs[2] = { AB "/A-1", AB "/A-2" };
	struct cmp_side s = { .runs = runs, .n = 2 };
	struct repro_t3 t3;
	char *dir = xasprintf("%s/kb", tmpdir), *p, *q;
	struct strbuf sb = STRBUF_INIT;
	const struct repro_t3_cell *c;

	tap_ok(!strcmp(repro_t3_keys[2], "inactive_anon") && !repro_t3_keys[REPRO_T3_NKEYS],
	       "table 3's keys");
	repro_t3_collect(&s, &t3);
	c = &t3.c[2][0];
	tap_ok(c->n == 12 && c->max == 2121728 && c->bound == 6291456,
	       "A-1+A-2 inactive_anon during: n %zu, max %.0f, bound %.0f", c->n, c->max,
	       c->bound);
	tap_ok(near(c->p99, 147456 + 0.89 * (2121728 - 147456), 0.5), "p99 %.1f", c->p99);
	tap_ok(t3.c[3][0].max == 172032 && t3.c[0][0].max == 98304,
	       "active_anon max %.0f, inactive_file max %.0f", t3.c[3][0].max, t3.c[0][0].max);
	tap_ok(!t3.c[2][1].n && isnan(t3.c[2][1].max), "no kernelbuild: nothing after");

	mkdir_p(dir, 0755);
	p = xasprintf("%s/drift.tsv", dir);
	q = xasprintf("%s/drift.tsv", AB "/A-1");
	read_file(q, &sb);
	write_atomic(p, sb.buf, sb.len);
	free(p);
	free(q);
	p = xasprintf("%s/workloads.tsv", dir);
	q = "workload\tcgroup\tpid\tstart_ms\tend_ms\twall_ms\texit\tstate\tlog\n"
	    "idle\tkernelbuild/one/two/three/four/idle-1\t0\t736\t5694\t4958\t143\tdone\tx\n"
	    "kernelbuild\tkernelbuild/one/two/three/four/build-a\t0\t10\t2000\t1990\t0\tdone\tx\n";
	write_atomic(p, q, strlen(q));
	free(p);
	runs[0] = dir;
	s.n = 1;
	repro_t3_collect(&s, &t3);
	tap_ok(t3.c[2][0].n == 2 && t3.c[2][0].max == 2121728, "during the build: n %zu, max %.0f",
	       t3.c[2][0].n, t3.c[2][0].max);
	tap_ok(t3.c[2][1].n == 3 && t3.c[2][1].max == 61440 && t3.c[2][1].bound == 6291456,
	       "after the build: n %zu, max %.0f", t3.c[2][1].n, t3.c[2][1].max);

	runs[0] = REPRO "/runs/vanilla/1";
	repro_t3_collect(&s, &t3);
	tap_ok(!t3.c[0][0].n && !t3.c[3][0].n, "v1 keys (total_*): no rows");
	sb_release(&sb);
	free(dir);
}

static void load_rc(struct repro_rc_set *rs, const char *kernel)
{
	int i;

	memset(rs, 0, sizeof(*rs));
	for (i = 1; i <= 2; i++) {
		char *d = xasprintf("%s/readcost/%s/%d", REPRO, kernel, i);

		repro_rc_load(rs, d);
		free(d);
	}
}

/*
 * Method: the read-cost runs of the golden reproduction, 2 per kernel,
 * N = 10 and 100, idle and deleted, quiet and dirty, inproc and
 * hyperfine: 16 points. vanilla's idle/100/dirty/inproc p50s are 37.5
 * and 25.6 (median 31.55, REPORT.txt's 31.6). Against vanilla, noop's
 * largest change is at 100 deleted (-42%, p 0.65), flush-on-read's at 100
 * idle (+95%, p 0.064): none significant after Holm. Then one hand-made point, 3 runs a side,
 * 10 +- 0.1 us against 20 +- 0.1 us.
 * Pass: the counts, the median, the verdicts; the hand-made point a
 * regression; a run without readcost.tsv leaves the set not present.
 */
static void test_readcost(void)
{
	struct repro_rc_set van, noop, flush, none = { 0 };
	struct repro_rc_point pa = { .kind = "idle", .state = "dirty", .method = "inproc",
				     .cgroups = 10 };
	struct repro_rc_point pb = pa;
	struct repro_rc_set a = { .p = &pa, .n = 1, .runs = 3, .present = true };
	struct repro_rc_set b = { .p = &pb, .n = 1, .runs = 3, .present = true };
	struct repro_rc_verdict v;
	const struct repro_rc_point *p;

	load_rc(&van, "vanilla");
	load_rc(&noop, "noop");
	load_rc(&flush, "memcg-flush-on-read");
	tap_ok(van.present && van.runs == 2 && van.n == 16, "vanilla: 2 runs, %zu points",
	       van.n);
	p = repro_rc_find(&van, "idle", 100, "dirty", "inproc");
	tap_ok(p && p->v.n == 2 && near(repro_rc_median(p), 31.55, 1e-9) && !strcmp(p->dying, "-"),
	       "idle 100 dirty inproc: median %.2f", repro_rc_median(p));
	tap_ok(!repro_rc_find(&van, "idle", 1000, "dirty", "inproc") &&
	       isnan(repro_rc_median(NULL)), "no point at N 1000");
	repro_rc_verdict(&van, &noop, &v);
	tap_ok(v.points == 4 && !v.reg && !v.imp &&
	       !strcmp(v.worst, "-42% at 100 deleted (p 0.65)"),
	       "noop: %d points, %d slower, %d faster, largest %s", v.points, v.reg, v.imp,
	       v.worst);
	repro_rc_verdict(&van, &flush, &v);
	tap_ok(v.points == 4 && !v.reg && !strcmp(v.worst, "+95% at 100 idle (p 0.064)"),
	       "flush-on-read: largest %s", v.worst);

	dvec_init(&pa.v);
	dvec_init(&pb.v);
	dvec_push(&pa.v, 10.0), dvec_push(&pa.v, 10.1), dvec_push(&pa.v, 9.9);
	dvec_push(&pb.v, 20.0), dvec_push(&pb.v, 20.1), dvec_push(&pb.v, 19.9);
	repro_rc_verdict(&a, &b, &v);
	tap_ok(v.points == 1 && v.reg == 1 && !v.imp && !strncmp(v.worst, "+100% at 10 idle", 16),
	       "doubled read: a regression (%s)", v.worst);
	repro_rc_verdict(&b, &a, &v);
	tap_ok(v.imp == 1 && !v.reg, "halved read: an improvement");
	dvec_release(&pa.v);
	dvec_release(&pb.v);

	repro_rc_load(&none, REPRO "/runs/vanilla/1");
	tap_ok(!none.present && !none.runs && !none.n, "no readcost.tsv: not present");
	repro_rc_release(&van);
	repro_rc_release(&noop);
	repro_rc_release(&flush);
}

/*
 * Method: fixture results/readcost-insn (a TCG run of vanilla with counts) read
 * twice per side; then hand-made instruction points, 3 runs a side, constant.
 * Pass: the in-process points also in instructions (method "insn"), judged
 * on them when both sides have them; +4% is no change, +9% a regression.
 */
static void test_readcost_insn(void)
{
	struct repro_rc_set a = { 0 }, b = { 0 };
	struct repro_rc_point pa = { .kind = "idle", .state = "dirty", .method = "insn",
				     .cgroups = 100 };
	struct repro_rc_point pb = pa;
	struct repro_rc_set ha = { .p = &pa, .n = 1, .runs = 3, .present = true, .insn = true };
	struct repro_rc_set hb = { .p = &pb, .n = 1, .runs = 3, .present = true, .insn = true };
	const struct repro_rc_point *p;
	struct repro_rc_verdict v;
	int i;

	for (i = 0; i < 2; i++) {
		repro_rc_load(&a, FIXTURES "/results/readcost-insn");
		repro_rc_load(&b, FIXTURES "/results/readcost-insn");
	}
	p = repro_rc_find(&a, "deleted", 100, "dirty", "insn");
	tap_ok(a.insn && p && p->v.n == 2 && repro_rc_median(p) == 199898 &&
	       !strcmp(p->dying, "100"), "readcost-insn: deleted 100 dirty, 199898 kernel insns");
	p = repro_rc_find(&a, "idle", 10, "quiet", "insn");
	tap_ok(p && repro_rc_median(p) == 38497 &&
	       repro_rc_find(&a, "idle", 10, "quiet", "inproc") &&
	       repro_rc_find(&a, "idle", 10, "quiet", "inproc")->v.n == 2,
	       "idle 10 quiet: 38497, and the times are still there");
	repro_rc_verdict(&a, &b, &v);
	tap_ok(v.insn && v.points == 4 && !v.reg && !v.imp, "A/A in instructions: %d points, "
	       "no change", v.points);
	dvec_init(&pa.v);
	dvec_init(&pb.v);
	for (i = 0; i < 3; i++) {
		dvec_push(&pa.v, 100000);
		dvec_push(&pb.v, 104000);
	}
	repro_rc_verdict(&ha, &hb, &v);
	tap_ok(v.insn && v.points == 1 && !v.reg, "+4%% in instructions: no change (%s)",
	       v.worst);
	for (i = 0; i < 3; i++)
		pb.v.v[i] = 109000;
	repro_rc_verdict(&ha, &hb, &v);
	tap_ok(v.reg == 1 && !strncmp(v.worst, "+9% at 100 idle", 15), "+9%%: higher (%s)",
	       v.worst);
	dvec_release(&pa.v);
	dvec_release(&pb.v);
	repro_rc_release(&a);
	repro_rc_release(&b);
}

/* check_expected on @k as given, @e expected; 1 if as_expected and why are @ok and @why. */
static int expect(struct repro_kernel *k, enum repro_expect e, bool ok, const char *why)
{
	int ret;

	repro_check_expected(k, e);
	ret = k->as_expected == ok && !strcmp(k->why, why);
	if (!ret)
		tap_diag("as_expected %d, why '%s'", k->as_expected, k->why);
	free(k->why);
	k->why = NULL;
	return ret;
}

#define WHY(drift, rl, rc) "drift " drift ", read latency " rl ",\n            read cost " rc

/*
 * Method: repro_check_expected() on verdict flags set by hand, one case
 * per rule: no verdict at all; noop (no change) with a drift improvement;
 * flush-on-read (drift improvement and a read cost) with and without a
 * slower read-cost point, and with a readlat regression instead;
 * lazy-flush (drift regression) with both drift verdicts.
 * Pass: as_expected and the "got" text of the report for each.
 */
static void test_check_expected(void)
{
	struct repro_kernel k;

	memset(&k, 0, sizeof(k));
	k.no_verdict = true;
	tap_ok(expect(&k, REPRO_EXPECT_NO_CHANGE, false, "no verdict: fewer than 2 runs on a side"),
	       "no verdict: not as expected");
	k.no_verdict = false;
	tap_ok(expect(&k, REPRO_EXPECT_NO_CHANGE, true,
		      WHY("no change", "no regression", "not measured")), "no change: OK");
	k.drift_imp = true;
	tap_ok(expect(&k, REPRO_EXPECT_NO_CHANGE, false,
		      WHY("improvement", "no regression", "not measured")),
	       "noop with a drift improvement: not as expected");
	k.rc.present = true;
	k.rcv.points = 4;
	tap_ok(expect(&k, REPRO_EXPECT_DRIFT_IMPROVEMENT_READ_COST, false,
		      WHY("improvement", "no regression", "no change")),
	       "flush-on-read without a read cost: not as expected");
	k.rcv.reg = 1;
	tap_ok(expect(&k, REPRO_EXPECT_DRIFT_IMPROVEMENT_READ_COST, true,
		      WHY("improvement", "no regression", "higher")),
	       "flush-on-read with a slower read-cost point: OK");
	k.rcv.reg = 0;
	k.rcv.points = 0;
	k.read_reg = true;
	tap_ok(expect(&k, REPRO_EXPECT_DRIFT_IMPROVEMENT_READ_COST, true,
		      WHY("improvement", "regression", "untested (fewer than 2 runs per side)")),
	       "flush-on-read with a readlat regression: OK");
	k.read_reg = false;
	k.drift_reg = true;
	k.rcv.points = 4;
	k.rcv.imp = 2;
	tap_ok(expect(&k, REPRO_EXPECT_DRIFT_REGRESSION, true,
		      WHY("regression and improvement", "no regression", "lower")),
	       "lazy-flush with both drift verdicts: OK");
	k.drift_reg = false;
	tap_ok(expect(&k, REPRO_EXPECT_DRIFT_REGRESSION, false,
		      WHY("improvement", "no regression", "lower")),
	       "lazy-flush without a drift regression: not as expected");
}

/*
 * Method: the whole analysis of the golden reproduction, as reproduce
 * runs it: vanilla's and noop's read cost loaded, then noop and
 * flush-on-read compared with vanilla. Their drift and readlat rows show
 * no change (the golden REPORT.txt's verdicts); probe.tsv holds 43
 * stat-lag probes of vanilla (41 lagging), 39 of noop (38 lagging).
 * Then a comparison with a missing directory.
 * Pass: noop as expected, flush-on-read not; the stat-lag counts; the
 * failed comparison says why and is not as expected.
 */
static void test_analyse(void)
{
	struct repro_kernel ks[REPRO_NKERNELS];
	char err[512];
	size_t i;
	int ret;

	memset(ks, 0, sizeof(ks));
	for (i = 0; i < REPRO_NKERNELS; i++)
		ks[i].runs_dir = xasprintf("%s/runs/%s", REPRO, repro_kernel_names[i]);
	load_rc(&ks[0].rc, "vanilla");
	load_rc(&ks[1].rc, "noop");
	ret = repro_kernel_analyse(ks, 1, err, sizeof(err));
	tap_ok(!ret && ks[1].have_c && ks[1].as_expected && !ks[1].no_verdict &&
	       !strcmp(ks[1].why, WHY("no change", "no regression", "no change")),
	       "noop: as expected (%s)", ret ? err : ks[1].why);
	tap_ok(ks[0].sl.n == 43 && ks[0].sl.lag == 41 && ks[1].sl.n == 39 && ks[1].sl.lag == 38,
	       "stat-lag: vanilla %zu/%zu, noop %zu/%zu", ks[0].sl.lag, ks[0].sl.n, ks[1].sl.lag,
	       ks[1].sl.n);
	ret = repro_kernel_analyse(ks, 2, err, sizeof(err));
	tap_ok(!ret && !ks[2].as_expected && !strcmp(ks[2].why, WHY("no change", "no regression",
								      "not measured")),
	       "flush-on-read: not as expected (%s)", ret ? err : ks[2].why);
	free(ks[3].runs_dir);
	ks[3].runs_dir = xasprintf("%s/missing", tmpdir);
	ret = repro_kernel_analyse(ks, 3, err, sizeof(err));
	tap_ok(ret < 0 && !ks[3].have_c && !ks[3].as_expected &&
	       !strncmp(ks[3].why, "cannot compare: ", 16), "missing runs: %s", ks[3].why);
	for (i = 0; i < REPRO_NKERNELS; i++)
		repro_kernel_release(&ks[i]);
	tap_ok(!ks[1].why && !ks[1].rc.n && !ks[1].have_c, "released");
}

int main(void)
{
	tap_plan(47);
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_tap();
	test_drift_state();
	test_table3();
	test_readcost();
	test_readcost_insn();
	test_check_expected();
	test_analyse();
	remove_tree(tmpdir);
	return tap_done();
}
