// SPDX-License-Identifier: GPL-2.0
/*
 * insn-bench.c - bench aa's instruction mode: are the guest instruction
 * counts of the TCG plugin (issue 11) as exact, as cheap and as sensitive
 * as the project relies on?
 *
 * Method. Real "patchbench run --target vm" processes (this binary, exec'd,
 * one qemu at a time), interleaved kernel by kernel so that a slow drift of
 * the machine's load touches every pool alike:
 *   - base kernel, kmem-churn (a fixed amount of work: N cgroups created,
 *     each making negative dentries and forking, then deleted; the window
 *     closes when it is done), counts on, at 2 vCPUs and at 1: the A/A pools;
 *   - the same at 2 vCPUs with --insn-count off, each right after one with
 *     counts: the wall-time cost of the plugin, pair by pair;
 *   - the positive control (memcg-stat-cost) and noop, kmem-churn at 1 vCPU:
 *     their pools for the A/B comparisons against the base's 1-vCPU pool (at
 *     2 vCPUs, the guest spinning on locks while the other vCPU's host thread
 *     is preempted moves the kernel count by more than the control adds);
 *   - base kernel, idle -d 5s (work proportional to the run's length): the
 *     A/A figure of a time-driven workload, and of quiet memory.stat reads.
 *   - base kernel, page-fault (2 workers pinned one per vCPU, 2 s): the A/A
 *     figure of kernel instructions per operation (page touched).
 *   - base kernel, stat-probe -d 5s: the A/A figure of kernel instructions per
 *     probe (insn:probe:p50, as compare judges it).
 * A/A spread of a count = (max - min) / mean over the runs of one pool. A/B
 * comparisons draw runs from the pools with a fixed seed (comparisons share
 * runs, so they are not independent) and judge them with compare's code at
 * its default thresholds, as "bench aa" does.
 */
#include "insn-bench.h"
#include "aa-bench.h"
#include "compare.h"
#include "insn-run.h"
#include "json.h"
#include "kcache.h"
#include "spawn.h"
#include "tsv.h"
#include "util.h"
#include "wrap.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define INSN_SEED 0x696e736eULL	/* "insn" */
#define INSN_TOP_SYMS 20
#define RUN_TIMEOUT_NS (30 * 60 * NSEC_PER_SEC)
#define RUN_GRACE_NS (60 * NSEC_PER_SEC)

/* The fixed-work workload: about 2 s of guest work under TCG here. */
static const char *const fixed_args[] = {
	"-w", "kmem-churn", "--kmem-churn-children", "20", "--settle", "0",
};
#define FIXED_DESC "kmem-churn --kmem-churn-children 20 --settle 0"
/* The time-driven one: idle siblings, sampled twice a second for 10 s (~20 reads a cgroup). */
static const char *const timed_args[] = {
	"-w", "idle", "--idle", "2", "-d", "10s", "--interval", "500ms",
};
#define TIMED_DESC "idle --idle 2 -d 10s --interval 500ms"
/* Per operation: page-fault's workers, one pinned per vCPU, their instructions per page. */
static const char *const pf_args[] = {
	"-w", "page-fault", "--page-fault-procs", "2", "--page-fault-size", "16M",
	"--page-fault-time", "2s", "--settle", "0",
};
#define PF_DESC "page-fault --page-fault-procs 2 --page-fault-size 16M --page-fault-time 2s"
/* Per probe: stat-probe alone (a memory.stat read, 16 pages faulted in, a read, every 250 ms). */
static const char *const probe_args[] = {
	"-w", "stat-probe", "-d", "5s", "--settle", "0",
};
#define PROBE_DESC "stat-probe -d 5s"
#define FIXED_CGROUPS 20	/* kmem-churn-children of fixed_args */

static volatile sig_atomic_t stop_signal;

void insn_bench_interrupt(int sig)
{
	stop_signal = sig;
}

/* the pools, in the order of each round of runs */
enum { P_BASE, P_OFF, P_UP, P_CONTROL, P_NOOP, P_TIMED, P_PF, P_PROBE, P_N };

/* The runs of one kernel and workload: "<prefix>-00", "<prefix>-01", ... */
struct pool {
	const char *kernel;	/* "" for none */
	const char *name;	/* of the directories */
	const char *const *args;
	size_t nargs;
	const char *count;	/* --insn-count */
	const char *cpus;	/* --cpus; NULL: run's default (2) */
	char *prefix;
	int want, n;		/* runs to make, made */
	int64_t *wall_ns;	/* of each run, the whole "patchbench run" */
	struct metric_set *ms;	/* of each run, once loaded */
	char *skip;		/* not run, and why */
};

static int poll_stop(struct child *c, void *data)
{
	(void)c;
	(void)data;
	return stop_signal ? -EINTR : 0;
}

