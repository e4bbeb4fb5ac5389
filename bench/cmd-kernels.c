// SPDX-License-Identifier: GPL-2.0
/*
 * cmd-kernels.c - "patchbench kernels": the kernels built in the cache.
 */
#include "builtin.h"
#include "format.h"
#include "json.h"
#include "kbuild.h"
#include "options.h"
#include "util.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct kernels_opts {
	char *cache, *format;
};

static const struct option kernels_options[] = {
	{ "cache", 0, OPT_STRING, offsetof(struct kernels_opts, cache), NULL, "DIR",
	  "cache directory [$PATCHBENCH_CACHE or ~/.cache/patchbench]" },
	{ "format", 'F', OPT_CHOICE, offsetof(struct kernels_opts, format), "text", "FMT",
	  "output format", out_formats_text_json },
	{ NULL },
};

static const char *base_name(const char *p)
{
	return p ? path_base(p) : "-";
}

/* "2026-11-22T03:16:05Z" -> "2026-11-22 03:16" */
static const char *short_time(const char *iso, char *buf, size_t len)
{
	snprintf(buf, len, "%.16s", iso ? iso : "?");
	if (strlen(buf) > 10 && buf[10] == 'T')
		buf[10] = ' ';
	return buf;
}

/* What the writers of the list read. */
struct kernels_data {
	const struct kernel_info *k;
	size_t n;
};

/*
 * Two lines per kernel so that everything fits 72 columns: what it is on
 * the first, the hashes that identify it on the second.
 */
static int print_text(const void *data, FILE *out, char *err, size_t errlen)
{
	const struct kernels_data *l = data;
	const struct kernel_info *k = l->k;
	size_t i, n = l->n;
	int wname = 6, wrel = 7, wcfg = 6;
	char size[32], dur[32], when[32];

	if (!n) {
		fprintf(out, "no kernels built (patchbench build --name NAME ...)\n");
		return 0;
	}
	for (i = 0; i < n; i++) {
		int l = (int)strlen(k[i].name), r = k[i].release ? (int)strlen(k[i].release) : 1;
		int c = (int)strlen(base_name(k[i].config));

		wname = l > wname ? l : wname;
		wrel = r > wrel ? r : wrel;
		wcfg = c > wcfg ? c : wcfg;
	}
	/* what is left for the name once the fixed columns are placed */
	if (wrel > 16)
		wrel = 16;
	if (wcfg > 12)
		wcfg = 12;
	if (wname > 72 - (2 + wrel + 2 + wcfg + 2 + 7 + 2 + 6 + 2 + 16))
		wname = 72 - (2 + wrel + 2 + wcfg + 2 + 7 + 2 + 6 + 2 + 16);
	fprintf(out, "%-*s  %-*s  %-*s  %7s  %6s  %s\n", wname, "kernel", wrel, "release", wcfg,
		"config", "bzImage", "build", "built (UTC)");
	for (i = 0; i < n; i++) {
		/* a commit of a git tree (bisect --good/--bad, build --source git:DIR@REF) */
		bool git = k[i].source_id && !strncmp(k[i].source_id, "git:", 4) && !k[i].series;

		fprintf(out, "%-*.*s  %-*.*s  %-*.*s  %7s  %6s  %s\n", wname, wname, k[i].name,
			wrel, wrel, k[i].release ? k[i].release : "?", wcfg, wcfg,
			base_name(k[i].config),
			fmt_size(size, sizeof(size), (double)k[i].bzimage_bytes),
			fmt_duration(dur, sizeof(dur), (int64_t)(k[i].build_seconds * 1e9)),
			short_time(k[i].built_at, when, sizeof(when)));
		fprintf(out, "  key %.12s  config %.12s  %s %.*s\n", k[i].key,
			k[i].config_sha256 ? k[i].config_sha256 : "?",
			git ? "commit" : "series", git ? 12 : 72 - 51,
			git ? k[i].source_id + 4 : k[i].series ? base_name(k[i].series) : "none");
	}
	return 0;
}

static int print_json(const void *data, FILE *out, char *err, size_t errlen)
{
	const struct kernels_data *l = data;
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	size_t i;

	jw_init(&w, &sb);
	jw_obj_begin(&w);
	jw_kint(&w, "schema", KERNEL_SCHEMA);
	jw_key(&w, "kernels");
	jw_arr_begin(&w);
	for (i = 0; i < l->n; i++)
		kernel_info_write_json(&l->k[i], &w);
	jw_arr_end(&w);
	jw_obj_end(&w);
	fprintf(out, "%s\n", sb.buf);
	sb_release(&sb);
	return 0;
}

static const struct out_writer kernels_writers[] = {
	{ FMT_TEXT, print_text }, { FMT_JSON, print_json }, { 0 },
};

int cmd_kernels(int argc, char **argv)
{
	struct kernels_opts o = { NULL };
	struct opt_cmd cmd = {
		.name = "kernels",
		.usage = "patchbench kernels [--cache DIR] [--format text|json]",
		.summary = "List the kernels built with 'patchbench build': name, release,\n"
			   "config, bzImage size, build time, key, config hash and series.",
		.opts = kernels_options,
	};
	struct kernel_info *k = NULL;
	struct kernels_data l;
	size_t n = 0;
	char err[1024];
	int i, fmt, ret;

	i = opt_parse_all(&cmd, &o, argc, argv);
	if (i)
		return i == -2 ? 0 : 2;
	fmt = out_format_parse(o.format, out_formats_text_json, err, sizeof(err));
	if (fmt < 0) {
		pr_err("%s", err);
		ret = 2;
		goto out;
	}
	ret = kernel_list(o.cache, &k, &n, err, sizeof(err));
	if (ret) {
		pr_err("cannot list kernels: %s", err);
		ret = 2;
		goto out;
	}
	l.k = k;
	l.n = n;
	if (out_format_write(kernels_writers, fmt, &l, stdout, err, sizeof(err))) {
		pr_err("%s", err);
		ret = 2;
	}
	kernel_list_free(k, n);
out:
	opt_release(kernels_options, &o);
	return ret;
}
