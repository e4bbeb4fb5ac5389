// SPDX-License-Identifier: GPL-2.0
/*
 * bisect-run.c - "patchbench bisect" (bisect-run.h): prefix kernels built and run,
 * each compared with the base by compare's own verdicts, the search in
 * analysis/bisect.c, and the answer in bisect.json and BISECT.txt.
 *
 * A prefix's runs are made when it is measured (the base's first), not
 * interleaved with the base's: under TCG the instruction counts bisect uses by
 * default do not drift with the machine; time-based metrics do, and want
 * --repeat above the default.
 */
#include "bisect-run.h"
#include "afile.h"
#include "bisect.h"
#include "compare.h"
#include "json.h"
#include "kbuild.h"
#include "kgit.h"
#include "kcache.h"
#include "kseries.h"
#include "ksrc.h"
#include "resultdir.h"
#include "run-opts.h"
#include "settle.h"
#include "strbuf.h"
#include "target.h"
#include "util.h"
#include "wrap.h"

#include <errno.h>
#include <stdarg.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* One prefix of the series: its kernel, its runs, its mark. */
struct step {
	char *kernel;		/* base name, or <series>-p<k>; git: git-<sha12> */
	char *series_dir;	/* <dir>/series/p<k> (NULL for the base and in git mode) */
	char *source;		/* git mode: git:<repo>@<sha>; else NULL (--source) */
	char *id;		/* patch k's file name, or commit k's id (NULL: the base) */
	char *subject;		/* its subject line */
	char *runs;		/* <dir>/runs/<kernel> */
	enum bisect_mark mark;
	double seconds;		/* building and running it (before a resume too) */
	double before;		/* what bisect.json had for it when resumed */
	char *note;		/* why skipped or unclear, or what regressed */
	int order;		/* when it was measured: 1 the base, 2 the whole series, ... */
	bool built;		/* built (or found built) by this process */
	int nruns;		/* its complete runs */
	char *stopped;		/* --repeat auto: where the watched metrics stood at the end */
	bool open;		/* --repeat auto: still open at --max-repeat */
};

struct bisect {
	const struct bisect_opts *o;
	struct run_opts *ro;
	char *dir, *cache, *label;
	char *base;		/* the base kernel: --base, or git-<good12> */
	struct kseries s;	/* series mode */
	char *repo;		/* git mode: the --source tree (absolute) */
	char good[41], bad[41];	/* git mode: the ends' commits */
	size_t n;		/* patches, or commits of good..bad */
	struct step *st;	/* [0..n] */
	char **metrics;		/* watched metric keys */
	bool user_metrics;	/* from --metric */
	int measured;
	bool interrupted;	/* a run was interrupted: stop */
	char *target;		/* the base's first run's meta.json: vm-tcg or vm-kvm */
	struct kernel_info kbase;
	bool slurm;		/* --engine slurm */
	int arrays;		/* job arrays submitted so far: <dir>/slurm/<N>/ */
};

