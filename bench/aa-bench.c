// SPDX-License-Identifier: GPL-2.0
/*
 * aa-bench.c - how often does compare call a change where there is none?
 *
 * Every run here is the same kernel, workload and machine, so any
 * "regression" or "improvement" between two groups of them is a false
 * positive. The groups are drawn from one pool of runs with a fixed seed
 * (comparisons share runs, so they are not independent; each comparison
 * on its own is a fair A/A). The runs are real "patchbench run" processes
 * (this binary, exec'd), as an A/B on one machine would make them.
 */
#include "aa-bench.h"
#include "compare.h"
#include "json.h"
#include "spawn.h"
#include "util.h"
#include "verdict.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define AA_SEED 0x6161ULL	/* "aa" */
/* issue 12: at most this share of A/A comparisons may flag anything */
#define AA_TARGET_CMP_RATE 0.05
/* --repeat auto as ab runs it by default on the host: its --max-repeat and watched metric */
#define AA_AUTO_MAX_REPEAT 8
#define AA_AUTO_WATCH "cputotal:task-clock"

/* The workload of every run: small and fast, but every check and monitor of a host run. */
static const char *const run_args[] = {
	"run", "-w", "idle,kmem-churn", "--idle", "2", "--kmem-churn-children", "20",
	"-d", "5s", "-q", "-o",
};

/* One host run into @dir; 0, or -EIO if it did not complete. */
static int one_run(const char *dir)
{
	const char *argv[ARRAY_SIZE(run_args) + 3];
	struct child c = CHILD_INIT;
	size_t i;
	int ret;

	argv[0] = "patchbench";
	for (i = 0; i < ARRAY_SIZE(run_args); i++)
		argv[i + 1] = run_args[i];
	argv[i + 1] = dir;
	argv[i + 2] = NULL;
	c.argv = (char **)argv;
	c.exe = "/proc/self/exe";
	c.out = CHILD_NULL;
	c.err = CHILD_TO_STDOUT;
	ret = child_run(&c);
	return ret > 0 ? -EIO : ret;
}

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void draw(uint64_t *seed, int n, int k, int *pick)
{
	int i;

	for (i = 0; i < n; i++)
		pick[i] = i;
	/* partial Fisher-Yates: the first k are the sample */
	for (i = 0; i < k; i++) {
		int j = i + (int)(splitmix64(seed) % (uint64_t)(n - i)), t = pick[i];

		pick[i] = pick[j];
		pick[j] = t;
	}
}

static void link_side(const char *side, const char *pool, const int *pick, int k)
{
	int i;

	for (i = 0; i < k; i++) {
		char *target = xasprintf("%s-%02d", pool, pick[i]);
		char *link = xasprintf("%s/r%02d", side, i);

		if (symlink(target, link))
			fprintf(stderr, "patchbench: cannot link '%s': %s\n", link, strerror(errno));
		free(target);
		free(link);
	}
}


int aa_compare_draw(struct comparison *c, const char *cmp, const char *pool_a, int n_a,
		    const char *pool_b, int n_b, int k, uint64_t *seed, char *err, size_t errlen)
{
	struct compare_opts co = { .noise = NULL, .force = false, .ci = CI_CHOICE_AUTO };
	char *sa = xasprintf("%s/A", cmp), *sb = xasprintf("%s/B", cmp);
	int *pick = xcalloc(n_a > n_b ? n_a : n_b, sizeof(*pick)), ret;

	remove_tree(cmp);
	mkdir_p(sa, 0755);
	mkdir_p(sb, 0755);
	if (!pool_b) {
		/* one pool: 2k distinct runs, the first k are side A */
		draw(seed, n_a, 2 * k, pick);
		link_side(sa, pool_a, pick, k);
		link_side(sb, pool_a, pick + k, k);
	} else {
		draw(seed, n_a, k, pick);
		link_side(sa, pool_a, pick, k);
		draw(seed, n_b, k, pick);
		link_side(sb, pool_b, pick, k);
	}
	ret = compare_dirs(c, sa, sb, &co, err, errlen);
	free(pick);
	free(sa);
	free(sb);
	return ret;
}

/* A metric that was flagged, and how often. */
struct flag {
	char *key;
	size_t n;
};

