// SPDX-License-Identifier: GPL-2.0
/*
 * kgit.c - read-only questions to a user's git tree (kgit.h), each one git
 * command with its output captured. GIT_* variables that would point git
 * elsewhere (a calling git's GIT_DIR, say) are cleared for each.
 */
#include "kgit.h"
#include "spawn.h"
#include "strbuf.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const git_env[] = { "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE",
					"GIT_OBJECT_DIRECTORY", "GIT_CEILING_DIRECTORIES",
					"LC_ALL=C", NULL };

/* git -C @repo @args...: its exit code (stdout appended to @out, stderr dropped), or -errno */
static int git(const char *repo, const char *const *args, struct strbuf *out)
{
	const char *argv[16] = { "git", "-C", repo };
	struct child c = CHILD_INIT;
	size_t i;

	for (i = 0; args[i] && i + 4 < ARRAY_SIZE(argv); i++)
		argv[3 + i] = args[i];
	c.argv = (char *const *)argv;
	c.env = git_env;
	c.in = CHILD_NULL;
	c.out = out ? CHILD_CAPTURE : CHILD_NULL;
	c.out_sb = out;
	c.err = CHILD_NULL;
	c.clear_make_env = true;
	c.pdeathsig = SIGTERM;
	return child_run(&c);
}

static void chomp(struct strbuf *sb)
{
	while (sb->len && (sb->buf[sb->len - 1] == '\n' || sb->buf[sb->len - 1] == '\r'))
		sb->buf[--sb->len] = '\0';
}

int kgit_is_repo(const char *dir)
{
	const char *args[] = { "rev-parse", "--git-dir", NULL };

	return is_dir(dir) && git(dir, args, NULL) == 0;
}

char *kgit_toplevel(const char *dir)
{
	struct strbuf out = STRBUF_INIT;
	const char *top[] = { "rev-parse", "--show-toplevel", NULL };
	const char *bare[] = { "rev-parse", "--is-bare-repository", NULL };

	if (!kgit_is_repo(dir))
		return NULL;
	if (git(dir, bare, &out) == 0 && out.buf && !strncmp(out.buf, "true", 4)) {
		sb_release(&out);
		return realpath(dir, NULL);
	}
	sb_reset(&out);
	if (git(dir, top, &out) == 0 && out.len > 1) {
		chomp(&out);
		return sb_detach(&out);
	}
	sb_release(&out);
	return NULL;
}

int kgit_is_kernel(const char *repo, const char *sha)
{
	char *mk = xasprintf("%s:Makefile", sha), *mm = xasprintf("%s:mm", sha);
	const char *a1[] = { "cat-file", "-e", mk, NULL }, *a2[] = { "cat-file", "-e", mm, NULL };
	int ok = git(repo, a1, NULL) == 0 && git(repo, a2, NULL) == 0;

	free(mk);
	free(mm);
	return ok;
}

static bool is_hex40(const char *s, size_t len)
{
	if (len != 40)
		return false;
	return strspn(s, "0123456789abcdef") == 40;
}

int kgit_resolve(const char *repo, const char *ref, char sha[41], char *err, size_t errlen)
{
	struct strbuf out = STRBUF_INIT;
	char *spec = xasprintf("%s^{commit}", ref);
	const char *args[] = { "rev-parse", "--verify", "--quiet", "--end-of-options", spec, NULL };
	int ret = *ref && *ref != '-' ? git(repo, args, &out) : 1;

	chomp(&out);
	if (ret == 0 && out.buf && is_hex40(out.buf, out.len)) {
		memcpy(sha, out.buf, 41);
	} else {
		snprintf(err, errlen, "'%s' is not a commit in '%s'", ref, repo);
		ret = -ENOENT;
	}
	free(spec);
	sb_release(&out);
	return ret < 0 ? ret : 0;
}

int kgit_is_ancestor(const char *repo, const char *a, const char *b)
{
	const char *args[] = { "merge-base", "--is-ancestor", a, b, NULL };
	int ret = git(repo, args, NULL);

	return ret == 0 ? 1 : ret == 1 ? 0 : ret < 0 ? ret : -EIO;
}

int kgit_range(const char *repo, const char *good, const char *bad, char ***shas, size_t *n)
{
	struct strbuf out = STRBUF_INIT;
	char *range = xasprintf("%s..%s", good, bad);
	const char *args[] = { "rev-list", "--reverse", "--first-parent", range, NULL };
	int ret = git(repo, args, &out);

	*shas = NULL;
	*n = 0;
	if (ret == 0) {
		chomp(&out);
		if (!out.len)
			goto out;	/* no commits */
		*shas = strv_split(out.buf, '\n');
		*n = strv_len(*shas);
		for (size_t i = 0; i < *n; i++)
			if (!is_hex40((*shas)[i], strlen((*shas)[i])))
				ret = -EIO;
	} else if (ret > 0) {
		ret = -EIO;
	}
	if (ret) {
		strv_free(*shas);
		*shas = NULL;
		*n = 0;
	}
out:
	free(range);
	sb_release(&out);
	return ret;
}