/* The last lines of a failed run's log, to stderr. */
static void print_tail(const char *log)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	int lines = 0;

	if (read_file(log, &sb) || !sb.len)
		goto out;
	for (p = sb.buf + sb.len - 1; p > sb.buf; p--)
		if (*p == '\n' && ++lines == 6)
			break;
	fprintf(stderr, "%s%s", p == sb.buf ? "" : "  ...\n", p + (*p == '\n'));
out:
	sb_release(&sb);
}

/* Run @i of pool @p; 0, -EINTR, or -EIO after printing why. */
static int pool_run(struct pool *p, int i)
{
	const char *argv[32];
	struct child c = CHILD_INIT;
	char *dir = xasprintf("%s-%02d", p->prefix, i), *log = xasprintf("%s.log", dir);
	size_t n = 0, k;
	int64_t t0;
	int ret;

	argv[n++] = "patchbench";
	argv[n++] = "run";
	argv[n++] = "--target";
	argv[n++] = "vm";
	argv[n++] = "--kernel";
	argv[n++] = p->kernel;
	argv[n++] = "--insn-count";
	argv[n++] = p->count;
	if (p->cpus) {
		argv[n++] = "--cpus";
		argv[n++] = p->cpus;
	}
	for (k = 0; k < p->nargs; k++)
		argv[n++] = p->args[k];
	argv[n++] = "-q";
	argv[n++] = "-o";
	argv[n++] = dir;
	argv[n] = NULL;
	c.argv = (char **)argv;
	c.exe = "/proc/self/exe";
	c.out = CHILD_FILE;
	c.out_path = log;
	c.err = CHILD_TO_STDOUT;
	c.pdeathsig = SIGTERM;
	c.timeout_ns = RUN_TIMEOUT_NS;
	c.kill_grace_ns = RUN_GRACE_NS;
	c.poll = poll_stop;
	t0 = now_ns();
	ret = child_run(&c);
	p->wall_ns[i] = now_ns() - t0;
	if (stop_signal) {
		ret = -EINTR;
	} else if (ret) {
		pr_err("bench insn: 'patchbench run --target vm --kernel %s --insn-count %s ... "
		       "-o %s' %s %d; its output ends:", p->kernel, p->count, dir,
		       ret > 0 ? "exited" : "failed:", ret);
		print_tail(log);
		ret = -EIO;
	} else {
		p->n = i + 1;
	}
	free(log);
	free(dir);
	return ret;
}

/* (max - min) / mean in percent; NaN without two values. */
static double spread_pct(const double *v, size_t n)
{
	double mean = stats_mean(v, n);

	if (n < 2 || mean == 0)
		return NAN;
	return 100.0 * (stats_max(v, n) - stats_min(v, n)) / fabs(mean);
}

/* Each run's value of @key in pool @p (a run without it: 0 if @absent_zero, else NaN). */
static void pool_values(const struct pool *p, const char *key, bool absent_zero, double *v)
{
	int i;

	for (i = 0; i < p->n; i++) {
		const struct metric *m = metric_set_find(&p->ms[i], key);

		v[i] = m ? m->value : absent_zero ? 0 : NAN;
	}
}

static bool all_finite(const double *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isfinite(v[i]))
			return false;
	return n > 0;
}

static int pool_load(struct pool *p, char *err, size_t errlen)
{
	int i, ret = 0;

	p->ms = xcalloc(p->n ? p->n : 1, sizeof(*p->ms));
	for (i = 0; i < p->n && !ret; i++) {
		char *dir = xasprintf("%s-%02d", p->prefix, i);
		struct run_summary s;

		ret = metrics_extract(dir, &s, &p->ms[i], err, errlen);
		run_summary_release(&s);
		free(dir);
	}
	return ret;
}

/* One line of the result: a measured figure against its target. */
struct figure {
	const char *key;	/* JSON */
	char label[64];
	char note[96];		/* a second line; may be empty */
	double value;		/* NaN: not measured */
	char unit;		/* '%', 'x', or '/' (value of @limit comparisons) */
	double limit;		/* NaN: no target */
	char *skip;		/* not measured, and why */
};

static bool figure_met(const struct figure *f)
{
	if (f->unit == '/')
		return f->value == f->limit;
	return f->value <= f->limit;
}

struct insn_result {
	struct figure f[20];
	size_t nf;
	int64_t run_ns;
	int runs;
};

static struct figure *figure_add(struct insn_result *res, const char *key, char unit,
				 double limit)
{
	struct figure *f = &res->f[res->nf++];

	memset(f, 0, sizeof(*f));
	f->key = key;
	f->unit = unit;
	f->limit = limit;
	f->value = NAN;
	return f;
}

struct sym_spread {
	const char *key;
	double mean, spread;
};

static int cmp_sym_mean(const void *pa, const void *pb)
{
	const struct sym_spread *a = pa, *b = pb;

	return (a->mean < b->mean) - (a->mean > b->mean);
}