/* A progress line on stderr: the runs' --quiet silences pr_info(), not these. */
static void __attribute__((format(printf, 1, 2))) progress(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("bisect: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* "+3.1%", or "new" for a metric that was 0 on the base side */
static const char *delta_text(char *buf, size_t len, const struct cmp_row *r)
{
	if (r->a_mean == 0 && r->b_mean != 0)
		snprintf(buf, len, "new");
	else
		snprintf(buf, len, "%+.1f%%", r->delta_pct);
	return buf;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "Subject: [PATCH 3/4] mm: x" of @patch, without the [PATCH] tag; the caller frees it. */
static char *patch_subject(const char *patch)
{
	struct strbuf sb = STRBUF_INIT;
	char *subj = NULL, *p, *e;

	if (!read_file(patch, &sb) && sb.buf && (p = strstr(sb.buf, "\nSubject: "))) {
		p += 10;
		if (*p == '[' && (e = strchr(p, ']')))
			p = e + 1 + strspn(e + 1, " ");
		subj = xstrndup(p, strcspn(p, "\n"));
	}
	sb_release(&sb);
	return subj ? subj : xstrdup("(no subject)");
}

/* What is bisected: "patch" or "commit", and "3 patches" style counts. */
static const char *item(const struct bisect *b)
{
	return b->repo ? "commit" : "patch";
}

static const char *step_word(const struct bisect *b)
{
	return b->repo ? "commit" : "prefix";
}

static const char *items(const struct bisect *b)
{
	return b->n == 1 ? item(b) : b->repo ? "commits" : "patches";
}

/* <dir>/series/p<k>: a series file naming copies of patches 1..k. */
static int write_prefix(struct bisect *b, size_t k)
{
	struct strbuf list = STRBUF_INIT, pb = STRBUF_INIT;
	char *sdir = b->st[k].series_dir, *path;
	size_t i;
	int ret = mkdir_p(sdir, 0755);

	sb_addf(&list, "# %s, patches 1..%zu (patchbench bisect)\n", b->label, k);
	for (i = 0; !ret && i < k; i++) {
		char *copy = xstrdup(b->s.patches[i]);
		const char *base = basename(copy);

		sb_reset(&pb);
		ret = read_file(b->s.patches[i], &pb);
		if (!ret) {
			path = xasprintf("%s/%s", sdir, base);
			ret = write_atomic(path, pb.buf ? pb.buf : "", pb.len);
			free(path);
		}
		sb_addf(&list, "%s\n", base);
		free(copy);
	}
	if (!ret) {
		path = xasprintf("%s/series", sdir);
		ret = write_atomic(path, list.buf, list.len);
		free(path);
	}
	sb_release(&list);
	sb_release(&pb);
	return ret;
}

static void build_opts(struct kbuild_opts *bo, const struct bisect *b, const char *name,
		       const char *series)
{
	memset(bo, 0, sizeof(*bo));
	bo->name = name;
	bo->series = series;
	bo->config = b->o->config;
	bo->cache = b->cache;
	bo->source = b->ro->source;
	bo->jobs = b->o->build_jobs ? b->o->build_jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
	bo->quiet = b->ro->quiet;
}

/* The run options of run @i of prefix @k, in @b->ro. Its directory (within @b->ro). */
static const char *run_set(struct bisect *b, size_t k, int i)
{
	free(b->ro->out);
	b->ro->out = xasprintf("%s/%d", b->st[k].runs, i);
	b->ro->force = true;
	free(b->ro->kernel);
	b->ro->kernel = xstrdup(b->st[k].kernel);
	return b->ro->out;
}

/* Make runs 1..@n of prefix @k (complete ones are kept). 0, or -1 with the note set. */
static int run_to(struct bisect *b, size_t k, int n)
{
	struct step *s = &b->st[k];
	char err[1024];
	int i, ret;

	for (i = 1; i <= n; i++) {
		char *out = xasprintf("%s/%d", s->runs, i);

		if (meta_complete(out)) {
			free(out);
			s->nruns = s->nruns > i ? s->nruns : i;
			continue;
		}
		progress("%s %zu/%zu: run %d/%d of %s", step_word(b), k, b->n, i, n, s->kernel);
		free(out);
		out = (char *)run_set(b, k, i);
		ret = run_main(b->ro);
		if (ret) {
			struct meta m;

			if (!meta_load(&m, out, err, sizeof(err))) {
				b->interrupted = m.status && !strcmp(m.status, "interrupted");
				meta_release(&m);
			}
			s->note = xasprintf("run %d failed (exit %d, %s)", i, ret, out);
			return -1;
		}
		s->nruns = i;
	}
	return 0;
}

/*
 * --engine slurm: runs 1..@n of each prefix of @ks (@nk of them) that are
 * not complete as one job array (a run per task) in <dir>/slurm/<N>/,
 * waited for; then, in the local order, each prefix's complete runs
 * counted, the first that is not complete noted. 0, or -1 with the note set.
 */
static int run_array(struct bisect *b, const size_t *ks, size_t nk, int n)
{
	struct slurm_run *runs = NULL;
	struct slurm_signals *sig = NULL;
	struct slurm_jobs jobs = { NULL, NULL };
	struct strbuf sb = STRBUF_INIT;
	char *self = pb_self_exe(), *sdir = NULL, *path = NULL, *name = NULL, *range = NULL;
	char err[1024];
	size_t j, nr = 0;
	int i, ret = -1, rc;

	for (j = 0; j < nk; j++) {
		for (i = 1; i <= n; i++) {
			const char *out = run_set(b, ks[j], i);
			char *abs;

			if (meta_complete(out))
				continue;
			/* the nodes' jobs start in this directory too, but need not */
			abs = path_canon(out);
			if (abs) {
				free(b->ro->out);
				b->ro->out = abs;
			}
			progress("%s %zu/%zu: run %d/%d of %s on Slurm", step_word(b), ks[j], b->n, i,
				 n, b->st[ks[j]].kernel);
			runs = xrealloc(runs, (nr + 1) * sizeof(*runs));
			runs[nr].task = (int)nr + 1;
			runs[nr++].argv = run_opts_argv(b->ro, 0);
		}
	}
	if (!nr)
		goto count;
	sdir = xasprintf("%s/slurm/%d", b->dir, ++b->arrays);
	rc = mkdir_p(sdir, 0755);
	if (rc || !self) {
		b->st[ks[nk - 1]].note = xasprintf("cannot create '%s': %s", sdir,
						   rc ? strerror(-rc) : "no path of this program");
		goto out;
	}
	slurm_task_script(&sb, self, runs, nr);
	path = xasprintf("%s/task.sh", sdir);
	if (slurm_write_script(path, sb.buf)) {
		b->st[ks[nk - 1]].note = xasprintf("cannot write '%s'", path);
		goto out;
	}
	name = xasprintf("pb-bisect-%s", path_base(b->dir));
	range = xasprintf("1-%zu", nr);
	sig = slurm_signals_catch();
	if (slurm_submit_jobs(&b->o->slurm, name, sdir, range, path, NULL, NULL, &jobs, err,
			      sizeof(err))) {
		b->st[ks[nk - 1]].note = xstrdup(err);
		goto out;
	}
	progress("%s %zu/%zu: job array %s (%zu runs), waiting", step_word(b), ks[nk - 1], b->n,
		 jobs.array, nr);
	rc = slurm_wait_jobs(&jobs);
	if (rc == -EINTR) {
		printf("bisect: interrupted: cancelled job array %s\n", jobs.array);
		fflush(stdout);
		b->interrupted = true;
		b->st[ks[nk - 1]].note = xasprintf("interrupted (job array %s cancelled)",
						   jobs.array);
		goto out;
	}
	if (rc) {
		b->st[ks[nk - 1]].note = xasprintf("cannot follow job array %s", jobs.array);
		goto out;
	}
count:
	for (j = 0; j < nk; j++) {
		struct step *s = &b->st[ks[j]];

		for (i = 1; i <= n; i++) {
			const char *out = run_set(b, ks[j], i);
			struct meta m;

			if (meta_complete(out)) {
				s->nruns = s->nruns > i ? s->nruns : i;
				continue;
			}
			if (meta_load(&m, out, err, sizeof(err))) {
				s->note = xasprintf("run %d failed (no result: %s, %s)", i, err, out);
			} else {
				b->interrupted = m.status && !strcmp(m.status, "interrupted");
				s->note = xasprintf("run %d failed (%s%s%s%s%s, %s)", i,
						    m.status ? m.status : "?",
						    m.node ? " on node " : "", m.node ? m.node : "",
						    m.error ? ": " : "", m.error ? m.error : "", out);
				meta_release(&m);
			}
			goto out;
		}
	}
	ret = 0;
out:
	slurm_signals_restore(sig);
	for (j = 0; j < nr; j++)
		strv_free((char **)runs[j].argv);
	free(runs);
	slurm_jobs_release(&jobs);
	sb_release(&sb);
	free(self);
	free(sdir);
	free(path);
	free(name);
	free(range);
	return ret;
}

/*
 * Runs 1..@n of each prefix of @ks (@nk of them): local, run_to() of each
 * in turn; --engine slurm, one job array (run_array()). 0, or -1 with the
 * note set.
 */
static int run_some(struct bisect *b, const size_t *ks, size_t nk, int n)
{
	size_t j;

	if (b->slurm)
		return run_array(b, ks, nk, n);
	for (j = 0; j < nk; j++)
		if (run_to(b, ks[j], n))
			return -1;
	return 0;
}

/*
 * Build prefix @k (the base: as ab does) and make its first runs: --repeat N,
 * or 2 with --repeat auto (settle() adds more). 0, or -1 with the note set.
 */
static int measure(struct bisect *b, size_t k)
{
	struct step *s = &b->st[k];
	struct kbuild_opts bo;
	struct kernel_info ki;
	char err[1024];
	double t0 = now_s();
	int ret;

	memset(&ki, 0, sizeof(ki));
	s->order = ++b->measured;
	if ((k || s->source) && !s->built) {
		progress("%s %zu/%zu: building %s", step_word(b), k, b->n, s->kernel);
		build_opts(&bo, b, s->kernel, s->series_dir);
		if (s->source)
			bo.source = s->source;
		ret = kbuild_run(&bo, &ki, err, sizeof(err));
		kernel_info_release(&ki);
		if (ret) {
			s->note = xasprintf("build failed: %s", err);
			s->seconds = s->before + now_s() - t0;
			return -1;
		}
		s->built = true;
	}
	ret = run_some(b, &k, 1, b->o->repeat_auto ? 2 : b->o->repeat);
	s->seconds = s->before + now_s() - t0;
	return ret;
}

static bool watched(const struct bisect *b, const char *key)
{
	char **m;

	for (m = b->metrics; m && *m; m++)
		if (!strcmp(*m, key))
			return true;
	return false;
}

/* compare's verdicts of runs @a against runs @bdir into @c; 0 or -1 with @err. */
static int compare_runs(struct comparison *c, const char *a, const char *bdir, char *err,
			size_t errlen)
{
	struct compare_opts co = { .force = true };

	comparison_init(c);
	return compare_dirs(c, a, bdir, &co, err, errlen) ? -1 : 0;
}

/*
 * --repeat auto: a look at @n runs a side compares the first @n runs of each
 * side (the pairs: the same look again on a resume, however many runs the
 * base has made for later steps), linked into <dir>/.look/<kernel>/. The
 * caller removes it (remove_tree() unlinks the links) and <dir>/.look.
 */
static char *look_side(const struct bisect *b, size_t k, int n)
{
	char *d = xasprintf("%s/.look/%s", b->dir, b->st[k].kernel);
	int i;

	remove_tree(d);
	mkdir_p(d, 0755);
	for (i = 1; i <= n; i++) {
		char *target = xasprintf("../../runs/%s/%d", b->st[k].kernel, i);
		char *link = xasprintf("%s/%d", d, i);

		if (symlink(target, link))
			pr_warn("bisect: cannot link '%s': %s", link, strerror(errno));
		free(target);
		free(link);
	}
	return d;
}

/*
 * --repeat auto: compare prefix @k with the base into @c and, while a watched
 * metric is open (settle_look()), add a pair (a base run and a run of @k) up to
 * --max-repeat runs a side. Watched: the --metric keys or settle's default at
 * the ends (@k == n before the metrics are known), then the bisected metrics
 * the runs have (a symbol neither side ran has no row). 0, or -1 with the
 * note set (a run failed, or the runs cannot be compared).
 */
static int settle(struct bisect *b, size_t k, struct comparison *c)
{
	struct step *s = &b->st[k];
	const char *missing;
	char err[1024], **keys = NULL, *why = NULL;
	double t0 = now_s();
	int n = s->nruns, ret;

	for (;;) {
		char *la, *lb;

		if (!b->o->repeat_auto) {
			if (!compare_runs(c, b->st[0].runs, s->runs, err, sizeof(err)))
				return 0;
			s->note = xasprintf("cannot compare: %s", err);
			return -1;
		}
		la = look_side(b, 0, n);
		lb = look_side(b, k, n);
		ret = compare_runs(c, la, lb, err, sizeof(err));
		remove_tree(la);
		remove_tree(lb);
		free(la);
		free(lb);
		la = xasprintf("%s/.look", b->dir);
		rmdir(la);	/* when empty: its own */
		free(la);
		if (ret) {
			s->note = xasprintf("cannot compare: %s", err);
			strv_free(keys);
			free(why);
			return -1;
		}
		strv_free(keys);
		if (b->metrics) {
			struct strbuf sb = STRBUF_INIT;

			for (char **m = b->metrics; *m; m++)
				for (size_t i = 0; i < c->nrows; i++)
					if (!strcmp(c->rows[i].m.key, *m))
						sb_addf(&sb, "%s%s", sb.len ? "," : "", *m);
			keys = strv_split(sb.buf ? sb.buf : "", ',');
			sb_release(&sb);
		} else {
			keys = strv_split(b->o->metric ? b->o->metric : settle_default_watch(c), ',');
		}
		free(why);
		ret = settle_look(c, keys, b->o->max_repeat - 1, &why, &missing);
		if (ret < 0)	/* an unknown --metric: user_metrics() says so */
			break;
		progress("%s %zu/%zu: after %d run(s) a side: %s", step_word(b), k, b->n, n,
			 why && *why ? why : "no watched metric");
		if (ret)
			break;
		if (n >= b->o->max_repeat) {
			s->open = true;
			break;
		}
		n++;
		comparison_release(c);
		if (run_some(b, (size_t[]){ 0, k }, 2, n)) {
			if (b->st[0].note && k)
				s->note = xasprintf("base %s", b->st[0].note);
			s->seconds += now_s() - t0;
			strv_free(keys);
			free(why);
			comparison_init(c);
			return -1;
		}
	}
	free(s->stopped);
	s->stopped = ret < 0 ? NULL :
		     s->open ? xasprintf("--max-repeat %d reached: %s", b->o->max_repeat, why) :
		     xasprintf("settled after %d run(s) a side: %s", n, why);
	s->seconds += now_s() - t0;
	strv_free(keys);
	free(why);
	return 0;
}

/*
 * The ends: the metrics that regressed from the base to the whole series.
 * With instruction counts (TCG) only the counts of the whole window: exact,
 * where times are noise; and not the cost of one read, which depends on what
 * is pending when it comes (a flush or not) and moved 10% between boots of
 * one kernel under kmem-churn (t-88). Of those, the symbols that regressed
 * when there are any: they name the cost, where the kernel's total is their
 * sum and what boots vary by (about 1% at 1 vCPU: a step of a patch without
 * a cost stayed open on insn:kernel after 4 runs a side, t-88); else
 * insn:kernel and insn:user. --metric chooses any. Returns how many are
 * watched.
 */
static size_t pick_metrics(struct bisect *b, const struct comparison *c)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, n = 0;
	bool counts = false, syms = false;

	for (i = 0; i < c->nrows; i++) {
		counts |= !strcmp(c->rows[i].m.key, "insn:kernel");
		syms |= !strncmp(c->rows[i].m.key, "insn:sym:", 9) &&
			c->rows[i].verdict == VERDICT_REGRESSION;
	}
	for (i = 0; i < c->nrows; i++) {
		const struct cmp_row *r = &c->rows[i];
		const char *key = r->m.key;
		bool window = syms ? !strncmp(key, "insn:sym:", 9) :
			      !strcmp(key, "insn:kernel") || !strcmp(key, "insn:user");

		if (r->verdict != VERDICT_REGRESSION || (counts && !window))
			continue;
		sb_addf(&sb, "%s%s", n ? "," : "", r->m.key);
		n++;
	}
	b->metrics = n ? strv_split(sb.buf, ',') : NULL;
	sb_release(&sb);
	return n;
}

/* Mark prefix @k from its comparison with the base. */
static void judge(struct bisect *b, size_t k, const struct comparison *c)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, seen = 0, reg = 0, same = 0;
	char d[32];

	for (i = 0; i < c->nrows; i++) {
		const struct cmp_row *r = &c->rows[i];

		if (!watched(b, r->m.key))
			continue;
		seen++;
		if (r->verdict == VERDICT_REGRESSION) {
			sb_addf(&sb, "%s%s %s", reg ? ", " : "", r->m.label, delta_text(d, sizeof(d), r));
			reg++;
		} else if (r->verdict == VERDICT_NO_CHANGE || r->verdict == VERDICT_IMPROVEMENT) {
			same++;
		}
	}
	/*
	 * A symbol neither side ran is 0 on both (insn-symbols lists what ran): the
	 * prefixes before the patch that adds a function have no row for it.
	 */
	for (char **m = b->metrics; m && *m; m++) {
		for (i = 0; i < c->nrows && strcmp(c->rows[i].m.key, *m); i++)
			;
		if (i == c->nrows && !strncmp(*m, "insn:sym:", 9)) {
			seen++;
			same++;
		}
	}
	free(b->st[k].note);
	if (reg) {
		b->st[k].mark = BM_BAD;
		b->st[k].note = sb_detach(&sb);
	} else if (seen && same == seen) {
		b->st[k].mark = BM_GOOD;
		b->st[k].note = NULL;
	} else {
		b->st[k].mark = BM_UNCLEAR;
		b->st[k].note = xasprintf("%zu of %zu watched metrics without a verdict "
					  "(fewer than 2 runs, or missing)",
					  strv_len(b->metrics) - same, strv_len(b->metrics));
	}
	sb_release(&sb);
}

/* Measure prefix @k and mark it against the base. */
static void step(struct bisect *b, size_t k)
{
	struct comparison c;

	comparison_init(&c);
	if (measure(b, k)) {
		b->st[k].mark = BM_SKIP;
		pr_warn("bisect: %s %zu (%s) skipped: %s", step_word(b), k, b->st[k].kernel,
			b->st[k].note);
		return;
	}
	if (settle(b, k, &c)) {
		b->st[k].mark = strncmp(b->st[k].note, "cannot compare", 14) ? BM_SKIP : BM_UNCLEAR;
	} else {
		judge(b, k, &c);
		if (b->st[k].open) {
			free(b->st[k].note);
			b->st[k].mark = BM_UNCLEAR;
			b->st[k].note = xstrdup(b->st[k].stopped);
		}
	}
	comparison_release(&c);
	progress("%s %zu/%zu (%s): %s%s%s", step_word(b), k, b->n, b->st[k].kernel,
		bisect_mark_name(b->st[k].mark), b->st[k].note ? ": " : "",
		b->st[k].note ? b->st[k].note : "");
}

/* ---- output ------------------------------------------------------------------------ */

static int write_json(const struct bisect *b, const char *status, const struct bisect_result *r)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	char *path = xasprintf("%s/bisect.json", b->dir);
	char **m;
	size_t k;
	int ret;

	jw_init(&w, &sb);
	jw_obj_begin(&w);
	jw_kint(&w, "schema", 1);
	jw_kstr(&w, "status", status);
	jw_kstr(&w, "base", b->base);
	jw_kstr(&w, "base_key", b->kbase.key);
	jw_kstr(&w, "base_config_sha256", b->kbase.config_sha256);
	if (b->repo) {
		jw_kstr(&w, "source", b->repo);
		jw_kstr(&w, "good", b->good);
		jw_kstr(&w, "bad", b->bad);
	} else {
		jw_kstr(&w, "series", b->label);
	}
	jw_kint(&w, "repeat", b->o->repeat);
	if (b->o->repeat_auto) {
		jw_key(&w, "repeat_auto");
		jw_obj_begin(&w);
		jw_kint(&w, "max_repeat", b->o->max_repeat);
		jw_kstr(&w, "rule", "interval at level 1 - 0.05 / (max_repeat - 1) per look");
		jw_obj_end(&w);
	}
	jw_key(&w, "metrics");
	jw_arr_begin(&w);
	for (m = b->metrics; m && *m; m++)
		jw_str(&w, *m);
	jw_arr_end(&w);
	jw_key(&w, "steps");
	jw_arr_begin(&w);
	for (k = 0; k <= b->n; k++) {
		const struct step *s = &b->st[k];

		jw_obj_begin(&w);
		jw_kint(&w, "prefix", (int64_t)k);
		jw_kstr(&w, "kernel", s->kernel);
		if (b->repo && !k)
			jw_kstr(&w, "commit", b->good);
		if (k) {
			jw_kstr(&w, b->repo ? "commit" : "patch", s->id);
			jw_kstr(&w, "subject", s->subject);
		}
		jw_kstr(&w, "mark", bisect_mark_name(s->mark));
		jw_kint(&w, "order", s->order);
		jw_kdouble(&w, "seconds", s->order ? s->seconds : NAN);
		jw_kstr(&w, "note", s->note);
		jw_kint(&w, "runs", s->nruns);
		if (b->o->repeat_auto)
			jw_kstr(&w, "stopped", s->stopped);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	if (r) {
		jw_kstr(&w, "outcome", r->outcome == BO_FOUND ? "found" : "ambiguous");
		jw_kint(&w, "last_good", (int64_t)r->lo);
		jw_kint(&w, "first_bad", (int64_t)r->hi);
		if (r->outcome == BO_FOUND) {
			jw_kstr(&w, b->repo ? "first_bad_commit" : "first_bad_patch", b->st[r->hi].id);
			jw_kstr(&w, "first_bad_subject", b->st[r->hi].subject);
		}
	}
	jw_obj_end(&w);
	sb_adds(&sb, "\n");
	ret = write_atomic(path, sb.buf, sb.len);
	free(path);
	sb_release(&sb);
	return ret;
}

/* The parent-vs-first-bad table: the watched metrics, then every other that changed. */
static void changed_table(FILE *f, const struct bisect *b, const struct comparison *c)
{
	char va[32], vb[32], d[32];
	size_t i;
	int pass;

	fprintf(f, "%-26s %10s %10s %8s  %s\n", "metric", "parent", "first-bad", "delta",
		"verdict");
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < c->nrows; i++) {
			const struct cmp_row *r = &c->rows[i];
			bool w = watched(b, r->m.key);

			if (pass ? w || (r->verdict != VERDICT_REGRESSION &&
					 r->verdict != VERDICT_IMPROVEMENT) : !w)
				continue;
			metric_format(va, sizeof(va), r->m.unit, r->a_median, false);
			metric_format(vb, sizeof(vb), r->m.unit, r->b_median, false);
			fprintf(f, "%-26.26s %10s %10s %8s  %s%s\n", r->m.label, va, vb,
				delta_text(d, sizeof(d), r), verdict_name(r->verdict), w ? " *" : "");
		}
	}
	fprintf(f, "(* bisected; medians of %zu and %zu runs; compare's verdicts)\n",
		c->nrows ? c->rows[0].a.n : 0, c->nrows ? c->rows[0].b.n : 0);
}

