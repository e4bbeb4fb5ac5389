// SPDX-License-Identifier: GPL-2.0
/*
 * kcache.c - the built kernels of the cache: <cache>/kernels/<name>/kernel.json
 * written, read back and listed.
 */
#include "kcache.h"
#include "kparse.h"
#include "json.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The string fields of kernel.json, in the order they are written. */
static const struct {
	const char *key;
	size_t offset;
} kernel_strs[] = {
#define F(key, field) { key, offsetof(struct kernel_info, field) }
	F("name", name), F("key", key), F("source", source), F("source_id", source_id),
	F("series", series), F("series_sha256", series_sha256), F("config", config),
	F("config_sha256", config_sha256), F("fragment", fragment),
	F("kernel_release", release), F("built_at", built_at), F("tree", tree),
	F("objdir", objdir), F("dir", dir), F("bzimage", bzimage),
#undef F
};

#define KSTR(k, i) (*(char **)((char *)(k) + kernel_strs[i].offset))

void kernel_info_release(struct kernel_info *k)
{
	size_t i;

	if (!k)
		return;
	for (i = 0; i < ARRAY_SIZE(kernel_strs); i++)
		free(KSTR(k, i));
	memset(k, 0, sizeof(*k));
}

void kernel_info_write_json(const struct kernel_info *k, struct json_writer *w)
{
	size_t i;

	jw_obj_begin(w);
	jw_kint(w, "schema", KERNEL_SCHEMA);
	for (i = 0; i < ARRAY_SIZE(kernel_strs); i++) {
		const char *s = KSTR(k, i);

		/* dir and bzimage are where the file is, not what it says */
		if (!s && (!strcmp(kernel_strs[i].key, "dir") ||
			   !strcmp(kernel_strs[i].key, "bzimage")))
			continue;
		jw_key(w, kernel_strs[i].key);
		if (s)
			jw_str(w, s);
		else
			jw_null(w);
	}
	jw_kint(w, "patches", k->patches);
	jw_kdouble(w, "build_seconds", k->build_seconds);
	jw_kuint(w, "bzimage_bytes", k->bzimage_bytes);
	jw_obj_end(w);
}

char *kernel_info_json(const struct kernel_info *k)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;

	jw_init(&w, &sb);
	kernel_info_write_json(k, &w);
	sb_adds(&sb, "\n");
	return sb_detach(&sb);
}

static char *cache_or_default(const char *cache)
{
	return cache ? xstrdup(cache) : pb_cache_dir();
}