char *kgit_subject(const char *repo, const char *sha)
{
	struct strbuf out = STRBUF_INIT;
	const char *args[] = { "log", "-1", "--no-show-signature", "--format=%s", sha, NULL };

	if (git(repo, args, &out) == 0) {
		chomp(&out);
		if (out.len)
			return sb_detach(&out);
	}
	sb_release(&out);
	return xstrdup("(no subject)");
}

int kgit_changes(const char *repo, const char *from, const char *to, char ***changed,
		 char ***deleted)
{
	struct strbuf out = STRBUF_INIT;
	const char *args[] = { "diff", "--name-status", "--no-renames", "-z", from, to, "--", NULL };
	size_t nc = 0, nd = 0, i = 0;
	int ret = git(repo, args, &out);

	*changed = xcalloc(1, sizeof(char *));
	*deleted = xcalloc(1, sizeof(char *));
	if (ret) {
		sb_release(&out);
		return ret < 0 ? ret : -EIO;
	}
	/* "<status>\0<path>\0" records: A, M, T (type), D; nothing else without renames */
	while (i < out.len) {
		const char *st = out.buf + i, *path;

		i += strlen(st) + 1;
		if (i >= out.len) {
			ret = -EIO;
			break;
		}
		path = out.buf + i;
		i += strlen(path) + 1;
		if (*st == 'D') {
			*deleted = xrealloc(*deleted, (nd + 2) * sizeof(char *));
			(*deleted)[nd++] = xstrdup(path);
			(*deleted)[nd] = NULL;
		} else if (*st == 'A' || *st == 'M' || *st == 'T') {
			*changed = xrealloc(*changed, (nc + 2) * sizeof(char *));
			(*changed)[nc++] = xstrdup(path);
			(*changed)[nc] = NULL;
		} else {
			ret = -EIO;
			break;
		}
	}
	sb_release(&out);
	return ret;
}

int kgit_export(const char *repo, const char *sha, const char *dir, const char *log)
{
	return kgit_export_paths(repo, sha, NULL, dir, log);
}

int kgit_export_paths(const char *repo, const char *sha, char *const *paths, const char *dir,
		      const char *log)
{
	const char *fixed[] = { "git", "-C", repo, "archive", "--format=tar", sha, "--" };
	const char *targv[] = { "tar", "-x", "-C", dir, "-f", "-", NULL };
	struct child g = CHILD_INIT, t = CHILD_INIT;
	size_t np = paths ? strv_len(paths) : 0, i;
	const char **gargv;
	int p[2], lfd, ret, rg, rt;

	ret = mkdir_p(dir, 0755);
	if (ret)
		return ret;
	lfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (lfd < 0)
		return -errno;
	if (pipe2(p, O_CLOEXEC) < 0) {
		ret = -errno;
		close(lfd);
		return ret;
	}
	gargv = xcalloc(ARRAY_SIZE(fixed) + np + 1, sizeof(*gargv));
	memcpy(gargv, fixed, sizeof(fixed));
	for (i = 0; i < np; i++)
		gargv[ARRAY_SIZE(fixed) + i] = paths[i];
	g.argv = (char *const *)gargv;
	g.env = git_env;
	g.in = CHILD_NULL;
	g.out = CHILD_FD;
	g.out_fd = p[1];
	g.err = CHILD_FD;
	g.err_fd = lfd;
	g.clear_make_env = true;
	g.pdeathsig = SIGTERM;
	t.argv = (char *const *)targv;
	t.in = CHILD_FD;
	t.in_fd = p[0];
	t.out = CHILD_FD;
	t.out_fd = lfd;
	t.err = CHILD_TO_STDOUT;
	t.clear_make_env = true;
	t.pdeathsig = SIGTERM;
	ret = child_start(&t);
	close(p[0]);
	if (ret) {
		close(p[1]);
		close(lfd);
		free(gargv);
		return ret;
	}
	ret = child_start(&g);
	close(p[1]);
	if (ret) {
		child_kill(&t, SIGTERM);
		child_finish(&t);
		close(lfd);
		free(gargv);
		return ret;
	}
	rg = child_finish(&g);
	rt = child_finish(&t);
	close(lfd);
	free(gargv);
	if (rg < 0 && rg != -ETIMEDOUT)
		return rg;
	return rg || rt ? -EIO : 0;
}
