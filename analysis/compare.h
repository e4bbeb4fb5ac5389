/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compare.h - "patchbench compare": two sets of runs (A the base, B the
 * patched kernel), every metric of metrics.h side by side with a confidence
 * interval of the difference and a verdict (verdict.h).
 *
 * Inputs. Each side is one result directory, a directory holding several
 * (repeats of one kernel), or one side of an A/B directory ("DIR:A",
 * "DIR:B"); a single A/B directory gives both sides (ab.json).
 *
 * Statistics. Per metric and side: n, median, mean. delta = mean B - mean A.
 * The 95% interval of delta is Welch's t interval while a side has fewer
 * than COMPARE_BOOT_MIN_N runs (a percentile bootstrap of 2-7 values has
 * far less than 95% coverage: with n = 2 it is the range of the pairwise
 * differences), and a percentile bootstrap (COMPARE_BOOT_ITERS resamples,
 * seed COMPARE_SEED, so the same inputs always give the same report) from
 * there on. Both can be forced ("--ci welch|bootstrap").
 *
 * Output is not this file's: the formatters (report-compare.h) read these
 * types, and cmp-format.h picks one by --format.
 */
#ifndef PB_COMPARE_H
#define PB_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "envdiff.h"
#include "metrics.h"
#include "resultdir.h"
#include "stats.h"
#include "util.h"
#include "verdict.h"

#define COMPARE_SCHEMA 1
#define COMPARE_LEVEL 0.95
/*
 * The secondary metrics judged as one family: the read latency of every tree
 * level, p50 and p99 (up to 14 rows, which alone made 15-20% of host A/A
 * comparisons flag something in bench aa). Their intervals are at level
 * 1 - 0.05 / rows (Bonferroni), so that the family flags an A/A comparison
 * at most 5% of the time; every other metric is judged at COMPARE_LEVEL.
 */
#define COMPARE_FAMILY_GROUP "readlat"
#define COMPARE_BOOT_ITERS 10000
#define COMPARE_BOOT_MIN_N 8
#define COMPARE_SEED 0x7061746368ULL	/* "patch" */
/* perf symbols shown: the top ones by the larger mean share of the two sides */
#define COMPARE_PERF_TOP 10

enum ci_method { CI_NONE, CI_WELCH, CI_BOOTSTRAP, CI_PAIRED, CI_STUDENT };
/* How to choose the interval: by n (COMPARE_BOOT_MIN_N), or always one. */
enum ci_choice { CI_CHOICE_AUTO, CI_CHOICE_WELCH, CI_CHOICE_BOOTSTRAP };

/* "none", "welch", "bootstrap", "paired", "student" */
const char *ci_method_name(enum ci_method m);
int ci_method_parse(const char *s, enum ci_method *m);

/* One side: the runs of one kernel. */
struct cmp_side {
	char *label;		/* "vanilla": the kernel's name where known */
	char *path;		/* as given ("results/ab-x:A") */
	char **runs;		/* result directories */
	struct meta *metas;	/* of each run */
	size_t n;
};

/* One metric of both sides. */
struct cmp_row {
	struct metric m;	/* definition (key, label, unit, direction, defaults) */
	struct dvec a, b;	/* one value per run that has the metric */
	double a_median, a_mean, b_median, b_mean;
	double delta;		/* b_mean - a_mean */
	double delta_pct;	/* 100 x delta / |a_mean|; NaN if a_mean is 0 */
	enum ci_method method;
	double ci_lo, ci_hi;	/* NaN with CI_NONE */
	double noise;		/* A/A noise floor, NaN without --noise */
	double threshold;
	enum verdict verdict;
	/*
	 * Paired runs (struct comparison's pairs): B - A of each pair where both
	 * runs have the metric; with 2 or more the interval is the paired t
	 * interval of their mean (CI_PAIRED).
	 */
	bool paired;
	struct dvec d;
};