struct aa_result {
	size_t verdicts, fp, cmp_with_fp, no_verdict;
	struct flag *flags;
	size_t nflags;
	int64_t run_ns;
	/* --repeat auto's rule on A/A sequences of pairs */
	size_t seqs, seq_changed, seq_same, seq_open, seq_pairs;
	int seq_max_pairs;
};

static void count_flag(struct aa_result *res, const char *key)
{
	size_t i;

	for (i = 0; i < res->nflags; i++)
		if (!strcmp(res->flags[i].key, key)) {
			res->flags[i].n++;
			return;
		}
	res->flags = xrealloc(res->flags, (res->nflags + 1) * sizeof(*res->flags));
	res->flags[res->nflags].key = xstrdup(key);
	res->flags[res->nflags++].n = 1;
}

/*
 * One comparison: @k runs per side drawn without replacement from the @n
 * runs in @tmp, linked into @tmp/cmp/{A,B}/ (compare reads a directory of
 * result directories as one side).
 */
static int aa_compare(const char *tmp, int n, int k, uint64_t *seed, struct aa_result *res,
		      char *err, size_t errlen)
{
	char *cmp = xasprintf("%s/cmp", tmp), *pool = xasprintf("%s/run", tmp);
	struct comparison c;
	size_t r, fp = 0;
	int ret;

	ret = aa_compare_draw(&c, cmp, pool, n, NULL, 0, k, seed, err, errlen);
	for (r = 0; !ret && r < c.nrows; r++) {
		const struct cmp_row *row = &c.rows[r];

		if (row->verdict == VERDICT_REGRESSION || row->verdict == VERDICT_IMPROVEMENT) {
			fp++;
			count_flag(res, row->m.key);
		}
	}
	if (!ret) {
		res->verdicts += c.nreg + c.nimp + c.nsame;
		res->no_verdict += c.nnone;
		res->fp += fp;
		res->cmp_with_fp += fp > 0;
	}
	comparison_release(&c);
	remove_tree(cmp);
	free(pool);
	free(cmp);
	return ret;
}

/*
 * One A/A sequence of --repeat auto: pairs drawn without replacement from the
 * @n runs in @tmp (at most AA_AUTO_MAX_REPEAT, and n / 2), looked at after
 * each pair from the second on as ab looks (verdict_settled() on
 * AA_AUTO_WATCH, AA_AUTO_MAX_REPEAT - 1 looks). "changed" is a false
 * positive of the rule; the pool's size may end a sequence early ("open").
 */
static int aa_sequence(const char *tmp, int n, uint64_t *seed, struct aa_result *res, char *err,
		       size_t errlen)
{
	struct compare_opts co = { .ci = CI_CHOICE_AUTO };
	char *cmp = xasprintf("%s/seq", tmp), *pool = xasprintf("%s/run", tmp);
	char *sa = xasprintf("%s/A", cmp), *sb = xasprintf("%s/B", cmp);
	int maxp = n / 2 < AA_AUTO_MAX_REPEAT ? n / 2 : AA_AUTO_MAX_REPEAT;
	int *pick = xcalloc(n, sizeof(*pick)), *pa = xcalloc(n, sizeof(*pa)), p, i, ret = 0;
	enum verdict_settle st = SETTLE_OPEN;

	res->seq_max_pairs = maxp;
	draw(seed, n, 2 * maxp, pick);
	for (i = 0; i < maxp; i++)
		pa[i] = pick[2 * i];	/* A of pair i; its B is pick[2i + 1] */
	for (p = 2; p <= maxp && st == SETTLE_OPEN && !ret; p++) {
		struct comparison c;
		int pb[AA_AUTO_MAX_REPEAT];
		size_t r;

		for (i = 0; i < p; i++)
			pb[i] = pick[2 * i + 1];
		remove_tree(cmp);
		mkdir_p(sa, 0755);
		mkdir_p(sb, 0755);
		link_side(sa, pool, pa, p);
		link_side(sb, pool, pb, p);
		ret = compare_dirs(&c, sa, sb, &co, err, errlen);
		for (r = 0; !ret && r < c.nrows && strcmp(c.rows[r].m.key, AA_AUTO_WATCH); r++)
			;
		if (!ret && r == c.nrows) {
			snprintf(err, errlen, "the runs have no %s", AA_AUTO_WATCH);
			ret = -EINVAL;
		}
		if (!ret)
			st = verdict_settled(c.rows[r].a.v, c.rows[r].a.n, c.rows[r].b.v,
					     c.rows[r].b.n, c.rows[r].threshold,
					     AA_AUTO_MAX_REPEAT - 1, NULL, NULL);
		comparison_release(&c);
	}
	if (!ret) {
		res->seqs++;
		res->seq_pairs += p - 1;
		res->seq_changed += st == SETTLE_CHANGED;
		res->seq_same += st == SETTLE_SAME;
		res->seq_open += st == SETTLE_OPEN;
	}
	remove_tree(cmp);
	free(pick);
	free(pa);
	free(sa);
	free(sb);
	free(pool);
	free(cmp);
	return ret;
}

