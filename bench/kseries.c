// SPDX-License-Identifier: GPL-2.0
/*
 * kseries.c - what to build: the repository's kernels/ directory, the series
 * it ships, a --series resolved to its patch files, and config files checked
 * before anything is built.
 */
#include "kseries.h"
#include "kparse.h"
#include "sha256.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *kbuild_kernels_dir(const char *opt)
{
	const char *env = getenv("PATCHBENCH_KERNELS");
	char *exe, *dir = NULL, *slash;

	if (opt && *opt)
		dir = xstrdup(opt);
	else if (env && *env)
		dir = xstrdup(env);
	else if ((exe = pb_self_exe())) {	/* not realpath(): a rebuilt binary is "(deleted)" */
		slash = strrchr(exe, '/');
		*slash = '\0';
		dir = xasprintf("%s/../kernels", exe);
		free(exe);
	}
	if (dir && is_dir(dir)) {
		char *real = realpath(dir, NULL);

		free(dir);
		return real;
	}
	free(dir);
	errno = ENOENT;
	return NULL;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **kbuild_series_names(const char *kernels_dir)
{
	char *dir = kernels_dir ? xasprintf("%s/series", kernels_dir) : NULL;
	char **v = xcalloc(2, sizeof(*v));
	size_t n = 0;
	struct dirent *de;
	DIR *d = dir ? opendir(dir) : NULL;

	while (d && (de = readdir(d))) {
		char *f;

		if (de->d_name[0] == '.')
			continue;
		f = xasprintf("%s/%s/series", dir, de->d_name);
		if (path_exists(f)) {
			v = xrealloc(v, (n + 3) * sizeof(*v));
			v[n++] = xstrdup(de->d_name);
		}
		free(f);
	}
	if (d)
		closedir(d);
	v[n++] = xstrdup("vanilla");
	v[n] = NULL;
	qsort(v, n, sizeof(*v), str_cmp);
	free(dir);
	return v;
}

void kseries_release(struct kseries *s)
{
	free(s->label);
	free(s->file);
	strv_free(s->patches);
	memset(s, 0, sizeof(*s));
}

static int series_unknown(const char *spec, const char *kdir, char *err, size_t errlen)
{
	char **names;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (!kdir) {
		snprintf(err, errlen, "unknown series '%s': no kernels/ directory found "
			 "(--kernels-dir or $PATCHBENCH_KERNELS)", spec);
		return -ENOENT;
	}
	names = kbuild_series_names(kdir);
	for (i = 0; names[i]; i++)
		sb_addf(&sb, "%s%s", i ? ", " : "", names[i]);
	snprintf(err, errlen, "unknown series '%s' (available: %s; or a directory with a "
		 "'series' file, or a patch file)", spec, sb.buf);
	sb_release(&sb);
	strv_free(names);
	return -ENOENT;
}

static int series_from_dir(const char *dir, struct kseries *s, char *err, size_t errlen)
{
	struct strbuf sb = STRBUF_INIT;
	char **names = NULL, perr[256];
	int ret, i;

	s->file = xasprintf("%s/series", dir);
	ret = read_file(s->file, &sb);
	if (ret) {
		snprintf(err, errlen, "series directory '%s' has no readable 'series' file: %s",
			 dir, strerror(-ret));
		ret = ret == -ENOENT ? -ENOENT : -EINVAL;
		goto out;
	}
	ret = kseries_parse(sb.buf, sb.len, &names, perr, sizeof(perr));
	if (ret < 0) {
		snprintf(err, errlen, "'%s': %s", s->file, perr);
		goto out;
	}
	s->n = (unsigned)ret;
	s->patches = xcalloc(s->n + 1, sizeof(char *));
	ret = 0;
	for (i = 0; names[i]; i++) {
		struct stat st;

		s->patches[i] = xasprintf("%s/%s", dir, names[i]);
		if (stat(s->patches[i], &st) < 0 || !S_ISREG(st.st_mode)) {
			snprintf(err, errlen, "'%s' lists '%s', which is not a file in '%s'",
				 s->file, names[i], dir);
			ret = -ENOENT;
			goto out;
		}
	}
out:
	strv_free(names);
	sb_release(&sb);
	return ret;
}

int kseries_resolve(const char *spec, const char *kdir, struct kseries *s, char *err,
		    size_t errlen)
{
	char *path = NULL, *real = NULL;
	struct strbuf sb = STRBUF_INIT;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	if (!spec || !*spec || !strcmp(spec, "vanilla"))
		return 0;
	/* a bare name is a shipped series; a path is a directory or a patch file */
	if (!strchr(spec, '/') && kdir) {
		path = xasprintf("%s/series/%s", kdir, spec);
		if (is_dir(path)) {
			s->label = xstrdup(spec);
			ret = series_from_dir(path, s, err, errlen);
			goto out;
		}
	}
	if (!strchr(spec, '/') && !path_exists(spec)) {
		ret = series_unknown(spec, kdir, err, errlen);
		goto out;
	}
	real = realpath(spec, NULL);
	if (!real) {
		snprintf(err, errlen, "series '%s' not found: %s", spec, strerror(errno));
		ret = -ENOENT;
		goto out;
	}
	s->label = xstrdup(real);
	if (is_dir(real)) {
		ret = series_from_dir(real, s, err, errlen);
		goto out;
	}
	ret = read_file(real, &sb);
	if (ret) {
		snprintf(err, errlen, "cannot read patch '%s': %s", real, strerror(-ret));
		ret = -EINVAL;
		goto out;
	}
	if (strncmp(sb.buf, "+++ ", 4) && !strstr(sb.buf, "\n+++ ")) {
		snprintf(err, errlen, "'%s' is neither a series directory nor a patch (no diff "
			 "in it)", real);
		ret = -EINVAL;
		goto out;
	}
	s->file = xstrdup(real);
	s->n = 1;
	s->patches = xcalloc(2, sizeof(char *));
	s->patches[0] = xstrdup(real);
out:
	if (ret)
		kseries_release(s);
	sb_release(&sb);
	free(path);
	free(real);
	return ret;
}

int kseries_hash(const struct kseries *s, char hex[65])
{
	struct strbuf sb = STRBUF_INIT;
	struct sha256 h;
	unsigned i;
	int ret;

	sha256_init(&h);
	ret = read_file(s->file, &sb);
	if (ret)
		goto out;
	sha256_update(&h, sb.buf, sb.len);
	for (i = 0; s->patches[i] && strcmp(s->patches[i], s->file); i++) {
		ret = read_file(s->patches[i], &sb);
		if (ret)
			goto out;
		sha256_update(&h, sb.buf, sb.len);
	}
	sha256_final_hex(&h, hex);
out:
	sb_release(&sb);
	return ret;
}

int kconfig_file_check(const char *what, const char *path, char *err, size_t errlen)
{
	struct strbuf sb = STRBUF_INIT;
	struct strbuf none = STRBUF_INIT;
	unsigned n = 0;
	int ret = read_file(path, &sb);

	if (ret) {
		snprintf(err, errlen, "bad %s '%s': %s%s", what, path, strerror(-ret),
			 !strcmp(what, "--config") ? " (use smoke, full or a .config file)" : "");
		goto out;
	}
	kconfig_check(sb.buf, sb.len, "", 0, &none, &n);
	if (!n) {
		snprintf(err, errlen, "bad %s '%s': no CONFIG_ settings in it", what, path);
		ret = -EINVAL;
	}
out:
	sb_release(&none);
	sb_release(&sb);
	return ret ? (ret == -ENOENT ? -ENOENT : -EINVAL) : 0;
}
