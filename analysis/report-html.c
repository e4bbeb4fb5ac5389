// SPDX-License-Identifier: GPL-2.0
/*
 * report-html.c - compare as one self-contained HTML file: the tables of
 * the md report plus gnuplot plots inlined as SVG (no external asset, no
 * script), so the file can be mailed, archived or served as it is.
 *
 * Plots: drift over time per check (A vs B, bound drawn), memory.stat read
 * latency CDF, CPU time per cgroup, and with those monitors RSS by type over
 * time (rss_stat) and the change of the top perf symbols; a plot that
 * cannot be made (gnuplot missing, a run directory moved) is replaced by a
 * note saying why.
 */
#include "report-compare.h"
#include "compare.h"
#include "changed.h"
#include "plot.h"
#include "tsv.h"
#include "u64map.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char css[] =
	"body{font-family:sans-serif;margin:1.5em auto;max-width:1150px;color:#222;"
	"padding:0 1em}\n"
	"h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc}\n"
	"table{border-collapse:collapse;margin:.4em 0 1em;font-size:90%}\n"
	"th,td{border:1px solid #ccc;padding:2px 7px;text-align:right;"
	"font-variant-numeric:tabular-nums}\n"
	"th{background:#f2f2f2}th:first-child,td:first-child{text-align:left}\n"
	"tr.regression td{background:#fbd5d5}tr.improvement td{background:#d5f5d5}\n"
	"td.v{text-align:left}.source{color:#555;font-size:88%;margin:.2em 0}\n"
	".verdict{font-size:110%;padding:.5em;border:1px solid #bbb;background:#fafafa}\n"
	".verdict.bad{border-color:#c00;background:#fbd5d5}\n"
	".diffs{background:#fff6d5;border:1px solid #d8c070;padding:.4em 1em}\n"
	".plots{display:flex;flex-wrap:wrap;gap:12px}.plots figure{margin:0;width:560px}\n"
	"figure svg{width:100%;height:auto;border:1px solid #eee}\n"
	"figcaption{font-size:85%;color:#555}.note{color:#a60}\n"
	"footer{margin-top:2em;color:#888;font-size:80%}\n";

static void esc(struct plot_page *h, const char *s)
{
	html_escape(&h->sb, s);
}

/*
 * Files @name of the runs of @s that exist, space-separated (gnuplot's word
 * lists); NULL if there is none, or a path has a space.
 */
static char *run_files(const struct cmp_side *s, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < s->n; i++) {
		char *p = xasprintf("%s/%s", s->runs[i], name);

		if (strchr(p, ' ')) {
			free(p);
			sb_release(&sb);
			return NULL;
		}
		if (path_exists(p))
			sb_addf(&sb, "%s%s", sb.len ? " " : "", p);
		free(p);
	}
	if (!sb.len) {
		sb_release(&sb);
		return NULL;
	}
	return sb_detach(&sb);
}

static void plot_drift(struct plot_page *h, const struct comparison *c)
{
	char *fa = run_files(&c->a, "drift.tsv"), *fb = run_files(&c->b, "drift.tsv");
	size_t i;

	for (i = 0; fa && fb && i < c->nrows; i++) {
		const struct cmp_row *r = &c->rows[i];
		char *check, *cap;
		size_t n = strlen(r->m.key);

		if (strncmp(r->m.key, "drift:", 6) || n < 10 || strcmp(r->m.key + n - 4, ":max"))
			continue;
		check = xstrndup(r->m.key + 6, n - 10);
		{
			const char *vars[] = { "files_a", fa, "files_b", fb, "label_a", c->a.label,
					       "label_b", c->b.label, "check", check, NULL };

			cap = xasprintf("%s: every drift.tsv row over time, A vs B, with the "
					"largest bound of the check", check);
			plot_figure(h, "drift.gp", vars, cap);
			free(cap);
		}
		free(check);
	}
	free(fa);
	free(fb);
}

static void plot_readlat(struct plot_page *h, const struct comparison *c)
{
	char *fa = run_files(&c->a, "readlat.tsv"), *fb = run_files(&c->b, "readlat.tsv");

	if (fa && fb) {
		const char *vars[] = { "files_a", fa, "files_b", fb, "label_a", c->a.label,
				       "label_b", c->b.label, NULL };

		plot_figure(h, "readlat-cdf.gp", vars,
		       "memory.stat read latency: CDF of every read, one line per run");
	}
	free(fa);
	free(fb);
}

