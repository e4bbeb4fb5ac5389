/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbuild.h - build kernels for A/B runs: a source (ksrc.h), an optional
 * patch series and a config become <cache>/kernels/<name>/{bzImage, config,
 * build.log, kernel.json}, keyed so that an unchanged kernel is not rebuilt.
 *
 * Cache layout (kbuild only ever deletes paths it creates here):
 *
 *	src/<source>/			pristine unpacked source (ksrc.c), never modified
 *	obj/<key>/			O= directory of a vanilla kernel
 *	trees/<tree key>/src/<source>/	a series kernel's tree: "cp -al" of the
 *					pristine tree with the series applied
 *	trees/<tree key>/obj/<key>/	O= directory of a kernel built from it
 *	kernels/<name>/			the result, replaced atomically
 *	logs/<name>.log			the log while <name> builds, and after it failed
 *
 * The tree key hashes the source id and the series; the key hashes
 * source id, series, base config and fragment. Object directories are kept,
 * so a rebuild is an incremental make.
 *
 * One job a file: kparse.c (the pure parsers: names, series files, configs,
 * patch's output), kcache.c (kernel.json and the list of built kernels),
 * kseries.c (the kernels/ directory, a --series and configs resolved to
 * files; kseries.h) and kbuild.c (one build).
 */
#ifndef PB_KBUILD_H
#define PB_KBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct json_writer;

/* kernel.json "schema" this code writes and reads. */
#define KERNEL_SCHEMA 1

/*
 * A built kernel, as recorded in <cache>/kernels/<name>/kernel.json.
 * Every string is owned by the struct: kernel_info_release() frees them.
 * @series and @series_sha256 are NULL for vanilla (no series).
 */
struct kernel_info {
	char *name;
	char *key;		/* 64 hex digits */
	char *source;		/* the source as given, or the default tarball */
	char *source_id;	/* ksrc_id() */
	char *series;		/* series name, or absolute path of a series dir/mbox */
	char *series_sha256;
	char *config;		/* "smoke", "full" or the base config file's path */
	char *config_sha256;	/* of the final .config */
	char *fragment;		/* path of the config fragment merged on top */
	char *release;		/* kernel release, e.g. "6.1.192" */
	char *built_at;		/* ISO 8601 UTC */
	char *tree;		/* source tree it was built from */
	char *objdir;		/* O= directory */
	unsigned patches;	/* number of patches applied */
	double build_seconds;	/* whole build: tree, patches, config, make */
	uint64_t bzimage_bytes;
	char *dir;		/* <cache>/kernels/<name> */
	char *bzimage;		/* <dir>/bzImage */
};

/**
 * kernel_load - read a built kernel from the cache
 * @cache: cache directory, NULL for pb_cache_dir()
 * @name: kernel name
 * @k: filled in; release it with kernel_info_release() (also after an error)
 * @err: one-line reason on failure
 * @errlen: size of @err
 *
 * Return: 0; -ENOENT when it is not built ("kernel 'x' is not built
 * (patchbench build --name x ...)") or its bzImage is gone; -EINVAL for a
 * bad name or an unreadable kernel.json (@err names the file).
 */
int kernel_load(const char *cache, const char *name, struct kernel_info *k, char *err,
		size_t errlen);

/**
 * kernel_info_release - free every string of @k and zero it
 * @k: may be NULL
 */
void kernel_info_release(struct kernel_info *k);

/**
 * kernel_list - every kernel built in a cache
 * @cache: cache directory, NULL for pb_cache_dir()
 * @list: receives a new array, sorted by name; free it with kernel_list_free()
 * @n: receives the number of entries
 * @err: one-line reason on failure, naming the file
 * @errlen: size of @err
 *
 * Directories without a kernel.json (a build in progress) or without their
 * bzImage are skipped; a kernel.json that cannot be read or parsed is an
 * error, not a kernel that is not there. An absent cache is an empty list.
 *
 * Return: 0 or -errno (-EINVAL for a bad kernel.json); on failure the list
 * is empty.
 */
int kernel_list(const char *cache, struct kernel_info **list, size_t *n, char *err,
		size_t errlen);

/**
 * kernel_list_free - release and free an array from kernel_list()
 * @list: may be NULL
 * @n: number of entries
 */
void kernel_list_free(struct kernel_info *list, size_t n);

/**
 * kernel_info_write_json - @k as one JSON object
 * @k: kernel
 * @w: writer the object is appended to
 *
 * The kernel.json fields, plus "dir" and "bzimage" when they are set.
 */
void kernel_info_write_json(const struct kernel_info *k, struct json_writer *w);

/**
 * kernel_info_json - @k as the text of a kernel.json file
 * @k: kernel
 *
 * Return: kernel_info_write_json()'s object and a newline; the caller frees it.
 */
char *kernel_info_json(const struct kernel_info *k);

/*
 * What to build. Only @name is required:
 *	@source		kernel tree or tarball (NULL: KSRC_DEFAULT_TARBALL)
 *	@series		NULL or "vanilla": none; a name under <kernels>/series/;
 *			a directory with a "series" file; or one patch / mbox file
 *	@config		"smoke" (tinyconfig; NULL means this), "full" (defconfig)
 *			or the path of a .config to start from
 *	@fragment	config fragment merged on top (NULL:
 *			<kernels>/config/patchbench.config)
 *	@cache		NULL: pb_cache_dir()
 *	@kernels_dir	the repository's kernels/ (NULL: $PATCHBENCH_KERNELS, else
 *			../kernels next to the binary's directory)
 *	@jobs		make -j (0: number of CPUs)
 *	@rebuild	build even when an identical kernel exists (the patched
 *			tree is recreated, the object directory reused)
 *	@quiet		no progress lines on stderr
 */
struct kbuild_opts {
	const char *name, *source, *series, *config, *fragment, *cache, *kernels_dir;
	int jobs;
	bool rebuild, quiet;
};

/**
 * kbuild_check - validate what kbuild_run() would build, creating nothing
 * @o: what to build
 * @err: one-line reason on failure
 * @errlen: size of @err
 *
 * Checks the name, the series (and that every patch it lists exists), the
 * config, the fragment and the source. Cheap: nothing is hashed or unpacked.
 *
 * Return: 0, or -EINVAL / -ENOENT (bad input).
 */
int kbuild_check(const struct kbuild_opts *o, char *err, size_t errlen);

/**
 * kbuild_run - build a kernel into the cache, unless it is built already
 * @o: what to build
 * @out: may be NULL; on success the kernel, which the caller releases with
 *	 kernel_info_release()
 * @err: one-line reason on failure
 * @errlen: size of @err
 *
 * When a kernel of the same name with the same key exists (and @o->rebuild
 * is not set) it is only loaded. Builds in one cache are serialised by a
 * lock file. Progress goes to stderr unless @o->quiet (or pb_quiet).
 *
 * Return: 0, or
 *	-EINVAL, -ENOENT  bad input, nothing built: see kbuild_check(); also a
 *			  patch that does not apply (@err names the patch file
 *			  and the failing hunk; no tree is left behind)
 *	-EIO		  a step failed: config, the fragment check (@err lists
 *			  the options that did not stick) or the build (the last
 *			  20 lines of the log were printed on stderr; @err names
 *			  the log, which is kept as <cache>/logs/<name>.log)
 *	-EINTR		  SIGINT/SIGTERM/SIGHUP arrived: the children were stopped
 *			  and temporary directories removed
 *	-ENXIO		  /dev/null is not a character device (compiler probes
 *			  would fail at random): nothing built
 *	other -errno	  the cache could not be written
 */
int kbuild_run(const struct kbuild_opts *o, struct kernel_info *out, char *err, size_t errlen);

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