static int write_text(const struct bisect *b, const struct bisect_result *r, const char *status)
{
	char *path = xasprintf("%s/BISECT.txt", b->dir);
	struct strbuf ms = STRBUF_INIT;
	struct comparison c;
	struct afile af;
	char err[1024], **m;
	size_t k;
	FILE *f;
	int ret = afile_open(&af, path);

	free(path);
	if (ret)
		return ret;
	f = af.f;
	if (b->repo)
		fprintf(f, "patchbench bisect: commits %.12s..%.12s of\n  %s\n", b->good, b->bad,
			b->repo);
	else
		fprintf(f, "patchbench bisect: %s on %s\n", b->label, b->base);
	fprintf(f, "base key %.12s, config %.12s\n", b->kbase.key ? b->kbase.key : "?",
		b->kbase.config_sha256 ? b->kbase.config_sha256 : "?");
	if (b->o->repeat_auto)
		fprintf(f, "target %s, kernel %s, --repeat auto (2..%d runs a side), %zu %s\n"
			"auto: runs added while a watched metric is open; each look's interval\n"
			"at level 1 - 0.05/%d (Bonferroni over the looks)\n",
			b->target ? b->target : "vm", b->kbase.release ? b->kbase.release : "?",
			b->o->max_repeat, b->n, items(b), b->o->max_repeat - 1);
	else
		fprintf(f, "target %s, kernel %s, %d run(s) per kernel, %zu %s\n",
			b->target ? b->target : "vm", b->kbase.release ? b->kbase.release : "?",
			b->o->repeat, b->n, items(b));
	for (m = b->metrics; m && *m; m++)
		sb_addf(&ms, "%s ", *m);
	sb_adds(&ms, b->user_metrics ? "(--metric)" : b->metrics ? "(regressed at the ends)" :
		"none");
	text_wrap(f, "metrics: ", 9, ms.buf, 72);
	sb_release(&ms);
	if (b->metrics && !strncmp(b->metrics[0], "insn", 4))
		fprintf(f, "measure: guest instructions (TCG plugin; instructions are not "
			"cycles)\n");
	fprintf(f, "\n");
	if (!r) {
		fprintf(f, "%s\n", status);
	} else if (r->outcome == BO_FOUND) {
		fprintf(f, "first bad %s: %zu/%zu\n  %s\n", item(b), r->hi, b->n, b->st[r->hi].id);
		text_wrap(f, "  ", 2, b->st[r->hi].subject, 72);
		fprintf(f, "\n");
	} else {
		fprintf(f, "AMBIGUOUS: the first bad %s is one of %zu..%zu (the %s\nbetween are "
			"skipped or unclear: see the steps)\n\n", item(b), r->lo + 1, r->hi,
			b->repo ? "commits" : "prefixes");
	}
	if (r && !compare_runs(&c, b->st[r->lo].runs, b->st[r->hi].runs, err, sizeof(err))) {
		fprintf(f, "%s (parent) vs %s (first bad):\n", b->st[r->lo].kernel,
			b->st[r->hi].kernel);
		changed_table(f, b, &c);
		fprintf(f, "\n");
	}
	if (r)
		comparison_release(&c);
	fprintf(f, "steps (in the order measured; marks against %s):\n", b->base);
	for (int o = 1; o <= b->measured; o++) {
		for (k = 0; k <= b->n; k++) {
			const struct step *s = &b->st[k];

			if (s->order != o)
				continue;
			fprintf(f, "  %2d. %c%-3zu %-24s %-8s %2d run%s %6.0fs\n", o,
				b->repo ? 'c' : 'p', k, s->kernel,
				k ? bisect_mark_name(s->mark) : "base", s->nruns,
				s->nruns == 1 ? " " : "s", s->seconds);
			if (b->repo && k)
				text_wrap(f, "          ", 10, s->subject, 72);
			if (s->note)
				text_wrap(f, "          ", 10, s->note, 72);
			if (k && s->stopped && s->mark != BM_UNCLEAR)	/* unclear: the note */
				text_wrap(f, "          ", 10, s->stopped, 72);
		}
	}
	return afile_commit(&af);
}