/* Mean CPU per cgroup and side from the cpu rows, for cpu.gp. */
static void plot_cpu(struct plot_page *h, const struct comparison *c)
{
	struct strbuf t = STRBUF_INIT;
	char *file;
	size_t i, k, rows = 0;

	if (!h->tmp)
		return;
	sb_adds(&t, "cgroup\ta_cpu_s\tb_cpu_s\ta_system_s\tb_system_s\n");
	for (i = 0; i < c->nrows; i++) {
		const struct cmp_row *u = &c->rows[i], *s = NULL;
		size_t n = strlen(u->m.key);
		char *base;

		if (strncmp(u->m.key, "cpu:", 4) || n < 10 || strcmp(u->m.key + n - 6, ":usage"))
			continue;
		base = xstrndup(u->m.key, n - 6);
		for (k = 0; k < c->nrows && !s; k++) {
			char *sk = xasprintf("%s:system", base);

			if (!strcmp(c->rows[k].m.key, sk))
				s = &c->rows[k];
			free(sk);
		}
		sb_addf(&t, "%s\t%g\t%g\t%g\t%g\n", base + 4, u->a_mean, u->b_mean,
			s ? s->a_mean : NAN, s ? s->b_mean : NAN);
		rows++;
		free(base);
	}
	file = xasprintf("%s/cpu-per-cgroup.tsv", h->tmp);
	if (rows && !write_atomic(file, t.buf, t.len)) {
		const char *vars[] = { "file", file, "label_a", c->a.label, "label_b", c->b.label,
				       NULL };

		plot_figure(h, "cpu.gp", vars,
		       "CPU time per cgroup (cpu.tsv, end - start), mean over the runs of each side");
	}
	free(file);
	sb_release(&t);
}

/* The perf rows of the report (top symbols), as a TSV for perf-delta.gp. */
static void plot_perf(struct plot_page *h, const struct comparison *c)
{
	struct strbuf t = STRBUF_INIT;
	char *file;
	size_t i, rows = 0;

	if (!h->tmp)
		return;
	sb_adds(&t, "symbol\ta_pct\tb_pct\tdelta_pct\n");
	for (i = 0; i < c->nrows; i++) {
		const struct cmp_row *r = &c->rows[i];

		if (strcmp(r->m.group, "perf"))
			continue;
		sb_addf(&t, "%s\t%g\t%g\t%g\n", r->m.label, r->a_mean, r->b_mean, r->delta);
		rows++;
	}
	file = xasprintf("%s/perf-top.tsv", h->tmp);
	if (rows && !write_atomic(file, t.buf, t.len)) {
		const char *vars[] = { "file", file, "label_a", c->a.label, "label_b", c->b.label,
				       NULL };

		plot_figure(h, "perf-delta.gp", vars,
		       "perf: change of the share of the top kernel symbols (perf-symbols.tsv), "
		       "mean of each side");
	}
	free(file);
	sb_release(&t);
}

static const char *const rss_types[] = { "MM_FILEPAGES", "MM_ANONPAGES", "MM_SHMEMPAGES",
					  "MM_SWAPENTS" };

/* The columns of rss_stat.tsv read here, as mon-rss.c writes them. */
struct rss_ev_row {
	int64_t t_ns, mm_id, size;
	const char *type;
};
#define ROW struct rss_ev_row
#define AT(type, m) TSV_##type, offsetof(ROW, m)
static const struct tsv_bind rss_event_binds[] = {
	{ "t_ns", AT(I64, t_ns) }, { "mm_id", AT(I64, mm_id), 0, UINT32_MAX },
	{ "type", AT(STR, type) }, { "size_bytes", AT(I64, size) },
	{ NULL },
};
#undef AT
#undef ROW

/*
 * rss_stat.tsv of @dir as RSS by type over time: after every event the sum
 * over mms of each mm's latest size, one row per event (at most about 2000
 * rows: later events of a burst overwrite earlier ones). Written to @path.
 * Returns 0, 1 when there is nothing to plot (no rss_stat.tsv, no event,
 * @path not written), or -errno with @err for a file that is not what
 * mon-rss.c writes (a bad cell, a missing column).
 */
