// SPDX-License-Identifier: GPL-2.0
/*
 * cmd-perfdiff.c - "patchbench perfdiff A B": the per-symbol overhead table
 * of the cover letter, between two result directories or two groups of
 * repeats.
 */
#include "builtin.h"
#include "format.h"
#include "options.h"
#include "perf.h"
#include "perfdiff.h"
#include "perfsym.h"
#include "resultdir.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct perfdiff_opts {
	int top;
	bool kernel_only;
	char *format;
};

static const struct option perfdiff_options[] = {
	{ "top", 'n', OPT_INT, offsetof(struct perfdiff_opts, top), "10", "N",
	  "symbols to show, largest |delta| first (0: all)", NULL, 0, 1000000 },
	{ "kernel-only", 'k', OPT_BOOL, offsetof(struct perfdiff_opts, kernel_only), NULL, NULL,
	  "only kernel ([k]) symbols" },
	{ "format", 'F', OPT_CHOICE, offsetof(struct perfdiff_opts, format), "text", "FMT",
	  "output format", out_formats_text_tsv_json },
	{ NULL },
};

struct side {
	struct perfdiff_side info;
	struct perfsym_list *runs;
	char *event, *kernels;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_meta(const char *dir)
{
	char *p = xasprintf("%s/meta.json", dir);
	bool yes = path_exists(p);

	free(p);
	return yes;
}

/* @path itself if it is a result directory, else its subdirectories that are. */
static int expand(struct side *s, const char *path)
{
	DIR *d;
	struct dirent *de;

	s->info.label = path;
	if (has_meta(path)) {
		s->info.dirs = xcalloc(1, sizeof(char *));
		s->info.dirs[s->info.n++] = xstrdup(path);
		return 0;
	}
	d = opendir(path);
	if (!d) {
		pr_err("cannot open '%s': %s", path, strerror(errno));
		return -errno;
	}
	while ((de = readdir(d))) {
		char *sub;

		if (de->d_name[0] == '.')
			continue;
		sub = xasprintf("%s/%s", path, de->d_name);
		if (is_dir(sub) && has_meta(sub)) {
			s->info.dirs = xrealloc(s->info.dirs, (s->info.n + 1) * sizeof(char *));
			s->info.dirs[s->info.n++] = sub;
		} else {
			free(sub);
		}
	}
	closedir(d);
	if (!s->info.n) {
		pr_err("'%s' is neither a result directory nor a directory of result "
		       "directories (no meta.json)", path);
		return -ENOENT;
	}
	qsort(s->info.dirs, s->info.n, sizeof(char *), cmp_str);
	return 0;
}

/* Append @v to the ", "-separated list @sb unless it is there already. */
static void add_unique(struct strbuf *sb, const char *v)
{
	char **have = strv_split(sb->buf ? sb->buf : "", ',');
	bool dup = false;
	size_t i;

	for (i = 0; have[i]; i++)
		if (!strcmp(have[i] + strspn(have[i], " "), v))
			dup = true;
	strv_free(have);
	if (!dup)
		sb_addf(sb, "%s%s", sb->len ? ", " : "", v);
}

static int load_run(struct side *s, size_t i, struct strbuf *events, struct strbuf *kernels)
{
	const char *dir = s->info.dirs[i];
	char *data = xasprintf("%s/perf.data", dir), *tsv = xasprintf("%s/perf-symbols.tsv", dir);
	char err[512];
	struct meta m;
	int ret;

	perfsym_list_init(&s->runs[i]);
	if (!meta_load(&m, dir, err, sizeof(err))) {
		add_unique(events, m.perf_event && strcmp(m.perf_event, "none") ? m.perf_event :
		    "unknown");
		add_unique(kernels, m.kernel_release ? m.kernel_release : "unknown");
		meta_release(&m);
	} else {
		add_unique(events, "unknown");
		add_unique(kernels, "unknown");
	}
	/*
	 * A damaged profile must not pass for a clean one; but with the TSV at
	 * hand a perf.data this user may not read (root's, mode 0600) is not
	 * needed, and not checked.
	 */
	if (path_exists(data) && (!path_exists(tsv) || !access(data, R_OK))) {
		ret = perfsym_check_data(data, err, sizeof(err));
		if (ret) {
			pr_err("%s", err);
			goto out;
		}
	}
	if (path_exists(tsv)) {
		ret = perfsym_load_tsv(&s->runs[i], tsv, err, sizeof(err));
	} else if (path_exists(data)) {
		char *perf = perf_find();

		if (!perf) {
			pr_err("'%s' has no perf-symbols.tsv and there is no 'perf' in PATH to "
			       "read its perf.data", dir);
			ret = -ENOENT;
			goto out;
		}
		ret = perf_report_symbols(perf, data, &s->runs[i], err, sizeof(err));
		free(perf);
	} else {
		snprintf(err, sizeof(err), "'%s' has no perf-symbols.tsv and no perf.data "
			 "(was it run with --perf?)", dir);
		ret = -ENOENT;
	}
	if (ret)
		pr_err("%s", err);
out:
	free(data);
	free(tsv);
	return ret;
}

static int load_side(struct side *s, const char *path)
{
	struct strbuf events = STRBUF_INIT, kernels = STRBUF_INIT;
	size_t i;
	int ret = expand(s, path);

	if (ret)
		return ret;
	s->runs = xcalloc(s->info.n, sizeof(*s->runs));
	for (i = 0; i < s->info.n && !ret; i++)
		ret = load_run(s, i, &events, &kernels);
	s->event = strchr(events.buf ? events.buf : "", ',') ? xstrdup("mixed") :
							       sb_detach(&events);
	s->kernels = sb_detach(&kernels);
	sb_release(&events);
	s->info.event = s->event;
	s->info.kernels = s->kernels;
	return ret;
}

static void side_release(struct side *s)
{
	size_t i;

	for (i = 0; i < s->info.n; i++) {
		if (s->runs)
			perfsym_list_release(&s->runs[i]);
		free(s->info.dirs[i]);
	}
	free(s->info.dirs);
	free(s->runs);
	free(s->event);
	free(s->kernels);
}

int cmd_perfdiff(int argc, char **argv)
{
	struct perfdiff_opts o = { 0 };
	struct opt_cmd cmd = {
		.name = "perfdiff",
		.usage = "patchbench perfdiff [--top N] [--kernel-only] [--format text|tsv|json] A B",
		.summary = "Per-symbol overhead of B against A (the cover letter's perf diff table).\n"
			   "A and B are result directories of runs made with --perf, or directories\n"
			   "holding several of them (repeats: baseline and delta are means, and a\n"
			   "±σ column appears with 2+ runs per side). Symbols are matched by their\n"
			   "names without compiler clone suffixes (.isra.N, .constprop.N, .part.N,\n"
			   ".cold); a symbol missing on one side counts 0.00 there.",
		.opts = perfdiff_options,
	};
	struct side a, b;
	struct perfdiff d;
	char err[256];
	int i, fmt, ret = 2;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	i = opt_parse(&cmd, &o, argc, argv);
	if (i == -2)
		return 0;
	if (i < 0)
		return 2;
	if (argc - i != 2) {
		pr_err("perfdiff needs two result directories (usage: %s)", cmd.usage);
		goto out;
	}
	fmt = out_format_parse(o.format, out_formats_text_tsv_json, err, sizeof(err));
	if (fmt < 0) {
		pr_err("%s", err);
		goto out;
	}
	if (load_side(&a, argv[i]) || load_side(&b, argv[i + 1]))
		goto out;
	perfdiff_compute(a.runs, a.info.n, b.runs, b.info.n, o.kernel_only, &d);
	if (!perfdiff_print(&d, &a.info, &b.info, (size_t)o.top, o.kernel_only, fmt, stdout))
		ret = 0;
	perfdiff_release(&d);
out:
	side_release(&a);
	side_release(&b);
	opt_release(perfdiff_options, &o);
	return ret;
}