/* ---- the whole bisection -------------------------------------------------------------- */

/*
 * Git mode (--good, --bad, --source a git tree): the commits of good..bad
 * along bad's first parents, each step a kernel git-<sha12> built from the
 * commit's export (ksrc.c: the cache key has the commit id). The user's tree
 * is only read. -1 after a one-line error (bad input).
 */
static int setup_git(struct bisect *b)
{
	const struct bisect_opts *o = b->o;
	const char *src = b->ro->source;
	char err[1024], **shas = NULL;
	size_t i;
	int ret;

	if (!o->good || !o->bad) {
		pr_err("--%s needs --%s: bisect bisects the commits good..bad", o->good ? "good" :
		       "bad", o->good ? "bad" : "good");
		return -1;
	}
	if (o->series) {
		pr_err("--series and --good/--bad exclude each other (a series, or the commits "
		       "of a git tree)");
		return -1;
	}
	if (o->base) {
		pr_err("--base and --good exclude each other (in a git range the base is --good)");
		return -1;
	}
	if (!src) {
		pr_err("--good/--bad need --source DIR, the git tree that has the commits");
		return -1;
	}
	if (ksrc_is_git(src) || !kgit_is_repo(src)) {
		pr_err("--source '%s' is not a git tree (--good/--bad bisect its commits)", src);
		return -1;
	}
	b->repo = kgit_toplevel(src);	/* git archive in a subdirectory exports only that */
	if (!b->repo) {
		pr_err("--source '%s': cannot find the top of its git tree", src);
		return -1;
	}
	if (kgit_resolve(b->repo, o->good, b->good, err, sizeof(err))) {
		pr_err("--good: %s", err);
		return -1;
	}
	if (kgit_resolve(b->repo, o->bad, b->bad, err, sizeof(err))) {
		pr_err("--bad: %s", err);
		return -1;
	}
	if (!kgit_is_kernel(b->repo, b->good)) {
		pr_err("--good %.12s of '%s' is not a kernel tree (no Makefile and mm/)", b->good,
		       b->repo);
		return -1;
	}
	if (!strcmp(b->good, b->bad)) {
		pr_err("--good and --bad are the same commit %.12s: no commits to bisect", b->good);
		return -1;
	}
	ret = kgit_is_ancestor(b->repo, b->good, b->bad);
	if (ret <= 0) {
		pr_err(ret ? "cannot ask '%s' whether --good %s is an ancestor of --bad %s" :
		       "--good %s is not an ancestor of --bad %s in '%s'", ret ? b->repo : o->good,
		       ret ? o->good : o->bad, ret ? o->bad : b->repo);
		return -1;
	}
	ret = kgit_range(b->repo, b->good, b->bad, &shas, &b->n);
	if (ret || !b->n) {
		pr_err(ret ? "cannot list the commits %.12s..%.12s of '%s'" :
		       "no commits between --good %.12s and --bad %.12s of '%s'", b->good, b->bad,
		       b->repo);
		strv_free(shas);
		return -1;
	}
	b->label = xasprintf("git-%.12s", b->bad);
	b->base = xasprintf("git-%.12s", b->good);
	b->st = xcalloc(b->n + 1, sizeof(*b->st));
	for (i = 0; i <= b->n; i++) {
		struct step *s = &b->st[i];
		const char *sha = i ? shas[i - 1] : b->good;

		s->kernel = xasprintf("git-%.12s", sha);
		s->source = xasprintf("git:%s@%s", b->repo, sha);
		s->id = i ? xstrdup(sha) : NULL;
		s->subject = kgit_subject(b->repo, sha);
	}
	strv_free(shas);
	/* the kernelbuild workload, if any, builds the good commit in every step */
	free(b->ro->source);
	b->ro->source = xstrdup(b->st[0].source);
	return 0;
}

