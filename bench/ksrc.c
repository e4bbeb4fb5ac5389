// SPDX-License-Identifier: GPL-2.0
/*
 * ksrc.c - where kernel sources come from: a tree on disk, or a tarball
 * (Debian's linux-source-6.1 by default) unpacked once into the cache.
 * Shared by the kernelbuild workload and "patchbench build".
 */
#include "ksrc.h"
#include "kgit.h"
#include "sha256.h"
#include "spawn.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ksrc_is_tree(const char *dir)
{
	char *mk = xasprintf("%s/Makefile", dir), *mm = xasprintf("%s/mm", dir);
	int ok = path_exists(mk) && is_dir(mm);

	free(mk);
	free(mm);
	return ok;
}

static int is_tarball(const char *p)
{
	return strstr(p, ".tar") != NULL;
}

/* A tree made in a temporary directory, @top, renamed to @srcdir: 0 or -errno with @err. */
static int install_tree(const char *top, const char *srcdir, char *err, size_t errlen)
{
	char *parent = xstrndup(srcdir, strrchr(srcdir, '/') - srcdir);
	int ret = mkdir_p(parent, 0755);

	free(parent);
	if (!ret && rename(top, srcdir) < 0)
		ret = -errno;
	if (ret)
		snprintf(err, errlen, "cannot rename '%s' to '%s': %s", top, srcdir,
			 strerror(-ret));
	return ret;
}

/*
 * "git:DIR@REF": the repository and the ref, which the caller frees; the
 * last '@' splits them (a ref has none of its own: "@{...}" is no commit
 * name here). 0, or -EINVAL with the reason in @err.
 */
static int git_spec(const char *spec, char **repo, char **ref, char *err, size_t errlen)
{
	const char *at = strrchr(spec, '@');

	*repo = *ref = NULL;
	if (!at || at == spec + 4 || !at[1]) {
		snprintf(err, errlen, "kernel source '%s': a git source is git:DIR@REF "
			 "(a git tree and a commit)", spec);
		return -EINVAL;
	}
	*repo = xstrndup(spec + 4, at - (spec + 4));
	*ref = xstrdup(at + 1);
	return 0;
}

bool ksrc_is_git(const char *spec)
{
	return spec && !strncmp(spec, "git:", 4);
}

/* The commit of git:DIR@REF into @sha (and the repository, which the caller frees). */
static int git_commit(const char *spec, char **repo_out, char sha[41], char *err, size_t errlen)
{
	char *repo, *ref;
	int ret = git_spec(spec, &repo, &ref, err, errlen);

	if (ret)
		return ret;
	if (!kgit_is_repo(repo)) {
		snprintf(err, errlen, "kernel source '%s': '%s' is not a git tree", spec, repo);
		ret = is_dir(repo) ? -EINVAL : -ENOENT;
	} else {
		ret = kgit_resolve(repo, ref, sha, err, errlen);
	}
	free(ref);
	if (ret || !repo_out)
		free(repo);
	else
		*repo_out = repo;
	return ret;
}

/*
 * The export of a commit: <cache>/git/<sha>/src/<name>, <name> the
 * repository's directory name ("linux" for ~/src/linux or ~/src/linux.git),
 * the same for every commit of one repository: kbuild builds it in
 * <cache>/git/<sha>/obj/<key> with CCACHE_BASEDIR at <cache>/git/<sha>, so
 * the compile commands of every commit are the same text and ccache hits.
 */
static char *git_export_dir(const char *cache, const char *repo, const char *sha)
{
	char *real = realpath(repo, NULL), *name, *dot, *dir;
	const char *b;

	if (!real)
		real = xstrdup(repo);
	while (strlen(real) > 1 && real[strlen(real) - 1] == '/')
		real[strlen(real) - 1] = '\0';
	if (!strcmp(path_base(real), ".git") && strrchr(real, '/') != real)
		*strrchr(real, '/') = '\0';
	b = path_base(real);
	name = xstrdup(*b && strcmp(b, "/") ? b : "linux");
	dot = strstr(name, ".git");
	if (dot && dot != name && !dot[4])
		*dot = '\0';
	dir = xasprintf("%s/git/%s/src/%s", cache, sha, name);
	free(name);
	free(real);
	return dir;
}

/*
 * Make @srcdir once: the tarball @src unpacked, or commit @sha of @repo
 * exported, in the temporary directory @tmp (ours, removed after), then
 * renamed into place. 0 or -errno with @err.
 */
