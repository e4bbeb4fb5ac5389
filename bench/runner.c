// SPDX-License-Identifier: GPL-2.0
/*
 * runner.c - one run: validate the input, create the cgroup tree, start the
 * workloads, sample once per interval, then clean up and write the result
 * directory. Whatever happens after the tree exists (a failed workload,
 * SIGINT, SIGTERM), every process is killed, every cgroup removed, and the
 * result directory says what happened.
 */
#include "runner.h"
#include "envcap.h"
#include "report.h"
#include "resultdir.h"
#include "monitor.h"
#include "drift.h"
#include "insn-marker.h"
#include "tsv.h"
#include "sampler.h"
#include "target.h"
#include "spawn.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_signal;

static void monitors_event(struct run *r, enum mon_event ev, int node);

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* Start @c as the process of @wi (see run_spawn()). 0 or -errno. */
static int run_start(struct wl_inst *wi, bool outside, struct child *c)
{
	struct run *r = wi->run;
	pid_t pid;

	pid = cg_child_start(&r->tree, outside ? NULL : &r->tree.nodes[wi->node], wi->logfd, c);
	if (pid < 0)
		return pid;
	wi->pid = pid;
	monitors_event(r, MON_WORKLOAD_SPAWNED, wi->node);
	return 0;
}

int run_spawn(struct wl_inst *wi, bool outside, int (*fn)(void *), void *arg)
{
	struct child c = CHILD_INIT;

	c.fn = fn;
	c.fn_arg = arg;
	return run_start(wi, outside, &c);
}

int run_spawn_argv(struct wl_inst *wi, bool outside, char *const argv[])
{
	struct child c = CHILD_INIT;

	c.argv = argv;
	/* A make started by "make test" must not join that make's jobserver. */
	c.clear_make_env = true;
	c.exec_err = "patchbench: error: ";
	return run_start(wi, outside, &c);
}

static enum scale parse_scale(const char *s)
{
	if (!strcmp(s, "full"))
		return SCALE_FULL;
	if (!strcmp(s, "small"))
		return SCALE_SMALL;
	return SCALE_SMOKE;
}

static uint64_t mem_total(void)
{
	struct strbuf sb = STRBUF_INIT;
	uint64_t kb = 0;
	char *p;

	if (!read_file("/proc/meminfo", &sb) && (p = strstr(sb.buf, "MemTotal:")))
		kb = strtoull(p + 9, NULL, 10);
	sb_release(&sb);
	return kb * 1024;
}

static void fill_meta(const struct run *r, struct meta *m)
{
	struct utsname u;
	char buf[64];

	meta_init(m);
	m->tool_version = xstrdup(PATCHBENCH_VERSION);
	m->run_id = xstrdup(r->id);
	m->status = xstrdup(run_status_name(r->status));
	m->target = xstrdup(r->o->target_label ? r->o->target_label : "host");
	m->kernel_name = r->o->kernel_name ? xstrdup(r->o->kernel_name) : NULL;
	m->series = r->o->series ? xstrdup(r->o->series) : NULL;
	m->config_hash = r->o->config_hash ? xstrdup(r->o->config_hash) : NULL;
	if (!uname(&u)) {
		m->kernel_release = xstrdup(u.release);
		m->kernel_version = xstrdup(u.version);
	}
	m->cgroup_version = xstrdup(cg_version_name(r->layout.version));
	m->cgroup_path = xstrdup(r->tree.run_mem ? r->tree.run_mem : "");
	m->cpus = (int)r->cpus;
	m->page_size = (int)r->page_size;
	m->mem_total = mem_total();
	run_opts_to_meta(r->o, m);
	m->perf_event = xstrdup("none");
	m->start = xstrdup(iso8601(buf, sizeof(buf), r->wall_start));
	if (r->wall_end) {
		m->end = xstrdup(iso8601(buf, sizeof(buf), r->wall_end));
		m->duration_s = (double)(r->wall_end - r->wall_start) / 1e9;
	}
	m->samples = r->samples;
	m->missed_intervals = r->missed;
	m->error = r->error ? xstrdup(r->error) : NULL;
	m->notes = r->notes.len ? xstrdup(r->notes.buf) : NULL;
	m->env = r->env;	/* borrowed: write_meta() takes it back */
	for (size_t i = 0; monitors[i]; i++)
		if (r->mon_priv[i] && monitors[i]->meta)
			monitors[i]->meta(r, r->mon_priv[i], m);
	for (size_t i = 0; i < r->ninst; i++)
		if (r->inst[i].state == WL_FAILED && !m->failed_log)
			m->failed_log = xstrdup(r->inst[i].log);
	run_opts_params_to_meta(r->o, m);
}