int kernel_load(const char *cache, const char *name, struct kernel_info *k, char *err,
		size_t errlen)
{
	char *c = cache_or_default(cache), *path = NULL, jerr[256];
	const char *bad = NULL;
	const struct json *bs;
	struct strbuf sb = STRBUF_INIT;
	struct json *j = NULL;
	int64_t schema = 0, patches = 0;
	size_t i;
	int ret = 0;

	memset(k, 0, sizeof(*k));
	if (!kbuild_name_ok(name)) {
		snprintf(err, errlen, "bad kernel name '%s' (letters, digits, '.', '_', '-')",
			 name ? name : "");
		ret = -EINVAL;
		goto out;
	}
	path = xasprintf("%s/kernels/%s/kernel.json", c, name);
	ret = read_regular_file(path, 16 << 20, &sb, err, errlen);
	if (ret == -ENOENT) {
		snprintf(err, errlen, "kernel '%s' is not built (patchbench build --name %s ...)",
			 name, name);
		goto out;
	}
	if (ret)
		goto out;
	j = json_parse(sb.buf, sb.len, jerr, sizeof(jerr));
	if (!j || j->type != JSON_OBJECT) {
		snprintf(err, errlen, "cannot parse '%s': %s", path, j ? "not an object" : jerr);
		ret = -EINVAL;
		goto out;
	}
	if (json_get_i64(j, "schema", &schema) || schema != KERNEL_SCHEMA ||
	    !json_get_str(j, "key") || !json_get_str(j, "name")) {
		snprintf(err, errlen, "'%s' is not a schema %d kernel.json", path, KERNEL_SCHEMA);
		ret = -EINVAL;
		goto out;
	}
	for (i = 0; i < ARRAY_SIZE(kernel_strs) && !bad; i++) {
		const struct json *v = json_get(j, kernel_strs[i].key);

		if (v && v->type == JSON_STRING)
			KSTR(k, i) = xstrdup(v->str);
		else if (v && v->type != JSON_NULL)
			bad = kernel_strs[i].key;
	}
	/* a field of the wrong type is a damaged file, not a field left out */
	if (!bad && json_get(j, "patches") &&
	    (json_get_i64(j, "patches", &patches) || patches < 0 || patches > UINT_MAX))
		bad = "patches";
	if (!bad && json_get(j, "bzimage_bytes") &&
	    json_get_u64(j, "bzimage_bytes", &k->bzimage_bytes))
		bad = "bzimage_bytes";
	bs = json_get(j, "build_seconds");
	if (!bad && bs && bs->type != JSON_NUMBER && bs->type != JSON_NULL)
		bad = "build_seconds";
	if (bad) {
		snprintf(err, errlen, "'%s': field '%s' has the wrong type", path, bad);
		ret = -EINVAL;
		goto out;
	}
	/* where it is now, whatever the file says */
	free(k->dir);
	k->dir = xasprintf("%s/kernels/%s", c, name);
	free(k->bzimage);
	k->patches = (unsigned)patches;
	k->build_seconds = json_get_num(j, "build_seconds", 0);
	k->bzimage = xasprintf("%s/bzImage", k->dir);
	if (!path_exists(k->bzimage)) {
		snprintf(err, errlen, "kernel '%s' has no bzImage in '%s' (patchbench build "
			 "--name %s --rebuild ...)", name, k->dir, name);
		ret = -ENOENT;
	}
out:
	if (ret)
		kernel_info_release(k);
	json_free(j);
	sb_release(&sb);
	free(path);
	free(c);
	return ret;
}

static int kernel_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kernel_info *)a)->name, ((const struct kernel_info *)b)->name);
}

int kernel_list(const char *cache, struct kernel_info **list, size_t *n, char *err,
		size_t errlen)
{
	char *c = cache_or_default(cache), *dir = xasprintf("%s/kernels", c);
	struct kernel_info *v = NULL;
	struct dirent *de;
	size_t cnt = 0;
	DIR *d;
	int ret = 0;

	d = opendir(dir);
	if (!d) {
		ret = errno == ENOENT ? 0 : -errno;
		if (ret)
			snprintf(err, errlen, "cannot open '%s': %s", dir, strerror(errno));
		goto out;
	}
	while ((de = readdir(d))) {
		struct kernel_info k;
		int r;

		if (!kbuild_name_ok(de->d_name))
			continue;
		r = kernel_load(c, de->d_name, &k, err, errlen);
		/* not built (yet) or its bzImage gone: not a kernel; a bad kernel.json: an error */
		if (r == -ENOENT)
			continue;
		if (r) {
			ret = r;
			break;
		}
		v = xrealloc(v, (cnt + 1) * sizeof(*v));
		v[cnt++] = k;
	}
	closedir(d);
	if (ret) {
		kernel_list_free(v, cnt);
		v = NULL;
		cnt = 0;
	} else if (cnt) {
		qsort(v, cnt, sizeof(*v), kernel_cmp);
	}
out:
	*list = v;
	*n = cnt;
	free(dir);
	free(c);
	return ret;
}

void kernel_list_free(struct kernel_info *list, size_t n)
{
	size_t i;

	for (i = 0; list && i < n; i++)
		kernel_info_release(&list[i]);
	free(list);
}
