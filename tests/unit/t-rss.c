// SPDX-License-Identifier: GPL-2.0
/*
 * t-rss.c - unit tests for analysis/rss.c: kmem:rss_stat parsed through
 * libtraceevent from the tracepoint's own format, in both formats (the
 * member=N one of 5.5-5.12, written from that kernel's kmem.h, and the
 * type=MM_* one captured from the 6.1 guest and from this 6.18 host), on
 * raw records built from each format's offsets and on ten real ring-buffer
 * pages read from trace_pipe_raw, checked record by record against the
 * kernel's own text rendering of the same buffer (tests/fixtures/rss,
 * capture commands in tests/fixtures/README); then the summary arithmetic
 * on a hand-made sequence.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rss.h"
#include "tap.h"
#include "tsv.h"
#include "util.h"

static int add_fixture(struct rss_parser *p, const char *sys, const char *rel)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = xasprintf("%s/rss/%s", FIXTURES, rel);
	char err[256];
	int ret = read_file(path, &sb);

	if (ret)
		tap_diag("cannot read '%s': %s", path, strerror(-ret));
	else if ((ret = rss_parser_add_format(p, sys, sb.buf, sb.len, err, sizeof(err))))
		tap_diag("%s: %s", path, err);
	sb_release(&sb);
	free(path);
	return ret;
}

/* The "ID:" line of a format fixture. */
static int format_id(const char *rel)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = xasprintf("%s/rss/%s", FIXTURES, rel), *id;
	int v = -1;

	if (!read_file(path, &sb) && (id = strstr(sb.buf, "\nID: ")))
		v = atoi(id + 5);
	sb_release(&sb);
	free(path);
	return v;
}

/*
 * A raw rss_stat record as the kernel lays it out in all three formats:
 * common_type@0/2, common_flags@2/1, common_preempt_count@3/1,
 * common_pid@4/4, mm_id@8/4, curr@12/4, member@16/4, size@24/8.
 */
static void build_record(unsigned char *buf, int id, int pid, uint32_t mm_id, uint32_t curr,
			 int32_t member, int64_t size)
{
	uint16_t type = (uint16_t)id;

	memset(buf, 0, 32);
	memcpy(buf + 0, &type, 2);
	memcpy(buf + 4, &pid, 4);
	memcpy(buf + 8, &mm_id, 4);
	memcpy(buf + 12, &curr, 4);
	memcpy(buf + 16, &member, 4);
	memcpy(buf + 24, &size, 8);
}

static void test_format(const char *rel, const char *kernel, bool symbolic)
{
	struct rss_parser *p = rss_parser_new();
	unsigned char rec[32];
	struct rss_rec out;
	char err[256] = "";
	int id = format_id(rel), ret;

	ret = add_fixture(p, "kmem", rel);
	if (!ret)
		ret = rss_parser_ready(p, err, sizeof(err));
	tap_ok(!ret && rss_parser_symbolic(p) == symbolic,
	       "%s: format parsed, %s (%s)", kernel, symbolic ? "type= via __print_symbolic" :
	       "numeric member=", ret ? err : "ok");
	tap_ok(!strcmp(rss_member_name(p, 0), "MM_FILEPAGES") &&
	       !strcmp(rss_member_name(p, 1), "MM_ANONPAGES") &&
	       !strcmp(rss_member_name(p, 2), "MM_SWAPENTS") &&
	       !strcmp(rss_member_name(p, 3), "MM_SHMEMPAGES") &&
	       !strcmp(rss_member_name(p, 5), "member-5"),
	       "%s: members 0..3 named MM_FILEPAGES..MM_SHMEMPAGES, 5 is member-5", kernel);
	build_record(rec, id, 4321, 0xdeadbeef, 1, 1, 123456789012LL);
	ret = rss_parse_record(p, rec, sizeof(rec), &out);
	tap_ok(ret == 1 && out.kind == RSS_EV_RSS && out.pid == 4321 && out.mm_id == 0xdeadbeef &&
	       out.curr && out.member == 1 && out.size == 123456789012LL,
	       "%s: raw record -> pid 4321 mm_id deadbeef curr 1 MM_ANONPAGES 123456789012 B",
	       kernel);
	build_record(rec, id, 77, 1, 0, 0, -4096);
	ret = rss_parse_record(p, rec, sizeof(rec), &out);
	tap_ok(ret == 1 && !out.curr && out.size == -4096 && out.member == 0,
	       "%s: curr 0 and a negative size (a transient the kernel can print)", kernel);
	ret = rss_parse_record(p, rec, 20, &out);
	tap_ok(ret == -EINVAL, "%s: a record cut before 'size' is refused", kernel);
	build_record(rec, id + 1, 77, 1, 0, 0, 0);
	ret = rss_parse_record(p, rec, sizeof(rec), &out);
	tap_ok(ret == 0, "%s: another event id is not rss_stat", kernel);
	rss_parser_free(p);
}

struct text_rec {
	char event[32];
	int pid;
	double t;		/* seconds */
	unsigned mm_id;
	int curr;
	char type[32];
	long long size;
	char comm[64];		/* exec: filename; fork: child_comm */
	int child;
};

