// SPDX-License-Identifier: GPL-2.0
/*
 * t-stats.c - unit tests for lib/stats.c.
 *
 * Reference numbers are computed by hand from the formulas in the comments.
 * Student t quantiles come from printed tables (R's qt() gives the same to
 * the digits shown) and, for the non-integer degrees of freedom that Welch
 * produces, from gnuplot 5.4: bisection on 0.5 * ibeta(df/2, 0.5,
 * df/(df + t^2)), i.e. an implementation independent of stats.c.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "stats.h"
#include "util.h"
#include "tap.h"

static int near(double got, double want, double tol)
{
	return fabs(got - want) <= tol;
}

/*
 * Method: percentiles of 1..10 given in shuffled order.
 * Pass: type-7 values: h = 9 * p / 100, v[floor h] + frac(h) * step.
 */
static void test_percentile(void)
{
	double v[] = { 7, 3, 10, 1, 5, 9, 2, 8, 6, 4 };
	double one[] = { 42 };
	size_t i;
	int sorted = 1;

	tap_ok(near(stats_percentile(v, 10, 50), 5.5, 1e-12), "p50 of 1..10 is 5.5");
	for (i = 1; i < 10; i++)
		if (v[i - 1] > v[i])
			sorted = 0;
	tap_ok(sorted, "stats_percentile sorts its input in place");
	tap_ok(near(stats_percentile(v, 10, 99), 9.91, 1e-12), "p99 of 1..10 is 9.91 (got %.15g)",
	       stats_percentile(v, 10, 99));
	tap_ok(stats_percentile(v, 10, 0) == 1, "p0 of 1..10 is 1");
	tap_ok(stats_percentile(v, 10, 100) == 10, "p100 of 1..10 is 10");
	tap_ok(near(stats_percentile(v, 10, 25), 3.25, 1e-12), "p25 of 1..10 is 3.25");
	tap_ok(near(stats_percentile(v, 10, 90), 9.1, 1e-12), "p90 of 1..10 is 9.1");
	tap_ok(stats_percentile(v, 10, 150) == 10 && stats_percentile(v, 10, -5) == 1,
	       "p outside [0,100] is clamped");
	tap_ok(stats_percentile(one, 1, 0) == 42 && stats_percentile(one, 1, 50) == 42 &&
	       stats_percentile(one, 1, 99.9) == 42, "n = 1: every percentile is the value");
	tap_ok(isnan(stats_percentile(v, 0, 50)), "n = 0 gives NaN");
	tap_ok(isnan(stats_percentile(v, 10, NAN)), "p = NaN gives NaN");
}

static void test_median(void)
{
	double odd[] = { 3, 1, 2 };
	double even[] = { 4, 1, 3, 2 };

	tap_ok(stats_median(odd, 3) == 2, "median of {3,1,2} is 2");
	tap_ok(stats_median(even, 4) == 2.5, "median of {4,1,3,2} is 2.5");
	tap_ok(isnan(stats_median(even, 0)), "median of nothing is NaN");
}

/*
 * Method: the textbook set {2,4,4,4,5,5,7,9}: mean 5, sum of squared
 * deviations 32, so sample stddev sqrt(32/7) (population stddev would be 2).
 * A large offset must not lose precision: {1e9 + 4, 7, 13, 16} has
 * squared deviations 36+9+9+36 = 90, stddev sqrt(30).
 */