/* The A/A figures of the fixed-work pool: kernel instructions and the top symbols. */
static void fixed_aa(const struct pool *p, struct insn_result *res, double *v)
{
	bool up = p->cpus != NULL;
	struct figure *fk = figure_add(res, up ? "kernel_insns_aa_fixed_1cpu_pct" :
				       "kernel_insns_aa_fixed_pct", '%', 1);
	struct figure *fs = figure_add(res, up ? "top_symbols_aa_worst_1cpu_pct" :
				       "top_symbols_aa_worst_pct", '%', 3);
	struct sym_spread *syms = NULL, *worst = NULL;
	size_t nsyms = 0, s, over = 0;
	int i;
	size_t j;

	snprintf(fk->label, sizeof(fk->label), "kernel insns A/A, kmem-churn, %s (%d)",
		 up ? "1 vCPU" : "2 vCPUs", p->n);
	pool_values(p, "insn:kernel", false, v);
	if (all_finite(v, p->n)) {
		fk->value = spread_pct(v, p->n);
		snprintf(fk->note, sizeof(fk->note), "(%.4g .. %.4g kernel insns per run; %.4g per "
			 "churned cgroup)", stats_min(v, p->n), stats_max(v, p->n),
			 stats_mean(v, p->n) / FIXED_CGROUPS);
	}
	snprintf(fs->label, sizeof(fs->label), "top-%d symbols A/A, worst, %s", INSN_TOP_SYMS,
		 up ? "1 vCPU" : "2 vCPUs");
	for (i = 0; i < p->n; i++)
		for (j = 0; j < p->ms[i].n; j++) {
			const char *key = p->ms[i].m[j].key;

			if (strncmp(key, "insn:sym:", 9))
				continue;
			for (s = 0; s < nsyms && strcmp(syms[s].key, key); s++)
				;
			if (s == nsyms) {
				syms = xrealloc(syms, (nsyms + 1) * sizeof(*syms));
				syms[nsyms++].key = key;
			}
		}
	for (s = 0; s < nsyms; s++) {
		pool_values(p, syms[s].key, true, v);
		syms[s].mean = stats_mean(v, p->n);
		syms[s].spread = spread_pct(v, p->n);
	}
	qsort(syms, nsyms, sizeof(*syms), cmp_sym_mean);
	for (s = 0; s < nsyms && s < INSN_TOP_SYMS; s++) {
		if (!worst || syms[s].spread > worst->spread)
			worst = &syms[s];
		over += syms[s].spread > fs->limit;
	}
	if (worst && isfinite(worst->spread)) {
		fs->value = worst->spread;
		snprintf(fs->note, sizeof(fs->note), "(%s; %zu of %zu over %.0f%%)",
			 worst->key + 9, over, s, fs->limit);
	}
	free(syms);
}

/* One cgroup's memory.stat reads in one run: the median of their kernel instructions. */
struct cg_reads {
	char *cgroup;
	double median;
};

/*
 * The median kernel instructions of a memory.stat read, per cgroup, of run
 * @dir: readlat.tsv names each read's cgroup and number, insn-reads.tsv
 * counts it. Fills @out (caller frees each @cgroup and the array); 0 or -errno.
 */
static int run_reads(const char *dir, struct cg_reads **out, size_t *nout, char *err,
		     size_t errlen)
{
	struct tsv lt = { 0 }, it = { 0 };
	char *lp = xasprintf("%s/readlat.tsv", dir), *ip = xasprintf("%s/insn-reads.tsv", dir);
	struct { const char *cg; double *v; size_t n; } *per = NULL;
	const char **cg_of = NULL;
	size_t r, c, nper = 0, nseq = 0;
	int lcg, lfile, lread, iread, ikern, ret;

	*out = NULL;
	*nout = 0;
	ret = tsv_load(&lt, lp, err, errlen);
	if (!ret)
		ret = tsv_load(&it, ip, err, errlen);
	if (ret)
		goto out;
	lcg = tsv_col(&lt, "cgroup");
	lfile = tsv_col(&lt, "file");
	lread = tsv_col(&lt, "read");
	iread = tsv_col(&it, "read");
	ikern = tsv_col(&it, "kernel_insns");
	if (lcg < 0 || lfile < 0 || lread < 0 || iread < 0 || ikern < 0) {
		snprintf(err, errlen, "'%s': no per-read instruction counts", dir);
		ret = -EINVAL;
		goto out;
	}
	for (r = 0; r < lt.nrows; r++) {
		double seq = tsv_get_num(&lt, r, lread);

		if (strcmp(tsv_get(&lt, r, lfile), "memory.stat") || !(seq >= 1 && seq < 1e7))
			continue;
		if ((size_t)seq >= nseq) {
			cg_of = xrealloc(cg_of, ((size_t)seq + 1) * sizeof(*cg_of));
			for (; nseq <= (size_t)seq; nseq++)
				cg_of[nseq] = NULL;
		}
		cg_of[(size_t)seq] = tsv_get(&lt, r, lcg);
	}
	for (r = 0; r < it.nrows; r++) {
		double seq = tsv_get_num(&it, r, iread), v = tsv_get_num(&it, r, ikern);
		const char *cg = seq >= 1 && seq < nseq ? cg_of[(size_t)seq] : NULL;

		if (!cg || isnan(v))
			continue;	/* it moved vCPU, or is no memory.stat read */
		for (c = 0; c < nper && strcmp(per[c].cg, cg); c++)
			;
		if (c == nper) {
			per = xrealloc(per, (nper + 1) * sizeof(*per));
			per[nper++] = (typeof(*per)){ cg, NULL, 0 };
		}
		per[c].v = xrealloc(per[c].v, (per[c].n + 1) * sizeof(double));
		per[c].v[per[c].n++] = v;
	}
	*out = xcalloc(nper + 1, sizeof(**out));
	for (c = 0; c < nper; c++) {
		(*out)[c].cgroup = xstrdup(per[c].cg);
		(*out)[c].median = stats_median(per[c].v, per[c].n);
		free(per[c].v);
	}
	*nout = nper;
out:
	free(per);
	free(cg_of);
	tsv_release(&lt);
	tsv_release(&it);
	free(lp);
	free(ip);
	return ret;
}

