// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - order statistics, moments, Student's t quantile and two
 * confidence intervals for "B - A" (Welch and percentile bootstrap).
 *
 * The t quantile inverts the t distribution function, computed exactly from
 * the regularized incomplete beta function (continued fraction, as in
 * Numerical Recipes 6.4), by bisection. That is slower than a closed-form
 * approximation such as Hill's algorithm 396 but accurate to ~1e-12 for any
 * real df, which matters because Welch's df is not an integer.
 */
#include "stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	/* NaN sorts last so qsort() sees a consistent order */
	if (isnan(a) || isnan(b))
		return isnan(a) - isnan(b);
	return (a > b) - (a < b);
}

/* @v sorted ascending, n > 0: R's type 7 quantile */
static double sorted_percentile(const double *v, size_t n, double p)
{
	double h, f;
	size_t k;

	if (isnan(p))
		return NAN;
	if (p <= 0)
		return v[0];
	if (p >= 100)
		return v[n - 1];
	h = (double)(n - 1) * p / 100.0;
	k = (size_t)h;
	if (k >= n - 1)
		return v[n - 1];
	f = h - (double)k;
	return v[k] + f * (v[k + 1] - v[k]);
}

/**
 * stats_percentile - the p-th percentile, interpolating between closest ranks
 * @v: values; sorted in place (ascending)
 * @n: number of values
 * @p: percentile in [0, 100]; values outside are clamped
 *
 * With the values sorted, the result is v[k] + f * (v[k+1] - v[k]) where
 * k + f = (n - 1) * p / 100 (R's default, type 7; numpy's "linear"): for
 * 1..10, p50 = 5.5 and p99 = 9.91.
 *
 * Return: the percentile, or NaN when @n is 0 or @p is NaN.
 */
double stats_percentile(double *v, size_t n, double p)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return sorted_percentile(v, n, p);
}

/**
 * stats_median - the median (50th percentile)
 * @v: values; sorted in place
 * @n: number of values
 *
 * Return: the median (mean of the middle two for even @n), NaN if @n is 0.
 */
double stats_median(double *v, size_t n)
{
	return stats_percentile(v, n, 50);
}

/**
 * stats_mean - arithmetic mean
 * @v: values
 * @n: number of values
 *
 * Return: the mean, NaN if @n is 0.
 */
double stats_mean(const double *v, size_t n)
{
	double sum = 0;
	size_t i;

	if (!n)
		return NAN;
	for (i = 0; i < n; i++)
		sum += v[i];
	return sum / (double)n;
}

static double sample_var(const double *v, size_t n)
{
	double m = stats_mean(v, n), ss = 0;
	size_t i;

	/* two passes: no catastrophic cancellation on large offsets */
	for (i = 0; i < n; i++)
		ss += (v[i] - m) * (v[i] - m);
	return ss / (double)(n - 1);
}

/**
 * stats_stddev - sample standard deviation (n - 1 denominator)
 * @v: values
 * @n: number of values
 *
 * Return: the standard deviation, NaN if @n < 2.
 */
double stats_stddev(const double *v, size_t n)
{
	if (n < 2)
		return NAN;
	return sqrt(sample_var(v, n));
}

/**
 * stats_min - smallest value
 * @v: values
 * @n: number of values
 *
 * Return: the minimum, NaN if @n is 0.
 */
double stats_min(const double *v, size_t n)
{
	double m;
	size_t i;

	if (!n)
		return NAN;
	m = v[0];
	for (i = 1; i < n; i++)
		if (v[i] < m)
			m = v[i];
	return m;
}

/**
 * stats_max - largest value
 * @v: values
 * @n: number of values
 *
 * Return: the maximum, NaN if @n is 0.
 */
