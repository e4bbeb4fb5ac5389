// SPDX-License-Identifier: GPL-2.0
/*
 * t-kbuild.c - unit tests for the pure parts of bench/kbuild.c: kernel
 * names, the series-file parser, the config fragment check, the summary of
 * GNU patch's output (captured from patch 2.7.6, tests/fixtures/kbuild/),
 * kernel.json round trips through kernel_load(), and the input checks of
 * kbuild_check() that must refuse bad input before anything is created.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "kbuild.h"
#include "tap.h"
#include "util.h"

#define FIX FIXTURES "/kbuild/"

static char *slurp(const char *path, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;

	if (read_file(path, &sb)) {
		tap_diag("cannot read fixture '%s'", path);
		sb_adds(&sb, "");
	}
	if (len)
		*len = sb.len;
	return sb_detach(&sb);
}

/* Create @dir/@rel with its parent directories; a directory when @s is NULL. */
static void put(const char *dir, const char *rel, const char *s)
{
	char *path = xasprintf("%s/%s", dir, rel), *slash = strrchr(path, '/');

	*slash = '\0';
	mkdir_p(path, 0755);
	*slash = '/';
	if (s ? write_atomic(path, s, strlen(s)) : mkdir_p(path, 0755))
		tap_diag("cannot create '%s'", path);
	free(path);
}

/* Method: valid and invalid names. Pass: exactly the valid ones accepted. */
static void test_names(void)
{
	static const char *const good[] = { "vanilla", "noop", "memcg-flush-on-read", "a.b_c-1",
					    "X", NULL };
	static const char *const bad[] = { "", "a/b", ".hidden", "..", "x.tmp", "sp ace", "a\nb",
					   "ümlaut", NULL };
	char a65[66];
	int i, ok = 1;

	for (i = 0; good[i]; i++)
		ok &= kbuild_name_ok(good[i]);
	tap_ok(ok, "valid kernel names accepted");
	ok = 1;
	for (i = 0; bad[i]; i++)
		ok &= !kbuild_name_ok(bad[i]);
	tap_ok(ok && !kbuild_name_ok(NULL), "invalid kernel names refused");
	memset(a65, 'a', 65);
	a65[65] = '\0';
	tap_ok(!kbuild_name_ok(a65) && (a65[64] = '\0', kbuild_name_ok(a65)),
	       "names: 64 characters at most");
}

/* Method: parse a series file with comments, blanks, -p1. Pass: names in order. */
static void test_series(void)
{
	size_t len;
	char *buf = slurp(FIX "series-noop-style", &len), **names = NULL, err[256] = "";
	int n = kseries_parse(buf, len, &names, err, sizeof(err));

	tap_ok(n == 3, "series: 3 patches (got %d: %s)", n, err);
	tap_ok(n == 3 &&
	       !strcmp(names[0], "0001-mm-memcg-fix-typos-in-stats-flushing-comments.patch") &&
	       !strcmp(names[1], "0002-second.patch") && !strcmp(names[2], "0003-indented.patch") &&
	       !names[3], "series: names in order, options and comments stripped");
	strv_free(names);
	free(buf);

#define BAD(text, what, msg)                                                               \
	do {                                                                               \
		char **v = NULL;                                                           \
		err[0] = '\0';                                                             \
		n = kseries_parse(text, strlen(text), &v, err, sizeof(err));               \
		tap_ok(n == -EINVAL && strstr(err, msg), "series: %s refused (%s)", what, err); \
	} while (0)
	BAD("# only comments\n\n", "a series without patches", "no patches");
	BAD("a.patch\n../b.patch\n", "a name with '/'", "line 2");
	BAD("a.patch\nb.patch\na.patch\n", "a repeated name", "listed twice");
	BAD("a.patch -p0\n", "-p0", "only -p1");
	BAD("a.patch b.patch\n", "two names on a line", "unexpected 'b.patch'");
#undef BAD
	names = NULL;
	n = kseries_parse("x.patch\r\n", 9, &names, err, sizeof(err));
	tap_ok(n == 1 && !strcmp(names[0], "x.patch"), "series: CRLF line ends");
	strv_free(names);
}

/*
 * Method: 20000 names, the last one repeating name 7; a 20000-line fragment
 * setting each option twice, the second time to what the .config has.
 * Pass: the repeat is found on its line; only the later lines count.
 */
