// SPDX-License-Identifier: GPL-2.0
/*
 * mon-perf.c - "perf record -a" over the measured window (--perf), then
 * "perf report" into perf-symbols.tsv.
 *
 * The event is "cycles" where the machine counts them and "cpu-clock" (a
 * software timer) where it does not, e.g. in a VM without a virtual PMU:
 * detected with perf_event_open(), never assumed, and recorded in meta.json.
 * perf is looked up in $PATH; when it is missing or not permitted, start
 * fails with the reason and the runner carries on without this monitor.
 *
 * perf record runs in its own process group, so a Ctrl-C on the terminal
 * reaches patchbench (which then stops it cleanly) and not perf directly.
 */
#include "monitor.h"
#include "perf.h"
#include "perfsym.h"
#include "resultdir.h"
#include "run.h"
#include "spawn.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* perf.data above this is xz-compressed when perf cannot compress itself (no zstd). */
#define PERF_XZ_THRESHOLD (16ULL << 20)
/* How long perf record may take to write its file after SIGINT. */
#define PERF_STOP_TIMEOUT (120 * NSEC_PER_SEC)

struct perf_mon {
	char *perf;		/* absolute path of the perf binary */
	const char *event;	/* "cycles" | "cpu-clock" */
	char *data;		/* <dir>/perf.data */
	bool zstd;
	struct child rec;	/* perf record; rec.pid 0 if not running */
	bool started, stopped;
	struct strbuf notes;	/* what went wrong, for meta.json */
};

static void note(struct perf_mon *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct perf_mon *p, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pr_warn("perf: %s", buf);
	sb_addf(&p->notes, "%sperf: %s", p->notes.len ? "; " : "", buf);
}

static bool perf_wanted(const struct run *r)
{
	return r->o->perf;
}

static int perf_start(struct run *r, void **priv, char *err, size_t errlen)
{
	struct perf_mon *p;
	const char *event;
	char *bin = perf_find();
	int ret;

	if (!bin) {
		snprintf(err, errlen, "no 'perf' in PATH (install linux-perf)");
		return -ENOENT;
	}
	ret = perf_pick_event(&event, err, errlen);
	if (ret) {
		free(bin);
		return ret;
	}
	p = xcalloc(1, sizeof(*p));
	p->perf = bin;
	p->event = event;
	p->data = run_path(r, "perf.data");
	p->zstd = perf_has_zstd(bin);
	*priv = p;
	return 0;
}

static void record(struct run *r, struct perf_mon *p)
{
	char freq[16];
	char *log = run_path(r, "logs/perf-record.log");
	char *argv[] = { p->perf, "record", "-a", "-e", (char *)p->event, "-F", freq, "-N",
			 "-o", p->data, p->zstd ? "-z" : NULL, NULL };
	int fd, ret;

	snprintf(freq, sizeof(freq), "%d", r->o->perf_freq);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	child_init(&p->rec);
	p->rec.argv = argv;
	p->rec.exe = argv[0];
	p->rec.in = CHILD_NULL;
	p->rec.out = p->rec.err = fd >= 0 ? CHILD_FD : CHILD_INHERIT;
	p->rec.out_fd = p->rec.err_fd = fd;
	p->rec.kill_group = true;
	/* a SIGKILLed patchbench must not leave perf record -a running */
	p->rec.pdeathsig = SIGTERM;
	p->rec.exec_err = "";
	ret = child_start(&p->rec);
	p->rec.argv = NULL;	/* on this stack */
	p->rec.exe = NULL;
	if (ret) {
		note(p, "cannot fork perf record: %s", strerror(-ret));
		goto out;
	}
	p->started = true;
out:
	if (fd >= 0)
		close(fd);
	free(log);
}