/*
 * The meta.json of the run as it is now. With @last, a full disk gets one
 * more try after the stale meta.json is removed (its blocks may be just what
 * the new one needs): no meta.json is better than one that says "running".
 */
static int write_meta(struct run *r, bool last)
{
	struct meta m;
	int ret;

	fill_meta(r, &m);
	ret = meta_write(&m, r->dir);
	if (ret && last) {
		char *p = run_path(r, "meta.json");

		unlink(p);
		free(p);
		ret = meta_write(&m, r->dir);
	}
	m.env = NULL;
	meta_release(&m);
	if (ret)
		pr_err("cannot write '%s/meta.json': %s", r->dir, strerror(-ret));
	return ret;
}

static int write_workloads_tsv(struct run *r)
{
	static const char *const cols[] = { "workload", "cgroup", "pid", "start_ms", "end_ms",
					    "wall_ms", "exit", "state", "log", NULL };
	struct tsv_writer w;
	char *p = run_path(r, "workloads.tsv");
	size_t i;
	int ret = tsv_writer_open(&w, p, cols);

	free(p);
	if (ret)
		return ret;
	for (i = 0; i < r->ninst; i++) {
		const struct wl_inst *wi = &r->inst[i];
		static const char *const st[] = { "pending", "running", "done", "failed", "stopped" };

		tsv_put_str(&w, wi->wl->name);
		tsv_put_str(&w, r->tree.nodes[wi->node].rel);
		tsv_put_i64(&w, wi->pid);
		tsv_put_i64(&w, wi->start_ns ? (wi->start_ns - r->t0) / NSEC_PER_MSEC : -1);
		tsv_put_i64(&w, wi->end_ns ? (wi->end_ns - r->t0) / NSEC_PER_MSEC : -1);
		tsv_put_i64(&w, wi->end_ns && wi->start_ns ?
				(wi->end_ns - wi->start_ns) / NSEC_PER_MSEC : -1);
		tsv_put_i64(&w, wi->exit_code);
		tsv_put_str(&w, st[wi->state]);
		tsv_put_str(&w, wi->log);
		tsv_end_row(&w);
	}
	return tsv_writer_commit(&w);
}

static struct wl_inst *inst_by_pid(struct run *r, pid_t pid)
{
	size_t i;

	for (i = 0; i < r->ninst; i++)
		if (r->inst[i].pid == pid)
			return &r->inst[i];
	return NULL;
}

static void inst_exited(struct run *r, struct wl_inst *wi, int status)
{
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	enum wl_state st;

	wi->pid = 0;
	wi->exit_code = code;
	if (wi->state != WL_RUNNING)
		return;
	st = wi->wl->exited(wi, code);
	/*
	 * Killed by our own stop after SIGINT/SIGTERM/SIGHUP: the run was
	 * interrupted, the workload did not fail.
	 */
	if (st == WL_FAILED && stop_signal && r->stopping &&
	    (code == 128 + SIGTERM || code == 128 + SIGKILL))
		st = WL_STOPPED;
	wi->state = st;
	if (st == WL_RUNNING)
		return;
	wi->end_ns = now_ns();
	if (st == WL_DONE && wi->wl->deletes_children)
		monitors_event(r, MON_CHILDREN_DELETED, wi->node);
	if (st == WL_FAILED && !r->error) {
		r->error = xasprintf("workload %s in '%s' failed with exit code %d (see %s/%s)",
				     wi->wl->name, r->tree.nodes[wi->node].rel, code, r->dir,
				     wi->log);
		r->status = RUN_FAILED;
	}
}

/* Reap every child that has exited, without blocking. */
static void reap(struct run *r)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct wl_inst *wi = inst_by_pid(r, pid);

		if (wi)
			inst_exited(r, wi, status);
	}
}

static bool foreground_running(const struct run *r, bool *any_fg)
{
	size_t i;
	bool running = false;

	*any_fg = false;
	for (i = 0; i < r->ninst; i++) {
		if (r->inst[i].wl->background)
			continue;
		*any_fg = true;
		if (r->inst[i].state == WL_RUNNING || r->inst[i].state == WL_PENDING)
			running = true;
	}
	return running;
}