static int cmp_flag(const void *pa, const void *pb)
{
	const struct flag *a = pa, *b = pb;

	return a->n != b->n ? (a->n < b->n) - (a->n > b->n) : strcmp(a->key, b->key);
}

static void print_text(const struct aa_bench_opts *o, const struct aa_result *res, FILE *out)
{
	double rate = res->verdicts ? 100.0 * res->fp / res->verdicts : 0;
	double cmp_rate = o->comparisons ? 100.0 * res->cmp_with_fp / o->comparisons : 0;
	double seq_rate = res->seqs ? 100.0 * res->seq_changed / res->seqs : 0;
	size_t i;

	fprintf(out, "A/A false positives of compare at the default thresholds\n");
	fprintf(out, "  %d host runs of one kernel (-w idle,kmem-churn --idle 2\n"
		"  --kmem-churn-children 20 -d 5s), %.0fs per run; %d comparisons of\n"
		"  %d vs %d runs drawn from them (seed %#llx)\n", o->runs,
		res->run_ns / 1e9 / o->runs, o->comparisons, o->per_side, o->per_side,
		(unsigned long long)AA_SEED);
	fprintf(out, "  %-32s %8zu\n", "metric verdicts", res->verdicts);
	fprintf(out, "  %-32s %8zu %6.2f%%\n", "false positives (metric verdicts)", res->fp, rate);
	fprintf(out, "  %-32s %8zu %6.2f%%\n", "comparisons with any", res->cmp_with_fp,
		cmp_rate);
	for (i = 0; i < res->nflags && i < 8; i++)
		fprintf(out, "    flagged %-36.36s %5zu time%s\n", res->flags[i].key,
			res->flags[i].n, res->flags[i].n == 1 ? "" : "s");
	fprintf(out, "  method: each metric at 95%%; the read latency levels as one family\n"
		"  (Bonferroni over its rows: %s), a change there only with the sides'\n"
		"  ranges apart (every run of one beyond every run of the other)\n",
		COMPARE_FAMILY_GROUP);
	fprintf(out, "  target: <= %.0f%% of comparisons flag anything: %s (%.1f%%)\n",
		100 * AA_TARGET_CMP_RATE, cmp_rate <= 100 * AA_TARGET_CMP_RATE ? "met" : "NOT met",
		cmp_rate);
	fprintf(out, "--repeat auto's rule on A/A (%s, a look per pair from the 2nd,\n"
		"  each at level 1 - 0.05/%d), %zu sequences of at most %d pairs:\n",
		AA_AUTO_WATCH, AA_AUTO_MAX_REPEAT - 1, res->seqs, res->seq_max_pairs);
	fprintf(out, "  %-32s %8zu %6.2f%%\n", "changed (false positives)", res->seq_changed,
		seq_rate);
	fprintf(out, "  %-32s %8zu\n  %-32s %8zu\n", "same", res->seq_same,
		"open at the most pairs", res->seq_open);
	fprintf(out, "  %-32s %8.1f\n", "pairs used, mean",
		res->seqs ? (double)res->seq_pairs / res->seqs : 0);
	fprintf(out, "  target: <= 5%% of sequences stop changed: %s\n",
		seq_rate <= 5 ? "met" : "NOT met");
}

static void print_json(const struct aa_bench_opts *o, const struct aa_result *res,
		       struct json_writer *w)
{
	size_t i;