static void test_large(void)
{
	struct strbuf text = STRBUF_INIT, frag = STRBUF_INIT, cfg = STRBUF_INIT;
	struct strbuf miss = STRBUF_INIT;
	char **names = NULL, err[256] = "";
	unsigned checked = 0, m;
	int i, n;

	for (i = 0; i < 20000; i++)
		sb_addf(&text, "p%d.patch\n", i);
	n = kseries_parse(text.buf, text.len, &names, err, sizeof(err));
	tap_ok(n == 20000 && !strcmp(names[19999], "p19999.patch"),
	       "series: 20000 distinct names (got %d: %s)", n, err);
	strv_free(names);
	names = NULL;
	sb_adds(&text, "p7.patch\n");
	n = kseries_parse(text.buf, text.len, &names, err, sizeof(err));
	tap_ok(n == -EINVAL && !strcmp(err, "line 20001: 'p7.patch' is listed twice"),
	       "series: a repeat after 20000 names (%s)", err);
	for (i = 0; i < 10000; i++)
		sb_addf(&frag, "CONFIG_O%d=n\n", i);
	for (i = 0; i < 10000; i++) {
		sb_addf(&frag, "CONFIG_O%d=%s\n", i, i == 4242 ? "m" : "y");
		sb_addf(&cfg, "CONFIG_O%d=y\n", i);
	}
	m = kconfig_check(frag.buf, frag.len, cfg.buf, cfg.len, &miss, &checked);
	tap_ok(m == 1 && checked == 10000 && miss.buf &&
	       !strcmp(miss.buf, "CONFIG_O4242=m (got: =y)"),
	       "kconfig: 20000 lines, the later of each pair counts (%u of %u: %s)", m, checked,
	       miss.buf ? miss.buf : "");
	sb_release(&text);
	sb_release(&frag);
	sb_release(&cfg);
	sb_release(&miss);
}

/* Method: small fragment vs small .config. Pass: exactly the 4 misses, in order. */
static void test_kconfig_small(void)
{
	size_t fl, cl;
	char *frag = slurp(FIX "frag-small.config", &fl), *cfg = slurp(FIX "dot-small.config", &cl);
	struct strbuf miss = STRBUF_INIT;
	unsigned checked = 0, n;

	n = kconfig_check(frag, fl, cfg, cl, &miss, &checked);
	tap_ok(n == 4, "kconfig: 4 settings did not stick (got %u)", n);
	tap_ok(checked == 9, "kconfig: 9 settings checked, CONFIG_HZ once (got %u)", checked);
	tap_ok(miss.buf && !strcmp(miss.buf, "CONFIG_NO_SUCH_OPTION=y (got: absent), "
				   "CONFIG_ZRAM=y (got: =m), "
				   "CONFIG_LOCALVERSION=\"-pb\" (got: =\"\"), "
				   "CONFIG_KERNEL_XZ not set (got: =y)"),
	       "kconfig: misses listed with what the .config has: %s", miss.buf);
	sb_reset(&miss);
	n = kconfig_check(frag, fl, "", 0, &miss, &checked);
	tap_ok(n == 7, "kconfig: against an empty .config only the 'not set' lines hold "
	       "(got %u)", n);
	sb_release(&miss);
	free(frag);
	free(cfg);
}

/*
 * Method: the real fragment against the real final .config of a smoke build
 * (all lines stick) and against plain tinyconfig (MEMCG and friends missing).
 */
static void test_kconfig_real(void)
{
	size_t fl, cl, tl;
	char *frag = slurp(FIX "patchbench.config", &fl);
	char *cfg = slurp(FIX "smoke-final.config", &cl);
	char *tiny = slurp(FIX "tinyconfig.config", &tl);
	struct strbuf miss = STRBUF_INIT;
	unsigned checked = 0, n;

	n = kconfig_check(frag, fl, cfg, cl, &miss, &checked);
	tap_ok(n == 0 && checked == 100, "kconfig: every one of %u settings stuck in the real "
	       "smoke .config (misses: %s)", checked, miss.buf ? miss.buf : "none");
	sb_reset(&miss);
	n = kconfig_check(frag, fl, tiny, tl, &miss, &checked);
	tap_ok(n > 50 && strstr(miss.buf, "CONFIG_MEMCG=y (got: absent)") &&
	       strstr(miss.buf, "CONFIG_SLOB not set (got: =y)"),
	       "kconfig: plain tinyconfig misses %u, among them MEMCG and SLOB", n);
	sb_release(&miss);
	free(frag);
	free(cfg);
	free(tiny);
}

static void check_failure(const char *fixture, const char *patchfile, const char *want)
{
	size_t ol, pl = 0;
	char *out = slurp(fixture, &ol), *patch = patchfile ? slurp(patchfile, &pl) : NULL;
	char *why = kpatch_failure(out, ol, patch, pl);

	tap_ok(!strcmp(why, want), "patch failure '%s' -> '%s'", strrchr(fixture, '/') + 1, why);
	free(why);
	free(out);
	free(patch);
}