/*
 * insn:read:L:@pct of every level of pool @p, as compare judges it: the worst
 * A/A spread. @key names the figure in JSON.
 */
static void level_aa(const struct pool *p, struct insn_result *res, const char *pct,
		     const char *key_name, double *v)
{
	struct figure *f = figure_add(res, key_name, '%', NAN);
	const char *what = p->args == timed_args ? "idle" : "kmem-churn";
	double worst = NAN;
	int l, worst_level = -1;
	char key[64];

	for (l = 0; l < METRICS_MAX_LEVELS; l++) {
		double s;

		snprintf(key, sizeof(key), "insn:read:%d:%s", l, pct);
		pool_values(p, key, false, v);
		if (!all_finite(v, p->n))
			continue;
		s = spread_pct(v, p->n);
		if (worst_level < 0 || s > worst) {
			worst = s;
			worst_level = l;
		}
	}
	snprintf(f->label, sizeof(f->label), "read %s A/A, worst level, %s", pct, what);
	if (worst_level < 0) {
		f->skip = xstrdup("no memory.stat read counted in every run");
		return;
	}
	f->value = worst;
	snprintf(f->note, sizeof(f->note), "(insn:read:%d:%s, as compare judges it; no target)",
		 worst_level, pct);
}

/*
 * The time-driven pool: kernel instructions; the cost of a quiet memory.stat
 * read, per cgroup (the median of its reads in a run, across the runs); and
 * per tree level as compare sees it (insn:read:L:p50, cgroups of one level
 * mixed).
 */
static int timed_aa(const struct pool *p, struct insn_result *res, double *v, char *err,
		    size_t errlen)
{
	struct figure *ft = figure_add(res, "kernel_insns_aa_timed_pct", '%', NAN);
	struct figure *fr = figure_add(res, "quiet_read_aa_worst_pct", '%', 2);
	struct cg_reads **runs = xcalloc(p->n + 1, sizeof(*runs));
	size_t *nruns = xcalloc(p->n + 1, sizeof(*nruns)), c;
	double worst = NAN, worst_median = 0;
	const char *worst_cg = NULL;
	int i, ret = 0;

	snprintf(ft->label, sizeof(ft->label), "kernel insns A/A, idle, 2 vCPUs (%d)", p->n);
	pool_values(p, "insn:kernel", false, v);
	if (all_finite(v, p->n))
		ft->value = spread_pct(v, p->n);
	snprintf(ft->note, sizeof(ft->note), "(time-driven: no target)");

	snprintf(fr->label, sizeof(fr->label), "quiet memory.stat read A/A, idle");
	for (i = 0; i < p->n && !ret; i++) {
		char *dir = xasprintf("%s-%02d", p->prefix, i);

		ret = run_reads(dir, &runs[i], &nruns[i], err, errlen);
		free(dir);
	}
	for (c = 0; !ret && p->n && c < nruns[0]; c++) {
		const char *cg = runs[0][c].cgroup;
		size_t k;
		double s;

		for (i = 0; i < p->n; i++) {
			for (k = 0; k < nruns[i] && strcmp(runs[i][k].cgroup, cg); k++)
				;
			v[i] = k < nruns[i] ? runs[i][k].median : NAN;
		}
		if (!all_finite(v, p->n))
			continue;
		s = spread_pct(v, p->n);
		if (!worst_cg || s > worst) {
			worst = s;
			worst_cg = cg;
			worst_median = stats_median(v, p->n);
		}
	}
	if (worst_cg) {
		fr->value = worst;
		snprintf(fr->note, sizeof(fr->note), "(worst cgroup %s: %.0f kernel insns per read)",
			 metrics_last_part(worst_cg), worst_median);
	} else if (!ret) {
		fr->skip = xstrdup("no memory.stat read counted in every run");
	}

	level_aa(p, res, "p50", "read_p50_level_aa_timed_pct", v);
	level_aa(p, res, "p99", "read_p99_level_aa_timed_pct", v);
	for (i = 0; i < p->n; i++) {
		for (c = 0; c < nruns[i]; c++)
			free(runs[i][c].cgroup);
		free(runs[i]);
	}
	free(runs);
	free(nruns);
	return ret;
}

