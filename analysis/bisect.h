/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bisect.h - the search of "patchbench bisect", kept apart from building and
 * running so that it is tested on its own (tests/unit/t-bisect.c): which
 * prefix of a series to measure next, and what the marks so far say.
 *
 * Prefix k is the base with patches 1..k applied: 0 is the base, n the whole
 * series. The ends are measured first; then every step marks one prefix good
 * (no watched metric changed against the base), bad (one regressed), skipped
 * (it did not build or boot: git bisect skip) or unclear (no verdict after
 * the runs allowed). The search is git bisect's: the first bad prefix above
 * the last good one, the midpoint of what is left first.
 */
#ifndef PB_BISECT_H
#define PB_BISECT_H

#include <stddef.h>

enum bisect_mark {
	BM_UNTESTED,
	BM_GOOD,
	BM_BAD,
	BM_SKIP,		/* did not build or boot */
	BM_UNCLEAR,		/* measured, no verdict either way */
};

/* "untested", "good", "bad", "skip", "unclear" */
const char *bisect_mark_name(enum bisect_mark m);
/* Inverse of bisect_mark_name(). 0 or -EINVAL. */
int bisect_mark_parse(const char *s, enum bisect_mark *m);

/* The outcome once bisect_next() says -1. */
enum bisect_outcome {
	BO_FOUND,		/* @first_bad is the first bad patch */
	BO_AMBIGUOUS,		/* between @lo and @hi only skipped or unclear prefixes */
};

struct bisect_result {
	enum bisect_outcome outcome;
	size_t lo;		/* the last good prefix below @hi */
	size_t hi;		/* the first bad prefix above @lo */
	size_t first_bad;	/* BO_FOUND: the patch (1..n), = @hi */
};

/**
 * bisect_next - the prefix to measure next
 * @m: the marks of prefixes 0..@n; @m[0] good and @m[@n] bad (the ends)
 * @n: patches in the series (>= 1)
 *
 * Between the last good prefix below the first bad one (lo) and that bad
 * one (hi), the untested prefix nearest (lo + hi) / 2, the lower of two.
 *
 * Return: the prefix, or -1 when there is none left: see bisect_result().
 */
long bisect_next(const enum bisect_mark *m, size_t n);

/**
 * bisect_result - what the marks say, once bisect_next() returns -1
 * @m: the marks of prefixes 0..@n
 * @n: patches in the series
 * @r: filled in
 */
void bisect_result(const enum bisect_mark *m, size_t n, struct bisect_result *r);

#endif