double stats_max(const double *v, size_t n)
{
	double m;
	size_t i;

	if (!n)
		return NAN;
	m = v[0];
	for (i = 1; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

/**
 * dvec_init - initialise an empty vector (same as DVEC_INIT)
 * @d: vector; release with dvec_release()
 */
void dvec_init(struct dvec *d)
{
	d->v = NULL;
	d->n = 0;
	d->alloc = 0;
}

/**
 * dvec_push - append a value, growing the array as needed
 * @d: vector
 * @x: value
 */
void dvec_push(struct dvec *d, double x)
{
	if (d->n == d->alloc) {
		d->alloc = d->alloc ? 2 * d->alloc : 16;
		d->v = xrealloc(d->v, d->alloc * sizeof(*d->v));
	}
	d->v[d->n++] = x;
}

/**
 * dvec_release - free the array and empty the vector
 * @d: vector, or NULL
 */
void dvec_release(struct dvec *d)
{
	if (!d)
		return;
	free(d->v);
	dvec_init(d);
}

/* ---- Student's t ----------------------------------------------------- */

/* Continued fraction for I_x(a, b), modified Lentz (NR 6.4 betacf). */
static double betacf(double a, double b, double x)
{
	const double tiny = 1e-300, eps = 1e-16;
	double qab = a + b, qap = a + 1, qam = a - 1;
	double c = 1, d = 1 - qab * x / qap, h, aa, del;
	int m;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (m = 1; m <= 100000; m++) {
		int m2 = 2 * m;

		aa = m * (b - m) * x / ((qam + m2) * (a + m2));
		d = 1 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
		d = 1 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < eps)
			break;
	}
	return h;
}

/* Regularized incomplete beta I_x(a, b); y = 1 - x, passed in for accuracy. */
static double ibeta(double a, double b, double x, double y)
{
	double bt;

	if (x <= 0)
		return 0;
	if (y <= 0)
		return 1;
	bt = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log(y));
	if (x < (a + 1) / (a + b + 2))
		return bt * betacf(a, b, x) / a;
	return 1 - bt * betacf(b, a, y) / b;
}

/* P(T > t) for t >= 0 with @df degrees of freedom. */
static double t_upper_tail(double t, double df)
{
	double t2 = t * t;

	return 0.5 * ibeta(df / 2, 0.5, df / (df + t2), t2 / (df + t2));
}

static double normal_upper_tail(double z, double df)
{
	(void)df;
	return 0.5 * erfc(z / M_SQRT2);
}

/**
 * stats_t_quantile - quantile of Student's t distribution
 * @p: probability in (0, 1), e.g. 0.975 for a two-sided 95% interval
 * @df: degrees of freedom, > 0, need not be an integer
 *
 * Above 1e6 degrees of freedom the normal quantile is used (the difference
 * is below 1e-5 there).
 *
 * Return: t such that P(T <= t) = @p; -inf/+inf for @p = 0/1; NaN for
 * arguments out of range.
 */
double stats_t_quantile(double p, double df)
{
	double (*tail)(double, double) = df > 1e6 ? normal_upper_tail : t_upper_tail;
	double q, lo = 0, hi = 1, mid;
	int i;

	if (isnan(p) || isnan(df) || df <= 0 || p < 0 || p > 1)
		return NAN;
	if (p == 0)
		return -INFINITY;
	if (p == 1)
		return INFINITY;
	if (p == 0.5)
		return 0;
	q = p > 0.5 ? 1 - p : p;	/* target upper tail */

	/* tail() decreases from 0.5 at t = 0: bracket, then bisect */
	for (i = 0; i < 2000 && tail(hi, df) > q; i++) {
		lo = hi;
		hi *= 2;
	}
	for (i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
		mid = lo + (hi - lo) / 2;
		if (tail(mid, df) > q)
			lo = mid;
		else
			hi = mid;
	}
	mid = lo + (hi - lo) / 2;
	return p > 0.5 ? mid : -mid;
}