static int rss_series(const char *dir, const char *path, char *err, size_t errlen)
{
	struct strbuf out = STRBUF_INIT;
	struct u64map map = U64MAP_INIT;
	int64_t *last = NULL, sum[ARRAY_SIZE(rss_types)] = { 0 };
	size_t nlast = 0, r, step;
	double t_last = -1;
	struct tsv t = { 0 };
	struct rss_ev_row *ev = NULL;
	char *p = xasprintf("%s/rss_stat.tsv", dir);
	int ret = tsv_load(&t, p, err, errlen);

	free(p);
	if (ret == -ENOENT)
		return 1;
	if (!ret)
		ret = tsv_bind_rows(&t, rss_event_binds, sizeof(*ev), &ev, NULL, err, errlen);
	if (ret || !t.nrows) {
		ret = ret ? ret : 1;
		goto out;
	}
	step = t.nrows / 2000 + 1;
	sb_adds(&out, "t_s\tfile_bytes\tanon_bytes\tshmem_bytes\tswap_bytes\n");
	for (r = 0; r < t.nrows; r++) {
		int ti = name_index(rss_types, ARRAY_SIZE(rss_types), ev[r].type);
		uint64_t mm = (uint64_t)ev[r].mm_id;
		double ts = (double)ev[r].t_ns / 1e9;
		int64_t size = ev[r].size;
		uint32_t *slot;
		bool found;

		if (ti < 0)
			continue;
		slot = u64map_slot(&map, (mm << 3) | (uint64_t)ti, &found);
		if (!found) {
			last = xrealloc(last, (nlast + 1) * sizeof(*last));
			last[nlast] = 0;
			*slot = nlast++;
		}
		sum[ti] += size - last[*slot];
		last[*slot] = size;
		if (r % step && r + 1 < t.nrows)
			continue;
		if (ts == t_last)
			continue;
		t_last = ts;
		sb_addf(&out, "%.6f\t%lld\t%lld\t%lld\t%lld\n", ts, (long long)sum[0],
			(long long)sum[1], (long long)sum[2], (long long)sum[3]);
	}
	/* like the other plots' inputs in the scratch directory: no file, no figure */
	ret = write_atomic(path, out.buf, out.len) ? 1 : 0;
out:
	free(ev);
	tsv_release(&t);
	u64map_release(&map);
	free(last);
	sb_release(&out);
	return ret;
}

/* 0, or -errno with @err for an rss_stat.tsv of either side that cannot be read. */
static int plot_rss(struct plot_page *h, const struct comparison *c, char *err, size_t errlen)
{
	char *fa, *fb;
	int ret = 1, rb = 1;

	if (!h->tmp)
		return 0;
	fa = xasprintf("%s/rss-a.tsv", h->tmp);
	fb = xasprintf("%s/rss-b.tsv", h->tmp);
	if (c->a.n && c->b.n) {
		ret = rss_series(c->a.runs[0], fa, err, errlen);
		if (ret >= 0)
			rb = rss_series(c->b.runs[0], fb, err, errlen);
	}
	if (rb < 0)
		ret = rb;
	if (!ret && !rb) {
		const char *vars[] = { "file_a", fa, "file_b", fb, "label_a", c->a.label,
				       "label_b", c->b.label, NULL };

		plot_figure(h, "rss.gp", vars,
		       "rss_stat: RSS of the workload processes by type over time (rss_stat.tsv of "
		       "the first run of each side)");
	}
	free(fa);
	free(fb);
	return ret < 0 ? ret : 0;
}

static void fmt_cell(struct plot_page *h, enum metric_unit u, double v, bool sign)
{
	char b[32];

	sb_adds(&h->sb, "<td>");
	esc(h, metric_format(b, sizeof(b), u, v, sign));
	sb_adds(&h->sb, "</td>");
}

