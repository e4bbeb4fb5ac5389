// SPDX-License-Identifier: GPL-2.0
/*
 * insn-run.c - guest instruction counts in a vm run (--insn-count).
 *
 * auto (the default) counts under TCG and not under KVM, where the PMU has
 * real counters; on insists (a plugin or map that is missing, or KVM, is
 * bad input, exit 2, before anything boots); off never loads the plugin.
 * The guest marks its window, ticks and memory.stat reads
 * (bench/insn-marker.h); the plugin writes insn.raw into the result
 * directory when qemu exits; insn_collect() resolves it against the kernel's
 * System.map into insn.tsv, insn-symbols.tsv and insn-reads.tsv.
 */
#include "insn-run.h"
#include "insn.h"
#include "kbuild.h"
#include "spawn.h"
#include "strbuf.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PB_PLUGIN_PATH
#define PB_PLUGIN_PATH "build/pb-insn.so"
#endif

/*
 * Does @qemu load @plugin? A machine-less qemu with the plugin, told to quit on
 * its monitor: ~0.1 s, and the same loader (and the plugin's own version
 * checks in qemu_plugin_install) as the run's. Return: 0, or -1 with *@why set
 * to qemu's own words.
 */
static int plugin_probe(const char *qemu, const char *plugin, char **why)
{
	char tmpl[] = "/tmp/pb-insn-probe.XXXXXX";
	char *dir = mkdtemp(tmpl), *arg, *raw;
	char *argv[] = { (char *)qemu, "-machine", "none", "-accel", "tcg", "-display", "none",
			 "-nodefaults", "-monitor", "stdio", "-plugin", NULL, NULL };
	struct strbuf out = STRBUF_INIT;
	struct child c = CHILD_INIT;
	int fds[2], ret;

	if (!dir || pipe(fds)) {
		*why = xasprintf("cannot probe plugin '%s': %s", plugin, strerror(errno));
		if (dir)
			rmdir(dir);
		return -1;
	}
	/* five bytes into an empty pipe: short only on a broken system */
	if (write(fds[1], "quit\n", 5) != 5) {
		*why = xasprintf("cannot probe plugin '%s': %s", plugin, strerror(errno));
		close(fds[0]);
		close(fds[1]);
		rmdir(dir);
		return -1;
	}
	close(fds[1]);
	raw = xasprintf("%s/insn.raw", dir);
	arg = xasprintf("%s,out=%s", plugin, raw);
	argv[11] = arg;
	c.argv = argv;
	c.in = CHILD_FD;
	c.in_fd = fds[0];
	c.out = CHILD_CAPTURE;
	c.out_sb = &out;
	c.err = CHILD_TO_STDOUT;
	c.timeout_ns = 20 * NSEC_PER_SEC;
	c.pdeathsig = SIGKILL;
	ret = child_run(&c);
	close(fds[0]);
	unlink(raw);
	free(raw);
	rmdir(dir);
	free(arg);
	if (ret) {
		char *line = strstr(out.buf ? out.buf : "", "qemu-system");

		/* qemu's message, one line: "Could not load plugin X: why" */
		line = line ? strchr(line, ':') : NULL;
		line = line ? line + 1 + strspn(line + 1, " ") : NULL;
		if (line)
			line[strcspn(line, "\n")] = 0;
		*why = xasprintf("plugin '%s' does not load in %s (%s)", plugin, qemu,
				 line && *line ? line : ret < 0 ? strerror(-ret) : "exit status");
	}
	sb_release(&out);
	return ret ? -1 : 0;
}

/**
 * insn_plan_make - decide whether a vm run loads the instruction-count plugin
 * @p: filled; release with insn_plan_release()
 * @mode: "auto" (also NULL), "on" or "off"
 * @accel: "tcg" or "kvm", as chosen
 * @qemu: the qemu binary, which must load the plugin (NULL: not checked)
 * @k: the kernel to boot
 * @err: why "on" cannot be honoured
 * @errlen: its size
 *
 * The plugin is PATCHBENCH_PLUGIN, else the one this tree's make built.
 * Return: 0 (with @p->why saying why there are no counts when @p->want is
 * false), or -EINVAL when @mode is "on" and the run cannot count.
 */
int insn_plan_make(struct insn_plan *p, const char *mode, const char *accel, const char *qemu,
		   const struct kernel_info *k, char *err, size_t errlen)
{
	const char *env = getenv("PATCHBENCH_PLUGIN");
	bool on = mode && !strcmp(mode, "on");
	char *why = NULL;

	memset(p, 0, sizeof(*p));
	p->required = on;
	if (mode && !strcmp(mode, "off")) {
		p->why = xstrdup("--insn-count off");
		return 0;
	}
	if (strcmp(accel, "tcg")) {
		p->why = xstrdup("not under KVM (the PMU counts there)");
		if (on) {
			snprintf(err, errlen, "--insn-count on needs TCG (this run uses %s: use "
				 "--accel tcg, or perf's counters under KVM)", accel);
			return -EINVAL;
		}
		return 0;
	}
	p->plugin = xstrdup(env && *env ? env : PB_PLUGIN_PATH);
	p->map = xasprintf("%s/System.map", k->dir);
	if (!path_exists(p->plugin))
		p->why = xasprintf("plugin '%s' not found (make builds it)",
				   p->plugin);
	else if (qemu && plugin_probe(qemu, p->plugin, &why))
		p->why = why;
	else if (!path_exists(p->map))
		p->why = xasprintf("kernel '%s' has no System.map (built by "
				   "an older patchbench): rebuild it with 'patchbench build --name "
				   "%s --rebuild'", k->name, k->name);
	if (p->why && on) {
		snprintf(err, errlen, "--insn-count on: %s", p->why);
		return -EINVAL;
	}
	p->want = !p->why;
	return 0;
}