struct comparison {
	struct cmp_side a, b;
	char **diffs;		/* input mismatches, one line each */
	size_t ndiffs;
	bool forced;		/* compared despite @diffs */
	char *noise_src;	/* --noise, or NULL */
	enum ci_choice ci;
	double level;
	unsigned iters;
	uint64_t seed;
	struct cmp_row *rows;	/* grouped in metric_sources[] order */
	size_t nrows;
	size_t nreg, nimp, nsame, nnone;
	size_t perf_top;	/* perf symbols kept (0: all) */
	size_t perf_total;	/* perf symbols before keeping the top */
	size_t insn_sym_total;	/* the same for the guest instruction counts */
	size_t family_rows;	/* rows of the COMPARE_FAMILY_GROUP family (0: none) */
	/*
	 * Pairs of runs (meta.json "pair", one A and one B each, as an engine
	 * runs them on one machine): > 0 when every run of both sides is paired
	 * and --ci is auto, and the intervals are then of the paired differences.
	 */
	size_t pairs;
	/*
	 * What else changed (changed.h, stat-delta.tsv): one row per key of any
	 * run, judged as a metric is, kept apart from @rows and the verdict
	 * counts. The first @nchanged are listed: with two runs a side or more,
	 * the keys whose change is significant beyond the A/A floor; with one,
	 * every key that moved (values only). Listed rows come by |%change|,
	 * then those that moved from zero by |delta|; the others after them.
	 */
	struct cmp_row *changed;
	size_t nchanged_all;	/* 0: no run has stat-delta.tsv */
	size_t nchanged;
	size_t nchanged_rows;	/* rows held in @changed: all when computed, the listed when read back */
	size_t changed_top;	/* --changed N: rows the text and md reports show */
	struct env_diff env;	/* environment differences (envdiff.h), of the runs' meta.json "env" */
};

struct compare_opts {
	const char *noise;	/* A/A directory, or NULL */
	bool force;
	enum ci_choice ci;
	size_t perf_top;	/* 0: COMPARE_PERF_TOP */
	size_t changed_top;	/* 0: CHANGED_TOP */
};

void comparison_init(struct comparison *c);
void comparison_release(struct comparison *c);

/*
 * compare_resolve - the run directories of one side from what the user
 * gave: a result directory (meta.json), "ABDIR:A" / "ABDIR:B", or a
 * directory whose subdirectories are result directories (sorted by name).
 * Fills @s (release with cmp_side_release()). 0 or -errno with @err.
 */
int compare_resolve(const char *arg, struct cmp_side *s, char *err, size_t errlen);
/* Both sides of A/B directory @dir from its ab.json. 0 or -errno with @err. */
int compare_resolve_ab(const char *dir, struct cmp_side *a, struct cmp_side *b, char *err,
		       size_t errlen);
void cmp_side_release(struct cmp_side *s);
/*
 * compare_pair_runs - are the runs of @a and @b (their metas) paired: every
 * run has a "pair", and each pair id has exactly one A and one B run? Then
 * @ia[k] and @ib[k] (room for @a->n each) are the indices of pair k's runs,
 * in @a's order, and the number of pairs is returned; else 0.
 */
size_t compare_pair_runs(const struct cmp_side *a, const struct cmp_side *b, size_t *ia,
			 size_t *ib);

/*
 * compare_check_inputs - what makes the two sides incomparable: a run that
 * is not complete, and any difference in target, perf event, workloads and
 * their parameters, tree shape, scale, jobs, charge batch, interval, cgroup
 * layout or CPUs (across all runs), or in kernel and config within a side.
 * Appends one line per difference to @c->diffs. Returns how many.
 */
size_t compare_check_inputs(struct comparison *c);

/*
 * compare_row_compute - fill the statistics and the verdict of @r from
 * @r->a, @r->b, @r->m and @r->noise, with the interval chosen by @ci.
 * Deterministic: the bootstrap uses COMPARE_SEED.
 */