/* Method: summaries of real GNU patch failures. Pass: file, hunk and hunk header named. */
static void test_patch_failure(void)
{
	size_t len;
	char *p = slurp(FIX "hunk2-context-changed.patch", &len), *h;

	check_failure(FIX "patch-hunk-failed.out", FIX "hunk2-context-changed.patch",
		      "mm/memcontrol.c: Hunk #2 FAILED at 585 (@@ -585,8 +585,8 @@ static u64 "
		      "flush_next_time;)");
	check_failure(FIX "patch-hunk-failed.out", NULL, "mm/memcontrol.c: Hunk #2 FAILED at 585");
	check_failure(FIX "patch-reversed.out", NULL, "mm/memcontrol.c: already applied "
		      "(or reversed)");
	check_failure(FIX "patch-no-file.out", NULL, "mm/memcontrol.c: no such file to patch");
	check_failure(FIX "patch-garbage.out", NULL, "Only garbage was found in the patch input.");
	check_failure(FIX "patch-malformed.out", NULL, "malformed patch at line 32: @@ -1,3 +1 @@");
	h = kpatch_failure("", 0, NULL, 0);
	tap_ok(!strcmp(h, "patch failed"), "patch failure without output: '%s'", h);
	free(h);

	h = kpatch_hunk_header(p, len, "mm/memcontrol.c", 1);
	tap_ok(h && !strcmp(h, "@@ -570,8 +570,8 @@ mem_cgroup_largest_soft_limit_node(struct "
	       "mem_cgroup_tree_per_node *mctz)"), "hunk header #1: %s", h);
	free(h);
	h = kpatch_hunk_header(p, len, "mm/memcontrol.c", 3);
	tap_ok(!h, "hunk header #3 of a 2-hunk diff: none");
	free(h);
	h = kpatch_hunk_header(p, len, "mm/other.c", 1);
	tap_ok(!h, "hunk header of a file the patch does not touch: none");
	free(h);
	free(p);
	/* a "+++ " line inside a hunk is content, not a new file */
	{
		const char *t = "--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,3 @@\n a\n+++ b/y.c\n b\n"
				"@@ -10 +11 @@ ctx\n-c\n+d\n";

		h = kpatch_hunk_header(t, strlen(t), "x.c", 2);
		tap_ok(h && !strcmp(h, "@@ -10 +11 @@ ctx"), "hunk bodies are skipped: %s", h);
		free(h);
	}
}

static char tmpdir[] = "/tmp/t-kbuild.XXXXXX";

/* Method: write kernel.json files into a temp cache, load them back. */
static void test_kernel_json(void)
{
	struct kernel_info k = { 0 }, r, *list = NULL;
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	char err[512] = "", *path;
	size_t n = 0;
	int ret;

	k.name = "noop";
	k.key = "3f2a91c0d1e2aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	k.source = "/usr/src/linux-source-6.1.tar.xz";
	k.source_id = "tarball:linux-source-6.1.tar.xz:4d41";
	k.series = "noop";
	k.series_sha256 = "77ab";
	k.patches = 1;
	k.config = "smoke";
	k.config_sha256 = "5e6f";
	k.release = "6.1.192";
	k.build_seconds = 61.5;
	k.bzimage_bytes = 4637696;
	k.built_at = "2026-11-22T03:16:05Z";
	jw_init(&w, &sb);
	kernel_info_write_json(&k, &w);
	sb_adds(&sb, "\n");
	put(tmpdir, "kernels/noop/kernel.json", sb.buf);
	put(tmpdir, "kernels/noop/bzImage", "not really a kernel");

	ret = kernel_load(tmpdir, "noop", &r, err, sizeof(err));
	tap_ok(ret == 0, "kernel_load of a written kernel.json (%s)", err);
	tap_ok(!ret && !strcmp(r.key, k.key) && !strcmp(r.series, "noop") && r.patches == 1 &&
	       !strcmp(r.release, "6.1.192") && r.build_seconds == 61.5 &&
	       r.bzimage_bytes == 4637696 && !r.tree && !strcmp(r.config, "smoke"),
	       "kernel_load: fields as written, absent ones NULL");
	tap_ok(!ret && r.bzimage && strlen(r.bzimage) > 20 &&
	       !strcmp(r.bzimage + strlen(r.bzimage) - 20, "kernels/noop/bzImage"),
	       "kernel_load: bzImage path %s", r.bzimage);
	kernel_info_release(&r);

	ret = kernel_load(tmpdir, "vanilla", &r, err, sizeof(err));
	tap_ok(ret == -ENOENT && strstr(err, "kernel 'vanilla' is not built (patchbench build "
					"--name vanilla"), "not built: -ENOENT, %s", err);
	ret = kernel_load(tmpdir, "../x", &r, err, sizeof(err));
	tap_ok(ret == -EINVAL, "kernel_load of a bad name: -EINVAL (%s)", err);

	put(tmpdir, "kernels/broken/kernel.json", "{\"schema\": 1, \"name\": ");
	path = xasprintf("%s/kernels/broken/kernel.json", tmpdir);
	ret = kernel_load(tmpdir, "broken", &r, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, path), "malformed kernel.json: -EINVAL naming it");
	free(path);

	put(tmpdir, "kernels/typed/bzImage", "x");
	put(tmpdir, "kernels/typed/kernel.json",
	    "{\"schema\": 1, \"name\": \"typed\", \"key\": \"k\", \"patches\": \"1\"}");
	ret = kernel_load(tmpdir, "typed", &r, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "field 'patches' has the wrong type") && !r.name,
	       "a string patches count: -EINVAL naming the field (%s)", err);
	put(tmpdir, "kernels/typed/kernel.json",
	    "{\"schema\": 1, \"name\": \"typed\", \"key\": \"k\", \"kernel_release\": 6.1}");
	ret = kernel_load(tmpdir, "typed", &r, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "field 'kernel_release'"),
	       "a number release: -EINVAL naming the field (%s)", err);
	path = xasprintf("%s/kernels/typed", tmpdir);
	remove_tree(path);
	free(path);

	path = xasprintf("%s/kernels/broken/kernel.json", tmpdir);
	ret = kernel_list(tmpdir, &list, &n, err, sizeof(err));
	tap_ok(ret == -EINVAL && n == 0 && !list && strstr(err, path),
	       "kernel_list: a malformed kernel.json is an error naming it, not a kernel that "
	       "is not there (%s)", err);
	unlink(path);
	free(path);
	put(tmpdir, "kernels/building/config", "");
	ret = kernel_list(tmpdir, &list, &n, err, sizeof(err));
	tap_ok(ret == 0 && n == 1 && !strcmp(list[0].name, "noop"),
	       "kernel_list: the good kernel; a directory without kernel.json skipped (%zu)", n);
	kernel_list_free(list, n);
	path = xasprintf("%s/none", tmpdir);
	ret = kernel_list(path, &list, &n, err, sizeof(err));
	tap_ok(ret == 0 && n == 0, "kernel_list of an absent cache: empty");
	kernel_list_free(list, n);
	free(path);
	sb_release(&sb);
}

