// SPDX-License-Identifier: GPL-2.0
/*
 * settle.c - one look of --repeat auto (settle.h).
 */
#include "settle.h"
#include "compare.h"
#include "strbuf.h"
#include "util.h"
#include "verdict.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *settle_default_watch(const struct comparison *c)
{
	size_t i;

	for (i = 0; i < c->nrows; i++)
		if (!strcmp(c->rows[i].m.key, "insn:kernel"))
			return "insn:kernel";
	return "cputotal:task-clock";
}

int settle_look(const struct comparison *c, char *const *keys, int max_looks, char **why,
		const char **missing)
{
	struct strbuf sb = STRBUF_INIT;
	char *const *k;
	int ret = 1;
	size_t i;

	*why = NULL;
	*missing = NULL;
	for (k = keys; *k; k++) {
		const struct cmp_row *r = NULL;
		enum verdict_settle st;
		double lo, hi, base;

		for (i = 0; i < c->nrows && !r; i++)
			if (!strcmp(c->rows[i].m.key, *k))
				r = &c->rows[i];
		if (!r) {
			*missing = *k;
			sb_release(&sb);
			return -1;
		}
		st = verdict_settled(r->a.v, r->a.n, r->b.v, r->b.n, r->threshold, max_looks,
				     &lo, &hi);
		if (st == SETTLE_OPEN)
			ret = 0;
		base = fabs(r->a_mean);
		if (base > 0)
			sb_addf(&sb, "%s%s %s (%+.2f%%..%+.2f%% against +-%.2f%%)",
				k == keys ? "" : ", ", *k, verdict_settle_name(st), 100 * lo / base,
				100 * hi / base, 100 * r->threshold / base);
		else	/* 0 on the base side: a new symbol, say */
			sb_addf(&sb, "%s%s %s (%+.4g..%+.4g from 0)", k == keys ? "" : ", ", *k,
				verdict_settle_name(st), lo, hi);
	}
	*why = sb_detach(&sb);
	return ret;
}

int repeat_parse(const char *opt, const char *s, int max_repeat, int *repeat, bool *is_auto)
{
	char *end;
	long n;

	*is_auto = !strcmp(s, "auto");
	if (*is_auto) {
		*repeat = max_repeat;
		return 0;
	}
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || end == s || *end || n < 1 || n > 1000) {
		pr_err("invalid value '%s' for --%s: a number 1..1000, or auto", s, opt);
		return -EINVAL;
	}
	*repeat = (int)n;
	return 0;
}