/* Series mode: the series' patches, prefix kernels <series>-p<k> on --base. */
static int setup_series(struct bisect *b)
{
	char err[1024], *kdir = kbuild_kernels_dir(NULL), *copy;
	struct kbuild_opts bo;
	struct kernel_info k;
	size_t i;
	int ret;

	b->base = xstrdup(b->o->base ? b->o->base : "vanilla");
	ret = kseries_resolve(b->o->series, kdir, &b->s, err, sizeof(err));
	free(kdir);
	if (ret) {
		pr_err("%s", err);
		return -1;
	}
	b->n = b->s.n;
	if (!b->n) {
		pr_err("--series '%s' has no patches: nothing to bisect", b->o->series);
		return -1;
	}
	copy = xstrdup(b->o->series);
	b->label = xstrdup(basename(copy));
	free(copy);
	if (strcspn(b->label, ".") == 0)
		b->label[0] = '_';
	if (!strcmp(b->label, b->base)) {
		pr_err("--base '%s' is the series itself: bisect needs a base without it",
		       b->base);
		return -1;
	}
	ret = kernel_load(b->cache, b->base, &k, err, sizeof(err));
	kernel_info_release(&k);
	if (ret == -ENOENT) {
		build_opts(&bo, b, b->base, strcmp(b->base, "vanilla") ? b->base : NULL);
		ret = kbuild_check(&bo, err, sizeof(err));
	}
	if (ret) {
		pr_err("%s", err);
		return -1;
	}
	b->st = xcalloc(b->n + 1, sizeof(*b->st));
	for (i = 0; i <= b->n; i++) {
		struct step *s = &b->st[i];

		s->kernel = i ? xasprintf("%s-p%zu", b->label, i) : xstrdup(b->base);
		if (i) {
			s->id = xstrdup(path_base(b->s.patches[i - 1]));
			s->subject = patch_subject(b->s.patches[i - 1]);
		}
	}
	return 0;
}

