// SPDX-License-Identifier: GPL-2.0
/*
 * t-statdelta.c - "what else changed": the delta extractor
 * (bench/statdelta.c) on real before/after readings of a v1 memory cgroup
 * and /proc/vmstat, stat-delta.tsv read back as metrics (analysis/changed.c),
 * and compare's listing of the changed keys on fixture run directories:
 * significance, the A/A floor, the --changed cap, one run per side.
 *
 * Fixtures: tests/fixtures/statdelta (README there: the capture commands).
 * files/ is one cgroup read before and after 16M of page cache went through
 * it; a/ and b/ are two host runs each of idle,kmem-churn with 10 and 40
 * children, aa/ two more of a/'s for the A/A floor; copies of a/ and b/
 * with meta.json "pair" made in a private mkdtemp directory.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "changed.h"
#include "cmp-format.h"
#include "cmp-print.h"
#include "compare.h"
#include "report-compare.h"
#include "statdelta.h"
#include "tap.h"
#include "util.h"

#define SD FIXTURES "/statdelta"

static char tmpdir[] = "/tmp/t-statdelta.XXXXXX";

static void slurp(const char *name, struct strbuf *sb)
{
	char *p = xasprintf("%s/files/%s", SD, name);

	sb_reset(sb);
	if (read_file(p, sb))
		fprintf(stderr, "# cannot read %s\n", p);
	free(p);
}

static const struct statdelta_row *find_row(const struct statdelta *d, const char *source,
					    const char *key)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->v[i].source, source) && !strcmp(d->v[i].key, key))
			return &d->v[i];
	return NULL;
}

/* The kv files of files/: every key, delta after - before, numbers from the files. */
static void test_extract(void)
{
	struct strbuf b = STRBUF_INIT, a = STRBUF_INIT;
	const struct statdelta_row *r;
	struct statdelta d;
	char err[256];
	int ret;

	statdelta_init(&d);
	slurp("before-memory.stat", &b);
	slurp("after-memory.stat", &a);
	ret = statdelta_add_kv(&d, "memory.stat", "pb-fixture", 1, b.buf, b.len, a.buf, a.len, err,
			       sizeof(err));
	tap_ok(!ret && d.n == 42, "memory.stat: one row per key (%zu of 42)", d.n);
	r = find_row(&d, "memory.stat", "pgpgin");
	tap_ok(r && r->before == 0 && r->after == 4215 && r->delta == 4215 && r->level == 1 &&
	       !strcmp(r->cgroup, "pb-fixture"), "memory.stat pgpgin 0 -> 4215");
	r = find_row(&d, "memory.stat", "pgfault");
	tap_ok(r && r->delta == 264, "memory.stat pgfault +264");
	r = find_row(&d, "memory.stat", "total_pgpgout");
	tap_ok(r && r->delta == 4215, "memory.stat total_pgpgout +4215");

	slurp("before-vmstat", &b);
	slurp("after-vmstat", &a);
	ret = statdelta_add_kv(&d, "vmstat", "/", 0, b.buf, b.len, a.buf, a.len, err, sizeof(err));
	tap_ok(!ret && d.n == 42 + 192, "vmstat: 192 more rows (%zu)", d.n);
	r = find_row(&d, "vmstat", "pgfault");
	tap_ok(r && r->before == 822680293 && r->delta == 1202, "vmstat pgfault +1202");
	r = find_row(&d, "vmstat", "nr_free_pages");
	tap_ok(r && r->delta == 429, "vmstat nr_free_pages +429 (a gauge's change too)");

	slurp("before-memory.oom_control", &b);
	slurp("after-memory.oom_control", &a);
	ret = statdelta_add_kv(&d, "memory.oom_control", "pb-fixture", 1, b.buf, b.len, a.buf,
			       a.len, err, sizeof(err));
	r = find_row(&d, "memory.oom_control", "oom_kill");
	tap_ok(!ret && d.n == 42 + 192 + 3 && r && r->delta == 0,
	       "v1 memory.oom_control: oom_kill, under_oom, oom_kill_disable");
	slurp("before-memory.failcnt", &b);
	slurp("after-memory.failcnt", &a);
	ret = statdelta_add_num(&d, "memory.failcnt", "pb-fixture", 1, "failcnt", b.buf, b.len,
				a.buf, a.len, err, sizeof(err));
	r = find_row(&d, "memory.failcnt", "failcnt");
	tap_ok(!ret && r && r->before == 0 && r->delta == 0, "v1 memory.failcnt: one number");

	ret = statdelta_add_num(&d, "memory.failcnt", "x", 1, "failcnt", "12\n", 3, "1 2\n", 4,
				err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "memory.failcnt of 'x'") && strstr(err, "'1 2"),
	       "a one-number file that is not a number: -EINVAL naming it (%s)", err);
	ret = statdelta_add_kv(&d, "memory.stat", "y", 1, "anon 1\nbroken\n", 14, "anon 2\n", 7,
			       err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "memory.stat of 'y' at the window's start"),
	       "a bad line: -EINVAL naming the file and the reading (%s)", err);
	{
		size_t n = d.n;

		ret = statdelta_add_kv(&d, "memory.events", "z", 2, "high 1\n", 7,
				       "high 4\nmax 2\n", 13, err, sizeof(err));
		tap_ok(!ret && d.n == n + 1 && d.v[n].delta == 3 && !strcmp(d.v[n].key, "high"),
		       "a key in only one reading is left out");
	}
	statdelta_release(&d);
	sb_release(&b);
	sb_release(&a);
}