static void test_moments(void)
{
	const double v[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	const double big[] = { 1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16 };

	tap_ok(stats_mean(v, 8) == 5, "mean is 5");
	tap_ok(near(stats_stddev(v, 8), sqrt(32.0 / 7), 1e-12),
	       "sample stddev is sqrt(32/7) = 2.13809 (got %.10g)", stats_stddev(v, 8));
	tap_ok(isnan(stats_stddev(v, 1)) && isnan(stats_mean(v, 0)),
	       "stddev of 1 value and mean of 0 values are NaN");
	tap_ok(near(stats_stddev(big, 4), sqrt(30.0), 1e-6),
	       "stddev survives a 1e9 offset (got %.10g, want 5.477225575)", stats_stddev(big, 4));
	tap_ok(stats_min(v, 8) == 2 && stats_max(v, 8) == 9, "min 2, max 9");
	tap_ok(isnan(stats_min(v, 0)) && isnan(stats_max(v, 0)), "min/max of nothing are NaN");
}

static void test_dvec(void)
{
	struct dvec d = DVEC_INIT;
	int i, ok = 1;

	for (i = 0; i < 1000; i++)
		dvec_push(&d, i * 0.5);
	for (i = 0; i < 1000; i++)
		if (d.v[i] != i * 0.5)
			ok = 0;
	tap_ok(d.n == 1000 && d.alloc >= 1000 && ok, "dvec keeps 1000 pushed values in order");
	dvec_release(&d);
	tap_ok(!d.v && !d.n && !d.alloc, "dvec_release empties the vector");
	dvec_release(NULL);
}

/* Density of Student's t, for an independent check of the quantile. */
static double t_pdf(double x, double df)
{
	return exp(lgamma((df + 1) / 2) - lgamma(df / 2) - 0.5 * log(df * M_PI) -
		   (df + 1) / 2 * log1p(x * x / df));
}

/* P(0 < T < t) by composite Simpson's rule. */
static double t_mass(double t, double df)
{
	const int n = 20000;
	double h = t / n, s = t_pdf(0, df) + t_pdf(t, df);
	int i;

	for (i = 1; i < n; i++)
		s += (i & 1 ? 4 : 2) * t_pdf(i * h, df);
	return s * h / 3;
}

static void test_t_quantile(void)
{
	static const struct {
		double p, df, want;
	} ref[] = {
		/* printed tables / gnuplot ibeta, see the top of the file */
		{ 0.975, 1, 12.7062047362 },
		{ 0.995, 1, 63.6567411629 },
		{ 0.975, 2, 4.3026527297 },
		{ 0.995, 2, 9.9248432009 },
		{ 0.975, 3, 3.1824463053 },
		{ 0.995, 3, 5.8409093097 },
		{ 0.975, 4, 2.7764451042 },
		{ 0.975, 5, 2.5705818355 },
		{ 0.995, 5, 4.0321429835 },
		{ 0.975, 8, 2.3060041347 },
		{ 0.995, 8, 3.3553873313 },
		{ 0.975, 10, 2.2281388486 },
		{ 0.995, 10, 3.1692726724 },
		{ 0.975, 30, 2.0422724520 },
		{ 0.995, 30, 2.7499956526 },
		{ 0.975, 38, 2.0243941522 },
		{ 0.975, 100, 1.983972 },	/* table, 6 decimals */
		{ 0.995, 100, 2.625891 },
		{ 0.975, 1e9, 1.959964 },	/* normal */
		{ 0.975, 1.5, 6.0166631044 },
		{ 0.995, 1.5, 17.8203105145 },
		{ 0.975, 6.25 / 1.0625, 2.4588237088 },
		{ 0.995, 6.25 / 1.0625, 3.7380719559 },
	};
	size_t i;
	int bad = 0;
	double t, p;

	for (i = 0; i < ARRAY_SIZE(ref); i++) {
		t = stats_t_quantile(ref[i].p, ref[i].df);
		if (!near(t, ref[i].want, 2e-6)) {
			tap_diag("t(%g, %g) = %.10f, want %.10f", ref[i].p, ref[i].df, t,
				 ref[i].want);
			bad++;
		}
	}
	tap_ok(!bad, "t quantile matches %zu reference values to 2e-6", ARRAY_SIZE(ref));

	/* closed forms: df 1 is Cauchy, df 2 has t = (2p - 1) / sqrt(2p(1 - p)) */
	p = 0.9;
	tap_ok(near(stats_t_quantile(p, 1), tan(M_PI * (p - 0.5)), 1e-9),
	       "df 1 matches tan(pi (p - 1/2))");
	tap_ok(near(stats_t_quantile(p, 2), (2 * p - 1) / sqrt(2 * p * (1 - p)), 1e-9),
	       "df 2 matches the closed form");

	/* non-integer df: integrate the density up to the quantile */
	t = stats_t_quantile(0.975, 5.3);
	tap_ok(near(0.5 + t_mass(t, 5.3), 0.975, 1e-9),
	       "df 5.3: Simpson integral of the density up to t(0.975) = %.8f is 0.975", t);

	tap_ok(stats_t_quantile(0.025, 10) == -stats_t_quantile(0.975, 10) &&
	       stats_t_quantile(0.5, 3) == 0, "quantile is antisymmetric about p = 0.5");
	tap_ok(isnan(stats_t_quantile(0.9, 0)) && isnan(stats_t_quantile(1.5, 3)) &&
	       isinf(stats_t_quantile(1, 3)), "out-of-range arguments give NaN, p = 1 gives inf");
}

/*
 * Welch, equal variances: a = {1..5}, b = {4..8}. Means 3 and 6, both
 * variances 2.5, so se = sqrt(0.5 + 0.5) = 1 and df = 1 / (0.25/4 * 2) = 8.
 * 95%: 3 +- t(0.975, 8) = 3 +- 2.3060041 -> [0.6939959, 5.3060041]
 * 99%: 3 +- t(0.995, 8) = 3 +- 3.3553873 -> [-0.3553873, 6.3553873]
 *
 * Welch, unequal: a = {1..5}, b = {2,4,6,8,10}. Means 3 and 6, variances 2.5
 * and 10: va = 0.5, vb = 2, se = sqrt(2.5) = 1.5811388,
 * df = 2.5^2 / (0.5^2/4 + 2^2/4) = 6.25 / 1.0625 = 5.8823529,
 * t(0.975, 5.8823529) = 2.4588237 (gnuplot), half width 3.8877416:
 * [-0.8877416, 6.8877416].
 */
static void test_welch(void)
{
	const double a[] = { 1, 2, 3, 4, 5 };
	const double b1[] = { 4, 5, 6, 7, 8 };
	const double b2[] = { 2, 4, 6, 8, 10 };
	const double c1[] = { 1, 1, 1 }, c2[] = { 2, 2, 2 };
	double lo, hi, df;
	int ret;

	ret = stats_welch_ci(a, 5, b1, 5, 0.95, &lo, &hi, &df);
	tap_ok(!ret && near(df, 8, 1e-12) && near(lo, 0.6939959, 1e-6) && near(hi, 5.3060041, 1e-6),
	       "welch equal-variance 95%%: [%.7f, %.7f] df %.4f", lo, hi, df);
	ret = stats_welch_ci(a, 5, b1, 5, 0.99, &lo, &hi, NULL);
	tap_ok(!ret && near(lo, -0.3553873, 1e-6) && near(hi, 6.3553873, 1e-6),
	       "welch equal-variance 99%%: [%.7f, %.7f]", lo, hi);
	ret = stats_welch_ci(a, 5, b2, 5, 0.95, &lo, &hi, &df);
	tap_ok(!ret && near(df, 5.8823529412, 1e-9) && near(lo, -0.8877416, 1e-6) &&
	       near(hi, 6.8877416, 1e-6),
	       "welch unequal-variance 95%%: [%.7f, %.7f] df %.7f", lo, hi, df);
	ret = stats_welch_ci(b2, 5, a, 5, 0.95, &lo, &hi, &df);
	tap_ok(!ret && near(lo, -6.8877416, 1e-6) && near(hi, 0.8877416, 1e-6),
	       "swapping the samples negates the interval");
	/* a (1..5): mean 3, sd sqrt(2.5); b2 (2,4,..10): mean 6, sd sqrt(10) */
	ret = stats_welch_ci_summary(3, sqrt(2.5), 5, 6, sqrt(10), 5, 0.95, &lo, &hi, &df);
	tap_ok(!ret && near(df, 5.8823529412, 1e-9) && near(lo, -0.8877416, 1e-6) &&
	       near(hi, 6.8877416, 1e-6),
	       "welch from summaries (mean, sd, n) gives the same interval: [%.7f, %.7f]", lo, hi);
	/* t = 3 / sqrt(2.5/5 + 2.5/5) = 3 with 8 df: two-sided p = 0.017072 */
	tap_ok(near(stats_welch_p_summary(3, sqrt(2.5), 5, 6, sqrt(2.5), 5), 0.0170716, 1e-6),
	       "welch p-value from summaries: t 3, df 8 -> p %.7f",
	       stats_welch_p_summary(3, sqrt(2.5), 5, 6, sqrt(2.5), 5));
	{
		const double p[] = { 0.01, 0.04, 0.03, NAN, 0.005 };
		bool sig[5];

		stats_holm(p, 5, 0.05, sig);
		tap_ok(sig[0] && !sig[1] && !sig[2] && !sig[3] && sig[4],
		       "holm over 4 tested p-values: 0.005 and 0.01 pass, 0.03 > 0.05/2 stops");
	}

	/* pooled: sp^2 = (4 * 2.5 + 4 * 10) / 8 = 6.25, t(0.975, 8) 2.3060041 * 2.5 * sqrt(0.4) */
	ret = stats_student_ci(a, 5, b2, 5, 0.95, &lo, &hi);
	tap_ok(!ret && near(lo, -0.646113, 1e-5) && near(hi, 6.646113, 1e-5),
	       "student (pooled) 95%%: [%.6f, %.6f]", lo, hi);
	{
		const double x[] = { 100, 101 }, y[] = { 103, 105 };
		double wl = NAN, wh = NAN;

		/* 2 a side: df 2, t 4.3026527 * sqrt(1.25); Welch has df 1.47 here */
		ret = stats_student_ci(x, 2, y, 2, 0.95, &lo, &hi) ||
		      stats_welch_ci(x, 2, y, 2, 0.95, &wl, &wh, NULL);
		tap_ok(!ret && near(lo, -1.310512, 1e-5) && near(hi, 8.310512, 1e-5) &&
		       wh - wl > 1.4 * (hi - lo),
		       "student at 2 a side: [%.6f, %.6f], Welch's 1.4 times as wide ([%.3f, %.3f])",
		       lo, hi, wl, wh);
	}
	tap_ok(stats_student_ci(a, 1, b1, 5, 0.95, &lo, &hi) == -EINVAL, "student needs 2 a side");
	ret = stats_welch_ci(c1, 3, c2, 3, 0.95, &lo, &hi, &df);
	tap_ok(!ret && lo == 1 && hi == 1 && df == 4,
	       "constant samples give the point interval [1, 1]");

	tap_ok(stats_welch_ci(a, 1, b1, 5, 0.95, &lo, &hi, &df) == -EINVAL &&
	       stats_welch_ci(a, 5, b1, 1, 0.95, &lo, &hi, &df) == -EINVAL,
	       "welch needs two values per sample");
	tap_ok(stats_welch_ci(a, 5, b1, 5, 1.0, &lo, &hi, &df) == -EINVAL &&
	       stats_welch_ci(a, 5, b1, 5, 0, &lo, &hi, &df) == -EINVAL &&
	       stats_welch_ci(a, 5, b1, 5, NAN, &lo, &hi, &df) == -EINVAL,
	       "welch rejects level outside (0, 1)");
}

/*
 * Bootstrap: a = 1..20, b = 11..30, so the difference of means is exactly
 * 10. Both samples have stddev sqrt(35), the Welch 95% interval is
 * 10 +- t(0.975, 38) * sqrt(3.5) = 10 +- 3.787: the bootstrap interval must
 * contain 10, exclude 0, and be of similar width (the percentile bootstrap
 * is a little narrower on small samples; allow 20%).
 */
static void test_bootstrap(void)
{
	double a[20], b[20], near_a[20];
	double lo, hi, lo2, hi2, wlo, whi, ratio;
	const double c1[] = { 5, 5, 5 }, c2[] = { 7, 7, 7, 7 };
	int i, ret;

	for (i = 0; i < 20; i++) {
		a[i] = i + 1;
		b[i] = i + 11;
		near_a[i] = i + 1.25;
	}
	ret = stats_bootstrap_diff_ci(a, 20, b, 20, 2000, 42, 0.95, &lo, &hi);
	tap_ok(!ret && lo < 10 && hi > 10, "bootstrap CI [%.4f, %.4f] contains the true 10",
	       lo, hi);
	tap_ok(lo > 0, "bootstrap CI excludes 0 for clearly different samples");
	ret = stats_bootstrap_diff_ci(a, 20, b, 20, 2000, 42, 0.95, &lo2, &hi2);
	tap_ok(!ret && !memcmp(&lo, &lo2, sizeof(lo)) && !memcmp(&hi, &hi2, sizeof(hi)),
	       "same seed gives bit-identical bounds");
	ret = stats_bootstrap_diff_ci(a, 20, b, 20, 2000, 43, 0.95, &lo2, &hi2);
	tap_ok(!ret && (lo2 != lo || hi2 != hi) && lo2 < 10 && hi2 > 10,
	       "another seed resamples differently: [%.4f, %.4f]", lo2, hi2);

	stats_welch_ci(a, 20, b, 20, 0.95, &wlo, &whi, NULL);
	ratio = (hi - lo) / (whi - wlo);
	tap_ok(ratio > 0.8 && ratio < 1.2, "bootstrap width is %.3f of the Welch width", ratio);

	ret = stats_bootstrap_diff_ci(a, 20, near_a, 20, 2000, 1, 0.95, &lo, &hi);
	tap_ok(!ret && lo < 0 && hi > 0, "CI [%.4f, %.4f] contains 0 for a 0.25 shift of 1..20",
	       lo, hi);

	ret = stats_bootstrap_diff_ci(c1, 3, c2, 4, 100, 1, 0.95, &lo, &hi);
	tap_ok(!ret && lo == 2 && hi == 2, "constant samples give the point interval [2, 2]");

	tap_ok(stats_bootstrap_diff_ci(a, 1, b, 20, 100, 1, 0.95, &lo, &hi) == -EINVAL &&
	       stats_bootstrap_diff_ci(a, 20, b, 0, 100, 1, 0.95, &lo, &hi) == -EINVAL &&
	       stats_bootstrap_diff_ci(a, 20, b, 20, 0, 1, 0.95, &lo, &hi) == -EINVAL &&
	       stats_bootstrap_diff_ci(a, 20, b, 20, 100, 1, 1.5, &lo, &hi) == -EINVAL,
	       "bootstrap rejects small samples, zero iterations and bad levels");
}

int main(void)
{
	tap_plan(49);
	test_percentile();
	test_median();
	test_moments();
	test_dvec();
	test_t_quantile();
	test_welch();
	test_bootstrap();
	return tap_done();
}
