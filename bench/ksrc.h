/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PB_KSRC_H
#define PB_KSRC_H

#include <stdbool.h>
#include <stddef.h>

/* Debian's linux-source-6.1 package, the default source of every kernel and build. */
#define KSRC_DEFAULT_TARBALL "/usr/src/linux-source-6.1.tar.xz"

/*
 * A source @spec is a kernel tree directory, a .tar* archive (NULL:
 * KSRC_DEFAULT_TARBALL), or "git:DIR@REF", a commit of a git tree, which is
 * exported once (git archive) into <cache>/git/<sha>/src/<name>; the user's
 * tree is only read (kgit.h).
 */

/* Is @spec a git:DIR@REF source? */
bool ksrc_is_git(const char *spec);

/*
 * ksrc_check - is @spec usable? Cheap: nothing is unpacked (a git source's
 * ref is resolved).
 * 0, or -errno with a one-line reason in @err.
 */
int ksrc_check(const char *spec, char *err, size_t errlen);

/*
 * ksrc_prepare - the source tree for @spec: the directory itself, the
 * tarball unpacked once into <@cache>/src/<name>, or the commit exported
 * once into <@cache>/git/<sha>/src/<name> (atomically: unpacked in a
 * temporary directory, then renamed). Prints a progress line when it
 * unpacks. On success *@srcdir is an absolute path the caller frees.
 */
int ksrc_prepare(const char *spec, const char *cache, char **srcdir, char *err, size_t errlen);

/*
 * ksrc_id - what identifies the source in cache keys: for a tarball its
 * name and sha256, for a directory its path and the mtime of its Makefile,
 * for a git source "git:<commit id>".
 * The caller frees the string. NULL with errno on failure.
 */
char *ksrc_id(const char *spec);

/* Does @dir look like a kernel tree (Makefile and mm/)? */
int ksrc_is_tree(const char *dir);

#endif
