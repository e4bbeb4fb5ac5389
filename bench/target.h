/* SPDX-License-Identifier: GPL-2.0 */
/*
 * target.h - where a run runs: the table of targets (like commands[] and
 * workloads[]), and the one place that picks an entry for a run's options.
 */
#ifndef PB_TARGET_H
#define PB_TARGET_H

#include <stdbool.h>
#include <stddef.h>

struct run_opts;

struct target {
	const char *name;	/* meta.json's "target": "host", "vm-tcg", "vm-kvm" */
	const char *option;	/* the --target value it answers to: "host", "vm" */
	const char *accel;	/* the --accel value that asks for it; NULL: --accel is not its */
	const char *asked;	/* why it was chosen when --accel named it and it has no @usable */
	/*
	 * Check the input before an entry is chosen and anything is made, the
	 * same for every entry of one --target. Optional. 0, or -errno (printed).
	 */
	int (*prepare)(const struct run_opts *o);
	/* Can this machine run it? @why says why, or why not. Optional: always. */
	bool (*usable)(char *why, size_t whylen);
	/*
	 * The whole run of @o on this target; @why is how the entry was chosen.
	 * Returns the exit code: 0 complete, 1 failed or interrupted, 2 bad input.
	 */
	int (*run)(const struct target *t, struct run_opts *o, const char *why);
};

/* NULL-terminated, in target.c; with --accel auto the first usable entry wins. */
extern const struct target *const targets[];

extern const struct target target_host;		/* runner.c */
extern const struct target target_vm_kvm;	/* vm.c */
extern const struct target target_vm_tcg;	/* vm.c */

/*
 * target_select - the entry for @o's --target and --accel, after the
 * entries' prepare(). @why gets how it was chosen. Returns NULL after an
 * error message (bad input).
 */
const struct target *target_select(const struct run_opts *o, char *why, size_t whylen);
/*
 * run_main - the whole of "patchbench run" on the entry of targets[] that @o
 * asks for: validate, create, run, sample, clean up, write the result
 * directory, print the summary.
 * Returns the exit code: 0 complete, 1 failed or interrupted, 2 bad input.
 */
int run_main(struct run_opts *o);

#endif
