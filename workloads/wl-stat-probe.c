// SPDX-License-Identifier: GPL-2.0
/*
 * wl-stat-probe.c - a known change, and how much of it memory.stat shows.
 *
 * A process in its own quiet cgroup ("probe") reads its memory.stat,
 * faults in exactly N fresh anonymous pages, reads memory.stat again at
 * once, and compares the change of "anon" (v1: "rss") with N x PAGE_SIZE;
 * then unmaps them. The other drift checks compare two numbers the kernel
 * keeps; this one knows the truth, so it shows the part of the error that
 * is pure staleness: in 6.1 a read flushes the rstat tree only after
 * MEMCG_CHARGE_BATCH x CPUs updates system-wide (or every 2 s), so on a
 * quiet machine the N pages are often not there yet (error N x PAGE_SIZE);
 * a kernel that flushes on every read shows them all (error 0).
 *
 * Kernel paths: do_anonymous_page -> mem_cgroup_charge -> memcg_rstat_updated
 * (NR_ANON_MAPPED, LRU sizes, PGFAULT events), zap_pte_range on munmap;
 * memory_stat_show / memcg_stat_show -> mem_cgroup_flush_stats on the
 * read. memory.stat fields that move: anon, active_anon/inactive_anon,
 * pgfault (v1: rss, total_rss, pgfault).
 *
 * Rows go to probe.tsv in the result directory, with drift.tsv's columns
 * (check "stat-lag"), one write(2) per row into probe.tsv.tmp, renamed
 * when the run ends, so the analysis treats them as one more drift check.
 */
#include "drift.h"
#include "insn-marker.h"
#include "memstat.h"
#include "workload.h"
#include "runner.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

struct probe_params {
	int pages;
	int64_t interval;
};

static const struct option probe_params[] = {
	{ "pages", 0, OPT_INT, offsetof(struct probe_params, pages), "16", "N",
	  "anonymous pages faulted in per probe (keep it under the charge batch to see the lag)",
	  NULL, 1, 65536 },
	{ "interval", 0, OPT_DURATION, offsetof(struct probe_params, interval), "250ms", "TIME",
	  "time between probes", NULL, 0, 0 },
	{ NULL },
};

struct probe_ctl {
	struct wl_inst *wi;
	char *stat;		/* memory.stat of the probe cgroup */
	char *tmp, *final;	/* probe.tsv.tmp, probe.tsv */
	const char *key;	/* "anon" (v2) or "rss" (v1) */
	int64_t bound;
};

static const char probe_header[] = "t_ms\tcheck\tcgroup\tkey\texpected_bytes\tobserved_bytes\t"
				   "abs_err_bytes\trel_err\tbound_bytes\twindow_bytes\n";

/* The value of @key in memory.stat, in bytes, or -1. */
static int64_t read_key(int fd, const char *key, char *buf, size_t len)
{
	struct kvlist kv;
	ssize_t n = pread(fd, buf, len, 0);
	int64_t v = -1;
	char err[128];

	if (n <= 0)
		return -1;
	kvlist_init(&kv);
	if (memstat_parse(buf, (size_t)n, &kv, err, sizeof(err)) || kv_get(&kv, key, &v))
		v = -1;
	kvlist_release(&kv);
	return v;
}

