// SPDX-License-Identifier: GPL-2.0
/*
 * sampler-bench.c - the "sampler" benchmark collection: the CPU cost of
 * one sample of patchbench's sampler against a bare pread loop over the
 * same files and against a shell monitor (cat in a loop).
 */
#include "sampler-bench.h"
#include "cgroup.h"
#include "json.h"
#include "runner.h"
#include "sampler.h"
#include "spawn.h"
#include "util.h"
#include "wrap.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Set by sampler_bench_interrupt(): the benchmark stops at the next check. */
static volatile sig_atomic_t stop_signal;
/* Process group of the running shell monitor, killed by the handler itself. */
static volatile sig_atomic_t shell_pgid;

void sampler_bench_interrupt(int sig)
{
	stop_signal = sig;
	if (shell_pgid > 0)
		kill(-shell_pgid, SIGKILL);
}

static int64_t tv_ns(const struct timeval *tv)
{
	return (int64_t)tv->tv_sec * NSEC_PER_SEC + (int64_t)tv->tv_usec * NSEC_PER_USEC;
}

/* 3 decimals are nanoseconds when the unit is microseconds: enough for JSON. */
static double round3(double v)
{
	return round(v * 1000.0) / 1000.0;
}

/*
 * Method: build a small tree (kernelbuild/one/two/three/four/{build-a,
 * build-b, idle-1..}) below the own memory cgroup, with a process holding
 * HOLD_BYTES of anonymous memory in each idle-* leaf, so the counters are
 * not all zero. Then read the sampler's file set three ways, each after
 * --warmup unmeasured samples (pread and sampler in alternating rounds,
 * see measure_self(), the shell after them):
 *   pread:   the fds held open, each file read once the way the sampler
 *            reads it (to EOF for memory.stat and /proc/vmstat, one pread
 *            for a number), into one buffer, nothing else;
 *   sampler: sampler_sample() itself, with its TSV output to a temporary
 *            result directory flushed every 10 samples as the memstat
 *            monitor does (mon-memstat.c);
 *   shell:   an mmtests-style monitor, sh -c 'while ...; cat $f > /dev/null',
 *            no sleep, so its cost is all fork, exec and cat.
 * CPU is user+sys: CLOCK_PROCESS_CPUTIME_ID of this process for pread and
 * sampler (what the kernel does for our reads runs in our context), the
 * wait4() rusage of sh and the cats it waited for for the shell. Writeback
 * of the TSV files by the flusher threads is not counted: it is the same
 * for any tool that keeps its samples.
 * Targets: sampler <= 1.2x pread (the sampler adds little to the kernel's
 * own cost), shell >= 20x sampler (why patchbench does not use a shell).
 */
#define HOLD_BYTES SAMPLER_BENCH_HOLD_BYTES
#define TARGET_SAMPLER_VS_PREAD 1.2
#define TARGET_SHELL_VS_SAMPLER 20.0

struct rfile {
	char *path;
	int fd;
	bool to_eof;		/* read until pread() returns 0, as pread_all() does */
};

enum method { M_PREAD, M_SAMPLER, M_SHELL, NR_METHODS };

static const char *const method_name[NR_METHODS] = { "pread", "sampler", "shell" };
static const char *const method_label[NR_METHODS] = {
	"bare pread loop", "patchbench sampler", "shell monitor (cat)",
};

struct measure {
	bool done;
	int samples;
	/* totals over @samples; the user/sys split of rusage is tick-sampled, too rough here */
	int64_t cpu_ns;
	int64_t wall_ns;
};

struct sbench {
	const struct sampler_bench_opts *o;
	struct run_opts ro;
	struct run run;
	bool have_layout;
	char *tmpdir;
	struct sampler *s;
	struct rfile *f;
	size_t nf;
	char *buf;
	size_t bufsz;
	pid_t *holders;
	size_t nholders;
	struct measure m[NR_METHODS];
	int post_samples;	/* sampler samples processed by sampler_commit() */
	int64_t post_cpu_ns;
	struct utsname uts;
};

