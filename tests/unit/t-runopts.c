// SPDX-License-Identifier: GPL-2.0
/*
 * t-runopts.c - unit tests for bench/run-opts.c: a run handed to a guest
 * (guest-args and guest.info) comes back the same, option by option of the
 * table, except the host-side ones, which are never written; workload
 * parameters by name; options applied onto a run without its defaults.
 */
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "run-opts.h"
#include "tap.h"
#include "util.h"
#include "workload.h"

/* Every option of the table at a value that is not its default. */
static char *argv_all[] = {
	"run", "--cgroup", "v1", "-w", "kernelbuild,idle,kmem-churn,selftests", "--scale",
	"small", "--depth", "3", "--builders", "5", "--idle", "7", "-j", "3", "--interval",
	"250ms", "-d", "90s", "--settle", "5s", "--batch", "32", "--source", "/src",
	"--cache", "/cache", "-q", "--workdir", "/wd", "--perf", "--perf-freq", "123",
	"--perf-keep", "no", "--trace", "rss_stat",
	/* host side */
	"--target", "vm", "-o", "/out", "--force", "--kernel", "k1", "--accel", "tcg",
	"--insn-count", "off", "--cpus", "3", "--mem", "1G", "--boot-timeout", "30s",
	"--run-timeout", "5m", "--append", "x=1",
	/* workload parameters of each type */
	"--kernelbuild-targets", "mm/", "--idle-anon", "8M", "--kmem-churn-children", "20",
	"--selftests-timeout", "10m", "--selftests-root", "shared", "--readcost-counts", "1,2",
	NULL,
};

static bool same(const struct option *op, const void *a, const void *b)
{
	char *x = opt_format(op, a), *y = opt_format(op, b);
	bool ok = !strcmp(x, y);

	free(x);
	free(y);
	return ok;
}

static void test_round_trip(void)
{
	struct run_opts o, g, back, def;
	struct strbuf args = STRBUF_INIT, info = STRBUF_INIT;
	const struct workload *const *w;
	const struct option *op;
	bool all = true, host_out = true, params = true;
	char *a, *i;

	tap_ok(!run_opts_parse(&o, (int)(ARRAY_SIZE(argv_all) - 1), argv_all),
	       "a command line with every option parses");
	run_opts_copy(&g, &o);
	g.target_label = xstrdup("vm-tcg");
	g.kernel_name = xstrdup("k1");
	g.config_hash = xstrdup("abc");
	g.notes = xstrdup("accel tcg: TCG asked for");
	run_opts_guest_format(&g, &args, &info);
	a = xstrdup(args.buf);
	i = xstrdup(info.buf);
	tap_ok(!run_opts_guest_parse(&back, a, i), "guest-args and guest.info parse back");
	run_opts_init(&def);
	for (op = run_options; op->type != OPT_END; op++) {
		char *key = xasprintf("--%s=", op->name);
		bool written = strstr(args.buf, key) != NULL;

		if (op->tags & RUN_HOST) {
			if (written || !same(op, &back, &def)) {
				tap_ok(0, "host-side --%s is not handed over", op->name);
				host_out = false;
			}
		} else if (!written || !same(op, &o, &back)) {
			tap_ok(0, "--%s survives the round trip", op->name);
			all = false;
		}
		free(key);
	}
	tap_ok(all, "every option that goes into the guest survives the round trip");
	tap_ok(host_out, "no host-side option is written (target, out, kernel, cpus, ...)");
	for (w = workloads; *w; w++)
		for (op = (*w)->params; op && op->type != OPT_END; op++)
			if (!same(op, run_opts_wl(&o, *w), run_opts_wl(&back, *w))) {
				tap_ok(0, "--%s-%s survives the round trip", (*w)->name, op->name);
				params = false;
			}
	tap_ok(params, "every workload parameter survives the round trip");
	tap_ok(back.target_label && !strcmp(back.target_label, "vm-tcg") &&
	       back.kernel_name && !strcmp(back.kernel_name, "k1") && !back.series &&
	       back.config_hash && !strcmp(back.config_hash, "abc") && back.notes &&
	       !strcmp(back.notes, "accel tcg: TCG asked for"),
	       "guest.info: target, kernel, config hash and notes back, no series");
	tap_ok(!strcmp(info.buf, "target=vm-tcg\nkernel=k1\nseries=\nconfig_hash=abc\n"
		       "notes=accel tcg: TCG asked for\n"), "guest.info as key=value lines");
	tap_ok(g.workload != o.workload && !strcmp(g.workload, o.workload) &&
	       run_opts_wl(&g, &wl_kernelbuild) != run_opts_wl(&o, &wl_kernelbuild),
	       "run_opts_copy copies, it does not share");
	free(a);
	free(i);
	sb_release(&args);
	sb_release(&info);
	run_opts_release(&o);
	run_opts_release(&g);
	run_opts_release(&back);
	run_opts_release(&def);
}

static void test_params_by_name(void)
{
	struct run_opts o;
	int *children;
	char **dir;

	run_opts_init(&o);
	children = wl_param(&wl_kmem_churn, run_opts_wl(&o, &wl_kmem_churn), "children");
	tap_ok(children && *children == 100, "wl_param: kmem-churn children, default 100");
	run_opts_set_wl_str(&o, &wl_selftests, "dir", "/st");
	dir = wl_param(&wl_selftests, run_opts_wl(&o, &wl_selftests), "dir");
	tap_ok(dir && *dir && !strcmp(*dir, "/st"), "run_opts_set_wl_str sets selftests dir");
	tap_ok(!wl_param(&wl_selftests, run_opts_wl(&o, &wl_selftests), "nope"),
	       "wl_param: an unknown parameter is NULL");
	tap_ok(run_opts_int(&o, "builders") == 2 && run_opts_int(&o, "idle") == 9 &&
	       run_opts_int(&o, "nope") == 0, "run_opts_int by name, defaults 2 and 9");
	run_opts_release(&o);
}

static void test_apply(void)
{
	char *argv[] = { "run", "--idle", "2", "--kmem-churn-children=7", NULL };
	char *bad[] = { "run", "--idle", "x", NULL };
	struct run_opts o;

	run_opts_init(&o);
	o.settle = 10 * NSEC_PER_SEC;
	o.builders = 4;
	tap_ok(!run_opts_apply(&o, 4, argv) && o.idle == 2 && o.builders == 4 &&
	       o.settle == 10 * NSEC_PER_SEC &&
	       *(int *)wl_param(&wl_kmem_churn, run_opts_wl(&o, &wl_kmem_churn), "children") == 7,
	       "run_opts_apply changes what it is given and keeps the rest");
	tap_ok(run_opts_apply(&o, 3, bad) == -1, "run_opts_apply: a bad value is -1");
	tap_ok(!run_opts_apply_str(&o, "  --idle 5  --settle=3s ") && o.idle == 5 &&
	       o.settle == 3 * NSEC_PER_SEC && o.builders == 4,
	       "run_opts_apply_str: space-separated options, extra spaces skipped");
	tap_ok(run_opts_apply_str(&o, "--idle") == -1, "run_opts_apply_str: a missing value is -1");
	run_opts_release(&o);
}

int main(void)
{
	tap_plan(16);
	test_round_trip();
	test_params_by_name();
	test_apply();
	return tap_done();
}