/* Bad input, before anything is built: the series or range, the base, the directory. */
static int setup(struct bisect *b)
{
	char err[1024];
	struct kbuild_opts bo;
	size_t i;

	if (b->o->good || b->o->bad ? setup_git(b) : setup_series(b))
		return -1;
	if (b->o->out) {
		b->dir = xstrdup(b->o->out);
	} else {
		char *d = pb_date_stamp();

		b->dir = xasprintf("results/bisect-%s-%s", d, b->label);
		free(d);
	}
	if (path_exists(b->dir)) {
		char *j = xasprintf("%s/bisect.json", b->dir);
		bool ours = path_exists(j);

		free(j);
		if (!ours) {
			pr_err("'%s' exists and is no bisect directory (no bisect.json)", b->dir);
			return -1;
		}
		progress("%s exists: its complete runs are reused", b->dir);
	}
	for (i = 0; i <= b->n; i++) {
		struct step *s = &b->st[i];

		if (i && !b->repo)
			s->series_dir = xasprintf("%s/series/p%zu", b->dir, i);
		s->runs = xasprintf("%s/runs/%s", b->dir, s->kernel);
	}
	for (i = b->repo ? 0 : 1; i <= b->n; i++) {
		build_opts(&bo, b, b->st[i].kernel, NULL);
		if (b->st[i].source)
			bo.source = b->st[i].source;
		if (kbuild_check(&bo, err, sizeof(err))) {
			pr_err("%s", err);	/* the kernel name: a series name it cannot make */
			return -1;
		}
	}
	return 0;
}

