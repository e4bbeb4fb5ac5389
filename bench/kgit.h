/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kgit.h - what patchbench asks of a user's git tree: commit ids, ranges,
 * subjects, and an export of one commit's files. Every call only reads the
 * repository (git rev-parse, rev-list, merge-base, log, archive): no
 * checkout, worktree, ref or index of the user's tree is touched.
 */
#ifndef PB_KGIT_H
#define PB_KGIT_H

#include <stddef.h>

/* Is @dir a git tree or a bare repository git can read? */
int kgit_is_repo(const char *dir);

/*
 * kgit_toplevel - the top of the work tree @dir is in (a bare repository:
 * @dir itself, made absolute); the caller frees it. NULL: not a git tree.
 */
char *kgit_toplevel(const char *dir);

/* Does commit @sha have the top-level entries of a kernel tree (Makefile, mm/)? */
int kgit_is_kernel(const char *repo, const char *sha);

/*
 * kgit_resolve - the commit @ref names in @repo, as 40 hex digits in @sha.
 * 0, or -ENOENT with "'<ref>' is not a commit in '<repo>'" in @err.
 */
int kgit_resolve(const char *repo, const char *ref, char sha[41], char *err, size_t errlen);

/* Is commit @a an ancestor of (or equal to) commit @b? 1 yes, 0 no, -errno. */
int kgit_is_ancestor(const char *repo, const char *a, const char *b);

/*
 * kgit_range - the commits of good..bad along bad's first parents, oldest
 * first (a merge is one step), into *@shas (a NULL-terminated vector of
 * 40-hex ids the caller frees with strv_free()). 0 or -errno.
 */
int kgit_range(const char *repo, const char *good, const char *bad, char ***shas, size_t *n);

/* The subject line of commit @sha; the caller frees it ("(no subject)" if none). */
char *kgit_subject(const char *repo, const char *sha);

/*
 * kgit_export - the files of commit @sha into @dir (created if missing): git
 * archive piped into tar. @log gets what both print. 0, or -EIO (see @log),
 * or -errno. kgit_export_paths() exports only @paths (NULL: all); GNU tar
 * replaces a file that exists by unlinking it first (checked here), so a
 * hard link to it elsewhere keeps its content.
 */
int kgit_export(const char *repo, const char *sha, const char *dir, const char *log);
int kgit_export_paths(const char *repo, const char *sha, char *const *paths, const char *dir,
		      const char *log);

/*
 * kgit_changes - the paths that differ between commits @from and @to
 * (git diff --no-renames): *@changed those added or modified in @to (or of
 * another type), *@deleted those gone; NULL-terminated vectors the caller
 * frees with strv_free(), also on failure. 0 or -errno.
 */
int kgit_changes(const char *repo, const char *from, const char *to, char ***changed,
		 char ***deleted);

#endif
