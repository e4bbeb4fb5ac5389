// SPDX-License-Identifier: GPL-2.0
/*
 * t-bisect.c - unit tests for analysis/bisect.c, the search of "patchbench
 * bisect", with a verdict oracle in place of builds and runs: prefix k is bad
 * when k >= the first bad patch, and some prefixes do not build (skip) or
 * give no verdict (unclear).
 */
#include <errno.h>
#include <string.h>

#include "bisect.h"
#include "util.h"
#include "tap.h"

#define MAXN 16

/*
 * Bisect a series of @n patches whose first bad one is @bad; prefixes in
 * @skip (a string of their numbers as chars 'a' + k) are skipped, those in
 * @unclear unclear. Marks in @m, steps (prefixes measured after the ends) in
 * *@steps; the result in @r.
 */
static void run(size_t n, size_t bad, const char *skip, const char *unclear,
		enum bisect_mark *m, size_t *steps, struct bisect_result *r)
{
	long k;

	memset(m, 0, (n + 1) * sizeof(*m));
	m[0] = BM_GOOD;
	m[n] = BM_BAD;
	*steps = 0;
	while ((k = bisect_next(m, n)) >= 0 && *steps <= n) {
		if (m[k] != BM_UNTESTED)
			break;		/* a step twice: the loop would not end */
		if (strchr(skip, 'a' + (int)k))
			m[k] = BM_SKIP;
		else if (strchr(unclear, 'a' + (int)k))
			m[k] = BM_UNCLEAR;
		else
			m[k] = (size_t)k >= bad ? BM_BAD : BM_GOOD;
		(*steps)++;
	}
	bisect_result(m, n, r);
}

static size_t log2_ceil(size_t n)
{
	size_t l = 0;

	while (((size_t)1 << l) < n)
		l++;
	return l;
}

int main(void)
{
	enum bisect_mark m[MAXN + 1], parsed;
	struct bisect_result r;
	size_t n, bad, steps, worst = 0, fails = 0;

	tap_plan(9);
	/* every first-bad position of every series length up to 16 */
	for (n = 1; n <= MAXN; n++) {
		for (bad = 1; bad <= n; bad++) {
			run(n, bad, "", "", m, &steps, &r);
			if (r.outcome != BO_FOUND || r.first_bad != bad || steps > log2_ceil(n))
				fails++;
			if (steps > worst)
				worst = steps;
		}
	}
	tap_ok(!fails, "first bad found at each position of 1..16 patches, within "
	       "ceil(log2 n) steps (%zu misses, worst %zu steps)", fails, worst);
	run(1, 1, "", "", m, &steps, &r);
	tap_ok(steps == 0 && r.outcome == BO_FOUND && r.first_bad == 1,
	       "one patch: the ends are the answer");
	/* 8 patches, bad from 5: prefix 4 does not build; 3 good, 5 bad: ambiguous 3..5 */
	run(8, 5, "e", "", m, &steps, &r);
	tap_ok(r.outcome == BO_AMBIGUOUS && r.lo == 3 && r.hi == 5 && m[4] == BM_SKIP,
	       "skip next to the first bad: ambiguous between 3 and 5 (%zu..%zu)", r.lo, r.hi);
	/* the same skip far from the answer does not matter */
	run(8, 7, "e", "", m, &steps, &r);
	tap_ok(r.outcome == BO_FOUND && r.first_bad == 7, "a skip elsewhere: found 7 (%zu)",
	       r.first_bad);
	/* the midpoint skipped: the search moves to its neighbour */
	run(8, 2, "e", "", m, &steps, &r);
	tap_ok(r.outcome == BO_FOUND && r.first_bad == 2 && m[3] != BM_UNTESTED,
	       "a skipped midpoint: its neighbour is tried, found 2 (%zu)", r.first_bad);
	/* prefix 5 unclear, 6 the first bad: 5 or 6 */
	run(8, 6, "", "f", m, &steps, &r);
	tap_ok(r.outcome == BO_AMBIGUOUS && r.lo == 4 && r.hi == 6 && m[5] == BM_UNCLEAR,
	       "unclear at the first bad: reported as a range, not guessed (%zu..%zu)", r.lo,
	       r.hi);
	/* everything skipped: ambiguous over the whole series */
	run(4, 2, "bcd", "", m, &steps, &r);
	tap_ok(r.outcome == BO_AMBIGUOUS && r.lo == 0 && r.hi == 4 && steps == 3,
	       "nothing builds: ambiguous 0..4 after 3 steps");
	/* resume: marks from a partial bisection lead to the same answer */
	memset(m, 0, sizeof(m));
	m[0] = BM_GOOD, m[12] = BM_BAD, m[6] = BM_GOOD, m[9] = BM_BAD;
	tap_ok(bisect_next(m, 12) == 7, "resumed with 6 good, 9 bad: 7 next (%ld)",
	       bisect_next(m, 12));
	tap_ok(!bisect_mark_parse("skip", &parsed) && parsed == BM_SKIP &&
	       !strcmp(bisect_mark_name(BM_UNCLEAR), "unclear") &&
	       bisect_mark_parse("maybe", &parsed) == -EINVAL, "mark names round-trip");
	return tap_done();
}