/*
 * A resume: the time each step took before, from the bisect.json being
 * resumed, so that the step log keeps it (this process reuses the runs).
 */
static void load_before(struct bisect *b)
{
	char *path = xasprintf("%s/bisect.json", b->dir), err[256];
	struct strbuf sb = STRBUF_INIT;
	struct json *j = NULL;
	const struct json *steps;
	size_t i, k;

	if (!read_file(path, &sb) && sb.buf)
		j = json_parse(sb.buf, sb.len, err, sizeof(err));
	steps = j ? json_get(j, "steps") : NULL;
	for (i = 0; steps && steps->type == JSON_ARRAY && i < steps->n; i++) {
		const char *kernel = json_get_str(steps->items[i], "kernel");
		double sec = json_get_num(steps->items[i], "seconds", NAN);

		for (k = 0; kernel && !isnan(sec) && k <= b->n; k++)
			if (!strcmp(b->st[k].kernel, kernel))
				b->st[k].before = sec;
	}
	json_free(j);
	sb_release(&sb);
	free(path);
}

/* The watched metrics from --metric, which must be metrics of the ends' comparison. */
static int user_metrics(struct bisect *b, const struct comparison *c)
{
	char **m;
	size_t i;

	b->metrics = strv_split(b->o->metric, ',');
	for (m = b->metrics; *m; m++) {
		for (i = 0; i < c->nrows && strcmp(c->rows[i].m.key, *m); i++)
			;
		if (i == c->nrows) {
			struct strbuf sb = STRBUF_INIT;

			for (i = 0; i < c->nrows && i < 12; i++)
				sb_addf(&sb, "%s%s", i ? " " : "", c->rows[i].m.key);
			pr_err("unknown --metric '%s' (the runs have %zu: %s%s; 'patchbench compare "
			       "%s %s' lists them)", *m, c->nrows, sb.buf ? sb.buf : "",
			       c->nrows > 12 ? " ..." : "", b->st[0].runs, b->st[b->n].runs);
			sb_release(&sb);
			return -1;
		}
	}
	b->user_metrics = true;
	return 0;
}

