// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - the summary of one result directory, computed from its TSV
 * files and meta.json only (so "patchbench report" and the end of
 * "patchbench run" print the same thing).
 */
#include "report.h"
#include "json.h"
#include "resultdir.h"
#include "stats.h"
#include "tsv.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHECKS 8
#define MAX_LEVELS 32

struct check_sum {
	char *name;
	struct dvec err;	/* abs error per row */
	double bound;		/* largest bound seen */
	size_t over;		/* rows over their bound */
	double max_err;
	char *max_where;	/* "cgroup key" of the max */
};

struct level_sum {
	struct dvec lat;	/* memory.stat read latency, ns */
	char *example;		/* one cgroup of that level */
};

struct builder {
	char *cgroup;
	double wall_ms;
	int exit;
	char *state;
	double cpu_us, sys_us;
};

struct summary {
	struct meta meta;
	struct check_sum checks[MAX_CHECKS];
	size_t nchecks;
	struct level_sum levels[MAX_LEVELS];
	struct builder *b;
	size_t nb;
	bool have_drift, have_lat;
};

static const char *last_part(const char *p)
{
	const char *s = strrchr(p, '/');

	return s && s[1] ? s + 1 : p;
}

static struct check_sum *get_check(struct summary *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nchecks; i++)
		if (!strcmp(s->checks[i].name, name))
			return &s->checks[i];
	if (s->nchecks == MAX_CHECKS)
		return NULL;
	s->checks[s->nchecks].name = xstrdup(name);
	return &s->checks[s->nchecks++];
}

static int load(const char *dir, const char *file, struct tsv *t, bool required)
{
	char err[512];
	char *p = xasprintf("%s/%s", dir, file);
	int ret = tsv_load(t, p, err, sizeof(err));

	if (ret && (required || ret != -ENOENT))
		pr_err("%s", err);
	free(p);
	return ret;
}

static int load_drift(struct summary *s, const char *dir)
{
	struct tsv t = { 0 };
	int c_check, c_cg, c_key, c_err, c_bound;
	size_t r;

	if (load(dir, "drift.tsv", &t, false))
		return 0;
	c_check = tsv_col(&t, "check");
	c_cg = tsv_col(&t, "cgroup");
	c_key = tsv_col(&t, "key");
	c_err = tsv_col(&t, "abs_err_bytes");
	c_bound = tsv_col(&t, "bound_bytes");
	if (c_check < 0 || c_err < 0 || c_bound < 0) {
		pr_err("'%s/drift.tsv': missing column check, abs_err_bytes or bound_bytes", dir);
		tsv_release(&t);
		return -EINVAL;
	}
	s->have_drift = true;
	for (r = 0; r < t.nrows; r++) {
		struct check_sum *c = get_check(s, tsv_get(&t, r, c_check));
		double e = tsv_get_num(&t, r, c_err), b = tsv_get_num(&t, r, c_bound);

		if (!c || isnan(e))
			continue;
		dvec_push(&c->err, e);
		if (b > c->bound)
			c->bound = b;
		if (e > b)
			c->over++;
		if (e >= c->max_err) {
			c->max_err = e;
			free(c->max_where);
			c->max_where = xasprintf("%s %s", last_part(tsv_get(&t, r, c_cg)),
						 tsv_get(&t, r, c_key));
		}
	}
	tsv_release(&t);
	return 0;
}

static int load_latency(struct summary *s, const char *dir)
{
	struct tsv t = { 0 };
	int c_file, c_level, c_lat, c_cg;
	size_t r;

	if (load(dir, "readlat.tsv", &t, false))
		return 0;
	c_file = tsv_col(&t, "file");
	c_level = tsv_col(&t, "level");
	c_lat = tsv_col(&t, "latency_ns");
	c_cg = tsv_col(&t, "cgroup");
	if (c_file < 0 || c_level < 0 || c_lat < 0) {
		pr_err("'%s/readlat.tsv': missing column file, level or latency_ns", dir);
		tsv_release(&t);
		return -EINVAL;
	}
	s->have_lat = true;
	for (r = 0; r < t.nrows; r++) {
		double lv = tsv_get_num(&t, r, c_level);
		struct level_sum *l;

		if (strcmp(tsv_get(&t, r, c_file), "memory.stat") || isnan(lv) || lv < 0 ||
		    lv >= MAX_LEVELS)
			continue;
		l = &s->levels[(int)lv];
		dvec_push(&l->lat, tsv_get_num(&t, r, c_lat));
		if (!l->example)
			l->example = xstrdup(tsv_get(&t, r, c_cg));
	}
	tsv_release(&t);
	return 0;
}

