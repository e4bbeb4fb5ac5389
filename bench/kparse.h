/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kparse.h - the pure parsers of kernel builds (kparse.c): kernel names,
 * quilt series files, config fragments against a .config, and patch(1)'s
 * output. Buffers in, results out: no files, no processes.
 */
#ifndef PB_KPARSE_H
#define PB_KPARSE_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf;

/**
 * kbuild_name_ok - is @name usable as a kernel name?
 * @name: may be NULL
 *
 * Return: true for 1-64 of [A-Za-z0-9._-], not starting with '.' and not
 * ending in ".tmp" (the suffix of temporary directories).
 */
bool kbuild_name_ok(const char *name);

/**
 * kseries_parse - the patch names of a quilt-style "series" file
 * @buf: file contents
 * @len: length of @buf
 * @names: on success a NULL-terminated array, freed with strv_free()
 * @err: "line N: ..." on failure
 * @errlen: size of @err
 *
 * One name per line; blank lines and "#" comments (also after a name) are
 * skipped and "-p1" after a name is accepted. Names must not contain "/"
 * and must not repeat.
 *
 * Return: the number of patches, or -EINVAL (also for a series without any).
 */
int kseries_parse(const char *buf, size_t len, char ***names, char *err, size_t errlen);

/**
 * kconfig_check - which settings of a config fragment did not stick
 * @frag: the fragment's text
 * @fraglen: its length
 * @cfg: the final .config's text
 * @cfglen: its length
 * @missing: one "CONFIG_X=v (got: ...)" per miss is appended, ", " between
 * @checked: receives the number of settings checked; may be NULL
 *
 * A "CONFIG_X=v" line must be in @cfg exactly; a "# CONFIG_X is not set"
 * line must not be set to anything. When the fragment sets an option twice
 * only the last line counts, as in merge_config.sh.
 *
 * Return: the number of misses.
 */
unsigned kconfig_check(const char *frag, size_t fraglen, const char *cfg, size_t cfglen,
		       struct strbuf *missing, unsigned *checked);

/**
 * kpatch_failure - why GNU patch refused a patch
 * @out: patch's output (run with LC_ALL=C)
 * @outlen: its length
 * @patch: the patch text, or NULL
 * @patchlen: its length
 *
 * E.g. "mm/memcontrol.c: Hunk #2 FAILED at 585"; with @patch the hunk's
 * "@@ ... @@ context" line is added in parentheses. Several problems are
 * joined with "; ".
 *
 * Return: the summary, never NULL; the caller frees it.
 */
char *kpatch_failure(const char *out, size_t outlen, const char *patch, size_t patchlen);

/**
 * kpatch_hunk_header - the header line of one hunk of a patch
 * @buf: the patch text
 * @len: its length
 * @file: the file as "patch -p1" names it, e.g. "mm/memcontrol.c"
 * @n: hunk number in that file's diff, from 1
 *
 * Return: the "@@ -a,b +c,d @@ ..." line, which the caller frees, or NULL.
 */
char *kpatch_hunk_header(const char *buf, size_t len, const char *file, unsigned n);

#endif