static const char *const chain[] = { "kernelbuild", "one", "two", "three", "four" };
#define SB_HOLDER (CG_LEAF + 1)	/* the idle-* leaves, where the memory holders run */

/* The first 5 cgroups are the chain, the rest leaves of its deepest node. */
static void build_tree(struct cg_tree *t, int n)
{
	char name[32];
	int parent = -1, i, leaf;
	int role;

	for (i = 0; i < n && i < (int)ARRAY_SIZE(chain); i++)
		parent = cg_tree_add(t, parent, chain[i], CG_INNER);
	for (leaf = 0; i < n; i++, leaf++) {
		if (leaf < 2) {
			snprintf(name, sizeof(name), "build-%c", 'a' + leaf);
			role = CG_LEAF;
		} else {
			snprintf(name, sizeof(name), "idle-%d", leaf - 1);
			role = SB_HOLDER;
		}
		cg_tree_add(t, parent, name, role);
	}
}

struct holder_arg {
	size_t bytes;
	int ready_fd;
};

/* Runs in an idle-* cgroup: fault in anonymous memory, say so, wait to be killed. */
static int hold_memory(void *p)
{
	const struct holder_arg *a = p;
	char *m = mmap(NULL, a->bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return 1;
	memset(m, 0x5a, a->bytes);
	if (write(a->ready_fd, "x", 1) != 1)
		return 1;
	for (;;)
		pause();
	return 0;
}

static int start_holders(struct sbench *b, char *err, size_t errlen)
{
	const struct cg_tree *t = &b->run.tree;
	struct holder_arg arg = { .bytes = HOLD_BYTES };
	int64_t deadline;
	size_t i, ready = 0;
	int fds[2], ret = 0;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot create a pipe: %s", strerror(errno));
		return ret;
	}
	arg.ready_fd = fds[1];
	b->holders = xcalloc(t->n, sizeof(*b->holders));
	for (i = 0; i < t->n; i++) {
		pid_t pid;

		if (t->nodes[i].role != SB_HOLDER)
			continue;
		pid = cg_spawn(t, &t->nodes[i], -1, hold_memory, &arg);
		if (pid < 0) {
			ret = pid;
			snprintf(err, errlen, "cannot start a process in '%s': %s",
				 t->nodes[i].mem_path, strerror(-ret));
			goto out;
		}
		b->holders[b->nholders++] = pid;
	}
	deadline = now_ns() + 10 * NSEC_PER_SEC;
	while (ready < b->nholders) {
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		char c[64];
		ssize_t n;

		if (stop_signal)
			goto out;
		if (now_ns() > deadline) {
			ret = -ETIMEDOUT;
			snprintf(err, errlen, "the idle processes did not fault in their memory "
				 "within 10s");
			goto out;
		}
		for (i = 0; i < b->nholders; i++) {
			if (waitpid(b->holders[i], NULL, WNOHANG) == b->holders[i]) {
				b->holders[i] = 0;
				ret = -ECHILD;
				snprintf(err, errlen, "an idle process could not fault in %u bytes",
					 HOLD_BYTES);
				goto out;
			}
		}
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = read(fds[0], c, sizeof(c));
		if (n > 0)
			ready += (size_t)n;
	}
out:
	close(fds[0]);
	close(fds[1]);
	return ret;
}

static void stop_holders(struct sbench *b)
{
	size_t i;

	for (i = 0; i < b->nholders; i++)
		if (b->holders[i] > 0)
			kill(b->holders[i], SIGKILL);
	for (i = 0; i < b->nholders; i++)
		if (b->holders[i] > 0)
			while (waitpid(b->holders[i], NULL, 0) < 0 && errno == EINTR)
				;
	b->nholders = 0;
}

