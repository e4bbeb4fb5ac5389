// SPDX-License-Identifier: GPL-2.0
/*
 * rss-bench.c - rss_stat ingestion: patchbench's libtraceevent path
 * (rss_parse_page + rss_agg_add, what the rss_stat monitor does per event)
 * against the text path a shell script would take: "trace-cmd report" of
 * a trace.dat piped into awk that keeps the same aggregates (events per
 * type, latest size per mm and type, peak of the sum).
 *
 * One recording: two tracing instances, configured alike, trace the same
 * workload (pid-filtered with event-fork) at the same time; instance A's
 * raw pages are read into memory, instance B is saved by "trace-cmd
 * extract" (the way that works here: trace-cmd record cannot enable
 * tracing on this kind of host). Both sides must count the same events.
 */
#include "rss-bench.h"
#include "json.h"
#include "perf.h"
#include "rss.h"
#include "spawn.h"
#include "stats.h"
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <tracefs.h>
#include <unistd.h>

#define BENCH_BUFFER_KB (24 * 1024)	/* per CPU and instance: the whole trace fits */
#define ITERATIONS 5
/* ~2000 anon faults per dd (8 MiB buffer), each an rss_stat event on 6.2+ */
#define WORKLOAD "i=0; while [ $i -lt 60 ]; do dd if=/dev/zero bs=8M count=1 status=none" \
		 " | cat >/dev/null; i=$((i+1)); done"

static const char *const AWK_PROG =
	"/rss_stat:/ { n++;"
	"  for (i = 1; i <= NF; i++) {"
	"    if ($i ~ /^mm_id=/) mm = substr($i, 7);"
	"    else if ($i ~ /^(type|member)=/) t = substr($i, index($i, \"=\") + 1);"
	"    else if ($i ~ /^size=/) s = substr($i, 6) + 0 }"
	"  ev[t]++; k = mm SUBSEP t; sum[t] += s - last[k]; last[k] = s;"
	"  if (sum[t] > peak[t]) peak[t] = sum[t] }"
	"END { print n + 0 }";

struct recording {
	struct strbuf pages;	/* instance A: raw pages, page_size each */
	size_t page_size;
	struct rss_parser *parser;
	char *dir, *dat;
	uint64_t lost_a;
};

static struct tracefs_instance *make_instance(const char *name, char *err, size_t errlen)
{
	struct tracefs_instance *inst = tracefs_instance_create(name);

	if (!inst) {
		snprintf(err, errlen, "cannot create tracing instance '%s': %s", name,
			 strerror(errno));
		return NULL;
	}
	tracefs_instance_set_buffer_size(inst, BENCH_BUFFER_KB, -1);
	tracefs_option_disable(inst, TRACEFS_OPTION_OVERWRITE);
	tracefs_option_enable(inst, TRACEFS_OPTION_EVENT_FORK);
	return inst;
}

static void drop_instance(struct tracefs_instance *inst)
{
	if (!inst)
		return;
	tracefs_trace_off(inst);
	tracefs_instance_destroy(inst);
	tracefs_instance_free(inst);
}

/* In the child: wait for the go byte (the tracing is set up), then run the workload. */
static int workload_main(void *arg)
{
	int *go = arg;
	char c;

	close(go[1]);
	if (read(go[0], &c, 1) != 1)
		return 1;
	execl("/bin/sh", "sh", "-c", WORKLOAD, (char *)NULL);
	return 127;
}

/* Run the workload traced by both instances; 0 or -errno with @err. */
static int record(struct tracefs_instance *a, struct tracefs_instance *b, char *err,
		  size_t errlen)
{
	struct child ch = CHILD_INIT;
	int go[2], ret;
	char pid[16], c = 0;

	if (pipe(go))
		return -errno;
	ch.fn = workload_main;
	ch.fn_arg = go;
	ret = child_start(&ch);
	close(go[0]);
	if (ret) {
		close(go[1]);
		return ret;
	}
	snprintf(pid, sizeof(pid), "%d", (int)ch.pid);
	if (tracefs_instance_file_write(a, "set_event_pid", pid) < 0 ||
	    tracefs_instance_file_write(b, "set_event_pid", pid) < 0 ||
	    tracefs_event_enable(a, "kmem", "rss_stat") || tracefs_event_enable(b, "kmem", "rss_stat")) {
		snprintf(err, errlen, "cannot set up kmem:rss_stat in the bench instances");
		child_kill(&ch, SIGKILL);
		close(go[1]);
		child_finish(&ch);
		return -EIO;
	}
	if (write(go[1], &c, 1) != 1)
		child_kill(&ch, SIGKILL);
	close(go[1]);
	child_finish(&ch);
	tracefs_trace_off(a);
	tracefs_trace_off(b);
	return 0;
}