static void table_row(struct plot_page *h, const struct cmp_row *r)
{
	char b[64], lo[32], hi[32];

	sb_addf(&h->sb, "<tr class=\"%s\"><td>",
		r->verdict == VERDICT_REGRESSION ? "regression" :
		r->verdict == VERDICT_IMPROVEMENT ? "improvement" : "");
	esc(h, r->m.label);
	sb_addf(&h->sb, "</td><td>%zu / %zu</td>", r->a.n, r->b.n);
	fmt_cell(h, r->m.unit, r->a_median, false);
	fmt_cell(h, r->m.unit, r->a_mean, false);
	fmt_cell(h, r->m.unit, r->b_median, false);
	fmt_cell(h, r->m.unit, r->b_mean, false);
	fmt_cell(h, r->m.unit, r->delta, true);
	if (isnan(r->delta_pct))
		sb_adds(&h->sb, "<td>-</td>");
	else
		sb_addf(&h->sb, "<td>%+.1f%%</td>", r->delta_pct);
	if (r->method == CI_NONE) {
		sb_adds(&h->sb, "<td>-</td>");
	} else {
		snprintf(b, sizeof(b), "[%s, %s] %s",
			 metric_format(lo, sizeof(lo), r->m.unit, r->ci_lo, true),
			 metric_format(hi, sizeof(hi), r->m.unit, r->ci_hi, true),
			 ci_method_name(r->method));
		sb_adds(&h->sb, "<td>");
		esc(h, b);
		sb_adds(&h->sb, "</td>");
	}
	fmt_cell(h, r->m.unit, r->threshold, false);
	if (compare_row_one_side(r))
		sb_addf(&h->sb, "<td class=\"v\">%s, no verdict</td></tr>\n",
			compare_row_one_side(r));
	else if (r->verdict == VERDICT_NONE)
		sb_addf(&h->sb, "<td class=\"v\">n=%zu, no significance</td></tr>\n",
			r->a.n < r->b.n ? r->a.n : r->b.n);
	else
		sb_addf(&h->sb, "<td class=\"v\">%s</td></tr>\n", verdict_name(r->verdict));
}

static void tables(struct plot_page *h, const struct comparison *c)
{
	const char *group = NULL;
	char *origin = compare_origin(c);
	size_t i;

	for (i = 0; i < c->nrows; i++) {
		const struct cmp_row *r = &c->rows[i];

		if (!group || strcmp(group, r->m.group)) {
			if (group)
				sb_adds(&h->sb, "</table>\n");
			group = r->m.group;
			sb_adds(&h->sb, "<h2>");
			esc(h, compare_group_title(group));
			sb_adds(&h->sb, "</h2>\n<p class=\"source\">");
			esc(h, origin);
			sb_adds(&h->sb, "</p>\n<table>\n<tr><th>metric</th><th>n A / B</th><th>");
			esc(h, c->a.label);
			sb_adds(&h->sb, " median</th><th>");
			esc(h, c->a.label);
			sb_adds(&h->sb, " mean</th><th>");
			esc(h, c->b.label);
			sb_adds(&h->sb, " median</th><th>");
			esc(h, c->b.label);
			sb_adds(&h->sb, " mean</th><th>delta</th><th>delta %</th><th>95% CI</th>"
				"<th>threshold</th><th>verdict</th></tr>\n");
		}
		table_row(h, r);
	}
	if (group)
		sb_adds(&h->sb, "</table>\n");
	free(origin);
}

static void sigma_cell(struct plot_page *h, const struct dvec *v)
{
	double sd = compare_rel_sd(v);

	if (isnan(sd))
		sb_adds(&h->sb, "<td>-</td>");
	else
		sb_addf(&h->sb, "<td>%.0f%%</td>", sd);
}