static int probe_main(void *arg)
{
	struct probe_ctl *c = arg;
	const struct probe_params *p = c->wi->params;
	const struct run *r = c->wi->run;
	size_t ps = r->page_size, len = (size_t)p->pages * ps;
	struct timespec ts = { p->interval / 1000000000, p->interval % 1000000000 };
	static char buf[1 << 16];
	unsigned long n = 0;
	int fd, out;

	fd = open(c->stat, O_RDONLY | O_CLOEXEC);
	out = open(c->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0 || out < 0) {
		fprintf(stderr, "stat-probe: cannot open '%s': %s\n", fd < 0 ? c->stat : c->tmp,
			strerror(errno));
		return 1;
	}
	if (write(out, probe_header, sizeof(probe_header) - 1) < 0)
		return 1;
	if (read_key(fd, c->key, buf, sizeof(buf)) < 0) {
		fprintf(stderr, "stat-probe: no '%s' in '%s'\n", c->key, c->stat);
		return 1;
	}
	printf("stat-probe: %d pages (%zu bytes) every %lld ms, key %s, bound %lld bytes\n",
	       p->pages, len, (long long)(p->interval / 1000000), c->key, (long long)c->bound);
	fflush(stdout);
	for (;;) {
		struct drift_row row = { 0 };
		int64_t before, after, t_ms;
		char line[512];
		char *mem;
		size_t off;
		int l;

		mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED) {
			fprintf(stderr, "stat-probe: cannot map %zu bytes: %s\n", len, strerror(errno));
			return 1;
		}
		madvise(mem, len, MADV_NOHUGEPAGE);
		/* under TCG the plugin counts the probe: row n of probe.tsv is probe n + 1 */
		PB_MARK(PB_MARK_PROBE_BEGIN);
		before = read_key(fd, c->key, buf, sizeof(buf));
		for (off = 0; off < len; off += ps)
			mem[off] = 1;
		after = read_key(fd, c->key, buf, sizeof(buf));
		PB_MARK(PB_MARK_PROBE_END);
		t_ms = (now_ns() - r->t0) / 1000000;
		munmap(mem, len);
		if (before < 0 || after < 0) {
			fprintf(stderr, "stat-probe: cannot read '%s'\n", c->stat);
			return 1;
		}
		row.expected = (int64_t)len;
		row.observed = after - before;
		row.bound = c->bound;
		drift_finish(&row);
		l = snprintf(line, sizeof(line), "%lld\tstat-lag\t%s\tmemory.stat:%s\t%lld\t%lld\t"
			     "%lld\t%.6f\t%lld\t0\n", (long long)t_ms,
			     r->tree.nodes[c->wi->node].rel, c->key, (long long)row.expected,
			     (long long)row.observed, (long long)row.abs_err, row.rel_err,
			     (long long)row.bound);
		if (write(out, line, (size_t)l) != l) {
			fprintf(stderr, "stat-probe: cannot write '%s': %s\n", c->tmp,
				strerror(errno));
			return 1;
		}
		if (++n % 100 == 0) {
			printf("stat-probe: %lu probes\n", n);
			fflush(stdout);
		}
		nanosleep(&ts, NULL);
	}
	return 0;
}

static int probe_check(struct run *r, void *params, char *err, size_t errlen)
{
	const struct probe_params *p = params;

	(void)r;
	if (p->interval < 1000000) {
		snprintf(err, errlen, "--stat-probe-interval: at least 1ms");
		return -EINVAL;
	}
	return 0;
}

static int probe_start(struct wl_inst *wi)
{
	struct run *r = wi->run;
	struct probe_ctl *c = xcalloc(1, sizeof(*c));

	c->wi = wi;
	c->stat = xasprintf("%s/memory.stat", r->tree.nodes[wi->node].mem_path);
	c->key = r->layout.version == CG_V1 ? "rss" : "anon";
	c->tmp = run_path(r, "probe.tsv.tmp");
	c->final = run_path(r, "probe.tsv");
	c->bound = drift_bound((unsigned)r->o->batch, r->page_size, r->cpus, 1);
	wi->priv = c;
	return run_spawn(wi, false, probe_main, c);
}

static enum wl_state probe_exited(struct wl_inst *wi, int code)
{
	(void)wi;
	return code == 128 + 9 || code == 128 + 15 ? WL_DONE : WL_FAILED;
}

/*
 * The rows written so far become probe.tsv (a header-only file is dropped).
 * Not an afile: the temp file is written by the probe process, which ends
 * killed (SIGTERM/SIGKILL) and can never commit; the runner renames it here.
 */
static void probe_cleanup(struct wl_inst *wi)
{
	struct probe_ctl *c = wi->priv;
	struct strbuf sb = STRBUF_INIT;

	if (!c)
		return;
	if (!read_file(c->tmp, &sb) && sb.len > sizeof(probe_header) - 1) {
		if (rename(c->tmp, c->final) < 0)
			pr_warn("cannot rename '%s': %s", c->tmp, strerror(errno));
	} else {
		unlink(c->tmp);
	}
	sb_release(&sb);
	free(c->stat);
	free(c->tmp);
	free(c->final);
	free(c);
	wi->priv = NULL;
}

const struct workload wl_stat_probe = {
	.name = "stat-probe",
	.summary = "fault in N anon pages in a quiet cgroup and check memory.stat shows them at once",
	.node = "probe",
	.cgroups = "probe",
	.background = true,
	.params = probe_params,
	.params_size = sizeof(struct probe_params),
	.check = probe_check,
	.start = probe_start,
	.exited = probe_exited,
	.cleanup = probe_cleanup,
};