/* Parse one line of the kernel's "trace" text: "  comm-pid [000] ..... 1.5: event: ..." */
static bool parse_text(const char *line, struct text_rec *t)
{
	const char *br = strstr(line, "] "), *dash, *colon, *ev;
	const char *cpu = strstr(line, " [");

	memset(t, 0, sizeof(*t));
	if (line[0] == '#' || !br || !cpu)
		return false;
	for (dash = cpu; dash > line && *dash != '-'; dash--)
		;
	t->pid = atoi(dash + 1);
	colon = strstr(br, ": ");
	if (!colon)
		return false;
	{
		/* the timestamp is the last number before ": <event>:" */
		const char *s = colon;

		while (s > br && s[-1] != ' ')
			s--;
		t->t = strtod(s, NULL);
	}
	ev = colon + 2;
	sscanf(ev, "%31[^:]", t->event);
	ev += strlen(t->event) + 2;
	if (!strcmp(t->event, "rss_stat"))
		return sscanf(ev, "mm_id=%u curr=%d type=%31s size=%lldB", &t->mm_id, &t->curr,
			      t->type, &t->size) == 4;
	if (!strcmp(t->event, "sched_process_exec"))
		return sscanf(ev, "filename=%63s", t->comm) == 1;
	if (!strcmp(t->event, "sched_process_fork"))
		return sscanf(ev, "comm=%*s pid=%*d child_comm=%63s child_pid=%d", t->comm,
			      &t->child) == 2;
	return false;
}

struct page_ctx {
	struct rss_rec *v;
	size_t n;
};

static int collect(const struct rss_rec *r, void *ctx)
{
	struct page_ctx *c = ctx;

	c->v = xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
	c->v[c->n++] = *r;
	return 0;
}