static int read_pages(struct tracefs_instance *inst, struct recording *rec)
{
	int ncpu = (int)sysconf(_SC_NPROCESSORS_CONF), cpu;

	for (cpu = 0; cpu < ncpu; cpu++) {
		struct tracefs_cpu *t = tracefs_cpu_open(inst, cpu, true);
		int n;

		if (!t)
			continue;
		rec->page_size = (size_t)tracefs_cpu_read_size(t);
		sb_grow(&rec->pages, rec->page_size);
		while ((n = tracefs_cpu_read(t, rec->pages.buf + rec->pages.len, true)) > 0) {
			/* keep whole pages: a short read is padded to the page size */
			memset(rec->pages.buf + rec->pages.len + n, 0, rec->page_size - (size_t)n);
			rec->pages.len += rec->page_size;
			sb_grow(&rec->pages, rec->page_size);
		}
		tracefs_cpu_close(t);
	}
	return rec->pages.len ? 0 : -ENODATA;
}

struct count {
	struct rss_agg *agg;
};

static int count_one(const struct rss_rec *r, void *ctx)
{
	struct count *c = ctx;

	if (r->kind == RSS_EV_RSS)
		rss_agg_add(c->agg, r, NULL);
	return 0;
}

/* One pass of patchbench's path over the recorded pages; returns the events seen. */
static uint64_t ingest(struct recording *rec)
{
	struct count c = { rss_agg_new() };
	uint64_t n, missed = 0;
	size_t off;

	for (off = 0; off + rec->page_size <= rec->pages.len; off += rec->page_size)
		rss_parse_page(rec->parser, rec->pages.buf + off, rec->page_size, 0, count_one, &c,
			       &missed);
	n = rss_agg_events(c.agg);
	rss_agg_free(c.agg);
	return n;
}

/* trace-cmd report | awk, timed; returns awk's event count, or -1. */
static long long tracecmd_pass(const char *tracecmd, const char *dat, int64_t *ns)
{
	char *script = xasprintf("'%s' report -i '%s' 2>/dev/null | awk '%s'", tracecmd, dat,
				 AWK_PROG);
	char *argv[] = { "/bin/sh", "-c", script, NULL };
	struct strbuf out = STRBUF_INIT;
	int64_t t0 = now_ns();
	long long n = -1;
	int status;

	if (!perf_capture(argv, &out, NULL, &status) && WIFEXITED(status) &&
	    !WEXITSTATUS(status) && out.buf)
		n = atoll(out.buf);
	*ns = now_ns() - t0;
	sb_release(&out);
	free(script);
	return n;
}

static int load_parser(struct recording *rec, char *err, size_t errlen)
{
	int size = 0;
	char *fmt = tracefs_event_file_read(NULL, "kmem", "rss_stat", "format", &size);
	int ret;

	rec->parser = rss_parser_new();
	if (!fmt || !rec->parser) {
		snprintf(err, errlen, "no kmem:rss_stat format");
		free(fmt);
		return -ENOENT;
	}
	ret = rss_parser_add_format(rec->parser, "kmem", fmt, (size_t)size, err, errlen);
	free(fmt);
	return ret ? ret : rss_parser_ready(rec->parser, err, errlen);
}

static int skipped(struct json_writer *w, FILE *out, const char *why)
{
	if (w) {
		jw_obj_begin(w);
		jw_kstr(w, "collection", "rss");
		jw_kstr(w, "skipped", why);
		jw_obj_end(w);
	} else {
		fprintf(out, "rss: skipped: %s\n", why);
	}
	return 1;
}

