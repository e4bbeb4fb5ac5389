/* SPDX-License-Identifier: GPL-2.0 */
/*
 * verdict.h - the decision compare makes per metric, kept apart from the
 * statistics and the I/O so that the rule is stated once and unit-tested.
 *
 * The rule: a metric changed when the 95% confidence interval of the
 * difference (B - A) excludes zero AND the difference is larger than the
 * threshold, max(default x |mean A|, default floor, A/A noise floor). The
 * metric's direction makes the change a regression or an improvement.
 * Fewer than two runs on a side give values but no verdict: one run says
 * nothing about the spread.
 */
#ifndef PB_VERDICT_H
#define PB_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "metrics.h"

enum verdict {
	VERDICT_NONE,		/* n < 2 on a side: "n=1, no significance" */
	VERDICT_NO_CHANGE,
	VERDICT_IMPROVEMENT,
	VERDICT_REGRESSION,
	VERDICT_INFO,		/* a metric without a direction */
};

/* "none" (no verdict), "no change", "improvement", "regression", "info" */
const char *verdict_name(enum verdict v);
/* Inverse of verdict_name(). 0 or -EINVAL. */
int verdict_parse(const char *s, enum verdict *v);

/*
 * verdict_threshold - the smallest |B - A| that can be a verdict
 * @thr_rel: the metric's default, relative to |@mean_a| (0.10 = 10%)
 * @thr_abs: the metric's default floor, in the metric's unit
 * @mean_a: mean of the base side
 * @noise: A/A noise floor of the metric, or NaN without one
 *
 * Return: max(@thr_rel x |@mean_a|, @thr_abs, @noise), NaN terms ignored.
 */
double verdict_threshold(double thr_rel, double thr_abs, double mean_a, double noise);

/*
 * verdict_decide - the verdict for one metric
 * @better: the metric's direction
 * @na: runs on side A
 * @nb: runs on side B
 * @delta: mean B - mean A
 * @ci_lo: lower end of the confidence interval of @delta
 * @ci_hi: upper end
 * @threshold: from verdict_threshold()
 *
 * Return: VERDICT_NONE when @na or @nb is below 2, VERDICT_INFO for
 * MB_NONE, VERDICT_REGRESSION / VERDICT_IMPROVEMENT when the interval
 * excludes 0 and |@delta| > @threshold (a NaN interval never does), else
 * VERDICT_NO_CHANGE.
 */
enum verdict verdict_decide(enum metric_better better, size_t na, size_t nb, double delta,
			    double ci_lo, double ci_hi, double threshold);

/*
 * The sequential rule of --repeat auto: after each added pair the watched
 * metrics are looked at again, at most @max_looks times in all. One look's
 * interval is at level 1 - 0.05 / @max_looks (Bonferroni over the looks),
 * so that stopping at the first look that settles keeps the family-wise
 * error of the whole sequence at 5%.
 */
enum verdict_settle {
	SETTLE_OPEN,		/* the interval straddles the threshold: add a pair */
	SETTLE_CHANGED,		/* it excludes 0 and the change is over the threshold */
	SETTLE_SAME,		/* it lies inside +-threshold: no change that matters */
};

/* "open", "changed", "same" */
const char *verdict_settle_name(enum verdict_settle s);

/*
 * verdict_settled - where one metric's runs stand
 * @a: the base side's values (@na of them)
 * @b: the patched side's (@nb)
 * @threshold: verdict_threshold() of the metric
 * @max_looks: the most looks the sequence may take (>= 1)
 * @lo, @hi: the interval at the look's level, when not NULL
 *
 * Return: SETTLE_OPEN with fewer than 2 values a side, else as above.
 * Constant sides (exact counts that repeat) have the difference itself as
 * their interval.
 */
enum verdict_settle verdict_settled(const double *a, size_t na, const double *b, size_t nb,
				    double threshold, int max_looks, double *lo, double *hi);

#endif
