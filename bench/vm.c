// SPDX-License-Identifier: GPL-2.0
/*
 * vm.c - "patchbench run --target vm": boot a built kernel under qemu with
 * the host's root filesystem shared read-only (9p) and the result
 * directory shared writable, and run the very same "run" code path inside,
 * with patchbench itself as the guest's init (guest.c).
 *
 * The host side has the workloads prepare what is slow under emulation
 * (their vm_prepare hooks: sources unpacked, objects configured, binaries
 * built), hands the guest its run (run_opts_guest_write), starts qemu,
 * follows the console for the guest's
 * progress lines, and enforces the watchdogs: no "guest started" marker
 * within --boot-timeout is boot-failed, a kernel panic is panic (or
 * boot-failed before the marker), a run longer than --run-timeout is
 * timeout. qemu is always reaped.
 */
#include "envcap.h"
#include "guest.h"
#include "insn-run.h"
#include "kbuild.h"
#include "report.h"
#include "resultdir.h"
#include "runner.h"
#include "target.h"
#include "spawn.h"
#include "util.h"
#include "workload.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define KVM_GET_API_VERSION 0xAE00
#define KVM_CREATE_VM 0xAE01

static volatile sig_atomic_t vm_stop;

static void on_signal(int sig)
{
	vm_stop = sig;
}

static bool cpu_has_virt(void)
{
	struct strbuf sb = STRBUF_INIT;
	bool ok = false;
	char *p;

	if (!read_file("/proc/cpuinfo", &sb)) {
		p = strstr(sb.buf, "\nflags");
		if (p) {
			char *nl = strchr(p + 1, '\n');

			if (nl)
				*nl = '\0';
			ok = strstr(p, " vmx") || strstr(p, " svm");
		}
	}
	sb_release(&sb);
	return ok;
}

/*
 * KVM needs /dev/kvm that creates a VM *and* a CPU with vmx/svm: a nested
 * /dev/kvm without them exists but cannot run a stock kernel. @why says
 * why it can, or why not.
 */
static bool kvm_usable(char *why, size_t whylen)
{
	int fd, vmfd;
	bool virt = cpu_has_virt();

	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whylen, "no usable /dev/kvm (%s)", strerror(errno));
		return false;
	}
	if (ioctl(fd, KVM_GET_API_VERSION, 0) != 12 || (vmfd = ioctl(fd, KVM_CREATE_VM, 0)) < 0) {
		snprintf(why, whylen, "/dev/kvm cannot create a VM");
		close(fd);
		return false;
	}
	close(vmfd);
	close(fd);
	if (virt) {
		snprintf(why, whylen, "/dev/kvm works and the CPU has vmx/svm");
		return true;
	}
	snprintf(why, whylen, "/dev/kvm exists but the CPU has no vmx/svm flag "
		 "(a nested device that cannot run a stock kernel)");
	return false;
}

enum vm_end { VM_END_OK, VM_END_BOOT_FAILED, VM_END_PANIC, VM_END_TIMEOUT, VM_END_INTERRUPTED,
	      VM_END_ERROR };

static const char *const vm_end_status[] = {
	[VM_END_OK] = "complete", [VM_END_BOOT_FAILED] = "boot-failed",
	[VM_END_PANIC] = "panic", [VM_END_TIMEOUT] = "timeout",
	[VM_END_INTERRUPTED] = "interrupted", [VM_END_ERROR] = "failed",
};

struct qemu {
	int console;		/* console log, read side */
	off_t off;		/* how far the log has been scanned */
	struct strbuf line;	/* partial line */
	bool started, finished, panicked;
	int64_t t_start, t_started;
};