/* The per-operation pool: page-fault's kernel instructions per page touched. */
static void pf_aa(const struct pool *p, struct insn_result *res, double *v)
{
	struct figure *f = figure_add(res, "page_fault_per_op_aa_pct", '%', 1);

	snprintf(f->label, sizeof(f->label), "page-fault insns per op A/A, 2 vCPUs (%d)", p->n);
	pool_values(p, "insn:page-fault:kernel_per_op", false, v);
	if (!all_finite(v, p->n)) {
		f->skip = xstrdup("no run counted its page-fault work (insn-work.tsv)");
		return;
	}
	f->value = spread_pct(v, p->n);
	snprintf(f->note, sizeof(f->note), "(%.1f .. %.1f kernel insns per page touched)",
		 stats_min(v, p->n), stats_max(v, p->n));
}

/* The per-probe pool: stat-probe's kernel instructions per probe (insn:probe:p50). */
static void probe_aa(const struct pool *p, struct insn_result *res, double *v)
{
	struct figure *f = figure_add(res, "probe_p50_aa_pct", '%', NAN);

	snprintf(f->label, sizeof(f->label), "probe insns p50 A/A, 2 vCPUs (%d)", p->n);
	pool_values(p, "insn:probe:p50", false, v);
	if (!all_finite(v, p->n)) {
		f->skip = xstrdup("no run counted its probes (probe.tsv insn)");
		return;
	}
	f->value = spread_pct(v, p->n);
	snprintf(f->note, sizeof(f->note), "(%.0f .. %.0f kernel insns per probe; no target, "
		 "compare's threshold 3%%)", stats_min(v, p->n), stats_max(v, p->n));
}

/* Wall time with counts over without, pair by pair (each pair ran back to back). */
static void overhead(const struct pool *on, const struct pool *off, struct insn_result *res)
{
	struct figure *f = figure_add(res, "wall_ratio_on_off", 'x', 1.5);
	double *r = xcalloc(off->n + 1, sizeof(*r)), *a = xcalloc(off->n + 1, sizeof(*a));
	double *b = xcalloc(off->n + 1, sizeof(*b));
	int i;

	snprintf(f->label, sizeof(f->label), "wall, counts on/off (%d pair%s)", off->n,
		 off->n == 1 ? "" : "s");
	for (i = 0; i < off->n; i++) {
		a[i] = on->wall_ns[i] / 1e9;
		b[i] = off->wall_ns[i] / 1e9;
		r[i] = a[i] / b[i];
	}
	if (off->n) {
		f->value = stats_median(r, off->n);
		snprintf(f->note, sizeof(f->note), "(median of pairs; %.1fs on, %.1fs off, medians)",
			 stats_median(a, off->n), stats_median(b, off->n));
	}
	free(r);
	free(a);
	free(b);
}

static const struct cmp_row *find_row(const struct comparison *c, const char *key)
{
	size_t r;

	for (r = 0; r < c->nrows; r++)
		if (!strcmp(c->rows[r].m.key, key))
			return &c->rows[r];
	return NULL;
}

static bool insn_group(const char *g)
{
	return !strcmp(g, "instructions") || !strcmp(g, "insn-symbols");
}

/*
 * @o->comparisons A/B comparisons of @base against @b: for the control, a hit
 * is a regression in kernel instructions and in its symbol; for noop, no
 * instruction metric called a regression.
 */