/* stat-delta.tsv written and read back as metrics; a bad file and a missing one. */
static void test_file(void)
{
	struct statdelta d;
	struct metric_set ms;
	const struct metric *m;
	char err[512], *dir = xasprintf("%s/run", tmpdir), *p;
	FILE *f;
	int ret;

	mkdir_p(dir, 0755);
	statdelta_init(&d);
	statdelta_add_kv(&d, "memory.stat", "kernelbuild/one", 2, "pgscan 10\nanon 4096\n", 20,
			 "pgscan 25\nanon 0\n", 17, err, sizeof(err));
	statdelta_add_kv(&d, "vmstat", "/", 0, "pgfault 5\n", 10, "pgfault 9\n", 10, err,
			 sizeof(err));
	p = xasprintf("%s/%s", dir, STATDELTA_FILE);
	ret = statdelta_write(&d, p);
	tap_ok(!ret && access(p, F_OK) == 0, "stat-delta.tsv written");
	metric_set_init(&ms);
	ret = changed_load(dir, &ms, err, sizeof(err));
	m = metric_set_find(&ms, "changed:memory.stat:kernelbuild/one:anon");
	tap_ok(!ret && ms.n == 3 && m && m->value == -4096 && !strcmp(m->group, CHANGED_GROUP) &&
	       !strcmp(m->label, "kernelbuild/one memory.stat:anon"),
	       "read back: one metric per row, negative deltas kept");
	m = metric_set_find(&ms, "changed:vmstat:/:pgfault");
	tap_ok(m && m->value == 4 && !strcmp(m->label, "vmstat:pgfault"), "vmstat:pgfault +4");
	metric_set_release(&ms);

	f = fopen(p, "w");
	fputs("source\tcgroup\tlevel\tkey\tbefore\tafter\tdelta\n"
	      "vmstat\t/\t0\tpgfault\t1\t2\tinf\n", f);
	fclose(f);
	metric_set_init(&ms);
	ret = changed_load(dir, &ms, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "line 2") && strstr(err, "delta"),
	       "a bad cell: -EINVAL naming file, line and field (%s)", err);
	metric_set_release(&ms);
	unlink(p);
	metric_set_init(&ms);
	tap_ok(changed_load(dir, &ms, err, sizeof(err)) == -ENOENT && !ms.n,
	       "a run without stat-delta.tsv: -ENOENT (older runs)");
	metric_set_release(&ms);
	statdelta_release(&d);
	rmdir(dir);
	free(p);
	free(dir);
}

