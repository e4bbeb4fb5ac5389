// SPDX-License-Identifier: GPL-2.0
/*
 * target.c - the table of targets and the choice of one. To add one: write
 * its run (and, if it has them, prepare and usable) in its own file ending
 * in a "const struct target target_foo", declare it in target.h, add it
 * here and its file to CORE_SRCS in the Makefile (see README, "Adding a
 * target").
 */
#include "target.h"
#include "run-opts.h"
#include "util.h"

#include <string.h>

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

int run_main(struct run_opts *o)
{
	char why[256];
	const struct target *t;

	pb_quiet = o->quiet;
	t = target_select(o, why, sizeof(why));
	return t ? t->run(t, o, why) : 2;
}