int rss_bench_ingest(struct json_writer *w, FILE *out)
{
	struct tracefs_instance *ia = NULL, *ib = NULL;
	struct recording rec = { STRBUF_INIT, 0, NULL, NULL, NULL, 0 };
	double ours[ITERATIONS], theirs[3];
	char name[64], err[512] = "", *tracecmd = NULL;
	uint64_t events = 0;
	long long awk_events = -1;
	int i, ret = 0;

	if (geteuid() != 0)
		return skipped(w, out, "needs root (tracing instances)");
	if (!tracefs_tracing_dir() ||
	    !tracefs_event_file_exists(NULL, "kmem", "rss_stat", "format"))
		return skipped(w, out, "no tracefs or no kmem:rss_stat");
	tracecmd = pb_which("trace-cmd");
	if (!tracecmd)
		return skipped(w, out, "no trace-cmd in PATH (make deps installs it)");
	ret = load_parser(&rec, err, sizeof(err));
	if (ret)
		goto out;
	snprintf(name, sizeof(name), "patchbench-bench-%d-a", (int)getpid());
	ia = make_instance(name, err, sizeof(err));
	snprintf(name, sizeof(name), "patchbench-bench-%d-b", (int)getpid());
	ib = ia ? make_instance(name, err, sizeof(err)) : NULL;
	if (!ib) {
		ret = -EIO;
		goto out;
	}
	ret = record(ia, ib, err, sizeof(err));
	if (ret)
		goto out;
	ret = read_pages(ia, &rec);
	if (ret) {
		snprintf(err, sizeof(err), "instance A recorded nothing");
		goto out;
	}
	rec.dir = xasprintf("/tmp/pb-rss-bench.%d", (int)getpid());
	mkdir_p(rec.dir, 0700);
	rec.dat = xasprintf("%s/trace.dat", rec.dir);
	{
		char *argv[] = { tracecmd, "extract", "-B", name, "-o", rec.dat, NULL };
		struct strbuf e = STRBUF_INIT;
		int status;

		if (perf_capture(argv, NULL, &e, &status) || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			snprintf(err, sizeof(err), "trace-cmd extract failed: %.200s",
				 e.buf ? e.buf : "");
			sb_release(&e);
			ret = -EIO;
			goto out;
		}
		sb_release(&e);
	}
	drop_instance(ia);
	drop_instance(ib);
	ia = ib = NULL;

	for (i = 0; i < ITERATIONS; i++) {
		int64_t t0 = now_ns();

		events = ingest(&rec);
		ours[i] = (double)(now_ns() - t0) / 1e9;
	}
	for (i = 0; i < 3; i++) {
		int64_t ns;

		awk_events = tracecmd_pass(tracecmd, rec.dat, &ns);
		theirs[i] = (double)ns / 1e9;
	}
	{
		double t_ours = stats_median(ours, ITERATIONS), t_theirs = stats_median(theirs, 3);
		double r_ours = (double)events / t_ours, r_theirs = (double)events / t_theirs;

		if (w) {
			jw_obj_begin(w);
			jw_kstr(w, "collection", "rss");
			jw_kuint(w, "events", events);
			jw_kint(w, "tracecmd_events", awk_events);
			jw_kuint(w, "raw_bytes", rec.pages.len);
			jw_kdouble(w, "libtraceevent_s", t_ours);
			jw_kdouble(w, "libtraceevent_events_per_s", r_ours);
			jw_kdouble(w, "tracecmd_awk_s", t_theirs);
			jw_kdouble(w, "tracecmd_awk_events_per_s", r_theirs);
			jw_kdouble(w, "ratio", r_ours / r_theirs);
			jw_obj_end(w);
		} else {
			fprintf(out, "rss: kmem:rss_stat ingestion, one recorded trace: %llu events, "
				"%.1f MiB raw\n", (unsigned long long)events,
				(double)rec.pages.len / (1 << 20));
			fprintf(out, "  %-34s %12s %9s\n", "method", "events/s", "time");
			fprintf(out, "  %-34s %12.0f %8.3fs\n", "patchbench (libtraceevent, raw)",
				r_ours, t_ours);
			fprintf(out, "  %-34s %12.0f %8.3fs\n", "trace-cmd report | awk", r_theirs,
				t_theirs);
			fprintf(out, "  ratio: %.1fx (median of %d and 3 passes)\n",
				r_ours / r_theirs, ITERATIONS);
			if (awk_events != (long long)events)
				fprintf(out, "  note: trace-cmd's side counted %lld events\n",
					awk_events);
		}
	}
out:
	if (ret)
		pr_err("rss bench: %s", err);
	drop_instance(ia);
	drop_instance(ib);
	if (rec.dat)
		unlink(rec.dat);
	if (rec.dir)
		rmdir(rec.dir);
	free(rec.dat);
	free(rec.dir);
	free(tracecmd);
	rss_parser_free(rec.parser);
	sb_release(&rec.pages);
	return ret;
}
