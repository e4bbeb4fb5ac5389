// SPDX-License-Identifier: GPL-2.0
/*
 * kbuild.c - "patchbench build": turn a kernel source, a patch series and a
 * config into a bzImage in the cache, and find built kernels again.
 *
 * Each series kernel is built from its own tree, a hard-link copy ("cp -al")
 * of the pristine unpacked source with the series applied by GNU patch.
 * patch writes every file it changes as a new file and renames it into
 * place, which breaks the hard link, so neither the pristine tree nor any
 * other kernel's tree ever sees a series. The tree is assembled under a
 * ".tmp" name and renamed only once every patch applied: a patch that does
 * not apply leaves nothing behind.
 *
 * The key of a kernel hashes everything its bzImage is made from (source
 * id, series content, base config, fragment); an unchanged kernel is not
 * rebuilt. Object directories are kept per key, so a --rebuild or a
 * developer's edit in a tree is an incremental make, and ccache makes a
 * fresh object directory of an already-built source cheap.
 */
#include "kbuild.h"
#include "json.h"
#include "ksrc.h"
#include "sha256.h"
#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KB_STATUS_EVERY (5 * NSEC_PER_SEC)
#define KB_TAIL_LINES 20
#define KB_WIDTH 72

/* ---- pure parsers ------------------------------------------------------ */

bool kbuild_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0, i;

	if (!n || n > 64 || name[0] == '.')
		return false;
	if (n >= 4 && !strcmp(name + n - 4, ".tmp"))
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i]))
			return false;
	return true;
}

/* The next line of [*p, end) without its '\n' (and '\r'); false at the end. */
static bool next_line(const char **p, const char *end, const char **s, size_t *len)
{
	const char *eol;

	if (*p >= end)
		return false;
	eol = memchr(*p, '\n', end - *p);
	if (!eol)
		eol = end;
	*s = *p;
	*len = eol - *p;
	if (*len && (*s)[*len - 1] == '\r')
		(*len)--;
	*p = eol < end ? eol + 1 : end;
	return true;
}

static bool starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(s, prefix, n);
}

int kseries_parse(const char *buf, size_t len, char ***names_out, char *err, size_t errlen)
{
	const char *p = buf, *end = buf + len, *s;
	char **names = xcalloc(1, sizeof(*names));
	size_t n = 0, l;
	unsigned lineno = 0;
	int ret = 0;

	while (next_line(&p, end, &s, &l)) {
		const char *e = s + l, *t, *u;
		char *name;
		size_t i;

		lineno++;
		while (s < e && isspace((unsigned char)*s))
			s++;
		if (s == e || *s == '#')
			continue;
		for (t = s; t < e && !isspace((unsigned char)*t); t++)
			;
		name = xstrndup(s, t - s);
		/* what may follow the name: "-p1" and/or a comment */
		while (t < e && isspace((unsigned char)*t))
			t++;
		if (t < e && *t == '-') {
			for (u = t; u < e && !isspace((unsigned char)*u); u++)
				;
			if (u - t != 3 || memcmp(t, "-p1", 3)) {
				snprintf(err, errlen, "line %u: '%.*s': only -p1 patches are "
					 "supported", lineno, (int)(u - t), t);
				ret = -EINVAL;
			}
			for (t = u; t < e && isspace((unsigned char)*t); t++)
				;
		}
		if (!ret && t < e && *t != '#') {
			snprintf(err, errlen, "line %u: unexpected '%.*s' after the patch name",
				 lineno, (int)(e - t), t);
			ret = -EINVAL;
		}
		if (!ret && (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))) {
			snprintf(err, errlen, "line %u: '%s': a patch name is a file in the "
				 "series directory (no '/')", lineno, name);
			ret = -EINVAL;
		}
		for (i = 0; !ret && i < n; i++) {
			if (!strcmp(names[i], name)) {
				snprintf(err, errlen, "line %u: '%s' is listed twice", lineno,
					 name);
				ret = -EINVAL;
			}
		}
		if (ret) {
			free(name);
			break;
		}
		names = xrealloc(names, (n + 2) * sizeof(*names));
		names[n++] = name;
		names[n] = NULL;
	}
	if (!ret && !n) {
		snprintf(err, errlen, "the series lists no patches");
		ret = -EINVAL;
	}
	if (ret) {
		strv_free(names);
		return ret;
	}
	*names_out = names;
	return (int)n;
}

/* One setting of a config file: CONFIG_<name>=<val>, or "is not set" (val NULL). */
struct kc_entry {
	const char *name;
	size_t namelen;
	const char *val;
	size_t vallen;
};

/* Parse one line; false if it is no setting. */
static bool kc_line(const char *s, size_t len, struct kc_entry *e)
{
	const char *eq;

	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (starts(s, len, "CONFIG_")) {
		eq = memchr(s, '=', len);
		if (!eq || eq == s + 7)
			return false;
		e->name = s;
		e->namelen = eq - s;
		e->val = eq + 1;
		e->vallen = s + len - eq - 1;
		return true;
	}
	if (starts(s, len, "# CONFIG_") && len > 13 && !memcmp(s + len - 11, " is not set", 11)) {
		e->name = s + 2;
		e->namelen = len - 2 - 11;
		e->val = NULL;
		e->vallen = 0;
		return e->namelen > 7 && !memchr(e->name, ' ', e->namelen);
	}
	return false;
}

static size_t kc_parse(const char *buf, size_t len, struct kc_entry **out)
{
	const char *p = buf, *end = buf + len, *s;
	struct kc_entry *v = NULL;
	size_t n = 0, alloc = 0, l;

	while (next_line(&p, end, &s, &l)) {
		struct kc_entry e;

		if (!kc_line(s, l, &e))
			continue;
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 256;
			v = xrealloc(v, alloc * sizeof(*v));
		}
		v[n++] = e;
	}
	*out = v;
	return n;
}

static int kc_cmp(const void *a, const void *b)
{
	const struct kc_entry *x = a, *y = b;
	size_t n = x->namelen < y->namelen ? x->namelen : y->namelen;
	int c = memcmp(x->name, y->name, n);

	return c ? c : (x->namelen > y->namelen) - (x->namelen < y->namelen);
}

