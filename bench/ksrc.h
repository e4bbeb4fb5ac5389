/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PB_KSRC_H
#define PB_KSRC_H

#include <stddef.h>

/* Debian's linux-source-6.1 package, the default source of every kernel and build. */
#define KSRC_DEFAULT_TARBALL "/usr/src/linux-source-6.1.tar.xz"

/*
 * ksrc_check - is @spec (a kernel tree directory or a .tar* archive; NULL
 * for KSRC_DEFAULT_TARBALL) usable? Cheap: nothing is unpacked.
 * 0, or -errno with a one-line reason in @err.
 */
int ksrc_check(const char *spec, char *err, size_t errlen);

/*
 * ksrc_prepare - the source tree for @spec: the directory itself, or the
 * tarball unpacked once into <@cache>/src/<name> (atomically: unpacked in
 * a temporary directory, then renamed). Prints a progress line when it
 * unpacks. On success *@srcdir is an absolute path the caller frees.
 */
int ksrc_prepare(const char *spec, const char *cache, char **srcdir, char *err, size_t errlen);

/*
 * ksrc_id - what identifies the source in cache keys: for a tarball its
 * name and sha256, for a directory its path and the mtime of its Makefile.
 * The caller frees the string. NULL with errno on failure.
 */
char *ksrc_id(const char *spec);

/* Does @dir look like a kernel tree (Makefile and mm/)? */
int ksrc_is_tree(const char *dir);

#endif
