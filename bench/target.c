// SPDX-License-Identifier: GPL-2.0
/*
 * target.c - the table of targets and the choice of one. To add one: write
 * its run (and, if it has them, prepare and usable) in its own file ending
 * in a "const struct target target_foo", declare it in target.h, add it
 * here and its file to CORE_SRCS in the Makefile (see README, "Adding a
 * target").
 */
#include "target.h"
#include "cgroup.h"
#include "drift.h"
#include "kcache.h"
#include "resultdir.h"
#include "run-opts.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

const struct target *const targets[] = {
	&target_host,
	&target_vm_kvm,
	&target_vm_tcg,
	NULL,
};

const struct target *target_select(const struct run_opts *o, char *why, size_t whylen)
{
	const struct target *const *t;
	bool prepared = false;

	snprintf(why, whylen, "%s", "");
	for (t = targets; *t; t++) {
		if (strcmp((*t)->option, o->target))
			continue;
		if (!prepared && (*t)->prepare && (*t)->prepare(o))
			return NULL;
		prepared = true;
		/* --accel auto: the first usable entry; --accel NAME: that entry, if usable */
		if ((*t)->accel && strcmp(o->accel, "auto") && strcmp(o->accel, (*t)->accel))
			continue;
		if (!(*t)->usable) {
			if ((*t)->accel && !strcmp(o->accel, (*t)->accel) && (*t)->asked)
				snprintf(why, whylen, "%s", (*t)->asked);
			return *t;
		}
		if ((*t)->usable(why, whylen))
			return *t;
		if ((*t)->accel && !strcmp(o->accel, (*t)->accel)) {
			pr_err("--accel %s: %s", o->accel, why);
			return NULL;
		}
	}
	pr_err("no target '%s'", o->target);
	return NULL;
}

/* The Slurm node a run runs on ($SLURMD_NODENAME in a job), else this host's name. */
static char *node_name(void)
{
	const char *env = getenv("SLURMD_NODENAME");
	char host[256];

	if (env && *env)
		return xstrdup(env);
	if (gethostname(host, sizeof(host)))
		return xstrdup("?");
	host[sizeof(host) - 1] = '\0';
	return xstrdup(host);
}

/*
 * A run of an A/B pair (--pair) was placed by an engine on a machine that
 * must see the cache the kernels were built into: say so when it does not,
 * whatever the target (the check is the same for all). 0, or -ENOENT with
 * @err.
 */
static int pair_check(const struct run_opts *o, char *err, size_t errlen)
{
	struct kernel_info k;
	char *cache, e[768];
	int ret = 0;

	if (!o->kernel)
		return 0;
	cache = o->cache ? xstrdup(o->cache) : pb_cache_dir();
	if (kernel_load(cache, o->kernel, &k, e, sizeof(e))) {
		char *node = node_name();

		snprintf(err, errlen, "node '%s' cannot see kernel '%s' in the cache '%s' (--cache "
			 "must be on a filesystem every node sees): %s", node, o->kernel, cache, e);
		free(node);
		ret = -ENOENT;
	}
	kernel_info_release(&k);
	free(cache);
	return ret;
}

/*
 * The meta.json of a run that could not start: what a run of @o would have
 * recorded about the experiment (options, workload parameters, CPUs, charge
 * batch, cgroup layout), so that compare lists its status, not every field.
 */
static void failed_meta(const struct run_opts *o, struct meta *m, int code, const char *error)
{
	struct cg_layout l;
	struct utsname u;
	char buf[64], e[256];

	meta_init(m);
	m->run_id = pb_run_id();
	m->status = xstrdup("failed");
	m->target = xstrdup(o->target);
	m->kernel_name = o->kernel ? xstrdup(o->kernel) : NULL;
	run_opts_to_meta(o, m);
	run_opts_params_to_meta(o, m);
	m->cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (!m->batch)
		m->batch = (int)drift_default_batch(uname(&u) ? NULL : u.release);
	memset(&l, 0, sizeof(l));
	if (!cg_layout_detect(&l, o->cgroup, e, sizeof(e)))
		m->cgroup_version = xstrdup(cg_version_name(l.version));
	cg_layout_release(&l);
	m->perf_event = xstrdup("none");
	m->start = xstrdup(iso8601(buf, sizeof(buf), wall_ns()));
	m->end = xstrdup(buf);
	m->error = error ? xstrdup(error) :
		   xasprintf("the run could not start (bad input, exit %d): see the output of "
			     "its job", code);
}

/*
 * After a run of a pair: its meta.json gets "pair" and "node"; a run that
 * could not start (exit 2, no meta.json) gets a failed one with @error (or a
 * generic reason), so that the A/B directory names it.
 */
static void pair_stamp(const struct run_opts *o, int code, const char *error)
{
	char e[256];
	struct meta m;

	if (!o->out)
		return;
	if (meta_load(&m, o->out, e, sizeof(e))) {
		failed_meta(o, &m, code, error);
		if (mkdir_p(o->out, 0755)) {
			meta_release(&m);
			return;
		}
	}
	free(m.pair);
	m.pair = xstrdup(o->pair);
	free(m.node);
	m.node = node_name();
	if (meta_write(&m, o->out))
		pr_err("cannot write '%s/meta.json'", o->out);
	meta_release(&m);
}

int run_main(struct run_opts *o)
{
	char why[256], err[1024];
	const struct target *t;
	int code;

	pb_quiet = o->quiet;
	if (o->pair && pair_check(o, err, sizeof(err))) {
		pr_err("%s", err);
		pair_stamp(o, 2, err);
		return 2;
	}
	t = target_select(o, why, sizeof(why));
	code = t ? t->run(t, o, why) : 2;
	if (o->pair)
		pair_stamp(o, code, NULL);
	return code;
}