/*
 * The numbers lines of the text section (after its "key" header, up to the
 * blank line; a key too long for its line has one of its own, starting
 * right after the indent); @sigma: how many show a +- value (columns 12-16).
 */
static size_t text_rows(const char *text, size_t *sigma)
{
	const char *s = strstr(text, "What else changed");
	size_t n = 0;

	if (sigma)
		*sigma = 0;
	s = s ? strstr(s, "  key\n") : NULL;
	if (!s)
		return 0;
	for (s = strchr(s, '\n') + 1; *s && *s != '\n'; s = strchr(s, '\n') + 1) {
		if (s[2] != ' ')
			continue;
		n++;
		if (sigma && strcspn(s, "\n") > 17 && strspn(s + 12, " ") < 5)
			(*sigma)++;
	}
	return n;
}

static int cmp(struct comparison *c, const char *a, const char *b, const char *noise,
	       size_t top)
{
	struct compare_opts o = { .noise = noise, .force = true, .ci = CI_CHOICE_AUTO,
				  .changed_top = top };
	char err[512];
	int ret;

	comparison_init(c);
	ret = compare_dirs(c, a, b, &o, err, sizeof(err));
	if (ret)
		fprintf(stderr, "# compare: %s\n", err);
	return ret;
}

static void test_listing(void)
{
	struct comparison c, n;
	size_t i, bad = 0, order = 0, after = 0;
	char *t, *j;
	int ret;

	/* two runs a side, 10 vs 40 children: kmem-churn's keys move */
	ret = cmp(&c, SD "/a", SD "/b", NULL, 0);
	tap_ok(!ret && c.nchanged_all == 666 && c.nchanged == 28,
	       "a vs b: 28 of 666 keys changed (%zu of %zu)", c.nchanged, c.nchanged_all);
	for (i = 0; i < c.nchanged_all; i++) {
		const struct cmp_row *r = &c.changed[i];
		bool sig = r->verdict == VERDICT_REGRESSION || r->verdict == VERDICT_IMPROVEMENT;

		if ((i < c.nchanged) != sig)
			bad++;
		if (i > 0 && i < c.nchanged && !isnan(r->delta_pct) &&
		    (isnan(c.changed[i - 1].delta_pct) ||
		     fabs(c.changed[i - 1].delta_pct) < fabs(r->delta_pct)))
			order++;
		if (i < c.nchanged && sig && !(fabs(r->delta) > 0.05 * fabs(r->a_mean)))
			after++;
	}
	tap_ok(!bad, "the listed rows are exactly the significant ones (%zu not)", bad);
	tap_ok(!order, "listed by |%%change|, those from zero last (%zu out of order)", order);
	tap_ok(!after, "every listed change is over 5%% of A (%zu not)", after);
	tap_ok(!strcmp(c.changed[0].m.key,
		       "changed:memory.stat:kernelbuild/one/two/three/four/churn:total_pgfault") &&
	       fabs(c.changed[0].delta_pct - 312.5) < 1,
	       "first: churn's total_pgfault (%s %+.1f%%)", c.changed[0].m.key,
	       c.changed[0].delta_pct);
	tap_ok(c.nreg + c.nimp + c.nsame + c.nnone == c.nrows,
	       "the changed keys stay out of the verdict counts");
	t = print_to_string(&c, FMT_TEXT);
	tap_ok(text_rows(t, NULL) == CHANGED_TOP && strstr(t, "first 10,"),
	       "text: capped at --changed's default 10 (%zu rows)", text_rows(t, NULL));
	{
		size_t w = 0;
		const char *s;

		for (s = t; *s; s = strchr(s, '\n') + 1)
			if ((size_t)(strchr(s, '\n') - s) > w)
				w = (size_t)(strchr(s, '\n') - s);
		tap_ok(w <= 72, "text fits 72 columns (%zu)", w);
	}
	j = print_to_string(&c, FMT_JSON);
	{
		size_t k = 0;
		const char *s = strstr(j, "\"changed\"");

		while (s && (s = strstr(s + 1, "\"group\": \"changed\"")))
			k++;
		tap_ok(k == 28 && strstr(j, "\"listed\": 28"), "json: all 28 listed rows (%zu)", k);
	}
	/* read back (the dashboard's cache): the same JSON, and the same text section */
	{
		struct comparison back;
		char err[256] = "", *t2 = NULL, *j2 = NULL, *t1 = print_to_string(&c, FMT_TEXT);
		int r2 = compare_from_json(&back, j, strlen(j), err, sizeof(err));

		if (!r2) {
			j2 = print_to_string(&back, FMT_JSON);
			t2 = print_to_string(&back, FMT_TEXT);
		}
		tap_ok(!r2 && back.nchanged == 28 && back.nchanged_all == 666 && !strcmp(j, j2) &&
		       strstr(t2, "What else changed") && !strcmp(strstr(t1, "What else changed"),
							     strstr(t2, "What else changed")),
		       "json read back: 28 of 666 listed, the same JSON and text section (%s)",
		       r2 ? err : "ok");
		free(t1);
		free(t2);
		free(j2);
		comparison_release(&back);
	}
	free(t);
	free(j);
	t = print_to_string(&c, FMT_MD);
	{
		const char *s = strstr(t, "## What else changed");
		size_t rows = 0;

		for (; s && (s = strstr(s, "\n| ")); s++)
			rows++;
		/* the header row, then one per key */
		tap_ok(rows == CHANGED_TOP + 1 && strstr(t, "28 of 666 keys changed"),
		       "md: the section, 10 rows (%zu lines)", rows);
	}
	free(t);
	t = print_to_string(&c, FMT_HTML);
	{
		const char *s = strstr(t, "<h2>What else changed</h2>");
		size_t rows = 0;

		for (; s && (s = strstr(s, "<tr><td>")); s++)
			rows++;
		tap_ok(rows == CHANGED_TOP, "html: the section, 10 rows (%zu)", rows);
	}
	free(t);
	comparison_release(&c);

	tap_ok(!cmp(&c, SD "/a", SD "/b", NULL, 3), "--changed 3");
	t = print_to_string(&c, FMT_TEXT);
	tap_ok(text_rows(t, NULL) == 3 && c.nchanged == 28, "text: 3 rows, 28 still listed (json)");
	free(t);
	comparison_release(&c);

	/* the A/A floor of aa/ (a3 vs a4) raises the threshold of each key */
	ret = cmp(&c, SD "/a", SD "/b", SD "/aa", 0);
	tap_ok(!ret && c.nchanged == 26,
	       "with --noise aa/: 26 listed (%zu)", c.nchanged);
	bad = 0;
	for (i = 0; i < c.nchanged; i++)
		if (!isnan(c.changed[i].noise) && !(fabs(c.changed[i].delta) > c.changed[i].noise))
			bad++;
	tap_ok(!bad, "every listed change is beyond its A/A floor (%zu not)", bad);
	comparison_init(&n);
	cmp(&n, SD "/a", SD "/b", NULL, 0);
	bad = 0;
	for (i = 0; i < n.nchanged; i++) {
		size_t k;
		bool found = false;

		for (k = 0; k < c.nchanged && !found; k++)
			found = !strcmp(c.changed[k].m.key, n.changed[i].m.key);
		if (!found) {
			size_t x;

			for (x = 0; x < c.nchanged_all; x++)
				if (!strcmp(c.changed[x].m.key, n.changed[i].m.key))
					bad += !(fabs(c.changed[x].delta) <= c.changed[x].noise);
		}
	}
	tap_ok(!bad, "the two it drops are within their A/A floor");
	comparison_release(&n);
	comparison_release(&c);

	/* one run a side: values only */
	ret = cmp(&c, SD "/a/a1", SD "/b/b1", NULL, 0);
	tap_ok(!ret && compare_changed_values_only(&c) &&
	       c.nchanged == 89, "one run a side: the 89 keys that moved (%zu)", c.nchanged);
	bad = 0;
	for (i = 0; i < c.nchanged; i++)
		bad += c.changed[i].verdict != VERDICT_NONE || c.changed[i].delta == 0;
	tap_ok(!bad, "no verdict on any of them, each moved");
	t = print_to_string(&c, FMT_TEXT);
	{
		size_t sg, rows = text_rows(t, &sg);

		tap_ok(strstr(t, "values only, no significance") && rows == 10 && !sg,
		       "text: values only, 10 rows, no +- values (%zu rows, %zu with)", rows, sg);
	}
	free(t);
	comparison_release(&c);

	/* runs without stat-delta.tsv print as before */
	tap_ok(!cmp(&c, FIXTURES "/results/host-1", FIXTURES "/results/host-2", NULL, 0) &&
	       !c.nchanged_all, "older runs: no changed rows");
	t = print_to_string(&c, FMT_TEXT);
	j = print_to_string(&c, FMT_JSON);
	tap_ok(!strstr(t, "What else changed") && !strstr(j, "\"changed\""),
	       "older runs: no section in text or json");
	free(t);
	free(j);
	comparison_release(&c);
}

