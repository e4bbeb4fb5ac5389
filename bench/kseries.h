/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kseries.h - a --series and a config resolved to files, for kbuild.c: what
 * is built, checked before anything is created. The public side (kernels
 * directory, shipped series names) is declared in kbuild.h.
 */
#ifndef PB_KSERIES_H
#define PB_KSERIES_H

#include <stddef.h>

/* A resolved --series: nothing (vanilla), a series directory, or one patch file. */
struct kseries {
	char *label;		/* kernel.json "series": NULL, a name or an absolute path */
	char *file;		/* the series file, or the single patch / mbox */
	char **patches;		/* absolute paths, NULL-terminated */
	unsigned n;
};

/**
 * kseries_resolve - find the patches a --series names
 * @spec: NULL, "" or "vanilla" (no series); a series name under @kdir/series;
 *	  a directory with a "series" file; or one patch / mbox file
 * @kdir: the kernels/ directory, or NULL
 * @s: filled in (all zero for vanilla); release with kseries_release()
 * @err: one-line reason on failure
 * @errlen: size of @err
 *
 * Every patch the series lists must exist as a file.
 *
 * Return: 0, -ENOENT (not found) or -EINVAL (not a series or a patch); on
 * failure @s is released.
 */
int kseries_resolve(const char *spec, const char *kdir, struct kseries *s, char *err,
		    size_t errlen);

/**
 * kseries_release - free what kseries_resolve() filled in and zero @s
 * @s: a resolved series
 */
void kseries_release(struct kseries *s);

/**
 * kseries_hash - sha256 of the series file, then of every patch in order
 * @s: a resolved series with at least one patch
 * @hex: receives 64 hex digits and a NUL
 *
 * Return: 0 or -errno from reading a file.
 */
int kseries_hash(const struct kseries *s, char hex[65]);

/**
 * kconfig_file_check - does @path hold a kernel config (at least one setting)?
 * @what: how the user gave it, for @err: "--config" or "config fragment"
 * @path: the file
 * @err: "bad <what> '<path>': <why>" on failure
 * @errlen: size of @err
 *
 * Return: 0, -ENOENT (no such file) or -EINVAL.
 */
int kconfig_file_check(const char *what, const char *path, char *err, size_t errlen);

/**
 * kbuild_kernels_dir - find the repository's kernels/ directory
 * @opt: an explicit directory (--kernels-dir), or NULL
 *
 * @opt if set, else $PATCHBENCH_KERNELS, else <binary's directory>/../kernels.
 *
 * Return: its absolute path, which the caller frees; NULL (errno ENOENT)
 * if that is not a directory.
 */
char *kbuild_kernels_dir(const char *opt);

/**
 * kbuild_series_names - the series shipped in a kernels/ directory
 * @kernels_dir: may be NULL
 *
 * Return: the names of the directories in @kernels_dir/series that hold a
 * "series" file, plus "vanilla", sorted; a NULL-terminated array freed
 * with strv_free().
 */
char **kbuild_series_names(const char *kernels_dir);

#endif