static void load_builders(struct summary *s, const char *dir)
{
	struct tsv w = { 0 }, c = { 0 };
	size_t r, k;
	bool have_cpu;

	if (load(dir, "workloads.tsv", &w, false))
		return;
	have_cpu = !load(dir, "cpu.tsv", &c, false);
	for (r = 0; r < w.nrows; r++) {
		struct builder *b;
		const char *cg = tsv_get(&w, r, tsv_col(&w, "cgroup"));

		if (strcmp(tsv_get(&w, r, tsv_col(&w, "workload")), "kernelbuild") &&
		    strcmp(tsv_get(&w, r, tsv_col(&w, "workload")), "kmem-churn"))
			continue;
		s->b = xrealloc(s->b, (s->nb + 1) * sizeof(*s->b));
		b = &s->b[s->nb++];
		memset(b, 0, sizeof(*b));
		b->cgroup = xstrdup(cg);
		b->wall_ms = tsv_get_num(&w, r, tsv_col(&w, "wall_ms"));
		b->exit = (int)tsv_get_num(&w, r, tsv_col(&w, "exit"));
		b->state = xstrdup(tsv_get(&w, r, tsv_col(&w, "state")));
		b->cpu_us = b->sys_us = NAN;
		if (!have_cpu)
			continue;
		{
			double u0 = NAN, u1 = NAN, s0 = NAN, s1 = NAN;

			for (k = 0; k < c.nrows; k++) {
				const char *ph = tsv_get(&c, k, tsv_col(&c, "phase"));
				double u = tsv_get_num(&c, k, tsv_col(&c, "usage_usec"));
				double sy = tsv_get_num(&c, k, tsv_col(&c, "system_usec"));

				if (strcmp(tsv_get(&c, k, tsv_col(&c, "cgroup")), cg))
					continue;
				if (!strcmp(ph, "start")) {
					u0 = u;
					s0 = sy;
				} else if (!strcmp(ph, "end")) {
					u1 = u;
					s1 = sy;
				}
			}
			b->cpu_us = u1 - u0;
			b->sys_us = s1 - s0;
		}
	}
	tsv_release(&w);
	tsv_release(&c);
}

static void summary_release(struct summary *s)
{
	size_t i;

	meta_release(&s->meta);
	for (i = 0; i < s->nchecks; i++) {
		free(s->checks[i].name);
		free(s->checks[i].max_where);
		dvec_release(&s->checks[i].err);
	}
	for (i = 0; i < MAX_LEVELS; i++) {
		dvec_release(&s->levels[i].lat);
		free(s->levels[i].example);
	}
	for (i = 0; i < s->nb; i++) {
		free(s->b[i].cgroup);
		free(s->b[i].state);
	}
	free(s->b);
}

static const char *nz(const char *s)
{
	return s && *s ? s : "unknown";
}

/* Print @text after @lead, folded at spaces to fit 72 columns. */
static void print_wrapped(FILE *out, const char *lead, const char *text)
{
	size_t col = strlen(lead), len;
	const char *p = text;
	bool first = true;

	fputs(lead, out);
	for (;;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		len = strcspn(p, " ");
		if (!first && col + 1 + len > 72) {
			fputs("\n    ", out);
			col = 4;
		} else if (!first) {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, len, out);
		col += len;
		p += len;
		first = false;
	}
	fputc('\n', out);
}

static void print_text(struct summary *s, FILE *out)
{
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
	if (m->error)
		print_wrapped(out, "  error: ", m->error);

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
	if (s->nb) {
		fprintf(out, "\nWorkloads (wall and cgroup CPU time, seconds)\n");
		fprintf(out, "  %-18s %9s %9s %9s %5s %s\n", "cgroup", "wall", "cpu", "system",
			"exit", "state");
		for (i = 0; i < s->nb; i++) {
			struct builder *bd = &s->b[i];

			fprintf(out, "  %-18.18s %9.1f %9.1f %9.1f %5d %s\n", last_part(bd->cgroup),
				bd->wall_ms / 1e3, bd->cpu_us / 1e6, bd->sys_us / 1e6, bd->exit,
				bd->state);
		}
	}
}

static void print_json(struct summary *s, FILE *out)
{
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
	for (i = 0; i < s->nb; i++) {
		jw_obj_begin(&w);
		jw_kstr(&w, "cgroup", s->b[i].cgroup);
		jw_kdouble(&w, "wall_s", s->b[i].wall_ms / 1e3);
		jw_kdouble(&w, "cpu_s", s->b[i].cpu_us / 1e6);
		jw_kdouble(&w, "system_s", s->b[i].sys_us / 1e6);
		jw_kint(&w, "exit", s->b[i].exit);
		jw_kstr(&w, "state", s->b[i].state);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	fprintf(out, "%s\n", sb.buf);
	sb_release(&sb);
}

int report_print_dir(const char *dir, enum report_format fmt, FILE *out)
{
	struct summary s;
	char err[512];
	int ret;

	memset(&s, 0, sizeof(s));
	if (!is_dir(dir)) {
		pr_err("result directory '%s' does not exist", dir);
		return -ENOENT;
	}
	ret = meta_load(&s.meta, dir, err, sizeof(err));
	if (ret) {
		pr_err("%s", err);
		goto out;
	}
	ret = load_drift(&s, dir);
	if (!ret)
		ret = load_latency(&s, dir);
	if (ret)
		goto out;
	load_builders(&s, dir);
	if (fmt == REPORT_JSON)
		print_json(&s, out);
	else
		print_text(&s, out);
out:
	summary_release(&s);
	return ret;
}