/* SIGINT perf record and wait for it to write perf.data. */
static void stop_record(struct perf_mon *p)
{
	int64_t deadline = now_ns() + PERF_STOP_TIMEOUT;
	int status, w;

	if (!p->rec.pid || p->stopped)
		return;
	p->stopped = true;
	kill(p->rec.pid, SIGINT);
	for (;;) {
		w = child_poll(&p->rec);
		if (w)
			break;
		if (now_ns() > deadline) {
			note(p, "perf record did not exit %llds after SIGINT: killed",
			     (long long)(PERF_STOP_TIMEOUT / NSEC_PER_SEC));
			kill(p->rec.pid, SIGKILL);
			w = child_finish(&p->rec) < 0 ? -ECHILD : 1;
			break;
		}
		usleep(20000);
	}
	status = p->rec.status;
	if (w == -ECHILD)
		note(p, "perf record exited early (see logs/perf-record.log)");
	else if (WIFEXITED(status) && WEXITSTATUS(status))
		note(p, "perf record exited with status %d (see logs/perf-record.log)",
		     WEXITSTATUS(status));
	else if (WIFSIGNALED(status) && WTERMSIG(status) != SIGINT)
		note(p, "perf record was killed by signal %d", WTERMSIG(status));
	p->rec.pid = 0;
}

static void perf_event(struct run *r, void *priv, enum mon_event ev, int node)
{
	struct perf_mon *p = priv;

	if (ev == MON_WORKLOADS_STARTED && !p->started)
		record(r, p);
	else if (ev == MON_WORKLOADS_DONE)
		stop_record(p);
}

static void compress_xz(struct perf_mon *p)
{
	char *argv[] = { "/usr/bin/xz", "-T0", "-1", "-f", p->data, NULL };
	struct strbuf errout = STRBUF_INIT;
	struct stat st;
	int status;

	if (stat(p->data, &st) || (uint64_t)st.st_size < PERF_XZ_THRESHOLD)
		return;
	if (perf_capture(argv, NULL, &errout, &status) || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		note(p, "cannot xz '%s': %.200s", p->data, errout.buf ? errout.buf : "");
	sb_release(&errout);
}

static int perf_stop(struct run *r, void *priv)
{
	struct perf_mon *p = priv;
	struct perfsym_list l;
	char err[512];
	char *tsv;
	int ret, wret = 0;

	stop_record(p);
	if (!p->started)
		return 0;
	perfsym_list_init(&l);
	ret = perf_report_symbols(p->perf, p->data, &l, err, sizeof(err));
	if (ret) {
		note(p, "%s", err);
		goto out;
	}
	tsv = run_path(r, "perf-symbols.tsv");
	wret = perfsym_write_tsv(&l, tsv);
	if (wret)
		note(p, "cannot write '%s': %s", tsv, strerror(-wret));
	free(tsv);
	if (wret)
		goto out;
	if (!strcmp(r->o->perf_keep, "no"))
		unlink(p->data);
	else if (!p->zstd)
		compress_xz(p);
out:
	perfsym_list_release(&l);
	/*
	 * optional monitor: a profile perf could not make is a note, not a failed
	 * run; a profile it made that could not be written is a lost result
	 */
	return wret;
}

static void perf_meta(const struct run *r, void *priv, struct meta *m)
{
	struct perf_mon *p = priv;

	free(m->perf_event);
	m->perf_event = xstrdup(p->event);
	if (p->notes.len)
		meta_add_note(m, p->notes.buf);
}

static void perf_free(void *priv)
{
	struct perf_mon *p = priv;

	if (p->rec.pid > 0 && !p->rec.exited) {
		kill(p->rec.pid, SIGKILL);
		child_finish(&p->rec);
	}
	free(p->perf);
	free(p->data);
	sb_release(&p->notes);
	free(p);
}

const struct monitor mon_perf = {
	.name = "perf",
	.summary = "perf record -a over the measured window, perf report into perf-symbols.tsv",
	.wanted = perf_wanted,
	.start = perf_start,
	.event = perf_event,
	.stop = perf_stop,
	.meta = perf_meta,
	.free = perf_free,
};