/* What else changed: the first --changed N listed keys of stat-delta.tsv (none: nothing). */
static void changed_table(struct plot_page *h, const struct comparison *c)
{
	size_t i, n = c->nchanged < c->changed_top ? c->nchanged : c->changed_top;

	if (!c->nchanged_all)
		return;
	sb_adds(&h->sb, "<h2>What else changed</h2>\n<p class=\"source\">");
	if (compare_changed_values_only(c))
		sb_addf(&h->sb, "%s, n=%zu/%zu: values only, no significance; %zu of the %zu keys "
			"that moved (of %zu)", CHANGED_FILE, c->a.n, c->b.n, n, c->nchanged,
			c->nchanged_all);
	else
		sb_addf(&h->sb, "%s, n=%zu/%zu: %zu of %zu keys changed (the 95%% CI excludes 0, "
			"|change| &gt; max(%.0f%% of A, A/A floor)); the first %zu", CHANGED_FILE,
			c->a.n, c->b.n, c->nchanged, c->nchanged_all, 100 * CHANGED_THR_REL, n);
	sb_adds(&h->sb, "</p>\n");
	if (!n)
		return;
	sb_adds(&h->sb, "<table>\n<tr><th>");
	esc(h, c->a.label);
	sb_adds(&h->sb, " mean</th><th>&plusmn;</th><th>%change</th><th>");
	esc(h, c->b.label);
	sb_adds(&h->sb, " mean</th><th>&plusmn;</th><th>key</th></tr>\n");
	for (i = 0; i < n; i++) {
		const struct cmp_row *r = &c->changed[i];

		sb_adds(&h->sb, "<tr>");
		fmt_cell(h, r->m.unit, r->a_mean, false);
		sigma_cell(h, &r->a);
		if (isnan(r->delta_pct))
			fmt_cell(h, r->m.unit, r->delta, true);
		else
			sb_addf(&h->sb, "<td>%+.1f%%</td>", r->delta_pct);
		fmt_cell(h, r->m.unit, r->b_mean, false);
		sigma_cell(h, &r->b);
		sb_adds(&h->sb, "<td class=\"v\">");
		esc(h, r->m.label);
		sb_adds(&h->sb, "</td></tr>\n");
	}
	sb_adds(&h->sb, "</table>\n");
}

static void header(struct plot_page *h, const struct comparison *c)
{
	const struct cmp_side *sides[2] = { &c->a, &c->b };
	const struct meta *m = &c->a.metas[0];
	char *v = compare_verdict_line(c), *note, dur[32];
	size_t i, k;

	sb_adds(&h->sb, "<h1>patchbench compare: ");
	esc(h, c->a.label);
	sb_adds(&h->sb, " (A) vs ");
	esc(h, c->b.label);
	sb_addf(&h->sb, " (B)</h1>\n<p class=\"verdict%s\">Verdict: ", c->nreg ? " bad" : "");
	esc(h, v);
	sb_adds(&h->sb, "</p>\n<table>\n<tr><th>side</th><th>kernel</th><th>release</th>"
		"<th>series</th><th>config sha256</th><th>target</th><th>perf event</th>"
		"<th>runs</th><th>first run</th></tr>\n");
	for (k = 0; k < 2; k++) {
		const struct cmp_side *s = sides[k];
		const struct meta *sm = &s->metas[0];

		sb_addf(&h->sb, "<tr><td>%c</td><td>", k ? 'B' : 'A');
		esc(h, s->label);
		sb_adds(&h->sb, "</td><td>");
		esc(h, sm->kernel_release ? sm->kernel_release : "?");
		sb_adds(&h->sb, "</td><td>");
		esc(h, sm->series ? sm->series : "none");
		sb_adds(&h->sb, "</td><td>");
		esc(h, sm->config_hash ? sm->config_hash : "unknown");
		sb_adds(&h->sb, "</td><td>");
		esc(h, compare_target_desc(s));
		sb_adds(&h->sb, "</td><td>");
		esc(h, sm->perf_event ? sm->perf_event : "none");
		sb_addf(&h->sb, "</td><td>%zu</td><td>", s->n);
		esc(h, sm->start ? sm->start : "?");
		sb_adds(&h->sb, "</td></tr>\n");
	}
	sb_adds(&h->sb, "</table>\n<ul>\n<li>workloads ");
	esc(h, m->workloads ? m->workloads : "?");
	sb_addf(&h->sb, ", scale ");
	esc(h, m->scale ? m->scale : "?");
	sb_addf(&h->sb, ", tree depth %d, %d builders -j%d, %d idle, cgroup ", m->depth,
		m->builders, m->jobs, m->idle);
	esc(h, m->cgroup_version ? m->cgroup_version : "?");
	sb_addf(&h->sb, ", %d CPUs, samples every %s</li>\n", m->cpus,
		fmt_duration(dur, sizeof(dur), m->interval_ns));
	if (c->pairs)
		sb_addf(&h->sb, "<li>95%% CI of mean(B - A) over %zu pairs: paired t, both runs of "
			"a pair on one machine</li>\n", c->pairs);
	else
		sb_addf(&h->sb, "<li>95%% CI of mean(B) - mean(A): %s; bootstrap %u resamples, "
			"seed %#llx</li>\n", c->ci == CI_CHOICE_WELCH ? "Welch t" :
			c->ci == CI_CHOICE_BOOTSTRAP ? "percentile bootstrap" :
			"Welch t below 8 runs per side, else percentile bootstrap", c->iters,
			(unsigned long long)c->seed);
	sb_addf(&h->sb, "<li>verdict: the CI excludes 0 and |delta| &gt; threshold = max(metric "
		"default%s)</li>\n", c->noise_src ? ", A/A noise floor" : "");
	{
		char *st = compare_student_desc(c);

		if (st)
			sb_addf(&h->sb, "<li>%s</li>\n", st);
		free(st);
	}
	{
		char *fam = compare_family_desc(c);

		if (fam)
			sb_addf(&h->sb, "<li>%s</li>\n", fam);
		free(fam);
	}
	if (c->noise_src) {
		sb_adds(&h->sb, "<li>A/A noise floor from <code>");
		esc(h, c->noise_src);
		sb_adds(&h->sb, "</code></li>\n");
	}
	if (m->target && !strcmp(m->target, "vm-tcg"))
		sb_adds(&h->sb, "<li class=\"note\">TCG-emulated: timings are not comparable with "
			"host or KVM runs</li>\n");
	sb_adds(&h->sb, "</ul>\n");
	if (c->ndiffs) {
		sb_addf(&h->sb, "<div class=\"diffs\"><b>Inputs differ%s:</b><ul>\n",
			c->forced ? " (compared anyway, --force)" : "");
		for (i = 0; i < c->ndiffs; i++) {
			sb_adds(&h->sb, "<li>");
			esc(h, c->diffs[i]);
			sb_adds(&h->sb, "</li>\n");
		}
		sb_adds(&h->sb, "</ul></div>\n");
	}
	if (c->env.n) {
		note = envdiff_refusal(&c->env);
		if (note) {
			sb_adds(&h->sb, "<p class=\"note\"><b>Warning (--force):</b> ");
			esc(h, note);
			sb_adds(&h->sb, "</p>\n");
		}
		free(note);
		sb_adds(&h->sb, "<div class=\"diffs\"><b>Environment differs:</b><ul>\n");
		for (i = 0; i < c->env.n; i++) {
			note = envdiff_line(&c->env.keys[i]);
			sb_adds(&h->sb, "<li>");
			esc(h, note);
			sb_adds(&h->sb, "</li>\n");
			free(note);
		}
		sb_adds(&h->sb, "</ul></div>\n");
	}
	note = compare_one_side_note(c);
	if (note) {
		sb_adds(&h->sb, "<p class=\"note\"><b>Note:</b> ");
		esc(h, note);
		sb_adds(&h->sb, "</p>\n");
	}
	free(note);
	free(v);
}

