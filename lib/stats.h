/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h - the small statistics reports and compare need: order statistics,
 * mean/stddev, and confidence intervals for the difference of two means.
 *
 * Inputs must not contain NaN: filter them out (tsv_get_num() returns NaN
 * for empty cells) before pushing into a dvec.
 */
#ifndef PB_STATS_H
#define PB_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

double stats_percentile(double *v, size_t n, double p);
double stats_median(double *v, size_t n);
double stats_mean(const double *v, size_t n);
double stats_stddev(const double *v, size_t n);
double stats_min(const double *v, size_t n);
double stats_max(const double *v, size_t n);

/* Growable array of doubles: struct dvec d = DVEC_INIT; ... dvec_release(&d); */
struct dvec {
	double *v;
	size_t n;
	size_t alloc;
};
#define DVEC_INIT { NULL, 0, 0 }
void dvec_init(struct dvec *d);
void dvec_push(struct dvec *d, double x);
void dvec_release(struct dvec *d);

double stats_t_quantile(double p, double df);
int stats_bootstrap_diff_ci(const double *a, size_t na, const double *b, size_t nb,
			    unsigned iters, uint64_t seed, double level, double *lo, double *hi);
/*
 * stats_paired_ci - the t interval at @level of the mean of the @n paired
 * differences @d (B - A of each pair): mean +- t(n - 1) * sd / sqrt(n).
 * 0, or -EINVAL for n < 2 or a bad level.
 */
int stats_paired_ci(const double *d, size_t n, double level, double *lo, double *hi);
/*
 * stats_student_ci - the pooled-variance (Student) t interval at @level of
 * mean(b) - mean(a): sp^2 = ((na - 1) sa^2 + (nb - 1) sb^2) / (na + nb - 2),
 * diff +- t(na + nb - 2) * sp * sqrt(1/na + 1/nb). 0, or -EINVAL for a side
 * with fewer than 2 values or a bad level.
 */
int stats_student_ci(const double *a, size_t na, const double *b, size_t nb, double level,
		     double *lo, double *hi);
int stats_welch_ci(const double *a, size_t na, const double *b, size_t nb, double level,
		   double *lo, double *hi, double *df_out);
int stats_welch_ci_summary(double mean_a, double sd_a, size_t na, double mean_b, double sd_b,
			   size_t nb, double level, double *lo, double *hi, double *df_out);
double stats_welch_p_summary(double mean_a, double sd_a, size_t na, double mean_b, double sd_b,
			     size_t nb);
void stats_holm(const double *p, size_t n, double alpha, bool *sig);
int stats_welch_ci_summary(double mean_a, double sd_a, size_t na, double mean_b, double sd_b,
			   size_t nb, double level, double *lo, double *hi, double *df_out);

#endif
