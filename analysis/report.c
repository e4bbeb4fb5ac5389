// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - the summary of one result directory, computed from its TSV
 * files and meta.json only (so "patchbench report" and the end of
 * "patchbench run" print the same thing). Loading is metrics.c's.
 */
#include "report.h"
#include "report-insn.h"
#include "report-perf.h"
#include "json.h"
#include "metrics.h"
#include "resultdir.h"
#include "stats.h"
#include "tsv.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LEVELS METRICS_MAX_LEVELS
#define last_part metrics_last_part

/* report shows the workloads that end by themselves: builders and kmem-churn */
static bool shown(const struct wl_sum *w)
{
	return !strcmp(w->workload, "kernelbuild") || !strcmp(w->workload, "kmem-churn");
}

static const char *nz(const char *s)
{
	return s && *s ? s : "unknown";
}

/* The memcg workloads whose results are files of their own (workloads/memcg-wl.h). */
static const char *const wl_sources[] = { "page-fault", "reclaim", "cgroup-churn" };

/*
 * Their metrics, as compare reads them, into @ms (the sources the run has).
 * Return: 0, or -errno with @err naming the file.
 */
static int wl_results(const struct run_summary *s, const char *dir, struct metric_set *ms,
		      char *err, size_t errlen)
{
	size_t i;
	int ret = 0;

	metric_set_init(ms);
	for (i = 0; !ret && i < ARRAY_SIZE(wl_sources); i++) {
		const struct metric_source *src = metric_source_find(wl_sources[i]);
		char *p = xasprintf("%s/%s", dir, src ? src->file : "");

		if (src && path_exists(p))
			ret = src->extract(s, dir, ms, err, errlen);
		free(p);
	}
	return ret;
}

static void print_wl_results(const struct run_summary *s, const char *dir, FILE *out)
{
	struct metric_set ms;
	char err[512], v[32];
	const char *group = NULL;
	size_t i;

	if (wl_results(s, dir, &ms, err, sizeof(err))) {
		text_wrap(out, "\nWorkload results: ", 4, err, 72);
	} else if (ms.n) {
		fprintf(out, "\nWorkload results (the workloads' own files)\n");
		for (i = 0; i < ms.n; i++) {
			const struct metric *m = &ms.m[i];

			if (!group || strcmp(group, m->group))
				fprintf(out, "  %s\n", m->group);
			group = m->group;
			fprintf(out, "    %-30.30s %12s\n", m->label,
				metric_format(v, sizeof(v), m->unit, m->value, false));
		}
	}
	metric_set_release(&ms);
}

static void wl_results_json(const struct run_summary *s, const char *dir, struct json_writer *w)
{
	struct metric_set ms;
	char err[512];
	size_t i;

	if (wl_results(s, dir, &ms, err, sizeof(err))) {
		jw_kstr(w, "workload_results_error", err);
	} else if (ms.n) {
		jw_key(w, "workload_results");
		jw_arr_begin(w);
		for (i = 0; i < ms.n; i++) {
			jw_obj_begin(w);
			jw_kstr(w, "workload", ms.m[i].group);
			jw_kstr(w, "key", ms.m[i].key);
			jw_kstr(w, "label", ms.m[i].label);
			jw_kstr(w, "unit", metric_unit_name(ms.m[i].unit));
			jw_kdouble(w, "value", ms.m[i].value);
			jw_obj_end(w);
		}
		jw_arr_end(w);
	}
	metric_set_release(&ms);
}

/* What the writers of the summary read. */
struct report_data {
	struct run_summary *s;
	const char *dir;
};