static int add_file(struct sbench *b, const char *dir, const char *name, bool to_eof,
		    char *err, size_t errlen)
{
	struct rfile *f;

	b->f = xrealloc(b->f, (b->nf + 1) * sizeof(*b->f));
	f = &b->f[b->nf];
	f->path = xasprintf("%s/%s", dir, name);
	f->to_eof = to_eof;
	f->fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0) {
		int ret = -errno;

		snprintf(err, errlen, "cannot open '%s': %s", f->path, strerror(errno));
		free(f->path);
		return ret;
	}
	b->nf++;
	return 0;
}

/* The sampler's file set, in the sampler's order (see sampler_new()). */
static int open_files(struct sbench *b, char *err, size_t errlen)
{
	const struct cg_layout *l = &b->run.layout;
	const struct cg_tree *t = &b->run.tree;
	bool v2 = l->version == CG_V2;
	size_t i;
	int ret = 0;

	for (i = 0; i < t->n && !ret; i++) {
		const char *dir = t->nodes[i].mem_path;

		const char *cur = v2 ? "memory.current" : "memory.usage_in_bytes";

		/* current, kmem (v1), stat, current again: as sampler_sample() */
		ret = add_file(b, dir, cur, false, err, errlen);
		if (!ret && !v2 && l->has_kmem_usage)
			ret = add_file(b, dir, "memory.kmem.usage_in_bytes", false, err, errlen);
		if (!ret)
			ret = add_file(b, dir, "memory.stat", true, err, errlen);
		if (!ret)
			ret = add_file(b, dir, cur, false, err, errlen);
	}
	if (!ret && l->has_root_stat)
		ret = add_file(b, l->mem_mount, "memory.stat", true, err, errlen);
	if (!ret)
		ret = add_file(b, "/proc", "vmstat", true, err, errlen);
	b->bufsz = 1 << 16;
	b->buf = xmalloc(b->bufsz);
	return ret;
}

/* One sample the bare way: read every file, keep nothing. */
static int pread_sample(struct sbench *b)
{
	size_t i;

	for (i = 0; i < b->nf; i++) {
		const struct rfile *f = &b->f[i];
		size_t off = 0;
		ssize_t n;

		if (!f->to_eof) {
			/* like the sampler's read_number(): one pread of at most 63 bytes */
			n = pread(f->fd, b->buf, 63, 0);
			if (n <= 0)
				return n < 0 ? -errno : -ENODATA;
			continue;
		}
		for (;;) {
			if (off == b->bufsz)
				return -ENOBUFS;
			n = pread(f->fd, b->buf + off, b->bufsz - off, (off_t)off);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			if (n == 0)
				break;
			off += (size_t)n;
		}
	}
	return 0;
}

static int sampler_one(struct sbench *b)
{
	int ret = sampler_sample(b->s, now_ns());

	/* as mon-memstat.c and runner.c: flush every 10 samples, part of the real cost */
	if (!ret && b->run.samples % 10 == 0)
		ret = sampler_flush(b->s);
	b->run.samples++;
	return ret;
}

static int one_sample(struct sbench *b, enum method m)
{
	return m == M_PREAD ? pread_sample(b) : sampler_one(b);
}

struct cpu_mark {
	int64_t cpu, wall;
};

static void cpu_mark(struct cpu_mark *c)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	c->cpu = (int64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	c->wall = now_ns();
}

