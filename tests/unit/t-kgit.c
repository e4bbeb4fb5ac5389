// SPDX-License-Identifier: GPL-2.0
/*
 * t-kgit.c - unit tests for bench/kgit.c and the git:DIR@REF sources of
 * bench/ksrc.c, on a real git repository made here: a tiny "kernel tree"
 * (Makefile, mm/) with three commits on the main line and a side branch
 * merged into it, so that the range is first-parent and a merge is one step.
 * Checks: commit ids, ancestry, the range's order, subjects, and that an
 * export holds the commit's files while the repository is left as it was.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kgit.h"
#include "ksrc.h"
#include "strbuf.h"
#include "tap.h"
#include "util.h"

static char repo[256];

/* sh -c @cmd in the repository, identity and date fixed; its exit code */
static int sh(const char *cmd)
{
	char *full = xasprintf("cd '%s' && GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@localhost "
			       "GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@localhost "
			       "GIT_AUTHOR_DATE='2026-12-02T10:00:00Z' "
			       "GIT_COMMITTER_DATE='2026-12-02T10:00:00Z' %s >/dev/null 2>&1",
			       repo, cmd);
	int ret = system(full);

	free(full);
	return ret;
}

static void sha_of(const char *ref, char sha[41])
{
	char err[256];

	if (kgit_resolve(repo, ref, sha, err, sizeof(err)))
		strcpy(sha, "?");
}

/* the whole of `git -C repo @args` on stdout, for comparing before and after */
static char *capture(const char *args)
{
	struct strbuf sb = STRBUF_INIT;
	char *cmd = xasprintf("cd '%s' && git %s", repo, args);
	FILE *p = popen(cmd, "r");
	char buf[512];
	size_t n;

	while (p && (n = fread(buf, 1, sizeof(buf), p)) > 0)
		sb_add(&sb, buf, n);
	if (p)
		pclose(p);
	free(cmd);
	return sb.buf ? sb_detach(&sb) : xstrdup("");
}