static int print_text(const void *data, FILE *out, char *err, size_t errlen)
{
	const struct report_data *r = data;
	struct run_summary *s = r->s;
	const struct meta *m = &s->meta;
	char a[32], b[32], c[32];
	size_t i;

	fprintf(out, "patchbench run %s: %s\n", nz(m->run_id), nz(m->status));
	fprintf(out, "  target %s, kernel %s%s%s%s, series %s, config %.12s\n", nz(m->target),
		m->kernel_name ? m->kernel_name : "", m->kernel_name ? " (" : "",
		nz(m->kernel_release), m->kernel_name ? ")" : "",
		m->series && *m->series ? m->series : "none",
		m->config_hash ? m->config_hash : "unknown");
	if (m->target && !strcmp(m->target, "vm-tcg"))
		fprintf(out, "  TCG-emulated: timings are not comparable with host or KVM runs\n");
	fprintf(out, "  cgroup %s, %d CPUs, page %d, perf event %s\n", nz(m->cgroup_version),
		m->cpus, m->page_size, nz(m->perf_event));
	fprintf(out, "  workloads %s, scale %s\n", nz(m->workloads), nz(m->scale));
	fprintf(out, "  tree depth %d, %d builders -j%d, %d idle\n", m->depth, m->builders, m->jobs, m->idle);
	fprintf(out, "  %llu samples every %s over %.1fs, 1 repeat\n",
		(unsigned long long)m->samples, fmt_duration(a, sizeof(a), m->interval_ns),
		m->duration_s);
	if (m->missed_intervals > 0)
		fprintf(out, "  %llu intervals missed by the sampler (%.0f%% of the grid)\n",
			(unsigned long long)m->missed_intervals,
			100.0 * (double)m->missed_intervals /
			(double)(m->missed_intervals + m->samples));
	if (m->error)
		text_wrap(out, "  error: ", 4, m->error, 72);
	if (m->notes)
		text_wrap(out, "  notes: ", 4, m->notes, 72);

	if (s->have_drift) {
		fprintf(out, "\nStat drift, absolute error in bytes (bound = %d x %d x %d CPUs x\n"
			"cgroups in the subtree)\n", m->batch, m->page_size, m->cpus);
		fprintf(out, "  %-19s %7s %9s %9s %9s %6s\n", "check", "rows", "max", "p99",
			"bound", "over");
		for (i = 0; i < s->nchecks; i++) {
			struct check_sum *k = &s->checks[i];
			double p99 = stats_percentile(k->err.v, k->err.n, 99);

			fprintf(out, "  %-19s %7zu %9s %9s %9s %5.1f%%\n", k->name, k->err.n,
				fmt_size(a, sizeof(a), k->max_err), fmt_size(b, sizeof(b), p99),
				fmt_size(c, sizeof(c), k->bound),
				k->err.n ? 100.0 * k->over / k->err.n : 0);
		}
		for (i = 0; i < s->nchecks; i++)
			fprintf(out, "  worst %s: %s\n", s->checks[i].name,
				s->checks[i].max_where ? s->checks[i].max_where : "-");
		if (!s->nchecks)
			fprintf(out, "  (no drift rows)\n");
	}
	if (s->have_lat) {
		fprintf(out, "\nmemory.stat read latency per tree level (us)\n");
		fprintf(out, "  %-5s %-18s %7s %9s %9s\n", "level", "cgroup", "reads", "p50", "p99");
		for (i = 0; i < MAX_LEVELS; i++) {
			struct level_sum *l = &s->levels[i];

			if (!l->lat.n)
				continue;
			fprintf(out, "  %-5zu %-18.18s %7zu %9.1f %9.1f\n", i,
				last_part(l->example), l->lat.n,
				stats_percentile(l->lat.v, l->lat.n, 50) / 1e3,
				stats_percentile(l->lat.v, l->lat.n, 99) / 1e3);
		}
	}
	for (i = 0; i < s->nwl && !shown(&s->wl[i]); i++)
		;
	if (i < s->nwl) {
		fprintf(out, "\nWorkloads (wall and cgroup CPU time, seconds)\n");
		fprintf(out, "  %-18s %9s %9s %9s %5s %s\n", "cgroup", "wall", "cpu", "system",
			"exit", "state");
		for (i = 0; i < s->nwl; i++) {
			struct wl_sum *bd = &s->wl[i];

			if (!shown(bd))
				continue;
			fprintf(out, "  %-18.18s %9.1f %9.1f %9.1f %5d %s\n", last_part(bd->cgroup),
				bd->wall_ms / 1e3, bd->cpu_us / 1e6, bd->sys_us / 1e6, bd->exit,
				bd->state);
		}
	}
	print_wl_results(s, r->dir, out);
	report_insn_text(s, r->dir, out);
	report_perf_text(r->dir, m->perf_event, out);
	return 0;
}

