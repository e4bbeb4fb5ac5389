// SPDX-License-Identifier: GPL-2.0
/*
 * t-settle.c - unit tests for analysis/settle.c, one look of --repeat auto
 * (ab, bisect): the watched metric by default, where a comparison's watched
 * metrics stand, and the --repeat N|auto value. The rows are built by hand:
 * what is under test is the bookkeeping over verdict_settled(), whose
 * statistics t-compare tests. Also compare's family of secondary metrics
 * (the read latency levels, Bonferroni): its level and the header line.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "settle.h"
#include "tap.h"
#include "util.h"

static struct cmp_row *add_row(struct comparison *c, const char *key, const double *a,
			       const double *b, size_t n, double threshold)
{
	struct cmp_row *r;
	size_t i;

	c->rows = xrealloc(c->rows, (c->nrows + 1) * sizeof(*c->rows));
	r = &c->rows[c->nrows++];
	memset(r, 0, sizeof(*r));
	r->m.key = xstrdup(key);
	for (i = 0; i < n; i++) {
		dvec_push(&r->a, a[i]);
		dvec_push(&r->b, b[i]);
		r->a_mean += a[i] / n;
		r->b_mean += b[i] / n;
	}
	r->threshold = threshold;
	return r;
}

static void release(struct comparison *c)
{
	for (size_t i = 0; i < c->nrows; i++) {
		free(c->rows[i].m.key);
		dvec_release(&c->rows[i].a);
		dvec_release(&c->rows[i].b);
	}
	free(c->rows);
	memset(c, 0, sizeof(*c));
}

int main(void)
{
	const double same[] = { 1000, 1000 }, more[] = { 1100, 1100 }, zero[] = { 0, 0 };
	const double wa[] = { 1000, 1040, 960 }, wb[] = { 1010, 970, 1030 };
	char *keys_kernel[] = { "insn:kernel", NULL };
	char *keys_two[] = { "cputotal:task-clock", "insn:sym:new_fn", NULL };
	char *keys_bad[] = { "insn:kernel", "no:such", NULL };
	struct comparison c;
	const char *missing;
	char *why;
	bool is_auto;
	int ret, n;

	tap_plan(18);
	memset(&c, 0, sizeof(c));
	add_row(&c, "cputotal:task-clock", wa, wb, 3, 20);
	tap_ok(!strcmp(settle_default_watch(&c), "cputotal:task-clock"),
	       "no instruction counts: task-clock is watched by default");
	add_row(&c, "insn:kernel", same, more, 2, 20);
	tap_ok(!strcmp(settle_default_watch(&c), "insn:kernel"),
	       "with instruction counts: insn:kernel");

	ret = settle_look(&c, keys_kernel, 7, &why, &missing);
	tap_ok(ret == 1 && why && !strcmp(why, "insn:kernel changed (+10.00%..+10.00% against "
					   "+-2.00%)"), "a constant +10%%: settled (%d, '%s')", ret,
	       why ? why : "");
	free(why);

	add_row(&c, "insn:sym:new_fn", zero, more, 2, 0);
	ret = settle_look(&c, keys_two, 7, &why, &missing);
	tap_ok(ret == 0, "one open metric (task-clock's spread of +-4%% against 2%%) keeps the "
	       "look open (%d)", ret);
	tap_ok(why && strstr(why, "cputotal:task-clock open (") &&
	       strstr(why, ", insn:sym:new_fn changed (+1100..+1100 from 0)"),
	       "each key's state, a new symbol from 0 ('%s')", why ? why : "");
	free(why);

	ret = settle_look(&c, keys_bad, 7, &why, &missing);
	tap_ok(ret == -1 && !why && missing && !strcmp(missing, "no:such"),
	       "a key without a row: -1 and its name (%s)", missing ? missing : "-");
	release(&c);

	tap_ok(!repeat_parse("repeat", "auto", 8, &n, &is_auto) && is_auto && n == 8,
	       "--repeat auto: the most is --max-repeat");
	tap_ok(!repeat_parse("repeat", "3", 8, &n, &is_auto) && !is_auto && n == 3, "--repeat 3");
	tap_ok(repeat_parse("repeat", "0", 8, &n, &is_auto) == -EINVAL, "--repeat 0: invalid");
	tap_ok(repeat_parse("repeat", "2x", 8, &n, &is_auto) == -EINVAL, "--repeat 2x: invalid");
	tap_ok(repeat_parse("repeat", "", 8, &n, &is_auto) == -EINVAL, "--repeat '': invalid");

	tap_ok(fabs(compare_family_level(14) - (1 - 0.05 / 14)) < 1e-12 &&
	       compare_family_level(1) == COMPARE_LEVEL, "family level: 1 - 0.05 / rows");
	memset(&c, 0, sizeof(c));
	c.family_rows = 1;
	why = compare_family_desc(&c);
	tap_ok(!why, "a family of one row: judged at 95%%, nothing said");
	c.family_rows = 14;
	why = compare_family_desc(&c);
	tap_ok(why && !strcmp(why, "read latency: family-wise 95% over its 14 rows (Bonferroni, "
			      "each at 99.64%); a change also needs the sides' ranges apart"),
	       "the header line: '%s'", why ? why : "");
	free(why);
	{
		static const double a[] = { 10, 11, 12 }, up[] = { 12.5, 13, 14 },
				    odd[] = { 10.5, 11.5, 30 }, down[] = { 7, 8, 9.5 };
		struct comparison f;
		struct cmp_row *r;

		memset(&f, 0, sizeof(f));
		r = add_row(&f, "readlat:1:p50", a, up, 3, 0);
		r->delta = r->b_mean - r->a_mean;
		tap_ok(compare_ranges_apart(r), "ranges apart: B's smallest above A's largest");
		r = add_row(&f, "readlat:1:p99", a, odd, 3, 0);
		r->delta = r->b_mean - r->a_mean;
		tap_ok(!compare_ranges_apart(r), "one odd run on B: the ranges overlap");
		r = add_row(&f, "readlat:2:p50", a, down, 3, 0);
		r->delta = r->b_mean - r->a_mean;
		tap_ok(compare_ranges_apart(r), "a fall: B's largest below A's smallest");
		r = add_row(&f, "readlat:2:p99", a, a, 3, 0);
		r->delta = 0;
		tap_ok(!compare_ranges_apart(r), "no change: not apart");
		release(&f);
	}
	return tap_done();
}