static int make_tree(const char *src, const char *repo, const char *sha, const char *srcdir,
		     const char *tmp, char *err, size_t errlen)
{
	char *top = xasprintf("%s/%s", tmp, path_base(srcdir)), *log = xasprintf("%s.log", tmp);
	char d[32];
	int64_t t = now_ns();
	int ret;

	remove_tree(tmp);	/* left by a process of this pid that was killed */
	ret = mkdir_p(tmp, 0755);
	if (ret) {
		snprintf(err, errlen, "cannot create '%s': %s", tmp, strerror(-ret));
		goto out;
	}
	if (repo) {
		pr_info("exporting commit %.12s of %s into %s (once)", sha, repo, srcdir);
		ret = kgit_export(repo, sha, top, log);
	} else {
		char *argv[] = { "tar", "-xf", (char *)src, "-C", (char *)tmp, NULL };

		pr_info("unpacking %s into %s (once)", src, srcdir);
		ret = run_logged(argv, log);
	}
	if (ret) {
		if (repo)
			snprintf(err, errlen, "cannot export commit %.12s of '%s' (git archive | "
				 "tar: see '%s')", sha, repo, log);
		else
			snprintf(err, errlen, "cannot unpack '%s' (see '%s')", src, log);
		goto out;
	}
	if (!ksrc_is_tree(top)) {
		if (repo)
			snprintf(err, errlen, "commit %.12s of '%s' is not a kernel tree (no "
				 "Makefile and mm/)", sha, repo);
		else
			snprintf(err, errlen, "'%s' does not unpack to a kernel tree '%s/'", src,
				 path_base(srcdir));
		ret = -EINVAL;
		goto out;
	}
	ret = install_tree(top, srcdir, err, errlen);
	if (ret)
		goto out;
	unlink(log);
	pr_info("%s in %s", repo ? "exported" : "unpacked",
		fmt_duration(d, sizeof(d), now_ns() - t));
out:
	remove_tree(tmp);
	free(top);
	free(log);
	return ret;
}

/*
 * An export of another commit with the same tree name, <cache>/git/<sha>/src/
 * <name> (its 40-hex id into @sibsha), or NULL; the caller frees it.
 */
static char *git_sibling(const char *cache, const char *srcdir, const char *sha,
			 char sibsha[41])
{
	char *gitdir = xasprintf("%s/git", cache), *found = NULL;
	DIR *d = opendir(gitdir);
	struct dirent *e;

	while (d && !found && (e = readdir(d))) {
		char *cand;

		if (strlen(e->d_name) != 40 || strspn(e->d_name, "0123456789abcdef") != 40 ||
		    !strcmp(e->d_name, sha))
			continue;
		cand = xasprintf("%s/%s/src/%s", gitdir, e->d_name, path_base(srcdir));
		if (ksrc_is_tree(cand)) {
			found = cand;
			memcpy(sibsha, e->d_name, 41);
		} else {
			free(cand);
		}
	}
	if (d)
		closedir(d);
	free(gitdir);
	return found;
}

/* The most changed paths an export from a sibling takes on (more: a whole export). */
#define GIT_SIBLING_MAX_PATHS 4000

/*
 * Commit @sha from the export @sib of commit @sibsha: a hard-link copy
 * (cp -al) with the paths that differ removed and those of @sha exported
 * in their place (git archive sha -- paths), in @tmp, then renamed. A few
 * seconds and a few megabytes instead of ~25 s and ~1.5 GB for the 6.1
 * tree. 0, or -errno: the caller exports the whole commit instead.
 */
static int git_from_sibling(const char *repo, const char *sha, const char *sib,
			    const char *sibsha, const char *srcdir, const char *tmp)
{
	char *top = xasprintf("%s/%s", tmp, path_base(srcdir)), *log = xasprintf("%s.log", tmp);
	char **changed = NULL, **deleted = NULL, err[512], d[32];
	int64_t t = now_ns();
	size_t i;
	int ret;

	remove_tree(tmp);
	ret = kgit_changes(repo, sibsha, sha, &changed, &deleted);
	if (!ret && strv_len(changed) + strv_len(deleted) > GIT_SIBLING_MAX_PATHS)
		ret = -E2BIG;
	if (!ret)
		ret = mkdir_p(tmp, 0755);
	if (!ret) {
		char *argv[] = { "cp", "-al", (char *)sib, top, NULL };

		ret = run_logged(argv, log);
	}
	for (i = 0; !ret && deleted[i]; i++) {
		char *p = xasprintf("%s/%s", top, deleted[i]);

		if (unlink(p) < 0 && errno != ENOENT)
			ret = -errno;
		/* and the directories it leaves empty, as an export would not have them */
		while (!ret && strrchr(p, '/') > p + strlen(top)) {
			*strrchr(p, '/') = '\0';
			if (rmdir(p) < 0)
				break;
		}
		free(p);
	}
	/* unlinked first: the new files must not be written through the links */
	for (i = 0; !ret && changed[i]; i++) {
		char *p = xasprintf("%s/%s", top, changed[i]);

		if (unlink(p) < 0 && errno != ENOENT)
			ret = errno == EISDIR ? remove_tree(p) : -errno;
		free(p);
	}
	if (!ret && changed[0])
		ret = kgit_export_paths(repo, sha, changed, top, log);
	if (!ret && !ksrc_is_tree(top))
		ret = -EINVAL;
	if (!ret)
		ret = install_tree(top, srcdir, err, sizeof(err));
	if (!ret) {
		unlink(log);
		pr_info("made from the export of %.12s (%zu paths changed, %zu removed) in %s",
			sibsha, strv_len(changed), strv_len(deleted),
			fmt_duration(d, sizeof(d), now_ns() - t));
	}
	remove_tree(tmp);
	strv_free(changed);
	strv_free(deleted);
	free(top);
	free(log);
	return ret;
}