static int print_json(const void *data, FILE *out, char *err, size_t errlen)
{
	const struct report_data *r = data;
	struct run_summary *s = r->s;
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	size_t i;

	jw_init(&w, &sb);
	jw_obj_begin(&w);
	jw_kint(&w, "schema", 1);
	jw_key(&w, "meta");
	meta_jw(&s->meta, &w);
	jw_key(&w, "drift");
	jw_arr_begin(&w);
	for (i = 0; i < s->nchecks; i++) {
		struct check_sum *k = &s->checks[i];

		jw_obj_begin(&w);
		jw_kstr(&w, "check", k->name);
		jw_kuint(&w, "rows", k->err.n);
		jw_kdouble(&w, "max_abs_err_bytes", k->max_err);
		jw_kdouble(&w, "p99_abs_err_bytes", stats_percentile(k->err.v, k->err.n, 99));
		jw_kdouble(&w, "bound_bytes", k->bound);
		jw_kuint(&w, "rows_over_bound", k->over);
		jw_kstr(&w, "max_at", k->max_where);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "read_latency");
	jw_arr_begin(&w);
	for (i = 0; i < MAX_LEVELS; i++) {
		struct level_sum *l = &s->levels[i];

		if (!l->lat.n)
			continue;
		jw_obj_begin(&w);
		jw_kint(&w, "level", (int64_t)i);
		jw_kstr(&w, "example_cgroup", l->example);
		jw_kuint(&w, "reads", l->lat.n);
		jw_kdouble(&w, "p50_ns", stats_percentile(l->lat.v, l->lat.n, 50));
		jw_kdouble(&w, "p99_ns", stats_percentile(l->lat.v, l->lat.n, 99));
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "workloads");
	jw_arr_begin(&w);
	for (i = 0; i < s->nwl; i++) {
		if (!shown(&s->wl[i]))
			continue;
		jw_obj_begin(&w);
		jw_kstr(&w, "cgroup", s->wl[i].cgroup);
		jw_kdouble(&w, "wall_s", s->wl[i].wall_ms / 1e3);
		jw_kdouble(&w, "cpu_s", s->wl[i].cpu_us / 1e6);
		jw_kdouble(&w, "system_s", s->wl[i].sys_us / 1e6);
		jw_kint(&w, "exit", s->wl[i].exit);
		jw_kstr(&w, "state", s->wl[i].state);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	wl_results_json(s, r->dir, &w);
	report_perf_json(r->dir, &w);
	report_insn_json(s, r->dir, &w);
	jw_obj_end(&w);
	fprintf(out, "%s\n", sb.buf);
	sb_release(&sb);
	return 0;
}

static const struct out_writer report_writers[] = {
	{ FMT_TEXT, print_text }, { FMT_JSON, print_json }, { 0 },
};

int report_print(struct run_summary *s, const char *dir, enum out_format fmt, FILE *out,
		 char *err, size_t errlen)
{
	struct report_data r = { s, dir };

	return out_format_write(report_writers, fmt, &r, out, err, errlen);
}

int report_print_dir(const char *dir, enum out_format fmt, FILE *out)
{
	struct run_summary s;
	char err[512];
	int ret;

	ret = run_summary_load(&s, dir, err, sizeof(err));
	if (!ret)
		ret = report_print(&s, dir, fmt, out, err, sizeof(err));
	if (ret)
		pr_err("%s", err);
	run_summary_release(&s);
	return ret;
}