/* Method: kbuild_check() on bad input in a temp kernels dir. Pass: refused, nothing made. */
static void test_check(void)
{
	char *kdir = xasprintf("%s/kernels-dir", tmpdir), *cache = xasprintf("%s/cache", tmpdir);
	struct kbuild_opts o = { .name = "x", .kernels_dir = kdir, .cache = cache };
	char err[1024] = "", **names;
	int ret;

	put(kdir, "series/alpha/series", "0001-a.patch\n");
	put(kdir, "series/not-a-series", NULL);
	put(kdir, "config/patchbench.config", "CONFIG_MEMCG=y\n");

	names = kbuild_series_names(kdir);
	tap_ok(strv_len(names) == 2 && !strcmp(names[0], "alpha") && !strcmp(names[1], "vanilla"),
	       "series names: alpha, vanilla (directories without 'series' skipped)");
	strv_free(names);

	o.series = "beta";
	ret = kbuild_check(&o, err, sizeof(err));
	tap_ok(ret == -ENOENT && strstr(err, "unknown series 'beta' (available: alpha, vanilla"),
	       "unknown series lists the available ones: %s", err);
	o.series = "alpha";
	ret = kbuild_check(&o, err, sizeof(err));
	tap_ok(ret == -ENOENT && strstr(err, "lists '0001-a.patch'"),
	       "a series listing a missing patch: %s", err);
	o.series = NULL;
	o.config = FIX "frag-small.config";
	o.fragment = FIX "patch-garbage.out";
	ret = kbuild_check(&o, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "bad config fragment"),
	       "a fragment without settings: %s", err);
	o.fragment = NULL;
	o.config = FIX "series-noop-style";
	ret = kbuild_check(&o, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "bad --config"), "a --config FILE that is no "
	       ".config: %s", err);
	o.config = NULL;
	o.name = "a/b";
	ret = kbuild_check(&o, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "bad kernel name 'a/b'"), "bad name: %s", err);
	o.name = "x";
	o.source = "/nonexistent/linux";
	ret = kbuild_check(&o, err, sizeof(err));
	tap_ok(ret == -ENOENT && strstr(err, "/nonexistent/linux"), "missing source: %s", err);
	tap_ok(!path_exists(cache), "kbuild_check created nothing");
	free(kdir);
	free(cache);
}

int main(void)
{
	int ret;

	tap_plan(50);
	if (!mkdtemp(tmpdir)) {
		tap_diag("mkdtemp failed");
		return 1;
	}
	test_names();
	test_series();
	test_kconfig_small();
	test_large();
	test_kconfig_real();
	test_patch_failure();
	test_kernel_json();
	test_check();
	ret = tap_done();
	remove_tree(tmpdir);
	return ret;
}
