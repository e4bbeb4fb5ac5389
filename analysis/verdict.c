// SPDX-License-Identifier: GPL-2.0
/*
 * verdict.c - regression / improvement / no change for one metric.
 *
 * Both conditions are needed. Significance alone flags a 0.3% change in
 * wall time that a long run measures precisely but nobody cares about (the
 * mmtests problem: marked, not judged); a threshold alone flags a noisy
 * metric whose runs happen to land apart (0-day's false alarms). The A/A
 * noise floor is what makes the threshold honest on a given machine.
 */
#include "verdict.h"
#include "stats.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <string.h>

static const char *const names[] = {
	[VERDICT_NONE] = "none",
	[VERDICT_NO_CHANGE] = "no change",
	[VERDICT_IMPROVEMENT] = "improvement",
	[VERDICT_REGRESSION] = "regression",
	[VERDICT_INFO] = "info",
};

const char *verdict_name(enum verdict v)
{
	return (size_t)v < ARRAY_SIZE(names) ? names[v] : "?";
}

int verdict_parse(const char *s, enum verdict *v)
{
	int i = name_index(names, ARRAY_SIZE(names), s);

	if (i < 0)
		return -EINVAL;
	*v = (enum verdict)i;
	return 0;
}

double verdict_threshold(double thr_rel, double thr_abs, double mean_a, double noise)
{
	double t = 0;

	if (!isnan(thr_rel) && !isnan(mean_a))
		t = fabs(thr_rel * mean_a);
	if (!isnan(thr_abs) && thr_abs > t)
		t = thr_abs;
	if (!isnan(noise) && noise > t)
		t = noise;
	return t;
}

enum verdict verdict_decide(enum metric_better better, size_t na, size_t nb, double delta,
			    double ci_lo, double ci_hi, double threshold)
{
	bool up;

	if (na < 2 || nb < 2)
		return VERDICT_NONE;
	if (better == MB_NONE)
		return VERDICT_INFO;
	if (isnan(delta) || isnan(ci_lo) || isnan(ci_hi))
		return VERDICT_NO_CHANGE;
	/* the interval must exclude zero on the side of the change */
	if (!(ci_lo > 0 || ci_hi < 0) || !(fabs(delta) > threshold))
		return VERDICT_NO_CHANGE;
	if ((ci_lo > 0) != (delta > 0))
		return VERDICT_NO_CHANGE;
	up = delta > 0;
	if (better == MB_LOWER)
		return up ? VERDICT_REGRESSION : VERDICT_IMPROVEMENT;
	return up ? VERDICT_IMPROVEMENT : VERDICT_REGRESSION;
}

static const char *const settle_names[] = {
	[SETTLE_OPEN] = "open", [SETTLE_CHANGED] = "changed", [SETTLE_SAME] = "same",
};

const char *verdict_settle_name(enum verdict_settle s)
{
	return (size_t)s < ARRAY_SIZE(settle_names) ? settle_names[s] : "?";
}

enum verdict_settle verdict_settled(const double *a, size_t na, const double *b, size_t nb,
				    double threshold, int max_looks, double *lo, double *hi)
{
	double l = NAN, h = NAN, d, level = 1 - 0.05 / (max_looks > 1 ? max_looks : 1);
	enum verdict_settle st = SETTLE_OPEN;

	if (na >= 2 && nb >= 2) {
		double sa = stats_stddev(a, na), sb = stats_stddev(b, nb);

		if (sa == 0 && sb == 0) {
			l = h = stats_mean(b, nb) - stats_mean(a, na);
		} else if (stats_welch_ci(a, na, b, nb, level, &l, &h, NULL)) {
			l = h = NAN;
		}
		d = stats_mean(b, nb) - stats_mean(a, na);
		if (!isnan(l) && !isnan(h)) {
			/* compare's own rule, at the look's level */
			if ((l > 0 || h < 0) && fabs(d) > threshold)
				st = SETTLE_CHANGED;
			else if (l > -threshold && h < threshold)
				st = SETTLE_SAME;
		}
	}
	if (lo)
		*lo = l;
	if (hi)
		*hi = h;
	return st;
}
