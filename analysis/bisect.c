// SPDX-License-Identifier: GPL-2.0
/*
 * bisect.c - the search of "patchbench bisect" (bisect.h).
 */
#include "bisect.h"

#include <errno.h>
#include <string.h>

static const char *const mark_names[] = {
	[BM_UNTESTED] = "untested", [BM_GOOD] = "good", [BM_BAD] = "bad", [BM_SKIP] = "skip",
	[BM_UNCLEAR] = "unclear",
};

const char *bisect_mark_name(enum bisect_mark m)
{
	return (unsigned)m < sizeof(mark_names) / sizeof(mark_names[0]) ? mark_names[m] : "?";
}

int bisect_mark_parse(const char *s, enum bisect_mark *m)
{
	size_t i;

	for (i = 0; i < sizeof(mark_names) / sizeof(mark_names[0]); i++)
		if (!strcmp(s, mark_names[i])) {
			*m = (enum bisect_mark)i;
			return 0;
		}
	return -EINVAL;
}

/* lo: the last good prefix below hi, the first bad one (the ends make both exist). */
static void bounds(const enum bisect_mark *m, size_t n, size_t *lo, size_t *hi)
{
	size_t i;

	*hi = n;
	for (i = 1; i <= n; i++)
		if (m[i] == BM_BAD) {
			*hi = i;
			break;
		}
	*lo = 0;
	for (i = *hi; i-- > 0;)
		if (m[i] == BM_GOOD) {
			*lo = i;
			break;
		}
}

long bisect_next(const enum bisect_mark *m, size_t n)
{
	size_t lo, hi, mid, d;

	bounds(m, n, &lo, &hi);
	if (hi - lo < 2)
		return -1;
	mid = lo + (hi - lo) / 2;
	/* outward from the midpoint, lower side first, to the first untested prefix */
	for (d = 0; d < hi - lo; d++) {
		if (mid >= d && mid - d > lo && m[mid - d] == BM_UNTESTED)
			return (long)(mid - d);
		if (mid + d < hi && m[mid + d] == BM_UNTESTED)
			return (long)(mid + d);
	}
	return -1;
}

void bisect_result(const enum bisect_mark *m, size_t n, struct bisect_result *r)
{
	bounds(m, n, &r->lo, &r->hi);
	r->outcome = r->hi - r->lo == 1 ? BO_FOUND : BO_AMBIGUOUS;
	r->first_bad = r->hi;
}
