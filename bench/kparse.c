// SPDX-License-Identifier: GPL-2.0
/*
 * kparse.c - the pure parsers of "patchbench build": kernel names, quilt
 * series files, config fragments against a final .config, and GNU patch's
 * complaints. Buffers in, results out: nothing here touches the disk, so all
 * of it is unit-tested on captured output (tests/unit/t-kbuild.c).
 */
#include "kparse.h"
#include "u64map.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static bool starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(s, prefix, n);
}

/* FNV-1a, never UINT64_MAX (the one key a u64map refuses). */
static uint64_t name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h == UINT64_MAX ? 0 : h;
}

/*
 * Is @name one of the @n @names? @seen maps the hash of each to its index
 * and gets @name (as index @n) when it is new; a hash shared by two names
 * falls back to a scan.
 */
static bool name_seen(struct u64map *seen, char *const *names, size_t n, const char *name)
{
	bool found;
	uint32_t *v = u64map_slot(seen, name_hash(name), &found);
	size_t i;

	if (!found) {
		*v = (uint32_t)n;
		return false;
	}
	if (!strcmp(names[*v], name))
		return true;
	for (i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

int kseries_parse(const char *buf, size_t len, char ***names_out, char *err, size_t errlen)
{
	const char *p = buf, *end = buf + len, *s;
	char **names = xcalloc(1, sizeof(*names));
	struct u64map seen = U64MAP_INIT;
	size_t n = 0, alloc = 1, l;
	unsigned lineno = 0;
	int ret = 0;

	while (line_next(&p, end, &s, &l)) {
		const char *e = s + l, *t, *u;
		char *name;

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
		if (!ret && name_seen(&seen, names, n, name)) {
			snprintf(err, errlen, "line %u: '%s' is listed twice", lineno, name);
			ret = -EINVAL;
		}
		if (ret) {
			free(name);
			break;
		}
		if (n + 2 > alloc) {
			alloc = alloc ? 2 * alloc : 16;
			names = xrealloc(names, alloc * sizeof(*names));
		}
		names[n++] = name;
		names[n] = NULL;
	}
	u64map_release(&seen);
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

	while (line_next(&p, end, &s, &l)) {
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

/* By name, then by position: equal names stay in fragment order. */
static int kc_ptr_cmp(const void *a, const void *b)
{
	const struct kc_entry *x = *(const struct kc_entry *const *)a;
	const struct kc_entry *y = *(const struct kc_entry *const *)b;
	int c = kc_cmp(x, y);

	return c ? c : (x > y) - (x < y);
}

unsigned kconfig_check(const char *frag, size_t fraglen, const char *cfg, size_t cfglen,
		       struct strbuf *missing, unsigned *checked)
{
	struct kc_entry *want, *have, **order;
	size_t nwant = kc_parse(frag, fraglen, &want), nhave = kc_parse(cfg, cfglen, &have);
	unsigned miss = 0, count = 0;
	bool *later = xcalloc(nwant + 1, sizeof(*later));
	size_t i;

	if (nhave)
		qsort(have, nhave, sizeof(*have), kc_cmp);
	/* a later line of the fragment overrides this one, as in merge_config.sh */
	order = xcalloc(nwant + 1, sizeof(*order));
	for (i = 0; i < nwant; i++)
		order[i] = &want[i];
	if (nwant)
		qsort(order, nwant, sizeof(*order), kc_ptr_cmp);
	for (i = 0; i + 1 < nwant; i++)
		if (!kc_cmp(order[i], order[i + 1]))
			later[order[i] - want] = true;
	free(order);
	for (i = 0; i < nwant; i++) {
		const struct kc_entry *w = &want[i], *h;
		bool ok;

		if (later[i])
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
	free(later);
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

	while (!found && line_next(&p, end, &s, &l)) {
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
			while ((old > 0 || new > 0) && line_next(&p, end, &s, &l)) {
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
	while (line_next(&p, end, &s, &l)) {
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