unsigned kconfig_check(const char *frag, size_t fraglen, const char *cfg, size_t cfglen,
		       struct strbuf *missing, unsigned *checked)
{
	struct kc_entry *want, *have;
	size_t nwant = kc_parse(frag, fraglen, &want), nhave = kc_parse(cfg, cfglen, &have);
	unsigned miss = 0, count = 0;
	size_t i, j;

	if (nhave)
		qsort(have, nhave, sizeof(*have), kc_cmp);
	for (i = 0; i < nwant; i++) {
		const struct kc_entry *w = &want[i], *h;
		bool later = false, ok;

		/* a later line of the fragment overrides this one, as in merge_config.sh */
		for (j = i + 1; j < nwant && !later; j++)
			later = !kc_cmp(w, &want[j]);
		if (later)
			continue;
		count++;
		h = nhave ? bsearch(w, have, nhave, sizeof(*have), kc_cmp) : NULL;
		if (w->val)
			ok = h && h->val && h->vallen == w->vallen &&
			     !memcmp(h->val, w->val, w->vallen);
		else
			ok = !h || !h->val;
		if (ok)
			continue;
		if (miss++)
			sb_adds(missing, ", ");
		if (w->val)
			sb_addf(missing, "%.*s=%.*s", (int)w->namelen, w->name, (int)w->vallen,
				w->val);
		else
			sb_addf(missing, "%.*s not set", (int)w->namelen, w->name);
		if (!h)
			sb_adds(missing, " (got: absent)");
		else if (!h->val)
			sb_adds(missing, " (got: not set)");
		else
			sb_addf(missing, " (got: =%.*s)", (int)h->vallen, h->val);
	}
	free(want);
	free(have);
	if (checked)
		*checked = count;
	return miss;
}

/* The file a "+++ b/path" or "--- a/path" line names, with -p1 applied. */
static char *diff_path(const char *s, size_t len)
{
	const char *e, *slash;

	s += 4;
	len -= 4;
	e = memchr(s, '\t', len);
	if (e)
		len = e - s;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (len == 9 && !memcmp(s, "/dev/null", 9))
		return NULL;
	slash = memchr(s, '/', len);
	if (slash) {
		len -= slash + 1 - s;
		s = slash + 1;
	}
	return xstrndup(s, len);
}

/* "@@ -a[,b] +c[,d] @@": the old and new line counts; false if malformed. */
static bool hunk_counts(const char *s, size_t len, long *old, long *new)
{
	char *buf = xstrndup(s, len), *p;
	bool ok = false;

	p = strchr(buf, '-');
	if (!p)
		goto out;
	strtol(p + 1, &p, 10);
	*old = *p == ',' ? strtol(p + 1, &p, 10) : 1;
	p = strchr(p, '+');
	if (!p)
		goto out;
	strtol(p + 1, &p, 10);
	*new = *p == ',' ? strtol(p + 1, &p, 10) : 1;
	ok = *old >= 0 && *new >= 0;
out:
	free(buf);
	return ok;
}

char *kpatch_hunk_header(const char *buf, size_t len, const char *file, unsigned n)
{
	const char *p = buf, *end = buf + len, *s;
	char *minus = NULL, *cur = NULL, *found = NULL;
	unsigned hunk = 0;
	size_t l;

	while (!found && next_line(&p, end, &s, &l)) {
		long old, new;

		if (starts(s, l, "--- ")) {
			free(minus);
			minus = diff_path(s, l);
		} else if (starts(s, l, "+++ ")) {
			free(cur);
			cur = diff_path(s, l);
			if (!cur && minus)
				cur = xstrdup(minus);	/* a deletion */
			hunk = 0;
		} else if (starts(s, l, "@@ ") && hunk_counts(s, l, &old, &new)) {
			if (cur && !strcmp(cur, file) && ++hunk == n) {
				found = xstrndup(s, l);
				break;
			}
			/* skip the hunk body, so "+++ "/"--- " lines in it are not headers */
			while ((old > 0 || new > 0) && next_line(&p, end, &s, &l)) {
				if (l && *s == '\\')
					continue;
				if (!l || *s == ' ') {
					old--;
					new--;
				} else if (*s == '-') {
					old--;
				} else if (*s == '+') {
					new--;
				} else {
					break;
				}
			}
		}
	}
	free(minus);
	free(cur);
	return found;
}

/* Strip the quotes patch puts around odd file names. */
static char *unquote(const char *s, size_t len)
{
	if (len >= 2 && (s[0] == '\'' || s[0] == '"') && s[len - 1] == s[0])
		return xstrndup(s + 1, len - 2);
	return xstrndup(s, len);
}

/* @s[0..@len) as a string in @buf, for sscanf */
static const char *line_copy(char *buf, size_t size, const char *s, size_t len)
{
	snprintf(buf, size, "%.*s", (int)len, s);
	return buf;
}