/* Scan new console output: markers, panics, and guest progress to our stderr. */
static void follow_console(struct qemu *q, bool quiet)
{
	char buf[8192];
	ssize_t n;

	while ((n = pread(q->console, buf, sizeof(buf), q->off)) > 0) {
		ssize_t i;

		q->off += n;
		for (i = 0; i < n; i++) {
			char *l;

			if (buf[i] != '\n') {
				if (buf[i] != '\r')
					sb_add(&q->line, &buf[i], 1);
				continue;
			}
			l = q->line.buf ? q->line.buf : "";
			if (strstr(l, GUEST_MARK_STARTED) && !q->started) {
				char d[32];

				q->started = true;
				q->t_started = now_ns();
				pr_info("guest started after %s",
					fmt_duration(d, sizeof(d), q->t_started - q->t_start));
			} else if (strstr(l, GUEST_MARK_FINISHED)) {
				q->finished = true;
			} else if (strstr(l, "Kernel panic")) {
				q->panicked = true;
			}
			if (!quiet && !strncmp(l, "patchbench: ", 12))
				fprintf(stderr, "patchbench: guest: %s\n", l + 12);
			sb_reset(&q->line);
		}
	}
}

/* The last @n lines of the console log, for error messages. Caller frees. */
static char *console_tail(const char *path, int n)
{
	struct strbuf sb = STRBUF_INIT;
	char *p, *res;
	int lines = 0;

	if (read_file(path, &sb) || !sb.len) {
		sb_release(&sb);
		return xstrdup("(no console output)");
	}
	for (p = sb.buf + sb.len - 1; p > sb.buf; p--)
		if (*p == '\n' && ++lines > n)
			break;
	res = xstrdup(p == sb.buf ? p : p + 1);
	sb_release(&sb);
	for (p = res; *p; p++)
		if (*p == '\r')
			*p = ' ';
	return res;
}

/*
 * --guest-aslr: off (kernel parameter norandmaps) when asked, and by default
 * while the plugin counts: with randomised layouts a fork's page tables, its
 * copy-on-write faults and unmapping differ from boot to boot (measured on
 * kmem-churn at 1 vCPU: clear_page_erms 15.6%, copy_mc_enhanced_fast_string
 * 12.5%, unmap_page_range 7.3% apart over 6 boots; 0.5%, 0%, 0.01% with
 * norandmaps).
 */
static bool guest_aslr_off(const struct run_opts *o, bool counting)
{
	if (o->guest_aslr && !strcmp(o->guest_aslr, "off"))
		return true;
	return counting && (!o->guest_aslr || !strcmp(o->guest_aslr, "auto"));
}

static char **qemu_argv(const struct run_opts *o, bool norandmaps, const char *qemu,
			const char *accel,
			const char *bzimage, const char *share, const char *self,
			const char *plugin)
{
	char **argv = xcalloc(64, sizeof(*argv));
	size_t n = 0;

	argv[n++] = xstrdup(qemu);
	argv[n++] = xstrdup("-accel");
	argv[n++] = xstrdup(strcmp(accel, "kvm") ? "tcg,thread=multi" : "kvm");
	argv[n++] = xstrdup("-cpu");
	argv[n++] = xstrdup(strcmp(accel, "kvm") ? "max" : "host");
	argv[n++] = xstrdup("-smp");
	argv[n++] = xasprintf("%d", o->vm_cpus);
	argv[n++] = xstrdup("-m");
	argv[n++] = xasprintf("%lluM", (unsigned long long)(o->vm_mem >> 20));
	argv[n++] = xstrdup("-nographic");
	argv[n++] = xstrdup("-no-reboot");
	argv[n++] = xstrdup("-kernel");
	argv[n++] = xstrdup(bzimage);
	if (plugin) {
		argv[n++] = xstrdup("-plugin");
		argv[n++] = xstrdup(plugin);
	}
	argv[n++] = xstrdup("-fsdev");
	argv[n++] = xstrdup("local,id=root,path=/,security_model=none,readonly=on,multidevs=remap");
	argv[n++] = xstrdup("-device");
	argv[n++] = xstrdup("virtio-9p-pci,fsdev=root,mount_tag=/dev/root");
	argv[n++] = xstrdup("-fsdev");
	argv[n++] = xasprintf("local,id=out,path=%s,security_model=none,multidevs=remap", share);
	argv[n++] = xstrdup("-device");
	argv[n++] = xasprintf("virtio-9p-pci,fsdev=out,mount_tag=%s", GUEST_SHARE_TAG);
	argv[n++] = xstrdup("-append");
	argv[n++] = xasprintf("console=ttyS0 root=/dev/root rootfstype=9p "
			      "rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose ro "
			      "init=%s panic=-1%s%s%s", self, norandmaps ? " norandmaps" : "",
			      o->append ? " " : "", o->append ? o->append : "");
	argv[n] = NULL;
	return argv;
}