static int git_prepare(const char *spec, const char *cache, char **srcdir_out, char *err,
		       size_t errlen)
{
	char sha[41], sibsha[41], *repo = NULL, *srcdir, *tmp, *sib;
	int ret = git_commit(spec, &repo, sha, err, errlen);

	if (ret)
		return ret;
	srcdir = git_export_dir(cache, repo, sha);
	tmp = xasprintf("%s/git/%s/.export-%d", cache, sha, (int)getpid());
	if (!ksrc_is_tree(srcdir) && (sib = git_sibling(cache, srcdir, sha, sibsha))) {
		pr_info("exporting commit %.12s of %s into %s from the export of %.12s", sha, repo,
			srcdir, sibsha);
		if (git_from_sibling(repo, sha, sib, sibsha, srcdir, tmp))
			pr_info("cannot make it from %.12s: exporting the whole commit", sibsha);
		free(sib);
	}
	if (!ksrc_is_tree(srcdir))
		ret = make_tree(NULL, repo, sha, srcdir, tmp, err, errlen);
	if (ret)
		free(srcdir);
	else
		*srcdir_out = srcdir;
	free(tmp);
	free(repo);
	return ret;
}

int ksrc_check(const char *spec, char *err, size_t errlen)
{
	const char *src = spec ? spec : KSRC_DEFAULT_TARBALL;
	char sha[41];

	if (ksrc_is_git(src))
		return git_commit(src, NULL, sha, err, errlen);
	if (is_dir(src)) {
		if (!ksrc_is_tree(src)) {
			snprintf(err, errlen, "kernel source '%s' is not a kernel tree "
				 "(no Makefile and mm/)", src);
			return -EINVAL;
		}
		return 0;
	}
	if (!path_exists(src)) {
		snprintf(err, errlen, "kernel source '%s' not found%s", src,
			 spec ? "" : " (install linux-source-6.1: make deps; or pass --source DIR)");
		return -ENOENT;
	}
	if (!is_tarball(src)) {
		snprintf(err, errlen, "kernel source '%s' is neither a directory nor a .tar archive",
			 src);
		return -EINVAL;
	}
	return 0;
}

int ksrc_prepare(const char *spec, const char *cache, char **srcdir_out, char *err,
		 size_t errlen)
{
	const char *src = spec ? spec : KSRC_DEFAULT_TARBALL;
	char *base, *srcdir, *tmp, *dot;
	int ret;

	if (ksrc_is_git(src))
		return git_prepare(src, cache, srcdir_out, err, errlen);
	ret = ksrc_check(spec, err, errlen);
	if (ret)
		return ret;
	if (is_dir(src)) {
		*srcdir_out = realpath(src, NULL);
		if (!*srcdir_out) {
			ret = -errno;
			snprintf(err, errlen, "cannot resolve '%s': %s", src, strerror(errno));
		}
		return ret;
	}
	base = xstrdup(path_base(src));
	dot = strstr(base, ".tar");
	*dot = '\0';
	srcdir = xasprintf("%s/src/%s", cache, base);
	tmp = xasprintf("%s/src/.unpack-%d", cache, (int)getpid());
	if (!ksrc_is_tree(srcdir))
		ret = make_tree(src, NULL, NULL, srcdir, tmp, err, errlen);
	if (ret)
		free(srcdir);
	else
		*srcdir_out = srcdir;
	free(tmp);
	free(base);
	return ret;
}

char *ksrc_id(const char *spec)
{
	const char *src = spec ? spec : KSRC_DEFAULT_TARBALL;
	char *real, *id;
	char hex[65], err[512];
	struct stat st;
	int ret;

	if (ksrc_is_git(src)) {
		ret = git_commit(src, NULL, hex, err, sizeof(err));
		if (ret) {
			errno = -ret;
			return NULL;
		}
		return xasprintf("git:%s", hex);
	}
	real = realpath(src, NULL);
	if (!real)
		return NULL;
	if (is_dir(real)) {
		char *mk = xasprintf("%s/Makefile", real);

		ret = stat(mk, &st);
		free(mk);
		id = ret ? NULL : xasprintf("dir:%s:%lld", real, (long long)st.st_mtime);
		free(real);
		return id;
	}
	ret = sha256_file(real, hex);
	if (ret) {
		free(real);
		errno = -ret;
		return NULL;
	}
	id = xasprintf("tarball:%s:%s", strrchr(real, '/') + 1, hex);
	free(real);
	return id;
}