int bisect_run(const struct bisect_opts *user, struct run_opts *ro)
{
	struct bisect_opts opts = *user, *o = &opts;	/* the default --repeat is decided below */
	struct bisect b = { .o = o, .ro = ro, .slurm = o->engine && !strcmp(o->engine, "slurm") };
	struct bisect_result r;
	struct comparison c;
	enum bisect_mark *marks = NULL;
	char err[1024];
	size_t k;
	long next;
	int code = 2, ret;
	bool resumed;

	memset(&c, 0, sizeof(c));
	b.cache = ro->cache ? xstrdup(ro->cache) : pb_cache_dir();
	if (setup(&b))
		goto out;
	code = 1;
	ret = mkdir_p(b.dir, 0755);
	for (k = 1; !ret && !b.repo && k <= b.n; k++)
		ret = write_prefix(&b, k);
	if (ret) {
		pr_err("cannot write the prefix series in '%s': %s", b.dir, strerror(-ret));
		goto out;
	}
	/*
	 * A resumed bisection keeps its bisect.json until it has more to say: a bad
	 * --metric (found only once the ends are compared) leaves it as it was.
	 */
	{
		char *j = xasprintf("%s/bisect.json", b.dir);

		resumed = path_exists(j);
		free(j);
	}
	if (resumed)
		load_before(&b);
	if (!resumed)
		write_json(&b, "running", NULL);
	if (b.repo)
		progress("commits %.12s..%.12s of %s, %zu %s, into %s", b.good, b.bad, b.repo, b.n,
			 items(&b), b.dir);
	else
		progress("%s on %s, %zu %s, into %s", b.label, b.base, b.n, items(&b), b.dir);
	if (o->repeat_auto)
		progress("--repeat auto: 2..%d runs a side", o->max_repeat);
	else
		progress("%d run(s) per kernel", o->repeat);
	/* the ends first: the base, and the whole series, which applies every patch */
	if (measure(&b, 0) || b.interrupted) {
		pr_err("bisect: the base '%s' cannot be measured: %s", b.base, b.st[0].note);
		goto done;
	}
	if (kernel_load(b.cache, b.base, &b.kbase, err, sizeof(err)))
		memset(&b.kbase, 0, sizeof(b.kbase));
	{
		char *first = xasprintf("%s/1", b.st[0].runs);
		struct meta m;

		if (!meta_load(&m, first, err, sizeof(err))) {
			b.target = m.target ? xstrdup(m.target) : NULL;
			/* no --repeat: 2 runs with instruction counts (exact), else auto */
			if (!o->repeat_s && !(m.insn_counts && !strncmp(m.insn_counts, "complete", 8))) {
				o->repeat_auto = true;
				o->repeat = o->max_repeat;
				progress("no instruction counts (%s): --repeat auto, at most %d runs "
					 "a side", m.insn_counts ? m.insn_counts : "not a TCG run",
					 o->max_repeat);
			}
			meta_release(&m);
		}
		free(first);
	}
	b.st[0].mark = BM_GOOD;
	if (measure(&b, b.n) || b.interrupted) {
		pr_err("bisect: the whole series cannot be measured: %s", b.st[b.n].note);
		goto done;
	}
	if (settle(&b, b.n, &c)) {
		pr_err("bisect: the ends: %s", b.st[b.n].note);
		goto done;
	}
	if (b.st[b.n].open)
		progress("the ends: %s; judged by compare's verdicts", b.st[b.n].stopped);
	if (o->metric) {
		if (user_metrics(&b, &c)) {
			code = 2;
			if (resumed)
				goto out;
			goto done;
		}
	} else if (!pick_metrics(&b, &c)) {
		b.st[b.n].note = xstrdup("no metric regressed");
		b.st[b.n].mark = BM_GOOD;
		printf("\nbisect: nothing to bisect: no metric regressed from %s to %s (%zu "
		       "%s)\n", b.base, b.st[b.n].kernel, b.n, items(&b));
		write_text(&b, NULL, "nothing to bisect: no metric regressed between the ends");
		write_json(&b, "nothing to bisect", NULL);
		code = 0;
		goto out;
	}
	judge(&b, b.n, &c);
	if (b.st[b.n].mark != BM_BAD) {
		printf("\nbisect: nothing to bisect: the watched metrics did not regress from %s "
		       "to %s\n", b.base, b.st[b.n].kernel);
		write_text(&b, NULL, "nothing to bisect: the watched metrics did not regress");
		write_json(&b, "nothing to bisect", NULL);
		code = 0;
		goto out;
	}
	progress("the ends: %s", b.st[b.n].note);
	marks = xcalloc(b.n + 1, sizeof(*marks));
	for (;;) {
		for (k = 0; k <= b.n; k++)
			marks[k] = b.st[k].mark;
		next = bisect_next(marks, b.n);
		if (next < 0)
			break;
		step(&b, (size_t)next);
		write_json(&b, "running", NULL);
		if (b.interrupted) {
			write_json(&b, "interrupted", NULL);
			pr_err("bisect: interrupted (run it again with -o %s to resume)", b.dir);
			goto out;
		}
	}
	bisect_result(marks, b.n, &r);
	write_json(&b, r.outcome == BO_FOUND ? "found" : "ambiguous", &r);
	write_text(&b, &r, NULL);
	if (r.outcome == BO_FOUND) {
		if (b.repo)
			printf("\nbisect: first bad commit: %zu/%zu %.12s %s\n", r.hi, b.n,
			       b.st[r.hi].id, b.st[r.hi].subject);
		else
			printf("\nbisect: first bad patch: %zu/%zu %s\n", r.hi, b.n, b.st[r.hi].id);
		code = 0;
	} else {
		printf("\nbisect: ambiguous: the first bad %s is one of %zu..%zu\n", item(&b),
		       r.lo + 1, r.hi);
	}
	printf("bisect: %s/BISECT.txt\n", b.dir);
	goto out;
done:
	write_json(&b, "failed", NULL);
out:
	comparison_release(&c);
	for (k = 0; b.st && k <= b.n; k++) {
		free(b.st[k].kernel);
		free(b.st[k].series_dir);
		free(b.st[k].source);
		free(b.st[k].id);
		free(b.st[k].subject);
		free(b.st[k].runs);
		free(b.st[k].note);
		free(b.st[k].stopped);
	}
	free(b.st);
	free(marks);
	strv_free(b.metrics);
	kseries_release(&b.s);
	kernel_info_release(&b.kbase);
	free(b.label);
	free(b.base);
	free(b.repo);
	free(b.target);
	free(b.dir);
	free(b.cache);
	return code;
}