static void test_real_pages(void)
{
	struct rss_parser *p = rss_parser_new();
	struct strbuf raw = STRBUF_INIT, text = STRBUF_INIT;
	struct page_ctx c = { NULL, 0 };
	char *rp = xasprintf("%s/rss/cpu0-6.18.raw", FIXTURES);
	char *tp = xasprintf("%s/rss/cpu0-6.18.trace", FIXTURES);
	char err[256] = "", *line, *save = NULL;
	size_t off, i = 0, nrss = 0, nfork = 0, nexec = 0;
	uint64_t missed = 0;
	int ret, bad = 0, bad_ts = 0, bad_comm = 0;
	long page = sysconf(_SC_PAGESIZE);

	ret = add_fixture(p, "kmem", "rss_stat-6.18.format") ||
	      add_fixture(p, "sched", "sched_process_fork-6.18.format") ||
	      add_fixture(p, "sched", "sched_process_exec-6.18.format") ||
	      add_fixture(p, "task", "task_rename-6.18.format") ||
	      rss_parser_ready(p, err, sizeof(err));
	tap_ok(!ret && rss_parser_has(p, RSS_EV_FORK) && rss_parser_has(p, RSS_EV_EXEC) &&
	       rss_parser_has(p, RSS_EV_RENAME),
	       "6.18: rss_stat, sched_process_fork/exec (__data_loc comms), task_rename %s", err);
	if (read_file(rp, &raw) || read_file(tp, &text)) {
		tap_ok(0, "read the page fixtures");
		goto out;
	}
	for (off = 0; off + (size_t)page <= raw.len; off += (size_t)page)
		if (rss_parse_page(p, raw.buf + off, (size_t)page, 0, collect, &c, &missed))
			bad = -1;
	tap_ok(!bad && raw.len == 10 * (size_t)page && missed == 0,
	       "10 pages of trace_pipe_raw walked, no lost events reported");
	bad = 0;
	for (line = strtok_r(text.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct text_rec t;
		const struct rss_rec *r;

		if (!parse_text(line, &t))
			continue;
		if (i >= c.n) {
			bad++;
			continue;
		}
		r = &c.v[i++];
		/* the text rounds the timestamp to microseconds */
		if (fabs((double)r->ts / 1e9 - t.t) > 1e-6)
			bad_ts++;
		if (!strcmp(t.event, "rss_stat")) {
			nrss++;
			if (r->kind != RSS_EV_RSS || r->pid != t.pid || r->mm_id != t.mm_id ||
			    r->curr != (t.curr != 0) || r->size != t.size ||
			    strcmp(rss_member_name(p, r->member), t.type))
				bad++;
		} else if (!strcmp(t.event, "sched_process_fork")) {
			nfork++;
			if (r->kind != RSS_EV_FORK || r->pid != t.pid || r->child_pid != t.child ||
			    strcmp(r->comm, t.comm))
				bad++;
		} else {
			const char *base = strrchr(t.comm, '/');

			nexec++;
			if (r->kind != RSS_EV_EXEC || r->pid != t.pid)
				bad++;
			else if (strcmp(r->comm, base ? base + 1 : t.comm))
				bad_comm++;
		}
	}
	tap_ok(i == c.n && nrss == 1057 && nfork == 5 && nexec == 6,
	       "as many records as the kernel's text shows: %zu rss_stat, %zu fork, %zu exec "
	       "(raw %zu, text %zu)", nrss, nfork, nexec, c.n, i);
	tap_ok(!bad, "every record equals its text line: pid, mm_id, curr, type, size, child "
	       "(%d differ)", bad);
	tap_ok(!bad_ts, "timestamps equal the text's to the microsecond (%d differ)", bad_ts);
	tap_ok(!bad_comm, "exec comm is the file's basename (%d differ)", bad_comm);
	ret = rss_parse_page(p, raw.buf, 8, 0, collect, &c, &missed);
	tap_ok(ret == -EINVAL, "a page shorter than its header is refused");
out:
	free(c.v);
	sb_release(&raw);
	sb_release(&text);
	free(rp);
	free(tp);
	rss_parser_free(p);
}

static struct rss_rec ev(int pid, uint32_t mm, bool curr, int member, int64_t size)
{
	struct rss_rec r;

	memset(&r, 0, sizeof(r));
	r.kind = RSS_EV_RSS;
	r.pid = pid;
	r.mm_id = mm;
	r.curr = curr;
	r.member = member;
	r.size = size;
	return r;
}

static double row_value(const struct tsv *t, const char *scope, const char *pid,
			const char *type, const char *col)
{
	size_t r;

	for (r = 0; r < t->nrows; r++)
		if (!strcmp(tsv_get(t, r, tsv_col(t, "scope")), scope) &&
		    !strcmp(tsv_get(t, r, tsv_col(t, "pid")), pid) &&
		    !strcmp(tsv_get(t, r, tsv_col(t, "type")), type))
			return tsv_get_num(t, r, tsv_col(t, col));
	return NAN;
}

/*
 * Two mms, worked out by hand (K = 4096):
 *   A anon 1K, A anon 2K, B anon 1K  -> anon sum 3K (peak)
 *   A file 5K                        -> rss 8K (peak)
 *   A anon 0, A file 0 (exit)        -> anon 1K, file 0: final rss 1K
 * Process 10 (curr=1 on A): anon peak 2K, file peak 5K, rss peak 7K, final 0.
 */
static void test_summary(void)
{
	struct rss_parser *p = rss_parser_new();
	struct rss_agg *a = rss_agg_new();
	struct tsv t = { 0 };
	struct rss_rec seq[] = {
		ev(10, 0xa, true, 1, 4096), ev(10, 0xa, true, 1, 8192), ev(11, 0xb, true, 1, 4096),
		ev(10, 0xa, true, 0, 20480), ev(10, 0xa, false, 1, 0), ev(10, 0xa, false, 0, 0),
	};
	char dir[] = "/tmp/t-rss.XXXXXX", err[256], *path;
	size_t i;

	add_fixture(p, "kmem", "rss_stat-6.1.format");
	rss_parser_ready(p, err, sizeof(err));
	for (i = 0; i < ARRAY_SIZE(seq); i++)
		rss_agg_add(a, &seq[i], seq[i].pid == 10 ? "cc1" : "as");
	if (!mkdtemp(dir)) {
		tap_ok(0, "mkdtemp");
		goto out;
	}
	path = xasprintf("%s/rss_stat-summary.tsv", dir);
	tap_ok(!rss_agg_write(a, p, 3, path) && !tsv_load(&t, path, err, sizeof(err)),
	       "summary written and read back");
	tap_ok(row_value(&t, "type", "", "MM_ANONPAGES", "events") == 4 &&
	       row_value(&t, "type", "", "MM_ANONPAGES", "peak_bytes") == 12288 &&
	       row_value(&t, "type", "", "MM_ANONPAGES", "final_bytes") == 4096 &&
	       row_value(&t, "type", "", "MM_FILEPAGES", "peak_bytes") == 20480,
	       "per type: anon 4 events, peak 12K (sum over mms), final 4K; file peak 20K");
	tap_ok(row_value(&t, "total", "", "rss", "peak_bytes") == 32768 &&
	       row_value(&t, "total", "", "rss", "final_bytes") == 4096 &&
	       row_value(&t, "lost", "", "", "events") == 3,
	       "rss (file+anon+shmem) peak 32K final 4K; 3 lost events recorded");
	tap_ok(row_value(&t, "process", "10", "MM_ANONPAGES", "peak_bytes") == 8192 &&
	       row_value(&t, "process", "10", "rss", "peak_bytes") == 28672 &&
	       row_value(&t, "process", "11", "rss", "peak_bytes") == 4096 &&
	       isnan(row_value(&t, "process", "10", "MM_SWAPENTS", "events")),
	       "per process (curr=1 events): pid 10 anon peak 8K, rss peak 28K; pid 11 4K");
	tsv_release(&t);
	unlink(path);
	free(path);
	rmdir(dir);
out:
	rss_agg_free(a);
	rss_parser_free(p);
}

int main(void)
{
	tap_plan(29);
	test_format("rss_stat-5.10.format", "5.5-5.12 (kmem.h)", false);
	test_format("rss_stat-6.1.format", "6.1 guest", true);
	test_format("rss_stat-6.18.format", "6.18 host", true);
	test_real_pages();
	test_summary();
	return tap_done();
}