/* A copy of fixture run @from as @to with meta.json "pair" @pair. */
static void copy_paired(const char *from, const char *to, const char *pair)
{
	struct strbuf sb = STRBUF_INIT;
	char *p, *q;
	FILE *f;

	mkdir_p(to, 0755);
	p = xasprintf("%s/stat-delta.tsv", from);
	read_file(p, &sb);
	free(p);
	p = xasprintf("%s/stat-delta.tsv", to);
	f = fopen(p, "w");
	fwrite(sb.buf, 1, sb.len, f);
	fclose(f);
	free(p);
	p = xasprintf("%s/meta.json", from);
	read_file(p, &sb);
	free(p);
	q = strstr(sb.buf, "\"schema\": 1,");
	p = xasprintf("%s/meta.json", to);
	f = fopen(p, "w");
	fprintf(f, "%.*s\"pair\": \"%s\", %s", (int)(q - sb.buf), sb.buf, pair, q);
	fclose(f);
	free(p);
	sb_release(&sb);
}

/* Paired runs (meta.json "pair"): the changed keys get the paired interval too. */
static void test_paired(void)
{
	static const char *const runs[] = { "a/a1", "a/a2", "b/b1", "b/b2" };
	struct comparison c;
	char *a = xasprintf("%s/pa", tmpdir), *b = xasprintf("%s/pb", tmpdir);
	size_t i, paired = 0;
	int ret;

	for (i = 0; i < 4; i++) {
		char *from = xasprintf("%s/%s", SD, runs[i]);
		char *to = xasprintf("%s/%s", i < 2 ? a : b, runs[i] + 2);
		char pair[8];

		snprintf(pair, sizeof(pair), "%zu", i % 2 + 1);
		copy_paired(from, to, pair);
		free(from);
		free(to);
	}
	ret = cmp(&c, a, b, NULL, 0);
	for (i = 0; !ret && i < c.nchanged_all; i++)
		paired += c.changed[i].method == CI_PAIRED;
	tap_ok(!ret && c.pairs == 2 && paired > 0 && c.nchanged > 0,
	       "paired runs: the changed keys' intervals are paired (%zu of %zu), %zu listed",
	       paired, c.nchanged_all, c.nchanged);
	comparison_release(&c);
	free(a);
	free(b);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	tap_plan(40);
	test_extract();
	test_file();
	test_listing();
	test_paired();
	remove_tree(tmpdir);
	return tap_done();
}