static void progress_line(struct run *r, int64_t now)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	sb_addf(&sb, "[%4llds] samples %lu", (long long)((now - r->t0) / NSEC_PER_SEC),
		r->samples);
	for (i = 0; i < r->ninst; i++) {
		struct wl_inst *wi = &r->inst[i];
		char p[64] = "";

		if (wi->wl->background)
			continue;
		if (wi->wl->progress)
			wi->wl->progress(wi, p, sizeof(p));
		sb_addf(&sb, " | %s %s%s", r->tree.nodes[wi->node].name, p,
			wi->state == WL_DONE ? " done" : wi->state == WL_FAILED ? " FAILED" : "");
	}
	pr_info("%s", sb.buf);
	sb_release(&sb);
}

/* SIGTERM the process groups, then SIGKILL what is left; reap them all. */
static void stop_all(struct run *r)
{
	int64_t deadline;
	size_t i;

	r->stopping = true;
	for (i = 0; i < r->ninst; i++)
		if (r->inst[i].pid > 0)
			kill(-r->inst[i].pid, SIGTERM);
	deadline = now_ns() + 2 * NSEC_PER_SEC;
	for (;;) {
		bool alive = false;

		reap(r);
		for (i = 0; i < r->ninst; i++)
			if (r->inst[i].pid > 0)
				alive = true;
		if (!alive || now_ns() > deadline)
			break;
		usleep(20000);
	}
	for (i = 0; i < r->ninst; i++) {
		if (r->inst[i].pid > 0) {
			kill(-r->inst[i].pid, SIGKILL);
			kill(r->inst[i].pid, SIGKILL);
		}
	}
	/* Anything that escaped its process group is still in a cgroup of ours. */
	cg_kill_all(r->tree.run_mem, r->layout.version);
	for (i = 0; i < r->ninst; i++) {
		int status;

		if (r->inst[i].pid > 0 && waitpid(r->inst[i].pid, &status, 0) > 0)
			inst_exited(r, &r->inst[i], status);
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static int start_instances(struct run *r, bool background)
{
	size_t i;
	int ret;

	for (i = 0; i < r->ninst; i++) {
		struct wl_inst *wi = &r->inst[i];
		char *logpath;

		if (wi->wl->background != background)
			continue;
		logpath = run_path(r, wi->log);
		wi->logfd = open(logpath, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (wi->logfd < 0) {
			ret = -errno;
			pr_err("cannot create '%s': %s", logpath, strerror(errno));
			free(logpath);
			return ret;
		}
		free(logpath);
		wi->start_ns = now_ns();
		wi->state = WL_RUNNING;
		ret = wi->wl->start(wi);
		if (ret) {
			wi->state = WL_FAILED;
			wi->end_ns = now_ns();
			r->error = xasprintf("cannot start workload %s in '%s': %s", wi->wl->name,
					     r->tree.nodes[wi->node].rel, strerror(-ret));
			r->status = RUN_FAILED;
			return ret;
		}
	}
	return 0;
}

static void add_instances(struct run *r, const struct workload *wl, void *params)
{
	size_t i;
	int idx = 0;

	for (i = 0; i < r->tree.n; i++) {
		struct wl_inst *wi;

		if (r->tree.nodes[i].role != wl_role(wl))
			continue;
		r->inst = xrealloc(r->inst, (r->ninst + 1) * sizeof(*r->inst));
		wi = &r->inst[r->ninst++];
		memset(wi, 0, sizeof(*wi));
		wi->wl = wl;
		wi->params = params;
		wi->run = r;
		wi->node = (int)i;
		wi->index = idx++;
		wi->logfd = -1;
		wi->log = xasprintf("logs/%s-%s.log", wl->name, r->tree.nodes[i].name);
	}
}

/* Start every wanted monitor; a required one that fails fails the run. */
static int monitors_start(struct run *r)
{
	char err[512];
	size_t i;

	for (i = 0; monitors[i]; i++) {
		const struct monitor *m = monitors[i];
		void *priv = NULL;

		if (m->wanted && !m->wanted(r))
			continue;
		err[0] = '\0';
		if (m->start(r, &priv, err, sizeof(err))) {
			if (m->required) {
				r->error = xasprintf("monitor %s: %s", m->name, err);
				r->status = RUN_FAILED;
				return -1;
			}
			pr_warn("monitor %s is off: %s", m->name, err);
			sb_addf(&r->notes, "%s%s: %s", r->notes.len ? "; " : "", m->name, err);
			continue;
		}
		/* a monitor with no state still needs a non-NULL mark */
		r->mon_priv[i] = priv ? priv : (void *)r;
	}
	return 0;
}

static void monitors_sample(struct run *r, int64_t t)
{
	size_t i;

	for (i = 0; monitors[i]; i++)
		if (r->mon_priv[i] && monitors[i]->sample)
			monitors[i]->sample(r, r->mon_priv[i], t);
	r->samples++;
}

static void monitors_event(struct run *r, enum mon_event ev, int node)
{
	size_t i;

	for (i = 0; monitors[i]; i++)
		if (r->mon_priv[i] && monitors[i]->event)
			monitors[i]->event(r, r->mon_priv[i], ev, node);
}

/* Stop every monitor (last reads, commit files) while the cgroups still exist. */
static void monitors_stop(struct run *r)
{
	size_t i;

	for (i = 0; monitors[i]; i++) {
		const struct monitor *m = monitors[i];
		int ret;

		if (!r->mon_priv[i] || !m->stop)
			continue;
		/* a monitor returns an error only for results it could not write */
		ret = m->stop(r, r->mon_priv[i]);
		if (ret && !r->error) {
			r->error = xasprintf("monitor %s could not write its results: %s", m->name,
					     strerror(-ret));
			r->status = RUN_FAILED;
		}
	}
}

static void monitors_free(struct run *r)
{
	size_t i;

	for (i = 0; monitors[i]; i++) {
		if (r->mon_priv[i] && r->mon_priv[i] != (void *)r && monitors[i]->free)
			monitors[i]->free(r->mon_priv[i]);
		r->mon_priv[i] = NULL;
	}
}

static void sleep_until(int64_t t)
{
	struct timespec ts = { t / NSEC_PER_SEC, t % NSEC_PER_SEC };

	/* EINTR on a signal is wanted: the loop then looks at stop_signal. */
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

/* The measured window: sample every interval until the foreground work is done. */
static void main_loop(struct run *r)
{
	const struct run_opts *o = r->o;
	int64_t next = now_ns(), end_at = 0, last_progress = 0, last_sample = 0, now;
	bool any_fg;

	for (;;) {
		now = now_ns();
		if (now >= next) {
			monitors_sample(r, now);
			last_sample = now;
			/* this sample stands for the first grid point passed; the rest are missed */
			next += o->interval;
			while (next <= now) {
				next += o->interval;
				r->missed++;
			}
		}
		reap(r);
		if (stop_signal) {
			r->status = RUN_INTERRUPTED;
			pr_info("%s: stopping, cleaning up", strsignal(stop_signal));
			break;
		}
		if (r->status == RUN_FAILED)
			break;
		if (!pb_quiet && now - last_progress >= NSEC_PER_SEC - 100 * NSEC_PER_MSEC) {
			progress_line(r, now);
			last_progress = now;
		}
		if (!end_at) {
			bool fg = foreground_running(r, &any_fg);

			if (any_fg && !fg)
				end_at = now + o->settle;
			else if (o->duration && now - r->t0 >= o->duration)
				end_at = now;
			else if (!any_fg && !o->duration)
				end_at = r->t0 + 10 * NSEC_PER_SEC;
		}
		if (end_at && now >= end_at) {
			/* a last sample, unless one was just taken */
			if (now - last_sample >= o->interval / 2)
				monitors_sample(r, now);
			monitors_event(r, MON_WORKLOADS_DONE, -1);
			break;
		}
		sleep_until(end_at && end_at < next ? end_at : next);
	}
}

/* More than 10% of the sampling grid without a sample: the numbers are thinner than asked. */
static void check_missed(struct run *r)
{
	unsigned long grid = r->samples + r->missed;
	char buf[160];

	if (!r->missed || r->missed * 10 <= grid)
		return;
	snprintf(buf, sizeof(buf), "sampler missed %lu of %lu intervals (%.0f%%): sampling %zu "
		 "cgroups (or the machine) was slower than the interval", r->missed, grid,
		 100.0 * (double)r->missed / (double)grid, r->tree.n);
	pr_warn("%s", buf);
	sb_addf(&r->notes, "%s%s", r->notes.len ? "; " : "", buf);
}

/* Remove every "*.tmp" file in @dir and @dir/logs. */
static void remove_temp_files(const char *dir)
{
	static const char *const sub[] = { "", "/logs" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sub); i++) {
		char *d = xasprintf("%s%s", dir, sub[i]);
		DIR *dh = opendir(d);
		struct dirent *de;

		while (dh && (de = readdir(dh))) {
			size_t n = strlen(de->d_name);

			if (n > 4 && !strcmp(de->d_name + n - 4, ".tmp") && de->d_type != DT_DIR) {
				char *p = xasprintf("%s/%s", d, de->d_name);

				unlink(p);
				free(p);
			}
		}
		if (dh)
			closedir(dh);
		free(d);
	}
}

static char *owner_dir(const char *cache)
{
	return xasprintf("%s/runs", cache);
}

/*
 * Record who owns this run's cgroups, scratch and result directory, so that
 * the leftovers of a SIGKILL can be told from a live run. Best effort: a run
 * without a record only cannot be cleaned up after by "patchbench clean".
 */
static void owner_write(struct run *r)
{
	struct strbuf sb = STRBUF_INIT;
	struct run_owner ow;
	char *dir = owner_dir(r->cache);
	int ret;

	ret = owner_self(&ow);
	if (!ret) {
		ow.run_id = xstrdup(r->id);
		ow.dir = realpath(r->dir, NULL);
		ow.mem = xstrdup(r->tree.run_mem);
		ow.cpu = r->tree.run_cpu && r->layout.version == CG_V1 ?
			 xstrdup(r->tree.run_cpu) : NULL;
		ow.work = xstrdup(r->workdir);
		owner_format(&ow, &sb);
		ret = mkdir_p(dir, 0755);
	}
	r->owner_path = xasprintf("%s/%s.owner", dir, r->id);
	if (!ret)
		ret = write_atomic(r->owner_path, sb.buf, sb.len);
	if (ret) {
		pr_warn("cannot record the run's owner in '%s': %s", r->owner_path,
			strerror(-ret));
		free(r->owner_path);
		r->owner_path = NULL;
	}
	owner_release(&ow);
	sb_release(&sb);
	free(dir);
}

/* Is @path "<parent>/patchbench-<id>" for one of our own cgroups @parents? */
static bool own_run_cgroup(const char *path, const char *id, const char *const *parents)
{
	char *want;
	bool ok = false;
	size_t i;

	for (i = 0; parents[i] && !ok; i++) {
		want = xasprintf("%s/patchbench-%s", parents[i], id);
		ok = !strcmp(want, path);
		free(want);
	}
	return ok;
}

/* Rebuild the run of a dead owner from its meta.json, to process its samples.raw. */
static int recover_samples(const char *dir, struct meta *m, unsigned long *samples)
{
	struct run_opts o;
	struct run run, *r = &run;
	char err[256];
	int ret;

	run_opts_init(&o);
	run_opts_from_meta(&o, m);
	memset(r, 0, sizeof(*r));
	r->o = &o;
	r->dir = (char *)dir;
	r->cpus = m->cpus > 0 ? (unsigned)m->cpus : 1;
	r->page_size = m->page_size > 0 ? (unsigned)m->page_size : 4096;
	ret = cg_layout_detect(&r->layout, m->cgroup_version ? m->cgroup_version : "auto", err,
			       sizeof(err));
	if (ret)
		goto out;
	cg_tree_init(&r->tree, &r->layout, "recover");
	wl_tree_build(&r->tree, &o);
	ret = sampler_recover(r, samples);
	cg_tree_release(&r->tree);
	cg_layout_release(&r->layout);
out:
	run_opts_release(&o);
	return ret;
}

/* Mark the result directory of a dead run "killed", its samples in the TSV files. */
static void mark_killed(const struct run_owner *ow, bool dry_run, FILE *out)
{
	struct meta m;
	char err[512], *raw;
	unsigned long samples = 0;
	bool have_raw;
	int ret;

	if (!ow->dir || meta_load(&m, ow->dir, err, sizeof(err)))
		return;
	if (!m.status || strcmp(m.status, "running") || !m.run_id ||
	    strcmp(m.run_id, ow->run_id) || resultdir_locked(ow->dir, NULL))
		goto out;
	raw = xasprintf("%s/samples.raw", ow->dir);
	have_raw = path_exists(raw);
	free(raw);
	if (out)
		fprintf(out, "  %smark '%s' killed%s\n", dry_run ? "would " : "", ow->dir,
			have_raw ? ", samples.raw into memstat.tsv, readlat.tsv, drift.tsv" : "");
	if (dry_run)
		goto out;
	if (have_raw) {
		ret = recover_samples(ow->dir, &m, &samples);
		if (ret)
			meta_add_note(&m, "samples.raw could not be processed: it is kept");
		else
			m.samples = samples;
	}
	remove_temp_files(ow->dir);
	free(m.status);
	m.status = xstrdup(run_status_name(RUN_KILLED));
	free(m.error);
	m.error = xasprintf("killed: patchbench (pid %d) died without finishing the run; "
			    "its leftovers were cleaned up later", (int)ow->pid);
	ret = meta_write(&m, ow->dir);
	if (ret)
		pr_err("cannot write '%s/meta.json': %s", ow->dir, strerror(-ret));
out:
	meta_release(&m);
}

/* Remove what the dead run of @ow left. 0, or -errno if something stayed. */
static int clean_one(const struct run_owner *ow, const char *const *cg_parents, bool dry_run,
		     FILE *out)
{
	const char *const cgs[] = { ow->mem, ow->cpu };
	const char *pre = dry_run ? "would " : "";
	int ret = 0, r;
	size_t i;

	if (out)
		fprintf(out, "run %s: owner pid %d is dead\n", ow->run_id, (int)ow->pid);
	for (i = 0; i < ARRAY_SIZE(cgs); i++) {
		if (!cgs[i] || !is_dir(cgs[i]))
			continue;
		if (!own_run_cgroup(cgs[i], ow->run_id, cg_parents)) {
			if (out)
				fprintf(out, "  left alone: cgroup '%s' is not right below our own "
					"cgroup\n", cgs[i]);
			ret = -EPERM;
			continue;
		}
		if (out)
			fprintf(out, "  %skill its processes and remove cgroup tree '%s'\n", pre,
				cgs[i]);
		if (!dry_run) {
			/* v2 first tries cgroup.kill, then kills process by process: right for v1 too */
			r = cg_remove_tree(cgs[i], CG_V2);
			if (r && !ret)
				ret = r;
		}
	}
	if (ow->work && is_dir(ow->work)) {
		const char *base = strrchr(ow->work, '/');

		/* only a scratch directory named after the run */
		if (!base || strcmp(base + 1, ow->run_id)) {
			if (out)
				fprintf(out, "  left alone: '%s' is not a run's scratch directory\n",
					ow->work);
		} else {
			if (out)
				fprintf(out, "  %sremove scratch directory '%s'\n", pre, ow->work);
			if (!dry_run) {
				r = remove_tree(ow->work);
				if (r && !ret)
					ret = r;
			}
		}
	}
	mark_killed(ow, dry_run, out);
	return ret;
}

int run_clean(const char *cache, bool dry_run, FILE *out)
{
	struct cg_layout v1, v2;
	const char *parents[5];
	char *dir = owner_dir(cache), err[256];
	struct dirent *de;
	size_t np = 0;
	int found = 0;
	DIR *d;

	/* cgroup trees are removed only right below our own cgroups, in either layout */
	memset(&v1, 0, sizeof(v1));
	memset(&v2, 0, sizeof(v2));
	if (!cg_layout_detect(&v1, "v1", err, sizeof(err))) {
		parents[np++] = v1.mem_self;
		if (v1.cpu_self)
			parents[np++] = v1.cpu_self;
	}
	if (!cg_layout_detect(&v2, "v2", err, sizeof(err)))
		parents[np++] = v2.mem_self;
	parents[np] = NULL;
	d = opendir(dir);
	if (!d) {
		found = errno == ENOENT ? 0 : -errno;
		goto out;
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		struct strbuf sb = STRBUF_INIT;
		struct run_owner ow;
		struct stat a, b;
		char *p;
		int fd;

		if (n <= 6 || strcmp(de->d_name + n - 6, ".owner"))
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		fd = open(p, O_RDONLY | O_CLOEXEC);
		/* one cleaner per record; a record removed meanwhile is done */
		if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) || fstat(fd, &a) || stat(p, &b) ||
		    a.st_ino != b.st_ino || read_fd_all(fd, &sb)) {
			if (fd >= 0)
				close(fd);
			free(p);
			sb_release(&sb);
			continue;
		}
		if (owner_parse(&ow, sb.buf, sb.len)) {
			if (out)
				fprintf(out, "left alone: '%s' is not an owner record\n", p);
		} else if (!owner_alive(&ow)) {
			found++;
			if (!clean_one(&ow, parents, dry_run, out) && !dry_run)
				unlink(p);
		}
		owner_release(&ow);
		close(fd);
		free(p);
		sb_release(&sb);
	}
	closedir(d);
out:
	cg_layout_release(&v1);
	cg_layout_release(&v2);
	free(dir);
	return found;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* The host target: the run on the running kernel, in this process. */
static int host_run(const struct target *t, struct run_opts *o, const char *why)
{
	struct run run, *r = &run;
	char err[512];
	char **selected = NULL;
	size_t i;
	int ret, code = 2;
	long ps;

	memset(r, 0, sizeof(*r));
	r->o = o;
	r->status = RUN_RUNNING;
	pb_quiet = o->quiet;

	/* Everything that can be wrong with the input is found before anything is created. */
	if (geteuid() != 0) {
		pr_err("patchbench run needs root (it creates cgroups and reads tracefs)");
		return 2;
	}
	selected = strv_split(o->workload, ',');
	for (i = 0; selected[i]; i++) {
		const struct workload *wl = wl_find(selected[i]);

		if (!wl) {
			pr_err("unknown workload '%s' (see 'patchbench list')", selected[i]);
			goto out_free;
		}
		if (wl->needs_nodes && !run_opts_int(o, wl->nodes)) {
			pr_err("workload '%s' needs %s, but --%s is 0", wl->name, wl->nodes,
			       wl->nodes);
			goto out_free;
		}
	}
	if (!o->batch) {
		struct utsname u;

		o->batch = (int)drift_default_batch(uname(&u) ? NULL : u.release);
	}
	if (cg_layout_detect(&r->layout, o->cgroup, err, sizeof(err))) {
		pr_err("%s", err);
		goto out_free;
	}
	r->scale = parse_scale(o->scale);
	r->cpus = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	ps = sysconf(_SC_PAGESIZE);
	r->page_size = ps > 0 ? (unsigned)ps : 4096;
	r->cache = o->cache ? xstrdup(o->cache) : pb_cache_dir();
	r->id = pb_run_id();
	r->dir = o->out ? xstrdup(o->out) : xasprintf("results/%s", r->id);
	for (i = 0; selected[i]; i++) {
		const struct workload *wl = wl_find(selected[i]);
		void *p = run_opts_wl(o, wl);

		if (wl->check && wl->check(r, p, err, sizeof(err))) {
			pr_err("%s", err);
			goto out_layout;
		}
	}
	/* what runs killed earlier left behind (not in a guest: its cgroups died with it) */
	if (!o->out_exists)
		run_clean(r->cache, false, pb_quiet ? NULL : stderr);
	if (!o->out_exists && resultdir_create(r->dir, o->force, err, sizeof(err))) {
		pr_err("%s", err);
		goto out_layout;
	}
	/* From here on the run exists: errors mark it failed, exit code 1. */
	code = 1;
	install_signals();
	r->env = envcap_host();
	r->wall_start = wall_ns();
	if (o->notes)
		sb_adds(&r->notes, o->notes);
	ret = mkdir_p(r->cache, 0755);
	if (ret) {
		r->error = xasprintf("cannot create cache directory '%s': %s", r->cache,
				     strerror(-ret));
		goto out_failed_early;
	}
	for (i = 0; selected[i]; i++) {
		const struct workload *wl = wl_find(selected[i]);

		if (wl->prepare && wl->prepare(r, run_opts_wl(o, wl))) {
			r->error = xasprintf("preparing workload %s failed", wl->name);
			goto out_failed_early;
		}
	}
	if (stop_signal) {
		r->status = RUN_INTERRUPTED;
		goto out_early;
	}
	r->workdir = o->workdir ? xasprintf("%s/%s", o->workdir, r->id) :
				  xasprintf("%s/work/%s", r->cache, r->id);
	{
		char *name = xasprintf("patchbench-%s", r->id);

		cg_tree_init(&r->tree, &r->layout, name);
		free(name);
	}
	/* before anything a SIGKILL could leave behind exists */
	if (!o->out_exists)
		owner_write(r);
	ret = mkdir_p(r->workdir, 0755);
	if (ret) {
		r->error = xasprintf("cannot create '%s': %s", r->workdir, strerror(-ret));
		goto out_failed_early;
	}
	{
		char *logs = run_path(r, "logs");

		mkdir_p(logs, 0755);
		free(logs);
	}

	wl_tree_build(&r->tree, o);
	for (i = 0; selected[i]; i++) {
		const struct workload *wl = wl_find(selected[i]);

		add_instances(r, wl, run_opts_wl(o, wl));
	}
	if (cg_tree_create(&r->tree, err, sizeof(err))) {
		r->error = xstrdup(err);
		goto out_failed_early;
	}
	pr_info("created %zu cgroups below %s (cgroup %s)", r->tree.n, r->tree.run_mem,
		cg_version_name(r->layout.version));
	r->t0 = now_ns();
	ret = write_meta(r, false);
	if (ret) {
		r->error = xasprintf("cannot write '%s/meta.json': %s", r->dir, strerror(-ret));
		r->status = RUN_FAILED;
		goto out_cleanup;
	}

	if (monitors_start(r))
		goto out_cleanup;
	/* the instruction-count window (TCG plugin): what the monitors measure too */
	PB_MARK(PB_MARK_WINDOW_BEGIN);
	/* Background workloads first, so they hold their memory when the foreground ones start. */
	if (!start_instances(r, true) && !start_instances(r, false)) {
		monitors_event(r, MON_WORKLOADS_STARTED, -1);
		main_loop(r);
		check_missed(r);
	}

out_cleanup:
	PB_MARK(PB_MARK_WINDOW_END);
	stop_all(r);
	monitors_stop(r);
	if (cg_tree_destroy(&r->tree) && !r->error)
		r->error = xasprintf("could not remove every cgroup below '%s'", r->tree.run_mem);
	if (stop_signal)
		r->status = RUN_INTERRUPTED;
	else if (r->status == RUN_RUNNING)
		r->status = r->error ? RUN_FAILED : RUN_COMPLETE;
	for (i = 0; i < r->ninst; i++) {
		if (r->inst[i].wl->cleanup)
			r->inst[i].wl->cleanup(&r->inst[i]);
		if (r->inst[i].logfd >= 0)
			close(r->inst[i].logfd);
	}
	ret = write_workloads_tsv(r);
	if (ret && !r->error) {
		r->error = xasprintf("cannot write '%s/workloads.tsv': %s", r->dir, strerror(-ret));
		if (r->status == RUN_COMPLETE)
			r->status = RUN_FAILED;
	}
	goto out_finish;

out_failed_early:
	r->status = stop_signal ? RUN_INTERRUPTED : RUN_FAILED;
	if (r->tree.run_created)
		cg_tree_destroy(&r->tree);
out_early:
out_finish:
	if (r->workdir)
		remove_tree(r->workdir);
	/* every result file is renamed into place: a temp file left is half-written */
	remove_temp_files(r->dir);
	r->wall_end = wall_ns();
	if (write_meta(r, true)) {
		if (!r->error)
			r->error = xasprintf("cannot write '%s/meta.json'", r->dir);
		r->status = RUN_FAILED;
		remove_temp_files(r->dir);
	}
	if (r->owner_path)
		unlink(r->owner_path);
	if (r->status == RUN_COMPLETE) {
		code = 0;
	} else if (r->error) {
		pr_err("%s", r->error);
	}
	if (r->samples)
		report_print_dir(r->dir, FMT_TEXT, stdout);
	monitors_free(r);
	sb_release(&r->notes);
	pr_info("result: %s (%s)", r->dir, run_status_name(r->status));
	for (i = 0; i < r->ninst; i++) {
		free(r->inst[i].log);
	}
	free(r->inst);
	cg_tree_release(&r->tree);
	free(r->workdir);
	free(r->error);
	free(r->owner_path);
out_layout:
	cg_layout_release(&r->layout);
	meta_env_free(r->env);
	free(r->id);
	free(r->dir);
	free(r->cache);
out_free:
	strv_free(selected);
	return code;
}

const struct target target_host = {
	.name = "host",
	.option = "host",
	.run = host_run,
};