/**
 * stats_welch_ci - Welch's t confidence interval for mean(b) - mean(a)
 * @a: first sample (the baseline)
 * @na: its size, >= 2
 * @b: second sample
 * @nb: its size, >= 2
 * @level: confidence level in (0, 1), e.g. 0.95
 * @lo: receives the lower bound
 * @hi: receives the upper bound
 * @df_out: receives the Welch-Satterthwaite degrees of freedom; may be NULL
 *
 * With se^2 = s_a^2/n_a + s_b^2/n_b the interval is
 * (mean_b - mean_a) +- t((1 + level) / 2, df) * se, where
 * df = se^4 / ((s_a^2/n_a)^2/(n_a-1) + (s_b^2/n_b)^2/(n_b-1)).
 * If both samples are constant the interval is the single point
 * mean_b - mean_a and df is reported as n_a + n_b - 2.
 *
 * Return: 0, or -EINVAL if a sample has fewer than 2 values or @level is
 * out of range.
 */
int stats_paired_ci(const double *d, size_t n, double level, double *lo, double *hi)
{
	double mean, half;

	if (n < 2 || !(level > 0 && level < 1))
		return -EINVAL;
	mean = stats_mean(d, n);
	half = stats_t_quantile((1 + level) / 2, (double)(n - 1)) *
	       sqrt(sample_var(d, n) / (double)n);
	*lo = mean - half;
	*hi = mean + half;
	return 0;
}

int stats_student_ci(const double *a, size_t na, const double *b, size_t nb, double level,
		     double *lo, double *hi)
{
	double diff, sp2, half;

	if (na < 2 || nb < 2 || !(level > 0 && level < 1))
		return -EINVAL;
	diff = stats_mean(b, nb) - stats_mean(a, na);
	sp2 = ((double)(na - 1) * sample_var(a, na) + (double)(nb - 1) * sample_var(b, nb)) /
	      (double)(na + nb - 2);
	half = stats_t_quantile((1 + level) / 2, (double)(na + nb - 2)) *
	       sqrt(sp2 * (1.0 / (double)na + 1.0 / (double)nb));
	*lo = diff - half;
	*hi = diff + half;
	return 0;
}

int stats_welch_ci(const double *a, size_t na, const double *b, size_t nb, double level,
		   double *lo, double *hi, double *df_out)
{
	if (na < 2 || nb < 2)
		return -EINVAL;
	return stats_welch_ci_summary(stats_mean(a, na), sqrt(sample_var(a, na)), na,
				      stats_mean(b, nb), sqrt(sample_var(b, nb)), nb, level, lo, hi,
				      df_out);
}

/*
 * stats_welch_ci_summary - stats_welch_ci() from the means, the sample
 * standard deviations and the sizes alone (what a summary table keeps).
 */
int stats_welch_ci_summary(double mean_a, double sd_a, size_t na, double mean_b, double sd_b,
			   size_t nb, double level, double *lo, double *hi, double *df_out)
{
	double diff, va, vb, se2, df, half;

	if (na < 2 || nb < 2 || !(level > 0 && level < 1) || isnan(sd_a) || isnan(sd_b))
		return -EINVAL;
	diff = mean_b - mean_a;
	va = sd_a * sd_a / (double)na;
	vb = sd_b * sd_b / (double)nb;
	se2 = va + vb;
	if (se2 == 0) {
		df = (double)(na + nb - 2);
		half = 0;
	} else {
		df = se2 * se2 / (va * va / (double)(na - 1) + vb * vb / (double)(nb - 1));
		half = stats_t_quantile((1 + level) / 2, df) * sqrt(se2);
	}
	*lo = diff - half;
	*hi = diff + half;
	if (df_out)
		*df_out = df;
	return 0;
}

/* splitmix64: tiny, fast, and good enough to drive resampling */
static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double resample_mean(const double *v, size_t n, uint64_t *state)
{
	double sum = 0;
	size_t i;

	/* modulo bias is n / 2^64: irrelevant here */
	for (i = 0; i < n; i++)
		sum += v[splitmix64(state) % n];
	return sum / (double)n;
}

