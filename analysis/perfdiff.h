/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perfdiff.h - the cover letter's per-symbol table: baseline overhead and
 * delta of each symbol between two sides, each side one run or several
 * repeats.
 */
#ifndef PB_PERFDIFF_H
#define PB_PERFDIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "format.h"
#include "perfsym.h"

struct perfdiff_row {
	char kind;		/* 'k', 'u', ... as in struct perfsym */
	char *dso;
	char *symbol;		/* normalised */
	double base;		/* mean overhead over A's runs, % (0 where absent) */
	double newv;		/* mean over B's runs, % */
	double delta;		/* newv - base */
	double sd_a, sd_b;	/* standard deviation over each side's runs (0 with one run) */
	size_t in_a, in_b;	/* runs of each side that have the symbol */
	double base_n, new_n;	/* mean event count (period; instructions with --event insn) */
};

struct perfdiff {
	struct perfdiff_row *rows;	/* sorted by |delta|, largest first */
	size_t n;
	size_t na, nb;		/* runs per side */
};

/*
 * perfdiff_compute - match the symbols of runs @a[0..@na) and @b[0..@nb)
 * by (kind, dso, normalised name), summing the rows that normalise to the
 * same name within a run; a symbol missing from a run counts 0.00 there.
 * With @kernel_only, only kernel symbols. Release @d with perfdiff_release().
 */
void perfdiff_compute(const struct perfsym_list *a, size_t na, const struct perfsym_list *b,
		      size_t nb, bool kernel_only, struct perfdiff *d);
void perfdiff_release(struct perfdiff *d);

/* Where the numbers of one side come from, for the header of every format. */
struct perfdiff_side {
	const char *label;	/* the path given on the command line */
	char **dirs;		/* the result directories (one, or the repeats) */
	size_t n;
	const char *event;	/* perf event of the runs ("cpu-clock"), "mixed" or "unknown" */
	const char *kernels;	/* "6.1.0-vanilla" or "a, b" */
	bool insn;		/* guest instruction counts (TCG plugin), not perf samples */
	bool noted;		/* insn: the report said already that instructions are not cycles */
};

/*
 * perfdiff_print - the @top rows (all with 0) of @d. The text table fits
 * 72 columns and says which event, kernels and repeats the numbers came
 * from; a ±σ column per side appears when each side has 2+ runs. @fmt is
 * one of out_formats_text_tsv_json. Returns 0, or -EINVAL for another.
 */
int perfdiff_print(const struct perfdiff *d, const struct perfdiff_side *a,
		   const struct perfdiff_side *b, size_t top, bool kernel_only,
		   enum out_format fmt, FILE *out);

/* One side of perfdiff loaded from a path of the command line (perfdiff-load.c). */
struct perfdiff_input {
	struct perfdiff_side info;	/* what perfdiff_print() names; points into this */
	struct perfsym_list *runs;	/* the profile of each of info.dirs */
	char *event, *kernels;		/* owned; info.event and info.kernels */
};

/*
 * perfdiff_input_load - fill the zeroed @s from @path: a result directory,
 * or a directory whose subdirectories are result directories (repeats, in
 * name order). Each run's profile comes from its perf-symbols.tsv, else
 * from its perf.data through perf report; a damaged perf.data is an
 * error. With @insn, from its insn-symbols.tsv (guest instructions of the
 * TCG plugin) instead: a run without one, or whose meta.json insn_counts
 * is not "complete", is an error naming the run and the reason. Prints
 * the reason of a failure (pr_err) and returns a negative error; @s is
 * then half filled. Either way release @s with
 * perfdiff_input_release(); @s->info.label points to @path.
 */
int perfdiff_input_load(struct perfdiff_input *s, const char *path, bool insn);
void perfdiff_input_release(struct perfdiff_input *s);

#endif