static int ab_figure(const struct insn_bench_opts *o, const char *tmp, const struct pool *base,
		     const struct pool *b, bool control, uint64_t *seed, struct insn_result *res,
		     char *err, size_t errlen)
{
	struct figure *f = figure_add(res, control ? "control_regressions" : "noop_quiet", '/',
				      o->comparisons);
	char *cmp = xasprintf("%s/cmp", tmp), flagged[48] = "";
	double *d = xcalloc(o->comparisons, sizeof(*d));
	int j, hits = 0, ret = 0, nimp = 0, nk = 0, ns = 0;

	snprintf(f->label, sizeof(f->label), control ? "%s vs %s: regression" :
		 "%s vs %s: no insn regression", *b->kernel ? b->kernel : control ? "control" :
		 "noop", base->kernel);
	if (b->skip) {
		f->skip = xstrdup(b->skip);
		goto out;
	}
	for (j = 0; j < o->comparisons && !ret; j++) {
		struct comparison c;
		const struct cmp_row *k, *s;
		size_t r, nreg = 0;

		ret = aa_compare_draw(&c, cmp, base->prefix, base->n, b->prefix, b->n,
				      o->per_side, seed, err, errlen);
		if (ret == -EINVAL && c.ndiffs)
			snprintf(err, errlen, "the runs are not comparable: %s", c.diffs[0]);
		if (!ret) {
			k = find_row(&c, "insn:kernel");
			s = find_row(&c, "insn:sym:" INSN_BENCH_CONTROL_SYM);
			d[j] = k ? k->delta_pct : NAN;
			for (r = 0; r < c.nrows; r++) {
				if (!insn_group(c.rows[r].m.group))
					continue;
				if (c.rows[r].verdict == VERDICT_REGRESSION) {
					nreg++;
					if (!flagged[0])
						snprintf(flagged, sizeof(flagged), "%s",
							 c.rows[r].m.key);
				}
				nimp += c.rows[r].verdict == VERDICT_IMPROVEMENT;
			}
			nk += k && k->verdict == VERDICT_REGRESSION;
			ns += s && s->verdict == VERDICT_REGRESSION;
			if (control)
				hits += k && k->verdict == VERDICT_REGRESSION && s &&
					s->verdict == VERDICT_REGRESSION;
			else
				hits += !nreg;
		}
		comparison_release(&c);
		remove_tree(cmp);
	}
	if (ret)
		goto out;
	f->value = hits;
	if (control)
		snprintf(f->note, sizeof(f->note), "(kernel insns %+.1f%% median, flagged %d/%d; "
			 "%s flagged %d/%d)", stats_median(d, o->comparisons), nk, o->comparisons,
			 INSN_BENCH_CONTROL_SYM, ns, o->comparisons);
	else
		snprintf(f->note, sizeof(f->note), "(kernel insns %+.2f%%; %d improvement%s%s%s)",
			 stats_median(d, o->comparisons), nimp, nimp == 1 ? "" : "s",
			 flagged[0] ? "; flagged " : "", flagged);
out:
	free(d);
	free(cmp);
	return ret;
}

static const char *figure_value(char *buf, size_t len, const struct figure *f, bool limit)
{
	double v = limit ? f->limit : f->value;

	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (f->unit == '/')
		snprintf(buf, len, limit ? "%.0f/%.0f" : "%.0f/%.0f", v, f->limit);
	else if (f->unit == 'x')
		snprintf(buf, len, "%s%.2fx", limit ? "<= " : "", v);
	else
		snprintf(buf, len, "%s%.*f%%", limit ? "<= " : "", limit ? 0 : 2, v);
	return buf;
}

static void print_text(const struct insn_bench_opts *o, const struct insn_result *res,
		       const struct pool *pools, FILE *out)
{
	struct strbuf sb = STRBUF_INIT;
	char a[32], b[32];
	size_t i;

	fprintf(out, "Guest instruction counts (TCG plugin): bench aa's instruction mode\n");
	sb_addf(&sb, "%d vm runs (base kernel %s), interleaved, %.0fs per run, up to %d per "
		"pool; 2 vCPUs (run's default) unless \"1 vCPU\" (--cpus 1). Fixed work: "
		FIXED_DESC "; time-driven: " TIMED_DESC "; per operation: " PF_DESC ", " PROBE_DESC ". A/A "
		"spread = (max - min) / mean of a "		"pool's runs. A/B (1 vCPU): %d comparisons of %d vs %d runs per kernel, drawn "
		"from the pools (seed %#llx), at compare's default thresholds.", res->runs,
		pools[P_BASE].kernel, res->runs ? res->run_ns / 1e9 / res->runs : 0, o->pool,
		o->comparisons, o->per_side, o->per_side, (unsigned long long)INSN_SEED);
	text_wrap(out, "  ", 2, sb.buf, 72);
	fprintf(out, "  %-40s %9s %8s %4s\n", "measure", "value", "target", "met");
	for (i = 0; i < res->nf; i++) {
		const struct figure *f = &res->f[i];

		if (f->skip) {
			fprintf(out, "  %-40s %9s %8s %4s\n", f->label, "skipped", "", "-");
			sb_reset(&sb);
			sb_addf(&sb, "(%s)", f->skip);
			text_wrap(out, "    ", 5, sb.buf, 72);
			continue;
		}
		fprintf(out, "  %-40s %9s %8s %4s\n", f->label, figure_value(a, sizeof(a), f, false),
			figure_value(b, sizeof(b), f, true),
			!isfinite(f->limit) || !isfinite(f->value) ? "-" : figure_met(f) ? "yes" : "NO");
		if (f->note[0])
			fprintf(out, "    %s\n", f->note);
	}
	sb_release(&sb);
}