int main(void)
{
	char tmpl[] = "/tmp/pb-t-kgit.XXXXXX", *top = mkdtemp(tmpl);
	char c0[41], c1[41], c2[41], side[41], merge[41], sha[41], err[512];
	char *cache, *sub, *t, *before_status, *before_refs, *srcdir = NULL, *spec;
	char **v = NULL;
	size_t n = 0;
	struct strbuf sb = STRBUF_INIT;
	int ret;

	if (!top)
		return tap_skip_all("cannot create a temporary directory");
	if (system("git --version >/dev/null 2>&1"))
		return tap_skip_all("git is not installed (make deps)");
	snprintf(repo, sizeof(repo), "%s/linux.git", top);
	cache = xasprintf("%s/cache", top);
	mkdir_p(repo, 0755);
	if (sh("git init -q -b main . && mkdir mm && echo one > mm/memcontrol.c && "
	       "echo 'all:' > Makefile && git add . && git commit -q -m 'v0: the base' && "
	       "echo two > mm/memcontrol.c && mkdir mm/gone && echo old > mm/gone/old.c && "
	       "git add mm/gone && git commit -q -am 'mm: second' && "
	       "git checkout -q -b side && echo side > mm/side.c && git add mm/side.c && "
	       "git commit -q -m 'mm: on the side' && git checkout -q main && "
	       "echo three > mm/memcontrol.c && git rm -q -r mm/gone && git commit -q -am 'mm: third' && "
	       "git merge -q --no-ff -m 'Merge side' side")) {
		remove_tree(top);
		return tap_skip_all("cannot make a git repository with git");
	}
	tap_plan(27);
	sha_of("HEAD~3", c0);	/* main: v0, second, third, merge; HEAD~3 = v0 */
	sha_of("HEAD~2", c1);
	sha_of("HEAD~1", c2);
	sha_of("side", side);
	sha_of("HEAD", merge);

	tap_ok(kgit_is_repo(repo), "a git tree is a repository");
	tap_ok(!kgit_is_repo(top), "its parent is not");
	sub = xasprintf("%s/mm", repo);
	t = kgit_toplevel(sub);
	tap_ok(t && !strcmp(t, repo), "the top of mm/ is the tree (%s)", t ? t : "NULL");
	free(t);
	free(sub);

	ret = kgit_resolve(repo, "HEAD", sha, err, sizeof(err));
	tap_ok(!ret && strlen(sha) == 40 && !strcmp(sha, merge), "HEAD resolves to 40 hex digits");
	ret = kgit_resolve(repo, "no-such-ref", sha, err, sizeof(err));
	tap_ok(ret == -ENOENT && strstr(err, "'no-such-ref' is not a commit in"),
	       "an unknown ref: -ENOENT and a message (%s)", err);
	ret = kgit_resolve(repo, "--all", sha, err, sizeof(err));
	tap_ok(ret == -ENOENT, "an option is no ref");
	ret = kgit_resolve(repo, "HEAD:Makefile", sha, err, sizeof(err));
	tap_ok(ret == -ENOENT, "a blob is no commit");

	tap_ok(kgit_is_ancestor(repo, c0, merge) == 1, "v0 is an ancestor of the merge");
	tap_ok(kgit_is_ancestor(repo, merge, c0) == 0, "the merge is no ancestor of v0");

	ret = kgit_range(repo, c0, merge, &v, &n);
	tap_ok(!ret && n == 3 && !strcmp(v[0], c1) && !strcmp(v[1], c2) && !strcmp(v[2], merge),
	       "v0..merge: second, third, the merge, oldest first, not the side commit (%zu)", n);
	strv_free(v);
	ret = kgit_range(repo, c2, c2, &v, &n);
	tap_ok(!ret && n == 0 && !v, "an empty range: no commits");

	t = kgit_subject(repo, c1);
	tap_ok(!strcmp(t, "mm: second"), "the subject of a commit (%s)", t);
	free(t);
	tap_ok(kgit_is_kernel(repo, c0), "v0 has Makefile and mm/");

	/* ksrc: git:DIR@REF */
	spec = xasprintf("git:%s@HEAD~2", repo);
	tap_ok(ksrc_is_git(spec) && !ksrc_is_git(repo), "git: specs are git sources");
	tap_ok(ksrc_check(spec, err, sizeof(err)) == 0, "a git source checks (%s)", err);
	t = xasprintf("git:%s/nope@HEAD", top);
	ret = ksrc_check(t, err, sizeof(err));
	tap_ok(ret == -ENOENT && strstr(err, "is not a git tree"), "no repository: %s", err);
	free(t);
	t = xasprintf("git:%s", repo);
	ret = ksrc_check(t, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "git:DIR@REF"), "no ref: %s", err);
	free(t);
	t = ksrc_id(spec);
	free(srcdir);
	srcdir = xasprintf("git:%s", c1);
	tap_ok(t && !strcmp(t, srcdir), "the id is the commit id (%s)", t ? t : "NULL");
	free(t);
	free(srcdir);
	srcdir = NULL;

	before_status = capture("status --porcelain=v1 --branch");
	before_refs = capture("for-each-ref && git worktree list --porcelain");
	ret = ksrc_prepare(spec, cache, &srcdir, err, sizeof(err));
	t = xasprintf("%s/git/%s/src/linux", cache, c1);
	tap_ok(!ret && srcdir && !strcmp(srcdir, t), "exported into <cache>/git/<sha>/src/linux "
	       "(%s)", ret ? err : srcdir);
	free(t);
	t = srcdir ? xasprintf("%s/mm/memcontrol.c", srcdir) : NULL;
	tap_ok(t && !read_file(t, &sb) && sb.buf && !strcmp(sb.buf, "two\n"),
	       "the export holds the commit's files, not the checkout's");
	free(t);
	t = srcdir ? xasprintf("%s/mm/side.c", srcdir) : NULL;
	tap_ok(t && !path_exists(t), "and nothing of later commits");
	free(t);
	/* the merge from the export of v0's child: linked, the changes exported in place */
	{
		char *spec2 = xasprintf("git:%s@HEAD", repo), *dir2 = NULL, *f;
		struct strbuf c = STRBUF_INIT;

		ret = ksrc_prepare(spec2, cache, &dir2, err, sizeof(err));
		f = dir2 ? xasprintf("%s/mm/memcontrol.c", dir2) : NULL;
		tap_ok(!ret && f && !read_file(f, &c) && c.buf && !strcmp(c.buf, "three\n"),
		       "a second commit's export: its own files (%s)", ret ? err : dir2);
		free(f);
		f = dir2 ? xasprintf("%s/mm/side.c", dir2) : NULL;
		tap_ok(f && path_exists(f), "with the files it adds");
		free(f);
		f = dir2 ? xasprintf("%s/mm/gone", dir2) : NULL;
		tap_ok(f && !path_exists(f), "without those it removes, nor their empty directory");
		free(f);
		f = srcdir ? xasprintf("%s/mm/memcontrol.c", srcdir) : NULL;
		sb_reset(&c);
		tap_ok(f && !read_file(f, &c) && c.buf && !strcmp(c.buf, "two\n"),
		       "the first export, whose files it links, is unchanged");
		free(f);
		f = srcdir ? xasprintf("%s/mm/gone/old.c", srcdir) : NULL;
		tap_ok(f && path_exists(f), "and keeps the files the second removed");
		free(f);
		sb_release(&c);
		free(dir2);
		free(spec2);
	}
	t = capture("status --porcelain=v1 --branch");
	{
		char *r = capture("for-each-ref && git worktree list --porcelain");

		tap_ok(!strcmp(t, before_status) && !strcmp(r, before_refs),
		       "the repository is as it was: status, refs, worktrees");
		free(r);
	}
	free(t);
	free(before_status);
	free(before_refs);
	free(srcdir);
	free(spec);
	sb_release(&sb);
	free(cache);
	remove_tree(top);
	return tap_done();
}