/**
 * compare_print_html - the comparison as one self-contained HTML file
 * @c: a computed comparison whose run directories still exist (for plots)
 * @out: where to
 * @err: receives the reason on failure
 * @errlen: size of @err
 *
 * Return: 0, or -errno when @out cannot be written or a run's rss_stat.tsv
 * is malformed (nothing is written then). Plots that cannot be made are
 * notes in the page, not errors.
 */
int compare_print_html(const struct comparison *c, FILE *out, char *err, size_t errlen)
{
	struct plot_page h;
	int ret = 0;

	plot_page_init(&h);
	sb_adds(&h.sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<title>patchbench compare: ");
	esc(&h, c->a.label);
	sb_adds(&h.sb, " vs ");
	esc(&h, c->b.label);
	sb_addf(&h.sb, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
	header(&h, c);
	sb_adds(&h.sb, "<h2>Plots</h2>\n<div class=\"plots\">\n");
	plot_drift(&h, c);
	plot_readlat(&h, c);
	plot_cpu(&h, c);
	ret = plot_rss(&h, c, err, errlen);
	if (ret)
		goto out;
	plot_perf(&h, c);
	sb_adds(&h.sb, "</div>\n");
	tables(&h, c);
	changed_table(&h, c);
	sb_addf(&h.sb, "<footer>patchbench %s compare, schema %d</footer>\n</body>\n</html>\n",
		PATCHBENCH_VERSION, COMPARE_SCHEMA);
	if (fwrite(h.sb.buf, 1, h.sb.len, out) != h.sb.len || fflush(out)) {
		ret = -errno;
		snprintf(err, errlen, "cannot write the html report: %s", strerror(errno));
	}
out:
	plot_page_release(&h);
	return ret;
}