	jw_obj_begin(w);
	jw_kstr(w, "name", "aa");
	jw_kstr(w, "summary", "A/A false-positive rate of compare's verdicts");
	jw_kint(w, "runs", o->runs);
	jw_kint(w, "per_side", o->per_side);
	jw_kint(w, "comparisons", o->comparisons);
	jw_kuint(w, "seed", AA_SEED);
	jw_kdouble(w, "seconds_per_run", res->run_ns / 1e9 / o->runs);
	jw_kuint(w, "metric_verdicts", res->verdicts);
	jw_kuint(w, "false_positives", res->fp);
	jw_kdouble(w, "false_positive_rate", res->verdicts ? (double)res->fp / res->verdicts : 0);
	jw_kuint(w, "comparisons_with_false_positive", res->cmp_with_fp);
	jw_kdouble(w, "comparison_rate",
		   o->comparisons ? (double)res->cmp_with_fp / o->comparisons : 0);
	jw_kdouble(w, "target_comparison_rate", AA_TARGET_CMP_RATE);
	jw_kbool(w, "target_met", o->comparisons &&
		 (double)res->cmp_with_fp / o->comparisons <= AA_TARGET_CMP_RATE);
	jw_kstr(w, "method", "95% per metric; read latency (readlat) family-wise, Bonferroni, "
		 "ranges apart");
	jw_key(w, "repeat_auto");
	jw_obj_begin(w);
	jw_kstr(w, "watch", AA_AUTO_WATCH);
	jw_kint(w, "max_repeat", AA_AUTO_MAX_REPEAT);
	jw_kint(w, "max_pairs", res->seq_max_pairs);
	jw_kuint(w, "sequences", res->seqs);
	jw_kuint(w, "changed", res->seq_changed);
	jw_kuint(w, "same", res->seq_same);
	jw_kuint(w, "open", res->seq_open);
	jw_kdouble(w, "mean_pairs", res->seqs ? (double)res->seq_pairs / res->seqs : 0);
	jw_obj_end(w);
	jw_key(w, "flagged");
	jw_arr_begin(w);
	for (i = 0; i < res->nflags; i++) {
		jw_obj_begin(w);
		jw_kstr(w, "metric", res->flags[i].key);
		jw_kuint(w, "times", res->flags[i].n);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

int aa_bench_check(const struct aa_bench_opts *o)
{
	if (o->runs >= 2 * o->per_side)
		return 0;
	pr_err("bench aa: --aa-runs %d is fewer than 2 x --aa-per-side %d", o->runs, o->per_side);
	return -EINVAL;
}

int aa_bench_run(const struct aa_bench_opts *o, struct json_writer *w, FILE *out)
{
	struct aa_result res;
	uint64_t seed = AA_SEED;
	char *tmp = xstrdup("/tmp/patchbench-aa.XXXXXX"), err[1024] = "";
	int i, ret = 0;
	int64_t t0;

	memset(&res, 0, sizeof(res));
	if (aa_bench_check(o)) {
		free(tmp);
		return -EINVAL;
	}
	if (!mkdtemp(tmp)) {
		ret = -errno;
		pr_err("cannot create a temporary directory: %s", strerror(errno));
		free(tmp);
		return ret;
	}
	t0 = now_ns();
	for (i = 0; i < o->runs && !ret; i++) {
		char *dir = xasprintf("%s/run-%02d", tmp, i);

		if (!w && isatty(2))
			fprintf(stderr, "patchbench: bench aa: run %d/%d\r", i + 1, o->runs);
		ret = one_run(dir);
		if (ret)
			pr_err("bench aa: run %d of %d did not complete ('patchbench run ... -o %s')",
			       i + 1, o->runs, dir);
		free(dir);
	}
	res.run_ns = now_ns() - t0;
	for (i = 0; i < o->comparisons && !ret; i++) {
		ret = aa_compare(tmp, o->runs, o->per_side, &seed, &res, err, sizeof(err));
		if (ret)
			pr_err("bench aa: %s", err);
	}
	for (i = 0; i < o->comparisons && !ret && o->runs >= 4; i++) {
		ret = aa_sequence(tmp, o->runs, &seed, &res, err, sizeof(err));
		if (ret)
			pr_err("bench aa: --repeat auto sequence: %s", err);
	}
	if (!ret) {
		qsort(res.flags, res.nflags, sizeof(*res.flags), cmp_flag);
		if (w)
			print_json(o, &res, w);
		else
			print_text(o, &res, out);
	}
	for (size_t k = 0; k < res.nflags; k++)
		free(res.flags[k].key);
	free(res.flags);
	remove_tree(tmp);
	free(tmp);
	return ret;
}
