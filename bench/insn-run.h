/* SPDX-License-Identifier: GPL-2.0 */
/*
 * insn-run.h - the host side of guest instruction counts in a vm run: whether
 * to load the TCG plugin, its qemu argument, and turning its insn.raw into the
 * run's insn*.tsv once qemu has exited.
 */
#ifndef PB_INSN_RUN_H
#define PB_INSN_RUN_H

#include <stdbool.h>
#include <stddef.h>

struct kernel_info;

/* What one vm run does about instruction counts. insn_plan_release(). */
struct insn_plan {
	bool want;		/* load the plugin */
	bool required;		/* --insn-count on: counts that are not complete fail the run */
	char *plugin;		/* build/pb-insn.so */
	char *map;		/* <kernel dir>/System.map */
	char *why;		/* without counts: the reason, for meta.json's notes */
};

int insn_plan_make(struct insn_plan *p, const char *mode, const char *accel, const char *qemu,
		   const struct kernel_info *k, char *err, size_t errlen);
char *insn_plugin_arg(const struct insn_plan *p, const char *dir);
int insn_collect(const struct insn_plan *p, const char *dir, char **state);
void insn_plan_release(struct insn_plan *p);

#endif