/**
 * stats_bootstrap_diff_ci - percentile bootstrap interval for mean(b) - mean(a)
 * @a: first sample (the baseline)
 * @na: its size, >= 2
 * @b: second sample
 * @nb: its size, >= 2
 * @iters: number of bootstrap resamples, >= 1 (1000-10000 is typical);
 *         allocates @iters doubles, freed before returning
 * @seed: PRNG seed: the same inputs and seed always give the same interval
 * @level: confidence level in (0, 1), e.g. 0.95
 * @lo: receives the lower bound
 * @hi: receives the upper bound
 *
 * Each iteration resamples both samples with replacement (splitmix64) and
 * records the difference of their means; the bounds are the
 * (1 - level)/2 and (1 + level)/2 percentiles of those differences, as
 * stats_percentile() computes them.
 *
 * Return: 0, -EINVAL for a sample smaller than 2, @iters of 0 or @level
 * out of range, -ENOMEM if the resample array cannot be allocated.
 */
int stats_bootstrap_diff_ci(const double *a, size_t na, const double *b, size_t nb,
			    unsigned iters, uint64_t seed, double level, double *lo, double *hi)
{
	uint64_t state = seed;
	double *diffs;
	unsigned i;

	if (na < 2 || nb < 2 || !iters || !(level > 0 && level < 1))
		return -EINVAL;
	diffs = malloc((size_t)iters * sizeof(*diffs));
	if (!diffs)
		return -ENOMEM;
	for (i = 0; i < iters; i++) {
		double ma = resample_mean(a, na, &state);
		double mb = resample_mean(b, nb, &state);

		diffs[i] = mb - ma;
	}
	qsort(diffs, iters, sizeof(*diffs), cmp_double);
	*lo = sorted_percentile(diffs, iters, (1 - level) / 2 * 100);
	*hi = sorted_percentile(diffs, iters, (1 + level) / 2 * 100);
	free(diffs);
	return 0;
}

/**
 * stats_welch_p_summary - two-sided p-value of Welch's t test for
 * mean(b) - mean(a) = 0, from means, sample standard deviations and sizes
 *
 * Return: p in [0, 1]; 1 when both samples are constant and equal, 0 when
 * they are constant and differ; NaN with fewer than 2 values on a side.
 */
double stats_welch_p_summary(double mean_a, double sd_a, size_t na, double mean_b, double sd_b,
			     size_t nb)
{
	double va, vb, se2, df, t;

	if (na < 2 || nb < 2 || isnan(sd_a) || isnan(sd_b))
		return NAN;
	va = sd_a * sd_a / (double)na;
	vb = sd_b * sd_b / (double)nb;
	se2 = va + vb;
	if (se2 == 0)
		return mean_a == mean_b ? 1 : 0;
	df = se2 * se2 / (va * va / (double)(na - 1) + vb * vb / (double)(nb - 1));
	t = fabs(mean_b - mean_a) / sqrt(se2);
	return fmin(1, 2 * t_upper_tail(t, df));
}

/**
 * stats_holm - Holm's step-down correction: which of @n p-values are
 * significant at family-wise level @alpha
 * @p: the p-values (NaN: not tested, never significant, not counted)
 * @sig: receives true for each significant one
 *
 * Sorted ascending, the k-th smallest (k from 0) must be <= alpha / (m - k),
 * m the number tested; the first that is not stops the procedure.
 */
void stats_holm(const double *p, size_t n, double alpha, bool *sig)
{
	size_t *idx = xcalloc(n ? n : 1, sizeof(*idx)), m = 0, i, j, k;

	for (i = 0; i < n; i++) {
		sig[i] = false;
		if (!isnan(p[i]))
			idx[m++] = i;
	}
	/* insertion sort of the tested indices by p */
	for (i = 1; i < m; i++)
		for (j = i; j > 0 && p[idx[j]] < p[idx[j - 1]]; j--) {
			k = idx[j];
			idx[j] = idx[j - 1];
			idx[j - 1] = k;
		}
	for (k = 0; k < m; k++) {
		if (p[idx[k]] > alpha / (double)(m - k))
			break;
		sig[idx[k]] = true;
	}
	free(idx);
}