char *kpatch_failure(const char *out, size_t outlen, const char *patch, size_t patchlen)
{
	const char *p = out, *end = out + outlen, *s, *last = NULL;
	struct strbuf sb = STRBUF_INIT;
	char *cur = NULL, *missing_file = NULL, line[128];
	bool no_file = false;
	size_t l, lastlen = 0;

#define ADD(...) do { if (sb.len) sb_adds(&sb, "; "); sb_addf(&sb, __VA_ARGS__); } while (0)
	while (next_line(&p, end, &s, &l)) {
		unsigned hunk;
		int at;

		if (l) {
			last = s;
			lastlen = l;
		}
		if (starts(s, l, "patching file ") || starts(s, l, "checking file ")) {
			free(cur);
			cur = unquote(s + 14, l - 14);
		} else if (starts(s, l, "Hunk #") && memmem(s, l, " FAILED at ", 11) &&
			   sscanf(line_copy(line, sizeof(line), s, l), "Hunk #%u FAILED at %d", &hunk,
				  &at) == 2) {
			char *hdr = NULL;

			if (patch && cur)
				hdr = kpatch_hunk_header(patch, patchlen, cur, hunk);
			ADD("%s: Hunk #%u FAILED at %d", cur ? cur : "?", hunk, at);
			if (hdr)
				sb_addf(&sb, " (%s)", hdr);
			free(hdr);
		} else if (starts(s, l, "Reversed (or previously applied) patch detected")) {
			ADD("%s: already applied (or reversed)", cur ? cur : "?");
		} else if (starts(s, l, "can't find file to patch")) {
			no_file = true;
			free(missing_file);
			missing_file = NULL;
		} else if (no_file && (starts(s, l, "|+++ ") || starts(s, l, "|--- "))) {
			char *f = diff_path(s + 1, l - 1);

			if (f && (!missing_file || s[1] == '+')) {
				free(missing_file);
				missing_file = f;
			} else {
				free(f);
			}
		} else if (no_file && starts(s, l, "No file to patch")) {
			if (missing_file)
				ADD("%s: no such file to patch", missing_file);
			else
				ADD("a file to patch was not found");
			no_file = false;
		} else if (starts(s, l, "The next patch would ") || starts(s, l, "patch: **** ") ||
			   (starts(s, l, "File ") && memmem(s, l, " is not a regular file", 22))) {
			size_t k = starts(s, l, "patch: **** ") ? 12 : 0;

			ADD("%.*s", (int)(l - k), s + k);
		}
	}
#undef ADD
	if (!sb.len && last)
		sb_addf(&sb, "%.*s", (int)lastlen, last);
	else if (!sb.len)
		sb_adds(&sb, "patch failed");
	free(cur);
	free(missing_file);
	return sb_detach(&sb);
}

/* ---- kernel.json --------------------------------------------------------- */

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

static char *kernel_json(const struct kernel_info *k)
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

/* ---- what to build: kernels dir, series, config ------------------------ */