/*
 * The kernel's entry points, as the plugin's entries=FILE takes them: "ADDRESS
 * KIND" a line, i for an interrupt (asm_common_interrupt, asm_spurious_interrupt,
 * asm_sysvec_*, asm_exc_nmi, asm_exc_machine_check), e for any other exception
 * (asm_exc_*: a page fault is work), s for the 64-bit system call. Written
 * through a temp file and a rename. Return: 0 or -errno (-ENOENT: no entry
 * point in @ks, an older or odd map).
 */
static int write_entries(const struct ksyms *ks, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, n = 0;
	int ret;

	for (i = 0; i < ks->n; i++) {
		const char *s = ks->v[i].name;
		char kind = 0;

		if (!strcmp(s, "asm_common_interrupt") || !strcmp(s, "asm_spurious_interrupt") ||
		    !strncmp(s, "asm_sysvec_", 11) || !strcmp(s, "asm_exc_nmi") ||
		    !strcmp(s, "asm_exc_machine_check"))
			kind = 'i';
		else if (!strncmp(s, "asm_exc_", 8))
			kind = 'e';
		else if (!strcmp(s, "entry_SYSCALL_64"))
			kind = 's';
		if (!kind)
			continue;
		sb_addf(&sb, "%" PRIx64 " %c\n", ks->v[i].addr, kind);
		n++;
	}
	ret = n ? write_atomic(path, sb.buf, sb.len) : -ENOENT;
	sb_release(&sb);
	return ret;
}

/**
 * insn_plugin_arg - the value of qemu's -plugin option for a run into @dir
 * @p: a plan that wants counts
 * @dir: the result directory (absolute)
 *
 * Also writes @dir/insn-entries, the kernel's entry points from its
 * System.map, so that the plugin can keep interrupts out of the counts of a
 * workload's marked work (page-fault's instructions per operation). Without
 * it (a map with no entry points) the plugin counts interrupts in, and the
 * "work" rows say 0 excluded; a warning says why.
 *
 * Return: a string the caller frees.
 */
char *insn_plugin_arg(const struct insn_plan *p, const char *dir)
{
	char *entries = xasprintf("%s/insn-entries", dir), *arg, err[256] = "";
	struct strbuf mb = STRBUF_INIT;
	struct ksyms ks = { 0 };
	int ret = read_regular_file(p->map, 1UL << 30, &mb, err, sizeof(err));

	if (!ret && (ret = ksyms_parse(&ks, mb.buf, mb.len, err, sizeof(err))) == 0)
		ret = write_entries(&ks, entries);
	if (ret) {
		pr_warn("'%s': %s: interrupts stay in the counts of marked work", p->map,
			err[0] ? err : ret == -ENOENT ? "no kernel entry points (asm_exc_*)" :
			strerror(-ret));
		arg = xasprintf("%s,out=%s/insn.raw", p->plugin, dir);
	} else {
		arg = xasprintf("%s,out=%s/insn.raw,entries=%s", p->plugin, dir, entries);
	}
	ksyms_release(&ks);
	sb_release(&mb);
	free(entries);
	return arg;
}

/**
 * insn_collect - turn @dir/insn.raw into the run's instruction tables
 * @p: the plan the run was booted with
 * @dir: the result directory
 * @state: set to what meta.json's insn_counts says (the caller frees it):
 *         "complete", "incomplete: ..." or "missing: ..."
 *
 * Return: 0 when the tables were written, -errno otherwise (@state says why).
 */
int insn_collect(const struct insn_plan *p, const char *dir, char **state)
{
	char *raw = xasprintf("%s/insn.raw", dir), err[256] = "";
	struct strbuf sb = STRBUF_INIT, mb = STRBUF_INIT;
	struct insn_raw r = { 0 };
	struct ksyms ks = { 0 };
	struct insn_sym *s = NULL;
	size_t n = 0;
	int ret;

	ret = read_regular_file(raw, 1UL << 30, &sb, err, sizeof(err));
	if (ret) {
		*state = xasprintf("missing: the plugin left no counts (%s)", err);
		goto out;
	}
	ret = insn_raw_parse(&r, sb.buf, sb.len, err, sizeof(err));
	if (ret) {
		*state = xasprintf("missing: '%s': %s", raw, err);
		goto out;
	}
	ret = read_regular_file(p->map, 1UL << 30, &mb, err, sizeof(err));
	if (!ret && (ret = ksyms_parse(&ks, mb.buf, mb.len, err, sizeof(err))))
		*state = xasprintf("missing: '%s': %s", p->map, err);
	else if (ret)
		*state = xasprintf("missing: %s", err);
	if (ret)
		goto out;
	insn_symbols(&r, &ks, &s, &n);
	ret = insn_write_results(dir, &r, s, n);
	if (ret)
		*state = xasprintf("missing: cannot write the instruction tables in '%s': %s", dir,
				   strerror(-ret));
	else if (r.window != INSN_WIN_COMPLETE)
		*state = xasprintf("incomplete: the window is %s (the guest ended inside it, or "
				   "never opened it)", insn_window_name(r.window));
	else
		*state = xstrdup("complete");
out:
	insn_syms_free(s, n);
	ksyms_release(&ks);
	insn_raw_release(&r);
	sb_release(&sb);
	sb_release(&mb);
	free(raw);
	return ret;
}

/**
 * insn_plan_release - free what insn_plan_make() allocated; @p may be NULL
 * @p: the plan
 */
void insn_plan_release(struct insn_plan *p)
{
	if (!p)
		return;
	free(p->plugin);
	free(p->map);
	free(p->why);
	memset(p, 0, sizeof(*p));
}