/*
 * Start qemu on @argv, its stdout and stderr into @logfd, in a process group
 * of its own (a patchbench killed with SIGKILL takes its guest with it).
 * 0 or -errno.
 */
static int qemu_start(struct child *qc, char **argv, int logfd)
{
	qc->argv = argv;
	qc->in = CHILD_NULL;
	qc->out = CHILD_FD;
	qc->out_fd = logfd;
	qc->err = CHILD_FD;
	qc->err_fd = logfd;
	qc->kill_group = true;
	qc->pdeathsig = SIGKILL;
	qc->exec_err = "";
	return child_start(qc);
}

/* Start qemu and follow it to its end. Returns how it ended. */
static enum vm_end qemu_run(const struct run_opts *o, char **argv, const char *console_log,
			    char *err, size_t errlen)
{
	struct qemu q = { .console = -1 };
	struct child qc = CHILD_INIT;
	enum vm_end end = VM_END_OK;
	int logfd, ret;
	bool exited = false;
	char d[32];

	sb_init(&q.line);
	logfd = open(console_log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (logfd < 0) {
		snprintf(err, errlen, "cannot create '%s': %s", console_log, strerror(errno));
		return VM_END_ERROR;
	}
	q.console = open(console_log, O_RDONLY | O_CLOEXEC);
	q.t_start = now_ns();
	ret = qemu_start(&qc, argv, logfd);
	close(logfd);
	if (ret) {
		snprintf(err, errlen, "cannot fork: %s", strerror(-ret));
		close(q.console);
		return VM_END_ERROR;
	}
	pr_info("booting %s under qemu (console: %s)", o->kernel, console_log);
	for (;;) {
		struct timespec ts = { 0, 100 * NSEC_PER_MSEC };
		int64_t now;

		if (child_poll(&qc) == 1) {
			exited = true;
			follow_console(&q, o->quiet);
			break;
		}
		follow_console(&q, o->quiet);
		now = now_ns();
		if (vm_stop) {
			end = VM_END_INTERRUPTED;
			break;
		}
		if (q.panicked) {
			end = q.started ? VM_END_PANIC : VM_END_BOOT_FAILED;
			snprintf(err, errlen, "kernel panic %s", q.started ? "during the run" :
				 "before the guest started");
			break;
		}
		if (!q.started && now - q.t_start > o->boot_timeout) {
			end = VM_END_BOOT_FAILED;
			snprintf(err, errlen, "no guest start within %s",
				 fmt_duration(d, sizeof(d), o->boot_timeout));
			break;
		}
		if (now - q.t_start > o->run_timeout) {
			end = VM_END_TIMEOUT;
			snprintf(err, errlen, "the guest run took longer than %s",
				 fmt_duration(d, sizeof(d), o->run_timeout));
			break;
		}
		nanosleep(&ts, NULL);
	}
	if (!exited) {
		/* give a finishing guest a moment, then no mercy */
		int64_t deadline = now_ns() + (q.finished ? 10 : 0) * NSEC_PER_SEC;

		while (now_ns() < deadline && child_poll(&qc) == 0)
			usleep(100000);
		child_kill(&qc, SIGKILL);
		child_finish(&qc);
		follow_console(&q, o->quiet);
	} else if (end == VM_END_OK) {
		if (q.panicked) {
			end = q.started ? VM_END_PANIC : VM_END_BOOT_FAILED;
			snprintf(err, errlen, "kernel panic %s", q.started ? "during the run" :
				 "before the guest started");
		} else if (!q.started) {
			end = VM_END_BOOT_FAILED;
			snprintf(err, errlen, "qemu exited (status %d) before the guest started",
				 child_exit_code(qc.status));
		} else if (!q.finished) {
			end = VM_END_ERROR;
			snprintf(err, errlen, "the guest stopped before finishing its run");
		}
	}
	pr_info("qemu ended after %s", fmt_duration(d, sizeof(d), now_ns() - q.t_start));
	close(q.console);
	sb_release(&q.line);
	return end;
}

/*
 * Our own binary, which the guest runs as its init. If it was rebuilt while
 * we run, /proc/self/exe names the deleted file: use the new one at the same
 * path. Caller frees.
 */
static char *self_exe(void)
{
	char *exe = pb_self_exe();

	if (exe && access(exe, X_OK)) {
		free(exe);
		errno = ENOENT;
		return NULL;
	}
	return exe;
}

/*
 * Every selected workload's host-side preparation for the guest @g (with
 * @g NULL: only the checks of @o's input). 0, or -errno with @err.
 */
static int vm_prepare_workloads(const struct run_opts *o, struct run_opts *g, const char *cache,
				char *err, size_t errlen)
{
	const struct workload *const *w;
	int ret;

	for (w = workloads; *w; w++) {
		if (!(*w)->vm_prepare || !wl_in_list(*w, o->workload))
			continue;
		ret = (*w)->vm_prepare(o, g, cache, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

/* Whether the console log @path holds @what (qemu's own messages go there too). */
static bool console_has(const char *path, const char *what)
{
	struct strbuf sb = STRBUF_INIT;
	bool ret = !read_file(path, &sb) && sb.len && strstr(sb.buf, what);

	sb_release(&sb);
	return ret;
}

/*
 * After qemu: the instruction tables from the plugin's insn.raw, and meta.json's
 * insn_counts (with the reason in notes when there are none). With @ip->required
 * (--insn-count on) counts that are not complete fail the run.
 */
static int note_insn(const char *dir, struct insn_plan *ip)
{
	char *state = NULL, e[256];
	struct meta m;
	int ret = 0;

	if (ip->want)
		insn_collect(ip, dir, &state);
	else
		state = xasprintf("off: %s", ip->why);
	if (meta_load(&m, dir, e, sizeof(e))) {
		pr_warn("instruction counts %s; not noted: %s", state, e);
		free(state);
		return -EIO;
	}
	free(m.insn_counts);
	m.insn_counts = state;
	if (strcmp(state, "complete")) {
		char *n = xasprintf("%s%s%s", m.notes ? m.notes : "", m.notes ? "; " : "", state);

		free(m.notes);
		m.notes = n;
		pr_warn("instruction counts %s", state);
		if (ip->required && m.status && !strcmp(m.status, "complete")) {
			free(m.status);
			m.status = xstrdup("failed");
			free(m.error);
			m.error = xasprintf("--insn-count on: instruction counts %s", state);
			ret = -EINVAL;
		}
	}
	if (meta_write(&m, dir)) {
		pr_err("cannot write '%s/meta.json'", dir);
		ret = -EIO;
	}
	meta_release(&m);
	return ret;
}

/*
 * The env of a vm run is the host's, the machine's (qemu's version and the kernel's
 * compiler with it); what the guest captured as patchbench ran inside the VM, the
 * booted kernel's view, is kept as its "guest".
 */
static void note_env(const char *dir, const char *qemu, const struct kernel_info *k)
{
	struct meta_env *e = envcap_host();
	struct meta m;
	char err[256];

	envcap_qemu(e, qemu);
	if (k->dir)
		envcap_kernel_cc(e, k->dir);
	if (meta_load(&m, dir, err, sizeof(err))) {
		pr_warn("the host's environment is not noted: %s", err);
		meta_env_free(e);
		return;
	}
	e->guest = m.env;
	m.env = e;
	if (meta_write(&m, dir))
		pr_err("cannot write '%s/meta.json'", dir);
	meta_release(&m);
}

static void write_host_meta(const char *dir, const struct run_opts *o,
			    const struct kernel_info *k, const char *label, const char *id,
			    const char *status, const char *error, const char *notes,
			    int64_t wall_start)
{
	struct meta m;
	char errbuf[256], buf[64];

	if (meta_load(&m, dir, errbuf, sizeof(errbuf))) {
		meta_init(&m);
		m.run_id = xstrdup(id);
		m.target = xstrdup(label);
		m.kernel_name = xstrdup(k->name);
		m.kernel_release = k->release ? xstrdup(k->release) : NULL;
		m.series = k->series ? xstrdup(k->series) : NULL;
		m.config_hash = k->config_sha256 ? xstrdup(k->config_sha256) : NULL;
		run_opts_to_meta(o, &m);
		m.cpus = o->vm_cpus;
		m.mem_total = o->vm_mem;
		m.start = xstrdup(iso8601(buf, sizeof(buf), wall_start));
		m.perf_event = xstrdup("none");
	}
	free(m.status);
	m.status = xstrdup(status);
	free(m.end);
	m.end = xstrdup(iso8601(buf, sizeof(buf), wall_ns()));
	if (error) {
		free(m.error);
		m.error = xstrdup(error);
	}
	if (notes && !m.notes)
		m.notes = xstrdup(notes);
	if (meta_write(&m, dir))
		pr_err("cannot write '%s/meta.json'", dir);
	meta_release(&m);
}

/*
 * What every vm run needs and bad input can spoil: --kernel, the workloads,
 * the kernel built, qemu. Sets *@cache, @k and *@qemu (the caller's, also
 * on failure). 0, or -EINVAL after an error message.
 */
static int vm_inputs(const struct run_opts *o, char **cache, struct kernel_info *k, char **qemu)
{
	char err[1024];

	*cache = NULL;
	*qemu = NULL;
	memset(k, 0, sizeof(*k));
	if (!o->kernel) {
		pr_err("--target vm needs --kernel NAME (see 'patchbench kernels')");
		return -EINVAL;
	}
	if (wl_check_list(o->workload))
		return -EINVAL;
	*cache = o->cache ? xstrdup(o->cache) : pb_cache_dir();
	if (kernel_load(*cache, o->kernel, k, err, sizeof(err))) {
		pr_err("%s", err);
		return -EINVAL;
	}
	*qemu = pb_which("qemu-system-x86_64");
	if (!*qemu) {
		pr_err("qemu-system-x86_64 not found (install qemu-system-x86: make deps)");
		return -EINVAL;
	}
	return 0;
}

/* The vm targets' prepare: the input is checked before KVM or TCG is chosen. */
static int vm_prepare(const struct run_opts *o)
{
	struct kernel_info k;
	char *cache, *qemu;
	int ret = vm_inputs(o, &cache, &k, &qemu);

	kernel_info_release(&k);
	free(cache);
	free(qemu);
	return ret;
}

static int vm_run(const struct target *t, struct run_opts *o, const char *why)
{
	struct kernel_info k;
	struct insn_plan ip = { 0 };
	const char *accel = t->accel, *label = t->name;
	char err[1024];
	char *cache = NULL, *dir = NULL, *id = NULL, *qemu = NULL, *self = NULL;
	char *console = NULL, *plugin = NULL;
	char **argv = NULL;
	struct run_opts g = { 0 };
	struct sigaction sa;
	enum vm_end end;
	int64_t wall_start;
	bool norandmaps;
	int ret, code = 2;

	pb_quiet = o->quiet;
	/* Bad input first: nothing is created before these pass. */
	if (vm_inputs(o, &cache, &k, &qemu))
		goto out;
	if (insn_plan_make(&ip, o->insn_count, accel, qemu, &k, err, sizeof(err))) {
		pr_err("%s", err);
		goto out;
	}
	if (vm_prepare_workloads(o, NULL, cache, err, sizeof(err))) {
		pr_err("%s", err);
		goto out;
	}
	self = self_exe();
	if (!self) {
		pr_err("cannot find my own binary: %s", strerror(errno));
		goto out;
	}
	id = pb_run_id();
	dir = o->out ? xstrdup(o->out) : xasprintf("results/%s", id);
	if (resultdir_create(dir, o->force, err, sizeof(err))) {
		pr_err("%s", err);
		goto out;
	}
	code = 1;
	{
		char *real = realpath(dir, NULL);

		free(dir);
		dir = real;
	}
	wall_start = wall_ns();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	pr_info("%s: %s (key %.12s, series %s, config %.12s), accel %s: %s", label, k.name,
		k.key ? k.key : "?", k.series ? k.series : "none",
		k.config_sha256 ? k.config_sha256 : "?", accel, why);

	/* What the guest runs: the same options, minus the VM's own, plus what workloads prepared. */
	run_opts_copy(&g, o);
	free(g.source);
	g.source = NULL;	/* a guest gets the source a workload prepared, if any */
	ret = vm_prepare_workloads(o, &g, cache, err, sizeof(err));
	if (ret) {
		write_host_meta(dir, o, &k, label, id, "failed", err, why, wall_start);
		note_env(dir, qemu, &k);
		pr_err("%s", err);
		goto out;
	}
	free(g.cache);
	g.cache = xstrdup(cache);
	free(g.workdir);
	g.workdir = xstrdup(GUEST_WORK);
	g.target_label = xstrdup(label);
	g.kernel_name = xstrdup(k.name);
	g.series = k.series ? xstrdup(k.series) : NULL;
	g.config_hash = k.config_sha256 ? xstrdup(k.config_sha256) : NULL;
	norandmaps = guest_aslr_off(o, ip.want);
	g.notes = xasprintf("accel %s: %s%s", accel, why,
			    norandmaps ? "; guest ASLR off (norandmaps), for repeatable counts" : "");
	ret = run_opts_guest_write(&g, dir);
	if (ret) {
		pr_err("cannot write the guest's arguments into '%s': %s", dir, strerror(-ret));
		goto out;
	}

	console = xasprintf("%s/console.log", dir);
	plugin = ip.want ? insn_plugin_arg(&ip, dir) : NULL;
	argv = qemu_argv(o, norandmaps, qemu, accel, k.bzimage, dir, self, plugin);
	err[0] = '\0';
	end = qemu_run(o, argv, console, err, sizeof(err));
	if (ip.want && end != VM_END_OK && !ip.required &&
	    console_has(console, "Could not load plugin")) {
		/* --insn-count auto: the run goes on without counts, and says why */
		char *tail = console_tail(console, 3);

		free(ip.why);
		ip.why = xasprintf("qemu could not load the plugin: %s",
				   tail);
		free(tail);
		ip.want = false;
		pr_warn("no instruction counts: %s", ip.why);
		strv_free(argv);
		argv = qemu_argv(o, norandmaps, qemu, accel, k.bzimage, dir, self, NULL);
		err[0] = '\0';
		end = qemu_run(o, argv, console, err, sizeof(err));
	}
	if (end == VM_END_OK) {
		struct meta m;
		char e2[256];

		if (meta_load(&m, dir, e2, sizeof(e2))) {
			end = VM_END_ERROR;
			snprintf(err, sizeof(err), "the guest wrote no meta.json: %s", e2);
		} else {
			code = m.status && !strcmp(m.status, "complete") ? 0 : 1;
			meta_release(&m);
		}
	}
	if (end != VM_END_OK) {
		char *tail = console_tail(console, 12);
		char *msg = xasprintf("%s; console tail:\n%s", err, tail);

		write_host_meta(dir, o, &k, label, id, vm_end_status[end], err, why, wall_start);
		pr_err("%s: %s", vm_end_status[end], msg);
		free(msg);
		free(tail);
		code = 1;
	}
	if (note_insn(dir, &ip))
		code = 1;
	note_env(dir, qemu, &k);
	report_print_dir(dir, FMT_TEXT, stdout);
	pr_info("result: %s (%s)", dir, end == VM_END_OK ? (code ? "see status" : "complete") :
		vm_end_status[end]);
out:
	if (argv)
		strv_free(argv);
	kernel_info_release(&k);
	insn_plan_release(&ip);
	free(plugin);
	run_opts_release(&g);
	free(console);
	free(self);
	free(qemu);
	free(id);
	free(dir);
	free(cache);
	return code;
}

const struct target target_vm_kvm = {
	.name = "vm-kvm",
	.option = "vm",
	.accel = "kvm",
	.prepare = vm_prepare,
	.usable = kvm_usable,
	.run = vm_run,
};

const struct target target_vm_tcg = {
	.name = "vm-tcg",
	.option = "vm",
	.accel = "tcg",
	.asked = "TCG asked for",
	.prepare = vm_prepare,
	.run = vm_run,
};
