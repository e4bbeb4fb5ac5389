// SPDX-License-Identifier: GPL-2.0
/*
 * cmd-targets.c - "patchbench targets": where a run can run (targets[] of
 * bench/target.c), whether this machine can run each, and which one
 * "--accel auto" picks.
 */
#include "builtin.h"
#include "options.h"
#include "target.h"
#include "util.h"
#include "wrap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether @t runs here; @why says why or why not ("" when it has no check). */
static bool target_usable(const struct target *t, char *why, size_t whylen)
{
	why[0] = '\0';
	return !t->usable || t->usable(why, whylen);
}

int cmd_targets(int argc, char **argv)
{
	static const struct option none[] = { { NULL } };
	struct opt_cmd cmd = {
		.name = "targets",
		.usage = "patchbench targets",
		.summary = "List where a run can run (meta.json's \"target\"), the options that\n"
			   "choose each, whether this machine can run it and why, and the entry\n"
			   "'--accel auto' picks. Exit 0.",
		.opts = none,
	};
	const struct target *const *t, *const *u;
	char by[64], why[256];
	int i = opt_parse_all(&cmd, NULL, argc, argv);

	if (i)
		return i == -2 ? 0 : 2;
	printf("%-8s %-26s %s\n", "target", "chosen by", "usable here");
	for (t = targets; *t; t++) {
		bool ok = target_usable(*t, why, sizeof(why));
		char *lead, *text;

		snprintf(by, sizeof(by), "--target %s%s%s", (*t)->option,
			 (*t)->accel ? " --accel " : "", (*t)->accel ? (*t)->accel : "");
		lead = xasprintf("%-8s %-26s ", (*t)->name, by);
		text = xasprintf("%s%s%s", ok ? "yes" : "no", *why ? ": " : "", why);
		/* the reasons are long: folded below the column, 72 wide for an email */
		text_wrap(stdout, lead, (int)strlen(lead), text, 72);
		free(lead);
		free(text);
	}
	/* --accel auto: the first usable entry of each --target that has accelerators */
	for (t = targets; *t; t++) {
		bool first = true;

		for (u = targets; u < t && first; u++)
			first = strcmp((*u)->option, (*t)->option) != 0;
		if (!first || !(*t)->accel)
			continue;
		for (u = t; *u; u++)
			if (!strcmp((*u)->option, (*t)->option) && target_usable(*u, why, sizeof(why)))
				break;
		printf("\n--target %s --accel auto: %s\n", (*t)->option, *u ? (*u)->name : "none");
	}
	return 0;
}