static void print_json(const struct insn_bench_opts *o, const struct insn_result *res,
		       const struct pool *pools, struct json_writer *w)
{
	size_t i;

	jw_obj_begin(w);
	jw_kstr(w, "name", "insn");
	jw_kstr(w, "summary", "bench aa's instruction mode: guest instruction counts (TCG plugin)");
	jw_kstr(w, "kernel", pools[P_BASE].kernel);
	jw_kstr(w, "fixed_workload", FIXED_DESC);
	jw_kstr(w, "timed_workload", TIMED_DESC);
	jw_kstr(w, "per_op_workload", PF_DESC);
	jw_kstr(w, "per_probe_workload", PROBE_DESC);
	jw_kint(w, "pool", o->pool);
	jw_kint(w, "pairs", o->pairs);
	jw_kint(w, "comparisons", o->comparisons);
	jw_kint(w, "per_side", o->per_side);
	jw_kuint(w, "seed", INSN_SEED);
	jw_kint(w, "runs", res->runs);
	jw_kdouble(w, "seconds_per_run", res->runs ? res->run_ns / 1e9 / res->runs : 0);
	jw_key(w, "targets");
	jw_arr_begin(w);
	for (i = 0; i < res->nf; i++) {
		const struct figure *f = &res->f[i];

		jw_obj_begin(w);
		jw_kstr(w, "name", f->key);
		jw_kstr(w, "label", f->label);
		if (f->skip) {
			jw_kstr(w, "skipped", f->skip);
			jw_obj_end(w);
			continue;
		}
		jw_kdouble(w, "value", f->value);
		jw_kstr(w, "unit", f->unit == '%' ? "%" : f->unit == 'x' ? "ratio" :
			"comparisons");
		jw_kstr(w, "op", f->unit == '/' ? "==" : "<=");
		jw_kdouble(w, "target", f->limit);
		jw_key(w, "met");
		if (isfinite(f->limit) && isfinite(f->value))
			jw_bool(w, figure_met(f));
		else
			jw_null(w);
		if (f->note[0])
			jw_kstr(w, "note", f->note);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

static int skipped(struct json_writer *w, FILE *out, const char *why)
{
	if (w) {
		jw_obj_begin(w);
		jw_kstr(w, "name", "insn");
		jw_kstr(w, "skipped", why);
		jw_obj_end(w);
	} else {
		fprintf(out, "insn: skipped: %s\n", why);
	}
	return 1;
}

/* Why kernel @name cannot give counts (caller frees), or NULL. */
static char *kernel_missing(const char *name)
{
	struct kernel_info k;
	struct insn_plan plan;
	char err[512] = "";
	char *why = NULL;

	memset(&k, 0, sizeof(k));
	if (kernel_load(NULL, name, &k, err, sizeof(err)))
		why = xstrdup(err);
	else if (insn_plan_make(&plan, "on", "tcg", "qemu-system-x86_64", &k, err, sizeof(err)))
		why = xstrdup(err);
	else
		insn_plan_release(&plan);
	kernel_info_release(&k);
	return why;
}

static void pools_release(struct pool *pools)
{
	int i, r;

	for (i = 0; i < P_N; i++) {
		for (r = 0; pools[i].ms && r < pools[i].n; r++)
			metric_set_release(&pools[i].ms[r]);
		free(pools[i].ms);
		free(pools[i].wall_ns);
		free(pools[i].prefix);
		free(pools[i].skip);
	}
}

int insn_bench_check(const struct insn_bench_opts *o)
{
	char **names = strv_split(o->kernels, ',');
	int ret = 0;

	if (strv_len(names) != 3 || !*names[0]) {
		pr_err("--insn-kernels '%s': expected BASE,CONTROL,NOOP (an empty CONTROL or NOOP "
		       "skips it)", o->kernels);
		ret = -EINVAL;
	} else if (o->pairs > o->pool || o->per_side > o->pool) {
		pr_err("--insn-pairs %d and --insn-per-side %d must not exceed --insn-pool %d",
		       o->pairs, o->per_side, o->pool);
		ret = -EINVAL;
	}
	strv_free(names);
	return ret;
}

int insn_bench_run(const struct insn_bench_opts *o, struct json_writer *w, FILE *out)
{
	struct pool pools[P_N];
	struct insn_result res;
	char **names = strv_split(o->kernels, ','), *tmp = NULL, *why, *qemu;
	char err[1024] = "";
	uint64_t seed = INSN_SEED;
	int i, k, ret = 0, done = 0, total = 0;
	int64_t t0;
	double *v = NULL;

	memset(pools, 0, sizeof(pools));
	memset(&res, 0, sizeof(res));
	if (insn_bench_check(o)) {
		strv_free(names);
		return -EINVAL;
	}
	qemu = pb_which("qemu-system-x86_64");
	if (!qemu) {
		strv_free(names);
		return skipped(w, out, "no qemu-system-x86_64 in PATH (make deps installs it)");
	}
	free(qemu);
	why = kernel_missing(names[0]);
	if (why) {
		ret = skipped(w, out, why);
		free(why);
		strv_free(names);
		return ret;
	}

	pools[P_BASE] = (struct pool){ names[0], "base", fixed_args, ARRAY_SIZE(fixed_args), "on" };
	pools[P_OFF] = (struct pool){ names[0], "off", fixed_args, ARRAY_SIZE(fixed_args), "off" };
	pools[P_UP] = (struct pool){ names[0], "up", fixed_args, ARRAY_SIZE(fixed_args), "on",
				     "1" };
	/* A/B at 1 vCPU: at 2 the guest's lock spinning is noisier than the control's effect */
	pools[P_CONTROL] = (struct pool){ names[1], "control", fixed_args, ARRAY_SIZE(fixed_args),
					  "on", "1" };
	pools[P_NOOP] = (struct pool){ names[2], "noop", fixed_args, ARRAY_SIZE(fixed_args), "on",
				       "1" };
	pools[P_TIMED] = (struct pool){ names[0], "timed", timed_args, ARRAY_SIZE(timed_args),
					"on" };
	pools[P_PF] = (struct pool){ names[0], "pf", pf_args, ARRAY_SIZE(pf_args), "on" };
	pools[P_PROBE] = (struct pool){ names[0], "probe", probe_args, ARRAY_SIZE(probe_args),
					"on" };
	tmp = xstrdup("/tmp/patchbench-insn.XXXXXX");
	if (!mkdtemp(tmp)) {
		ret = -errno;
		pr_err("cannot create a temporary directory: %s", strerror(errno));
		goto out;
	}
	for (i = 0; i < P_N; i++) {
		struct pool *p = &pools[i];

		if (!*p->kernel)
			p->skip = xstrdup("no kernel named (--insn-kernels)");
		else if (i == P_CONTROL || i == P_NOOP)
			p->skip = kernel_missing(p->kernel);
		p->want = p->skip ? 0 : i == P_OFF ? o->pairs : o->pool;
		p->prefix = xasprintf("%s/%s", tmp, p->name);
		p->wall_ns = xcalloc(o->pool + 1, sizeof(*p->wall_ns));
		total += p->want;
	}

	/* interleaved: run r of every pool before run r + 1 of any */
	t0 = now_ns();
	for (k = 0; k < o->pool && !ret; k++)
		for (i = 0; i < P_N && !ret; i++) {
			struct pool *p = &pools[i];
			char el[32];

			if (k >= p->want)
				continue;
			fprintf(stderr, "patchbench: bench insn: run %d/%d: %s, %s, counts %s "
				"(%s so far)\n", ++done, total, p->kernel,
				p->args == timed_args ? "idle" : p->args == pf_args ? "page-fault" :
				p->args == probe_args ? "stat-probe" : "kmem-churn", p->count,
				fmt_duration(el, sizeof(el), now_ns() - t0));
			ret = pool_run(p, k);
		}
	res.run_ns = now_ns() - t0;
	res.runs = done;
	for (i = 0; i < P_N && !ret; i++)
		ret = pool_load(&pools[i], err, sizeof(err));
	if (ret) {
		if (ret != -EINTR && ret != -EIO)
			pr_err("bench insn: %s", err);
		goto out;
	}

	v = xcalloc(o->pool + 1, sizeof(*v));
	fixed_aa(&pools[P_UP], &res, v);
	fixed_aa(&pools[P_BASE], &res, v);
	level_aa(&pools[P_BASE], &res, "p50", "read_p50_level_aa_fixed_pct", v);
	level_aa(&pools[P_BASE], &res, "p99", "read_p99_level_aa_fixed_pct", v);
	ret = timed_aa(&pools[P_TIMED], &res, v, err, sizeof(err));
	pf_aa(&pools[P_PF], &res, v);
	probe_aa(&pools[P_PROBE], &res, v);
	overhead(&pools[P_BASE], &pools[P_OFF], &res);
	if (!ret)
		ret = ab_figure(o, tmp, &pools[P_UP], &pools[P_CONTROL], true, &seed, &res, err,
				sizeof(err));
	if (!ret)
		ret = ab_figure(o, tmp, &pools[P_UP], &pools[P_NOOP], false, &seed, &res, err,
				sizeof(err));
	if (ret) {
		pr_err("bench insn: %s", err);
		goto out;
	}
	if (w)
		print_json(o, &res, pools, w);
	else
		print_text(o, &res, pools, out);
out:
	for (i = 0; i < (int)res.nf; i++)
		free(res.f[i].skip);
	free(v);
	pools_release(pools);
	if (tmp)
		remove_tree(tmp);
	free(tmp);
	strv_free(names);
	return ret;
}