static int run_samples(struct sbench *b, enum method m, int n)
{
	int i, ret;

	for (i = 0; i < n; i++) {
		if (stop_signal)
			return -EINTR;
		ret = one_sample(b, m);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * --warmup unmeasured samples of each, then --samples measured ones of
 * each, in ROUNDS alternating blocks (pread first in even rounds, sampler
 * first in odd ones): a burst of noise from the rest of the machine then
 * hits both methods alike instead of one of them. 0, -EINTR or -errno.
 */
#define ROUNDS 10
static int measure_self(struct sbench *b, const char **what)
{
	const int total = b->o->samples, rounds = total < ROUNDS ? total : ROUNDS;
	int round, k, ret;

	*what = method_label[M_PREAD];
	ret = run_samples(b, M_PREAD, b->o->warmup);
	if (ret)
		return ret;
	*what = method_label[M_SAMPLER];
	ret = run_samples(b, M_SAMPLER, b->o->warmup);
	if (ret)
		return ret;
	for (round = 0; round < rounds; round++) {
		int n = (int)((int64_t)total * (round + 1) / rounds -
			      (int64_t)total * round / rounds);

		for (k = 0; k < 2; k++) {
			enum method m = (k ^ (round & 1)) ? M_SAMPLER : M_PREAD;
			struct measure *r = &b->m[m];
			struct cpu_mark a, z;

			*what = method_label[m];
			cpu_mark(&a);
			ret = run_samples(b, m, n);
			if (ret)
				return ret;
			cpu_mark(&z);
			r->samples += n;
			r->cpu_ns += z.cpu - a.cpu;
			r->wall_ns += z.wall - a.wall;
		}
	}
	b->m[M_PREAD].done = b->m[M_SAMPLER].done = true;
	/*
	 * The sampler's other half: parsing, drift checks and the TSV files,
	 * done once after the measured window. Timed on its own, per sample.
	 */
	{
		struct cpu_mark a, z;

		*what = "post-run processing";
		cpu_mark(&a);
		ret = sampler_commit(b->s);
		cpu_mark(&z);
		if (ret)
			return ret;
		b->post_samples = b->m[M_SAMPLER].samples + b->o->warmup;
		b->post_cpu_ns = z.cpu - a.cpu;
	}
	return 0;
}

/*
 * Run the monitor for @n samples and return its rusage in @ru. The files
 * are the positional parameters, so no quoting and no length limit on the
 * script; each cat gets "|| exit 1" so a failed read fails the benchmark.
 */
static int run_shell(struct sbench *b, int n, struct rusage *ru, int64_t *wall, char *err,
		     size_t errlen)
{
	char *script = xasprintf("i=0; while [ $i -lt %d ]; do for f in \"$@\"; do "
				 "cat \"$f\" > /dev/null || exit 1; done; i=$((i+1)); done", n);
	char **argv = xcalloc(b->nf + 5, sizeof(*argv));
	size_t i, argc = 0;
	struct child c = CHILD_INIT;
	int code, ret = 0;

	argv[argc++] = "sh";
	argv[argc++] = "-c";
	argv[argc++] = script;
	argv[argc++] = "sh";
	for (i = 0; i < b->nf; i++)
		argv[argc++] = b->f[i].path;
	argv[argc] = NULL;

	/* cats orphaned when a signal kills sh become ours to reap, not init's */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	c.argv = argv;
	c.exe = "/bin/sh";
	c.in = CHILD_NULL;
	c.kill_group = true;
	c.exec_err = "patchbench: error: ";
	c.rusage = ru;
	*wall = now_ns();
	ret = child_start(&c);
	if (ret)
		goto out;
	shell_pgid = c.pid;
	if (stop_signal)
		child_kill(&c, SIGKILL);
	/* no timeout and no poll: child_finish() only waits (no tick inside the benchmark) */
	code = child_finish(&c);
	shell_pgid = 0;
	/* a cat still running after sh was killed is in the group too */
	child_kill(&c, SIGKILL);
	while (waitpid(-c.pid, NULL, 0) > 0 || errno == EINTR)
		;
	*wall = now_ns() - *wall;
	if (stop_signal)
		ret = -EINTR;
	else if (code < 0)
		ret = code;
	else if (WIFSIGNALED(c.status))
		snprintf(err, errlen, "the shell monitor was killed by signal %d",
			 WTERMSIG(c.status));
	else if (WEXITSTATUS(c.status))
		snprintf(err, errlen, "the shell monitor failed with exit code %d (a cat failed?)",
			 WEXITSTATUS(c.status));
	if (!ret && err[0])
		ret = -ECHILD;
out:
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	free(argv);
	free(script);
	return ret;
}

static int measure_shell(struct sbench *b, const char **what, char *err, size_t errlen)
{
	struct measure *r = &b->m[M_SHELL];
	struct rusage ru;
	int64_t wall;
	int ret;

	*what = method_label[M_SHELL];
	if (!b->o->shell_samples)
		return 0;
	/* warm-up: sh, cat and their libraries in the page cache */
	ret = run_shell(b, b->o->warmup < 2 ? b->o->warmup : 2, &ru, &wall, err, errlen);
	if (!ret)
		ret = run_shell(b, b->o->shell_samples, &ru, &wall, err, errlen);
	if (ret)
		return ret;
	r->samples = b->o->shell_samples;
	r->cpu_ns = tv_ns(&ru.ru_utime) + tv_ns(&ru.ru_stime);
	r->wall_ns = wall;
	r->done = true;
	return 0;
}

static double per_sample_us(const struct measure *m)
{
	return m->samples ? (double)m->cpu_ns / m->samples / 1e3 : NAN;
}

static double ratio(const struct measure *a, const struct measure *b)
{
	if (!a->done || !b->done || per_sample_us(b) <= 0)
		return NAN;
	return per_sample_us(a) / per_sample_us(b);
}

static void print_target(FILE *out, const char *what, double r, const char *op, double target,
			 bool met)
{
	char val[32];

	if (isnan(r))
		snprintf(val, sizeof(val), "n/a");
	else
		snprintf(val, sizeof(val), "%.2fx", r);
	fprintf(out, "  %-22s %9s   target %s %gx: %s\n", what, val, op, target,
		isnan(r) ? "not measured" : met ? "met" : "NOT met");
}

static void sampler_text(const struct sbench *b, FILE *out)
{
	const struct run *r = &b->run;
	const struct cg_layout *l = &r->layout;
	const struct measure *base = &b->m[M_PREAD];
	double sr = ratio(&b->m[M_SAMPLER], base), hr = ratio(&b->m[M_SHELL], &b->m[M_SAMPLER]);
	struct strbuf sb = STRBUF_INIT;
	int m;

	fprintf(out, "sampler: CPU cost per memory.stat sample, 3 ways to read the same files\n");
	fprintf(out, "  host: kernel %s, cgroup %s, %u CPUs\n", b->uts.release,
		cg_version_name(l->version), r->cpus);
	sb_addf(&sb, "tree: %zu cgroup%s below the own memory cgroup", r->tree.n,
		r->tree.n == 1 ? "" : "s");
	if (b->nholders)
		sb_addf(&sb, "; %zu idle-* hold %u MiB each", b->nholders, HOLD_BYTES >> 20);
	text_wrap(out, "  ", 2, sb.buf, 72);
	sb_reset(&sb);
	sb_addf(&sb, "files: %zu per sample: each cgroup's memory.stat, %s%s;%s /proc/vmstat",
		b->nf, l->version == CG_V2 ? "memory.current" : "memory.usage_in_bytes",
		l->version == CG_V1 && l->has_kmem_usage ? ", memory.kmem.usage_in_bytes" : "",
		l->has_root_stat ? " the root memory.stat;" : "");
	text_wrap(out, "  ", 2, sb.buf, 72);
	sb_release(&sb);

	fprintf(out, "\n  %-26s%9s%16s%17s\n", "method", "samples", "cpu us/sample",
		"ratio to pread");
	for (m = 0; m < NR_METHODS; m++) {
		const struct measure *x = &b->m[m];

		if (!x->done) {
			fprintf(out, "  %-26s%9s%16s%17s\n", method_label[m], "-", "skipped", "-");
			continue;
		}
		fprintf(out, "  %-26s%9d%16.1f%16.2fx\n", method_label[m], x->samples,
			per_sample_us(x), ratio(x, base));
	}
	if (b->post_samples)
		fprintf(out, "  %-26s%9d%16.1f%17s\n", "  + after the window", b->post_samples,
			b->post_cpu_ns / 1e3 / b->post_samples, "(not in ratio)");
	fprintf(out, "\n");
	print_target(out, "patchbench vs pread:", sr, "<=", TARGET_SAMPLER_VS_PREAD,
		     sr <= TARGET_SAMPLER_VS_PREAD);
	print_target(out, "shell vs patchbench:", hr, ">=", TARGET_SHELL_VS_SAMPLER,
		     hr >= TARGET_SHELL_VS_SAMPLER);
	sb_addf(&sb, "cpu = user+sys. pread loop and sampler: CLOCK_PROCESS_CPUTIME_ID of"
		" this process, in %d alternating rounds after %d warm-up samples each;"
		" shell: wait4() rusage of sh and the cats it ran. The sampler times its"
		" reads into samples.raw during the run; parsing, drift checks and the TSV"
		" files come after the measured window (\"+ after the window\").",
		b->o->samples < ROUNDS ? b->o->samples : ROUNDS, b->o->warmup);
	text_wrap(out, "  ", 2, sb.buf, 72);
	sb_release(&sb);
}

static void json_target(struct json_writer *w, const char *name, double r, const char *op,
			double target, bool met)
{
	jw_obj_begin(w);
	jw_kstr(w, "name", name);
	jw_kdouble(w, "ratio", round3(r));
	jw_kstr(w, "op", op);
	jw_kdouble(w, "target", target);
	if (isnan(r)) {
		jw_key(w, "met");
		jw_null(w);
	} else {
		jw_kbool(w, "met", met);
	}
	jw_obj_end(w);
}

static void sampler_json(const struct sbench *b, struct json_writer *w)
{
	const struct run *r = &b->run;
	const struct measure *base = &b->m[M_PREAD];
	double sr = ratio(&b->m[M_SAMPLER], base), hr = ratio(&b->m[M_SHELL], &b->m[M_SAMPLER]);
	size_t i;
	int m;

	jw_obj_begin(w);
	jw_kstr(w, "name", "sampler");
	jw_kstr(w, "summary", "CPU cost per memory.stat sample");
	jw_kstr(w, "kernel_release", b->uts.release);
	jw_kstr(w, "cgroup_version", cg_version_name(r->layout.version));
	jw_kint(w, "cpus", r->cpus);
	jw_kint(w, "cgroups", (int64_t)r->tree.n);
	jw_kint(w, "idle_processes", (int64_t)b->nholders);
	jw_kint(w, "idle_bytes_each", HOLD_BYTES);
	jw_kint(w, "files_per_sample", (int64_t)b->nf);
	jw_key(w, "files");
	jw_arr_begin(w);
	for (i = 0; i < b->nf; i++)
		jw_str(w, b->f[i].path);
	jw_arr_end(w);
	jw_kint(w, "warmup", b->o->warmup);
	jw_kstr(w, "cpu_clock", "CLOCK_PROCESS_CPUTIME_ID (pread, sampler); wait4 rusage (shell)");
	jw_key(w, "methods");
	jw_arr_begin(w);
	for (m = 0; m < NR_METHODS; m++) {
		const struct measure *x = &b->m[m];

		if (!x->done)
			continue;
		jw_obj_begin(w);
		jw_kstr(w, "name", method_name[m]);
		jw_kstr(w, "label", method_label[m]);
		jw_kint(w, "samples", x->samples);
		jw_kdouble(w, "cpu_us_per_sample", round3(per_sample_us(x)));
		jw_kdouble(w, "wall_us_per_sample", round3((double)x->wall_ns / x->samples / 1e3));
		jw_kdouble(w, "ratio_to_pread", round3(ratio(x, base)));
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "targets");
	jw_arr_begin(w);
	json_target(w, "sampler_vs_pread", sr, "<=", TARGET_SAMPLER_VS_PREAD,
		    sr <= TARGET_SAMPLER_VS_PREAD);
	json_target(w, "shell_vs_sampler", hr, ">=", TARGET_SHELL_VS_SAMPLER,
		    hr >= TARGET_SHELL_VS_SAMPLER);
	jw_arr_end(w);
	jw_obj_end(w);
}

/* Everything sbench_setup() made, removed in reverse; safe on a partial setup. */
static int sbench_release(struct sbench *b)
{
	size_t i;
	int ret = 0;

	/*
	 * sampler_free() alone leaves the TSV writers open (their FILE and
	 * buffers leak): commit into the temporary directory, removed below.
	 */
	if (b->s)
		sampler_commit(b->s);
	sampler_free(b->s);
	b->s = NULL;
	for (i = 0; i < b->nf; i++) {
		close(b->f[i].fd);
		free(b->f[i].path);
	}
	free(b->f);
	free(b->buf);
	stop_holders(b);
	free(b->holders);
	if (b->run.tree.run_created && cg_tree_destroy(&b->run.tree)) {
		pr_err("could not remove every cgroup below '%s'", b->run.tree.run_mem);
		ret = -EBUSY;
	}
	if (b->tmpdir && remove_tree(b->tmpdir)) {
		pr_err("could not remove '%s'", b->tmpdir);
		ret = -EIO;
	}
	free(b->tmpdir);
	cg_tree_release(&b->run.tree);
	if (b->have_layout)
		cg_layout_release(&b->run.layout);
	return ret;
}

static int sbench_setup(struct sbench *b, char *err, size_t errlen)
{
	struct run *r = &b->run;
	const char *tmp = getenv("TMPDIR");
	char *name;
	long ps;
	int ret;

	r->o = &b->ro;
	b->ro.batch = 64;
	uname(&b->uts);
	ret = cg_layout_detect(&r->layout, "auto", err, errlen);
	if (ret)
		return ret;
	b->have_layout = true;
	r->cpus = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	ps = sysconf(_SC_PAGESIZE);
	r->page_size = ps > 0 ? (unsigned)ps : 4096;

	b->tmpdir = xasprintf("%s/patchbench-bench-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(b->tmpdir)) {
		ret = -errno;
		snprintf(err, errlen, "cannot create a temporary directory in '%s': %s",
			 tmp && *tmp ? tmp : "/tmp", strerror(errno));
		free(b->tmpdir);
		b->tmpdir = NULL;
		return ret;
	}
	r->dir = b->tmpdir;

	name = xasprintf("patchbench-bench-%d", (int)getpid());
	cg_tree_init(&r->tree, &r->layout, name);
	free(name);
	build_tree(&r->tree, b->o->cgroups);
	ret = cg_tree_create(&r->tree, err, errlen);
	if (ret)
		return ret;
	if (stop_signal)
		return -EINTR;
	ret = start_holders(b, err, errlen);
	if (ret || stop_signal)
		return ret ? ret : -EINTR;
	r->t0 = now_ns();
	b->s = sampler_new(r, err, errlen);
	if (!b->s)
		return -errno;
	return open_files(b, err, errlen);
}


int sampler_bench_run(const struct sampler_bench_opts *o, struct json_writer *w, FILE *out)
{
	struct sbench b;
	const char *what = "setup";
	char err[512] = "";
	int ret, r;

	memset(&b, 0, sizeof(b));
	b.o = o;
	ret = sbench_setup(&b, err, sizeof(err));
	if (!ret)
		ret = measure_self(&b, &what);
	if (!ret)
		ret = measure_shell(&b, &what, err, sizeof(err));
	if (!ret) {
		if (w)
			sampler_json(&b, w);
		else
			sampler_text(&b, out);
	} else if (ret == -EINTR || stop_signal) {
		ret = -EINTR;
	} else if (err[0]) {
		pr_err("%s", err);
	} else {
		pr_err("sampler benchmark: %s failed: %s", what, strerror(-ret));
	}
	r = sbench_release(&b);
	return ret ? ret : r;
}