char *kbuild_kernels_dir(const char *opt)
{
	const char *env = getenv("PATCHBENCH_KERNELS");
	char *exe, *dir = NULL, *slash;

	if (opt && *opt)
		dir = xstrdup(opt);
	else if (env && *env)
		dir = xstrdup(env);
	else if ((exe = realpath("/proc/self/exe", NULL))) {
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

/* A resolved --series: nothing (vanilla), a series directory, or one patch file. */
struct kb_series {
	char *label;		/* kernel.json "series": NULL, a name or an absolute path */
	char *file;		/* the series file, or the single patch / mbox */
	char **patches;		/* absolute paths, NULL-terminated */
	unsigned n;
};

static void kb_series_release(struct kb_series *s)
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

static int series_from_dir(const char *dir, struct kb_series *s, char *err, size_t errlen)
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

static int series_resolve(const char *spec, const char *kdir, struct kb_series *s, char *err,
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
		kb_series_release(s);
	sb_release(&sb);
	free(path);
	free(real);
	return ret;
}

/* The series hash: the series file, then every patch, in order. */
static int series_hash(const struct kb_series *s, char hex[65])
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

/* Does @path hold a kernel config (at least one setting)? 0 or -errno with @err. */
static int config_file_check(const char *what, const char *path, char *err, size_t errlen)
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

/* ---- one build ----------------------------------------------------------- */

struct kb {
	const struct kbuild_opts *o;
	char *cache, *kdir, *fragment, *config, *srcdir, *tree, *objdir;
	char *root;		/* CCACHE_BASEDIR: the cache, or a series tree's root */
	struct kb_series series;
	char *log;
	int logfd, lockfd;
	int jobs;
	bool quiet, tty, status_shown, signals_set;
	int64_t t0;
	struct kernel_info k;
	struct sigaction old[3];
};

static volatile sig_atomic_t kb_signal;
static const int kb_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void kb_on_signal(int sig)
{
	kb_signal = sig;
}

/* @path relative to the cache when it is in there, for shorter progress lines */
static const char *in_cache(const struct kb *b, const char *path)
{
	size_t n = strlen(b->cache);

	return !strncmp(path, b->cache, n) && path[n] == '/' ? path + n + 1 : path;
}

/* "0.4s", "12.3s", "6m51s" */
static const char *fmt_elapsed(char *buf, size_t len, int64_t ns)
{
	if (ns < 60 * NSEC_PER_SEC) {
		snprintf(buf, len, "%.1fs", (double)ns / 1e9);
		return buf;
	}
	return fmt_duration(buf, len, ns);
}

static void kb_clear_status(struct kb *b)
{
	if (b->status_shown && b->tty)
		fputs("\r\033[K", stderr);
	b->status_shown = false;
}

/* One progress line: "  phase    elapsed  text", cut to KB_WIDTH columns. */
static void kb_line(struct kb *b, bool status, const char *phase, int64_t ns,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void kb_line(struct kb *b, bool status, const char *phase, int64_t ns,
		    const char *fmt, ...)
{
	char d[32], line[256];
	va_list ap;
	int n;

	if (b->quiet)
		return;
	n = snprintf(line, sizeof(line), "  %-7s %6s  ", phase, fmt_elapsed(d, sizeof(d), ns));
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (status)
		line[KB_WIDTH] = '\0';
	kb_clear_status(b);
	fputs(line, stderr);
	if (status && b->tty) {
		b->status_shown = true;
	} else {
		fputc('\n', stderr);
	}
	fflush(stderr);
}

/* The last non-empty line of the log, without leading blanks. */
static void log_last_line(int fd, char *buf, size_t len)
{
	char chunk[4096];
	struct stat st;
	ssize_t n;
	char *e, *s;

	buf[0] = '\0';
	if (fstat(fd, &st) < 0 || !st.st_size)
		return;
	n = pread(fd, chunk, sizeof(chunk) - 1, st.st_size > (off_t)sizeof(chunk) - 1 ?
		  st.st_size - (off_t)sizeof(chunk) + 1 : 0);
	if (n <= 0)
		return;
	chunk[n] = '\0';
	for (e = chunk + n; e > chunk && isspace((unsigned char)e[-1]); e--)
		;
	*e = '\0';
	s = memrchr(chunk, '\n', e - chunk);
	s = s ? s + 1 : chunk;
	while (*s == ' ' || *s == '\t')
		s++;
	n = (ssize_t)strnlen(s, len - 1);
	memcpy(buf, s, n);
	buf[n] = '\0';
}

static void kb_child_env(const char *basedir)
{
	clear_make_env();
	/* patch's messages are parsed; make's are shown */
	setenv("LC_ALL", "C", 1);
	if (basedir)
		setenv("CCACHE_BASEDIR", basedir, 1);
}

/*
 * Run @argv in @cwd (NULL: here) with stdin from /dev/null and stdout and
 * stderr appended to the log, in its own process group. With @phase, show
 * a status line every KB_STATUS_EVERY. Returns the exit code (128 + signal
 * when killed), or -EINTR when we were told to stop, or -errno.
 */
static int kb_exec(struct kb *b, char *const argv[], const char *cwd, const char *phase)
{
	int64_t start = now_ns(), next = start + KB_STATUS_EVERY;
	struct timespec ts = { 0, 100 * NSEC_PER_MSEC };
	int status, i;
	pid_t pid;

	dprintf(b->logfd, "patchbench: $%s%s%s", cwd ? " cd " : "", cwd ? cwd : "",
		cwd ? " &&" : "");
	for (i = 0; argv[i]; i++)
		dprintf(b->logfd, " %s", argv[i]);
	dprintf(b->logfd, "\n");
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);
		sigset_t none;

		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		for (i = 0; i < (int)ARRAY_SIZE(kb_signals); i++)
			signal(kb_signals[i], SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (nul >= 0)
			dup2(nul, 0);
		dup2(b->logfd, 1);
		dup2(b->logfd, 2);
		if (cwd && chdir(cwd) < 0) {
			dprintf(2, "patchbench: cannot enter '%s': %s\n", cwd, strerror(errno));
			_exit(127);
		}
		kb_child_env(b->root);
		execvp(argv[0], argv);
		dprintf(2, "patchbench: cannot run '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		int64_t now;

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (kb_signal) {
			int64_t deadline = now_ns() + 10 * NSEC_PER_SEC;

			kill(-pid, SIGTERM);
			while (waitpid(pid, &status, WNOHANG) == 0) {
				if (now_ns() > deadline)
					kill(-pid, SIGKILL);
				nanosleep(&ts, NULL);
			}
			kill(-pid, SIGKILL);	/* whatever the leader left behind */
			return -EINTR;
		}
		now = now_ns();
		if (phase && now >= next) {
			char last[200];

			log_last_line(b->logfd, last, sizeof(last));
			kb_line(b, true, phase, now - start, "%s", last);
			next = now + KB_STATUS_EVERY;
		}
		nanosleep(&ts, NULL);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/* Print the last @lines lines of the log to stderr. */
static void kb_print_tail(struct kb *b, int lines)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	int n = 0;

	kb_clear_status(b);
	if (read_file(b->log, &sb) || !sb.len)
		goto out;
	p = sb.buf + sb.len;
	if (p[-1] == '\n')
		p--;
	while (p > sb.buf && n < lines) {
		p--;
		if (*p == '\n')
			n++;
	}
	if (*p == '\n')
		p++;
	fprintf(stderr, "patchbench: last %d lines of %s:\n%s", lines, b->log, p);
	if (sb.buf[sb.len - 1] != '\n')
		fputc('\n', stderr);
out:
	sb_release(&sb);
}

/* The first compiler or make error in the log ("" if none): the line that says why. */
static void log_first_error(const char *log, char *buf, size_t len)
{
	static const char *const marks[] = { ": error: ", ": fatal error: ",
					     ": undefined reference ", "*** " };
	struct strbuf sb = STRBUF_INIT;
	const char *p, *end, *s, *best = NULL;
	size_t l, bestlen = 0, i;

	buf[0] = '\0';
	if (read_file(log, &sb))
		goto out;
	/* a compiler's message beats make's "*** ... Error 1" that follows it */
	for (i = 0; i < ARRAY_SIZE(marks) && !best; i++) {
		p = sb.buf;
		end = sb.buf + sb.len;
		while (next_line(&p, end, &s, &l)) {
			if (memmem(s, l, marks[i], strlen(marks[i]))) {
				best = s;
				bestlen = l;
				break;
			}
		}
	}
	if (best)
		snprintf(buf, len, "%.*s", (int)(bestlen < len ? bestlen : len - 1), best);
out:
	sb_release(&sb);
}

static int copy_file(const char *from, const char *to)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = read_file(from, &sb);

	if (!ret)
		ret = write_atomic(to, sb.buf, sb.len);
	sb_release(&sb);
	return ret;
}

static bool have_ccache(void)
{
	const char *path = getenv("PATH");
	char **dirs = strv_split(path && *path ? path : "/usr/bin:/bin", ':');
	bool found = false;
	size_t i;

	for (i = 0; dirs[i] && !found; i++) {
		char *p = xasprintf("%s/ccache", *dirs[i] ? dirs[i] : ".");

		found = access(p, X_OK) == 0;
		free(p);
	}
	strv_free(dirs);
	return found;
}

static void kb_release(struct kb *b)
{
	size_t i;

	if (b->logfd >= 0)
		close(b->logfd);
	if (b->lockfd >= 0)
		close(b->lockfd);
	for (i = 0; b->signals_set && i < ARRAY_SIZE(kb_signals); i++)
		sigaction(kb_signals[i], &b->old[i], NULL);
	kb_series_release(&b->series);
	kernel_info_release(&b->k);
	free(b->cache);
	free(b->kdir);
	free(b->fragment);
	free(b->config);
	free(b->srcdir);
	free(b->tree);
	free(b->root);
	free(b->objdir);
	free(b->log);
}

/* Resolve and validate everything of @o into @b. Nothing is created. */
static int kb_resolve(struct kb *b, const struct kbuild_opts *o, char *err, size_t errlen)
{
	const char *cfg = o->config ? o->config : "smoke";
	char *kjson, *kdirpath;
	int ret;

	b->o = o;
	b->logfd = b->lockfd = -1;
	if (!o->name || !kbuild_name_ok(o->name)) {
		snprintf(err, errlen, "bad kernel name '%s': use 1-64 letters, digits, '.', '_' "
			 "or '-' (not starting with '.', not ending in '.tmp')",
			 o->name ? o->name : "");
		return -EINVAL;
	}
	b->cache = cache_or_default(o->cache);
	b->kdir = kbuild_kernels_dir(o->kernels_dir);
	if (o->kernels_dir && !b->kdir) {
		snprintf(err, errlen, "kernels directory '%s' not found", o->kernels_dir);
		return -ENOENT;
	}
	if (strcmp(cfg, "smoke") && strcmp(cfg, "full")) {
		ret = config_file_check("--config", cfg, err, errlen);
		if (ret)
			return ret;
		b->config = realpath(cfg, NULL);
	} else {
		b->config = xstrdup(cfg);
	}
	if (o->fragment) {
		b->fragment = realpath(o->fragment, NULL);
	} else if (b->kdir) {
		b->fragment = xasprintf("%s/config/patchbench.config", b->kdir);
	} else {
		snprintf(err, errlen, "no kernels/ directory found for the config fragment "
			 "(--fragment, --kernels-dir or $PATCHBENCH_KERNELS)");
		return -ENOENT;
	}
	ret = config_file_check("config fragment", b->fragment ? b->fragment : o->fragment,
				err, errlen);
	if (ret)
		return ret;
	ret = series_resolve(o->series, b->kdir, &b->series, err, errlen);
	if (ret)
		return ret;
	ret = ksrc_check(o->source, err, errlen);
	if (ret)
		return ret == -ENOENT ? -ENOENT : -EINVAL;
	kdirpath = xasprintf("%s/kernels/%s", b->cache, o->name);
	kjson = xasprintf("%s/kernel.json", kdirpath);
	if (path_exists(kdirpath) && !path_exists(kjson)) {
		snprintf(err, errlen, "'%s' exists but was not made by patchbench build (no "
			 "kernel.json): remove it or choose another name", kdirpath);
		ret = -EINVAL;
	}
	free(kjson);
	free(kdirpath);
	b->jobs = o->jobs > 0 ? o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (b->jobs < 1)
		b->jobs = 1;
	return ret;
}

int kbuild_check(const struct kbuild_opts *o, char *err, size_t errlen)
{
	struct kb b;
	int ret;

	memset(&b, 0, sizeof(b));
	ret = kb_resolve(&b, o, err, errlen);
	kb_release(&b);
	return ret;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static void hex_of_file(const char *path, char hex[65])
{
	if (sha256_file(path, hex))
		hex[0] = '\0';
}

/* The key: every input of the bzImage. Also fills source, series and config ids. */
static int kb_key(struct kb *b, char *err, size_t errlen)
{
	struct strbuf frag = STRBUF_INIT;
	struct sha256 h;
	char hex[65];
	int ret;

	b->k.source = xstrdup(b->o->source ? b->o->source : KSRC_DEFAULT_TARBALL);
	b->k.source_id = ksrc_id(b->o->source);
	if (!b->k.source_id) {
		ret = -errno;
		snprintf(err, errlen, "cannot identify source '%s': %s", b->k.source,
			 strerror(errno));
		return ret;
	}
	if (b->series.n) {
		ret = series_hash(&b->series, hex);
		if (ret) {
			snprintf(err, errlen, "cannot read series '%s': %s", b->series.label,
				 strerror(-ret));
			return ret;
		}
		b->k.series = xstrdup(b->series.label);
		b->k.series_sha256 = xstrdup(hex);
	}
	ret = read_file(b->fragment, &frag);
	if (ret) {
		snprintf(err, errlen, "cannot read '%s': %s", b->fragment, strerror(-ret));
		return ret;
	}
	sha256_init(&h);
	sha256_update(&h, "patchbench kernel key 1\nsource ", 31);
	sha256_update(&h, b->k.source_id, strlen(b->k.source_id));
	sha256_update(&h, "\nseries ", 8);
	sha256_update(&h, b->k.series_sha256 ? b->k.series_sha256 : "none",
		      strlen(b->k.series_sha256 ? b->k.series_sha256 : "none"));
	sha256_update(&h, "\nconfig ", 8);
	if (!strcmp(b->config, "smoke") || !strcmp(b->config, "full")) {
		sha256_update(&h, b->config, strlen(b->config));
	} else {
		hex_of_file(b->config, hex);
		sha256_update(&h, "file:", 5);
		sha256_update(&h, hex, strlen(hex));
	}
	sha256_update(&h, "\nfragment\n", 10);
	sha256_update(&h, frag.buf, frag.len);
	sha256_final_hex(&h, hex);
	sb_release(&frag);
	b->k.key = xstrdup(hex);
	b->k.name = xstrdup(b->o->name);
	b->k.config = xstrdup(b->config);
	b->k.fragment = xstrdup(b->fragment);
	b->k.patches = b->series.n;
	return 0;
}

/* The tree key: what the patched tree is made from (source and series). */
static char *kb_tree_key(const struct kb *b)
{
	struct sha256 h;
	char hex[65];

	sha256_init(&h);
	sha256_update(&h, "patchbench tree 1\n", 18);
	sha256_update(&h, b->k.source_id, strlen(b->k.source_id));
	sha256_update(&h, "\n", 1);
	sha256_update(&h, b->k.series_sha256, strlen(b->k.series_sha256));
	sha256_final_hex(&h, hex);
	/* 64 bits tell the trees of one cache apart; shorter paths in make's output */
	return xstrndup(hex, 16);
}

static int kb_lock(struct kb *b, char *err, size_t errlen)
{
	char *path = xasprintf("%s/.kbuild.lock", b->cache);
	int ret = 0;

	b->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (b->lockfd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		goto out;
	}
	if (!flock(b->lockfd, LOCK_EX | LOCK_NB))
		goto out;
	if (!b->quiet)
		pr_info("waiting for another build in '%s' to finish", b->cache);
	while (flock(b->lockfd, LOCK_EX) < 0) {
		if (errno != EINTR || kb_signal) {
			ret = kb_signal ? -EINTR : -errno;
			snprintf(err, errlen, "cannot lock '%s': %s", path, strerror(-ret));
			break;
		}
	}
out:
	free(path);
	return ret;
}

/* Is the kernel of this name already built with this key? Fills @out if so. */
static bool kb_up_to_date(struct kb *b, struct kernel_info *out)
{
	struct kernel_info k;
	char err[512];
	bool same;

	if (kernel_load(b->cache, b->o->name, &k, err, sizeof(err)))
		return false;
	same = !strcmp(k.key, b->k.key);
	if (same && out)
		*out = k;
	else
		kernel_info_release(&k);
	return same;
}

/*
 * The series tree. It lives in its own root, trees/<tree key>/, laid out like
 * the cache itself (src/<source name>/ and obj/<key>/), so that the path from
 * an object directory to its tree is the same for every kernel, vanilla
 * included: with CCACHE_BASEDIR at the root, every compile command is then
 * the same text in every tree and ccache hits across kernels (99% instead
 * of 40-60% when the relative paths differ, measured on a tinyconfig mm/).
 */
static int kb_tree(struct kb *b, char *err, size_t errlen)
{
	char *tk = kb_tree_key(b), *tmp = NULL, *srcparent = NULL;
	const char *copy = "cp -al";
	int64_t t = now_ns();
	bool new_root;
	unsigned i;
	int ret;

	free(b->root);
	b->root = xasprintf("%s/trees/%s", b->cache, tk);
	srcparent = xasprintf("%s/src", b->root);
	b->tree = xasprintf("%s/%s", srcparent, base_name(b->srcdir));
	new_root = !is_dir(b->root);
	if (b->o->rebuild && is_dir(b->tree)) {
		ret = remove_tree(b->tree);
		if (ret) {
			snprintf(err, errlen, "cannot remove '%s': %s", b->tree, strerror(-ret));
			goto out;
		}
	}
	if (ksrc_is_tree(b->tree)) {
		kb_line(b, false, "tree", now_ns() - t, "reused %s", in_cache(b, b->tree));
		kb_line(b, false, "patch", 0, "%u patch%s applied before", b->series.n,
			b->series.n == 1 ? "" : "es");
		ret = 0;
		goto out;
	}
	tmp = xasprintf("%s.tmp", b->tree);
	ret = remove_tree(tmp);	/* left by a build that was killed */
	if (!ret)
		ret = mkdir_p(srcparent, 0755);
	if (ret) {
		snprintf(err, errlen, "cannot prepare '%s': %s", tmp, strerror(-ret));
		goto out;
	}
	{
		char *argv[] = { "cp", "-al", b->srcdir, tmp, NULL };

		ret = kb_exec(b, argv, NULL, NULL);
		/* hard links cannot cross filesystems (a --source tree elsewhere): copy */
		if (ret > 0) {
			copy = "cp -a";
			argv[1] = "-a";
			remove_tree(tmp);
			ret = kb_exec(b, argv, NULL, NULL);
		}
	}
	if (ret) {
		snprintf(err, errlen, ret == -EINTR ? "interrupted" :
			 "cannot copy '%s' to '%s' (%s failed, see '%s')", b->srcdir, tmp,
			 copy, b->log);
		ret = ret == -EINTR ? -EINTR : -EIO;
		goto out_rm;
	}
	kb_line(b, false, "tree", now_ns() - t, "%s to %s", copy, in_cache(b, b->tree));
	t = now_ns();
	for (i = 0; i < b->series.n; i++) {
		const char *pf = b->series.patches[i];
		char *argv[] = { "patch", "-p1", "--forward", "--batch", "--fuzz=0",
				 "--no-backup-if-mismatch", "-d", tmp, "-i", (char *)pf, NULL };
		off_t off = lseek(b->logfd, 0, SEEK_END);

		ret = kb_exec(b, argv, NULL, NULL);
		if (ret == -EINTR) {
			snprintf(err, errlen, "interrupted");
			goto out_rm;
		}
		if (ret) {
			struct strbuf out = STRBUF_INIT, patch = STRBUF_INIT;
			off_t end = lseek(b->logfd, 0, SEEK_END);
			char *why;

			sb_grow(&out, end - off);
			if (pread(b->logfd, out.buf, end - off, off) == end - off)
				out.len = end - off;
			out.buf[out.len] = '\0';
			read_file(pf, &patch);
			why = kpatch_failure(out.buf, out.len, patch.buf, patch.len);
			snprintf(err, errlen, "patch '%s' does not apply: %s", pf, why);
			free(why);
			sb_release(&out);
			sb_release(&patch);
			ret = -EINVAL;
			goto out_rm;
		}
	}
	if (rename(tmp, b->tree) < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot rename '%s' to '%s': %s", tmp, b->tree,
			 strerror(errno));
		goto out_rm;
	}
	kb_line(b, false, "patch", now_ns() - t, "%u patch%s applied (%s)", b->series.n,
		b->series.n == 1 ? "" : "es", base_name(b->series.label));
	goto out;
out_rm:
	/* tmp is ours (made by cp -al above); the pristine tree is only linked from it */
	remove_tree(tmp);
	if (new_root)
		remove_tree(b->root);
out:
	free(tmp);
	free(tk);
	free(srcparent);
	return ret;
}

static int kb_make(struct kb *b, const char *phase, const char *target, bool parallel,
		   const char *cc)
{
	char *o = xasprintf("O=%s", b->objdir), *j = xasprintf("-j%d", b->jobs);
	char *ccarg = xasprintf("CC=%s", cc);
	char *argv[] = { "make", "-C", b->tree, o, ccarg, (char *)target, NULL, NULL };
	int ret;

	if (parallel)
		argv[6] = j;
	ret = kb_exec(b, argv, NULL, phase);
	free(o);
	free(j);
	free(ccarg);
	return ret;
}

static int kb_config(struct kb *b, const char *cc, char *err, size_t errlen)
{
	char *dotconfig = xasprintf("%s/.config", b->objdir);
	char *merge = xasprintf("%s/scripts/kconfig/merge_config.sh", b->tree);
	struct strbuf frag = STRBUF_INIT, cfg = STRBUF_INIT, missing = STRBUF_INIT;
	const char *base = !strcmp(b->config, "smoke") ? "tinyconfig" :
			   !strcmp(b->config, "full") ? "defconfig" : NULL;
	int64_t t = now_ns();
	unsigned checked = 0, miss;
	int ret;

	ret = mkdir_p(b->objdir, 0755);
	if (ret) {
		snprintf(err, errlen, "cannot create '%s': %s", b->objdir, strerror(-ret));
		goto out;
	}
	if (base) {
		ret = kb_make(b, NULL, base, false, cc);
	} else {
		ret = copy_file(b->config, dotconfig);
		if (ret) {
			snprintf(err, errlen, "cannot copy '%s' to '%s': %s", b->config, dotconfig,
				 strerror(-ret));
			ret = ret == -EINTR ? -EIO : ret;
			goto out;
		}
	}
	if (!ret) {
		char *argv[] = { merge, "-m", "-O", b->objdir, dotconfig, b->fragment, NULL };

		/* it makes its temporary files in the current directory: not the tree */
		ret = kb_exec(b, argv, b->objdir, NULL);
	}
	if (!ret)
		ret = kb_make(b, NULL, "olddefconfig", false, cc);
	if (ret) {
		snprintf(err, errlen, ret == -EINTR ? "interrupted" :
			 "configuring kernel '%s' failed (see '%s')", b->o->name, b->log);
		ret = ret == -EINTR ? -EINTR : -EIO;
		goto out;
	}
	kb_line(b, false, "config", now_ns() - t, "%s + %s, olddefconfig",
		base ? base : base_name(b->config), base_name(b->fragment));
	t = now_ns();
	ret = read_file(b->fragment, &frag);
	if (!ret)
		ret = read_file(dotconfig, &cfg);
	if (ret) {
		snprintf(err, errlen, "cannot read the fragment or '%s': %s", dotconfig,
			 strerror(-ret));
		goto out;
	}
	miss = kconfig_check(frag.buf, frag.len, cfg.buf, cfg.len, &missing, &checked);
	dprintf(b->logfd, "patchbench: %u settings of %s checked in %s, %u did not stick%s%s\n",
		checked, b->fragment, dotconfig, miss, miss ? ": " : "", missing.buf ? missing.buf :
		"");
	if (miss) {
		snprintf(err, errlen, "%u option%s of '%s' did not stick in '%s' (missing "
			 "dependency, or not in this source?): %s", miss, miss == 1 ? "" : "s",
			 b->fragment, dotconfig, missing.buf);
		ret = -EIO;
		goto out;
	}
	kb_line(b, false, "check", now_ns() - t, "%u settings of %s as requested", checked,
		base_name(b->fragment));
out:
	sb_release(&frag);
	sb_release(&cfg);
	sb_release(&missing);
	free(dotconfig);
	free(merge);
	return ret;
}

static int kb_build(struct kb *b, const char *cc, char *err, size_t errlen)
{
	char *bz = xasprintf("%s/arch/x86/boot/bzImage", b->objdir), size[32];
	int64_t t = now_ns();
	struct stat st;
	int ret;

	ret = kb_make(b, "build", "bzImage", true, cc);
	if (ret == -EINTR) {
		snprintf(err, errlen, "interrupted");
		goto out;
	}
	if (ret || stat(bz, &st) < 0) {
		char why[512];

		kb_print_tail(b, KB_TAIL_LINES);
		log_first_error(b->log, why, sizeof(why));
		if (!strncmp(why, b->tree, strlen(b->tree)) && why[strlen(b->tree)] == '/')
			memmove(why, why + strlen(b->tree) + 1, strlen(why + strlen(b->tree)));
		if (ret)
			snprintf(err, errlen, "build of kernel '%s' failed (make exit %d)%s%s; "
				 "log: %s", b->o->name, ret, *why ? ": " : "", why, b->log);
		else
			snprintf(err, errlen, "build of kernel '%s' made no '%s', log: %s",
				 b->o->name, bz, b->log);
		ret = -EIO;
		goto out;
	}
	b->k.bzimage_bytes = (uint64_t)st.st_size;
	kb_line(b, false, "build", now_ns() - t, "bzImage %s",
		fmt_size(size, sizeof(size), (double)st.st_size));
out:
	free(bz);
	return ret;
}

/* Copy the results into kernels/<name>.tmp, then swap it in for kernels/<name>. */
static int kb_install(struct kb *b, char *err, size_t errlen)
{
	static const struct {
		const char *from, *to;
	} installed[] = {
		{ ".config", "config" },
		{ "arch/x86/boot/bzImage", "bzImage" },
		{ "System.map", "System.map" },
	};
	char *parent = xasprintf("%s/kernels", b->cache);
	char *dir = xasprintf("%s/%s", parent, b->o->name), *tmp = xasprintf("%s.tmp", dir);
	char *from = NULL, *to = NULL, *json = NULL, *rel = xasprintf("%s/include/config/"
								      "kernel.release", b->objdir);
	struct strbuf sb = STRBUF_INIT;
	char hex[65], stamp[32];
	struct tm tm;
	time_t now = time(NULL);
	int ret;

	if (!read_file(rel, &sb)) {
		while (sb.len && isspace((unsigned char)sb.buf[sb.len - 1]))
			sb.buf[--sb.len] = '\0';
		b->k.release = xstrdup(sb.buf);
	}
	from = xasprintf("%s/.config", b->objdir);
	hex_of_file(from, hex);
	b->k.config_sha256 = xstrdup(hex);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	b->k.built_at = xstrdup(stamp);
	b->k.tree = xstrdup(b->tree);
	b->k.objdir = xstrdup(b->objdir);
	b->k.build_seconds = (double)(now_ns() - b->t0) / 1e9;

	ret = remove_tree(tmp);
	if (!ret)
		ret = mkdir_p(tmp, 0755);
	if (ret)
		goto fail;
	/* .config, the image, and the map that a vm run's instruction counts resolve with */
	for (size_t i = 0; i < ARRAY_SIZE(installed); i++) {
		free(from);
		free(to);
		from = xasprintf("%s/%s", b->objdir, installed[i].from);
		to = xasprintf("%s/%s", tmp, installed[i].to);
		ret = copy_file(from, to);
		if (ret)
			goto fail;
	}
	free(to);
	to = xasprintf("%s/build.log", tmp);
	if (rename(b->log, to) < 0) {
		ret = -errno;
		goto fail;
	}
	free(b->log);
	b->log = xstrdup(to);
	json = kernel_json(&b->k);
	free(to);
	to = xasprintf("%s/kernel.json", tmp);
	ret = write_atomic(to, json, strlen(json));
	if (ret)
		goto fail;
	/* the old kernels/<name> is ours: kb_resolve() refused a foreign one */
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) == 0) {
		remove_tree(tmp);
	} else if (errno == ENOENT) {
		if (rename(tmp, dir) < 0)
			ret = -errno;
	} else {
		ret = -errno;
	}
	if (ret)
		goto fail;
	goto out;
fail:
	snprintf(err, errlen, "cannot install kernel '%s' into '%s': %s", b->o->name, dir,
		 strerror(-ret));
	remove_tree(tmp);
out:
	sb_release(&sb);
	free(parent);
	free(dir);
	free(tmp);
	free(from);
	free(to);
	free(json);
	free(rel);
	return ret;
}

int kbuild_run(const struct kbuild_opts *o, struct kernel_info *out, char *err, size_t errlen)
{
	struct stat st;
	struct sigaction sa;
	struct kb b;
	bool quiet_saved = pb_quiet;
	char d[32];
	const char *cc;
	size_t i;
	int ret;

	memset(&b, 0, sizeof(b));
	if (out)
		memset(out, 0, sizeof(*out));
	ret = kb_resolve(&b, o, err, errlen);
	if (ret)
		goto out;
	b.quiet = o->quiet || pb_quiet;
	b.tty = isatty(2);
	pb_quiet = b.quiet;
	kb_signal = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kb_on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(kb_signals); i++)
		sigaction(kb_signals[i], &sa, &b.old[i]);
	b.signals_set = true;

	ret = mkdir_p(b.cache, 0755);
	if (ret) {
		snprintf(err, errlen, "cannot create cache directory '%s': %s", b.cache,
			 strerror(-ret));
		goto out;
	}
	{
		/* absolute and without symlinks, as make and ccache see it */
		char *real = realpath(b.cache, NULL);

		if (real) {
			free(b.cache);
			b.cache = real;
		}
	}
	ret = kb_lock(&b, err, errlen);
	if (ret)
		goto out;
	ret = kb_key(&b, err, errlen);
	if (ret)
		goto out;
	if (!o->rebuild && kb_up_to_date(&b, out)) {
		if (!b.quiet)
			pr_info("kernel '%s' is up to date (key %.12s)", o->name, b.k.key);
		goto out;
	}
	/*
	 * Kconfig and kbuild probe the compiler by compiling /dev/null: once it is
	 * a regular file (seen on a shared machine, and then re-created by every
	 * "ld -o /dev/null") the probes fail at random and configs differ.
	 */
	if (stat("/dev/null", &st) < 0 || !S_ISCHR(st.st_mode)) {
		snprintf(err, errlen, "/dev/null is not a character device, so compiler probes "
			 "would fail at random (restore it: mknod -m 666 /dev/null c 1 3)");
		ret = -ENXIO;
		goto out;
	}
	b.t0 = now_ns();
	if (!b.quiet)
		pr_info("building kernel '%s' (key %.12s, series %s, config %s, -j%d)", o->name,
			b.k.key, b.series.label ? base_name(b.series.label) : "none",
			base_name(b.config), b.jobs);
	b.log = xasprintf("%s/logs/%s.log", b.cache, o->name);
	{
		char *logdir = xasprintf("%s/logs", b.cache);

		ret = mkdir_p(logdir, 0755);
		free(logdir);
	}
	if (!ret)
		b.logfd = open(b.log, O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (b.logfd < 0) {
		ret = ret ? ret : -errno;
		snprintf(err, errlen, "cannot create '%s': %s", b.log, strerror(-ret));
		goto out;
	}
	ret = ksrc_prepare(o->source, b.cache, &b.srcdir, err, errlen);
	if (ret)
		goto out;
	kb_line(&b, false, "unpack", now_ns() - b.t0, "%s", in_cache(&b, b.srcdir));
	if (b.series.n) {
		ret = kb_tree(&b, err, errlen);
		if (ret)
			goto out;
	} else {
		b.tree = xstrdup(b.srcdir);
		b.root = xstrdup(b.cache);
	}
	b.objdir = xasprintf("%s/obj/%s", b.root, b.k.key);
	cc = have_ccache() ? "ccache gcc" : "gcc";
	if (strcmp(cc, "ccache gcc") && !b.quiet)
		pr_warn("ccache not found: building with plain gcc");
	ret = kb_config(&b, cc, err, errlen);
	if (ret)
		goto out;
	ret = kb_build(&b, cc, err, errlen);
	if (ret)
		goto out;
	ret = kb_install(&b, err, errlen);
	if (ret)
		goto out;
	if (!b.quiet)
		pr_info("kernel '%s' built in %s: %s/kernels/%s/bzImage", o->name,
			fmt_duration(d, sizeof(d), now_ns() - b.t0), b.cache, o->name);
	if (out)
		ret = kernel_load(b.cache, o->name, out, err, errlen);
out:
	if (ret && kb_signal && ret != -EINTR) {
		snprintf(err, errlen, "interrupted");
		ret = -EINTR;
	}
	kb_clear_status(&b);
	pb_quiet = quiet_saved;
	kb_release(&b);
	return ret;
}