void compare_row_compute(struct cmp_row *r, enum ci_choice ci);
/* The same at interval level @level (compare_row_compute() is COMPARE_LEVEL's). */
void compare_row_compute_at(struct cmp_row *r, enum ci_choice ci, double level);
/* Is @group one of exact counts (guest instructions), judged by the pooled t at equal n? */
bool compare_group_exact(const char *group);
/* The level of one row of the family of @n rows: 1 - (1 - COMPARE_LEVEL) / @n. */
double compare_family_level(size_t n);
/*
 * "read latency: family-wise 95% over its 14 rows (Bonferroni, each at
 * 99.64%); a change also needs the sides' ranges apart", or NULL without a
 * family of more than one row; the caller frees it.
 */
char *compare_family_desc(const struct comparison *c);
/*
 * compare_student_desc - "guest instruction counts, as many runs a side:
 * pooled (Student) t interval (S)" when a row has that interval, else NULL;
 * the caller frees it.
 */
char *compare_student_desc(const struct comparison *c);
/*
 * compare_ranges_apart - lkp's separation for a row's change: every run of
 * side B beyond every run of side A in the direction of the change (B's
 * smallest above A's largest for a rise, B's largest below A's smallest for
 * a fall). One odd run cannot make a family row change on its own.
 */
bool compare_ranges_apart(const struct cmp_row *r);
void cmp_row_release(struct cmp_row *r);

/*
 * compare_dirs - the whole comparison: resolve @arg_a and @arg_b (or, with
 * @arg_b NULL, both sides from A/B directory @arg_a), load every run,
 * check the inputs, compute every metric and its verdict. With mismatched
 * inputs and no @o->force, returns -EINVAL with @c->diffs filled (print
 * them). Other errors: -errno with @err. Release @c either way.
 */
int compare_dirs(struct comparison *c, const char *arg_a, const char *arg_b,
		 const struct compare_opts *o, char *err, size_t errlen);

/* "host", "vm-kvm", "vm-tcg (emulated)" etc. for a side's first run. */
const char *compare_target_desc(const struct cmp_side *s);

/*
 * compare_origin - one line saying where the numbers come from: target
 * (TCG marked emulated), perf event, per side the kernel release, series
 * and config hash, and the run counts. The caller frees it.
 */
char *compare_origin(const struct comparison *c);
/* "vanilla 6.1.0 series none config 1a2b3c4d5e6f" for one side; caller frees. */
char *compare_side_desc(const struct cmp_side *s);

/*
 * compare_verdict_line - "1 regression (current-vs-stat p99 +312%), 2
 * improvements, 30 no change" (or "n=1, no significance: ..."); caller frees.
 */
char *compare_verdict_line(const struct comparison *c);

/*
 * Runs with and without a source (instruction counts, perf) are compared on
 * what both sides have: a metric no run of one side has gets no verdict.
 * compare_row_one_side() - "A only" / "B only" for such a row, else NULL;
 * compare_one_sided() - how many rows of @c are such;
 * compare_one_side_note() - one line saying so, with the groups of each
 * side ("... only A (vanilla) has instructions (4), insn-symbols (10)"), or
 * NULL when there are none; the caller frees it.
 */
const char *compare_row_one_side(const struct cmp_row *r);
size_t compare_one_sided(const struct comparison *c);
char *compare_one_side_note(const struct comparison *c);

/*
 * compare_changed_values_only - are the listed changed rows values only
 * (fewer than two runs on a side: no significance)?
 */
bool compare_changed_values_only(const struct comparison *c);
/*
 * compare_rel_sd - lkp's "+-" column: the standard deviation of @v in
 * percent of |mean|; NaN with fewer than two values or a zero mean (0 if
 * the values are all 0).
 */
double compare_rel_sd(const struct dvec *v);

/* Title of the section of metric group @group (from metric_sources[]). */
const char *compare_group_title(const char *group);

#endif
