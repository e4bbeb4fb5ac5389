// SPDX-License-Identifier: GPL-2.0
/*
 * perfdiff-load.c - the input of perfdiff: one side given as a result
 * directory or a directory of repeats, its per-symbol profiles read from
 * perf-symbols.tsv (or from perf.data through perf report), with the event
 * and kernels the header of every format names.
 */
#include "perfdiff.h"
#include "insn.h"
#include "perf.h"
#include "perfsym.h"
#include "resultdir.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
static int expand(struct perfdiff_input *s, const char *path)
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

static int load_insn_run(struct perfdiff_input *s, size_t i, struct strbuf *kernels)
{
	const char *dir = s->info.dirs[i];
	char err[512];
	struct meta m;
	int ret;

	perfsym_list_init(&s->runs[i]);
	if (!meta_load(&m, dir, err, sizeof(err))) {
		add_unique(kernels, m.kernel_release ? m.kernel_release : "unknown");
		meta_release(&m);
	}
	ret = insn_run_check(dir, err, sizeof(err));
	if (!ret)
		ret = insn_symbols_load(&s->runs[i], dir, err, sizeof(err));
	if (ret)
		pr_err("--event insn: %s", err);
	return ret;
}

static int load_run(struct perfdiff_input *s, size_t i, struct strbuf *events,
		    struct strbuf *kernels)
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

int perfdiff_input_load(struct perfdiff_input *s, const char *path, bool insn)
{
	struct strbuf events = STRBUF_INIT, kernels = STRBUF_INIT;
	size_t i;
	int ret = expand(s, path);

	if (ret)
		return ret;
	s->runs = xcalloc(s->info.n, sizeof(*s->runs));
	for (i = 0; i < s->info.n && !ret; i++)
		ret = insn ? load_insn_run(s, i, &kernels) : load_run(s, i, &events, &kernels);
	if (insn)
		s->event = xstrdup("guest instructions (TCG plugin)");
	else if (strchr(events.buf ? events.buf : "", ','))
		s->event = xstrdup("mixed");
	else
		s->event = sb_detach(&events);
	s->kernels = sb_detach(&kernels);
	sb_release(&events);
	s->info.event = s->event;
	s->info.kernels = s->kernels;
	s->info.insn = insn;
	return ret;
}

void perfdiff_input_release(struct perfdiff_input *s)
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
