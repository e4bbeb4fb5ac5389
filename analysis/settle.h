/* SPDX-License-Identifier: GPL-2.0 */
/*
 * settle.h - one look of --repeat auto (ab, bisect, reproduce): where the
 * watched metrics of a comparison stand under verdict_settled(), and the
 * "N|auto" value of --repeat.
 */
#ifndef PB_SETTLE_H
#define PB_SETTLE_H

#include <stdbool.h>

struct comparison;

/* The metric watched by default: insn:kernel when @c has it (instruction counts), else
 * cputotal:task-clock. */
const char *settle_default_watch(const struct comparison *c);

/**
 * settle_look - where the watched metrics of a comparison stand
 * @c: the comparison of the runs so far
 * @keys: the watched metric keys, NULL-terminated
 * @max_looks: the most looks of the sequence (verdict_settled())
 * @why: "KEY changed (+1.20%..+1.40% against +-2.00%), ..." for every key; the
 *	 caller frees it (NULL when the return is -1)
 * @missing: with -1, the key @c has no row for
 *
 * Return: 1 when every watched metric settled, 0 when one is open, -1 for a
 * key @c has no row for.
 */
int settle_look(const struct comparison *c, char *const *keys, int max_looks, char **why,
		const char **missing);

/**
 * repeat_parse - the value of a --repeat N|auto option
 * @opt: its name, for the error ("repeat")
 * @s: as given
 * @max_repeat: the most pairs of auto (--max-repeat)
 * @repeat: N, or @max_repeat for auto
 * @is_auto: set for auto
 *
 * Return: 0, or -EINVAL after printing "invalid value '@s' for --@opt: ...".
 */
int repeat_parse(const char *opt, const char *s, int max_repeat, int *repeat, bool *is_auto);

#endif
