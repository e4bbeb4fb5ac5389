// SPDX-License-Identifier: GPL-2.0
/*
 * t-memcg-wl.c - unit tests for the memcg workloads page-fault, reclaim and
 * cgroup-churn (workloads/memcg-wl.c, their rows in analysis/metrics.c).
 * Method: each parameter check on sizes by scale and on bad input against
 * a given machine size (the error must name the parameter); the kernel
 * files they read, on files captured on this host (tests/fixtures/memcg-wl,
 * see tests/fixtures/README) and on the v2 fixtures; the result rows, as
 * written and as compare reads them (metrics_extract on a real host run of
 * all three, and on a copy with one value broken).
 * Pass: the numbers hard-coded below from those files.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memcg-wl.h"
#include "metrics.h"
#include "strbuf.h"
#include "tap.h"
#include "util.h"

#define MIB (1ull << 20)
#define GIB (1ull << 30)
#define SEC 1000000000LL

static void test_page_fault(void)
{
	struct pf_params p = { .mode = 1 }, o;
	char err[256] = "";
	int ret;

	ret = mwl_pf_resolve(&p, MWL_SMOKE, 8, 4 * GIB, &o, err, sizeof(err));
	tap_ok(!ret && o.procs == 2 && o.size == 16 * MIB && o.time == 3 * SEC,
	       "page-fault smoke: 2 procs x 16M for 3 s (%d %s)", ret, err);
	ret = mwl_pf_resolve(&p, MWL_SMALL, 8, 4 * GIB, &o, err, sizeof(err));
	tap_ok(!ret && o.procs == 8 && o.size == 64 * MIB && o.time == 10 * SEC,
	       "page-fault small: one proc per CPU x 64M for 10 s");
	ret = mwl_pf_resolve(&p, MWL_FULL, 4, 4 * GIB, &o, err, sizeof(err));
	tap_ok(!ret && o.procs == 4 && o.size == 128 * MIB && o.time == 30 * SEC,
	       "page-fault full: will-it-scale's 128M per process, 30 s");
	p.procs = 3;
	p.size = 2 * MIB;
	p.time = SEC;
	ret = mwl_pf_resolve(&p, MWL_FULL, 4, 4 * GIB, &o, err, sizeof(err));
	tap_ok(!ret && o.procs == 3 && o.size == 2 * MIB && o.time == SEC,
	       "page-fault: values given are kept");
	p.size = 512 << 10;
	ret = mwl_pf_resolve(&p, MWL_SMOKE, 4, 4 * GIB, &o, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "--page-fault-size 512.0K is below the minimum 1.0M"),
	       "page-fault: 512K is below the minimum: %s", err);
	p.size = GIB;
	p.procs = 5;
	ret = mwl_pf_resolve(&p, MWL_SMOKE, 4, 4 * GIB, &o, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "--page-fault-size 1.0G x 5 processes") &&
	       strstr(err, "machine's memory (4.0G)"), "page-fault: 5 x 1G on 4G: %s", err);
	p.procs = 4;
	ret = mwl_pf_resolve(&p, MWL_SMOKE, 4, 4 * GIB, &o, err, sizeof(err));
	tap_ok(!ret, "page-fault: 4 x 1G on 4G is allowed (exactly the machine)");
	p.mode = 3;
	ret = mwl_pf_resolve(&p, MWL_SMOKE, 4, 4 * GIB, &o, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "--page-fault-mode"), "page-fault: mode 3: %s", err);
}

static void test_reclaim(void)
{
	struct reclaim_params p = { 0 }, o;
	char err[256] = "";
	int ret;

	ret = mwl_reclaim_resolve(&p, MWL_SMOKE, 4 * GIB, &o, err, sizeof(err));
	tap_ok(!ret && o.limit == 64 * MIB && o.file == 128 * MIB && o.anon == 32 * MIB &&
	       o.time == 3 * SEC, "reclaim smoke: limit 64M, file 128M, anon 32M, 3 s (%s)", err);
	ret = mwl_reclaim_resolve(&p, MWL_FULL, 4 * GIB, &o, err, sizeof(err));
	tap_ok(!ret && o.limit == GIB && o.file == 2 * GIB && o.anon == 512 * MIB &&
	       o.time == 30 * SEC, "reclaim full: limit 1G, file 2G, anon 512M, 30 s");
	p.limit = 8 * MIB;
	ret = mwl_reclaim_resolve(&p, MWL_SMOKE, 4 * GIB, &o, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "--reclaim-limit 8.0M is below the minimum 16.0M"),
	       "reclaim: limit 8M: %s", err);
	p.limit = 8 * GIB;
	ret = mwl_reclaim_resolve(&p, MWL_SMOKE, 4 * GIB, &o, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "--reclaim-limit 8.0G is more than the machine's "
					"memory (4.0G)"), "reclaim: limit 8G on 4G: %s", err);
	p.limit = 64 * MIB;
	p.anon = 5 * GIB;
	ret = mwl_reclaim_resolve(&p, MWL_SMOKE, 4 * GIB, &o, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "--reclaim-anon 5.0G"), "reclaim: anon 5G: %s", err);
	p.anon = 16 * MIB;
	p.file = 16 * MIB;
	ret = mwl_reclaim_resolve(&p, MWL_SMOKE, 4 * GIB, &o, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "not below the working set") &&
	       strstr(err, "--reclaim-limit 64.0M"), "reclaim: 64M over 16M + 16M: %s", err);
	p.file = 64 << 10;
	ret = mwl_reclaim_resolve(&p, MWL_SMOKE, 4 * GIB, &o, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "--reclaim-file 64.0K is below"),
	       "reclaim: file 64K: %s", err);
	p.file = 0;
	p.anon = 80 * MIB;
	ret = mwl_reclaim_resolve(&p, MWL_SMOKE, 4 * GIB, &o, err, sizeof(err));
	tap_ok(!ret && o.file == 128 * MIB, "reclaim: anon over the limit is allowed (it OOMs: "
	       "a counted event)");
}

static void test_churn(void)
{
	struct churn2_params p = { .batch = 10, .pages = 4 }, o;
	char err[256] = "";
	int ret;

	ret = mwl_churn_resolve(&p, MWL_SMOKE, 4 * GIB, 4096, &o, err, sizeof(err));
	tap_ok(!ret && o.cgroups == 200 && o.batch == 10, "cgroup-churn smoke: 200 in tens");
	ret = mwl_churn_resolve(&p, MWL_FULL, 4 * GIB, 4096, &o, err, sizeof(err));
	tap_ok(!ret && o.cgroups == 10000, "cgroup-churn full: 10000");
	p.cgroups = 5;
	ret = mwl_churn_resolve(&p, MWL_SMOKE, 4 * GIB, 4096, &o, err, sizeof(err));
	tap_ok(!ret && o.cgroups == 5 && o.batch == 5, "cgroup-churn: a batch over the count "
	       "is the count");
	p.batch = 0;
	ret = mwl_churn_resolve(&p, MWL_SMOKE, 4 * GIB, 4096, &o, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "--cgroup-churn-batch"), "batch 0: %s", err);
	p.batch = 10;
	p.cgroups = 100000;
	p.pages = 8192;
	ret = mwl_churn_resolve(&p, MWL_SMOKE, 4 * GIB, 4096, &o, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "--cgroup-churn-pages 8192 x 100000 cgroups"),
	       "pages x cgroups over half the machine: %s", err);
	p.cgroups = CHURN2_MAX_CGROUPS + 1;
	p.pages = 0;
	ret = mwl_churn_resolve(&p, MWL_SMOKE, 4 * GIB, 4096, &o, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "--cgroup-churn-cgroups"), "too many: %s", err);
}

static void test_kernel_files(void)
{
	struct strbuf sb = STRBUF_INIT;
	static const char two[] = "pgscan_kswapd 7\npgscan 3\npgsteal 12\n";
	int ret;

	ret = read_file(FIXTURES "/memcg-wl/proc-meminfo", &sb);
	tap_ok(!ret && mwl_meminfo(sb.buf, sb.len, "MemTotal") == 24683568LL * 1024 &&
	       mwl_meminfo(sb.buf, sb.len, "Percpu") == 2336LL * 1024,
	       "meminfo: MemTotal 24683568 kB, Percpu 2336 kB, in bytes");
	tap_ok(!ret && mwl_meminfo(sb.buf, sb.len, "HugePages_Total") == 0 &&
	       mwl_meminfo(sb.buf, sb.len, "NoSuchField") == -1 &&
	       mwl_meminfo(sb.buf, sb.len, "Mem") == -1,
	       "meminfo: a count is no size, a missing or partial key is -1");
	sb_reset(&sb);
	tap_ok(mwl_file_key(FIXTURES "/memcg-wl/v1-memory.oom_control", "oom_kill") == 0 &&
	       mwl_file_key(FIXTURES "/memcg-wl/v1-memory.oom_control", "under_oom") == 0 &&
	       mwl_file_key(FIXTURES "/memcg-wl/v1-memory.oom_control", "oom") == -1,
	       "v1 memory.oom_control: oom_kill 0, no key 'oom'");
	tap_ok(mwl_file_key(FIXTURES "/v2/child-memory.stat", "pgfault") == 425 &&
	       mwl_file_key(FIXTURES "/v2/child-memory.stat", "percpu") == 0 &&
	       mwl_file_key(FIXTURES "/nonexistent", "pgfault") == -1,
	       "v2 memory.stat: pgfault 425, percpu 0; a missing file is -1");
	tap_ok(mwl_flat_key(two, sizeof(two) - 1, "pgscan") == 3 &&
	       mwl_flat_key(two, sizeof(two) - 1, "pgsteal") == 12 &&
	       mwl_flat_key(two, sizeof(two) - 1, "pgsca") == -1,
	       "a key is the whole first word: pgscan is not pgscan_kswapd");
	sb_release(&sb);
}

static void test_rows(void)
{
	struct strbuf sb = STRBUF_INIT;

	mwl_row(&sb, "ops", 1584384, "pages", "counted");
	mwl_row(&sb, "rate", 264434.7781, "ops/s", "clock");
	mwl_row(&sb, "percpu_peak", NAN, "bytes", "cgroup v1 memory.stat has no percpu");
	tap_ok(sb.buf && !strcmp(sb.buf, "ops\t1584384\tpages\tcounted\n"
				 "rate\t264434.778\tops/s\tclock\n"
				 "percpu_peak\t-\tbytes\tcgroup v1 memory.stat has no percpu\n"),
	       "rows: integers whole, fractions to 3 places, NaN is '-' with its reason");
	sb_release(&sb);
}

static const struct metric *find(const struct metric_set *ms, const char *key)
{
	return metric_set_find(ms, key);
}

static void test_extract(void)
{
	struct run_summary s;
	struct metric_set ms;
	const struct metric *m;
	static const char bad[] = MWL_RESULT_HEADER "ops_per_sec_per_proc\tlots\tops/s\tclock\n";
	char err[512] = "", tmp[] = "/tmp/t-memcg-wl.XXXXXX", *p;
	struct strbuf sb = STRBUF_INIT;
	int ret;

	ret = metrics_extract(FIXTURES "/memcg-wl/host-all", &s, &ms, err, sizeof(err));
	tap_ok(!ret && metric_set_has_group(&ms, "page-fault") &&
	       metric_set_has_group(&ms, "reclaim") && metric_set_has_group(&ms, "cgroup-churn"),
	       "host-all: the three sources (%s)", ret ? err : "ok");
	m = find(&ms, "page-fault:ops_per_sec_per_proc");
	tap_ok(m && m->value == 70973.619 && m->better == MB_HIGHER && m->trend,
	       "page-fault ops/s per process 70973.619, higher is better, a trend");
	m = find(&ms, "page-fault:faults");
	tap_ok(m && m->value == 425990 && m->better == MB_NONE, "page-fault pgfault +425990");
	tap_ok(!find(&ms, "page-fault:proc-0:ops_per_sec") && !find(&ms, "page-fault:size"),
	       "per-process rows and parameters are no metrics");
	m = find(&ms, "reclaim:failcnt");
	tap_ok(m && m->value == 1514, "reclaim failcnt +1514 (v1)");
	m = find(&ms, "reclaim:pgscan");
	tap_ok(m && m->value == 604672, "reclaim pgscan 604672 (v1: vmstat, system-wide)");
	m = find(&ms, "reclaim:read_mib_per_sec");
	tap_ok(m && m->value == 787.257 && m->better == MB_HIGHER, "reclaim read 787.257 MiB/s");
	tap_ok(!find(&ms, "reclaim:events:high") && find(&ms, "reclaim:events:oom_kill"),
	       "v1: no memory.events high ('-'), oom_kill from memory.oom_control");
	m = find(&ms, "cgroup-churn:dying_end");
	tap_ok(m && m->value == 2 && m->better == MB_LOWER && find(&ms, "cgroup-churn:dying_max"),
	       "cgroup-churn: dying peak and end (2)");
	tap_ok(!find(&ms, "cgroup-churn:percpu_peak") && find(&ms, "cgroup-churn:cgroups_per_sec"),
	       "v1: no percpu metric, cgroups/s is one");
	run_summary_release(&s);
	metric_set_release(&ms);

	/* a broken value: the error names the file, the line and the metric */
	if (!mkdtemp(tmp)) {
		tap_ok(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	read_file(FIXTURES "/memcg-wl/host-all/meta.json", &sb);
	p = xasprintf("%s/meta.json", tmp);
	write_atomic(p, sb.buf, sb.len);
	free(p);
	p = xasprintf("%s/page-fault.tsv", tmp);
	write_atomic(p, bad, sizeof(bad) - 1);
	ret = metrics_extract(tmp, &s, &ms, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "page-fault.tsv' line 2") &&
	       strstr(err, "ops_per_sec_per_proc"), "a value that is no number: %s", err);
	run_summary_release(&s);
	metric_set_release(&ms);
	unlink(p);
	free(p);
	p = xasprintf("%s/meta.json", tmp);
	unlink(p);
	free(p);
	rmdir(tmp);
	sb_release(&sb);
}

int main(void)
{
	tap_plan(8 + 8 + 6 + 5 + 1 + 11);
	test_page_fault();
	test_reclaim();
	test_churn();
	test_kernel_files();
	test_rows();
	test_extract();
	return tap_done();
}
